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
  ``incident(v, "src")`` (the vertex just written, so every query reads the delta), and
  the same on a degree-1000 hub that every write touches, against a hand-written dict
  of lists doing the same appends and reads;
- memory: bytes per edge of every array the graph holds (columns and both indices)
  once its indices are built.

Run: ``python benchmarks/incident_bench.py [--rounds 301] [--repeat 7] [--edges 1000000]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fmt

from catlearn.acsets import ACSet, SchGraph

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


def interleaved(ours: Callable[[], Any], theirs: Callable[[], Any], rounds: int
                ) -> tuple[float, float, float]:
    """Medians over ``rounds`` short rounds of the time of ``ours`` and ``theirs``, and
    the median of their per-round ratio.

    Each round runs both, alternating which goes first, so that both sides of a ratio
    see the same load on a shared machine; one untimed warm-up round; the garbage
    collector is off while timing (as in ``timeit``)."""
    a: list[float] = []
    b: list[float] = []
    ours()
    theirs()
    gc.disable()
    try:
        for r in range(rounds):
            for which in ((0, 1) if r % 2 == 0 else (1, 0)):
                fn = ours if which == 0 else theirs
                t0 = time.perf_counter()
                fn()
                (a if which == 0 else b).append(time.perf_counter() - t0)
    finally:
        gc.enable()
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def bench_degrees(g: ACSet, indptr: np.ndarray, indices: np.ndarray,
                  by_degree: dict[int, np.ndarray], rounds: int) -> None:
    print(f"{'degree':>7} {'catlearn':>10} {'numpy CSR':>10} {'ratio':>7}")
    for d, vs in by_degree.items():
        vlist = [int(v) for v in vs]
        assert all(g.incident(v, "src").tolist() == indices[indptr[v]:indptr[v + 1]].tolist()
                   for v in vlist)
        inner = max(1, 100 // d)

        def ours(vlist: list[int] = vlist, inner: int = inner) -> None:
            for _ in range(inner):
                for v in vlist:
                    g.incident(v, "src")

        def theirs(vlist: list[int] = vlist, inner: int = inner) -> None:
            for _ in range(inner):
                for v in vlist:
                    indices[indptr[v]:indptr[v + 1]].copy()

        a, b, r = interleaved(ours, theirs, rounds)
        a, b = a / (inner * len(vlist)), b / (inner * len(vlist))
        print(f"{d:>7} {fmt(a):>10} {fmt(b):>10} {r:>6.2f}x")


def bench_many(g: ACSet, indptr: np.ndarray, indices: np.ndarray, n_vertices: int,
               repeat: int, rng: np.random.Generator) -> None:
    vs = rng.integers(0, n_vertices, 10_000)
    vlist = vs.tolist()
    got = g.incident(vs, "src")
    assert all(x.tolist() == indices[indptr[v]:indptr[v + 1]].tolist()
               for x, v in zip(got[:100], vlist[:100], strict=True))
    a, b, r = interleaved(lambda: g.incident(vs, "src"),
                          lambda: [indices[indptr[v]:indptr[v + 1]].copy() for v in vlist],
                          repeat)
    print(f"many parts: incident(10^4 vertices) {fmt(a)} vs a loop of numpy CSR slices "
          f"{fmt(b)}: ratio {r:.2f}x")


def bench_interleaved(g: ACSet, n_vertices: int, hub: int, rng: np.random.Generator
                      ) -> None:
    """10^4 alternating ``add_part`` + ``incident``, in 100 rounds of 100 pairs, each
    round interleaved with the same work on a hand-written dict of lists (append, then
    ``np.array`` of the list): medians per pair and of the per-round ratio, and the total
    time of the 10^4 pairs (which includes the merges of the delta: the amortised cost).
    """
    rounds, per = 100, 100
    for label, on_hub in (("the written vertex", False), ("a degree-1000 hub", True)):
        h = g.copy()  # shares the built index snapshots; the delta starts empty
        h.incident(0, "src")
        adj: dict[int, list[int]] = {}
        vs = rng.integers(0, n_vertices, rounds * per).reshape(rounds, per).tolist()
        ws = rng.integers(0, n_vertices, rounds * per).reshape(rounds, per).tolist()
        ours_t: list[float] = []
        base_t: list[float] = []
        gc.disable()
        try:
            for r in range(rounds):
                batch = [(hub if on_hub else v, w) for v, w in zip(vs[r], ws[r], strict=True)]
                t0 = time.perf_counter()
                for v, w in batch:
                    h.add_part("E", src=v, tgt=w)
                    h.incident(v, "src")
                t1 = time.perf_counter()
                for e, (v, _) in enumerate(batch):
                    adj.setdefault(v, []).append(e)
                    np.array(adj[v], dtype=np.int64)
                t2 = time.perf_counter()
                ours_t.append((t1 - t0) / per)
                base_t.append((t2 - t1) / per)
        finally:
            gc.enable()
        ratio = statistics.median(a / b for a, b in zip(ours_t, base_t, strict=True))
        print(f"interleaved on {label}: add_part + incident {fmt(statistics.median(ours_t))} "
              f"per pair (median round), dict of lists + np.array "
              f"{fmt(statistics.median(base_t))}: ratio {ratio:.2f}x; 10^4 pairs in all "
              f"{fmt(sum(ours_t) * per)} (mean, with the columns' growth and the load)")


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
    parser.add_argument("--rounds", type=int, default=301)
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
    bench_degrees(g, indptr, indices, by_degree, args.rounds)
    bench_many(g, indptr, indices, n, args.repeat, rng)
    bench_interleaved(g, n, int(by_degree[1000][0]), rng)
    ix = g._index["src"]
    limit = ix.limit if ix is not None else 0
    print(f"a full delta ({limit} writes per hom) drops the index; the next query rebuilds "
          f"it: amortised {fmt(build / max(limit, 1))} per write (build / limit)")
    for nv in (n, n // 10):
        h = make_graph(n, nv, rng)[0] if nv != n else g
        print(f"memory with both indices built, {nv} vertices: "
              f"{memory(h) / n:.1f} bytes per edge")
    print("ratio = median over interleaved rounds of catlearn time / numpy time")


if __name__ == "__main__":
    main()
