"""Enumeration of the paths of a graph: hom-sets of a free category, lazily.

Two regimes. **Simple paths** (no vertex visited twice) are finite in number in any
finite graph, so the search always terminates, cycles or not; they are the default.
**Bounded walks** (``max_length=n``: every path of at most ``n`` edges, vertices may
repeat) express cycles such as an autoencoder's ``enc ⋅ dec``. Results come from a
generator in depth-first order (edges in graph order), so an exponential family is
never built unless the caller asks for it; ``max_paths`` stops the search with a
:class:`TooManyPathsError` giving the count found so far.

Internally the search grows a :class:`PathTrie`: the prefix trie of the paths found, as
parallel integer lists (parent node, last edge, end vertex, length), one node per path,
O(1) work per node. :class:`Path` objects are made only for the paths handed to the
caller. Facts, as doctests::

    >>> G = Graph(("x", "y"), (("f", "x", "y"), ("g", "x", "y"), ("c", "y", "x")))
    >>> list(paths_between(G, "x", "y"))  # simple: the cycle c is never taken
    [x ⋅ f, x ⋅ g]
    >>> len(list(paths_between(G, "x", "y", max_length=3)))  # walks: x⋅f⋅c⋅f, ...
    6
    >>> all(p.src == "x" for p in paths_from(G, "x", max_length=4))
    True
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from catlearn.categories.errors import CategoryError, CategoryTypeError, TooManyPathsError
from catlearn.categories.graph import Edge, Graph, as_graph
from catlearn.categories.path import Path

__all__ = ["PathTrie", "paths_between", "paths_from"]


def _options(max_length: int | None, simple: bool | None, max_paths: int | None) -> bool:
    for name, value in (("max_length", max_length), ("max_paths", max_paths)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise CategoryError(f"{name} must be a non-negative int or None, not {value!r}")
    if simple is None:
        return max_length is None
    if not isinstance(simple, bool):
        raise CategoryError(f"simple must be True, False or None, not {simple!r}")
    if not simple and max_length is None:
        raise CategoryError(
            "non-simple paths (walks) need a bound: pass max_length, or simple=True"
        )
    return simple


class PathTrie:
    """The prefix trie of paths out of one vertex, grown by :meth:`search`.

    Node ``0`` is the identity path at ``src``; node ``k > 0`` is the path of node
    ``parent[k]`` followed by the edge ``edges[edge[k]]`` (the graph's edges, in order);
    it ends at the vertex ``vertices[vertex[k]]`` and has ``depth[k]`` edges. Every path
    found is one node (its prefixes are nodes too), so the search does O(1) work per path
    found and the trie takes four ints per path. :meth:`path` makes the :class:`Path` of a node
    (O(length), cached). With ``keep=False`` the trie forgets each finished branch, so a
    streaming search holds O(depth × degree) nodes; a node id is then valid only until
    the search resumes.

    >>> G = Graph(("x", "y", "z"), (("f", "x", "y"), ("g", "y", "z"), ("h", "x", "z")))
    >>> T = PathTrie(G, "x")
    >>> list(T.search())
    [0, 1, 2, 3]
    >>> T.parent, T.edge, T.depth
    ([-1, 0, 1, 0], [-1, 0, 1, 2], [0, 1, 2, 1])
    >>> T.path(2), T.edge_ids(2)
    (x ⋅ f ⋅ g, (0, 1))
    """

    __slots__ = ("vertices", "edges", "src", "keep", "parent", "edge", "vertex", "depth",
                 "_paths", "_out", "_searched", "_looped")

    def __init__(self, graph: Graph | Any, src: str, *, keep: bool = True) -> None:
        g = as_graph(graph)
        g.check_vertex(src)
        self._setup(g.vertices, g.edges, src, keep)

    @classmethod
    def _of(cls, vertices: tuple[str, ...], edges: tuple[Edge, ...], src: str,
            keep: bool = True,
            out: Sequence[tuple[tuple[int, int], ...]] | None = None) -> PathTrie:
        """A trie over vertices and edges known to form a graph (no :class:`Graph` is
        built or checked): for the library's own path finding. ``out`` may give the
        adjacency already made (:meth:`adjacency`, which it must equal). O(V + E), O(V)
        with ``out``.

        >>> V, E = ("x", "y"), (Edge("f", "x", "y"),)
        >>> [T.path(n) for T in [PathTrie._of(V, E, "x")] for n in T.search()]
        [x, x ⋅ f]
        >>> PathTrie._of(V, E, "x", out=PathTrie.adjacency(V, E))._out
        (((0, 1),), ())
        """
        trie = cls.__new__(cls)
        trie._setup(vertices, edges, src, keep, out)
        return trie

    @staticmethod
    def adjacency(vertices: Sequence[str], edges: Sequence[Edge]
                  ) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Per vertex id, its outgoing ``(edge id, target vertex id)`` pairs in edge
        order: the integer graph a trie is searched over. O(V + E).

        >>> PathTrie.adjacency(("x", "y"), (Edge("f", "x", "y"), Edge("g", "x", "x")))
        (((0, 1), (1, 0)), ())
        """
        index = {v: i for i, v in enumerate(vertices)}
        out: list[list[tuple[int, int]]] = [[] for _ in vertices]
        for k, e in enumerate(edges):
            out[index[e.src]].append((k, index[e.tgt]))
        return tuple(tuple(es) for es in out)

    def _setup(self, vertices: tuple[str, ...], edges: tuple[Edge, ...], src: str,
               keep: bool, out: Sequence[tuple[tuple[int, int], ...]] | None = None
               ) -> None:
        #: the graph's vertices and edges, which ``vertex`` and ``edge`` index
        self.vertices, self.edges = vertices, edges
        self.src = src
        self.keep = keep
        self._out = PathTrie.adjacency(vertices, edges) if out is None else out
        self.parent: list[int] = [-1]
        self.edge: list[int] = [-1]
        self.vertex: list[int] = [vertices.index(src)]
        self.depth: list[int] = [0]
        self._paths: dict[int, Path] = {0: Path.id(src)}
        self._searched = False
        #: set by a simple search that met an edge back into its current path: a cycle
        #: is reachable from ``src`` (the search skips it, so it still ends)
        self._looped = False

    def __len__(self) -> int:
        return len(self.parent)

    def edge_ids(self, node: int) -> tuple[int, ...]:
        """The edge ids of a node's path, first edge first: O(length)."""
        ids = []
        parent, edge = self.parent, self.edge
        while node > 0:
            ids.append(edge[node])
            node = parent[node]
        return tuple(reversed(ids))

    def path(self, node: int) -> Path:
        """The :class:`Path` of a node: O(length) the first time (with ``keep``, the
        paths of its ancestors are cached on the way)."""
        if not self.keep:
            edges = self.edges
            return Path._unchecked(self.src, tuple(edges[k] for k in self.edge_ids(node)))
        paths = self._paths
        found = paths.get(node)
        if found is not None:
            return found
        chain = []
        while node not in paths:
            chain.append(node)
            node = self.parent[node]
        base = paths[node]
        edges, last, src = self.edges, self.edge, self.src
        for n in reversed(chain):
            base = paths[n] = Path._unchecked(src, (*base.edges, edges[last[n]]))
        return base

    def search(self, tgt: str | None = None, *, max_length: int | None = None,
               simple: bool | None = None, max_paths: int | None = None) -> Iterator[int]:
        """Grow the trie depth first (edges in graph order); yield the node of each path
        found: those ending at ``tgt`` when given, else every path, the identity first.

        Options as in :func:`paths_between`, checked at once. Time O(nodes grown): an
        append and a yield per node; with ``tgt``, branches that cannot reach it (within
        ``max_length``) are never grown. A trie is searched once.

        >>> G = Graph(("x", "y"), (("f", "x", "y"), ("c", "y", "x")))
        >>> T = PathTrie(G, "x")
        >>> [T.path(n) for n in T.search("x", max_length=4)]
        [x, x ⋅ f ⋅ c, x ⋅ f ⋅ c ⋅ f ⋅ c]
        """
        use_simple = _options(max_length, simple, max_paths)
        t = None
        if tgt is not None:
            if not isinstance(tgt, str):
                raise CategoryTypeError(f"vertex {tgt!r} must be a str, not "
                                        f"{type(tgt).__name__}")
            if tgt not in self.vertices:
                raise CategoryError(f"{tgt!r} is not a vertex of the graph (vertices: "
                                    f"{', '.join(map(repr, self.vertices))})")
            t = self.vertices.index(tgt)
        if self._searched:
            raise CategoryError("this PathTrie was searched already; make a new one")
        self._searched = True
        return self._grow(t, max_length, use_simple, max_paths)

    def _distances_to(self, tgt: int) -> list[int]:
        """Edges of a shortest path from each vertex to ``tgt`` (-1: unreachable)."""
        into: list[list[int]] = [[] for _ in self._out]
        for v, es in enumerate(self._out):
            for _, w in es:
                into[w].append(v)
        dist = [-1] * len(self._out)
        dist[tgt] = 0
        queue = deque([tgt])
        while queue:
            w = queue.popleft()
            for v in into[w]:
                if dist[v] < 0:
                    dist[v] = dist[w] + 1
                    queue.append(v)
        return dist

    def _too_many(self, tgt: int | None, max_paths: int, found: int) -> TooManyPathsError:
        ends = f"from {self.src!r}"
        if tgt is not None:
            ends += f" to {self.vertices[tgt]!r}"
        return TooManyPathsError(
            f"more than max_paths={max_paths} paths {ends} (found {found} so far); "
            "bound the search with max_length, keep simple=True, or raise max_paths",
            count=found,
        )

    def _forget_below(self, node: int) -> None:
        """Drop the (finished) descendants of ``node``: the nodes after it."""
        for column in (self.parent, self.edge, self.vertex, self.depth):
            del column[node + 1:]

    def _grow(self, tgt: int | None, max_length: int | None, simple: bool,
              max_paths: int | None) -> Iterator[int]:
        parent, edge, vertex, depth, out = (self.parent, self.edge, self.vertex,
                                            self.depth, self._out)
        src, keep = vertex[0], self.keep
        dist = self._distances_to(tgt) if tgt is not None else None
        if dist is not None and dist[src] < 0:
            return
        bound = sys.maxsize if max_length is None else max_length
        limit = sys.maxsize if max_paths is None else max_paths
        found = 0
        if tgt is None or tgt == src:
            if found >= limit:
                raise self._too_many(tgt, limit, found)
            found += 1
            yield 0
        on_path = [False] * len(out)
        on_path[src] = simple
        nodes = [0]
        stack = [iter(out[src] if bound > 0 else ())]
        while stack:
            here = nodes[-1]
            d = depth[here] + 1
            for e, w in stack[-1]:
                if on_path[w]:
                    self._looped = True
                    continue
                if dist is not None and (dist[w] < 0 or d + dist[w] > bound):
                    continue
                new = len(parent)
                parent.append(here)
                edge.append(e)
                vertex.append(w)
                depth.append(d)
                if tgt is None or w == tgt:
                    if found >= limit:
                        raise self._too_many(tgt, limit, found)
                    found += 1
                    yield new
                # a simple path that has reached its target cannot come back to it
                if d < bound and not (simple and w == tgt):
                    on_path[w] = simple
                    nodes.append(new)
                    stack.append(iter(out[w]))
                    break
            else:
                stack.pop()
                done = nodes.pop()
                on_path[vertex[done]] = False
                if not keep:
                    self._forget_below(done)


def paths_between(
    graph: Graph | Any,
    src: str,
    tgt: str,
    *,
    max_length: int | None = None,
    simple: bool | None = None,
    max_paths: int | None = None,
) -> Iterator[Path]:
    """Generate the paths from ``src`` to ``tgt``.

    ``simple`` defaults to ``max_length is None``: simple paths when unbounded, all walks
    of at most ``max_length`` edges when bounded (``simple=True`` with a bound gives the
    simple paths of bounded length). The identity is included when ``src == tgt``.
    ``graph`` is a :class:`Graph`, a category, or a C-set of schema SchGraph. Time: O(1)
    per trie node grown plus O(length) per path yielded.

    >>> G = Graph(("x",), (("l", "x", "x"),))
    >>> list(paths_between(G, "x", "x")), list(paths_between(G, "x", "x", max_length=2))
    ([x], [x, x ⋅ l, x ⋅ l ⋅ l])
    >>> list(paths_between(G, "x", "x", max_length=9, max_paths=2))
    Traceback (most recent call last):
    ...
    catlearn.errors.TooManyPathsError: more than max_paths=2 paths from 'x' to \
'x' (found 2 so far); bound the search with max_length, keep simple=True, or raise max_paths
    """
    trie = PathTrie(graph, src, keep=False)
    nodes = trie.search(tgt, max_length=max_length, simple=simple, max_paths=max_paths)
    return map(trie.path, nodes)


def paths_from(
    graph: Graph | Any,
    src: str,
    *,
    max_length: int | None = None,
    simple: bool | None = None,
    max_paths: int | None = None,
) -> Iterator[Path]:
    """Generate every path out of ``src`` (to every vertex), starting with the identity.

    Same options as :func:`paths_between`: simple paths by default, walks of at most
    ``max_length`` edges when bounded. Time: O(length) per path.

    >>> G = Graph(("N", "X", "Z"), (("x", "N", "X"), ("enc", "X", "Z"), ("dec", "Z", "X")))
    >>> list(paths_from(G, "N"))
    [N, N ⋅ x, N ⋅ x ⋅ enc]
    >>> list(paths_from(G, "N", max_length=3))
    [N, N ⋅ x, N ⋅ x ⋅ enc, N ⋅ x ⋅ enc ⋅ dec]
    """
    trie = PathTrie(graph, src, keep=False)
    return map(trie.path, trie.search(max_length=max_length, simple=simple,
                                      max_paths=max_paths))
