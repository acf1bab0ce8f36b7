"""ACSet literals, as Catlab's ``@acset``: :meth:`ACSet.build` and the matching ``repr``.

``ACSet.build(schema, V=3, E={"src": [0, 1], "tgt": [1, 2]})`` builds an ACSet from one
keyword per object or attribute type: a count of parts (of variables, for an attribute
type), or a dict of whole columns (homs and attributes out of that object, all of one
length, which is the count). Hom values are 0-based part ids, ``None`` when unset;
attribute values may be ``AttrVar(k)``. ``repr(X)`` writes the same literal, so
``eval(repr(X)) == X`` wherever the schema's name (or ``Schema``) is in scope.

>>> g = ACSet.build(SchGraph, V=3, E={"src": [0, 1], "tgt": [1, 2]})
>>> g
ACSet.build(SchGraph, V=3, E={'src': [0, 1], 'tgt': [1, 2]})
>>> eval(repr(g)) == g
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from catlearn.acsets import schema as _schemas
from catlearn.acsets.acset import UNSET
from catlearn.errors import (
    BUILD_ATTRTYPE,
    BUILD_COLUMN,
    BUILD_LENGTHS,
    BUILD_SPEC,
    BUILD_UNKNOWN,
    ACSetError,
)

if TYPE_CHECKING:
    from catlearn.acsets.acset import ACSet, TypeSpec
    from catlearn.acsets.schema import Schema

__all__ = ["build", "literal"]

_NAMED = ("SchGraph", "SchReflexiveGraph", "SchSymmetricGraph", "SchLabeledGraph")


def _count(X: ACSet, name: str, spec: Any) -> int:
    if isinstance(spec, bool) or not isinstance(spec, (int, np.integer, Mapping)):
        raise ACSetError(BUILD_SPEC.format(
            schema=X.name, name=name, got=type(spec).__name__))
    if not isinstance(spec, Mapping):
        if spec < 0:
            raise ACSetError(BUILD_SPEC.format(
                schema=X.name, name=name, got=spec))
        return int(spec)
    if name in X.schema.attrtypes:
        raise ACSetError(BUILD_ATTRTYPE.format(schema=X.name, name=name))
    lengths = {c: len(v) for c, v in spec.items()}
    if len(set(lengths.values())) > 1:
        raise ACSetError(BUILD_LENGTHS.format(
            schema=X.name, name=name, lengths=lengths))
    return next(iter(lengths.values()), 0)


def build(cls: type[ACSet], schema: Schema, types: Mapping[str, TypeSpec] | None,
          tables: Mapping[str, Any]) -> ACSet:
    """Build an ACSet of class ``cls`` from a literal (see the module docstring)."""
    X = cls(schema, types=types)
    names = schema.obs + schema.attrtypes
    for name in tables:
        if name not in names:
            raise ACSetError(BUILD_UNKNOWN.format(schema=X.name, name=name))
    counts = {name: _count(X, name, spec) for name, spec in tables.items()}
    for name in schema.attrtypes + schema.obs:
        X.add_parts(name, counts.get(name, 0))
    for ob in schema.obs:
        spec = tables.get(ob)
        if not isinstance(spec, Mapping):
            continue
        for col, values in spec.items():
            if col not in schema.homs_out(ob) and col not in schema.attrs_out(ob):
                raise ACSetError(BUILD_COLUMN.format(
                    schema=X.name, name=col, ob=ob))
            if not len(values):
                continue
            if schema.is_hom(col):
                vals = [UNSET if v is None else v for v in values]
                parts = [i for i, v in enumerate(vals) if v != UNSET]
                if parts:
                    X.set_subpart(np.asarray(parts), col, np.asarray([vals[i] for i in parts]))
            else:
                column = np.empty(len(values), dtype=object)
                for i, v in enumerate(values):
                    column[i] = v
                X.set_subpart(np.arange(len(values)), col, column)
    return X


def _schema_repr(schema: Schema) -> str:
    for name in _NAMED:
        if getattr(_schemas, name) == schema:
            return name
    return repr(schema)


def _type_repr(t: Any) -> str:
    if isinstance(t, tuple):
        return "(" + ", ".join(_type_repr(u) for u in t) + ("," if len(t) == 1 else "") + ")"
    return t.__name__ if isinstance(t, type) else repr(t)


def _value_repr(v: Any) -> str:
    """``repr`` that ``eval`` reads back, also for NaN and infinities inside containers."""
    if isinstance(v, float) and not math.isfinite(v):
        return f"float({str(v)!r})"
    if isinstance(v, list):
        return "[" + ", ".join(_value_repr(x) for x in v) + "]"
    if isinstance(v, tuple):
        inner = ", ".join(_value_repr(x) for x in v)
        return "(" + inner + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_value_repr(k)}: {_value_repr(x)}" for k, x in v.items()) + "}"
    return repr(v)


def literal(X: ACSet) -> str:
    """The literal ``ACSet.build(...)`` that builds ``X`` (its ``repr``).

    >>> from catlearn.acsets.schema import SchLabeledGraph
    >>> literal(ACSet.build(SchLabeledGraph, types={"Label": str}, V={"label": ["a"]}))
    "ACSet.build(SchLabeledGraph, types={'Label': str}, V={'label': ['a']})"
    """
    schema = X.schema
    parts = [_schema_repr(schema)]
    typed = {t: v for t, v in X.types.items() if v is not object}
    if typed:
        parts.append("types={" + ", ".join(f"{t!r}: {_type_repr(v)}"
                                            for t, v in typed.items()) + "}")
    for t in schema.attrtypes:
        if X.nparts(t):
            parts.append(f"{t}={X.nparts(t)}")
    for ob in schema.obs:
        cols = list(schema.homs_out(ob)) + list(schema.attrs_out(ob))
        n = X.nparts(ob)
        if n and cols:
            body = []
            for c in cols:
                col = X.subpart(c)
                values = ([None if v == UNSET else v for v in col.tolist()]
                          if schema.is_hom(c) else list(col))
                body.append(f"{c!r}: {_value_repr(values)}")
            parts.append(f"{ob}={{{', '.join(body)}}}")
        elif n:
            parts.append(f"{ob}={n}")
    return f"{type(X).__name__}.build({', '.join(parts)})"
