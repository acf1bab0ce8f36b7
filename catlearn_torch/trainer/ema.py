"""Exponential moving averages of learnable edges, with ``torch.optim.swa_utils``.

Two uses, both built on :class:`torch.optim.swa_utils.AveragedModel` with
:func:`~torch.optim.swa_utils.get_ema_multi_avg_fn` (parameters *and* buffers averaged,
``use_buffers=True``), updated after every optimiser step:

* **EMA weights** (``fit(..., ema=decay)``): an average of every learnable edge. As
  Lightning's ``WeightAveraging`` callback does, ``evaluate`` runs with the averages
  swapped in, and at the end of training the averages are copied into the models.
* **EMA edges** (``fit(..., ema_edges={"t": "s"})``): the *fixed* edge ``t`` of the
  diagram is the moving average of the learnable edge ``s`` (same architecture). ``t``
  starts as a copy of ``s`` and follows it, ``θ_t ← d·θ_t + (1-d)·θ_s``; so a mean
  teacher is a diagram: a student ``s``, a teacher ``t: X -> Y`` fixed, and a
  consistency equation ``x ⋅ s = x ⋅ t``. The teacher's cached values (``cache=True``)
  are dropped after each update.

The averages' state (``n_averaged``; the averaged parameters of EMA weights) goes into
checkpoints, so a resumed run continues exactly.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> g = g.model("s", "X", "Y").fixed("t", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> L = compile(D, Realisation(D, models={"s": nn.Linear(2, 1), "t": nn.Linear(2, 1)}))
>>> ema = EdgeAverages(L, 0.5, {"t": "s"})
>>> torch.equal(L.model("t").weight, L.model("s").weight)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from catlearn_torch.compile import CompiledDiagram
from catlearn_torch.errors import BAD_FIT_ARG, EMA_EDGES, RealisationError

__all__ = ["EdgeAverages", "DEFAULT_DECAY"]

#: The decay used for ``ema_edges`` when ``ema`` is not given.
DEFAULT_DECAY = 0.999


def _decay(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0.0 <= value < 1.0:
        raise RealisationError(BAD_FIT_ARG.format(
            name="ema", expected="a decay in [0, 1)", got=value))
    return float(value)


def _check_edges(core: CompiledDiagram, edges: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    sources = set()
    for t, s in edges.items():
        if t not in core.roles or core.roles[t] != "fixed":
            raise RealisationError(EMA_EDGES.format(
                why=f"{t!r} must be a fixed edge of the diagram (the average); fixed edges: "
                    f"{', '.join(e for e, r in core.roles.items() if r == 'fixed') or 'none'}"))
        if s not in core.learnable_edges():
            raise RealisationError(EMA_EDGES.format(
                why=f"{s!r} (averaged into {t!r}) must be a trainable learnable edge; those "
                    f"are: {', '.join(core.learnable_edges()) or 'none'}"))
        if core.diagram.graph.ends(t) != core.diagram.graph.ends(s):
            raise RealisationError(EMA_EDGES.format(
                why=f"{t!r} and {s!r} go between different spaces"))
        sources.add(s)
        out[str(t)] = str(s)
    return out


class EdgeAverages:
    """The moving averages of a run (see the module docstring): ``decay`` for every
    learnable edge (``edges=None``) or for the ``{fixed edge: learnable edge}`` pairs of
    ``edges``. Complexity: one pass over the averaged parameters per update.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> ema = EdgeAverages(L, 0.9); sorted(ema.averages)
    ['c']
    """

    def __init__(self, core: CompiledDiagram, decay: float,
                 edges: Mapping[str, str] | None = None) -> None:
        self.core = core
        self.decay = _decay(decay)
        self.edges = _check_edges(core, edges) if edges is not None else None
        fn = get_ema_multi_avg_fn(self.decay)
        self.averages: dict[str, AveragedModel] = {}
        if self.edges is None:
            for e in core.learnable_edges():
                self.averages[e] = AveragedModel(core.models[e], multi_avg_fn=fn,
                                                 use_buffers=True)
            return
        for t, s in self.edges.items():
            avg = AveragedModel(core.models[s], multi_avg_fn=fn, use_buffers=True)
            try:
                core.models[t].load_state_dict(core.models[s].state_dict())
            except RuntimeError as err:
                raise RealisationError(EMA_EDGES.format(
                    why=f"the modules of {t!r} and {s!r} differ: "
                        f"{str(err).splitlines()[0]}")) from None
            avg.module = core.models[t]  # the fixed edge's own module holds the average
            self.averages[t] = avg
            core.clear_cache(t)

    def _source(self, key: str) -> nn.Module:
        return self.core.models[key if self.edges is None else self.edges[key]]

    def update(self) -> None:
        """Fold the current parameters into the averages (after an optimiser step).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); ema = EdgeAverages(L, 0.5)
        >>> w0 = L.model("m").weight.clone(); ema.update()        # first: a copy
        >>> with torch.no_grad(): _ = L.model("m").weight.add_(2.0)
        >>> ema.update()                                          # then: 0.5·old + 0.5·new
        >>> torch.allclose(ema.averages["m"].module.weight, w0 + 1.0)
        True
        """
        for key, avg in self.averages.items():
            avg.update_parameters(self._source(key))
            if self.edges is not None:
                self.core.clear_cache(key)

    @contextmanager
    def swapped(self) -> Iterator[None]:
        """Within the block, the learnable edges hold their averages (EMA weights only;
        with ``edges`` nothing is swapped: the fixed edges are the averages).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); ema = EdgeAverages(L, 0.5); ema.update()
        >>> w = L.model("m").weight.clone()
        >>> with torch.no_grad(): _ = ema.averages["m"].module.weight.zero_()
        >>> with ema.swapped(): float(L.model("m").weight.detach().abs().sum())
        0.0
        >>> torch.equal(L.model("m").weight, w)  # restored after the block
        True
        """
        if self.edges is not None:
            yield
            return
        saved = {e: {k: v.clone() for k, v in self.core.models[e].state_dict().items()}
                 for e in self.averages}
        try:
            self.copy_into_models()
            yield
        finally:
            for e, sd in saved.items():
                self.core.models[e].load_state_dict(sd)

    def copy_into_models(self) -> None:
        """Copy the averages into the learnable edges (EMA weights, at the end of a run).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); ema = EdgeAverages(L, 0.5)
        >>> with torch.no_grad(): _ = ema.averages["m"].module.weight.fill_(3.0)
        >>> ema.copy_into_models(); L.model("m").weight.unique().tolist()
        [3.0]
        """
        if self.edges is not None:
            return
        with torch.no_grad():
            for e, avg in self.averages.items():
                self.core.models[e].load_state_dict(avg.module.state_dict())
                self.core.clear_cache(e)

    def state_dict(self) -> dict[str, Any]:
        """The averages' state, for checkpoints.

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); s = EdgeAverages(L, 0.5).state_dict()
        >>> s["decay"], sorted(s["averages"])
        (0.5, ['h1', 'h2', 'm'])
        """
        return {"decay": self.decay, "edges": dict(self.edges or {}),
                "averages": {k: a.state_dict() for k, a in self.averages.items()}}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict` (the run must average the same edges).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); a = EdgeAverages(L, 0.5); a.update()
        >>> b = EdgeAverages(L, 0.5); b.load_state_dict(a.state_dict())
        >>> int(b.averages["m"].n_averaged)
        1
        >>> b.load_state_dict({"averages": {}, "edges": {}})
        Traceback (most recent call last):
        ...
        catlearn_torch.errors.RealisationError: ema_edges: the checkpoint averages ...
        """
        saved = state.get("averages")
        if not isinstance(saved, Mapping) or set(saved) != set(self.averages) \
                or dict(state.get("edges") or {}) != dict(self.edges or {}):
            raise RealisationError(EMA_EDGES.format(
                why="the checkpoint averages other edges than this run "
                    f"(checkpoint: {sorted(saved) if isinstance(saved, Mapping) else saved}; "
                    f"this run: {sorted(self.averages)})"))
        for k, avg in self.averages.items():
            avg.load_state_dict(saved[k])
