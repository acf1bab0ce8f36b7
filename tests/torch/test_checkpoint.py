"""Checkpoints you can trust: every corrupted byte is refused, every missing or malformed
key is a CheckpointError naming the file, messages speak to CLI users too."""

import random

import pytest
import torch

from catlearn_torch import CheckpointError, fit, load_checkpoint, restore_checkpoint
from catlearn_torch.trainer.checkpoint import atomic_save, envelope, validate_checkpoint

from .helpers import backbone_heads
from .test_train import backbone_loader


@pytest.fixture(scope="module")
def real_checkpoint(tmp_path_factory):
    _D, L = backbone_heads(k=2)
    path = tmp_path_factory.mktemp("ckpt") / "run.pt"
    fit(L, backbone_loader(k=2), epochs=1, checkpoint=path, progress=False)
    return path


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_every_single_byte_corruption_is_refused(real_checkpoint, tmp_path):
    blob = real_checkpoint.read_bytes()
    load_checkpoint(real_checkpoint)  # the intact file loads
    rng = random.Random(0)
    # every byte of the first and last 512 (zip headers, pickle, central directory) and
    # 300 random positions in between (tensor data, padding)
    positions = sorted(set(range(512)) | set(range(len(blob) - 512, len(blob)))
                       | {rng.randrange(len(blob)) for _ in range(300)})
    bad = tmp_path / "bad.pt"
    for pos in positions:
        data = bytearray(blob)
        data[pos] ^= 1 << rng.randrange(8)
        bad.write_bytes(bytes(data))
        with pytest.raises(CheckpointError, match=str(bad)):
            load_checkpoint(bad)


def test_truncations_are_refused(real_checkpoint, tmp_path):
    blob = real_checkpoint.read_bytes()
    bad = tmp_path / "cut.pt"
    for n in (0, 1, 100, len(blob) // 2, len(blob) - 1):
        bad.write_bytes(blob[:n])
        with pytest.raises(CheckpointError, match="cut.pt"):
            load_checkpoint(bad)


def test_a_valid_dict_without_models_is_a_checkpoint_error(real_checkpoint, tmp_path):
    state = load_checkpoint(real_checkpoint)
    for key in ("models", "spec", "rng", "cycle", "trainer"):
        partial = {k: v for k, v in state.items() if k != key}
        path = atomic_save(envelope(partial), tmp_path / f"no-{key}.pt")
        with pytest.raises(CheckpointError, match=f"key '{key}' is missing"):
            load_checkpoint(path)
    for key, value in (("models", [1]), ("epoch", "3"), ("step", True), ("frozen", 3)):
        path = atomic_save(envelope({**state, key: value}), tmp_path / f"bad-{key}.pt")
        with pytest.raises(CheckpointError, match=f"key '{key}' holds"):
            load_checkpoint(path)
    with pytest.raises(CheckpointError, match="'models' entry"):
        validate_checkpoint({**state, "models": {"m": 3}}, "x.pt")
    with pytest.raises(CheckpointError, match="malformed generator states"):
        validate_checkpoint({**state, "rng": {**state["rng"], "python": [1]}}, "x.pt")
    _D, L = backbone_heads(k=2)
    with pytest.raises(CheckpointError, match="'spec' is not JSON"):
        restore_checkpoint(L, {**state, "spec": "{nope"}, path="x.pt")


def test_restore_refuses_before_changing_anything(real_checkpoint):
    state = load_checkpoint(real_checkpoint)
    _D, L = backbone_heads(k=2, seed=5)
    before = {k: v.clone() for k, v in L.state_dict().items()}
    with pytest.raises(CheckpointError, match="key 'history' is missing"):
        restore_checkpoint(L, {k: v for k, v in state.items() if k != "history"})
    assert all(torch.equal(before[k], v) for k, v in L.state_dict().items())


def test_messages_speak_to_the_cli_user(real_checkpoint, tmp_path):
    data = bytearray(real_checkpoint.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "bad.pt"
    bad.write_bytes(bytes(data))
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(bad)
    assert "is corrupt" in str(err.value)
    assert "--resume" in str(err.value)
    assert "fit(" not in str(err.value)


def test_old_unverifiable_checkpoints_are_refused_clearly(tmp_path):
    path = tmp_path / "v1.pt"
    torch.save({"format": "catlearn_torch.checkpoint", "version": 1, "models": {}}, path)
    with pytest.raises(CheckpointError, match="older catlearn_torch .* without a digest"):
        load_checkpoint(path)
