"""Hypothesis strategies for the category tests: small random graphs and their paths."""

from __future__ import annotations

from hypothesis import strategies as st

from catlearn.categories import FreeCategory, Graph, Path, paths_from


@st.composite
def graphs(draw: st.DrawFn, max_vertices: int = 4, max_edges: int = 6) -> Graph:
    """Random graphs with vertices v0.. and edges e0.. (loops and parallel edges)."""
    nv = draw(st.integers(1, max_vertices))
    ne = draw(st.integers(0, max_edges))
    ends = draw(st.lists(st.tuples(st.integers(0, nv - 1), st.integers(0, nv - 1)),
                         min_size=ne, max_size=ne))
    return Graph(tuple(f"v{i}" for i in range(nv)),
                 tuple((f"e{k}", f"v{s}", f"v{t}") for k, (s, t) in enumerate(ends)))


@st.composite
def paths_in(draw: st.DrawFn, graph: Graph, max_length: int = 4,
             src: str | None = None) -> Path:
    """A random path (a random walk, possibly empty) of at most ``max_length`` edges."""
    here = src if src is not None else draw(st.sampled_from(graph.vertices))
    edges = []
    for _ in range(draw(st.integers(0, max_length))):
        out = graph.out_edges(here)
        if not out:
            break
        e = draw(st.sampled_from(out))
        edges.append(e)
        here = e.tgt
    return Path(src if src is not None else (edges[0].src if edges else here), edges)


@st.composite
def composable_triples(draw: st.DrawFn, max_length: int = 3
                       ) -> tuple[FreeCategory, Path, Path, Path]:
    """A free category and three composable paths p: a → b, q: b → c, r: c → d."""
    G = draw(graphs())
    p = draw(paths_in(G, max_length))
    q = draw(paths_in(G, max_length, src=p.tgt))
    r = draw(paths_in(G, max_length, src=q.tgt))
    return FreeCategory(G), p, q, r


def all_short_paths(G: Graph, max_length: int = 3) -> list[Path]:
    """Every path of at most ``max_length`` edges, from every vertex."""
    return [p for v in G.vertices for p in paths_from(G, v, max_length=max_length)]
