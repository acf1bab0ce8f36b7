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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from catlearn.categories import Edge, Path
from catlearn.errors import LearningGraphError

if TYPE_CHECKING:
    from catlearn.learning.diagram import LearningDiagram

__all__ = ["PlanNode", "PlanEquation", "LossPlan", "compile_plan"]


class _without_cyclic_gc:
    """Pause Python's cyclic garbage collector while a large acyclic structure is built.

    Path finding and plan compilation make about five long-lived objects per path (paths,
    equations, plan nodes), none in a reference cycle; the cyclic collector would walk the
    whole heap again and again as they pile up (about half the time of ``from_graph`` +
    ``compile_plan`` on 10^4 paths). Reference counting still frees everything; the
    collector is resumed on exit, also on an error, and left alone if it was off. A
    plain class, not ``contextlib.contextmanager``: entering costs no generator.

    >>> import gc
    >>> with _without_cyclic_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    __slots__ = ("_was_on",)

    def __enter__(self) -> None:
        self._was_on = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._was_on:
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
    plan is read off the search's tries instead of walking every path again.

    ``equations`` are the equations found (a diagram whose equations no longer have
    exactly their paths, compared by identity, walks its paths instead). Per trie (one
    per data source): its ``source``, its ``parent`` and ``edge`` columns (edge ids into
    ``edges``), the nodes the equations use in plan order (``order``: by length, then
    first use), the :class:`Path` of each of those nodes by node id (``node_paths``) and
    the ``(lhs, rhs)`` nodes of its equations (``ends``, in equation order). ``roles``
    gives each edge's role by edge id.
    """

    equations: Sequence[Any]
    sources: Sequence[str]
    parent: Sequence[Sequence[int]]
    edge: Sequence[Sequence[int]]
    order: Sequence[Sequence[int]]
    node_paths: Sequence[Sequence[Path | None]]
    ends: Sequence[Sequence[tuple[int, int]]]
    edges: Sequence[Edge]
    roles: Sequence[str]

    def fits(self, equations: Sequence[Any]) -> bool:
        """Whether ``equations`` still have exactly the traced paths: O(equations)."""
        found = self.equations
        return equations is found or (len(equations) == len(found) and all(
            eq.lhs is old.lhs and eq.rhs is old.rhs
            for eq, old in zip(equations, found, strict=True)))


def compile_plan(diagram: LearningDiagram) -> LossPlan:
    """Compile a diagram's equations into a :class:`LossPlan` (also ``diagram.compile_plan``).

    Nodes are numbered source by source, breadth first (shorter prefixes first, then in
    the order equations first use them), so a parent always precedes its children. Time
    O(nodes + equations) for a diagram found by path finding (the order is the
    search's); O(nodes · log nodes + equations) plus the total length of the equations'
    paths for one whose equations were given.
    """
    with _without_cyclic_gc():
        trace = getattr(diagram, "_trace", None)
        if isinstance(trace, PathFindingTrace) and trace.fits(diagram.equations):
            return _compile_traced(diagram, trace)
        return _compile(diagram)


def _compile_traced(diagram: LearningDiagram, trace: PathFindingTrace) -> LossPlan:
    """The plan read off the search's tries: each trie's used nodes are already in plan
    order, so node ``order[i]`` gets the next id and its parent's id is looked up by
    trie node. O(nodes + equations); nodes made without the dataclass ``__init__``."""
    roles = trace.roles
    info = [(e[0], roles[k], e[2]) for k, e in enumerate(trace.edges)]
    nodes: list[PlanNode] = []
    spaces: list[str] = []
    append, new = nodes.append, PlanNode.__new__
    sources, lhs_ids, rhs_ids = [], [], []
    for src, parent, last, order, paths, ends in zip(
            trace.sources, trace.parent, trace.edge, trace.order, trace.node_paths,
            trace.ends, strict=True):
        if not ends:
            continue
        sources.append(src)
        i = len(nodes)
        ids = [0] * len(parent)
        node = new(PlanNode)
        node.__dict__.update({"id": i, "source": src, "parent": None, "edge": None,
                              "role": None, "space": src, "path": paths[0]})
        append(node)
        spaces.append(src)
        ids[0] = i
        for n in islice(order, 1, None):  # the hot loop
            i += 1
            ids[n] = i
            name, role, space = info[last[n]]
            node = new(PlanNode)
            d = node.__dict__  # filled key by key, in field order: the class's shared keys
            d["id"] = i
            d["source"] = src
            d["parent"] = ids[parent[n]]
            d["edge"] = name
            d["role"] = role
            d["space"] = space
            d["path"] = paths[n]
            append(node)
            spaces.append(space)
        lhs_ids.extend([ids[p] for p, _ in ends])
        rhs_ids.extend([ids[q] for _, q in ends])
    return LossPlan(tuple(nodes), _plan_equations(diagram, nodes, spaces, lhs_ids,
                                                  rhs_ids), tuple(sources))


def _plan_equations(diagram: LearningDiagram, nodes: Sequence[PlanNode],
                    spaces: Sequence[str], lhs_ids: Sequence[int], rhs_ids: Sequence[int]
                    ) -> tuple[PlanEquation, ...]:
    """The diagram's equations as plan equations, given their ends' node ids."""
    by_space: dict[str, str] = {}  # the comparator of each target space
    equations = []
    new_eq = PlanEquation.__new__
    for k, (eq, lhs, rhs) in enumerate(zip(diagram.equations, lhs_ids, rhs_ids,
                                           strict=True)):
        space = spaces[lhs]
        comparator = eq.comparator or by_space.get(space)
        if comparator is None:
            comparator = by_space[space] = diagram.comparator_for(eq)
        plan_eq = new_eq(PlanEquation)
        plan_eq.__dict__.update({"index": k, "name": eq.name, "source": nodes[lhs].source,
                                 "target": space, "lhs": lhs, "rhs": rhs,
                                 "weight": eq.weight, "comparator": comparator,
                                 "grad": eq.grad})
        equations.append(plan_eq)
    return tuple(equations)


def _compile(diagram: LearningDiagram) -> LossPlan:
    """The plan of any equations: their paths walked through a (node, edge) index,
    then the prefixes sorted by (source rank, length)."""
    eqs = diagram.equations
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
    spaces = [n.space for n in nodes]
    return LossPlan(tuple(nodes), _plan_equations(
        diagram, nodes, spaces, [ids[a] for a, _ in pre.ends],
        [ids[b] for _, b in pre.ends]), tuple(sources))


def distinct_prefixes(paths: Iterable[Path]) -> int:
    """The number of distinct prefixes (identity included) of some paths.

    >>> from catlearn.categories import Edge, Path
    >>> f, g = Edge("f", "x", "y"), Edge("g", "y", "z")
    >>> distinct_prefixes([Path("x", [f, g]), Path("x", [f])])
    3
    """
    return len({p[:k] for p in paths for k in range(len(p) + 1)})
