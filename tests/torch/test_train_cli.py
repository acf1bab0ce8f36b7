"""`catlearn train SPEC`: zoo models, data sets by name, checkpoints, --resume, errors."""

from __future__ import annotations

import json

import pytest
import torch

from catlearn.cli import main
from catlearn_torch.train import load_checkpoint

pytestmark = pytest.mark.usefixtures("restore_threads")

SQUARE = """\
name: tiny
spaces: [{name: Y, comparator: cross_entropy}]
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: c, src: X, tgt: Y, role: learnable, model: mlp,
     args: {in_features: 64, out_features: 10, hidden: [16]}}
data: {N: {dataset: digits, split: train}}
evaluate: {N: {dataset: digits, split: test}}
training: {batch_size: 128, lr: 0.01}
"""

DISTIL = """\
spaces: [{name: Y, comparator: cross_entropy}]
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: s, src: X, tgt: Y, role: learnable, model: linear,
     args: {in_features: 64, out_features: 10}}
  - {name: t, src: X, tgt: Y, role: fixed, model: mlp,
     args: {in_features: 64, out_features: 10, hidden: [16]},
     init: {checkpoint: CKPT, edge: c}}
equations:
  - {lhs: "x ⋅ s", rhs: "x ⋅ t", comparator: "kl(temperature=4)"}
  - {lhs: "x ⋅ s", rhs: "y"}
data: {N: {dataset: digits}}
training: {batch_size: 256}
"""


def write(tmp_path, text, name="spec.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return str(f)


def test_train_then_resume(tmp_path, capsys):
    spec, out = write(tmp_path, SQUARE), str(tmp_path / "run")
    assert main(["train", spec, "--epochs", "1", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "for 1 epoch(s) (seed 0, batch size 128, lr 0.01)" in text
    assert "x ⋅ c = y: accuracy" in text
    first = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert first["epoch"] == 1
    assert main(["train", spec, "--epochs", "2", "--out", out, "--resume"]) == 0
    second = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert second["epoch"] == 2
    assert second["step"] == 2 * first["step"]
    history = json.loads((tmp_path / "run" / "metrics.json").read_text())["history"]
    assert len(history) == 2
    assert "x ⋅ c = y: accuracy" in history[1]
    # the same two epochs in one go end with the same parameters (exact resume)
    assert main(["train", spec, "--epochs", "2", "--out", str(tmp_path / "once")]) == 0
    once = load_checkpoint(tmp_path / "once" / "checkpoint.pt")
    for k, v in once["models"]["c"].items():
        assert torch.equal(v, second["models"]["c"][k])


def test_teacher_checkpoint_initialises_a_fixed_edge(tmp_path, capsys):
    assert main(["train", write(tmp_path, SQUARE), "--epochs", "1",
                 "--out", str(tmp_path / "teacher")]) == 0
    ckpt = tmp_path / "teacher" / "checkpoint.pt"
    spec = write(tmp_path, DISTIL.replace("CKPT", str(ckpt)), "kd.yaml")
    assert main(["train", spec, "--epochs", "1", "--out", str(tmp_path / "kd")]) == 0
    kd = load_checkpoint(tmp_path / "kd" / "checkpoint.pt")
    teacher = load_checkpoint(ckpt)["models"]["c"]
    for k, v in teacher.items():   # frozen: the teacher did not move
        assert torch.equal(kd["models"]["t"][k], v)
    assert "x ⋅ s = x ⋅ t" in capsys.readouterr().out


@pytest.mark.parametrize(("change", "message"), [
    (("model: mlp", "model: mpl"), "no model is registered as 'mpl'"),
    (("hidden: [16]", "hiden: [16]"), "did you mean 'hidden'"),
    (("dataset: digits, split: train", "dataset: digitz"), "did you mean 'digits'"),
    (("data: {N: {dataset: digits, split: train}}", ""), "the data source 'N' has no data set"),
    (("split: train}", "split: validation}"), "has no split 'validation'"),
    (("role: learnable, model: mlp,", "role: learnable,"), "edge 'c' (learnable) names no model"),
    (("role: data}", "role: datum}"), "edges.0.role"),
    (("data: {N:", "data: {M:"), "'M' is not a data source"),
])
def test_bad_specs_exit_2_with_one_paragraph(tmp_path, capsys, change, message):
    spec = write(tmp_path, SQUARE.replace(*change, 1))
    assert main(["train", spec, "--epochs", "1", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("catlearn train: error: "), err
    assert message in err, err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_resume_without_checkpoint_and_bad_init(tmp_path, capsys):
    spec = write(tmp_path, SQUARE)
    assert main(["train", spec, "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert "no checkpoint to resume from" in capsys.readouterr().err
    bad = write(tmp_path, DISTIL.replace("CKPT", str(tmp_path / "missing.pt")), "kd.yaml")
    assert main(["train", bad, "--out", str(tmp_path / "kd")]) == 2
    assert "cannot read the checkpoint" in capsys.readouterr().err
