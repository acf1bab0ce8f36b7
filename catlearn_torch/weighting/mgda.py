"""MGDA, multiple-gradient descent as multi-objective optimisation (Sener and Koltun,
NeurIPS 2018), with its upper bound MGDA-UB on the shared features.

>>> MGDA()
MGDA(shared=None, normalize='none', mode='auto')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn_torch.errors import BAD_WEIGHTING_ARGS, MANIPULATION_BACKWARD, WeightingError
from catlearn_torch.weighting.base import active_equations
from catlearn_torch.weighting.manipulation import GradientManipulation
from catlearn_torch.weighting.simplex import min_norm_weights

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["MGDA", "NORMALIZERS"]

#: Gradient normalisations before the min-norm problem (the paper's, as in LibMTL).
NORMALIZERS = ("none", "l2", "loss", "loss+")


class MGDA(GradientManipulation):
    """The min-norm point of the convex hull of the (normalised) equation gradients:
    ``α = argmin_{α ∈ Δ} ‖Σ_i α_i ĝ_i‖²``, ``d = Σ_i α_i ĝ_i`` with ``ĝ_i = g_i / n_i``,
    ``n_i`` = 1 (``"none"``), ``‖g_i‖`` (``"l2"``), ``L_i`` (``"loss"``) or
    ``L_i ‖g_i‖`` (``"loss+"``) — LibMTL's ``mgda_gn``.

    ``mode="features"`` is MGDA-UB: the ``g_i`` are the gradients with respect to the
    **outputs of the shared model** (the plan's shared features: the values the shared
    edge computes, captured by a forward hook) rather than its parameters — cheaper, and
    the paper's upper bound; the shared parameters then get ``∇_W Σ_i α_i w_i L_i``
    (back-propagated from the features). ``"params"``: the ``g_i`` at the parameters.
    ``"auto"`` (default): features when there is a single shared edge whose outputs were
    captured in an eager forward, else parameters (under ``torch.compile`` the captured
    outputs are outputs of the compiled graph, not upstream of the terms: this is
    detected, and ``"auto"`` then uses the parameters while ``"features"`` raises a
    :class:`WeightingError`). Implied weights: ``α_i / n_i``.

    >>> MGDA(normalize="l2", mode="params")
    MGDA(shared=None, normalize='l2', mode='params')
    """

    name = "mgda"

    def __init__(self, shared: Sequence[str] | str | None = None, normalize: str = "none",
                 mode: str = "auto") -> None:
        super().__init__(shared)
        if normalize not in NORMALIZERS:
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"normalize must be one of {', '.join(NORMALIZERS)}, "
                                    f"not {normalize!r}"))
        if mode not in ("auto", "features", "params"):
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=self.name, why=f"mode must be 'auto', 'features' or 'params', not "
                                    f"{mode!r}"))
        self.normalize = normalize
        self.mode = mode
        self._features: list[Tensor] = []
        self._hooked: dict[int, Any] = {}

    def params(self) -> dict[str, Any]:
        """``shared``, ``normalize`` and ``mode``.

        >>> MGDA().params()["normalize"]
        'none'
        """
        return {"shared": self.shared, "normalize": self.normalize, "mode": self.mode}

    def bind(self, compiled: CompiledDiagram) -> None:
        """Set up for the equations, and hook the shared edge's module (MGDA-UB).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example(MGDA()); _ = L(batch); len(L.weighting._features)
        1
        """
        super().bind(compiled)
        if self.mode == "params":
            return
        try:
            edges, _ = self.shared_params(compiled)
        except WeightingError:
            return
        if len(edges) != 1:
            return
        module = compiled.models[edges[0]]
        if id(module) in self._hooked:
            return
        self._hooked[id(module)] = module.register_forward_hook(self._capture)
        compiled.register_forward_pre_hook(self._clear)

    def _capture(self, module: nn.Module, args: Any, output: Any) -> None:
        if isinstance(output, Tensor) and output.requires_grad:
            self._features.append(output)

    def _clear(self, module: nn.Module, args: Any) -> None:
        self._features = []

    @staticmethod
    def _feature_grads(terms: Mapping[str, Tensor], compiled: CompiledDiagram,
                       active: Sequence[int], features: Sequence[Tensor], scale: float
                       ) -> list[list[Tensor]] | None:
        """Each active equation's gradients at the captured outputs; ``None`` when some
        equation's are all missing (the outputs are not upstream of the terms, as under
        ``torch.compile`` with AOT autograd, where they are extra graph outputs)."""
        names = list(terms)
        per = []
        for i in active:
            t = terms[names[i]] * (compiled.weights[names[i]] * scale)
            try:
                gs = torch.autograd.grad(t, list(features), retain_graph=True,
                                         allow_unused=True)
            except RuntimeError:
                return None
            if all(g is None for g in gs):
                return None
            per.append([g if g is not None else torch.zeros_like(f)
                        for g, f in zip(gs, features, strict=True)])
        return per

    def normalisers(self, grads: Tensor, losses: Tensor) -> Tensor:
        """``n_i`` for each row (see the class docstring).

        >>> MGDA(normalize="l2").normalisers(torch.tensor([[3.0, 4.0]]), torch.ones(1))
        tensor([5.])
        """
        norms = grads.norm(dim=1)
        n = {"none": torch.ones_like(norms), "l2": norms, "loss": losses.to(norms),
             "loss+": losses.to(norms) * norms}[self.normalize]
        return n.clamp(min=1e-300)

    def direction(self, grads: Tensor, losses: Tensor) -> tuple[Tensor, Tensor]:
        """``d = Σ α_i ĝ_i`` and the implied weights ``α_i / n_i``.

        >>> d, c = MGDA().direction(torch.tensor([[1.0, 0.0], [0.0, 2.0]]).double(),
        ...                         torch.ones(2))
        >>> [round(x, 9) for x in c.tolist()], [round(x, 9) for x in d.tolist()]
        ([0.8, 0.2], [0.8, 0.4])
        """
        n = self.normalisers(grads, losses)
        alpha = min_norm_weights((grads / n[:, None]) @ (grads / n[:, None]).T)
        c = alpha / n
        return c @ grads, c

    def backward(self, loss: Tensor, terms: Mapping[str, Tensor],
                 compiled: CompiledDiagram, scale: float = 1.0) -> None:
        """MGDA-UB on the captured features, or the parameter version (class docstring).

        >>> from catlearn_torch.weighting.examples import example as _example
        >>> L, batch = _example(MGDA(mode="features")); total, terms = L(batch)
        >>> L.weighting.backward(total, terms, L)
        >>> round(float(L.weighting.last_weights.sum()), 6)
        1.0
        """
        features, self._features = self._features, []
        if self.mode == "params" or not features:
            if self.mode == "features":
                raise WeightingError(MANIPULATION_BACKWARD.format(
                    name="MGDA(mode='features')", shared=", ".join(self.shared or ()) or
                    "the shared model", why="without the shared model's outputs (a single "
                    "shared edge run eagerly); use mode='params'"))
            super().backward(loss, terms, compiled, scale)
            return
        edges, params = self.shared_params(compiled)
        active = active_equations(terms, compiled, edges)
        if len(active) < 2:
            loss.backward()
            return
        names = list(terms)
        per = self._feature_grads(terms, compiled, active, features, scale)
        if per is None:  # the captured outputs are not upstream of the terms
            if self.mode == "features":
                raise WeightingError(MANIPULATION_BACKWARD.format(
                    name="MGDA(mode='features')", shared=", ".join(edges), why="on "
                    "features that are not nodes of the loss's autograd graph (a "
                    "torch.compile'd forward); use mode='params' or 'auto'"))
            super().backward(loss, terms, compiled, scale)
            return
        grads = torch.stack([torch.cat([g.reshape(-1).double() for g in row]) for row in per])
        losses = torch.stack([terms[names[i]].detach().double() for i in active])
        _, c = self.direction(grads / scale, losses.to(grads.device))
        back: list[Tensor] = []
        for f in range(len(features)):
            acc = torch.zeros_like(per[0][f])
            for j, row in enumerate(per):
                acc = acc + c[j].to(row[f].dtype) * row[f]
            back.append(acc)
        torch.autograd.backward(features, grad_tensors=back, inputs=list(params),
                                retain_graph=True)
        self._backward_rest(loss, compiled, params)
        self._record(active, c)
