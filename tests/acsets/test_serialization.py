"""Wire-format tests: golden files hold ACSets.jl's JSON layout and py-acsets' variant."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from catlearn.errors import JSONFormatError
from catlearn.testing import acsets, schemas

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
    assert back == g
    assert back.types == g.types


def test_schema_golden_file():
    assert SchReflexiveGraph.to_json() == golden("reflexive_graph_schema.json")
    assert Schema.from_json(golden("reflexive_graph_schema.json"),
                            name="SchReflexiveGraph") == SchReflexiveGraph


def test_reads_py_acsets_variant():
    S = read_json_schema(golden("pyacsets_style_schema.json"), name="SchPetri")
    assert S.obs == ("S", "I")
    assert S.attrtypes == ("Name",)
    assert S.equations == ()
    X = read_json_acset(S, golden("pyacsets_style_instance.json"))
    assert X.subpart(0, "sname") == "rabbit"
    assert X.subpart(1, "sname") is None
    assert X.subpart("is").tolist() == [1, -1]


def test_reads_schema_written_by_py_acsets():
    acsets = pytest.importorskip("acsets")
    path = Path(acsets.__file__).parent / "schemas" / "catlab" / "LabelledPetriNet.json"
    S = read_json_schema(path.read_text(), name="LabelledPetriNet")
    assert set(S.obs) == {"S", "T", "I", "O"}
    assert S.codom("sname") == "Name"


@pytest.mark.parametrize(("text", "loc"), [
    ('{"V": [{"_id": 2}], "E": []}', "V.0._id"),
    ('{"V": [{"_id": 1}], "E": [{"_id": 1, "src": 3}]}', "E.0.src"),
    ('{"V": [{"_id": 1}], "E": [{"_id": 1, "src": "a"}]}', "E.0.src"),
    ('{"V": [{"_id": 1, "color": 1}], "E": []}', "V.0.color"),
    ('{"W": []}', "W"),
    ('{"V": [{"id": 1}]}', "V.0.id"),
    ('{"V": [{"_id": true}], "E": []}', "V.0._id"),
    ('{"V": [{"_id": 1.0}], "E": []}', "V.0._id"),
    ('{"V": [{}], "E": [{"src": true}]}', "E.0.src"),
    ('{"V": [{}], "E": [{"src": 1.0}]}', "E.0.src"),
    ('{"V": [{}], "E": [{"src": -1}]}', "E.0.src"),
    ('{"V": [1], "E": []}', "V.0"),
    ('{"V": {"_id": 1}}', "V"),
    ('[1, 2]', ""),
    ('not json', ""),
])
def test_bad_instance_json_names_the_field(text, loc):
    with pytest.raises(JSONFormatError) as info:
        read_json_acset(SchGraph, text)
    assert loc in str(info.value)


def test_bad_attribute_in_json_names_the_column():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    with pytest.raises(JSONFormatError, match="expected str"):
        read_json_acset(g, '{"V": [{"_id": 1, "label": 3}], "E": []}')
    with pytest.raises(JSONFormatError, match="V.0.label"):
        read_json_acset(g, '{"V": [{"_id": 1, "label": {"_var": 0}}], "E": []}')


@pytest.mark.parametrize(("data", "field"), [
    ({"Ob": [], "Hom": [], "AttrType": []}, "Attr"),
    ({"Ob": [{"nam": "V"}], "Hom": [], "AttrType": [], "Attr": []}, "Ob.0.name"),
    ({"Ob": [], "Hom": [{"name": "f", "dom": "V"}], "AttrType": [], "Attr": []},
     "Hom.0.codom"),
    ({"Ob": [], "Hom": [], "AttrType": [], "Attr": [], "equations": [{"dom": "V",
      "codom": "V", "paths": [[]]}]}, "equations.0.paths"),
])
def test_bad_schema_json_names_the_field(data, field):
    with pytest.raises(JSONFormatError) as info:
        read_json_schema(json.dumps(data))
    assert field in str(info.value)


def test_unwritable_attribute_value():
    g = ACSet(SchLabeledGraph)
    g.add_part("V", label=object())
    with pytest.raises(TypeError, match="attribute label, part 0"):
        write_json_acset(g)


LABELLED = SchLabeledGraph


def test_rows_without_id_and_null_homs():
    X = read_json_acset(SchGraph, '{"V": [{}, {}], "E": [{"src": 2, "tgt": null}, {"src": 0}]}')
    assert X.nparts("V") == 2
    assert X.subpart("src").tolist() == [1, -1]
    assert X.subpart("tgt").tolist() == [-1, -1]


def test_ids_by_position_mixed_with_ids():
    X = read_json_acset(SchGraph, '{"V": [{"_id": 1}, {}, {"_id": 3}], "E": []}')
    assert X.nparts("V") == 3
    with pytest.raises(JSONFormatError, match="V.2._id"):
        read_json_acset(SchGraph, '{"V": [{"_id": 1}, {}, {"_id": 2}], "E": []}')


def test_unknown_keys_rejected_in_attribute_type_rows_too():
    with pytest.raises(JSONFormatError, match=r"Label\.0\.color"):
        read_json_acset(LABELLED, '{"V": [], "E": [], "Label": [{"_id": 1, "color": 2}]}')
    with pytest.raises(JSONFormatError, match=r"V\.0\.color"):
        read_json_acset(LABELLED, '{"V": [{"_id": 1, "color": 2}], "E": []}')


@pytest.mark.parametrize("value", [
    {"_var": True}, {"_var": 0}, {"_var": -1}, {"_var": 1.0}, {"_var": 1, "x": 2},
    {"_var": "1"}, {"a": 1}, {}])
def test_a_dict_is_a_variable_only_when_it_is_var_n(value):
    text = json.dumps({"V": [{"label": value}], "E": [], "Label": [{"_id": 1}]})
    X = read_json_acset(LABELLED, text)
    assert X.subpart(0, "label") == value
    assert not isinstance(X.subpart(0, "label"), AttrVar)


def test_var_n_is_a_variable_and_checked_against_the_table():
    X = read_json_acset(LABELLED, '{"V": [{"label": {"_var": 1}}], "E": [], "Label": [{}]}')
    assert X.subpart(0, "label") == AttrVar(0)
    with pytest.raises(JSONFormatError, match=r"V\.0\.label.*1 variables"):
        read_json_acset(LABELLED, '{"V": [{"label": {"_var": 2}}], "E": [], "Label": [{}]}')


def test_json_object_and_array_values_round_trip():
    X = ACSet(LABELLED)
    X.add_parts("V", 3, label=[{"a": [1, {"b": None}]}, [1, "x", [2.5]], {"_var": True}])
    text = write_json_acset(X)
    back = read_json_acset(LABELLED, text)
    assert back == X
    assert back.subpart(1, "label") == [1, "x", [2.5]]


@pytest.mark.parametrize(("value", "why"), [
    ({"_var": 1}, "would read back as an attribute variable"),
    ({1: "a"}, "not a string"),
    ({"a": {2: 3}}, "not a string"),
    (object(), "cannot be written as JSON"),
])
def test_values_json_cannot_hold_exactly_are_refused(value, why):
    X = ACSet(LABELLED)
    X.add_part("V", label=value)
    with pytest.raises(TypeError, match=why):
        write_json_acset(X)


def test_tuples_and_arrays_are_written_as_arrays():
    np = pytest.importorskip("numpy")
    X = ACSet(LABELLED)
    X.add_parts("V", 2, label=[(1, 2), np.array([[1, 2], [3, 4]])])
    data = json.loads(write_json_acset(X))
    assert [r["label"] for r in data["V"]] == [[1, 2], [[1, 2], [3, 4]]]


@pytest.mark.parametrize(("value", "token"), [
    (float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity")])
def test_non_finite_floats_are_written_as_json3_does(value, token):
    X = ACSet(LABELLED)
    X.add_parts("V", 2, label=["ok", [1.0, value]])
    with pytest.raises(JSONFormatError, match=r"V\.1\.label.*allow_inf=True"):
        write_json_acset(X)
    text = write_json_acset(X, allow_inf=True)
    assert f"[1.0, {token}]" in text
    back = read_json_acset(LABELLED, text)
    assert back.subpart(1, "label")[1] == value or token == "NaN"


def test_schema_json_ignores_unknown_keys_everywhere():
    data = {"version": {"ACSetSchema": "0.0.1", "Catlab": "0.14.12", "Other": "1"},
            "Ob": [{"name": "V", "x": 1}], "Hom": [{"name": "f", "dom": "V", "codom": "V",
            "color": "red"}], "AttrType": [{"name": "T", "ty": "str", "more": []}],
            "Attr": [{"name": "a", "dom": "V", "codom": "T", "title": "A", "extra": 1}],
            "equations": [{"dom": "V", "codom": "V", "paths": [["f", "f"], ["f"]],
                           "note": "idempotent"}], "top_level_extra": {"k": 1}}
    S = read_json_schema(json.dumps(data), name="S")
    assert S.homs == (("f", "V", "V"),)
    assert len(S.equations) == 1
    assert json.loads(S.to_json())["version"] == data["version"]
    assert read_json_schema(S.to_json(), name="S") == S


def test_schema_written_without_a_file_gets_the_default_version():
    assert json.loads(SchGraph.to_json())["version"] == {"ACSetSchema": "0.0.1",
                                                         "ACSets": "0.0.0"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=False,
    allow_infinity=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=3).filter(lambda k: k != "_var"), inner, max_size=3),
    max_leaves=6)


@given(acsets(schemas(max_attrtypes=2), attr_values=json_values, variables=True))
def test_json_round_trip_is_exact_for_json_values(X):
    text = write_json_acset(X)
    assert read_json_acset(X.schema, text) == X
    assert write_json_acset(read_json_acset(X.schema, text)) == text


@given(acsets(schemas(max_attrtypes=1), attr_values=st.floats()))
def test_json_round_trip_with_nan_and_infinity(X):
    assert read_json_acset(X.schema, write_json_acset(X, allow_inf=True)) == X
