"""JSON for schemas and ACSets, interchangeable with ACSets.jl / Catlab.jl and py-acsets.

**Instances** use the layout of ACSets.jl's ``write_json_acset``: an object keyed by the
schema's object names, then its attribute-type names; each maps to a list of rows; a row
has ``_id`` (1-based, equal to the row number) and every hom and attribute out of that
object. Hom values are 1-based part ids, ``0`` when unset; attribute values are JSON
values, ``null`` when unset, ``{"_var": n}`` (1-based) for an attribute variable.
Attribute-type tables list the variables (``[{"_id": 1}, ...]``). In Python, ids are
0-based: the shift happens here and nowhere else.

Reading accepts every layout these tools have written, as ACSets.jl's reader does:

- rows without ``_id`` (Catlab.jl up to 0.14 wrote them): ids are row positions; when
  ``_id`` is present it must be the row number (an integer; ``true`` is not one);
- ``null`` for an unset hom (py-acsets writes it) as well as ``0``;
- attribute values that are JSON objects or arrays (property-labelled Petri nets,
  stratification lists): a JSON object is an attribute variable exactly when it is
  ``{"_var": n}`` with ``n`` a positive integer, and is otherwise the value itself (a
  ``dict``); arrays are read as lists;
- ``NaN``, ``Infinity`` and ``-Infinity`` tokens (as ``JSON3.read(...; allow_inf=true)``);
- a missing table is an empty one; a missing field is unset.

Unknown tables and unknown keys are rejected in every kind of row alike (object rows and
attribute-type rows, whose only key is ``_id``), with a :class:`JSONFormatError` naming
the table, row and field (``E.0.src``).

Writing follows JSON3.jl, the writer behind ACSets.jl's ``write_json_acset``: a NaN or
infinite float is refused by default (JSON has no such numbers), and written as ``NaN``,
``Infinity`` and ``-Infinity`` with ``allow_inf=True`` (JSON3's ``allow_inf=true``). Lists,
tuples and numpy arrays are written as arrays (they read back as lists), numpy scalars as
numbers, dicts with string keys as objects (a dict that would read back as a variable is
refused). The round trip ``read_json_acset(S, write_json_acset(X)) == X`` holds for every
ACSet whose values are JSON values (``None``, ``bool``, ``int``, ``float``, ``str``, lists
and string-keyed dicts of these) and attribute variables.

>>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
>>> write_json_acset(g)
'{"V": [{"_id": 1}, {"_id": 2}], "E": [{"_id": 1, "src": 1, "tgt": 2}]}'
>>> read_json_acset(SchGraph, write_json_acset(g)) == g
True
>>> read_json_acset(SchGraph, '{"V": [{}, {}], "E": [{"src": 1, "tgt": null}]}').subpart("tgt")
array([-1])

**Schemas** use the layout of ACSets.jl's ``generate_json_acset_schema`` (``version``,
``Ob``, ``Hom``, ``AttrType``, ``Attr``, ``equations``). As ACSets.jl does, unknown keys
in entries and at the top level are ignored (py-acsets adds ``title``, ``description``,
``ty``) and a missing ``equations`` list is empty. The ``version`` record read from a
file is kept on the schema and written back by :func:`write_json_schema`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.schema import PathEquation, Schema
from catlearn.errors import (
    JSON_AT,
    JSON_DICT_KEY,
    JSON_HOM,
    JSON_ID,
    JSON_NONFINITE,
    JSON_NOT_JSON,
    JSON_NOT_ROW,
    JSON_NOT_TABLE,
    JSON_NOT_TABLES,
    JSON_UNKNOWN_KEY,
    JSON_UNKNOWN_TABLE,
    JSON_UNWRITABLE,
    JSON_VAR,
    JSON_VAR_LIKE,
    AttributeTypeError,
    JSONFormatError,
)

__all__ = [
    "SchemaJSON",
    "write_json_schema",
    "read_json_schema",
    "write_json_acset",
    "read_json_acset",
    "generate_json_acset",
    "parse_json_acset",
    "SCHEMA_FORMAT_VERSION",
]

#: The version of the ACSet schema JSON format written (as ACSets.jl writes it).
SCHEMA_FORMAT_VERSION = "0.0.1"


class _Named(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    title: str | None = None
    description: str | None = None


class _ObJSON(_Named):
    pass


class _AttrTypeJSON(_Named):
    ty: str | None = None


class _ArrowJSON(_Named):
    dom: str
    codom: str


class _EquationJSON(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str | None = None
    dom: str
    codom: str
    paths: list[list[str]] = Field(min_length=2, max_length=2)


class _VersionJSON(BaseModel):
    model_config = ConfigDict(extra="allow")
    ACSetSchema: str = SCHEMA_FORMAT_VERSION
    ACSets: str | None = None
    Catlab: str | None = None


class SchemaJSON(BaseModel):
    """The wire form of a schema (pydantic v2 model; unknown keys are ignored, as ACSets.jl
    ignores them).

    >>> m = SchemaJSON.model_validate({"Ob": [{"name": "V", "color": "red"}], "Hom": [],
    ...                                "AttrType": [], "Attr": [], "Extra": 1})
    >>> m.to_schema("S").obs
    ('V',)
    """

    model_config = ConfigDict(extra="ignore")
    version: _VersionJSON = Field(default_factory=_VersionJSON)
    Ob: list[_ObJSON]
    Hom: list[_ArrowJSON]
    AttrType: list[_AttrTypeJSON]
    Attr: list[_ArrowJSON]
    equations: list[_EquationJSON] = Field(default_factory=list)
    name: str | None = None

    def to_schema(self, name: str | None = None) -> Schema:
        """Build the :class:`Schema` (its checks raise ``SchemaError`` on bad names); the
        file's ``version`` record, when it has one, is kept on the schema."""
        version = None
        if "version" in self.model_fields_set:
            version = {k: v for k, v in self.version.model_dump().items() if v is not None}
        return Schema(
            name or self.name or "Schema",
            obs=tuple(o.name for o in self.Ob),
            homs=tuple((h.name, h.dom, h.codom) for h in self.Hom),
            attrtypes=tuple(t.name for t in self.AttrType),
            attrs=tuple((a.name, a.dom, a.codom) for a in self.Attr),
            equations=tuple(
                PathEquation(e.dom, e.codom, tuple(e.paths[0]), tuple(e.paths[1]), e.name)
                for e in self.equations),
            version=version,
        )


def write_json_schema(schema: Schema) -> str:
    """The schema as JSON text (ACSets.jl's layout); the ``version`` record is the one the
    schema was read with, else ``{"ACSetSchema": "0.0.1", "ACSets": "0.0.0"}``.

    >>> write_json_schema(SchGraph)[:60]
    '{"version": {"ACSetSchema": "0.0.1", "ACSets": "0.0.0"}, "Ob'
    """
    version = (dict(schema.version) if schema.version is not None
               else {"ACSetSchema": SCHEMA_FORMAT_VERSION, "ACSets": "0.0.0"})
    data: dict[str, Any] = {
        "version": version,
        "Ob": [{"name": o} for o in schema.obs],
        "Hom": [{"name": f, "dom": x, "codom": y} for f, x, y in schema.homs],
        "AttrType": [{"name": t} for t in schema.attrtypes],
        "Attr": [{"name": a, "dom": x, "codom": t} for a, x, t in schema.attrs],
        "equations": [
            {"dom": e.dom, "codom": e.codom, "name": e.name,
             "paths": [list(e.lhs), list(e.rhs)]} for e in schema.equations],
    }
    return json.dumps(data)


def _pydantic_error(what: str, err: ValidationError) -> JSONFormatError:
    lines = [JSON_AT.format(
        what=what, loc=".".join(str(x) for x in e["loc"]) or "(root)", why=e["msg"])
        for e in err.errors()[:5]]
    return JSONFormatError("; ".join(lines))


def read_json_schema(text: str | bytes | Mapping[str, Any], name: str | None = None) -> Schema:
    """Read a schema from JSON text (or a parsed dict) written by ACSets.jl, Catlab.jl or
    py-acsets; a malformed document raises :class:`JSONFormatError` naming the field.

    >>> S = read_json_schema('{"Ob": [{"name": "V", "title": "vertices"}], "Hom": [],'
    ...                      ' "AttrType": [], "Attr": [], "version": {"ACSetSchema": "0.0.1",'
    ...                      ' "Catlab": "0.14.12"}}')
    >>> S.obs, dict(S.version)["Catlab"]
    (('V',), '0.14.12')
    """
    try:
        model = (SchemaJSON.model_validate_json(text) if isinstance(text, (str, bytes))
                 else SchemaJSON.model_validate(text))
    except ValidationError as err:
        raise _pydantic_error("schema", err) from None
    return model.to_schema(name)


# ------------------------------------------------------------------ writing instances


def _where(X: ACSet, a: str, i: int) -> str:
    return f"{X.name}: attribute {a}, part {i}"


def _value_to_json(value: Any, where: str) -> Any:
    """The JSON form of one attribute value (recursively for containers)."""
    if isinstance(value, AttrVar):
        return {"_var": value.val + 1}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_value_to_json(v, where) for v in value]
    if isinstance(value, Mapping):
        return _dict_to_json(value, where)
    raise AttributeTypeError(JSON_UNWRITABLE.format(
        where=where, value=value, type=type(value).__name__))


def _dict_to_json(value: Mapping[Any, Any], where: str) -> dict[str, Any]:
    for k in value:
        if not isinstance(k, str):
            raise AttributeTypeError(JSON_DICT_KEY.format(where=where, key=k))
    if _var_number(value) is not None:
        raise AttributeTypeError(JSON_VAR_LIKE.format(where=where, value=value))
    return {k: _value_to_json(v, where) for k, v in value.items()}


def generate_json_acset(X: ACSet) -> dict[str, list[dict[str, Any]]]:
    """The JSON-able dict of an ACSet (see the module docstring for the layout). Floats
    are kept as they are (a NaN stays a NaN); :func:`write_json_acset` decides how to write
    them.

    >>> generate_json_acset(ACSet(SchGraph))
    {'V': [], 'E': []}
    """
    schema = X.schema
    out: dict[str, list[dict[str, Any]]] = {}
    for ob in schema.obs:
        homs, attrs = schema.homs_out(ob), schema.attrs_out(ob)
        cols = {f: X.subpart(f).tolist() for f in homs}
        acols = {a: list(X.subpart(a)) for a in attrs}
        rows = []
        for i in range(X.nparts(ob)):
            row: dict[str, Any] = {"_id": i + 1}
            for f in homs:
                v = cols[f][i]
                row[f] = 0 if v == UNSET else v + 1
            for a in attrs:
                row[a] = _value_to_json(acols[a][i], _where(X, a, i))
            rows.append(row)
        out[ob] = rows
    for t in schema.attrtypes:
        out[t] = [{"_id": k + 1} for k in range(X.nparts(t))]
    return out


def _nonfinite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(_nonfinite(v) for v in value)
    if isinstance(value, dict):
        return any(_nonfinite(v) for v in value.values())
    return False


def _check_finite(data: Mapping[str, list[dict[str, Any]]]) -> None:
    for table, rows in data.items():
        for r, row in enumerate(rows):
            for key, value in row.items():
                if _nonfinite(value):
                    raise JSONFormatError(JSON_AT.format(
                        what="ACSet", loc=f"{table}.{r}.{key}",
                        why=JSON_NONFINITE.format(value=value)))


def write_json_acset(X: ACSet, *, allow_inf: bool = False) -> str:
    """The ACSet as JSON text, in ACSets.jl's ``write_json_acset`` layout.

    A NaN or infinite float is refused (``JSONFormatError``, naming the table, row and
    field), as JSON3.jl refuses it; ``allow_inf=True`` writes ``NaN``, ``Infinity`` and
    ``-Infinity``, as ``JSON3.write(x; allow_inf=true)`` does. O(size of the ACSet).

    >>> from catlearn.acsets.schema import SchLabeledGraph
    >>> g = ACSet(SchLabeledGraph); _ = g.add_part("V", label=float("nan"))
    >>> write_json_acset(g, allow_inf=True)
    '{"V": [{"_id": 1, "label": NaN}], "E": [], "Label": []}'
    """
    data = generate_json_acset(X)
    if not allow_inf:
        _check_finite(data)
    return json.dumps(data, allow_nan=True, ensure_ascii=False)


# ------------------------------------------------------------------ reading instances


def _fail(loc: tuple[Any, ...], why: str) -> JSONFormatError:
    return JSONFormatError(JSON_AT.format(
        what="ACSet", loc=".".join(str(x) for x in loc) or "(root)", why=why))


def _var_number(v: Any) -> int | None:
    """``n`` when ``v`` is ``{"_var": n}`` with ``n`` a positive integer, else ``None``."""
    if isinstance(v, Mapping) and len(v) == 1 and "_var" in v:
        n = v["_var"]
        if isinstance(n, int) and not isinstance(n, bool) and n >= 1:
            return n
    return None


def _rows(tables: Mapping[str, Any], key: str, allowed: frozenset[str],
          expected: str) -> list[dict]:
    """The rows of one table, each checked: a JSON object, ``_id`` (when present) equal to
    the row number, no key outside ``allowed`` (``expected`` says what a key must be)."""
    rows = tables.get(key, [])
    if not isinstance(rows, list):
        raise _fail((key,), JSON_NOT_TABLE.format(got=type(rows).__name__))
    for r, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _fail((key, r), JSON_NOT_ROW.format(got=type(row).__name__))
        if "_id" in row:
            i = row["_id"]
            if not isinstance(i, int) or isinstance(i, bool) or i != r + 1:
                raise _fail((key, r, "_id"), JSON_ID.format(n=r + 1, got=i))
        for k in row:
            if k not in allowed:
                raise _fail((key, r, k), JSON_UNKNOWN_KEY.format(
                    key=k, expected=expected))
    return rows


def _hom_column(rows: list[dict], ob: str, f: str, codom: str, n: int) -> np.ndarray:
    col = np.full(len(rows), UNSET, dtype=np.int64)
    for r, row in enumerate(rows):
        v = row.get(f)
        if v is None:
            continue
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= n:
            raise _fail((ob, r, f), JSON_HOM.format(value=v, codom=codom, n=n))
        col[r] = v - 1  # 0 (unset) becomes UNSET
    return col


def _attr_column(rows: list[dict], ob: str, a: str, attrtype: str, nvars: int) -> np.ndarray:
    col = np.empty(len(rows), dtype=object)
    for r, row in enumerate(rows):
        v = row.get(a)
        n = _var_number(v)
        if n is not None:
            if n > nvars:
                raise _fail((ob, r, a), JSON_VAR.format(
                    value=v, n=n, attrtype=attrtype, nvars=nvars))
            v = AttrVar(n - 1)
        col[r] = v
    return col


def _columns(schema: Schema, tables: Mapping[str, Any]) -> tuple[dict[str, int],
                                                                 dict[str, np.ndarray]]:
    """Every table checked and turned into part counts and columns, before any write."""
    counts = {t: len(_rows(tables, t, frozenset({"_id"}),
                           "a field of an attribute-type row (only _id)"))
              for t in schema.attrtypes}
    rows = {ob: _rows(tables, ob, frozenset(schema.homs_out(ob)) | frozenset(
        schema.attrs_out(ob)) | {"_id"}, f"a hom or attribute out of {ob}")
        for ob in schema.obs}
    counts.update({ob: len(r) for ob, r in rows.items()})
    cols: dict[str, np.ndarray] = {}
    for f, x, y in schema.homs:
        cols[f] = _hom_column(rows[x], x, f, y, counts[y])
    for a, x, t in schema.attrs:
        cols[a] = _attr_column(rows[x], x, a, t, counts[t])
    return counts, cols


def parse_json_acset(cons: Schema | ACSet | Callable[[], ACSet],
                     data: Mapping[str, Any]) -> ACSet:
    """Build an ACSet from a JSON-able dict; ``cons`` is a schema, an ACSet to take the
    class, schema and types from, or a zero-argument constructor.

    Errors are :class:`JSONFormatError` values whose message names the table, the row and
    the field. O(size of the document).

    >>> parse_json_acset(SchGraph, {"V": [{"_id": 1}], "E": [{"_id": 1, "src": 1, "tgt": 2}]})
    Traceback (most recent call last):
    ...
    catlearn.errors.JSONFormatError: ACSet JSON, E.0.tgt: 2 is not a part of V (1 parts; ...
    """
    X = ACSet(cons) if isinstance(cons, Schema) else (
        cons.empty() if isinstance(cons, ACSet) else cons())
    schema = X.schema
    if not isinstance(data, Mapping):
        raise _fail((), JSON_NOT_TABLES.format(got=type(data).__name__))
    for key in data:
        if key not in schema.obs and key not in schema.attrtypes:
            raise _fail((key,), JSON_UNKNOWN_TABLE.format(
                key=key, schema=schema.name))
    counts, cols = _columns(schema, data)
    for name, n in counts.items():
        X.add_parts(name, n)
    for a, x, _ in schema.attrs:
        _write(X, x, a, np.arange(counts[x]), cols[a])
    for f, x, _ in schema.homs:
        parts = np.flatnonzero(cols[f] != UNSET)
        _write(X, x, f, parts, cols[f][parts])
    return X


def _write(X: ACSet, ob: str, name: str, parts: np.ndarray, values: np.ndarray) -> None:
    if parts.size == 0:
        return
    try:
        X.set_subpart(parts, name, values)
    except (TypeError, ValueError) as err:
        # X is the reader's own, still private: write part by part to name the row
        for k, p in enumerate(parts.tolist()):
            try:
                X.set_subpart(parts[k:k + 1], name, values[k:k + 1])
            except (TypeError, ValueError) as row_err:
                raise _fail((ob, p, name), str(row_err)) from None
        raise _fail((ob, name), str(err)) from None


def read_json_acset(cons: Schema | ACSet | Callable[[], ACSet], text: str | bytes) -> ACSet:
    """Read an ACSet from JSON text written by :func:`write_json_acset`, ACSets.jl,
    Catlab.jl or py-acsets (see the module docstring for what is accepted).

    >>> read_json_acset(SchGraph, '{"V": [{"_id": 1}], "E": []}').nparts("V")
    1
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise _fail((), JSON_NOT_JSON.format(why=err)) from None
    return parse_json_acset(cons, data)
