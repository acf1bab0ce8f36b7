"""Schemas: finitely presented categories with attributes, the types of C-sets.

A schema has objects, homs ``f: X -> Y`` between objects, attribute types, attributes
``a: X -> T`` into attribute types, and path equations between homs. Schemas are
values: immutable, hashable, comparable, and ``eval(repr(S)) == S``.

>>> S = Schema("SchGraph", obs=("V", "E"), homs=(("src", "E", "V"), ("tgt", "E", "V")))
>>> S.dom("src"), S.codom("src")
('E', 'V')
>>> S.homs_out("E")
('src', 'tgt')
>>> S == eval(repr(S))
True
>>> hash(S) == hash(eval(repr(S)))
True

Paths in equations are read in diagrammatic order: ``("refl", "src")`` is "first
``refl``, then ``src``"; the empty path is the identity of its object.

>>> SchReflexiveGraph.equations[0]
PathEquation(dom='V', codom='V', lhs=('refl', 'src'), rhs=(), name='src_refl')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from catlearn.errors import (
    BAD_ARROW_END,
    BAD_EQUATION,
    DUPLICATE_NAME,
    UNKNOWN_ATTRTYPE,
    UNKNOWN_HOM,
    UNKNOWN_NAME,
    UNKNOWN_OB,
    SchemaError,
)

__all__ = [
    "PathEquation",
    "Schema",
    "SchGraph",
    "SchReflexiveGraph",
    "SchLabeledGraph",
    "SchSymmetricGraph",
]


class PathEquation(NamedTuple):
    """An equation ``lhs = rhs`` between two paths of homs from ``dom`` to ``codom``.

    >>> PathEquation("V", "V", ("refl", "src"), ())
    PathEquation(dom='V', codom='V', lhs=('refl', 'src'), rhs=(), name=None)
    """

    dom: str
    codom: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    name: str | None = None

    def describe(self) -> str:
        """Readable form, paths written with ``⋅`` in diagrammatic order.

        >>> PathEquation("V", "V", ("refl", "src"), ()).describe()
        'refl ⋅ src = id(V)'
        """
        def show(path: tuple[str, ...]) -> str:
            return " ⋅ ".join(path) if path else f"id({self.dom})"

        return f"{show(self.lhs)} = {show(self.rhs)}"


Arrow = tuple[str, str, str]


class Schema:
    """A schema for C-sets (attributed: objects, homs, attribute types, attributes).

    ``homs`` and ``attrs`` are triples ``(name, dom, codom)``; ``equations`` are
    :class:`PathEquation` values (or 4/5-tuples). Every name is checked on construction.
    ``version`` is the ``version`` record of the JSON file the schema was read from (e.g.
    ``{"ACSetSchema": "0.0.1", "Catlab": "0.14.12"}``): metadata, written back by
    :meth:`to_json`, not part of equality or hashing.

    >>> Schema("Bad", obs=("V",), homs=(("f", "V", "W"),))
    Traceback (most recent call last):
    ...
    catlearn.errors.SchemaError: schema Bad: hom 'f' has codom 'W', which is not an object
    """

    __slots__ = (
        "name", "obs", "homs", "attrtypes", "attrs", "equations", "version",
        "_dom", "_codom", "_homs_out", "_homs_in", "_attrs_out", "_attrs_in", "_hash",
    )

    def __init__(
        self,
        name: str = "Schema",
        obs: tuple[str, ...] | list[str] = (),
        homs: tuple[Arrow, ...] | list[Arrow] = (),
        attrtypes: tuple[str, ...] | list[str] = (),
        attrs: tuple[Arrow, ...] | list[Arrow] = (),
        equations: tuple[PathEquation | tuple, ...] | list = (),
        version: Mapping[str, str] | None = None,
    ) -> None:
        self.name = str(name)
        self.obs = tuple(str(o) for o in obs)
        self.homs = tuple((str(f), str(x), str(y)) for f, x, y in homs)
        self.attrtypes = tuple(str(t) for t in attrtypes)
        self.attrs = tuple((str(a), str(x), str(t)) for a, x, t in attrs)
        self.equations = tuple(PathEquation(*eq) for eq in equations)
        self.version: tuple[tuple[str, str], ...] | None = (
            None if version is None else tuple((str(k), str(v)) for k, v in version.items()))
        self._check_names()
        self._dom = {f: x for f, x, _ in self.homs + self.attrs}
        self._codom = {f: y for f, _, y in self.homs + self.attrs}
        self._homs_out = {o: tuple(f for f, x, _ in self.homs if x == o) for o in self.obs}
        self._homs_in = {o: tuple(f for f, _, y in self.homs if y == o) for o in self.obs}
        self._attrs_out = {o: tuple(a for a, x, _ in self.attrs if x == o) for o in self.obs}
        self._attrs_in = {
            t: tuple(a for a, _, u in self.attrs if u == t) for t in self.attrtypes
        }
        for eq in self.equations:
            self._check_equation(eq)
        self._hash = hash(self._key())

    # ---------------------------------------------------------------- validation
    def _check_names(self) -> None:
        seen: set[str] = set()
        names = list(self.obs) + [f for f, _, _ in self.homs] + list(self.attrtypes)
        names += [a for a, _, _ in self.attrs]
        for n in names:
            if n in seen:
                raise SchemaError(DUPLICATE_NAME.format(schema=self.name, name=n))
            seen.add(n)
        for kind, arrows, targets, what in (
            ("hom", self.homs, self.obs, "an object"),
            ("attribute", self.attrs, self.attrtypes, "an attribute type"),
        ):
            for f, x, y in arrows:
                if x not in self.obs:
                    raise SchemaError(BAD_ARROW_END.format(
                        schema=self.name, kind=kind, name=f, end="dom", target=x,
                        expected="an object"))
                if y not in targets:
                    raise SchemaError(BAD_ARROW_END.format(
                        schema=self.name, kind=kind, name=f, end="codom", target=y,
                        expected=what))

    def _check_equation(self, eq: PathEquation) -> None:
        label = eq.name or eq.describe()
        if eq.dom not in self.obs or eq.codom not in self.obs:
            raise SchemaError(BAD_EQUATION.format(
                schema=self.name, name=label, why="its ends must be objects"))
        for side in (eq.lhs, eq.rhs):
            here = eq.dom
            for f in side:
                if f not in self._homs_out_of_any():
                    raise SchemaError(BAD_EQUATION.format(
                        schema=self.name, name=label, why=f"{f!r} is not a hom"))
                if self._dom[f] != here:
                    raise SchemaError(BAD_EQUATION.format(
                        schema=self.name, name=label,
                        why=f"{f!r} starts at {self._dom[f]}, not at {here}"))
                here = self._codom[f]
            if here != eq.codom:
                raise SchemaError(BAD_EQUATION.format(
                    schema=self.name, name=label, why=f"a path ends at {here}, not {eq.codom}"))

    def _homs_out_of_any(self) -> set[str]:
        return {f for f, _, _ in self.homs}

    # ---------------------------------------------------------------- queries
    def dom(self, name: str) -> str:
        """The domain object of a hom or attribute."""
        try:
            return self._dom[name]
        except KeyError:
            raise SchemaError(UNKNOWN_NAME.format(schema=self.name, name=name)) \
                from None

    def codom(self, name: str) -> str:
        """The codomain (object or attribute type) of a hom or attribute."""
        try:
            return self._codom[name]
        except KeyError:
            raise SchemaError(UNKNOWN_NAME.format(schema=self.name, name=name)) \
                from None

    def is_hom(self, name: str) -> bool:
        """Whether ``name`` is a hom of this schema."""
        return name in self._dom and name not in self._attrs_names()

    def is_attr(self, name: str) -> bool:
        """Whether ``name`` is an attribute of this schema."""
        return name in self._attrs_names()

    def _attrs_names(self) -> frozenset[str]:
        return frozenset(a for a, _, _ in self.attrs)

    def hom_names(self) -> tuple[str, ...]:
        """The names of the homs, in order."""
        return tuple(f for f, _, _ in self.homs)

    def attr_names(self) -> tuple[str, ...]:
        """The names of the attributes, in order."""
        return tuple(a for a, _, _ in self.attrs)

    def homs_out(self, ob: str) -> tuple[str, ...]:
        """Homs whose domain is ``ob``."""
        self.check_ob(ob)
        return self._homs_out[ob]

    def homs_in(self, ob: str) -> tuple[str, ...]:
        """Homs whose codomain is ``ob``."""
        self.check_ob(ob)
        return self._homs_in[ob]

    def attrs_out(self, ob: str) -> tuple[str, ...]:
        """Attributes whose domain is ``ob``."""
        self.check_ob(ob)
        return self._attrs_out[ob]

    def attrs_into(self, attrtype: str) -> tuple[str, ...]:
        """Attributes whose codomain is the attribute type ``attrtype``."""
        if attrtype not in self.attrtypes:
            raise SchemaError(UNKNOWN_ATTRTYPE.format(
                schema=self.name, attrtype=attrtype))
        return self._attrs_in[attrtype]

    def check_ob(self, ob: str) -> None:
        """Raise :class:`SchemaError` unless ``ob`` is an object."""
        if ob not in self._homs_out:
            raise SchemaError(UNKNOWN_OB.format(schema=self.name, ob=ob))

    def check_hom(self, f: str) -> None:
        """Raise :class:`SchemaError` unless ``f`` is a hom."""
        if not self.is_hom(f):
            raise SchemaError(UNKNOWN_HOM.format(schema=self.name, hom=f))

    def equations_using(self, f: str) -> tuple[PathEquation, ...]:
        """The equations in which the hom ``f`` occurs."""
        return tuple(eq for eq in self.equations if f in eq.lhs or f in eq.rhs)

    def is_graph_like(self) -> bool:
        """Whether the schema has objects ``V``, ``E`` and homs ``src, tgt: E -> V``."""
        return {"V", "E"} <= set(self.obs) and all(
            self._dom.get(f) == "E" and self._codom.get(f) == "V" for f in ("src", "tgt"))

    # ---------------------------------------------------------------- values
    def _key(self) -> tuple:
        return (self.name, self.obs, self.homs, self.attrtypes, self.attrs, self.equations)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._key() == other._key()

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        parts = [repr(self.name), f"obs={self.obs!r}"]
        for field in ("homs", "attrtypes", "attrs", "equations"):
            value = getattr(self, field)
            if value:
                parts.append(f"{field}={value!r}")
        return f"Schema({', '.join(parts)})"

    def __setattr__(self, key: str, value: object) -> None:
        if hasattr(self, "_hash"):
            raise AttributeError(f"Schema {self.name} is immutable")
        object.__setattr__(self, key, value)

    def to_json(self) -> str:
        """The schema as JSON, in the layout of ACSets.jl's ``generate_json_acset_schema``.

        >>> import json
        >>> sorted(json.loads(SchGraph.to_json()))
        ['Attr', 'AttrType', 'Hom', 'Ob', 'equations', 'version']
        """
        from catlearn.acsets.serialization import write_json_schema

        return write_json_schema(self)

    @classmethod
    def from_json(cls, text: str, name: str | None = None) -> Schema:
        """Read a schema written by :meth:`to_json`, ACSets.jl or py-acsets.

        >>> Schema.from_json(SchGraph.to_json(), name="SchGraph") == SchGraph
        True
        """
        from catlearn.acsets.serialization import read_json_schema

        return read_json_schema(text, name=name)


SchGraph = Schema("SchGraph", obs=("V", "E"), homs=(("src", "E", "V"), ("tgt", "E", "V")))

SchReflexiveGraph = Schema(
    "SchReflexiveGraph",
    obs=("V", "E"),
    homs=(("src", "E", "V"), ("tgt", "E", "V"), ("refl", "V", "E")),
    equations=(
        PathEquation("V", "V", ("refl", "src"), (), "src_refl"),
        PathEquation("V", "V", ("refl", "tgt"), (), "tgt_refl"),
    ),
)

SchSymmetricGraph = Schema(
    "SchSymmetricGraph",
    obs=("V", "E"),
    homs=(("src", "E", "V"), ("tgt", "E", "V"), ("inv", "E", "E")),
    equations=(
        PathEquation("E", "E", ("inv", "inv"), (), "inv_inv"),
        PathEquation("E", "V", ("inv", "src"), ("tgt",), "src_inv"),
        PathEquation("E", "V", ("inv", "tgt"), ("src",), "tgt_inv"),
    ),
)

SchLabeledGraph = Schema(
    "SchLabeledGraph",
    obs=("V", "E"),
    homs=(("src", "E", "V"), ("tgt", "E", "V")),
    attrtypes=("Label",),
    attrs=(("label", "V", "Label"),),
)
