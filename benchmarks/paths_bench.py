"""Benchmark of path finding and loss-plan compilation.

For the paper's regimes and for layered random graphs (up to about 10^4 paths), prints the
median time of ``LearningDiagram.from_graph`` + ``compile_plan``, the number of paths and
equations, and the saving of the prefix trie: edge applications per batch when every
equation's paths are evaluated on their own (the baseline, as a hand-written loss that
recomputes each path) divided by those of the plan (each distinct prefix once).

Run: ``python benchmarks/paths_bench.py [--repeat 5]``
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fmt, median_time  # noqa: E402

from catlearn.learning import LearningDiagram, LearningGraph  # noqa: E402


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


def layered(layers: int, width: int, seed: int) -> LearningGraph:
    """Data into layer 0, then random learnable maps between consecutive layers, and a
    label column into the last layer; paths grow roughly like width^layers."""
    rng = random.Random(seed)
    g = LearningGraph()
    for i in range(width):
        g.data(f"x{i}", "N", f"L0_{i}")
    g.data("y", "N", f"L{layers}_0")
    k = 0
    for layer in range(layers):
        targets = [f"L{layer + 1}_{j}" for j in range(width if layer + 1 < layers else 1)]
        for i in range(width):
            for t in rng.sample(targets, min(2, len(targets))):
                g.model(f"m{k}", f"L{layer}_{i}", t)
                k += 1
    return g


def measure(name: str, g: LearningGraph, repeat: int, policy: str = "against_data") -> None:
    def run() -> None:
        LearningDiagram.from_graph(g, policy=policy, max_paths=100_000).compile_plan()

    t = median_time(run, repeat)
    D = LearningDiagram.from_graph(g, policy=policy, max_paths=100_000)
    plan = D.compile_plan()
    naive = sum(len(e.lhs) + len(e.rhs) for e in D.equations)
    ours = len(plan.nodes) - len(plan.roots())
    saving = f"{naive / ours:.1f}x" if ours else "n/a"
    print(f"{name:<26} {policy:<13} {len(D.equations):>8} {len(plan.nodes):>8} "
          f"{fmt(t):>10} {saving:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'regime':<26} {'policy':<13} {'eqs':>8} {'nodes':>8} {'time':>10} "
          f"{'saving':>9}")
    for name, g in (("square", square()), ("distillation", distillation()),
                    ("backbone, 8 heads", backbone(8)), ("captioning", captioning())):
        measure(name, g, args.repeat, "all_pairs")
    for layers, width in ((3, 4), (5, 5), (7, 6), (9, 6), (11, 6)):
        measure(f"layered {layers}x{width}", layered(layers, width, 0), args.repeat)
    print("saving = edge applications path by path / edge applications of the plan")


if __name__ == "__main__":
    main()
