"""The JSON reader and writer name what is wrong: the table, row and field, and the value."""

import json

import pytest

from catlearn.acsets import ACSet, SchGraph, SchLabeledGraph
from catlearn.acsets.serialization import read_json_acset, read_json_schema, write_json_acset
from catlearn.errors import AttributeTypeError, JSONFormatError

HOM = "is not a part of V (1 parts; ids are 1-based, 0 or null when unset)"


@pytest.mark.parametrize(("text", "message"), [
    ('[1]', "ACSet JSON, (root): an ACSet is a JSON object of tables (one list of rows per "
            "object and attribute type), not list"),
    ('{"V": 3}', "ACSet JSON, V: a table is a JSON list of rows, not int"),
    ('{"V": [3]}', "ACSet JSON, V.0: a row is a JSON object, not int"),
    ('{"W": []}', "ACSet JSON, W: 'W' is not an object or attribute type of schema SchGraph"),
    ('{"V": [{"_id": 2}]}',
     "ACSet JSON, V.0._id: _id must be the row number 1 (an integer), not 2"),
    ('{"V": [{}, {"_id": 1}]}',
     "ACSet JSON, V.1._id: _id must be the row number 2 (an integer), not 1"),
    ('{"V": [{"src": 1}]}', "ACSet JSON, V.0.src: 'src' is not a hom or attribute out of V"),
    ('{"V": [{}], "E": [{"src": 2}]}', f"ACSet JSON, E.0.src: 2 {HOM}"),
    ('{"V": [{}], "E": [{"src": 1}, {"tgt": "a"}]}', f"ACSet JSON, E.1.tgt: 'a' {HOM}"),
])
def test_graph_reader_error_message(text, message):
    with pytest.raises(JSONFormatError) as info:
        read_json_acset(SchGraph, text)
    assert str(info.value) == message


def test_not_json_names_the_root():
    with pytest.raises(JSONFormatError, match=r"^ACSet JSON, \(root\): not JSON: Expecting"):
        read_json_acset(SchGraph, "{nope")


@pytest.mark.parametrize(("text", "message"), [
    ('{"Label": [{"x": 1}]}',
     "ACSet JSON, Label.0.x: 'x' is not a field of an attribute-type row (only _id)"),
    ('{"V": [{"label": {"_var": 2}}], "Label": [{}]}',
     "ACSet JSON, V.0.label: {'_var': 2} is attribute variable 2, but Label has 1 "
     "variables in the file"),
])
def test_labelled_reader_error_message(text, message):
    with pytest.raises(JSONFormatError) as info:
        read_json_acset(SchLabeledGraph, text)
    assert str(info.value) == message


@pytest.mark.parametrize("as_text", [False, True])
def test_schema_reader_names_each_missing_field(as_text):
    data = {"Ob": [{"name": "V"}]}
    with pytest.raises(JSONFormatError) as info:
        read_json_schema(json.dumps(data) if as_text else data)
    assert str(info.value) == (
        "schema JSON, Hom: Field required; schema JSON, AttrType: Field required; "
        "schema JSON, Attr: Field required")


def test_schema_name_defaults():
    base = {"Ob": [{"name": "V"}], "Hom": [], "AttrType": [], "Attr": []}
    assert read_json_schema(base).name == "Schema"
    assert read_json_schema({**base, "name": "G"}).name == "G"
    assert read_json_schema({**base, "name": "G"}, "H").name == "H"
    assert read_json_schema(base).version is None


def _labelled(value):
    g = ACSet(SchLabeledGraph)
    g.add_part("V", label=value)
    return g


WHERE = "SchLabeledGraph: attribute label, part 0: "


@pytest.mark.parametrize(("value", "message"), [
    ({1: 2}, WHERE + "the dict key 1 is not a string; JSON object keys are strings"),
    ({"_var": 1}, WHERE + "the dict value {'_var': 1} would read back as an attribute "
                          "variable ({\"_var\": n} is the JSON form of a variable)"),
    ([{"a": {2: 0}}], WHERE + "the dict key 2 is not a string; JSON object keys are strings"),
    ({"a": [set()]}, WHERE + "value set() of type set cannot be written as JSON"),
])
def test_writer_error_message(value, message):
    with pytest.raises(AttributeTypeError) as info:
        write_json_acset(_labelled(value))
    assert str(info.value) == message


@pytest.mark.parametrize(("value", "written"), [
    ({"a": float("inf")}, '{"a": Infinity}'), ([float("nan")], "[NaN]")])
def test_writer_refuses_nested_nonfinite(value, written):
    with pytest.raises(JSONFormatError, match=r"^ACSet JSON, V\.0\.label: "):
        write_json_acset(_labelled(value))
    assert f'"label": {written}' in write_json_acset(_labelled(value), allow_inf=True)


def test_writer_keeps_non_ascii_text():
    assert write_json_acset(_labelled("é")) == \
        '{"V": [{"_id": 1, "label": "é"}], "E": [], "Label": []}'


def test_schema_reader_root_error_and_at_most_five_reasons():
    with pytest.raises(JSONFormatError) as info:
        read_json_schema("[1]")
    assert str(info.value) == "schema JSON, (root): Input should be an object"
    with pytest.raises(JSONFormatError) as info:
        read_json_schema({"Ob": [{}, {}, {}]})
    assert str(info.value).count("schema JSON, ") == 5


@pytest.mark.parametrize(("rows", "bad"), [('{"label": 1}, {"label": "x"}', 1),
                                          ('{"label": "x"}, {"label": 2}', 0)])
def test_typed_attribute_error_names_the_row(rows, bad):
    cons = ACSet(SchLabeledGraph, types={"Label": int})
    with pytest.raises(JSONFormatError) as info:
        read_json_acset(cons, '{"V": [' + rows + '], "Label": []}')
    assert str(info.value) == (
        f"ACSet JSON, V.{bad}.label: SchLabeledGraph: attribute label: V -> Label, "
        f"part {bad} of V: value 'x' has type str, expected int")


def test_constructor_argument_builds_the_acset():
    X = read_json_acset(lambda: ACSet(SchGraph), '{"V": [{}, {}], "E": [{"src": 2}]}')
    assert X.nparts("V") == 2
    assert X.subpart("src").tolist() == [1]
    assert X.subpart("tgt").tolist() == [-1]


def test_equation_broken_by_the_file_names_the_row():
    from catlearn.acsets.schema import SchReflexiveGraph
    text = '{"V": [{"refl": 1}, {"refl": 1}], "E": [{"src": 1, "tgt": 1}]}'
    with pytest.raises(JSONFormatError) as info:
        read_json_acset(SchReflexiveGraph, text)
    assert str(info.value) == (
        "ACSet JSON, V.1.refl: SchReflexiveGraph: writing refl(1) = 0 breaks the equation "
        "src_refl at part 1 of V: 0 != 1")


def test_numpy_scalars_are_written_as_numbers():
    import numpy as np
    g = _labelled(np.float64(1.5))
    g.add_part("V", label=np.int64(3))
    assert write_json_acset(g) == (
        '{"V": [{"_id": 1, "label": 1.5}, {"_id": 2, "label": 3}], "E": [], "Label": []}')


def test_nonfinite_refusal_message():
    with pytest.raises(JSONFormatError) as info:
        write_json_acset(_labelled(float("-inf")))
    assert str(info.value) == (
        "ACSet JSON, V.0.label: -inf cannot be written as JSON (JSON has no NaN or Infinity; "
        "ACSets.jl's writer, JSON3, refuses it too); pass allow_inf=True to write NaN, "
        "Infinity and -Infinity as JSON3.write(x; allow_inf=true) does")
