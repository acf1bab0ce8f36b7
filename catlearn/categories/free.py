"""The free category on a graph: objects are vertices, morphisms are paths.

Composition is concatenation of paths and identities are empty paths; two paths are
equal only when they are the same sequence of edges. Axioms, as doctests::

    >>> C = FreeCategory(Graph(("x", "y"), (("f", "x", "y"), ("g", "y", "x"))))
    >>> f, g = C.generator("f"), C.generator("g")
    >>> (f >> g) >> f == f >> (g >> f)
    True
    >>> C.id("x") >> f == f == f >> C.id("y")
    True

Universal property: a graph map into (the underlying graph of) any category extends
uniquely to a functor, :meth:`FreeCategory.functor`::

    >>> from catlearn.categories.category import Category
    >>> Words = Category(lambda x: "", lambda u, v: u + v)
    >>> F = C.functor(Words, lambda v: "*", {"f": "a", "g": "b"})
    >>> F(f >> g >> f), F(C.id("x"))
    ('aba', '')
"""

from __future__ import annotations

from typing import Any

from catlearn.categories.fincat import FinCat
from catlearn.categories.graph import Graph
from catlearn.categories.path import Path

__all__ = ["FreeCategory"]


class FreeCategory(FinCat):
    """The free category on ``graph`` (a :class:`Graph` or a C-set of schema SchGraph):
    the finitely presented category with no relations.

    >>> C = FreeCategory(Graph(("x", "y"), (("f", "x", "y"),)))
    >>> C.parse(repr(C.generator("f"))) == C.generator("f")
    True
    >>> C
    FreeCategory(Graph(vertices=('x', 'y'), edges=(('f', 'x', 'y'),)))
    """

    def __init__(self, graph: Graph | Any) -> None:
        super().__init__(graph, ())

    def equal(self, f: Path, g: Path) -> bool:
        """Paths are equal exactly when they are the same path.

        >>> C = FreeCategory(Graph(("x",), (("f", "x", "x"),)))
        >>> C.equal(C.path("f", "f"), C.path("f") >> C.path("f")), C.equal(C.path("f"), C.id("x"))
        (True, False)
        """
        return self.coerce(f) == self.coerce(g)

    def __repr__(self) -> str:
        return f"FreeCategory({self.graph!r})"
