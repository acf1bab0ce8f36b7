"""JSON for schemas and ACSets, interchangeable with ACSets.jl / Catlab.jl and py-acsets.

The instance layout is that of ACSets.jl's ``write_json_acset``: an object keyed by the
schema's object names, then its attribute-type names; each maps to a list of rows; a
row has ``_id`` (1-based, equal to the row number) and every hom and attribute out of
that object. Hom values are 1-based part ids, ``0`` when unset; attribute values are
JSON values, ``null`` when unset, ``{"_var": n}`` (1-based) for an attribute variable.
Attribute-type tables list the variables (``[{"_id": 1}, ...]``). In Python, ids are
0-based: the shift happens here and nowhere else.

>>> from catlearn.acsets.acset import ACSet
>>> from catlearn.acsets.schema import SchGraph
>>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
>>> write_json_acset(g)
'{"V": [{"_id": 1}, {"_id": 2}], "E": [{"_id": 1, "src": 1, "tgt": 2}]}'
>>> read_json_acset(SchGraph, write_json_acset(g)) == g
True

The schema layout is that of ACSets.jl's ``generate_json_acset_schema`` (``version``,
``Ob``, ``Hom``, ``AttrType``, ``Attr``, ``equations``); py-acsets' variant (extra
``title``/``description``/``ty`` fields, ``version.Catlab``, no ``equations``) is read too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.schema import PathEquation, Schema

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
    model_config = ConfigDict(extra="forbid")
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
    model_config = ConfigDict(extra="forbid")
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
    """The wire form of a schema (pydantic v2 model; unknown keys are rejected).

    >>> SchemaJSON.model_validate({"Ob": [{"name": "V"}], "Hom": [], "AttrType": [],
    ...                            "Attr": [], "Extra": 1})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for SchemaJSON
    Extra
      Extra inputs are not permitted ...
    """

    model_config = ConfigDict(extra="forbid")
    version: _VersionJSON = Field(default_factory=_VersionJSON)
    Ob: list[_ObJSON]
    Hom: list[_ArrowJSON]
    AttrType: list[_AttrTypeJSON]
    Attr: list[_ArrowJSON]
    equations: list[_EquationJSON] = Field(default_factory=list)
    name: str | None = None

    def to_schema(self, name: str | None = None) -> Schema:
        """Build the :class:`Schema` (its checks raise ``SchemaError`` on bad names)."""
        return Schema(
            name or self.name or "Schema",
            obs=tuple(o.name for o in self.Ob),
            homs=tuple((h.name, h.dom, h.codom) for h in self.Hom),
            attrtypes=tuple(t.name for t in self.AttrType),
            attrs=tuple((a.name, a.dom, a.codom) for a in self.Attr),
            equations=tuple(
                PathEquation(e.dom, e.codom, tuple(e.paths[0]), tuple(e.paths[1]), e.name)
                for e in self.equations),
        )


def write_json_schema(schema: Schema) -> str:
    """The schema as JSON text (ACSets.jl's layout).

    >>> from catlearn.acsets.schema import SchGraph
    >>> write_json_schema(SchGraph)[:60]
    '{"version": {"ACSetSchema": "0.0.1", "ACSets": "0.0.0"}, "Ob'
    """
    data: dict[str, Any] = {
        "version": {"ACSetSchema": SCHEMA_FORMAT_VERSION, "ACSets": "0.0.0"},
        "Ob": [{"name": o} for o in schema.obs],
        "Hom": [{"name": f, "dom": x, "codom": y} for f, x, y in schema.homs],
        "AttrType": [{"name": t} for t in schema.attrtypes],
        "Attr": [{"name": a, "dom": x, "codom": t} for a, x, t in schema.attrs],
        "equations": [
            {"dom": e.dom, "codom": e.codom, "name": e.name,
             "paths": [list(e.lhs), list(e.rhs)]} for e in schema.equations],
    }
    return json.dumps(data)


def read_json_schema(text: str | Mapping[str, Any], name: str | None = None) -> Schema:
    """Read a schema from JSON text (or a parsed dict); raises pydantic's error on bad JSON.

    >>> read_json_schema('{"Ob": [{"name": "V", "title": "vertices"}], "Hom": [],'
    ...                  ' "AttrType": [], "Attr": [], "version": {"ACSetSchema": "0.0.1",'
    ...                  ' "Catlab": "0.14.12"}}').obs
    ('V',)
    """
    model = (SchemaJSON.model_validate_json(text) if isinstance(text, (str, bytes))
             else SchemaJSON.model_validate(text))
    return model.to_schema(name)


# ------------------------------------------------------------------ instances


class _Row(RootModel[dict[str, Any]]):
    @model_validator(mode="after")
    def _has_id(self) -> _Row:
        if "_id" not in self.root:
            raise ValueError("a row must have an '_id'")
        if not isinstance(self.root["_id"], int) or isinstance(self.root["_id"], bool):
            raise ValueError("'_id' must be an integer")
        return self


class _ACSetJSON(RootModel[dict[str, list[_Row]]]):
    pass


def _attr_to_json(value: Any, where: str) -> Any:
    if isinstance(value, AttrVar):
        return {"_var": value.val + 1}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_attr_to_json(v, where) for v in value]
    raise TypeError(f"{where}: value {value!r} of type {type(value).__name__} cannot be "
                    "written as JSON")


def generate_json_acset(X: ACSet) -> dict[str, list[dict[str, Any]]]:
    """The JSON-able dict of an ACSet (see the module docstring for the layout).

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> generate_json_acset(ACSet(SchGraph))
    {'V': [], 'E': []}
    """
    schema = X.schema
    out: dict[str, list[dict[str, Any]]] = {}
    for ob in schema.obs:
        homs, attrs = schema.homs_out(ob), schema.attrs_out(ob)
        cols = {f: X.subpart(f).tolist() for f in homs}
        acols = {a: X.subpart(a).tolist() for a in attrs}
        rows = []
        for i in range(X.nparts(ob)):
            row: dict[str, Any] = {"_id": i + 1}
            for f in homs:
                v = cols[f][i]
                row[f] = 0 if v == UNSET else v + 1
            for a in attrs:
                row[a] = _attr_to_json(acols[a][i], f"{X.name}: attribute {a}, part {i}")
            rows.append(row)
        out[ob] = rows
    for t in schema.attrtypes:
        out[t] = [{"_id": k + 1} for k in range(X.nparts(t))]
    return out


def write_json_acset(X: ACSet) -> str:
    """The ACSet as JSON text, in ACSets.jl's ``write_json_acset`` layout."""
    return json.dumps(generate_json_acset(X))


def _json_error(title: str, loc: tuple[Any, ...], msg: str, value: Any) -> ValidationError:
    return ValidationError.from_exception_data(title, [
        {"type": "value_error", "loc": loc, "input": value, "ctx": {"error": ValueError(msg)}}])


def parse_json_acset(cons: Schema | ACSet | Callable[[], ACSet],
                     data: Mapping[str, Any]) -> ACSet:
    """Build an ACSet from a JSON-able dict; ``cons`` is a schema, an ACSet to take the
    class, schema and types from, or a zero-argument constructor.

    Errors are pydantic ``ValidationError`` values whose location names the table, the
    row and the field.

    >>> from catlearn.acsets.schema import SchGraph
    >>> parse_json_acset(SchGraph, {"V": [{"_id": 1}], "E": [{"_id": 1, "src": 1, "tgt": 2}]})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for ACSet
    E.0.tgt
      Value error, 2 is not a part of V (1 parts) ...
    """
    if isinstance(cons, Schema):
        X = ACSet(cons)
    elif isinstance(cons, ACSet):
        X = cons.empty()
    else:
        X = cons()
    schema = X.schema
    tables = _ACSetJSON.model_validate(dict(data)).root
    for key in tables:
        if key not in schema.obs and key not in schema.attrtypes:
            raise _json_error("ACSet", (key,), f"{key!r} is not an object or attribute type "
                              f"of schema {schema.name}", None)
    for t in schema.attrtypes:
        rows = tables.get(t, [])
        for r, row in enumerate(rows):
            if row.root["_id"] != r + 1:
                raise _json_error("ACSet", (t, r, "_id"), f"_id must equal the row number "
                                  f"{r + 1}", row.root["_id"])
        X.add_parts(t, len(rows))
    columns: dict[str, dict[str, list[Any]]] = {}
    for ob in schema.obs:
        rows = tables.get(ob, [])
        cols: dict[str, list[Any]] = {}
        fields = set(schema.homs_out(ob)) | set(schema.attrs_out(ob)) | {"_id"}
        for r, row in enumerate(rows):
            d = row.root
            if d["_id"] != r + 1:
                raise _json_error("ACSet", (ob, r, "_id"),
                                  f"_id must equal the row number {r + 1}", d["_id"])
            for k in d:
                if k not in fields:
                    raise _json_error("ACSet", (ob, r, k),
                                      f"{k!r} is not a hom or attribute out of {ob}", d[k])
            for f in schema.homs_out(ob):
                v = d.get(f, 0)
                codom = schema.codom(f)
                n = len(tables.get(codom, []))
                if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= n:
                    raise _json_error("ACSet", (ob, r, f),
                                      f"{v!r} is not a part of {codom} ({n} parts)", v)
                cols.setdefault(f, []).append(v - 1)
            for a in schema.attrs_out(ob):
                v = d.get(a)
                if isinstance(v, dict):
                    if set(v) != {"_var"} or not isinstance(v["_var"], int) or v["_var"] < 1:
                        raise _json_error("ACSet", (ob, r, a),
                                          "an attribute variable is written {\"_var\": n}, "
                                          "n >= 1", v)
                    v = AttrVar(v["_var"] - 1)
                cols.setdefault(a, []).append(v)
        columns[ob] = cols
    for ob in schema.obs:
        X.add_parts(ob, len(tables.get(ob, [])))
    for ob in schema.obs:
        for name, values in columns[ob].items():
            try:
                if schema.is_attr(name):
                    X.set_subpart(list(range(len(values))), name, values)
            except (TypeError, ValueError) as err:
                raise _json_error("ACSet", (ob, name), str(err), None) from None
    for ob in schema.obs:
        for name, values in columns[ob].items():
            if schema.is_attr(name):
                continue
            parts = [i for i, v in enumerate(values) if v != UNSET]
            try:
                X.set_subpart(parts, name, [values[i] for i in parts])
            except (TypeError, ValueError) as err:
                raise _json_error("ACSet", (ob, name), str(err), None) from None
    return X


def read_json_acset(cons: Schema | ACSet | Callable[[], ACSet], text: str | bytes) -> ACSet:
    """Read an ACSet from JSON text written by :func:`write_json_acset` or ACSets.jl.

    >>> from catlearn.acsets.schema import SchGraph
    >>> read_json_acset(SchGraph, '{"V": [{"_id": 1}], "E": []}').nparts("V")
    1
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _json_error("ACSet", (), f"not JSON: {err}", None) from None
    if not isinstance(data, dict):
        raise _json_error("ACSet", (), "an ACSet is a JSON object of tables", data)
    return parse_json_acset(cons, data)
