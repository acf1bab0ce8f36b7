"""Which examples a value is defined on: the three ways a program reads its batch.

* :class:`FullRows`: every example of every column is defined (no mask in the batch):
  each module runs on the whole batch and each equation is its comparator's value.
* :class:`GatherRows` (eager missing values): a partly defined column is cut down to its
  defined rows, so the modules on its paths run on exactly those examples, and each
  equation compares its two paths on the examples where both are defined (an equation
  with no such example contributes 0). Cutting rows needs data-dependent shapes and a
  host synchronisation.
* :class:`FillRows` (missing values with fixed shapes, what ``torch.compile`` traces):
  undefined entries are replaced by zeros, the modules run on the whole batch, and each
  equation is its comparator's **masked mean** (:func:`masked_value`): the same value
  and gradient as comparing the defined rows, with no data-dependent shape or branch.
  The difference from :class:`GatherRows`: a module that mixes examples (BatchNorm in
  training mode) also sees the filled rows of a partly defined *input* column.

Masked means of the built-in comparators (``n`` examples, mask ``m``): each comparator is
written as ``Σ_i num_i / Σ_i den_i`` over the examples (``num_i``: example ``i``'s summed
loss, ``den_i``: how many loss entries it has in the comparator's mean), so restricting
to the defined rows is ``Σ_{m_i} num_i / max(1, Σ_{m_i} den_i)``. A user comparator may
define ``masked(a, b, mask) -> scalar`` (same contract); otherwise its defined rows are
gathered (eager only).

>>> from catlearn_torch.comparators import MSE
>>> a, b = torch.tensor([[1.0], [5.0], [2.0]]), torch.zeros(3, 1)
>>> m = torch.tensor([True, False, True])
>>> float(masked_value(MSE(), a, b, m)), float(MSE()(a[m], b[m]))
(2.5, 2.5)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from catlearn_torch.comparators import (
    KL,
    L1,
    MSE,
    Comparator,
    Cosine,
    CrossEntropy,
    InfoNCE,
    SqDist,
)
from catlearn_torch.data import MASK_SUFFIX, column_mask
from catlearn_torch.plan_exec import ColumnStep, EquationStep, Frame, ModuleStep

__all__ = ["FullRows", "GatherRows", "FillRows", "masked_value", "fill_rows",
           "common_rows"]

PerRow = tuple[Tensor, Tensor | float]


def _flat(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def _mse_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    d = _flat(a - b)
    return (d * d).sum(1), float(d.shape[1])


def _l1_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    d = _flat(a - b)
    return d.abs().sum(1), float(d.shape[1])


def _sqdist_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    d = _flat(a - b)
    return (d * d).sum(1), 1.0


def _kl_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    t = c.temperature  # type: ignore[attr-defined]
    if t == 1.0:
        kl = F.kl_div(F.log_softmax(a, dim=1), F.log_softmax(b, dim=1), reduction="none",
                      log_target=True)
        return _flat(kl).sum(1), 1.0
    kl = F.kl_div(F.log_softmax(a / t, dim=1), F.log_softmax(b / t, dim=1),
                  reduction="none", log_target=True)
    return _flat(kl).sum(1) * (t * t), 1.0


def _cosine_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    d = _flat(1.0 - F.cosine_similarity(a, b, dim=1, eps=c.eps))  # type: ignore[attr-defined]
    return d.sum(1), float(d.shape[1])


def _ce_rows(c: Comparator, a: Tensor, b: Tensor) -> PerRow:
    ce: CrossEntropy = c  # type: ignore[assignment]
    if not a.is_floating_point() and b.is_floating_point():
        a, b = b, a
    a, b = ce._classes_on_1(a, b)
    if b.is_floating_point():
        if ce.soft_target == "logits":
            b = torch.softmax(b, dim=1)
        loss = _flat(F.cross_entropy(a, b, label_smoothing=ce.label_smoothing,
                                     reduction="none"))
        return loss.sum(1), float(loss.shape[1])
    loss = _flat(F.cross_entropy(a, b, label_smoothing=ce.label_smoothing, reduction="none"))
    return loss.sum(1), _flat(b != -100).sum(1).to(loss.dtype)  # F.cross_entropy's ignore


_PER_ROW: dict[type, Callable[[Comparator, Tensor, Tensor], PerRow]] = {
    MSE: _mse_rows, L1: _l1_rows, SqDist: _sqdist_rows, KL: _kl_rows,
    Cosine: _cosine_rows, CrossEntropy: _ce_rows,
}


def _info_nce_masked(c: InfoNCE, a: Tensor, b: Tensor, m: Tensor) -> Tensor:
    a = F.normalize(a.flatten(1), dim=1)
    b = F.normalize(b.flatten(1), dim=1)
    logits = a @ b.T / c.temperature
    low = torch.finfo(logits.dtype).min
    labels = torch.arange(logits.shape[0], device=logits.device)
    loss = F.cross_entropy(logits.masked_fill(~m[None, :], low), labels, reduction="none")
    if c.symmetric:
        back = F.cross_entropy(logits.T.masked_fill(~m[None, :], low), labels,
                               reduction="none")
        loss = 0.5 * (loss + back)
    return torch.where(m, loss, 0.0).sum() / m.sum().clamp_min(1).to(loss.dtype)


def masked_value(comp: Any, a: Tensor, b: Tensor, mask: Tensor) -> Tensor:
    """The comparator's value on the rows where ``mask`` holds, computed on the whole
    batch (fixed shapes; 0 when no row is defined). Comparators without a masked form
    fall back to gathering the rows (``comp(a[mask], b[mask])``, data-dependent). Cost:
    the comparator's on the whole batch.

    >>> from catlearn_torch.comparators import CrossEntropy
    >>> logits, y = torch.zeros(3, 2), torch.tensor([0, 1, 1])
    >>> m = torch.tensor([True, False, False])
    >>> round(float(masked_value(CrossEntropy(), logits, y, m)), 4)
    0.6931
    >>> float(masked_value(CrossEntropy(), logits, y, torch.zeros(3, dtype=torch.bool)))
    0.0
    """
    own = getattr(comp, "masked", None)
    if own is not None:
        return own(a, b, mask)
    per_row = _PER_ROW.get(type(comp))
    if per_row is not None and a.dim() >= 1 and b.dim() >= 1:
        num, den = per_row(comp, a, b)
        num = torch.where(mask, num, 0.0).sum()
        if isinstance(den, Tensor):
            total = torch.where(mask, den, 0.0).sum()
        else:
            total = mask.sum().to(num.dtype) * den
        return num / total.clamp_min(1.0)
    if type(comp) is InfoNCE:
        return _info_nce_masked(comp, a, b, mask)
    if not bool(mask.any()):
        return torch.zeros((), device=a.device)
    return comp(a[mask], b[mask])


def fill_rows(value: Tensor, mask: Tensor) -> Tensor:
    """``value`` with the rows where ``mask`` is false set to 0 (so that no NaN or ignore
    value of an undefined example reaches a module or a gradient).

    >>> fill_rows(torch.tensor([[1.0], [float("nan")]]), torch.tensor([True, False]))
    tensor([[1.],
            [0.]])
    """
    keep = mask.reshape(mask.shape[0], *([1] * (value.dim() - 1)))
    return torch.where(keep, value, torch.zeros((), dtype=value.dtype, device=value.device))


def common_rows(ml: Tensor | None, mr: Tensor | None) -> Tensor:
    """The rows where both sides are defined (at least one side has a mask).

    >>> common_rows(torch.tensor([True, False]), None).tolist()
    [True, False]
    """
    if ml is None:
        return cast(Tensor, mr)  # the caller checks that one side has a mask
    return ml if mr is None else ml & mr


class FullRows:
    """Every example defined: columns as given (moved to the modules' device), modules
    on the whole batch, equations by their comparators (see the module docstring).

    >>> FullRows(torch.device("cpu")).device
    device(type='cpu')
    """

    def __init__(self, device: torch.device, missing: Mapping[str, Any] | None = None,
                 guards: Any = None) -> None:
        self.device = device
        self.missing = dict(missing or {})
        self.guards = guards

    def _read(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame
              ) -> tuple[Any, Tensor | None]:
        v, m = column_mask(cols[step.edge], cols.get(step.edge + MASK_SUFFIX),
                           self.missing.get(step.edge))
        if isinstance(v, Tensor) and v.device != self.device:
            v = v.to(self.device, non_blocking=True)
        if self.guards is not None:
            self.guards.column(step, v, m, frame)
        if m is not None:
            m = m.to(self.device)
        return v, m

    def column(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame) -> None:
        """Read a column (no mask is expected here).

        >>> FullRows(torch.device("cpu")).column  # doctest: +ELLIPSIS
        <bound method FullRows.column of ...>
        """
        v = cols[step.edge]
        if isinstance(v, Tensor) and v.device != self.device:
            v = v.to(self.device, non_blocking=True)
        if self.guards is not None:
            self.guards.column(step, v, None, frame)
        frame.values[step.node] = v

    def call(self, step: ModuleStep, module: nn.Module, x: Any, frame: Frame) -> Any:
        """Apply a module (through the guards, when on).

        >>> FullRows(torch.device("cpu")).call(None, nn.Identity(), 3, None)
        3
        """
        if self.guards is not None:
            return self.guards.call(step, module, x)
        return module(x)

    def _evaluate(self, eq: EquationStep, a: Any, b: Any, frame: Frame,
                  mask: Tensor | None = None) -> Tensor:
        """The equation's value (its masked mean when ``mask`` is given), through the
        guards when they are on."""
        if self.guards is not None:
            a, b = self.guards.compare(eq, a, b, frame)
            return self.guards.evaluate(eq, a, b, mask)
        if mask is not None:
            return masked_value(eq.comparator, a, b, mask)
        return eq.comparator(a, b)

    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> None:
        """The comparator's value on the whole batch.

        >>> FullRows(torch.device("cpu")).compare  # doctest: +ELLIPSIS
        <bound method FullRows.compare of ...>
        """
        frame.terms[eq.name] = self._evaluate(eq, a, b, frame)


def _count(a: Any) -> int:
    return len(a) if hasattr(a, "__len__") else 1


class GatherRows(FullRows):
    """Eager missing values: partly defined columns are cut down to their defined rows
    (see the module docstring).

    >>> GatherRows(torch.device("cpu"), {"y": -100}).missing
    {'y': -100}
    """

    def column(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame) -> None:
        """A column on its defined rows, and those rows (``None``: all).

        >>> GatherRows(torch.device("cpu")).column  # doctest: +ELLIPSIS
        <bound method GatherRows.column of ...>
        """
        v, m = self._read(step, cols, frame)
        if m is not None and bool(m.all()):
            m = None
        if m is not None:
            v = v[m] if bool(m.any()) else None
            frame.masked = True
        frame.values[step.node], frame.rows[step.node] = v, m

    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> None:
        """The comparator on the rows where both sides are defined (0 if none).

        >>> GatherRows(torch.device("cpu")).compare  # doctest: +ELLIPSIS
        <bound method GatherRows.compare of ...>
        """
        ml, mr = frame.rows[eq.lhs], frame.rows[eq.rhs]
        if ml is not None or mr is not None:
            m = common_rows(ml, mr)
            count = int(m.sum()) if a is not None and b is not None else 0
            if count == 0:
                frame.terms[eq.name] = torch.zeros((), device=self.device)
                frame.defined[eq.name] = 0
                return
            a = a[m] if ml is None else a[m[ml]]
            b = b[m] if mr is None else b[m[mr]]
        else:
            count = _count(a)
        frame.terms[eq.name] = self._evaluate(eq, a, b, frame)
        frame.defined[eq.name] = count


class FillRows(FullRows):
    """Missing values with fixed shapes: undefined entries set to 0, masked means (see
    the module docstring). No host synchronisation, no data-dependent shape.

    >>> FillRows(torch.device("cpu")).device
    device(type='cpu')
    """

    def column(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame) -> None:
        """A column with its undefined entries set to 0, and its mask.

        >>> FillRows(torch.device("cpu")).column  # doctest: +ELLIPSIS
        <bound method FillRows.column of ...>
        """
        v, m = self._read(step, cols, frame)
        if m is not None:
            frame.masked = True
            if isinstance(v, Tensor):
                v = fill_rows(v, m)
        frame.values[step.node], frame.rows[step.node] = v, m

    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> None:
        """The comparator's masked mean over the rows where both sides are defined.

        >>> FillRows(torch.device("cpu")).compare  # doctest: +ELLIPSIS
        <bound method FillRows.compare of ...>
        """
        ml, mr = frame.rows[eq.lhs], frame.rows[eq.rhs]
        if ml is None and mr is None:
            frame.terms[eq.name] = self._evaluate(eq, a, b, frame)
            frame.defined[eq.name] = _count(a)
            return
        m = common_rows(ml, mr)
        frame.terms[eq.name] = self._evaluate(eq, a, b, frame, m)
        frame.defined[eq.name] = m.sum()
