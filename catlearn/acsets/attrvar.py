"""Attribute variables: unknown attribute values, numbered per attribute type.

As in ACSets.jl, an attribute type ``T`` of a schema is also a sort of "parts" of an
ACSet: its parts are the variables ``AttrVar(0), AttrVar(1), ...`` standing for values of
``T`` not yet known. Gluing (colimits) or search may fix them later.

>>> v = AttrVar(2)
>>> v
AttrVar(2)
>>> v == AttrVar(2), v == 2
(True, False)
>>> eval(repr(v)) == v
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AttrVar", "is_var"]


@dataclass(frozen=True, order=True)
class AttrVar:
    """The variable number ``val`` (0-based) of some attribute type.

    >>> sorted({AttrVar(1), AttrVar(0)})
    [AttrVar(0), AttrVar(1)]
    """

    val: int

    def __post_init__(self) -> None:
        if not isinstance(self.val, int) or isinstance(self.val, bool) or self.val < 0:
            raise ValueError(f"AttrVar takes a non-negative integer, not {self.val!r}")

    def __repr__(self) -> str:
        return f"AttrVar({self.val})"


def is_var(value: object) -> bool:
    """Whether ``value`` is an attribute variable.

    >>> is_var(AttrVar(0)), is_var(0)
    (True, False)
    """
    return isinstance(value, AttrVar)
