"""Benchmark of the C-set engine's verbs against py-acsets (the ``acsets`` package).

For graphs with 10^3 ... 10^6 vertices and as many edges, prints the median time of
``add_parts`` (with src/tgt columns), whole-column ``subpart``, ``incident`` (averaged over
1000 random vertices) and ``copy`` — and, when py-acsets is installed, the same operations
there (py-acsets has no column or bulk verbs, so its column read and bulk add are loops
of its own per-part verbs; its ``incident`` is a scan). Ratios are py-acsets / catlearn,
measured in one process. py-acsets runs only up to 10^5 parts (its incident is a scan).

Run: ``python benchmarks/acsets_bench.py [--max-exp 6] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import copy
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fmt, median_time, ratio

from catlearn.acsets import ACSet, SchGraph

PYACSETS_MAX = 10**5


def ours(n: int, repeat: int, rng: np.random.Generator) -> dict[str, float]:
    src = rng.integers(0, n, n)
    tgt = rng.integers(0, n, n)
    queries = rng.integers(0, n, 1000)

    def build() -> ACSet:
        g = ACSet(SchGraph)
        g.add_parts("V", n)
        g.add_parts("E", n, src=src, tgt=tgt)
        return g

    g = build()
    return {
        "add_parts": median_time(build, repeat),
        "subpart": median_time(lambda: g.subpart("src"), repeat),
        "incident": median_time(lambda: [g.incident(int(v), "src") for v in queries],
                                repeat) / len(queries),
        "copy": median_time(g.copy, repeat),
    }


def theirs(n: int, repeat: int, rng: np.random.Generator) -> dict[str, float] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import acsets
    except ImportError:
        return None
    if n > PYACSETS_MAX:
        return None
    V = acsets.Ob(name="V", title=None, description=None)
    E = acsets.Ob(name="E", title=None, description=None)
    src_h = acsets.Hom(name="src", dom=E, codom=V, title=None, description=None)
    tgt_h = acsets.Hom(name="tgt", dom=E, codom=V, title=None, description=None)
    schema = acsets.Schema("Graph", [V, E], [src_h, tgt_h], [], [])
    src = rng.integers(0, n, n).tolist()
    tgt = rng.integers(0, n, n).tolist()
    queries = rng.integers(0, n, 20).tolist()

    def build() -> acsets.ACSet:
        g = acsets.ACSet("G", schema)
        g.add_parts(V, n)
        g.add_parts(E, n)
        for i in range(n):
            g.set_subpart(i, src_h, src[i])
            g.set_subpart(i, tgt_h, tgt[i])
        return g

    g = build()
    return {
        "add_parts": median_time(build, repeat),
        "subpart": median_time(lambda: [g.subpart(i, src_h) for i in g.parts(E)], repeat),
        "incident": median_time(lambda: [g.incident(v, src_h) for v in queries],
                                max(1, repeat // 2)) / len(queries),
        "copy": median_time(lambda: copy.deepcopy(g), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'parts':>9} {'verb':>10} {'catlearn':>11} {'py-acsets':>11} {'ratio':>9}")
    for e in range(3, args.max_exp + 1):
        n = 10**e
        a = ours(n, args.repeat, rng)
        b = theirs(n, args.repeat, rng)
        for verb in ("add_parts", "subpart", "incident", "copy"):
            other = b[verb] if b else None
            print(f"{n:>9} {verb:>10} {fmt(a[verb]):>11} {fmt(other):>11} "
                  f"{ratio(a[verb], other):>9}")
    print("ratio = py-acsets time / catlearn time (medians); incident is per query")


if __name__ == "__main__":
    main()
