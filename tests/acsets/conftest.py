"""Shared helpers of the C-set engine's tests: reference scans and argument strategies."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from catlearn.acsets import ACSet, AttrVar
from catlearn.errors import CatlearnError

BUILTIN_KINDS = (TypeError, ValueError, IndexError, KeyError)


def scan_incident(g: ACSet, y: int, f: str) -> list[int]:
    """``f⁻¹(y)`` by a scan of the column (the reference for the index)."""
    return np.flatnonzero(g.subpart(f) == y).tolist()


def assert_index_matches_scan(g: ACSet) -> None:
    """Every hom's index agrees with a scan, one part at a time and all at once."""
    for f, _, y in g.schema.homs:
        expected = [scan_incident(g, v, f) for v in g.parts(y)]
        got = [g.incident(v, f).tolist() for v in g.parts(y)]
        assert got == expected, f
        many = g.incident(np.arange(g.nparts(y)), f)
        assert [a.tolist() for a in many] == expected, f
        for v in g.parts(y):
            assert g.incident(np.int64(v), f).tolist() == expected[v]


def assert_library_error(err: BaseException) -> None:
    """A failing call raised one of the library's errors, also of a builtin kind."""
    assert isinstance(err, CatlearnError), f"{type(err).__name__}: {err}"
    assert isinstance(err, BUILTIN_KINDS), type(err).__mro__


class Unhashable:
    """An attribute value that cannot be compared (no hash, not a container)."""

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Unhashable()"


BAD_SCALARS = st.one_of(
    st.sampled_from([2**63, 2**64, -(2**64), 1.0, 0.5, float("nan"), True, False, "0", "x",
                     None, b"1", np.float64(0.0), np.bool_(True), np.uint64(2**64 - 1),
                     1 + 0j]),
    st.integers(-3, -1),
)


def id_args(n: int) -> st.SearchStrategy[Any]:
    """Arguments meant as part ids of an object with ``n`` parts: valid or not."""
    good = st.integers(0, n - 1) if n else st.integers(0, 0)
    scalar = st.one_of(good, good.map(np.int64), good.map(np.int32), good.map(np.uint8)
                       if n <= 256 else good, st.integers(n, n + 2), BAD_SCALARS)
    flat = st.lists(st.one_of(good, good, scalar), max_size=4)
    return st.one_of(
        good, good, good, good, good, scalar,
        flat, flat.map(tuple),
        st.lists(good, max_size=4).map(lambda xs: np.asarray(xs, dtype=np.int64)),
        st.lists(good, min_size=1, max_size=4).map(lambda xs: np.asarray(xs, dtype=float)),
        st.lists(good, min_size=1, max_size=3).map(lambda xs: np.asarray([xs, xs])),
        st.lists(st.lists(good, max_size=2), min_size=1, max_size=2),
        st.just(np.int64(n) if n else np.int64(0)),
        st.just(range(n)), st.just({0: 1}),
    )


ATTR_VALUES = st.one_of(
    st.text(max_size=2), st.text(max_size=2), st.integers(-2, 2), st.none(),
    st.sampled_from([AttrVar(0), AttrVar(3), Unhashable(), [1, 2], {"a": 1}, b"x"]),
    st.floats(allow_nan=True),
)


@st.composite
def with_unset_homs(draw: st.DrawFn, acset: st.SearchStrategy[ACSet]) -> ACSet:
    """ACSets of ``acset`` with some hom values cleared (unset, ``-1``)."""
    X = draw(acset)
    for f, x, _ in X.schema.homs:
        for part in range(X.nparts(x)):
            if draw(st.integers(0, 3)) == 0:
                X.clear_subpart(part, f)
    return X
