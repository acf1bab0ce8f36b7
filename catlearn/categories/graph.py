"""Graphs: the generators of a finitely presented category.

A graph is a set of vertices and a set of named edges, each with a source and a target
vertex. Parallel edges and loops are allowed; names are unique. Graphs are values:
hashable, comparable, and ``eval(repr(G)) == G``.

    >>> G = Graph(("x", "y"), (("f", "x", "y"), ("g", "x", "y"), ("l", "y", "y")))
    >>> G.edge("f")
    Edge(name='f', src='x', tgt='y')
    >>> [e.name for e in G.out_edges("x")], [e.name for e in G.in_edges("y")]
    (['f', 'g'], ['f', 'g', 'l'])
    >>> eval(repr(G)) == G and hash(eval(repr(G))) == hash(G)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from catlearn.categories.errors import CategoryError, CategoryTypeError

__all__ = ["Edge", "Graph", "as_graph", "COMPOSE"]

#: The separator of a path's readable form, ``x ⋅ f ⋅ g``; forbidden inside names.
COMPOSE = "⋅"


class Edge(NamedTuple):
    """A named edge ``name: src → tgt`` of a :class:`Graph` (a generator of a category).

    >>> Edge("f", "x", "y")
    Edge(name='f', src='x', tgt='y')
    >>> Edge("f", "x", "y") == ("f", "x", "y")
    True
    """

    name: str
    src: str
    tgt: str


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str):
        raise CategoryTypeError(f"{kind} name {name!r} must be a str, not {type(name).__name__}")
    if not name or name != name.strip():
        raise CategoryError(
            f"{kind} name {name!r} must be non-empty, without leading or trailing spaces"
        )
    if COMPOSE in name:
        raise CategoryError(f"{kind} name {name!r} must not contain the separator {COMPOSE!r}")
    return name


class Graph:
    """A finite graph with named vertices and named edges ``(name, src, tgt)``.

    Raises :class:`CategoryError` on duplicate names or an edge end that is not a vertex.

    >>> Graph(("x",), (("f", "x", "x"),)).edges
    (Edge(name='f', src='x', tgt='x'),)
    >>> Graph(("x",), (("f", "x", "y"),))
    Traceback (most recent call last):
    ...
    catlearn.errors.CategoryError: edge 'f' has target 'y', which is not a vertex \
of the graph (vertices: 'x')
    """

    __slots__ = ("vertices", "edges", "_edge_index", "_out", "_in", "_hash")

    vertices: tuple[str, ...]
    edges: tuple[Edge, ...]

    def __init__(
        self, vertices: Iterable[str], edges: Iterable[tuple[str, str, str]] = ()
    ) -> None:
        if isinstance(vertices, str) or not isinstance(vertices, Iterable):
            raise CategoryTypeError(
                f"vertices must be a sequence of str, not {type(vertices).__name__}"
            )
        if isinstance(edges, str) or not isinstance(edges, Iterable):
            raise CategoryTypeError(
                f"edges must be a sequence of (name, src, tgt), not {type(edges).__name__}"
            )
        raw_edges = tuple(edges)
        vertex_names = tuple(_check_name("vertex", v) for v in vertices)
        seen: set[str] = set()
        for v in vertex_names:
            if v in seen:
                raise CategoryError(f"duplicate vertex name {v!r}")
            seen.add(v)
        edge_list: list[Edge] = []
        index: dict[str, int] = {}
        for raw in raw_edges:
            if isinstance(raw, str) or not isinstance(raw, Sequence) or len(raw) != 3:
                raise CategoryTypeError(f"edge {raw!r} must be a triple (name, src, tgt)")
            name = _check_name("edge", raw[0])
            if name in index:
                raise CategoryError(f"duplicate edge name {name!r}")
            for end, v in (("source", raw[1]), ("target", raw[2])):
                if not isinstance(v, str):
                    raise CategoryTypeError(f"edge {name!r} has a {end} {v!r} that is not a str")
                if v not in seen:
                    known = ", ".join(repr(w) for w in vertex_names)
                    raise CategoryError(
                        f"edge {name!r} has {end} {v!r}, "
                        f"which is not a vertex of the graph (vertices: {known})"
                    )
            index[name] = len(edge_list)
            edge_list.append(Edge(name, raw[1], raw[2]))
        out: dict[str, list[Edge]] = {v: [] for v in vertex_names}
        inc: dict[str, list[Edge]] = {v: [] for v in vertex_names}
        for e in edge_list:
            out[e.src].append(e)
            inc[e.tgt].append(e)
        self.vertices = vertex_names
        self.edges = tuple(edge_list)
        self._edge_index: dict[str, int] = index
        self._out: dict[str, tuple[Edge, ...]] = {v: tuple(es) for v, es in out.items()}
        self._in: dict[str, tuple[Edge, ...]] = {v: tuple(es) for v, es in inc.items()}
        self._hash = hash((self.vertices, self.edges))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Graph):
            return NotImplemented
        return self.vertices == other.vertices and self.edges == other.edges

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        edges = tuple(tuple(e) for e in self.edges)
        return f"Graph(vertices={self.vertices!r}, edges={edges!r})"

    def has_vertex(self, v: object) -> bool:
        """Whether ``v`` is a vertex name of the graph.

        >>> Graph(("x",)).has_vertex("x"), Graph(("x",)).has_vertex("y")
        (True, False)
        """
        return isinstance(v, str) and v in self._out

    def check_vertex(self, v: object) -> str:
        """Return ``v`` if it is a vertex, else raise a :class:`CategoryError` naming it.

        >>> Graph(("x",)).check_vertex("y")
        Traceback (most recent call last):
        ...
        catlearn.errors.CategoryError: 'y' is not a vertex of the graph \
(vertices: 'x')
        """
        if not isinstance(v, str):
            raise CategoryTypeError(f"vertex {v!r} must be a str, not {type(v).__name__}")
        if v not in self._out:
            known = ", ".join(repr(w) for w in self.vertices)
            raise CategoryError(f"{v!r} is not a vertex of the graph (vertices: {known})")
        return v

    def edge(self, key: str | int | Edge) -> Edge:
        """The edge with this name, index, or (for checking) this value.

        >>> G = Graph(("x", "y"), (("f", "x", "y"),))
        >>> G.edge("f") == G.edge(0) == G.edge(G.edges[0])
        True
        >>> G.edge("g")
        Traceback (most recent call last):
        ...
        catlearn.errors.CategoryError: 'g' is not an edge of the graph (edges: 'f')
        """
        if isinstance(key, Edge):
            i = self._edge_index.get(key.name)
            if i is None or self.edges[i] != key:
                raise CategoryError(f"{key!r} is not an edge of the graph")
            return key
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise CategoryTypeError(
                f"an edge is named by a str or an int index, not {type(key).__name__} {key!r}"
            )
        if isinstance(key, int):
            if not 0 <= key < len(self.edges):
                raise CategoryError(
                    f"edge index {key} out of range: the graph has {len(self.edges)} edges"
                )
            return self.edges[key]
        i = self._edge_index.get(key)
        if i is None:
            known = ", ".join(repr(e.name) for e in self.edges)
            raise CategoryError(f"{key!r} is not an edge of the graph (edges: {known})")
        return self.edges[i]

    def out_edges(self, v: str) -> tuple[Edge, ...]:
        """The edges with source ``v``, in graph order.

        >>> Graph(("x", "y"), (("f", "x", "y"), ("g", "y", "x"))).out_edges("x")
        (Edge(name='f', src='x', tgt='y'),)
        """
        return self._out[self.check_vertex(v)]

    def in_edges(self, v: str) -> tuple[Edge, ...]:
        """The edges with target ``v``, in graph order.

        >>> Graph(("x", "y"), (("f", "x", "y"), ("g", "y", "x"))).in_edges("x")
        (Edge(name='g', src='y', tgt='x'),)
        """
        return self._in[self.check_vertex(v)]

    @classmethod
    def from_acset(
        cls,
        g: Any,
        vertex_names: Sequence[str] | None = None,
        edge_names: Sequence[str] | None = None,
    ) -> Graph:
        """Read a graph from any C-set with objects ``V``, ``E`` and homs ``src``, ``tgt``.

        Duck-typed: only ``g.nparts(ob)``, ``g.parts(ob)`` and ``g.subpart(part, hom)`` are
        called. Names default to ``v0, v1, ...`` and ``e0, e1, ...``.

        >>> class Tiny:  # the three verbs of a C-set of schema SchGraph
        ...     cols = {"src": [0, 1], "tgt": [1, 1]}
        ...     def nparts(self, ob): return {"V": 2, "E": 2}[ob]
        ...     def parts(self, ob): return range(self.nparts(ob))
        ...     def subpart(self, part, hom): return self.cols[hom][part]
        >>> Graph.from_acset(Tiny())
        Graph(vertices=('v0', 'v1'), edges=(('e0', 'v0', 'v1'), ('e1', 'v1', 'v1')))
        """
        for verb in ("nparts", "parts", "subpart"):
            if not callable(getattr(g, verb, None)):
                raise CategoryTypeError(
                    f"{type(g).__name__} is not a C-set with objects V, E and homs src, tgt: "
                    f"it has no method {verb!r}"
                )
        try:
            nv = int(g.nparts("V"))
            edge_parts = [int(e) for e in g.parts("E")]
            ends = [(int(g.subpart(e, "src")), int(g.subpart(e, "tgt"))) for e in edge_parts]
        except (KeyError, AttributeError, IndexError) as err:
            raise CategoryError(
                f"cannot read a graph from {type(g).__name__}: it needs objects V, E and homs "
                f"src, tgt: E → V ({err!r})"
            ) from err
        vnames = _names("vertex", vertex_names, nv, "v")
        enames = _names("edge", edge_names, len(edge_parts), "e")
        for e, (s, t) in zip(edge_parts, ends, strict=True):
            for end, v in (("src", s), ("tgt", t)):
                if not 0 <= v < nv:
                    raise CategoryError(f"edge part {e} has {end} {v}, not a part of V (0..{nv})")
        named = [(n, vnames[s], vnames[t]) for n, (s, t) in zip(enames, ends, strict=True)]
        return cls(vnames, named)


def _names(kind: str, names: Sequence[str] | None, n: int, prefix: str) -> tuple[str, ...]:
    if names is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    names = tuple(names)
    if len(names) != n:
        raise CategoryError(f"got {len(names)} {kind} names for {n} {kind} parts")
    return names


def as_graph(x: Any) -> Graph:
    """Coerce a :class:`Graph`, anything with a ``graph`` attribute (a category), or a C-set
    of schema SchGraph into a :class:`Graph`.

    >>> G = Graph(("x",))
    >>> as_graph(G) is G
    True
    >>> as_graph(3)
    Traceback (most recent call last):
    ...
    catlearn.errors.CategoryTypeError: expected a Graph, a category or a C-set \
with objects V, E; got int
    """
    if isinstance(x, Graph):
        return x
    inner = getattr(x, "graph", None)
    if isinstance(inner, Graph):
        return inner
    if callable(getattr(x, "nparts", None)) and callable(getattr(x, "subpart", None)):
        return Graph.from_acset(x)
    raise CategoryTypeError(
        f"expected a Graph, a category or a C-set with objects V, E; got {type(x).__name__}"
    )
