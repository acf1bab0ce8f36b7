"""Small convex problems over the probability simplex, solved in float64 with torch:
the projection onto the simplex, the min-norm point of a convex hull (MGDA) and
CAGrad's dual.

>>> project_simplex(torch.tensor([0.5, 0.5, 1.0], dtype=torch.float64)).tolist()
[0.16666666666666669, 0.16666666666666669, 0.6666666666666667]
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

__all__ = ["project_simplex", "min_norm_weights", "minimise_on_simplex"]


def project_simplex(v: Tensor) -> Tensor:
    """The Euclidean projection of ``v`` onto ``{w ≥ 0, Σ w = 1}`` (sorting algorithm of
    Held, Wolfe and Crowder; ``O(K log K)``).

    >>> project_simplex(torch.tensor([2.0, 0.0], dtype=torch.float64)).tolist()
    [1.0, 0.0]
    """
    u, _ = torch.sort(v, descending=True)
    css = torch.cumsum(u, 0) - 1
    ks = torch.arange(1, len(v) + 1, dtype=v.dtype, device=v.device)
    cond = u - css / ks > 0
    rho = int(torch.nonzero(cond).max())
    theta = css[rho] / (rho + 1)
    return (v - theta).clamp(min=0)


def minimise_on_simplex(f: Callable[[Tensor], Tensor], k: int, *, iters: int = 500,
                        tol: float = 1e-12, dtype: torch.dtype = torch.float64,
                        device: torch.device | None = None) -> Tensor:
    """Minimise a convex differentiable ``f`` over the simplex by projected gradient
    descent with Armijo backtracking, from the uniform point; ``iters`` iterations at
    most, stopping when a step changes ``f`` by less than ``tol``.

    >>> w = minimise_on_simplex(lambda w: ((w - torch.tensor([0.2, 0.8],
    ...     dtype=torch.float64)) ** 2).sum(), 2)
    >>> [round(x, 6) for x in w.tolist()]
    [0.2, 0.8]
    """
    w = torch.full((k,), 1.0 / k, dtype=dtype, device=device)
    step = 1.0
    for _ in range(iters):
        x = w.detach().requires_grad_(True)
        fx = f(x)
        (g,) = torch.autograd.grad(fx, x)
        fx = fx.detach()
        while True:
            cand = project_simplex(w - step * g)
            fc = f(cand).detach()
            if fc <= fx + (g * (cand - w)).sum() + ((cand - w) ** 2).sum() / (2 * step) \
                    or step < 1e-20:
                break
            step *= 0.5
        done = float(fx - fc) < tol
        w, step = cand, step * 2.0
        if done:
            break
    return w


def _segment(v1v1: Tensor, v1v2: Tensor, v2v2: Tensor) -> Tensor:
    """``γ ∈ [0, 1]`` minimising ``‖γ v2 + (1 - γ) v1‖²`` from the three inner products."""
    denom = v1v1 - 2 * v1v2 + v2v2
    if float(denom) <= 0:
        return torch.zeros((), dtype=v1v1.dtype, device=v1v1.device)
    return ((v1v1 - v1v2) / denom).clamp(0, 1)


def min_norm_weights(gram: Tensor, iters: int = 1000, tol: float = 1e-12) -> Tensor:
    """The weights ``α`` on the simplex minimising ``‖Σ α_i g_i‖² = αᵀ G α`` for the
    Gram matrix ``G`` (MGDA): Sener and Koltun's solver — the best pair of vectors in
    closed form (``α_1 = clamp((g_2 - g_1)·g_2 / ‖g_1 - g_2‖², 0, 1)``, Algorithm 1), then
    Frank–Wolfe steps towards the vertex of least ``(Gα)_t`` with exact line search
    (Algorithm 2), at most ``iters``, until a step moves ``α`` by less than ``tol``.
    ``O(K² · iters)``.

    >>> w = min_norm_weights(torch.tensor([[1.0, 0.0], [0.0, 4.0]], dtype=torch.float64))
    >>> [round(x, 9) for x in w.tolist()]
    [0.8, 0.2]
    """
    k = gram.shape[0]
    alpha = torch.zeros(k, dtype=gram.dtype, device=gram.device)
    if k == 1:
        return alpha + 1
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            g = _segment(gram[j, j], gram[i, j], gram[i, i])  # the weight of g_i
            value = float(g * g * gram[i, i] + 2 * g * (1 - g) * gram[i, j]
                          + (1 - g) ** 2 * gram[j, j])
            pairs.append((value, i, j, g))
    _, i, j, g = min(pairs, key=lambda p: p[0])
    alpha[i], alpha[j] = g, 1 - g
    for _ in range(iters):
        grad = gram @ alpha
        t = int(torch.argmin(grad))
        gamma = _segment(alpha @ grad, grad[t], gram[t, t])
        step = gamma * (-alpha)
        step[t] += gamma
        alpha = alpha + step
        if float(step.abs().sum()) < tol:
            break
    return alpha
