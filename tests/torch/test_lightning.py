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
    D, L = backbone_heads(k=1)
    with pytest.raises(MissingDependencyError, match="pip install lightning"):
        adapter.lightning_module(L)


@pytest.mark.skipif(not HAVE_LIGHTNING, reason="lightning is not installed")
@pytest.mark.filterwarnings("ignore")
def test_lightning_module_trains_and_logs_each_equation(tmp_path):
    import lightning.pytorch as pl

    D, L = backbone_heads(k=2)
    module = adapter.lightning_module(L, lr=0.05, edge_lr={"m": 0.01})
    before = L.model("m").inner[0].weight.clone()
    trainer = pl.Trainer(max_epochs=2, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False,
                         default_root_dir=tmp_path, accelerator="cpu")
    trainer.fit(module, backbone_loader(k=2))
    assert not torch.equal(before, L.model("m").inner[0].weight)
    logged = trainer.callback_metrics
    assert "train/total" in logged and "train/x ⋅ m ⋅ h1 = y1" in logged
    opt = trainer.optimizers[0]
    assert [(g["name"], g["lr"]) for g in opt.param_groups][:1] == [("m", 0.01)]
    assert isinstance(backbone_loader(k=2), DataLoader)
