"""GradNorm (Chen, Badrinarayanan, Lee and Rabinovich, ICML 2018).

>>> GradNorm(alpha=1.5)
GradNorm(alpha=1.5, shared=None)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn_torch.errors import BAD_WEIGHTING_ARGS, WeightingError
from catlearn_torch.weighting.base import Weighting, active_equations, resolve_shared

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["GradNorm"]


class GradNorm(Weighting):
    """GradNorm (Chen et al. 2018) at the diagram's shared model (see
    :mod:`catlearn_torch.weighting`): learnable ``a_i`` balanced so that each equation's
    gradient norm at the shared parameters tracks its relative training rate to the power
    ``alpha``. With gradient accumulation the weights' gradient is that of the window's
    last batch (it is set, not accumulated, in :meth:`before_backward`).

    >>> GradNorm(alpha=1.5)
    GradNorm(alpha=1.5, shared=None)
    """

    name = "gradnorm"
    task_weights: nn.Parameter
    initial: Tensor
    has_initial: Tensor

    def __init__(self, alpha: float = 1.5, shared: Sequence[str] | str | None = None) -> None:
        super().__init__()
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) \
                or not math.isfinite(alpha) or alpha < 0:
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"alpha must be a finite number >= 0, not {alpha!r}"))
        self.alpha = float(alpha)
        self.shared = (shared,) if isinstance(shared, str) else \
            (tuple(shared) if shared is not None else None)
        self.reset(0)

    def params(self) -> dict[str, Any]:
        """``{"alpha": α, "shared": edges or None}``.

        >>> GradNorm(alpha=1.0, shared="m").params()
        {'alpha': 1.0, 'shared': ('m',)}
        """
        return {"alpha": self.alpha, "shared": self.shared}

    def reset(self, k: int) -> None:
        """``a_i = 1``, no initial losses yet, for ``k`` equations.

        >>> g = GradNorm(); g.reset(2); g.task_weights.tolist()
        [1.0, 1.0]
        """
        dev = self.task_weights.device if hasattr(self, "task_weights") else None
        self.task_weights = nn.Parameter(torch.ones(k, device=dev))
        self.register_buffer("initial", torch.zeros(k, device=dev))
        self.register_buffer("has_initial", torch.zeros(k, dtype=torch.bool, device=dev))

    def shared_edges(self, compiled: CompiledDiagram) -> tuple[str, ...]:
        """The edges whose parameters are ``W``: ``shared=`` or found by
        :func:`~catlearn_torch.weighting.base.shared_edges`.

        >>> GradNorm(shared="m").shared
        ('m',)
        """
        return resolve_shared(compiled, self.shared, "GradNorm")

    def combine(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> Tensor:
        """``Σ_i a_i w_i L_i`` (the ``a_i`` detached: the models' gradient does not
        move them; :meth:`before_backward` gives them theirs).

        >>> class C: weights = {"a": 1.0, "b": 2.0}
        >>> g = GradNorm(); g.reset(2); g.task_weights.data = torch.tensor([0.5, 1.5])
        >>> g.combine({"a": torch.tensor(2.0), "b": torch.tensor(1.0)}, C()).item()
        4.0
        """
        a = self.task_weights.detach()
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            part = a[i] * (t * compiled.weights[name])
            total = part if total is None else total + part
        return total if total is not None else torch.zeros(
            (), device=self.task_weights.device)

    def multipliers(self) -> Tensor:
        """The current ``a_i``.

        >>> g = GradNorm(); g.reset(2); g.multipliers().tolist()
        [1.0, 1.0]
        """
        return self.task_weights.detach().cpu()

    def _active(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram,
                shared: Sequence[str]) -> list[int]:
        return active_equations(terms, compiled, shared)

    def before_backward(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram
                        ) -> None:
        """Set the gradient of the ``a_i``: ``sign(G_i - Ḡ r_i^α) ‖∇_W w_i L_i‖``.

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example("gradnorm")
        >>> _, terms = L(batch); L.weighting.before_backward(terms, L)
        >>> bool(L.weighting.task_weights.grad.abs().sum() > 0), L.weighting.has_initial.tolist()
        (True, [True, True])
        """
        shared = self.shared_edges(compiled)
        params = [p for e in shared for p in compiled.models[e].parameters()
                  if p.requires_grad]
        names = list(terms)
        active = self._active(terms, compiled, shared)
        grad = torch.zeros_like(self.task_weights)
        if len(active) >= 1 and params:
            norms = []
            for i in active:
                t = terms[names[i]] * compiled.weights[names[i]]
                gs = torch.autograd.grad(t, params, retain_graph=True, allow_unused=True)
                sq = sum((g.detach().float() ** 2).sum() for g in gs if g is not None)
                norms.append(torch.sqrt(torch.as_tensor(sq, dtype=torch.float32)))
            g = torch.stack(norms).to(self.task_weights.device)
            idx = torch.tensor(active, device=self.task_weights.device)
            losses = torch.stack([terms[names[i]].detach().float() for i in active]
                                 ).to(self.task_weights.device)
            fresh = ~self.has_initial[idx]
            if bool(fresh.any()):
                self.initial[idx[fresh]] = losses[fresh]
                self.has_initial[idx[fresh]] = True
            a = self.task_weights.detach()[idx]
            G = a * g
            rate = losses / self.initial[idx].clamp(min=1e-12)
            r = rate / rate.mean().clamp(min=1e-12)
            target = G.mean() * r ** self.alpha
            grad[idx] = torch.sign(G - target) * g
        if self.task_weights.grad is None:
            self.task_weights.grad = grad
        else:
            self.task_weights.grad.copy_(grad)

    def after_step(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> None:
        """Renormalise: ``a_i > 0`` and ``Σ a_i = K`` over the equations GradNorm weighs.

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example("gradnorm"); _, terms = L(batch)
        >>> L.weighting.task_weights.data = torch.tensor([3.0, 1.0])
        >>> L.weighting.after_step(terms, L); L.weighting.task_weights.tolist()
        [1.5, 0.5]
        """
        active = self._active(terms, compiled, self.shared_edges(compiled))
        if not active:
            return
        with torch.no_grad():
            idx = torch.tensor(active, device=self.task_weights.device)
            a = self.task_weights[idx].clamp(min=1e-6)
            self.task_weights[idx] = a * (len(active) / a.sum())
