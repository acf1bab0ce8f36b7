"""Homomorphism search against brute force: enumerate every graph morphism P -> G.

Patterns P: path (a->b->c), triangle, square (directed 4-cycle), star (3 edges out of a
centre). Targets G: random directed multigraphs with m edges and max(4, m // 4) vertices
(mean out-degree 4), from 10 to 5000 edges, one fixed seed per size.

Columns: ``search`` is the median wall time of ``list(homomorphisms(P, G))`` (every
morphism built as an ACSetTransformation), ``count`` that of ``count_homomorphisms``;
``brute`` is the median time of brute force — ``itertools.product`` over every map of
edges, times a numpy array of every map of vertices, naturality checked with numpy — run
only where that is feasible (at most BRUTE_OUTER edge maps and BRUTE_TOTAL candidate
maps; "n/a" beyond). ``brute est.`` is a rough extrapolation, marked "~": the number of
candidate maps times the cost per candidate of the largest brute-force run measured for
the pattern; ``ratio`` is brute / search (measured, or "~" from the estimate). Every
count is checked against an adjacency-matrix formula (Σ in·out, tr A³, tr A⁴, Σ out³)
and, where it runs, against brute force.

Run: ``PYTHONPATH=. python benchmarks/homsearch_bench.py [--quick]``.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable

import numpy as np

from catlearn.acsets import ACSet, SchGraph
from catlearn.acsets.homsearch import count_homomorphisms, homomorphisms

BRUTE_OUTER = 100_000  # brute force runs when it loops over at most this many edge maps
BRUTE_TOTAL = 30_000_000  # and checks at most this many candidate maps in all
SIZES = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000]


def graph(nv: int, edges: list[tuple[int, int]]) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", len(edges), src=[s for s, _ in edges], tgt=[t for _, t in edges])
    return g


def random_graph(m: int, seed: int) -> ACSet:
    n = max(4, m // 4)
    rng = np.random.default_rng(seed)
    g = ACSet(SchGraph)
    g.add_parts("V", n)
    g.add_parts("E", m, src=rng.integers(0, n, m), tgt=rng.integers(0, n, m))
    return g


PATTERNS: dict[str, ACSet] = {
    "path": graph(3, [(0, 1), (1, 2)]),
    "triangle": graph(3, [(0, 1), (1, 2), (2, 0)]),
    "square": graph(4, [(0, 1), (1, 2), (2, 3), (3, 0)]),
    "star": graph(4, [(0, 1), (0, 2), (0, 3)]),
}


def formula(name: str, G: ACSet) -> int:
    n = G.nparts("V")
    A = np.zeros((n, n), dtype=np.int64)
    np.add.at(A, (G.subpart("src"), G.subpart("tgt")), 1)
    out, inn = A.sum(axis=1), A.sum(axis=0)
    return int({
        "path": lambda: (inn * out).sum(),
        "triangle": lambda: np.trace(A @ A @ A),
        "square": lambda: np.trace(A @ A @ A @ A),
        "star": lambda: (out ** 3).sum(),
    }[name]())


def candidates(P: ACSet, G: ACSet) -> int:
    return int(G.nparts("V")) ** P.nparts("V") * int(G.nparts("E")) ** P.nparts("E")


def brute_force_count(P: ACSet, G: ACSet) -> int:
    """Count the natural maps P -> G among all component maps (numpy inner loop)."""
    vmaps = np.array(list(itertools.product(range(G.nparts("V")), repeat=P.nparts("V"))),
                     dtype=np.int64).reshape(-1, P.nparts("V"))
    vs, vt = vmaps[:, P.subpart("src")], vmaps[:, P.subpart("tgt")]
    gsrc, gtgt = G.subpart("src"), G.subpart("tgt")
    total = 0
    for emap in itertools.product(range(G.nparts("E")), repeat=P.nparts("E")):
        e = np.asarray(emap)
        total += int(((vs == gsrc[e]).all(axis=1) & (vt == gtgt[e]).all(axis=1)).sum())
    return total


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def fmt(seconds: float | None, approx: bool = False) -> str:
    if seconds is None:
        return "n/a"
    s = f"{seconds:.2e} s" if seconds >= 1e3 or seconds < 1e-3 else f"{seconds:.4f} s"
    return ("~" + s) if approx else s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 500, 3 runs")
    args = parser.parse_args()
    sizes = [m for m in SIZES if m <= 500] if args.quick else SIZES
    print(__doc__.split("\n\n")[0])
    print("(median wall times; brute est. is an extrapolation, see the module docstring)")
    header = (f"{'pattern':<9} {'|E|':>5} {'|V|':>5} {'#homs':>8} {'search':>10} "
              f"{'count':>10} {'brute':>10} {'brute est.':>11} {'ratio':>10}")
    print(header)
    print("-" * len(header))
    for name, P in PATTERNS.items():
        per_candidate: float | None = None
        for m in sizes:
            G = random_graph(m, seed=m)
            repeats = 3 if (args.quick or m >= 2000) else 5
            t_search, found = median_time(lambda: list(homomorphisms(P, G)), repeats)  # noqa: B023
            t_count, counted = median_time(lambda: count_homomorphisms(P, G), repeats)  # noqa: B023
            n = len(found)  # type: ignore[arg-type]
            expected = formula(name, G)
            if n != expected or counted != expected:
                raise SystemExit(f"{name} into {m} edges: search found {n} (count "
                                 f"{counted}), the formula says {expected}")
            cands = candidates(P, G)
            t_brute: float | None = None
            outer = G.nparts("E") ** P.nparts("E")
            if outer <= BRUTE_OUTER and cands <= BRUTE_TOTAL:
                t_brute, brute = median_time(lambda: brute_force_count(P, G), 3)  # noqa: B023
                if brute != expected:
                    raise SystemExit(f"{name} into {m} edges: brute force found {brute}, "
                                     f"expected {expected}")
                per_candidate = t_brute / cands
            estimate = (per_candidate * cands
                        if per_candidate is not None and t_brute is None else None)
            if t_brute is not None:
                ratio = f"{t_brute / t_search:.0f}x"
            elif estimate is not None:
                ratio = f"~{estimate / t_search:.1e}x"
            else:
                ratio = "n/a"
            print(f"{name:<9} {m:>5} {G.nparts('V'):>5} {n:>8} {fmt(t_search):>10} "
                  f"{fmt(t_count):>10} {fmt(t_brute):>10} "
                  f"{fmt(estimate, approx=True) if estimate is not None else '-':>11} "
                  f"{ratio:>10}")
        print()


if __name__ == "__main__":
    main()
