"""Subobjects of an ACSet and their bi-Heyting algebra; images and epi–mono factorisation.

A **subobject** of an ACSet ``X`` is a choice of parts per object (and of attribute
variables per attribute type) closed under every hom and every attribute: when ``x`` is
chosen and ``f(x)`` is set, ``f(x)`` is chosen; when an attribute of ``x`` is a variable,
the variable is chosen. Subobjects of ``X`` correspond to monomorphisms into ``X`` up to
isomorphism, and form a bi-Heyting algebra, as in Catlab.jl's ``Subobject`` for C-sets.
Everything is computed objectwise on boolean masks, followed by a closure (the proof
that this gives the operations is in ``proofs/subobjects.md``):

- ``A & B`` (:meth:`Subobject.meet`) and ``A | B`` (:meth:`Subobject.join`): objectwise
  intersection and union (both are already closed);
- ``A.implies(B)``: the largest subobject inside the objectwise set ``(X \\ A) ∪ B``;
  ``A.negate()`` (``~A``) is ``A.implies(bottom)``, the largest subobject disjoint from
  ``A``;
- ``A.subtract(B)``: the smallest subobject containing the objectwise set ``A \\ B``;
  ``A.non()`` is ``top.subtract(A)``, the smallest subobject whose join with ``A`` is the
  top.

Each operation costs O(|X| · k) for ``|X|`` the total number of parts and ``k`` the number
of closure rounds (at most the number of objects and attribute types plus one, since each
round that changes something settles at least one more object).

>>> g = ACSet(SchGraph); _ = g.add_parts("V", 3); _ = g.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
>>> A = Subobject(g, V=[0, 1], E=[0])
>>> A.parts("V").tolist(), (~A).parts("V").tolist(), A.non().parts("E").tolist()
([0, 1], [2], [1])
>>> (A | ~A) == Subobject.top(g), (A & ~A) == Subobject.bottom(g)
(False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.errors import (
    SUBOBJECT_IDS,
    SUBOBJECT_NOT_CLOSED,
    SUBOBJECT_NOT_MONIC,
    SUBOBJECT_OPERAND,
    SUBOBJECT_OTHER,
    SUBOBJECT_RANGE,
    SUBOBJECT_UNKNOWN,
    ACSetError,
    NaturalityError,
)

__all__ = ["Subobject", "image", "epi_mono"]

Masks = dict[str, np.ndarray]


def _var_ids(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, variable numbers) of the entries of an attribute column that are variables."""
    rows = [i for i, v in enumerate(values.tolist()) if isinstance(v, AttrVar)]
    ids = [values[i].val for i in rows]
    return np.asarray(rows, dtype=np.int64), np.asarray(ids, dtype=np.int64)


def _arrows(X: ACSet) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    """Every hom and every variable-valued attribute as (dom, codom, rows, targets):
    row ``rows[i]`` of ``dom`` is sent to part ``targets[i]`` of ``codom``."""
    out = []
    for f, x, y in X.schema.homs:
        col = X.subpart(f)
        rows = np.flatnonzero(col != UNSET)
        out.append((x, y, rows, col[rows]))
    for a, x, t in X.schema.attrs:
        rows, ids = _var_ids(X.subpart(a))
        if rows.size:
            out.append((x, t, rows, ids))
    return out


def _close_up(X: ACSet, masks: Masks) -> Masks:
    """The smallest closed masks containing ``masks`` (forward closure)."""
    arrows = _arrows(X)
    changed = True
    while changed:
        changed = False
        for x, y, rows, targets in arrows:
            hit = targets[masks[x][rows]]
            if hit.size and not masks[y][hit].all():
                masks[y][hit] = True
                changed = True
    return masks


def _close_down(X: ACSet, masks: Masks) -> Masks:
    """The largest closed masks inside ``masks`` (drop parts whose image leaves them)."""
    arrows = _arrows(X)
    changed = True
    while changed:
        changed = False
        for x, y, rows, targets in arrows:
            out = rows[masks[x][rows] & ~masks[y][targets]]
            if out.size:
                masks[x][out] = False
                changed = True
    return masks


def _names(X: ACSet) -> tuple[str, ...]:
    return X.schema.obs + X.schema.attrtypes


class Subobject:
    """A subobject of ``X``: the parts of each object (and variables of each attribute
    type) it contains, checked closed under the homs and attributes. Objects not given
    contribute no parts. O(|X|) to check.

    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
    >>> Subobject(g, E=[0])
    Traceback (most recent call last):
    ...
    catlearn.errors.ACSetError: Subobject of SchGraph(V=2, E=1): part 0 of E is in it, ...
    >>> Subobject(g, V=[0, 1], E=[0]).ob.nparts("E")
    1
    """

    __slots__ = ("X", "_masks", "_hom")

    def __init__(self, X: ACSet, /, **parts: Any) -> None:
        self.X = X
        self._masks = self._masks_of(X, parts)
        self._hom: ACSetTransformation | None = None
        self._check_closed()

    # ------------------------------------------------------------------ construction
    @staticmethod
    def _masks_of(X: ACSet, parts: Mapping[str, Any]) -> Masks:
        names = _names(X)
        for k in parts:
            if k not in names:
                raise ACSetError(SUBOBJECT_UNKNOWN.format(
                    what=_what(X), name=k, schema=X.name))
        masks: Masks = {}
        for k in names:
            n = X.nparts(k)
            ids = np.asarray(parts.get(k, []))
            if ids.size and (ids.ndim != 1 or ids.dtype.kind not in "iu"):
                raise ACSetError(SUBOBJECT_IDS.format(
                    what=_what(X), ob=k, got=parts[k]))
            ids = ids.astype(np.int64)
            bad = ids[(ids < 0) | (ids >= n)]
            if bad.size:
                raise ACSetError(SUBOBJECT_RANGE.format(
                    what=_what(X), ob=k, part=int(bad[0]), n=n))
            mask = np.zeros(n, dtype=bool)
            mask[ids] = True
            masks[k] = mask
        return masks

    @classmethod
    def _trusted(cls, X: ACSet, masks: Masks) -> Subobject:
        sub = cls.__new__(cls)
        sub.X, sub._masks, sub._hom = X, masks, None
        return sub

    def _check_closed(self) -> None:
        X = self.X
        for f, x, y in X.schema.homs:
            col = X.subpart(f)
            rows = np.flatnonzero(self._masks[x] & (col != UNSET))
            bad = rows[~self._masks[y][col[rows]]]
            if bad.size:
                i = int(bad[0])
                raise ACSetError(SUBOBJECT_NOT_CLOSED.format(
                    what=_what(X), part=i, ob=x, arrow=f, image=f"part {int(col[i])} of {y}"))
        for a, x, t in X.schema.attrs:
            rows, ids = _var_ids(X.subpart(a))
            keep = self._masks[x][rows] & ~self._masks[t][ids]
            if keep.any():
                i = int(rows[keep][0])
                raise ACSetError(SUBOBJECT_NOT_CLOSED.format(
                    what=_what(X), part=i, ob=x, arrow=a,
                    image=f"variable AttrVar({ids[keep][0]}) of {t}"))

    @classmethod
    def generated(cls, X: ACSet, /, **parts: Any) -> Subobject:
        """The smallest subobject containing the given parts (their closure).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3); _ = g.add_part("E", src=0, tgt=1)
        >>> Subobject.generated(g, E=[0]).parts("V").tolist()
        [0, 1]
        """
        return cls._trusted(X, _close_up(X, cls._masks_of(X, parts)))

    @classmethod
    def top(cls, X: ACSet) -> Subobject:
        """The whole of ``X``.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); Subobject.top(g).parts("V").tolist()
        [0, 1]
        """
        return cls._trusted(X, {k: np.ones(X.nparts(k), dtype=bool) for k in _names(X)})

    @classmethod
    def bottom(cls, X: ACSet) -> Subobject:
        """The empty subobject of ``X``.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); Subobject.bottom(g).ob.nparts("V")
        0
        """
        return cls._trusted(X, {k: np.zeros(X.nparts(k), dtype=bool) for k in _names(X)})

    @classmethod
    def from_hom(cls, m: ACSetTransformation) -> Subobject:
        """The subobject of ``m.codom`` that a monomorphism ``m`` picks out; its ``hom`` is
        ``m`` itself.

        >>> from catlearn.acsets.morphism import ACSetTransformation
        >>> X = ACSet(SchGraph); _ = X.add_parts("V", 3)
        >>> V1 = ACSet(SchGraph); _ = V1.add_parts("V", 1)
        >>> Subobject.from_hom(ACSetTransformation(V1, X, V=[2])).parts("V").tolist()
        [2]
        """
        if not m.is_monic():
            raise NaturalityError(SUBOBJECT_NOT_MONIC.format(m=repr(m)))
        sub = image(m)
        sub._hom = m
        return sub

    # ------------------------------------------------------------------ access
    def parts(self, ob: str) -> np.ndarray:
        """The part ids of ``ob`` (or variables of an attribute type) in the subobject,
        ascending.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3); Subobject(g, V=[2, 0]).parts("V")
        array([0, 2])
        """
        if ob not in self._masks:
            raise ACSetError(SUBOBJECT_UNKNOWN.format(
                what=_what(self.X), name=ob, schema=self.X.name))
        return np.flatnonzero(self._masks[ob])

    @property
    def hom(self) -> ACSetTransformation:
        """The inclusion ``ob -> X`` (a monomorphism); parts keep their relative order.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3); Subobject(g, V=[1]).hom.is_monic()
        True
        """
        if self._hom is None:
            self._hom = self._inclusion()
        return self._hom

    @property
    def ob(self) -> ACSet:
        """The sub-ACSet (the domain of :attr:`hom`).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3); Subobject(g, V=[1]).ob.nparts("V")
        1
        """
        return self.hom.dom

    def _inclusion(self) -> ACSetTransformation:
        X, schema = self.X, self.X.schema
        keep = {k: np.flatnonzero(m) for k, m in self._masks.items()}
        renumber = {}
        for k, ids in keep.items():
            r = np.full(X.nparts(k), UNSET, dtype=np.int64)
            r[ids] = np.arange(ids.size)
            renumber[k] = r
        S = X.empty()
        for k in _names(X):
            S.add_parts(k, keep[k].size)
        for f, x, y in schema.homs:
            col = X.subpart(f)[keep[x]]
            rows = np.flatnonzero(col != UNSET)
            if rows.size:
                S.set_subpart(rows, f, renumber[y][col[rows]])
        for a, x, t in schema.attrs:
            col = [AttrVar(int(renumber[t][v.val])) if isinstance(v, AttrVar) else v
                   for v in X.subpart(a)[keep[x]].tolist()]
            if col:
                S.set_subpart(np.arange(len(col)), a, _objects(col))
        comps: dict[str, Any] = {ob: keep[ob] for ob in schema.obs}
        comps.update({t: [AttrVar(int(v)) for v in keep[t]] for t in schema.attrtypes})
        return ACSetTransformation(S, X, **comps)

    # ------------------------------------------------------------------ the algebra
    def _same(self, other: Subobject, op: str) -> None:
        if not isinstance(other, Subobject):
            raise TypeError(SUBOBJECT_OPERAND.format(
                op=op, got=type(other).__name__))
        if other.X is not self.X:
            raise ACSetError(SUBOBJECT_OTHER.format(op=op, what=_what(self.X)))

    def _map(self, other: Subobject, op: str, fn: Any) -> Masks:
        self._same(other, op)
        return {k: fn(m, other._masks[k]) for k, m in self._masks.items()}

    def meet(self, other: Subobject) -> Subobject:
        """The intersection ``self & other``: objectwise, O(|X|)."""
        return Subobject._trusted(self.X, self._map(other, "meet", np.logical_and))

    def join(self, other: Subobject) -> Subobject:
        """The union ``self | other``: objectwise, O(|X|)."""
        return Subobject._trusted(self.X, self._map(other, "join", np.logical_or))

    def implies(self, other: Subobject) -> Subobject:
        """The Heyting implication: the largest ``C`` with ``C & self <= other``.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
        >>> A = Subobject(g, V=[1]); A.implies(Subobject.bottom(g)).parts("V").tolist()
        [0]
        """
        masks = self._map(other, "implies", lambda a, b: ~a | b)
        return Subobject._trusted(self.X, _close_down(self.X, masks))

    def negate(self) -> Subobject:
        """The pseudo-complement ``~self``: the largest subobject disjoint from ``self``."""
        return self.implies(Subobject.bottom(self.X))

    def subtract(self, other: Subobject) -> Subobject:
        """The co-Heyting difference: the smallest ``C`` with ``self <= other | C``.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
        >>> T = Subobject.top(g); T.subtract(Subobject(g, V=[0, 1])).parts("V").tolist()
        [0, 1]
        """
        masks = self._map(other, "subtract", lambda a, b: a & ~b)
        return Subobject._trusted(self.X, _close_up(self.X, masks))

    def non(self) -> Subobject:
        """The supplement: the smallest subobject whose join with ``self`` is the top."""
        return Subobject.top(self.X).subtract(self)

    __and__ = meet
    __or__ = join
    __invert__ = negate
    __sub__ = subtract

    def __le__(self, other: Subobject) -> bool:
        self._same(other, "<=")
        return all(not (m & ~other._masks[k]).any() for k, m in self._masks.items())

    def __ge__(self, other: Subobject) -> bool:
        return other.__le__(self)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Subobject) and other.X is self.X
                and all(np.array_equal(m, other._masks[k]) for k, m in self._masks.items()))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={self.parts(k).tolist()}" for k in _names(self.X))
        return f"Subobject({_what(self.X)}: {inner})"


def _what(X: ACSet) -> str:
    sizes = ", ".join(f"{o}={X.nparts(o)}" for o in X.schema.obs)
    return f"Subobject of {X.name}({sizes})"


def _objects(values: list[Any]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return arr


def image(f: ACSetTransformation) -> Subobject:
    """The image of ``f``: the subobject of ``f.codom`` of all parts (and variables) that
    ``f`` reaches. O(|dom| + |codom|).

    >>> from catlearn.acsets.morphism import ACSetTransformation
    >>> X = ACSet(SchGraph); _ = X.add_parts("V", 2)
    >>> Y = ACSet(SchGraph); _ = Y.add_parts("V", 3)
    >>> image(ACSetTransformation(X, Y, V=[2, 2])).parts("V").tolist()
    [2]
    """
    Y = f.codom
    parts: dict[str, Any] = {ob: np.unique(c) for ob, c in f.components.items()}
    for t, comp in f.var_components.items():
        parts[t] = sorted({v.val for v in comp if isinstance(v, AttrVar)})
    return Subobject(Y, **parts)


def epi_mono(f: ACSetTransformation) -> tuple[ACSetTransformation, ACSetTransformation]:
    """The epi–mono factorisation ``f = e >> m``: ``m`` the inclusion of :func:`image`,
    ``e`` the corestriction of ``f`` onto it (epic).

    >>> from catlearn.acsets.morphism import ACSetTransformation
    >>> X = ACSet(SchGraph); _ = X.add_parts("V", 2)
    >>> Y = ACSet(SchGraph); _ = Y.add_parts("V", 3)
    >>> f = ACSetTransformation(X, Y, V=[2, 0])
    >>> e, m = epi_mono(f)
    >>> e.is_epic(), m.is_monic(), (e >> m) == f
    (True, True, True)
    """
    m = image(f).hom
    back = {}
    for ob in f.schema.obs:
        r = np.full(f.codom.nparts(ob), UNSET, dtype=np.int64)
        r[m.components[ob]] = np.arange(m.components[ob].size)
        back[ob] = r
    comps: dict[str, Any] = {ob: back[ob][c] for ob, c in f.components.items()}
    for t, comp in f.var_components.items():
        pos = {v.val: k for k, v in enumerate(m.var_components[t])}
        comps[t] = [AttrVar(pos[v.val]) if isinstance(v, AttrVar) else v for v in comp]
    e = ACSetTransformation(f.dom, m.dom, **comps)
    return e, m
