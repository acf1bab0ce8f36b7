"""The limits' bulk paths: the radix argsort of the joins and the row lookup of the apex
homs, against plain references, at sizes where the sort needs several 16-bit digits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.acsets.acset import ACSet
from catlearn.acsets.diagram import grouped_search, stable_argsort
from catlearn.acsets.limits import _equi_join, lookup_rows, pullback
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.schema import SchGraph

PROPS = settings(max_examples=200, deadline=None)


@PROPS
@given(st.lists(st.integers(0, 2**40), max_size=50), st.sampled_from([1, 3, 2**16, 2**40]))
def test_stable_argsort_is_numpys_stable_argsort(values, scale):
    top = max(scale, 1)
    keys = np.asarray([v % top for v in values], dtype=np.int64)
    got = stable_argsort(keys, top)
    assert got.tolist() == np.argsort(keys, kind="stable").tolist()


@PROPS
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), unique=True, min_size=1,
                max_size=20),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5)), max_size=20))
def test_grouped_search_finds_every_present_key(rows, queries):
    rows = sorted(rows)
    keys = np.asarray([a * 10 + b for a, b in rows], dtype=np.int64)
    lead = np.asarray([a for a, _ in rows], dtype=np.int64)
    qkeys = np.asarray([a * 10 + b for a, b in queries], dtype=np.int64)
    qlead = np.asarray([a for a, _ in queries], dtype=np.int64)
    pos = grouped_search(keys, qkeys, lead, qlead)
    assert ((pos >= 0) & (pos < keys.size)).all()
    assert (keys[pos] == qkeys).tolist() == [q in rows for q in queries]


@PROPS
@given(st.lists(st.integers(0, 9), max_size=30), st.lists(st.integers(0, 9), max_size=30))
def test_equi_join_lists_every_matching_pair_grouped_and_ascending(left, right):
    li, ri = _equi_join(np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64))
    want = [(i, j) for i, a in enumerate(left) for j, b in enumerate(right) if a == b]
    assert list(zip(li.tolist(), ri.tolist(), strict=True)) == want


@PROPS
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), unique=True, max_size=12),
       st.lists(st.tuples(st.integers(-1, 6), st.integers(-1, 6)), max_size=12),
       st.booleans())
def test_lookup_rows_finds_each_query_row_or_minus_one(rows, queries, shuffle):
    if shuffle:
        rows = rows[::-1]
    table = [np.asarray([r[k] for r in rows], dtype=np.int64) for k in range(2)]
    qs = [np.asarray([q[k] for q in queries], dtype=np.int64) for k in range(2)]
    got = lookup_rows(table, qs)
    assert got.tolist() == [rows.index(q) if q in rows else -1 for q in queries]


def graph(nv: int, src: np.ndarray, tgt: np.ndarray) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", src.size, src=src, tgt=tgt)
    return g


def test_pullback_with_keys_past_two_digits_matches_plain_joins():
    """A pullback over a base of more than 2^16 parts (the radix sort takes two passes):
    the apex's parts are exactly the compatible pairs, each once, its homs send each edge
    pair to the vertex pair of its ends, and the legs are natural (rebuilt checked)."""
    rng = np.random.default_rng(3)
    k = (1 << 16) + 5
    D = graph(k, np.arange(k), (np.arange(k) + 1) % k)
    sides = []
    for _ in range(2):
        nv, ne = k + 100, 2 * k
        colour = rng.integers(0, k, nv)
        src = rng.integers(0, nv, ne)
        by_colour = {c: np.flatnonzero(colour == c) for c in np.unique(colour)}
        nxt = (colour[src] + 1) % k
        tgt = np.asarray([rng.choice(by_colour[c]) if c in by_colour else -1 for c in nxt])
        keep = tgt >= 0
        X = graph(nv, src[keep], tgt[keep])
        sides.append(ACSetTransformation(X, D, V=colour, E=colour[src[keep]]))
    f, g = sides
    P = pullback(f, g)
    for ob in ("V", "E"):
        fb, gc = f.components[ob], g.components[ob]
        of: dict[int, list[int]] = {}
        for j, c in enumerate(gc.tolist()):
            of.setdefault(c, []).append(j)
        want = [(i, j) for i, b in enumerate(fb.tolist()) for j in of.get(b, [])]
        got = list(zip(P.legs[0][ob].tolist(), P.legs[1][ob].tolist(), strict=True))
        assert sorted(got) == want  # each compatible pair once (any order)
    vrow = {pair: r for r, pair in enumerate(zip(P.legs[0]["V"].tolist(),
                                                 P.legs[1]["V"].tolist(), strict=True))}
    for h in ("src", "tgt"):
        b, c = f.dom.subpart(h)[P.legs[0]["E"]], g.dom.subpart(h)[P.legs[1]["E"]]
        assert P.apex.subpart(h).tolist() == [vrow[(x, y)] for x, y in
                                              zip(b.tolist(), c.tolist(), strict=True)]
    for leg in P.legs:
        assert ACSetTransformation(leg.dom, leg.codom, **leg.components) == leg
