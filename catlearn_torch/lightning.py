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

**Weighting.** The strategy's hooks run at Lightning's matching hooks, so DWA, GradNorm,
uncertainty and the gradient methods train as under :func:`catlearn_torch.fit`:
``before_backward`` at ``on_before_backward``, the strategy's ``backward`` as the
module's ``backward`` (with the loss scale of Lightning's ``"16-mixed"`` precision plugin
divided by ``accumulate_grad_batches``: gradient manipulation sees the same factor as the
loss), ``after_step`` at ``on_train_batch_end`` and ``on_epoch_end`` at
``on_train_epoch_end``, where each equation's effective weight is logged as
``train/<equation> [weight]`` (next to ``train/<equation>``, the term of each step).

**Which route when.** :func:`catlearn_torch.fit` is the short path: one call, exact
resume of everything (loader positions, RNGs, EMA, early stopping), per-edge surgery
between epochs (``on_epoch_end``), EMA edges (a mean teacher as a diagram), the CLI's
engine. Take Lightning when the run needs what Lightning brings — multi-node or
strategy plugins (DeepSpeed, FSDP), its loggers and callbacks, a team's existing
Lightning setup; its precision and ``accumulate_grad_batches`` work with every weighting
strategy here. Lightning's own checkpoints restore the module (and so the strategy's
state, which is in its ``state_dict``) but not the mid-epoch loader position.

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
from catlearn_torch.errors import MISSING_DEPENDENCY, MissingDependencyError
from catlearn_torch.train import OptimizerArg, make_optimizer
from catlearn_torch.weighting import Fixed

__all__ = ["lightning_module", "lightning_class"]

_CLASS: list[type] = []


def _import_lightning() -> Any:
    try:
        return importlib.import_module("lightning.pytorch")
    except ImportError:
        raise MissingDependencyError(MISSING_DEPENDENCY.format(
            feature="catlearn_torch.lightning", package="lightning",
            pip="lightning")) from None


# C901: the class body's methods count toward the factory
def lightning_class() -> type:  # noqa: C901
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

    class DiagramModule(pl.LightningModule):  # type: ignore[name-defined]
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
            self._terms: dict[str, torch.Tensor] | None = None

        def forward(self, batches: Any) -> Any:
            return self.compiled(batches)

        def _step(self, batches: Any, stage: str) -> torch.Tensor:
            total, terms = self.compiled(batches)
            self.log(f"{stage}/total", total, prog_bar=True)
            for name, t in terms.items():
                self.log(f"{stage}/{name}", t)
            if stage == "train":
                self._terms = terms
            return total

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "train")

        def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "val")

        def _hooks(self) -> bool:
            return type(self.compiled.weighting) is not Fixed

        def on_before_backward(self, loss: torch.Tensor) -> None:
            if self._hooks() and self._terms is not None:
                self.compiled.weighting.before_backward(self._terms, self.compiled)

        def backward(self, loss: torch.Tensor, *args: Any, **kwargs: Any) -> None:
            if self._terms is None or args or kwargs:
                super().backward(loss, *args, **kwargs)
                return
            trainer = self.trainer
            scaler = getattr(trainer.precision_plugin, "scaler", None)
            scale = float(scaler.get_scale()) if scaler is not None else 1.0
            scale /= max(int(trainer.accumulate_grad_batches), 1)
            self.compiled.weighting.backward(loss, self._terms, self.compiled, scale)

        def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
            if self._hooks() and self._terms is not None:
                self.compiled.weighting.after_step(self._terms, self.compiled)
            self._terms = None

        def on_train_epoch_end(self) -> None:
            core = self.compiled
            if not self._hooks():
                return
            core.weighting.on_epoch_end(self.current_epoch, core)
            for name, w in core.weighting.effective_weights(core).items():
                self.log(f"train/{name} [weight]", float(w))

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
