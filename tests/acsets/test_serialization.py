"""Wire-format tests: golden files hold ACSets.jl's JSON layout and py-acsets' variant."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from catlearn.acsets import (
    ACSet,
    AttrVar,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    read_json_acset,
    read_json_schema,
    write_json_acset,
)

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> str:
    return (GOLDEN / name).read_text().strip()


def test_graph_golden_file():
    g = ACSet(SchGraph)
    g.add_parts("V", 3)
    g.add_parts("E", 3, src=[0, 1, 2], tgt=[1, 2, 0])
    g.clear_subpart(2, "tgt")  # written as 0, ACSets.jl's unset hom
    assert write_json_acset(g) == golden("graph.json")
    assert read_json_acset(SchGraph, golden("graph.json")) == g


def test_attribute_variables_and_nulls_golden_file():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    g.add_part("Label")
    g.add_parts("V", 3, label=["a", AttrVar(0), None])
    g.add_part("E", src=0, tgt=1)
    assert write_json_acset(g) == golden("labeled_graph_vars.json")
    back = read_json_acset(g, golden("labeled_graph_vars.json"))
    assert back == g and back.types == g.types


def test_schema_golden_file():
    assert SchReflexiveGraph.to_json() == golden("reflexive_graph_schema.json")
    assert Schema.from_json(golden("reflexive_graph_schema.json"),
                            name="SchReflexiveGraph") == SchReflexiveGraph


def test_reads_py_acsets_variant():
    S = read_json_schema(golden("pyacsets_style_schema.json"), name="SchPetri")
    assert S.obs == ("S", "I") and S.attrtypes == ("Name",) and S.equations == ()
    X = read_json_acset(S, golden("pyacsets_style_instance.json"))
    assert X.subpart(0, "sname") == "rabbit" and X.subpart(1, "sname") is None
    assert X.subpart("is").tolist() == [1, -1]


def test_reads_schema_written_by_py_acsets():
    acsets = pytest.importorskip("acsets")
    path = Path(acsets.__file__).parent / "schemas" / "catlab" / "LabelledPetriNet.json"
    S = read_json_schema(path.read_text(), name="LabelledPetriNet")
    assert set(S.obs) == {"S", "T", "I", "O"} and S.codom("sname") == "Name"


@pytest.mark.parametrize("text, loc", [
    ('{"V": [{"_id": 2}], "E": []}', "V.0._id"),
    ('{"V": [{"_id": 1}], "E": [{"_id": 1, "src": 3}]}', "E.0.src"),
    ('{"V": [{"_id": 1}], "E": [{"_id": 1, "src": "a"}]}', "E.0.src"),
    ('{"V": [{"_id": 1, "color": 1}], "E": []}', "V.0.color"),
    ('{"W": []}', "W"),
    ('{"V": [{"id": 1}]}', "V.0"),
    ('[1, 2]', ""),
    ('not json', ""),
])
def test_bad_instance_json_names_the_field(text, loc):
    with pytest.raises(ValidationError) as info:
        read_json_acset(SchGraph, text)
    assert loc in str(info.value)


def test_bad_attribute_in_json_names_the_column():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    with pytest.raises(ValidationError, match="expected str"):
        read_json_acset(g, '{"V": [{"_id": 1, "label": 3}], "E": []}')
    with pytest.raises(ValidationError, match="V.0.label"):
        read_json_acset(g, '{"V": [{"_id": 1, "label": {"_var": 0}}], "E": []}')


@pytest.mark.parametrize("data, field", [
    ({"Ob": [], "Hom": [], "AttrType": []}, "Attr"),
    ({"Ob": [{"nam": "V"}], "Hom": [], "AttrType": [], "Attr": []}, "Ob.0.name"),
    ({"Ob": [], "Hom": [{"name": "f", "dom": "V"}], "AttrType": [], "Attr": []},
     "Hom.0.codom"),
    ({"Ob": [], "Hom": [], "AttrType": [], "Attr": [], "equations": [{"dom": "V",
      "codom": "V", "paths": [[]]}]}, "equations.0.paths"),
])
def test_bad_schema_json_names_the_field(data, field):
    with pytest.raises(ValidationError) as info:
        read_json_schema(json.dumps(data))
    assert field in str(info.value)


def test_unwritable_attribute_value():
    g = ACSet(SchLabeledGraph)
    g.add_part("V", label=object())
    with pytest.raises(TypeError, match="attribute label, part 0"):
        write_json_acset(g)
