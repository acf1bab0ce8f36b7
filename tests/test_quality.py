"""The code stays ruff- and mypy-clean (skipped where the tools are not installed)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_is_clean():
    proc = run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean():
    pytest.importorskip("mypy")
    proc = run(sys.executable, "-m", "mypy", "catlearn", "catlearn_torch")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_core_never_imports_torch():
    code = ("import sys, pkgutil, importlib, catlearn\n"
            "for m in pkgutil.walk_packages(catlearn.__path__, 'catlearn.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = sorted(k for k in sys.modules if k == 'torch' or k.startswith('torch.'))\n"
            "print(len(bad))\n")
    proc = run(sys.executable, "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0", "importing catlearn imported torch"


def test_the_core_doctests_never_import_torch():
    code = ("import sys, pytest\n"
            "rc = pytest.main(['-q', '-p', 'no:randomly', 'catlearn/errors.py',"
            " 'catlearn/acsets/acset.py', 'catlearn/learning/graph.py'])\n"
            "print('rc', int(rc), 'torch', any(k == 'torch' or k.startswith('torch.')"
            " for k in sys.modules))\n")
    proc = run(sys.executable, "-c", code)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "rc 0 torch False", proc.stdout
