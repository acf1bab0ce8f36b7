"""The mutation-score script's bookkeeping (mutmut itself is not run here: too slow for CI)."""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("mutation_score", ROOT / "tools" /
                                                  "mutation_score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_score"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("mutation_score", None)


def test_every_declared_module_names_existing_files_and_tests(tool):
    base, modules = tool.load_config()
    assert base["source_paths"] == ["catlearn", "catlearn_torch"]
    assert len(modules) == 14
    sources = [p.relative_to(ROOT).as_posix() for p in ROOT.glob("catlearn*/**/*.py")]
    for m in modules:
        for pattern in m.mutate:
            assert any(fnmatch.fnmatch(s, pattern) for s in sources), (m.name, pattern)
        for test in m.tests:
            assert (ROOT / test).exists(), (m.name, test)


def test_every_equivalent_entry_is_complete_and_names_a_declared_module(tool):
    _, modules = tool.load_config()
    by_label = {m.name: m for m in modules}
    for path in tool.EQUIVALENTS.glob("*.yaml"):
        assert path.stem in by_label, path
        patterns = by_label[path.stem].mutate
        for entry in tool.yaml.safe_load(path.read_text("utf-8")) or []:
            assert set(entry) == {"mutant", "line", "why"}, entry
            assert entry["line"]
            assert entry["why"]
            module, _, function = entry["mutant"].rpartition(".x")
            source = module.replace(".", "/") + ".py"
            assert "__mutmut_" in function, entry
            assert any(fnmatch.fnmatch(source, p) for p in patterns), entry


def test_score_counts_equivalents_apart_and_survivors_against(tool):
    s = tool.Score("m", {"a": "killed", "b": "timeout", "c": "survived", "d": "no tests",
                         "e": "survived"})
    assert s.killed == 2
    assert s.score == pytest.approx(40.0)
    s.equivalent.append("e")
    assert s.score == pytest.approx(50.0)
    assert s.survivors == ["c", "d"]
    assert tool.Score("empty").score == 100.0


def test_an_equivalent_whose_line_moved_on_is_stale(tool, monkeypatch, tmp_path):
    diff = "--- f.py\n+++ f.py\n@@ -1 +1 @@\n-    return x\n+    return None\n"
    monkeypatch.setattr(tool, "show", lambda where, name: diff)
    listed = {
        "m.ok": tool.Equivalent("m.ok", "return None", "why"),
        "m.moved": tool.Equivalent("m.moved", "return 0", "why"),
        "m.killed": tool.Equivalent("m.killed", "return None", "why"),
        "m.absent": tool.Equivalent("m.absent", "return None", "why"),
    }
    s = tool.Score("m", {"m.ok": "survived", "m.moved": "survived", "m.killed": "killed"})
    tool.classify_equivalents(s, tmp_path, listed)
    assert s.equivalent == ["m.ok"]
    assert len(s.stale) == 2
    assert s.survivors == ["m.moved"]
    assert tool.added_lines(diff) == ["return None"]


def test_the_working_copy_selects_one_module(tool, tmp_path):
    base, modules = tool.load_config()
    module = next(m for m in modules if m.name == "learning.compose")
    where = tool.prepare(module, base, tmp_path)
    text = (where / "pyproject.toml").read_text("utf-8")
    parsed = tool.tomllib.loads(text)["tool"]
    assert parsed["mutmut"]["only_mutate"] == ["catlearn/learning/compose.py"]
    assert parsed["mutmut"]["pytest_add_cli_args_test_selection"] == ["tests/learning"]
    assert "testpaths" not in parsed["pytest"]["ini_options"]
    assert (where / "catlearn" / "learning" / "compose.py").exists()
    with pytest.raises(TypeError, match="TOML"):
        tool.toml_value(object())


def test_a_rerun_keeps_the_copy_only_while_the_sources_are_unchanged(tool, tmp_path):
    base, modules = tool.load_config()
    module = next(m for m in modules if m.name == "learning.plan")
    where = tool.prepare(module, base, tmp_path)
    stale_test = where / "tests" / "learning" / "test_stale_leftover.py"
    stale_test.write_text("def test_gone():\n    pass\n", "utf-8")
    assert tool.refresh_tests(module, where)
    assert not stale_test.exists()  # the tests are the current ones, not the copy's
    assert (where / "tests" / "learning").is_dir()
    assert (where / "conftest.py").exists()
    changed = tool.Module(module.name, module.mutate, (*module.tests, "tests/test_docs.py"))
    assert not tool.refresh_tests(changed, where)  # another test selection: a full run
    (where / tool.DIGEST).write_text("0" * 64, "utf-8")  # as if a source had changed
    assert not tool.refresh_tests(module, where)
    assert tool.sources_digest(tool.ROOT) == tool.sources_digest(tool.ROOT)
    assert tool.sources_digest(tool.ROOT) != tool.sources_digest(tmp_path / "nothing")


def test_mutants_never_tried_make_a_run_incomplete_not_a_pass(tool, capsys, tmp_path):
    s = tool.Score("m", {"a": "killed", "b": tool.UNRUN, "c": tool.UNRUN})
    assert s.tried == 1
    assert s.score == 100.0  # of the mutants tried
    assert s.survivors == []
    assert not tool.report([s], 90.0, False, False, tmp_path)
    assert "INCOMPLETE: 2 never tried" in capsys.readouterr().out


def test_a_sampled_score_reports_its_wilson_interval(tool, capsys, tmp_path):
    status = {f"k{i}": "killed" for i in range(90)}
    status.update({f"s{i}": "survived" for i in range(10)})
    s = tool.Score("m", status, sampled_from=1000)
    low, high = s.interval()
    assert low == pytest.approx(82.6, abs=0.1)
    assert high == pytest.approx(94.5, abs=0.1)
    assert tool.report([s], 90.0, False, False, tmp_path)
    assert "sample of 100 of 1000; 95% 82.6-94.5%" in capsys.readouterr().out
    assert tool.Score("m", {}, sampled_from=5).interval() == (100.0, 100.0)


def test_the_names_of_a_sample_are_mutmuts_own(tool):
    pytest.importorskip("mutmut")
    _, modules = tool.load_config()
    module = next(m for m in modules if m.name == "learning.compose")
    names = tool.mutant_names(module, tool.ROOT)
    assert len(names) == len(set(names)) > 50
    assert all(n.startswith("catlearn.learning.compose.x") and "__mutmut_" in n for n in names)
