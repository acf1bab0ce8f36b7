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


def min_norm_weights(gram: Tensor) -> Tensor:
    """The weights ``α`` on the simplex minimising ``‖Σ α_i g_i‖² = αᵀ G α`` for the
    Gram matrix ``G`` (MGDA). Two vectors: the closed form
    ``α_1 = clamp((g_2 - g_1)·g_2 / ‖g_1 - g_2‖², 0, 1)`` (Sener and Koltun, Algorithm 1);
    more: projected gradient descent (:func:`minimise_on_simplex`).

    >>> w = min_norm_weights(torch.tensor([[1.0, 0.0], [0.0, 4.0]], dtype=torch.float64))
    >>> [round(x, 9) for x in w.tolist()]
    [0.8, 0.2]
    """
    if gram.shape[0] == 2:
        a, b, c = gram[0, 0], gram[0, 1], gram[1, 1]
        denom = a - 2 * b + c
        g1 = ((c - b) / denom).clamp(0, 1) if denom > 0 else torch.tensor(
            0.5, dtype=gram.dtype, device=gram.device)
        return torch.stack([g1, 1 - g1])
    return minimise_on_simplex(lambda w: w @ gram @ w, gram.shape[0], device=gram.device)
