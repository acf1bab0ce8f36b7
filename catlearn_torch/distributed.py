"""Scale-out: a compiled diagram under ``DistributedDataParallel``.

:func:`ddp` wraps a compiled diagram with ``find_unused_parameters`` set from what the
loss plan knows: it is needed exactly when some trainable parameter gets no gradient in
a step (a learnable edge that no equation reaches, or one reached only on the detached
side of ``grad="lhs"``/``"rhs"`` equations). Each process feeds its own shard of the data
(e.g. a ``DistributedSampler``); DDP averages the gradients, so with batch-mean
comparators (everything built in except ``info_nce``) and equal shards, a step equals a
single-process step on the combined batch. See ``docs/guide/scale-out.md`` for ``torchrun``.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)})).find_unused_parameters
False
"""

from __future__ import annotations

import inspect
from typing import Any

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from catlearn_torch.compile import CompiledDiagram, unwrap

__all__ = ["ddp", "rewrap", "is_writer"]


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


def is_writer() -> bool:
    """Whether this process writes files (checkpoints, logs): rank 0, or the only one.

    >>> is_writer()
    True
    """
    dist = torch.distributed
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def rewrap(model: nn.Module, compiled: CompiledDiagram | None = None) -> nn.Module:
    """``model`` again, with a ``DistributedDataParallel`` wrapper rebuilt around the
    compiled diagram (same device ids, process group, buffer broadcasting and bucket
    settings; ``find_unused_parameters`` from the diagram). Other models are returned
    as they are.

    >>> lin = nn.Linear(1, 1)
    >>> rewrap(lin) is lin
    True
    """
    if not isinstance(model, DistributedDataParallel):
        return model
    core = compiled if compiled is not None else unwrap(model)
    kwargs: dict[str, Any] = {
        "device_ids": model.device_ids, "output_device": model.output_device,
        "process_group": model.process_group,
        "find_unused_parameters": core.find_unused_parameters,
        "gradient_as_bucket_view": model.gradient_as_bucket_view}
    accepted = inspect.signature(DistributedDataParallel.__init__).parameters
    if "forward_sync_buffers" in accepted and hasattr(model, "forward_sync_buffers"):
        kwargs["forward_sync_buffers"] = model.forward_sync_buffers
    elif hasattr(model, "broadcast_buffers"):
        kwargs["broadcast_buffers"] = model.broadcast_buffers
    cap = getattr(model, "bucket_bytes_cap", None)
    if isinstance(cap, (int, float)) and cap > 0:
        kwargs["bucket_cap_mb"] = cap / (1024 * 1024)
    return DistributedDataParallel(core, **kwargs)
