"""The loss program: a backend-neutral plan that evaluates each path prefix once.

For each data source the plan holds a **prefix trie** of the paths that equations use:
one node per distinct path prefix (the root is the source itself, the batch), each
non-root node reached from its parent by one edge. A model shared by several paths
appears once per distinct prefix, so a backbone feeding ``K`` heads is run once per
batch. Equations are pairs of trie nodes with a weight and a comparator. Backends run
the nodes in order (parents come before children) and compare the pairs.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
>>> g = g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")
>>> plan = LearningDiagram.from_graph(g).compile_plan()
>>> [str(n.path) for n in plan.nodes]
['N', 'N ⋅ x', 'N ⋅ y', 'N ⋅ z', 'N ⋅ x ⋅ m', 'N ⋅ x ⋅ m ⋅ h1', 'N ⋅ x ⋅ m ⋅ h2']
>>> plan.count_edge_runs()["m"]  # the backbone runs once for both heads
1
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from catlearn.categories import Edge, Path
from catlearn.errors import LearningGraphError

if TYPE_CHECKING:
    from catlearn.learning.diagram import LearningDiagram

__all__ = ["PlanNode", "PlanEquation", "LossPlan", "compile_plan"]


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large acyclic structure is built.

    Path finding and plan compilation make about five long-lived objects per path (paths,
    equations, plan nodes), none in a reference cycle; the cyclic collector would walk the
    whole heap again and again as they pile up (about half the time of ``from_graph`` +
    ``compile_plan`` on 10^4 paths). Reference counting still frees everything; the
    collector is resumed on exit, also on an error, and left alone if it was off.

    >>> import gc
    >>> with _without_cyclic_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass(frozen=True)
class PlanNode:
    """A node of a source's prefix trie: the value of ``path`` on a batch of ``source``.

    ``parent`` is the id of the node one edge shorter (``None`` at the root); ``edge``
    and ``role`` are those of the last edge (``None`` at the root); ``space`` is where
    the value lives.
    """

    id: int
    source: str
    parent: int | None
    edge: str | None
    role: str | None
    space: str
    path: Path

    @property
    def is_root(self) -> bool:
        """Whether this is the batch itself (the identity path of the source)."""
        return self.parent is None


@dataclass(frozen=True)
class PlanEquation:
    """An equation as two trie nodes to compare, with weight, comparator and grad side."""

    index: int
    name: str
    source: str
    target: str
    lhs: int
    rhs: int
    weight: float
    comparator: str
    grad: str


@dataclass(frozen=True)
class LossPlan:
    """The compiled loss program of a diagram (see the module docstring)."""

    nodes: tuple[PlanNode, ...]
    equations: tuple[PlanEquation, ...]
    sources: tuple[str, ...]

    def node_of(self, path: Path) -> PlanNode:
        """The node that computes ``path`` (an error when no equation uses it)."""
        for n in self.nodes:
            if n.path == path:
                return n
        raise LearningGraphError(f"the plan has no node for the path {path!r}")

    def children(self, node: int) -> tuple[PlanNode, ...]:
        """The nodes one edge below ``node``."""
        return tuple(n for n in self.nodes if n.parent == node)

    def roots(self) -> tuple[PlanNode, ...]:
        """One root per source (the batch)."""
        return tuple(n for n in self.nodes if n.is_root)

    def count_edge_runs(self) -> dict[str, int]:
        """How many times each edge is applied per step (once per trie node it labels)."""
        counts: dict[str, int] = {}
        for n in self.nodes:
            if n.edge is not None:
                counts[n.edge] = counts.get(n.edge, 0) + 1
        return counts

    def edges_used(self) -> tuple[str, ...]:
        """The edges the plan applies, in first-use order."""
        return tuple(self.count_edge_runs())

    def run(self, batches: Mapping[str, Any],
            apply: Callable[[PlanNode, Any], Any]) -> list[Any]:
        """Evaluate every node: ``apply(node, parent_value)`` for each non-root node, the
        root's value being ``batches[source]``. Returns the values by node id.

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
        >>> g = g.model("f", "X", "Y").model("g", "X", "Y")
        >>> plan = LearningDiagram.from_graph(g).compile_plan()
        >>> plan.run({"N": ""}, lambda node, v: v + node.edge)
        ['', 'x', 'y', 'xf', 'xg']
        """
        missing = [s for s in self.sources if s not in batches]
        if missing:
            raise LearningGraphError(f"no batch for the data source(s) {', '.join(missing)} "
                                     f"(the plan's sources: {', '.join(self.sources)})")
        values: list[Any] = [None] * len(self.nodes)
        for n in self.nodes:
            if n.parent is None:
                values[n.id] = batches[n.source]
            else:
                values[n.id] = apply(n, values[n.parent])
        return values


class _Prefixes:
    """The prefixes the equations use, in first-use order (each path walked from its
    source, lhs before rhs, equation by equation): per prefix its source, length,
    parent (an index here, -1 at a root), last edge (``None`` at a root) and path."""

    def __init__(self) -> None:
        self.source: list[str] = []
        self.depth: list[int] = []
        self.parent: list[int] = []
        self.edge: list[Edge | None] = []
        self.path: list[Path | None] = []
        self.ends: list[tuple[int, int]] = []

    def new(self, source: str, depth: int, parent: int, edge: Edge | None,
            path: Path | None) -> int:
        k = len(self.parent)
        self.source.append(source)
        self.depth.append(depth)
        self.parent.append(parent)
        self.edge.append(edge)
        self.path.append(path)
        return k

    def path_of(self, k: int) -> Path:
        """The path of prefix ``k``, made from its parent's when not known (parents must
        be resolved first)."""
        found = self.path[k]
        if found is None:  # not a root: roots are made with their paths
            e, up = cast(Edge, self.edge[k]), cast(Path, self.path[self.parent[k]])
            found = self.path[k] = Path._unchecked(up.src, (*up.edges, e))
        return found


def _walk_paths(equations: Sequence[Any]) -> _Prefixes:
    """Any equations: walk each path edge by edge through a (node, edge name) index.
    O(total length of the paths); a path object seen before costs O(1)."""
    out = _Prefixes()
    roots: dict[str, int] = {}
    child: dict[tuple[int, str], int] = {}
    seen: dict[int, tuple[Path, int]] = {}  # by id(path); the tuple keeps the path alive
    for eq in equations:
        ends = []
        for p in (eq.lhs, eq.rhs):
            hit = seen.get(id(p))
            if hit is None:
                src = p.src
                node = roots.get(src)
                if node is None:
                    node = roots[src] = out.new(src, 0, -1, None, Path.id(src))
                for d, e in enumerate(p.edges, 1):
                    key = (node, e.name)
                    nxt = child.get(key)
                    if nxt is None:
                        nxt = child[key] = out.new(src, d, node, e, None)
                    node = nxt
                if out.path[node] is None:
                    out.path[node] = p
                hit = seen[id(p)] = (p, node)
            ends.append(hit[1])
        out.ends.append((ends[0], ends[1]))
    return out


class PathFindingTrace(NamedTuple):
    """How path finding found a diagram's equations, kept by the diagram so that its
    plan reuses the search's tries instead of walking every path again.

    ``ends[k]`` is ``(trie, lhs node, rhs node)`` of equation ``k``, whose paths are
    ``paths[k]`` (compared by identity: a diagram whose equations changed walks its
    paths instead). Per trie: its source, its ``parent``/``depth``/``edge`` columns (edge
    ids into ``edges``) and the :class:`Path` of every node the equations use; ``roles``
    gives each edge's role by name.
    """

    ends: Sequence[tuple[int, int, int]]
    paths: Sequence[tuple[Path, Path]]
    sources: Sequence[str]
    parent: Sequence[Sequence[int]]
    depth: Sequence[Sequence[int]]
    edge: Sequence[Sequence[int]]
    node_paths: Sequence[Sequence[Path | None]]
    edges: Sequence[Edge]
    roles: Mapping[str, str]

    def fits(self, equations: Sequence[Any]) -> bool:
        """Whether ``equations`` still have exactly the traced paths: O(equations)."""
        return len(equations) == len(self.paths) and all(
            eq.lhs is p and eq.rhs is q
            for eq, (p, q) in zip(equations, self.paths, strict=True))

    def prefixes(self) -> _Prefixes:
        """The used prefixes in first-use order: each equation end climbs to its first
        node already used. O(nodes used + equations)."""
        out = _Prefixes()
        sources, depths, parents, last, node_paths = (
            out.source.append, out.depth.append, out.parent.append, out.edge.append,
            out.path.append)
        edges, ends = self.edges, out.ends.append
        index = [[-1] * len(ps) for ps in self.parent]
        count = 0
        for t, a, b in self.ends:
            src, up, depth, edge = (self.sources[t], self.parent[t], self.depth[t],
                                    self.edge[t])
            seen, paths = index[t], self.node_paths[t]
            for n in (a, b):
                chain = []
                while n >= 0 and seen[n] < 0:
                    chain.append(n)
                    n = up[n]
                for m in reversed(chain):
                    sources(src)
                    depths(depth[m])
                    parents(seen[up[m]] if m else -1)
                    last(edges[edge[m]] if m else None)
                    node_paths(paths[m])
                    seen[m] = count
                    count += 1
            ends((seen[a], seen[b]))
        return out


def compile_plan(diagram: LearningDiagram) -> LossPlan:
    """Compile a diagram's equations into a :class:`LossPlan` (also ``diagram.compile_plan``).

    Nodes are numbered source by source, breadth first (shorter prefixes first, then in
    the order equations first use them), so a parent always precedes its children. Time
    O(nodes · log nodes + equations), plus the total length of the equations' paths for
    a diagram whose equations were not found by path finding.
    """
    with _without_cyclic_gc():
        return _compile(diagram)


def _compile(diagram: LearningDiagram) -> LossPlan:
    eqs = diagram.equations
    trace = getattr(diagram, "_trace", None)
    if isinstance(trace, PathFindingTrace) and trace.fits(eqs):
        pre, roles = trace.prefixes(), trace.roles
        sources = list(dict.fromkeys(trace.sources[t] for t, _, _ in trace.ends))
    else:
        pre = _walk_paths(eqs)
        roles = {name: role for name, _, _, role in diagram.graph.edges()}
        sources = list(dict.fromkeys(eq.source for eq in eqs))
    rank = {s: i for i, s in enumerate(sources)}
    width = max(pre.depth, default=0) + 1
    keys = [rank[s] * width + d for s, d in zip(pre.source, pre.depth, strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: first use breaks ties
    ids = [0] * len(order)
    for i, k in enumerate(order):
        ids[k] = i
    nodes: list[PlanNode] = []
    append, new = nodes.append, PlanNode.__new__
    edge_of, parent_of, source_of, path_of = pre.edge, pre.parent, pre.source, pre.path
    for i, k in enumerate(order):  # the hot loop: nodes made without dataclass __init__
        e, path, node = edge_of[k], path_of[k], new(PlanNode)
        if path is None:
            path = pre.path_of(k)
        if e is None:
            src = source_of[k]
            node.__dict__.update({"id": i, "source": src, "parent": None, "edge": None,
                                  "role": None, "space": src, "path": path})
        else:
            name = e[0]
            node.__dict__.update({"id": i, "source": source_of[k],
                                  "parent": ids[parent_of[k]], "edge": name,
                                  "role": roles[name], "space": e[2], "path": path})
        append(node)
    by_space: dict[str, str] = {}  # the comparator of each target space
    equations = []
    new_eq = PlanEquation.__new__
    for k, (eq, (lhs, rhs)) in enumerate(zip(eqs, pre.ends, strict=True)):
        end = nodes[ids[lhs]]
        space = end.space
        comparator = eq.comparator or by_space.get(space)
        if comparator is None:
            comparator = by_space[space] = diagram.comparator_for(eq)
        plan_eq = new_eq(PlanEquation)
        plan_eq.__dict__.update({"index": k, "name": eq.name, "source": end.source,
                                 "target": space, "lhs": end.id, "rhs": ids[rhs],
                                 "weight": eq.weight, "comparator": comparator,
                                 "grad": eq.grad})
        equations.append(plan_eq)
    return LossPlan(tuple(nodes), tuple(equations), tuple(sources))


def distinct_prefixes(paths: Iterable[Path]) -> int:
    """The number of distinct prefixes (identity included) of some paths.

    >>> from catlearn.categories import Edge, Path
    >>> f, g = Edge("f", "x", "y"), Edge("g", "y", "z")
    >>> distinct_prefixes([Path("x", [f, g]), Path("x", [f])])
    3
    """
    return len({p[:k] for p in paths for k in range(len(p) + 1)})
