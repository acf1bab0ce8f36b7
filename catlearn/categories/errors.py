"""Errors raised by :mod:`catlearn.categories`; they live in :mod:`catlearn.errors`.

Every error is a :class:`CategoryError`, itself a :class:`ValueError` and a
:class:`catlearn.errors.CatlearnError`, so callers can catch one family; wrong-typed
input raises :class:`CategoryTypeError`, which is also a :class:`TypeError`;
:class:`CompositionError` is also the library-wide :class:`catlearn.errors.CompositionError`.
This module re-exports them so ``from catlearn.categories.errors import ...`` keeps working.

    >>> issubclass(CompositionError, ValueError)
    True
    >>> issubclass(CategoryTypeError, TypeError)
    True
"""

from __future__ import annotations

from catlearn.errors import CategoryCompositionError as CompositionError
from catlearn.errors import (
    CategoryError,
    CategoryTypeError,
    CostError,
    FunctorLawError,
    TooManyPathsError,
    UndecidedEqualityError,
)

__all__ = [
    "CategoryError",
    "CategoryTypeError",
    "CompositionError",
    "TooManyPathsError",
    "FunctorLawError",
    "UndecidedEqualityError",
    "CostError",
]
