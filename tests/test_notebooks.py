"""The notebooks in notebooks/ run top to bottom (nbclient, a fresh kernel each, small
settings), with the notebook's folder as the working directory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_the_five_notebooks_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    pytest.importorskip("matplotlib")
    book = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code"), \
        "notebooks are committed without outputs"
    root = str(path.parent.parent)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = root + (os.pathsep + env_path if env_path else "")
    try:
        start = time.perf_counter()
        nbclient.NotebookClient(book, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
        assert time.perf_counter() - start < 120
        texts = [str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
                 for c in book.cells if c.cell_type == "code" for out in c.get("outputs", [])]
        noise = [t for t in texts if "IProgress" in t or "Warning" in t or "np.int64" in t]
        assert not noise, f"{path.name} prints warnings or numpy reprs: {noise}"
    finally:
        if env_path:
            os.environ["PYTHONPATH"] = env_path
        else:
            del os.environ["PYTHONPATH"]
