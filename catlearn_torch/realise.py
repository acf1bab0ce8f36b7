"""Realisations: spaces as comparators, edges as ``nn.Module`` s or data columns.

A :class:`Realisation` of a learning diagram gives

* each **space** a comparator (:mod:`catlearn_torch.comparators`): a name such as
  ``"cross_entropy"`` or ``"kl(temperature=4)"``, a :class:`Comparator`, any callable
  ``(a, b) -> scalar``, or a :class:`Space` that also declares the per-example shape and
  dtype of its values (checked by :meth:`CompiledDiagram.check`). Spaces left out use the
  diagram's comparator for them (``mse`` unless the diagram says otherwise);
* each **fixed or learnable edge** an ``nn.Module`` (a fixed edge may also be a plain
  callable, wrapped in :class:`Lambda`). Fixed edges are frozen when compiled;
* each **data edge** nothing: data edges are the columns of their source's batch
  (:mod:`catlearn_torch.data`).

Which comparator an equation uses: the equation's own comparator name, if the diagram
gives one (looked up in ``comparators=`` first, then among the built-ins); else the
realisation's comparator for the target space; else the diagram's comparator for that
space, by name.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> R = Realisation(D, spaces={"Y": "cross_entropy"}, models={"c": nn.Linear(4, 3)})
>>> R.comparator(D.equations[0])
CrossEntropy(soft_target='probs', label_smoothing=0.0)
>>> Realisation(D, models={})
Traceback (most recent call last):
...
catlearn_torch.errors.RealisationError: no module is given for the edge(s) c: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from catlearn.learning import DATA, FIXED, LEARNABLE, Equation, LearningDiagram
from catlearn_torch.comparators import Comparator, get_comparator
from catlearn_torch.errors import (
    BAD_SPACE,
    DATA_EDGE_MODEL,
    EXTRA_MODELS,
    EXTRA_SPACES,
    MISSING_MODELS,
    NOT_A_MODULE,
    RealisationError,
)

__all__ = ["Space", "Realisation", "Lambda"]

ComparatorLike = str | Comparator | Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class Space:
    """A space's realisation: a comparator and, optionally, the per-example ``shape``
    (``None`` entries match any size) and the ``dtype`` of its values.

    >>> Space("cross_entropy", shape=(10,), dtype=torch.float32).comparator
    'cross_entropy'
    """

    comparator: ComparatorLike | None = None
    shape: tuple[int | None, ...] | None = None
    dtype: torch.dtype | None = None

    def mismatch(self, value: Tensor) -> str | None:
        """``"shape"`` or ``"dtype"`` when ``value`` (a batch) does not fit, else ``None``.

        >>> Space(shape=(3,)).mismatch(torch.zeros(8, 4))
        'shape'
        """
        if self.shape is not None:
            got = tuple(value.shape[1:])
            if len(got) != len(self.shape) or any(
                    w is not None and w != g for w, g in zip(self.shape, got, strict=True)):
                return "shape"
        if self.dtype is not None and value.dtype != self.dtype:
            return "dtype"
        return None


class Lambda(nn.Module):
    """A plain function as a parameter-free module (for fixed edges).

    >>> Lambda(torch.flatten, start_dim=1)(torch.zeros(2, 3, 4)).shape
    torch.Size([2, 12])
    """

    def __init__(self, fn: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__()
        self.fn = fn
        self.kwargs = kwargs

    def forward(self, x: Any) -> Any:
        """Apply the function."""
        return self.fn(x, **self.kwargs)

    def extra_repr(self) -> str:
        return getattr(self.fn, "__name__", repr(self.fn))


def _names(xs: Any) -> str:
    return ", ".join(str(x) for x in xs) or "none"


class Realisation:
    """A realisation of ``diagram`` (see the module docstring). Missing or extra names
    raise :class:`RealisationError` listing them.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> Realisation(LearningDiagram.from_graph(g), models={"c": nn.Linear(2, 2),
    ...                                                     "d": nn.Linear(2, 2)})
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.RealisationError: modules are given for edge(s) the diagram does \
not have: d (its fixed and learnable edges: c)
    """

    def __init__(self, diagram: LearningDiagram,
                 spaces: Mapping[str, ComparatorLike | Space] | None = None,
                 models: Mapping[str, nn.Module | Callable[..., Any]] | None = None,
                 comparators: Mapping[str, ComparatorLike] | None = None) -> None:
        if not isinstance(diagram, LearningDiagram):
            raise RealisationError(f"a realisation is made for a LearningDiagram, not "
                                   f"{type(diagram).__name__}")
        self.diagram = diagram
        graph = diagram.graph
        spaces, models = dict(spaces or {}), dict(models or {})
        self.registry: dict[str, ComparatorLike] = dict(comparators or {})
        known_spaces = graph.vertex_names()
        extra = [s for s in spaces if s not in known_spaces]
        if extra:
            raise RealisationError(EXTRA_SPACES.format(
                names=_names(extra), known=_names(known_spaces)))
        self.spaces: dict[str, Space] = {}
        for name, value in spaces.items():
            if isinstance(value, Space):
                sp = value
            elif isinstance(value, (str, Comparator)) or callable(value):
                sp = Space(value)
            else:
                raise RealisationError(BAD_SPACE.format(
                    space=name, type=type(value).__name__))
            if sp.comparator is not None:
                get_comparator(sp.comparator, self.registry)  # fail early on bad names
            self.spaces[name] = sp
        roles = {n: r for n, _, _, r in graph.edges()}
        wanted = [n for n, r in roles.items() if r in (FIXED, LEARNABLE)]
        data = [n for n in models if roles.get(n) == DATA]
        if data:
            raise RealisationError(DATA_EDGE_MODEL.format(names=_names(data)))
        extra = [n for n in models if n not in roles]
        if extra:
            raise RealisationError(EXTRA_MODELS.format(
                names=_names(extra), known=_names(wanted)))
        missing = [n for n in wanted if n not in models]
        if missing:
            raise RealisationError(MISSING_MODELS.format(names=_names(missing)))
        self.modules: dict[str, nn.Module] = {}
        for n in wanted:
            m = models[n]
            if not isinstance(m, nn.Module):
                if roles[n] == FIXED and callable(m):
                    m = Lambda(m)
                else:
                    raise RealisationError(NOT_A_MODULE.format(
                        role=roles[n], edge=n, type=type(m).__name__))
            self.modules[n] = m
        self.roles = roles
        for eq in diagram.equations:
            self.comparator(eq)  # every equation's comparator resolves

    def space(self, name: str) -> Space:
        """The realisation of a space (an empty :class:`Space` when not given).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "X")
        >>> Realisation(LearningDiagram(g, [])).space("X")
        Space(comparator=None, shape=None, dtype=None)
        """
        return self.spaces.get(name, Space())

    def comparator(self, equation: Equation) -> Comparator:
        """The comparator of an equation of the diagram (see the module docstring).

        >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
        >>> D = LearningDiagram.from_graph(g, comparators={"Y": "l1"})
        >>> Realisation(D, models={"c": nn.Identity()}).comparator(D.equations[0])
        L1()
        """
        if equation.comparator is not None:
            return get_comparator(equation.comparator, self.registry)
        sp = self.spaces.get(equation.target)
        if sp is not None and sp.comparator is not None:
            return get_comparator(sp.comparator, self.registry)
        return get_comparator(self.diagram.comparator_for(equation), self.registry)

    def __repr__(self) -> str:
        mods = ", ".join(f"{n}={type(m).__name__}" for n, m in self.modules.items())
        return f"Realisation({mods})"
