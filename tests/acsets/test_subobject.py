"""Subobjects: the bi-Heyting algebra against brute force over all subobjects, image and
epi–mono factorisation (proofs/subobjects.md)."""

from itertools import product

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import ACSet, AttrVar, SchGraph, SchLabeledGraph
from catlearn.acsets.subobject import Subobject, epi_mono, image
from catlearn.errors import ACSetError, NaturalityError
from catlearn.testing import acsets, schemas, transformations

small = acsets(schemas(max_obs=3, max_homs=3, max_attrtypes=1, max_attrs=2), max_parts=2,
               variables=True, max_vars=2)


def names(X):
    return X.schema.obs + X.schema.attrtypes


def all_subobjects(X):
    """Every subobject of X, by brute force: every subset of parts that is closed."""
    universe = [(k, i) for k in names(X) for i in range(X.nparts(k))]
    out = []
    for bits in product([False, True], repeat=len(universe)):
        parts = {k: [] for k in names(X)}
        for (k, i), b in zip(universe, bits, strict=True):
            if b:
                parts[k].append(i)
        try:
            out.append(Subobject(X, **parts))
        except ACSetError:
            continue
    return out


@st.composite
def with_subobjects(draw, k=2):
    X = draw(small)
    subs = []
    for _ in range(k):
        parts = {n: draw(st.lists(st.integers(0, X.nparts(n) - 1), max_size=3))
                 if X.nparts(n) else [] for n in names(X)}
        subs.append(Subobject.generated(X, **parts))
    return X, subs


@given(with_subobjects(3))
def test_lattice_laws(data):
    X, (A, B, C) = data
    top, bot = Subobject.top(X), Subobject.bottom(X)
    assert A & B == B & A
    assert A | B == B | A
    assert (A & B) & C == A & (B & C)
    assert (A | B) | C == A | (B | C)
    assert A & (A | B) == A
    assert A | (A & B) == A
    assert A & A == A
    assert A | A == A
    assert A & (B | C) == (A & B) | (A & C)  # subobject lattices of presheaves distribute
    assert A & top == A
    assert A | bot == A
    assert bot <= A <= top
    assert (A <= B) == (A & B == A)


@given(with_subobjects(2))
def test_heyting_implication_is_right_adjoint_to_meet(data):
    X, (A, B) = data
    imp = A.implies(B)
    for C in all_subobjects(X):
        assert ((C & A) <= B) == (C <= imp)


@given(with_subobjects(1))
def test_negation_is_the_largest_disjoint_subobject(data):
    X, (A,) = data
    neg, bot = ~A, Subobject.bottom(X)
    assert A & neg == bot
    assert neg == A.implies(bot)
    for C in all_subobjects(X):
        if C & A == bot:
            assert C <= neg


@given(with_subobjects(2))
def test_subtraction_is_left_adjoint_to_join(data):
    X, (A, B) = data
    diff = A.subtract(B)
    assert diff == A - B
    for C in all_subobjects(X):
        assert (A <= (B | C)) == (diff <= C)


@given(with_subobjects(1))
def test_non_is_the_smallest_supplement(data):
    X, (A,) = data
    top = Subobject.top(X)
    assert A | A.non() == top
    for C in all_subobjects(X):
        if A | C == top:
            assert A.non() <= C


@given(with_subobjects(1))
def test_sub_acset_and_inclusion(data):
    X, (A,) = data
    m = A.hom
    assert m.codom is X
    assert m.is_monic()
    assert m.dom is A.ob
    for k in X.schema.obs:
        assert m[k].tolist() == A.parts(k).tolist()
    assert Subobject.from_hom(m) == A
    assert Subobject.from_hom(m).hom is m


@given(small.flatmap(lambda X: transformations(X)))
def test_epi_mono_factorisation(f):
    e, m = epi_mono(f)
    assert e.is_epic()
    assert m.is_monic()
    assert (e >> m) == f
    assert image(f) == Subobject.from_hom(m)
    assert image(f) <= Subobject.top(f.codom)


def graph():
    g = ACSet(SchGraph)
    g.add_parts("V", 3)
    g.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
    return g


def test_not_closed_names_the_hom_and_part():
    with pytest.raises(ACSetError, match="part 1 of E is in it, but its tgt"):
        Subobject(graph(), V=[1], E=[1])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"W": [0]}, "'W' is not an object"),
    ({"V": [3]}, "3 is not a part of V"),
    ({"V": [-1]}, "-1 is not a part of V"),
    ({"V": [0.5]}, "integer part ids"),
])
def test_bad_parts_are_errors(kwargs, match):
    with pytest.raises(ACSetError, match=match):
        Subobject(graph(), **kwargs)


def test_operands_must_be_subobjects_of_the_same_acset():
    A = Subobject.top(graph())
    with pytest.raises(ACSetError, match="different ACSets"):
        _ = A & Subobject.top(graph())
    with pytest.raises(TypeError, match="not a Subobject"):
        _ = A | 3


def test_from_hom_refuses_a_non_monic():
    g = graph()
    with pytest.raises(NaturalityError, match="not a monomorphism"):
        Subobject.from_hom(Subobject.top(g).hom >> _collapse(g))


def _collapse(g):
    from catlearn.acsets import ACSetTransformation
    pt = ACSet(SchGraph)
    pt.add_part("V")
    pt.add_part("E", src=0, tgt=0)
    return ACSetTransformation(g, pt, V=[0, 0, 0], E=[0, 0])


def test_attribute_variables_are_part_of_the_closure():
    X = ACSet(SchLabeledGraph)
    X.add_parts("Label", 2)
    X.add_parts("V", 2, label=[AttrVar(1), "a"])
    A = Subobject.generated(X, V=[0])
    assert A.parts("Label").tolist() == [1]
    assert A.ob.subpart(0, "label") == AttrVar(0)
    assert A.ob.nparts("Label") == 1
    with pytest.raises(ACSetError, match="variable AttrVar"):
        Subobject(X, V=[0])


def test_negation_of_a_vertex_on_a_path():
    g = graph()
    A = Subobject(g, V=[1])
    assert (~A).parts("V").tolist() == [0, 2]
    assert (~A).parts("E").size == 0
    assert A.non().parts("V").tolist() == [0, 1, 2]
    assert A.non().parts("E").tolist() == [0, 1]
    assert A.implies(Subobject(g, V=[1, 2], E=[1])) == Subobject.top(g)  # A <= B
    imp = A.implies(Subobject(g, V=[2]))
    assert imp.parts("V").tolist() == [0, 2]
    assert imp.parts("E").size == 0
    assert np.array_equal(imp.ob.subpart("src"), [])
