"""One epoch of :func:`catlearn_torch.fit`: the batches (with the progress bar and the
mid-epoch checkpoints), then the epoch's record (means, weights, ``evaluate`` metrics).

>>> from catlearn_torch.weighting.examples import example as _example
>>> from catlearn_torch.trainer.optim import make_optimizer
>>> from catlearn_torch.trainer.precision import Precision
>>> L, batch = _example()
>>> run = Run(L, L, make_optimizer(L), None, "step", None, Precision.of("32", L.device),
...           accumulate=2)
>>> meter = Meter(list(L.weights))
>>> run_epoch(run, MaxSizeCycle({"N": [batch] * 3}), meter, 0, 1, check=False,
...           progress=False, save=lambda *a: None, checkpoint_every=None)
>>> run.steps, meter.count  # windows of 2 batches, the last one shorter
(2, 3)
>>> sorted(epoch_record(run, meter, 0, lambda c, e: {"val": 1.0}))
['total', 'val', 'x ⋅ m ⋅ h1 = y', 'x ⋅ m ⋅ h2 = z']
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import torch
from tqdm.std import TqdmWarning

with warnings.catch_warnings():
    # In a Jupyter kernel without ipywidgets, tqdm.auto warns "IProgress not found" and
    # falls back to text bars; the text bars are what we want there, the warning is noise.
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from catlearn_torch.compile import CompiledDiagram
from catlearn_torch.data import MaxSizeCycle
from catlearn_torch.trainer.step import Meter, Run, end_window, train_batch

__all__ = ["run_epoch", "epoch_record", "set_epoch"]

Evaluate = Callable[[CompiledDiagram, int], Mapping[str, float] | None]


def set_epoch(cycle: MaxSizeCycle, epoch: int) -> None:
    """``set_epoch(epoch)`` on every loader's sampler that has it (``DistributedSampler``
    reshuffles per epoch), as Lightning does.

    >>> set_epoch(MaxSizeCycle({"N": [1, 2]}), 0)
    """
    for ld in cycle.loaders.values():
        fn = getattr(getattr(ld, "sampler", None), "set_epoch", None)
        if callable(fn):
            fn(epoch)


def run_epoch(run: Run, cycle: MaxSizeCycle, meter: Meter, epoch: int, epochs: int, *,
              check: bool, progress: bool,
              save: Callable[[int, Mapping[str, Any] | None, Meter], None],
              checkpoint_every: int | None) -> None:
    """Train on every batch of the epoch (see :mod:`catlearn_torch.trainer.step`);
    ``save(epoch, cycle_state, meter)`` writes a mid-epoch checkpoint every
    ``checkpoint_every`` optimiser steps.

    >>> run_epoch.__doc__.split()[0]  # see the module docstring for a run
    'Train'
    """
    run.compiled.train()
    bar = tqdm(cycle, total=len(cycle) if cycle.sized else None,
               desc=f"epoch {epoch + 1}/{epochs}", disable=not progress,
               dynamic_ncols=True, leave=epoch == epochs - 1)
    k = run.accumulate
    try:
        for batches in bar:
            if check:
                run.core.check(batches)
                check = False
            value, terms, defined = train_batch(run, batches, epoch)
            meter.add(value, terms, defined)
            last = cycle.sized and run.micro >= len(cycle)
            window = run.micro % k == 0 or last
            if window:
                end_window(run)
            if run.hooks:
                run.core.weighting.after_step(terms, run.core)
            if window and checkpoint_every is not None and run.steps % checkpoint_every == 0:
                save(epoch, cycle.state(), meter)
            if progress:
                bar.set_postfix_str("; ".join(f"{n}: {v:.4g}" for n, v in
                                              meter.means().items()), refresh=False)
        if not cycle.sized and run.micro % k != 0:  # an unsized loader's last window
            end_window(run)
    finally:
        bar.close()


def epoch_record(run: Run, meter: Meter, epoch: int, evaluate: Evaluate | None
                 ) -> dict[str, float]:
    """The epoch's record: the meter's means, each equation's weight (a strategy other
    than the fixed one), and ``evaluate``'s metrics (in eval mode, under ``no_grad``,
    with EMA weights swapped in when there are some).

    >>> epoch_record.__doc__.split()[:2]  # see the module docstring for a record
    ['The', "epoch's"]
    """
    core = run.core
    record = meter.record()
    if run.hooks:
        for n, w in core.weighting.effective_weights(core).items():
            record[f"{n} [weight]"] = w
    if evaluate is not None:
        run.compiled.eval()
        try:
            with torch.no_grad():
                if run.ema is not None:
                    with run.ema.swapped():
                        metrics = evaluate(core, epoch)
                else:
                    metrics = evaluate(core, epoch)
        finally:
            run.compiled.train()
        if metrics:
            record.update({str(k): float(v) for k, v in metrics.items()})
    return record
