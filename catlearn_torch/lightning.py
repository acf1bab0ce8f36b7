"""Optional adapter: a compiled diagram as a Lightning ``LightningModule``.

Lightning is not a dependency: this module imports without it, and using the adapter
without it raises :class:`MissingDependencyError` saying how to install it
(``pip install lightning``). :func:`lightning_module` returns a ``LightningModule`` whose
``training_step`` computes the diagram's loss and logs ``train/total`` and
``train/<equation>`` for each equation, and whose ``configure_optimizers`` builds the
optimiser of :func:`catlearn_torch.make_optimizer` (per-edge parameter groups). Several
sources: pass Lightning a ``CombinedLoader({source: loader, ...}, "max_size_cycle")``;
each batch is then a mapping from source names to batches, as the compiled diagram
takes them.

>>> import importlib.util
>>> have = importlib.util.find_spec("lightning") is not None
>>> try:
...     _ = lightning_class()
... except MissingDependencyError as err:
...     assert not have and "pip install lightning" in str(err)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import torch

from catlearn_torch.compile import CompiledDiagram
from catlearn_torch.errors import MESSAGES, MissingDependencyError
from catlearn_torch.train import OptimizerArg, make_optimizer

__all__ = ["lightning_module", "lightning_class"]

_CLASS: list[type] = []


def _import_lightning() -> Any:
    try:
        return importlib.import_module("lightning.pytorch")
    except ImportError:
        raise MissingDependencyError(MESSAGES["missing_dependency"].format(
            feature="catlearn_torch.lightning", package="lightning",
            pip="lightning")) from None


def lightning_class() -> type:
    """The ``LightningModule`` subclass (made on first use; needs ``lightning``).

    >>> try:
    ...     cls = lightning_class()
    ... except MissingDependencyError:
    ...     cls = None
    >>> cls is None or cls.__name__ == "DiagramModule"
    True
    """
    if _CLASS:
        return _CLASS[0]
    pl = _import_lightning()

    class DiagramModule(pl.LightningModule):  # type: ignore[misc, name-defined]
        """A compiled diagram as a LightningModule (see :func:`lightning_module`)."""

        def __init__(self, compiled: CompiledDiagram, optimizer: OptimizerArg = None,
                     lr: float = 1e-3, edge_lr: Mapping[str, float] | None = None,
                     scheduler: Callable[[torch.optim.Optimizer], Any] | None = None
                     ) -> None:
            super().__init__()
            self.compiled = compiled
            self._optimizer = optimizer
            self._lr = lr
            self._edge_lr = dict(edge_lr or {})
            self._scheduler = scheduler

        def forward(self, batches: Any) -> Any:
            return self.compiled(batches)

        def _step(self, batches: Any, stage: str) -> torch.Tensor:
            total, terms = self.compiled(batches)
            self.log(f"{stage}/total", total, prog_bar=True)
            for name, t in terms.items():
                self.log(f"{stage}/{name}", t)
            return total

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "train")

        def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "val")

        def configure_optimizers(self) -> Any:
            opt = make_optimizer(self.compiled, self._optimizer, self._lr, self._edge_lr)
            if self._scheduler is None:
                return opt
            return {"optimizer": opt, "lr_scheduler": self._scheduler(opt)}

        def train(self, mode: bool = True) -> Any:
            super().train(mode)
            self.compiled.train(mode)  # frozen edges stay in eval mode
            return self

    _CLASS.append(DiagramModule)
    return DiagramModule


def lightning_module(compiled: CompiledDiagram, optimizer: OptimizerArg = None,
                     lr: float = 1e-3, edge_lr: Mapping[str, float] | None = None,
                     scheduler: Callable[[torch.optim.Optimizer], Any] | None = None) -> Any:
    """Wrap a compiled diagram in a ``LightningModule`` (needs ``lightning``).

    >>> import torch.nn as nn
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch import Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> try:
    ...     module = lightning_module(L, lr=0.01)
    ... except MissingDependencyError as err:  # without lightning installed
    ...     module = str(err)
    >>> "pip install lightning" in module if isinstance(module, str) else module.compiled is L
    True
    """
    return lightning_class()(compiled, optimizer=optimizer, lr=lr, edge_lr=edge_lr,
                             scheduler=scheduler)
