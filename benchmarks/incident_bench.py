"""Benchmark of ``ACSet.incident`` (the preimage index) against a plain numpy CSR slice.

On a ``SchGraph`` with 10^6 edges (and 10^6 vertices), 20 vertices of each degree 1, 100,
1000 and 10^4 are queried with ``g.incident(v, "src")`` and, interleaved in the same
process, with the baseline ``indices[indptr[v]:indptr[v + 1]].copy()`` on a CSR built by
numpy from the same column. Printed: medians per query and the ratio catlearn / numpy
(the goal is <= 3 from degree 100 to 10^4, a few µs at degree 1).

Then:

- the many-parts form ``g.incident(vs, "src")`` for 10^4 random vertices against a
  Python loop of CSR slices;
- interleaved writes and reads: 10^4 alternating ``add_part("E", src=v, tgt=w)`` and
  ``incident(v, "src")`` (the vertex just written, so every query merges the delta), and
  the same with the queries on a degree-1000 hub that the writes keep touching;
- memory: bytes per edge of every array the graph holds (columns and both indices)
  once its indices are built.

Run: ``python benchmarks/incident_bench.py [--repeat 7] [--edges 1000000]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fmt  # noqa: E402

from catlearn.acsets import ACSet, SchGraph  # noqa: E402

DEGREES = (1, 100, 1000, 10_000)
PER_DEGREE = 20


def make_graph(n_edges: int, n_vertices: int, rng: np.random.Generator
               ) -> tuple[ACSet, np.ndarray, dict[int, np.ndarray]]:
    """A graph whose ``src`` has 20 vertices of each degree in DEGREES, the rest random."""
    hubs = rng.choice(n_vertices, size=PER_DEGREE * len(DEGREES), replace=False)
    by_degree = {d: hubs[i * PER_DEGREE:(i + 1) * PER_DEGREE] for i, d in enumerate(DEGREES)}
    fixed = np.concatenate([np.repeat(vs, d) for d, vs in by_degree.items()])
    others = np.setdiff1d(np.arange(n_vertices), hubs)
    src = np.concatenate([fixed, rng.choice(others, size=n_edges - fixed.size)])
    rng.shuffle(src)
    tgt = rng.integers(0, n_vertices, n_edges)
    g = ACSet(SchGraph)
    g.add_parts("V", n_vertices)
    g.add_parts("E", n_edges, src=src, tgt=tgt)
    return g, src, by_degree


def numpy_csr(col: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    indices = np.argsort(col, kind="stable").astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(col, minlength=n), out=indptr[1:])
    return indptr, indices


def interleaved(ours: Callable[[], Any], theirs: Callable[[], Any], repeat: int,
                inner: int) -> tuple[float, float]:
    """Medians (seconds per call) of ``ours`` and ``theirs``, alternating which goes first."""
    a, b = [], []
    for r in range(repeat):
        for which in ((0, 1) if r % 2 == 0 else (1, 0)):
            fn = ours if which == 0 else theirs
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            (a if which == 0 else b).append((time.perf_counter() - t0) / inner)
    return statistics.median(a), statistics.median(b)


def bench_degrees(g: ACSet, indptr: np.ndarray, indices: np.ndarray,
                  by_degree: dict[int, np.ndarray], repeat: int) -> None:
    print(f"{'degree':>7} {'catlearn':>10} {'numpy CSR':>10} {'ratio':>7}")
    for d, vs in by_degree.items():
        vlist = [int(v) for v in vs]
        assert all(g.incident(v, "src").tolist() == indices[indptr[v]:indptr[v + 1]].tolist()
                   for v in vlist)
        inner = max(1, 2000 // max(1, d // 10))

        def ours(vlist: list[int] = vlist) -> None:
            for v in vlist:
                g.incident(v, "src")

        def theirs(vlist: list[int] = vlist) -> None:
            for v in vlist:
                indices[indptr[v]:indptr[v + 1]].copy()

        a, b = interleaved(ours, theirs, repeat, inner)
        a, b = a / len(vlist), b / len(vlist)
        print(f"{d:>7} {fmt(a):>10} {fmt(b):>10} {a / b:>6.2f}x")


def bench_many(g: ACSet, indptr: np.ndarray, indices: np.ndarray, n_vertices: int,
               repeat: int, rng: np.random.Generator) -> None:
    vs = rng.integers(0, n_vertices, 10_000)
    vlist = vs.tolist()
    got = g.incident(vs, "src")
    assert all(x.tolist() == indices[indptr[v]:indptr[v + 1]].tolist()
               for x, v in zip(got[:100], vlist[:100], strict=True))
    a, b = interleaved(lambda: g.incident(vs, "src"),
                       lambda: [indices[indptr[v]:indptr[v + 1]].copy() for v in vlist],
                       repeat, 1)
    print(f"many parts: incident(10^4 vertices) {fmt(a)} vs a loop of numpy CSR slices "
          f"{fmt(b)}: ratio {a / b:.2f}x")


def bench_interleaved(g: ACSet, n_vertices: int, hub: int, repeat: int,
                      rng: np.random.Generator) -> None:
    k = 10_000
    for label, on_hub in (("the written vertex", False), ("a degree-1000 hub", True)):
        times = []
        for _ in range(repeat):
            h = g.copy()  # shares the built index snapshots; the delta starts empty
            h.incident(0, "src")
            vs = rng.integers(0, n_vertices, k).tolist()
            ws = rng.integers(0, n_vertices, k).tolist()
            t0 = time.perf_counter()
            for v, w in zip(vs, ws, strict=True):
                if on_hub:
                    h.add_part("E", src=hub, tgt=w)
                    h.incident(hub, "src")
                else:
                    h.add_part("E", src=v, tgt=w)
                    h.incident(v, "src")
            times.append(time.perf_counter() - t0)
        t = statistics.median(times)
        print(f"interleaved: 10^4 x (add_part + incident on {label}): {fmt(t)} in all, "
              f"{fmt(t / k)} per pair")


def memory(g: ACSet) -> int:
    arrays = list(g._hom.values()) + list(g._attr.values())
    total = sum(a.nbytes for a in arrays)
    for f in g.schema.hom_names():
        g.incident(0, f)  # build the index
        ix = g._index[f]
        total += ix.nbytes() if ix is not None else 0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--edges", type=int, default=10**6)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.edges
    g, src, by_degree = make_graph(n, n, rng)
    t0 = time.perf_counter()
    g.incident(0, "src")
    build = time.perf_counter() - t0
    indptr, indices = numpy_csr(src, n)
    print(f"graph: {n} vertices, {n} edges; first incident (builds the index): {fmt(build)}")
    bench_degrees(g, indptr, indices, by_degree, args.repeat)
    bench_many(g, indptr, indices, n, args.repeat, rng)
    bench_interleaved(g, n, int(by_degree[1000][0]), max(3, args.repeat // 2), rng)
    for nv in (n, n // 10):
        h = make_graph(n, nv, rng)[0] if nv != n else g
        print(f"memory with both indices built, {nv} vertices: "
              f"{memory(h) / n:.1f} bytes per edge")
    print("ratio = catlearn time / numpy time (medians of interleaved runs)")


if __name__ == "__main__":
    main()
