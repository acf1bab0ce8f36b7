"""The vectorised preimage index agrees with a scan of the columns after any writes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import ACSet, SchGraph, SchSymmetricGraph
from catlearn.acsets.preimage import PreimageIndex
from catlearn.errors import CatlearnError

from .conftest import assert_index_matches_scan, scan_incident


def _valid_write(g: ACSet, data: Any) -> None:
    """One random valid (or equation-breaking, then refused) write."""
    S = g.schema
    op = data.draw(st.sampled_from(["add", "adds", "set", "set", "clear", "rem", "rems",
                                    "cascade", "query"]))
    ob = data.draw(st.sampled_from(S.obs))
    n = g.nparts(ob)
    call: Callable[[], Any]
    if op in ("add", "adds"):
        k = 1 if op == "add" else data.draw(st.integers(0, 5))
        cols = {}
        for f in S.homs_out(ob):
            m = g.nparts(S.codom(f)) + (k if S.codom(f) == ob else 0)
            if m and data.draw(st.booleans()):
                cols[f] = data.draw(st.lists(st.integers(0, m - 1), min_size=k, max_size=k))
        call = lambda: g.add_parts(ob, k, **cols)  # noqa: E731
    elif n == 0:
        return
    elif op in ("set", "clear", "query"):
        homs = S.homs_out(ob)
        if not homs:
            return
        f = data.draw(st.sampled_from(homs))
        parts = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
        m = g.nparts(S.codom(f))
        if op == "clear":
            call = lambda: g.clear_subpart(parts, f)  # noqa: E731
        elif op == "query":
            y = S.codom(f)
            if g.nparts(y):
                v = data.draw(st.integers(0, g.nparts(y) - 1))
                assert g.incident(v, f).tolist() == scan_incident(g, v, f)
            return
        elif m:
            vals = data.draw(st.lists(st.integers(0, m - 1), min_size=len(parts),
                                      max_size=len(parts)))
            call = lambda: g.set_subpart(parts, f, vals)  # noqa: E731
        else:
            return
    elif op == "rem":
        p = data.draw(st.integers(0, n - 1))
        call = lambda: g.rem_part(ob, p)  # noqa: E731
    else:
        ps = data.draw(st.lists(st.integers(0, n - 1), max_size=3))
        call = (lambda: g.rem_parts(ob, ps)) if op == "rems" else (
            lambda: g.cascading_rem_parts(ob, ps))
    with contextlib.suppress(CatlearnError):  # an equation of SchSymmetricGraph refused it
        call()


@pytest.mark.parametrize("schema", [SchGraph, SchSymmetricGraph],
                         ids=["SchGraph", "SchSymmetricGraph"])
@given(data=st.data())
def test_incident_agrees_with_scan_after_random_writes(schema, data):
    old = PreimageIndex.min_delta
    PreimageIndex.min_delta = data.draw(st.sampled_from([1, 3, 1024]))
    try:
        g = ACSet(schema)
        g.add_parts("V", data.draw(st.integers(0, 4)))
        copies = []
        for _ in range(data.draw(st.integers(1, 25))):
            _valid_write(g, data)
            assert_index_matches_scan(g)
            if data.draw(st.integers(0, 5)) == 0:
                copies.append((g.copy(), {f: g.subpart(f).tolist() for f in schema.hom_names()}))
        for h, cols in copies:  # later writes to g never reach its copies
            assert {f: h.subpart(f).tolist() for f in schema.hom_names()} == cols
            assert_index_matches_scan(h)
    finally:
        PreimageIndex.min_delta = old


@given(st.lists(st.integers(-1, 6), max_size=30), st.data())
def test_preimage_index_against_a_dict_reference(col, data):
    """The index alone: random notes of changes, answers against a dict of sets."""
    ny = 7
    current = list(col)
    ix = PreimageIndex(np.asarray(col, dtype=np.int64), ny)
    ix.limit = data.draw(st.integers(0, 40))
    for _ in range(data.draw(st.integers(0, 10))):
        if not current:
            break
        parts = sorted(set(data.draw(st.lists(st.integers(0, len(current) - 1),
                                              min_size=1, max_size=4))))
        new = data.draw(st.lists(st.integers(-1, ny - 1), min_size=len(parts),
                                 max_size=len(parts)))
        old = [current[p] for p in parts]
        ok = ix.note(np.asarray(parts), np.asarray(old), np.asarray(new))
        if not ok:  # full: the owner would rebuild
            for p, v in zip(parts, new, strict=True):
                current[p] = v
            ix = PreimageIndex(np.asarray(current, dtype=np.int64), ny)
            continue
        for p, v in zip(parts, new, strict=True):
            current[p] = v
    expected = [[i for i, v in enumerate(current) if v == y] for y in range(ny + 2)]
    assert [ix.query(y).tolist() for y in range(ny + 2)] == expected
    assert [a.tolist() for a in ix.many(np.arange(ny + 2))] == expected
    assert sorted(ix.preimage(np.arange(ny)).tolist()) == [
        i for i, v in enumerate(current) if v >= 0]
    copy = ix.copy()  # a copy answers alike and is independent
    assert [copy.query(y).tolist() for y in range(ny + 2)] == expected


def test_many_parts_returns_one_array_per_part():
    g = ACSet(SchGraph)
    g.add_parts("V", 3)
    g.add_parts("E", 4, src=[2, 0, 2, 1], tgt=[0, 0, 0, 0])
    out = g.incident([2, 0, 2], "src")
    assert isinstance(out, list)
    assert [a.tolist() for a in out] == [[0, 2], [1], [0, 2]]
    assert all(a.dtype == np.int64 for a in out)
    assert g.incident(np.zeros(0, dtype=int), "src") == []
    assert g.incident(np.int64(2), "src").tolist() == [0, 2]
    g.add_part("E", src=2, tgt=1)  # the delta
    assert [a.tolist() for a in g.incident(np.array([2, 1]), "src")] == [[0, 2, 4], [3]]
    assert g.incident(2, ("tgt",)).tolist() == []
    assert [a.tolist() for a in g.incident([0, 1], ("tgt",))] == [[0, 1, 2, 3], [4]]


def test_index_is_compact():
    g = ACSet(SchGraph)
    n = 10_000
    g.add_parts("V", n)
    rng = np.random.default_rng(0)
    g.add_parts("E", n, src=rng.integers(0, n, n), tgt=rng.integers(0, n, n))
    g.incident(0, "src"), g.incident(0, "tgt")
    index_bytes = sum(ix.nbytes() for ix in g._index.values() if ix is not None)
    assert index_bytes <= 2 * (8 * n + 4 * (n + 1))  # int64 ids, int32 offsets
