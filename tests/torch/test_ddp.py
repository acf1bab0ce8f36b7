"""Two processes (gloo, CPU, loopback) under DistributedDataParallel end with the same
parameters as one process on the combined batches."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist

from .conftest import free_port
from .ddp_worker import main, regime

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                    reason="torch.distributed with gloo is not available")
@pytest.mark.filterwarnings("ignore::catlearn_torch.UnreachedModelWarning")
def test_ddp_two_processes_equal_one_process_on_the_combined_batch(tmp_path):
    assert regime().find_unused_parameters  # the plan knows u gets no gradient
    (tmp_path / "single").mkdir()
    main(0, 1, 0, str(tmp_path / "single"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get(
        "PYTHONPATH", ""), "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.torch.ddp_worker", str(r), "2",
                               str(port), str(tmp_path)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for r in range(2)]
    outputs = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=120)
            outputs.append(out)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs), "\n".join(outputs)
    single = torch.load(tmp_path / "single" / "rank0.pt", weights_only=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]
    for k, v in single.items():
        assert torch.equal(ranks[0][k], ranks[1][k]), k
        assert torch.allclose(ranks[0][k], v, rtol=1e-5, atol=1e-6), k
    # the detached-only head u never moved; the others did
    fresh = regime().state_dict()
    assert torch.equal(single["models.u.weight"], fresh["models.u.weight"])
    assert not torch.equal(single["models.m.0.weight"], fresh["models.m.0.weight"])
