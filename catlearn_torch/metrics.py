"""Evaluating a trained diagram: the value of a path, accuracy, retrieval recall@1.

:func:`path_value` runs one path of a compiled diagram on a batch (its data column, then
each model). :func:`evaluate_equations` reports, for every equation of the sources it is
given held-out data for, the mean comparator value (``"<equation>: loss"``) and, where
it applies, ``"<equation>: accuracy"`` (cross-entropy against class indices: the argmax
of the logits along the comparator's class dimension equals the target, averaged over
all target entries) or ``"<equation>: recall@1"`` (InfoNCE: the rhs of the same example
scores highest among all the held-out rhs values, ties counted as hits, so duplicate
targets do not count against it).

>>> import torch, torch.nn as nn
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"})
>>> L = compile(D, Realisation(D, models={"c": nn.Identity()}))
>>> data = {"x": torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]]), "y": torch.tensor([0, 1, 1])}
>>> round(accuracy(path_value(L, "x ⋅ c", data), data["y"]), 4)
0.6667
>>> sorted(evaluate_equations(L, {"N": [data]}))
['x ⋅ c = y: accuracy', 'x ⋅ c = y: loss']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import torch
from torch import Tensor

from catlearn.categories import Path
from catlearn_torch.comparators import CrossEntropy, InfoNCE
from catlearn_torch.compile import CompiledDiagram, unwrap
from catlearn_torch.data import MASK_SUFFIX, as_columns, column_mask

__all__ = ["path_value", "accuracy", "recall_at_1", "evaluate_equations"]


def path_value(compiled: Any, path: Path | str | Iterable[str], batch: Any,
               source: str | None = None) -> Any:
    """The value of ``path`` (a :class:`Path`, ``"x ⋅ c"`` or edge names) on one batch of
    its source: the data column, then each model in turn (under the modules' current
    mode; wrap in ``torch.no_grad()`` to evaluate).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Identity()}))
    >>> path_value(L, ["x", "c"], {"x": torch.ones(2, 1)}).tolist()
    [[1.0], [1.0]]
    """
    core: CompiledDiagram = unwrap(compiled)
    p = path if isinstance(path, Path) else core.diagram.path(
        path if isinstance(path, str) else list(path), source=source)
    return _path_rows(core, p, batch)[0]


def _path_rows(core: CompiledDiagram, p: Path, batch: Any) -> tuple[Any, Tensor | None]:
    """A path's value on the rows where its data column is defined, and those rows
    (``None``: all; missing values as in :mod:`catlearn_torch.data`)."""
    names = p.names
    if not names:
        raise ValueError(f"the path {p} is an identity: it has no value on a batch")
    cols = as_columns(batch, p.src, core.columns.get(p.src, ()), (names[0],))
    value, mask = column_mask(cols[names[0]], cols.get(names[0] + MASK_SUFFIX),
                              core.missing.get(names[0]))
    if isinstance(value, Tensor):
        value = value.to(core.device)
    if mask is not None:
        mask = mask.to(core.device)
        value = value[mask]
    for name in names[1:]:
        value = core.models[name](value)
    return value, mask


def _on_common_rows(a: Any, ma: Tensor | None, b: Any, mb: Tensor | None
                    ) -> tuple[Any, Any]:
    """Both sides on the rows where both are defined."""
    if ma is None and mb is None:
        return a, b
    m = cast(Tensor, ma if mb is None else (mb if ma is None else ma & mb))
    a = a[m] if ma is None else a[m[ma]]
    b = b[m] if mb is None else b[m[mb]]
    return a, b


def accuracy(logits: Tensor, target: Tensor, class_dim: int = 1,
             ignore_index: int | None = None) -> float:
    """The fraction of target entries equal to the argmax of ``logits`` along
    ``class_dim`` (entries equal to ``ignore_index`` are left out).

    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1]))
    0.5
    >>> seq = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]])   # (n, length, classes)
    >>> accuracy(seq, torch.tensor([[0, 1, 1]]), class_dim=2, ignore_index=1)
    1.0
    """
    pred = logits.argmax(dim=class_dim)
    target = target.to(pred.device)
    keep = torch.ones_like(target, dtype=torch.bool) if ignore_index is None \
        else target != ignore_index
    total = int(keep.sum())
    return float(((pred == target) & keep).sum()) / total if total else float("nan")


def recall_at_1(queries: Tensor, keys: Tensor, same: Tensor | None = None) -> float:
    """Retrieval recall@1 by cosine similarity: the fraction of queries ``i`` whose
    best-scoring key is a right one — key ``i`` (ties with it count as hits), or with
    ``same`` (a boolean (n, n) matrix: which keys are equally right for query ``i``, e.g.
    identical captions) any ``j`` with ``same[i, j]``.

    >>> q = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.1]])
    >>> recall_at_1(q, q)
    1.0
    >>> recall_at_1(q, torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    0.3333333333333333
    """
    a = torch.nn.functional.normalize(queries.flatten(1).float(), dim=1)
    b = torch.nn.functional.normalize(keys.flatten(1).float(), dim=1).to(a.device)
    sim = a @ b.T
    if same is None:
        hit = sim.diagonal() >= sim.max(dim=1).values - 1e-6
    else:
        hit = same.to(a.device)[torch.arange(len(sim), device=a.device), sim.argmax(dim=1)]
    return int(hit.sum()) / len(sim) if len(sim) else float("nan")


def evaluate_equations(compiled: Any, data: Mapping[str, Iterable[Any]]) -> dict[str, float]:
    """Held-out metrics of every equation whose source has an iterable of batches in
    ``data`` (see the module docstring). Runs in eval mode under ``no_grad`` and restores
    the modules' modes. Missing values (``Masked`` columns, ``"<edge>.mask"`` keys, the
    diagram's ``missing=``) are left out: each equation is measured on the examples where
    both its sides are defined, and an equation with none has no entry.

    >>> from catlearn_torch import Masked, Realisation, compile
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Identity()}))
    >>> y = Masked(torch.tensor([[1.0], [5.0]]), torch.tensor([True, False]))
    >>> evaluate_equations(L, {"N": [{"x": torch.ones(2, 1), "y": y}]})
    {'x ⋅ c = y: loss': 0.0}
    """
    core: CompiledDiagram = unwrap(compiled)
    modes = {name: m.training for name, m in core.named_modules()}
    out: dict[str, float] = {}
    try:
        core.eval()
        with torch.no_grad():
            for source, batches in data.items():
                eqs = [e for e in core.diagram.equations if e.source == source]
                lhs: dict[str, list[Tensor]] = {e.name: [] for e in eqs}
                rhs: dict[str, list[Tensor]] = {e.name: [] for e in eqs}
                for batch in batches:
                    for e in eqs:
                        a, b = _on_common_rows(*_path_rows(core, e.lhs, batch),
                                               *_path_rows(core, e.rhs, batch))
                        lhs[e.name].append(a)
                        rhs[e.name].append(b)
                for e in eqs:
                    if not lhs[e.name] or sum(len(v) for v in lhs[e.name]) == 0:
                        continue
                    a, b = torch.cat(lhs[e.name]), torch.cat(rhs[e.name])
                    comp = core.comparators[e.name]
                    out[f"{e.name}: loss"] = float(comp(a, b))
                    if isinstance(comp, CrossEntropy):
                        logits, target = (b, a) if not a.is_floating_point() else (a, b)
                        if not target.is_floating_point():
                            out[f"{e.name}: accuracy"] = accuracy(logits, target,
                                                                  comp.class_dim)
                    elif isinstance(comp, InfoNCE):
                        out[f"{e.name}: recall@1"] = recall_at_1(a, b)
    finally:
        for name, m in core.named_modules():
            m.training = modes[name]
    return out
