"""Finitely presented categories: equality modulo relations, functors respecting them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.categories import (
    Category,
    CategoryError,
    FinCat,
    FreeCategory,
    Functor,
    Graph,
    check_functor_laws,
)

SQUARE = Graph(("a", "b", "c", "d"),
               (("f", "a", "b"), ("g", "b", "d"), ("h", "a", "c"), ("k", "c", "d")))


def test_commuting_square():
    C = FinCat(SQUARE, [("a ⋅ f ⋅ g", "a ⋅ h ⋅ k")])
    assert C.equal(C.path("f", "g"), C.path("h", "k"))
    assert not C.equal(C.path("f"), C.path("h"))
    assert eval(repr(C)) == C
    Z = Category(lambda x: 0, lambda a, b: a + b)
    C.functor(Z, lambda v: "*", {"f": 1, "g": 2, "h": 2, "k": 1})
    with pytest.raises(CategoryError, match="the relation a ⋅ f ⋅ g = a ⋅ h ⋅ k does not hold"):
        C.functor(Z, lambda v: "*", {"f": 1, "g": 2, "h": 2, "k": 2})


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 12), st.integers(0, 12), st.integers(1, 4))
def test_cyclic_group_presentation_decides_equality(m, n, order):
    """⟨s | s^order = 1⟩: s^m = s^n iff m ≡ n mod order (Knuth–Bendix normal forms)."""
    G = Graph(("x",), (("s", "x", "x"),))
    C = FinCat(G, [(["s"] * order, "x")])
    sm = C.path(*["s"] * m) if m else C.id("x")
    sn = C.path(*["s"] * n) if n else C.id("x")
    assert C.equal(sm, sn) == (m % order == n % order)
    assert len(C.normal_form(sm)) == m % order
    # A functor to ℤ/order respects the relation; one to ℤ/(order+1) does not (order > 0).
    Zk = Category(lambda x: 0, lambda a, b: (a + b) % order, lambda a, b: (a - b) % order == 0)
    F = C.functor(Zk, {"x": "*"}, {"s": 1})
    assert F(sm) % order == m % order
    check_functor_laws(F, [sm, sn, C.id("x")])
    Zk1 = Category(lambda x: 0, lambda a, b: a + b, lambda a, b: (a - b) % (order + 1) == 0)
    with pytest.raises(CategoryError, match="does not hold in the codomain"):
        C.functor(Zk1, {"x": "*"}, {"s": 1})


def test_commuting_relations_on_two_generators():
    G = Graph(("x",), (("a", "x", "x"), ("b", "x", "x")))
    C = FinCat(G, [("x ⋅ a ⋅ b", "x ⋅ b ⋅ a")])  # the free commutative monoid on a, b
    assert C.equal(C.path("a", "b", "a", "b"), C.path("b", "b", "a", "a"))
    assert not C.equal(C.path("a", "a", "b"), C.path("a", "b", "b"))


def test_relations_must_be_parallel_and_functors_typed():
    with pytest.raises(CategoryError, match="not between parallel paths"):
        FinCat(SQUARE, [("a ⋅ f", "a ⋅ h")])
    C = FreeCategory(SQUARE)
    with pytest.raises(CategoryError, match="the image b ⋅ g of edge f: a → b goes b → d"):
        Functor(C, C, {v: v for v in SQUARE.vertices},
                {"f": "b ⋅ g", "g": "b ⋅ g", "h": "a ⋅ h", "k": "c ⋅ k"})
