"""Horizontal fusion: parallel edges of a loss program run as one batched computation.

With ``compile(..., fuse=True)`` (off by default: it is an optimisation one can turn
off, and its exactness is "equal up to float summation order", not bitwise) the
executor (:mod:`catlearn_torch.plan_exec`) uses what the plan knows and a hand-written
loop does not exploit:

* **Parallel edges** — module steps on the same trie node (the ``K`` heads of a shared
  backbone, several teachers of one architecture reading one column) whose modules have
  the same structure run as one computation (:class:`FusedGroup`):

  - ``"linear"``: ``nn.Linear`` modules (exactly that class) with the same
    ``in_features``, bias presence, dtype and device: **one matrix product** against
    the weights concatenated along the output dimension
    (``F.linear(x, cat(W), cat(b))``), split back into one view per edge;
    ``out_features`` may differ. On a batch of vectors it is computed transposed
    (``cat(W) @ x.T + cat(b)``, a ``(features, examples)`` output whose edges' values
    are transposed views), so that a fused cross-entropy's softmax over the few
    classes of each head runs vectorised over the examples (measured on the CPU: one
    cross-entropy over 8 heads of 10 classes, forward and backward, 5x faster than on
    the ``(examples, classes)`` layout).
  - ``"mlp"``: ``nn.Sequential`` stacks of ``nn.Linear`` and parameter-free
    elementwise layers (:data:`ELEMENTWISE`) with identical layers and shapes: the
    first layer as above, the next ones as ``baddbmm`` over the stacked weights.
  - ``"vmap"``: any other module class with the same parameter and buffer names,
    shapes, dtypes, devices and training modes (of every submodule):
    ``torch.func.functional_call`` under ``torch.vmap`` over the parameters stacked at
    each forward. A module that draws random numbers (dropout in training mode) cannot
    be vmapped exactly: the first forward that tries marks the group as not fusible
    (nothing is drawn) and it runs unfused from then on.

  The users' modules stay the source of truth: the weights are concatenated or
  stacked from each module's own parameters at every forward (``cat``/``stack`` are
  differentiable, so each module's ``.grad`` is what it would be unfused), except that
  stacks of *frozen* weights under ``no_grad`` are remembered keyed by each tensor's
  identity, version counter and data pointer (:class:`Stacks`), so an in-place change
  (``load_state_dict``, ``copy_``, an EMA update) or a new tensor is never served
  stale. ``loss.model("h3")``, ``state_dict`` keys, ``save_model``/``load_model``/
  ``transfer``, optimisers, checkpoints and exact resume see the same parameters as
  without fusion.

  Equations comparing a fused ``"linear"``/``"mlp"`` group of equal widths with other
  nodes by cross-entropy on class indices (``class_dim=1``) or MSE, all examples
  defined, are computed as one reduction too (:class:`FusedComparison`; the ignore
  index -100 is honoured per head), and their weighted sum is one reduction.

  **Not fused** (run as before, one call per edge): modules of different classes or
  parameter shapes; on the CPU, modules with a parameter of more than
  :data:`CPU_FUSE_MAX` entries (a batched product measured slower there than one
  product per module; on accelerators every size fuses); modules with buffers in
  training mode (BatchNorm updates running statistics in forward); modules with
  forward hooks or pre-hooks (their own, a submodule's, or global ones: a hook must
  see its module called); a ``no_grad`` frozen step with a step that records
  gradients; different training modes (``"vmap"``); a node whose value the cache
  already holds; inputs that are not tensors; a head that no gradient reaches (on a
  detached side only; with eager missing values, one whose equations compare no
  example on this batch) — unfused its parameters get ``grad=None``, fused they
  would get zeros, which optimisers with momentum treat differently. Groups are
  recomputed after every surgery (``replace``, ``freeze``, ``unfreeze``,
  ``reweight``, ``set_weighting``, ``enable_cache``, ``train``/``eval``, moving the
  modules) and checked at each forward against the modules actually held (the same
  objects, no new hooks, same modes), so a change made by hand falls back to the
  unfused path instead of running stale weights.
* **Weight 0** — with the fixed weighting (the default), an equation of weight 0 is not
  evaluated and the module steps only it uses do not run (:func:`prune`); its term is
  reported as 0, and the trainable parameters on its non-detached sides get the zero
  gradient they get unfused (:func:`anchor`, one element per parameter), so training
  is unchanged. (A NaN that equation would have produced is not computed, so not
  reported; other weightings read every term, so nothing is pruned.)
* **Shared frozen subpaths** — a ``no_grad`` frozen edge applied, on two sources, to
  the very same tensor object (the same column passed to both) runs once per batch
  (eager; under ``torch.compile`` each runs).
* Sources whose batch has no defined example already cost nothing (the gathering
  missing-value path gives their columns no value, and no module runs on them).

Numerically the fused value differs from the unfused one only by the summation order
inside the matrix products and reductions (tested: losses and gradients within 1e-5).
The fused path has no data-dependent Python branch (the group structure is fixed
between surgeries; the checks read metadata only), so it traces under
``torch.compile(fullgraph=True)`` with no graph break and suits CUDA graphs
(``mode="reduce-overhead"``) for static shapes. The CUDA-graphs path has a test that
runs only where a CUDA device is present; it has not been run on the CPU-only machine
this was developed on.

>>> import torch, torch.nn as nn
>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> from catlearn_torch import Realisation, compile
>>> g = LearningGraph().data("x", "N", "X").model("m", "X", "F")
>>> for i in range(3):
...     g = g.data(f"y{i}", "N", f"Y{i}").model(f"h{i}", "F", f"Y{i}")
>>> D = LearningDiagram.from_graph(g)
>>> models = {"m": nn.Linear(4, 8), **{f"h{i}": nn.Linear(8, 2) for i in range(3)}}
>>> L = compile(D, Realisation(D, models=models), fuse=True)
>>> L.fusion_groups()
(('h0', 'h1', 'h2'),)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils import _pytree as pytree

from catlearn_torch.comparators import MSE, CrossEntropy
from catlearn_torch.plan_exec import (
    EquationStep,
    Frame,
    Models,
    ModuleStep,
    Program,
    StepGroup,
)
from catlearn_torch.rows import GatherRows, common_rows

__all__ = ["FusedGroup", "FusedComparison", "Fusion", "Pruned", "Stacks", "anchor",
           "plan_fusion", "prune", "signature"]

LINEAR = "linear"
MLP = "mlp"
VMAP = "vmap"
#: parameter-free elementwise layers an MLP stack may hold between its Linear layers
ELEMENTWISE = (nn.ReLU, nn.GELU, nn.Tanh, nn.Sigmoid, nn.SiLU, nn.Identity, nn.LeakyReLU,
               nn.ELU, nn.Softplus, nn.Mish, nn.Hardswish)


def _hooked(m: nn.Module) -> bool:
    return any(bool(s._forward_hooks or s._forward_pre_hooks
                    or getattr(s, "_forward_hooks_with_kwargs", None))
               for s in m.modules())


def _global_hooks() -> bool:
    mod = nn.modules.module
    return bool(getattr(mod, "_global_forward_hooks", None)
                or getattr(mod, "_global_forward_pre_hooks", None))


def signature(module: nn.Module) -> tuple[Any, ...] | None:
    """What two modules must share to be fused (``None``: this one never fuses): the
    kind (``"linear"`` or ``"vmap"``), its class, and the names, shapes, dtypes and
    devices of its parameters and buffers (and, for ``"vmap"``, each submodule's
    training mode). Linear in the number of parameters.

    >>> signature(nn.Linear(3, 2)) == signature(nn.Linear(3, 5))
    True
    >>> signature(nn.Linear(3, 2)) == signature(nn.Linear(4, 2))
    False
    >>> signature(nn.BatchNorm1d(3)) is None
    True
    """
    if _hooked(module):
        return None
    big = max((p.numel() for p in module.parameters()), default=0)
    if big > CPU_FUSE_MAX and all(p.device.type == "cpu" for p in module.parameters()):
        return None
    if type(module) is nn.Linear:
        w = module.weight
        return (LINEAR, w.shape[1], module.bias is not None, w.dtype, w.device)
    bufs = tuple((n, b.shape, b.dtype, b.device) for n, b in module.named_buffers())
    if bufs and any(s.training for s in module.modules()):
        return None
    params = tuple((n, p.shape, p.dtype, p.device) for n, p in module.named_parameters())
    if not params:
        return None
    if _is_mlp(module):
        return (MLP, params, tuple(repr(m) for m in module.children()))
    modes = tuple(s.training for s in module.modules())
    return (VMAP, type(module), params, bufs, modes)


class FusedGroup(NamedTuple):
    """Module steps on one node run together: their steps (in plan order), the kind
    (``"linear"``: one matrix product; ``"vmap"``: stacked parameters under vmap) and
    the modules they were planned for (checked at each forward).

    >>> FusedGroup((), "linear", ()).kind
    'linear'
    """

    steps: tuple[ModuleStep, ...]
    kind: str
    modules: tuple[nn.Module, ...]


class Stacks:
    """``torch.cat`` / ``torch.stack`` of parameters, remembered when no gradient is
    recorded (frozen groups under ``no_grad``): the key is each tensor's identity,
    version counter (bumped by every in-place change: optimiser steps,
    ``load_state_dict``, ``copy_``) and data pointer (``p.data = ...``), so a changed
    weight is never served stale. It holds one copy of the frozen weights.

    >>> st = Stacks(); a = torch.ones(2)
    >>> with torch.no_grad():
    ...     first = st.join([a, a], 0, True); again = st.join([a, a], 0, True)
    >>> first is again, first.shape
    (True, torch.Size([2, 2]))
    >>> with torch.no_grad():
    ...     _ = a.add_(1); float(st.join([a, a], 0, True).sum())
    8.0
    """

    def __init__(self) -> None:
        self.memo: dict[tuple[Any, ...], tuple[list[Tensor], Tensor]] = {}

    def join(self, ts: list[Tensor], dim: int, stack: bool) -> Tensor:
        """``torch.stack(ts, dim)`` (``stack``) or ``torch.cat(ts, dim)``."""
        op = torch.stack if stack else torch.cat
        if torch.is_grad_enabled() or torch.compiler.is_compiling() or \
                any(t.requires_grad for t in ts):
            return op(ts, dim)
        key = (stack, dim, tuple((id(t), t._version, t.data_ptr()) for t in ts))
        hit = self.memo.get(key)
        if hit is not None:
            return hit[1]
        if len(self.memo) > 256:
            self.memo.clear()
        out = op(ts, dim)
        self.memo[key] = (ts, out)
        return out


class _NoStacks(Stacks):
    """Plain ``cat`` / ``stack``, nothing remembered."""

    def join(self, ts: list[Tensor], dim: int, stack: bool) -> Tensor:
        return torch.stack(ts, dim) if stack else torch.cat(ts, dim)


_PLAIN = _NoStacks()
#: on the CPU, modules whose largest parameter has more entries than this run unfused:
#: one large matrix product per module is already efficient there, and a batched one
#: measured slower (two 512 x 512 teachers: 1.2x); on accelerators every size fuses
CPU_FUSE_MAX = 65536


def _linear(mods: Sequence[Any], x: Tensor, st: Stacks = _PLAIN
            ) -> tuple[Tensor | None, list[Tensor]]:
    """One matrix product against the concatenated weights. On a batch of vectors
    ``(n, in)`` it is computed transposed, ``W @ x.T + b``: the whole output is
    ``(features, n)`` (each edge's value a transposed view of its rows), the layout in
    which a reduction over the features (the softmax of a cross-entropy) runs
    vectorised over the examples."""
    ws = [m.weight for m in mods]
    w = st.join(ws, 0, False)
    b = st.join([m.bias for m in mods], 0, False) if mods[0].bias is not None else None
    sizes = [int(t.shape[0]) for t in ws]
    if x.dim() == 2:
        yt = torch.mm(w, x.t()) if b is None else torch.addmm(b.unsqueeze(1), w, x.t())
        return yt, [v.t() for v in torch.split(yt, sizes, dim=0)]
    y = F.linear(x, w, b)
    return None, list(torch.split(y, sizes, dim=-1))


def _is_mlp(m: nn.Module) -> bool:
    """An ``nn.Sequential`` of ``nn.Linear`` layers (the first one a Linear) and
    parameter-free elementwise layers, without hooks."""
    if type(m) is not nn.Sequential or len(m) == 0 or type(m[0]) is not nn.Linear:
        return False
    return all(type(c) is nn.Linear or (type(c) in ELEMENTWISE and not any(
        True for _ in c.parameters())) for c in m)


def _mlp(mods: Sequence[Any], x: Tensor, st: Stacks = _PLAIN
         ) -> tuple[Tensor | None, list[Any]]:
    """Stacks of Linear layers: the first as one matrix product over the concatenated
    weights, the next ones as batched products over the stacked weights, all in the
    transposed layout ``(edges, features, n)`` of :func:`_linear`."""
    if x.dim() != 2:
        return _vmapped(mods, x, st)
    first = [m[0] for m in mods]
    y, _ = _linear(first, x, st)
    if y is None:  # only for batches that are not 2-D, excluded above
        return _vmapped(mods, x, st)
    h = y.view(len(mods), -1, x.shape[0])  # (k, out, n)
    for i in range(1, len(mods[0])):
        layer = mods[0][i]
        if type(layer) is nn.Linear:
            w = st.join([m[i].weight for m in mods], 0, True)  # (k, out, in)
            if layer.bias is not None:
                b = st.join([m[i].bias for m in mods], 0, True).unsqueeze(2)
                h = torch.baddbmm(b, w, h)
            else:
                h = torch.bmm(w, h)
        else:
            h = layer(h)
    return h, [v.t() for v in h.unbind(0)]


def _vmapped(mods: Sequence[nn.Module], x: Tensor, st: Stacks = _PLAIN
             ) -> tuple[None, list[Any]]:
    base = mods[0]
    names = [n for n, _ in base.named_parameters()]
    own = [dict(m.named_parameters()) for m in mods]
    params = {n: st.join([p[n] for p in own], 0, True) for n in names}
    bnames = [n for n, _ in base.named_buffers()]
    if bnames:
        bown = [dict(m.named_buffers()) for m in mods]
        buffers = {n: st.join([b[n] for b in bown], 0, True) for n in bnames}
    else:
        buffers = {}

    def one(p: dict[str, Tensor], b: dict[str, Tensor], x: Tensor) -> Any:
        return torch.func.functional_call(base, (p, b), (x,))

    out = torch.vmap(one, in_dims=(0, 0, None), randomness="error")(params, buffers, x)
    return None, [pytree.tree_map(lambda t, i=i: t[i], out) for i in range(len(mods))]


def _groups(steps: Sequence[ModuleStep], models: Models,
            reach: Mapping[int, tuple[EquationStep, ...]]) -> list[FusedGroup]:
    by_sig: dict[Any, list[ModuleStep]] = {}
    for s in steps:
        if not s.no_grad and not reach.get(s.node):
            continue  # no gradient reaches it: unfused its parameters get none
        sig = signature(models[s.edge])
        if sig is not None:
            by_sig.setdefault((s.no_grad, sig), []).append(s)
    out = []
    for (_, sig), members in by_sig.items():
        if len(members) >= 2:
            out.append(FusedGroup(tuple(members), sig[0],
                                  tuple(models[s.edge] for s in members)))
    return out


@dataclass
class Fusion:
    """The fused groups of a program and the shared frozen steps, with what they need
    at run time (see the module docstring). :meth:`runner` is the executor's hook:
    the runner of a node that heads a group or may be shared, else ``None``.

    >>> Fusion({}, {}).runner(0) is None
    True
    """

    leads: dict[int, FusedGroup]
    shared: dict[int, ModuleStep]
    comparisons: tuple[FusedComparison, ...] = ()
    #: per module node, the equations a gradient reaches it from (non-detached sides)
    reach: dict[int, tuple[EquationStep, ...]] = field(default_factory=dict)
    #: per node, the column node its path starts with
    column_of: dict[int, int] = field(default_factory=dict)
    broken: set[int] = field(default_factory=set)
    memo: dict[tuple[str, int], tuple[Any, Any]] = field(default_factory=dict)
    #: per fused Linear group run whole on this batch: its concatenated output
    outputs: dict[int, Tensor] = field(default_factory=dict)
    #: the remembered stacks of frozen weights
    stacks: Stacks = field(default_factory=Stacks)
    #: per fused comparison done on this batch: its terms as one vector
    partials: list[tuple[FusedComparison, Tensor]] = field(default_factory=list)

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """The edges of each fused group, in plan order.

        >>> Fusion({}, {}).groups()
        ()
        """
        return tuple(tuple(s.edge for s in g.steps) for g in self.leads.values())

    def begin(self) -> None:
        """Forget the previous batch's shared values (call before each run).

        >>> Fusion({}, {}).begin()
        """
        self.memo.clear()
        self.outputs.clear()
        self.partials.clear()

    def weighted_sum(self) -> tuple[Tensor | None, set[str]]:
        """``Σ weight · term`` over the fused comparisons of this batch (one reduction
        per comparison), and the equations it covers.

        >>> Fusion({}, {}).weighted_sum()
        (None, set())
        """
        total: Tensor | None = None
        names: set[str] = set()
        for fc, vec in self.partials:
            ws = [e.weight for e in fc.equations]
            if all(w == ws[0] for w in ws):
                part = vec.sum() if ws[0] == 1.0 else vec.sum() * ws[0]
            else:
                part = (vec * torch.tensor(ws, dtype=vec.dtype, device=vec.device)).sum()
            total = part if total is None else total + part
            names.update(e.name for e in fc.equations)
        return total, names

    def runner(self, node: int) -> Any:
        """The hook for ``node``: a callable ``(step, frame, models, policy, cache)``
        that computes it (and its group), or ``None`` for a plain step.

        >>> Fusion({}, {}).runner(3)
        """
        if node in self.leads:
            return self._run_group
        if node in self.shared:
            return self._run_shared
        return None

    def live(self, eq: EquationStep, frame: Frame, gathered: bool) -> bool:
        """Whether ``eq`` compares at least one example on this batch (so, unfused, its
        sides get a gradient): always, unless the batch's undefined rows were cut away
        (``gathered``: eager missing values), where its columns' common defined rows
        decide (one host synchronisation).

        >>> Fusion({}, {}).live(EquationStep("e", 0, 1, None, False, False, 1.0),
        ...                     Frame.empty(2), True)
        True
        """
        a, b = self.column_of.get(eq.lhs), self.column_of.get(eq.rhs)
        if not gathered or a is None or b is None:
            return True
        if frame.values[a] is None or frame.values[b] is None:
            return False
        ma, mb = frame.rows[a], frame.rows[b]
        if ma is None and mb is None:
            return True
        return bool(common_rows(ma, mb).any())

    def _alive(self, step: ModuleStep, frame: Frame, gathered: bool) -> bool:
        if step.no_grad or not gathered:
            return True
        return any(self.live(e, frame, True) for e in self.reach.get(step.node, ()))

    # ---------------------------------------------------------------- groups
    def _valid(self, group: FusedGroup, models: Models) -> bool:
        if group.steps[0].node in self.broken or _global_hooks():
            return False
        for s, m in zip(group.steps, group.modules, strict=True):
            if models[s.edge] is not m or m._forward_hooks or m._forward_pre_hooks:
                return False
        if group.kind == VMAP:
            first = tuple(s.training for s in group.modules[0].modules())
            return all(tuple(s.training for s in m.modules()) == first
                       for m in group.modules[1:])
        return True

    def _run_group(self, step: ModuleStep, frame: Frame, models: Models, policy: Any,
                   cache: Any) -> None:
        group = self.leads[step.node]
        values = frame.values
        x = values[step.parent]
        gathered = frame.masked and isinstance(policy, GatherRows)
        todo = [s for s in group.steps
                if s.node not in frame.given and self._alive(s, frame, gathered)]
        if len(todo) < 2 or not isinstance(x, Tensor) or not self._valid(group, models):
            self._plain(step, frame, models, policy, cache)
            return
        guards = getattr(policy, "guards", None)
        if guards is not None:
            for s in todo:
                guards.check_input(s, x)
        mods = [models[s.edge] for s in todo]
        got = self._fused(group, todo, mods, x, frame, models, policy, cache)
        if got is None:
            return
        whole, outs = got
        if whole is not None and len(todo) == len(group.steps):
            stacked = _per_example(group.kind, whole, mods)
            if stacked is not None:
                self.outputs[step.node] = stacked
        for s, v in zip(todo, outs, strict=True):
            frame.rows[s.node] = frame.rows[s.parent]
            values[s.node] = v
            frame.given.add(s.node)
            if cache is not None:
                cache.after(s.node, frame)

    def _fused(self, group: FusedGroup, todo: list[ModuleStep], mods: list[nn.Module],
               x: Tensor, frame: Frame, models: Models, policy: Any, cache: Any
               ) -> tuple[Tensor | None, list[Any]] | None:
        fn = {LINEAR: _linear, MLP: _mlp}.get(group.kind, _vmapped)
        if torch.compiler.is_compiling():
            return self._under(todo[0].no_grad, fn, mods, x, self.stacks)
        try:
            return self._under(todo[0].no_grad, fn, mods, x, self.stacks)
        except (RuntimeError, ValueError, TypeError):
            # a module that cannot be fused exactly (random draws under vmap, an
            # input it rejects): from now on run unfused, so errors name the edge
            self.broken.add(group.steps[0].node)
            self._plain(todo[0], frame, models, policy, cache)
            return None

    @staticmethod
    def _under(no_grad: bool, fn: Any, mods: list[nn.Module], x: Tensor, st: Stacks
               ) -> tuple[Tensor | None, list[Any]]:
        if no_grad:
            with torch.no_grad():
                return fn(mods, x, st)
        return fn(mods, x, st)

    # ---------------------------------------------------------------- equations
    def compare(self, frame: Frame, policy: Any) -> set[str]:
        """Record the terms of the fused comparisons whose group ran whole on this
        batch with every example defined; returns the names of the equations done
        (the executor compares the others one by one).

        >>> Fusion({}, {}).compare(Frame.empty(1), None)
        set()
        """
        done: set[str] = set()
        for fc in self.comparisons:
            y = self.outputs.get(fc.lead)
            if y is None:
                continue
            if any(frame.rows[e.lhs] is not None or frame.rows[e.rhs] is not None
                   for e in fc.equations):
                continue
            if torch.compiler.is_compiling():
                terms = _compare(fc, y, frame, policy)
            else:
                try:
                    terms = _compare(fc, y, frame, policy)
                except (RuntimeError, ValueError, TypeError, IndexError):
                    terms = None  # compared one by one: errors name the equation
            if terms is None:
                continue
            self.partials.append((fc, terms))
            for e, t in zip(fc.equations, terms.unbind(0), strict=True):
                frame.terms[e.name] = t
                if frame.masked:  # other columns have undefined rows: report counts
                    frame.defined[e.name] = int(y.shape[2])
                done.add(e.name)
        return done

    @staticmethod
    def _plain(step: ModuleStep, frame: Frame, models: Models, policy: Any,
               cache: Any) -> None:
        """The executor's own step (the unfused path)."""
        x = frame.values[step.parent]
        module = models[step.edge]
        if step.no_grad:
            with torch.no_grad():
                frame.values[step.node] = policy.call(step, module, x, frame)
        else:
            frame.values[step.node] = policy.call(step, module, x, frame)
        if cache is not None:
            cache.after(step.node, frame)

    # ---------------------------------------------------------------- shared
    def _run_shared(self, step: ModuleStep, frame: Frame, models: Models, policy: Any,
                    cache: Any) -> None:
        x = frame.values[step.parent]
        if torch.compiler.is_compiling() or not isinstance(x, Tensor) or \
                _hooked(models[step.edge]) or _global_hooks():
            self._plain(step, frame, models, policy, cache)
            return
        key = (step.edge, id(x))
        hit = self.memo.get(key)
        if hit is not None and hit[0] is x:
            frame.values[step.node] = hit[1]
            if cache is not None:
                cache.after(step.node, frame)
            return
        self._plain(step, frame, models, policy, cache)
        self.memo[key] = (x, frame.values[step.node])


def _shared(program: Program) -> dict[int, ModuleStep]:
    by_edge: dict[str, list[ModuleStep]] = {}
    for s in program.steps:
        if isinstance(s, ModuleStep) and s.no_grad:
            by_edge.setdefault(s.edge, []).append(s)
    return {s.node: s for steps in by_edge.values() if len(steps) >= 2 for s in steps}


def plan_fusion(program: Program, models: Models, full: Program | None = None) -> Fusion:
    """The fused groups of ``program`` for these modules (see the module docstring):
    module steps on one node grouped by :func:`signature` (and ``no_grad``), each
    group headed by its first step in plan order; and the frozen steps that may be
    shared across sources; ``full``: the program before :func:`prune` (whose paths
    :meth:`Fusion.live` follows). Linear in the number of steps and parameters.

    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch.plan_exec import build_program
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> D = LearningDiagram.from_graph(g.model("a", "X", "Y").model("b", "X", "Y"))
    >>> names = [eq.name for eq in D.equations]
    >>> prog = build_program(D.compile_plan(), set(), dict.fromkeys(names),
    ...                      dict.fromkeys(names, 1.0))
    >>> plan_fusion(prog, {"a": nn.Linear(2, 2), "b": nn.Linear(2, 2)}).groups()
    (('a', 'b'),)
    """
    by_parent: dict[int, list[ModuleStep]] = {}
    parent: dict[int, int] = {}
    column_of: dict[int, int] = {}
    for s in program.steps:
        parent[s.node] = s.parent
        if isinstance(s, ModuleStep):
            by_parent.setdefault(s.parent, []).append(s)
    for s in (full or program).steps:
        if isinstance(s, ModuleStep):
            if s.parent in column_of:
                column_of[s.node] = column_of[s.parent]
        else:
            column_of[s.node] = s.node
    reach: dict[int, list[EquationStep]] = {}
    for e in program.equations:
        for n, detached in ((e.lhs, e.detach_lhs), (e.rhs, e.detach_rhs)):
            while not detached and n in parent:
                reach.setdefault(n, []).append(e)
                n = parent[n]
    frozen_reach = {n: tuple(v) for n, v in reach.items()}
    leads: dict[int, FusedGroup] = {}
    for steps in by_parent.values():
        for g in _groups(steps, models, frozen_reach):
            leads[g.steps[0].node] = g
    return Fusion(leads, _shared(program), _comparisons(program, leads), frozen_reach,
                  column_of)


class Pruned(NamedTuple):
    """A program without its weight-0 equations (see :func:`prune`): the program, the
    equations dropped, and the edges on their non-detached sides whose parameters the
    unfused loss would give a zero gradient (``anchors``).

    >>> Pruned(None, (), ()).anchors
    ()
    """

    program: Any
    dropped: tuple[EquationStep, ...]
    anchors: tuple[tuple[str, EquationStep], ...]


def anchor(models: Models, edges: Sequence[str]) -> Tensor | None:
    """``0 · p[0]`` summed over the trainable parameters of ``edges``: added to the
    total, it gives them the zero gradient a weight-0 equation gives them unfused (so
    optimisers with momentum or weight decay step exactly as unfused), at the cost of
    one element per parameter instead of a forward.

    >>> z = anchor({"a": nn.Linear(2, 1)}, ["a"])
    >>> float(z.detach()) == 0.0, z.requires_grad
    (True, True)
    """
    out: Tensor | None = None
    for e in edges:
        for p in models[e].parameters():
            if p.requires_grad and p.numel() > 0:
                z = p.reshape(-1)[0] * 0.0
                out = z if out is None else out + z
    return out


def prune(program: Program) -> Pruned:
    """``program`` without its weight-0 equations and the steps only they need; the
    equations dropped, and the edges to anchor (see :class:`Pruned`). Linear in the
    number of steps.

    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> from catlearn_torch.plan_exec import build_program
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    >>> D = LearningDiagram.from_graph(g.model("a", "X", "Y").model("b", "X", "Z"))
    >>> names = [eq.name for eq in D.equations]
    >>> prog = build_program(D.compile_plan(), set(), dict.fromkeys(names),
    ...                      {names[0]: 1.0, names[1]: 0.0})
    >>> kept, dropped, anchors = prune(prog)
    >>> [s.edge for s in kept.steps], [e.name for e in dropped], [a for a, _ in anchors]
    (['x', 'y', 'z', 'a'], ['x ⋅ b = z'], ['b'])
    """
    kept = tuple(e for e in program.equations if e.weight != 0.0)
    dropped = tuple(e for e in program.equations if e.weight == 0.0)
    if not dropped:
        return Pruned(program, (), ())
    parent: dict[int, int] = {s.node: s.parent for s in program.steps}
    step_of = {s.node: s for s in program.steps if isinstance(s, ModuleStep)}
    anchors: dict[tuple[str, EquationStep], None] = {}
    for e in dropped:
        for n, detached in ((e.lhs, e.detach_lhs), (e.rhs, e.detach_rhs)):
            while not detached and n in parent:
                s = step_of.get(n)
                if s is not None and not s.no_grad:
                    anchors[(s.edge, e)] = None
                n = parent[n]
    need: set[int] = set()
    for e in kept:
        for n in (e.lhs, e.rhs):
            while n in parent and n not in need:
                need.add(n)
                n = parent[n]
    groups = []
    for g in program.groups:
        steps = tuple(s for s in g.steps if s.node in need or not isinstance(s, ModuleStep))
        if steps:
            groups.append(StepGroup(g.parent, steps))
    return Pruned(Program(tuple(groups), kept, program.columns, program.roots,
                          program.size), dropped, tuple(anchors))


class FusedComparison(NamedTuple):
    """Equations comparing the outputs of one fused ``Linear`` group (``lead``) with
    other nodes by one comparator (cross-entropy on class indices, or MSE): ``heads``
    is each equation's position in the group, ``fused_lhs`` whether the fused output
    is the lhs; all share the comparator's settings and which side is detached.

    >>> FusedComparison(0, (), (), True, None).heads
    ()
    """

    lead: int
    equations: tuple[EquationStep, ...]
    heads: tuple[int, ...]
    fused_lhs: bool
    comparator: Any


def _other(fc: FusedComparison, eq: EquationStep) -> int:
    return eq.rhs if fc.fused_lhs else eq.lhs


def _per_example(kind: str, whole: Tensor, mods: Sequence[Any]) -> Tensor | None:
    """A fused group's output as one ``(heads, features, examples)`` tensor (``None``
    when its heads differ in width or the examples are not one dimension)."""
    if kind == LINEAR:
        sizes = {int(m.weight.shape[0]) for m in mods}
        if whole.dim() != 2 or len(sizes) != 1:
            return None
        return whole.view(len(mods), sizes.pop(), whole.shape[1])
    if whole.dim() != 3:
        return None
    return whole


def _compare(fc: FusedComparison, logits: Tensor, frame: Frame, policy: Any
             ) -> Tensor | None:
    """The terms of a fused comparison, or ``None`` when the values do not have the
    shapes it handles (then they are compared one by one)."""
    values, guards = frame.values, getattr(policy, "guards", None)
    first = fc.equations[0]
    if first.detach_lhs if fc.fused_lhs else first.detach_rhs:
        logits = logits.detach()
    heads, c, n = logits.shape
    others = []
    for e in fc.equations:
        a, b = values[e.lhs], values[e.rhs]
        if guards is not None:
            a, b = guards.compare(e, a, b, frame)
        others.append(b if fc.fused_lhs else a)
    if fc.heads != tuple(range(heads)):
        logits = logits[list(fc.heads)]
    if type(fc.comparator) is CrossEntropy:
        if any(not isinstance(o, Tensor) or o.is_floating_point() or o.dim() != 1
               or o.shape[0] != n for o in others):
            return None
        labels = torch.stack(others, 0)  # (heads, examples)
        if first.detach_rhs if fc.fused_lhs else first.detach_lhs:
            labels = labels.detach()
        loss = F.cross_entropy(logits, labels, reduction="none",
                               label_smoothing=fc.comparator.label_smoothing)
        den = (labels != -100).sum(1).to(loss.dtype)
        return loss.sum(1) / den
    if any(not isinstance(o, Tensor) or o.shape != (n, c) or o.dtype != logits.dtype
           for o in others):
        return None
    target = torch.stack(others, 0)  # (heads, examples, features)
    if first.detach_rhs if fc.fused_lhs else first.detach_lhs:
        target = target.detach()
    d = logits.transpose(1, 2) - target
    return (d * d).mean((1, 2))


def _comparator_key(c: Any) -> Any:
    if type(c) is CrossEntropy and c.class_dim == 1:
        return (CrossEntropy, c.label_smoothing)
    if type(c) is MSE:
        return (MSE,)
    return None


def _comparisons(program: Program, leads: dict[int, FusedGroup]
                 ) -> tuple[FusedComparison, ...]:
    where: dict[int, tuple[int, int]] = {}
    for lead, g in leads.items():
        if g.kind in (LINEAR, MLP):
            for j, s in enumerate(g.steps):
                where[s.node] = (lead, j)
    found: dict[Any, list[tuple[EquationStep, int]]] = {}
    for e in program.equations:
        key = _comparator_key(e.comparator)
        if key is None:
            continue
        for fused_lhs, f, o in ((True, e.lhs, e.rhs), (False, e.rhs, e.lhs)):
            if f in where and o not in where:
                lead, j = where[f]
                sig = (lead, fused_lhs, key, e.detach_lhs, e.detach_rhs)
                found.setdefault(sig, []).append((e, j))
                break
    out = []
    for sig, members in found.items():
        heads = [j for _, j in members]
        if len(members) >= 2 and len(set(heads)) == len(heads):
            out.append(FusedComparison(sig[0], tuple(e for e, _ in members), tuple(heads),
                                       sig[1], members[0][0].comparator))
    return tuple(out)
