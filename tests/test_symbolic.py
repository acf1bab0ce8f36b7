"""The sympy realisation: functoriality (exact), losses, and the one-equation lemma."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Matrix, Rational

from catlearn.categories import CategoryError, Graph, Path, check_functor_laws, paths_from
from catlearn.symbolic import SymbolicError, SymbolicRealisation
from tests.categories.strategies import graphs, paths_in

small = st.integers(-2, 2).map(Rational)
rationals = st.fractions(min_value=-3, max_value=3, max_denominator=4).map(
    lambda f: Rational(f.numerator, f.denominator))


@st.composite
def realisations(draw: st.DrawFn, max_vertices: int = 3, max_edges: int = 4):
    """A random graph realised in dimensions 1–2 with random learnable / fixed / data
    edges (fixed and data maps: small rational affine or quadratic expressions)."""
    G = draw(graphs(max_vertices, max_edges))
    R = SymbolicRealisation(G, {v: draw(st.integers(1, 2)) for v in G.vertices})
    for e in G.edges:
        role = draw(st.sampled_from(["learnable", "fixed", "data"]))
        if role == "learnable":
            R.learnable(e.name, bias=draw(st.booleans()))
            continue
        x = R.symbols(e.src)
        A = Matrix(R.dim(e.tgt), R.dim(e.src), lambda i, j: draw(small))
        out = A * x + Matrix([draw(small) for _ in range(R.dim(e.tgt))])
        if draw(st.booleans()):
            out[0] += x[0] ** 2
        if role == "fixed":
            args = sympy.symbols(f"a0:{R.dim(e.src)}")
            R.fixed(e.name, sympy.Lambda(args, out.xreplace(dict(zip(x, args, strict=True)))))
        else:
            R.data(e.name, out)
    return G, R


def same(a: Matrix, b: Matrix) -> bool:
    return a.shape == b.shape and all(sympy.expand(t) == 0 for t in a - b)


@settings(max_examples=200, deadline=None)
@given(realisations(), st.data())
def test_realisation_of_composite_is_composite_of_realisations(gr, data):
    G, R = gr
    p = data.draw(paths_in(G, 2))
    q = data.draw(paths_in(G, 2, src=p.tgt))
    # R(p ⋅ q)(x) = R(q)(R(p)(x)), exactly, on symbols and on a concrete batch of 2 points
    assert same(R.evaluate(p >> q), R.evaluate(q, R.evaluate(p)))
    batch = Matrix(R.dim(p.src), 2, lambda i, j: data.draw(rationals))
    assert same(R.evaluate(p >> q, batch), R.evaluate(q, R.evaluate(p, batch)))
    assert same(R.evaluate(Path.id(p.src), batch), batch)
    assert R.map(p >> q).equals(R.map(p) >> R.map(q))


@settings(max_examples=200, deadline=None)
@given(realisations(max_edges=3), st.data())
def test_symbolic_realisation_is_a_functor(gr, data):
    G, R = gr
    samples = [*(Path.edge(e) for e in G.edges), *G.vertices,
               *data.draw(st.lists(paths_in(G, 2), max_size=2))]
    assert check_functor_laws(R.functor(), samples) >= len(G.vertices)


@st.composite
def one_equation(draw: st.DrawFn):
    """A source N, two parallel paths N → X through learnable maps, and a fixed linear
    map g: X → Y given by a rational matrix."""
    dx, dy = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    G = Graph(("N", "X", "Y"), (("x", "N", "X"), ("f", "X", "X"), ("h", "N", "X"),
                                ("g", "X", "Y"), ("d", "N", "N")))
    R = SymbolicRealisation(G, {"N": 1, "X": dx, "Y": dy})
    n = R.symbols("N")[0]
    R.data("x", Matrix([n * draw(small) + draw(small) for _ in range(dx)]))
    R.learnable("f").learnable("h")
    R.data("d", Matrix([draw(small) * n + draw(small)]))
    A = Matrix(dy, dx, lambda i, j: draw(small))
    R.fixed("g", A * R.symbols("X"))
    return R, A


@settings(max_examples=200, deadline=None)
@given(one_equation(), st.lists(rationals, min_size=8, max_size=8))
def test_one_equation_lemma_post_composition_with_lipschitz_map(setup, values):
    """d_Y(g a, g b) ≤ K · d_X(a, b) with K = ‖A‖_F² ≥ ‖A‖₂², for the squared distance;
    so the loss of (p ⋅ g, q ⋅ g) is at most K times the loss of (p, q), exactly."""
    R, A = setup
    K = sum(t**2 for t in A)
    p, q = R.path("N ⋅ x ⋅ f"), R.path("N ⋅ h")
    batch = Matrix([[values[0], values[1]]])
    inner = R.loss_expr([(p, q)], batch)
    outer = R.loss_expr([(p >> R.path("X ⋅ g"), q >> R.path("X ⋅ g"))], batch)
    theta = dict(zip(R.parameter_symbols, values[2:] * 2, strict=False))
    lhs, rhs = outer.xreplace(theta), inner.xreplace(theta)
    assert lhs.is_Rational
    assert rhs.is_Rational
    assert lhs <= K * rhs
    # as Cost objects: the identity reparametrisation is a morphism with constant K
    L_outer = R.cost_object([(p >> R.path("X ⋅ g"), q >> R.path("X ⋅ g"))], batch)
    L_inner = R.cost_object([(p, q)], batch)
    point = {str(s): v for s, v in theta.items()}
    assert L_outer(point) == lhs
    assert L_inner(point) == rhs


@settings(max_examples=200, deadline=None)
@given(one_equation(), st.lists(rationals, min_size=3, max_size=3))
def test_one_equation_lemma_pre_composition_pushes_the_batch_forward(setup, values):
    """The loss of (d ⋅ p, d ⋅ q) at batch B is the loss of (p, q) at batch R(d)(B)."""
    R, _ = setup
    p, q = R.path("N ⋅ x ⋅ f"), R.path("N ⋅ h")
    d = R.path("N ⋅ d")
    B = Matrix([values])
    pre = R.loss_expr([(d >> p, d >> q)], B)
    pushed = R.loss_expr([(p, q)], R.evaluate(d, B))
    assert sympy.expand(pre - pushed) == 0


def test_loss_expr_latex_and_parameters():
    G = Graph(("N", "X", "Y"), (("x", "N", "X"), ("f", "X", "Y"), ("y", "N", "Y")))
    R = SymbolicRealisation(G, {"N": 1, "X": 1, "Y": 1})
    n = R.symbols("N")[0]
    R.data("x", [n]).learnable("f").data("y", [2 * n + 1])
    assert R.parameters == {"f": (sympy.Symbol("W_{f,0,0}", real=True),
                                  sympy.Symbol("b_{f,0}", real=True))}
    loss = R.loss_expr([("N ⋅ x ⋅ f", "N ⋅ y", Rational(1, 2))])
    W, b = R.parameter_symbols
    assert sympy.expand(loss - Rational(1, 2) * (W * n + b - 2 * n - 1) ** 2) == 0
    assert "W_{f,0,0}" in R.latex([("N ⋅ x ⋅ f", "N ⋅ y")])
    # zero loss exactly at the true parameters, on any batch
    L = R.cost_object([("N ⋅ x ⋅ f", "N ⋅ y")], Matrix([[1, 2, 3]]))
    assert L({"W_{f,0,0}": 2, "b_{f,0}": 1}) == 0
    assert L({"W_{f,0,0}": 2, "b_{f,0}": 0}) == 3
    # enumerated paths feed loss_expr directly
    to_y = [p for p in paths_from(G, "N") if p.tgt == "Y"]
    assert len(to_y) == 2
    assert R.loss_expr([tuple(to_y)]) != 0


def test_symbolic_errors_name_the_fault():
    G = Graph(("X", "Y"), (("f", "X", "Y"), ("g", "Y", "X")))
    R = SymbolicRealisation(G, {"X": 2, "Y": 1})
    with pytest.raises(SymbolicError, match="edge 'f' is not realised"):
        R.evaluate("X ⋅ f")
    with pytest.raises(SymbolicError, match="has 2 outputs, but its target 'Y' has dimension 1"):
        R.fixed("f", R.symbols("X"))
    with pytest.raises(SymbolicError, match="uses symbols \\['z'\\]"):
        R.fixed("f", [sympy.Symbol("z")])
    a = sympy.Symbol("a")
    with pytest.raises(SymbolicError, match="takes 1 arguments, but its source 'X' has dim"):
        R.fixed("f", sympy.Lambda((a,), a))
    R.learnable("f").learnable("g")
    with pytest.raises(SymbolicError, match="not between parallel paths"):
        R.loss_expr([("X ⋅ f", "X ⋅ f ⋅ g")])
    with pytest.raises(CategoryError, match="'Z' is not a vertex of the graph"):
        R.dim("Z")
