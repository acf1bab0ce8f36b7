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
``pcgrad``, ``cagrad``, ``mgda``, ``imtlg`` (:class:`PCGrad`, :class:`CAGrad`,
    :class:`MGDA`, :class:`IMTLG`; :mod:`~catlearn_torch.weighting.manipulation`)
    Gradient manipulation at the shared model: the loss is ``Σ_i w_i L_i`` and the
    shared model's gradient is replaced by a combination of the equations' gradients
    (projected, conflict-averse, min-norm, impartial).

The interface (:class:`Weighting`) is an ``nn.Module`` (its parameters and buffers go
into the compiled diagram's ``state_dict`` and into checkpoints, so resume is exact) with

* ``combine(terms, compiled) -> total`` (inside ``forward``);
* ``before_backward(terms, compiled)`` (after ``forward``, before ``backward``; GradNorm
  sets its weights' gradients here), ``backward(loss, terms, compiled, scale)`` (does the
  backward; gradient manipulation replaces the shared model's gradient),
  ``after_step(terms, compiled)`` (after each batch, after the optimiser step if one was
  taken) and ``on_epoch_end(epoch, compiled)``; :func:`catlearn_torch.fit` and the
  Lightning adapter (at ``on_before_backward``, ``backward``, ``on_train_batch_end``,
  ``on_train_epoch_end``) call them, a hand-written loop calls them likewise;
* ``effective_weights(compiled)``: each equation's current multiplier of ``L_i``.

Equations that have no defined example in a batch (missing labels) are left out of the
strategies' statistics for that step. ``combine`` has no data-dependent Python branch and
no host synchronisation, so ``torch.compile(loss, fullgraph=True)`` traces it whole.

>>> import torch
>>> get_weighting("dwa(temperature=4)")
DWA(temperature=4.0)
>>> sorted(WEIGHTINGS)
['cagrad', 'dwa', 'fixed', 'gradnorm', 'imtlg', 'mgda', 'pcgrad', 'uncertainty']
"""


from __future__ import annotations

from catlearn_torch.weighting.base import Fixed, Weighting, shared_edges
from catlearn_torch.weighting.cagrad import CAGrad
from catlearn_torch.weighting.dwa import DWA
from catlearn_torch.weighting.gradnorm import GradNorm
from catlearn_torch.weighting.imtl import IMTLG
from catlearn_torch.weighting.manipulation import GradientManipulation
from catlearn_torch.weighting.mgda import MGDA
from catlearn_torch.weighting.pcgrad import PCGrad
from catlearn_torch.weighting.registry import WEIGHTINGS, get_weighting
from catlearn_torch.weighting.uncertainty import Uncertainty

__all__ = ["Weighting", "Fixed", "Uncertainty", "DWA", "GradNorm", "GradientManipulation",
           "PCGrad", "CAGrad", "MGDA", "IMTLG", "WEIGHTINGS", "get_weighting",
           "shared_edges"]
