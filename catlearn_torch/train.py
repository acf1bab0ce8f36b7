"""Training a compiled diagram: :func:`fit`, parameter groups, checkpoints.

:func:`fit` runs epochs of steps; each step draws one batch per source (several sources:
:class:`catlearn_torch.data.MaxSizeCycle`, the shorter loaders cycling), computes the
loss, checks it is finite, back-propagates and steps the optimiser. A tqdm progress bar
shows the running mean of each equation's term.

**Checkpoints** are written atomically (a temporary file in the same folder, flushed and
fsynced, then renamed over the target) at the end of every epoch and, with
``checkpoint_every=k``, every ``k`` steps. A checkpoint is a dict holding only tensors,
numbers, strings, lists and dicts (it loads with ``torch.load(..., weights_only=True)``;
nothing is unpickled):

=============== ===============================================================
``format``      ``"catlearn_torch.checkpoint"``; ``version``: 1
``spec``        the diagram's spec as JSON text (a resume checks it matches)
``models``      ``{edge name: module state_dict}`` for every fixed and learnable edge
``frozen``      the frozen edges; ``weights``: ``{equation name: weight}``
``weighting``   the weighting strategy: ``{"name": ..., "state": state_dict}``
``optimizer``   the optimiser's ``state_dict``; ``scheduler``: the scheduler's or None
``epoch``       epochs completed; ``step``: optimiser steps taken in all
``cycle``       where the epoch stands: its step and, per source, the RNG state when its
                loader iterator was made and how many batches it gave
``rng``         RNG states: ``torch``, ``cuda`` (one per device), ``python``, ``numpy``
``history``     the per-epoch means so far
=============== ===============================================================

``resume=PATH`` (or ``resume=True``: the ``checkpoint`` file, if it exists) restores all
of it and continues exactly: on CPU, a run interrupted and resumed ends with bitwise the
same parameters as an uninterrupted one. A mid-epoch resume replays the loaders up to
where they were (the skipped batches are loaded again, not trained on).

>>> import torch, torch.nn as nn
>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> from catlearn_torch import Realisation, compile
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
>>> data = torch.utils.data.TensorDataset(torch.randn(32, 2), torch.randn(32, 1))
>>> h = fit(L, torch.utils.data.DataLoader(data, batch_size=8), epochs=2, progress=False)
>>> len(h.epochs), h.steps
(2, 8)
"""

from __future__ import annotations

import json
import math
import os
import random
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.std import TqdmWarning

from catlearn_torch.compile import CompiledDiagram, unwrap
from catlearn_torch.data import MaxSizeCycle
from catlearn_torch.errors import (
    MESSAGES,
    CheckpointError,
    NonFiniteLossError,
    RealisationError,
    WeightingError,
)
from catlearn_torch.surgery import atomic_save, rewrap, sync_optimizer
from catlearn_torch.weighting import Fixed, Weighting

with warnings.catch_warnings():
    # In a Jupyter kernel without ipywidgets, tqdm.auto warns "IProgress not found" and
    # falls back to text bars; the text bars are what we want there, the warning is noise.
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

__all__ = [
    "fit",
    "History",
    "param_groups",
    "make_optimizer",
    "save_checkpoint",
    "load_checkpoint",
    "restore_checkpoint",
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
]

#: The ``format`` field of checkpoints, and their version.
CHECKPOINT_FORMAT = "catlearn_torch.checkpoint"
CHECKPOINT_VERSION = 1

OptimizerArg = torch.optim.Optimizer | Callable[..., torch.optim.Optimizer] | None


@dataclass
class History:
    """What :func:`fit` returns: per-epoch means (``"total"``, each equation, and the
    evaluation metrics), the number of optimiser steps, the last checkpoint written.


    >>> History(steps=3).epochs
    []
    """

    epochs: list[dict[str, float]] = field(default_factory=list)
    steps: int = 0
    checkpoint: str | None = None


def param_groups(compiled: nn.Module, lr: float | None = None,
                 edge_lr: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """One optimiser parameter group per learnable (not frozen) edge, named after it
    (``group["name"]``), with ``lr`` from ``edge_lr`` or else ``lr`` (left out when
    ``None``: the optimiser's default applies); plus a group ``"weighting"`` for the
    parameters of the weighting strategy, if it has any (uncertainty, GradNorm).

    >>> import torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> g = g.model("m", "X", "F").model("h", "F", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"m": nn.Linear(2, 2), "h": nn.Linear(2, 1)}))
    >>> [(g["name"], g["lr"]) for g in param_groups(L, lr=0.1, edge_lr={"m": 0.01})]
    [('m', 0.01), ('h', 0.1)]
    """
    core = unwrap(compiled)
    edge_lr = dict(edge_lr or {})
    edges = core.learnable_edges()
    bad = [e for e in edge_lr if e not in edges]
    if bad:
        raise RealisationError(MESSAGES["bad_edge_lr"].format(
            names=", ".join(bad), known=", ".join(edges) or "none"))
    groups = []
    for e in edges:
        params = [p for p in core.models[e].parameters() if p.requires_grad]
        if not params:
            continue
        group: dict[str, Any] = {"params": params, "name": e}
        rate = edge_lr.get(e, lr)
        if rate is not None:
            group["lr"] = float(rate)
        groups.append(group)
    extra = [p for p in core.weighting.parameters() if p.requires_grad]
    if extra:
        group = {"params": extra, "name": "weighting"}
        if lr is not None:
            group["lr"] = float(lr)
        groups.append(group)
    return groups


def make_optimizer(compiled: nn.Module, optimizer: OptimizerArg = None, lr: float = 1e-3,
                   edge_lr: Mapping[str, float] | None = None) -> torch.optim.Optimizer:
    """The optimiser :func:`fit` uses: ``optimizer`` itself if it is one; else
    ``optimizer(param_groups(...))`` for a factory (an optimiser class or a
    ``functools.partial``); else Adam. Groups are per edge (:func:`param_groups`).

    >>> import functools, torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> type(make_optimizer(L, functools.partial(torch.optim.SGD, momentum=0.9))).__name__
    'SGD'
    """
    if isinstance(optimizer, torch.optim.Optimizer):
        if edge_lr:
            raise RealisationError("edge_lr applies when fit builds the optimiser; with an "
                                   "optimiser instance, build its groups with param_groups()")
        return optimizer
    groups = param_groups(compiled, lr, edge_lr)
    if not groups:
        raise RealisationError(MESSAGES["no_learnable"])
    if optimizer is None:
        return torch.optim.Adam(groups, lr=lr)
    if callable(optimizer):
        return optimizer(groups)
    raise RealisationError(MESSAGES["bad_optimizer"].format(type=type(optimizer).__name__))


# ---------------------------------------------------------------- RNG states
def _rng_state() -> dict[str, Any]:
    np_state: Any = np.random.get_state()
    py = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else [],
        "python": [py[0], list(py[1]), py[2]],
        "numpy": {"kind": str(np_state[0]),
                  "keys": torch.from_numpy(np.asarray(np_state[1], dtype=np.int64)),
                  "pos": int(np_state[2]), "has_gauss": int(np_state[3]),
                  "gauss": float(np_state[4])},
    }


def _set_rng_state(state: Mapping[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    py = state["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"],
                         n["has_gauss"], n["gauss"]))


# ---------------------------------------------------------------- checkpoints
def save_checkpoint(path: str | os.PathLike[str], compiled: nn.Module,
                    optimizer: torch.optim.Optimizer | None = None, *,
                    scheduler: Any = None, epoch: int = 0, step: int = 0,
                    cycle: Mapping[str, Any] | None = None,
                    history: Sequence[Mapping[str, float]] = ()) -> str:
    """Write a checkpoint atomically (see the module docstring); returns its path.

    >>> import tempfile, torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(load_checkpoint(save_checkpoint(f"{d}/run.pt", L))["models"]["c"])
    ['bias', 'weight']
    """
    core = unwrap(compiled)
    target = Path(path)
    data = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "spec": core.spec_text(),
        "models": {e: m.state_dict() for e, m in core.models.items()},
        "frozen": list(core.frozen()),
        "weights": dict(core.weights),
        "weighting": {"name": type(core.weighting).__name__,
                      "state": core.weighting.state_dict()},
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "epoch": int(epoch),
        "step": int(step),
        "cycle": dict(cycle) if cycle is not None else {"step": 0, "sources": {}},
        "rng": _rng_state(),
        "history": [dict(h) for h in history],
    }
    return atomic_save(data, target)


def safe_load(path: str | os.PathLike[str]) -> Any:
    """``torch.load(path, weights_only=True)`` on the CPU, with a :class:`CheckpointError`
    naming the file for a missing, truncated, foreign or unsafe one (no pickled code is
    ever run).

    >>> safe_load("/nonexistent/model.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: cannot read the checkpoint /nonexistent/model.pt: ...
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(MESSAGES["ckpt_unreadable"].format(
            path=path, why="no such file")) from None
    except Exception as err:  # a truncated, foreign or unsafe file
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise CheckpointError(MESSAGES["ckpt_unreadable"].format(
            path=path, why=f"{type(err).__name__}: {first}")) from None


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint with ``torch.load(..., weights_only=True)`` and check its format.

    >>> load_checkpoint("/nonexistent/run.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: cannot read the checkpoint /nonexistent/run.pt: ...
    """
    data = safe_load(path)
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT \
            or data.get("version") != CHECKPOINT_VERSION:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise CheckpointError(MESSAGES["ckpt_format"].format(
            path=path, got=got, expected=CHECKPOINT_FORMAT, version=CHECKPOINT_VERSION))
    return data


def _structure(spec: str) -> Any:
    """A spec without its weights (runs may reweight equations as they go)."""
    data = json.loads(spec)
    data.pop("weights", None)
    for eq in data.get("equations") or []:
        eq.pop("weight", None)
    return data


def restore_checkpoint(compiled: nn.Module, checkpoint: Mapping[str, Any],
                       optimizer: torch.optim.Optimizer | None = None,
                       scheduler: Any = None, path: str = "<checkpoint>",
                       rng: bool = True) -> None:
    """Load a checkpoint's models (by edge name), frozen edges, weights, optimiser,
    scheduler and (``rng=True``) RNG states into a run; the diagram must match (up to
    the equations' weights, which are restored from the checkpoint).

    >>> import tempfile, torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> A = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> B = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     restore_checkpoint(B, load_checkpoint(save_checkpoint(f"{d}/a.pt", A)))
    >>> torch.equal(A.model("c").weight, B.model("c").weight)
    True
    """
    core = unwrap(compiled)
    ours = core.spec_text()
    if _structure(checkpoint["spec"]) != _structure(ours):
        raise CheckpointError(MESSAGES["ckpt_diagram"].format(
            path=path, theirs=checkpoint["spec"], ours=ours))
    models = checkpoint["models"]
    if set(models) != set(core.models):
        raise CheckpointError(MESSAGES["ckpt_models"].format(
            path=path, theirs=", ".join(sorted(models)), ours=", ".join(sorted(core.models))))
    for e, sd in models.items():
        try:
            core.models[e].load_state_dict(sd)
        except RuntimeError as err:
            raise CheckpointError(MESSAGES["ckpt_models"].format(
                path=path, theirs=f"{e} with other parameters ({str(err).splitlines()[0]})",
                ours=f"{e}: {type(core.models[e]).__name__}")) from None
    core.clear_cache()
    for e in checkpoint["frozen"]:
        if e not in core.frozen():
            core.freeze(e)
    for e in core.frozen():
        if e not in checkpoint["frozen"] and core.roles[e] != "fixed":
            core.unfreeze(e)
    core.reweight(checkpoint["weights"])
    saved = checkpoint.get("weighting")
    if saved is not None:
        if saved["name"] != type(core.weighting).__name__:
            raise CheckpointError(MESSAGES["ckpt_weighting"].format(
                path=path, theirs=saved["name"], ours=type(core.weighting).__name__))
        core.weighting.load_state_dict(saved["state"])
    if optimizer is not None and checkpoint["optimizer"] is not None:
        sync_optimizer(optimizer, core, scheduler=scheduler)
        names = [g.get("name") for g in checkpoint["optimizer"]["param_groups"]]
        by_name = {g.get("name"): g for g in optimizer.param_groups}
        if None not in names and len(by_name) == len(optimizer.param_groups) \
                and set(names) == set(by_name):
            optimizer.param_groups[:] = [by_name[n] for n in names]
        optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None and checkpoint["scheduler"] is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    if rng:
        _set_rng_state(checkpoint["rng"])


# ---------------------------------------------------------------- fit
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
    raise RealisationError(MESSAGES["bad_loaders"].format(sources=", ".join(sources),
                                                          type=type(loaders).__name__))


def _is_writer() -> bool:
    dist = torch.distributed
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def fit(compiled: nn.Module, loaders: Any, epochs: int = 1,
        optimizer: OptimizerArg = None, *, lr: float = 1e-3,
        edge_lr: Mapping[str, float] | None = None,
        scheduler: Callable[[torch.optim.Optimizer], Any] | None = None,
        evaluate: Callable[[CompiledDiagram, int], Mapping[str, float] | None] | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_every: int | None = None,
        resume: str | os.PathLike[str] | bool | None = None,
        clip_grad_norm: float | None = None, check: bool = True,
        progress: bool = True, weighting: str | Weighting | None = None,
        on_epoch_end: Callable[[int, CompiledDiagram, torch.optim.Optimizer], Any]
        | None = None) -> History:
    """Train a compiled diagram (or a ``DistributedDataParallel`` / ``torch.compile``
    wrapper of one) for ``epochs`` epochs; returns the :class:`History`.

    * ``loaders``: one loader (one source), a mapping from source names to loaders, or a
      sequence in the order of ``compiled.sources``. With several sources every step
      takes one batch of each; an epoch is as long as the longest loader, the shorter
      ones restart when exhausted (``max_size_cycle``).
    * ``optimizer``: an optimiser, a factory taking parameter groups (e.g.
      ``torch.optim.SGD`` or ``functools.partial(torch.optim.AdamW, weight_decay=0.01)``)
      or ``None`` for Adam; groups are per learnable edge, with learning rate
      ``edge_lr[edge]`` or ``lr``. ``scheduler(optimizer)`` builds an LR scheduler
      stepped after every optimiser step. ``clip_grad_norm`` clips the gradient norm.
    * ``check``: run :meth:`CompiledDiagram.check` on the first step's batches.
    * A loader whose sampler has ``set_epoch`` (``DistributedSampler``) gets
      ``set_epoch(epoch)`` at the start of every epoch, as Lightning does.
    * ``evaluate(compiled, epoch)``: called after each epoch in eval mode under
      ``no_grad``; the metrics it returns go into the history and the progress bar.
    * ``checkpoint``: a file written atomically after every epoch (and every
      ``checkpoint_every`` steps); ``resume``: a checkpoint to continue from (``True``:
      ``checkpoint``, if it exists). Under ``torch.distributed`` only rank 0 writes.

    * ``weighting``: an equation-weighting strategy (:mod:`catlearn_torch.weighting`) set
      on the compiled diagram before training (else the diagram's own is used); its
      parameters get an optimiser group ``"weighting"``, its hooks are called each step
      and epoch, its state is checkpointed. With a strategy other than the fixed one the
      history has each equation's effective weight at the end of the epoch under
      ``"<equation> [weight]"``.
    * ``on_epoch_end(epoch, compiled, optimizer)``: called after each epoch (after
      ``evaluate``, before the checkpoint) — the place for surgery: ``replace``,
      ``freeze``, ``unfreeze``, ``reweight``, ``set_weighting``. The optimiser's groups
      then follow the modules (:func:`catlearn_torch.surgery.sync_optimizer`) and a
      ``DistributedDataParallel`` wrapper is rebuilt (:func:`~catlearn_torch.surgery.rewrap`).
    * Missing values (see :mod:`catlearn_torch.data`): an equation's epoch mean is over
      the steps where it had a defined example; the history adds ``"<equation>
      [defined]"`` (examples compared in the epoch) and ``"<equation> [empty steps]"``
      (steps where it had none, and so contributed 0). A step where no equation has a
      defined example takes no optimiser step.

    A NaN or infinite loss stops training with :class:`NonFiniteLossError`, naming the
    equation(s), the step and the last good checkpoint; the optimiser has not stepped.

    >>> import torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
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
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise RealisationError(f"epochs must be an int >= 0, not {epochs!r}")
    if checkpoint_every is not None and (not isinstance(checkpoint_every, int)
                                         or checkpoint_every < 1):
        raise RealisationError(f"checkpoint_every must be an int >= 1, not "
                               f"{checkpoint_every!r}")
    cycle = MaxSizeCycle(_loaders(loaders, core.sources))
    if weighting is not None:
        core.set_weighting(weighting)
    opt = make_optimizer(core, optimizer, lr, edge_lr)
    held = {id(p) for g in opt.param_groups for p in g["params"]}
    if any(p.requires_grad and id(p) not in held for p in core.weighting.parameters()):
        raise WeightingError(MESSAGES["weighting_not_optimised"].format(
            name=repr(core.weighting)))
    hooks = type(core.weighting) is not Fixed
    sched = scheduler(opt) if scheduler is not None else None
    history = History()
    start_epoch = 0
    last_good: str | None = None
    if resume is True:
        resume = checkpoint if checkpoint is not None and Path(checkpoint).exists() else None
    elif resume is False:
        resume = None
    if resume is not None:
        path = str(resume)
        ckpt = load_checkpoint(path)
        restore_checkpoint(core, ckpt, opt, sched, path=path, rng=False)
        start_epoch, history.steps = int(ckpt["epoch"]), int(ckpt["step"])
        history.epochs = [dict(h) for h in ckpt["history"]]
        if int(ckpt["cycle"]["step"]) > 0:
            cycle.resume(ckpt["cycle"])
        _set_rng_state(ckpt["rng"])
        last_good = path
        check = False
    names = list(core.weights)
    writer = _is_writer()

    def save(epoch_done: int, cycle_state: Mapping[str, Any] | None) -> None:
        nonlocal last_good
        if checkpoint is not None and writer:
            last_good = save_checkpoint(checkpoint, core, opt, scheduler=sched,
                                        epoch=epoch_done, step=history.steps,
                                        cycle=cycle_state, history=history.epochs)
            history.checkpoint = last_good

    for epoch in range(start_epoch, epochs):
        for ld in cycle.loaders.values():  # DistributedSampler reshuffles per epoch
            set_epoch = getattr(getattr(ld, "sampler", None), "set_epoch", None)
            if callable(set_epoch):
                set_epoch(epoch)
        compiled.train()
        sums = dict.fromkeys(["total", *names], 0.0)
        count = 0
        seen: dict[str, int] = dict.fromkeys(names, 0)
        examples: dict[str, int] = dict.fromkeys(names, 0)
        masked = False
        bar = tqdm(cycle, total=len(cycle) if cycle.sized else None,
                   desc=f"epoch {epoch + 1}/{epochs}", disable=not progress,
                   dynamic_ncols=True, leave=epoch == epochs - 1)
        for batches in bar:
            if check:
                core.check(batches)
                check = False
            total, terms = compiled(batches)
            total_value = float(total.detach())
            if not math.isfinite(total_value):
                bad = [n for n, t in terms.items() if not bool(torch.isfinite(t.detach()).all())]
                shown = ", ".join(f"equation {n!r} = {float(terms[n].detach())}" for n in bad) \
                    or f"the weighted sum = {total_value} (every term is finite)"
                where = (f"the last good checkpoint is {last_good}" if last_good else
                         "no checkpoint was written (pass checkpoint=PATH to fit)")
                bar.close()
                raise NonFiniteLossError(MESSAGES["non_finite"].format(
                    epoch=epoch + 1, step=history.steps + 1, terms=shown, checkpoint=where),
                    tuple(bad), last_good)
            defined = core.last_defined
            opt.zero_grad(set_to_none=True)
            if hooks:
                core.weighting.before_backward(terms, core)
            if total.requires_grad:
                total.backward()
                if clip_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(list(core.learnable_parameters()),
                                                   clip_grad_norm)
                opt.step()
                if sched is not None:
                    sched.step()
            if hooks:
                core.weighting.after_step(terms, core)
            history.steps += 1
            count += 1
            sums["total"] += total_value
            masked = masked or defined is not None
            for n, t in terms.items():
                k = defined.get(n, 1) if defined is not None else 1
                if k > 0:
                    sums[n] += float(t.detach())
                    seen[n] += 1
                if defined is not None:
                    examples[n] += k
            if progress:
                bar.set_postfix_str("; ".join(
                    f"{k}: {v / max(seen.get(k, count), 1):.4g}" for k, v in sums.items()),
                    refresh=False)
            if checkpoint_every is not None and history.steps % checkpoint_every == 0:
                save(epoch, cycle.state())
        bar.close()
        record = {k: v / max(seen.get(k, count), 1) for k, v in sums.items()}
        if masked:
            for n in names:
                record[f"{n} [defined]"] = float(examples[n])
                record[f"{n} [empty steps]"] = float(count - seen[n])
        if hooks:
            for n, w in core.weighting.effective_weights(core).items():
                record[f"{n} [weight]"] = w
        if evaluate is not None:
            compiled.eval()
            with torch.no_grad():
                metrics = evaluate(core, epoch)
            compiled.train()
            if metrics:
                record.update({str(k): float(v) for k, v in metrics.items()})
        history.epochs.append(record)
        core.weighting.on_epoch_end(epoch, core)
        if on_epoch_end is not None:
            version = core.version
            on_epoch_end(epoch, core, opt)
            if core.version != version:
                sync_optimizer(opt, core, lr=lr, edge_lr=edge_lr, scheduler=sched)
                held = {id(p) for g in opt.param_groups for p in g["params"]}
                if any(p.requires_grad and id(p) not in held
                       for p in core.weighting.parameters()):
                    raise WeightingError(MESSAGES["weighting_not_optimised"].format(
                        name=repr(core.weighting)))
                hooks = type(core.weighting) is not Fixed
                compiled = rewrap(compiled, core)
        save(epoch + 1, None)
    return history
