"""Batch guards: the compiled loss checks each batch and names what does not fit.

A wrong batch fails with a :class:`~catlearn_torch.errors.BatchError` naming the source,
the column, the edge or the equation and what was expected, instead of deep inside
torch (or not at all):

* **metadata** (shapes, dtypes, ranks; no data is read, so these cost a few attribute
  reads per step and, under ``torch.compile``, nothing at run time: they become the
  compiled graph's guards): an empty batch; a 0-dimensional column; columns of one
  source with different numbers of examples; a column that does not fit its declared
  :class:`~catlearn_torch.realise.Space`; an input that does not fit the first layer of
  an edge's module (``Linear``'s ``in_features`` and dtype, ``Conv``'s channels and
  rank, ``Embedding``'s integer indices); two values an equation's comparator cannot
  compare (integer targets of ``mse``, a target whose shape differs from the
  prediction's — refused rather than broadcast — class indices of the wrong shape).
  A module that still fails is re-raised naming the edge, its path and the input.
* **values** (read on the device, no branch on them while the loss is computed):
  class indices out of range for ``cross_entropy`` (they are replaced by 0 for the
  computation, so the kernel never sees them) and non-finite (NaN, inf) input columns.
  Eager: after the equations, one host synchronisation checks the flags and the terms'
  finiteness together; on a problem the culprit is found and reported (a term that is
  not finite although its input columns are finite comes from a model: it is left to
  :func:`catlearn_torch.fit`'s :class:`NonFiniteLossError`). Under ``torch.compile``
  the flags become ``torch._assert_async`` checks (a ``RuntimeError`` with the same
  message, on CPU; on CUDA a device-side assert would abort the process, so they are
  not asserted there: run :meth:`~catlearn_torch.CompiledDiagram.check` or an eager
  step to diagnose).

Under ``torch.compile(fullgraph=True)`` a metadata error found while tracing reaches the
caller wrapped by torch (``torch._dynamo.exc.Unsupported: Observed exception``, whose
message holds ours); without ``fullgraph`` it is the :class:`BatchError` itself.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> L = compile(D, Realisation(D, models={"c": nn.Linear(3, 1)}))
>>> L({"x": torch.zeros(4, 3), "y": torch.zeros(4)})
Traceback (most recent call last):
...
catlearn_torch.errors.BatchError: equation 'x ⋅ c = y' (MSE()): cannot compare lhs ...
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from catlearn.learning import LearningDiagram, path_text
from catlearn.learning.plan import LossPlan
from catlearn_torch.comparators import (
    KL,
    L1,
    MSE,
    Comparator,
    Cosine,
    CrossEntropy,
    InfoNCE,
    SqDist,
    describe,
)
from catlearn_torch.errors import (
    ALL_IGNORED,
    BAD_COMPARISON,
    COLUMN_RANK,
    COLUMN_SIZE,
    COLUMN_SPACE,
    EDGE_FAILED,
    EDGE_INPUT,
    EMPTY_BATCH,
    LABEL_RANGE,
    NON_FINITE_INPUT,
    BatchError,
    TorchBackendError,
)
from catlearn_torch.plan_exec import (
    ColumnStep,
    EquationStep,
    Frame,
    Models,
    ModuleStep,
    Program,
)
from catlearn_torch.realise import Realisation
from catlearn_torch.rows import masked_value

__all__ = ["Guards", "first_layer", "layer_mismatch", "comparison_problem"]

_CONV: dict[type, int] = {nn.Conv1d: 1, nn.Conv2d: 2, nn.Conv3d: 3}


def _dt(x: Tensor) -> str:
    return str(x.dtype).replace("torch.", "")


def first_layer(module: nn.Module) -> nn.Module | None:
    """The layer that first sees an edge's input, when it can be known: the module
    itself or the first element of (nested) ``nn.Sequential`` s, if it is a ``Linear``,
    ``Conv1d/2d/3d`` or ``Embedding``.

    >>> first_layer(nn.Sequential(nn.Sequential(nn.Linear(3, 2)), nn.ReLU()))
    Linear(in_features=3, out_features=2, bias=True)
    >>> first_layer(nn.ReLU()) is None
    True
    """
    m = module
    for _ in range(64):
        if isinstance(m, (nn.Linear, nn.Embedding, *_CONV)):
            if isinstance(m, nn.modules.lazy.LazyModuleMixin):
                return None
            return m
        if isinstance(m, nn.Sequential) and len(m) > 0:
            m = m[0]
            continue
        return None
    return None


def _floating(layer: nn.Module, x: Tensor) -> str | None:
    if not x.is_floating_point():
        return "expects floating inputs"
    w = getattr(layer, "weight", None)
    if isinstance(w, Tensor) and x.dtype != w.dtype \
            and not torch.is_autocast_enabled(x.device.type):
        return f"expects inputs of dtype {_dt(w)}, its parameters' dtype"
    return None


def layer_mismatch(layer: nn.Module, x: Tensor) -> str | None:
    """Why ``x`` does not fit ``layer`` (metadata only), or ``None``.

    >>> layer_mismatch(nn.Linear(3, 2), torch.zeros(4, 5))
    'expects inputs whose last dimension is 3'
    >>> layer_mismatch(nn.Embedding(3, 2), torch.zeros(4)) is None
    False
    """
    if isinstance(layer, nn.Linear):
        if x.dim() == 0 or x.shape[-1] != layer.in_features:
            return f"expects inputs whose last dimension is {layer.in_features}"
        return _floating(layer, x)
    if isinstance(layer, nn.Embedding):
        return None if not x.is_floating_point() and not x.is_complex() \
            else "expects integer indices"
    d = _CONV[type(layer)]
    if x.dim() not in (d + 1, d + 2):
        return f"expects inputs of {d + 1} or {d + 2} dimensions ((n,) channels, " \
            f"{d} spatial)"
    channels = x.shape[1] if x.dim() == d + 2 else x.shape[0]
    if channels != layer.in_channels:
        return f"expects {layer.in_channels} input channels"
    return _floating(layer, x)


def _tensors(a: Any, b: Any) -> str | None:
    for side, x in (("lhs", a), ("rhs", b)):
        if not isinstance(x, Tensor):
            return f"the {side} is a {type(x).__name__}, not a tensor"
    return None


def _pointwise(comp: Comparator, a: Tensor, b: Tensor, dims: int = 1) -> str | None:
    for side, x in (("lhs", a), ("rhs", b)):
        if not x.is_floating_point():
            return (f"the {side} has dtype {_dt(x)}, but {comp.name} compares floating "
                    "values (convert the column, e.g. with .float())")
    if a.shape != b.shape:
        return (f"the shapes differ: {tuple(a.shape)} vs {tuple(b.shape)} (a target whose "
                "shape differs from the prediction's is refused, not broadcast)")
    if a.dim() < dims:
        return f"{dims} dimensions (batch, classes or features) are needed"
    return None


def _cross_entropy(comp: Comparator, a: Tensor, b: Tensor) -> str | None:
    ce: CrossEntropy = comp  # type: ignore[assignment]
    if not a.is_floating_point() and b.is_floating_point():
        a, b = b, a
    if not a.is_floating_point():
        return "neither side holds logits (a floating dtype is needed on one side)"
    if a.dim() < 1:
        return f"the logits have shape {tuple(a.shape)}"
    if ce.class_dim != 1 and a.dim() >= 2:
        if not -a.dim() <= ce.class_dim < a.dim():
            return f"class_dim={ce.class_dim} is not a dimension of logits of shape " \
                f"{tuple(a.shape)}"
        a, b = ce._classes_on_1(a, b)
    if b.is_floating_point():
        if a.shape != b.shape:
            return (f"logits of shape {tuple(a.shape)} need a target of the same shape "
                    f"(probabilities) or of shape {tuple(a.shape[:1] + a.shape[2:])} "
                    f"(class indices), not {tuple(b.shape)}")
        return None
    if b.is_complex() or b.dtype == torch.bool:
        return f"class indices must be integers, not {_dt(b)}"
    want = tuple(a.shape[:1] + a.shape[2:]) if a.dim() > 1 else ()
    if tuple(b.shape) != want:
        return (f"class indices for logits of shape {tuple(a.shape)} must have shape "
                f"{want}, not {tuple(b.shape)}")
    return None


def _info_nce(comp: Comparator, a: Tensor, b: Tensor) -> str | None:
    if a.dim() < 1 or b.dim() < 1 or a.shape[0] != b.shape[0]:
        return f"batch sizes differ: {tuple(a.shape)} vs {tuple(b.shape)}"
    if a[0].numel() != b[0].numel():
        return f"embeddings differ in size: {tuple(a.shape[1:])} vs {tuple(b.shape[1:])}"
    if not (a.is_floating_point() and b.is_floating_point()):
        return "both sides must have a floating dtype"
    return None


_RULES: dict[type, Callable[[Comparator, Tensor, Tensor], str | None]] = {
    MSE: _pointwise, L1: _pointwise, SqDist: _pointwise,
    KL: lambda c, a, b: _pointwise(c, a, b, 2), Cosine: lambda c, a, b: _pointwise(c, a, b, 2),
    CrossEntropy: _cross_entropy, InfoNCE: _info_nce,
}


def comparison_problem(comp: Any, a: Any, b: Any) -> str | None:
    """Why a built-in comparator cannot compare ``a`` with ``b`` (shapes and dtypes only;
    user comparators: ``None``).

    >>> comparison_problem(MSE(), torch.zeros(4, 1), torch.zeros(4))
    "the shapes differ: (4, 1) vs (4,) (a target whose shape differs from the \
prediction's is refused, not broadcast)"
    >>> comparison_problem(MSE(), torch.zeros(4), torch.zeros(4, dtype=torch.long))
    'the rhs has dtype int64, but mse compares floating values (convert the column, e.g. \
with .float())'
    """
    rule = _RULES.get(type(comp))
    if rule is None:
        return None
    return _tensors(a, b) or rule(comp, a, b)


class LabelFlag(NamedTuple):
    """A flagged cross-entropy target: the equation, which side holds the indices, the
    indices and the number of classes."""

    equation: EquationStep
    side: str
    labels: Tensor
    classes: int


class ColumnFlag(NamedTuple):
    """A column checked for non-finite values under ``torch.compile``."""

    step: ColumnStep
    value: Tensor


class Guards:
    """The batch guards of one compiled diagram (see the module docstring).

    >>> Guards  # doctest: +ELLIPSIS
    <class '...Guards'>
    """

    def __init__(self, program: Program, plan: LossPlan, diagram: LearningDiagram,
                 realisation: Realisation, models: Models,
                 roles: Mapping[str, str]) -> None:
        nodes = plan.nodes
        self.paths = {n.id: str(n.path) for n in nodes}
        self.texts = {n.id: path_text(n.path) for n in nodes}
        self.ends = {n: diagram.graph.ends(n) for n in roles}
        self.roles = dict(roles)
        column_node: dict[int, ColumnStep] = {}
        steps = {s.node: s for s in program.steps}
        for n in nodes:
            if n.parent is None:
                continue
            s = steps[n.id]
            column_node[n.id] = s if isinstance(s, ColumnStep) else column_node[n.parent]
        self.column_of = column_node
        readers: dict[str, list[str]] = {}
        for eq in program.equations:
            for side in (eq.lhs, eq.rhs):
                if side in column_node:
                    readers.setdefault(column_node[side].edge, []).append(eq.name)
        self.readers = {e: ", ".join(repr(n) for n in dict.fromkeys(v))
                        for e, v in readers.items()}
        self.spaces = {s.edge: realisation.space(self.ends[s.edge][1])
                       for s in program.steps if isinstance(s, ColumnStep)}
        self.layers = {e: first_layer(m) for e, m in models.items()}
        #: (equation, shapes, dtypes) already found comparable, (edge, shape, dtype) of
        #: inputs already found to fit (eager only)
        self._comparable_seen: set[tuple[Any, ...]] = set()
        self._input_seen: set[tuple[Any, ...]] = set()

    def _check_input(self, step: ModuleStep, layer: nn.Module, x: Tensor) -> None:
        """:func:`layer_mismatch`, remembered per edge, input shape and dtype when the
        dtype is the layer's own (so autocast plays no part)."""
        compiling = torch.compiler.is_compiling()
        key = (step.edge, x.shape, x.dtype)
        if not compiling and key in self._input_seen:
            return
        why = layer_mismatch(layer, x)
        if why is not None:
            raise BatchError(EDGE_INPUT.format(
                why=why, layer=repr(layer), got=describe(x), **self._edge(step)))
        w = getattr(layer, "weight", None)
        if not compiling and (not isinstance(w, Tensor) or w.dtype == x.dtype):
            if len(self._input_seen) > 4096:
                self._input_seen.clear()
            self._input_seen.add(key)

    def forget(self) -> None:
        """Drop the remembered checks (after the modules change device or dtype)."""
        self._input_seen.clear()
        self._comparable_seen.clear()

    def _comparable(self, eq: EquationStep, a: Any, b: Any) -> str | None:
        """:func:`comparison_problem`, remembered per equation and shapes/dtypes (the
        check reads metadata only, so its answer depends on nothing else)."""
        if torch.compiler.is_compiling() or not (isinstance(a, Tensor)
                                                  and isinstance(b, Tensor)):
            return comparison_problem(eq.comparator, a, b)
        key = (eq.name, a.shape, a.dtype, b.shape, b.dtype)
        if key in self._comparable_seen:
            return None
        why = comparison_problem(eq.comparator, a, b)
        if why is None:
            if len(self._comparable_seen) > 4096:
                self._comparable_seen.clear()
            self._comparable_seen.add(key)
        return why

    # ------------------------------------------------------------------ columns
    def column(self, step: ColumnStep, v: Any, mask: Tensor | None, frame: Frame) -> None:
        """Check a column's metadata: rank, number of examples, declared space."""
        if isinstance(v, Tensor):
            if v.dim() == 0:
                raise BatchError(COLUMN_RANK.format(
                    edge=step.edge, source=step.source, equations=self._readers(step)))
            n = v.shape[0]
        elif hasattr(v, "__len__"):
            n = len(v)
        else:
            return
        if n == 0:
            raise BatchError(EMPTY_BATCH.format(
                source=step.source, edge=step.edge, equations=self._readers(step)))
        first = frame.sizes.get(step.source)
        if first is None:
            frame.sizes[step.source] = (step.edge, n)
        elif n != first[1]:
            raise BatchError(COLUMN_SIZE.format(
                edge=step.edge, source=step.source, got=n, first=first[0],
                expected=first[1], equations=self._readers(step)))
        sp = self.spaces[step.edge]
        if (sp.shape is not None or sp.dtype is not None) and isinstance(v, Tensor):
            bad = sp.mismatch(v)
            if bad is not None:
                what = f"per-example shape {sp.shape}" if bad == "shape" else \
                    f"dtype {sp.dtype}"
                raise BatchError(COLUMN_SPACE.format(
                    edge=step.edge, source=step.source, got=describe(v),
                    space=self.ends[step.edge][1], what=what,
                    equations=self._readers(step)))

    def _readers(self, step: ColumnStep) -> str:
        return self.readers.get(step.edge, "none")

    # ------------------------------------------------------------------ modules
    def _edge(self, step: ModuleStep) -> dict[str, Any]:
        src, tgt = self.ends[step.edge]
        return {"edge": step.edge, "role": self.roles[step.edge], "src": src, "tgt": tgt,
                "path": self.paths[step.node]}

    def check_input(self, step: ModuleStep, x: Any) -> None:
        """The input check of :meth:`call` alone (for a step run fused with others)."""
        layer = self.layers.get(step.edge)
        if layer is not None and isinstance(x, Tensor):
            self._check_input(step, layer, x)

    def call(self, step: ModuleStep, module: nn.Module, x: Any) -> Any:
        """Apply the edge's module after checking its input against its first layer;
        a failure of the module is re-raised naming the edge, its path and the input."""
        layer = self.layers.get(step.edge)
        if layer is not None and isinstance(x, Tensor):
            self._check_input(step, layer, x)
        try:
            return module(x)
        except (RuntimeError, ValueError, TypeError, IndexError) as err:
            if isinstance(err, (TorchBackendError, torch.OutOfMemoryError)) or \
                    type(err).__module__.startswith("torch._dynamo"):
                raise
            text = str(err).strip()
            raise BatchError(EDGE_FAILED.format(
                got=describe(x), error=f"{type(err).__name__}: "
                f"{text.splitlines()[0] if text else ''}", **self._edge(step))) from err

    # ------------------------------------------------------------------ equations
    def compare(self, eq: EquationStep, a: Any, b: Any, frame: Frame) -> tuple[Any, Any]:
        """Check that the comparator can compare ``a`` with ``b``; flag (and neutralise)
        out-of-range class indices. Returns the values to compare."""
        why = self._comparable(eq, a, b)
        if why is not None:
            raise BatchError(BAD_COMPARISON.format(
                equation=eq.name, comparator=repr(eq.comparator),
                lhs=self.texts[eq.lhs], rhs=self.texts[eq.rhs],
                lgot=describe(a), rgot=describe(b), why=why))
        if type(eq.comparator) is CrossEntropy:
            swapped, logits, labels, classes = self._labels(eq, a, b)
            if not labels.is_floating_point():
                flag = LabelFlag(eq, "lhs" if swapped else "rhs", labels, classes)
                frame.labels[eq.name] = flag
                if a.device.type != "cpu" or torch.compiler.is_compiling():
                    return self._neutralise(flag, swapped, logits, frame)
        return a, b

    @staticmethod
    def _labels(eq: EquationStep, a: Tensor, b: Tensor) -> tuple[bool, Tensor, Tensor, int]:
        swapped = not a.is_floating_point() and b.is_floating_point()
        logits, labels = (b, a) if swapped else (a, b)
        dim = eq.comparator.class_dim if logits.dim() > 1 else 0
        return swapped, logits, labels, int(logits.shape[dim])

    def _neutralise(self, flag: LabelFlag, swapped: bool, logits: Tensor, frame: Frame
                    ) -> tuple[Tensor, Tensor]:
        """Off the CPU (where the kernel would abort the process) and under
        ``torch.compile``: flag out-of-range class indices and replace them by 0."""
        bad = self._out_of_range(flag)
        frame.flags.append((bad.any(), flag))
        labels = torch.where(bad, torch.zeros_like(flag.labels), flag.labels)
        return (labels, logits) if swapped else (logits, labels)

    def evaluate(self, eq: EquationStep, a: Any, b: Any, mask: Tensor | None) -> Tensor:
        """The equation's value (its masked mean when ``mask`` is given); on the CPU,
        cross-entropy's own failure on out-of-range class indices is reported naming
        the equation."""
        try:
            if mask is not None:
                return masked_value(eq.comparator, a, b, mask)
            return eq.comparator(a, b)
        except (IndexError, RuntimeError) as err:
            if type(eq.comparator) is not CrossEntropy or torch.compiler.is_compiling():
                raise
            swapped, _, labels, classes = self._labels(eq, a, b)
            if labels.is_floating_point():
                raise
            flag = LabelFlag(eq, "lhs" if swapped else "rhs", labels, classes)
            if not bool(self._out_of_range(flag).any()):
                raise
            raise BatchError(self._label_message(flag)) from err

    @staticmethod
    def _out_of_range(flag: LabelFlag) -> Tensor:
        labels = flag.labels
        return ((labels < 0) & (labels != -100)) | (labels >= flag.classes)

    # ------------------------------------------------------------------ the end
    def finish(self, program: Program, frame: Frame, total: Tensor) -> None:
        """Check the value flags and the loss's finiteness (see the module docstring):
        eager, one host synchronisation; under ``torch.compile``, asserts. A non-finite
        term shows in the total (``0 · NaN`` is NaN), which is all that is read."""
        if torch.compiler.is_compiling():
            self._assert_compiled(program, frame)
            return
        if frame.flags:
            bad = ~torch.isfinite(total.detach()) | torch.stack([f for f, _ in frame.flags]).any()
            if bool(bad):
                self._diagnose(program, frame)
        elif not math.isfinite(float(total.detach())):
            self._diagnose(program, frame)

    def _label_message(self, flag: LabelFlag) -> str:
        eq, labels = flag.equation, flag.labels
        bad = self._out_of_range(flag)
        wrong = labels[bad]
        return LABEL_RANGE.format(
            equation=eq.name, comparator=repr(eq.comparator), side=flag.side,
            path=self.texts[eq.lhs if flag.side == "lhs" else eq.rhs],
            classes=flag.classes, low=int(wrong.min()), high=int(wrong.max()),
            bad=int(bad.sum()), n=labels.numel())

    def _input_message(self, eq: EquationStep, frame: Frame) -> str | None:
        for side, node in (("lhs", eq.lhs), ("rhs", eq.rhs)):
            step = self.column_of.get(node)
            if step is None:
                continue
            v = frame.values[step.node]
            if not isinstance(v, Tensor) or not (v.is_floating_point() or v.is_complex()):
                continue
            finite = torch.isfinite(v).reshape(v.shape[0], -1).all(dim=1) if v.dim() else \
                torch.isfinite(v).reshape(1)
            if not bool(finite.all()):
                return NON_FINITE_INPUT.format(
                    equation=eq.name, edge=step.edge, source=step.source, side=side,
                    path=self.texts[node], bad=int((~finite).sum()), n=finite.numel())
        return None

    def _diagnose(self, program: Program, frame: Frame) -> None:
        labels = frame.labels
        for flag, info in frame.flags:
            if isinstance(info, LabelFlag) and bool(flag):
                raise BatchError(self._label_message(info))
        for eq in program.equations:
            t = frame.terms.get(eq.name)
            if isinstance(t, Tensor) and not bool(torch.isfinite(t.detach()).all()):
                msg = self._input_message(eq, frame)
                if msg is not None:
                    raise BatchError(msg)
                lab = labels.get(eq.name)
                if lab is not None and bool((lab.labels == -100).all()):
                    raise BatchError(ALL_IGNORED.format(
                        equation=eq.name, side=lab.side,
                        path=self.texts[eq.lhs if lab.side == "lhs" else eq.rhs]))

    def _assert_compiled(self, program: Program, frame: Frame) -> None:
        for flag, info in frame.flags:
            if isinstance(info, LabelFlag) and flag.device.type == "cpu":
                eq = info.equation
                torch._assert_async(~flag, LABEL_RANGE.format(
                    equation=eq.name, comparator=repr(eq.comparator), side=info.side,
                    path=self.texts[eq.lhs if info.side == "lhs" else eq.rhs],
                    classes=int(info.classes), low="?", high="?", bad="some",
                    n="the"))
        seen: set[int] = set()
        for eq in program.equations:
            for side, node in (("lhs", eq.lhs), ("rhs", eq.rhs)):
                step = self.column_of.get(node)
                if step is None or step.node in seen:
                    continue
                seen.add(step.node)
                v = frame.values[step.node]
                if isinstance(v, Tensor) and v.is_floating_point() \
                        and v.device.type == "cpu":
                    torch._assert_async(torch.isfinite(v).all(),
                                        NON_FINITE_INPUT.format(
                        equation=eq.name, edge=step.edge, source=step.source, side=side,
                        path=self.texts[node], bad="some", n="the"))
