import json

import pytest

from catlearn.learning import (
    LearningDiagram,
    LearningDiagramSpec,
    LearningGraph,
    SpecError,
    diagram_from_text,
    dump_spec,
    json_schema,
    load_diagram,
    load_spec,
    to_spec,
)

KD = """\
version: 1
name: distillation
spaces:
  - {name: Y, comparator: kl, shape: [10], kind: labels}
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: t, src: X, tgt: Y, role: fixed, model: mlp, args: {hidden: 32}}
  - {name: s, src: X, tgt: Y, role: learnable, model: mlp}
weights: {"x ⋅ s = x ⋅ t": 0.5}
"""


def test_yaml_spec_builds_the_diagram(tmp_path):
    f = tmp_path / "kd.yaml"
    f.write_text(KD)
    D = load_diagram(f)
    assert [e.name for e in D.equations] == ["x ⋅ s = x ⋅ t", "x ⋅ s = y"]
    assert D.equations[0].weight == 0.5 and D.comparator_for(D.equations[1]) == "kl"
    spec = load_spec(f)
    assert set(spec.models()) == {"t", "s"} and spec.models()["t"].args == {"hidden": 32}


def test_explicit_equations_and_round_trip(tmp_path):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram(g, [("x ⋅ c", "y")], comparators={"Y": "cross_entropy"})
    D = D.reweighted({"x ⋅ c = y": 3.0})
    for fmt in ("yaml", "json"):
        text = dump_spec(to_spec(D), fmt)
        assert diagram_from_text(text, fmt) == D
    f = tmp_path / "d.json"
    f.write_text(dump_spec(to_spec(D), "json"))
    assert load_diagram(f) == D


@pytest.mark.parametrize("text, message", [
    (KD.replace("role: fixed", "role: frozen"),
     "line 8: edges.2.role: Input should be 'data', 'fixed' or 'learnable' (got 'frozen')"),
    (KD.replace("kind: labels", "kind: labels, colour: red"),
     "line 4: spaces.0.colour: Extra inputs are not permitted"),
    (KD.replace("version: 1", "version: 2"), "line 1: version: Input should be 1"),
    ("edges: []\npolicy: most", "line 2: policy: Input should be 'all_pairs' or"),
    ("spaces: []", "edges: Field required"),
    ("edges:\n  - {name: x, src: N, tgt: X}", "line 2: edges.0.role: Field required"),
    ("[1, 2]", "a spec is a mapping"),
    ("edges: [", "not valid YAML"),
    (KD.replace("tgt: Y, role: learnable", "tgt: N, role: learnable"),
     "cannot go into 'N': it is a data source"),
    (KD + "equations:\n  - {lhs: x ⋅ s, rhs: x ⋅ q}\n", "no edge is called 'q'"),
    (KD.replace('"x ⋅ s = x ⋅ t"', '"nope"'), "weights name no equation: nope"),
])
def test_errors_name_the_field_and_line(tmp_path, text, message):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(SpecError) as info:
        load_diagram(f)
    assert message in str(info.value) and str(f) in str(info.value)


def test_json_errors_have_lines_too(tmp_path):
    data = {"edges": [{"name": "x", "src": "N", "tgt": "X", "role": "data"},
                      {"name": "c", "src": "X", "tgt": "Y", "role": "oops"}]}
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data, indent=2))
    with pytest.raises(SpecError, match=r"line 13: edges.1.role"):
        load_diagram(f)
    f.write_text("{")
    with pytest.raises(SpecError, match="line 1, column 2: not valid JSON"):
        load_diagram(f)
    with pytest.raises(SpecError, match="cannot read the spec file"):
        load_diagram(tmp_path / "missing.json")


def test_json_schema_export():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert "edges" in schema["required"]
    assert LearningDiagramSpec.model_json_schema() == schema
