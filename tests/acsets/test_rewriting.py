"""Double-pushout rewriting: both squares are pushouts (universal property), the dangling
and identification conditions, and the issue's triangle."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import ACSet, ACSetTransformation, SchGraph, homomorphisms, pushout
from catlearn.acsets.morphism import identity
from catlearn.acsets.rewriting import (
    Rule,
    can_pushout_complement,
    pushout_complement,
    pushout_complement_violations,
    rewrite,
    rewrite_maps,
)
from catlearn.errors import RewriteError
from catlearn.testing import graphs


def G(**kw):
    return ACSet.build(SchGraph, **kw)


def hom(A, B, **comps):
    return ACSetTransformation(A, B, **comps)


EMPTY, V1, V2 = G(), G(V=1), G(V=2)
EDGE = G(V=2, E={"src": [0], "tgt": [1]})
LOOP = G(V=1, E={"src": [0], "tgt": [0]})
PATH2 = G(V=3, E={"src": [0, 2], "tgt": [2, 1]})

RULES = {
    "subdivide": Rule(hom(V2, EDGE, V=[0, 1]), hom(V2, PATH2, V=[0, 1])),
    "delete_edge": Rule(hom(V2, EDGE, V=[0, 1]), identity(V2)),
    "delete_vertex": Rule(hom(EMPTY, V1), hom(EMPTY, EMPTY)),
    "add_loop": Rule(identity(V1), hom(V1, LOOP, V=[0])),
    "merge": Rule(identity(V2), hom(V2, V1, V=[0, 0])),
}


def check_squares(rule, maps):
    # square 1: X is the pushout of L <-l- K -k-> D
    p1 = pushout(rule.l, maps.k)
    assert p1.universal([maps.match, maps.g]).is_iso()
    # square 2: the result is the pushout of D <-k- K -r-> R
    p2 = pushout(maps.k, rule.r)
    assert p2.universal([maps.h, maps.comatch]).is_iso()
    assert (rule.l >> maps.match) == (maps.k >> maps.g)
    assert (rule.r >> maps.comatch) == (maps.k >> maps.h)


@given(graphs(max_vertices=4, max_edges=5), st.sampled_from(sorted(RULES)), st.booleans())
def test_both_squares_are_pushouts(X, name, monic):
    rule = RULES[name]
    for m in homomorphisms(rule.L, X, monic=monic):
        if can_pushout_complement(rule.l, m):
            check_squares(rule, rewrite_maps(rule, X, match=m))
        else:
            assert pushout_complement_violations(rule.l, m)
            with pytest.raises(RewriteError, match="no pushout complement"):
                pushout_complement(rule.l, m)


@given(graphs(max_vertices=4, max_edges=5))
def test_monic_rules_change_counts_as_they_say(X):
    for name, dv, de in (("subdivide", 1, 1), ("delete_edge", 0, -1), ("add_loop", 0, 1)):
        rule = RULES[name]
        if next(homomorphisms(rule.L, X, monic=True), None) is None:
            continue
        Y = rewrite(rule, X)
        assert (Y.nparts("V"), Y.nparts("E")) == (X.nparts("V") + dv, X.nparts("E") + de)


def test_triangle_edge_becomes_a_two_edge_path():
    triangle = G(V=3, E={"src": [0, 1, 2], "tgt": [1, 2, 0]})
    rule = RULES["subdivide"]
    maps = rewrite_maps(rule, triangle, match=hom(EDGE, triangle, V=[0, 1], E=[0]))
    Y = maps.result
    assert (Y.nparts("V"), Y.nparts("E")) == (4, 4)
    check_squares(rule, maps)
    new = maps.comatch["V"][2]
    a, b = maps.h["V"][0], maps.h["V"][1]
    out_a = [Y.subpart(e, "tgt") for e in Y.incident(a, "src")]
    assert new in out_a
    assert b in [Y.subpart(e, "tgt") for e in Y.incident(new, "src")]
    assert a not in [Y.subpart(e, "src") for e in Y.incident(b, "tgt")]


def test_dangling_condition_names_the_edge():
    X = G(V=2, E={"src": [0], "tgt": [1]})
    m = hom(V1, X, V=[1])
    (v,) = pushout_complement_violations(RULES["delete_vertex"].l, m)
    assert v.kind == "dangling"
    assert (v.ob, v.part) == ("E", 0)
    assert "tgt" in v.detail
    with pytest.raises(RewriteError, match="dangling: part 0 of E is kept"):
        rewrite(RULES["delete_vertex"], X, match=m)


def test_identification_condition():
    # delete one of two vertices, matched non-injectively onto one vertex
    rule = Rule(hom(V1, V2, V=[0]), identity(V1))
    X = G(V=1)
    m = hom(V2, X, V=[0, 0])
    (v,) = pushout_complement_violations(rule.l, m)
    assert v.kind == "identification"
    assert v.ob == "V"
    # identifying two kept parts is allowed
    assert can_pushout_complement(identity(V2), m)


def test_no_match_and_bad_rules():
    with pytest.raises(RewriteError, match="has no match"):
        rewrite(RULES["subdivide"], G(V=3))
    with pytest.raises(RewriteError, match="monic"):
        Rule(hom(V2, V1, V=[0, 0]), identity(V2))
    with pytest.raises(RewriteError, match="share their domain"):
        Rule(identity(V1), identity(V2))
    with pytest.raises(RewriteError, match="not an ACSet"):
        rewrite(RULES["add_loop"], 3)
    with pytest.raises(RewriteError, match="expected a Rule"):
        rewrite("rule", V1)


def test_merge_rule_with_non_monic_r():
    Y = rewrite(RULES["merge"], G(V=2, E={"src": [0], "tgt": [1]}))
    assert Y.nparts("V") == 1
    assert Y.subpart(0, "src") == Y.subpart(0, "tgt") == 0
