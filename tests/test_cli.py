from catlearn.cli import main


def test_demo_writes_files(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "is monic: True" in out
    assert (tmp_path / "distillation.json").exists()
    assert (tmp_path / "distillation.dot").read_text().startswith("digraph")


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out
