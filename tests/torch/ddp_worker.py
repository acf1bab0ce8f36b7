"""One process of the DDP equivalence test (run by test_ddp.py, or by hand).

``python -m tests.torch.ddp_worker RANK WORLD PORT OUT`` trains :func:`regime` under
``DistributedDataParallel`` (gloo, CPU, loopback) with ``fit`` on this rank's shard of
the data and saves the final state_dict to ``OUT/rank{RANK}.pt``. ``WORLD=1`` without a
port is the single-process run on the combined batches.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import CompiledDiagram, Realisation, compile, ddp, fit

STEPS_BATCH = 8  # the combined batch size


def regime() -> CompiledDiagram:
    """A backbone with two heads, plus a head reached only on a detached side (so DDP
    needs find_unused_parameters, which the plan sets)."""
    torch.manual_seed(0)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("m", "X", "F").model("h", "F", "Y").model("k", "F", "Z").model("u", "F", "Y")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path("x ⋅ m ⋅ h"), D0.path("y")),
           Equation(D0.path("x ⋅ m ⋅ k"), D0.path("z"), comparator="cross_entropy"),
           Equation(D0.path("x ⋅ m ⋅ h"), D0.path("x ⋅ m ⋅ u"), grad="lhs", weight=0.3)]
    D = LearningDiagram(g, eqs)
    models = {"m": nn.Sequential(nn.Linear(5, 16), nn.Tanh()), "h": nn.Linear(16, 2),
              "k": nn.Linear(16, 3), "u": nn.Linear(16, 2)}
    return compile(D, Realisation(D, models=models))


def data() -> TensorDataset:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(32, 5, generator=g)
    return TensorDataset(x, torch.sin(x[:, :2]), (x[:, 2] > 0).long() + (x[:, 3] > 0).long())


def main(rank: int, world: int, port: int, out: str) -> None:
    L = regime()
    if world == 1:
        loader = DataLoader(data(), batch_size=STEPS_BATCH)
        fit(L, loader, epochs=2, optimizer=torch.optim.SGD, lr=0.1, progress=False)
    else:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world, timeout=timedelta(seconds=60))
        try:
            model = ddp(L)
            sampler = DistributedSampler(data(), num_replicas=world, rank=rank,
                                         shuffle=False)
            loader = DataLoader(data(), batch_size=STEPS_BATCH // world, sampler=sampler)
            fit(model, loader, epochs=2, optimizer=torch.optim.SGD, lr=0.1, progress=False)
            dist.barrier()
        finally:
            dist.destroy_process_group()
    torch.save(L.state_dict(), f"{out}/rank{rank}.pt")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
