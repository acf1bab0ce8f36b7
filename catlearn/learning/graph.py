"""Learning graphs: spaces (vertices) and maps (edges) with roles, as C-sets.

A learning graph is an ACSet of :data:`SchLearningGraph`: objects ``V`` (spaces) and
``E`` (maps), homs ``src, tgt: E -> V``, attributes ``vlabel: V -> Name`` (the space's
name), ``elabel: E -> Name`` (the map's name) and ``role: E -> Role`` with a role in
``data`` (a column of a data set), ``fixed`` (a frozen map) or ``learnable`` (a model).
Names are unique per kind; a **source** is a vertex all of whose outgoing edges are data
edges (the index set of a data set), and a data edge must leave a source.

>>> g = LearningGraph()
>>> g = g.data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> g.sources()
('N',)
>>> g.edge_names(), g.role("c")
(('x', 'y', 'c'), 'learnable')
>>> g.data("x", "N", "Z")
Traceback (most recent call last):
...
catlearn.errors.LearningGraphError: edge 'x' already goes N -> X (data); it cannot also go ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from catlearn.acsets import ACSet, Schema
from catlearn.errors import (
    BAD_NAME,
    BAD_ROLE,
    DATA_NOT_FROM_SOURCE,
    EDGE_CONFLICT,
    INTO_SOURCE,
    MAP_FROM_SOURCE,
    NO_EDGE,
    NO_SPACE,
    LearningGraphError,
)

__all__ = ["SchLearningGraph", "LearningGraph", "ROLES", "DATA", "FIXED", "LEARNABLE"]

DATA, FIXED, LEARNABLE = "data", "fixed", "learnable"
#: The roles an edge can play.
ROLES = (DATA, FIXED, LEARNABLE)

#: The schema of learning graphs: spaces ``V``, maps ``E`` with ``src``/``tgt``, and the
#: attributes ``vlabel``, ``elabel`` and ``role``.
SchLearningGraph = Schema(
    "SchLearningGraph",
    obs=("V", "E"),
    homs=(("src", "E", "V"), ("tgt", "E", "V")),
    attrtypes=("Name", "Role"),
    attrs=(("vlabel", "V", "Name"), ("elabel", "E", "Name"), ("role", "E", "Role")),
)


def _check_name(kind: str, name: object) -> None:
    """Names are non-empty strings without surrounding spaces or the path separator ``⋅``."""
    if not isinstance(name, str) or not name or name != name.strip() or "⋅" in name:
        raise LearningGraphError(BAD_NAME.format(kind=kind, name=name))


class LearningGraph(ACSet):
    """A learning graph with a fluent builder (``space``, ``data``, ``fixed``, ``model``).

    Builder methods return the graph itself, so calls chain; ``vertex(name)`` and
    ``edge(name)`` give part ids. As an ACSet it has every C-set verb, so colimits,
    morphisms and homomorphism search apply to it directly.

    >>> LearningGraph().space("X").space("X").nparts("V")
    1
    """

    #: The graph's rows as ``(vertex_names(), edges())``, read from the columns once
    #: and kept until the next write (``None``: not read since).
    _rows: tuple[tuple[str, ...], tuple[tuple[str, str, str, str], ...]] | None = None
    #: Values other modules derive from the graph alone (see :meth:`_kept`), kept until
    #: the next write (``None``: none since).
    _derived: dict[str, Any] | None = None
    #: Whether the columns and indices may be shared with a copy (see :meth:`copy`).
    _shared = False

    def __init__(self) -> None:
        super().__init__(SchLearningGraph, types={"Name": str, "Role": str})

    # ------------------------------------------------------------------ writes
    # Every write to an ACSet's columns or indices goes through one of the methods
    # below (``add_part`` through the first two, ``rem_part``, ``rem_parts`` and
    # ``cascading_rem_parts`` through ``_rem_one``). Each first drops the cached rows
    # and, when the columns are shared with a copy, takes its own copies of them.
    def _will_write(self) -> None:
        self._rows = self._derived = None
        if self._shared:
            self._hom = {k: v.copy() for k, v in self._hom.items()}
            self._attr = {k: v.copy() for k, v in self._attr.items()}
            self._index = {k: None if ix is None else ix.copy()
                           for k, ix in self._index.items()}
            self._shared = False

    def _add_one_fast(self, ob: str, subparts: dict[str, Any]) -> int | None:
        self._will_write()
        return super()._add_one_fast(ob, subparts)

    def add_parts(self, ob: str, n: int, **columns: Any) -> range:
        self._will_write()
        return super().add_parts(ob, n, **columns)

    def set_subpart(self, part: Any, f: str, value: Any) -> None:
        self._will_write()
        super().set_subpart(part, f, value)

    def clear_subpart(self, part: Any, f: str) -> None:
        self._will_write()
        super().clear_subpart(part, f)

    def _write_hom(self, f: str, parts: np.ndarray, vals: np.ndarray) -> None:
        self._will_write()
        super()._write_hom(f, parts, vals)

    def _rem_one(self, ob: str, p: int, renumber: np.ndarray, cur2old: np.ndarray) -> None:
        self._will_write()
        super()._rem_one(ob, p, renumber, cur2old)

    def _adopt(self, counts: Mapping[str, int], homs: Mapping[str, np.ndarray]) -> None:
        self._will_write()
        super()._adopt(counts, homs)

    def _empty_like(self) -> ACSet:
        other = super()._empty_like()
        other.__dict__.pop("_rows", None)  # the class defaults: nothing cached, not shared
        other.__dict__.pop("_shared", None)
        other.__dict__.pop("_derived", None)
        return other

    def copy(self) -> LearningGraph:
        """A copy, copy-on-write: the columns and indices are shared until either graph
        is written to, and the writer then copies them (O(parts), as an eager copy
        would). O(number of columns) now; the rows read are shared too.

        >>> g = LearningGraph().model("f", "X", "Y")
        >>> h = g.copy().model("k", "Y", "X")
        >>> g.edge_names(), h.edge_names()
        (('f',), ('f', 'k'))
        """
        other: Any = self._empty_like()
        other._n, other._cap = dict(self._n), dict(self._cap)
        other._hom, other._attr = dict(self._hom), dict(self._attr)
        other._index = dict(self._index)
        other._rows, other._derived = self._rows, self._derived
        other._shared = self._shared = True
        return other

    # ------------------------------------------------------------------ checks
    def _check_attr_values(self, a: str, parts: np.ndarray, values: Any) -> np.ndarray:
        vals = super()._check_attr_values(a, parts, values)
        if a == "role":
            for p, v in zip(parts.tolist(), vals.tolist(), strict=True):
                if isinstance(v, str) and v not in ROLES:
                    raise LearningGraphError(BAD_ROLE.format(
                        edge=p, role=v, roles=", ".join(ROLES)))
        return vals

    # ------------------------------------------------------------------ lookups
    def vertex(self, name: str) -> int:
        """The id of the space called ``name``.

        >>> LearningGraph().space("X").vertex("X")
        0
        """
        found = self.incident(name, "vlabel")
        if found.size == 0:
            raise LearningGraphError(NO_SPACE.format(
                name=name, known=", ".join(self.vertex_names()) or "none"))
        return int(found[0])

    def edge(self, name: str) -> int:
        """The id of the edge called ``name``."""
        found = self.incident(name, "elabel")
        if found.size == 0:
            raise LearningGraphError(NO_EDGE.format(
                name=name, known=", ".join(self.edge_names()) or "none"))
        return int(found[0])

    def has_space(self, name: str) -> bool:
        """Whether a space is called ``name``."""
        return bool(self.incident(name, "vlabel").size)

    def has_edge(self, name: str) -> bool:
        """Whether an edge is called ``name``."""
        return bool(self.incident(name, "elabel").size)

    def _kept(self, key: str, make: Callable[[LearningGraph], Any]) -> Any:
        """``make(self)``, an immutable value derived from the graph alone, computed at
        the first call after a write and kept under ``key`` until the next one (a copy
        shares what was kept). For the library's own path finding; O(1) when kept.

        >>> g, count = LearningGraph().model("f", "X", "Y"), lambda h: len(h.edges())
        >>> g._kept("n", count), g.model("k", "Y", "X")._kept("n", count)
        (1, 2)
        """
        kept = self._derived
        if kept is None:
            kept = self._derived = {}
        found = kept.get(key, kept)
        if found is kept:
            found = kept[key] = make(self)
        return found

    def _read_rows(self) -> tuple[tuple[str, ...], tuple[tuple[str, str, str, str], ...]]:
        """``(vertex_names(), edges())``, read from the columns (in place) at the first
        call after a write, then kept. O(1) when kept, else O(V + E)."""
        rows = self._rows
        if rows is not None:
            return rows
        names = tuple(self._attr["vlabel"][:self._n["V"]].tolist())
        n, hom, attr = self._n["E"], self._hom, self._attr
        out = []
        for e, (name, s, t, r) in enumerate(zip(attr["elabel"][:n].tolist(),
                                                 hom["src"][:n].tolist(),
                                                 hom["tgt"][:n].tolist(),
                                                 attr["role"][:n].tolist(), strict=True)):
            if s < 0 or t < 0:
                raise LearningGraphError(f"edge {name!r} (id {e}) has no "
                                         f"{'source' if s < 0 else 'target'} space")
            out.append((name, names[s], names[t], r))
        rows = self._rows = (names, tuple(out))
        return rows

    def vertex_names(self) -> tuple[str, ...]:
        """The names of the spaces, by id (kept between writes: O(1) when unchanged)."""
        rows = self._rows
        if rows is not None:
            return rows[0]
        return tuple(self._attr["vlabel"][:self._n["V"]].tolist())  # read in place

    def edge_names(self) -> tuple[str, ...]:
        """The names of the edges, by id."""
        return tuple(self.subpart("elabel").tolist())

    def role(self, edge: str) -> str:
        """The role of the edge called ``edge``."""
        return str(self.subpart(self.edge(edge), "role"))

    def ends(self, edge: str) -> tuple[str, str]:
        """The names of the source and target spaces of an edge.

        >>> LearningGraph().model("f", "X", "Y").ends("f")
        ('X', 'Y')
        """
        e = self.edge(edge)
        return (str(self.subpart(e, ("src", "vlabel"))), str(self.subpart(e, ("tgt", "vlabel"))))

    def edges(self, role: str | None = None) -> tuple[tuple[str, str, str, str], ...]:
        """``(name, src, tgt, role)`` of every edge (of one role when given), by id. Read
        from the columns at the first call after a write, then kept: O(1) for all edges
        of an unchanged graph, O(E) for one role."""
        rows = self._read_rows()[1]
        if role is None:
            return rows
        return tuple(row for row in rows if row[3] == role)

    def out_roles(self, space: str) -> tuple[str, ...]:
        """The roles of the edges leaving a space."""
        return tuple(self.subpart(self.incident(self.vertex(space), "src"), "role").tolist())

    def is_source(self, space: str) -> bool:
        """Whether a space is a data source: it has outgoing edges, all of them data."""
        roles = self.out_roles(space)
        return bool(roles) and all(r == DATA for r in roles)

    def sources(self) -> tuple[str, ...]:
        """The data sources, by id."""
        return tuple(v for v in self.vertex_names() if self.is_source(v))

    # ------------------------------------------------------------------ building
    def space(self, name: str) -> LearningGraph:
        """Add the space ``name`` unless it exists; return the graph."""
        self._space_id(name)
        return self

    def _space_id(self, name: str) -> int:
        _check_name("space", name)
        found = self.incident(name, "vlabel")
        if found.size:
            return int(found[0])
        return self.add_part("V", vlabel=name)

    def add_edge(self, name: str, src: str, tgt: str, role: str) -> int:
        """Add an edge of a given role (idempotent for an identical edge); return its id."""
        _check_name("edge", name)
        if role not in ROLES:
            raise LearningGraphError(BAD_ROLE.format(
                edge=name, role=role, roles=", ".join(ROLES)))
        for end in (src, tgt):
            _check_name("space", end)
        if self.has_edge(name):
            old = (*self.ends(name), self.role(name))
            if old == (src, tgt, role):
                return self.edge(name)
            raise LearningGraphError(EDGE_CONFLICT.format(
                name=name, old=f"{old[0]} -> {old[1]} ({old[2]})",
                new=f"{src} -> {tgt} ({role})"))
        if self.has_space(src):
            roles = self.out_roles(src)
            if role == DATA and any(r != DATA for r in roles):
                raise LearningGraphError(DATA_NOT_FROM_SOURCE.format(
                    name=name, src=src, why="it has outgoing maps that are not data"))
            if role != DATA and DATA in roles:
                raise LearningGraphError(MAP_FROM_SOURCE.format(
                    name=name, role=role, src=src))
        if role == DATA and self.has_space(src) and self.incident(self.vertex(src),
                                                                   "tgt").size:
            raise LearningGraphError(DATA_NOT_FROM_SOURCE.format(
                name=name, src=src, why="maps go into it"))
        if self.has_space(tgt) and self.is_source(tgt):
            raise LearningGraphError(INTO_SOURCE.format(name=name, tgt=tgt))
        s, t = self._space_id(src), self._space_id(tgt)
        return self.add_part("E", src=s, tgt=t, elabel=name, role=role)

    def data(self, name: str, src: str, tgt: str) -> LearningGraph:
        """Add a data column ``name: src -> tgt`` (``src`` is the data set's index set)."""
        self.add_edge(name, src, tgt, DATA)
        return self

    def fixed(self, name: str, src: str, tgt: str) -> LearningGraph:
        """Add a fixed (frozen) map ``name: src -> tgt``."""
        self.add_edge(name, src, tgt, FIXED)
        return self

    def model(self, name: str, src: str, tgt: str) -> LearningGraph:
        """Add a learnable model ``name: src -> tgt``."""
        self.add_edge(name, src, tgt, LEARNABLE)
        return self

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str, str, str]],
                   spaces: Iterable[str] = ()) -> LearningGraph:
        """Build from ``(name, src, tgt, role)`` rows (and extra isolated spaces).

        >>> LearningGraph.from_edges([("x", "N", "X", "data")]).sources()
        ('N',)
        """
        g = cls()
        for s in spaces:
            g.space(s)
        for name, src, tgt, role in edges:
            g.add_edge(name, src, tgt, role)
        return g

    def to_graph(self) -> Any:
        """The underlying named graph (:class:`catlearn.categories.Graph`) for paths."""
        from catlearn.categories import Graph

        return Graph(self.vertex_names(), tuple((n, s, t) for n, s, t, _ in self.edges()))

    def relabel(self, spaces: Mapping[str, str] | None = None,
                edges: Mapping[str, str] | None = None) -> LearningGraph:
        """A copy with spaces and edges renamed (names not in the maps are kept)."""
        spaces, edges = dict(spaces or {}), dict(edges or {})
        out = LearningGraph()
        for v in self.vertex_names():
            out.space(spaces.get(v, v))
        for n, s, t, r in self.edges():
            out.add_edge(edges.get(n, n), spaces.get(s, s), spaces.get(t, t), r)
        return out

    def __repr__(self) -> str:
        rows = [f"{n}: {s} -> {t} ({r})" for n, s, t, r in self.edges()]
        isolated = [v for v in self.vertex_names()
                    if not any(v in (s, t) for _, s, t, _ in self.edges())]
        body = "; ".join(rows + [f"space {v}" for v in isolated])
        return f"LearningGraph({body})"
