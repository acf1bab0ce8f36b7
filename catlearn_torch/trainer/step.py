"""One training step of a compiled diagram: forward (under the run's precision), a
finite-loss check, backward through the weighting strategy, and — every ``accumulate``
batches — the optimiser step, the scheduler (``interval="step"``) and the moving
averages.

Gradient accumulation follows Lightning: each batch's loss is divided by ``accumulate``
before ``backward`` (also in an epoch's last, shorter window), the gradients are zeroed
at the start of each window, and the windows restart with every epoch. The weighting's
``before_backward`` and ``after_step`` hooks run for every batch (Lightning's
``on_before_backward`` and ``on_train_batch_end``).

>>> Meter(["e"]).record()
{'total': 0.0, 'e': 0.0}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn

from catlearn_torch.compile import CompiledDiagram
from catlearn_torch.errors import NON_FINITE, NonFiniteLossError
from catlearn_torch.trainer.ema import EdgeAverages
from catlearn_torch.trainer.optim import step_scheduler
from catlearn_torch.trainer.precision import Precision
from catlearn_torch.weighting import Fixed, Weighting

__all__ = ["Run", "Meter", "train_batch", "end_window"]


@dataclass
class Meter:
    """An epoch's running sums: the total and each equation's term (over the steps where
    it had a defined example), and the examples compared (missing values).

    >>> m = Meter(["e"]); m.add(2.0, {"e": torch.tensor(2.0)}, None); m.record()["e"]
    2.0
    """

    names: Sequence[str]
    sums: dict[str, float] = field(default_factory=dict)
    count: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    examples: dict[str, int] = field(default_factory=dict)
    masked: bool = False

    def __post_init__(self) -> None:
        self.sums = self.sums or dict.fromkeys(["total", *self.names], 0.0)
        self.seen = self.seen or dict.fromkeys(self.names, 0)
        self.examples = self.examples or dict.fromkeys(self.names, 0)

    def add(self, total: float, terms: Mapping[str, Tensor],
            defined: Mapping[str, Any] | None) -> None:
        """Add one batch.

        >>> m = Meter(["e", "f"])
        >>> m.add(3.0, {"e": torch.tensor(1.0), "f": torch.tensor(0.0)}, {"e": 2, "f": 0})
        >>> m.sums, m.seen, m.examples
        ({'total': 3.0, 'e': 1.0, 'f': 0.0}, {'e': 1, 'f': 0}, {'e': 2, 'f': 0})
        """
        self.count += 1
        self.sums["total"] += total
        self.masked = self.masked or defined is not None
        for n, t in terms.items():
            k = int(defined.get(n, 1)) if defined is not None else 1
            if k > 0:
                self.sums[n] += float(t.detach())
                self.seen[n] += 1
            if defined is not None:
                self.examples[n] += k

    def means(self) -> dict[str, float]:
        """The running means so far (for the progress bar).

        >>> Meter(["e"]).means()
        {'total': 0.0, 'e': 0.0}
        """
        return {k: v / max(self.seen.get(k, self.count), 1) for k, v in self.sums.items()}

    def record(self) -> dict[str, float]:
        """The epoch's record: the means, plus ``"<eq> [defined]"`` and ``"<eq> [empty
        steps]"`` when some batch had missing values.

        >>> m = Meter(["e"]); m.add(1.0, {"e": torch.tensor(1.0)}, {"e": 4})
        >>> m.add(0.0, {"e": torch.tensor(0.0)}, {"e": 0}); m.record()
        {'total': 0.5, 'e': 1.0, 'e [defined]': 4.0, 'e [empty steps]': 1.0}
        """
        out = self.means()
        if self.masked:
            for n in self.names:
                out[f"{n} [defined]"] = float(self.examples[n])
                out[f"{n} [empty steps]"] = float(self.count - self.seen[n])
        return out

    def state_dict(self) -> dict[str, Any]:
        """The sums, for a mid-epoch checkpoint.

        >>> sorted(Meter(["e"]).state_dict())
        ['count', 'examples', 'masked', 'seen', 'sums']
        """
        return {"sums": dict(self.sums), "count": self.count, "seen": dict(self.seen),
                "examples": dict(self.examples), "masked": self.masked}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`.

        >>> m = Meter(["e"]); m.load_state_dict(m.state_dict())
        """
        self.sums = {str(k): float(v) for k, v in state["sums"].items()}
        self.count = int(state["count"])
        self.seen = {str(k): int(v) for k, v in state["seen"].items()}
        self.examples = {str(k): int(v) for k, v in state["examples"].items()}
        self.masked = bool(state["masked"])


@dataclass
class Run:
    """The mutable state of a training run that the step and epoch functions share.

    >>> from catlearn_torch.weighting.examples import example as _example
    >>> from catlearn_torch.trainer.optim import make_optimizer
    >>> L, batch = _example()
    >>> run = Run(L, L, make_optimizer(L), None, "step", None,
    ...           Precision.of("32", L.device), accumulate=2)
    >>> run.hooks, run.steps
    (False, 0)
    """

    compiled: nn.Module
    core: CompiledDiagram
    optimizer: torch.optim.Optimizer
    scheduler: Any
    interval: str
    monitor: str | None
    precision: Precision
    accumulate: int = 1
    clip_grad_norm: float | None = None
    ema: EdgeAverages | None = None
    steps: int = 0
    last_good: str | None = None
    micro: int = 0
    pending: int = 0
    epoch_steps: list[int] = field(default_factory=list)

    @property
    def hooks(self) -> bool:
        """Whether the weighting has hooks to call (not the fixed one).

        >>> Run.hooks.__doc__.split()[0]
        'Whether'
        """
        return type(self.core.weighting) is not Fixed


def _non_finite(run: Run, epoch: int, total: float, terms: Mapping[str, Tensor]
                ) -> NonFiniteLossError:
    bad = [n for n, t in terms.items() if not bool(torch.isfinite(t.detach()).all())]
    shown = ", ".join(f"equation {n!r} = {float(terms[n].detach())}" for n in bad) \
        or f"the weighted sum = {total} (every term is finite)"
    where = (f"the last good checkpoint is {run.last_good}" if run.last_good else
             "no checkpoint was written yet (fit writes one with checkpoint=PATH)")
    return NonFiniteLossError(NON_FINITE.format(
        epoch=epoch + 1, step=run.steps + 1, terms=shown, checkpoint=where),
        tuple(bad), run.last_good)


def train_batch(run: Run, batches: Any, epoch: int) -> tuple[float, dict[str, Tensor],
                                                             dict[str, Any] | None]:
    """Forward and backward one batch (no optimiser step: :func:`end_window` does it);
    returns the total's value, the terms and the defined counts.

    >>> from catlearn_torch.weighting.examples import example as _example
    >>> from catlearn_torch.trainer.optim import make_optimizer
    >>> L, batch = _example()
    >>> run = Run(L, L, make_optimizer(L), None, "step", None, Precision.of("32", L.device))
    >>> value, terms, defined = train_batch(run, batch, 0)
    >>> run.micro, run.pending, L.model("m").weight.grad is not None, defined
    (1, 1, True, None)
    """
    core, opt = run.core, run.optimizer
    with run.precision.autocast():
        total, terms = run.compiled(batches)
    value = float(total.detach())
    if not math.isfinite(value):
        raise _non_finite(run, epoch, value, terms)
    defined = core.last_defined
    if run.micro % run.accumulate == 0:
        opt.zero_grad(set_to_none=True)
    if run.hooks:
        core.weighting.before_backward(terms, core)
    if total.requires_grad:
        k = run.accumulate
        loss = total if k == 1 else total / k
        scaler = run.precision.scaler
        if scaler is not None:
            loss = scaler.scale(loss)
        custom = type(core.weighting).backward is not Weighting.backward
        scale = run.precision.scale / k if custom else 1.0 / k  # get_scale() syncs
        core.weighting.backward(loss, terms, core, scale)
        run.pending += 1
    run.micro += 1
    return value, terms, dict(defined) if defined is not None else None


def end_window(run: Run) -> bool:
    """The optimiser step at the end of an accumulation window (if some batch of it had
    a gradient): clip, step (through the scaler), then the per-step scheduler and the
    moving averages. Returns whether the optimiser stepped.

    >>> from catlearn_torch.weighting.examples import example as _example
    >>> from catlearn_torch.trainer.optim import make_optimizer
    >>> L, batch = _example()
    >>> run = Run(L, L, make_optimizer(L), None, "step", None, Precision.of("32", L.device))
    >>> before = L.model("m").weight.clone(); _ = train_batch(run, batch, 0)
    >>> end_window(run), run.steps, torch.equal(before, L.model("m").weight)
    (True, 1, False)
    >>> end_window(run), run.steps  # nothing back-propagated since: no optimiser step
    (False, 2)
    """
    run.steps += 1
    if run.pending == 0:
        return False
    run.pending = 0
    opt, scaler = run.optimizer, run.precision.scaler
    if run.clip_grad_norm is not None:
        if scaler is not None:
            scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(list(run.core.learnable_parameters()),
                                       run.clip_grad_norm)
    if scaler is not None:
        scaler.step(opt)
        scaler.update()
    else:
        opt.step()
    if run.interval == "step":
        step_scheduler(run.scheduler)
    if run.ema is not None:
        run.ema.update()
    return True
