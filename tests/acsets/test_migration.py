"""Data migration: delta and sigma, their adjunction counted by hom search, units."""

import numpy as np
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
    SchSymmetricGraph,
    count_homomorphisms,
)
from catlearn.acsets.migration import SchemaMap, delta, delta_counit, sigma, sigma_unit
from catlearn.errors import MigrationError
from catlearn.learning.graph import LearningGraph, SchLearningGraph
from catlearn.testing import graphs

Pt = Schema("Pt", obs=("V",))
SchV = Schema("SchV", obs=("V",))

MAPS = {
    "components": SchemaMap(SchGraph, Pt, obs={"V": "V", "E": "V"},
                            homs={"src": (), "tgt": ()}),
    "reflexive": SchemaMap(SchGraph, SchReflexiveGraph, obs={"V": "V", "E": "E"},
                           homs={"src": "src", "tgt": "tgt"}),
    "symmetric": SchemaMap(SchGraph, SchSymmetricGraph, obs={"V": "V", "E": "E"},
                           homs={"src": "src", "tgt": "tgt"}),
    "vertices": SchemaMap(SchV, SchGraph, obs={"V": "V"}),
}


def sources(name):
    """Random instances of the domain of the named map."""
    if name == "vertices":
        return st.integers(0, 3).map(lambda n: ACSet.build(SchV, V=n))
    return graphs(max_vertices=3, max_edges=3)


def targets(name):
    """Random instances of the codomain that satisfy its equations: pushforwards."""
    F = MAPS[name]
    if name == "components":
        return st.integers(0, 3).map(lambda n: ACSet.build(Pt, V=n))
    if name == "vertices":
        return graphs(max_vertices=3, max_edges=3)
    return graphs(max_vertices=2, max_edges=2).map(lambda g: sigma(F, g))


@given(st.sampled_from(sorted(MAPS)).flatmap(
    lambda n: st.tuples(st.just(n), sources(n), targets(n))))
def test_sigma_is_left_adjoint_to_delta(case):
    name, X, Y = case
    F = MAPS[name]
    assert count_homomorphisms(sigma(F, X), Y) == count_homomorphisms(X, delta(F, Y))


@given(st.sampled_from(sorted(MAPS)).flatmap(lambda n: st.tuples(st.just(n), sources(n))))
def test_unit_is_a_morphism_and_sigma_satisfies_the_equations(case):
    name, X = case
    F = MAPS[name]
    eta = sigma_unit(F, X)
    assert eta.dom is X
    assert eta.codom == delta(F, sigma(F, X))
    sigma(F, X).validate()


@given(st.sampled_from(sorted(MAPS)).flatmap(lambda n: st.tuples(st.just(n), targets(n))))
def test_counit_is_a_morphism(case):
    name, Y = case
    eps = delta_counit(MAPS[name], Y)
    assert eps.codom is Y
    assert eps.dom == sigma(MAPS[name], delta(MAPS[name], Y))


def components_by_union_find(g):
    parent = list(range(g.nparts("V")))

    def find(u):
        while parent[u] != u:
            u = parent[u]
        return u

    for e in range(g.nparts("E")):
        parent[find(g.subpart(e, "src"))] = find(g.subpart(e, "tgt"))
    return len({find(v) for v in range(g.nparts("V"))})


@given(graphs(max_vertices=6, max_edges=6))
def test_connected_components_are_a_pushforward(g):
    assert sigma(MAPS["components"], g).nparts("V") == components_by_union_find(g)


def test_underlying_graph_of_a_learning_graph_is_a_pullback():
    incl = SchemaMap(SchGraph, SchLearningGraph, obs={"V": "V", "E": "E"},
                     homs={"src": "src", "tgt": "tgt"})
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("f", "X", "Y")
    U = delta(incl, g)
    assert U.schema == SchGraph
    assert U.nparts("V") == g.nparts("V")
    assert U.subpart("src").tolist() == g.subpart("src").tolist()


def test_free_reflexive_and_symmetric_graphs():
    edge = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
    R = sigma(MAPS["reflexive"], edge)
    assert (R.nparts("V"), R.nparts("E")) == (2, 3)
    S = sigma(MAPS["symmetric"], edge)
    assert S.nparts("E") == 2
    assert S.subpart(S.subpart(0, "inv"), "inv") == 0


def test_attributes_move_and_unknowns_become_variables():
    incl = SchemaMap(SchGraph, SchLabeledGraph, obs={"V": "V", "E": "E"},
                     homs={"src": "src", "tgt": "tgt"})
    labelled = ACSet.build(SchLabeledGraph, V={"label": ["a", "b"]})
    assert delta(incl, labelled).nparts("V") == 2
    free = sigma(incl, ACSet.build(SchGraph, V=2))
    assert free.nparts("Label") == 2
    assert free.subpart(1, "label") == AttrVar(1)
    same = SchemaMap(SchLabeledGraph, SchLabeledGraph, obs={"V": "V", "E": "E"},
                     homs={"src": "src", "tgt": "tgt"}, attrtypes={"Label": "Label"},
                     attrs={"label": "label"})
    assert sigma(same, labelled) == labelled
    assert np.array_equal(sigma_unit(same, labelled)["V"], [0, 1])


def test_values_forced_together_are_an_error():
    F = SchemaMap(SchLabeledGraph, Schema("L", obs=("V",), attrtypes=("Label",),
                  attrs=(("label", "V", "Label"),)), obs={"V": "V", "E": "V"},
                  homs={"src": (), "tgt": ()}, attrtypes={"Label": "Label"},
                  attrs={"label": "label"})
    X = ACSet.build(SchLabeledGraph, V={"label": ["a", "b"]}, E={"src": [0], "tgt": [1]})
    with pytest.raises(MigrationError, match="forced to be both"):
        sigma(F, X)


def test_a_free_cycle_is_bounded():
    Loop = Schema("Loop", obs=("V",), homs=(("next", "V", "V"),))
    F = SchemaMap(SchV, Loop, obs={"V": "V"})
    with pytest.raises(MigrationError, match="max_parts=50"):
        sigma(F, ACSet.build(SchV, V=1), max_parts=50)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"obs": {"V": "V"}}, "has no image"),
    ({"obs": {"V": "V", "E": "E"}, "homs": {"src": "src", "tgt": "tgt", "x": ()}},
     "'x' is not a hom"),
    ({"obs": {"V": "V", "E": "W"}, "homs": {"src": "src", "tgt": "tgt"}}, "not an object"),
    ({"obs": {"V": "V", "E": "E"}, "homs": {"src": "tgt", "tgt": ("src", "refl")}},
     "ends at E"),
])
def test_bad_schema_maps(kwargs, match):
    with pytest.raises(MigrationError, match=match):
        SchemaMap(SchGraph, SchReflexiveGraph, **kwargs)


def test_equations_must_be_respected():
    with pytest.raises(MigrationError, match="do not prove"):
        SchemaMap(SchSymmetricGraph, SchGraph, obs={"V": "V", "E": "E"},
                  homs={"src": "src", "tgt": "tgt", "inv": ()})
    ok = SchemaMap(SchSymmetricGraph, SchSymmetricGraph, obs={"V": "V", "E": "E"},
                   homs={"src": "tgt", "tgt": "src", "inv": "inv"})
    assert ok.hom("src") == ("tgt",)


def test_wrong_instances():
    with pytest.raises(MigrationError, match="expected an ACSet of schema SchGraph"):
        sigma(MAPS["components"], ACSet.build(Pt, V=1))
    with pytest.raises(MigrationError, match="expected a SchemaMap"):
        delta("F", ACSet.build(Pt))
