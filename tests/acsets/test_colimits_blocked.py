"""The colimit's bulk passes: blocked numbering and apex homs, oriented sparse forests.

The blocked passes (``congruence.BLOCK`` elements at a time) are checked with tiny blocks
against plain-Python references and against the same colimit computed in one block, and
once at full size (several real blocks) against the plain union–find of
:func:`~catlearn.acsets.congruence.components`; every leg is rebuilt through the checking
constructor, so the naturality that the construction claims is re-proved each time.
"""

from __future__ import annotations

from itertools import islice
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.acsets import congruence
from catlearn.acsets.acset import ACSet
from catlearn.acsets.colimits import coequalizer, pushout
from catlearn.acsets.congruence import _forest, components, number_roots, values_at_roots
from catlearn.acsets.homsearch import homomorphisms
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.schema import SchGraph
from catlearn.errors import ColimitError
from catlearn.testing import acsets, schemas, transformations
from tests.acsets.reference import assert_matches_reference, check_cocone

PROPS = settings(max_examples=200, deadline=None)
BLOCKS = st.sampled_from([1, 2, 3, 5])


def rebuilt(leg: ACSetTransformation) -> ACSetTransformation:
    """The leg through the checking constructor (raises unless it is natural)."""
    return ACSetTransformation(leg.dom, leg.codom, **leg.components,
                               **{t: list(c) for t, c in leg.var_components.items()})


@PROPS
@given(st.lists(st.booleans(), max_size=40), BLOCKS)
def test_number_roots_writes_the_rank_of_every_root_and_nothing_else(mask, block):
    is_root = np.asarray(mask, dtype=bool)
    ids = np.full(is_root.size, -7, dtype=np.int64)
    with mock.patch.object(congruence, "BLOCK", block):
        k, listed = number_roots(is_root, ids)
    assert k == sum(mask)
    ranks = iter(range(k))
    assert ids.tolist() == [next(ranks) if r else -7 for r in mask]
    if len(mask) <= block:
        assert listed is not None
        assert listed.tolist() == [x for x, r in enumerate(mask) if r]
    else:
        assert listed is None


@st.composite
def columns(draw: st.DrawFn) -> tuple[np.ndarray, list, np.ndarray, np.ndarray]:
    """Objects laid out side by side, a root mask over them, two homs per object and a
    codomain table with one shift per object."""
    sizes = draw(st.lists(st.integers(0, 9), min_size=1, max_size=4))
    total = sum(sizes)
    mask = np.asarray(draw(st.lists(st.booleans(), min_size=total, max_size=total)),
                      dtype=bool)
    width = draw(st.integers(1, 6))
    table = np.asarray(draw(st.lists(st.integers(0, 50), min_size=width * len(sizes),
                                     max_size=width * len(sizes))), dtype=np.int64)
    homs = []
    for _ in range(2):
        cols = [np.asarray(draw(st.lists(st.integers(0, width - 1), min_size=n, max_size=n)),
                           dtype=np.int64) for n in sizes]
        homs.append((cols, [width * i for i in range(len(sizes))]))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return mask, homs, offsets, table


@PROPS
@given(columns(), BLOCKS, st.booleans())
def test_values_at_roots_reads_each_hom_at_the_roots_in_order(data, block, listed):
    mask, homs, offsets, table = data
    least = np.flatnonzero(mask) if listed else None
    with mock.patch.object(congruence, "BLOCK", block):
        got = values_at_roots(mask, homs, offsets, [table, table[::-1].copy()],
                              int(mask.sum()), least)
    for (cols, shifts), tab, out in zip(homs, [table, table[::-1]], got, strict=True):
        want = [int(tab[cols[i][p] + shifts[i]])
                for i in range(len(cols)) for p in range(cols[i].size)
                if mask[offsets[i] + p]]
        assert out.dtype == np.int64
        assert out.tolist() == want


@PROPS
@given(st.integers(1, 30), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)),
                                    max_size=40))
def test_oriented_sparse_forest_has_the_roots_of_components(n, edges):
    pairs = [(min(a % n, b % n), max(a % n, b % n)) for a, b in edges]
    pairs = [(a, b) for a, b in pairs if a < b]
    u = np.asarray([a for a, _ in pairs], dtype=np.int64)
    v = np.asarray([b for _, b in pairs], dtype=np.int64)
    roots = components(n, u, v)
    parent, down = _forest(n, u, v, ordered=True, sparse=True)
    met = sorted({x for p in pairs for x in p})
    assert parent[met].tolist() == roots[met].tolist()  # flat at every element met
    assert sorted(set(down.tolist())) == [x for x in range(n) if roots[x] != x]


@st.composite
def spans_and_pairs(draw: st.DrawFn) -> tuple[str, ACSetTransformation, ACSetTransformation]:
    """A span (for a pushout) or a parallel pair (for a coequalizer) of small ACSets,
    homs partial or not, with attributes or not."""
    A = draw(acsets(schemas(max_obs=2, max_homs=3), max_parts=4))
    f = draw(transformations(A, max_extra=2))
    if draw(st.booleans()):
        return "pushout", f, draw(transformations(A, max_extra=2))
    found = list(islice(homomorphisms(A, f.codom), 20)) or [f]
    return "coequalizer", f, draw(st.sampled_from(found))


@PROPS
@given(spans_and_pairs(), BLOCKS)
def test_blocked_colimits_equal_the_one_block_colimit_and_the_reference(case, block):
    kind, f, g = case
    build = pushout if kind == "pushout" else coequalizer

    def attempt() -> Any:
        try:
            return build(f, g)
        except ColimitError:  # an attribute clash: no cocone
            return None

    whole = attempt()
    with mock.patch.object(congruence, "BLOCK", block):
        C = attempt()
    assert (C is None) == (whole is None)
    if C is None:
        return
    assert C.apex == whole.apex
    legs = {n: C.leg(n) for n in C.diagram.names}
    for n, leg in legs.items():
        assert leg == whole.leg(n)
        assert rebuilt(leg) == leg
    check_cocone(C.diagram, legs)
    assert_matches_reference(C.diagram, C.apex, legs)


def graph(nv: int, src: np.ndarray, tgt: np.ndarray) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", src.size, src=src, tgt=tgt)
    return g


def test_pushout_over_several_blocks_matches_the_plain_union_find():
    """Graphs of several real blocks (non-monic leg, monic leg): the classes are those of
    :func:`components` numbered by least member, the apex's homs are read at the least
    members, and every leg is natural (checked by rebuilding it)."""
    rng = np.random.default_rng(5)
    nv = 3 * congruence.BLOCK + 17
    av, ae = nv // 3, nv // 2
    A = graph(av, rng.integers(0, av, ae), rng.integers(0, av, ae))
    B = graph(nv, np.concatenate([A.subpart("src"), rng.integers(0, nv, nv)]),
              np.concatenate([A.subpart("tgt"), rng.integers(0, nv, nv)]))
    vmap = rng.integers(0, nv // 4, av)
    C = graph(nv // 4, vmap[A.subpart("src")], vmap[A.subpart("tgt")])
    f = ACSetTransformation(A, B, V=np.arange(av), E=np.arange(ae))
    g = ACSetTransformation(A, C, V=vmap, E=np.arange(ae))
    P = pushout(f, g)
    ids = {}
    for c, sizes, maps in (("V", [av, nv, nv // 4], [np.arange(av), vmap]),
                           ("E", [ae, ae + nv, ae], [np.arange(ae), np.arange(ae)])):
        off = np.concatenate([[0], np.cumsum(sizes)])
        u = np.concatenate([np.arange(sizes[0]), np.arange(sizes[0])])
        v = np.concatenate([maps[0] + off[1], maps[1] + off[2]])
        roots = components(int(off[-1]), u, v)
        least = np.flatnonzero(roots == np.arange(roots.size))
        number = np.searchsorted(least, roots)
        ids[c] = (number, least, off)
        for i, name in enumerate(("A", "B", "C")):
            assert P.leg(name)[c].tolist() == number[off[i]:off[i + 1]].tolist()
        assert P.apex.nparts(c) == least.size
    number_v, _, off_v = ids["V"]
    _, least_e, off_e = ids["E"]
    for h in ("src", "tgt"):
        col = np.concatenate([X.subpart(h) + off_v[i] for i, X in enumerate((A, B, C))])
        assert P.apex.subpart(h).tolist() == number_v[col[least_e]].tolist()
    for name in ("A", "B", "C"):
        assert rebuilt(P.leg(name)) == P.leg(name)
    assert (f >> P.legs[0]) == (g >> P.legs[1])
