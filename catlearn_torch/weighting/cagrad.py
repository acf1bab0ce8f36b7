"""CAGrad, conflict-averse gradient descent (Liu, Liu, Jin, Stone and Liu, NeurIPS 2021).

>>> CAGrad()
CAGrad(shared=None, c=0.4, rescale=1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from catlearn_torch.errors import BAD_WEIGHTING_ARGS, WeightingError
from catlearn_torch.weighting.manipulation import GradientManipulation
from catlearn_torch.weighting.simplex import minimise_on_simplex

__all__ = ["CAGrad"]


class CAGrad(GradientManipulation):
    """With ``g_0 = mean_i g_i`` and ``φ = c² ‖g_0‖²``, find
    ``w = argmin_{w ∈ Δ} g_wᵀ g_0 + √φ ‖g_w‖`` (``g_w = Σ_i w_i g_i``; the dual of the
    paper's problem, solved by projected gradient descent in float64, to about 1e-9), then
    ``d = (g_0 + (√φ / ‖g_w‖) g_w) / s`` with ``s = 1`` (``rescale=0``), ``1 + c²``
    (``rescale=1``, the paper's and LibMTL's default) or ``1 + c`` (``rescale=2``). The
    paper's default ``c = 0.4`` (LibMTL's ``calpha`` defaults to 0.5). LibMTL's solver
    (SLSQP) differs in its last digits; its objective is written for exactly three tasks.
    Implied weights: ``(1/K + w_i √φ / ‖g_w‖) / s``.

    >>> CAGrad(c=0.5, rescale=0)
    CAGrad(shared=None, c=0.5, rescale=0)
    """

    name = "cagrad"

    def __init__(self, shared: Sequence[str] | str | None = None, c: float = 0.4,
                 rescale: int = 1) -> None:
        super().__init__(shared)
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) \
                or c < 0:
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"c must be a finite number >= 0, not {c!r}"))
        if rescale not in (0, 1, 2) or isinstance(rescale, bool):
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"rescale must be 0, 1 or 2, not {rescale!r}"))
        self.c = float(c)
        self.rescale = int(rescale)

    def params(self) -> dict[str, Any]:
        """``shared``, ``c`` and ``rescale``.

        >>> CAGrad(c=0.1).params()
        {'shared': None, 'c': 0.1, 'rescale': 1}
        """
        return {"shared": self.shared, "c": self.c, "rescale": self.rescale}

    def objective(self, w: Tensor, gram: Tensor) -> Tensor:
        """The dual objective ``g_wᵀ g_0 + √φ ‖g_w‖`` at ``w`` from the Gram matrix.

        >>> CAGrad(c=0.0).objective(torch.tensor([1.0, 0.0]).double(), torch.eye(2).double())
        tensor(0.5000, dtype=torch.float64)
        """
        k = gram.shape[0]
        b = torch.full((k,), 1.0 / k, dtype=gram.dtype, device=gram.device)
        sqrt_phi = self.c * (gram.mean() + 1e-8).sqrt() + 1e-8  # as LibMTL
        return w @ gram @ b + sqrt_phi * torch.sqrt(w @ gram @ w + 1e-8)

    def dual_weights(self, gram: Tensor) -> Tensor:
        """``w``, the minimiser of :meth:`objective` on the simplex.

        >>> w = CAGrad(c=0.0).dual_weights(torch.diag(torch.tensor([1.0, 4.0])).double())
        >>> [round(x, 4) for x in w.tolist()]  # c = 0: the smallest g_i·g_0
        [1.0, 0.0]
        """
        return minimise_on_simplex(lambda w: self.objective(w, gram), gram.shape[0],
                                   device=gram.device)

    def direction(self, grads: Tensor, losses: Tensor) -> tuple[Tensor, Tensor]:
        """``d`` and the implied weights (see the class docstring).

        >>> d, w = CAGrad(c=0.0).direction(torch.tensor([[1.0, 0.0], [0.0, 3.0]]).double(),
        ...                                torch.ones(2))
        >>> [round(x, 6) for x in d.tolist()]  # c = 0: the mean gradient
        [0.5, 1.5]
        """
        k = grads.shape[0]
        gram = grads @ grads.T
        sqrt_phi = self.c * (gram.mean() + 1e-8).sqrt() + 1e-8
        b = torch.full((k,), 1.0 / k, dtype=grads.dtype, device=grads.device)
        w = self.dual_weights(gram)
        gw_norm = torch.sqrt(w @ gram @ w)
        lam = sqrt_phi / (gw_norm + 1e-8)
        s = {0: 1.0, 1: 1.0 + self.c ** 2, 2: 1.0 + self.c}[self.rescale]
        coef = (b + lam * w) / s
        return coef @ grads, coef
