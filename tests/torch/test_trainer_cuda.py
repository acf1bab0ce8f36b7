"""The CUDA paths of the trainer: float16 autocast with a GradScaler (checkpointed, so a
resume is exact), bf16, and EMA on the device; skipped without a GPU."""

import pytest
import torch

from catlearn_torch import fit, load_checkpoint

from .helpers import two_sources
from .test_train import params, two_source_loaders

CUDA = torch.cuda.is_available()


def on_cuda(seed):
    torch.manual_seed(0)
    _D, L = two_sources(seed=seed)
    return L.cuda()


@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
@pytest.mark.parametrize("precision", ["16-mixed", "bf16-mixed"])
def test_mixed_precision_on_cuda_trains_and_resumes_exactly(tmp_path, precision):
    torch.manual_seed(11)
    L = on_cuda(3)
    h1 = fit(L, two_source_loaders(), epochs=3, lr=0.01, progress=False,
             precision=precision, ema=0.9)
    expected = params(L)
    assert h1.epochs[-1]["total"] < h1.epochs[0]["total"]
    torch.manual_seed(11)
    L = on_cuda(3)
    ckpt = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        fit(L, two_source_loaders(44), epochs=3, lr=0.01, progress=False,
            precision=precision, ema=0.9, checkpoint=ckpt, checkpoint_every=2)
    state = load_checkpoint(ckpt)["trainer"]
    assert (state["scaler"] is not None) == (precision == "16-mixed")
    L2 = on_cuda(7)
    fit(L2, two_source_loaders(), epochs=3, lr=0.01, progress=False, precision=precision,
        ema=0.9, checkpoint=ckpt, resume=ckpt, checkpoint_every=2)
    got = params(L2)
    for k in expected:
        torch.testing.assert_close(got[k], expected[k], rtol=0, atol=0)
