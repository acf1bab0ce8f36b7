"""Equations of a learning diagram: two parallel paths from a data source.

An equation ``lhs = rhs`` asks that two ways of getting from the data set ``source`` to
the space ``target`` agree. It carries a weight ``w >= 0``, a comparator name for the
target space (``None``: the diagram's comparator for that space), and which side receives
gradient (``grad``: ``"both"``, ``"lhs"`` or ``"rhs"``; the other side is a fixed target).

>>> from catlearn.categories import Edge, Path
>>> x, y, c = Edge("x", "N", "X"), Edge("y", "N", "Y"), Edge("c", "X", "Y")
>>> eq = Equation(Path("N", [x, c]), Path("N", [y]))
>>> eq
Equation(N ⋅ x ⋅ c = N ⋅ y)
>>> eq.source, eq.target, eq.weight, eq.name
('N', 'Y', 1.0, 'x ⋅ c = y')
>>> eq.edge_names()
('x', 'c', 'y')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from catlearn.categories import Path
from catlearn.errors import BAD_GRAD, BAD_WEIGHT, NOT_PARALLEL, LearningGraphError

__all__ = ["Equation", "GRAD_SIDES", "path_text"]

#: Which sides of an equation receive gradient.
GRAD_SIDES = ("both", "lhs", "rhs")


def path_text(p: Path) -> str:
    """A path's edges joined by ``⋅`` (its source left out; an identity prints ``id_X``).

    >>> from catlearn.categories import Edge, Path
    >>> path_text(Path("N", [Edge("x", "N", "X")])), path_text(Path.id("N"))
    ('x', 'id_N')
    """
    return " ⋅ ".join(p.names) if len(p) else f"id_{p.src}"


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs``: two parallel paths from one source (checked on construction)."""

    lhs: Path
    rhs: Path
    weight: float = 1.0
    comparator: str | None = None
    grad: str = "both"
    name: str = field(default="")

    def __post_init__(self) -> None:
        for side, p in (("lhs", self.lhs), ("rhs", self.rhs)):
            if not isinstance(p, Path):
                raise LearningGraphError(f"equation {side} must be a Path, not "
                                         f"{type(p).__name__}")
        if self.lhs.src != self.rhs.src or self.lhs.tgt != self.rhs.tgt:
            raise LearningGraphError(NOT_PARALLEL.format(
                lhs=self.lhs, rhs=self.rhs, lsrc=self.lhs.src, ltgt=self.lhs.tgt,
                rsrc=self.rhs.src, rtgt=self.rhs.tgt))
        w = self.weight
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) \
                or w < 0:
            raise LearningGraphError(BAD_WEIGHT.format(
                equation=self._default_name(), weight=w))
        object.__setattr__(self, "weight", float(w))
        if self.grad not in GRAD_SIDES:
            raise LearningGraphError(BAD_GRAD.format(
                equation=self._default_name(), grad=self.grad, sides=", ".join(GRAD_SIDES)))
        if self.comparator is not None and (not isinstance(self.comparator, str)
                                            or not self.comparator):
            raise LearningGraphError(f"equation {self._default_name()}: comparator must be "
                                     f"a non-empty name or None, not {self.comparator!r}")
        if not self.name:
            object.__setattr__(self, "name", self._default_name())

    @classmethod
    def _derived_all(cls, sides: Iterable[tuple[Path, Path, str]]) -> list[Equation]:
        """Equations found by path finding, from ``(lhs, rhs, name)``: parallel paths of
        the graph, default weight, comparator and grad, the default name given; built
        without the checks, O(1) each.

        >>> from catlearn.categories import Edge, Path
        >>> p, q = Path("N", [Edge("x", "N", "X")]), Path("N", [Edge("z", "N", "X")])
        >>> Equation._derived_all([(p, q, "x = z")]) == [Equation(p, q)]
        True
        """
        new, out = cls.__new__, []
        for lhs, rhs, name in sides:
            eq = new(cls)
            eq.__dict__.update({"lhs": lhs, "rhs": rhs, "weight": 1.0, "comparator": None,
                                "grad": "both", "name": name})
            out.append(eq)
        return out

    def _default_name(self) -> str:
        return f"{path_text(self.lhs)} = {path_text(self.rhs)}"

    @property
    def source(self) -> str:
        """The data source both paths start from."""
        return self.lhs.src

    @property
    def target(self) -> str:
        """The space both paths end in."""
        return self.lhs.tgt

    @property
    def is_degenerate(self) -> bool:
        """Whether both sides are the same path (the equation holds trivially)."""
        return self.lhs == self.rhs

    def edge_names(self) -> tuple[str, ...]:
        """The names of the edges on either side, each once, lhs first."""
        return tuple(dict.fromkeys(self.lhs.names + self.rhs.names))

    def with_(self, **changes: Any) -> Equation:
        """A copy with some fields changed (``weight``, ``comparator``, ``grad``, ``name``).

        >>> from catlearn.categories import Edge, Path
        >>> p = Path("N", [Edge("x", "N", "X")])
        >>> Equation(p, p).with_(weight=2).weight
        2.0
        """
        return replace(self, **changes)

    def __repr__(self) -> str:
        extras = []
        if self.weight != 1.0:
            extras.append(f"weight={self.weight:g}")
        if self.comparator is not None:
            extras.append(f"comparator={self.comparator!r}")
        if self.grad != "both":
            extras.append(f"grad={self.grad!r}")
        if self.name != self._default_name():
            extras.append(f"name={self.name!r}")
        tail = (", " + ", ".join(extras)) if extras else ""
        return f"Equation({self.lhs!r} = {self.rhs!r}{tail})"
