"""The cache of frozen paths: a fixed teacher's values, memoised per example.

A **frozen path** is a data column followed by frozen edges only (e.g. ``x ⋅ teacher``);
its value on an example never changes while those edges stay frozen, so it is stored per
example index (the batch's ``"index"`` key) and looked up on later draws. Only the
*frontier* of frozen paths is stored: the frozen nodes that an equation reads or that
feed a node that is not frozen; the frozen nodes before them (their *chain*) are
skipped on a hit.

Two ways to use the store, with the same result:

* :class:`EagerCache` (eager): when every example of the batch is stored, its values are
  used; otherwise the chain runs and the batch's values are stored. The store grows as
  larger indices come.
* :class:`CompiledCache` (under ``torch.compile``): the same decision is a
  ``torch.cond`` on a tensor (no host synchronisation, no graph break), and the store
  has the fixed size given by ``cache=N`` (or ``enable_cache(size=N)``; without it
  tracing stops with a :class:`~catlearn_torch.errors.BatchError` saying so); indices
  beyond it are computed, never stored.

>>> store = NodeCache(size=4)
>>> store.store(torch.tensor([0, 2]), torch.tensor([[1.0], [3.0]]))
>>> store.lookup(torch.tensor([2, 0])).tolist(), store.lookup(torch.tensor([1]))
([[3.0], [1.0]], None)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, cast

import torch
from torch import Tensor, nn

from catlearn_torch.data import INDEX
from catlearn_torch.errors import CACHE_SIZE, NO_INDEX, BatchError
from catlearn_torch.plan_exec import ColumnStep, Frame, Models, ModuleStep, Program

__all__ = ["NodeCache", "FrozenPaths", "frozen_paths", "EagerCache", "CompiledCache",
           "batch_indices"]


class NodeCache:
    """Per-example values of one frozen node, by example index. The storage has one row
    more than its capacity: a scratch row where indices beyond the capacity go under
    ``torch.compile`` (it is never marked filled). ``size``: the capacity to allocate on
    the first store (else the largest index seen, grown by doubling).

    >>> NodeCache().capacity
    0
    """

    def __init__(self, size: int = 0) -> None:
        self.size = size
        self.values: Tensor | None = None
        self.filled: Tensor | None = None

    @property
    def capacity(self) -> int:
        """How many example indices (``0 .. capacity-1``) the storage holds.

        >>> c = NodeCache(); c.store(torch.tensor([3]), torch.zeros(1, 2)); c.capacity
        4
        """
        return 0 if self.values is None else self.values.shape[0] - 1

    def allocate(self, capacity: int, like: Tensor) -> None:
        """(Re)allocate empty storage for ``capacity`` examples shaped like ``like``'s
        rows, keeping what is stored when the row shape and dtype are the same.

        >>> c = NodeCache(); c.allocate(5, torch.zeros(2, 3)); c.capacity
        5
        """
        values = torch.zeros((capacity + 1, *like.shape[1:]), dtype=like.dtype,
                             device=like.device)
        filled = torch.zeros(capacity + 1, dtype=torch.bool, device=like.device)
        old, was = self.values, self.filled
        if old is not None and was is not None and old.shape[1:] == like.shape[1:] \
                and old.dtype == like.dtype and old.device == like.device:
            k = min(old.shape[0] - 1, capacity)
            values[:k] = old[:k]
            filled[:k] = was[:k]
        self.values, self.filled = values, filled

    def lookup(self, idx: Tensor) -> Tensor | None:
        """The stored values of examples ``idx``, or ``None`` unless all are stored
        (eager: reads the data). O(len(idx)).

        >>> NodeCache().lookup(torch.tensor([0])) is None
        True
        """
        if self.values is None or self.filled is None or idx.numel() == 0:
            return None
        idx = idx.to(self.filled.device)
        if int(idx.min()) < 0 or int(idx.max()) >= self.capacity \
                or not bool(self.filled[idx].all()):
            return None
        return self.values[idx]

    def store(self, idx: Tensor, value: Tensor) -> None:
        """Store ``value`` (one row per index) for examples ``idx``, growing the storage
        as needed (eager). Amortised O(len(idx)).

        >>> c = NodeCache(); c.store(torch.tensor([1]), torch.ones(1, 2)); int(c.filled.sum())
        1
        """
        if idx.numel() == 0:
            return
        value = value.detach()
        idx = idx.to(value.device)
        if int(idx.min()) < 0:
            raise BatchError(f"example indices must be >= 0, got {int(idx.min())}")
        need = int(idx.max()) + 1
        if self.values is None or self.values.shape[1:] != value.shape[1:] \
                or self.values.dtype != value.dtype:
            self.values = None
            self.allocate(max(need, self.size), value)
        elif need > self.capacity:
            self.allocate(max(need, 2 * self.capacity), value)
        cast(Tensor, self.values)[idx] = value
        cast(Tensor, self.filled)[idx] = True

    def count(self) -> int:
        """How many examples are stored.

        >>> NodeCache().count()
        0
        """
        return 0 if self.filled is None else int(self.filled.sum())


class FrozenPaths(NamedTuple):
    """The frozen paths of a program: every frozen node after a column (``cacheable``),
    the ``frontier`` stored, and each frontier node's ``chain`` (itself and its frozen
    ancestors, nearest first), ``column`` (the column node the chain starts from) and
    ``steps`` (the chain's module steps, in order)."""

    cacheable: frozenset[int]
    frontier: tuple[int, ...]
    chain: Mapping[int, tuple[int, ...]]
    column: Mapping[int, int]
    steps: Mapping[int, tuple[ModuleStep, ...]]
    source: Mapping[int, str]


def frozen_paths(program: Program, frozen: set[str], ends: set[int]) -> FrozenPaths:
    """The frozen paths of ``program`` (see :class:`FrozenPaths`); ``ends``: the nodes
    equations read. Linear in the number of steps.

    >>> from catlearn_torch.plan_exec import build_program
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> D = LearningDiagram.from_graph(g.fixed("t", "X", "Y").model("s", "X", "Y"))
    >>> names = [eq.name for eq in D.equations]
    >>> prog = build_program(D.compile_plan(), {"t"}, dict.fromkeys(names),
    ...                      dict.fromkeys(names, 1.0))
    >>> frozen_paths(prog, {"t"}, {3, 4}).frontier  # N ⋅ x ⋅ t
    (4,)
    """
    steps = program.steps
    by_node = {s.node: s for s in steps}
    columns = {s.node for s in steps if isinstance(s, ColumnStep)}
    cacheable: set[int] = set()
    for s in steps:
        if isinstance(s, ModuleStep) and s.edge in frozen and (
                s.parent in columns or s.parent in cacheable):
            cacheable.add(s.node)
    feeds_other = {s.parent for s in steps if s.parent in cacheable
                   and s.node not in cacheable}
    frontier = tuple(sorted(n for n in cacheable if n in ends or n in feeds_other))
    chain: dict[int, tuple[int, ...]] = {}
    column: dict[int, int] = {}
    mods: dict[int, tuple[ModuleStep, ...]] = {}
    for f in frontier:
        nodes: list[int] = []
        cur = f
        while cur in cacheable:
            nodes.append(cur)
            cur = by_node[cur].parent
        chain[f] = tuple(nodes)
        column[f] = cur
        mods[f] = tuple(by_node[n] for n in reversed(nodes))  # type: ignore[misc]
    return FrozenPaths(frozenset(cacheable), frontier, chain, column, mods,
                       {f: by_node[f].source for f in frontier})


def batch_indices(frame: Frame, program: Program, sources: set[str],
                  device: torch.device) -> dict[str, Tensor]:
    """Each source's example indices (the batch key ``"index"``), as a long tensor.

    >>> batch_indices(Frame([{"index": [2, 0]}], [None]), None, set(), torch.device("cpu"))
    {}
    """
    out: dict[str, Tensor] = {}
    for s in sorted(sources):
        cols = frame.values[program.roots[s]]
        idx = cols.get(INDEX) if isinstance(cols, Mapping) else None
        if idx is None:
            raise BatchError(NO_INDEX.format(source=s))
        out[s] = torch.as_tensor(idx).reshape(-1).long().to(device)
    return out


class EagerCache:
    """The cache as the eager forward uses it (see the module docstring); ``compact``:
    the values of a partly defined column are cut down to its defined rows
    (:class:`~catlearn_torch.rows.GatherRows`).

    >>> EagerCache  # doctest: +ELLIPSIS
    <class '...EagerCache'>
    """

    def __init__(self, paths: FrozenPaths, stores: dict[int, NodeCache], program: Program,
                 device: torch.device, compact: bool) -> None:
        self.paths, self.stores, self.program = paths, stores, program
        self.device, self.compact = device, compact
        self.missed: dict[int, Tensor] = {}

    def before(self, frame: Frame) -> None:
        """Fill the frontier nodes stored for every example of the batch; mark the frozen
        nodes that need not run as given."""
        paths = self.paths
        index = batch_indices(frame, self.program, set(paths.source.values()), self.device)
        needed: set[int] = set()
        for f in paths.frontier:
            ids = index[paths.source[f]]
            r = frame.rows[paths.column[f]]
            if self.compact and r is not None:
                ids = ids[r]
            got = self.stores[f].lookup(ids)
            if got is not None:
                frame.values[f] = got
                frame.given.add(f)
            else:
                self.missed[f] = ids
                needed.update(paths.chain[f])
        frame.given |= paths.cacheable - needed

    def after(self, node: int, frame: Frame) -> None:
        """Store a computed frontier value."""
        ids = self.missed.get(node)
        v = frame.values[node]
        if ids is not None and isinstance(v, Tensor):
            self.stores[node].store(ids, v)


def _stored(values: Tensor) -> Callable[[Tensor, Tensor], Tensor]:
    def read(_x: Tensor, ids: Tensor) -> Tensor:
        return values[ids]

    return read


class CompiledCache:
    """The cache as traced by ``torch.compile`` (see the module docstring): one
    ``torch.cond`` per frontier node, on whether every example is stored.

    >>> CompiledCache  # doctest: +ELLIPSIS
    <class '...CompiledCache'>
    """

    def __init__(self, paths: FrozenPaths, stores: dict[int, NodeCache], program: Program,
                 models: Models, call: Callable[[ModuleStep, nn.Module,
                                                                  Any, Frame], Any],
                 device: torch.device) -> None:
        self.paths, self.stores, self.program = paths, stores, program
        self.models, self.call, self.device = models, call, device

    def _chain(self, f: int, frame: Frame) -> Callable[[Tensor, Tensor], Tensor]:
        steps = self.paths.steps[f]

        def run(x: Tensor, _ids: Tensor) -> Tensor:
            for s in steps:
                x = self.call(s, self.models[s.edge], x, frame)
            return x

        return run

    def before(self, frame: Frame) -> None:
        """Fill every frontier node from the store or its chain (a ``torch.cond``),
        store the batch's values, mark the frozen nodes as given."""
        paths = self.paths
        index = batch_indices(frame, self.program, set(paths.source.values()), self.device)
        for f in paths.frontier:
            store = self.stores[f]
            x = frame.values[paths.column[f]]
            ids = index[paths.source[f]]
            compute = self._chain(f, frame)
            if store.size <= 0:
                raise BatchError(CACHE_SIZE)
            with torch.no_grad():
                if store.values is None or store.capacity < store.size:
                    out = compute(x, ids)
                    store.allocate(store.size, out)
                else:
                    cap = store.capacity
                    valid = (ids >= 0) & (ids < cap)
                    safe = torch.where(valid, ids, cap)
                    hit = (cast(Tensor, store.filled)[safe] & valid).all()
                    out = torch.cond(hit, _stored(cast(Tensor, store.values)), compute,
                                     (x, safe))
                    torch._check(out.shape[0] == ids.shape[0])  # for dynamic batch sizes
                cap = store.capacity
                valid = (ids >= 0) & (ids < cap)
                safe = torch.where(valid, ids, cap)
                filled = cast(Tensor, store.filled)
                cast(Tensor, store.values).index_put_((safe,), out)
                filled.index_put_((safe,), valid)
                filled[cap] = False
            frame.values[f] = out
        frame.given |= paths.cacheable

    def after(self, node: int, frame: Frame) -> None:
        """Nothing: every frontier value is stored in :meth:`before`."""
