"""Per-step training time: a compiled learning diagram vs the same regime by hand.

Two regimes, each written twice over identical modules (deep copies with the same
initial weights), identical batches and identical optimisers (SGD with momentum):

* **distillation**: a frozen teacher MLP and a student MLP; cross-entropy of the student
  against the labels plus ``0.5 · T² KL`` (T = 4) against the teacher;
* **backbone-8**: a shared backbone MLP with 8 heads, each compared (MSE) with its own
  target column.

A step is ``zero_grad``, forward, ``backward``, ``optimizer.step``. The two sides run
interleaved in one process (A, B, then B, A, ...), ``--steps`` steps per block; the
script prints the median step times, the median of the per-round ratios
compiled/hand-written (goal: ≤ 1.02), and the number of module forward calls per step on
each side (goal: equal). ``--compile`` repeats it with ``torch.compile`` on both sides
(inductor; skipped with a note where it fails on this machine).

Two more comparisons, each side the compiled diagram itself:

* **guards on / off**: the batch guards (``compile(..., guards=True)``, the default)
  against ``guards=False`` on both regimes, eager (goal: ratio ≤ 1.02);
* **masked heads** (``--compile``): a backbone with three heads whose labels are partly
  missing (class indices with the ignore value -100, ``Masked`` regression targets),
  ``torch.compile(fullgraph=True)`` against the eager diagram (goal: ratio ≤ 1.00, the
  compiled masked regime at least as fast as eager).

* **fusion** (``--fuse``, only this table): ``compile(..., fuse=True)`` against the
  unfused compiled loss and a hand-written plain loop over the modules, three sides
  interleaved (the order rotates each round): a backbone ``Linear(64, 128) + ReLU``
  with 4, 8 and 32 heads ``Linear(128, 10)`` (cross-entropy each, batch 256), and a
  distillation from two frozen teachers of one architecture (goal on a 2-core CPU:
  8 heads ≤ 0.8x hand-written, 32 heads ≤ 0.6x).

    python benchmarks/train_step_bench.py            # eager, and guards on / off
    python benchmarks/train_step_bench.py --compile  # and torch.compile on both sides
    python benchmarks/train_step_bench.py --fuse     # fused / unfused / hand-written
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from _timing import fmt

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import Masked, Realisation, compile

T = 4.0


def mlp(*sizes: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in itertools.pairwise(sizes):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


# ------------------------------------------------------------------ distillation
class HandKD(nn.Module):
    """Knowledge distillation written by hand."""

    def __init__(self, teacher: nn.Module, student: nn.Module) -> None:
        super().__init__()
        self.teacher, self.student = teacher, student
        self.teacher.requires_grad_(False).eval()

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        x, y = batch["x"], batch["y"]
        with torch.no_grad():
            t = self.teacher(x)
        s = self.student(x)
        kl = F.kl_div(F.log_softmax(s / T, dim=1), F.log_softmax(t / T, dim=1),
                      reduction="batchmean", log_target=True) * (T * T)
        return F.cross_entropy(s, y) + kl * 0.5


def distillation(batch_size: int) -> tuple[nn.Module, nn.Module, list[dict[str, Any]],
                                           list[nn.Module], list[nn.Module]]:
    torch.manual_seed(0)
    teacher, student = mlp(256, 512, 512, 10), mlp(256, 256, 10)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("teacher", "X", "Y").model("student", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [
        Equation(D0.path("x ⋅ student"), D0.path("y"), comparator="cross_entropy"),
        Equation(D0.path("x ⋅ student"), D0.path("x ⋅ teacher"),
                 comparator=f"kl(temperature={T})", weight=0.5)])
    ours = compile(D, Realisation(D, models={"teacher": copy.deepcopy(teacher),
                                             "student": copy.deepcopy(student)}))
    hand = HandKD(teacher, student)
    batches = [{"x": torch.randn(batch_size, 256), "y": torch.randint(0, 10, (batch_size,))}
               for _ in range(4)]
    return ours, hand, batches, list(ours.models.values()), [hand.teacher, hand.student]


# ------------------------------------------------------------------ backbone with heads
class HandHeads(nn.Module):
    """A shared backbone with K heads, written by hand."""

    def __init__(self, backbone: nn.Module, heads: list[nn.Module]) -> None:
        super().__init__()
        self.backbone, self.heads = backbone, nn.ModuleList(heads)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        f = self.backbone(batch["x"])
        total = F.mse_loss(self.heads[0](f), batch["y0"])
        for i in range(1, len(self.heads)):
            total = total + F.mse_loss(self.heads[i](f), batch[f"y{i}"])
        return total


def backbone(batch_size: int, k: int = 8) -> tuple[nn.Module, nn.Module,
                                                   list[dict[str, Any]], list[nn.Module],
                                                   list[nn.Module]]:
    torch.manual_seed(0)
    body = mlp(128, 512, 512)
    heads: list[nn.Module] = [mlp(512, 64, 16) for _ in range(k)]
    g = LearningGraph().data("x", "N", "X")
    for i in range(k):
        g = g.data(f"y{i}", "N", f"Y{i}")
    g = g.model("backbone", "X", "F")
    for i in range(k):
        g = g.model(f"head{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g)
    models: dict[str, nn.Module] = {"backbone": copy.deepcopy(body)}
    models.update({f"head{i}": copy.deepcopy(h) for i, h in enumerate(heads)})
    ours = compile(D, Realisation(D, models=models))
    hand = HandHeads(body, heads)
    batches = []
    for _ in range(4):
        b = {"x": torch.randn(batch_size, 128)}
        b.update({f"y{i}": torch.randn(batch_size, 16) for i in range(k)})
        batches.append(b)
    return ours, hand, batches, list(ours.models.values()), [hand.backbone, *hand.heads]


# ------------------------------------------------------------------ masked heads
def masked_heads(batch_size: int) -> tuple[nn.Module, list[dict[str, Any]]]:
    """A backbone with three heads: two classifiers whose labels are missing (-100) for
    a third of the examples, one regressor whose targets are ``Masked`` for half."""
    torch.manual_seed(0)
    g = LearningGraph().data("x", "N", "X")
    for i in range(3):
        g = g.data(f"y{i}", "N", f"Y{i}")
    g = g.model("backbone", "X", "F")
    for i in range(3):
        g = g.model(f"head{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g, comparators={"Y0": "cross_entropy",
                                                   "Y1": "cross_entropy"})
    models: dict[str, nn.Module] = {"backbone": mlp(128, 512, 512)}
    models.update({f"head{i}": mlp(512, 64, 10 if i < 2 else 4) for i in range(3)})
    ours = compile(D, Realisation(D, models=models), missing={"y0": -100, "y1": -100})
    batches = []
    for _ in range(4):
        b: dict[str, Any] = {"x": torch.randn(batch_size, 128)}
        for i in range(2):
            y = torch.randint(0, 10, (batch_size,))
            b[f"y{i}"] = torch.where(torch.rand(batch_size) < 1 / 3, -100, y)
        b["y2"] = Masked(torch.randn(batch_size, 4), torch.rand(batch_size) < 0.5)
        batches.append(b)
    return ours, batches


def interleave(a: Callable[[dict[str, Any]], None], b: Callable[[dict[str, Any]], None],
               batches: list[dict[str, Any]], rounds: int, steps: int
               ) -> tuple[float, float, float]:
    """Median step times of ``a`` and ``b`` run interleaved, and the median ratio a/b."""
    for _ in range(3):  # warm-up (and compilation)
        a(batches[0])
        b(batches[0])
    ta, tb, ratios = [], [], []
    for r in range(rounds):
        if r % 2 == 0:
            x, y = block(a, batches, steps), block(b, batches, steps)
        else:
            y, x = block(b, batches, steps), block(a, batches, steps)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def compare_guards(name: str, make: Callable[[int], Any], batch_size: int, rounds: int,
                   steps: int) -> None:
    """The same diagram with the batch guards on and off (deep copies, same weights)."""
    ours, _, batches, _, _ = make(batch_size)
    off = copy.deepcopy(ours)
    off.guards = False
    off._make_policies()
    a = stepper(ours, lambda b: ours(b).total, [p for p in ours.parameters()
                                                if p.requires_grad])
    b = stepper(off, lambda b: off(b).total, [p for p in off.parameters() if p.requires_grad])
    ta, tb, ratio = interleave(a, b, batches, rounds, steps)
    print(f"{name + ' guards on / off':<46} on {fmt(ta):>9}/step   off {fmt(tb):>9}/step   "
          f"ratio {ratio:.3f}")


def compare_masked(batch_size: int, rounds: int, steps: int) -> None:
    """The masked heads regime: torch.compile(fullgraph=True) against eager."""
    eager, batches = masked_heads(batch_size)
    torch._dynamo.reset()
    core = copy.deepcopy(eager)
    fast: Any = torch.compile(core, fullgraph=True)
    a = stepper(fast, lambda b: fast(b).total, [p for p in core.parameters()
                                                if p.requires_grad])
    b = stepper(eager, lambda b: eager(b).total, [p for p in eager.parameters()
                                                  if p.requires_grad])
    ta, tb, ratio = interleave(a, b, batches, rounds, steps)
    print(f"{'masked heads +torch.compile(fullgraph) / eager':<46} compiled "
          f"{fmt(ta):>9}/step   eager {fmt(tb):>9}/step   ratio {ratio:.2f}")


# ------------------------------------------------------------------ timing
def stepper(model: nn.Module, loss_of: Callable[[Any], torch.Tensor],
            params: list[nn.Parameter]) -> Callable[[dict[str, Any]], None]:
    opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9)

    def step(batch: dict[str, Any]) -> None:
        opt.zero_grad(set_to_none=True)
        loss = loss_of(batch)
        loss.backward()
        opt.step()

    return step


def calls_per_step(loss_of: Callable[[Any], torch.Tensor], modules: list[nn.Module],
                   batch: dict[str, Any]) -> int:
    """Module forward calls in one forward and backward (counted by hooks)."""
    count = [0]

    def hook(*_: Any) -> None:
        count[0] += 1

    handles = [m.register_forward_hook(hook) for m in modules]
    try:
        loss_of(batch).backward()
    finally:
        for h in handles:
            h.remove()
    for m in modules:
        m.zero_grad(set_to_none=True)
    return count[0]


CLOCK: list[Callable[[], float]] = [time.perf_counter]


def block(step: Callable[[dict[str, Any]], None], batches: list[dict[str, Any]],
          n: int) -> float:
    clock = CLOCK[0]
    t0 = clock()
    for i in range(n):
        step(batches[i % len(batches)])
    return (clock() - t0) / n


def compare(name: str, ours: nn.Module, hand: nn.Module, batches: list[dict[str, Any]],
            our_mods: list[nn.Module], hand_mods: list[nn.Module], rounds: int, steps: int,
            use_compile: bool) -> None:
    our_params = [p for p in ours.parameters() if p.requires_grad]
    hand_params = [p for p in hand.parameters() if p.requires_grad]
    n_ours = calls_per_step(lambda b: ours(b).total, our_mods, batches[0])
    n_hand = calls_per_step(hand, hand_mods, batches[0])
    label = name
    if use_compile:
        torch._dynamo.reset()
        ours_run: Any = torch.compile(ours)
        hand_run: Any = torch.compile(hand)
        label += " +torch.compile"
    else:
        ours_run, hand_run = ours, hand
    a = stepper(ours_run, lambda b: ours_run(b).total, our_params)
    b = stepper(hand_run, hand_run, hand_params)
    for _ in range(3):  # warm-up (and compilation)
        a(batches[0])
        b(batches[0])
    ta, tb, ratios = [], [], []
    for r in range(rounds):
        if r % 2 == 0:
            x, y = block(a, batches, steps), block(b, batches, steps)
        else:
            y, x = block(b, batches, steps), block(a, batches, steps)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
    print(f"{label:<46} compiled {fmt(statistics.median(ta)):>9}/step   "
          f"hand-written {fmt(statistics.median(tb)):>9}/step   "
          f"ratio {statistics.median(ratios):.2f}   "
          f"forward calls/step {n_ours} vs {n_hand}")


# ------------------------------------------------------------------ fusion (--fuse)
class HandLinearHeads(nn.Module):
    """A backbone with K classification heads, a plain loop over modules."""

    def __init__(self, body: nn.Module, heads: list[nn.Module]) -> None:
        super().__init__()
        self.backbone, self.heads = body, nn.ModuleList(heads)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        f = self.backbone(batch["x"])
        total = F.cross_entropy(self.heads[0](f), batch["y0"])
        for i in range(1, len(self.heads)):
            total = total + F.cross_entropy(self.heads[i](f), batch[f"y{i}"])
        return total


def linear_heads(batch_size: int, k: int) -> tuple[nn.Module, nn.Module, nn.Module,
                                                    list[dict[str, Any]]]:
    """A backbone ``Linear(64, 128) + ReLU`` with ``k`` heads ``Linear(128, 10)``, each
    with cross-entropy against its own labels: unfused, fused, hand-written."""
    torch.manual_seed(0)
    body = nn.Sequential(nn.Linear(64, 128), nn.ReLU())
    heads: list[nn.Module] = [nn.Linear(128, 10) for _ in range(k)]
    g = LearningGraph().data("x", "N", "X").model("backbone", "X", "F")
    for i in range(k):
        g = g.data(f"y{i}", "N", f"Y{i}").model(f"head{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g, comparators={f"Y{i}": "cross_entropy"
                                                   for i in range(k)})
    models = {"backbone": body, **{f"head{i}": h for i, h in enumerate(heads)}}
    plain = compile(D, Realisation(D, models=copy.deepcopy(models)))
    fused = compile(D, Realisation(D, models=copy.deepcopy(models)), fuse=True)
    hand = HandLinearHeads(copy.deepcopy(body), copy.deepcopy(heads))
    batches = []
    for _ in range(4):
        b = {"x": torch.randn(batch_size, 64)}
        b.update({f"y{i}": torch.randint(0, 10, (batch_size,)) for i in range(k)})
        batches.append(b)
    return plain, fused, hand, batches


class HandTwoTeachers(nn.Module):
    """Distillation from two frozen teachers of one architecture, by hand."""

    def __init__(self, t1: nn.Module, t2: nn.Module, student: nn.Module) -> None:
        super().__init__()
        self.t1, self.t2, self.student = t1, t2, student
        for t in (t1, t2):
            t.requires_grad_(False).eval()

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        x, y = batch["x"], batch["y"]
        with torch.no_grad():
            a, b = self.t1(x), self.t2(x)
        s = self.student(x)
        total = F.cross_entropy(s, y)
        for t in (a, b):
            total = total + 0.5 * F.kl_div(F.log_softmax(s / T, dim=1),
                                           F.log_softmax(t / T, dim=1),
                                           reduction="batchmean", log_target=True) * (T * T)
        return total


def two_teachers(batch_size: int) -> tuple[nn.Module, nn.Module, nn.Module,
                                           list[dict[str, Any]]]:
    """Two frozen teacher MLPs of one architecture and a student MLP."""
    torch.manual_seed(0)
    t1, t2, st = mlp(256, 512, 512, 10), mlp(256, 512, 512, 10), mlp(256, 256, 10)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t1", "X", "Y").fixed("t2", "X", "Y").model("student", "X", "Y")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path("x ⋅ student"), D0.path("y"), comparator="cross_entropy")]
    eqs += [Equation(D0.path("x ⋅ student"), D0.path(f"x ⋅ {t}"),
                     comparator=f"kl(temperature={T})", weight=0.5) for t in ("t1", "t2")]
    D = LearningDiagram(g, eqs)
    models = {"t1": t1, "t2": t2, "student": st}
    plain = compile(D, Realisation(D, models=copy.deepcopy(models)))
    fused = compile(D, Realisation(D, models=copy.deepcopy(models)), fuse=True)
    hand = HandTwoTeachers(copy.deepcopy(t1), copy.deepcopy(t2), copy.deepcopy(st))
    batches = [{"x": torch.randn(batch_size, 256), "y": torch.randint(0, 10, (batch_size,))}
               for _ in range(4)]
    return plain, fused, hand, batches


def compare_fused(name: str, plain: nn.Module, fused: nn.Module, hand: nn.Module,
                  batches: list[dict[str, Any]], rounds: int, steps: int) -> None:
    """Fused diagram, unfused diagram and hand-written loop, interleaved (the order
    rotates each round); median step times and median per-round ratios."""
    sides = [stepper(m, f, [p for p in m.parameters() if p.requires_grad])
             for m, f in ((fused, lambda b: fused(b).total),
                          (plain, lambda b: plain(b).total), (hand, hand))]
    for _ in range(3):
        for s in sides:
            s(batches[0])
    times: list[list[float]] = [[], [], []]
    r_hand, r_plain = [], []
    for r in range(rounds):
        got = [0.0, 0.0, 0.0]
        for j in range(3):
            i = (j + r) % 3
            got[i] = block(sides[i], batches, steps)
        for i in range(3):
            times[i].append(got[i])
        r_hand.append(got[0] / got[2])
        r_plain.append(got[0] / got[1])
    med = [statistics.median(t) for t in times]
    print(f"{name:<34} fused {fmt(med[0]):>9}  unfused {fmt(med[1]):>9}  hand "
          f"{fmt(med[2]):>9}   fused/hand {statistics.median(r_hand):.2f}   "
          f"fused/unfused {statistics.median(r_plain):.2f}")


def run_fused(batch_size: int, rounds: int, steps: int) -> None:
    for k in (4, 8, 32):
        plain, fused, hand, batches = linear_heads(batch_size, k)
        compare_fused(f"backbone + {k} heads Linear(128,10)", plain, fused, hand, batches,
                      rounds, steps)
    plain, fused, hand, batches = two_teachers(batch_size)
    compare_fused("two-teacher distillation", plain, fused, hand, batches, rounds, steps)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--compile", action="store_true", help="also with torch.compile")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall time, or this process's CPU time (steadier on a loaded "
                    "machine)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    ap.add_argument("--fuse", action="store_true",
                    help="only the fusion table: fused / unfused / hand-written")
    ap.add_argument("--only", choices=["parity", "guards", "masked"], default=None,
                    help="run one comparison only")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    CLOCK[0] = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch "
          f"{args.batch_size}, {args.rounds} interleaved rounds of {args.steps} steps, "
          f"{args.clock} clock")
    if args.fuse:
        run_fused(args.batch_size, args.rounds, args.steps)
        return
    for name, make in (("distillation (teacher frozen)", distillation),
                       ("backbone + 8 heads", backbone)):
        modes = [False, True] if args.compile else [False]
        for use_compile in modes if args.only in (None, "parity") else []:
            ours, hand, batches, our_mods, hand_mods = make(args.batch_size)
            try:
                compare(name, ours, hand, batches, our_mods, hand_mods, args.rounds,
                        args.steps, use_compile)
            except Exception as err:  # torch.compile may be unavailable on this machine
                first = str(err).strip().splitlines()[0] if str(err).strip() else ""
                print(f"{name} +torch.compile: n/a ({type(err).__name__}: {first})")
        if args.only in (None, "guards"):
            compare_guards(name, make, args.batch_size, args.rounds, args.steps)
    if args.compile and args.only in (None, "masked"):
        try:
            compare_masked(args.batch_size, args.rounds, args.steps)
        except Exception as err:  # torch.compile may be unavailable on this machine
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            print(f"masked heads +torch.compile: n/a ({type(err).__name__}: {first})")


if __name__ == "__main__":
    main()
