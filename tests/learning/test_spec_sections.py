"""Spec files beyond the graph: the data/evaluate/training sections, the path-finding keys,
explicit equations with every field, the limits on documents, the error messages' lines
and carets, and writing a diagram back out."""

from __future__ import annotations

import json

import pytest

from catlearn.categories import Path
from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn.learning.spec import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    SpecError,
    diagram_from_text,
    dump_spec,
    load_diagram,
    load_spec,
    load_spec_and_diagram,
    spec_from_text,
    to_spec,
)

SQUARE = ("edges:\n"
          "  - {name: x, src: N, tgt: X, role: data}\n"
          "  - {name: y, src: N, tgt: Y, role: data}\n"
          "  - {name: c, src: X, tgt: Y, role: learnable}\n")
CYCLE = ("edges:\n"
         "  - {name: x, src: N, tgt: X, role: data}\n"
         "  - {name: f, src: X, tgt: Z, role: learnable}\n"
         "  - {name: g, src: Z, tgt: X, role: learnable}\n")


def names(D: LearningDiagram) -> list[str]:
    return [e.name for e in D.equations]


def spec_error(text: str, fmt: str = "yaml") -> SpecError:
    with pytest.raises(SpecError) as info:
        diagram_from_text(text, fmt)
    return info.value


# ---------------------------------------------------------------- data and evaluate
@pytest.mark.parametrize("section", ["data", "evaluate"])
def test_data_sections_name_sources_and_their_data_edges(section):
    ok = SQUARE + f"{section}: {{N: {{dataset: d, split: s, columns: {{x: img, y: lab}}}}}}\n"
    spec = spec_from_text(ok)
    entry = getattr(spec, section)["N"]
    assert (entry.dataset, entry.split, entry.columns) == ("d", "s", {"x": "img", "y": "lab"})
    assert names(diagram_from_text(ok)) == ["x ⋅ c = y"]
    err = spec_error(SQUARE + f"{section}: {{X: {{dataset: d}}}}\n")
    assert str(err) == (f"<text>: line 5: {section}.X: 'X' is not a data source of the "
                        "graph (sources: N)")
    assert err.field == (section, "X")
    err = spec_error(SQUARE + f"{section}:\n  N: {{dataset: d, columns: {{c: img}}}}\n")
    assert str(err) == (f"<text>: line 6: {section}.N.columns: 'c' is not a data edge of N "
                        "(its data edges: x, y)")
    assert err.field == (section, "N", "columns", "c")


def test_a_data_section_on_a_graph_without_sources_says_none():
    err = spec_error("spaces: [{name: Q}]\nedges: []\ndata: {Q: {dataset: d}}\n")
    assert "'Q' is not a data source of the graph (sources: none)" in str(err)


def test_columns_belong_to_their_own_source():
    text = ("edges:\n  - {name: x, src: N, tgt: X, role: data}\n"
            "  - {name: z, src: M, tgt: X, role: data}\n"
            "data: {N: {dataset: d, columns: {z: img}}}\n")
    assert "'z' is not a data edge of N (its data edges: x)" in str(spec_error(text))


# ---------------------------------------------------------------- training and keys
@pytest.mark.parametrize(("training", "field"), [
    ("{epochs: -1}", "training.epochs"),
    ("{batch_size: 0}", "training.batch_size"),
    ("{lr: 0}", "training.lr"),
    ("{seed: -1}", "training.seed"),
    ("{seed: 4294967296}", "training.seed"),
    ("{steps: 3}", "training.steps"),
])
def test_training_defaults_are_checked(training, field):
    assert f"line 5: {field}: " in str(spec_error(SQUARE + f"training: {training}\n"))


def test_the_smallest_training_values_are_allowed():
    spec = spec_from_text(SQUARE + "training: {epochs: 0, batch_size: 1, lr: 1e-9, "
                          "seed: 4294967295}\n")
    assert spec.training is not None
    assert (spec.training.epochs, spec.training.batch_size, spec.training.seed) == (
        0, 1, 2**32 - 1)
    assert spec_from_text(SQUARE + "training: {seed: 0}\n").training.seed == 0


@pytest.mark.parametrize(("key", "bad", "good"), [
    ("max_length", -1, 0), ("max_paths", 0, 1), ("max_equations", 0, 1)])
def test_path_finding_keys_have_lower_bounds(key, bad, good):
    assert f"line 5: {key}: Input should be greater than or equal to {good}" in str(
        spec_error(SQUARE + f"{key}: {bad}\n"))
    assert getattr(spec_from_text(SQUARE + f"{key}: {good}\n"), key) == good


def test_path_finding_keys_reach_path_finding():
    kd = SQUARE + "  - {name: t, src: X, tgt: Y, role: fixed}\n"
    assert names(diagram_from_text(kd)) == ["x ⋅ c = x ⋅ t", "x ⋅ c = y"]
    assert names(diagram_from_text(kd + "policy: against_data\n")) == ["x ⋅ c = y"]
    assert names(diagram_from_text(SQUARE + "max_length: 1\n")) == []
    # a cycle needs a bound: walks of at most max_length edges, or simple paths
    err = spec_error(CYCLE)
    assert "lies on a cycle reachable from the data source 'N'" in str(err)
    assert "`max_length: N`" in str(err)
    assert names(diagram_from_text(CYCLE + "max_length: 3\n")) == ["x ⋅ f ⋅ g = x"]
    assert names(diagram_from_text(CYCLE + "simple: true\n")) == []
    assert names(diagram_from_text(CYCLE + "simple: false\nmax_length: 3\n")) == [
        "x ⋅ f ⋅ g = x"]
    assert "`simple: false` (walks) needs a bound" in str(
        spec_error(CYCLE + "simple: false\n"))
    # the caps, in the spec's own words
    assert "found more than `max_paths: 2` paths" in str(spec_error(SQUARE + "max_paths: 2\n"))
    # four paths from N, its identity included
    assert "more than `max_paths: 3` paths" in str(spec_error(SQUARE + "max_paths: 3\n"))
    assert names(diagram_from_text(SQUARE + "max_paths: 4\n")) == ["x ⋅ c = y"]
    assert "more than `max_equations: 1` equations" in str(
        spec_error(kd + "max_equations: 1\n"))
    assert len(diagram_from_text(kd + "max_equations: 2\n").equations) == 2


# ---------------------------------------------------------------- explicit equations
def test_explicit_equations_keep_every_field():
    text = SQUARE + ("equations:\n"
                     "  - {lhs: x ⋅ c, rhs: y, weight: 0, comparator: l1, grad: lhs, "
                     "name: fit}\n"
                     "  - {lhs: [x, c], rhs: [y], source: N}\n"
                     "  - {lhs: [], rhs: [], source: N}\n")
    D = diagram_from_text(text)
    fit, plain, ident = D.equations
    assert (fit.name, fit.weight, fit.comparator, fit.grad) == ("fit", 0.0, "l1", "lhs")
    assert D.comparator_for(fit) == "l1"
    assert (plain.name, plain.weight, plain.comparator, plain.grad) == (
        "x ⋅ c = y", 1.0, None, "both")
    assert (ident.lhs.src, len(ident.lhs), len(ident.rhs)) == ("N", 0, 0)
    assert "line 6: equations.0.weight" in str(spec_error(
        SQUARE + "equations:\n  - {lhs: x ⋅ c, rhs: y, weight: -0.5}\n"))
    assert "line 6: equations.0.grad" in str(spec_error(
        SQUARE + "equations:\n  - {lhs: x ⋅ c, rhs: y, grad: none}\n"))


def test_the_right_side_of_an_equation_starts_where_the_left_one_does():
    err = spec_error(SQUARE + "equations:\n  - {lhs: x ⋅ c, rhs: c}\n")
    assert str(err) == "<text>: line 6: equations.0: path c starts at 'X', not at 'N'"
    assert err.field == ("equations", 0)
    err = spec_error(SQUARE + "equations:\n  - {lhs: x ⋅ c, rhs: y, source: M}\n")
    assert "equations.0: path x ⋅ c starts at 'N', not at 'M'" in str(err)
    # an empty left side: the right one starts at the equation's source
    err = spec_error(SQUARE + "equations:\n  - {lhs: [], rhs: c, source: N}\n")
    assert "equations.0: path c starts at 'X', not at 'N'" in str(err)


def test_equation_errors_of_the_whole_list_and_of_weights_name_their_section():
    twice = SQUARE + "equations:\n  - {lhs: x ⋅ c, rhs: y}\n  - {lhs: x ⋅ c, rhs: y}\n"
    err = spec_error(twice)
    assert str(err) == ("<text>: line 6: equations: equation names must be unique; "
                        "repeated: x ⋅ c = y")
    assert err.field == ("equations",)
    err = spec_error(SQUARE + "weights: {nope: 2}\n")
    assert str(err).startswith("<text>: line 5: weights: weights name no equation: nope")
    assert err.field == ("weights",)
    D = diagram_from_text(SQUARE + "weights: {'x ⋅ c = y': 2}\n")
    assert D.equations[0].weight == 2.0


def test_path_finding_errors_have_no_field():
    err = spec_error(CYCLE)
    assert err.field == ()
    assert str(err).startswith("<text>: the space 'X' lies on a cycle")


# ---------------------------------------------------------------- limits on documents
def _nested(k: int) -> str:
    """An edge whose ``args`` hold ``k`` nested lists: the document is ``4 + k`` deep."""
    return ("edges:\n  - {name: x, src: N, tgt: X, role: data, args: {a: "
            + "[" * k + "]" * k + "}}\n")


def test_a_document_exactly_max_depth_deep_is_read_and_one_deeper_is_refused():
    k = MAX_DEPTH - 4
    assert diagram_from_text(_nested(k)).graph.has_space("X")
    assert f"nested more than {MAX_DEPTH} deep" in str(spec_error(_nested(k + 1)))
    data = json.loads(json.dumps(spec_from_text(_nested(k)).model_dump(mode="json")))
    assert diagram_from_text(json.dumps(data), "json").graph.has_space("X")
    data["edges"][0]["args"]["a"] = [data["edges"][0]["args"]["a"]]
    assert str(spec_error(json.dumps(data), "json")) == (
        f"<text>: not a usable spec: lists and objects are nested more than {MAX_DEPTH} deep")


def test_a_json_document_with_more_than_max_values_values_is_refused():
    # a tab first: JSON reads it, YAML (which finds the lines of fields) gives up at once
    args = {"a": [0] * (MAX_VALUES - 9)}  # with the nine values around it: MAX_VALUES
    doc = {"edges": [{"name": "x", "src": "N", "tgt": "X", "role": "data", "args": args}]}
    assert diagram_from_text("\t" + json.dumps(doc), "json").graph.has_space("X")
    args["a"].append(0)
    assert str(spec_error("\t" + json.dumps(doc), "json")) == (
        f"<text>: not a usable spec: it holds more than {MAX_VALUES} values")


def test_aliases_are_counted_once_expanded():
    # 10 * 10 * 10 * 10 leaves (plus the lists holding them): well under the limit
    text = ("a: &a [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
    edges = "edges:\n  - {name: x, src: N, tgt: X, role: data, args: {k: *d}}\n"
    # the anchors sit under keys a spec does not know: the error is about those keys
    assert "a: Extra inputs are not permitted" in str(spec_error(text + edges))
    deeper = text + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" + edges
    assert f"more than {MAX_VALUES} values once its aliases are expanded" in str(
        spec_error(deeper))


def test_a_file_of_exactly_max_bytes_is_read(tmp_path):
    f = tmp_path / "big.json"
    f.write_bytes(b"\t" + b" " * (MAX_BYTES - 3) + b"[]")
    with pytest.raises(SpecError, match="a spec is a mapping with keys such as 'edges', not "
                       "a list"):
        load_diagram(f)
    f.write_bytes(b"\t" + b" " * (MAX_BYTES - 2) + b"[]")
    with pytest.raises(SpecError, match=f"{f}: the spec file is larger than 1 MB; "):
        load_diagram(f)


def test_the_format_follows_the_suffix_in_any_case(tmp_path):
    f = tmp_path / "square.JSON"
    f.write_text(SQUARE)  # YAML text in a .JSON file is read as JSON
    with pytest.raises(SpecError, match="not valid JSON"):
        load_diagram(f)
    g = tmp_path / "square.yml"
    g.write_text(SQUARE)
    spec, D = load_spec_and_diagram(g)
    assert [e.name for e in spec.edges] == ["x", "y", "c"]
    assert names(D) == ["x ⋅ c = y"] == names(load_diagram(g))
    assert load_spec(g) == spec


def test_an_unknown_format_is_refused():
    with pytest.raises(SpecError, match=r"<text>: unknown spec format 'toml' \(json or yaml\)"):
        diagram_from_text(SQUARE, "toml")


# ---------------------------------------------------------------- messages
@pytest.mark.parametrize(("text", "kind"), [
    ("42", "a number"), ("1.5", "a number"), ("true", "true or false"),
    ("2001-12-14", "date")])
def test_a_document_that_is_not_a_mapping_says_what_it_is(text, kind):
    assert str(spec_error(text)) == (
        f"<text>: line 1: a spec is a mapping with keys such as 'edges', not {kind}")
    assert str(spec_error(text, "json" if kind != "date" else "yaml")).endswith(kind)


def test_more_than_five_problems_are_summed_up():
    doc = {f"k{i}": 1 for i in range(7)} | {"edges": []}
    lines = str(spec_error(json.dumps(doc), "json")).splitlines()
    assert lines[0] == "<text>: line 1: k0: Extra inputs are not permitted (got 1) (and 6 more)"
    assert lines[1:5] == [f"  line 1: k{i}: Extra inputs are not permitted (got 1)"
                          for i in range(1, 5)]
    assert lines[5:] == ["  ... and 2 more"]
    one = str(spec_error(json.dumps({"k": 1, "edges": []}), "json"))
    assert one == "<text>: line 1: k: Extra inputs are not permitted (got 1)"


def test_a_missing_field_or_a_wrong_list_shows_no_value():
    assert str(spec_error("spaces: []\n")) == "<text>: line 1: edges: Field required"
    assert str(spec_error("edges: {a: 1}\n")) == (
        "<text>: line 1: edges: Input should be a valid list")


def test_json_problems_are_on_the_line_of_their_item():
    data = {"edges": [{"name": "x", "src": "N", "tgt": "X", "role": "oops"},
                      {"name": "c", "src": "X", "tgt": "Y", "role": "learnable"}]}
    text = json.dumps(data, indent=2)
    assert str(spec_error(text, "json")).startswith("<text>: line 7: edges.0.role: ")
    # a key the document lacks: the line of the mapping that lacks it
    data["edges"][0] = {"name": "x", "src": "N", "tgt": "X"}
    assert str(spec_error(json.dumps(data, indent=2), "json")).startswith(
        "<text>: line 3: edges.0.role: Field required")


def test_a_long_line_is_shown_around_the_error_with_the_caret_under_it():
    pad = " " * 150
    text = '{"edges":' + pad + "@}"
    lines = str(spec_error(text, "json")).splitlines()
    assert lines[0].startswith("<text>: line 1, column 160: not valid JSON: ")
    shown, caret = lines[1], lines[2]
    assert caret.strip() == "^"
    assert shown[caret.index("^")] == "@"
    assert len(shown) <= 4 + 100


def test_a_yaml_error_shows_its_context_line_too():
    lines = str(spec_error("edges:\n  - {name: x, src: N\n  - {name: y}\n")).splitlines()
    assert lines[3] == "  (while parsing a flow mapping at line 2, column 5)"
    assert lines[4] == "      - {name: x, src: N"
    assert lines[5] == "        ^"
    assert len(lines) == 6


def test_bad_characters_and_long_integers_are_reported_with_their_place():
    assert str(spec_error("name: \x00\n")) == (
        "<text>: not valid YAML: special characters are not allowed (character 7)")
    assert "<text>: not valid JSON: Exceeds the limit" in str(
        spec_error('{"edges": [], "n": ' + "9" * 5000 + "}", "json"))


def test_long_values_are_cut_short_in_messages():
    key = "k" * 100
    message = str(spec_error(f"{key}: 1\n{key}: 2\n"))
    assert f"the key '{'k' * 54}...' is given twice" in message
    assert "k" * 56 not in message.splitlines()[0]


def test_keys_that_are_not_plain_values_are_reported():
    assert "found unhashable key" in str(spec_error("? [a, b]\n: 1\nedges: []\n"))


# ---------------------------------------------------------------- writing back
def test_to_spec_writes_every_equation_field_and_round_trips():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    g.fixed("t", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "kl"})
    fit, *rest = D.equations
    D = LearningDiagram(g, [fit.with_(weight=0.25, comparator="l1", grad="lhs", name="fit"),
                            *rest, (["x", "c"], ["x", "c"])], comparators={"Y": "kl"})
    spec = to_spec(D, name="kd")
    assert spec.name == "kd"
    assert [(s.name, s.comparator) for s in spec.spaces] == [
        ("N", None), ("X", None), ("Y", "kl")]
    assert [(e.name, e.src, e.tgt, e.role) for e in spec.edges] == [
        ("x", "N", "X", "data"), ("y", "N", "Y", "data"), ("c", "X", "Y", "learnable"),
        ("t", "X", "Y", "fixed")]
    assert spec.equations is not None
    first, second, third = spec.equations
    assert (first.lhs, first.rhs, first.source, first.weight, first.comparator,
            first.grad, first.name) == ("x ⋅ c", "x ⋅ t", "N", 0.25, "l1", "lhs", "fit")
    assert (second.name, second.weight, second.grad) == (None, 1.0, "both")
    assert (third.lhs, third.rhs) == ("x ⋅ c", "x ⋅ c")
    for fmt in ("yaml", "json"):
        assert diagram_from_text(dump_spec(spec, fmt), fmt) == D


def test_to_spec_of_identity_paths_and_without_equations():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram(g, [Equation(Path.id("N"), Path.id("N"))])
    (eq,) = to_spec(D).equations or []
    assert (eq.lhs, eq.rhs, eq.source) == ([], [], "N")
    assert diagram_from_text(dump_spec(to_spec(D))) == D
    derived = to_spec(LearningDiagram.from_graph(g), explicit_equations=False)
    assert derived.equations is None
    assert names(derived.to_diagram()) == ["x ⋅ c = y"]


def test_dump_spec_writes_the_version_first_and_leaves_defaults_out():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    spec = to_spec(LearningDiagram.from_graph(g), name="sq")
    text = dump_spec(spec)
    assert text.startswith("version: 1\nname: sq\nspaces:\n")
    assert "x ⋅ c" in text  # unicode kept as it is
    for default in ("policy", "max_paths", "weights", "data:", "grad", "role: null"):
        assert default not in text
    data = json.loads(dump_spec(spec, "json"))
    assert list(data)[:4] == ["version", "name", "spaces", "edges"]
    assert '"x ⋅ c"' in dump_spec(spec, "json")
    assert dump_spec(spec, "json").startswith('{\n  "version": 1,\n  "name": "sq",')
