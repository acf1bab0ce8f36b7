import pytest

from catlearn.acsets import ACSetTransformation
from catlearn.categories import Graph
from catlearn.errors import ACSetError, LearningGraphError
from catlearn.learning import LearningGraph


def square():
    return LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")


def test_builder_and_lookups():
    g = square()
    assert g.vertex_names() == ("N", "X", "Y")
    assert g.edges() == (("x", "N", "X", "data"), ("y", "N", "Y", "data"),
                         ("c", "X", "Y", "learnable"))
    assert g.vertex("Y") == 2
    assert g.edge("c") == 2
    assert g.ends("c") == ("X", "Y")
    assert g.role("y") == "data"
    assert g.sources() == ("N",)
    assert g.is_source("N")
    assert not g.is_source("X")
    assert g.edges("learnable") == (("c", "X", "Y", "learnable"),)
    assert "c: X -> Y (learnable)" in repr(g)


def test_idempotent_edges_and_spaces():
    g = square()
    g.data("x", "N", "X").space("X")
    assert g.nparts("E") == 3
    assert g.nparts("V") == 3


@pytest.mark.parametrize(("call", "message"), [
    (lambda g: g.model("c", "X", "Z"), "edge 'c' already goes X -> Y \\(learnable\\); it "
     "cannot also go X -> Z \\(learnable\\)"),
    (lambda g: g.fixed("c", "X", "Y"), "already goes X -> Y \\(learnable\\)"),
    (lambda g: g.model("m", "N", "Y"), "'m' \\(learnable\\) cannot leave 'N': it is a data "
     "source"),
    (lambda g: g.data("z", "X", "Z"), "data edge 'z' must leave a data source, but 'X' is "
     "not one"),
    (lambda g: g.model("back", "Y", "N"), "cannot go into 'N': it is a data source"),
    (lambda g: g.add_edge("e", "X", "Y", "frozen"), "role 'frozen' is not one of data, "
     "fixed, learnable"),
    (lambda g: g.space(""), "a space name must be a non-empty string"),
    (lambda g: g.model("a ⋅ b", "X", "Y"), "path separator"),
    (lambda g: g.model(" a", "X", "Y"), "surrounding spaces"),
    (lambda g: g.vertex("Q"), "no space is called 'Q' \\(spaces: N, X, Y\\)"),
    (lambda g: g.edge("q"), "no edge is called 'q' \\(edges: x, y, c\\)"),
])
def test_errors_change_nothing(call, message):
    g = square()
    before = g.copy()
    with pytest.raises(LearningGraphError, match=message):
        call(g)
    assert g == before


def test_data_edge_from_a_vertex_with_incoming_maps():
    g = LearningGraph().data("x", "N", "X").model("f", "X", "M")
    with pytest.raises(LearningGraphError, match="maps go into it"):
        g.data("d", "M", "Y")


def test_role_attribute_is_checked_at_the_acset_level():
    g = square()
    with pytest.raises(LearningGraphError, match="role 'weird'"):
        g.set_subpart(0, "role", "weird")
    with pytest.raises(ACSetError):
        g.set_subpart(0, "src", 9)


def test_copy_keeps_class_and_morphisms_apply():
    g = square()
    h = g.copy()
    assert isinstance(h, LearningGraph)
    assert h == g
    f = ACSetTransformation(g, h, V=[0, 1, 2], E=[0, 1, 2])
    assert f.is_iso()


def test_to_graph_and_relabel():
    g = square()
    assert g.to_graph() == Graph(("N", "X", "Y"), (("x", "N", "X"), ("y", "N", "Y"),
                                                   ("c", "X", "Y")))
    r = g.relabel(spaces={"X": "Img"}, edges={"c": "clf"})
    assert r.ends("clf") == ("Img", "Y")


def test_from_edges():
    g = LearningGraph.from_edges([("x", "N", "X", "data")], spaces=["Z"])
    assert g.vertex_names() == ("Z", "N", "X")
    assert g.sources() == ("N",)
