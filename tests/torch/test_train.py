"""fit: several sources, parameter groups, progress, non-finite losses, checkpoints and
exact resume."""

import functools
import hashlib
import os
import pickle

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from catlearn_torch import (
    CheckpointError,
    NonFiniteLossError,
    RealisationError,
    fit,
    load_checkpoint,
    make_optimizer,
    param_groups,
)
from catlearn_torch.train import CHECKPOINT_FORMAT

from .helpers import backbone_heads, two_sources


def backbone_loader(n=24, k=3, batch_size=8, shuffle=False):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 4, generator=g)
    ys = [torch.tanh(x[:, :2] * (i + 1)) for i in range(k)]
    data = [{"x": x[i], **{f"y{j}": ys[j][i] for j in range(k)}} for i in range(n)]
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle)


class Interruptible(Dataset):
    """A dataset that raises after a number of item fetches (a simulated crash)."""

    def __init__(self, inner, fail_after=None):
        self.inner, self.fail_after, self.fetched = inner, fail_after, 0

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, i):
        self.fetched += 1
        if self.fail_after is not None and self.fetched > self.fail_after:
            raise KeyboardInterrupt("simulated crash")
        return self.inner[i]


def two_source_loaders(fail_after=None):
    g = torch.Generator().manual_seed(2)
    xa = torch.randn(20, 4, generator=g)
    ya = (xa[:, 0] > 0).long() + (xa[:, 1] > 0).long()
    ub = torch.randn(8, 4, generator=g)
    vb = ub[:, :2] * 2
    a = Interruptible(TensorDataset(xa, ya), fail_after)
    b = TensorDataset(ub, vb)
    return {"A": DataLoader(a, batch_size=4, shuffle=True),
            "B": DataLoader(b, batch_size=3, shuffle=True)}


def with_dropout(L):
    L.replace("b", nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.2)))
    return L


def test_fit_trains_and_reports_history(capsys):
    _D, L = backbone_heads(k=3)
    h = fit(L, backbone_loader(), epochs=30, lr=0.02)
    assert len(h.epochs) == 30
    assert h.steps == 90
    assert h.epochs[-1]["total"] < 0.5 * h.epochs[0]["total"]
    assert set(h.epochs[0]) == {"total", "x ⋅ m ⋅ h0 = y0", "x ⋅ m ⋅ h1 = y1",
                                "x ⋅ m ⋅ h2 = y2"}
    err = capsys.readouterr().err
    assert "epoch 30/30" in err
    assert "x ⋅ m ⋅ h2 = y2: " in err


def test_two_sources_cycle_the_shorter_loader():
    _D, L = two_sources()
    loaders = two_source_loaders()  # A: 5 batches, B: 3 batches
    seen = {"A": 0, "B": 0}
    real = L.forward

    def counting(batches):
        for s in seen:
            seen[s] += int(batches[s][0].shape[0])
        return real(batches)

    L.forward = counting
    h = fit(L, loaders, epochs=2, progress=False)
    assert h.steps == 10
    assert seen == {"A": 40, "B": 2 * (3 + 3 + 2 + 3 + 3)}  # B restarts in each epoch
    h = fit(L, [loaders["A"], loaders["B"]], epochs=1, progress=False)
    assert h.steps == 5
    with pytest.raises(RealisationError, match="missing: B"):
        fit(L, {"A": loaders["A"]}, progress=False)


def test_parameter_groups_per_edge():
    _D, L = backbone_heads(k=2)
    opt = make_optimizer(L, functools.partial(torch.optim.SGD, momentum=0.9), lr=0.1,
                         edge_lr={"m": 0.01})
    assert [(g["name"], g["lr"]) for g in opt.param_groups] == [("m", 0.01), ("h0", 0.1),
                                                                ("h1", 0.1)]
    assert isinstance(make_optimizer(L), torch.optim.Adam)
    with pytest.raises(RealisationError, match=r"edge_lr names edge\(s\) that are not "
                                               r"learnable edges: x"):
        param_groups(L, edge_lr={"x": 0.1})
    sgd = torch.optim.SGD(L.parameters(), lr=0.1)
    assert make_optimizer(L, sgd) is sgd
    with pytest.raises(RealisationError, match="with an optimiser instance"):
        make_optimizer(L, sgd, edge_lr={"m": 0.1})
    with pytest.raises(RealisationError, match="optimizer must be"):
        make_optimizer(L, 3)  # type: ignore[arg-type]
    L.freeze("m")
    assert [g["name"] for g in param_groups(L)] == ["h0", "h1"]
    for e in ("h0", "h1"):
        L.freeze(e)
    with pytest.raises(RealisationError, match="no trainable parameters"):
        make_optimizer(L)


def test_evaluate_callback():
    _D, L = backbone_heads(k=1)
    calls = []

    def evaluate(compiled, epoch):
        calls.append((epoch, compiled.training, torch.is_grad_enabled()))
        return {"val": float(epoch)}

    h = fit(L, backbone_loader(k=1), epochs=2, evaluate=evaluate, progress=False)
    assert calls == [(0, False, False), (1, False, False)]
    assert h.epochs[1]["val"] == 1.0
    assert L.training


class NaNAfter(nn.Module):
    def __init__(self, inner, after):
        super().__init__()
        self.inner, self.after, self.calls = inner, after, 0

    def forward(self, x):
        self.calls += 1
        y = self.inner(x)
        return y * float("nan") if self.calls > self.after else y


def test_non_finite_loss_names_the_equation_and_the_last_checkpoint(tmp_path):
    D, L = backbone_heads(k=2)
    L.replace("h1", NaNAfter(nn.Linear(8, 2), after=5))  # check() makes the 1st call
    ckpt = tmp_path / "run.pt"
    with pytest.raises(NonFiniteLossError) as err:
        fit(L, backbone_loader(k=2), epochs=5, checkpoint=ckpt, checkpoint_every=2,
            progress=False)
    msg = str(err.value)
    assert "non-finite loss at epoch 2, step 5: equation 'x ⋅ m ⋅ h1 = y1' = nan" in msg
    assert f"the last good checkpoint is {ckpt}" in msg
    assert err.value.equations == ("x ⋅ m ⋅ h1 = y1",)
    assert load_checkpoint(ckpt)["step"] == 4
    _D, L = backbone_heads(k=2)
    L.replace("h0", NaNAfter(nn.Linear(8, 2), after=0))
    with pytest.raises(NonFiniteLossError, match=r"no checkpoint was written yet \(fit "
                                                 r"writes one with checkpoint=PATH\)"):
        fit(L, backbone_loader(k=2), epochs=1, progress=False, check=False)


def test_checkpoint_format_is_safe_and_atomic(tmp_path):
    _D, L = two_sources()
    ckpt = tmp_path / "sub" / "run.pt"
    fit(L, two_source_loaders(), epochs=1, checkpoint=ckpt, progress=False)
    assert os.listdir(ckpt.parent) == ["run.pt"]  # no temporary file left
    outer = torch.load(ckpt, weights_only=True)  # the envelope: digest and payload
    assert outer["format"] == CHECKPOINT_FORMAT
    assert outer["version"] == 2
    assert outer["sha256"] == hashlib.sha256(outer["payload"].numpy().tobytes()).hexdigest()
    data = load_checkpoint(ckpt)
    assert set(data["models"]) == {"b", "hy", "hv"}
    assert set(data["models"]["hy"]) == {"weight", "bias"}
    assert data["epoch"] == 1
    assert data["step"] == 5
    assert set(data["rng"]) == {"torch", "cuda", "python", "numpy"}
    assert '"name": "b"' in data["spec"]
    assert {"optimizer", "scheduler", "cycle", "history", "frozen", "weights"} <= set(data)


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_bad_checkpoints_are_refused(tmp_path):
    _D, L = two_sources()
    loaders = two_source_loaders()
    with pytest.raises(CheckpointError, match="no such file"):
        fit(L, loaders, resume=tmp_path / "none.pt", progress=False)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read the checkpoint"):
        load_checkpoint(junk)
    other = tmp_path / "other.pt"
    torch.save({"a": torch.zeros(1)}, other)
    with pytest.raises(CheckpointError, match="is not a catlearn_torch checkpoint"):
        load_checkpoint(other)
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        pickle.dump({"format": CHECKPOINT_FORMAT, "x": functools.partial(print, "pwned")}, f)
    with pytest.raises(CheckpointError, match="cannot read the checkpoint"):
        load_checkpoint(evil)
    ckpt = tmp_path / "run.pt"
    fit(L, loaders, epochs=1, checkpoint=ckpt, progress=False)
    _D2, K = backbone_heads(k=1)
    with pytest.raises(CheckpointError, match="was written for another diagram"):
        fit(K, backbone_loader(k=1), resume=ckpt, progress=False)
    # resume=True with no checkpoint file yet starts afresh
    h = fit(L, loaders, epochs=1, checkpoint=tmp_path / "new.pt", resume=True,
            progress=False)
    assert h.steps == 5


def run(L, loaders, **kw):
    sched = functools.partial(torch.optim.lr_scheduler.StepLR, step_size=3, gamma=0.5)
    return fit(L, loaders, epochs=3, lr=0.01, scheduler=sched, progress=False, **kw)


def params(L):
    return {k: v.clone() for k, v in L.state_dict().items()}


@pytest.mark.parametrize(("fail_after", "every"), [(44, None), (52, 3)])
def test_resume_is_bitwise_exact(tmp_path, fail_after, every):
    # uninterrupted: 3 epochs of 5 steps; A's dataset has 20 items per epoch
    torch.manual_seed(0)
    D, L = two_sources(seed=3)
    with_dropout(L)
    torch.manual_seed(11)
    run(L, two_source_loaders())
    expected = params(L)
    # interrupted: a crash in epoch 3 (after 44 or 52 item fetches), then resumed
    torch.manual_seed(0)
    D, L = two_sources(seed=3)
    with_dropout(L)
    torch.manual_seed(11)
    ckpt = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        run(L, two_source_loaders(fail_after), checkpoint=ckpt, checkpoint_every=every)
    saved = load_checkpoint(ckpt)
    assert (saved["epoch"], saved["cycle"]["step"]) == ((2, 0) if every is None else (2, 2))
    torch.manual_seed(99)  # a fresh process: other models, other RNG state
    _D, L2 = two_sources(seed=7)
    with_dropout(L2)
    h = run(L2, two_source_loaders(), checkpoint=ckpt, resume=ckpt, checkpoint_every=every)
    assert h.steps == 15
    assert len(h.epochs) == 3
    got = params(L2)
    assert all(torch.equal(expected[k], got[k]) for k in expected)


def test_resume_restores_weights_and_distributed_samplers_get_set_epoch(tmp_path):
    _D, L = backbone_heads(k=2)
    ckpt = tmp_path / "run.pt"
    name = "x ⋅ m ⋅ h1 = y1"

    def reweight(compiled, epoch):
        compiled.reweight({name: 0.25})

    fit(L, backbone_loader(k=2), epochs=1, evaluate=reweight, checkpoint=ckpt,
        progress=False)
    _D2, K = backbone_heads(k=2)
    loader = backbone_loader(k=2)
    epochs = []
    loader.sampler.set_epoch = epochs.append  # what DistributedSampler offers
    h = fit(K, loader, epochs=3, resume=True, checkpoint=ckpt, progress=False)
    assert K.weights[name] == 0.25
    assert h.steps == 9
    assert epochs == [1, 2]
