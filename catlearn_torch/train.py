"""Training a compiled diagram: :func:`fit`, parameter groups, checkpoints.

:func:`fit` runs epochs of steps; each step draws one batch per source (several sources:
:class:`catlearn_torch.data.MaxSizeCycle`, the shorter loaders cycling), computes the
loss, checks it is finite, back-propagates and steps the optimiser. A tqdm progress bar
shows the running mean of each equation's term. The pieces live in
:mod:`catlearn_torch.trainer` (one module per concern); this module gathers them.

Options of :func:`fit` (all keyword-only except the first four):

* ``loaders``: one loader (one source), a mapping from source names to loaders, or a
  sequence in the order of ``compiled.sources``. With several sources every step takes
  one batch of each; an epoch is as long as the longest loader, the shorter ones restart
  when exhausted (``max_size_cycle``). A loader whose sampler has ``set_epoch``
  (``DistributedSampler``) gets ``set_epoch(epoch)`` at the start of every epoch.
* ``optimizer``: an optimiser, a factory taking parameter groups (e.g.
  ``torch.optim.SGD`` or ``functools.partial(torch.optim.AdamW, weight_decay=0.01)``) or
  ``None`` for Adam; groups are per learnable edge, with learning rate ``edge_lr[edge]``
  or ``lr``. ``clip_grad_norm`` clips the gradient norm (after unscaling, under
  ``"16-mixed"``).
* ``scheduler(optimizer)`` builds an LR scheduler; ``scheduler_interval="step"`` (the
  default) steps it after every optimiser step, ``"epoch"`` after every epoch (the
  default for ``ReduceLROnPlateau``, which steps on ``record[monitor]``, ``monitor``
  defaulting to ``"total"``: the epoch's mean loss, or an ``evaluate`` metric).
* ``precision``: ``"32"`` (default), ``"bf16-mixed"`` or ``"16-mixed"``
  (:mod:`catlearn_torch.trainer.precision`: ``torch.autocast`` and, for float16,
  ``torch.amp.GradScaler``; on a CPU ``"16-mixed"`` becomes ``"bf16-mixed"`` with a
  warning, as in Lightning).
* ``accumulate=k``: accumulate the gradients of ``k`` batches per optimiser step, each
  loss divided by ``k`` (as Lightning's ``accumulate_grad_batches``); ``History.steps``
  and ``checkpoint_every`` count optimiser steps.
* ``early_stopping``: an :class:`EarlyStopping` or a mapping of its arguments
  (``monitor``, ``mode``, ``patience``, ``min_delta``): stop after ``patience`` epochs
  without improvement (``History.stopped_early``).
* ``ema=decay``: keep an exponential moving average of every learnable edge
  (``torch.optim.swa_utils.AveragedModel``); ``evaluate`` sees the averages, and they
  are copied into the models at the end. ``ema_edges={"t": "s"}``: the *fixed* edge
  ``t`` is the moving average of the learnable edge ``s`` (a mean teacher as a diagram;
  decay ``ema`` or 0.999). See :mod:`catlearn_torch.trainer.ema`.
* ``log_dir``: write ``metrics.csv`` after every epoch, and TensorBoard events when
  ``tensorboard`` is installed (:mod:`catlearn_torch.trainer.log`).
* ``check``: run :meth:`CompiledDiagram.check` on the first step's batches.
* ``evaluate(compiled, epoch)``: called after each epoch in eval mode under ``no_grad``;
  the metrics it returns go into the history and the progress bar.
* ``checkpoint``: a file written atomically after every epoch (and every
  ``checkpoint_every`` optimiser steps); ``resume``: a checkpoint to continue from
  (``True``: ``checkpoint``, if it exists). Under ``torch.distributed`` only rank 0
  writes.
* ``weighting``: an equation-weighting strategy (:mod:`catlearn_torch.weighting`) set on
  the compiled diagram before training (else the diagram's own is used); its parameters
  get an optimiser group ``"weighting"``, its hooks are called each step and epoch, its
  state is checkpointed. With a strategy other than the fixed one the history has each
  equation's effective weight at the end of the epoch under ``"<equation> [weight]"``.
* ``on_epoch_end(epoch, compiled, optimizer)``: called after each epoch (after
  ``evaluate``, before the checkpoint) — the place for surgery: ``replace``, ``freeze``,
  ``unfreeze``, ``reweight``, ``set_weighting``. The optimiser's groups then follow the
  modules (:func:`catlearn_torch.surgery.sync_optimizer`) and a
  ``DistributedDataParallel`` wrapper is rebuilt (:func:`~catlearn_torch.surgery.rewrap`).
* Missing values (see :mod:`catlearn_torch.data`): an equation's epoch mean is over the
  steps where it had a defined example; the history adds ``"<equation> [defined]"``
  (examples compared in the epoch) and ``"<equation> [empty steps]"`` (steps where it had
  none, and so contributed 0). A step where no equation has a defined example takes no
  optimiser step.

A NaN or infinite loss stops training with :class:`NonFiniteLossError`, naming the
equation(s), the step and the last good checkpoint; the optimiser has not stepped.

**Checkpoints** (:mod:`catlearn_torch.trainer.checkpoint`) are written atomically at the
end of every epoch and every ``checkpoint_every`` steps, carry a SHA-256 digest verified
on load (any corrupted byte is a :class:`CheckpointError` naming the file), and load with
``weights_only=True``. ``resume`` restores everything — models, optimiser, scheduler,
weighting, gradient scaler, moving averages, early stopping, the epoch's running means,
the loaders' positions and every RNG — so on CPU a run interrupted and resumed ends with
bitwise the same parameters as an uninterrupted one. A mid-epoch resume replays the
loaders up to where they were (the skipped batches are loaded again, not trained on).

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

from catlearn_torch.trainer.checkpoint import (
    CHECKPOINT_FORMAT,
    CHECKPOINT_VERSION,
    load_checkpoint,
    restore_checkpoint,
    safe_load,
    save_checkpoint,
)
from catlearn_torch.trainer.fit import History, fit
from catlearn_torch.trainer.optim import OptimizerArg, make_optimizer, param_groups
from catlearn_torch.trainer.stopping import EarlyStopping

__all__ = [
    "fit",
    "History",
    "param_groups",
    "make_optimizer",
    "save_checkpoint",
    "load_checkpoint",
    "restore_checkpoint",
    "safe_load",
    "EarlyStopping",
    "OptimizerArg",
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
]
