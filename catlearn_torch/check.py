"""``check``: run one batch through the program and report every problem found.

:func:`run_check` runs the program with :class:`CheckRows` — the eager missing-value
policy (:class:`~catlearn_torch.rows.GatherRows`: the same rows as the forward pass)
whose module calls and comparisons catch and record failures instead of raising — in
eval mode under ``no_grad``, restoring the RNG state and the modules' modes. It raises
:class:`~catlearn_torch.errors.CheckError` listing the problems, naming edges, paths and
equations, or returns a :class:`CheckReport`.

>>> CheckReport(terms={"x ⋅ c = y": 0.5}).terms
{'x ⋅ c = y': 0.5}
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn.learning import LEARNABLE, path_text
from catlearn_torch.comparators import describe
from catlearn_torch.data import MASK_SUFFIX, column_mask
from catlearn_torch.errors import (
    BATCH_SIZE,
    CHECK_FAILED,
    COMPARISON_FAILED,
    MODULE_FAILED,
    NO_PARAMETERS,
    NOT_A_TENSOR,
    NOT_SCALAR,
    SPACE_DTYPE,
    SPACE_SHAPE,
    UNREACHED,
    CheckError,
    UnreachedModelWarning,
)
from catlearn_torch.plan_exec import ColumnStep, EquationStep, Frame, ModuleStep, execute
from catlearn_torch.rows import GatherRows, common_rows

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["CheckReport", "CheckRows", "run_check"]


@dataclass
class CheckReport:
    """What :meth:`CompiledDiagram.check` found on one batch (when nothing was wrong).

    ``values``: each trie node's path and the shape/dtype of its value; ``terms``: each
    equation's value; ``unreached``: learnable edges that get no gradient;
    ``warnings``: other remarks (e.g. a learnable module without parameters).

    >>> CheckReport(terms={"x ⋅ c = y": 0.5}).terms
    {'x ⋅ c = y': 0.5}
    """

    values: dict[str, str] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    unreached: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = ["check passed"]
        lines += [f"  {p}: {d}" for p, d in self.values.items()]
        lines += [f"  {n} = {v:.6g}" for n, v in self.terms.items()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


class CheckRows(GatherRows):
    """The rows of :class:`GatherRows`, recording problems instead of raising.

    >>> CheckRows  # doctest: +ELLIPSIS
    <class '...CheckRows'>
    """

    def __init__(self, compiled: CompiledDiagram, report: CheckReport) -> None:
        super().__init__(compiled.device, compiled.missing, None)
        self.compiled = compiled
        self.report = report
        self.problems: list[str] = []
        self.original: BaseException | None = None
        self.nodes = compiled.plan.nodes
        self.targets = {eq.name: eq.target for eq in compiled.plan.equations}

    def _value(self, node: int, edge: str, v: Any) -> None:
        path = str(self.nodes[node].path)
        self.report.values[path] = describe(v)
        tgt = self.compiled.diagram.graph.ends(edge)[1]
        sp = self.compiled.realisation.space(tgt)
        bad = sp.mismatch(v)
        if bad == "shape":
            self.problems.append(SPACE_SHAPE.format(
                path=path, edge=edge, got=describe(v), space=tgt, shape=sp.shape))
        elif bad == "dtype":
            self.problems.append(SPACE_DTYPE.format(
                path=path, edge=edge, got=describe(v), space=tgt, dtype=sp.dtype))

    def column(self, step: ColumnStep, cols: Mapping[str, Any], frame: Frame) -> None:
        """Read a column (as a tensor), reporting a batch size that differs."""
        v, mask = column_mask(cols[step.edge], cols.get(step.edge + MASK_SUFFIX),
                              self.missing.get(step.edge))
        if not isinstance(v, Tensor):
            v = torch.as_tensor(v)
        v = v.to(self.device)
        size = v.shape[0] if v.dim() else 1
        first = frame.sizes.setdefault(step.source, (step.edge, size))
        if size != first[1]:
            self.problems.append(BATCH_SIZE.format(
                path=str(self.nodes[step.node].path), edge=step.edge, got=size,
                source=step.source, expected=first[1], first=first[0]))
        if mask is not None:
            mask = mask.to(self.device)
            v = v[mask]
        frame.values[step.node], frame.rows[step.node] = v, mask
        self._value(step.node, step.edge, v)

    def call(self, step: ModuleStep, module: nn.Module, x: Any, frame: Frame) -> Any:
        """Apply a module; a failure or a non-tensor value is reported (the node then
        has no value)."""
        c = self.compiled
        src, tgt = c.diagram.graph.ends(step.edge)
        path = str(self.nodes[step.node].path)
        try:
            v = module(x)
        except Exception as err:  # reported, naming the edge and path
            self.original = self.original or err
            text = str(err).strip()
            self.problems.append(MODULE_FAILED.format(
                edge=step.edge, role=c.roles[step.edge], src=src, tgt=tgt, path=path,
                got=describe(x), error=f"{type(err).__name__}: "
                f"{text.splitlines()[0] if text else ''}"))
            return None
        if not isinstance(v, Tensor):
            self.problems.append(NOT_A_TENSOR.format(
                edge=step.edge, role=c.roles[step.edge], src=src, tgt=tgt, path=path,
                type=type(v).__name__))
            return None
        self._value(step.node, step.edge, v)
        return v

    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> None:
        """Check that the comparator can compare the values and returns a scalar."""
        if a is None or b is None:
            return
        ml, mr = frame.rows[eq.lhs], frame.rows[eq.rhs]
        if ml is not None or mr is not None:
            m = common_rows(ml, mr)
            if not bool(m.any()):
                return
            a = a[m] if ml is None else a[m[ml]]
            b = b[m] if mr is None else b[m[mr]]
        comp = eq.comparator
        fmt = {"equation": eq.name, "space": self.targets[eq.name], "comparator": repr(comp),
               "lhs": path_text(self.nodes[eq.lhs].path),
               "rhs": path_text(self.nodes[eq.rhs].path),
               "lgot": describe(a), "rgot": describe(b)}
        why = comp.check(a, b)
        if why is None:
            try:
                t = comp(a, b)
            except Exception as err:  # reported, naming the equation and paths
                why = f"{type(err).__name__}: {str(err).strip()}"
            else:
                if not isinstance(t, Tensor) or t.numel() != 1:
                    why = NOT_SCALAR.format(name=repr(comp), what=describe(t))
                else:
                    self.report.terms[eq.name] = float(t)
        if why is not None:
            self.problems.append(COMPARISON_FAILED.format(why=why, **fmt))


def _notes(compiled: CompiledDiagram) -> tuple[tuple[str, ...], list[str]]:
    notes = []
    unreached = compiled.unreached()
    if unreached:
        why = "; ".join(f"{n}: {w}" for n, w in unreached.items())
        msg = UNREACHED.format(names=", ".join(unreached), why=why)
        warnings.warn(msg, UnreachedModelWarning, stacklevel=3)
        notes.append(msg)
    for n, r in compiled.roles.items():
        if r == LEARNABLE and n not in compiled.frozen() and not any(
                p.requires_grad for p in compiled.models[n].parameters()):
            notes.append(NO_PARAMETERS.format(edge=n))
    return tuple(unreached), notes


def run_check(compiled: CompiledDiagram, batches: Any) -> CheckReport:
    """Run one batch and report every problem (see
    :meth:`~catlearn_torch.CompiledDiagram.check`). Costs one forward pass.

    >>> run_check  # doctest: +ELLIPSIS
    <function run_check at ...>
    """
    report = CheckReport()
    frame = compiled._frame(batches)
    policy = CheckRows(compiled, report)
    modes = {name: m.training for name, m in compiled.named_modules()}
    devices = [torch.cuda.current_device()] if torch.cuda.is_initialized() else []
    try:
        with torch.random.fork_rng(devices=devices), torch.no_grad():
            compiled.eval()
            execute(compiled._program, frame, compiled.models, policy)
    finally:
        for name, m in compiled.named_modules():
            m.training = modes[name]
    if policy.problems:
        raise CheckError(CHECK_FAILED.format(
            n=len(policy.problems), problems="\n".join(f"  - {p}" for p in policy.problems)),
            tuple(policy.problems), policy.original)
    report.unreached, notes = _notes(compiled)
    report.warnings = tuple(notes)
    return report
