"""Enumeration of the paths of a graph: hom-sets of a free category, lazily.

Two regimes. **Simple paths** (no vertex visited twice) are finite in number in any
finite graph, so the search always terminates, cycles or not; they are the default.
**Bounded walks** (``max_length=n``: every path of at most ``n`` edges, vertices may
repeat) express cycles such as an autoencoder's ``enc ⋅ dec``. Results come from a
generator in depth-first order (edges in graph order), so an exponential family is
never built unless the caller asks for it; ``max_paths`` stops the search with a
:class:`TooManyPathsError` giving the count found so far. Facts, as doctests::

    >>> G = Graph(("x", "y"), (("f", "x", "y"), ("g", "x", "y"), ("c", "y", "x")))
    >>> list(paths_between(G, "x", "y"))  # simple: the cycle c is never taken
    [x ⋅ f, x ⋅ g]
    >>> len(list(paths_between(G, "x", "y", max_length=3)))  # walks: x⋅f⋅c⋅f, ...
    6
    >>> all(p.src == "x" for p in paths_from(G, "x", max_length=4))
    True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from catlearn.categories.errors import CategoryError, TooManyPathsError
from catlearn.categories.graph import Edge, Graph, as_graph
from catlearn.categories.path import Path

__all__ = ["paths_between", "paths_from"]


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


def _distances_to(graph: Graph, tgt: str) -> dict[str, int]:
    """Length of a shortest path from each vertex to ``tgt`` (absent: unreachable)."""
    dist = {tgt: 0}
    queue = deque([tgt])
    while queue:
        v = queue.popleft()
        for e in graph.in_edges(v):
            if e.src not in dist:
                dist[e.src] = dist[v] + 1
                queue.append(e.src)
    return dist


def _search(
    graph: Graph,
    src: str,
    tgt: str | None,
    max_length: int | None,
    simple: bool,
    max_paths: int | None,
) -> Iterator[Path]:
    dist = _distances_to(graph, tgt) if tgt is not None else None
    if dist is not None and src not in dist:
        return
    found = 0
    edges: list[Edge] = []
    on_path = {src}
    # One iterator of candidate out-edges per vertex on the current path.
    stack: list[Iterator[Edge]] = [iter(graph.out_edges(src))]

    def emit() -> Path:
        nonlocal found
        if max_paths is not None and found >= max_paths:
            ends = f"from {src!r} to {tgt!r}" if tgt is not None else f"from {src!r}"
            raise TooManyPathsError(
                f"more than max_paths={max_paths} paths {ends} (found {found} so far); "
                "bound the search with max_length, keep simple=True, or raise max_paths",
                count=found,
            )
        found += 1
        return Path(src, edges)

    if tgt is None or tgt == src:
        yield emit()
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            if edges:
                last = edges.pop()
                if simple:
                    on_path.discard(last.tgt)
            continue
        depth = len(edges) + 1
        nxt = step.tgt
        if simple and nxt in on_path:
            continue
        if max_length is not None and depth > max_length:
            continue
        if dist is not None:
            d = dist.get(nxt)
            if d is None or (max_length is not None and depth + d > max_length):
                continue
        edges.append(step)
        if simple:
            on_path.add(nxt)
        if tgt is None or nxt == tgt:
            yield emit()
        # A simple path that has reached its target cannot come back to it.
        dead_end = simple and nxt == tgt
        stack.append(iter(() if dead_end else graph.out_edges(nxt)))


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
    ``graph`` is a :class:`Graph`, a category, or a C-set of schema SchGraph.

    >>> G = Graph(("x",), (("l", "x", "x"),))
    >>> list(paths_between(G, "x", "x")), list(paths_between(G, "x", "x", max_length=2))
    ([x], [x, x ⋅ l, x ⋅ l ⋅ l])
    >>> list(paths_between(G, "x", "x", max_length=9, max_paths=2))
    Traceback (most recent call last):
    ...
    catlearn.categories.errors.TooManyPathsError: more than max_paths=2 paths from 'x' to \
'x' (found 2 so far); bound the search with max_length, keep simple=True, or raise max_paths
    """
    g = as_graph(graph)
    g.check_vertex(src)
    g.check_vertex(tgt)
    use_simple = _options(max_length, simple, max_paths)
    return _search(g, src, tgt, max_length, use_simple, max_paths)


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
    ``max_length`` edges when bounded.

    >>> G = Graph(("N", "X", "Z"), (("x", "N", "X"), ("enc", "X", "Z"), ("dec", "Z", "X")))
    >>> list(paths_from(G, "N"))
    [N, N ⋅ x, N ⋅ x ⋅ enc]
    >>> list(paths_from(G, "N", max_length=3))
    [N, N ⋅ x, N ⋅ x ⋅ enc, N ⋅ x ⋅ enc ⋅ dec]
    """
    g = as_graph(graph)
    g.check_vertex(src)
    use_simple = _options(max_length, simple, max_paths)
    return _search(g, src, None, max_length, use_simple, max_paths)
