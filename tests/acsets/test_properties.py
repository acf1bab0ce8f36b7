"""Property tests of the C-set engine (200+ examples each under the ``ci`` profile)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import (
    ACSet,
    ACSetTransformation,
    Schema,
    SchGraph,
    SchReflexiveGraph,
    identity,
    read_json_acset,
    write_json_acset,
)
from catlearn.errors import SchemaError
from catlearn.testing import (
    acsets,
    composable_pairs,
    composable_triples,
    graphs,
    schemas,
    transformations,
)

from .conftest import assert_index_matches_scan

OPS = st.lists(st.tuples(st.sampled_from(
    ["add_v", "add_e", "add_es", "set", "clear", "rem_v", "rem_e", "rem_vs", "cascade"]),
    st.integers(0, 10**6), st.integers(0, 10**6)), max_size=25)


@given(OPS)
def test_incident_agrees_with_scan_after_mutations(ops):
    g = ACSet(SchGraph)
    for op, a, b in ops:
        nv, ne = g.nparts("V"), g.nparts("E")
        if op == "add_v":
            g.add_part("V")
        elif op == "add_e" and nv:
            g.add_part("E", src=a % nv, tgt=b % nv)
        elif op == "add_es" and nv:
            k = a % 4
            g.add_parts("E", k, src=[(a + i) % nv for i in range(k)],
                        tgt=[(b * i) % nv for i in range(k)])
        elif op == "set" and ne and nv:
            g.set_subpart(a % ne, "src" if b % 2 else "tgt", b % nv)
        elif op == "clear" and ne:
            g.clear_subpart(a % ne, "src" if b % 2 else "tgt")
        elif op == "rem_v" and nv:
            before = g.copy()
            renumber = g.rem_part("V", a % nv)
            assert g.nparts("V") == nv - 1
            assert sorted(renumber[renumber >= 0].tolist()) == list(range(nv - 1))
            # edges keep their endpoints up to renumbering (or lose a removed one)
            old_src = before.subpart("src")
            expect = [renumber[s] if s >= 0 else -1 for s in old_src.tolist()]
            assert g.subpart("src").tolist() == expect
        elif op == "rem_e" and ne:
            g.rem_part("E", a % ne)
        elif op == "rem_vs" and nv:
            g.rem_parts("V", {a % nv, b % nv})
        elif op == "cascade" and nv:
            g.cascading_rem_parts("V", [a % nv])
            assert (g.subpart("src") >= -1).all()
        assert_index_matches_scan(g)
    g.validate()


@given(acsets(schemas(), variables=True))
def test_json_round_trip_is_exact(X):
    text = write_json_acset(X)
    Y = read_json_acset(X.schema, text)
    assert Y == X
    assert write_json_acset(Y) == text


@given(schemas())
def test_schema_json_round_trip(S):
    assert Schema.from_json(S.to_json(), name=S.name) == S
    assert eval(repr(S)) == S


@given(acsets(schemas(), variables=True))
def test_identity_is_natural_and_unital(X):
    i = identity(X)
    assert i.is_iso()
    assert i.is_monic()
    assert i.is_epic()
    assert (i >> i) == i


@given(composable_triples(acsets(schemas(), max_parts=3)))
def test_composition_is_associative(fgh):
    f, g, h = fgh
    assert ((f >> g) >> h) == (f >> (g >> h))


@given(composable_pairs(acsets(schemas(), max_parts=3, variables=True)))
def test_composition_is_unital_and_natural(fg):
    f, g = fg
    assert (identity(f.dom) >> f) == f == (f >> identity(f.codom))
    fg_ = f >> g
    # the composite is checked natural on construction; components compose pointwise
    for ob in f.dom.schema.obs:
        assert fg_[ob].tolist() == [g(ob, f(ob, i)) for i in f.dom.parts(ob)]


@given(graphs(max_vertices=4, max_edges=5), st.data())
def test_monic_epic_match_components(G, data):
    f = data.draw(transformations(G))
    injective = all(len(set(f[o].tolist())) == G.nparts(o) for o in ("V", "E"))
    surjective = all(set(f[o].tolist()) == set(f.codom.parts(o)) for o in ("V", "E"))
    assert f.is_monic() == injective
    assert f.is_epic() == surjective
    if f.is_iso():
        assert (f >> f.inverse()) == identity(G)


@given(acsets(schemas()))
def test_copy_is_equal_and_independent(X):
    Y = X.copy()
    assert Y == X
    for t in X.schema.attrtypes:  # a new variable changes Y only
        Y.add_part(t)
        assert Y != X
        assert X.nparts(t) + 1 == Y.nparts(t)
    sinks = [ob for ob in X.schema.obs if not X.schema.homs_out(ob)]
    for ob in sinks:
        Z = X.copy()
        Z.add_part(ob)
        assert Z != X
        assert Z.nparts(ob) == X.nparts(ob) + 1


def test_transformation_rejects_other_schema():
    with pytest.raises(SchemaError, match="schemas differ"):
        ACSetTransformation(ACSet(SchGraph), ACSet(SchReflexiveGraph))
