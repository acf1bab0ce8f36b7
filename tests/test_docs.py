"""The documentation site builds with warnings as errors (``mkdocs build --strict``: a
broken link, a missing page or an unresolved reference fails), its Python examples run,
and every public module is in the API reference. The build is skipped where the ``docs``
extra is not installed."""

from __future__ import annotations

import importlib.util
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_tools" not in p.parts)
#: Pages whose Python is a script to launch elsewhere (torchrun), not an example to run.
SCRIPTS = {"guide/scale-out.md"}


def test_site_builds_strictly(tmp_path: Path) -> None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
                   "mkdocs_jupyter"):
        pytest.importorskip(module)
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    for page in ("index.html", "getting-started/index.html", "guide/scale-out/index.html",
                 "api/acsets/index.html", "api/torch/index.html",
                 "notebooks/01_knowledge_distillation/index.html",
                 "proofs/gluing_lemma/index.html", "results/paper_regimes/index.html",
                 "CHANGELOG/index.html"):
        assert (site / page).is_file(), page
    api = (site / "api/learning/index.html").read_text()
    assert 'id="catlearn.learning.diagram.LearningDiagram"' in api
    assert ":func:" not in api  # the griffe extension turned Sphinx roles into links
    assert api.count('class="autorefs autorefs-internal"') > 10
    start = (site / "getting-started/index.html").read_text()
    assert "pytest -q" in start
    assert "find_embeddings" in start
    assert "fonts.googleapis.com" not in start  # nothing fetched for fonts


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)
                                  and p.relative_to(DOCS).as_posix() not in SCRIPTS],
                         ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for code in python_blocks(page):
        if "torch" in code:
            pytest.importorskip("torch")
        exec(compile(code, str(page), "exec"), {})


def public_modules() -> list[str]:
    import catlearn
    import catlearn_torch

    names = []
    for package in (catlearn, catlearn_torch):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                names.append(info.name)
    return names


def test_every_public_module_is_in_the_api_reference() -> None:
    pytest.importorskip("torch")
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented |= set(re.findall(r"^::: (\S+)", page.read_text(), flags=re.M))
    missing = sorted(set(public_modules()) - documented)
    assert not missing, f"modules missing from docs/api: {missing}"


def converter() -> Any:
    pytest.importorskip("griffe")
    spec = importlib.util.spec_from_file_location("griffe_rst",
                                                  DOCS / "_tools" / "griffe_rst.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_roles_become_cross_references() -> None:
    """A role naming the library's object becomes a reference to its documented path
    (re-exports followed), which autorefs must resolve; other roles stay code."""
    module = converter()
    import griffe

    pkg = griffe.load("catlearn_torch", search_paths=[str(ROOT)], resolve_aliases=False)
    griffe.load("catlearn", search_paths=[str(ROOT)], modules_collection=pkg.modules_collection)
    obj = pkg["regimes"]
    text = (":func:`few_shot`, :class:`~catlearn_torch.CompiledDiagram`, "
            ":meth:`~catlearn_torch.CompiledDiagram.check`, :class:`torch.nn.Module`, "
            ":func:`~catlearn.learning.glue`")
    assert module._link_roles(obj, text) == (
        "[`few_shot`][catlearn_torch.regimes.few_shot], "
        "[`CompiledDiagram`][catlearn_torch.compile.CompiledDiagram], "
        "[`check`][catlearn_torch.compile.CompiledDiagram.check], `torch.nn.Module`, "
        "[`glue`][catlearn.learning.compose.glue]")


def test_the_docstring_converter() -> None:
    module = converter()
    text = ("Use :func:`~catlearn.learning.glue` or :class:`catlearn.acsets.ACSet`::\n\n"
            "    code\n\n" + ">" * 3 + " 1 + 1\n2\n\n"
            "============  ========\nname          what\n============  ========\n"
            ":func:`~a.f`  one\n              and more\ng             two\n"
            "============  ========\nafter")
    lines = module.to_markdown(text).splitlines()
    assert lines[0] == "Use `glue` or `catlearn.acsets.ACSet`:"
    assert lines[4:8] == ["```pycon", ">>> 1 + 1", "2", "```"]
    assert lines[9:14] == ["", "| name | what |", "|---|---|", "| `f` | one and more |",
                           "| g | two |"]
    assert lines[-1] == "after"
    with pytest.raises(ValueError, match="overflows its column"):
        module.to_markdown("====  ====\na     b\n====  ====\n:func:`x`  y\n====  ====")
