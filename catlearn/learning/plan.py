"""The loss program: a backend-neutral plan that evaluates each path prefix once.

For each data source the plan holds a **prefix trie** of the paths that equations use:
one node per distinct path prefix (the root is the source itself, the batch), each
non-root node reached from its parent by one edge. A model shared by several paths
appears once per distinct prefix, so a backbone feeding ``K`` heads is run once per
batch. Equations are pairs of trie nodes with a weight and a comparator. Backends run
the nodes in order (parents come before children) and compare the pairs.

>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
>>> g = g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")
>>> plan = LearningDiagram.from_graph(g).compile_plan()
>>> [str(n.path) for n in plan.nodes]
['N', 'N ⋅ x', 'N ⋅ y', 'N ⋅ z', 'N ⋅ x ⋅ m', 'N ⋅ x ⋅ m ⋅ h1', 'N ⋅ x ⋅ m ⋅ h2']
>>> plan.count_edge_runs()["m"]  # the backbone runs once for both heads
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catlearn.categories import Path
from catlearn.errors import LearningGraphError

if TYPE_CHECKING:
    from catlearn.learning.diagram import LearningDiagram

__all__ = ["PlanNode", "PlanEquation", "LossPlan", "compile_plan"]


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

        >>> from catlearn.learning import LearningDiagram, LearningGraph
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


def compile_plan(diagram: LearningDiagram) -> LossPlan:
    """Compile a diagram's equations into a :class:`LossPlan` (also ``diagram.compile_plan``).

    Nodes are numbered source by source, breadth first (shorter prefixes first, then in
    the order equations first use them), so a parent always precedes its children.
    """
    roles = {name: role for name, _, _, role in diagram.graph.edges()}
    sources = list(dict.fromkeys(eq.source for eq in diagram.equations))
    rank = {s: i for i, s in enumerate(sources)}
    # a prefix is keyed by (source, edge names); its Path is built once, for its node
    prefixes: dict[tuple[str, tuple[str, ...]], tuple[Path, int]] = {}
    for eq in diagram.equations:
        for p in (eq.lhs, eq.rhs):
            names = p.names
            for k in range(len(p) + 1):
                key = (p.src, names[:k])
                if key not in prefixes:
                    prefixes[key] = (p, k)
    ordered = sorted(prefixes, key=lambda key: (rank[key[0]], len(key[1])))
    ids: dict[tuple[str, tuple[str, ...]], int] = {}
    nodes = []
    for i, key in enumerate(ordered):
        ids[key] = i
        src, names = key
        whole, k = prefixes[key]
        path = whole if k == len(whole) else Path(src, whole.edges[:k])
        if k == 0:
            nodes.append(PlanNode(i, src, None, None, None, src, path))
        else:
            nodes.append(PlanNode(i, src, ids[(src, names[:-1])], names[-1], roles[names[-1]],
                                  path.tgt, path))
    equations = tuple(
        PlanEquation(k, eq.name, eq.source, eq.target, ids[(eq.source, eq.lhs.names)],
                     ids[(eq.source, eq.rhs.names)], eq.weight, diagram.comparator_for(eq),
                     eq.grad)
        for k, eq in enumerate(diagram.equations))
    return LossPlan(tuple(nodes), equations, tuple(sources))


def distinct_prefixes(paths: Iterable[Path]) -> int:
    """The number of distinct prefixes (identity included) of some paths.

    >>> from catlearn.categories import Edge, Path
    >>> f, g = Edge("f", "x", "y"), Edge("g", "y", "z")
    >>> distinct_prefixes([Path("x", [f, g]), Path("x", [f])])
    3
    """
    return len({p[:k] for p in paths for k in range(len(p) + 1)})
