"""Categories given by their operations: the targets of functors.

A category, for this library, is anything with ``id(x)`` (the identity at an object),
``compose(f, g)`` (diagrammatic: "f, then g") and ``equal(f, g)`` (a decision procedure
for equality of morphisms), optionally ``source(f)`` and ``target(f)``: the protocol
:class:`CategoryLike`. :class:`Category` builds one from Python callables. The axioms
(checked as doctests on the category of integers under addition, one object)::

    >>> Z = Category(identity=lambda x: 0, compose=lambda f, g: f + g)
    >>> Z.compose(Z.compose(1, 2), 3) == Z.compose(1, Z.compose(2, 3))
    True
    >>> Z.compose(Z.id("*"), 5) == 5 == Z.compose(5, Z.id("*"))
    True
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from catlearn.categories.errors import CategoryTypeError

__all__ = ["CategoryLike", "Category"]


@runtime_checkable
class CategoryLike(Protocol):
    """What a functor needs of its target: identities, composition, equality.

    >>> isinstance(Category(lambda x: 0, lambda f, g: f + g), CategoryLike)
    True
    """

    def id(self, x: Any) -> Any:
        """The identity morphism at object ``x``."""
        ...

    def compose(self, f: Any, g: Any) -> Any:
        """The composite "f, then g"."""
        ...

    def equal(self, f: Any, g: Any) -> bool:
        """Whether two morphisms are equal."""
        ...


class Category:
    """A category given by Python callables.

    ``identity(x)`` is the identity at ``x``; ``compose(f, g)`` is "f, then g" (for
    functions: ``lambda x: g(f(x))``); ``equal`` defaults to ``==``; ``source`` and
    ``target``, when given, let functors check that generators land in the right hom-set.

    >>> Mul = Category(lambda n: 1, lambda a, b: a * b, name="(ℕ, ×, 1)")
    >>> Mul.compose(2, 3), Mul.id("*"), Mul
    (6, 1, Category('(ℕ, ×, 1)'))
    """

    def __init__(
        self,
        identity: Callable[[Any], Any],
        compose: Callable[[Any, Any], Any],
        equal: Callable[[Any, Any], bool] | None = None,
        *,
        source: Callable[[Any], Any] | None = None,
        target: Callable[[Any], Any] | None = None,
        name: str = "",
    ) -> None:
        for what, fn in (("identity", identity), ("compose", compose)):
            if not callable(fn):
                raise CategoryTypeError(f"{what} must be callable, not {type(fn).__name__}")
        for what, opt in (("equal", equal), ("source", source), ("target", target)):
            if opt is not None and not callable(opt):
                raise CategoryTypeError(f"{what} must be callable, not {type(opt).__name__}")
        self._identity = identity
        self._compose = compose
        self._equal: Callable[[Any, Any], bool] = equal if equal is not None else operator.eq
        self._source = source
        self._target = target
        self.name = name

    def id(self, x: Any) -> Any:
        """The identity at ``x``.

        >>> Category(lambda x: (x, x), lambda f, g: (f[0], g[1])).id("a")
        ('a', 'a')
        """
        return self._identity(x)

    def compose(self, f: Any, g: Any) -> Any:
        """The composite "f, then g".

        >>> Category(lambda x: "", lambda f, g: f + g).compose("ab", "c")
        'abc'
        """
        return self._compose(f, g)

    def equal(self, f: Any, g: Any) -> bool:
        """Whether ``f`` and ``g`` are equal morphisms.

        >>> Category(lambda x: 0, lambda f, g: (f + g) % 3, lambda a, b: a % 3 == b % 3
        ...          ).equal(1, 4)
        True
        """
        return bool(self._equal(f, g))

    @property
    def source(self) -> Callable[[Any], Any] | None:
        """The source map, when given.

        >>> Category(lambda x: 0, lambda f, g: f + g).source is None
        True
        """
        return self._source

    @property
    def target(self) -> Callable[[Any], Any] | None:
        """The target map, when given.

        >>> Category(lambda x: 0, lambda f, g: f + g, target=lambda f: "*").target(3)
        '*'
        """
        return self._target

    def __repr__(self) -> str:
        return f"Category({self.name!r})"
