"""The interface of weighting strategies, the fixed weighting, and the shared model.

>>> Weighting().equations
()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from catlearn_torch.errors import BAD_SHARED, NO_SHARED, WeightingError

if TYPE_CHECKING:
    from catlearn_torch.compile import CompiledDiagram

__all__ = ["Weighting", "Fixed", "shared_edges", "resolve_shared", "defined_flag",
           "active_equations"]


def defined_flag(compiled: CompiledDiagram, name: str) -> bool | Tensor:
    """Whether equation ``name`` had a defined example in the last batch: ``True`` when
    the batch had no missing values; else a bool (or a 0-d bool tensor, when the counts
    are tensors, so no Python branch depends on data).

    >>> class C: last_defined = {"e": 0}
    >>> defined_flag(C(), "e"), defined_flag(C(), "f")
    (False, True)
    """
    counts = getattr(compiled, "last_defined_counts", None)  # no device sync
    if counts is None:
        counts = compiled.last_defined
    if counts is None:
        return True
    k = counts.get(name, 1)
    return k > 0 if isinstance(k, Tensor) else bool(k > 0)


def _grad_sides(eq: Any) -> tuple[Any, ...]:
    return {"both": (eq.lhs, eq.rhs), "lhs": (eq.lhs,), "rhs": (eq.rhs,)}[eq.grad]


class Weighting(nn.Module):
    """Base class of weighting strategies (see :mod:`catlearn_torch.weighting`); it is the
    fixed weighting ``Σ w_i L_i``. Subclasses override :meth:`combine` and the hooks.

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

        >>> class C: weights = {"a": 1.0, "b": 1.0}
        >>> w = Weighting(); w.bind(C()); w.equations
        ('a', 'b')
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

        >>> class C: weights = {"a": 2.0, "b": 1.0}; device = torch.device("cpu")
        >>> Fixed().combine({"a": torch.tensor(1.5), "b": torch.tensor(4.0)}, C()).item()
        7.0
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

        >>> class C: weights = {"a": 0.5}
        >>> Weighting().effective_weights(C())
        {'a': 0.5}
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

    def backward(self, loss: Tensor, terms: Mapping[str, Tensor],
                 compiled: CompiledDiagram, scale: float = 1.0) -> None:
        """Back-propagate ``loss`` — the total, times ``scale`` (a gradient scaler's
        factor divided by the accumulation count). Here plainly ``loss.backward()``;
        gradient-manipulation strategies replace the shared model's gradient.

        >>> p = nn.Parameter(torch.ones(())); Weighting().backward(3 * p, {}, None)
        >>> p.grad.item()
        3.0
        """
        loss.backward()

    def after_step(self, terms: Mapping[str, Tensor], compiled: CompiledDiagram) -> None:
        """Called after each batch, after the optimiser step if one was taken (nothing
        here).

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


def shared_edges(compiled: CompiledDiagram, equations: Sequence[str] | None = None
                 ) -> tuple[str, ...]:
    """The shared model of a diagram: the trainable learnable edges that lie on the
    gradient side of every weighted equation (weight > 0; or of ``equations``), or, if
    none does, those on the most of them (at least two). Empty when no edge is on two.

    >>> from catlearn_torch.compile import compile
    >>> from catlearn_torch.realise import Realisation
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
    for eq in compiled.diagram.equations:
        if equations is not None and eq.name not in equations:
            continue
        if equations is None and compiled.weights[eq.name] == 0.0:
            continue
        edges = {e for p in _grad_sides(eq) for e in p.names if e in trainable}
        for e in edges:
            reach.setdefault(e, set()).add(eq.name)
    best = max((len(v) for v in reach.values()), default=0)
    if best < 2:
        return ()
    return tuple(e for e in compiled.roles if e in reach and len(reach[e]) == best)


def resolve_shared(compiled: CompiledDiagram, shared: Sequence[str] | None, who: str
                   ) -> tuple[str, ...]:
    """``shared`` checked against the trainable learnable edges, or the diagram's shared
    model (:func:`shared_edges`); a :class:`WeightingError` names ``who`` otherwise.

    >>> from catlearn_torch.weighting.examples import example as _example
    >>> L, _ = _example()
    >>> resolve_shared(L, None, "PCGrad"), resolve_shared(L, ["h1"], "PCGrad")
    (('m',), ('h1',))
    """
    known = compiled.learnable_edges()
    if shared is not None:
        bad = [e for e in shared if e not in known]
        if bad:
            raise WeightingError(BAD_SHARED.format(
                names=", ".join(bad), known=", ".join(known) or "none").replace(
                    "GradNorm", who))
        return tuple(shared)
    found = shared_edges(compiled)
    if not found:
        raise WeightingError(NO_SHARED.format(
            known=", ".join(known) or "none").replace("GradNorm", who))
    return found


def active_equations(terms: Mapping[str, Tensor], compiled: CompiledDiagram,
                     shared: Sequence[str]) -> list[int]:
    """The indices (in ``terms``' order) of the equations a gradient method balances:
    weight > 0, a defined example in the batch, and a gradient side through ``shared``.

    >>> from catlearn_torch.weighting.examples import example as _example
    >>> L, batch = _example(); L.reweight({"x ⋅ m ⋅ h1 = y": 0.0})
    >>> active_equations(L(batch).terms, L, ("m",))
    [1]
    """
    trainable = set(shared)
    index = {n: i for i, n in enumerate(terms)}
    out = []
    for eq in compiled.diagram.equations:
        if eq.name not in index or compiled.weights[eq.name] == 0.0 \
                or not bool(defined_flag(compiled, eq.name)):
            continue
        if any(e in trainable for p in _grad_sides(eq) for e in p.names):
            out.append(index[eq.name])
    return sorted(out)

