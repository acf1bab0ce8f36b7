"""Compile a realised learning diagram into one loss: an ``nn.Module``.

:func:`compile` turns a diagram and its :class:`Realisation` into a
:class:`CompiledDiagram`, whose ``forward(batches)`` executes the diagram's loss program
(:mod:`catlearn.learning.plan`): every node of each source's prefix trie is computed
once per batch, in order (a backbone feeding ``K`` heads runs once), then each equation
compares two nodes. It returns ``LossOutput(total, terms)``: ``terms`` maps each
equation's name to its comparator value (unweighted) and
``total = Σ weight · terms[name]``.

* Data edges read the batch's columns, moved to the modules' device.
* Fixed edges are frozen (``requires_grad=False``, kept in eval mode by ``train()``) and
  computed under ``torch.no_grad()`` when no learnable edge precedes them on the path;
  after a learnable edge they are applied normally, so the gradient flows *through*
  them to the learnable edges before them.
* An equation with ``grad="lhs"`` detaches its rhs value when comparing (only for that
  equation: the trie node is shared and stays attached for the others); ``"rhs"``
  likewise.
* ``weighting=``: how the terms become the total (:mod:`catlearn_torch.weighting`;
  default ``Σ weight · term``).
* **Missing values** (``Masked`` columns, ``"<edge>.mask"`` keys, ``missing=`` ignore
  values; see :mod:`catlearn_torch.data`): each path is computed on the examples where
  its data column is defined, each equation compares its paths on the examples where
  both are (so its term is the comparator's mean over exactly those examples); an
  equation with no such example contributes 0 (never NaN). ``last_defined`` then maps
  each equation to its number of compared examples (``None`` after a batch without
  missing values).
* ``cache=True`` memoises **frozen paths** — a data column followed only by frozen edges,
  e.g. a fixed teacher's logits — per example, keyed by the batch's ``"index"`` (see
  :class:`catlearn_torch.data.Indexed`), on the modules' device: the teacher runs once
  per example over a whole run. Replacing or unfreezing an edge on such a path (or
  loading parameters with ``load_state_dict``, ``load_model``, ``transfer``,
  ``restore_checkpoint``) drops its entries; after changing a frozen module's weights by
  hand call :meth:`CompiledDiagram.clear_cache`. Only use it when an example's data
  columns are the same every time it is drawn (no random augmentation on the way in).

>>> import torch, torch.nn as nn
>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
>>> g = g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")
>>> D = LearningDiagram.from_graph(g)
>>> R = Realisation(D, models={"m": nn.Linear(4, 8), "h1": nn.Linear(8, 2),
...                            "h2": nn.Linear(8, 3)})
>>> loss = compile(D, R)
>>> total, terms = loss({"x": torch.randn(5, 4), "y": torch.randn(5, 2),
...                      "z": torch.randn(5, 3)})
>>> sorted(terms), total.shape
(['x ⋅ m ⋅ h1 = y', 'x ⋅ m ⋅ h2 = z'], torch.Size([]))
>>> loss.plan.count_edge_runs()["m"]
1
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import torch
from torch import Tensor, nn

from catlearn.learning import FIXED, LEARNABLE, LearningDiagram, dump_spec, path_text, to_spec
from catlearn.learning.plan import LossPlan
from catlearn_torch.comparators import Comparator, describe
from catlearn_torch.data import (
    INDEX,
    MASK_SUFFIX,
    Masked,
    as_columns,
    column_mask,
    source_columns,
    split_batches,
)
from catlearn_torch.errors import (
    MESSAGES,
    BatchError,
    CheckError,
    RealisationError,
    UnreachedModelWarning,
)
from catlearn_torch.realise import Realisation
from catlearn_torch.weighting import Fixed, Weighting, get_weighting

__all__ = ["compile", "CompiledDiagram", "LossOutput", "CheckReport", "unwrap"]

_COLUMN, _MODULE, _MODULE_NO_GRAD = 0, 1, 2
_BOTH, _DETACH_RHS, _DETACH_LHS = 0, 1, 2


class LossOutput(NamedTuple):
    """What a compiled diagram returns: the total loss and the per-equation terms.

    >>> total, terms = LossOutput(torch.tensor(1.0), {"x ⋅ c = y": torch.tensor(1.0)})
    >>> list(terms)
    ['x ⋅ c = y']
    """

    total: Tensor
    terms: dict[str, Tensor]


@dataclass
class CheckReport:
    """What :meth:`CompiledDiagram.check` found on one batch (when nothing was wrong).

    ``values``: each trie node's path and the shape/dtype of its value; ``terms``: each
    equation's value; ``unreached``: learnable edges that get no gradient;
    ``warnings``: other remarks (e.g. a learnable module without parameters).

    >>> CheckReport(terms={"x ⋅ c = y": 0.5}).terms
    {'x ⋅ c = y': 0.5}
    """

    values: dict[str, str] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    unreached: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = ["check passed"]
        lines += [f"  {p}: {d}" for p, d in self.values.items()]
        lines += [f"  {n} = {v:.6g}" for n, v in self.terms.items()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


class _NodeCache:
    """Per-example values of one frozen trie node, indexed by example index."""

    def __init__(self) -> None:
        self.values: Tensor | None = None
        self.filled: Tensor | None = None

    def lookup(self, idx: Tensor) -> Tensor | None:
        if self.values is None or self.filled is None or idx.numel() == 0:
            return None
        idx = idx.to(self.filled.device)
        if int(idx.max()) >= self.filled.shape[0] or not bool(self.filled[idx].all()):
            return None
        return self.values[idx]

    def store(self, idx: Tensor, value: Tensor) -> None:
        if idx.numel() == 0:
            return
        value = value.detach()
        idx = idx.to(value.device)
        need = int(idx.max()) + 1
        if self.values is None or self.filled is None or self.values.shape[1:] != \
                value.shape[1:] or self.values.dtype != value.dtype:
            self.values = torch.empty((need, *value.shape[1:]), dtype=value.dtype,
                                      device=value.device)
            self.filled = torch.zeros(need, dtype=torch.bool, device=value.device)
        elif need > self.values.shape[0]:
            size = max(need, 2 * self.values.shape[0])
            grown = torch.empty((size, *value.shape[1:]), dtype=value.dtype,
                                device=value.device)
            grown[: self.values.shape[0]] = self.values
            filled = torch.zeros(size, dtype=torch.bool, device=value.device)
            filled[: self.filled.shape[0]] = self.filled
            self.values, self.filled = grown, filled
        self.values[idx] = value
        self.filled[idx] = True


def _common_rows(ml: Tensor | None, mr: Tensor | None) -> Tensor:
    """The rows where both sides are defined (at least one side has a mask)."""
    if ml is None:
        return cast(Tensor, mr)
    return ml if mr is None else ml & mr


def unwrap(model: nn.Module) -> CompiledDiagram:
    """The :class:`CompiledDiagram` inside wrappers (``DistributedDataParallel``,
    ``torch.compile``'s module).

    >>> unwrap(nn.Linear(1, 1))
    Traceback (most recent call last):
    ...
    TypeError: expected a compiled diagram (or a wrapper of one), not Linear
    """
    seen = 0
    while not isinstance(model, CompiledDiagram) and seen < 8:
        inner = getattr(model, "module", None) or getattr(model, "_orig_mod", None)
        if not isinstance(inner, nn.Module):
            break
        model, seen = inner, seen + 1
    if not isinstance(model, CompiledDiagram):
        raise TypeError(f"expected a compiled diagram (or a wrapper of one), not "
                        f"{type(model).__name__}")
    return model


class CompiledDiagram(nn.Module):
    """The loss of a realised diagram as an ``nn.Module`` (see the module docstring).

    The realisation's modules live in ``self.models``, an ``nn.ModuleDict`` keyed by edge
    name, so ``state_dict`` keys read ``models.<edge>.<param>``.

    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = CompiledDiagram(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> list(L.state_dict())
    ['models.c.weight', 'models.c.bias']
    """

    def __init__(self, diagram: LearningDiagram, realisation: Realisation, *,
                 weighting: str | Weighting | None = None,
                 missing: Mapping[str, Any] | None = None, cache: bool = False) -> None:
        super().__init__()
        if realisation.diagram is not diagram and realisation.diagram != diagram:
            raise RealisationError(MESSAGES["diagram_mismatch"])
        bad = [n for n in realisation.modules if "." in n]
        if bad:
            raise RealisationError(f"edge name(s) {', '.join(bad)} contain '.', which "
                                   "nn.ModuleDict keys cannot: relabel the edges")
        self.diagram = diagram
        self.realisation = realisation
        self.plan: LossPlan = diagram.compile_plan()
        self.models = nn.ModuleDict(realisation.modules)
        self.roles: dict[str, str] = dict(realisation.roles)
        self.sources: tuple[str, ...] = self.plan.sources
        self.columns = source_columns(diagram.graph)
        self._frozen: set[str] = {n for n, r in self.roles.items() if r == FIXED}
        self.comparators: dict[str, Comparator] = {
            eq.name: realisation.comparator(eq) for eq in diagram.equations}
        self.weights: dict[str, float] = {eq.name: eq.weight for eq in diagram.equations}
        for n in self._frozen:
            self._freeze_module(self.models[n])
        data_edges = [e for cols in self.columns.values() for e in cols]
        self.missing: dict[str, Any] = dict(missing or {})
        bad = [e for e in self.missing if e not in data_edges]
        if bad:
            raise RealisationError(MESSAGES["bad_missing"].format(
                names=", ".join(bad), known=", ".join(data_edges) or "none"))
        if cache and INDEX in data_edges:
            raise RealisationError(MESSAGES["index_edge"])
        #: per equation, the number of examples compared on the last batch with missing
        #: values (``None`` when the last batch had none)
        self.last_defined: dict[str, int] | None = None
        #: bumped by every change of modules, frozen edges or weighting (surgery)
        self.version = 0
        self._cache_on = bool(cache)
        self._cache: dict[int, _NodeCache] = {}
        self._device = self._find_device()
        self.weighting: Weighting = get_weighting(weighting)
        self.weighting.bind(self)
        self.weighting.to(self._device)
        self._build()

    # ------------------------------------------------------------------ program
    def _build(self) -> None:
        plan = self.plan
        trainable_above: list[bool] = [False] * len(plan.nodes)
        steps: list[tuple[int, int, int, str, str]] = []
        needed: dict[str, list[str]] = {s: [] for s in self.sources}
        for n in plan.nodes:
            if n.parent is None or n.edge is None:
                continue
            above = trainable_above[n.parent]
            if n.role == LEARNABLE and n.edge not in self._frozen:
                trainable_above[n.id] = True
            else:
                trainable_above[n.id] = above
            if n.role == "data":
                steps.append((n.id, n.parent, _COLUMN, n.edge, n.source))
                needed[n.source].append(n.edge)
            elif n.edge in self._frozen and not above:
                steps.append((n.id, n.parent, _MODULE_NO_GRAD, n.edge, n.source))
            else:
                steps.append((n.id, n.parent, _MODULE, n.edge, n.source))
        self._steps = steps
        self._needed = {s: tuple(v) for s, v in needed.items()}
        self._roots = {n.source: n.id for n in plan.roots()}
        self._equations = [
            (eq.name, eq.lhs, eq.rhs, self.comparators[eq.name],
             {"both": _BOTH, "lhs": _DETACH_RHS, "rhs": _DETACH_LHS}[eq.grad],
             self.weights[eq.name])
            for eq in plan.equations]
        # frozen paths: a data column, then frozen edges only
        cacheable: set[int] = set()
        columns = {nid for nid, _, kind, _, _ in steps if kind == _COLUMN}
        for nid, pid, kind, name, _ in steps:
            if kind != _COLUMN and name in self._frozen and (pid in columns
                                                             or pid in cacheable):
                cacheable.add(nid)
        ends = {i for eq in plan.equations for i in (eq.lhs, eq.rhs)}
        has_other_child = {n.parent for n in plan.nodes
                           if n.parent in cacheable and n.id not in cacheable}
        self._cacheable = cacheable
        self._frontier = tuple(sorted(n for n in cacheable
                                      if n in ends or n in has_other_child))
        self._chain: dict[int, tuple[int, ...]] = {}
        for f in self._frontier:
            chain: list[int] = []
            cur: int | None = f
            while cur is not None and cur in cacheable:
                chain.append(cur)
                cur = plan.nodes[cur].parent
            self._chain[f] = tuple(chain)
        for nid in list(self._cache):
            if nid not in self._frontier:
                del self._cache[nid]
        self._general = self._cache_on and bool(self._frontier) or bool(self.missing)

    def _find_device(self) -> torch.device:
        for p in self.parameters():
            return p.device
        for b in self.buffers():
            return b.device
        return torch.device("cpu")

    def _apply(self, fn: Callable[..., Any], recurse: bool = True) -> CompiledDiagram:
        out = super()._apply(fn, recurse)
        self._device = self._find_device()
        if hasattr(self, "_cache"):
            self._cache.clear()
        return out  # type: ignore[return-value]

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> Any:
        """``nn.Module.load_state_dict``, then the cache of frozen paths is dropped.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.load_state_dict(L.state_dict())
        <All keys matched successfully>
        """
        out = super().load_state_dict(state_dict, strict=strict, assign=assign)
        self.clear_cache()
        return out

    # ------------------------------------------------------------------ cache
    def enable_cache(self, on: bool = True) -> None:
        """Turn the cache of frozen paths on or off (off drops it; see the module
        docstring).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
        >>> g = g.fixed("t", "X", "Y").model("s", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"t": nn.Linear(2, 1), "s": nn.Linear(2, 1)}))
        >>> L.enable_cache(); L.cached_paths()
        ('N ⋅ x ⋅ t',)
        """
        if on and INDEX in [e for cols in self.columns.values() for e in cols]:
            raise RealisationError(MESSAGES["index_edge"])
        self._cache_on = bool(on)
        if not on:
            self._cache.clear()
        self._build()

    def cached_paths(self) -> tuple[str, ...]:
        """The frozen paths whose values are cached (when the cache is on).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), cache=True).cached_paths()
        ()
        """
        if not self._cache_on:
            return ()
        return tuple(str(self.plan.nodes[f].path) for f in self._frontier)

    def cache_size(self) -> int:
        """How many (node, example) values the cache holds.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)})).cache_size()
        0
        """
        return sum(int(c.filled.sum()) for c in self._cache.values() if c.filled is not None)

    def clear_cache(self, edge: str | None = None) -> None:
        """Drop the cached values (of the paths through ``edge``, or all).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)})).clear_cache()
        """
        if edge is None:
            self._cache.clear()
            return
        for nid in list(self._cache):
            if edge in self.plan.nodes[nid].path.names:
                del self._cache[nid]

    # ------------------------------------------------------------------ weighting
    def set_weighting(self, weighting: str | Weighting | None) -> Weighting:
        """Use another weighting strategy (:mod:`catlearn_torch.weighting`); returns it.
        An optimiser built before does not hold its parameters: build it again (or let
        :func:`catlearn_torch.fit` do it).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.set_weighting("uncertainty")
        Uncertainty()
        """
        w = get_weighting(weighting)
        if w is not self.weighting:
            w.bind(self)
            w.to(self._device)
            self.weighting = w
            self.version += 1
        return w

    @property
    def device(self) -> torch.device:
        """The device of the modules (where data columns are moved); CPU if none.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.device
        device(type='cpu')
        """
        return self._device

    # ------------------------------------------------------------------ forward
    def forward(self, batches: Any) -> LossOutput:
        """The total loss and the per-equation terms on one batch per source (see
        :mod:`catlearn_torch.data` for the batch formats).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L({"x": torch.zeros(3, 2), "y": torch.zeros(3, 1)}).total.shape
        torch.Size([])
        """
        per_source = split_batches(batches, self.sources)
        values: list[Any] = [None] * len(self.plan.nodes)
        for s in self.sources:
            values[self._roots[s]] = as_columns(per_source[s], s, self.columns.get(s, ()),
                                                self._needed[s])
        self.last_defined = None
        if self._general or self._has_masks(values):
            return self._forward_general(values)
        dev = self._device
        models = self.models
        for nid, pid, kind, name, _ in self._steps:
            if kind == _COLUMN:
                v = values[pid][name]
                if isinstance(v, Tensor) and v.device != dev:
                    v = v.to(dev, non_blocking=True)
                values[nid] = v
            elif kind == _MODULE:
                values[nid] = models[name](values[pid])
            else:
                with torch.no_grad():
                    values[nid] = models[name](values[pid])
        terms: dict[str, Tensor] = {}
        total: Tensor | None = None
        for name, lhs, rhs, comp, side, w in self._equations:
            a, b = values[lhs], values[rhs]
            if side == _DETACH_RHS:
                b = b.detach()
            elif side == _DETACH_LHS:
                a = a.detach()
            t = comp(a, b)
            terms[name] = t
            wt = t if w == 1.0 else t * w
            total = wt if total is None else total + wt
        if type(self.weighting) is not Fixed:
            return LossOutput(self.weighting.combine(terms, self), terms)
        if total is None:
            total = torch.zeros((), device=dev)
        return LossOutput(total, terms)

    def _has_masks(self, roots: list[Any]) -> bool:
        for s in self.sources:
            cols = roots[self._roots[s]]
            for e in self._needed[s]:
                if isinstance(cols[e], Masked) or (e + MASK_SUFFIX) in cols:
                    return True
        return False

    def _read_column(self, cols: Mapping[str, Any], name: str) -> tuple[Any, Tensor | None]:
        """A column's value on its defined rows, and those rows (``None``: all)."""
        v, m = column_mask(cols[name], cols.get(name + MASK_SUFFIX), self.missing.get(name))
        dev = self._device
        if isinstance(v, Tensor) and v.device != dev:
            v = v.to(dev, non_blocking=True)
        if m is None:
            return v, None
        m = m.to(dev)
        if bool(m.all()):
            return v, None
        return (v[m] if bool(m.any()) else None), m

    def _indices(self, roots: list[Any]) -> dict[str, Tensor]:
        out: dict[str, Tensor] = {}
        needs = {self.plan.nodes[f].source for f in self._frontier}
        for s in self.sources:
            if s not in needs:
                continue
            cols = roots[self._roots[s]]
            idx = cols.get(INDEX) if isinstance(cols, Mapping) else None
            if idx is None:
                raise BatchError(MESSAGES["no_index"].format(source=s))
            out[s] = torch.as_tensor(idx).reshape(-1).long().to(self._device)
        return out

    def _forward_general(self, values: list[Any]) -> LossOutput:
        """The forward pass with missing values and/or the cache of frozen paths."""
        nodes = self.plan.nodes
        rows: list[Tensor | None] = [None] * len(nodes)
        masked = False
        for nid, pid, kind, name, _ in self._steps:
            if kind == _COLUMN:
                values[nid], rows[nid] = self._read_column(values[pid], name)
                masked = masked or rows[nid] is not None
        skip: set[int] = set()
        missed: dict[int, Tensor] = {}
        if self._cache_on and self._frontier:
            index = self._indices(values)
            needed: set[int] = set()
            for f in self._frontier:
                first = self._chain[f][-1]
                col = nodes[first].parent
                r = rows[col] if col is not None else None
                ids = index[nodes[f].source]
                ids = ids if r is None else ids[r]
                got = self._cache.setdefault(f, _NodeCache()).lookup(ids)
                if got is not None:
                    values[f] = got
                    skip.add(f)
                else:
                    missed[f] = ids
                    needed.update(self._chain[f])
            skip |= self._cacheable - needed
        models = self.models
        for nid, pid, kind, name, _ in self._steps:
            if kind == _COLUMN:
                continue
            rows[nid] = rows[pid]
            if nid in skip:
                continue
            pv = values[pid]
            if pv is None:
                values[nid] = None
                continue
            if kind == _MODULE:
                values[nid] = models[name](pv)
            else:
                with torch.no_grad():
                    values[nid] = models[name](pv)
            if nid in missed and isinstance(values[nid], Tensor):
                self._cache[nid].store(missed[nid], values[nid])
        terms: dict[str, Tensor] = {}
        defined: dict[str, int] = {}
        for name, lhs, rhs, comp, side, _ in self._equations:
            a, b = values[lhs], values[rhs]
            ml, mr = rows[lhs], rows[rhs]
            if ml is not None or mr is not None:
                m = _common_rows(ml, mr)
                count = int(m.sum()) if a is not None and b is not None else 0
                if count == 0:
                    terms[name] = torch.zeros((), device=self._device)
                    defined[name] = 0
                    continue
                a = a[m] if ml is None else a[m[ml]]
                b = b[m] if mr is None else b[m[mr]]
            else:
                count = len(a) if hasattr(a, "__len__") else 1
            if side == _DETACH_RHS:
                b = b.detach()
            elif side == _DETACH_LHS:
                a = a.detach()
            terms[name] = comp(a, b)
            defined[name] = count
        if masked:
            self.last_defined = defined
        return LossOutput(self.weighting.combine(terms, self), terms)

    # ------------------------------------------------------------------ check
    def gradient_edges(self) -> tuple[str, ...]:
        """The trainable learnable edges some equation sends gradient to (on a side that
        is not detached), in graph order.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.gradient_edges()
        ('c',)
        """
        reach: set[str] = set()
        for eq in self.diagram.equations:
            sides = {"both": (eq.lhs, eq.rhs), "lhs": (eq.lhs,), "rhs": (eq.rhs,)}[eq.grad]
            for p in sides:
                reach.update(p.names)
        return tuple(n for n, r in self.roles.items()
                     if r == LEARNABLE and n not in self._frozen and n in reach)

    def unreached(self) -> dict[str, str]:
        """Trainable learnable edges that get no gradient, with the reason.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
        >>> g = g.model("c", "X", "Y").model("u", "Z", "W")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(1, 1), "u": nn.Linear(1, 1)})
        ...         ).unreached()
        {'u': 'no equation reaches it'}
        """
        used = {n for eq in self.diagram.equations for n in eq.edge_names()}
        grads = set(self.gradient_edges())
        out: dict[str, str] = {}
        for n, r in self.roles.items():
            if r != LEARNABLE or n in self._frozen or n in grads:
                continue
            out[n] = "no equation reaches it" if n not in used else \
                "it lies only on the detached side of equations (grad='lhs'/'rhs')"
        return out

    @property
    def find_unused_parameters(self) -> bool:
        """What ``DistributedDataParallel(find_unused_parameters=...)`` needs: whether
        some trainable parameter gets no gradient in a step (a learnable edge that no
        equation reaches, or only through detached sides).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.find_unused_parameters
        False
        """
        return any(p.requires_grad for n in self.unreached()
                   for p in self.models[n].parameters())

    def check(self, batches: Any) -> CheckReport:
        """Run one batch and report every problem found, naming the edge and the path:
        a module that fails (shape or dtype of its input), a value that does not fit its
        declared :class:`Space`, data columns of different lengths, two values that the
        equation's comparator cannot compare, a comparator that does not return a
        scalar. Raises :class:`CheckError` listing them; else returns a
        :class:`CheckReport`. Learnable models that get no gradient are reported by an
        :class:`UnreachedModelWarning` (and in the report).

        It runs in eval mode under ``no_grad`` and restores the RNG state, the modules'
        modes and everything else: parameters, buffers and later random draws are as if
        it had not run.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> list(L.check({"x": torch.zeros(3, 2), "y": torch.zeros(3, 1)}).terms)
        ['x ⋅ c = y']
        >>> L.check({"x": torch.zeros(3, 5), "y": torch.zeros(3, 1)})
        Traceback (most recent call last):
        ...
        catlearn_torch.errors.CheckError: check found 1 problem(s):
          - edge 'c' (learnable, X -> Y) on path N ⋅ x ⋅ c failed on an input of shape \
(3, 5) and dtype float32: RuntimeError: mat1 and mat2 shapes cannot be multiplied ...
        """
        per_source = split_batches(batches, self.sources)
        problems: list[str] = []
        original: BaseException | None = None
        values: list[Any] = [None] * len(self.plan.nodes)
        failed: set[int] = set()
        report = CheckReport()
        for s in self.sources:
            values[self._roots[s]] = as_columns(per_source[s], s, self.columns.get(s, ()),
                                                self._needed[s])
        self._check_rows: dict[int, Tensor] = {}
        modes = {name: m.training for name, m in self.named_modules()}
        devices = [torch.cuda.current_device()] if torch.cuda.is_initialized() else []
        try:
            with torch.random.fork_rng(devices=devices), torch.no_grad():
                self.eval()
                original = self._check_nodes(values, failed, problems, report)
                self._check_equations(values, failed, problems, report)
        finally:
            for name, m in self.named_modules():
                m.training = modes[name]
        if problems:
            raise CheckError(MESSAGES["check_failed"].format(
                n=len(problems), problems="\n".join(f"  - {p}" for p in problems)),
                tuple(problems), original)
        notes = []
        unreached = self.unreached()
        if unreached:
            why = "; ".join(f"{n}: {w}" for n, w in unreached.items())
            msg = MESSAGES["unreached"].format(names=", ".join(unreached), why=why)
            warnings.warn(msg, UnreachedModelWarning, stacklevel=2)
            notes.append(msg)
        for n, r in self.roles.items():
            if r == LEARNABLE and n not in self._frozen and not any(
                    p.requires_grad for p in self.models[n].parameters()):
                notes.append(MESSAGES["no_parameters"].format(edge=n))
        report.unreached = tuple(unreached)
        report.warnings = tuple(notes)
        return report

    def _check_nodes(self, values: list[Any], failed: set[int], problems: list[str],
                     report: CheckReport) -> BaseException | None:
        original: BaseException | None = None
        nodes = self.plan.nodes
        first_column: dict[str, tuple[str, int]] = {}
        for nid, pid, kind, name, source in self._steps:
            node = nodes[nid]
            path = str(node.path)
            src, tgt = self.diagram.graph.ends(name)
            if pid in failed:
                failed.add(nid)
                continue
            if kind == _COLUMN:
                cols = values[pid]
                v, mask = column_mask(cols[name], cols.get(name + MASK_SUFFIX),
                                      self.missing.get(name))
                if not isinstance(v, Tensor):
                    v = torch.as_tensor(v)
                v = v.to(self._device)
                size = v.shape[0] if v.dim() else 1
                first = first_column.setdefault(source, (name, size))
                if size != first[1]:
                    problems.append(MESSAGES["batch_size"].format(
                        path=path, edge=name, got=size, source=source,
                        expected=first[1], first=first[0]))
                if mask is not None:
                    mask = mask.to(self._device)
                    self._check_rows[nid] = mask
                    v = v[mask]
            else:
                if pid in self._check_rows:
                    self._check_rows[nid] = self._check_rows[pid]
                try:
                    v = self.models[name](values[pid])
                except Exception as err:  # reported, naming the edge and path
                    original = original or err
                    failed.add(nid)
                    problems.append(MESSAGES["module_failed"].format(
                        edge=name, role=self.roles[name], src=src, tgt=tgt, path=path,
                        got=describe(values[pid]), error=f"{type(err).__name__}: "
                        f"{str(err).strip().splitlines()[0] if str(err).strip() else ''}"))
                    continue
                if not isinstance(v, Tensor):
                    failed.add(nid)
                    problems.append(MESSAGES["not_a_tensor"].format(
                        edge=name, role=self.roles[name], src=src, tgt=tgt, path=path,
                        type=type(v).__name__))
                    continue
            values[nid] = v
            report.values[path] = describe(v)
            sp = self.realisation.space(tgt)
            bad = sp.mismatch(v)
            if bad == "shape":
                problems.append(MESSAGES["space_shape"].format(
                    path=path, edge=name, got=describe(v), space=tgt, shape=sp.shape))
            elif bad == "dtype":
                problems.append(MESSAGES["space_dtype"].format(
                    path=path, edge=name, got=describe(v), space=tgt, dtype=sp.dtype))
        return original

    def _check_equations(self, values: list[Any], failed: set[int], problems: list[str],
                         report: CheckReport) -> None:
        nodes = self.plan.nodes
        for eq in self.plan.equations:
            if eq.lhs in failed or eq.rhs in failed:
                continue
            a, b = values[eq.lhs], values[eq.rhs]
            ml, mr = self._check_rows.get(eq.lhs), self._check_rows.get(eq.rhs)
            if ml is not None or mr is not None:
                m = _common_rows(ml, mr)
                if not bool(m.any()):
                    continue
                a = a[m] if ml is None else a[m[ml]]
                b = b[m] if mr is None else b[m[mr]]
            comp = self.comparators[eq.name]
            fmt = {"equation": eq.name, "space": eq.target, "comparator": repr(comp),
                   "lhs": path_text(nodes[eq.lhs].path), "rhs": path_text(nodes[eq.rhs].path),
                   "lgot": describe(a), "rgot": describe(b)}
            why = comp.check(a, b)
            if why is None:
                try:
                    t = comp(a, b)
                except Exception as err:  # reported, naming the equation and paths
                    why = f"{type(err).__name__}: {str(err).strip()}"
                else:
                    if not isinstance(t, Tensor) or t.numel() != 1:
                        why = MESSAGES["not_scalar"].format(name=repr(comp), what=describe(t))
                    else:
                        report.terms[eq.name] = float(t)
            if why is not None:
                problems.append(MESSAGES["comparison_failed"].format(why=why, **fmt))

    # ------------------------------------------------------------------ models
    def model(self, edge: str) -> nn.Module:
        """The module of a fixed or learnable edge.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 2)})).model("c")
        Linear(in_features=2, out_features=2, bias=True)
        """
        if edge not in self.models:
            raise RealisationError(f"no model for edge {edge!r} (models: "
                                   f"{', '.join(self.models) or 'none'})")
        return self.models[edge]

    def replace(self, edge: str, module: nn.Module) -> nn.Module:
        """Put ``module`` in place of the edge's module (frozen if the edge is); returns
        the old one. An optimiser built before keeps the old parameters: build it again.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.replace("c", nn.Linear(2, 1, bias=False))
        Linear(in_features=2, out_features=1, bias=True)
        """
        old = self.model(edge)
        if not isinstance(module, nn.Module):
            raise RealisationError(MESSAGES["not_a_module"].format(
                role=self.roles[edge], edge=edge, type=type(module).__name__))
        if edge in self._frozen:
            self._freeze_module(module)
        else:
            module.train(self.training)
        self.models[edge] = module
        self._device = self._find_device()
        self.clear_cache(edge)
        self.version += 1
        return old

    @staticmethod
    def _freeze_module(m: nn.Module) -> None:
        m.requires_grad_(False)
        m.eval()

    def freeze(self, edge: str) -> None:
        """Freeze a learnable edge: no gradient, eval mode, computed under ``no_grad``
        where nothing learnable precedes it (see the module docstring).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.freeze("c")
        >>> L.frozen(), L.model("c").weight.requires_grad
        (('c',), False)
        """
        m = self.model(edge)
        self._freeze_module(m)
        if edge not in self._frozen:
            self._frozen.add(edge)
            self.version += 1
        self._build()

    def unfreeze(self, edge: str) -> None:
        """Undo :meth:`freeze` (a fixed edge of the diagram stays frozen).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.freeze("c"); L.unfreeze("c")
        >>> L.frozen()
        ()
        """
        m = self.model(edge)
        if self.roles[edge] == FIXED:
            raise RealisationError(f"edge {edge!r} is fixed in the diagram; it cannot be "
                                   "unfrozen (make it learnable in the diagram)")
        m.requires_grad_(True)
        m.train(self.training)
        if edge in self._frozen:
            self._frozen.discard(edge)
            self.version += 1
        self.clear_cache(edge)
        self._build()

    def frozen(self) -> tuple[str, ...]:
        """The frozen edges (fixed ones and those frozen by :meth:`freeze`).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.frozen()
        ()
        """
        return tuple(n for n in self.roles if n in self._frozen)

    def reweight(self, weights: Mapping[str, float]) -> None:
        """Change some equations' weights (by equation name), here and in ``diagram``.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.reweight({"x ⋅ c = y": 0.5})
        >>> L.weights, L.diagram.equations[0].weight
        ({'x ⋅ c = y': 0.5}, 0.5)
        """
        for name, w in weights.items():
            if name not in self.weights:
                raise RealisationError(f"no equation is called {name!r} (equations: "
                                       f"{'; '.join(self.weights)})")
            if isinstance(w, bool) or not isinstance(w, (int, float)) \
                    or not math.isfinite(w) or w < 0:
                raise RealisationError(f"equation {name}: weight {w!r} must be a finite "
                                       "number >= 0")
        self.weights.update({k: float(v) for k, v in weights.items()})
        self.diagram = self.diagram.reweighted(weights)
        self._build()

    def train(self, mode: bool = True) -> CompiledDiagram:
        """Set train/eval mode; frozen edges stay in eval mode.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.train().model("c").training
        True
        """
        super().train(mode)
        for n in self._frozen:
            self.models[n].eval()
        return self

    def learnable_parameters(self) -> Iterator[nn.Parameter]:
        """The trainable parameters of the learnable (not frozen) edges.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> [tuple(p.shape) for p in L.learnable_parameters()]
        [(1, 2), (1,)]
        """
        for n in self.learnable_edges():
            for p in self.models[n].parameters():
                if p.requires_grad:
                    yield p

    def learnable_edges(self) -> tuple[str, ...]:
        """The learnable edges that are not frozen, in graph order.

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.learnable_edges()
        ('c',)
        """
        return tuple(n for n, r in self.roles.items()
                     if r == LEARNABLE and n not in self._frozen)

    def spec_text(self) -> str:
        """The diagram as spec JSON (what checkpoints record).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> '"role": "learnable"' in L.spec_text()
        True
        """
        return dump_spec(to_spec(self.diagram), "json")

    def extra_repr(self) -> str:
        return (f"sources={list(self.sources)}, equations={len(self._equations)}, "
                f"nodes={len(self.plan.nodes)}")


def compile(diagram: LearningDiagram, realisation: Realisation, *,
            weighting: str | Weighting | None = None,
            missing: Mapping[str, Any] | None = None, cache: bool = False
            ) -> CompiledDiagram:
    """Compile a realised diagram into its loss module (see the module docstring):
    ``weighting`` (a strategy or its name, :mod:`catlearn_torch.weighting`), ``missing``
    (an ignore value per data edge, e.g. ``{"y": -100}``), ``cache`` (memoise frozen
    paths per example).

    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(3, 1)}))
    >>> L((torch.randn(4, 3), torch.randn(4, 1))).total.requires_grad
    True
    """
    return CompiledDiagram(diagram, realisation, weighting=weighting, missing=missing,
                           cache=cache)
