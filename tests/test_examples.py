"""The spec files in examples/: they pass `catlearn check` and `catlearn draw`, and each
describes the same diagram as its regime builder in catlearn_torch.regimes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catlearn.cli import main
from catlearn.learning import load_diagram, load_spec

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def test_there_is_a_spec_per_regime():
    assert {p.stem for p in EXAMPLES} >= {"square", "teacher", "distillation", "few_shot",
                                          "captioning", "alignment", "autoencoder"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_and_draw(path, tmp_path, capsys, monkeypatch):
    if any(e.init is not None for e in load_spec(path).edges):
        # check validates what train needs: the teacher's checkpoint must exist first
        pytest.importorskip("torch")
        monkeypatch.chdir(tmp_path)
        assert main(["check", str(path)]) == 2
        assert "cannot read the checkpoint runs/teacher/checkpoint.pt" in \
            capsys.readouterr().err
        teacher = path.parent / "teacher.yaml"
        assert main(["train", str(teacher), "--epochs", "1", "--out", "runs/teacher"]) == 0
        capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid spec" in out
    assert "equations" in out
    assert "data: " in out
    assert main(["draw", str(path), "-o", str(tmp_path / "d.dot")]) == 0
    assert (tmp_path / "d.dot").read_text().startswith("digraph")
    if shutil.which("dot"):
        assert main(["draw", str(path), "-o", str(tmp_path / "d.svg"), "--highlight", "0"]) == 0
        assert "<svg" in (tmp_path / "d.svg").read_text()


def shape(D):
    edges = sorted(D.graph.edges())
    eqs = sorted((e.name, D.comparator_for(e), e.weight) for e in D.equations)
    return edges, eqs


@pytest.mark.parametrize("name", ["square", "distillation", "distillation_transfer",
                                  "few_shot", "captioning", "alignment", "autoencoder"])
def test_spec_matches_the_regime_builder(name):
    regimes = pytest.importorskip("catlearn_torch.regimes")
    path = next(p for p in EXAMPLES if p.stem == name)
    builder, _ = regimes.REGIMES[name]
    assert shape(load_diagram(path)) == shape(builder())
    spec = load_spec(path)
    learnable = [n for n, _, _, r in builder().graph.edges() if r != "data"]
    assert set(spec.models()) == set(learnable)  # every model comes from the zoo
    assert set(spec.data) == set(builder().sources())
