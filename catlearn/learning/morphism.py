"""Diagram morphisms: maps of learning graphs that preserve space names and roles and
send equations to equations (or to degenerate pairs).

A morphism ``h: D -> D'`` has a component on spaces and one on edges, natural for
``src`` and ``tgt``; it keeps each space's name and each edge's role (edge names may
change: a classifier ``c`` may land on a student ``s``); and for every equation
``(p, q)`` of ``D`` either ``h p = h q`` (a degenerate pair) or ``(h p, h q)`` is an
equation of ``D'``. **Structure decides**: spaces, edges, roles and equations.
Comparators and weights are realisation data, compared only when asked
(``match_comparators=True``: each equation must land on one with the same comparator);
weights never block a morphism, they give its ``multiplicity()``, the constant ``K`` of
the loss functor: ``L_D ∘ h* ≤ K · L_D'`` (for ``D`` realised by pulling ``D'``'s
realisation back along ``h``). An equation may land on the swapped pair ``(h q, h p)``
only where ``D'`` compares it with a symmetric comparator (the loss term is then the
same). Morphisms compose (``h >> k``, "h then k") and have identities.

>>> sq = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> kd = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> kd = kd.fixed("t", "X", "Y").model("s", "X", "Y")
>>> S, KD = LearningDiagram.from_graph(sq), LearningDiagram.from_graph(kd)
>>> [h.edge_map() for h in find_embeddings(S, KD)]
[{'x': 'x', 'y': 'y', 'c': 's'}]
>>> h = find_embeddings(S, KD)[0]
>>> (DiagramMorphism.identity(S) >> h) == h, h.multiplicity()
(True, 1.0)

The comparator of ``KD``'s target space does not matter unless asked:

>>> KL = LearningDiagram.from_graph(kd, comparators={"Y": "kl"})
>>> [h.edge_map()["c"] for h in find_embeddings(S, KL)]
['s']
>>> find_embeddings(S, KL, match_comparators=True)
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from catlearn.acsets import AttrVar, homomorphisms
from catlearn.categories import Edge, Path
from catlearn.errors import LearningGraphError
from catlearn.learning.diagram import LearningDiagram
from catlearn.learning.equation import Equation
from catlearn.learning.graph import DATA, LearningGraph

__all__ = ["DiagramMorphism", "find_embeddings", "find_graph_maps", "SYMMETRIC_COMPARATORS",
           "diagram_automorphisms"]

#: Comparators with ``d(a, b) = d(b, a)``: an equation may land on its swapped image.
SYMMETRIC_COMPARATORS = frozenset({"mse", "sqdist", "l1", "cosine"})


class DiagramMorphism:
    """A morphism of learning diagrams (checked on construction; see the module docstring).

    ``V`` and ``E`` are integer arrays (part ids) or mappings from names to names.
    ``match_comparators``: also require each equation's comparator to be that of its
    image (by default structure alone decides).
    """

    __slots__ = ("dom", "codom", "V", "E", "match_comparators", "_edge_image", "_images")

    def __init__(self, dom: LearningDiagram, codom: LearningDiagram, V: Any, E: Any, *,
                 match_comparators: bool = False) -> None:
        if not isinstance(match_comparators, bool):
            raise LearningGraphError(f"diagram morphism: match_comparators must be True or "
                                     f"False, not {match_comparators!r}")
        self.dom, self.codom = dom, codom
        self.match_comparators = match_comparators
        G, H = dom.graph, codom.graph
        self.V = self._component("V", V, G.vertex_names(), H.vertex_names())
        self.E = self._component("E", E, G.edge_names(), H.edge_names())
        self._check_graph_map(G, H)
        he = H.edges()
        self._edge_image = {n: Edge(*he[k][:3])
                            for n, k in zip(G.edge_names(), self.E.tolist(), strict=True)}
        candidates: dict[frozenset[Path], list[Equation]] = {}  # by unordered pair of paths
        for target in codom.equations:
            candidates.setdefault(frozenset((target.lhs, target.rhs)), []).append(target)
        self._images = tuple(self._image_of(eq, candidates) for eq in dom.equations)

    # ------------------------------------------------------------------ checks
    @staticmethod
    def _component(kind: str, given: Any, names: Sequence[str], targets: Sequence[str]
                   ) -> np.ndarray:
        what = "space" if kind == "V" else "edge"
        if isinstance(given, Mapping):
            missing = [n for n in names if n not in given]
            if missing:
                raise LearningGraphError(f"diagram morphism: no image for {what}(s) "
                                         f"{', '.join(missing)}")
            index = {n: i for i, n in enumerate(targets)}
            bad = [v for v in given.values() if v not in index]
            if bad:
                raise LearningGraphError(f"diagram morphism: {bad[0]!r} is not one of the "
                                         f"{what}s of the codomain ({', '.join(targets)})")
            arr = np.asarray([index[given[n]] for n in names], dtype=np.int64)
        else:
            arr = np.asarray(given, dtype=np.int64).reshape(-1)
            if arr.size != len(names) or ((arr < 0) | (arr >= len(targets))).any():
                raise LearningGraphError(f"diagram morphism: the {what} component must send "
                                         f"each of the {len(names)} {what}s to one of the "
                                         f"{len(targets)} {what}s of the codomain")
        arr.setflags(write=False)
        return arr

    def _check_graph_map(self, G: LearningGraph, H: LearningGraph) -> None:
        gv, hv = G.vertex_names(), H.vertex_names()
        for v, w in zip(gv, self.V.tolist(), strict=True):
            if hv[w] != v:
                raise LearningGraphError(f"diagram morphism: space {v!r} is sent to space "
                                         f"{hv[w]!r}; morphisms keep space names")
        ge, he = G.edges(), H.edges()
        for (n, s, t, r), k in zip(ge, self.E.tolist(), strict=True):
            n2, s2, t2, r2 = he[k]
            if (s2, t2) != (s, t):
                raise LearningGraphError(f"diagram morphism is not natural: edge {n}: {s} -> "
                                         f"{t} is sent to {n2}: {s2} -> {t2}")
            if r2 != r:
                raise LearningGraphError(f"diagram morphism: edge {n!r} ({r}) is sent to "
                                         f"{n2!r} ({r2}); morphisms keep roles")

    def map_path(self, p: Path) -> Path:
        """The image ``h p`` of a path of the domain (the free functor on ``h``)."""
        return Path(p.src, [self._edge_image[e.name] for e in p.edges])

    def _image_of(self, eq: Equation, candidates: Mapping[frozenset[Path], list[Equation]]
                  ) -> tuple[Equation | None, bool]:
        lhs, rhs = self.map_path(eq.lhs), self.map_path(eq.rhs)
        if lhs == rhs:
            return None, False
        for target in candidates.get(frozenset((lhs, rhs)), []):
            for swapped, (a, b) in ((False, (lhs, rhs)), (True, (rhs, lhs))):
                if (target.lhs, target.rhs) != (a, b):
                    continue
                comp = self.codom.comparator_for(target)
                if self.match_comparators and comp != self.dom.comparator_for(eq):
                    raise LearningGraphError(
                        f"diagram morphism: equation {eq.name} ({self.dom.comparator_for(eq)})"
                        f" lands on {target.name} ({comp}); comparators must agree "
                        "(match_comparators=True)")
                if swapped and comp not in SYMMETRIC_COMPARATORS:
                    continue
                return target, swapped
        raise LearningGraphError(f"diagram morphism: equation {eq.name} is sent to "
                                 f"{lhs!r} = {rhs!r}, which is not an equation of the "
                                 "codomain (nor a degenerate pair)")

    # ------------------------------------------------------------------ queries
    def image(self, eq: Equation) -> Equation | None:
        """The equation of the codomain that ``eq`` lands on (``None``: degenerate)."""
        return self._images[self.dom.equations.index(eq)][0]

    def space_map(self) -> dict[str, str]:
        """The space component by names."""
        hv = self.codom.graph.vertex_names()
        return {v: hv[w] for v, w in zip(self.dom.graph.vertex_names(), self.V.tolist(),
                                         strict=True)}

    def edge_map(self) -> dict[str, str]:
        """The edge component by names."""
        he = self.codom.graph.edge_names()
        return {e: he[k] for e, k in zip(self.dom.graph.edge_names(), self.E.tolist(),
                                         strict=True)}

    def multiplicity(self) -> float:
        """``K = max over equations e' of D' of (Σ_{e ↦ e'} w_e) / w'_{e'}`` (0 when every
        image is degenerate); ``inf`` when an equation lands on one of weight 0."""
        load: dict[str, float] = {}
        for eq, (target, _) in zip(self.dom.equations, self._images, strict=True):
            if target is not None:
                load[target.name] = load.get(target.name, 0.0) + eq.weight
        K = 0.0
        for name, total in load.items():
            w = self.codom.equation(name).weight
            K = max(K, total / w if w > 0 else (float("inf") if total > 0 else 0.0))
        return K

    # ------------------------------------------------------------------ category
    @classmethod
    def identity(cls, D: LearningDiagram) -> DiagramMorphism:
        """The identity morphism of a diagram (it keeps comparators too)."""
        return cls(D, D, np.arange(D.graph.nparts("V")), np.arange(D.graph.nparts("E")),
                   match_comparators=True)

    def then(self, other: DiagramMorphism) -> DiagramMorphism:
        """Composition in diagrammatic order: ``self``, then ``other``."""
        if other.dom != self.codom:
            raise LearningGraphError("diagram morphisms do not compose: the codomain of the "
                                     "first is not the domain of the second")
        return DiagramMorphism(self.dom, other.codom, other.V[self.V], other.E[self.E],
                               match_comparators=self.match_comparators
                               and other.match_comparators)

    def __rshift__(self, other: DiagramMorphism) -> DiagramMorphism:
        return self.then(other)

    def is_monic(self) -> bool:
        """Whether both components are injective."""
        return bool(np.unique(self.V).size == self.V.size and
                    np.unique(self.E).size == self.E.size)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DiagramMorphism) and self.dom == other.dom
                and self.codom == other.codom and np.array_equal(self.V, other.V)
                and np.array_equal(self.E, other.E))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DiagramMorphism(edges {self.edge_map()})"


def _pattern(g: LearningGraph, match_roles: bool) -> Any:
    """A copy of ``g`` whose edge names (and roles, unless matched) are variables."""
    p = g.copy()
    ne = p.nparts("E")
    first = p.add_parts("Name", ne).start
    p.set_subpart(np.arange(ne), "elabel", [AttrVar(first + i) for i in range(ne)])
    if not match_roles:
        r0 = p.add_parts("Role", ne).start
        p.set_subpart(np.arange(ne), "role", [AttrVar(r0 + i) for i in range(ne)])
    return p


def find_embeddings(d: LearningDiagram, d2: LearningDiagram, *, monic: bool = True,
                    match_comparators: bool = False,
                    up_to_symmetry: bool = False) -> list[DiagramMorphism]:
    """The diagram morphisms ``d -> d2`` (monic ones by default), by homomorphism search on
    the graphs with edge names free, keeping those that send equations to equations.

    Structure decides (spaces, edges, roles, equations); with ``match_comparators=True``
    an equation must also land on one with the same comparator. With ``up_to_symmetry``,
    one morphism per orbit under the automorphisms of ``d`` (``h`` and ``α >> h`` give the
    same sub-regime): the one whose ``(V, E)`` components are least (see
    :func:`diagram_automorphisms`). Diagram morphisms keep roles; :func:`find_graph_maps`
    with ``match_roles=False`` also finds where a regime sits with a frozen model in place
    of a learnable one (e.g. the teacher's square inside knowledge distillation).
    """
    if not isinstance(match_comparators, bool):
        raise LearningGraphError(f"find_embeddings: match_comparators must be True or "
                                 f"False, not {match_comparators!r}")
    out = []
    for V, E in find_graph_maps(d.graph, d2.graph, monic=monic):
        try:
            out.append(DiagramMorphism(d, d2, V, E, match_comparators=match_comparators))
        except LearningGraphError:
            continue  # an equation does not land on an equation
    if up_to_symmetry and out:
        group = diagram_automorphisms(d)
        out = [h for h in out if _is_least(h, group)]
    return out


def diagram_automorphisms(d: LearningDiagram) -> list[DiagramMorphism]:
    """The automorphisms of a diagram: the isomorphisms of its graph with edge names free
    (:func:`catlearn.acsets.automorphisms`) that are diagram morphisms ``d -> d``. The
    cost is that of the automorphism search (fast for small patterns).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> g = g.model("c1", "X", "Y").model("c2", "X", "Y")
    >>> [a.edge_map()["c1"] for a in diagram_automorphisms(LearningDiagram.from_graph(g))]
    ['c1', 'c2']
    """
    from catlearn.acsets import automorphisms

    out = []
    for a in automorphisms(_pattern(d.graph, True)):
        try:
            out.append(DiagramMorphism(d, d, a["V"], a["E"]))
        except LearningGraphError:
            continue  # a symmetry of the graph that moves an equation off the equations
    return out


def _is_least(h: DiagramMorphism, group: Sequence[DiagramMorphism]) -> bool:
    key = (h.V.tolist(), h.E.tolist())
    return all(key <= (h.V[a.V].tolist(), h.E[a.E].tolist()) for a in group)


def find_graph_maps(g: LearningGraph, g2: LearningGraph, *, monic: bool = True,
                    match_roles: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    """Graph maps ``g -> g2`` keeping space names (and roles when ``match_roles``; data
    edges always go to data edges), as ``(V, E)`` component arrays.

    >>> from catlearn.learning import LearningGraph
    >>> sq = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> kd = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    >>> kd = kd.fixed("t", "X", "Y").model("s", "X", "Y")
    >>> [E.tolist() for _, E in find_graph_maps(sq, kd, match_roles=False)]
    [[0, 1, 2], [0, 1, 3]]
    """
    pattern = _pattern(g, match_roles)
    roles = g2.subpart("role").tolist()
    own = g.subpart("role").tolist()

    def keeps_data(part: int, image: int) -> bool:
        return (own[part] == DATA) == (roles[image] == DATA)

    preds = None if match_roles else {"E": keeps_data}
    obs = ("V", "E") if monic else False  # names are variables: monic on parts only
    return [(h["V"], h["E"]) for h in homomorphisms(pattern, g2, monic=obs,
                                                    predicates=preds)]
