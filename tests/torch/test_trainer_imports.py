"""The torch backend's modules import each other without a cycle — counting imports
inside functions too (the trainer and surgery used to import each other lazily) but not
those under ``TYPE_CHECKING`` — and each imports on its own in a fresh interpreter."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "catlearn_torch"


def module_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for f in PKG.rglob("*.py"):
        parts = f.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(f.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test)
                       for n in ast.walk(node)}
        graph[name] = {node.module for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and id(node) not in typing_only
                       and (node.module or "").startswith("catlearn_torch")}
    return graph


def test_no_import_cycle():
    graph = module_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(u: str, path: list[str]) -> None:
        state[u] = 1
        for v in sorted(graph.get(u, ())):
            if v not in graph or v == "catlearn_torch":
                continue
            if state.get(v) == 1:
                cycles.append([*path[path.index(v):], v])
            elif v not in state:
                visit(v, [*path, v])
        state[u] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles
    assert "catlearn_torch.train" not in graph["catlearn_torch.surgery"]
    assert "catlearn_torch.surgery" not in graph["catlearn_torch.trainer.fit"]


@pytest.mark.parametrize("module", ["catlearn_torch.surgery", "catlearn_torch.train",
                                    "catlearn_torch.trainer.checkpoint",
                                    "catlearn_torch.weighting.mgda"])
def test_each_module_imports_alone(module):
    out = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                         text=True, cwd=PKG.parent)
    assert out.returncode == 0, out.stderr
