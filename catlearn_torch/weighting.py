"""Equation weighting strategies: how the per-equation terms become one loss.

A compiled diagram returns each equation's term ``L_i`` (unweighted) and the total loss;
the total is made by its :class:`Weighting` (``compile(..., weighting=...)`` or
``fit(..., weighting=...)``; a name such as ``"dwa(temperature=2)"`` or an instance).
Every strategy starts from the diagram's own weights ``w_i`` (the equations' ``weight``,
changed by ``reweight``), so a weight of 0 still switches an equation off:

``fixed`` (:class:`Fixed`, the default)
    ``L = Σ_i w_i L_i``.
``uncertainty`` (:class:`Uncertainty`; Kendall, Gal and Cipolla, CVPR 2018)
    A learnable log-variance ``s_i = log σ_i²`` per equation (initially 0), optimised with
    the models: ``L = Σ_i ( exp(-s_i) · w_i L_i / 2 + s_i / 2 )`` (the form of LibMTL's
    ``UW``); the effective weight of equation ``i`` is ``w_i exp(-s_i) / 2``.
``dwa`` (:class:`DWA`, dynamic weight average; Liu, Johns and Davison, CVPR 2019)
    ``L = Σ_i λ_i w_i L_i`` with ``λ_i(t) = K exp(r_i(t-1)/T) / Σ_j exp(r_j(t-1)/T)``,
    ``r_i(t-1) = L̄_i(t-1) / L̄_i(t-2)``, ``L̄_i(t)`` the mean of ``L_i`` over epoch ``t``,
    ``K`` the number of equations and ``T`` the temperature (2); ``λ_i = 1`` in the first
    two epochs. The means are kept by the strategy (and in checkpoints), averaged over
    processes under ``torch.distributed``.
``gradnorm`` (:class:`GradNorm`; Chen, Badrinarayanan, Lee and Rabinovich, ICML 2018)
    ``L = Σ_i a_i w_i L_i`` with learnable ``a_i`` (initially 1). At each step, with
    ``W`` the parameters of the **shared model** — the learnable edge(s) on the gradient
    side of every weighted equation, found from the diagram (e.g. a glued backbone), or
    ``shared=`` — ``G_i = ‖∇_W a_i w_i L_i‖₂``, ``Ḡ = mean_i G_i``,
    ``L̃_i = L_i / L_i(0)`` (``L_i(0)``: the first step's), ``r_i = L̃_i / mean_j L̃_j``;
    the weights get the gradient of ``L_grad = Σ_i |G_i - Ḡ r_i^α|`` (the target
    ``Ḡ r_i^α`` held constant), i.e. ``∂L_grad/∂a_i = sign(G_i - Ḡ r_i^α) ‖∇_W w_i L_i‖``,
    the optimiser steps them, and they are renormalised to ``Σ_i a_i = K``. Equations that
    do not reach ``W`` keep ``a_i = 1``.

The interface (:class:`Weighting`) is an ``nn.Module`` (its parameters and buffers go
into the compiled diagram's ``state_dict`` and into checkpoints, so resume is exact) with

* ``combine(terms, compiled) -> total`` (inside ``forward``);
* ``before_backward(terms, compiled)`` (after ``forward``, before ``backward``; GradNorm
  sets its weights' gradients here), ``after_step(terms, compiled)`` (after the optimiser
  step) and ``on_epoch_end(epoch, compiled)``; :func:`catlearn_torch.fit` calls them, a
  hand-written loop calls them likewise;
* ``effective_weights(compiled)``: each equation's current multiplier of ``L_i``.

Equations that have no defined example in a batch (missing labels) are left out of the
strategies' statistics for that step.

>>> import torch
>>> get_weighting("dwa(temperature=4)")
DWA(temperature=4.0)
>>> sorted(WEIGHTINGS)
['dwa', 'fixed', 'gradnorm', 'uncertainty']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn_torch.errors import MESSAGES, WeightingError

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["Weighting", "Fixed", "Uncertainty", "DWA", "GradNorm", "WEIGHTINGS",
           "get_weighting", "shared_edges"]


def _defined(compiled: CompiledDiagram, name: str) -> bool:
    counts = compiled.last_defined
    return counts is None or counts.get(name, 1) > 0


class Weighting(nn.Module):
    """Base class of weighting strategies (see the module docstring); it is the fixed
    weighting ``Σ w_i L_i``. Subclasses override :meth:`combine` and the hooks.

    >>> Weighting().equations
    ()
    """

    name = "fixed"

    def __init__(self) -> None:
        super().__init__()
        self.equations: tuple[str, ...] = ()

    def bind(self, compiled: CompiledDiagram) -> None:
        """Set up for a compiled diagram's equations (called when attached; a strategy
        already set up for the same equations keeps its state).

        >>> Weighting().bind  # doctest: +ELLIPSIS
        <bound method Weighting.bind of ...>
        """
        names = tuple(compiled.weights)
        if names != self.equations:
            self.equations = names
            self.reset(len(names))

    def reset(self, k: int) -> None:
        """(Re)create the state for ``k`` equations (nothing for the fixed weighting).

        >>> Weighting().reset(2)
        """

    def combine(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> Tensor:
        """The total loss from the unweighted terms (here ``Σ w_i L_i``).

        >>> Fixed  # doctest: +ELLIPSIS
        <class '...Fixed'>
        """
        total: Tensor | None = None
        for name, t in terms.items():
            w = compiled.weights[name]
            wt = t if w == 1.0 else t * w
            total = wt if total is None else total + wt
        return total if total is not None else torch.zeros((), device=compiled.device)

    def multipliers(self) -> Tensor | None:
        """The strategy's factors ``a_i`` by equation (``None``: all 1).

        >>> Weighting().multipliers() is None
        True
        """
        return None

    def effective_weights(self, compiled: CompiledDiagram) -> dict[str, float]:
        """Each equation's current multiplier of its term in the total.

        >>> Weighting().effective_weights  # doctest: +ELLIPSIS
        <bound method Weighting.effective_weights of ...>
        """
        a = self.multipliers()
        out = {}
        for i, name in enumerate(compiled.weights):
            out[name] = compiled.weights[name] * (1.0 if a is None else float(a[i]))
        return out

    def before_backward(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram
                        ) -> None:
        """Called after ``forward`` and before ``backward`` (nothing here).

        >>> Weighting().before_backward({}, None)  # type: ignore[arg-type]
        """

    def after_step(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> None:
        """Called after each optimiser step (nothing here).

        >>> Weighting().after_step({}, None)  # type: ignore[arg-type]
        """

    def on_epoch_end(self, epoch: int, compiled: CompiledDiagram) -> None:
        """Called at the end of each epoch (nothing here).

        >>> Weighting().on_epoch_end(0, None)  # type: ignore[arg-type]
        """

    def params(self) -> dict[str, Any]:
        """The strategy's hyper-parameters (for ``repr``).

        >>> Weighting().params()
        {}
        """
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class Fixed(Weighting):
    """The diagram's own weights: ``L = Σ_i w_i L_i`` (the default).

    >>> Fixed()
    Fixed()
    """


class Uncertainty(Weighting):
    """Homoscedastic uncertainty weighting (Kendall et al. 2018): a learnable
    ``log_var[i] = s_i`` per equation, ``L = Σ_i (exp(-s_i) w_i L_i / 2 + s_i / 2)``.

    >>> u = Uncertainty(); u.reset(2); u.log_var.tolist()
    [0.0, 0.0]
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

        >>> Uncertainty.combine  # doctest: +ELLIPSIS
        <function Uncertainty.combine at ...>
        """
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            w = compiled.weights[name]
            if w == 0.0 or not _defined(compiled, name):
                continue
            s = self.log_var[i]
            part = 0.5 * torch.exp(-s) * (t * w) + 0.5 * s
            total = part if total is None else total + part
        return total if total is not None else torch.zeros((), device=compiled.device)

    def multipliers(self) -> Tensor:
        """``exp(-s_i) / 2`` per equation.

        >>> u = Uncertainty(); u.reset(1); u.multipliers().tolist()
        [0.5]
        """
        return (0.5 * torch.exp(-self.log_var.detach())).cpu()


class DWA(Weighting):
    """Dynamic weight average (Liu et al. 2019): ``λ_i = K softmax(r / T)_i`` from the
    ratios ``r_i`` of the last two epoch means of each term (see the module docstring).

    >>> DWA(temperature=2.0)
    DWA(temperature=2.0)
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
                or not temperature > 0:
            raise WeightingError(MESSAGES["bad_weighting_args"].format(
                name=self.name, why=f"temperature must be a number > 0, not {temperature!r}"))
        self.temperature = float(temperature)
        self.reset(0)

    def params(self) -> dict[str, Any]:
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
        """``Σ_i λ_i w_i L_i``.

        >>> DWA.combine  # doctest: +ELLIPSIS
        <function DWA.combine at ...>
        """
        lam = self.lambdas.tolist()
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            w = compiled.weights[name] * lam[i]
            wt = t if w == 1.0 else t * w
            total = wt if total is None else total + wt
        return total if total is not None else torch.zeros((), device=compiled.device)

    def multipliers(self) -> Tensor:
        """The current ``λ_i``.

        >>> d = DWA(); d.reset(1); d.multipliers().tolist()
        [1.0]
        """
        return self.lambdas.detach().cpu()

    def after_step(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> None:
        """Add the step's terms to the epoch sums (equations with a defined example).

        >>> DWA.after_step  # doctest: +ELLIPSIS
        <function DWA.after_step at ...>
        """
        for i, (name, t) in enumerate(terms.items()):
            if _defined(compiled, name):
                self.sums[i] += float(t.detach())
                self.counts[i] += 1

    def on_epoch_end(self, epoch: int, compiled: CompiledDiagram) -> None:
        """Close the epoch: record its means and compute the next epoch's ``λ``.

        >>> DWA.on_epoch_end  # doctest: +ELLIPSIS
        <function DWA.on_epoch_end at ...>
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


def shared_edges(compiled: CompiledDiagram, equations: Sequence[str] | None = None
                 ) -> tuple[str, ...]:
    """The shared model of a diagram: the trainable learnable edges that lie on the
    gradient side of every weighted equation (weight > 0; or of ``equations``), or, if
    none does, those on the most of them (at least two). Empty when no edge is on two.

    >>> from catlearn_torch.compile import compile
    >>> from catlearn_torch.realise import Realisation
    >>> from catlearn.learning import LearningDiagram, LearningGraph
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    >>> g = g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"m": nn.Linear(2, 2), "h1": nn.Linear(2, 1),
    ...                                       "h2": nn.Linear(2, 1)}))
    >>> shared_edges(L)
    ('m',)
    """
    trainable = set(compiled.learnable_edges())
    reach: dict[str, set[str]] = {}
    names = []
    for eq in compiled.diagram.equations:
        if equations is not None and eq.name not in equations:
            continue
        if equations is None and compiled.weights[eq.name] == 0.0:
            continue
        sides = {"both": (eq.lhs, eq.rhs), "lhs": (eq.lhs,), "rhs": (eq.rhs,)}[eq.grad]
        edges = {e for p in sides for e in p.names if e in trainable}
        if not edges:
            continue
        names.append(eq.name)
        for e in edges:
            reach.setdefault(e, set()).add(eq.name)
    best = max((len(v) for v in reach.values()), default=0)
    if best < 2:
        return ()
    return tuple(e for e in compiled.roles if e in reach and len(reach[e]) == best)


class GradNorm(Weighting):
    """GradNorm (Chen et al. 2018) at the diagram's shared model (see the module
    docstring): learnable ``a_i`` balanced so that each equation's gradient norm at the
    shared parameters tracks its relative training rate to the power ``alpha``.

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
            raise WeightingError(MESSAGES["bad_weighting_args"].format(
                name=self.name, why=f"alpha must be a finite number >= 0, not {alpha!r}"))
        self.alpha = float(alpha)
        self.shared = (shared,) if isinstance(shared, str) else \
            (tuple(shared) if shared is not None else None)
        self.reset(0)

    def params(self) -> dict[str, Any]:
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
        :func:`shared_edges`.

        >>> GradNorm(shared="m").shared
        ('m',)
        """
        known = compiled.learnable_edges()
        if self.shared is not None:
            bad = [e for e in self.shared if e not in known]
            if bad:
                raise WeightingError(MESSAGES["bad_shared"].format(
                    names=", ".join(bad), known=", ".join(known) or "none"))
            return self.shared
        found = shared_edges(compiled)
        if not found:
            raise WeightingError(MESSAGES["no_shared"].format(known=", ".join(known)
                                                              or "none"))
        return found

    def combine(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> Tensor:
        """``Σ_i a_i w_i L_i`` (the ``a_i`` detached: the models' gradient does not
        move them; :meth:`before_backward` gives them theirs).

        >>> GradNorm.combine  # doctest: +ELLIPSIS
        <function GradNorm.combine at ...>
        """
        a = self.task_weights.detach()
        total: Tensor | None = None
        for i, (name, t) in enumerate(terms.items()):
            part = a[i] * (t * compiled.weights[name])
            total = part if total is None else total + part
        return total if total is not None else torch.zeros((), device=compiled.device)

    def multipliers(self) -> Tensor:
        """The current ``a_i``.

        >>> g = GradNorm(); g.reset(2); g.multipliers().tolist()
        [1.0, 1.0]
        """
        return self.task_weights.detach().cpu()

    def _active(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram,
                shared: Sequence[str]) -> list[int]:
        trainable = set(shared)
        out = []
        index = {n: i for i, n in enumerate(terms)}
        for eq in compiled.diagram.equations:
            if eq.name not in index or compiled.weights[eq.name] == 0.0 \
                    or not _defined(compiled, eq.name):
                continue
            sides = {"both": (eq.lhs, eq.rhs), "lhs": (eq.lhs,), "rhs": (eq.rhs,)}[eq.grad]
            if any(e in trainable for p in sides for e in p.names):
                out.append(index[eq.name])
        return sorted(out)

    def before_backward(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram
                        ) -> None:
        """Set the gradient of the ``a_i``: ``sign(G_i - Ḡ r_i^α) ‖∇_W w_i L_i‖``.

        >>> GradNorm.before_backward  # doctest: +ELLIPSIS
        <function GradNorm.before_backward at ...>
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

        >>> GradNorm.after_step  # doctest: +ELLIPSIS
        <function GradNorm.after_step at ...>
        """
        active = self._active(terms, compiled, self.shared_edges(compiled))
        if not active:
            return
        with torch.no_grad():
            idx = torch.tensor(active, device=self.task_weights.device)
            a = self.task_weights[idx].clamp(min=1e-6)
            self.task_weights[idx] = a * (len(active) / a.sum())


#: The built-in weighting strategies by name.
WEIGHTINGS: dict[str, type[Weighting]] = {
    c.name: c for c in (Fixed, Uncertainty, DWA, GradNorm)
}


def get_weighting(spec: str | Weighting | None) -> Weighting:
    """A weighting strategy from a name (``"uncertainty"``, ``"dwa(temperature=2)"``,
    ``"gradnorm(alpha=1.5)"``), an instance, or ``None`` (fixed).

    >>> get_weighting(None), get_weighting("gradnorm(alpha=0.5)")
    (Fixed(), GradNorm(alpha=0.5, shared=None))
    >>> get_weighting("pcgrad")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.WeightingError: unknown weighting 'pcgrad' (built in: fixed, ...
    """
    if spec is None:
        return Fixed()
    if isinstance(spec, Weighting):
        return spec
    if isinstance(spec, str):
        from catlearn_torch.comparators import _parse
        from catlearn_torch.errors import ComparatorError

        try:
            name, kwargs = _parse(spec)
        except ComparatorError as err:
            raise WeightingError(MESSAGES["bad_weighting_args"].format(
                name=spec, why=str(err))) from None
        if name not in WEIGHTINGS:
            raise WeightingError(MESSAGES["unknown_weighting"].format(
                name=spec, known=", ".join(WEIGHTINGS)))
        try:
            return WEIGHTINGS[name](**kwargs)
        except TypeError as err:
            raise WeightingError(MESSAGES["bad_weighting_args"].format(
                name=name, why=str(err).replace("__init__() ", ""))) from None
    raise WeightingError(f"weighting must be a name, a Weighting or None, not "
                         f"{type(spec).__name__}")

