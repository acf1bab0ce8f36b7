"""The gluing lemma (proofs/gluing_lemma.md): L = L1 + L2 - L0 for pushouts along monos."""

import random

import sympy
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import is_isomorphic
from catlearn.learning import LearningDiagram, glue, symbolic_realisation
from catlearn.testing import learning_graphs

from .test_loss_functor import subgraph


@st.composite
def overlapping(draw):
    g = draw(learning_graphs(max_edges=5))
    names = list(g.edge_names())
    side = {n: draw(st.sampled_from(["1", "2", "both"])) for n in names}
    e1 = {n for n in names if side[n] in ("1", "both")}
    e2 = {n for n in names if side[n] in ("2", "both")}
    return g, e1, e2, draw(st.integers(0, 10**6))


def loss(D, R, batch):
    return R.loss_expr([(list(e.lhs.names), list(e.rhs.names)) for e in D.equations],
                       batch)


@given(overlapping())
def test_gluing_lemma(data):
    g, e1, e2, seed = data
    g1, g2, g0 = subgraph(g, e1), subgraph(g, e2), subgraph(g, e1 & e2)
    D1, D2 = LearningDiagram.from_graph(g1), LearningDiagram.from_graph(g2)
    D0 = LearningDiagram.from_graph(g0)
    shared = [v for v in g1.vertex_names() if g2.has_space(v)] + sorted(e1 & e2)
    D = glue(D1, D2, along=shared, equations="union")
    assert is_isomorphic(D.graph, subgraph(g, e1 | e2))
    assert D.legs["first"].is_monic()
    assert D.legs["second"].is_monic()
    rng = random.Random(seed)
    maps = {n: f"{rng.randint(-2, 2)}*{s}_0" for n, s, _, r in D.graph.edges()
            if r != "learnable"}
    R = symbolic_realisation(D, {v: 1 for v in D.graph.vertex_names()}, maps=maps)
    batch = {s: sympy.Matrix([[rng.randint(-3, 3), rng.randint(-3, 3)]])
             for s in D.sources()}
    # the legs keep names, so each part's realisation is R restricted by name
    assert sympy.expand(loss(D, R, batch) - loss(D1, R, batch) - loss(D2, R, batch)
                        + loss(D0, R, batch)) == 0
    assert len(D.equations) == len(D1.equations) + len(D2.equations) - len(D0.equations)


def test_figure_2_glues():
    from catlearn.learning import LearningGraph

    data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    clf = LearningGraph().model("c", "X", "Y")
    square = glue(data, clf, along=["X", "Y"])
    assert [e.name for e in square.equations] == ["x ⋅ c = y"]
    assert square.legs["second"]["E"].tolist() == [2]
