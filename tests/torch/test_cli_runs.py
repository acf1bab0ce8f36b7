"""`catlearn train` never loses work: previous runs, --resume, --force, Ctrl-C, divergence;
progress bars; your own models, data sets and comparators from plugins and entry points."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from catlearn.cli import main
from catlearn_torch import comparators
from catlearn_torch.train import load_checkpoint

pytestmark = pytest.mark.usefixtures("restore_threads")

RUN = "import sys; from catlearn.cli import main; sys.exit(main(sys.argv[1:]))"

SQUARE = """\
name: tiny
spaces: [{name: Y, comparator: cross_entropy}]
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: c, src: X, tgt: Y, role: learnable, model: linear,
     args: {in_features: 64, out_features: 10}}
data: {N: {dataset: digits, split: train}}
training: {batch_size: 256, lr: 0.01}
"""


def _env(*paths: Path) -> dict[str, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")])
    return env


def test_a_previous_run_needs_resume_or_force(tmp_path, capsys):
    spec, out = tmp_path / "s.yaml", str(tmp_path / "run")
    spec.write_text(SQUARE)
    assert main(["train", str(spec), "--epochs", "1", "--out", out]) == 0
    first = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    capsys.readouterr()
    assert main(["train", str(spec), "--epochs", "1", "--out", out]) == 2
    assert "holds a previous run (checkpoint.pt, metrics.json)" in capsys.readouterr().err
    # the refused run changed nothing
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["step"] == first["step"]
    # a failing --force run (a bad spec) keeps the previous run too
    bad = tmp_path / "bad.yaml"
    bad.write_text(SQUARE.replace("model: linear", "model: lineer"))
    assert main(["train", str(bad), "--out", out, "--force"]) == 2
    assert (tmp_path / "run" / "checkpoint.pt").exists()
    assert main(["train", str(spec), "--epochs", "1", "--out", out, "--force", "--seed",
                 "3"]) == 0
    again = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert again["epoch"] == 1
    assert not torch.equal(again["models"]["c"]["weight"],
                                                   first["models"]["c"]["weight"])
    # check: an init checkpoint must fit the edge's model (a linear 64 -> 10 here)
    ckpt = tmp_path / "run" / "checkpoint.pt"
    misfit = tmp_path / "misfit.yaml"
    misfit.write_text(SQUARE.replace("in_features: 64, out_features: 10}",
                                     f"in_features: 64, out_features: 3}}, init: "
                                     f"{{checkpoint: {ckpt}}}"))
    assert main(["check", str(misfit)]) == 2
    err = capsys.readouterr().err
    assert f"edge 'c': the parameters of edge 'c' in {ckpt} do not fit model linear" in err
    misfit.write_text(SQUARE.replace("in_features: 64, out_features: 10}",
                                     f"in_features: 64, out_features: 10}}, init: "
                                     f"{{checkpoint: {ckpt}, edge: t}}"))
    assert main(["check", str(misfit)]) == 2
    assert "has no edge 't' (its edges: c)" in capsys.readouterr().err


def test_resume_keeps_the_run_settings_and_refuses_changes(tmp_path, capsys):
    spec, out = tmp_path / "s.yaml", str(tmp_path / "run")
    spec.write_text(SQUARE)
    assert main(["train", str(spec), "--epochs", "2", "--out", out, "--lr", "0.05",
                 "--batch-size", "128"]) == 0
    capsys.readouterr()
    ckpt = tmp_path / "run" / "checkpoint.pt"
    before = ckpt.stat().st_mtime_ns
    # the target is reached: say so, train nothing, exit 0 (as pip does when satisfied)
    for extra in ([], ["--epochs", "2"], ["--epochs", "1"]):
        assert main(["train", str(spec), "--out", out, "--resume", *extra]) == 0
        text = capsys.readouterr().out
        assert "already trained 2 epoch(s)" in text
        assert "nothing to do" in text
    assert ckpt.stat().st_mtime_ns == before
    # flags (or the spec's training section) that would change the run are refused
    for extra, word in ((["--lr", "1e30"], "lr 0.05, but --lr is 1e+30"),
                        (["--batch-size", "7"], "batch size 128, but --batch-size is 7"),
                        (["--seed", "5"], "seed 0, but --seed is 5")):
        assert main(["train", str(spec), "--out", out, "--resume", "--epochs", "3",
                     *extra]) == 2
        assert word in capsys.readouterr().err
    spec.write_text(SQUARE.replace("lr: 0.01", "lr: 0.01, seed: 9"))
    assert main(["train", str(spec), "--out", out, "--resume", "--epochs", "3"]) == 2
    assert "the spec's training.seed (edited since the run started) is 9" in capsys.readouterr().err
    spec.write_text(SQUARE)
    # the same flags as the run are fine; the run's settings are used and said
    assert main(["train", str(spec), "--out", out, "--resume", "--epochs", "3",
                 "--lr", "0.05"]) == 0
    text = capsys.readouterr().out
    assert "resuming" in text
    assert "at epoch 2 of 3" in text
    assert "lr 0.05" in text
    assert "batch size 128" in text
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["status"] == "finished"
    assert len(metrics["history"]) == 3
    assert metrics["lr"] == 0.05
    assert metrics["batch_size"] == 128
    # a damaged record of the run is named, not a traceback
    (tmp_path / "run" / "run.json").write_text('{"settings": {"lr": "fast"}}')
    assert main(["train", str(spec), "--out", out, "--resume", "--epochs", "4"]) == 2
    assert "run.json is damaged" in capsys.readouterr().err


def test_progress_bars_only_when_asked_or_on_a_terminal(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(SQUARE)
    assert main(["train", str(spec), "--epochs", "1", "--out", str(tmp_path / "a")]) == 0
    assert "\r" not in capsys.readouterr().err          # captured: not a terminal
    assert main(["train", str(spec), "--epochs", "1", "--out", str(tmp_path / "b"),
                 "--progress"]) == 0
    assert "epoch 1/1" in capsys.readouterr().err


def test_divergence_is_told_in_the_commands_words(tmp_path, capsys):
    @comparators.register("nan_after_doc")
    def nan_after(steps: int = 3):
        calls = {"n": 0}

        def d(a, b):
            calls["n"] += 1
            return a.sum() * (float("nan") if calls["n"] > steps else 0.0)
        return d

    try:
        spec = tmp_path / "s.yaml"
        # the check step and two epochs' steps go by before the loss turns NaN
        spec.write_text(SQUARE.replace("cross_entropy", '"nan_after_doc(steps=12)"'))
        assert main(["train", str(spec), "--epochs", "5", "--out", str(tmp_path / "r"),
                     "--batch-size", "256"]) == 2
        err = capsys.readouterr().err
    finally:
        comparators._REGISTRY.pop("nan_after_doc")
    assert "training diverged: non-finite loss at epoch" in err
    assert "fit(" not in err
    assert "checkpoint=" not in err
    assert "lower the learning rate" in err
    assert "--force" in err
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert metrics["status"] == "diverged"
    assert metrics["epochs_done"] == len(metrics["history"]) >= 1


def test_ctrl_c_writes_the_metrics_and_prints_how_to_resume(tmp_path):
    spec, out = tmp_path / "s.yaml", tmp_path / "run"
    spec.write_text(SQUARE.replace("batch_size: 256", "batch_size: 8"))
    child = subprocess.Popen(
        [sys.executable, "-c", RUN, "train", str(spec), "--epochs", "1000", "--out",
         str(out), "--threads", "1"], cwd=tmp_path, env=_env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while not (out / "checkpoint.pt").exists():   # training has started
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        _stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert "KeyboardInterrupt" not in stderr, stderr
    assert "interrupted;" in stderr
    assert "continue with:" in stderr
    metrics = json.loads((out / "metrics.json").read_text())
    done = load_checkpoint(out / "checkpoint.pt")["epoch"]
    assert metrics["status"] == "interrupted"
    assert metrics["epochs_done"] == done >= 1
    assert len(metrics["history"]) == done
    # the printed command resumes (here up to one more epoch)
    command = shlex.split(stderr.strip().splitlines()[-1])
    assert command[:3] == ["catlearn", "train", str(spec)]
    assert "--resume" in command
    command[command.index("--epochs") + 1] = str(done + 1)
    resumed = subprocess.run([sys.executable, "-c", RUN, *command[1:]], cwd=tmp_path,
                             env=_env(), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert load_checkpoint(out / "checkpoint.pt")["epoch"] == done + 1


PLUGIN = '''
import torch
from torch import nn
from catlearn_torch import comparators, specdata, zoo
from catlearn_torch.datasets import ColumnDataset


@zoo.register("{prefix}affine")
def affine(in_features: int, out_features: int) -> nn.Module:
    return nn.Linear(in_features, out_features)


@specdata.register("{prefix}blobs")
def blobs(split=None, n: int = 64, seed: int = 0):
    g = torch.Generator().manual_seed(seed + (split == "test"))
    x = torch.randn(n, 3, generator=g)
    return ColumnDataset({{"x": x, "y": x @ torch.ones(3, 2)}})


@comparators.register("{prefix}huber")
def huber(delta: float = 1.0):
    return lambda a, b: torch.nn.functional.huber_loss(a, b, delta=delta)
'''

OWN = """\
spaces: [{{name: Y, comparator: "{prefix}huber(delta=0.5)"}}]
edges:
  - {{name: x, src: N, tgt: X, role: data}}
  - {{name: y, src: N, tgt: Y, role: data}}
  - {{name: c, src: X, tgt: Y, role: learnable, model: {prefix}affine,
     args: {{in_features: 3, out_features: 2}}}}
data: {{N: {{dataset: {prefix}blobs, args: {{n: 32}}}}}}
evaluate: {{N: {{dataset: {prefix}blobs, split: test}}}}
"""


def test_a_plugin_module_registers_models_datasets_comparators(tmp_path):
    (tmp_path / "my_plugin.py").write_text(PLUGIN.format(prefix="my_"))
    spec = tmp_path / "own.yaml"
    spec.write_text(OWN.format(prefix="my_"))
    common = dict(cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                  timeout=300)
    # a spec never imports anything by itself: without --plugin the names are unknown
    alone = subprocess.run([sys.executable, "-c", RUN, "check", str(spec)], **common)
    assert alone.returncode == 2
    assert "Traceback" not in alone.stderr
    assert "no model is registered as 'my_affine'" in alone.stderr
    assert "no data set is registered as 'my_blobs'" in alone.stderr
    assert "no comparator is called 'my_huber'" in alone.stderr
    checked = subprocess.run([sys.executable, "-c", RUN, "check", str(spec), "--deep",
                              "--plugin", "my_plugin"], **common)
    assert checked.returncode == 0, checked.stderr
    assert "ready to train" in checked.stdout
    assert "one batch ran" in checked.stdout
    trained = subprocess.run([sys.executable, "-c", RUN, "train", str(spec), "--epochs",
                              "2", "--out", str(tmp_path / "run"), "--plugin", "my_plugin"],
                             **common)
    assert trained.returncode == 0, trained.stderr
    assert "x ⋅ c = y: loss" in trained.stdout        # held-out metrics, by the plugin's
    assert json.loads((tmp_path / "run" / "run.json").read_text())["plugins"] == [
        "my_plugin"]


def test_entry_points_of_an_installed_package_fill_the_registries(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "ep_models").mkdir(parents=True)
    (pkg / "ep_models" / "__init__.py").write_text(
        PLUGIN.format(prefix="ep_").replace("@zoo.register(\"ep_affine\")", "")
        .replace("@specdata.register(\"ep_blobs\")", "")
        .replace("@comparators.register(\"ep_huber\")", ""))
    (pkg / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "catlearn-ep-models"
        version = "0.1"

        [tool.setuptools]
        packages = ["ep_models"]

        [project.entry-points."catlearn.models"]
        ep_affine = "ep_models:affine"

        [project.entry-points."catlearn.datasets"]
        ep_blobs = "ep_models:blobs"

        [project.entry-points."catlearn.comparators"]
        ep_huber = "ep_models:huber"
        ep_broken = "ep_models:no_such_name"
        """))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--no-index", "--target", str(target),
                    str(pkg)], check=True, capture_output=True, timeout=300)
    spec = tmp_path / "own.yaml"
    spec.write_text(OWN.format(prefix="ep_"))
    common = dict(cwd=tmp_path, env=_env(target), capture_output=True, text=True,
                  timeout=300)
    trained = subprocess.run([sys.executable, "-c", RUN, "train", str(spec), "--epochs",
                              "1", "--out", str(tmp_path / "run")], **common)
    assert trained.returncode == 0, trained.stderr
    assert "trained" in trained.stdout
    # a broken entry point is named, and only matters to the specs that use it
    spec.write_text(OWN.format(prefix="ep_").replace("ep_huber(delta=0.5)", "ep_broken"))
    broken = subprocess.run([sys.executable, "-c", RUN, "check", str(spec)], **common)
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr
    assert "entry point 'ep_models:no_such_name'" in broken.stderr
    assert "catlearn-ep-models" in broken.stderr
