"""ACSet morphisms: every construction check, the category they form, and their values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import ACSet, AttrVar, Schema, SchGraph, SchLabeledGraph, SchReflexiveGraph
from catlearn.acsets.morphism import (
    ACSetTransformation,
    compose,
    describe,
    id_,
    identity,
    is_natural,
)
from catlearn.errors import CompositionError, NaturalityError, SchemaError
from catlearn.testing import composable_triples, graphs, transformations

from .conftest import Unhashable

#: two objects, each with an attribute into one attribute type
SchTwoAttrs = Schema("SchTwoAttrs", obs=("X", "Y"), attrtypes=("T",),
                     attrs=(("a", "X", "T"), ("b", "Y", "T")))


#: how messages about a morphism edge() -> loop() begin
EDGE_TO_LOOP = r"^morphism SchGraph\(V=2, E=1\) -> SchGraph\(V=1, E=1\): "


def edge() -> ACSet:
    """Two vertices and an edge 0 -> 1."""
    return ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})


def loop() -> ACSet:
    """One vertex with a loop."""
    return ACSet.build(SchGraph, V=1, E={"src": [0], "tgt": [0]})


def labelled(labels: list[object], nvars: int = 0) -> ACSet:
    X = ACSet(SchLabeledGraph)
    X.add_parts("Label", nvars)
    X.add_parts("V", len(labels), label=labels)
    return X


# ====================================================================== describe
def test_describe_names_the_schema_and_every_size():
    assert describe(edge()) == "SchGraph(V=2, E=1)"
    assert describe(ACSet(SchGraph)) == "SchGraph(V=0, E=0)"


# ====================================================================== construction
@pytest.mark.parametrize(("dom", "codom"), [("x", loop()), (loop(), 3)])
def test_ends_must_be_acsets(dom, codom):
    got = type(dom if not isinstance(dom, ACSet) else codom).__name__
    with pytest.raises(NaturalityError,
                       match=f"ACSetTransformation: expected an ACSet, got {got}"):
        ACSetTransformation(dom, codom)


def test_ends_must_share_a_schema():
    with pytest.raises(SchemaError, match=r"ACSetTransformation: schemas differ "
                       r"\(SchGraph vs SchReflexiveGraph\)"):
        ACSetTransformation(ACSet(SchGraph), ACSet(SchReflexiveGraph))


def test_unknown_component_is_refused():
    with pytest.raises(SchemaError, match=r"morphism SchGraph\(V=2, E=1\) -> SchGraph\(V=1, "
                       r"E=1\): 'W' is not an object of schema SchGraph"):
        ACSetTransformation(edge(), loop(), V=[0, 0], E=[0], W=[0])


def test_a_component_may_be_omitted_only_for_an_empty_object():
    X = ACSet.build(SchGraph, V=2)
    f = ACSetTransformation(X, loop(), V=[0, 0])
    assert f["E"].tolist() == []
    assert f["E"].dtype == np.int64
    with pytest.raises(NaturalityError, match=EDGE_TO_LOOP + "no component for "
                       r"object E"):
        ACSetTransformation(edge(), loop(), V=[0, 0])
    with pytest.raises(NaturalityError, match="no component for object V"):
        ACSetTransformation(edge(), loop(), E=[0])


@pytest.mark.parametrize(("given_", "shape"), [
    ([[0], [0, 1]], r"object values of shape \(1,\)"),
    ([[0, 0]], r"int64 values of shape \(1, 2\)"),
    ([0.0, 0.0], r"float64 values of shape \(2,\)"),
    ([True, False], r"bool values of shape \(2,\)"),
    (0, r"int64 values of shape \(\)"),
    ("00", r"<U2 values of shape \(\)"),
])
def test_component_must_be_a_flat_array_of_ids(given_, shape):
    with pytest.raises(NaturalityError, match=EDGE_TO_LOOP
                       + r"component V must be a 1-d array of part ids, "
                       r"got " + shape):
        ACSetTransformation(edge(), loop(), V=given_, E=[0])


def test_components_of_any_integer_dtype_are_read_as_int64():
    for dtype in (np.int8, np.uint8, np.int32, np.uint64):
        f = ACSetTransformation(edge(), loop(), V=np.zeros(2, dtype=dtype), E=[0])
        assert f["V"].dtype == np.int64
        assert f["V"].tolist() == [0, 0]


def test_an_empty_component_of_any_kind_is_accepted():
    X = ACSet.build(SchGraph, V=1)
    for empty in ([], (), np.zeros(0), np.zeros(0, dtype=object)):
        f = ACSetTransformation(X, loop(), V=[0], E=empty)
        assert f["E"].tolist() == []
        assert f["E"].dtype == np.int64


def test_component_length_is_checked():
    with pytest.raises(NaturalityError, match=EDGE_TO_LOOP
                       + r"component V has length 3, expected 2 \(the "
                       r"parts of V in the domain\)"):
        ACSetTransformation(edge(), loop(), V=[0, 0, 0], E=[0])
    with pytest.raises(NaturalityError, match="component V has length 1, expected 2"):
        ACSetTransformation(edge(), loop(), V=[0], E=[0])


@pytest.mark.parametrize(("comp", "part", "value"), [([0, 1], 1, 1), ([-1, 0], 0, -1),
                                                     ([0, 5], 1, 5)])
def test_component_values_must_be_parts_of_the_codomain(comp, part, value):
    with pytest.raises(NaturalityError, match=EDGE_TO_LOOP
                       + rf"component V sends part {part} to {value}, "
                       r"which is not a part of V in the codomain \(1 parts\)"):
        ACSetTransformation(edge(), loop(), V=comp, E=[0])


def test_components_are_frozen_copies():
    given_ = np.array([0, 0])
    f = ACSetTransformation(edge(), loop(), V=given_, E=[0])
    given_[0] = 7
    assert f["V"].tolist() == [0, 0]
    with pytest.raises(ValueError, match="read-only"):
        f["V"][0] = 0


def test_naturality_failure_names_the_hom_part_and_both_sides():
    with pytest.raises(NaturalityError, match=r"is not natural: hom src: E -> V at part 0 "
                       r"of E: V\[src\(0\)\] = 1 != src\(E\[0\]\) = 0"):
        ACSetTransformation(edge(), edge(), V=[1, 0], E=[0])
    Y = ACSet.build(SchGraph, V=2, E={"src": [0, 0], "tgt": [0, 1]})
    with pytest.raises(NaturalityError, match=r"^morphism SchGraph\(V=2, E=1\) -> SchGraph\(V=2, "
                       r"E=2\) is not natural: hom tgt: E -> V at part 0 of E: "
                       r"V\[tgt\(0\)\] = 1 != tgt\(E\[0\]\) = 0$"):
        ACSetTransformation(edge(), Y, V=[0, 1], E=[0])


def test_naturality_is_checked_at_every_part():
    X = ACSet.build(SchGraph, V=2, E={"src": [0, 1], "tgt": [1, 1]})
    Y = ACSet.build(SchGraph, V=2, E={"src": [0, 1], "tgt": [1, 0]})
    with pytest.raises(NaturalityError, match=r"hom tgt: E -> V at part 1 of E"):
        ACSetTransformation(X, Y, V=[0, 1], E=[0, 1])


def test_unset_homs_of_the_domain_impose_nothing():
    X = ACSet(SchGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2, src=[0, 1])  # tgt unset
    f = ACSetTransformation(X, loop(), V=[0, 0], E=[0, 0])
    assert f["E"].tolist() == [0, 0]
    Y = ACSet(SchGraph)
    Y.add_parts("V", 1)
    Y.add_part("E", src=0)  # tgt unset in the codomain: a set tgt in the domain must fail
    with pytest.raises(NaturalityError, match=r"hom tgt: E -> V at part 0 of E: "
                       r"V\[tgt\(0\)\] = 0 != tgt\(E\[0\]\) = -1"):
        ACSetTransformation(loop(), Y, V=[0], E=[0])


# ====================================================================== attributes
def test_attributes_must_be_preserved():
    X, Y = labelled(["a", "b"]), labelled(["a", "c"])
    with pytest.raises(NaturalityError, match=r"does not preserve attribute label at part 1 "
                       r"of V: 'b' != 'c'"):
        ACSetTransformation(X, Y, V=[0, 1])
    assert ACSetTransformation(X, labelled(["b", "a"]), V=[1, 0])["V"].tolist() == [1, 0]


def test_attribute_messages_name_both_ends():
    X, Y = labelled(["a"]), labelled(["c", "a"])
    with pytest.raises(NaturalityError, match=r"^morphism SchLabeledGraph\(V=1, E=0\) -> "
                       r"SchLabeledGraph\(V=2, E=0\) does not preserve attribute label at "
                       r"part 0 of V: 'a' != 'c'$"):
        ACSetTransformation(X, Y, V=[0])
    assert ACSetTransformation(X, Y, V=[1])["V"].tolist() == [1]


def test_attributes_compare_by_isequal_not_identity():
    X, Y = labelled([[1, 2], float("nan")]), labelled([[1, 2], float("nan")])
    assert ACSetTransformation(X, Y, V=[0, 1])["V"].tolist() == [0, 1]
    with pytest.raises(NaturalityError, match=r"attribute label at part 0 of V: 0.0 != -0.0"):
        ACSetTransformation(labelled([0.0]), labelled([-0.0]), V=[0])


def test_an_unset_attribute_maps_to_any_value():
    X = labelled([None, "b"])
    f = ACSetTransformation(X, labelled(["z", "b"]), V=[0, 1])
    assert f["V"].tolist() == [0, 1]
    with pytest.raises(NaturalityError, match="attribute label at part 1 of V: 'b' != 'z'"):
        ACSetTransformation(X, labelled(["z", "b"]), V=[0, 0])


def test_every_attribute_is_checked_after_an_empty_one():
    X = ACSet(SchTwoAttrs)
    X.add_parts("Y", 1, b=["p"])
    Y = ACSet(SchTwoAttrs)
    Y.add_parts("Y", 1, b=["q"])
    with pytest.raises(NaturalityError, match="does not preserve attribute b at part 0 of Y"):
        ACSetTransformation(X, Y, Y=[0])


# ====================================================================== variables
def test_variable_components_are_inferred_from_where_variables_occur():
    X = labelled([AttrVar(1), AttrVar(0), AttrVar(1)], nvars=2)
    Y = labelled(["p", "q", AttrVar(0)], nvars=1)
    f = ACSetTransformation(X, Y, V=[2, 1, 2])
    assert f.var_components["Label"] == ("q", AttrVar(0))


def test_an_inferred_variable_must_be_used_consistently():
    X = labelled([AttrVar(0), AttrVar(0)], nvars=1)
    with pytest.raises(NaturalityError, match="does not preserve attribute label at part 1 "
                       r"of V: 'p' != 'q'"):
        ACSetTransformation(X, labelled(["p", "q"]), V=[0, 1])


def test_a_variable_that_occurs_nowhere_needs_its_component():
    X = labelled([AttrVar(0)], nvars=3)
    with pytest.raises(NaturalityError, match=r"attribute type Label: variable AttrVar\(1\) "
                       r"occurs nowhere, so its image cannot be inferred; give the component "
                       r"Label=\[...\]"):
        ACSetTransformation(X, labelled(["p"]), V=[0])
    f = ACSetTransformation(X, labelled(["p"]), V=[0], Label=["p", 1, "z"])
    assert f.var_components["Label"] == ("p", 1, "z")


def test_given_variable_components_are_checked():
    X = labelled([AttrVar(0)], nvars=1)
    Y = labelled(["p", "q"], nvars=1)
    ends = r"^morphism SchLabeledGraph\(V=1, E=0\) -> SchLabeledGraph\(V=2, E=0\): "
    with pytest.raises(NaturalityError, match=ends + "component Label must be a sequence of "
                       "values or variables, not int$"):
        ACSetTransformation(X, Y, V=[0], Label=5)
    with pytest.raises(NaturalityError, match=ends + r"component Label has length 2, expected 1 "
                       r"\(the parts of Label in the domain\)$"):
        ACSetTransformation(X, Y, V=[0], Label=["p", "p"])
    with pytest.raises(NaturalityError, match=ends + r"attribute type Label, variable "
                       r"AttrVar\(0\) is sent to AttrVar\(1\), which is not a value or a "
                       r"variable of the codomain$"):
        ACSetTransformation(X, Y, V=[0], Label=[AttrVar(1)])
    with pytest.raises(NaturalityError, match=ends + r"attribute type Label, variable "
                       r"AttrVar\(0\) is sent to Unhashable\(\)"):
        ACSetTransformation(X, Y, V=[0], Label=[Unhashable()])
    with pytest.raises(NaturalityError, match=r"^morphism SchLabeledGraph\(V=1, E=0\) -> "
                       r"SchLabeledGraph\(V=2, E=0\) does not preserve attribute label at "
                       r"part 0 of V: AttrVar\(0\) != 'p'$"):
        ACSetTransformation(X, Y, V=[0], Label=[AttrVar(0)])
    assert ACSetTransformation(X, Y, V=[0], Label=("p",)).var_components["Label"] == ("p",)
    assert ACSetTransformation(X, Y, V=[1], Label=["q"]).var_components["Label"] == ("q",)
    with pytest.raises(NaturalityError, match=r"^morphism SchLabeledGraph\(V=3, E=0\) -> "
                       r"SchLabeledGraph\(V=2, E=0\): attribute type Label: variable "
                       r"AttrVar\(1\) occurs nowhere"):
        ACSetTransformation(labelled([AttrVar(0)] * 3, nvars=2), Y, V=[0, 0, 0])


def test_a_variable_may_go_to_the_last_variable_of_the_codomain():
    X = labelled([], nvars=1)
    Y = labelled([], nvars=2)
    assert ACSetTransformation(X, Y, Label=[AttrVar(1)]).var_components["Label"] == (
        AttrVar(1),)


# ====================================================================== access
def test_components_by_object_and_images_of_parts():
    f = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    assert f["V"].tolist() == [0, 0]
    assert f("V", 1) == 0
    assert isinstance(f("V", 1), int)
    assert f.schema is SchGraph
    with pytest.raises(SchemaError, match="schema SchGraph has no object 'W'"):
        f["W"]


# ====================================================================== the category
def test_composition_is_in_diagrammatic_order():
    X = ACSet.build(SchGraph, V=2)
    Y = ACSet.build(SchGraph, V=3)
    f = ACSetTransformation(X, Y, V=[2, 0])
    g = ACSetTransformation(Y, X, V=[1, 1, 0])
    assert (f >> g)["V"].tolist() == [0, 1]
    assert compose(f, g) == f.then(g) == (f >> g)
    assert (g >> f)["V"].tolist() == [0, 0, 2]
    assert (f >> g).dom is X
    assert (f >> g).codom is X


def test_composition_needs_matching_ends():
    f = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    with pytest.raises(CompositionError, match=r"cannot compose SchGraph\(V=2, E=1\) -> "
                       r"SchGraph\(V=1, E=1\) then SchGraph\(V=2, E=1\) -> SchGraph\(V=1, "
                       r"E=1\): the codomain of the first is not the domain of the second"):
        f >> f
    # an equal (not identical) codomain composes
    h = ACSetTransformation(loop().copy(), loop(), V=[0], E=[0])
    assert (f >> h)["E"].tolist() == [0]


def test_composition_composes_variable_components():
    X = labelled([], nvars=2)
    Y = labelled([], nvars=1)
    Z = labelled([], nvars=0)
    f = ACSetTransformation(X, Y, Label=[AttrVar(0), "v"])
    g = ACSetTransformation(Y, Z, Label=[7])
    assert (f >> g).var_components["Label"] == (7, "v")


def test_identity():
    X = labelled(["a", AttrVar(1)], nvars=2)
    i = identity(X)
    assert id_ is identity
    assert i["V"].tolist() == [0, 1]
    assert i.var_components["Label"] == (AttrVar(0), AttrVar(1))
    assert i.is_iso()


@given(composable_triples(graphs(max_vertices=3, max_edges=3)))
def test_category_laws(triple):
    f, g, h = triple
    assert (f >> g) >> h == f >> (g >> h)
    assert identity(f.dom) >> f == f == f >> identity(f.codom)


# ====================================================================== mono, epi, iso
def test_monic_epic_iso_on_parts():
    fold = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    assert (fold.is_monic(), fold.is_epic(), fold.is_iso()) == (False, True, False)
    Y = ACSet.build(SchGraph, V=3, E={"src": [0], "tgt": [1]})
    inc = ACSetTransformation(edge(), Y, V=[0, 1], E=[0])
    assert (inc.is_monic(), inc.is_epic(), inc.is_iso()) == (True, False, False)
    swap = ACSetTransformation(ACSet.build(SchGraph, V=2), ACSet.build(SchGraph, V=2),
                               V=[1, 0])
    assert (swap.is_monic(), swap.is_epic(), swap.is_iso()) == (True, True, True)
    Z = ACSet.build(SchGraph, V=2, E={"src": [0, 0], "tgt": [1, 1]})
    edge_fold = ACSetTransformation(Z, edge(), V=[0, 1], E=[0, 0])
    assert (edge_fold.is_monic(), edge_fold.is_epic()) == (False, True)


def test_monic_epic_iso_on_variables():
    def morph(nvars_dom: int, nvars_codom: int, comp: list[object]) -> ACSetTransformation:
        return ACSetTransformation(labelled([], nvars_dom), labelled([], nvars_codom),
                                   Label=comp)

    two_to_one = morph(2, 1, [AttrVar(0), AttrVar(0)])
    assert (two_to_one.is_monic(), two_to_one.is_epic()) == (False, True)
    to_value = morph(1, 0, ["v"])
    assert (to_value.is_monic(), to_value.is_epic()) == (False, True)
    missing = morph(1, 2, [AttrVar(1)])
    assert (missing.is_monic(), missing.is_epic()) == (True, False)
    value_and_var = morph(2, 2, ["v", AttrVar(1)])
    assert (value_and_var.is_monic(), value_and_var.is_epic()) == (False, False)
    swap = morph(2, 2, [AttrVar(1), AttrVar(0)])
    assert (swap.is_monic(), swap.is_epic(), swap.is_iso()) == (True, True, True)
    assert not two_to_one.is_iso()
    assert not missing.is_iso()


def test_inverse_of_an_isomorphism():
    X = labelled([AttrVar(0), "a", AttrVar(1)], nvars=2)
    Y = labelled(["a", AttrVar(0), AttrVar(1)], nvars=2)
    f = ACSetTransformation(X, Y, V=[2, 0, 1], Label=[AttrVar(1), AttrVar(0)])
    inv = f.inverse()
    assert inv.dom is Y
    assert inv.codom is X
    assert inv["V"].tolist() == [1, 2, 0]
    assert inv.var_components["Label"] == (AttrVar(1), AttrVar(0))
    assert f >> inv == identity(X)
    assert inv >> f == identity(Y)


def test_inverse_of_a_non_isomorphism_is_refused():
    fold = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    with pytest.raises(NaturalityError, match=r"morphism SchGraph\(V=2, E=1\) -> "
                       r"SchGraph\(V=1, E=1\) is not an isomorphism, so it has no inverse"):
        fold.inverse()


@given(graphs(max_vertices=3, max_edges=3).flatmap(
    lambda X: st.tuples(st.just(X), transformations(X))))
def test_monic_and_epic_match_their_definitions(pair):
    X, f = pair
    injective = all(len(set(f[c].tolist())) == X.nparts(c) for c in X.schema.obs)
    surjective = all(set(f[c].tolist()) == set(range(f.codom.nparts(c)))
                     for c in X.schema.obs)
    assert f.is_monic() == injective
    assert f.is_epic() == surjective
    assert f.is_iso() == (injective and surjective)


# ====================================================================== values
def test_equality_compares_ends_and_components():
    f = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    assert f == ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    assert f != "f"
    Y = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [0]})
    assert f != ACSetTransformation(edge(), Y, V=[0, 0], E=[0])
    X = ACSet.build(SchGraph, V=2, E={"src": [1], "tgt": [1]})
    assert f != ACSetTransformation(X, loop(), V=[0, 0], E=[0])
    V2 = ACSet.build(SchGraph, V=2)
    assert ACSetTransformation(V2, V2, V=[0, 1]) != ACSetTransformation(V2, V2, V=[1, 0])
    assert ACSetTransformation(V2, V2, V=[0, 0]) != ACSetTransformation(V2, V2, V=[1, 1])
    with pytest.raises(TypeError):
        hash(f)


def test_equality_compares_variable_components():
    X, Y = labelled([], nvars=1), labelled([])
    one, two = (ACSetTransformation(X, Y, Label=[v]) for v in (1, 2))
    assert one != two
    assert one == ACSetTransformation(X, Y, Label=[1])


def test_repr_shows_ends_and_components():
    f = ACSetTransformation(edge(), loop(), V=[0, 0], E=[0])
    assert repr(f) == ("ACSetTransformation(SchGraph(V=2, E=1) -> SchGraph(V=1, E=1): "
                       "V=[0, 0], E=[0])")
    X = labelled([AttrVar(0)], nvars=1)
    g = ACSetTransformation(X, labelled(["p"]), V=[0])
    assert repr(g) == ("ACSetTransformation(SchLabeledGraph(V=1, E=0) -> "
                       "SchLabeledGraph(V=1, E=0): V=[0], E=[], Label=['p'])")
    h = ACSetTransformation(labelled(["p"]), labelled(["p"]), V=[0])
    assert repr(h).endswith(": V=[0], E=[])")


# ====================================================================== is_natural
def test_is_natural_says_whether_construction_succeeds():
    assert is_natural(edge(), loop(), V=[0, 0], E=[0])
    assert not is_natural(edge(), edge(), V=[1, 0], E=[0])
    assert not is_natural(edge(), loop(), V=[0, 0])
    assert not is_natural(edge(), loop(), V=[0.5, 0], E=[0])
    assert not is_natural(edge(), loop(), V=[0, 3], E=[0])
    assert not is_natural(edge(), "loop")
    assert not is_natural(ACSet(SchGraph), ACSet(SchReflexiveGraph))
    assert not is_natural(labelled(["a"]), labelled(["b"]), V=[0])
    assert not is_natural(labelled([AttrVar(0)], 1), labelled(["p"]), V=[0], Label=5)


def test_inverse_of_variables_that_occur_nowhere():
    X = labelled([], nvars=3)
    f = ACSetTransformation(X, X, Label=[AttrVar(2), AttrVar(0), AttrVar(1)])
    assert f.inverse().var_components["Label"] == (AttrVar(1), AttrVar(2), AttrVar(0))
    assert f >> f.inverse() == identity(X)


def test_repr_lists_every_attribute_type_with_variables():
    S = Schema("S2", obs=("X",), attrtypes=("T", "U"), attrs=(("a", "X", "T"),))
    X = ACSet(S)
    X.add_parts("T", 1)
    X.add_parts("U", 2)
    assert repr(identity(X)) == ("ACSetTransformation(S2(X=0) -> S2(X=0): X=[], "
                                 "T=[AttrVar(0)], U=[AttrVar(0), AttrVar(1)])")
