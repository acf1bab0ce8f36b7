"""Learning diagrams: a learning graph with its equations, comparators and weights.

Path finding turns a learning graph into equations: from each data source, every path
to every space (simple paths by default; walks of at most ``max_length`` edges on
request, so cycles such as an autoencoder's ``enc ⋅ dec`` are followed), and every pair
of distinct parallel paths that contains a learnable edge is an equation. Policies:
``all_pairs`` (default) or ``against_data`` (each path against the data columns into the
same space). An explicit list of equations is also allowed, and validated.

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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from catlearn.categories import Edge, Path, paths_from
from catlearn.categories.errors import TooManyPathsError
from catlearn.errors import MESSAGES, LearningGraphError
from catlearn.learning.equation import Equation
from catlearn.learning.graph import DATA, LEARNABLE, LearningGraph
from catlearn.learning.plan import LossPlan, compile_plan

if TYPE_CHECKING:
    from catlearn.learning.rewrite import DiagramRewrite

__all__ = ["LearningDiagram", "POLICIES", "DEFAULT_COMPARATOR", "find_equations"]

#: Path-finding policies.
POLICIES = ("all_pairs", "against_data")
#: The comparator of a space when none is given (squared error, mean over the batch).
DEFAULT_COMPARATOR = "mse"

PathSpec = Path | Sequence[str] | str


def _reachable_cycle(graph: LearningGraph, source: str) -> tuple[str, str] | None:
    """A vertex on a cycle reachable from ``source`` and a description of the cycle."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, s, t, _ in graph.edges():
        out.setdefault(s, []).append((name, t))
    colour: dict[str, int] = {}
    stack: list[tuple[str, int]] = [(source, 0)]
    trail: list[tuple[str, str]] = []  # (vertex, edge into it)
    while stack:
        v, i = stack.pop()
        if i == 0:
            colour[v] = 1
        succ = out.get(v, [])
        if i < len(succ):
            stack.append((v, i + 1))
            name, w = succ[i]
            if colour.get(w) == 1:
                names = [e for _, e in trail] + [name]  # names[i] enters verts[i + 1]
                verts = [source] + [x for x, _ in trail]
                return w, " ⋅ ".join(names[verts.index(w):])
            if w not in colour:
                trail.append((w, name))
                stack.append((w, 0))
        else:
            colour[v] = 2
            if trail and trail[-1][0] == v:
                trail.pop()
    return None


def _learnable_count(p: Path, roles: Mapping[str, str]) -> int:
    return sum(roles[n] == LEARNABLE for n in p.names)


def _is_data_path(p: Path, roles: Mapping[str, str]) -> bool:
    return len(p) > 0 and all(roles[n] == DATA for n in p.names)


def _oriented(p: Path, q: Path, roles: Mapping[str, str]) -> tuple[Path, Path]:
    """Put the path closer to the data on the right: fewer learnable edges, then shorter."""
    kp, kq = _learnable_count(p, roles), _learnable_count(q, roles)
    if (kq, len(q)) > (kp, len(p)):
        return q, p
    return p, q


def find_equations(graph: LearningGraph, *, policy: str = "all_pairs",
                   max_length: int | None = None, simple: bool | None = None,
                   max_paths: int = 10_000, max_equations: int = 100_000
                   ) -> tuple[Equation, ...]:
    """The equations of a learning graph (see the module docstring).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> find_equations(g)
    (Equation(N ⋅ x ⋅ c = N ⋅ y),)
    """
    if policy not in POLICIES:
        raise LearningGraphError(MESSAGES["bad_policy"].format(
            policy=policy, policies=", ".join(POLICIES)))
    roles = {name: role for name, _, _, role in graph.edges()}
    G = graph.to_graph()
    equations: list[Equation] = []
    for source in graph.sources():
        if max_length is None and simple is None:
            found = _reachable_cycle(graph, source)
            if found is not None:
                raise LearningGraphError(MESSAGES["unbounded_cycle"].format(
                    vertex=found[0], source=source, cycle=found[1]))
        by_target: dict[str, list[Path]] = {}
        try:
            for p in paths_from(G, source, max_length=max_length, simple=simple,
                                max_paths=max_paths):
                if len(p):
                    by_target.setdefault(p.tgt, []).append(p)
        except TooManyPathsError as err:
            raise LearningGraphError(MESSAGES["too_many_paths"].format(
                source=source, max_paths=max_paths, count=err.count)) from None
        start = len(equations)
        npaths = sum(len(v) for v in by_target.values())
        for paths in by_target.values():
            if policy == "all_pairs":
                pairs = [(p, q) for i, p in enumerate(paths) for q in paths[i + 1:]]
            else:
                data = [d for d in paths if _is_data_path(d, roles)]
                pairs = [(p, d) for p in paths if not _is_data_path(p, roles) for d in data]
            for p, q in pairs:
                if _learnable_count(p, roles) + _learnable_count(q, roles) == 0:
                    continue
                lhs, rhs = _oriented(p, q, roles) if policy == "all_pairs" else (p, q)
                equations.append(Equation(lhs, rhs))
                if len(equations) - start > max_equations:
                    raise LearningGraphError(MESSAGES["too_many_equations"].format(
                        limit=max_equations, source=source, count=len(equations) - start,
                        npaths=npaths))
    return tuple(equations)


class LearningDiagram:
    """A learning graph with equations, a comparator per space and a weight per equation.

    ``equations`` may hold :class:`Equation` values or pairs ``(lhs, rhs)`` of paths, each
    a :class:`Path`, a sequence of edge names, or a string ``"x ⋅ c"``. Every equation is
    checked: its paths are paths of the graph, parallel, and start at a data source.
    """

    def __init__(self, graph: LearningGraph, equations: Iterable[Equation | tuple[Any, ...]],
                 comparators: Mapping[str, str] | None = None,
                 weights: Mapping[str, float] | None = None) -> None:
        if not isinstance(graph, LearningGraph):
            raise LearningGraphError(f"a learning diagram is built on a LearningGraph, not "
                                     f"{type(graph).__name__}")
        self.graph: LearningGraph = graph.copy()  # type: ignore[assignment]
        rows = self.graph.edges()  # raises when an edge lacks an end
        self._ends: dict[str, tuple[str, str]] = {n: (s, t) for n, s, t, _ in rows}
        self._sources = frozenset(self.graph.sources())
        eqs = tuple(self._equation(e) for e in equations)
        names = [e.name for e in eqs]
        dupes = sorted(n for n, k in Counter(names).items() if k > 1)
        if dupes:
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
        #: The path-finding options of :meth:`from_graph` (``None``: explicit equations);
        #: :meth:`rewrite` re-derives the equations with them.
        self.derivation: dict[str, Any] | None = None

    # ------------------------------------------------------------------ building
    @classmethod
    def from_graph(cls, graph: LearningGraph, *, policy: str = "all_pairs",
                   max_length: int | None = None, simple: bool | None = None,
                   max_paths: int = 10_000, max_equations: int = 100_000,
                   comparators: Mapping[str, str] | None = None,
                   weights: Mapping[str, float] | None = None) -> LearningDiagram:
        """Find the equations of ``graph`` by path finding and build the diagram."""
        eqs = find_equations(graph, policy=policy, max_length=max_length, simple=simple,
                             max_paths=max_paths, max_equations=max_equations)
        out = cls(graph, eqs, comparators=comparators, weights=weights)
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
            raise LearningGraphError(MESSAGES["not_a_source"].format(
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
        return out

    def with_comparators(self, comparators: Mapping[str, str]) -> LearningDiagram:
        """A copy with some spaces' comparators changed (legs kept, as for
        :meth:`reweighted`)."""
        out = LearningDiagram(self.graph, self.equations, {**self.comparators,
                                                           **comparators})
        out.legs, out.derivation = dict(self.legs), self.derivation
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

    def to_graphviz(self, highlight: Equation | str | int | None = None) -> str:
        """DOT text of the diagram; ``highlight`` draws one equation's two paths in colour."""
        from catlearn.learning.picture import to_graphviz

        return to_graphviz(self, highlight)

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
