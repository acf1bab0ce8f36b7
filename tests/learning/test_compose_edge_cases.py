"""Gluing regimes: what is glued, the legs, the two equation settings, and the errors for
regimes that cannot be glued (each naming what is wrong)."""

import pytest

from catlearn.errors import LearningGraphError
from catlearn.learning import (
    Equation,
    LearningDiagram,
    LearningGraph,
    colimit_of,
    glue,
    inclusion,
    shared_subgraph,
)


def _data_and_classifier():
    return LearningGraph().data("x", "N", "X").data("y", "N", "Y"), \
        LearningGraph().model("c", "X", "Y")


def test_a_regime_of_another_type_is_named():
    data, _ = _data_and_classifier()
    with pytest.raises(LearningGraphError, match="a LearningDiagram or a LearningGraph, "
                                                 "not int"):
        glue(data, 3)
    with pytest.raises(LearningGraphError, match="not str"):
        colimit_of({"a": "graph"})


def test_the_equations_setting_is_checked():
    data, clf = _data_and_classifier()
    with pytest.raises(LearningGraphError, match=r"equations='all': choose 'found' or "
                                                 r"'union'"):
        glue(data, clf, equations="all")


def test_a_name_only_in_the_second_regime_is_named():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().model("m", "X", "F").model("h", "F", "Y")
    with pytest.raises(LearningGraphError, match="'h': it is not a space or an edge of the "
                                                 "first regime"):
        glue(a, b, along=["h"])
    with pytest.raises(LearningGraphError, match="'Y': it is not a space or an edge of the "
                                                 "first regime"):
        shared_subgraph(a, b, ["Y"])


def test_an_edge_in_one_regime_and_a_space_in_the_other_is_refused():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().model("F", "X", "Y")
    for first, second in ((a, b), (b, a)):
        with pytest.raises(LearningGraphError, match="cannot glue along 'F': it is an edge "
                                                     "in one regime and a space in the other"):
            shared_subgraph(first, second, ["F"])


def test_a_shared_edge_must_have_the_same_role():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().fixed("m", "X", "F")
    with pytest.raises(LearningGraphError, match=r"edge 'm': it goes X -> F \(learnable\) in "
                                                 r"the first regime but X -> F \(fixed\) in "
                                                 r"the second"):
        glue(a, b)


def test_shared_subgraph_by_default_and_by_names():
    a = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    b = LearningGraph().model("m", "X", "F").model("h", "F", "Y")
    shared = shared_subgraph(a, b)
    assert set(shared.vertex_names()) == {"X", "F"}
    assert shared.edge_names() == ("m",)
    assert shared.role("m") == "learnable"
    only_x = shared_subgraph(a, b, ["X"])
    assert only_x.vertex_names() == ("X",)
    assert only_x.edge_names() == ()
    edge_brings_ends = shared_subgraph(a, b, ["m"])
    assert set(edge_brings_ends.vertex_names()) == {"X", "F"}
    assert edge_brings_ends.ends("m") == ("X", "F")


def test_inclusion_sends_each_name_to_the_same_name():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().data("x", "N", "X").model("h", "F", "Y").model("m", "X", "F")
    i = inclusion(shared_subgraph(a, b), b)
    assert i.is_monic()
    names_v, names_e = b.vertex_names(), b.edge_names()
    assert [names_v[k] for k in i["V"].tolist()] == list(a.vertex_names())
    assert [names_e[k] for k in i["E"].tolist()] == ["m"]


def test_the_legs_send_each_regime_into_the_glued_graph_by_name():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().model("m", "X", "F").model("h", "F", "Y")
    D = glue(a, b)
    assert set(D.legs) == {"shared", "first", "second"}
    apex_e, apex_v = D.graph.edge_names(), D.graph.vertex_names()
    for part, graph in (("first", a), ("second", b)):
        leg = D.legs[part]
        assert [apex_e[k] for k in leg["E"].tolist()] == list(graph.edge_names())
        assert [apex_v[k] for k in leg["V"].tolist()] == list(graph.vertex_names())


def test_unglued_names_that_clash_are_refused_naming_the_kind():
    a = LearningGraph().model("m", "X", "F")
    b = LearningGraph().model("m", "X", "G")
    with pytest.raises(LearningGraphError, match=r"two edges called 'm': both regimes have "
                                                 r"a edge 'm' but they are not glued; glue "
                                                 r"along it, or rename one"):
        glue(a, b, along=["X"])


def test_a_pair_of_names_is_names_not_a_span():
    a = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    b = LearningGraph().model("m", "X", "F").model("h", "F", "Y")
    assert glue(a, b, along=("m", "X")).graph == glue(a, b, along=["m"]).graph


def test_without_arrows_the_colimit_is_the_disjoint_union():
    a = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    b = LearningGraph().data("u", "M", "U").data("v", "M", "V").model("d", "U", "V")
    D = colimit_of({"a": a, "b": b})
    assert D.graph.nparts("E") == 6
    assert sorted(e.name for e in D.equations) == ["u ⋅ d = v", "x ⋅ c = y"]


def test_found_equations_use_the_path_options():
    data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    two = LearningGraph().model("f", "X", "Z").model("g", "Z", "Y").model("c", "X", "Y")
    everything = glue(data, two)
    short = glue(data, two, max_length=2)
    assert len(short.equations) < len(everything.equations)
    assert all(len(e.lhs) <= 2 and len(e.rhs) <= 2 for e in short.equations)
    assert short.derivation is not None
    assert short.derivation["max_length"] == 2


def test_union_keeps_each_parts_equations_once_with_their_settings():
    data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    clf = data.copy().model("c", "X", "Y")
    other = data.copy().model("c", "X", "Y").model("d", "X", "Y")
    d1 = LearningDiagram(clf, [("x ⋅ c", "y")], weights={"x ⋅ c = y": 2.0})
    d2 = LearningDiagram(other, [("x ⋅ c", "y"), ("x ⋅ d", "y")])
    D = glue(d1, d2, equations="union")
    assert [e.name for e in D.equations] == ["x ⋅ c = y", "x ⋅ d = y"]
    assert D.equations[0].weight == 2.0  # the first part's equation is kept
    assert D.derivation is None


def test_union_takes_equations_from_diagrams_only():
    a = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    b = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    da = LearningDiagram(a, [("x ⋅ c", "y")])
    D = glue(da, b, along=["x", "y"], equations="union")
    assert [e.name for e in D.equations] == ["x ⋅ c = y"]
    assert glue(b, b, equations="union").equations == ()  # graphs bring no equations


def test_union_keeps_the_space_comparators_and_each_equations_own():
    data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    clf = data.copy().model("c", "X", "Y")
    own = Equation(LearningDiagram(clf, []).path("x ⋅ c"), LearningDiagram(clf, []).path("y"),
                   comparator="l1")
    d1 = LearningDiagram(clf, [own], comparators={"Y": "huber"})
    D = glue(d1, data, equations="union")
    assert D.comparators == {"Y": "huber"}
    assert D.equations[0].comparator == "l1"
    assert D.equations[0].lhs.src == "N"
