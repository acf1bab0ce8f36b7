"""Small regimes shared by the torch tests."""

from __future__ import annotations

import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import CompiledDiagram, Realisation, compile


class Counting(nn.Module):
    """Wraps a module and counts its forward calls."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return self.inner(x)


def backbone_heads(k: int = 3, d: int = 4, h: int = 8, seed: int = 0
                   ) -> tuple[LearningDiagram, CompiledDiagram]:
    """A backbone ``m: X -> F`` with ``k`` heads ``h_i: F -> Y_i`` and labels ``y_i``."""
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X")
    for i in range(k):
        g = g.data(f"y{i}", "N", f"Y{i}")
    g = g.model("m", "X", "F")
    for i in range(k):
        g = g.model(f"h{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g)
    models: dict[str, nn.Module] = {"m": Counting(nn.Sequential(nn.Linear(d, h), nn.Tanh()))}
    for i in range(k):
        models[f"h{i}"] = Counting(nn.Linear(h, 2))
    return D, compile(D, Realisation(D, models=models))


def backbone_batch(n: int = 6, k: int = 3, d: int = 4) -> dict[str, torch.Tensor]:
    out = {"x": torch.randn(n, d)}
    for i in range(k):
        out[f"y{i}"] = torch.randn(n, 2)
    return out


def distillation(seed: int = 0, temperature: float = 2.0
                 ) -> tuple[LearningDiagram, CompiledDiagram]:
    """Teacher ``t`` (fixed) and student ``s`` (learnable) into class space ``Y``."""
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    D = LearningDiagram(g, [("x ⋅ s", "y"), ("x ⋅ s", "x ⋅ t")])
    from catlearn.learning import Equation
    eqs = [Equation(D.path("x ⋅ s"), D.path("y"), comparator="cross_entropy"),
           Equation(D.path("x ⋅ s"), D.path("x ⋅ t"),
                    comparator=f"kl(temperature={temperature})", weight=0.5)]
    D = LearningDiagram(g, eqs)
    R = Realisation(D, models={"t": nn.Sequential(nn.Linear(4, 16), nn.ReLU(),
                                                  nn.Dropout(0.5), nn.Linear(16, 3)),
                               "s": nn.Linear(4, 3)})
    return D, compile(D, R)


def two_sources(seed: int = 0) -> tuple[LearningDiagram, CompiledDiagram]:
    """Two data sets sharing a backbone ``b``: ``A`` (x, y: 3 classes) and ``B`` (u, v)."""
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "A", "X").data("y", "A", "Y")
    g = g.data("u", "B", "X").data("v", "B", "V")
    g = g.model("b", "X", "F").model("hy", "F", "Y").model("hv", "F", "V")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"})
    R = Realisation(D, models={"b": nn.Sequential(nn.Linear(4, 8), nn.Tanh()),
                               "hy": nn.Linear(8, 3), "hv": nn.Linear(8, 2)})
    return D, compile(D, R)
