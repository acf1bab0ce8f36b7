"""Errors raised by :mod:`catlearn.categories`.

Every error is a :class:`CategoryError`, itself a :class:`ValueError` and a
:class:`catlearn.errors.CatlearnError`, so callers can catch one family; wrong-typed
input raises :class:`CategoryTypeError`, which is also a :class:`TypeError`;
:class:`CompositionError` is also the library-wide :class:`catlearn.errors.CompositionError`.

    >>> issubclass(CompositionError, ValueError)
    True
    >>> issubclass(CategoryTypeError, TypeError)
    True
"""

from __future__ import annotations

from catlearn import errors as _errors

__all__ = [
    "CategoryError",
    "CategoryTypeError",
    "CompositionError",
    "TooManyPathsError",
    "FunctorLawError",
    "UndecidedEqualityError",
    "CostError",
]


class CategoryError(_errors.CatlearnError, ValueError):
    """Base class of the errors of :mod:`catlearn.categories`.

    >>> raise CategoryError("bad object 'x'")
    Traceback (most recent call last):
    ...
    catlearn.categories.errors.CategoryError: bad object 'x'
    """


class CategoryTypeError(CategoryError, TypeError):
    """An argument has the wrong Python type (e.g. a vertex name that is not a ``str``).

    >>> isinstance(CategoryTypeError("vertex 3 is not a str"), TypeError)
    True
    """


class CompositionError(CategoryError, _errors.CompositionError):
    """Two morphisms are not composable: the target of the first is not the source of the
    second.

    >>> str(CompositionError("x ⋅ f ends at y but z starts at z"))
    'x ⋅ f ends at y but z starts at z'
    """


class TooManyPathsError(CategoryError):
    """Path enumeration found more paths than its ``max_paths`` guard allows.

    ``count`` is the number of paths found (and already yielded) before the guard fired.

    >>> TooManyPathsError("too many", count=3).count
    3
    """

    def __init__(self, message: str, *, count: int) -> None:
        super().__init__(message)
        self.count = count


class FunctorLawError(CategoryError):
    """A functor law (identities or composites) fails on a sample.

    >>> isinstance(FunctorLawError("F(id x) != id F(x)"), CategoryError)
    True
    """


class UndecidedEqualityError(CategoryError):
    """Equality of two paths in a finitely presented category could not be decided within
    the search bound (the word problem is undecidable in general).

    >>> isinstance(UndecidedEqualityError("gave up"), CategoryError)
    True
    """


class CostError(CategoryError):
    """Bad input to the Cost category (unknown parameter, negative loss, ...).

    >>> isinstance(CostError("negative loss"), ValueError)
    True
    """
