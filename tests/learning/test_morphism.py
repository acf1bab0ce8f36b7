import pytest

from catlearn.errors import LearningGraphError
from catlearn.learning import (
    DiagramMorphism,
    LearningDiagram,
    LearningGraph,
    find_embeddings,
    find_graph_maps,
)


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
    with pytest.raises(LearningGraphError, match="comparators must agree"):
        DiagramMorphism(S, other, [0, 1, 2], [0, 1, 3])


def test_category_laws_and_multiplicity():
    S, KD = square(), distillation()
    h = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert DiagramMorphism.identity(S) >> h == h == h >> DiagramMorphism.identity(KD)
    assert h.is_monic() and h.multiplicity() == 1.0
    heavy = KD.reweighted({"x ⋅ s = y": 4.0})
    assert DiagramMorphism(S, heavy, [0, 1, 2], [0, 1, 3]).multiplicity() == 0.25
    assert h.image(S.equations[0]).name == "x ⋅ s = y"
    with pytest.raises(LearningGraphError, match="do not compose"):
        h >> h
