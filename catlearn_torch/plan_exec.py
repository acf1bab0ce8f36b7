"""The loss program as typed steps, and the one executor that runs it.

A diagram's :class:`~catlearn.learning.plan.LossPlan` (a prefix trie per source) becomes
a :class:`Program`: one :class:`ColumnStep` per data column read from the batch, one
:class:`ModuleStep` per model applied (``no_grad`` when nothing learnable precedes a
frozen edge), grouped per trie node with its children (:class:`StepGroup`, in the plan's
order: parents before children), and one :class:`EquationStep` per equation (the two
nodes compared, which side is detached, the weight).

:func:`execute` runs a program on one batch. Everything that differs between the
forward pass, the missing-value regimes, the cache of frozen paths and
:meth:`~catlearn_torch.CompiledDiagram.check` is a :class:`Policy` (how a column is
read, how a module is called, how two values are compared) plus an optional cache
(:mod:`catlearn_torch.cache`); detaching and the walk over the steps are written here,
once.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> plan = LearningDiagram.from_graph(g).compile_plan()
>>> prog = build_program(plan, frozen=set(), comparators={"x ⋅ c = y": None},
...                      weights={"x ⋅ c = y": 1.0})
>>> [type(s).__name__ for s in prog.steps]
['ColumnStep', 'ColumnStep', 'ModuleStep']
>>> prog.equations[0].detach_lhs, prog.equations[0].detach_rhs
(False, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import torch
from torch import Tensor, nn

from catlearn.learning import LEARNABLE
from catlearn.learning.plan import LossPlan

__all__ = ["ColumnStep", "ModuleStep", "Step", "StepGroup", "EquationStep", "Program",
           "Frame", "Policy", "Models", "build_program", "execute"]


class ColumnStep(NamedTuple):
    """Read data column ``edge`` of ``source``'s batch into trie node ``node``.

    >>> ColumnStep(1, 0, "x", "N").edge
    'x'
    """

    node: int
    parent: int
    edge: str
    source: str


class ModuleStep(NamedTuple):
    """Apply the module of ``edge`` to node ``parent``'s value, giving node ``node``;
    ``no_grad``: a frozen edge with nothing learnable before it (run under
    ``torch.no_grad()``).

    >>> ModuleStep(2, 1, "c", "N", False).no_grad
    False
    """

    node: int
    parent: int
    edge: str
    source: str
    no_grad: bool


Step = ColumnStep | ModuleStep
#: The modules of the edges, by edge name (``nn.ModuleDict`` or a plain mapping).
Models = Mapping[str, nn.Module] | nn.ModuleDict


class StepGroup(NamedTuple):
    """The steps computing the children of one trie node (``parent``), in plan order: the
    seam where parallel heads on one node can be run together.

    >>> StepGroup(0, ()).steps
    ()
    """

    parent: int
    steps: tuple[Step, ...]


class EquationStep(NamedTuple):
    """Compare nodes ``lhs`` and ``rhs`` with ``comparator``; ``detach_lhs`` /
    ``detach_rhs``: that side gets no gradient from this equation (``grad="rhs"`` /
    ``"lhs"``), the node itself stays attached for the others.

    >>> EquationStep("e", 1, 2, None, False, True, 1.0).detach_rhs
    True
    """

    name: str
    lhs: int
    rhs: int
    comparator: Any
    detach_lhs: bool
    detach_rhs: bool
    weight: float


@dataclass(frozen=True)
class Program:
    """A compiled loss program (see the module docstring): ``groups`` of steps in
    order, the ``equations``, the ``columns`` each source's batch must have, the root node
    of each source, and the number of nodes.

    >>> Program((), (), {}, {}, 0).steps
    ()
    """

    groups: tuple[StepGroup, ...]
    equations: tuple[EquationStep, ...]
    columns: Mapping[str, tuple[str, ...]]
    roots: Mapping[str, int]
    size: int

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step, in execution order.

        >>> Program((StepGroup(0, (ColumnStep(1, 0, "x", "N"),)),), (), {}, {}, 2).steps
        (ColumnStep(node=1, parent=0, edge='x', source='N'),)
        """
        return tuple(s for g in self.groups for s in g.steps)


def build_program(plan: LossPlan, frozen: set[str], comparators: Mapping[str, Any],
                  weights: Mapping[str, float]) -> Program:
    """The program of a plan, given the frozen edges, each equation's comparator and
    weight. Linear in the number of plan nodes and equations.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> D = LearningDiagram.from_graph(g.fixed("t", "X", "Y").model("s", "X", "Y"))
    >>> names = [eq.name for eq in D.equations]
    >>> prog = build_program(D.compile_plan(), {"t"}, dict.fromkeys(names),
    ...                      dict.fromkeys(names, 1.0))
    >>> prog.steps[-1]
    ModuleStep(node=4, parent=1, edge='t', source='N', no_grad=True)
    """
    trainable_above = [False] * len(plan.nodes)
    groups: list[tuple[int, list[Step]]] = []
    columns: dict[str, list[str]] = {s: [] for s in plan.sources}
    for n in plan.nodes:
        if n.parent is None or n.edge is None:
            continue
        above = trainable_above[n.parent]
        trainable_above[n.id] = above or (n.role == LEARNABLE and n.edge not in frozen)
        step: Step
        if n.role == "data":
            step = ColumnStep(n.id, n.parent, n.edge, n.source)
            columns[n.source].append(n.edge)
        else:
            step = ModuleStep(n.id, n.parent, n.edge, n.source,
                              n.edge in frozen and not above)
        if groups and groups[-1][0] == n.parent:
            groups[-1][1].append(step)
        else:
            groups.append((n.parent, [step]))
    equations = tuple(
        EquationStep(eq.name, eq.lhs, eq.rhs, comparators[eq.name], eq.grad == "rhs",
                     eq.grad == "lhs", weights[eq.name])
        for eq in plan.equations)
    return Program(tuple(StepGroup(p, tuple(s)) for p, s in groups), equations,
                   {s: tuple(v) for s, v in columns.items()},
                   {n.source: n.id for n in plan.roots()}, len(plan.nodes))


@dataclass(slots=True)
class Frame:
    """The state of one run: each node's value (``None``: not computed, or no defined
    example), its definedness mask (``None``: every example defined), the nodes whose
    value is already given (cache hits), each equation's term and number of compared
    examples, and what the batch guards found (:mod:`catlearn_torch.batch`).

    >>> Frame.empty(3).values
    [None, None, None]
    """

    values: list[Any]
    rows: list[Tensor | None]
    given: set[int] = field(default_factory=set)
    terms: dict[str, Tensor] = field(default_factory=dict)
    defined: dict[str, Any] = field(default_factory=dict)
    #: whether some column of this batch has undefined examples (or may have)
    masked: bool = False
    #: per source, the first column read and its number of examples
    sizes: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: boolean tensors (True: a problem) with what they report, checked after the run
    flags: list[tuple[Tensor, Any]] = field(default_factory=list)
    #: per cross-entropy equation, its class indices (for reports)
    labels: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls, size: int) -> Frame:
        """A frame of ``size`` nodes, nothing computed.

        >>> len(Frame.empty(2).rows)
        2
        """
        return cls([None] * size, [None] * size)


class Policy(Protocol):
    """What differs between runs of a program: how a column is read (and which rows are
    defined), how a module is applied, how an equation's two values are compared."""

    def column(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame) -> None:
        """Set ``frame.values[step.node]`` and ``frame.rows[step.node]``."""

    def call(self, step: ModuleStep, module: nn.Module, x: Any, frame: Frame) -> Any:
        """The module's value on ``x`` (``None`` to mark the node as not computed)."""

    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> None:
        """Record the equation's term (and its number of compared examples) in
        ``frame``."""


class Cache(Protocol):
    """A cache of node values: ``before`` marks given nodes (and fills their values)
    before the modules run, ``after`` sees each computed module value."""

    def before(self, frame: Frame) -> None:
        """Fill cached nodes into ``frame`` (adding them to ``frame.given``)."""

    def after(self, node: int, frame: Frame) -> None:
        """Store the value of ``node`` if it is to be cached."""


def execute(program: Program, frame: Frame, models: Models,
            policy: Policy, cache: Cache | None = None, fusion: Any = None) -> Frame:
    """Run ``program`` on the batch held in ``frame`` (each source's columns at its root
    node): columns first, then the cache (if any), then the modules in plan order, then
    the equations. Each node is computed once; a node whose parent has no value gets
    none. ``fusion``: a :class:`catlearn_torch.fusion.Fusion` whose ``runner(node)``
    computes some nodes itself (fused groups, shared frozen steps; ``None`` for the
    others) and whose ``compare(frame, policy)`` records some equations' terms
    together (returning their names). Linear in the number of steps plus the modules' own cost.

    >>> from catlearn_torch.rows import FullRows
    >>> prog = Program((StepGroup(0, (ColumnStep(1, 0, "x", "N"),)),), (), {"N": ("x",)},
    ...                {"N": 0}, 2)
    >>> fr = Frame.empty(2); fr.values[0] = {"x": torch.ones(2)}
    >>> execute(prog, fr, {}, FullRows(torch.device("cpu"))).values[1]
    tensor([1., 1.])
    """
    for group in program.groups:
        cols = frame.values[group.parent]
        for step in group.steps:
            if isinstance(step, ColumnStep):
                policy.column(step, cols, frame)
    if cache is not None:
        cache.before(frame)
    for group in program.groups:
        for step in group.steps:
            if not isinstance(step, ColumnStep):
                _run_module(step, frame, models, policy, cache, fusion)
    done = fusion.compare(frame, policy) if fusion is not None else ()
    _compare(program, frame, policy, done)
    return frame


def _run_module(step: ModuleStep, frame: Frame, models: Models, policy: Policy,
                cache: Cache | None, fusion: Any) -> None:
    """Compute one module step's node (unless given, or its parent has no value)."""
    node, values = step.node, frame.values
    frame.rows[node] = frame.rows[step.parent]
    x = values[step.parent]
    if node in frame.given or x is None:
        return
    if fusion is not None:
        run = fusion.runner(node)
        if run is not None:
            run(step, frame, models, policy, cache)
            return
    module = models[step.edge]
    if step.no_grad:
        with torch.no_grad():
            values[node] = policy.call(step, module, x, frame)
    else:
        values[node] = policy.call(step, module, x, frame)
    if cache is not None:
        cache.after(node, frame)


def _compare(program: Program, frame: Frame, policy: Policy, done: Any) -> None:
    """Every equation not already compared (``done``), its detached sides detached."""
    for eq in program.equations:
        if done and eq.name in done:
            continue
        a, b = frame.values[eq.lhs], frame.values[eq.rhs]
        if eq.detach_lhs and isinstance(a, Tensor):
            a = a.detach()
        if eq.detach_rhs and isinstance(b, Tensor):
            b = b.detach()
        policy.compare(eq, a, b, frame)
