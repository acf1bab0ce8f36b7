"""The distribution builds (``python -m build``, offline, without isolation) and passes
``twine check``; the wheel holds exactly the packages, their ``py.typed`` markers and the
metadata — no tests, notebooks or docs — and the version is the one in
``catlearn.__version__``."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import catlearn

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    # neither --sdist nor --wheel: build the sdist, then the wheel from the unpacked sdist
    # (so the sdist is complete enough to build from, and no build/ folder is left here)
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                           str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_twine_check_passes(dist: Path) -> None:
    pytest.importorskip("twine")
    files = sorted(str(p) for p in dist.iterdir())
    assert len(files) == 2
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


def test_wheel_holds_the_packages_and_nothing_else(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    assert wheel.name.startswith(f"catlearn_diagrams-{catlearn.__version__}-py3-none-any")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    info = f"catlearn_diagrams-{catlearn.__version__}.dist-info"
    assert tops == {"catlearn", "catlearn_torch", info}
    assert {"catlearn/py.typed", "catlearn_torch/py.typed"} <= set(names)
    for module in ("catlearn/acsets/acset.py", "catlearn/learning/diagram.py",
                   "catlearn_torch/compile.py", "catlearn/cli.py"):
        assert module in names
    assert not [n for n in names if "test" in n.split("/")[0] or n.endswith(".ipynb")]
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"Version: {catlearn.__version__}" in metadata
    assert "License :: OSI Approved :: MIT License" in metadata
    assert "Provides-Extra: docs" in metadata
    assert "Provides-Extra: torch" in metadata
    assert any(n.startswith(f"{info}/") and "LICENSE" in n for n in names)
    entry = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "catlearn = catlearn.cli:main" in entry


def test_sdist_holds_sources_tests_and_license(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    root = f"catlearn_diagrams-{catlearn.__version__}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    for path in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml",
                 "catlearn/py.typed", "catlearn_torch/py.typed", "catlearn/__init__.py",
                 "tests/test_packaging.py", "examples/distillation.yaml"):
        assert f"{root}/{path}" in names, path
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")
                or ".hypothesis" in n or ".ipynb_checkpoints" in n]
