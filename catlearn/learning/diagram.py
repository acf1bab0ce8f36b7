"""Learning diagrams: a learning graph with its equations, comparators and weights.

Path finding turns a learning graph into equations: from each data source, every path
to every space (simple paths by default; walks of at most ``max_length`` edges on
request, so cycles such as an autoencoder's ``enc ⋅ dec`` are followed), and every pair
of distinct parallel paths that contains a learnable edge is an equation. Policies:
``all_pairs`` (default) or ``against_data`` (each path against the data columns into the
same space). An explicit list of equations is also allowed, and validated.

Two caps stop a blow-up early, with the count so far and a hint: ``max_paths`` (paths
from one source) and ``max_equations`` (equations of the whole graph, counted while the
paths are found, before any is built), both 10,000 by default. Paths live in an integer
prefix trie (:class:`~catlearn.categories.PathTrie`); a :class:`Path` is made only for
the nodes the equations use, and the loss plan reuses the trie.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> g = g.fixed("t", "X", "Y").model("s", "X", "Y")
>>> D = LearningDiagram.from_graph(g, comparators={"Y": "kl"})
>>> [eq.name for eq in D.equations]
['x ⋅ s = x ⋅ t', 'x ⋅ s = y']
>>> D.comparator_for(D.equations[0])
'kl'
>>> LearningDiagram.from_graph(g, policy="against_data").equations
(Equation(N ⋅ x ⋅ s = N ⋅ y),)

A graph with a cycle reachable from the data needs a bound (or an explicit ``simple``):

>>> ae = LearningGraph().data("x", "N", "X").model("enc", "X", "Z").model("dec", "Z", "X")
>>> LearningDiagram.from_graph(ae, max_length=3).equations
(Equation(N ⋅ x ⋅ enc ⋅ dec = N ⋅ x),)
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from catlearn.categories import Edge, Path, PathTrie
from catlearn.categories.errors import TooManyPathsError
from catlearn.categories.path import _extend_paths
from catlearn.errors import BAD_POLICY, NOT_A_SOURCE, LearningGraphError, PathFindingError
from catlearn.learning.equation import Equation
from catlearn.learning.graph import DATA, LEARNABLE, LearningGraph
from catlearn.learning.plan import (
    LossPlan,
    PathFindingTrace,
    _without_cyclic_gc,
    compile_plan,
)

if TYPE_CHECKING:
    from catlearn.learning.rewrite import DiagramRewrite

__all__ = ["LearningDiagram", "POLICIES", "DEFAULT_COMPARATOR", "find_equations"]

#: Path-finding policies.
POLICIES = ("all_pairs", "against_data")
#: The comparator of a space when none is given (squared error, mean over the batch).
DEFAULT_COMPARATOR = "mse"

PathSpec = Path | Sequence[str] | str


def _sources_of(spaces: Sequence[str], rows: Sequence[tuple[str, str, str, str]]
                ) -> tuple[str, ...]:
    """The data sources (``LearningGraph.sources``) from the edge rows, in one pass."""
    out_roles: dict[str, set[str]] = {}
    for _, s, _, r in rows:
        out_roles.setdefault(s, set()).add(r)
    return tuple(v for v in spaces if out_roles.get(v) == {DATA})


def _reachable_cycle(trie: PathTrie) -> tuple[str, str] | None:
    """A vertex on a cycle reachable from the trie's source and a description of the
    cycle: a depth-first search over the trie's integer adjacency (edges in graph order),
    each vertex entered once. O(V + E)."""
    out, vertices, edges = trie._out, trie.vertices, trie.edges
    source = trie.vertex[0]
    colour = bytearray(len(out))  # 0 new, 1 on the stack, 2 done
    stack: list[tuple[int, int]] = [(source, 0)]
    trail: list[tuple[int, int]] = []  # (vertex, edge id into it)
    while stack:
        v, i = stack.pop()
        if i == 0:
            colour[v] = 1
        succ = out[v]
        if i < len(succ):
            stack.append((v, i + 1))
            k, w = succ[i]
            if colour[w] == 1:
                names = [edges[e].name for _, e in trail] + [edges[k].name]
                verts = [source] + [x for x, _ in trail]  # names[i] enters verts[i + 1]
                return vertices[w], " ⋅ ".join(names[verts.index(w):])
            if not colour[w]:
                trail.append((w, k))
                stack.append((w, 0))
        else:
            colour[v] = 2
            if trail and trail[-1][0] == v:
                trail.pop()
    return None


def _check_cap(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PathFindingError("bad_cap", {"name": name, "value": value})
    return value


class _GraphInput(NamedTuple):
    """What path finding reads from a learning graph, derived from it alone (so kept by
    the graph until its next write, see ``LearningGraph._kept``): the spaces, the edges
    by id with their roles (and whether each is learnable or data), the integer
    adjacency the tries search and the data sources. All immutable."""

    spaces: tuple[str, ...]
    edges: tuple[Edge, ...]
    roles: tuple[str, ...]
    learnable: tuple[bool, ...]
    is_data: tuple[bool, ...]
    out: tuple[tuple[tuple[int, int], ...], ...]
    sources: tuple[str, ...]

    @classmethod
    def of(cls, graph: LearningGraph) -> _GraphInput:
        """Read and check ``graph`` (names unique per kind, every edge with both ends).
        O(V + E)."""
        rows = graph.edges()  # raises when an edge lacks an end
        spaces = graph.vertex_names()
        for kind, names in (("space", spaces), ("edge", [n for n, _, _, _ in rows])):
            if len(set(names)) < len(names):
                twice = sorted(n for n, k in Counter(names).items() if k > 1)
                raise LearningGraphError(f"the learning graph names two {kind}s "
                                         f"{', '.join(map(repr, twice))}")
        edges = tuple(Edge(n, s, t) for n, s, t, _ in rows)  # a graph: the ACSet checked it
        roles = tuple(r for _, _, _, r in rows)
        return cls(spaces, edges, roles, tuple(r == LEARNABLE for r in roles),
                   tuple(r == DATA for r in roles), PathTrie.adjacency(spaces, edges),
                   _sources_of(spaces, rows))


class _SourcePaths:
    """The paths out of one source, found by :class:`PathTrie`, grouped by target space.

    Per trie node: ``learn`` (its number of learnable edges) and ``data`` (whether it is
    a data column: all its edges are data). ``by_target`` holds the non-identity nodes
    of each space, in the order they were found, the spaces in first-found order.
    """

    def __init__(self, g: _GraphInput, source: str) -> None:
        self.trie = PathTrie._of(g.spaces, g.edges, source, out=g.out)
        self.learn: list[int] = [0]
        self.data: list[bool] = [True]
        self.by_target: dict[int, list[int]] = {}
        self.paths: list[Path | None] = []  # by node, once the equations are made
        self.ends: list[tuple[int, int]] = []  # the equations' (lhs, rhs) nodes
        self.order: list[int] = []  # the nodes the equations use, in plan order
        self._learnable, self._is_data = g.learnable, g.is_data

    def search(self, policy: str, max_length: int | None, simple: bool | None,
               max_paths: int, max_equations: int, before: int) -> int:
        """Find every path; return the number of equations they give. Stops with
        :class:`PathFindingError` past ``max_paths`` paths, or once ``before`` (the
        equations of earlier sources) plus the equations counted pass ``max_equations``
        (each path found adds its pairs to the count: no equation is built). O(paths)."""
        trie, learn, data, by_target = self.trie, self.learn, self.data, self.by_target
        parent, edge, vertex = trie.parent, trie.edge, trie.vertex
        learnable, is_data = self._learnable, self._is_data
        all_pairs = policy == "all_pairs"
        # data columns into each space: the data paths an against_data path is paired with
        columns: dict[int, int] = {}
        for k, w in trie._out[vertex[0]]:
            if is_data[k]:
                columns[w] = columns.get(w, 0) + 1
        learned_at: dict[int, int] = {}  # paths with a learnable edge, per space
        count = before
        nodes = trie.search(max_length=max_length, simple=simple, max_paths=max_paths)
        try:
            for node in nodes:
                if not node:
                    continue
                up, e = parent[node], edge[node]
                k = learn[up] + learnable[e]
                learn.append(k)
                data.append(data[up] and is_data[e])
                w = vertex[node]
                paths = by_target.get(w)
                if paths is None:
                    paths = by_target[w] = []
                if all_pairs:
                    count += len(paths) if k else learned_at.get(w, 0)
                elif k:
                    count += columns.get(w, 0)
                if k:
                    learned_at[w] = learned_at.get(w, 0) + 1
                paths.append(node)
                if count > max_equations:
                    raise PathFindingError("too_many_equations", {
                        "limit": max_equations, "source": trie.src, "count": count,
                        "npaths": len(trie) - 1})
        except TooManyPathsError as err:
            raise PathFindingError("too_many_paths", {
                "source": trie.src, "max_paths": max_paths, "count": err.count}) from None
        return count - before

    def pairs(self, policy: str) -> Iterator[tuple[int, int]]:
        """The equations as ``(lhs, rhs)`` node pairs, space by space, in path order:
        ``all_pairs`` puts the path with more learnable edges (then the longer) on the
        left; ``against_data`` pairs each learned path with each data column. O(pairs)."""
        learn, data, depth = self.learn, self.data, self.trie.depth
        for paths in self.by_target.values():
            if policy == "against_data":
                columns = [d for d in paths if data[d]]
                for p in paths:
                    if learn[p] and not data[p]:
                        for d in columns:
                            yield p, d
                continue
            learned = [i for i, q in enumerate(paths) if learn[q]]
            for i, p in enumerate(paths):
                later = (paths[i + 1:] if learn[p]
                         else [paths[j] for j in learned[bisect_right(learned, i):]])
                kp, dp = learn[p], depth[p]
                for q in later:
                    yield (q, p) if (learn[q], depth[q]) > (kp, dp) else (p, q)

    def _plan_order(self, ends: Sequence[tuple[int, int]]) -> list[int]:
        """The nodes on the way to an end (the root included, when there is an end) in
        the loss plan's order: by length, first use breaking ties (each end climbs to
        its first node already used, lhs before rhs, pair by pair). A chain holds one
        node per length, so filing each node in its length's bucket as it is climbed
        keeps first-use order in every bucket. O(nodes used + ends)."""
        if not ends:
            return []
        parent, depth = self.trie.parent, self.trie.depth
        seen = bytearray(len(parent))
        seen[0] = 1
        levels: list[list[int]] = [[] for _ in range(max(depth) + 1)]
        levels[0].append(0)
        for pair in ends:
            for n in pair:
                while not seen[n]:
                    seen[n] = 1
                    levels[depth[n]].append(n)
                    n = parent[n]
        return list(chain.from_iterable(levels))

    def equations(self, policy: str) -> list[Equation]:
        """The :class:`Equation` values; their ``(lhs, rhs)`` trie nodes are kept in
        ``ends``, the nodes they use in plan order in ``order`` and the paths of those
        nodes (made parents first, each from its parent's) in ``paths``. O(nodes used
        + total length of the distinct ends, for the names)."""
        ends = self.ends = list(self.pairs(policy))
        order = self.order = self._plan_order(ends)
        trie = self.trie
        paths: list[Any] = [None] * len(trie.parent)
        if order:
            paths[0] = trie.path(0)
            _extend_paths(paths, trie.parent, trie.edge, trie.edges, islice(order, 1, None))
        self.paths = paths
        texts: dict[int, str] = {}
        for pair in ends:
            for n in pair:
                if n not in texts:
                    texts[n] = " ⋅ ".join([e[0] for e in paths[n].edges])
        return Equation._derived_all((paths[p], paths[q], f"{texts[p]} = {texts[q]}")
                                     for p, q in ends)


def _find(graph: LearningGraph, policy: str, max_length: int | None, simple: bool | None,
          max_paths: int, max_equations: int
          ) -> tuple[tuple[Equation, ...], PathFindingTrace]:
    """The equations of ``graph`` and how they were found (see :func:`find_equations`)."""
    if not isinstance(graph, LearningGraph):
        raise LearningGraphError(f"path finding needs a LearningGraph, not "
                                 f"{type(graph).__name__}")
    if policy not in POLICIES:
        raise LearningGraphError(BAD_POLICY.format(
            policy=policy, policies=", ".join(POLICIES)))
    _check_cap("max_paths", max_paths)
    cap = _check_cap("max_equations", max_equations)
    if max_length is not None and (isinstance(max_length, bool)
                                   or not isinstance(max_length, int) or max_length < 0):
        raise PathFindingError("bad_max_length", {"value": max_length})
    if simple is not None and not isinstance(simple, bool):
        raise PathFindingError("bad_simple", {"value": simple})
    if simple is False and max_length is None:
        raise PathFindingError("walks_need_bound", {})
    g = graph._kept("path_finding", _GraphInput.of)
    equations: list[Equation] = []
    found: list[_SourcePaths] = []
    unbounded = max_length is None and simple is None
    for source in g.sources:
        paths = _SourcePaths(g, source)
        try:
            paths.search(policy, max_length, simple, max_paths, cap, len(equations))
        except PathFindingError:
            if unbounded:  # a cycle is reported first, as if checked before the search
                _refuse_cycle(paths.trie)
            raise
        if unbounded and paths.trie._looped:  # the simple search met a cycle
            _refuse_cycle(paths.trie)
        found.append(paths)
        equations.extend(paths.equations(policy))
    eqs_out = tuple(equations)
    trace = PathFindingTrace(
        eqs_out, tuple(f.trie.src for f in found), tuple(f.trie.parent for f in found),
        tuple(f.trie.edge for f in found), tuple(f.order for f in found),
        tuple(f.paths for f in found), tuple(f.ends for f in found), g.edges, g.roles)
    return eqs_out, trace


def _refuse_cycle(trie: PathTrie) -> None:
    """Raise ``unbounded_cycle`` when a cycle is reachable from the trie's source."""
    cycle = _reachable_cycle(trie)
    if cycle is not None:
        raise PathFindingError("unbounded_cycle", {
            "vertex": cycle[0], "source": trie.src, "cycle": cycle[1]})


def find_equations(graph: LearningGraph, *, policy: str = "all_pairs",
                   max_length: int | None = None, simple: bool | None = None,
                   max_paths: int = 10_000, max_equations: int = 10_000
                   ) -> tuple[Equation, ...]:
    """The equations of a learning graph (see the module docstring).

    ``max_paths`` caps the paths found from each source and ``max_equations`` the
    equations of the whole graph: path finding stops as soon as a cap is passed, with a
    :class:`~catlearn.errors.PathFindingError` giving the count so far and a hint. Time
    O(V + E + paths + equations).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> find_equations(g)
    (Equation(N ⋅ x ⋅ c = N ⋅ y),)
    """
    return _find(graph, policy, max_length, simple, max_paths, max_equations)[0]


class LearningDiagram:
    """A learning graph with equations, a comparator per space and a weight per equation.

    ``equations`` may hold :class:`Equation` values or pairs ``(lhs, rhs)`` of paths, each
    a :class:`Path`, a sequence of edge names, or a string ``"x ⋅ c"``. Every equation is
    checked: its paths are paths of the graph, parallel, and start at a data source.
    """

    def __init__(self, graph: LearningGraph, equations: Iterable[Equation | tuple[Any, ...]],
                 comparators: Mapping[str, str] | None = None,
                 weights: Mapping[str, float] | None = None) -> None:
        self._setup(graph, equations, comparators, weights, None)

    def _setup(self, graph: LearningGraph, equations: Iterable[Equation | tuple[Any, ...]],
               comparators: Mapping[str, str] | None, weights: Mapping[str, float] | None,
               trace: PathFindingTrace | None) -> None:
        """Build the diagram. With the ``trace`` of the path finding that derived the
        equations from ``graph``, they are not validated one by one again, and the
        graph's edges and sources are taken from the trace."""
        if not isinstance(graph, LearningGraph):
            raise LearningGraphError(f"a learning diagram is built on a LearningGraph, not "
                                     f"{type(graph).__name__}")
        self.graph: LearningGraph = graph.copy()
        eqs: tuple[Equation, ...]
        if trace is None:
            rows = self.graph.edges()  # raises when an edge lacks an end
            self._ends: dict[str, tuple[str, str]] = {n: (s, t) for n, s, t, _ in rows}
            self._sources = frozenset(_sources_of(self.graph.vertex_names(), rows))
            eqs = tuple(self._equation(e) for e in equations)
        else:
            self._ends = {e.name: (e.src, e.tgt) for e in trace.edges}
            self._sources = frozenset(trace.sources)
            eqs = tuple(equations)  # type: ignore[arg-type]
        names = [e.name for e in eqs]
        if len(set(names)) < len(names):
            dupes = sorted(n for n, k in Counter(names).items() if k > 1)
            raise LearningGraphError(f"equation names must be unique; repeated: "
                                     f"{', '.join(dupes)}")
        comparators = dict(comparators or {})
        for space, comp in comparators.items():
            if not self.graph.has_space(space):
                self.graph.vertex(space)  # raises naming the space
            if not isinstance(comp, str) or not comp:
                raise LearningGraphError(f"comparator for space {space!r} must be a "
                                         f"non-empty name, not {comp!r}")
        self.comparators: dict[str, str] = comparators
        if weights:
            unknown = sorted(set(weights) - set(names))
            if unknown:
                raise LearningGraphError(f"weights name no equation: {', '.join(unknown)} "
                                         f"(equations: {'; '.join(names)})")
            eqs = tuple(e.with_(weight=weights[e.name]) if e.name in weights else e
                        for e in eqs)
        self.equations: tuple[Equation, ...] = eqs
        #: For a glued regime, the leg of each part into ``graph`` (see ``compose``).
        self.legs: dict[str, Any] = {}
        #: How path finding found the equations (``from_graph``), reused by the plan.
        self._trace: PathFindingTrace | None = None
        #: The path-finding options of :meth:`from_graph` (``None``: explicit equations);
        #: :meth:`rewrite` re-derives the equations with them.
        self.derivation: dict[str, Any] | None = None

    # ------------------------------------------------------------------ building
    @classmethod
    def from_graph(cls, graph: LearningGraph, *, policy: str = "all_pairs",
                   max_length: int | None = None, simple: bool | None = None,
                   max_paths: int = 10_000, max_equations: int = 10_000,
                   comparators: Mapping[str, str] | None = None,
                   weights: Mapping[str, float] | None = None) -> LearningDiagram:
        """Find the equations of ``graph`` by path finding (:func:`find_equations`, whose
        caps ``max_paths`` and ``max_equations`` stop a blow-up early) and build the
        diagram. Time O(V + E + paths + equations).

        >>> cyc = LearningGraph().data("x", "N", "X").model("f", "X", "Z").model("g", "Z", "X")
        >>> LearningDiagram.from_graph(cyc, max_length=1000)
        Traceback (most recent call last):
        ...
        catlearn.errors.PathFindingError: more than max_equations=10000 equations from \
source 'N' (10100 so far, from 202 paths); lower max_length (or keep simple=True), use \
policy='against_data', give the equations explicitly, or raise max_equations
        """
        with _without_cyclic_gc():
            eqs, trace = _find(graph, policy, max_length, simple, max_paths, max_equations)
            out = cls.__new__(cls)
            out._setup(graph, eqs, comparators, weights, trace)
            out._trace = trace
        out.derivation = {"policy": policy, "max_length": max_length, "simple": simple,
                          "max_paths": max_paths, "max_equations": max_equations}
        return out

    def path(self, spec: PathSpec, source: str | None = None) -> Path:
        """A path of the graph from edge names (``["x", "c"]`` or ``"x ⋅ c"``).

        An empty spec needs ``source`` and gives its identity path.

        >>> g = LearningGraph().data("x", "N", "X").model("c", "X", "Y")
        >>> LearningDiagram(g, []).path("x ⋅ c")
        N ⋅ x ⋅ c
        """
        if isinstance(spec, Path):
            names: Sequence[str] = spec.names
            source = spec.src
        elif isinstance(spec, str):
            names = [s.strip() for s in spec.replace("·", "⋅").split("⋅") if s.strip()]
        else:
            names = list(spec)
        edges = []
        for n in names:
            if n not in self._ends:
                self.graph.edge(n)  # raises, naming the edge and the known ones
            edges.append(Edge(n, *self._ends[n]))
        if not edges:
            if source is None:
                raise LearningGraphError("an empty path needs its source space")
            self.graph.vertex(source)
            return Path.id(source)
        if source is not None and edges[0].src != source:
            raise LearningGraphError(f"path {' ⋅ '.join(names)} starts at {edges[0].src!r}, "
                                     f"not at {source!r}")
        try:
            return Path(edges[0].src, edges)
        except Exception as err:
            raise LearningGraphError(f"{' ⋅ '.join(names)} is not a path: {err}") from None

    def _equation(self, e: Equation | tuple[Any, ...]) -> Equation:
        if isinstance(e, Equation):
            eq = e
            lhs, rhs = self.path(e.lhs), self.path(e.rhs)
            if lhs != e.lhs or rhs != e.rhs:
                raise LearningGraphError(f"equation {e.name}: its paths are not paths of "
                                         "the graph")
        elif isinstance(e, tuple) and len(e) == 2:
            lhs = self.path(e[0])
            rhs = self.path(e[1], source=lhs.src)
            eq = Equation(lhs, rhs)
        else:
            raise LearningGraphError(f"an equation is an Equation or a pair (lhs, rhs), not "
                                     f"{e!r}")
        if eq.source not in self._sources:
            raise LearningGraphError(NOT_A_SOURCE.format(
                equation=eq.name, src=eq.source,
                sources=", ".join(self.graph.sources()) or "none"))
        return eq

    # ------------------------------------------------------------------ queries
    def sources(self) -> tuple[str, ...]:
        """The data sources of the graph."""
        return self.graph.sources()

    def equation(self, name: str) -> Equation:
        """The equation called ``name``."""
        for e in self.equations:
            if e.name == name:
                return e
        raise LearningGraphError(f"no equation is called {name!r} (equations: "
                                 f"{'; '.join(e.name for e in self.equations) or 'none'})")

    def comparator_for(self, eq: Equation) -> str:
        """The comparator an equation uses: its own, else its target space's, else ``mse``."""
        if eq.comparator is not None:
            return eq.comparator
        return self.comparators.get(eq.target, DEFAULT_COMPARATOR)

    def learnable_edges(self) -> tuple[str, ...]:
        """The names of the learnable edges."""
        return tuple(n for n, _, _, _ in self.graph.edges(LEARNABLE))

    def unreached_models(self) -> tuple[str, ...]:
        """Learnable edges that no equation uses (they would never get a gradient)."""
        used = {n for e in self.equations for n in e.edge_names()}
        return tuple(n for n in self.learnable_edges() if n not in used)

    def loss_expr(self, realisation: Any = None, batch: Mapping[str, Any] | None = None
                  ) -> Any:
        """The loss as a sympy expression (formal, or exact with a symbolic realisation);
        see :func:`catlearn.learning.semantics.loss_expr`."""
        from catlearn.learning.semantics import loss_expr

        return loss_expr(self, realisation, batch)

    def _repr_latex_(self) -> str:
        import sympy

        return f"$L = {sympy.latex(self.loss_expr())}$"

    def compile_plan(self) -> LossPlan:
        """The loss program (a prefix trie per source; see :mod:`catlearn.learning.plan`)."""
        return compile_plan(self)

    # ------------------------------------------------------------------ changing
    def reweighted(self, weights: Mapping[str, float]) -> LearningDiagram:
        """A copy with some equations' weights changed (by equation name); a glued
        regime keeps its legs (the graph is the same)."""
        out = LearningDiagram(self.graph, self.equations, self.comparators, weights)
        out.legs, out.derivation = dict(self.legs), self.derivation
        out._trace = self._trace  # the same paths: the plan may still reuse the search
        return out

    def with_comparators(self, comparators: Mapping[str, str]) -> LearningDiagram:
        """A copy with some spaces' comparators changed (legs kept, as for
        :meth:`reweighted`)."""
        out = LearningDiagram(self.graph, self.equations, {**self.comparators,
                                                           **comparators})
        out.legs, out.derivation = dict(self.legs), self.derivation
        out._trace = self._trace
        return out

    def rewrite(self, rule: Any, match: Any = None, **options: Any) -> DiagramRewrite:
        """Apply a double-pushout rule to the learning graph and re-derive the equations
        with this diagram's path-finding options (``options`` override them); returns a
        :class:`~catlearn.learning.rewrite.DiagramRewrite` (the new diagram and the map
        of the kept edges). See :func:`catlearn.learning.rewrite.rewrite_diagram`.

        >>> from catlearn.learning.rewrite import attach_teacher
        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> rw = LearningDiagram.from_graph(g).rewrite(attach_teacher("c", teacher="t"))
        >>> [eq.name for eq in rw.diagram.equations], rw.init
        (['x ⋅ c = x ⋅ t', 'x ⋅ c = y'], {'x': 'x', 'y': 'y', 'c': 'c', 't': 'c'})
        """
        from catlearn.learning.rewrite import rewrite_diagram

        return rewrite_diagram(self, rule, match, **options)

    # ------------------------------------------------------------------ values
    def __eq__(self, other: object) -> bool:
        return (isinstance(other, LearningDiagram) and self.graph == other.graph
                and self.equations == other.equations
                and self.comparators == other.comparators)

    __hash__ = None  # type: ignore[assignment]

    def to_graphviz(self, highlight: Equation | str | int | None = None, *,
                    legend: bool = True, models: Mapping[str, str] | None = None,
                    comparators: bool = False) -> str:
        """DOT text of the diagram (see :func:`catlearn.learning.picture.to_graphviz`)."""
        from catlearn.learning.picture import to_graphviz

        return to_graphviz(self, highlight, legend=legend, models=models,
                           comparators=comparators)

    def _repr_svg_(self) -> str | None:
        from catlearn.acsets.graphviz import render_svg

        return render_svg(self.to_graphviz())

    def to_spec(self, name: str | None = None) -> Any:
        """The diagram as a :class:`~catlearn.learning.spec.LearningDiagramSpec`."""
        from catlearn.learning.spec import to_spec

        return to_spec(self, name)

    def describe(self) -> str:
        """A plain-text rendering: the edges, then the equations with their settings."""
        lines = ["LearningDiagram"]
        lines.append("  sources: " + (", ".join(self.sources()) or "none"))
        for n, s, t, r in self.graph.edges():
            lines.append(f"  {n}: {s} -> {t}  [{r}]")
        for e in self.equations:
            lines.append(f"  {e.name}   (in {e.target}, {self.comparator_for(e)}, "
                         f"weight {e.weight:g}" + (f", grad {e.grad}" if e.grad != "both"
                                                   else "") + ")")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.describe()
