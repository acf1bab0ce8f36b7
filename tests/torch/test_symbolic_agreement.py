"""The compiled loss agrees with the exact sympy realisation (catlearn.symbolic).

Learnable edges are affine maps ``W x + b`` on both sides (``nn.Linear`` in torch), the
fixed edge a linear map, the data columns slices of the batch. The sympy comparator is
the squared Euclidean distance of one point, and its loss on a batch of ``n`` points is
the sum over the points, so it equals ``n ·`` the torch loss with the ``sqdist``
comparator (the per-example squared distance, averaged over the batch).
"""

import functools

import numpy as np
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn.symbolic import SymbolicRealisation
from catlearn_torch import Realisation, compile

DIMS = {"N": 4, "X": 2, "Y": 2, "F": 3}
LEARNABLE = {"f": ("X", "F"), "g": ("F", "Y"), "h": ("X", "Y")}
T = [[1.0, -2.0], [0.5, 3.0]]  # the fixed map t: X -> Y


def diagram(weights=None):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("f", "X", "F").model("g", "F", "Y").model("h", "X", "Y").fixed("t", "X", "Y")
    return LearningDiagram.from_graph(g, comparators={"Y": "sqdist", "F": "sqdist"},
                                      weights=weights)


@functools.cache
def symbolic():
    """The loss of one batch point and its gradient, as functions of (weights, params,
    the point's symbols), and the parameter symbols by edge."""
    D = diagram()
    R = SymbolicRealisation(D.graph.to_graph(), DIMS)
    n = R.symbols("N")
    R = R.data("x", n[:2, :]).data("y", n[2:, :])
    for e in LEARNABLE:
        R = R.learnable(e)
    R = R.fixed("t", sympy.Matrix(T).applyfunc(sympy.Rational) * R.symbols("X"))
    ws = sympy.symbols(f"w0:{len(D.equations)}", nonnegative=True)
    expr = R.loss_expr([(eq.lhs, eq.rhs, w) for eq, w in zip(D.equations, ws, strict=True)])
    params = R.parameter_symbols
    args = (*ws, *params, *n)
    loss = sympy.lambdify(args, expr, "numpy")
    grad = sympy.lambdify(args, [sympy.diff(expr, p) for p in params], "numpy")
    return D, R, ws, params, expr, loss, grad


def torch_side(seed, weights):
    D = diagram(weights)
    torch.manual_seed(seed)
    models = {e: nn.Linear(DIMS[s], DIMS[t]).double() for e, (s, t) in LEARNABLE.items()}
    fixed = nn.Linear(2, 2, bias=False).double()
    with torch.no_grad():
        fixed.weight.copy_(torch.tensor(T, dtype=torch.float64))
    models["t"] = fixed
    return D, compile(D, Realisation(D, models=models))


def param_values(L, R):
    vals = []
    for e, syms in R.parameters.items():
        m = L.model(e)
        vals += m.weight.detach().flatten().tolist() + m.bias.detach().tolist()
        assert len(syms) == m.weight.numel() + m.bias.numel()
    return vals


def test_exact_agreement_with_rational_substitution():
    D0, R, ws, params, expr, _, _ = symbolic()
    D, L = torch_side(0, {D0.equations[0].name: 2.0})
    batch = torch.randn(3, 4, dtype=torch.float64)
    total, _ = L({"x": batch[:, :2], "y": batch[:, 2:]})
    sub = {s: sympy.Rational(v) for s, v in zip(params, param_values(L, R), strict=True)}
    sub.update({w: sympy.Rational(eq.weight) for w, eq in zip(ws, D.equations, strict=True)})
    exact = sympy.Integer(0)
    for row in batch.tolist():
        point = dict(zip(R.symbols("N"), map(sympy.Rational, row), strict=True))
        exact += expr.xreplace({**sub, **point})
    assert exact.is_Rational  # exact arithmetic throughout
    assert abs(float(exact) / 3 - total.item()) <= 1e-12 * max(1.0, abs(float(exact)))
    assert len(D.equations) >= 4


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 6),
       weights=st.lists(st.floats(0, 3, allow_nan=False), min_size=10, max_size=10))
def test_loss_and_gradients_agree_with_sympy(seed, n, weights):
    D0, R, _ws, _params, _, loss, grad = symbolic()
    w = {eq.name: weights[i] for i, eq in enumerate(D0.equations)}
    D, L = torch_side(seed, w)
    gen = torch.Generator().manual_seed(seed + 1)
    batch = torch.randn(n, 4, dtype=torch.float64, generator=gen)
    total, _ = L({"x": batch[:, :2], "y": batch[:, 2:]})
    total.backward()
    theta = param_values(L, R)
    wv = [eq.weight for eq in D.equations]
    cols = [batch[:, i].numpy() for i in range(4)]
    ref = float(np.sum(loss(*wv, *theta, *cols))) / n
    assert abs(ref - total.item()) <= 1e-6 * max(1.0, abs(ref))
    g_ref = [float(np.sum(np.broadcast_to(gi, (n,)))) / n for gi in grad(*wv, *theta, *cols)]
    g_torch = []
    for e in R.parameters:
        m = L.model(e)
        g_torch += m.weight.grad.flatten().tolist() + m.bias.grad.tolist()
    assert np.allclose(g_torch, g_ref, rtol=1e-6, atol=1e-9)
    assert L.model("t").weight.grad is None
