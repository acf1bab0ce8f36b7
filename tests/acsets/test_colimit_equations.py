"""Exact colimits: path equations (congruence closure), variables sent to None, NaN.

Property tests compare every colimit over a schema with equations and partly unset homs
with the plain-Python reference in ``tests/acsets/reference.py`` (200 examples per
schema in CI), and re-check every leg by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.colimits import coequalizer, colimit, coproduct, pushout
from catlearn.acsets.congruence import close_congruence, components
from catlearn.acsets.diagram import FinDiagram, check_commutes
from catlearn.acsets.morphism import ACSetTransformation, identity
from catlearn.acsets.schema import SchLabeledGraph, SchReflexiveGraph, SchSymmetricGraph
from catlearn.errors import ColimitError
from tests.acsets.reference import (
    EQUATIONAL,
    SchCommTriangle,
    assert_matches_reference,
    check_cocone,
    check_natural,
    equational_diagrams,
)

PROPS = settings(deadline=None)


# ====================================================================== properties
def _check(D: FinDiagram) -> None:
    C = colimit(D)
    legs = {n: C.leg(n) for n in D.names}
    check_cocone(D, legs)
    check_commutes(D, legs, ColimitError, cocone=True)
    assert_matches_reference(D, C.apex, legs)
    # the colimit's own legs are a cocone, and the mediating map to them is the identity
    assert C.universal(legs) == identity(C.apex)


@PROPS
@given(equational_diagrams(SchReflexiveGraph))
def test_reflexive_graph_colimits_match_reference(D):
    _check(D)


@PROPS
@given(equational_diagrams(SchSymmetricGraph))
def test_symmetric_graph_colimits_match_reference(D):
    _check(D)


@PROPS
@given(equational_diagrams(SchCommTriangle))
def test_commutative_triangle_colimits_match_reference(D):
    _check(D)


@PROPS
@given(st.sampled_from(EQUATIONAL), st.data())
def test_close_congruence_is_idempotent_and_contains_its_input(schema, data):
    D = data.draw(equational_diagrams(schema))
    C = colimit(D)
    # feeding the apex's own (closed) classes back changes nothing
    roots = {c: np.arange(C.apex.nparts(c)) for c in schema.obs}
    cols = {f: C.apex.subpart(f) for f in schema.hom_names()}
    again = close_congruence(schema, roots, cols)
    assert all(again[c].tolist() == roots[c].tolist() for c in schema.obs)


# ====================================================================== the reproductions
def _glue_two_edges(X: ACSet) -> ACSet:
    A = ACSet(X.schema)
    A.add_parts("E", 1)
    q = coequalizer(ACSetTransformation(A, X, E=[0]), ACSetTransformation(A, X, E=[1]))
    check_natural(q.legs[0])
    q.apex.validate()
    return q.apex


def test_reflexive_graph_coequalizer_identifies_the_vertices():
    X = ACSet(SchReflexiveGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2)
    X.set_subpart(0, "refl", 0)
    X.set_subpart(1, "tgt", 1)
    Q = _glue_two_edges(X)
    # refl(v0) is the glued edge, whose tgt is v1; tgt ⋅ refl = id forces v0 = v1
    assert Q.nparts("V") == 1
    assert Q.nparts("E") == 1
    assert Q.subpart("refl").tolist() == [0]
    assert Q.subpart("tgt").tolist() == [0]
    assert Q.subpart("src").tolist() == [-1]  # no part provides src: it stays unset


def test_symmetric_graph_coequalizer_identifies_the_vertices():
    X = ACSet(SchSymmetricGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2)
    X.set_subpart(0, "inv", 0)  # a self-inverse edge with no ends yet
    X.set_subpart(1, "src", 0)
    X.set_subpart(1, "tgt", 1)
    Q = _glue_two_edges(X)
    # a self-inverse edge has src = src(inv) = tgt
    assert Q.nparts("V") == 1
    assert Q.subpart("inv").tolist() == [0]


def test_commutative_triangle_coequalizer_identifies_the_ends():
    X = ACSet(SchCommTriangle)
    X.add_parts("B", 1)
    X.add_parts("C", 2)
    X.add_parts("A", 2)
    X.set_subpart(0, "f", 0)
    X.set_subpart(0, "g", 0)
    X.set_subpart(1, "h", 1)
    A = ACSet(SchCommTriangle)
    A.add_parts("A", 1)
    q = coequalizer(ACSetTransformation(A, X, A=[0]), ACSetTransformation(A, X, A=[1]))
    assert q.apex.nparts("C") == 1
    assert q.apex.subpart("h").tolist() == [0]
    check_natural(q.legs[0])


def test_a_value_no_part_provides_stays_unset():
    # f(a) = b, h(a) = c, g(b) unset: the equation f ⋅ g = h does not force g(b) = c
    X = ACSet(SchCommTriangle)
    for c in ("A", "B", "C"):
        X.add_parts(c, 1)
    X.set_subpart(0, "f", 0)
    X.set_subpart(0, "h", 0)
    S = coproduct(X, X)
    assert S.apex.subpart("g").tolist() == [-1, -1]
    # setting g(b) = c would be no colimit: the codiagonal into X (g unset) must exist
    u = S.universal([identity(X), identity(X)])
    assert u["B"].tolist() == [0, 0]
    Q = pushout(identity(X), identity(X))
    assert Q.apex.subpart("g").tolist() == [-1]


def test_equations_merge_repeatedly_to_a_fixpoint():
    # a chain: gluing e0 ~ e1 forces v0 ~ v1, which glues refl edges, which forces more
    X = ACSet(SchReflexiveGraph)
    n = 5
    X.add_parts("V", n)
    X.add_parts("E", n)
    for k in range(n):
        X.set_subpart(k, "refl", k)
    for k in range(n - 1):
        X.set_subpart(k + 1, "tgt", k + 1)
    A = ACSet(SchReflexiveGraph)
    A.add_parts("E", n - 1)
    f = ACSetTransformation(A, X, E=list(range(n - 1)))
    g = ACSetTransformation(A, X, E=list(range(1, n)))
    q = coequalizer(f, g)
    assert q.apex.nparts("V") == 1
    assert q.apex.nparts("E") == 1
    check_natural(q.legs[0])


# ====================================================================== None and NaN
def test_variable_sent_to_none_stays_unset():
    X = ACSet(SchLabeledGraph)
    X.add_parts("Label", 1)
    X.add_parts("V", 2, label=[AttrVar(0), None])
    m = ACSetTransformation(X, X, V=[1, 1], Label=[None])
    Y = ACSet(SchLabeledGraph)
    Y.add_part("V", label="z")
    D = FinDiagram({"X": X, "Y": Y}, {"m": ("X", "X", m)})
    C = colimit(D)
    legs = {"X": C.leg("X"), "Y": C.leg("Y")}
    check_commutes(D, legs, ColimitError, cocone=True)
    check_cocone(D, legs)
    assert C.apex.subpart("label").tolist() == [None, "z"]
    assert C.leg("X").var_components["Label"] == (None,)
    assert C.apex.nparts("Label") == 0


def test_variable_sent_to_none_clashes_with_a_value():
    # B's variable is sent to None by an endomorphism, and glued to a part labelled "z"
    B = ACSet(SchLabeledGraph)
    B.add_parts("Label", 1)
    B.add_parts("V", 2, label=[AttrVar(0), None])
    m = ACSetTransformation(B, B, V=[1, 1], Label=[None])
    A = ACSet(SchLabeledGraph)
    A.add_parts("V", 1)
    Z = ACSet(SchLabeledGraph)
    Z.add_part("V", label="z")
    D = FinDiagram({"A": A, "B": B, "Z": Z},
                   {"m": ("B", "B", m), "f": ("A", "B", ACSetTransformation(A, B, V=[0])),
                    "g": ("A", "Z", ACSetTransformation(A, Z, V=[0]))})
    with pytest.raises(ColimitError, match="None .*'z'|'z' .*None") as err:
        colimit(D)
    assert "sent to None" in str(err.value)


def test_nan_labels_glue_and_coproducts_work():
    L = ACSet(SchLabeledGraph)
    L.add_part("V", label=float("nan"))
    S = coproduct(L, L)
    assert S.apex.nparts("V") == 2
    for leg in S.legs:
        check_natural(leg)
    A = ACSet(SchLabeledGraph)
    A.add_parts("V", 1)  # unlabelled: maps into L without comparing NaN
    f = ACSetTransformation(A, L, V=[0])
    P = pushout(f, f)  # glues two parts labelled NaN: no clash (NaN isequal NaN)
    assert P.apex.nparts("V") == 1
    assert np.isnan(P.apex.subpart(0, "label"))
    check_cocone(P.diagram, {n: P.leg(n) for n in P.diagram.names})


def test_components_with_a_previous_forest():
    parent = components(4, np.array([0]), np.array([1]))
    assert components(4, np.array([2]), np.array([3]), parent).tolist() == [0, 0, 2, 2]
    assert components(0, np.zeros(0, np.int64), np.zeros(0, np.int64)).tolist() == []


def test_components_rejects_bad_pairs():
    with pytest.raises(ColimitError, match="5 is not an element"):
        components(3, np.array([0]), np.array([5]))
    with pytest.raises(ColimitError, match="-1 is not an element"):
        components(3, np.array([-1]), np.array([0]))
    with pytest.raises(ColimitError, match="1 left ends but 2 right ends"):
        components(3, np.array([0]), np.array([1, 2]))
    with pytest.raises(ColimitError, match="1-d integer"):
        components(3, np.array([0.5]), np.array([1]))
