""":func:`fit`: train a compiled diagram for some epochs (see :mod:`catlearn_torch.train`).

>>> import torch, torch.nn as nn
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
>>> data = torch.utils.data.TensorDataset(torch.randn(32, 2), torch.randn(32, 1))
>>> h = fit(L, torch.utils.data.DataLoader(data, batch_size=8), epochs=2, progress=False)
>>> len(h.epochs), h.steps
(2, 8)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from catlearn_torch.compile import CompiledDiagram, unwrap
from catlearn_torch.data import MaxSizeCycle
from catlearn_torch.distributed import is_writer, rewrap
from catlearn_torch.errors import (
    BAD_FIT_ARG,
    BAD_LOADERS,
    CKPT_KEY,
    EMA_EDGES,
    MANIPULATION_BACKWARD,
    NO_MONITOR,
    WEIGHTING_NOT_OPTIMISED,
    RealisationError,
    WeightingError,
)
from catlearn_torch.trainer.checkpoint import (
    load_checkpoint,
    restore_checkpoint,
    save_checkpoint,
)
from catlearn_torch.trainer.ema import DEFAULT_DECAY, EdgeAverages
from catlearn_torch.trainer.epoch import Evaluate, epoch_record, run_epoch, set_epoch
from catlearn_torch.trainer.log import MetricsLog
from catlearn_torch.trainer.optim import (
    SCHEDULER_INTERVALS,
    OptimizerArg,
    is_plateau,
    make_optimizer,
    step_scheduler,
    sync_optimizer,
)
from catlearn_torch.trainer.precision import Precision
from catlearn_torch.trainer.rng import set_rng_state
from catlearn_torch.trainer.step import Meter, Run
from catlearn_torch.trainer.stopping import EarlyStopping, as_early_stopping
from catlearn_torch.weighting import GradientManipulation, Weighting

__all__ = ["fit", "History"]


@dataclass
class History:
    """What :func:`fit` returns: per-epoch means (``"total"``, each equation, and the
    evaluation metrics), the number of optimiser steps, the last checkpoint written,
    and whether early stopping ended the run.

    >>> History(steps=3).epochs
    []
    """

    epochs: list[dict[str, float]] = field(default_factory=list)
    steps: int = 0
    checkpoint: str | None = None
    stopped_early: bool = False


def _loaders(loaders: Any, sources: Sequence[str]) -> dict[str, Iterable[Any]]:
    if len(sources) == 1:
        s = sources[0]
        if isinstance(loaders, Mapping) and set(loaders) == {s}:
            return {s: loaders[s]}
        return {s: loaders}
    if isinstance(loaders, Mapping):
        missing = [s for s in sources if s not in loaders]
        extra = [str(k) for k in loaders if k not in sources]
        if missing or extra:
            raise RealisationError(
                f"loaders must be given for exactly the sources {', '.join(sources)}"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; not sources: {', '.join(extra)}" if extra else ""))
        return {s: loaders[s] for s in sources}
    if isinstance(loaders, (list, tuple)) and len(loaders) == len(sources):
        return dict(zip(sources, loaders, strict=True))
    raise RealisationError(BAD_LOADERS.format(sources=", ".join(sources),
                                                          type=type(loaders).__name__))


def _count(name: str, value: Any, low: int, allow_none: bool = True) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise RealisationError(BAD_FIT_ARG.format(
            name=name, expected=f"an int >= {low}", got=value))


def _check_weighting_optimised(core: CompiledDiagram, opt: torch.optim.Optimizer) -> None:
    dist = torch.distributed
    if isinstance(core.weighting, GradientManipulation) and dist.is_available() \
            and dist.is_initialized() and dist.get_world_size() > 1:
        raise WeightingError(MANIPULATION_BACKWARD.format(
            name=repr(core.weighting), shared=", ".join(core.weighting.shared or ())
            or "the shared model", why="under torch.distributed with several processes "
            "(DDP/FSDP reduce the gradients during backward, before the direction is "
            "formed); train on one process"))
    held = {id(p) for g in opt.param_groups for p in g["params"]}
    if any(p.requires_grad and id(p) not in held for p in core.weighting.parameters()):
        raise WeightingError(WEIGHTING_NOT_OPTIMISED.format(
            name=repr(core.weighting)))


def _interval(scheduler: Any, interval: str | None) -> str:
    if interval is None:
        return "epoch" if is_plateau(scheduler) else "step"
    if interval not in SCHEDULER_INTERVALS:
        raise RealisationError(BAD_FIT_ARG.format(
            name="scheduler_interval", expected="'step' or 'epoch'", got=interval))
    if interval == "step" and is_plateau(scheduler):
        raise RealisationError(BAD_FIT_ARG.format(
            name="scheduler_interval", expected="'epoch' for ReduceLROnPlateau (it steps "
            "on an epoch metric, monitor=)", got=interval))
    return interval


def _check_monitors(core: CompiledDiagram, evaluate: Any, sched: Any, monitor: str | None,
                    stopper: EarlyStopping | None) -> None:
    """Without ``evaluate`` the epoch's record has only the trainer's own keys: a monitor
    naming anything else would fail after the first epoch, so it is refused now."""
    if evaluate is not None:
        return
    known = ["total", *core.weights, *(f"{n} [weight]" for n in core.weights)]
    wanted = []
    if is_plateau(sched):
        wanted.append(("ReduceLROnPlateau", monitor or "total"))
    if stopper is not None:
        wanted.append(("early stopping", stopper.monitor))
    for what, name in wanted:
        if name not in known and not name.endswith((" [defined]", " [empty steps]")):
            raise RealisationError(NO_MONITOR.format(
                what=what, name=name, known=", ".join(known)))


def _ema(core: CompiledDiagram, ema: float | None, edges: Mapping[str, str] | None
         ) -> EdgeAverages | None:
    if edges is not None:
        if not isinstance(edges, Mapping) or not edges:
            raise RealisationError(EMA_EDGES.format(
                why=f"expected a non-empty mapping {{fixed edge: learnable edge}}, not "
                    f"{edges!r}"))
        return EdgeAverages(core, DEFAULT_DECAY if ema is None else ema, edges)
    return EdgeAverages(core, ema) if ema is not None else None


def _trainer_state(run: Run, meter: Meter | None, stopper: EarlyStopping | None,
                   stopped: bool) -> dict[str, Any]:
    scaler = run.precision.scaler
    return {"precision": run.precision.name, "accumulate": run.accumulate,
            "scaler": scaler.state_dict() if scaler is not None else None,
            "ema": run.ema.state_dict() if run.ema is not None else None,
            "early_stopping": stopper.state_dict() if stopper is not None else None,
            "stopped": stopped, "meter": meter.state_dict() if meter is not None else None,
            "epoch_steps": list(run.epoch_steps)}


def _restore_trainer(run: Run, state: Mapping[str, Any], stopper: EarlyStopping | None,
                     path: str) -> tuple[dict[str, Any] | None, bool]:
    from catlearn_torch.errors import CheckpointError

    def part(key: str) -> Any:
        value = state.get(key)
        ours = {"scaler": run.precision.scaler, "ema": run.ema,
                "early_stopping": stopper}.get(key, True)
        if (value is None) != (ours is None):
            raise CheckpointError(CKPT_KEY.format(
                path=path, why=f"it was written {'with' if value is not None else 'without'}"
                f" {key.replace('_', ' ')}, and this run is "
                f"{'not' if ours is None else 'configured so'}; resume with the same "
                "options"))
        return value

    for key, ours in (("precision", run.precision.name), ("accumulate", run.accumulate)):
        if key in state and state[key] != ours:
            raise CheckpointError(CKPT_KEY.format(
                path=path, why=f"it was written with {key}={state[key]!r}, and this run "
                f"has {key}={ours!r}; resume with the same options"))
    try:
        if part("scaler") is not None and run.precision.scaler is not None:
            run.precision.scaler.load_state_dict(state["scaler"])
        if part("ema") is not None and run.ema is not None:
            run.ema.load_state_dict(state["ema"])
        if part("early_stopping") is not None and stopper is not None:
            stopper.load_state_dict(state["early_stopping"])
        run.epoch_steps = [int(s) for s in state.get("epoch_steps") or []]
        meter = state.get("meter")
        return (dict(meter) if isinstance(meter, Mapping) else None,
                bool(state.get("stopped", False)))
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"'trainer' state: {type(err).__name__}: {err}")) from None


# PLR0913: the keyword-only knobs of a public verb
def fit(compiled: nn.Module, loaders: Any, epochs: int = 1,  # noqa: PLR0913
        optimizer: OptimizerArg = None, *, lr: float = 1e-3,
        edge_lr: Mapping[str, float] | None = None,
        scheduler: Callable[[torch.optim.Optimizer], Any] | None = None,
        evaluate: Evaluate | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_every: int | None = None,
        resume: str | os.PathLike[str] | bool | None = None,
        clip_grad_norm: float | None = None, check: bool = True,
        progress: bool = True, weighting: str | Weighting | None = None,
        on_epoch_end: Callable[[int, CompiledDiagram, torch.optim.Optimizer], Any]
        | None = None,
        precision: str | int = "32", accumulate: int = 1,
        scheduler_interval: str | None = None, monitor: str | None = None,
        early_stopping: EarlyStopping | Mapping[str, Any] | None = None,
        ema: float | None = None, ema_edges: Mapping[str, str] | None = None,
        log_dir: str | os.PathLike[str] | None = None) -> History:
    """Train a compiled diagram; see :mod:`catlearn_torch.train` for every option.

    >>> g = LearningGraph().data("x", "A", "X").data("y", "A", "Y")
    >>> g = g.data("u", "B", "X").data("v", "B", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> a = [{"x": torch.randn(4, 2), "y": torch.randn(4, 1)}] * 3  # any iterable of batches
    >>> b = [(torch.randn(4, 2), torch.randn(4, 1))]                 # cycled 3 times
    >>> fit(L, {"A": a, "B": b}, epochs=2, progress=False).steps
    6
    """
    core = unwrap(compiled)
    _count("epochs", epochs, 0, allow_none=False)
    _count("checkpoint_every", checkpoint_every, 1)
    _count("accumulate", accumulate, 1, allow_none=False)
    cycle = MaxSizeCycle(_loaders(loaders, core.sources))
    stopper = as_early_stopping(early_stopping)
    prec = Precision.of(precision, core.device)
    if weighting is not None:
        core.set_weighting(weighting)
    opt = make_optimizer(core, optimizer, lr, edge_lr)
    _check_weighting_optimised(core, opt)
    sched = scheduler(opt) if scheduler is not None else None
    _check_monitors(core, evaluate, sched, monitor, stopper)
    run = Run(compiled, core, opt, sched, _interval(sched, scheduler_interval), monitor,
              prec, accumulate, clip_grad_norm, _ema(core, ema, ema_edges))
    history = History()
    start_epoch, meter_state, stopped = 0, None, False
    path = _resume_path(resume, checkpoint)
    if path is not None:
        start_epoch, meter_state, stopped = _resume(run, path, cycle, stopper, history)
        check = False
    names = list(core.weights)
    writer = is_writer()
    log = MetricsLog(log_dir) if log_dir is not None and writer else None

    def save(epoch_done: int, cycle_state: Mapping[str, Any] | None,
             meter: Meter | None = None) -> None:
        if checkpoint is not None and writer:
            run.last_good = save_checkpoint(
                checkpoint, core, opt, scheduler=sched, epoch=epoch_done, step=run.steps,
                cycle=cycle_state, history=history.epochs,
                trainer=_trainer_state(run, meter, stopper, history.stopped_early))
            history.checkpoint = run.last_good

    history.stopped_early = stopped
    try:
        for epoch in range(start_epoch, epochs if not stopped else start_epoch):
            set_epoch(cycle, epoch)
            meter = Meter(names)
            if meter_state is not None:
                meter.load_state_dict(meter_state)
                meter_state = None
            else:
                run.micro = 0
            run_epoch(run, cycle, meter, epoch, epochs, check=check, progress=progress,
                      save=save, checkpoint_every=checkpoint_every)
            check = False
            record = epoch_record(run, meter, epoch, evaluate)
            _end_epoch(run, history, record, epoch, on_epoch_end, (lr, edge_lr), monitor,
                       stopper, log)
            save(epoch + 1, None)
            if history.stopped_early:
                break
        if run.ema is not None:
            run.ema.copy_into_models()
    finally:
        if log is not None:
            log.close()
    history.steps = run.steps
    return history


def _end_epoch(run: Run, history: History, record: dict[str, Any], epoch: int,
               on_epoch_end: Any, lrs: tuple[float, Mapping[str, float] | None],
               monitor: Any, stopper: EarlyStopping | None, log: MetricsLog | None) -> None:
    """After an epoch: record it, let the weighting and surgery act, step an epoch-wise
    scheduler, ask early stopping, and write the metrics log."""
    history.epochs.append(record)
    run.epoch_steps.append(run.steps)
    run.core.weighting.on_epoch_end(epoch, run.core)
    if on_epoch_end is not None:
        _surgery(run, on_epoch_end, epoch, *lrs)
    if run.interval == "epoch":
        step_scheduler(run.scheduler, record, monitor)
    history.stopped_early = stopper is not None and stopper.update(record)
    if log is not None:
        log.write(history.epochs, run.epoch_steps)


def _resume_path(resume: Any, checkpoint: Any) -> str | None:
    if resume is True:
        return str(checkpoint) if checkpoint is not None and Path(checkpoint).exists() \
            else None
    if resume is False or resume is None:
        return None
    return str(resume)


def _resume(run: Run, path: str, cycle: MaxSizeCycle, stopper: EarlyStopping | None,
            history: History) -> tuple[int, dict[str, Any] | None, bool]:
    """Restore a run from a checkpoint; returns the epoch to start at, the running
    means of a mid-epoch checkpoint, and whether early stopping had ended the run."""
    ckpt = load_checkpoint(path)
    restore_checkpoint(run.core, ckpt, run.optimizer, run.scheduler, path=path, rng=False)
    meter_state, stopped = _restore_trainer(run, ckpt["trainer"], stopper, path)
    run.steps = ckpt["step"]
    history.epochs = [dict(h) for h in ckpt["history"]]
    if ckpt["cycle"]["step"] > 0:
        cycle.resume(ckpt["cycle"])
        run.micro = ckpt["cycle"]["step"]
    set_rng_state(ckpt["rng"], path)
    run.last_good = path
    return ckpt["epoch"], meter_state, stopped


def _surgery(run: Run, callback: Callable[..., Any], epoch: int, lr: float,
             edge_lr: Mapping[str, float] | None) -> None:
    core = run.core
    version = core.version
    callback(epoch, core, run.optimizer)
    if core.version != version:
        sync_optimizer(run.optimizer, core, lr=lr, edge_lr=edge_lr, scheduler=run.scheduler)
        _check_weighting_optimised(core, run.optimizer)
        run.compiled = rewrap(run.compiled, core)
