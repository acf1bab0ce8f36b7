"""Per-step time of ``catlearn_torch.fit`` vs a hand-written training loop.

The same regime (a backbone MLP with 4 heads, MSE), identical modules, batches and
optimiser (SGD with momentum); a step is ``zero_grad``, forward, ``backward``,
``optimizer.step`` plus, for the hand loop, reading the loss value (``fit`` does it for
its running means). Both sides run interleaved in one process (A, B, then B, A, ...),
one epoch of ``--steps`` batches per block; the script prints the median step times and
the median of the per-round ratios fit/hand-written (goal: ≤ 1.05 — ``fit`` also keeps
per-equation means and checks the loss is finite), for the default options and for
``weighting="dwa"``, ``accumulate=2`` and ``precision="bf16-mixed"`` (against the
matching hand loop, which calls the strategy's hooks too).

    python benchmarks/fit_overhead_bench.py --steps 100 --rounds 5
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from typing import Any

import torch
from torch import nn

import catlearn_torch as ct
from catlearn.learning import LearningDiagram, LearningGraph


def regime(k: int = 4, d: int = 64, h: int = 256) -> ct.CompiledDiagram:
    torch.manual_seed(0)
    g = LearningGraph().data("x", "N", "X")
    for i in range(k):
        g = g.data(f"y{i}", "N", f"Y{i}")
    g = g.model("m", "X", "F")
    for i in range(k):
        g = g.model(f"h{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g)
    mods: dict[str, nn.Module] = {"m": nn.Sequential(nn.Linear(d, h), nn.ReLU(),
                                                     nn.Linear(h, h), nn.ReLU())}
    mods.update({f"h{i}": nn.Linear(h, 8) for i in range(k)})
    return ct.compile(D, ct.Realisation(D, models=mods))


def batches(n: int, k: int = 4, d: int = 64, bs: int = 64) -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(1)
    return [{"x": torch.randn(bs, d, generator=g),
             **{f"y{i}": torch.randn(bs, 8, generator=g) for i in range(k)}}
            for _ in range(n)]


def hand(L: Any, data: list[Any], opt: torch.optim.Optimizer, accumulate: int,
         bf16: bool) -> None:
    for i, b in enumerate(data):
        if i % accumulate == 0:
            opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            total, terms = L(b)
        float(total.detach())
        (total / accumulate if accumulate > 1 else total).backward()
        if (i + 1) % accumulate == 0:
            opt.step()
        if type(L.weighting) is not ct.Fixed:
            L.weighting.after_step(terms, L)  # the strategy's own bookkeeping, as fit


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    data = batches(args.steps)
    cases = {"default": {}, "dwa": {"weighting": "dwa"}, "accumulate=2": {"accumulate": 2},
             "bf16-mixed": {"precision": "bf16-mixed"}}
    print(f"{'case':<14}{'fit/step':>12}{'hand/step':>12}{'ratio':>9}")
    for name, kw in cases.items():
        base = regime()
        A, B = copy.deepcopy(base), copy.deepcopy(base)
        if "weighting" in kw:
            A.set_weighting(kw["weighting"])
        opt_a = torch.optim.SGD(A.parameters(), lr=1e-3, momentum=0.9)
        make = lambda groups: torch.optim.SGD(groups, lr=1e-3, momentum=0.9)  # noqa: E731
        times: dict[str, list[float]] = {"fit": [], "hand": []}
        ratios = []
        acc, bf16 = int(kw.get("accumulate", 1)), kw.get("precision") == "bf16-mixed"
        for r in range(args.rounds + 1):
            order = ("fit", "hand") if r % 2 == 0 else ("hand", "fit")
            got = {}
            for side in order:
                t0 = time.perf_counter()
                if side == "fit":
                    ct.fit(B, data, epochs=1, optimizer=make, progress=False, check=False,
                           **kw)
                else:
                    hand(A, data, opt_a, acc, bf16)
                got[side] = (time.perf_counter() - t0) / args.steps
            if r == 0:
                continue  # warm-up
            for side in got:
                times[side].append(got[side])
            ratios.append(got["fit"] / got["hand"])
        print(f"{name:<14}{statistics.median(times['fit']) * 1e3:>10.3f}ms"
              f"{statistics.median(times['hand']) * 1e3:>10.3f}ms"
              f"{statistics.median(ratios):>9.3f}")


if __name__ == "__main__":
    main()
