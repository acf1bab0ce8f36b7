import json

import pytest

from catlearn.acsets import PathEquation, Schema, SchGraph, SchLabeledGraph, SchReflexiveGraph
from catlearn.errors import SchemaError


def test_queries():
    assert SchGraph.homs_out("E") == ("src", "tgt")
    assert SchGraph.homs_in("V") == ("src", "tgt")
    assert SchGraph.homs_out("V") == ()
    assert SchLabeledGraph.attrs_out("V") == ("label",)
    assert SchLabeledGraph.attrs_into("Label") == ("label",)
    assert SchLabeledGraph.is_attr("label")
    assert not SchLabeledGraph.is_hom("label")
    assert SchGraph.is_hom("src")
    assert not SchGraph.is_attr("src")
    assert SchGraph.is_graph_like()
    assert SchReflexiveGraph.is_graph_like()
    assert not Schema("S", obs=("A",)).is_graph_like()


def test_values():
    again = Schema("SchGraph", obs=["V", "E"], homs=[("src", "E", "V"), ("tgt", "E", "V")])
    assert again == SchGraph
    assert hash(again) == hash(SchGraph)
    assert {SchGraph, again} == {SchGraph}
    assert SchGraph != SchLabeledGraph
    for s in (SchGraph, SchReflexiveGraph, SchLabeledGraph):
        assert eval(repr(s)) == s


def test_immutable():
    with pytest.raises(AttributeError, match="immutable"):
        SchGraph.obs = ("X",)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(obs=("V", "V")), "the name 'V' is used twice"),
    (dict(obs=("V",), homs=(("V", "V", "V"),)), "the name 'V' is used twice"),
    (dict(obs=("V",), homs=(("f", "W", "V"),)), "hom 'f' has dom 'W'"),
    (dict(obs=("V",), homs=(("f", "V", "W"),)), "hom 'f' has codom 'W'"),
    (dict(obs=("V",), attrs=(("a", "V", "T"),)), "attribute 'a' has codom 'T'"),
    (dict(obs=("V",), equations=(("V", "V", ("g",), ()),)), "'g' is not a hom"),
    (dict(obs=("V", "E"), homs=(("s", "E", "V"),), equations=(("V", "V", ("s",), ()),)),
     "'s' starts at E, not at V"),
    (dict(obs=("V", "E"), homs=(("s", "E", "V"),), equations=(("E", "E", ("s",), ()),)),
     "a path ends at V, not E"),
])
def test_errors(kwargs, message):
    with pytest.raises(SchemaError, match=message):
        Schema("Bad", **kwargs)


def test_unknown_names():
    with pytest.raises(SchemaError, match="schema SchGraph has no object 'W'"):
        SchGraph.homs_out("W")
    with pytest.raises(SchemaError, match="has no hom or attribute 'zz'"):
        SchGraph.dom("zz")
    with pytest.raises(SchemaError, match="no attribute type 'T'"):
        SchGraph.attrs_into("T")


def test_equations_using():
    assert [e.name for e in SchReflexiveGraph.equations_using("src")] == ["src_refl"]
    assert PathEquation("V", "V", ("refl", "src"), ()).describe() == "refl ⋅ src = id(V)"


def test_json_round_trip():
    for s in (SchGraph, SchReflexiveGraph, SchLabeledGraph):
        assert Schema.from_json(s.to_json(), name=s.name) == s
        data = json.loads(s.to_json())
        assert data["version"]["ACSetSchema"] == "0.0.1"
