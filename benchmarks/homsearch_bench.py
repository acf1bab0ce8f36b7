"""Homomorphism search against igraph's VF2 and against the previous (backtracking) search.

Patterns P: path (a->b->c), triangle (directed 3-cycle), star (3 edges out of a centre),
square (directed 4-cycle). Target G: a random *simple* digraph with 1000 vertices and
5000 edges (no loops, no parallel edges; fixed seed).

What is counted, exactly:

* ``mono``: ``count_homomorphisms(P, G, monic=True)`` — monomorphisms of the pattern as
  an ACSet over SchGraph (a directed multigraph), i.e. pairs of injective maps
  (V_P -> V_G, E_P -> E_G) that commute with src and tgt.
* ``vf2``: igraph's ``Graph.count_subisomorphisms_vf2(P)`` — the number of injective
  vertex maps φ: V_P -> V_G with (φ(s), φ(t)) an edge of G for every edge (s, t) of P
  (non-induced: edges of G between image vertices that P lacks are allowed; checked
  below: a path has 3 such maps into a triangle, an induced count would be 0).
  Because G and P are simple, each such φ extends to exactly one edge map (one edge per
  ordered pair), and that edge map is injective (φ is, and P has no parallel edges);
  conversely a monomorphism restricts to such a φ. So the two counts are equal — the
  script checks it.
* ``plain``: ``count_homomorphisms(P, G)`` (all morphisms, not necessarily injective),
  against ``old``: the same count by the previous backtracking search (kept verbatim in
  ``benchmarks/_old_homsearch.py``), checked against adjacency-matrix formulas
  (Σ in·out, tr A³, Σ out³, tr A⁴).
* ``first``: ``homomorphism(P, G, monic=True)`` (the first monomorphism), new vs old.

Each measurement is repeated ``--rounds`` times, the methods interleaved within a round
(so machine load hits all alike); the table shows medians and their ratios; ``total``
sums the medians over the four patterns.

Run: ``PYTHONPATH=. python benchmarks/homsearch_bench.py [--rounds N]`` (igraph from the
``bench`` extra: ``pip install -e '.[bench]'``; without it the vf2 columns are skipped).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from catlearn.acsets import ACSet, SchGraph
from catlearn.acsets.homsearch import count_homomorphisms, homomorphism

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _old_homsearch as old

N_VERTICES, N_EDGES, SEED = 1000, 5000, 0

PATTERNS: dict[str, tuple[int, list[tuple[int, int]]]] = {
    "path": (3, [(0, 1), (1, 2)]),
    "triangle": (3, [(0, 1), (1, 2), (2, 0)]),
    "star": (4, [(0, 1), (0, 2), (0, 3)]),
    "square": (4, [(0, 1), (1, 2), (2, 3), (3, 0)]),
}


def graph(nv: int, edges: list[tuple[int, int]]) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", len(edges), src=[s for s, _ in edges], tgt=[t for _, t in edges])
    return g


def simple_digraph(n: int, m: int, seed: int) -> list[tuple[int, int]]:
    """``m`` distinct ordered pairs of distinct vertices, uniformly at random."""
    rng = np.random.default_rng(seed)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:
        s, t = (int(v) for v in rng.integers(0, n, 2))
        if s != t:
            pairs.add((s, t))
    return sorted(pairs)


def formula(name: str, edges: list[tuple[int, int]], n: int) -> int:
    A = np.zeros((n, n), dtype=np.int64)
    for s, t in edges:
        A[s, t] += 1
    out, inn = A.sum(axis=1), A.sum(axis=0)
    return int({
        "path": lambda: (inn * out).sum(),
        "triangle": lambda: np.trace(A @ A @ A),
        "star": lambda: (out ** 3).sum(),
        "square": lambda: np.trace(A @ A @ A @ A),
    }[name]())


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def measure(methods: dict[str, Callable[[], object]], rounds: int
            ) -> tuple[dict[str, float], dict[str, object]]:
    """Median time of each method, the methods interleaved in every round."""
    times: dict[str, list[float]] = {k: [] for k in methods}
    values: dict[str, object] = {}
    for _ in range(rounds):
        for k, fn in methods.items():
            t, values[k] = timed(fn)
            times[k].append(t)
    return {k: statistics.median(v) for k, v in times.items()}, values


def check_vf2_is_non_induced(ig: object) -> None:
    path = ig.Graph(n=3, edges=[(0, 1), (1, 2)], directed=True)  # type: ignore[attr-defined]
    tri = ig.Graph(n=3, edges=[(0, 1), (1, 2), (2, 0)], directed=True)  # type: ignore[attr-defined]
    if tri.count_subisomorphisms_vf2(path) != 3:
        raise SystemExit("igraph's VF2 does not count non-induced subgraph maps here")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    try:
        import igraph as ig
    except ImportError:
        ig = None
        print("igraph is not installed (pip install -e '.[bench]'): vf2 columns skipped")
    else:
        check_vf2_is_non_induced(ig)
    edges = simple_digraph(N_VERTICES, N_EDGES, SEED)
    G = graph(N_VERTICES, edges)
    IG = ig.Graph(n=N_VERTICES, edges=edges, directed=True) if ig is not None else None
    print(__doc__.splitlines()[0])
    print(f"target: {N_VERTICES} vertices, {N_EDGES} edges; medians of {args.rounds} "
          "interleaved rounds")
    head = (f"{'pattern':<9} {'#mono':>7} {'mono':>9} {'vf2':>9} {'mono/vf2':>9} "
            f"{'#plain':>7} {'plain':>9} {'old':>9} {'old/plain':>9} {'first':>9} "
            f"{'old first':>9}")
    print(head)
    print("-" * len(head))
    totals: dict[str, float] = {}
    for name, (k, pedges) in PATTERNS.items():
        P = graph(k, pedges)
        methods: dict[str, Callable[[], object]] = {
            "mono": lambda: count_homomorphisms(P, G, monic=True),  # noqa: B023
            "plain": lambda: count_homomorphisms(P, G),  # noqa: B023
            "old": lambda: old.count_homomorphisms(P, G),  # noqa: B023
            "first": lambda: homomorphism(P, G, monic=True),  # noqa: B023
            "old first": lambda: old.homomorphism(P, G, monic=True),  # noqa: B023
        }
        if IG is not None:
            IP = ig.Graph(n=k, edges=pedges, directed=True)
            methods["vf2"] = lambda: IG.count_subisomorphisms_vf2(IP)  # noqa: B023
        t, v = measure(methods, args.rounds)
        expected = formula(name, edges, N_VERTICES)
        if v["plain"] != expected or v["old"] != expected:
            raise SystemExit(f"{name}: plain {v['plain']}, old {v['old']}, formula {expected}")
        if IG is not None and v["mono"] != v["vf2"]:
            raise SystemExit(f"{name}: {v['mono']} monomorphisms but VF2 counts {v['vf2']}")
        for key, val in t.items():
            totals[key] = totals.get(key, 0.0) + val
        print(row(name, t, v))
    print("-" * len(head))
    print(row("total", totals, {}))


def row(name: str, t: dict[str, float], v: dict[str, object]) -> str:
    def ms(key: str) -> str:
        return f"{t[key] * 1e3:.2f}ms" if key in t else "-"

    vf2 = f"{t['mono'] / t['vf2']:.2f}" if "vf2" in t else "-"
    return (f"{name:<9} {v.get('mono', ''):>7} {ms('mono'):>9} {ms('vf2'):>9} {vf2:>9} "
            f"{v.get('plain', ''):>7} {ms('plain'):>9} {ms('old'):>9} "
            f"{t['old'] / t['plain']:>8.1f}x {ms('first'):>9} {ms('old first'):>9}")


if __name__ == "__main__":
    main()
