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
    assert D.equations[0].weight == 0.5
    assert D.comparator_for(D.equations[1]) == "kl"
    spec = load_spec(f)
    assert set(spec.models()) == {"t", "s"}
    assert spec.models()["t"].args == {"hidden": 32}


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


@pytest.mark.parametrize(("text", "message"), [
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
    assert message in str(info.value)
    assert str(f) in str(info.value)


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


# ---------------------------------------------------------------- hardened loading
BASE = "edges:\n  - {name: x, src: N, tgt: X, role: data}\n"


@pytest.mark.parametrize(("text", "fmt", "words"), [
    ("a: " + "[" * 1000 + "]" * 1000, "yaml", ["line 1, column", "nested more than 64"]),
    ("".join("  " * i + "-\n" for i in range(1000)), "yaml", ["nested more than 64"]),
    ("[" * 5000 + "]" * 5000, "json", ["nested more than 64"]),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "json", ["nested more than 64"]),
    ("name: !!timestamp x\n" + BASE, "yaml", ["line 1, column 7", "cannot read 'x' as "
                                              "!!timestamp"]),
    ("name: !!float x\n" + BASE, "yaml", ["cannot read 'x' as !!float"]),
    ("name: !!int x\n" + BASE, "yaml", ["cannot read 'x' as !!int"]),
    ("name: !!binary x\n" + BASE, "yaml", ["line 1", "base64"]),
    ("name: !!set {a, b}\n" + BASE, "yaml", ["line 1: name: Input should be a valid string"]),
    ("name: !!python/name:os.system\n" + BASE, "yaml", ["no tag may build an object"]),
    ("name: !mytag x\n" + BASE, "yaml", ["'!mytag'"]),
    ("- a\n- b\n", "yaml", ["line 1: a spec is a mapping", "not a list"]),
    ("just text", "yaml", ["not a string"]),
    ("null\n", "yaml", ["not null"]),
    ('"text"', "json", ["not a string"]),
    ("", "yaml", ["the spec is empty"]),
    ("# only a comment\n", "yaml", ["the spec is empty"]),
    ("a: 1\n---\nb: 2\n", "yaml", ["line 2", "but found another document"]),
    (BASE + "edges: []\n", "yaml", ["line 3, column 1", "the key 'edges' is given twice"]),
    ('{"edges": [], "edges": []}', "json", ["the key 'edges' is given twice"]),
    ("a: &a [*a]\n", "yaml", ["an alias refers to a list or mapping that contains it"]),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]\n"
        for p, k in zip("abcde", "bcdef", strict=True)),
     "yaml", ["more than 100000 values once its aliases are expanded"]),
    ("name: \x00\n", "yaml", ["special characters are not allowed"]),
    ("max_length: " + "9" * 5000 + "\n" + BASE, "yaml", ["as !!int"]),
    ("training: {lr: .inf}\n" + BASE, "yaml", ["training.lr", "finite number"]),
    ("training: {seed: 4294967296}\n" + BASE, "yaml", ["training.seed"]),
    ('{"weights": {"a": NaN}, "edges": []}', "json", ["weights.a", "finite number"]),
])
def test_any_document_gives_a_spec_error_naming_the_line(text, fmt, words):
    with pytest.raises(SpecError) as info:
        diagram_from_text(text, fmt)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_yaml_tags_never_run_code(tmp_path):
    sentinel = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system",
                "!!python/object/apply:subprocess.call"):
        with pytest.raises(SpecError, match="no tag may build an object"):
            diagram_from_text(f"name: {tag} [['touch', '{sentinel}']]\n" + BASE)
    assert not sentinel.exists()


def test_a_yaml_syntax_error_is_shown_on_several_lines_with_a_caret():
    with pytest.raises(SpecError) as info:
        diagram_from_text("edges:\n  - {name: x, src: N\n  - {name: y}\n")
    lines = str(info.value).splitlines()
    assert lines[0] == ("<text>: line 3, column 5: not valid YAML: expected ',' or '}', "
                        "but got '{'")
    assert lines[1] == "      - {name: y}"
    assert lines[2] == "        ^"
    assert "(while parsing a flow mapping at line 2, column 5)" in lines[3]


def test_graph_errors_name_the_field_and_its_line():
    text = BASE + "  - {name: x, src: X, tgt: Y, role: learnable}\n"
    with pytest.raises(SpecError, match=r"<text>: line 3: edges\.1: edge 'x' already goes"):
        diagram_from_text(text)
    text = BASE + "equations:\n  - {lhs: 'x', rhs: 'x'}\n  - {lhs: 'x ⋅ nope', rhs: 'x'}\n"
    with pytest.raises(SpecError, match=r"line 5: equations\.1: .*nope"):
        diagram_from_text(text)
    with pytest.raises(SpecError, match=r"line 2: spaces\.0: "):
        diagram_from_text("spaces:\n  - {name: ' Y'}\n" + BASE)


def test_several_field_errors_are_listed_on_their_lines():
    text = "edges:\n  - {name: x, src: N, tgt: X, role: datum}\n  - {name: y, tgt: Y}\n"
    with pytest.raises(SpecError) as info:
        diagram_from_text(text)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("<text>: line 2: edges.0.role: Input should be")
    assert "(and 2 more)" in lines[0]
    assert len(lines) == 3
    assert all(line.startswith("  line 3: edges.1.") for line in lines[1:])


def test_files_that_are_not_utf8_or_too_large(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes(b"name: caf\xe9\n" + BASE.encode())
    with pytest.raises(SpecError, match="not UTF-8 text .byte 0xe9 at offset 9"):
        load_diagram(f)
    f.write_bytes(b"\xef\xbb\xbf" + BASE.encode())   # a byte-order mark is fine
    assert load_diagram(f).graph.has_space("X")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 1_000_001)
    with pytest.raises(SpecError, match="larger than 1 MB"):
        load_diagram(big)
    with pytest.raises(SpecError, match="cannot read the spec file"):
        load_diagram(tmp_path)


def test_a_two_edge_cycle_with_max_length_1000_is_refused_within_a_second():
    """Path finding stops at max_equations (default 10,000) instead of running for a long
    time: the spec's own keys are named in the hint."""
    import time

    text = ("max_length: 1000\n" + BASE + "  - {name: f, src: X, tgt: Y, role: learnable}\n"
            "  - {name: g, src: Y, tgt: X, role: learnable}\n")
    start = time.process_time()
    with pytest.raises(SpecError, match="max_equations"):
        diagram_from_text(text)
    assert time.process_time() - start < 1.0
