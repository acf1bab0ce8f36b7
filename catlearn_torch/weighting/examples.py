"""A small regime for the doctests of the weighting strategies and the trainer: a
backbone ``m: X -> F`` with two heads ``h1: F -> Y``, ``h2: F -> Z`` (MSE) and a batch.

>>> L, batch = example(); L.learnable_edges()
('m', 'h1', 'h2')
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch.compile import CompiledDiagram, compile
from catlearn_torch.realise import Realisation

__all__ = ["example"]


def example(weighting: Any = None, seed: int = 0) -> tuple[CompiledDiagram, dict[str, Tensor]]:
    """A backbone ``m`` with two heads and a batch (for the doctests of the strategies).

    >>> L, batch = example(); sorted(L.weights), sorted(batch)
    (['x ⋅ m ⋅ h1 = y', 'x ⋅ m ⋅ h2 = z'], ['x', 'y', 'z'])
    """
    gen = torch.Generator().manual_seed(seed)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")
    D = LearningDiagram.from_graph(g)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        models = {"m": nn.Linear(3, 4), "h1": nn.Linear(4, 2), "h2": nn.Linear(4, 2)}
    batch = {"x": torch.randn(6, 3, generator=gen), "y": torch.randn(6, 2, generator=gen),
             "z": torch.randn(6, 2, generator=gen)}
    return compile(D, Realisation(D, models=models), weighting=weighting), batch
