"""Laws of the gradient-manipulation directions, as hypothesis properties: the simplex
projection is the nearest point, MGDA's point is the min-norm point of the hull, PCGrad
removes every conflict of two gradients, IMTL-G's projections are equal, CAGrad's
direction is the minimiser found by brute force."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn_torch.weighting import IMTLG, MGDA, CAGrad, PCGrad
from catlearn_torch.weighting.simplex import min_norm_weights, project_simplex

finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False, width=64)


def vectors(k, n):
    return st.lists(st.lists(finite, min_size=n, max_size=n), min_size=k, max_size=k).map(
        lambda rows: torch.tensor(rows, dtype=torch.float64))


@given(st.lists(finite, min_size=1, max_size=6), st.integers(0, 2 ** 31 - 1))
def test_projection_is_on_the_simplex_and_nearest(v, seed):
    v = torch.tensor(v, dtype=torch.float64)
    p = project_simplex(v)
    assert bool((p >= 0).all())
    assert abs(float(p.sum()) - 1) < 1e-9
    g = torch.Generator().manual_seed(seed)
    e = -torch.log(torch.rand(64, len(v), generator=g, dtype=torch.float64).clamp(min=1e-12))
    others = e / e.sum(dim=1, keepdim=True)  # Dirichlet(1, ..., 1) points of the simplex
    assert float((v - p).norm()) <= float((v - others).norm(dim=1).min()) + 1e-9


@given(vectors(3, 4))
@settings(deadline=None)
def test_mgda_point_is_the_min_norm_point_of_the_hull(grads):
    alpha = min_norm_weights(grads @ grads.T)
    assert bool((alpha >= -1e-12).all())
    assert abs(float(alpha.sum()) - 1) < 1e-9
    d = alpha @ grads
    # optimality: no vertex improves on d (d·g_i >= |d|² for every i), up to the solver's
    # tolerance, and brute force over a grid finds nothing shorter
    sq = float(d @ d)
    assert all(float(d @ g) >= sq - 1e-4 * (1 + float(g @ g)) for g in grads)
    steps = 30
    best = min(float(((a / steps) * grads[0] + (b / steps) * grads[1]
                      + ((steps - a - b) / steps) * grads[2]).norm() ** 2)
               for a in range(steps + 1) for b in range(steps + 1 - a))
    assert sq <= best + 1e-6


@given(vectors(2, 3))
def test_mgda_two_gradients_closed_form_is_optimal(grads):
    d, _c = MGDA().direction(grads, torch.ones(2, dtype=torch.float64))
    ts = torch.linspace(0, 1, 2001, dtype=torch.float64)
    hull = ts[:, None] * grads[0] + (1 - ts[:, None]) * grads[1]
    assert float(d.norm() ** 2) <= float((hull.norm(dim=1) ** 2).min()) + 1e-9


@given(vectors(2, 3))
def test_pcgrad_two_gradients_leaves_no_conflict(grads):
    d, c = PCGrad().direction(grads, torch.ones(2, dtype=torch.float64))
    g1, g2 = grads
    if float(g1 @ g2) >= 0:
        assert torch.allclose(d, g1 + g2)
    elif float(g1 @ g1) > 1e-6 and float(g2 @ g2) > 1e-6:
        p1 = g1 - (g1 @ g2) / (g2 @ g2) * g2
        p2 = g2 - (g2 @ g1) / (g1 @ g1) * g1
        assert abs(float(p1 @ g2)) < 1e-9 * (1 + float(g2 @ g2) * float(g1 @ g1))
        assert torch.allclose(d, p1 + p2)
    assert torch.allclose(c @ grads, d)


@given(vectors(3, 5))
def test_imtlg_projections_are_equal(grads):
    norms = grads.norm(dim=1)
    if float(norms.min()) < 1e-3:
        return
    unit = grads / norms[:, None]
    # well-conditioned cases only (the system is singular for parallel gradients)
    if float(torch.linalg.svdvals(unit).min()) < 1e-2:
        return
    d, a = IMTLG().direction(grads, torch.ones(3, dtype=torch.float64))
    proj = unit @ d
    assert float(proj.max() - proj.min()) < 1e-6 * (1 + float(proj.abs().max()))
    assert abs(float(a.sum()) - 1) < 1e-9


@given(vectors(3, 3), st.floats(0.1, 1.0))
@settings(deadline=None)
def test_cagrad_dual_is_minimised_and_direction_follows(grads, c):
    w = CAGrad(c=c).dual_weights(grads @ grads.T)
    assert bool((w >= -1e-12).all())
    assert abs(float(w.sum()) - 1) < 1e-9
    gram = grads @ grads.T
    method = CAGrad(c=c, rescale=0)
    ours = float(method.objective(w, gram))
    steps = 40
    grid = [float(method.objective(torch.tensor([a / steps, b / steps, (steps - a - b) / steps],
                                                dtype=torch.float64), gram))
            for a in range(steps + 1) for b in range(steps + 1 - a)]
    assert ours <= min(grid) + 1e-7
    d, coef = method.direction(grads, torch.ones(3, dtype=torch.float64))
    g0 = grads.mean(0)
    gw = w @ grads
    sqrt_phi = c * math.sqrt(float(gram.mean()) + 1e-8) + 1e-8
    expected = g0 + sqrt_phi / (float(gw.norm()) + 1e-8) * gw
    assert torch.allclose(d, expected, atol=1e-5 * (1 + float(expected.norm())))
    assert torch.allclose(coef @ grads, d)


def test_min_norm_of_one_or_of_identical_gradients():
    assert min_norm_weights(torch.tensor([[4.0]], dtype=torch.float64)).tolist() == [1.0]
    g = torch.tensor([1.0, -2.0], dtype=torch.float64)
    grads = torch.stack([g, g])
    alpha = min_norm_weights(grads @ grads.T)
    assert bool(torch.isfinite(alpha).all())
    assert abs(float(alpha.sum()) - 1) < 1e-12
    d, _c = MGDA().direction(grads, torch.ones(2, dtype=torch.float64))
    assert torch.allclose(d, g)  # every point of the hull is g
    d, a = IMTLG().direction(grads, torch.ones(2, dtype=torch.float64))
    assert torch.allclose(d, g)  # a singular system: the least-squares solution
    assert abs(float(a.sum()) - 1) < 1e-12
