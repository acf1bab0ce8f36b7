"""Two processes (gloo, CPU, loopback) with the compiled diagram under FSDP2
(``torch.distributed.fsdp.fully_shard``) end with the same parameters, and the same
losses, as one process on the combined batches."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist

from .conftest import free_port
from .fsdp_worker import main

ROOT = Path(__file__).resolve().parents[2]


def _have_fsdp2() -> bool:
    try:
        from torch.distributed.fsdp import fully_shard  # noqa: F401
    except ImportError:
        return False
    return dist.is_available() and dist.is_gloo_available()


@pytest.mark.skipif(not _have_fsdp2(), reason="FSDP2 with gloo is not available")
@pytest.mark.filterwarnings("ignore::catlearn_torch.UnreachedModelWarning")
def test_fsdp2_two_processes_equal_one_process(tmp_path):
    (tmp_path / "single").mkdir()
    main(0, 1, 0, str(tmp_path / "single"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get(
        "PYTHONPATH", ""), "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.torch.fsdp_worker", str(r), "2",
                               str(port), str(tmp_path)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for r in range(2)]
    outputs = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=180)
            outputs.append(out)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs), "\n".join(outputs)
    single = torch.load(tmp_path / "single" / "rank0.pt", weights_only=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]
    for k, v in single["state"].items():
        assert torch.equal(ranks[0]["state"][k], ranks[1]["state"][k]), k
        assert torch.allclose(ranks[0]["state"][k], v, rtol=1e-5, atol=1e-6), k
    # each rank's epoch means are over its own shard; their average is the single run's
    both = torch.tensor([r["losses"] for r in ranks]).mean(0)
    assert torch.allclose(both, torch.tensor(single["losses"]), rtol=1e-5, atol=1e-6)
