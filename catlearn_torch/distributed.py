"""Scale-out: a compiled diagram under ``DistributedDataParallel``.

:func:`ddp` wraps a compiled diagram with ``find_unused_parameters`` set from what the
loss plan knows: it is needed exactly when some trainable parameter gets no gradient in
a step (a learnable edge that no equation reaches, or one reached only on the detached
side of ``grad="lhs"``/``"rhs"`` equations). Each process feeds its own shard of the data
(e.g. a ``DistributedSampler``); DDP averages the gradients, so with batch-mean
comparators (everything built in except ``info_nce``) and equal shards, a step equals a
single-process step on the combined batch. See ``docs/guide/scale-out.md`` for ``torchrun``.

>>> import torch.nn as nn
>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> from catlearn_torch import Realisation, compile
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)})).find_unused_parameters
False
"""

from __future__ import annotations

from typing import Any

from torch.nn.parallel import DistributedDataParallel

from catlearn_torch.compile import CompiledDiagram

__all__ = ["ddp"]


def ddp(compiled: CompiledDiagram, **kwargs: Any) -> DistributedDataParallel:
    """``DistributedDataParallel(compiled, find_unused_parameters=..., **kwargs)`` with
    ``find_unused_parameters`` from :attr:`CompiledDiagram.find_unused_parameters` (an
    explicit keyword wins). The process group must be initialised; on CUDA pass
    ``device_ids=[local_rank]`` as usual.

    >>> import torch.distributed as dist
    >>> dist.is_initialized()  # ddp() needs dist.init_process_group(...) first
    False
    """
    kwargs.setdefault("find_unused_parameters", compiled.find_unused_parameters)
    return DistributedDataParallel(compiled, **kwargs)
