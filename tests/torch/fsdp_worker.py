"""One process of the FSDP2 equivalence test (run by test_fsdp.py, or by hand).

``python -m tests.torch.fsdp_worker RANK WORLD PORT OUT`` shards every learnable edge's
module and then the compiled diagram with ``torch.distributed.fsdp.fully_shard`` (gloo,
CPU, loopback), trains with ``fit`` on this rank's shard of the data, and saves the full
(gathered) state_dict and the per-epoch losses to ``OUT/rank{RANK}.pt``. ``WORLD=1``
without a port is the single-process run on the combined batches.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler

from catlearn_torch import fit

from .ddp_worker import STEPS_BATCH, data, regime


def main(rank: int, world: int, port: int, out: str) -> None:
    L = regime()
    if world == 1:
        loader = DataLoader(data(), batch_size=STEPS_BATCH)
        h = fit(L, loader, epochs=2, optimizer=torch.optim.SGD, lr=0.1, progress=False)
        state = {k: v.detach().clone() for k, v in L.state_dict().items()}
    else:
        from torch.distributed.fsdp import fully_shard

        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world, timeout=timedelta(seconds=60))
        try:
            for e in L.learnable_edges():
                fully_shard(L.models[e])
            fully_shard(L)
            sampler = DistributedSampler(data(), num_replicas=world, rank=rank,
                                         shuffle=False)
            loader = DataLoader(data(), batch_size=STEPS_BATCH // world, sampler=sampler)
            h = fit(L, loader, epochs=2, optimizer=torch.optim.SGD, lr=0.1, progress=False,
                    check=False)
            state = {k: (v.full_tensor() if hasattr(v, "full_tensor") else v).detach().clone()
                     for k, v in L.state_dict().items()}
            dist.barrier()
        finally:
            dist.destroy_process_group()
    torch.save({"state": state, "losses": [r["total"] for r in h.epochs]},
               f"{out}/rank{rank}.pt")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
