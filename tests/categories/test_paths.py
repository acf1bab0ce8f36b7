"""Path enumeration: counts equal a brute-force count; the max_paths guard; laziness."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.categories import (
    CategoryError,
    Graph,
    Path,
    PathTrie,
    TooManyPathsError,
    paths_between,
    paths_from,
)
from tests.categories.strategies import graphs


def brute_force(G: Graph, src: str, tgt: str | None, max_length: int, simple: bool
                ) -> set[Path]:
    """Every edge sequence of at most max_length edges that is a path from src (to tgt)."""
    found: set[Path] = set()
    for n in range(max_length + 1):
        for seq in itertools.product(G.edges, repeat=n):
            if seq and seq[0].src != src:
                continue
            if any(a.tgt != b.src for a, b in itertools.pairwise(seq)):
                continue
            p = Path(src, seq)
            if (tgt is None or p.tgt == tgt) and (not simple or p.is_simple()):
                found.add(p)
    return found


@st.composite
def graph_and_ends(draw: st.DrawFn):
    G = draw(graphs(max_vertices=4, max_edges=5))
    return G, draw(st.sampled_from(G.vertices)), draw(st.sampled_from(G.vertices))


@settings(max_examples=200, deadline=None)
@given(graph_and_ends(), st.integers(0, 3))
def test_paths_between_counts_match_brute_force(ends, max_length):
    G, s, t = ends
    simple = list(paths_between(G, s, t))
    assert len(simple) == len(set(simple))
    assert set(simple) == brute_force(G, s, t, len(G.vertices) - 1, simple=True)
    walks = list(paths_between(G, s, t, max_length=max_length))
    assert len(walks) == len(set(walks))
    assert set(walks) == brute_force(G, s, t, max_length, simple=False)
    bounded_simple = list(paths_between(G, s, t, max_length=max_length, simple=True))
    assert set(bounded_simple) == brute_force(G, s, t, max_length, simple=True)


@settings(max_examples=200, deadline=None)
@given(graph_and_ends(), st.integers(0, 3))
def test_paths_from_counts_match_brute_force(ends, max_length):
    G, s, _ = ends
    simple = list(paths_from(G, s))
    assert simple[0] == Path.id(s)
    assert len(simple) == len(set(simple))
    assert set(simple) == brute_force(G, s, None, len(G.vertices) - 1, simple=True)
    walks = list(paths_from(G, s, max_length=max_length))
    assert len(walks) == len(set(walks))
    assert set(walks) == brute_force(G, s, None, max_length, simple=False)
    per_target = [p for t in G.vertices for p in paths_between(G, s, t)]
    assert set(per_target) == set(simple)
    assert len(per_target) == len(simple)


@settings(max_examples=200, deadline=None)
@given(graph_and_ends(), st.integers(0, 4), st.integers(0, 6))
def test_max_paths_guard_reports_the_count_found(ends, max_length, guard):
    G, s, t = ends
    total = len(list(paths_between(G, s, t, max_length=max_length)))
    seen = []
    if total <= guard:
        seen = list(paths_between(G, s, t, max_length=max_length, max_paths=guard))
        assert len(seen) == total
    else:
        with pytest.raises(TooManyPathsError) as err:
            seen.extend(paths_between(G, s, t, max_length=max_length, max_paths=guard))
        assert err.value.count == guard == len(seen)
        assert f"found {guard} so far" in str(err.value)


def test_enumeration_is_lazy_on_an_exponential_graph():
    # A chain of 40 diamonds has 2**40 simple paths end to end: taking 3 must be instant.
    vs = [f"v{i}" for i in range(41)]
    es = [(f"{k}{i}", vs[i], vs[i + 1]) for i in range(40) for k in "ab"]
    G = Graph(tuple(vs), tuple(es))
    first = list(itertools.islice(paths_between(G, "v0", "v40"), 3))
    assert [len(p) for p in first] == [40, 40, 40]
    with pytest.raises(TooManyPathsError, match="more than max_paths=1000 paths from 'v0' to "
                       "'v40' \\(found 1000 so far\\)"):
        for _ in paths_between(G, "v0", "v40", max_paths=1000):
            pass


def test_cycles_need_a_bound_or_are_simple():
    G = Graph(("N", "X", "Z"), (("x", "N", "X"), ("enc", "X", "Z"), ("dec", "Z", "X")))
    assert [p.names for p in paths_between(G, "N", "X")] == [("x",)]
    assert [p.names for p in paths_between(G, "N", "X", max_length=5)] == [
        ("x",), ("x", "enc", "dec"), ("x", "enc", "dec", "enc", "dec")]
    with pytest.raises(CategoryError, match="walks\\) need a bound"):
        paths_from(G, "N", simple=False)
    with pytest.raises(CategoryError, match="'Q' is not a vertex"):
        paths_from(G, "Q")
    with pytest.raises(CategoryError, match="max_length must be a non-negative int"):
        paths_from(G, "N", max_length=-1)


def dfs_reference(G: Graph, src: str, max_length: int | None, simple: bool) -> list[Path]:
    """Every path out of ``src``, depth first with edges in graph order, by recursion."""
    out: list[Path] = []

    def visit(p: Path) -> None:
        out.append(p)
        if max_length is not None and len(p) >= max_length:
            return
        for e in G.out_edges(p.tgt):
            if simple and e.tgt in p.vertices:
                continue
            visit(p >> Path.edge(e))

    visit(Path.id(src))
    return out


@settings(max_examples=200, deadline=None)
@given(graph_and_ends(), st.integers(0, 3), st.booleans())
def test_paths_come_in_depth_first_order_and_the_trie_holds_them(ends, max_length, simple):
    G, s, t = ends
    bound = None if simple and max_length == 3 else max_length
    want = dfs_reference(G, s, bound, simple)
    assert list(paths_from(G, s, max_length=bound, simple=simple)) == want
    assert list(paths_between(G, s, t, max_length=bound, simple=simple)) == [
        p for p in want if p.tgt == t]
    trie = PathTrie(G, s)
    nodes = list(trie.search(max_length=bound, simple=simple))
    assert nodes == list(range(len(trie)))
    assert [trie.path(n) for n in nodes] == want
    for n in nodes[1:]:  # each node is its parent's path followed by one edge
        p, up = trie.path(n), trie.path(trie.parent[n])
        assert p == up >> Path.edge(G.edges[trie.edge[n]])
        assert len(p) == trie.depth[n]
        assert p.tgt == G.vertices[trie.vertex[n]]
        assert [G.edges[k] for k in trie.edge_ids(n)] == list(p.edges)
        assert hash(p) == hash(Path(s, p.edges))


def test_a_streaming_search_forgets_finished_branches():
    # 2**12 paths end to end through a chain of diamonds; streaming keeps O(depth) nodes
    vs = [f"v{i}" for i in range(13)]
    G = Graph(tuple(vs), tuple((f"{k}{i}", vs[i], vs[i + 1]) for i in range(12) for k in "ab"))
    trie = PathTrie(G, "v0", keep=False)
    sizes = [len(trie) for _ in trie.search("v12")]
    assert len(sizes) == 2**12
    assert max(sizes) <= 2 * 13 + 1
    kept = PathTrie(G, "v0")
    assert sum(1 for _ in kept.search("v12")) == 2**12
    assert len(kept) == 2**13 - 1
    with pytest.raises(CategoryError, match="searched already"):
        kept.search()
    with pytest.raises(CategoryError, match="max_paths must be a non-negative int"):
        PathTrie(G, "v0").search(max_paths=-1)
    with pytest.raises(CategoryError, match="walks\\) need a bound"):
        PathTrie(G, "v0").search(simple=False)
