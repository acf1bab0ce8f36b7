"""Finite diagrams of ACSets: named objects and named arrows between them.

A :class:`FinDiagram` is a functor ``D: J -> C-Set`` from the free category on a finite
graph ``J`` (parallel arrows and cycles allowed): each object name carries an ACSet and
each arrow name carries an :class:`ACSetTransformation` between the ACSets at its ends.
Colimits (:mod:`catlearn.acsets.colimits`) and limits (:mod:`catlearn.acsets.limits`)
take diagrams; a cocone or cone over ``D`` only has to commute with the arrows of ``J``
(composites then commute by themselves).

>>> from catlearn.acsets.morphism import ACSetTransformation
>>> A = ACSet(SchGraph); _ = A.add_parts("V", 1)
>>> B = ACSet(SchGraph); _ = B.add_parts("V", 2)
>>> f = ACSetTransformation(A, B, V=[0]); g = ACSetTransformation(A, B, V=[1])
>>> D = FinDiagram({"A": A, "B": B}, {"f": ("A", "B", f), "g": ("A", "B", g)})
>>> D.names, D.arrow_names, D.arrows_out("A")
(('A', 'B'), ('f', 'g'), ('f', 'g'))
>>> FinDiagram({"A": A, "B": B}, {"h": ("B", "A", f)})
Traceback (most recent call last):
...
catlearn.errors.DiagramError: diagram: arrow 'h': B -> A: the domain of its map is
SchGraph(V=1, E=0), but the diagram object 'B' is SchGraph(V=2, E=0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np

from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.morphism import ACSetTransformation, describe
from catlearn.acsets.schema import Schema
from catlearn.acsets.values import isequal
from catlearn.errors import (
    COCONE_FAILS,
    CONE_FAILS,
    DIAGRAM_DUPLICATE,
    DIAGRAM_END_MISMATCH,
    DIAGRAM_NO_SCHEMA,
    DIAGRAM_NOT_ACSET,
    DIAGRAM_NOT_MAP,
    DIAGRAM_SCHEMA,
    DIAGRAM_UNKNOWN_END,
    LEG_NOT_MAP,
    LEG_WRONG_END,
    LEGS_APEX,
    LEGS_COUNT,
    LEGS_UNKNOWN,
    SCHEMA_MISMATCH,
    CatlearnError,
    DiagramError,
    SchemaError,
)

__all__ = ["DiagramArrow", "FinDiagram", "Diagram", "universal", "same_acset",
           "collect_legs", "check_commutes", "fill_acset", "fill_apex", "other_apex",
           "stable_argsort", "grouped_search"]


def same_acset(X: ACSet, Y: ACSet) -> bool:
    """Whether two ACSets are the same object (identical, or equal as values).

    >>> same_acset(ACSet(SchGraph), ACSet(SchGraph))
    True
    """
    return X is Y or X == Y


class DiagramArrow(NamedTuple):
    """An arrow of a diagram: the names of its ends and the transformation it carries.

    >>> from catlearn.acsets.morphism import identity
    >>> DiagramArrow("A", "A", identity(ACSet(SchGraph))).src
    'A'
    """

    src: str
    tgt: str
    map: ACSetTransformation


class FinDiagram:
    """A finite diagram of ACSets: ``objects`` maps names to ACSets, ``arrows`` maps names
    to ``(src name, tgt name, ACSetTransformation)``.

    Every object must have the same schema; every arrow's map must go from the ACSet at
    its source to the ACSet at its target (identical or equal as values). ``schema`` is
    needed only for the empty diagram.

    >>> D = FinDiagram({"X": ACSet(SchGraph)})
    >>> len(D), D.schema.name
    (1, 'SchGraph')
    >>> len(FinDiagram({}, schema=SchGraph))
    0
    """

    __slots__ = ("objects", "arrows", "schema")

    def __init__(self, objects: Mapping[str, ACSet] | Iterable[tuple[str, ACSet]],
                 arrows: Mapping[str, tuple[str, str, ACSetTransformation]]
                 | Iterable[tuple[str, tuple[str, str, ACSetTransformation]]] = (),
                 schema: Schema | None = None) -> None:
        objs = dict(objects.items() if isinstance(objects, Mapping) else objects)
        arrs = dict(arrows.items() if isinstance(arrows, Mapping) else arrows)
        for name, X in objs.items():
            if not isinstance(X, ACSet):
                raise DiagramError(DIAGRAM_NOT_ACSET.format(
                    name=name, got=type(X).__name__))
        if schema is None:
            if not objs:
                raise DiagramError(DIAGRAM_NO_SCHEMA.format(what="FinDiagram"))
            schema = next(iter(objs.values())).schema
        for name, X in objs.items():
            if X.schema != schema:
                raise DiagramError(DIAGRAM_SCHEMA.format(
                    name=name, got=X.schema.name, expected=schema.name))
        checked: dict[str, DiagramArrow] = {}
        for a, value in arrs.items():
            checked[a] = self._check_arrow(a, value, objs)
        self.objects: dict[str, ACSet] = objs
        self.arrows: dict[str, DiagramArrow] = checked
        self.schema: Schema = schema

    @staticmethod
    def _check_arrow(a: str, value: Any, objs: dict[str, ACSet]) -> DiagramArrow:
        if a in objs:
            raise DiagramError(DIAGRAM_DUPLICATE.format(name=a))
        try:
            src, tgt, m = value
        except (TypeError, ValueError):
            raise DiagramError(
                f"diagram: arrow {a!r} must be given as (src name, tgt name, "
                f"ACSetTransformation), not {value!r}") from None
        if not isinstance(m, ACSetTransformation):
            raise DiagramError(DIAGRAM_NOT_MAP.format(
                arrow=a, got=type(m).__name__))
        names = ", ".join(repr(n) for n in objs)
        for end, name in (("source", src), ("target", tgt)):
            if name not in objs:
                raise DiagramError(DIAGRAM_UNKNOWN_END.format(
                    arrow=a, end=end, name=name, objects=names or "none"))
        for end, name, X in (("domain", src, m.dom), ("codomain", tgt, m.codom)):
            if not same_acset(X, objs[name]):
                raise DiagramError(DIAGRAM_END_MISMATCH.format(
                    arrow=a, src=src, tgt=tgt, end=end, got=describe(X), name=name,
                    expected=describe(objs[name])))
        return DiagramArrow(str(src), str(tgt), m)

    # ------------------------------------------------------------------ shapes
    @classmethod
    def discrete(cls, *Xs: ACSet, schema: Schema | None = None) -> FinDiagram:
        """The diagram with objects ``X0, X1, ...`` and no arrows (for coproducts/products).

        >>> FinDiagram.discrete(ACSet(SchGraph), ACSet(SchGraph)).names
        ('X0', 'X1')
        """
        return cls({f"X{i}": X for i, X in enumerate(Xs)}, {}, schema=schema)

    @classmethod
    def parallel(cls, f: ACSetTransformation, g: ACSetTransformation) -> FinDiagram:
        """The diagram ``f, g: A ⇉ B`` (for coequalizers and equalizers).

        >>> from catlearn.acsets.morphism import identity
        >>> i = identity(ACSet(SchGraph)); FinDiagram.parallel(i, i).arrow_names
        ('f', 'g')
        """
        _same_schema("parallel pair", f, g)
        if not same_acset(f.dom, g.dom) or not same_acset(f.codom, g.codom):
            raise DiagramError(
                f"parallel pair: f: {describe(f.dom)} -> {describe(f.codom)} and "
                f"g: {describe(g.dom)} -> {describe(g.codom)} are not parallel")
        return cls({"A": f.dom, "B": f.codom}, {"f": ("A", "B", f), "g": ("A", "B", g)})

    @classmethod
    def span(cls, f: ACSetTransformation, g: ACSetTransformation) -> FinDiagram:
        """The span ``B <-f- A -g-> C`` (for pushouts).

        >>> from catlearn.acsets.morphism import identity
        >>> i = identity(ACSet(SchGraph)); FinDiagram.span(i, i).names
        ('A', 'B', 'C')
        """
        _same_schema("span", f, g)
        if not same_acset(f.dom, g.dom):
            raise DiagramError(
                f"span: f and g must have the same domain, got {describe(f.dom)} and "
                f"{describe(g.dom)}")
        return cls({"A": f.dom, "B": f.codom, "C": g.codom},
                   {"f": ("A", "B", f), "g": ("A", "C", g)})

    @classmethod
    def cospan(cls, f: ACSetTransformation, g: ACSetTransformation) -> FinDiagram:
        """The cospan ``B -f-> D <-g- C`` (for pullbacks).

        >>> from catlearn.acsets.morphism import identity
        >>> i = identity(ACSet(SchGraph)); FinDiagram.cospan(i, i).names
        ('B', 'C', 'D')
        """
        _same_schema("cospan", f, g)
        if not same_acset(f.codom, g.codom):
            raise DiagramError(
                f"cospan: f and g must have the same codomain, got {describe(f.codom)} and "
                f"{describe(g.codom)}")
        return cls({"B": f.dom, "C": g.dom, "D": f.codom},
                   {"f": ("B", "D", f), "g": ("C", "D", g)})

    # ------------------------------------------------------------------ queries
    @property
    def names(self) -> tuple[str, ...]:
        """The object names, in order."""
        return tuple(self.objects)

    @property
    def arrow_names(self) -> tuple[str, ...]:
        """The arrow names, in order."""
        return tuple(self.arrows)

    def __getitem__(self, name: str) -> ACSet:
        try:
            return self.objects[name]
        except KeyError:
            raise DiagramError(LEGS_UNKNOWN.format(
                what="diagram", name=name, names=", ".join(map(repr, self.objects))
            )) from None

    def __len__(self) -> int:
        return len(self.objects)

    def arrow(self, name: str) -> DiagramArrow:
        """The arrow called ``name``."""
        try:
            return self.arrows[name]
        except KeyError:
            raise DiagramError(f"diagram has no arrow {name!r} (arrows: "
                               f"{', '.join(map(repr, self.arrows)) or 'none'})") from None

    def arrows_out(self, name: str) -> tuple[str, ...]:
        """The names of the arrows whose source is ``name``."""
        return tuple(a for a, arr in self.arrows.items() if arr.src == name)

    def arrows_in(self, name: str) -> tuple[str, ...]:
        """The names of the arrows whose target is ``name``."""
        return tuple(a for a, arr in self.arrows.items() if arr.tgt == name)

    def __repr__(self) -> str:
        obs = ", ".join(f"{n}: {describe(X)}" for n, X in self.objects.items())
        arrs = ", ".join(f"{a}: {arr.src} -> {arr.tgt}" for a, arr in self.arrows.items())
        return f"FinDiagram({obs}; {arrs})" if arrs else f"FinDiagram({obs})"


Diagram = FinDiagram


def _same_schema(what: str, f: ACSetTransformation, g: ACSetTransformation) -> None:
    for m in (f, g):
        if not isinstance(m, ACSetTransformation):
            raise DiagramError(f"{what}: expected ACSetTransformations, got "
                               f"{type(m).__name__}")
    if f.schema != g.schema:
        raise SchemaError(SCHEMA_MISMATCH.format(
            what=what, left=f.schema.name, right=g.schema.name))


class LegFamily:
    """An apex with a leg per object of a diagram: the shared part of cones and cocones.

    ``legs`` lists the legs at ``feet``; :meth:`leg` gives the leg at any object.
    Subclasses add ``universal``.
    """

    __slots__ = ("diagram", "apex", "feet", "_legs")
    #: "cone" or "cocone", for messages.
    kind = "family"

    def __init__(self, diagram: FinDiagram, apex: ACSet,
                 legs: Mapping[str, ACSetTransformation],
                 feet: Sequence[str] | None = None) -> None:
        self.diagram = diagram
        self.apex = apex
        self.feet: tuple[str, ...] = tuple(diagram.names if feet is None else feet)
        self._legs = dict(legs)

    @property
    def legs(self) -> tuple[ACSetTransformation, ...]:
        """The legs at the feet, in order."""
        return tuple(self._legs[n] for n in self.feet)

    def leg(self, name: str) -> ACSetTransformation:
        """The leg at the diagram object ``name`` (feet or not).

        >>> from catlearn.acsets import ACSet, SchGraph, coproduct
        >>> X = ACSet(SchGraph); _ = X.add_parts("V", 1)
        >>> coproduct(X, X).leg("X1")["V"].tolist()
        [1]
        """
        if name not in self._legs:
            raise DiagramError(LEGS_UNKNOWN.format(
                what=self.kind, name=name, names=", ".join(map(repr, self._legs))))
        return self._legs[name]


class HasUniversal(Protocol):
    """Anything with universal data: a :class:`Cocone` or a :class:`Cone`."""

    def universal(self, other_legs: Sequence[ACSetTransformation]
                  | Mapping[str, ACSetTransformation] = (),
                  apex: ACSet | None = None) -> ACSetTransformation:
        """The unique mediating map to (from) another cocone (cone) over the diagram."""
        ...


def universal(cone_or_cocone: HasUniversal,
              other_legs: Sequence[ACSetTransformation]
              | Mapping[str, ACSetTransformation] = (),
              apex: ACSet | None = None) -> ACSetTransformation:
    """The unique map from a colimit's apex to another cocone's apex (or from another
    cone's apex to a limit's apex) that makes every triangle commute; checked.
    ``apex`` (the other cocone's or cone's apex) is needed only over the empty diagram.

    >>> from catlearn.acsets.colimits import coproduct
    >>> X = ACSet(SchGraph); _ = X.add_parts("V", 1)
    >>> c = coproduct(X, X)
    >>> universal(c, c.legs)["V"].tolist()
    [0, 1]
    """
    return cone_or_cocone.universal(other_legs, apex)


# C901, PLR0912: one check per case; splitting it would scatter one rule
def collect_legs(diagram: FinDiagram, feet: Sequence[str],  # noqa: C901, PLR0912
                 other_legs: Sequence[ACSetTransformation] | Mapping[str, ACSetTransformation],
                 what: str, cocone: bool) -> dict[str, ACSetTransformation]:
    """Check and name the legs of a would-be cocone (``cocone=True``) or cone.

    ``other_legs`` is a sequence aligned with ``feet`` or a mapping from object names
    (the feet, or any objects). Every leg must start (cocone) or end (cone) at its
    diagram object, and all legs must share the other end. The legs at objects that are
    not given are derived along arrows out of (cocone) or into (cone) known objects.

    >>> from catlearn.acsets.morphism import identity
    >>> X = ACSet(SchGraph); D = FinDiagram({"X": X})
    >>> sorted(collect_legs(D, ["X"], [identity(X)], "test", True))
    ['X']
    >>> collect_legs(D, ["X"], [], "test", True)
    Traceback (most recent call last):
    ...
    catlearn.errors.DiagramError: test: expected 1 legs (for 'X'), got 0
    """
    names = ", ".join(map(repr, diagram.names)) or "none"
    if isinstance(other_legs, Mapping):
        given = dict(other_legs)
        for name in given:
            if name not in diagram.objects:
                raise DiagramError(LEGS_UNKNOWN.format(
                    what=what, name=name, names=names))
        missing = [n for n in feet if n not in given]
        if missing:
            raise DiagramError(LEGS_COUNT.format(
                what=what, n=len(feet), names=", ".join(map(repr, feet)), got=len(given))
                + f" (no leg for {missing[0]!r})")
    else:
        seq = list(other_legs)
        if len(seq) != len(feet):
            raise DiagramError(LEGS_COUNT.format(
                what=what, n=len(feet), names=", ".join(map(repr, feet)) or "none",
                got=len(seq)))
        given = dict(zip(feet, seq, strict=True))
    near, far = ("dom", "codom") if cocone else ("codom", "dom")
    first: str | None = None
    for name, leg in given.items():
        if not isinstance(leg, ACSetTransformation):
            raise DiagramError(LEG_NOT_MAP.format(
                what=what, name=name, got=type(leg).__name__))
        if not same_acset(getattr(leg, near), diagram.objects[name]):
            raise DiagramError(LEG_WRONG_END.format(
                what=what, name=name, end="domain" if cocone else "codomain",
                got=describe(getattr(leg, near)), expected=describe(diagram.objects[name])))
        if first is None:
            first = name
        elif not same_acset(getattr(leg, far), getattr(given[first], far)):
            end = "codomain" if cocone else "domain"
            raise DiagramError(LEGS_APEX.format(
                what=what, first=first, name=name, end=end,
                a=describe(getattr(given[first], far)), b=describe(getattr(leg, far))))
    changed = True
    while changed and len(given) < len(diagram):
        changed = False
        for arr in diagram.arrows.values():
            if cocone and arr.src not in given and arr.tgt in given:
                given[arr.src] = arr.map >> given[arr.tgt]
                changed = True
            elif not cocone and arr.tgt not in given and arr.src in given:
                given[arr.tgt] = given[arr.src] >> arr.map
                changed = True
    if len(given) < len(diagram):
        lost = next(n for n in diagram.names if n not in given)
        raise DiagramError(f"{what}: no leg for {lost!r}, and none can be derived along "
                           "the diagram's arrows")
    return given


def _image(value: Any, comp: Sequence[Any]) -> Any:
    return comp[value.val] if isinstance(value, AttrVar) else value


def check_commutes(diagram: FinDiagram, legs: Mapping[str, ACSetTransformation],
                   error: type[CatlearnError], cocone: bool) -> None:
    """Raise ``error`` naming the arrow, object, part and values where the legs do not
    commute with an arrow of the diagram (``leg_src = arrow ⋅ leg_tgt`` for a cocone,
    ``leg_src ⋅ arrow = leg_tgt`` for a cone); components of attribute variables too,
    compared with Julia's ``isequal`` (:func:`~catlearn.acsets.values.isequal`).

    >>> from catlearn.acsets.morphism import identity
    >>> from catlearn.errors import ColimitError
    >>> X = ACSet(SchGraph); _ = X.add_parts("V", 2)
    >>> swap = ACSetTransformation(X, X, V=[1, 0])
    >>> D = FinDiagram({"X": X, "Y": X}, {"s": ("X", "Y", swap)})
    >>> check_commutes(D, {"X": identity(X), "Y": identity(X)}, ColimitError, True)
    Traceback (most recent call last):
    ...
    catlearn.errors.ColimitError: not a cocone: arrow 's': X -> Y at part 0 of V in 'X':
    leg 'X' gives 0, but arrow 's' then leg 'Y' gives 1
    """
    schema = diagram.schema
    for a, arr in diagram.arrows.items():
        li, lj, phi = legs[arr.src], legs[arr.tgt], arr.map
        for c in schema.obs:
            if cocone:
                direct, via = li.components[c], lj.components[c][phi.components[c]]
            else:
                direct, via = lj.components[c], phi.components[c][li.components[c]]
            bad = direct != via
            if bad.any():
                k = int(np.argmax(bad))
                fmt = (COCONE_FAILS if cocone else CONE_FAILS)
                raise error(fmt.format(arrow=a, src=arr.src, tgt=arr.tgt, part=k, ob=c,
                                       direct=int(direct[k]), via=int(via[k])))
        for t in schema.attrtypes:
            if cocone:
                dvals = li.var_components[t]
                vvals = [_image(v, lj.var_components[t]) for v in phi.var_components[t]]
            else:
                dvals = lj.var_components[t]
                vvals = [_image(v, phi.var_components[t]) for v in li.var_components[t]]
            for k, (d, v) in enumerate(zip(dvals, vvals, strict=True)):
                if not isequal(d, v):
                    fmt = (COCONE_FAILS if cocone else CONE_FAILS)
                    raise error(fmt.format(arrow=a, src=arr.src, tgt=arr.tgt,
                                           part=f"{AttrVar(k)}", ob=t, direct=repr(d),
                                           via=repr(v)))


def fill_apex(Y: ACSet, counts: Mapping[str, int], homs: Mapping[str, np.ndarray],
              attrs: Mapping[str, np.ndarray], nvars: Mapping[str, int]) -> ACSet:
    """:func:`fill_acset` for the apex of a construction whose columns are correct by
    construction and freshly computed (colimits, limits): over a schema without
    attributes or equations the hom columns are taken over without a copy or a check
    (``O(1)``); otherwise they are written and checked by :func:`fill_acset`.

    >>> Y = fill_apex(ACSet(SchGraph), {"V": 2, "E": 1},
    ...               {"src": np.array([0]), "tgt": np.array([-1])}, {}, {})
    >>> Y.subpart("src").tolist(), Y.subpart("tgt").tolist()
    ([0], [-1])
    """
    schema = Y.schema
    if schema.attrtypes or schema.attrs or schema.equations:
        return fill_acset(Y, counts, homs, attrs, nvars)
    Y._adopt(counts, {f: np.ascontiguousarray(homs[f], dtype=np.int64)
                      for f in schema.hom_names()})
    return Y


def fill_acset(Y: ACSet, counts: Mapping[str, int], homs: Mapping[str, np.ndarray],
               attrs: Mapping[str, np.ndarray], nvars: Mapping[str, int]) -> ACSet:
    """Fill the empty ``Y`` with ``counts[c]`` parts per object and whole columns (``-1``:
    unset hom, ``None``: unset attribute), never part by part: objects go in an order
    where codomains come first when possible; homs that are partial or point at a later
    object are written last, as whole columns too.

    >>> Y = fill_acset(ACSet(SchGraph), {"V": 2, "E": 1},
    ...                {"src": np.array([0]), "tgt": np.array([-1])}, {}, {})
    >>> Y.subpart("src").tolist(), Y.subpart("tgt").tolist()
    ([0], [-1])
    """
    schema = Y.schema
    for t in schema.attrtypes:
        Y.add_parts(t, nvars.get(t, 0))
    done: set[str] = set()
    later: list[str] = []
    todo = list(schema.obs)
    while todo:
        ready = [c for c in todo if all(schema.codom(f) in done or schema.codom(f) == c
                                        for f in schema.homs_out(c))]
        c = ready[0] if ready else todo[0]
        todo.remove(c)
        cols: dict[str, Any] = {}
        for f in schema.homs_out(c):
            d = schema.codom(f)
            if (d in done or d == c) and (homs[f] >= 0).all():
                cols[f] = homs[f]
            else:
                later.append(f)
        for a in schema.attrs_out(c):
            if any(v is not None for v in attrs[a]):
                cols[a] = attrs[a]
        n = counts[c]
        if n or cols:
            Y.add_parts(c, n, **cols)
        done.add(c)
    for f in later:
        col = homs[f]
        s = np.flatnonzero(col >= 0)
        if s.size:
            Y.set_subpart(s, f, col[s])
    return Y


def other_apex(legs: Mapping[str, ACSetTransformation], apex: ACSet | None, what: str,
               error: type[CatlearnError], cocone: bool) -> ACSet:
    """The apex of another cocone (the legs' codomain) or cone (their domain), checked
    against ``apex`` when both are known.

    >>> from catlearn.errors import ColimitError
    >>> other_apex({}, None, "cocone", ColimitError, True)
    Traceback (most recent call last):
    ...
    catlearn.errors.ColimitError: cocone: over the empty diagram, give the other apex as apex=...
    """
    if not legs:
        if apex is None:
            raise error(f"{what}: over the empty diagram, give the other apex as apex=...")
        return apex
    name, leg = next(iter(legs.items()))
    found = leg.codom if cocone else leg.dom
    if apex is not None and not same_acset(apex, found):
        raise error(f"{what}: apex={describe(apex)} is not the "
                    f"{'codomain' if cocone else 'domain'} {describe(found)} of the leg "
                    f"for {name!r}")
    return found


# ====================================================================== array helpers
def stable_argsort(keys: np.ndarray, top: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative int64 ``keys`` below ``top``,
    by least-significant-digit radix sort over 16-bit digits: per digit one stable
    argsort of a uint16 array (numpy sorts those by counting, in ``O(n)``) and one
    gather, so ``O(n log(top) / 16)`` instead of a comparison sort's ``O(n log n)``;
    keys already in order cost one comparison pass.

    >>> stable_argsort(np.array([70000, 3, 70000, 0, 3]), 70001).tolist()
    [3, 1, 4, 0, 2]
    """
    if keys.size < 2 or bool((keys[1:] >= keys[:-1]).all()):
        return np.arange(keys.size, dtype=np.int64)
    order: np.ndarray | None = None
    shift = 0
    while True:
        ranked = keys if order is None else keys[order]
        digit = (ranked >> shift if shift else ranked).astype(np.uint16)
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        shift += 16
        if top <= 1 << shift:
            return order


def grouped_search(keys: np.ndarray, queries: np.ndarray, lead: np.ndarray,
                   lead_queries: np.ndarray) -> np.ndarray:
    """For each query, a position ``p`` in the sorted ``keys`` with ``keys[p] ==
    queries[q]`` when that key occurs (any position otherwise), where ``lead`` is a
    dense non-negative column that ``keys`` is sorted by (``lead_queries`` the queries'
    values of it; equal keys have equal leads). The rows of one lead value form a run,
    located by counting (``np.bincount``) in ``O(n)``: a query whose lead occurs once
    is decided there, the others by binary search; no sort of the queries.

    >>> keys, lead = np.array([10, 11, 20, 31]), np.array([1, 1, 2, 3])
    >>> grouped_search(keys, np.array([31, 11, 25]), lead, np.array([3, 1, 2])).tolist()
    [3, 1, 2]
    """
    top = int(max(lead.max(initial=0), lead_queries.max(initial=0))) + 1
    counts = np.bincount(lead, minlength=top)
    first = np.cumsum(counts)
    first -= counts
    pos = first[lead_queries]
    np.minimum(pos, max(keys.size - 1, 0), out=pos)
    many = np.flatnonzero(counts[lead_queries] > 1)
    if many.size:
        pos[many] = np.searchsorted(keys, queries[many])
        np.minimum(pos, max(keys.size - 1, 0), out=pos)
    return pos
