"""Attribute values and their equality: Julia's ``isequal``.

Attribute values are compared everywhere in the engine (``==`` of ACSets, identities and
naturality, colimits, limits, homomorphism search, ``incident`` on attributes) by one
rule, the one ACSets.jl inherits from Julia's ``isequal``:

- numbers compare by value (``1 == 1.0 == True``), except that every NaN equals every
  NaN and ``-0.0`` differs from ``0.0`` (and from ``0``);
- sequences (lists, 1-d or n-d numpy arrays) are equal when they have the same shape and
  their elements are ``isequal`` pairwise; tuples are equal to tuples only;
- mappings are equal when they have ``isequal`` keys with ``isequal`` values; sets
  likewise;
- ``None`` (an unset value) equals only ``None``; attribute variables equal only
  themselves;
- any other value must be hashable and is compared by ``==``.

:func:`value_key` turns a value into a hashable key such that ``isequal(a, b)`` exactly
when ``value_key(a) == value_key(b)`` (and then the hashes agree), so values can be
grouped, deduplicated and looked up in dictionaries in O(1) each.

>>> nan = float("nan")
>>> isequal(nan, nan), isequal(0.0, -0.0), isequal(1, 1.0)
(True, False, True)
>>> isequal([1, nan], [1.0, nan]), isequal([1, 2], (1, 2))
(True, False)
>>> value_key({"a": [1, 2]}) == value_key({"a": [1, 2]})
True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from numbers import Complex, Number
from typing import Any

import numpy as np

__all__ = ["isequal", "is_hashable_value", "value_key"]

_NAN = ("__nan__",)
_NEG_ZERO = ("__-0.0__",)


def _float_key(x: float) -> Any:
    if math.isnan(x):
        return _NAN
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return _NEG_ZERO
    return x


def _number_key(v: Any) -> Any:
    if isinstance(v, float):
        return _float_key(v)
    if isinstance(v, Complex) and not isinstance(v, (int, float)):
        c = complex(v)
        if c.imag == 0 and not math.isnan(c.imag) and math.copysign(1.0, c.imag) > 0:
            return _float_key(c.real)
        return ("__complex__", _float_key(c.real), _float_key(c.imag))
    return v


def value_key(v: Any) -> Hashable:
    """A hashable key of an attribute value: equal keys exactly for ``isequal`` values.

    Raises ``TypeError`` for a value that is neither hashable nor one of the containers
    above (the engine turns this into its own error when the value is written).

    >>> value_key(float("nan")) == value_key(float("nan"))
    True
    >>> value_key(2) == value_key(2.0), value_key(-0.0) == value_key(0.0)
    (True, False)
    """
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or isinstance(v, (str, bytes)):
        return v
    if isinstance(v, Number):
        return _number_key(v)
    if isinstance(v, np.ndarray):
        return ("__array__", v.shape, tuple(value_key(x) for x in v.reshape(-1).tolist()))
    if isinstance(v, list):
        return ("__array__", (len(v),), tuple(value_key(x) for x in v))
    if isinstance(v, tuple):
        return ("__tuple__", tuple(value_key(x) for x in v))
    if isinstance(v, Mapping):
        return ("__dict__", frozenset((value_key(k), value_key(x)) for k, x in v.items()))
    if isinstance(v, (set, frozenset)):
        return ("__set__", frozenset(value_key(x) for x in v))
    hash(v)  # raises TypeError for an unhashable value
    return v


def isequal(a: Any, b: Any) -> bool:
    """Whether two attribute values are equal in the sense of Julia's ``isequal``.

    >>> isequal(float("nan"), float("nan")), isequal("a", "a"), isequal(0, "0")
    (True, True, False)
    """
    return bool(value_key(a) == value_key(b))


def is_hashable_value(v: Any) -> bool:
    """Whether :func:`value_key` accepts ``v`` (it is a valid attribute value).

    >>> is_hashable_value([1, {"x": 2}]), is_hashable_value(object()), is_hashable_value([{}])
    (True, True, True)
    >>> class Unhashable:
    ...     __hash__ = None
    >>> is_hashable_value(Unhashable())
    False
    """
    try:
        value_key(v)
    except TypeError:
        return False
    return True
