"""PCGrad, gradient surgery (Yu, Kumar, Gupta, Levine, Hausman and Finn, NeurIPS 2020).

>>> g1, g2 = torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])
>>> d, c = PCGrad().direction(torch.stack([g1, g2]).double(), torch.ones(2))
>>> d.tolist()  # g1 - (g1·g2/|g2|²) g2 + g2 - (g2·g1/|g1|²) g1
[0.5, 1.5]
"""

from __future__ import annotations

import torch
from torch import Tensor

from catlearn_torch.weighting.manipulation import GradientManipulation

__all__ = ["PCGrad"]


class PCGrad(GradientManipulation):
    """For each equation ``i``: ``g_i^PC = g_i``, then for each other ``j`` in a random
    order, if ``g_i^PC · g_j < 0``, ``g_i^PC -= (g_i^PC · g_j / ‖g_j‖²) g_j`` (projecting
    on the normal plane of the *original* ``g_j``, as the paper and LibMTL); the shared
    gradient is ``d = Σ_i g_i^PC``. The order is drawn with torch's generator (restored
    by checkpoints; for two equations it does not matter). Implied weights as LibMTL's
    ``batch_weight``: ``c_j = 1 - Σ_i (g_i^PC·g_j / ‖g_j‖²)`` over the projections made.

    >>> PCGrad(shared="m")
    PCGrad(shared=('m',))
    """

    name = "pcgrad"

    def direction(self, grads: Tensor, losses: Tensor) -> tuple[Tensor, Tensor]:
        """``d = Σ_i g_i^PC`` and the implied weights (see the class docstring).

        >>> d, c = PCGrad().direction(torch.eye(2).double(), torch.ones(2))
        >>> d.tolist(), c.tolist()  # orthogonal: nothing projected
        ([1.0, 1.0], [1.0, 1.0])
        """
        k = grads.shape[0]
        pc = grads.clone()
        c = torch.ones(k, dtype=grads.dtype, device=grads.device)
        sq = (grads * grads).sum(dim=1)
        for i in range(k):
            order = torch.randperm(k).tolist() if k > 2 else list(range(k))
            for j in order:
                if j == i:
                    continue
                dot = pc[i] @ grads[j]
                if dot < 0 and sq[j] > 0:
                    coef = dot / sq[j]
                    pc[i] = pc[i] - coef * grads[j]
                    c[j] = c[j] - coef
        return pc.sum(dim=0), c
