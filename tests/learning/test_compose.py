import pytest

from catlearn.acsets import ACSetTransformation, AttrVar
from catlearn.errors import LearningGraphError
from catlearn.learning import (
    LearningDiagram,
    LearningGraph,
    colimit_of,
    glue,
    inclusion,
    shared_subgraph,
)


def square(i):
    g = LearningGraph().data(f"x{i}", f"N{i}", "X").data(f"y{i}", f"N{i}", f"Y{i}")
    return g.model("m", "X", "F").model(f"h{i}", "F", f"Y{i}")


def test_shared_backbone_is_one_edge_feeding_both_heads():
    D = glue(square(1), square(2), along=["m"])
    g = D.graph
    assert g.edge_names().count("m") == 1
    assert set(g.edge_names()) == {"x1", "y1", "m", "h1", "x2", "y2", "h2"}
    assert D.compile_plan().count_edge_runs()["m"] == 2  # once per source
    # a third head attaches by a further colimit
    D3 = glue(D, square(3), along=["m"])
    assert len(D3.equations) == 3
    assert D3.graph.edge_names().count("m") == 1


def test_default_glues_every_shared_name_and_explicit_spans_work():
    a, b = square(1), square(2)
    assert glue(a, b).graph.nparts("E") == 7
    g0 = shared_subgraph(a, b, ["m"])
    D = glue(a, b, along=(inclusion(g0, a), inclusion(g0, b)))
    assert D.graph == glue(a, b, along=["m"]).graph


def test_colimit_of_three_regimes():
    a, b, c = square(1), square(2), square(3)
    g0 = shared_subgraph(a, b, ["m"])
    D = colimit_of({"core": g0, "a": a, "b": b, "c": c},
                   {"ia": ("core", "a", inclusion(g0, a)),
                    "ib": ("core", "b", inclusion(g0, b)),
                    "ic": ("core", "c", inclusion(g0, c))})
    assert len(D.equations) == 3
    assert set(D.legs) == {"core", "a", "b", "c"}
    assert D.legs["a"].is_monic()


def test_comparators_are_merged_and_conflicts_named():
    d1 = LearningDiagram.from_graph(square(1), comparators={"X": "mse"})
    d2 = LearningDiagram.from_graph(square(2), comparators={"X": "mse", "Y2": "kl"})
    assert glue(d1, d2, along=["m"]).comparators == {"X": "mse", "Y2": "kl"}
    d3 = LearningDiagram.from_graph(square(2), comparators={"X": "cosine"})
    with pytest.raises(LearningGraphError, match="space 'X' has comparator 'mse' in one "
                       "regime and 'cosine' in another"):
        glue(d1, d3, along=["m"])


@pytest.mark.parametrize(("along", "message"), [
    (["Q"], "'Q': it is not a space or an edge of either regime"),
    (["h1"], "'h1': it is not a space or an edge of the second regime"),
])
def test_along_errors(along, message):
    with pytest.raises(LearningGraphError, match=message):
        glue(square(1), square(2), along=along)


def test_mismatched_shared_edge_and_name_clash():
    a = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    b = LearningGraph().data("x2", "N2", "X").model("m", "X", "G")
    with pytest.raises(LearningGraphError, match="edge 'm': it goes X -> F .* but X -> G"):
        glue(a, b, along=["m"])
    c = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    with pytest.raises(LearningGraphError, match="two spaces called 'N'"):
        glue(a, c, along=["X"])


def test_conflicting_labels_raise_the_engine_error():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().model("n", "Z", "G")
    g0 = LearningGraph()
    g0.add_part("Name")
    g0.add_part("V", vlabel=AttrVar(0))  # one space, name unknown
    f = ACSetTransformation(g0, a, V=[0], E=[])
    g = ACSetTransformation(g0, b, V=[0], E=[])
    with pytest.raises(LearningGraphError, match="cannot glue the regimes: .*'X'.*'Z'"):
        glue(a, b, along=(f, g))
