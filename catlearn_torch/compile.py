"""Compile a realised learning diagram into one loss: an ``nn.Module``.

:func:`compile` turns a diagram and its :class:`Realisation` into a
:class:`CompiledDiagram`, whose ``forward(batches)`` executes the diagram's loss program
(:mod:`catlearn.learning.plan`, run by :mod:`catlearn_torch.plan_exec`): every node of
each source's prefix trie is computed once per batch, in order (a backbone feeding ``K``
heads runs once), then each equation compares two nodes. It returns
``LossOutput(total, terms)``: ``terms`` maps each equation's name to its comparator value
(unweighted) and ``total = Σ weight · terms[name]``.

* Data edges read the batch's columns, moved to the modules' device (a column that is
  not a tensor — a list of strings for a tokenizer, say — is passed to its modules as
  it is).
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
  values; see :mod:`catlearn_torch.data`): each equation compares its paths on the
  examples where both are defined (so its term is the comparator's mean over exactly
  those examples); an equation with no such example contributes 0 (never NaN).
  ``last_defined`` then maps each equation to its number of compared examples (``None``
  after a batch without missing values). How (:mod:`catlearn_torch.rows`,
  ``masked=``): ``"gather"`` cuts a partly defined column down to its defined rows, so
  the modules on its paths run on exactly those; ``"fill"`` keeps fixed shapes (zeros in
  undefined entries, masked means; no host synchronisation); ``"auto"`` (the default)
  gathers in eager mode and fills under ``torch.compile``, which then traces the whole
  loss as one graph.
* ``cache=True`` memoises **frozen paths** — a data column followed only by frozen edges,
  e.g. a fixed teacher's logits — per example, keyed by the batch's ``"index"`` (see
  :class:`catlearn_torch.data.Indexed`), on the modules' device: the teacher runs once
  per example over a whole run (:mod:`catlearn_torch.cache`; ``cache=N`` sizes the
  store for ``N`` examples, which ``torch.compile`` needs). Replacing or unfreezing an
  edge on such a path (or loading parameters with ``load_state_dict``, ``load_model``,
  ``transfer``, ``restore_checkpoint``) drops its entries; after changing a frozen
  module's weights by hand call :meth:`CompiledDiagram.clear_cache`. Only use it when an
  example's data columns are the same every time it is drawn (no random augmentation on
  the way in).
* **Batch guards** (:mod:`catlearn_torch.batch`, ``guards=True``): a batch that does
  not fit (wrong feature size, rank or dtype for an edge's model, columns of one source
  of different lengths, an empty batch, class indices out of range, integer or
  broadcasting targets, non-finite input columns) raises a :class:`BatchError` naming
  the source, column, edge or equation.

>>> import torch, torch.nn as nn
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
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from catlearn.learning import FIXED, LEARNABLE, LearningDiagram, dump_spec, to_spec
from catlearn.learning.plan import LossPlan
from catlearn_torch.batch import Guards
from catlearn_torch.cache import CompiledCache, EagerCache, NodeCache, frozen_paths
from catlearn_torch.check import CheckReport, run_check
from catlearn_torch.comparators import Comparator
from catlearn_torch.data import (
    INDEX,
    MASK_SUFFIX,
    Masked,
    as_columns,
    source_columns,
    split_batches,
)
from catlearn_torch.errors import (
    BAD_CACHE,
    BAD_FUSE,
    BAD_MASKED,
    BAD_MISSING,
    DIAGRAM_MISMATCH,
    INDEX_EDGE,
    NOT_A_MODULE,
    UNWRAP_SELF,
    UNWRAP_TOO_DEEP,
    UNWRAP_TYPE,
    RealisationError,
    WrapperError,
)
from catlearn_torch.fusion import Fusion, anchor, plan_fusion, prune
from catlearn_torch.plan_exec import Frame, ModuleStep, Program, build_program, execute
from catlearn_torch.realise import Realisation
from catlearn_torch.rows import FillRows, FullRows, GatherRows
from catlearn_torch.weighting import Fixed, Weighting, get_weighting

__all__ = ["compile", "CompiledDiagram", "LossOutput", "CheckReport", "unwrap",
           "UNWRAP_DEPTH"]

#: How many levels of wrappers (``.module``, ``._orig_mod``) :func:`unwrap` looks through.
UNWRAP_DEPTH = 8
_MASKED = ("auto", "gather", "fill")


class LossOutput(NamedTuple):
    """What a compiled diagram returns: the total loss and the per-equation terms.

    >>> total, terms = LossOutput(torch.tensor(1.0), {"x ⋅ c = y": torch.tensor(1.0)})
    >>> list(terms)
    ['x ⋅ c = y']
    """

    total: Tensor
    terms: dict[str, Tensor]


def _inner(model: nn.Module) -> tuple[str, Any]:
    for attr in ("module", "_orig_mod"):
        inner = getattr(model, attr, None)
        if inner is not None:
            return attr, inner
    return "", None


def unwrap(model: nn.Module) -> CompiledDiagram:
    """The :class:`CompiledDiagram` inside wrappers (``DistributedDataParallel``,
    ``torch.compile``'s module), looking through at most :data:`UNWRAP_DEPTH` of them.
    A wrapper of itself, a deeper chain or no diagram inside raise :class:`WrapperError`.

    >>> unwrap(nn.Linear(1, 1))
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.WrapperError: expected a compiled diagram (or a wrapper of one), \
not Linear
    """
    outer = model
    for _ in range(UNWRAP_DEPTH):
        if isinstance(model, CompiledDiagram):
            return model
        attr, inner = _inner(model)
        if inner is model:
            raise WrapperError(UNWRAP_SELF.format(type=type(model).__name__,
                                                              attr=attr))
        if not isinstance(inner, nn.Module):
            break
        model = inner
    else:
        if isinstance(model, CompiledDiagram):
            return model
        if isinstance(_inner(model)[1], nn.Module):
            raise WrapperError(UNWRAP_TOO_DEEP.format(
                depth=UNWRAP_DEPTH, type=type(outer).__name__))
    raise WrapperError(UNWRAP_TYPE.format(type=type(model).__name__))


def _cache_size(cache: bool | int) -> int:
    if isinstance(cache, bool):
        return 0
    if not isinstance(cache, int) or cache < 1:
        raise RealisationError(BAD_CACHE.format(got=cache))
    return cache


class CompiledDiagram(nn.Module):
    """The loss of a realised diagram as an ``nn.Module`` (see the module docstring).

    The realisation's modules live in ``self.models``, an ``nn.ModuleDict`` keyed by edge
    name, so ``state_dict`` keys read ``models.<edge>.<param>``.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = CompiledDiagram(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> list(L.state_dict())
    ['models.c.weight', 'models.c.bias']
    """

    def __init__(self, diagram: LearningDiagram, realisation: Realisation, *,
                 weighting: str | Weighting | None = None,
                 missing: Mapping[str, Any] | None = None, cache: bool | int = False,
                 masked: str = "auto", guards: bool = True, fuse: bool = False) -> None:
        super().__init__()
        if not isinstance(fuse, bool):
            raise RealisationError(BAD_FUSE.format(got=fuse))
        #: whether parallel edges run fused (:mod:`catlearn_torch.fusion`)
        self.fuse = fuse
        if realisation.diagram is not diagram and realisation.diagram != diagram:
            raise RealisationError(DIAGRAM_MISMATCH)
        bad = [n for n in realisation.modules if "." in n]
        if bad:
            raise RealisationError(f"edge name(s) {', '.join(bad)} contain '.', which "
                                   "nn.ModuleDict keys cannot: relabel the edges")
        if masked not in _MASKED:
            raise RealisationError(BAD_MASKED.format(got=masked))
        cache_size = _cache_size(cache)
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
            raise RealisationError(BAD_MISSING.format(
                names=", ".join(bad), known=", ".join(data_edges) or "none"))
        if cache and INDEX in data_edges:
            raise RealisationError(INDEX_EDGE)
        #: how undefined examples are handled: "auto", "gather" or "fill"
        self.masked = masked
        #: whether the batch guards are on (see :mod:`catlearn_torch.batch`)
        self.guards = bool(guards)
        self._last_defined: dict[str, Any] | None = None
        #: bumped by every change of modules, frozen edges or weighting (surgery)
        self.version = 0
        self._cache_on = bool(cache)
        self._cache_size = cache_size
        self._cache: dict[int, NodeCache] = {}
        self._device = self._find_device()
        self.weighting: Weighting = get_weighting(weighting)
        self.weighting.bind(self)
        self.weighting.to(self._device)
        self._build()

    # ------------------------------------------------------------------ program
    def _build(self) -> None:
        program = build_program(self.plan, self._frozen, self.comparators, self.weights)
        self._program: Program = program
        self._needed = dict(program.columns)
        self._roots = dict(program.roots)
        self._equations = program.equations
        ends = {i for eq in program.equations for i in (eq.lhs, eq.rhs)}
        self._paths = frozen_paths(program, self._frozen, ends)
        for nid in list(self._cache):
            if nid not in self._paths.frontier:
                del self._cache[nid]
        self._guards = Guards(program, self.plan, self.diagram, self.realisation,
                              self.models, self.roles)
        self._make_policies()
        self._plan_fusion()

    def _plan_fusion(self) -> None:
        """The program the forward runs: with ``fuse``, pruned of weight-0 equations
        (fixed weighting only) and with its fused groups (:mod:`catlearn_torch.fusion`)."""
        self._run_program = self._program
        self._dropped: tuple[Any, ...] = ()
        self._anchors: tuple[Any, ...] = ()
        self._fusion: Fusion | None = None
        if not getattr(self, "fuse", False) or not hasattr(self, "weighting"):
            return
        if type(self.weighting) is Fixed:
            self._run_program, self._dropped, self._anchors = prune(self._program)
        self._fusion = plan_fusion(self._run_program, self.models, self._program)

    def fusion_groups(self) -> tuple[tuple[str, ...], ...]:
        """The edges run as one computation, per group (empty without ``fuse=True``;
        see :mod:`catlearn_torch.fusion`).

        >>> from catlearn.learning import LearningDiagram, LearningGraph
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), fuse=True).fusion_groups()
        ()
        """
        return self._fusion.groups() if self._fusion is not None else ()

    def _make_policies(self) -> None:
        self._guards.forget()
        g = self._guards if self.guards else None
        self._full = FullRows(self._device, self.missing, g)
        self._gather = GatherRows(self._device, self.missing, g)
        self._fill = FillRows(self._device, self.missing, g)

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
        if hasattr(self, "_full"):
            self._make_policies()
            self._plan_fusion()
        return out

    # ------------------------------------------------------------------ state
    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> Any:
        """``nn.Module.load_state_dict``, then the cache of frozen paths is dropped.

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
    def enable_cache(self, on: bool = True, size: int | None = None) -> None:
        """Turn the cache of frozen paths on or off (off drops it; see the module
        docstring); ``size``: the number of examples to store (needed under
        ``torch.compile``; see :mod:`catlearn_torch.cache`).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
        >>> g = g.fixed("t", "X", "Y").model("s", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"t": nn.Linear(2, 1), "s": nn.Linear(2, 1)}))
        >>> L.enable_cache(); L.cached_paths()
        ('N ⋅ x ⋅ t',)
        """
        if on and INDEX in [e for cols in self.columns.values() for e in cols]:
            raise RealisationError(INDEX_EDGE)
        if size is not None:
            self._cache_size = _cache_size(size)
            self._cache.clear()
        self._cache_on = bool(on)
        if not on:
            self._cache.clear()
        self._build()

    def cached_paths(self) -> tuple[str, ...]:
        """The frozen paths whose values are cached (when the cache is on).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), cache=True).cached_paths()
        ()
        """
        if not self._cache_on:
            return ()
        return tuple(str(self.plan.nodes[f].path) for f in self._paths.frontier)

    def cache_size(self) -> int:
        """How many (node, example) values the cache holds.

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> compile(D, Realisation(D, models={"c": nn.Linear(2, 1)})).cache_size()
        0
        """
        return sum(c.count() for c in self._cache.values())

    def clear_cache(self, edge: str | None = None) -> None:
        """Drop the cached values (of the paths through ``edge``, or all).

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
            self._plan_fusion()
        return w

    @property
    def device(self) -> torch.device:
        """The device of the modules (where data columns are moved); CPU if none.

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.device
        device(type='cpu')
        """
        return self._device

    # ------------------------------------------------------------------ forward
    @property
    def last_defined(self) -> dict[str, int] | None:
        """Per equation, the number of examples compared on the last batch with missing
        values (``None`` when the last batch had none); reading it synchronises with the
        device (see :attr:`last_defined_counts`).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(1, 1)}), missing={"y": -1.0})
        >>> _ = L({"x": torch.zeros(3, 1), "y": torch.tensor([[0.0], [-1.0], [2.0]])})
        >>> L.last_defined
        {'x ⋅ c = y': 2}
        """
        counts = self._last_defined
        if counts is None:
            return None
        return {k: int(v) for k, v in counts.items()}

    @property
    def last_defined_counts(self) -> dict[str, Tensor | int] | None:
        """:attr:`last_defined` without synchronising: each count an ``int`` or, with
        ``masked="fill"`` (as under ``torch.compile``), a 0-dimensional tensor.

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(1, 1)}))
        >>> _ = L({"x": torch.zeros(3, 1), "y": torch.zeros(3, 1)}); L.last_defined_counts
        """
        return self._last_defined

    def _frame(self, batches: Any) -> Frame:
        """A frame holding each source's columns at its root node."""
        per_source = split_batches(batches, self.sources)
        frame = Frame.empty(self._program.size)
        for s in self.sources:
            frame.values[self._roots[s]] = as_columns(per_source[s], s,
                                                      self.columns.get(s, ()),
                                                      self._needed[s])
        return frame

    def _has_masks(self, frame: Frame) -> bool:
        if self.missing:
            return True
        for s in self.sources:
            cols = frame.values[self._roots[s]]
            for e in self._needed[s]:
                if isinstance(cols[e], Masked) or (e + MASK_SUFFIX) in cols:
                    return True
        return False

    def _policy(self, frame: Frame) -> FullRows:
        if not self._has_masks(frame):
            return self._full
        if self.masked == "fill" or (self.masked == "auto"
                                     and torch.compiler.is_compiling()):
            return self._fill
        return self._gather

    def _plain_call(self, step: ModuleStep, module: nn.Module, x: Any, frame: Frame) -> Any:
        return module(x)

    def _cache_for(self, policy: FullRows) -> EagerCache | CompiledCache | None:
        if not (self._cache_on and self._paths.frontier):
            return None
        for f in self._paths.frontier:
            if f not in self._cache:
                self._cache[f] = NodeCache(self._cache_size)
        if torch.compiler.is_compiling():
            return CompiledCache(self._paths, self._cache, self._program, self.models,
                                 self._plain_call, self._device)
        return EagerCache(self._paths, self._cache, self._program, self._device,
                          compact=isinstance(policy, GatherRows))

    def forward(self, batches: Any) -> LossOutput:
        """The total loss and the per-equation terms on one batch per source (see
        :mod:`catlearn_torch.data` for the batch formats).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L({"x": torch.zeros(3, 2), "y": torch.zeros(3, 1)}).total.shape
        torch.Size([])
        """
        frame = self._frame(batches)
        policy = self._policy(frame)
        fusion = self._fusion
        if fusion is not None:
            fusion.begin()
        program = self._run_program
        execute(program, frame, self.models, policy, self._cache_for(policy), fusion)
        for eq in self._dropped:
            frame.terms[eq.name] = torch.zeros((), device=self._device)
            if frame.masked:
                frame.defined[eq.name] = 0
        self._last_defined = frame.defined if frame.masked else None
        out = self._combine(frame.terms, fusion)
        if self._anchors and fusion is not None:
            gathered = frame.masked and isinstance(policy, GatherRows)
            edges = {a for a, eq in self._anchors if fusion.live(eq, frame, gathered)}
            zero = anchor(self.models, sorted(edges))
            if zero is not None:
                out = LossOutput(out.total + zero, out.terms)
        if fusion is not None:
            fusion.begin()
        if self.guards:
            self._guards.finish(program, frame, out.total)
        return out

    def _combine(self, terms: dict[str, Tensor], fusion: Fusion | None = None
                 ) -> LossOutput:
        if type(self.weighting) is not Fixed:
            return LossOutput(self.weighting.combine(terms, self), terms)
        total: Tensor | None = None
        summed: set[str] = set()
        if fusion is not None and fusion.partials:
            total, summed = fusion.weighted_sum()
        for eq in self._equations:
            if eq.name in summed:
                continue
            t = terms[eq.name]
            wt = t if eq.weight == 1.0 else t * eq.weight
            total = wt if total is None else total + wt
        if total is None:
            total = torch.zeros((), device=self._device)
        return LossOutput(total, terms)

    # ------------------------------------------------------------------ check
    def gradient_edges(self) -> tuple[str, ...]:
        """The trainable learnable edges some equation sends gradient to (on a side that
        is not detached), in graph order.

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
        return run_check(self, batches)

    # ------------------------------------------------------------------ models
    def model(self, edge: str) -> nn.Module:
        """The module of a fixed or learnable edge.

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

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.replace("c", nn.Linear(2, 1, bias=False))
        Linear(in_features=2, out_features=1, bias=True)
        """
        old = self.model(edge)
        if not isinstance(module, nn.Module):
            raise RealisationError(NOT_A_MODULE.format(
                role=self.roles[edge], edge=edge, type=type(module).__name__))
        if edge in self._frozen:
            self._freeze_module(module)
        else:
            module.train(self.training)
        self.models[edge] = module
        self._device = self._find_device()
        self.clear_cache(edge)
        self.version += 1
        self._build()
        return old

    @staticmethod
    def _freeze_module(m: nn.Module) -> None:
        m.requires_grad_(False)
        m.eval()

    def freeze(self, edge: str) -> None:
        """Freeze a learnable edge: no gradient, eval mode, computed under ``no_grad``
        where nothing learnable precedes it (see the module docstring).

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

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.frozen()
        ()
        """
        return tuple(n for n in self.roles if n in self._frozen)

    def reweight(self, weights: Mapping[str, float]) -> None:
        """Change some equations' weights (by equation name), here and in ``diagram``.

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

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g)
        >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
        >>> L.train().model("c").training
        True
        """
        super().train(mode)
        for n in self._frozen:
            self.models[n].eval()
        if hasattr(self, "_fusion"):
            self._plan_fusion()
        return self

    def learnable_parameters(self) -> Iterator[nn.Parameter]:
        """The trainable parameters of the learnable (not frozen) edges.

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
            missing: Mapping[str, Any] | None = None, cache: bool | int = False,
            masked: str = "auto", guards: bool = True, fuse: bool = False
            ) -> CompiledDiagram:
    """Compile a realised diagram into its loss module (see the module docstring):
    ``weighting`` (a strategy or its name, :mod:`catlearn_torch.weighting`), ``missing``
    (an ignore value per data edge, e.g. ``{"y": -100}``), ``cache`` (memoise frozen
    paths per example; an int: for that many examples), ``masked`` (how undefined
    examples are handled: ``"auto"``, ``"gather"``, ``"fill"``), ``guards`` (check each
    batch, :mod:`catlearn_torch.batch`), ``fuse`` (run parallel edges of one structure
    as one batched computation, prune weight-0 equations, share frozen steps across
    sources: :mod:`catlearn_torch.fusion`; off by default).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(3, 1)}))
    >>> L((torch.randn(4, 3), torch.randn(4, 1))).total.requires_grad
    True
    """
    return CompiledDiagram(diagram, realisation, weighting=weighting, missing=missing,
                           cache=cache, masked=masked, guards=guards, fuse=fuse)
