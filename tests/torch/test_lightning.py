"""The optional Lightning adapter: tested when lightning is installed, and its absence
is reported with an install hint."""

import importlib.util

import pytest
import torch
from torch.utils.data import DataLoader

from catlearn_torch import MissingDependencyError
from catlearn_torch import lightning as adapter

from .helpers import backbone_heads
from .test_train import backbone_loader

HAVE_LIGHTNING = importlib.util.find_spec("lightning") is not None


@pytest.mark.skipif(HAVE_LIGHTNING, reason="lightning is installed")
def test_without_lightning_the_module_imports_and_says_how_to_install():
    _D, L = backbone_heads(k=1)
    with pytest.raises(MissingDependencyError, match="pip install lightning"):
        adapter.lightning_module(L)


@pytest.mark.skipif(not HAVE_LIGHTNING, reason="lightning is not installed")
@pytest.mark.filterwarnings("ignore")
def test_lightning_module_trains_and_logs_each_equation(tmp_path):
    import lightning.pytorch as pl

    _D, L = backbone_heads(k=2)
    module = adapter.lightning_module(L, lr=0.05, edge_lr={"m": 0.01})
    before = L.model("m").inner[0].weight.clone()
    trainer = pl.Trainer(max_epochs=2, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False,
                         default_root_dir=tmp_path, accelerator="cpu")
    trainer.fit(module, backbone_loader(k=2))
    assert not torch.equal(before, L.model("m").inner[0].weight)
    logged = trainer.callback_metrics
    assert "train/total" in logged
    assert "train/x ⋅ m ⋅ h1 = y1" in logged
    opt = trainer.optimizers[0]
    assert [(g["name"], g["lr"]) for g in opt.param_groups][:1] == [("m", 0.01)]
    assert isinstance(backbone_loader(k=2), DataLoader)


def _trainer(tmp_path, epochs, **kw):
    import lightning.pytorch as pl

    return pl.Trainer(max_epochs=epochs, logger=False, enable_checkpointing=False,
                      enable_progress_bar=False, enable_model_summary=False,
                      default_root_dir=tmp_path, accelerator="cpu", **kw)


def _state(L):
    return {k: v.detach().clone() for k, v in L.weighting.state_dict().items()}


@pytest.mark.skipif(not HAVE_LIGHTNING, reason="lightning is not installed")
@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("weighting", ["dwa", "gradnorm", "pcgrad"])
@pytest.mark.parametrize("options", [{}, {"precision": "bf16-mixed", "accumulate": 2}])
def test_weighting_hooks_move_the_weights_as_in_fit(tmp_path, weighting, options):
    from catlearn_torch import fit

    epochs = 4
    D, A = backbone_heads(k=2)
    fit(A, backbone_loader(k=2), epochs=epochs, lr=0.05, weighting=weighting,
        progress=False, check=False, **options)
    _D, B = backbone_heads(k=2)
    B.set_weighting(weighting)
    module = adapter.lightning_module(B, lr=0.05)
    lkw = {}
    if options:
        lkw = {"precision": options["precision"],
               "accumulate_grad_batches": options["accumulate"]}
    trainer = _trainer(tmp_path, epochs, **lkw)
    trainer.fit(module, backbone_loader(k=2))
    a, b = _state(A), _state(B)
    assert set(a) == set(b)
    for k in a:
        torch.testing.assert_close(b[k], a[k], rtol=2e-2, atol=2e-3)
    if weighting == "dwa":  # λ moved away from 1 after the second epoch
        assert not torch.equal(b["lambdas"], torch.ones_like(b["lambdas"]))
    if weighting == "gradnorm":
        assert not torch.equal(b["task_weights"], torch.ones_like(b["task_weights"]))
    logged = trainer.callback_metrics
    assert "train/x ⋅ m ⋅ h1 = y1 [weight]" in logged
    for k, v in A.state_dict().items():
        torch.testing.assert_close(B.state_dict()[k], v, rtol=5e-2, atol=5e-3)
