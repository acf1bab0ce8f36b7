import pytest

from catlearn.cli import main


def test_demo_trains_distillation_and_writes_the_picture(tmp_path, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    assert main(["demo", "--out", str(tmp_path), "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "x ⋅ s = x ⋅ t   (in Y, kl(temperature=4))" in out
    for line in ("teacher (MLP", "student with distillation (MLP", "student alone (same",
                 "x ⋅ s = x ⋅ t    train", "x ⋅ s = y        train"):
        assert line in out
    pictures = list(tmp_path.glob("distillation.*"))
    assert {p.suffix for p in pictures} & {".svg", ".dot"}
    assert (tmp_path / "distillation.yaml").exists()
    # the spec the demo writes trains as it is, its teacher loaded from teacher.pt
    spec = str(tmp_path / "distillation.yaml")
    assert main(["check", spec]) == 0
    assert "ready to train" in capsys.readouterr().out
    assert main(["train", spec, "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    assert "x ⋅ s = x ⋅ t" in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


SPEC = """\
name: square
spaces: [{name: Y, comparator: cross_entropy}]
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: c, src: X, tgt: Y, role: learnable, model: mlp}
  - {name: idle, src: Y, tgt: Z, role: learnable}
"""


def test_check_lists_spaces_edges_equations(tmp_path, capsys):
    f = tmp_path / "square.yaml"
    f.write_text(SPEC.replace(", model: mlp", ""))   # a diagram only: nothing to train
    assert main(["check", str(f)]) == 0
    out = capsys.readouterr().out
    assert "valid spec (square)" in out
    assert "N [source]" in out
    assert "c: X -> Y  [learnable]\n" in out
    assert "0. x ⋅ c = y   (in Y, cross_entropy, weight 1)" in out
    assert "a diagram to realise in Python" in out


def test_check_validates_what_train_needs_when_the_spec_trains(tmp_path, capsys):
    pytest.importorskip("torch")
    f = tmp_path / "square.yaml"
    f.write_text(SPEC)   # names a model: check now validates it for 'catlearn train'
    assert main(["check", str(f)]) == 2
    captured = capsys.readouterr()
    assert "c: X -> Y  [learnable]  model mlp" in captured.out
    assert "3 problems:" in captured.err
    assert "needs the argument 'in_features'" in captured.err
    assert "edge 'idle' (learnable) names no model" in captured.err
    assert "the data source 'N' has no data set" in captured.err


def test_draw_writes_pictures(tmp_path, capsys):
    f = tmp_path / "square.yaml"
    f.write_text(SPEC)
    assert main(["draw", str(f), "-o", str(tmp_path / "sq.dot"), "--highlight", "0"]) == 0
    assert "#D55E00" in (tmp_path / "sq.dot").read_text()  # the highlighted side
    assert main(["draw", str(f), "-o", str(tmp_path / "sq.txt")]) == 0


def test_bad_spec_is_one_paragraph_without_traceback(tmp_path, capsys):
    f = tmp_path / "bad.yaml"
    f.write_text(SPEC.replace("role: data}", "role: datum}", 1))
    assert main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("catlearn check: error: ")
    assert "line 4: edges.0.role" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read the spec file" in capsys.readouterr().err
    assert main(["draw", str(tmp_path / "bad.yaml"), "-o", str(tmp_path / "x.gif")]) == 2
