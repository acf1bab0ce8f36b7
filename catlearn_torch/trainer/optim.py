"""Optimisers and schedulers for a compiled diagram: one parameter group per learnable
edge, kept in step with surgery, and schedulers stepped per step or per epoch.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
>>> [g["name"] for g in make_optimizer(L).param_groups]
['c']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn

from catlearn_torch.compile import unwrap
from catlearn_torch.errors import (
    BAD_EDGE_LR,
    BAD_OPTIMIZER,
    NO_LEARNABLE,
    NO_MONITOR,
    RealisationError,
)

__all__ = ["OptimizerArg", "param_groups", "make_optimizer", "sync_optimizer",
           "SCHEDULER_INTERVALS", "is_plateau", "step_scheduler"]

OptimizerArg = torch.optim.Optimizer | Callable[..., torch.optim.Optimizer] | None

#: When a scheduler steps: after every optimiser step, or after every epoch.
SCHEDULER_INTERVALS = ("step", "epoch")


def param_groups(compiled: nn.Module, lr: float | None = None,
                 edge_lr: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """One optimiser parameter group per learnable (not frozen) edge, named after it
    (``group["name"]``), with ``lr`` from ``edge_lr`` or else ``lr`` (left out when
    ``None``: the optimiser's default applies); plus a group ``"weighting"`` for the
    parameters of the weighting strategy, if it has any (uncertainty, GradNorm).

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
        raise RealisationError(BAD_EDGE_LR.format(
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
        raise RealisationError(NO_LEARNABLE)
    if optimizer is None:
        return torch.optim.Adam(groups, lr=lr)
    if callable(optimizer):
        return optimizer(groups)
    raise RealisationError(BAD_OPTIMIZER.format(type=type(optimizer).__name__))




# C901, PLR0912: one check per case; splitting it would scatter one rule
def sync_optimizer(optimizer: torch.optim.Optimizer, compiled: nn.Module, *,  # noqa: C901, PLR0912
                   lr: float | None = None, edge_lr: Mapping[str, float] | None = None,
                   scheduler: Any = None) -> bool:
    """Make an optimiser built with :func:`catlearn_torch.param_groups` follow the
    diagram's current modules (see the module docstring); returns whether it changed.
    Groups without a ``name`` are left alone.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> g = g.model("m", "X", "F").model("h", "F", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"m": nn.Linear(2, 2), "h": nn.Linear(2, 1)}))
    >>> opt = make_optimizer(L)
    >>> L.freeze("m"); sync_optimizer(opt, L), [g["name"] for g in opt.param_groups]
    (True, ['h'])
    """
    core = unwrap(compiled)
    learnable = set(core.learnable_edges())
    rates = {e: r for e, r in (edge_lr or {}).items() if e in learnable}
    wanted = {g["name"]: g for g in param_groups(core, lr, rates)}
    old_count = len(optimizer.param_groups)
    removed: list[int] = []
    present: set[str] = set()
    changed = False
    for i, group in enumerate(optimizer.param_groups):
        name = group.get("name")
        if name is None:
            continue
        new = wanted.get(name)
        keep = {id(p) for p in new["params"]} if new is not None else set()
        for p in group["params"]:
            if id(p) not in keep:
                optimizer.state.pop(p, None)
        if new is None:
            removed.append(i)
            changed = True
            continue
        present.add(name)
        if [id(p) for p in group["params"]] != [id(p) for p in new["params"]]:
            group["params"] = list(new["params"])
            changed = True
    for i in reversed(removed):
        del optimizer.param_groups[i]
    added = []
    for name, group in wanted.items():
        if name not in present:
            optimizer.add_param_group(dict(group))
            added.append(optimizer.param_groups[-1])
            changed = True
    if scheduler is not None and (removed or added):
        for g in added:
            if any("initial_lr" in o for o in optimizer.param_groups if o is not g):
                g.setdefault("initial_lr", g["lr"])
        for key, value in vars(scheduler).items():
            if not isinstance(value, list) or len(value) != old_count or not value:
                continue
            for i in reversed(removed):
                del value[i]
            for g in added:
                value.append(g["lr"] if key in ("base_lrs", "_last_lr") else value[0]
                             if value else None)
    return changed


def is_plateau(scheduler: Any) -> bool:
    """Whether a scheduler steps on a metric (``ReduceLROnPlateau``).

    >>> opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> is_plateau(torch.optim.lr_scheduler.ReduceLROnPlateau(opt))
    True
    """
    return isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)


def step_scheduler(scheduler: Any, metrics: Mapping[str, float] | None = None,
                   monitor: str | None = None) -> None:
    """Step a scheduler: ``ReduceLROnPlateau`` on ``metrics[monitor]``, others plainly
    (as Lightning does with ``monitor``). A missing metric is a :class:`RealisationError`
    naming it and the ones there are.

    >>> opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    >>> step_scheduler(s, {"total": 1.0}, "total"); step_scheduler(s, {"total": 2.0}, "total")
    >>> opt.param_groups[0]["lr"]
    0.010000000000000002
    """
    if scheduler is None:
        return
    if not is_plateau(scheduler):
        scheduler.step()
        return
    name = monitor or "total"
    if metrics is None or name not in metrics:
        raise RealisationError(NO_MONITOR.format(
            what="ReduceLROnPlateau", name=name,
            known=", ".join(metrics or {}) or "none yet"))
    scheduler.step(float(metrics[name]))
