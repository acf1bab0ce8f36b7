"""Knowledge-distillation epoch time with and without the cache of frozen paths.

A frozen teacher MLP (heavy: ``--teacher-width`` hidden units, ``--teacher-depth``
layers) and a small student MLP; the loss is cross-entropy against the labels plus
``0.5 · T² KL`` (T = 4) against the teacher. The same regime (same initial weights, same
shuffled batches) is trained for ``--epochs`` epochs twice: with ``cache=False`` (the
teacher runs on every batch) and with ``cache=True`` (the teacher runs once per example,
in the first epoch; its logits are read back by example index from then on). The script
prints the mean epoch time of each, the ratio uncached/cached over all epochs and over
the epochs after the first (where the cache is warm), and whether the students end equal.

    python benchmarks/cache_bench.py
    python benchmarks/cache_bench.py --device cuda --examples 20000
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import catlearn_torch as ct
from benchmarks._timing import fmt
from catlearn.learning import Equation, LearningDiagram, LearningGraph


def mlp(d_in: int, width: int, depth: int, d_out: int) -> nn.Module:
    layers: list[nn.Module] = [nn.Linear(d_in, width), nn.ReLU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, d_out))


def regime(args: argparse.Namespace, teacher: nn.Module, student: nn.Module,
           cache: bool) -> ct.CompiledDiagram:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [
        Equation(D0.path("x ⋅ s"), D0.path("y"), comparator="cross_entropy"),
        Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t"), comparator="kl(temperature=4)",
                 weight=0.5)])
    R = ct.Realisation(D, models={"t": copy.deepcopy(teacher), "s": copy.deepcopy(student)})
    return ct.compile(D, R, cache=cache).to(args.device)


def epoch_times(args: argparse.Namespace, L: ct.CompiledDiagram, data: TensorDataset
                ) -> list[float]:
    loader = DataLoader(ct.Indexed(data, columns=L.columns["N"]), batch_size=args.batch,
                        shuffle=True)
    times: list[float] = []
    last = [time.perf_counter()]

    def tick(epoch: int, compiled: ct.CompiledDiagram, opt: torch.optim.Optimizer) -> None:
        if args.device == "cuda":
            torch.cuda.synchronize()
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    torch.manual_seed(1)
    last[0] = time.perf_counter()
    ct.fit(L, loader, epochs=args.epochs, lr=1e-3, progress=False, check=False,
           on_epoch_end=tick)
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=4096)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--features", type=int, default=64)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--teacher-width", type=int, default=1024)
    p.add_argument("--teacher-depth", type=int, default=4)
    p.add_argument("--device", default="cpu")
    args = p.parse_args()
    torch.manual_seed(0)
    x = torch.randn(args.examples, args.features)
    y = torch.randint(0, args.classes, (args.examples,))
    data = TensorDataset(x, y)
    teacher = mlp(args.features, args.teacher_width, args.teacher_depth, args.classes)
    student = mlp(args.features, 64, 1, args.classes)
    print(f"KD: {args.examples} examples, batch {args.batch}, {args.epochs} epochs, teacher "
          f"{args.teacher_depth}x{args.teacher_width} MLP, student 1x64 MLP, "
          f"device {args.device}")
    warm = argparse.Namespace(**{**vars(args), "epochs": 1})  # untimed warm-up epoch
    epoch_times(warm, regime(args, teacher, student, False), data)
    results = {}
    for cache in (False, True):
        L = regime(args, teacher, student, cache)
        results[cache] = (epoch_times(args, L, data), L)
    plain, cached = results[False][0], results[True][0]
    print(f"  without cache: epochs {', '.join(fmt(t) for t in plain)} "
          f"(mean {fmt(statistics.mean(plain))})")
    print(f"  with cache:    epochs {', '.join(fmt(t) for t in cached)} "
          f"(mean {fmt(statistics.mean(cached))}); cached values: "
          f"{results[True][1].cache_size()}")
    print(f"  epoch-time ratio without/with cache, all epochs: "
          f"{sum(plain) / sum(cached):.2f}x")
    if len(plain) > 1:
        print(f"  epoch-time ratio without/with cache, warm epochs (2..{len(plain)}): "
              f"{sum(plain[1:]) / sum(cached[1:]):.2f}x")
    a, b = results[False][1].model("s"), results[True][1].model("s")
    same = all(torch.allclose(p, q, atol=1e-5) for p, q in zip(a.parameters(), b.parameters(),
                                                                strict=True))
    print(f"  students equal after training (atol 1e-5): {same}")


if __name__ == "__main__":
    main()
