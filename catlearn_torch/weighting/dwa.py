"""Dynamic weight average (Liu, Johns and Davison, CVPR 2019).

>>> DWA(temperature=2.0)
DWA(temperature=2.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

from catlearn_torch.errors import BAD_WEIGHTING_ARGS, WeightingError
from catlearn_torch.weighting.base import Weighting, defined_flag

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["DWA"]


class DWA(Weighting):
    """``λ_i = K softmax(r / T)_i`` from the ratios ``r_i`` of the last two epoch means
    of each term (see :mod:`catlearn_torch.weighting`); ``λ = 1`` in the first two
    epochs, as in the paper and LibMTL. ``combine`` reads ``λ`` as a tensor (no host
    sync, no graph break under ``torch.compile``).

    >>> class C: weights = {"a": 1.0, "b": 0.5}
    >>> d = DWA(); d.reset(2); _ = d.lambdas.copy_(torch.tensor([0.5, 1.5]))
    >>> d.combine({"a": torch.tensor(2.0), "b": torch.tensor(4.0)}, C()).item()  # 1 + 3
    4.0
    """

    name = "dwa"
    lambdas: Tensor
    sums: Tensor
    counts: Tensor
    means: Tensor
    epochs_seen: Tensor

    def __init__(self, temperature: float = 2.0) -> None:
        super().__init__()
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
                or not temperature > 0 or temperature == float("inf"):
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"temperature must be a finite number > 0, not "
                                    f"{temperature!r}"))
        self.temperature = float(temperature)
        self.reset(0)

    def params(self) -> dict[str, Any]:
        """``{"temperature": T}``.

        >>> DWA(3).params()
        {'temperature': 3.0}
        """
        return {"temperature": self.temperature}

    def reset(self, k: int) -> None:
        """``λ = 1``, no epoch means yet, for ``k`` equations.

        >>> d = DWA(); d.reset(2); d.lambdas.tolist(), int(d.epochs_seen)
        ([1.0, 1.0], 0)
        """
        self.register_buffer("lambdas", torch.ones(k, dtype=torch.float64))
        self.register_buffer("sums", torch.zeros(k, dtype=torch.float64))
        self.register_buffer("counts", torch.zeros(k, dtype=torch.float64))
        self.register_buffer("means", torch.zeros(2, k, dtype=torch.float64))
        self.register_buffer("epochs_seen", torch.zeros((), dtype=torch.long))

    def combine(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> Tensor:
        """``Σ_i λ_i w_i L_i`` (see the class docstring for an example).

        >>> class C: weights = {"a": 2.0}
        >>> d = DWA(); d.reset(1); d.combine({"a": torch.tensor(3.0)}, C()).item()
        6.0
        """
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            wt = t * (self.lambdas[i] * compiled.weights[name]).to(t.dtype)
            total = wt if total is None else total + wt
        return total if total is not None else torch.zeros((), device=self.lambdas.device)

    def multipliers(self) -> Tensor:
        """The current ``λ_i``.

        >>> d = DWA(); d.reset(1); d.multipliers().tolist()
        [1.0]
        """
        return self.lambdas.detach().cpu()

    def after_step(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> None:
        """Add the batch's terms to the epoch sums (equations with a defined example).

        >>> class C: weights = {"a": 1.0, "b": 1.0}; last_defined = {"a": 3, "b": 0}
        >>> d = DWA(); d.reset(2)
        >>> d.after_step({"a": torch.tensor(2.0), "b": torch.tensor(0.0)}, C())
        >>> d.sums.tolist(), d.counts.tolist()
        ([2.0, 0.0], [1.0, 0.0])
        """
        for i, (name, t) in enumerate(terms.items()):
            flag = defined_flag(compiled, name)
            if isinstance(flag, Tensor):
                f = flag.to(self.sums.device, self.sums.dtype)
                self.sums[i] += t.detach().to(self.sums.device, self.sums.dtype) * f
                self.counts[i] += f
            elif flag:
                self.sums[i] += t.detach().to(self.sums.device, self.sums.dtype)
                self.counts[i] += 1

    def on_epoch_end(self, epoch: int, compiled: CompiledDiagram) -> None:
        """Close the epoch: record its means (averaged over processes under
        ``torch.distributed``) and compute the next epoch's ``λ``.

        >>> class C: device = torch.device("cpu")
        >>> d = DWA(); d.reset(1); d.sums += 6.0; d.counts += 3.0
        >>> d.on_epoch_end(0, C()); d.means[1].tolist(), d.sums.tolist()
        ([2.0], [0.0])
        """
        sums, counts = self.sums.clone(), self.counts.clone()
        dist = torch.distributed
        if dist.is_available() and dist.is_initialized():
            both = torch.stack([sums, counts]).to(compiled.device)
            dist.all_reduce(both)
            sums, counts = both[0].to(sums.device), both[1].to(sums.device)
        mean = sums / counts.clamp(min=1)
        self.record_epoch(mean)
        self.sums.zero_()
        self.counts.zero_()

    def record_epoch(self, means: Tensor | Sequence[float]) -> None:
        """Record one epoch's mean terms and update ``λ`` (from the third epoch on).

        >>> d = DWA(); d.reset(2); d.record_epoch([1.0, 2.0]); d.record_epoch([0.5, 2.0])
        >>> [round(x, 4) for x in d.lambdas.tolist()]
        [0.8756, 1.1244]
        """
        m = torch.as_tensor(means, dtype=torch.float64, device=self.means.device)
        self.means[0] = self.means[1].clone()
        self.means[1] = m
        self.epochs_seen += 1
        k = m.numel()
        if int(self.epochs_seen) >= 2 and k:
            prev = self.means[0]
            ratio = torch.where(prev > 0, self.means[1] / prev.clamp(min=1e-300),
                                torch.ones_like(prev))
            self.lambdas.copy_(k * torch.softmax(ratio / self.temperature, dim=0))
