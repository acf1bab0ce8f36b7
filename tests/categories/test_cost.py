"""The Cost category: identities, composition, associativity, constants multiply."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.categories import (
    CompositionError,
    Cost,
    CostError,
    CostObject,
    Reparametrisation,
    dominates,
    domination_constant,
)

rationals = st.fractions(min_value=-5, max_value=5, max_denominator=7)
weights = st.fractions(min_value=Fraction(1, 4), max_value=4, max_denominator=5)


def quadratic(params: tuple[str, ...], coeffs: dict[str, Fraction]):
    """L(θ) = Σ_p a_p θ_p²: a loss whose domination constants are known exactly."""
    return lambda theta: sum((coeffs[p] * Fraction(theta[p]) ** 2 for p in params), Fraction(0))


@st.composite
def cost_objects(draw: st.DrawFn, prefix: str):
    n = draw(st.integers(1, 3))
    params = tuple(f"{prefix}{i}" for i in range(n))
    coeffs = {p: draw(weights) for p in params}
    return CostObject(params, quadratic(params, coeffs), name=prefix), coeffs


@st.composite
def chains(draw: st.DrawFn):
    """Three Cost objects A, B, C, D and reparametrisations f: A → B, g: B → C, h: C → D."""
    obs = [draw(cost_objects(prefix)) for prefix in "abcd"]
    maps = []
    for (X, _), (Y, _) in itertools.pairwise(obs):
        mapping = {p: draw(st.sampled_from(Y.parameters)) for p in X.parameters}
        maps.append(Reparametrisation(X, Y, mapping))
    return obs, maps


def bound(f: Reparametrisation, dom_coeffs, cod_coeffs) -> Fraction:
    """K = max_q (Σ_{p ↦ q} a_p) / a'_q makes L ∘ φ ≤ K · L' hold everywhere."""
    return max(sum((dom_coeffs[p] for p, q2 in f.mapping.items() if q2 == q), Fraction(0))
               / cod_coeffs[q] for q in f.cod.parameters)


@settings(max_examples=200, deadline=None)
@given(chains(), st.lists(st.lists(rationals, min_size=3, max_size=3), min_size=1, max_size=4))
def test_cost_is_a_category(chain, points):
    (obs, maps) = chain
    f, g, h = maps
    (A, ca), (B, cb), (C, cc), (D, cd) = obs
    # units and associativity
    assert Cost.id(A) >> f == f == f >> Cost.id(B)
    assert (f >> g) >> h == f >> (g >> h)
    samples = [dict(zip(D.parameters, pt, strict=False)) for pt in points]
    # the composite's map is the composite of the maps, in the other order
    for theta in samples:
        assert (f >> g >> h)(theta) == f(g(h(theta)))
        assert Cost.id(D)(theta) == theta
    # constants: each morphism is dominated by its bound, and bounds multiply
    kf, kg, kh = bound(f, ca, cb), bound(g, cb, cc), bound(h, cc, cd)
    c_samples = [dict(zip(C.parameters, pt, strict=False)) for pt in points]
    b_samples = [dict(zip(B.parameters, pt, strict=False)) for pt in points]
    assert f.verify(b_samples, K=kf) == kf
    assert dominates(B, C, g, c_samples, K=kg)
    assert dominates(A, D, f >> g >> h, samples, K=kf * kg * kh)
    least = domination_constant(A, D, f >> g >> h, samples)
    assert least is not None
    assert least <= kf * kg * kh
    assert Cost.equal(Cost.compose(Cost.id(A), f), f)


def test_cost_errors_name_the_fault():
    A = CostObject(("a",), lambda t: t["a"] ** 2, name="A")
    B = CostObject(("b",), lambda t: t["b"] ** 2, name="B")
    with pytest.raises(CostError, match="mapping gives no source for the domain parameters"):
        Reparametrisation(A, B, {})
    with pytest.raises(CompositionError, match="the codomain B of the first is not the domain A"):
        Reparametrisation(A, B, {"a": "b"}) >> Reparametrisation(A, B, {"a": "b"})
    with pytest.raises(CostError, match="no constant K works: L' = 0 but L∘φ = 1"):
        Reparametrisation(A, CostObject(("b",), lambda t: 0), {"a": "b"}).verify([{"b": 1}])
    with pytest.raises(CostError, match="negative"):
        CostObject(("a",), lambda t: -1)({"a": 0})
    with pytest.raises(CostError, match="unknown parameters \\['z'\\]"):
        A({"a": 1, "z": 2})
    assert not dominates(A, B, Reparametrisation(A, B, {"a": "b"}), [{"b": 2}], K=Fraction(1, 2))
