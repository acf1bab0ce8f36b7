"""The loss functor ℓ: LDiag -> Cost (proofs/loss_functor.md), checked exactly in sympy."""

import random
from fractions import Fraction

import sympy
from hypothesis import given
from hypothesis import strategies as st

from catlearn.categories import dominates
from catlearn.learning import (
    DiagramMorphism,
    LearningDiagram,
    LearningGraph,
    loss_functor,
    loss_functor_on,
    pullback_realisation,
    symbolic_realisation,
)
from catlearn.testing import learning_graphs

WEIGHTS = st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3)])


def subgraph(g: LearningGraph, edges, copies=()) -> LearningGraph:
    """The sub-graph on some edges (data edges first), with learnable ``copies`` doubled."""
    out = LearningGraph()
    rows = sorted((r for r in g.edges() if r[0] in edges), key=lambda r: r[3] != "data")
    for n, s, t, r in rows:
        out.add_edge(n, s, t, r)
        if n in copies:
            out.add_edge(n + "_copy", s, t, r)
    return out


def realise(D: LearningDiagram, seed: int):
    rng = random.Random(seed)
    maps = {n: f"{rng.randint(-2, 2)}*{s}_0" for n, s, _, r in D.graph.edges()
            if r != "learnable"}
    R = symbolic_realisation(D, {v: 1 for v in D.graph.vertex_names()}, maps=maps,
                             bias=bool(rng.getrandbits(1)))
    batch = {s: [[rng.randint(-3, 3), rng.randint(-3, 3)]] for s in D.sources()}
    return R, batch


@st.composite
def morphisms(draw):
    """A random realised D' and a morphism h: D -> D' from a split sub-diagram D."""
    g = draw(learning_graphs(max_edges=5))
    names = list(g.edge_names())
    keep = [n for n in names if draw(st.booleans()) or g.role(n) == "data"]
    learn = [n for n in keep if g.role(n) == "learnable"]
    copies = draw(st.sets(st.sampled_from(learn), max_size=1)) if learn else set()
    D2 = LearningDiagram.from_graph(g)
    D2 = D2.reweighted({e.name: float(draw(WEIGHTS)) for e in D2.equations})
    sub = subgraph(g, set(keep), copies)
    D = LearningDiagram.from_graph(sub)
    D = D.reweighted({e.name: float(draw(WEIGHTS)) for e in D.equations})
    E = {n: n.removesuffix("_copy") for n in sub.edge_names()}
    h = DiagramMorphism(D, D2, {v: v for v in sub.vertex_names()}, E)
    return h, draw(st.integers(0, 10**6))


def pulled_loss(h, R, batch):
    """L_D ∘ h*, as an expression in the parameters of D'."""
    phi, P = loss_functor_on(h, R, batch)
    L = P.loss_expr([(list(e.lhs.names), list(e.rhs.names), sympy.nsimplify(e.weight))
                     for e in h.dom.equations], {s: sympy.Matrix(b) for s, b in batch.items()})
    by_name = {str(s): s for s in R.parameter_symbols}
    return phi, L.xreplace({s: by_name[phi.mapping[str(s)]] for s in P.parameter_symbols})


@given(morphisms())
def test_loss_functor_is_a_cost_morphism(h_seed):
    h, seed = h_seed
    R, batch = realise(h.codom, seed)
    phi, pulled = pulled_loss(h, R, batch)
    B = {s: sympy.Matrix(b) for s, b in batch.items()}
    # L_D ∘ h* = Σ_{e'} (Σ_{e ↦ e'} w_e) d_{e'}, exactly; degenerate images contribute 0
    load = {e.name: sympy.Integer(0) for e in h.codom.equations}
    for e in h.dom.equations:
        image = h.image(e)
        if image is not None:
            load[image.name] += sympy.nsimplify(e.weight)
    d = {e.name: R.loss_expr([(list(e.lhs.names), list(e.rhs.names))], B)
         for e in h.codom.equations}
    assert sympy.expand(pulled - sum(load[n] * d[n] for n in d)) == 0
    # K · L_D' - L_D ∘ h* = Σ (K w' - load) d_{e'} with non-negative coefficients
    K = sympy.nsimplify(h.multiplicity())
    for e in h.codom.equations:
        assert K * sympy.nsimplify(e.weight) - load[e.name] >= 0
    rng = random.Random(seed)
    samples = [{p: Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for p in phi.cod.parameters}
               for _ in range(3)]
    assert dominates(phi.dom, phi.cod, phi, samples, K=K)


@given(morphisms())
def test_loss_functor_preserves_identities_and_composites(h_seed):
    h, seed = h_seed
    D2 = h.codom
    R, batch = realise(D2, seed)
    ident, _ = loss_functor_on(DiagramMorphism.identity(D2), R, batch)
    assert all(a == b for a, b in ident.mapping.items())
    assert set(ident.mapping) == set(ident.cod.parameters)
    # k: D' -> D'' adds a fresh learnable map; compare ℓ(h ; k) with ℓ(h) ; ℓ(k)
    g3 = D2.graph.copy()
    inner = [v for v in D2.graph.vertex_names() if not D2.graph.is_source(v)]
    g3.model("extra", inner[0], "Fresh")
    D3 = LearningDiagram.from_graph(g3)
    k = DiagramMorphism(D2, D3, {v: v for v in D2.graph.vertex_names()},
                        {e: e for e in D2.graph.edge_names()})
    R3, batch3 = realise(D3, seed)
    Rk = pullback_realisation(R3, k)
    phi_h, _ = loss_functor_on(h, Rk, batch3)
    phi_k, _ = loss_functor_on(k, R3, batch3)
    phi_hk, _ = loss_functor_on(h >> k, R3, batch3)
    assert phi_hk.mapping == {a: phi_k.mapping[b] for a, b in phi_h.mapping.items()}


def test_degenerate_pairs_cost_nothing():
    g = LearningGraph().data("x", "N", "X").model("f", "X", "Y").model("f2", "X", "Y")
    g2 = LearningGraph().data("x", "N", "X").model("f", "X", "Y")
    D, D2 = LearningDiagram.from_graph(g), LearningDiagram(g2, [])
    h = DiagramMorphism(D, D2, {v: v for v in ("N", "X", "Y")}, {"x": "x", "f": "f",
                                                                  "f2": "f"})
    assert h.image(D.equations[0]) is None
    assert h.multiplicity() == 0
    R, batch = realise(D2, 0)
    phi, pulled = pulled_loss(h, R, batch)
    assert sympy.expand(pulled) == 0
    assert loss_functor(D2, R, batch).parameters == phi.cod.parameters
