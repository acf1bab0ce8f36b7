"""Homoscedastic uncertainty weighting (Kendall, Gal and Cipolla, CVPR 2018).

>>> u = Uncertainty(); u.reset(2); u.log_var.tolist()
[0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from catlearn_torch.weighting.base import Weighting, defined_flag

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["Uncertainty"]


class Uncertainty(Weighting):
    """A learnable ``log_var[i] = s_i`` per equation (initially 0, i.e. ``σ_i = 1``),
    ``L = Σ_i (exp(-s_i) w_i L_i / 2 + s_i / 2)`` — the form of LibMTL's ``UW``, which
    starts at ``s_i = 0`` too; the paper's classification form ``exp(-s_i) L_i + s_i/2``
    differs by the factor 1/2 on the term. Equations with ``w_i = 0`` or no defined
    example in the batch are left out (their ``s_i`` gets no gradient); a defined-count
    tensor selects with ``torch.where``, so ``torch.compile`` sees no data-dependent
    branch.

    >>> class C: weights = {"a": 1.0, "b": 2.0}; last_defined = None
    >>> u = Uncertainty(); u.reset(2)
    >>> u.combine({"a": torch.tensor(2.0), "b": torch.tensor(1.0)}, C()).item()
    2.0
    """

    name = "uncertainty"
    log_var: nn.Parameter

    def __init__(self) -> None:
        super().__init__()
        self.log_var = nn.Parameter(torch.zeros(0))

    def reset(self, k: int) -> None:
        """Log-variances 0 (``σ_i = 1``) for ``k`` equations.

        >>> u = Uncertainty(); u.reset(3); tuple(u.log_var.shape)
        (3,)
        """
        self.log_var = nn.Parameter(torch.zeros(k, device=self.log_var.device))

    def combine(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> Tensor:
        """``Σ_i (exp(-s_i) w_i L_i / 2 + s_i / 2)`` over equations with ``w_i > 0`` and
        a defined example.

        >>> class C: weights = {"a": 1.0}; last_defined = {"a": 0}
        >>> u = Uncertainty(); u.reset(1); _ = u.log_var.data.fill_(1.0)
        >>> u.combine({"a": torch.tensor(0.0)}, C()).item()  # undefined: no s/2 either
        0.0
        """
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            w = compiled.weights[name]
            flag = defined_flag(compiled, name)
            if w == 0.0 or flag is False:
                continue
            s = self.log_var[i]
            part = 0.5 * torch.exp(-s) * (t * w) + 0.5 * s
            if isinstance(flag, Tensor):
                part = torch.where(flag, part, torch.zeros_like(part))
            total = part if total is None else total + part
        return total if total is not None else torch.zeros((), device=self.log_var.device)

    def multipliers(self) -> Tensor:
        """``exp(-s_i) / 2`` per equation.

        >>> u = Uncertainty(); u.reset(1); u.multipliers().tolist()
        [0.5]
        """
        return (0.5 * torch.exp(-self.log_var.detach())).cpu()
