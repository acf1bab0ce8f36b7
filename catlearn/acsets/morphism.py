"""ACSet morphisms: natural transformations between C-sets that preserve attributes.

A morphism ``α: X -> Y`` has a component ``α_c: X(c) -> Y(c)`` (an integer array) for
every object ``c``; for every hom ``f: c -> d`` the square commutes,
``α_d ∘ X(f) = Y(f) ∘ α_c``, and every attribute is preserved. For an attribute type
with variables, a component sends each variable of ``X`` to a value or a variable of
``Y``. Morphisms form a category: ``f >> g`` is "f, then g".

>>> X = ACSet(SchGraph); _ = X.add_parts("V", 2); _ = X.add_part("E", src=0, tgt=1)
>>> Y = ACSet(SchGraph); _ = Y.add_parts("V", 1); _ = Y.add_part("E", src=0, tgt=0)
>>> f = ACSetTransformation(X, Y, V=[0, 0], E=[0])
>>> (id_(X) >> f) == f == (f >> id_(Y))
True
>>> f.is_epic(), f.is_monic()
(True, False)
>>> ACSetTransformation(X, X, V=[1, 0], E=[0])
Traceback (most recent call last):
...
catlearn.errors.NaturalityError: morphism SchGraph(V=2, E=1) -> SchGraph(V=2, E=1) is not natural:
hom src: E -> V at part 0 of E: V[src(0)] = 1 != src(E[0]) = 0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.values import is_hashable_value, value_key
from catlearn.errors import (
    ATTR_NOT_PRESERVED,
    COMPONENT_LENGTH,
    COMPONENT_MISSING,
    COMPONENT_RANGE,
    COMPONENT_UNKNOWN,
    NOT_AN_ACSET,
    NOT_COMPOSABLE,
    NOT_NATURAL,
    SCHEMA_MISMATCH,
    UNKNOWN_OB,
    VAR_COMPONENT,
    CatlearnError,
    CompositionError,
    NaturalityError,
    SchemaError,
)

__all__ = ["ACSetTransformation", "compose", "id_", "identity", "describe", "is_natural"]


def describe(X: ACSet) -> str:
    """A one-line description ``Schema(Ob=n, ...)`` used in messages.

    >>> describe(ACSet(SchGraph))
    'SchGraph(V=0, E=0)'
    """
    sizes = ", ".join(f"{o}={X.nparts(o)}" for o in X.schema.obs)
    return f"{X.name}({sizes})"


def _image_of_value(value: Any, comp: Mapping[int, Any] | None) -> Any:
    if isinstance(value, AttrVar):
        if comp is None:
            return None
        return comp[value.val]
    return value


class ACSetTransformation:
    """A morphism of ACSets, checked for naturality and attributes on construction.

    Components for objects are integer arrays (``components["V"][i]`` is the image of
    part ``i``); an object without parts in the domain may be omitted. Components for
    attribute types (needed only when the domain has attribute variables) are sequences
    whose ``k``-th entry is the image of ``AttrVar(k)``; when omitted they are inferred
    from where the variables occur.
    """

    __slots__ = ("dom", "codom", "components", "var_components")

    def __init__(self, dom: ACSet, codom: ACSet, /, **components: Any) -> None:
        for end in (dom, codom):
            if not isinstance(end, ACSet):
                raise NaturalityError(NOT_AN_ACSET.format(
                    what="ACSetTransformation", got=type(end).__name__))
        if dom.schema != codom.schema:
            raise SchemaError(SCHEMA_MISMATCH.format(
                what="ACSetTransformation", left=dom.name, right=codom.name))
        schema = dom.schema
        self.dom, self.codom = dom, codom
        names = f"{describe(dom)}", f"{describe(codom)}"
        for k in components:
            if k not in schema.obs and k not in schema.attrtypes:
                raise SchemaError(COMPONENT_UNKNOWN.format(
                    dom=names[0], codom=names[1], ob=k, schema=schema.name))
        comps: dict[str, np.ndarray] = {}
        for ob in schema.obs:
            comps[ob] = self._component(ob, components.get(ob), names)
        self.components = comps
        self.var_components: dict[str, tuple[Any, ...]] = {}
        for t in schema.attrtypes:
            self.var_components[t] = self._var_component(t, components.get(t), names)
        self._check_natural(names)
        self._check_attrs(names)

    # ------------------------------------------------------------------ checks
    def _component(self, ob: str, given: Any, names: tuple[str, str]) -> np.ndarray:
        n, m = self.dom.nparts(ob), self.codom.nparts(ob)
        if given is None:
            if n:
                raise NaturalityError(COMPONENT_MISSING.format(
                    dom=names[0], codom=names[1], ob=ob))
            return np.zeros(0, dtype=np.int64)
        try:
            arr = np.asarray(given)
        except (TypeError, ValueError):  # ragged or odd input
            arr = np.asarray([None])
        if arr.size == 0:
            arr = np.zeros(0, dtype=np.int64)
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            raise NaturalityError(
                f"morphism {names[0]} -> {names[1]}: component {ob} must be a 1-d array of "
                f"part ids, got {arr.dtype} values of shape {arr.shape}")
        arr = arr.astype(np.int64)
        if arr.size != n:
            raise NaturalityError(COMPONENT_LENGTH.format(
                dom=names[0], codom=names[1], ob=ob, got=arr.size, n=n))
        bad = (arr < 0) | (arr >= m)
        if bad.any():
            i = int(np.argmax(bad))
            raise NaturalityError(COMPONENT_RANGE.format(
                dom=names[0], codom=names[1], ob=ob, part=i, value=int(arr[i]), n=m))
        arr.setflags(write=False)
        return arr

    def _var_component(self, t: str, given: Any, names: tuple[str, str]) -> tuple[Any, ...]:
        nvars = self.dom.nparts(t)
        if given is not None:
            try:
                comp = tuple(given)
            except TypeError:
                raise NaturalityError(
                    f"morphism {names[0]} -> {names[1]}: component {t} must be a sequence "
                    f"of values or variables, not {type(given).__name__}") from None
            if len(comp) != nvars:
                raise NaturalityError(COMPONENT_LENGTH.format(
                    dom=names[0], codom=names[1], ob=t, got=len(comp), n=nvars))
        else:
            inferred: dict[int, Any] = {}
            for a in self.dom.schema.attrs_into(t):
                x = self.dom.schema.dom(a)
                values = self.dom.subpart(a)
                images = self.codom.subpart(a)
                for i, v in enumerate(values.tolist()):
                    if isinstance(v, AttrVar) and v.val not in inferred:
                        inferred[v.val] = images[self.components[x][i]]
            missing = [k for k in range(nvars) if k not in inferred]
            if missing:
                raise NaturalityError(
                    f"morphism {names[0]} -> {names[1]}: attribute type {t}: variable "
                    f"{AttrVar(missing[0])} occurs nowhere, so its image cannot be inferred; "
                    f"give the component {t}=[...]")
            comp = tuple(inferred[k] for k in range(nvars))
        for k, value in enumerate(comp):
            if not isinstance(value, AttrVar) and not is_hashable_value(value):
                raise NaturalityError(VAR_COMPONENT.format(
                    dom=names[0], codom=names[1], attrtype=t, var=AttrVar(k), value=value))
            if isinstance(value, AttrVar) and value.val >= self.codom.nparts(t):
                raise NaturalityError(VAR_COMPONENT.format(
                    dom=names[0], codom=names[1], attrtype=t, var=AttrVar(k), value=value))
        return comp

    def _check_natural(self, names: tuple[str, str]) -> None:
        for f, x, y in self.dom.schema.homs:
            fx = self.dom.subpart(f)
            defined = fx != UNSET
            via_hom = np.full(fx.size, UNSET, dtype=np.int64)
            via_hom[defined] = self.components[y][fx[defined]]
            via_comp = self.codom.subpart(f)[self.components[x]] if fx.size else fx
            bad = defined & (via_hom != via_comp)
            if bad.any():
                i = int(np.argmax(bad))
                raise NaturalityError(NOT_NATURAL.format(
                    dom=names[0], codom=names[1], hom=f, src=x, tgt=y, part=i,
                    via_hom=f"{y}[{f}({i})] = {int(via_hom[i])}",
                    via_component=f"{f}({x}[{i}]) = {int(via_comp[i])}"))

    def _check_attrs(self, names: tuple[str, str]) -> None:
        schema = self.dom.schema
        for a, x, t in schema.attrs:
            values = self.dom.subpart(a)
            if values.size == 0:
                continue
            images = self.codom.subpart(a)[self.components[x]]
            comp = dict(enumerate(self.var_components[t]))
            for i, (v, w) in enumerate(zip(values.tolist(), images.tolist(), strict=True)):
                if v is None:
                    continue
                expected = _image_of_value(v, comp)
                if expected is not w and value_key(expected) != value_key(w):
                    raise NaturalityError(ATTR_NOT_PRESERVED.format(
                        dom=names[0], codom=names[1], attr=a, part=i, ob=x,
                        value=expected, image=w))

    # ------------------------------------------------------------------ access
    @property
    def schema(self) -> Any:
        """The schema shared by domain and codomain."""
        return self.dom.schema

    def __getitem__(self, ob: str) -> np.ndarray:
        if ob in self.components:
            return self.components[ob]
        raise SchemaError(UNKNOWN_OB.format(schema=self.dom.name, ob=ob))

    def __call__(self, ob: str, part: int) -> int:
        """The image of one part: ``α(ob, i)``."""
        return int(self[ob][part])

    # ------------------------------------------------------------------ category
    def then(self, other: ACSetTransformation) -> ACSetTransformation:
        """Composition in diagrammatic order: ``self`` first, then ``other``."""
        if other.dom is not self.codom and other.dom != self.codom:
            raise CompositionError(NOT_COMPOSABLE.format(
                f=f"{describe(self.dom)} -> {describe(self.codom)}",
                g=f"{describe(other.dom)} -> {describe(other.codom)}"))
        comps: dict[str, Any] = {ob: other.components[ob][c]
                                 for ob, c in self.components.items()}
        for t, comp in self.var_components.items():
            second = dict(enumerate(other.var_components[t]))
            comps[t] = [_image_of_value(v, second) for v in comp]
        return ACSetTransformation(self.dom, other.codom, **comps)

    def __rshift__(self, other: ACSetTransformation) -> ACSetTransformation:
        return self.then(other)

    def is_monic(self) -> bool:
        """Whether every component is injective (on parts and on variables)."""
        ok = all(np.unique(c).size == c.size for c in self.components.values())
        return ok and all(len(set(c)) == len(c) and all(isinstance(v, AttrVar) for v in c)
                          for c in self.var_components.values())

    def is_epic(self) -> bool:
        """Whether every component is surjective (on parts and on variables)."""
        ok = all(np.unique(c).size == self.codom.nparts(ob)
                 for ob, c in self.components.items())
        return ok and all(
            {v.val for v in c if isinstance(v, AttrVar)} == set(range(self.codom.nparts(t)))
            for t, c in self.var_components.items())

    def is_iso(self) -> bool:
        """Whether the morphism is invertible (monic and epic)."""
        return self.is_monic() and self.is_epic()

    def inverse(self) -> ACSetTransformation:
        """The inverse of an isomorphism."""
        if not self.is_iso():
            raise NaturalityError(
                f"morphism {describe(self.dom)} -> {describe(self.codom)} is not an "
                "isomorphism, so it has no inverse")
        comps: dict[str, Any] = {}
        for ob, c in self.components.items():
            inv = np.empty_like(c)
            inv[c] = np.arange(c.size)
            comps[ob] = inv
        for t, vc in self.var_components.items():
            inv_t: list[Any] = [None] * len(vc)
            for k, v in enumerate(vc):
                inv_t[v.val] = AttrVar(k)
            comps[t] = inv_t
        return ACSetTransformation(self.codom, self.dom, **comps)

    # ------------------------------------------------------------------ values
    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ACSetTransformation) and self.dom == other.dom
                and self.codom == other.codom
                and all(np.array_equal(c, other.components[o])
                        for o, c in self.components.items())
                and all(value_key(c) == value_key(other.var_components[t])
                        for t, c in self.var_components.items()))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        comps = ", ".join(f"{o}={c.tolist()}" for o, c in self.components.items())
        vars_ = ", ".join(f"{t}={list(c)}" for t, c in self.var_components.items() if c)
        inner = comps + (", " + vars_ if vars_ else "")
        return f"ACSetTransformation({describe(self.dom)} -> {describe(self.codom)}: {inner})"

    @classmethod
    def _trusted(cls, dom: ACSet, codom: ACSet, components: Mapping[str, np.ndarray],
                 var_components: Mapping[str, tuple[Any, ...]]) -> ACSetTransformation:
        """A morphism whose naturality holds by construction: nothing is checked.

        Private: only for constructions that prove their maps natural (colimit and limit
        legs; their tests re-check every leg). ``components`` must hold an int64 array
        of length ``dom.nparts(c)`` for every object ``c`` and ``var_components`` a
        tuple for every attribute type; the arrays are frozen, not copied.

        >>> X = ACSet(SchGraph); _ = X.add_parts("V", 2)
        >>> ACSetTransformation._trusted(X, X, {"V": np.array([1, 0]),
        ...     "E": np.zeros(0, np.int64)}, {}) == ACSetTransformation(X, X, V=[1, 0])
        True
        """
        m = object.__new__(cls)
        m.dom, m.codom = dom, codom
        comps: dict[str, np.ndarray] = {}
        for ob in dom.schema.obs:
            arr = np.asarray(components[ob], dtype=np.int64)
            arr.setflags(write=False)
            comps[ob] = arr
        m.components = comps
        m.var_components = {t: tuple(var_components.get(t, ()))
                            for t in dom.schema.attrtypes}
        return m


def identity(X: ACSet) -> ACSetTransformation:
    """The identity morphism of an ACSet.

    >>> identity(ACSet(SchGraph)).is_iso()
    True
    """
    comps: dict[str, Any] = {ob: np.arange(X.nparts(ob)) for ob in X.schema.obs}
    comps.update({t: [AttrVar(k) for k in range(X.nparts(t))] for t in X.schema.attrtypes})
    return ACSetTransformation(X, X, **comps)


id_ = identity


def compose(f: ACSetTransformation, g: ACSetTransformation) -> ACSetTransformation:
    """``f`` then ``g`` (the same as ``f >> g``).

    >>> X = ACSet(SchGraph); compose(identity(X), identity(X)) == identity(X)
    True
    """
    return f.then(g)


def is_natural(dom: Any, codom: Any, /, **components: Any) -> bool:
    """Whether the components form a morphism ``dom -> codom``; never raises.

    True exactly when ``ACSetTransformation(dom, codom, **components)`` would succeed
    (right lengths and ranges, naturality, attributes preserved by ``isequal``); False
    for anything else, including ends that are not ACSets of one schema. Costs what the
    construction costs: O(sum of the parts) vectorised, plus O(attribute values).

    >>> X = ACSet(SchGraph); _ = X.add_parts("V", 2); _ = X.add_part("E", src=0, tgt=1)
    >>> is_natural(X, X, V=[0, 1], E=[0]), is_natural(X, X, V=[1, 0], E=[0])
    (True, False)
    >>> is_natural(X, X, V=[0.5, 1], E=[0]), is_natural(X, "not an ACSet")
    (False, False)
    """
    try:
        ACSetTransformation(dom, codom, **components)
    except (CatlearnError, TypeError, ValueError, IndexError, KeyError):
        return False
    return True
