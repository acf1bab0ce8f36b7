"""Benchmark of path finding and loss-plan compilation, against networkx.

Two tables. **Regimes**: for the paper's regimes and layered graphs, the median time of
``LearningDiagram.from_graph`` + ``compile_plan``, the number of equations and plan nodes,
and the saving of the prefix trie: edge applications per batch when every equation's
paths are evaluated on their own (a hand-written loss that recomputes each path) divided
by those of the plan (each distinct prefix once).

**Against networkx** (when installed: ``pip install -e '.[bench]'``): on layered graphs,
``from_graph`` + ``compile_plan`` (``against_data``: paths, equations, Path and Equation
objects, the trie) against ``networkx.all_simple_edge_paths`` from the data source to
every other space (it only enumerates the same paths, as edge lists). Runs alternate
between the two in one process (which one goes first alternates too); each run is timed
in CPU time of this process (``time.process_time``), so other processes on a shared
machine do not skew it; the ratio is the median of the per-round ratios (ours /
networkx: at most 1 is the goal), over at least ``--repeat`` rounds and at least half a
second of work per graph. The growth exponent is the least-squares slope of log(time)
against log(paths) over the layered graphs (1: linear in the number of paths).

Run: ``python benchmarks/paths_bench.py [--repeat 7] [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fmt, median_time

from catlearn.learning import LearningDiagram, LearningGraph


def square() -> LearningGraph:
    return LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")


def distillation() -> LearningGraph:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    return g.fixed("t", "X", "Y").model("s", "X", "Y")


def backbone(heads: int) -> LearningGraph:
    g = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    for k in range(heads):
        g.data(f"y{k}", "N", f"Y{k}").model(f"h{k}", "F", f"Y{k}")
    return g


def captioning() -> LearningGraph:
    g = LearningGraph().data("img", "N", "Image").data("cap", "N", "Caption")
    return g.model("enc", "Image", "Feature").model("dec", "Feature", "Caption")


def layered(layers: int, width: int, seed: int, branching: int = 2,
            last_width: int = 1) -> LearningGraph:
    """Data into layer 0, then ``branching`` random learnable maps out of each space into
    the next layer (``last_width`` spaces in the last), and a label column into the first
    space of the last layer; paths grow roughly like width · branching^layers."""
    rng = random.Random(seed)
    g = LearningGraph()
    for i in range(width):
        g.data(f"x{i}", "N", f"L0_{i}")
    g.data("y", "N", f"L{layers}_0")
    k = 0
    for layer in range(layers):
        last = layer + 1 == layers
        targets = [f"L{layer + 1}_{j}" for j in range(last_width if last else width)]
        for i in range(width):
            for t in rng.sample(targets, min(branching, len(targets))):
                g.model(f"m{k}", f"L{layer}_{i}", t)
                k += 1
    return g


#: The layered graphs compared with networkx: (name, layers, width, branching, last width).
LAYERED = (
    ("layered 3x4", 3, 4, 2, 1),
    ("layered 5x5", 5, 5, 2, 1),
    ("layered 7x6", 7, 6, 2, 1),
    ("layered 9x6", 9, 6, 2, 1),
    ("layered 6x3x3", 6, 3, 3, 3),
    ("layered 7x3x3", 7, 3, 3, 3),  # 2187 equations
    ("layered 11x6", 11, 6, 2, 1),
    ("layered 8x3x3", 8, 3, 3, 3),
)


def ours(g: LearningGraph) -> Callable[[], Any]:
    def run() -> Any:
        return LearningDiagram.from_graph(g, policy="against_data", max_paths=10**6,
                                          max_equations=10**6).compile_plan()
    return run


def theirs(g: LearningGraph) -> tuple[Callable[[], int], Any]:
    import networkx as nx

    G = nx.MultiDiGraph()
    for name, s, t, _ in g.edges():
        G.add_edge(s, t, key=name)
    targets = set(G.nodes) - {"N"}

    def run() -> int:
        counted = deque(enumerate(nx.all_simple_edge_paths(G, "N", targets), 1), maxlen=1)
        return counted[0][0] if counted else 0
    return run, nx


def measure(name: str, g: LearningGraph, repeat: int, policy: str = "against_data") -> None:
    def run() -> None:
        LearningDiagram.from_graph(g, policy=policy, max_paths=10**6,
                                   max_equations=10**6).compile_plan()

    t = median_time(run, repeat)
    D = LearningDiagram.from_graph(g, policy=policy, max_paths=10**6, max_equations=10**6)
    plan = D.compile_plan()
    naive = sum(len(e.lhs) + len(e.rhs) for e in D.equations)
    nodes = len(plan.nodes) - len(plan.roots())
    saving = f"{naive / nodes:.1f}x" if nodes else "n/a"
    print(f"{name:<26} {policy:<13} {len(D.equations):>8} {len(plan.nodes):>8} "
          f"{fmt(t):>10} {saving:>9}")


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def against_networkx(repeat: int, graphs: tuple[tuple[str, int, int, int, int], ...]
                     ) -> None:
    try:
        import networkx  # noqa: F401
    except ImportError:
        print("\nnetworkx is not installed (pip install -e '.[bench]'): comparison skipped")
        return
    print(f"\n{'graph':<16} {'paths':>7} {'eqs':>6} {'ours':>10} {'networkx':>10} "
          f"{'ours/nx':>8}")
    sizes, times = [], []
    for name, layers, width, branching, last in graphs:
        g = layered(layers, width, 0, branching, last)
        mine = ours(g)
        nx_run, _ = theirs(g)
        npaths = nx_run()
        eqs = len(LearningDiagram.from_graph(g, policy="against_data", max_paths=10**6,
                                             max_equations=10**6).equations)
        a: list[float] = []
        b: list[float] = []
        ratios: list[float] = []
        k = 0
        while k < repeat or sum(a) + sum(b) < 0.5:  # alternate which side runs first
            k += 1
            if k % 2:
                tb, ta = timed(nx_run), timed(mine)
            else:
                ta, tb = timed(mine), timed(nx_run)
            a.append(ta)
            b.append(tb)
            ratios.append(ta / tb)
        ta, tb, r = statistics.median(a), statistics.median(b), statistics.median(ratios)
        sizes.append(npaths)
        times.append(ta)
        print(f"{name:<16} {npaths:>7} {eqs:>6} {fmt(ta):>10} {fmt(tb):>10} {r:>7.2f}x")
    big = [k for k, n in enumerate(sizes) if n >= 1000]
    tail = (f"; {slope([sizes[k] for k in big], [times[k] for k in big]):.2f} from 1,000 "
            "paths on" if len(big) > 1 else "")
    print(f"growth exponent of ours in the number of paths: {slope(sizes, times):.2f}{tail} "
          "(1 = linear; fixed costs pull it down on the small graphs)")


def slope(xs: list[int], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return (sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
            / sum((a - mx) ** 2 for a in lx))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true",
                        help="only the networkx comparison, on the smaller graphs")
    args = parser.parse_args()
    if not args.quick:
        print(f"{'regime':<26} {'policy':<13} {'eqs':>8} {'nodes':>8} {'time':>10} "
              f"{'saving':>9}")
        for name, g in (("square", square()), ("distillation", distillation()),
                        ("backbone, 8 heads", backbone(8)), ("captioning", captioning())):
            measure(name, g, args.repeat, "all_pairs")
        for name, layers, width, branching, last in LAYERED:
            measure(name, layered(layers, width, 0, branching, last), args.repeat)
        print("saving = edge applications path by path / edge applications of the plan")
    against_networkx(args.repeat, LAYERED[:6] if args.quick else LAYERED)


if __name__ == "__main__":
    main()
