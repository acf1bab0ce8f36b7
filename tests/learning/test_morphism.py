import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.errors import LearningGraphError
from catlearn.learning import (
    SYMMETRIC_COMPARATORS,
    DiagramMorphism,
    LearningDiagram,
    LearningGraph,
    find_embeddings,
    find_graph_maps,
)
from catlearn.testing import learning_graphs


def square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    return LearningDiagram.from_graph(g)


def distillation(teacher_learnable=False):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.add_edge("t", "X", "Y", "learnable" if teacher_learnable else "fixed")
    g.model("s", "X", "Y")
    return LearningDiagram.from_graph(g)


def test_the_two_classification_squares_inside_distillation():
    # teacher and student both trained (online distillation): both squares embed
    maps = find_embeddings(square(), distillation(teacher_learnable=True))
    assert sorted(h.edge_map()["c"] for h in maps) == ["s", "t"]
    # frozen teacher: only the student's square is a diagram morphism (roles are kept) ...
    assert [h.edge_map()["c"] for h in find_embeddings(square(), distillation())] == ["s"]
    # ... and the teacher's square is found when roles are not matched
    KD = distillation()
    found = find_graph_maps(square().graph, KD.graph, match_roles=False)
    assert sorted(KD.graph.edge_names()[int(E[2])] for _, E in found) == ["s", "t"]


def test_morphism_checks():
    S, KD = square(), distillation()
    with pytest.raises(LearningGraphError, match="space 'X' is sent to space 'Y'"):
        DiagramMorphism(S, KD, [0, 2, 2], [0, 1, 3])
    with pytest.raises(LearningGraphError, match="edge 'c' \\(learnable\\) is sent to 't' "
                       "\\(fixed\\)"):
        DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 2])
    with pytest.raises(LearningGraphError, match="edge x: N -> X is sent to y: N -> Y"):
        DiagramMorphism(S, KD, [0, 1, 2], [1, 1, 3])
    with pytest.raises(LearningGraphError, match="no image for edge"):
        DiagramMorphism(S, KD, {"N": "N", "X": "X", "Y": "Y"}, {"x": "x"})
    with pytest.raises(LearningGraphError, match="'q' is not one of the edges of the codomain"):
        DiagramMorphism(S, KD, {"N": "N", "X": "X", "Y": "Y"}, {"x": "x", "y": "y", "c": "q"})
    no_eqs = LearningDiagram(KD.graph, [])
    with pytest.raises(LearningGraphError, match="equation x ⋅ c = y is sent to"):
        DiagramMorphism(S, no_eqs, [0, 1, 2], [0, 1, 3])
    other = LearningDiagram(KD.graph, KD.equations, comparators={"Y": "kl"})
    # structure decides: the comparator of Y is compared only when asked
    assert DiagramMorphism(S, other, [0, 1, 2], [0, 1, 3]).edge_map()["c"] == "s"
    with pytest.raises(LearningGraphError, match="comparators must agree"):
        DiagramMorphism(S, other, [0, 1, 2], [0, 1, 3], match_comparators=True)


def test_category_laws_and_multiplicity():
    S, KD = square(), distillation()
    h = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert DiagramMorphism.identity(S) >> h == h == h >> DiagramMorphism.identity(KD)
    assert h.is_monic()
    assert h.multiplicity() == 1.0
    heavy = KD.reweighted({"x ⋅ s = y": 4.0})
    assert DiagramMorphism(S, heavy, [0, 1, 2], [0, 1, 3]).multiplicity() == 0.25
    assert h.image(S.equations[0]).name == "x ⋅ s = y"
    with pytest.raises(LearningGraphError, match="do not compose"):
        h >> h


def test_readme_tour_structure_decides_the_embedding():
    # the README's tour: distillation with a kl comparator on Y, and the plain square
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    kd = LearningDiagram.from_graph(g, comparators={"Y": "kl"})
    found = find_embeddings(square(), kd)
    assert [h.edge_map() for h in found] == [{"x": "x", "y": "y", "c": "s"}]
    assert found[0].image(square().equations[0]).name == "x ⋅ s = y"
    # asked to match comparators, the square (mse on Y) does not embed ...
    assert find_embeddings(square(), kd, match_comparators=True) == []
    # ... until it compares Y with kl too
    kl_square = square().with_comparators({"Y": "kl"})
    assert [h.edge_map()["c"] for h in
            find_embeddings(kl_square, kd, match_comparators=True)] == ["s"]


def test_per_equation_comparators_and_weights_do_not_decide():
    S, KD = square(), distillation()
    eq = KD.equation("x ⋅ s = y")
    tagged = LearningDiagram(KD.graph, [e.with_(comparator="cross_entropy") if e == eq else e
                                        for e in KD.equations])
    assert [h.edge_map()["c"] for h in find_embeddings(S, tagged)] == ["s"]
    assert find_embeddings(S, tagged, match_comparators=True) == []
    heavy = KD.reweighted({"x ⋅ s = y": 4.0})  # weights only change the multiplicity
    (h,) = find_embeddings(S, heavy)
    assert h.multiplicity() == 0.25
    with pytest.raises(LearningGraphError, match="match_comparators must be True or False"):
        find_embeddings(S, KD, match_comparators="yes")
    with pytest.raises(LearningGraphError, match="match_comparators must be True or False"):
        DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3], match_comparators=1)


def test_a_swapped_image_needs_a_symmetric_comparator_in_both_settings():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    flipped = LearningDiagram(g, [("y", "x ⋅ c")])  # y = x ⋅ c: the swapped orientation
    (h,) = find_embeddings(flipped, distillation())  # mse: symmetric, so it may swap
    assert h.edge_map()["c"] == "s"
    kl = distillation().with_comparators({"Y": "kl"})
    for match in (False, True):
        assert find_embeddings(flipped, kl, match_comparators=match) == []


@st.composite
def two_comparator_settings(draw: st.DrawFn):
    g = draw(learning_graphs(max_edges=5))
    names = ["mse", "kl", "l1", "cross_entropy"]
    spaces = g.vertex_names()
    pick = st.dictionaries(st.sampled_from(spaces), st.sampled_from(names), max_size=3)
    return g, draw(pick), draw(pick)


@given(two_comparator_settings())
def test_embeddings_are_decided_by_structure_and_comparators_only_filter(case):
    g, comps1, comps2 = case
    plain = LearningDiagram.from_graph(g)
    D1 = LearningDiagram.from_graph(g, comparators=comps1)
    D2 = LearningDiagram.from_graph(g, comparators=comps2)

    def maps(found):
        return sorted(tuple(h.E.tolist()) for h in found)

    symmetric_only = all(c in SYMMETRIC_COMPARATORS for c in comps2.values())
    structural = maps(find_embeddings(D1, D2))
    if symmetric_only:  # swaps are judged by D2's comparators: all symmetric here
        assert structural == maps(find_embeddings(plain, plain))
    assert maps(find_embeddings(plain, D2)) == structural  # D1's comparators play no part
    # the identity keeps every comparator, so it is found in both settings
    assert tuple(range(g.nparts("E"))) in maps(find_embeddings(D1, D1, match_comparators=True))
    # match_comparators keeps exactly the structural ones whose images agree
    matched = maps(find_embeddings(D1, D2, match_comparators=True))
    expected = maps(h for h in find_embeddings(D1, D2)
                    if all(h.image(e) is None
                           or D1.comparator_for(e) == D2.comparator_for(h.image(e))
                           for e in D1.equations))
    assert matched == expected
