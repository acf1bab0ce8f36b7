"""Real files written by Catlab.jl, ACSets.jl and py-acsets (provenance in golden/real)."""

import json
from pathlib import Path
from typing import Any

import pytest

from catlearn.acsets import AttrVar, Schema, read_json_acset, read_json_schema, write_json_acset
from catlearn.acsets.acset import UNSET

REAL = Path(__file__).parent / "golden" / "real"


def real(name: str) -> str:
    return (REAL / name).read_text()


def schema_file(name: str) -> Schema:
    return read_json_schema(real(name), name=name.removesuffix(".json"))


SEMAGRAMS_NET = Schema(
    "SemagramsReactionNet", obs=("S", "T", "I", "O"),
    homs=(("it", "I", "T"), ("is", "I", "S"), ("ot", "O", "T"), ("os", "O", "S")),
    attrtypes=("Name", "Rate", "Concentration", "Strata", "Kind"),
    attrs=(("sname", "S", "Name"), ("concentration", "S", "Concentration"),
           ("stratificationwith", "S", "Strata"), ("tname", "T", "Name"),
           ("rate", "T", "Rate"), ("transitiontype", "T", "Kind")),
)

# Catlab.jl's SchWiringDiagram, as its ACSet is written by write_json_acset
WIRING_DIAGRAM = Schema(
    "SchWiringDiagram",
    obs=("Box", "InPort", "OutPort", "OuterInPort", "OuterOutPort", "Wire", "InWire",
         "OutWire", "PassWire"),
    homs=(("in_port_box", "InPort", "Box"), ("out_port_box", "OutPort", "Box"),
          ("src", "Wire", "OutPort"), ("tgt", "Wire", "InPort"),
          ("in_src", "InWire", "OuterInPort"), ("in_tgt", "InWire", "InPort"),
          ("out_src", "OutWire", "OutPort"), ("out_tgt", "OutWire", "OuterOutPort"),
          ("pass_src", "PassWire", "OuterInPort"), ("pass_tgt", "PassWire", "OuterOutPort")),
    attrtypes=("Value", "BoxValue", "WireValue", "BoxType"),
    attrs=(("value", "Box", "BoxValue"), ("box_type", "Box", "BoxType"),
           ("in_port_type", "InPort", "Value"), ("out_port_type", "OutPort", "Value"),
           ("outer_in_port_type", "OuterInPort", "Value"),
           ("outer_out_port_type", "OuterOutPort", "Value"),
           ("wire_value", "Wire", "WireValue"), ("in_wire_value", "InWire", "WireValue"),
           ("out_wire_value", "OutWire", "WireValue"),
           ("pass_wire_value", "PassWire", "WireValue")),
)

CASES = [
    ("askem_sir_petri_catlab014.json", lambda: schema_file(
        "pyacsets_labelled_petri_net_schema.json")),
    ("askem_semagrams_stratification.json", lambda: SEMAGRAMS_NET),
    ("askem_wiring_diagram.json", lambda: WIRING_DIAGRAM),
    ("askem_miranet_property_reaction_net.json", lambda: schema_file(
        "pyacsets_property_labelled_reaction_net_schema.json")),
    ("decapodes_summation_decapode.json", lambda: schema_file(
        "pyacsets_summation_decapode_schema.json")),
    ("pyacsets_petri_null_hom.json", lambda: schema_file(
        "pyacsets_property_labelled_reaction_net_schema.json")),
]


def meaning(schema: Schema, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What a file says, independent of the writer's conventions: ``_id`` dropped, an unset
    hom (``0``, ``null`` or missing) as 0, a missing attribute as ``null``."""
    out = {}
    for ob in schema.obs:
        rows = []
        for row in data.get(ob, []):
            m = {f: row.get(f) or 0 for f in schema.homs_out(ob)}
            m.update({a: row.get(a) for a in schema.attrs_out(ob)})
            rows.append(m)
        out[ob] = rows
    for t in schema.attrtypes:
        out[t] = [{} for _ in data.get(t, [])]
    return out


@pytest.mark.parametrize(("name", "schema"), CASES, ids=[c[0] for c in CASES])
def test_real_file_reads_and_round_trips_exactly_in_meaning(name, schema):
    S = schema()
    text = real(name)
    X = read_json_acset(S, text)
    original = json.loads(text)
    for ob in S.obs:
        assert X.nparts(ob) == len(original.get(ob, []))
    written = write_json_acset(X)
    assert meaning(S, json.loads(written)) == meaning(S, original)
    assert read_json_acset(S, written) == X


def test_catlab_014_rows_without_id():
    S = schema_file("pyacsets_labelled_petri_net_schema.json")
    X = read_json_acset(S, real("askem_sir_petri_catlab014.json"))
    assert [X.subpart(s, "sname") for s in X.parts("S")] == ["S", "I", "R"]
    assert X.subpart("is").tolist() == [0, 1, 1]
    assert X.subpart("ot").tolist() == [0, 0, 1]


def test_dict_and_array_valued_attributes():
    S = schema_file("pyacsets_property_labelled_reaction_net_schema.json")
    X = read_json_acset(S, real("askem_miranet_property_reaction_net.json"))
    prop = X.subpart(0, "sprop")
    assert isinstance(prop, dict)
    assert prop["is_observable"] is False
    assert X.nparts("Prop") == 0
    Y = read_json_acset(SEMAGRAMS_NET, real("askem_semagrams_stratification.json"))
    assert Y.subpart(0, "stratificationwith") == ["infect", "disease"]


def test_py_acsets_null_hom_and_extra_schema_fields():
    S = schema_file("pyacsets_property_labelled_reaction_net_schema.json")
    assert dict(S.version)["Catlab"] == "0.14.12"
    X = read_json_acset(S, real("pyacsets_petri_null_hom.json"))
    assert X.subpart("is").tolist()[-1] == UNSET
    assert X.subpart(0, "sprop") == {"uuid": "dae22e85", "tags": ["a", 1]}
    assert X.subpart(2, "sname") is None


def test_schema_version_survives_a_round_trip():
    S = schema_file("pyacsets_property_labelled_reaction_net_schema.json")
    back = json.loads(S.to_json())
    assert back["version"] == {"ACSetSchema": "0.0.1", "Catlab": "0.14.12"}
    assert read_json_schema(S.to_json(), name=S.name) == S


def test_acsets_jl_style_ids_and_missing_attrtype_tables():
    S = schema_file("pyacsets_summation_decapode_schema.json")
    X = read_json_acset(S, real("decapodes_summation_decapode.json"))
    assert X.nparts("Var") == 30
    assert X.subpart(0, "op1") == "∂ₜ"
    assert X.subpart(0, "summation") == 0
    assert not any(
        isinstance(v, AttrVar) for v in X.subpart("name"))
