"""Composing regimes by colimits: glue learning diagrams along shared spaces and models.

``glue(d1, d2, along=...)`` is the pushout of the two learning graphs over a shared
sub-graph (named spaces and edges, present in both with the same ends and roles; by
default every name they share), or over an explicit span of graph morphisms. The glued
regime's equations are found again from the glued graph (``equations="found"``, with the
given path-finding options), or are the images of both parts' equations
(``equations="union"``, the setting of the gluing lemma). ``colimit_of`` does the same for
any finite diagram of regimes. The legs into the glued graph are kept in ``.legs``.

The paper's Figure 2 (top): a data set glued with a classifier along ``X`` and ``Y``:

>>> data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> clf = LearningGraph().model("c", "X", "Y")
>>> glue(data, clf).equations
(Equation(N ⋅ x ⋅ c = N ⋅ y),)

and (bottom) two classifier squares glued along a shared backbone ``m: X -> F``:

>>> sq1 = LearningGraph().data("x1", "N1", "X").data("y1", "N1", "Y1")
>>> sq1 = sq1.model("m", "X", "F").model("h1", "F", "Y1")
>>> sq2 = LearningGraph().data("x2", "N2", "X").data("y2", "N2", "Y2")
>>> sq2 = sq2.model("m", "X", "F").model("h2", "F", "Y2")
>>> D = glue(sq1, sq2, along=["m"])
>>> D.graph.edge_names().count("m"), [e.name for e in D.equations]
(1, ['x1 ⋅ m ⋅ h1 = y1', 'x2 ⋅ m ⋅ h2 = y2'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from catlearn.acsets import ACSetTransformation, FinDiagram, colimit
from catlearn.errors import CatlearnError, LearningGraphError
from catlearn.learning.diagram import LearningDiagram
from catlearn.learning.equation import Equation
from catlearn.learning.graph import LearningGraph

__all__ = ["glue", "colimit_of", "shared_subgraph", "inclusion"]

Regime = LearningDiagram | LearningGraph


def _graph(r: Regime) -> LearningGraph:
    if isinstance(r, LearningDiagram):
        return r.graph
    if isinstance(r, LearningGraph):
        return r
    raise LearningGraphError(f"a regime is a LearningDiagram or a LearningGraph, not "
                             f"{type(r).__name__}")


def shared_subgraph(g1: LearningGraph, g2: LearningGraph,
                    along: Iterable[str] | None = None) -> LearningGraph:
    """The sub-graph named by ``along`` (space and edge names; an edge brings its ends),
    checked to be present in both graphs with the same ends and roles. ``None``: every
    space and edge name the two graphs share.

    >>> a = LearningGraph().model("m", "X", "F")
    >>> b = LearningGraph().model("m", "X", "F").model("h", "F", "Y")
    >>> shared_subgraph(a, b)
    LearningGraph(m: X -> F (learnable))
    """
    if along is None:
        names = [v for v in g1.vertex_names() if g2.has_space(v)]
        names += [e for e in g1.edge_names() if g2.has_edge(e)]
    else:
        names = list(along)
    sub = LearningGraph()
    for n in names:
        in1 = g1.has_space(n) or g1.has_edge(n)
        in2 = g2.has_space(n) or g2.has_edge(n)
        if not (in1 and in2):
            where = "either regime" if not (in1 or in2) else \
                ("the second regime" if in1 else "the first regime")
            raise LearningGraphError(f"cannot glue along {n!r}: it is not a space or an "
                                     f"edge of {where}")
        if g1.has_edge(n) or g2.has_edge(n):
            if not (g1.has_edge(n) and g2.has_edge(n)):
                raise LearningGraphError(f"cannot glue along {n!r}: it is an edge in one "
                                         "regime and a space in the other")
            e1 = (*g1.ends(n), g1.role(n))
            e2 = (*g2.ends(n), g2.role(n))
            if e1 != e2:
                raise LearningGraphError(f"cannot glue along edge {n!r}: it goes {e1[0]} -> "
                                         f"{e1[1]} ({e1[2]}) in the first regime but {e2[0]} "
                                         f"-> {e2[1]} ({e2[2]}) in the second")
            sub.add_edge(n, *e1)
        else:
            sub.space(n)
    return sub


def inclusion(sub: LearningGraph, g: LearningGraph) -> ACSetTransformation:
    """The inclusion of a sub-graph into a graph, by names (a monic graph morphism)."""
    V = [g.vertex(v) for v in sub.vertex_names()]
    E = [g.edge(e) for e in sub.edge_names()]
    return ACSetTransformation(sub, g, V=np.asarray(V, dtype=np.int64),
                               E=np.asarray(E, dtype=np.int64))


def _check_names_unique(apex: LearningGraph) -> None:
    for kind, names in (("space", apex.vertex_names()), ("edge", apex.edge_names())):
        seen: set[str] = set()
        for n in names:
            if n in seen:
                raise LearningGraphError(
                    f"the glued regime has two {kind}s called {n!r}: both regimes have a "
                    f"{kind} {n!r} but they are not glued; glue along it, or rename one "
                    "(LearningGraph.relabel)")
            seen.add(n)


def _comparators(regimes: Iterable[Regime]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in regimes:
        if isinstance(r, LearningDiagram):
            for space, comp in r.comparators.items():
                if out.get(space, comp) != comp:
                    raise LearningGraphError(f"cannot glue: space {space!r} has comparator "
                                             f"{out[space]!r} in one regime and {comp!r} in "
                                             "another")
                out[space] = comp
    return out


def colimit_of(regimes: Mapping[str, Regime],
               arrows: Mapping[str, tuple[str, str, ACSetTransformation]] | None = None, *,
               equations: str = "found", **path_options: Any) -> LearningDiagram:
    """The colimit of a finite diagram of regimes (graph morphisms between their graphs).

    Returns the glued :class:`LearningDiagram`; ``.legs`` maps each regime's name to its
    leg (an ACSet morphism into the glued graph). Conflicting labels raise the engine's
    error naming the parts and values.
    """
    if equations not in ("found", "union"):
        raise LearningGraphError(f"equations={equations!r}: choose 'found' or 'union'")
    graphs = {name: _graph(r) for name, r in regimes.items()}
    try:
        cocone = colimit(FinDiagram(graphs, dict(arrows or {})))
    except CatlearnError as err:
        raise LearningGraphError(f"cannot glue the regimes: {err}") from None
    apex = cocone.apex
    if not isinstance(apex, LearningGraph):
        raise LearningGraphError("the glued graph is not a learning graph")
    _check_names_unique(apex)
    legs = {name: cocone.leg(name) for name in graphs}
    comparators = _comparators(regimes.values())
    if equations == "found":
        D = LearningDiagram.from_graph(apex, comparators=comparators, **path_options)
    else:
        eqs: dict[frozenset[Any], Equation] = {}  # a pair of paths counts once
        paths = LearningDiagram(apex, [])  # builds paths of the apex by edge names
        apex_names = apex.edge_names()
        for name, r in regimes.items():
            if not isinstance(r, LearningDiagram):
                continue
            leg_E = legs[name]["E"].tolist()
            moved = {e: apex_names[k] for e, k in zip(r.graph.edge_names(), leg_E,
                                                       strict=True)}
            for eq in r.equations:
                image = _image(eq, moved, paths)
                eqs.setdefault(frozenset((image.lhs, image.rhs)), image)
        D = LearningDiagram(apex, list(eqs.values()), comparators)
    D.legs = legs
    return D


def _image(eq: Equation, moved: Mapping[str, str], paths: LearningDiagram) -> Equation:
    """The image of an equation along a leg (``moved``: edge names to apex edge names)."""
    lhs = paths.path([moved[e] for e in eq.lhs.names], source=eq.lhs.src)
    rhs = paths.path([moved[e] for e in eq.rhs.names], source=eq.rhs.src)
    return Equation(lhs, rhs, eq.weight, eq.comparator, eq.grad)


def glue(d1: Regime, d2: Regime, along: Iterable[str] | tuple[ACSetTransformation,
                                                               ACSetTransformation] | None
         = None, *, equations: str = "found", **path_options: Any) -> LearningDiagram:
    """The pushout of two regimes over a shared sub-graph (see the module docstring).

    ``along`` is ``None`` (every shared name), names of spaces and edges, or a span
    ``(f, g)`` of graph morphisms ``G0 -> G1``, ``G0 -> G2``.
    """
    g1, g2 = _graph(d1), _graph(d2)
    f: ACSetTransformation
    g: ACSetTransformation
    if isinstance(along, tuple) and len(along) == 2 and isinstance(along[0],
                                                                   ACSetTransformation) \
            and isinstance(along[1], ACSetTransformation):
        f, g = along
        g0 = _graph(f.dom)  # type: ignore[arg-type]
    else:
        g0 = shared_subgraph(g1, g2, along)
        f, g = inclusion(g0, g1), inclusion(g0, g2)
    regimes: dict[str, Regime] = {"shared": g0, "first": d1, "second": d2}
    return colimit_of(regimes, {"f": ("shared", "first", f), "g": ("shared", "second", g)},
                      equations=equations, **path_options)
