"""Gradient manipulation at the diagram's shared model: the base of PCGrad, CAGrad, MGDA
and IMTL-G.

The loss is ``Σ_i w_i L_i`` (as the fixed weighting); what changes is the gradient of the
**shared model** ``W`` (:func:`~catlearn_torch.weighting.base.shared_edges`, or
``shared=``). :meth:`GradientManipulation.backward` computes each active equation's
gradient ``g_i = ∇_W (w_i L_i)`` (weight > 0, a defined example, a gradient side through
``W``), asks the strategy for a direction ``d = direction(G)`` (``G``: the ``g_i`` as
rows), back-propagates the total to every *other* trainable parameter (the heads get
their usual gradients, as in LibMTL) and adds ``d`` to ``W``'s gradients. With fewer than
two active equations ``d = Σ g_i`` (plain ``backward``). Under a gradient scaler or
accumulation (``scale`` ≠ 1) the ``g_i`` carry the same factor as the loss: the direction
is found from the unscaled ``g_i / scale`` and multiplied by ``scale``, so the shared model's
gradient carries the factor as every other gradient does, also for directions that are not
positively homogeneous (MGDA's ``"l2"`` and ``"loss+"`` normalisations).
``effective_weights`` are the last step's implied weights ``d = Σ_i c_i g_i`` (times
``w_i``), the same at every scale. Not for ``DistributedDataParallel`` (it reduces
gradients during ``backward``, before ``d`` is formed); ``torch.compile`` of the loss is
fine (the manipulation runs after forward).
Complexity per step: one extra backward per active equation (``autograd.grad`` at ``W``)
and an ``O(K² n)`` Gram matrix for ``K`` equations and ``n`` shared parameters.

>>> from catlearn_torch.weighting import PCGrad
>>> PCGrad()
PCGrad(shared=None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn_torch.errors import WeightingError
from catlearn_torch.weighting.base import Weighting, active_equations, resolve_shared

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["GradientManipulation"]


def _shared_tuple(shared: Sequence[str] | str | None) -> tuple[str, ...] | None:
    if shared is None:
        return None
    return (shared,) if isinstance(shared, str) else tuple(shared)


class GradientManipulation(Weighting):
    """Base class: subclasses implement :meth:`direction` (see the module docstring).

    >>> GradientManipulation().direction(torch.eye(2), torch.ones(2))
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.WeightingError: GradientManipulation is the base class of the ...
    """

    name = "manipulation"
    last_weights: Tensor

    def __init__(self, shared: Sequence[str] | str | None = None) -> None:
        super().__init__()
        self.shared = _shared_tuple(shared)
        self.reset(0)

    def params(self) -> dict[str, Any]:
        """The hyper-parameters (``shared`` and the subclass's).

        >>> GradientManipulation(shared="m").params()
        {'shared': ('m',)}
        """
        return {"shared": self.shared}

    def reset(self, k: int) -> None:
        """Implied weights 1 for ``k`` equations.

        >>> g = GradientManipulation(); g.reset(2); g.last_weights.tolist()
        [1.0, 1.0]
        """
        self.register_buffer("last_weights", torch.ones(k, dtype=torch.float64))

    def multipliers(self) -> Tensor:
        """The last step's implied weights ``c_i``.

        >>> g = GradientManipulation(); g.reset(1); g.multipliers().tolist()
        [1.0]
        """
        return self.last_weights.detach().cpu()

    def direction(self, grads: Tensor, losses: Tensor) -> tuple[Tensor, Tensor]:
        """The shared model's new gradient ``d`` and the implied weights ``c`` (``d = c @
        grads`` where that holds) from the rows ``grads`` (one per active equation, in
        float64) and their terms ``losses``.
        """
        raise WeightingError(
            f"{type(self).__name__} is the base class of the gradient-manipulation "
            "strategies and has no direction of its own: use PCGrad, CAGrad, MGDA or "
            "IMTLG, or override direction(grads, losses) in a subclass")

    def shared_params(self, compiled: CompiledDiagram) -> tuple[tuple[str, ...],
                                                                list[nn.Parameter]]:
        """The shared edges and their trainable parameters.

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, _ = _example(); edges, ps = GradientManipulation().shared_params(L)
        >>> edges, [tuple(p.shape) for p in ps]
        (('m',), [(4, 3), (4,)])
        """
        edges = resolve_shared(compiled, self.shared, type(self).__name__)
        params = [p for e in edges for p in compiled.models[e].parameters() if p.requires_grad]
        return edges, params

    def equation_grads(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram,
                       active: Sequence[int], params: Sequence[nn.Parameter],
                       scale: float) -> Tensor:
        """The rows ``g_i = ∇_W (w_i L_i · scale)``, flattened, in float64.

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example(); w = GradientManipulation()
        >>> _, ps = w.shared_params(L)
        >>> tuple(w.equation_grads(L(batch).terms, L, [0, 1], ps, 1.0).shape)  # 12 + 4
        (2, 16)
        """
        names = list(terms)
        rows = []
        for i in active:
            t = terms[names[i]] * (compiled.weights[names[i]] * scale)
            gs = torch.autograd.grad(t, list(params), retain_graph=True, allow_unused=True)
            rows.append(torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1)
                                   .double() for g, p in zip(gs, params, strict=True)]))
        return torch.stack(rows)

    def backward(self, loss: Tensor, terms: Mapping[str, Tensor],
                 compiled: CompiledDiagram, scale: float = 1.0) -> None:
        """Back-propagate with the shared model's gradient replaced by
        :meth:`direction` (see the module docstring).

        >>> from catlearn_torch.weighting import MGDA
        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example(MGDA(mode="params")); total, terms = L(batch)
        >>> L.weighting.backward(total, terms, L)
        >>> round(float(L.weighting.last_weights.sum()), 6)  # a convex combination
        1.0
        """
        edges, params = self.shared_params(compiled)
        active = active_equations(terms, compiled, edges)
        if len(active) < 2 or not params:
            loss.backward()
            return
        grads = self.equation_grads(terms, compiled, active, params, scale)
        names = list(terms)
        losses = torch.stack([terms[names[i]].detach().double() for i in active])
        d, c = self.direction(grads / scale, losses.to(grads.device))
        self._backward_rest(loss, compiled, params)
        self._add(params, d * scale)
        self._record(active, c)

    def _backward_rest(self, loss: Tensor, compiled: nn.Module,
                       params: Sequence[nn.Parameter]) -> None:
        shared = {id(p) for p in params}
        others = [p for p in compiled.parameters() if p.requires_grad and id(p) not in shared]
        if others and loss.requires_grad:
            torch.autograd.backward(loss, inputs=others)

    @staticmethod
    def _add(params: Sequence[nn.Parameter], d: Tensor) -> None:
        offset = 0
        with torch.no_grad():
            for p in params:
                n = p.numel()
                g = d[offset:offset + n].reshape(p.shape).to(p.dtype)
                offset += n
                if p.grad is None:
                    p.grad = g.clone()
                else:
                    p.grad.add_(g)

    def _record(self, active: Sequence[int], c: Tensor) -> None:
        w = torch.ones_like(self.last_weights)
        w[torch.tensor(list(active), dtype=torch.long)] = c.detach().to(w)
        self.last_weights.copy_(w)
