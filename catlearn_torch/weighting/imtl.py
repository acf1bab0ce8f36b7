"""IMTL-G, impartial multi-task learning, gradient part (Liu, Li, Kuang, Xue, Chen, Yang,
Liao and Zhang, ICLR 2021).

>>> g1, g2 = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 1.0])
>>> d, c = IMTLG().direction(torch.stack([g1, g2]).double(), torch.ones(2))
>>> [round(x, 6) for x in c.tolist()], [round(x, 6) for x in d.tolist()]
([0.333333, 0.666667], [0.666667, 0.666667])
"""

from __future__ import annotations

import torch
from torch import Tensor

from catlearn_torch.weighting.manipulation import GradientManipulation

__all__ = ["IMTLG"]


class IMTLG(GradientManipulation):
    """The shared gradient ``d = Σ_i α_i g_i`` with ``Σ α_i = 1`` whose projections on
    every unit gradient ``u_i = g_i/‖g_i‖`` are equal: with ``D`` the rows ``g_1 - g_i``
    and ``U`` the rows ``u_1 - u_i`` (``i ≥ 2``), ``α_{2..K} = g_1 Uᵀ (D Uᵀ)⁻¹`` and
    ``α_1 = 1 - Σ_{i≥2} α_i``. LibMTL's ``IMTL`` is the hybrid IMTL-L + IMTL-G (it also
    learns loss scales ``s_i``, ``e^{s_i} L_i - s_i``); this is the gradient part alone,
    equal to LibMTL's when its scales are 0. A singular system (parallel gradients) is
    solved in the least-squares sense (pseudo-inverse).

    >>> IMTLG()
    IMTLG(shared=None)
    """

    name = "imtlg"

    def direction(self, grads: Tensor, losses: Tensor) -> tuple[Tensor, Tensor]:
        """``d`` and ``α`` (see the class docstring).

        >>> d, a = IMTLG().direction(torch.tensor([[1.0, 0.0], [0.0, 1.0]]).double(), None)
        >>> a.tolist()
        [0.5, 0.5]
        """
        norms = grads.norm(dim=1, keepdim=True).clamp(min=1e-300)
        unit = grads / norms
        D = grads[:1] - grads[1:]
        U = unit[:1] - unit[1:]
        rhs = grads[0] @ U.T
        alpha = rhs @ torch.linalg.pinv(D @ U.T)
        alpha = torch.cat([(1 - alpha.sum()).reshape(1), alpha])
        return alpha @ grads, alpha
