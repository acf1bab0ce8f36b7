"""ACSets: instances of a schema, finite sets of parts with columns of homs and attributes.

For each object ``X`` an ACSet has parts ``0..n-1``; for each hom ``f: X -> Y`` a column
of part ids of ``Y``; for each attribute ``a: X -> T`` a column of values (or attribute
variables). Writes are checked: a hom value is a part of its codomain, an attribute value
has its type, and the schema's equations hold wherever both sides are defined.

>>> g = ACSet(SchGraph)
>>> g.add_parts("V", 3)
range(0, 3)
>>> g.add_part("E", src=0, tgt=1), g.add_part("E", src=1, tgt=2)
(0, 1)
>>> g.subpart(0, "tgt"), g.subpart("src").tolist()
(1, [0, 1])
>>> g.incident(1, "src").tolist(), g.nparts("E")
([1], 2)
>>> g.set_subpart(0, "tgt", 7)
Traceback (most recent call last):
...
catlearn.errors.PartIdError: SchGraph: hom tgt: E -> V, part 0 of E: value 7 is not a part ...

**Writes are all-or-nothing.** Every mutator (``add_part(s)``, ``set_subpart``,
``clear_subpart``, ``rem_part(s)``, ``cascading_rem_parts``) reads and checks all of its
arguments first — part ids are Python or numpy integers (not bool, float or str) in
range, shapes and lengths match, attribute values have their type and can be compared,
the schema's equations still hold in the state the write would produce — and only then
writes. A failing call raises one of the library's errors (``PartIdError`` is also an
``IndexError``, ``PartIdTypeError`` and ``AttributeTypeError`` are ``TypeError``s,
``ColumnShapeError`` and ``EquationError`` are ``ValueError``s) and leaves parts,
columns and indices exactly as they were.

**Attribute values** compare by Julia's ``isequal`` (:mod:`catlearn.acsets.values`):
NaN equals NaN, ``-0.0`` differs from ``0.0``, lists, numpy arrays and dicts compare
elementwise. A value that rule cannot compare (an unhashable object that is not such a
container) is refused when written.

**Incident queries** are answered by a vectorised preimage index per hom
(:class:`~catlearn.acsets.preimage.PreimageIndex`): a CSR snapshot (part ids sorted by
value, and offsets) built lazily by the first query (one stable argsort, O(n log n)),
plus a delta: the writes since, pending per value, merged into a sorted answer when that
value is read. After ``max(1024, n/16)`` writes the index is dropped and the next query
rebuilds it. Costs, with ``d`` the size of an answer: ``incident(y, f)`` is O(1) plus a
copy of the ``d`` ids (O(d + k log k) once after ``k`` writes to ``y``); a write costs
O(1) plus, amortised, 1/(n/16) of a build (about 16 log n array steps). Results are
ascending part ids.

Removal follows ACSets.jl: ``rem_part(X, p)`` moves the last part of ``X`` into the slot
``p`` ("pop and swap"); homs that pointed at ``p`` become unset (``-1``), homs that pointed
at the last part now point at ``p``. The returned array maps each old id to its new id
(``-1`` for the removed part). Removal never breaks an equation (unsetting only makes
paths undefined, and pop and swap is a renumbering).
"""

from __future__ import annotations

import itertools
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.preimage import PreimageIndex
from catlearn.acsets.schema import PathEquation, Schema, SchGraph  # noqa: F401 (doctests)
from catlearn.acsets.values import value_key
from catlearn.errors import (
    ATTR_QUERY_UNHASHABLE,
    ATTR_TYPE,
    ATTR_UNHASHABLE,
    BAD_COLUMN_NAME,
    BAD_COUNT,
    BAD_HOM_VALUE,
    BAD_HOM_VALUE_ANY,
    BAD_PART,
    BAD_PART_ID,
    BAD_PART_SHAPE,
    BAD_VAR,
    COLUMN_LENGTH,
    COUNT_TOO_LARGE,
    EQUATION_BROKEN,
    EQUATION_FAILS,
    HOM_OUT_OF_RANGE,
    HOM_OUT_OF_RANGE_ANY,
    NEGATIVE_COUNT,
    UNKNOWN_ATTRTYPE,
    UNKNOWN_NAME,
    UNKNOWN_OB_OR_TYPE,
    ACSetError,
    AttributeTypeError,
    ColumnShapeError,
    EquationError,
    PartIdError,
    PartIdTypeError,
    SchemaError,
)

__all__ = ["ACSet", "UNSET"]

#: The value of a hom that has not been set (ACSets.jl writes it as ``0``).
UNSET = -1

TypeSpec = type | tuple[type, ...]

_I64_MIN, _I64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)
#: A write of new values to the parts of a hom: (sorted distinct parts, their values).
Overlay = dict[str, tuple[np.ndarray, np.ndarray]]


class _BadIds(Exception):
    """Internal: ids could not be read (``kind`` is ``type``, ``shape`` or ``range``)."""

    def __init__(self, kind: str, value: Any, index: int | None = None) -> None:
        super().__init__(kind)
        self.kind, self.value, self.index = kind, value, index


class _Short:
    """A value shown in a message by a shortened repr (long sequences elided)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return reprlib.repr(self.value)


def _is_id(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _read_id_list(items: list[Any]) -> np.ndarray:
    for i, v in enumerate(items):
        if not _is_id(v):
            nested = isinstance(v, (list, tuple, range, np.ndarray))
            raise _BadIds("shape" if nested else "type", v, i)
    ints = [int(v) for v in items]
    for i, v in enumerate(ints):
        if not _I64_MIN <= v <= _I64_MAX:
            raise _BadIds("range", v, i)
    return np.array(ints, dtype=np.int64)


def _read_ids(value: Any) -> tuple[np.ndarray, bool]:
    """Part ids as an int64 array, and whether ``value`` was a single id.

    Raises :class:`_BadIds` for a bool, float, str, nested sequence or huge integer.
    O(len(value)); a numpy integer array is converted without a Python loop.
    """
    if _is_id(value):
        v = int(value)
        if not _I64_MIN <= v <= _I64_MAX:
            raise _BadIds("range", v)
        return np.array([v], dtype=np.int64), True
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _read_ids(value.item())
        if value.ndim > 1:
            raise _BadIds("shape", value)
        kind = value.dtype.kind
        if kind in "iu":
            if kind == "u" and value.size and int(value.max()) > _I64_MAX:
                i = int(np.argmax(value))
                raise _BadIds("range", int(value[i]), i)
            return value.astype(np.int64, copy=False), False
        if value.size == 0:
            return np.zeros(0, dtype=np.int64), False
        if kind == "O":
            return _read_id_list(value.tolist()), False
        raise _BadIds("type", value.reshape(-1)[0].item(), 0)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _BadIds("type", value)
    return _read_id_list(list(value)), False


def _last_wins(parts: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct sorted parts with, for a repeated part, its last value (as sequential writes)."""
    if parts.size < 2:
        return parts, vals
    _, first_from_end = np.unique(parts[::-1], return_index=True)
    keep = parts.size - 1 - first_from_end
    return parts[keep], vals[keep]


class ACSet:
    """An attributed C-set: an instance of a :class:`Schema`.

    ``types`` binds attribute types to Python types used to check attribute values
    (every value is allowed for an unbound type).

    >>> from catlearn.acsets.schema import SchLabeledGraph
    >>> g = ACSet(SchLabeledGraph, types={"Label": str})
    >>> g.add_part("V", label="x")
    0
    >>> g.add_part("V", label=3)
    Traceback (most recent call last):
    ...
    catlearn.errors.AttributeTypeError: SchLabeledGraph: attribute label: V -> Label, part 1 ...
    >>> g.nparts("V")
    1
    """

    def __init__(self, schema: Schema, types: Mapping[str, TypeSpec] | None = None) -> None:
        if not isinstance(schema, Schema):
            raise TypeError(f"ACSet takes a Schema, not {type(schema).__name__}")
        types = dict(types or {})
        for t in types:
            if t not in schema.attrtypes:
                raise SchemaError(UNKNOWN_ATTRTYPE.format(
                    schema=schema.name, attrtype=t))
        self.schema = schema
        self.types: dict[str, TypeSpec] = {t: types.get(t, object) for t in schema.attrtypes}
        self._n: dict[str, int] = {x: 0 for x in schema.obs + schema.attrtypes}
        self._cap: dict[str, int] = {x: 0 for x in schema.obs}
        self._hom: dict[str, np.ndarray] = {}
        self._attr: dict[str, np.ndarray] = {}
        #: the preimage index of each hom (None until the first query needs it)
        self._index: dict[str, PreimageIndex | None] = {}
        self._hcodom: dict[str, str] = {f: y for f, _, y in schema.homs}
        self._attr_names = frozenset(a for a, _, _ in schema.attrs)
        #: objects where ``add_part`` may take the fast path: no equation starts there
        self._fast_homs: dict[str, frozenset[str]] = {
            x: frozenset(schema.homs_out(x)) for x in schema.obs
            if not any(eq.dom == x for eq in schema.equations)}
        for f, _, _ in schema.homs:
            self._hom[f] = np.zeros(0, dtype=np.int64)
            self._index[f] = None
        for a, _, _ in schema.attrs:
            self._attr[a] = np.empty(0, dtype=object)

    # ================================================================ sizes
    @property
    def name(self) -> str:
        """The schema's name (used in error messages)."""
        return self.schema.name

    def nparts(self, ob: str) -> int:
        """The number of parts of an object (or of variables of an attribute type). O(1).

        >>> ACSet(SchGraph).nparts("V")
        0
        """
        try:
            return self._n[ob]
        except (KeyError, TypeError):
            raise SchemaError(UNKNOWN_OB_OR_TYPE.format(
                schema=self.name, ob=ob)) from None

    def parts(self, ob: str) -> range:
        """The part ids ``0..n-1`` of an object.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); g.parts("V")
        range(0, 2)
        """
        return range(self.nparts(ob))

    def _grow(self, ob: str, need: int) -> None:
        """Make room for ``need`` parts of ``ob``; allocates everything before assigning."""
        cap = self._cap[ob]
        if need <= cap:
            return
        new = max(need, 2 * cap, 8)
        extra = new - cap
        try:
            homs = {f: np.concatenate([self._hom[f], np.full(extra, UNSET, dtype=np.int64)])
                    for f in self.schema.homs_out(ob)}
            attrs = {a: np.concatenate([self._attr[a], np.full(extra, None, dtype=object)])
                     for a in self.schema.attrs_out(ob)}
        except (ValueError, MemoryError) as err:  # numpy: "array is too big"
            raise ACSetError(COUNT_TOO_LARGE.format(
                schema=self.name, n=need, ob=ob)) from err
        self._hom.update(homs)
        self._attr.update(attrs)
        self._cap[ob] = new

    # ================================================================ reading ids
    def _name(self, f: Any) -> str:
        if not isinstance(f, str):
            raise SchemaError(UNKNOWN_NAME.format(schema=self.name, name=f))
        self.schema.dom(f)
        return f

    def _ids(self, value: Any, ob: str, what: str) -> tuple[np.ndarray, bool]:
        """Read part ids of ``ob`` (checked in range); raise the library's errors."""
        try:
            ids, scalar = _read_ids(value)
        except _BadIds as bad:
            if bad.kind == "range":
                self._bad_part(ob, bad.value)
            if bad.kind == "type":
                raise PartIdTypeError(BAD_PART_ID.format(
                    schema=self.name, what=what, ob=ob, value=_Short(bad.value))) from None
            raise ColumnShapeError(BAD_PART_SHAPE.format(
                schema=self.name, what=what, ob=ob, value=_Short(value))) from None
        n = self._n[ob]
        if ids.size:
            bad_mask = (ids < 0) | (ids >= n)
            if bad_mask.any():
                self._bad_part(ob, int(ids[np.argmax(bad_mask)]))
        return ids, scalar

    def _bad_part(self, ob: str, part: Any) -> NoReturn:
        n = self._n[ob]
        raise PartIdError(BAD_PART.format(
            schema=self.name, ob=ob, part=part, n=n, last=n - 1))

    # ================================================================ reading values
    def _hom_values(self, f: str, parts: np.ndarray, values: Any, n_codom: int) -> np.ndarray:
        """Check the values written to hom ``f`` at ``parts`` (broadcasting one id)."""
        dom, codom = self.schema.dom(f), self.schema.codom(f)

        def at(i: int | None) -> int | None:
            if i is not None and i < parts.size:
                return int(parts[i])
            return int(parts[0]) if parts.size == 1 else None

        try:
            vals, scalar = _read_ids(values)
        except _BadIds as bad:
            part = at(bad.index)
            if bad.kind == "range":
                self._hom_out_of_range(f, part, bad.value, n_codom)
            if bad.kind == "shape":
                raise ColumnShapeError(BAD_PART_SHAPE.format(
                    schema=self.name, what=f"values of hom {f}", ob=dom,
                    value=_Short(values))) from None
            if part is None:
                raise PartIdTypeError(BAD_HOM_VALUE_ANY.format(
                    schema=self.name, hom=f, dom=dom, codom=codom, value=bad.value)) from None
            raise PartIdTypeError(BAD_HOM_VALUE.format(
                schema=self.name, hom=f, dom=dom, part=part, value=bad.value)) from None
        if scalar:
            if not 0 <= int(vals[0]) < n_codom:
                self._hom_out_of_range(f, at(None), int(vals[0]), n_codom)
            return np.full(parts.size, vals[0], dtype=np.int64)
        if vals.size != parts.size:
            raise ColumnShapeError(COLUMN_LENGTH.format(
                schema=self.name, name=f, ob=dom, got=vals.size, n=parts.size))
        bad_mask = (vals < 0) | (vals >= n_codom)
        if bad_mask.any():
            i = int(np.argmax(bad_mask))
            self._hom_out_of_range(f, int(parts[i]), int(vals[i]), n_codom)
        return vals

    def _hom_out_of_range(self, f: str, part: int | None, value: Any, n: int) -> NoReturn:
        dom, codom = self.schema.dom(f), self.schema.codom(f)
        if part is None:
            raise PartIdError(HOM_OUT_OF_RANGE_ANY.format(
                schema=self.name, hom=f, dom=dom, codom=codom, value=value, n=n))
        raise PartIdError(HOM_OUT_OF_RANGE.format(
            schema=self.name, hom=f, dom=dom, codom=codom, part=part, value=value, n=n))

    def _check_attr_values(self, a: str, parts: np.ndarray, values: Any) -> np.ndarray:
        """Check the values written to attribute ``a`` at ``parts``; an object array.

        A str, bytes, dict or other non-sequence value is written to every part; a list,
        tuple or 1-d array gives one value per part. O(len(parts)).
        """
        dom = self.schema.dom(a)
        if isinstance(values, np.ndarray):
            per_part = values.ndim > 0
        else:
            per_part = isinstance(values, Sequence) and not isinstance(values, (str, bytes))
        vals = np.empty(parts.size, dtype=object)
        if per_part:
            if len(values) != parts.size:
                raise ColumnShapeError(COLUMN_LENGTH.format(
                    schema=self.name, name=a, ob=dom, got=len(values), n=parts.size))
            for i, v in enumerate(values):
                vals[i] = v
        else:
            vals.fill(values)
        for p, v in zip(parts.tolist(), vals.tolist(), strict=True):
            self._check_attr_value(a, p, v)
        return vals

    def _check_attr_value(self, a: str, part: int, v: Any) -> None:
        dom, t = self.schema.dom(a), self.schema.codom(a)
        if v is None:
            return
        if isinstance(v, AttrVar):
            if v.val >= self._n[t]:
                raise PartIdError(BAD_VAR.format(
                    schema=self.name, attrtype=t, var=v, n=self._n[t]))
            return
        expected = self.types[t]
        if not isinstance(v, expected):
            exp = expected.__name__ if isinstance(expected, type) else " or ".join(
                e.__name__ for e in expected)
            raise AttributeTypeError(ATTR_TYPE.format(
                schema=self.name, attr=a, dom=dom, attrtype=t, part=part, value=v,
                got=type(v).__name__, expected=exp))
        try:
            value_key(v)
        except Exception:
            raise AttributeTypeError(ATTR_UNHASHABLE.format(
                schema=self.name, attr=a, dom=dom, attrtype=t, part=part, value=v,
                got=type(v).__name__)) from None

    def _check_column_names(self, ob: str, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.schema.homs_out(ob) and name not in self.schema.attrs_out(ob):
                raise SchemaError(BAD_COLUMN_NAME.format(
                    schema=self.name, name=name, ob=ob))

    def _count(self, ob: str, n: Any) -> int:
        if not _is_id(n):
            raise PartIdTypeError(BAD_COUNT.format(schema=self.name, n=n, ob=ob))
        if n < 0:
            raise ACSetError(NEGATIVE_COUNT.format(schema=self.name, n=n, ob=ob))
        return int(n)

    # ================================================================ adding
    def add_part(self, ob: str, **subparts: Any) -> int:
        """Add one part to ``ob`` (or one variable to an attribute type); return its id.

        O(number of columns), plus the index updates of :meth:`add_parts`.

        >>> g = ACSet(SchGraph); g.add_part("V")
        0
        """
        fast = self._add_one_fast(ob, subparts)
        if fast is not None:
            return fast
        return self.add_parts(ob, 1, **{k: [v] for k, v in subparts.items()})[0]

    def _add_one_fast(self, ob: str, subparts: dict[str, Any]) -> int | None:
        """``add_part`` when every column is a hom given a valid Python int and no equation
        starts at ``ob``: checked, then written, in O(columns). ``None``: not that case
        (the general path then checks and reports)."""
        homs_out = self._fast_homs.get(ob)
        if homs_out is None:
            return None
        start = self._n[ob]
        for f, v in subparts.items():
            if f not in homs_out or v.__class__ is not int:
                return None
            y = self._hcodom[f]
            if not 0 <= v < self._n[y] + (1 if y == ob else 0):
                return None
        if start + 1 > self._cap[ob]:
            self._grow(ob, start + 1)
        self._n[ob] = start + 1
        for f, v in subparts.items():
            self._hom[f][start] = v
            ix = self._index[f]
            if ix is not None and not ix.note_one(start, UNSET, v):
                self._index[f] = None
        return start

    def add_parts(self, ob: str, n: int, **columns: Any) -> range:
        """Add ``n`` parts to ``ob`` with the given columns; return their ids.

        Everything is checked before anything is written (see the module docstring). A
        hom from ``ob`` to itself may point at parts added in the same call; the schema's
        equations out of ``ob`` must hold at the new parts. O(n) vectorised for hom
        columns (plus O(n) Python checks per attribute column); a built preimage index
        records the new values in its delta, or is dropped when the delta would exceed
        ``max(1024, |ob|/16)`` writes (rebuilt by the next query).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
        >>> g.add_parts("E", 2, src=[0, 1], tgt=[1, 1])
        range(0, 2)
        """
        if ob in self.schema.attrtypes:
            count = self._count(ob, n)
            if columns:
                raise SchemaError(f"schema {self.name}: attribute type {ob} has no columns")
            start = self._n[ob]
            self._n[ob] = start + count
            return range(start, start + count)
        self.schema.check_ob(ob)
        n = self._count(ob, n)
        self._check_column_names(ob, columns)
        start = self._n[ob]
        try:
            new = np.arange(start, start + n, dtype=np.int64)
        except (ValueError, MemoryError, OverflowError) as err:
            raise ACSetError(COUNT_TOO_LARGE.format(
                schema=self.name, n=n, ob=ob)) from err
        homs: dict[str, np.ndarray] = {}
        for f in self.schema.homs_out(ob):
            if f in columns:
                codom = self.schema.codom(f)
                n_codom = self._n[codom] + (n if codom == ob else 0)
                homs[f] = self._hom_values(f, new, columns[f], n_codom)
        attrs = {a: self._check_attr_values(a, new, columns[a])
                 for a in self.schema.attrs_out(ob) if a in columns}
        if n and self.schema.equations:
            over = {f: (new, homs.get(f, np.full(n, UNSET, dtype=np.int64)))
                    for f in self.schema.homs_out(ob)}
            eqs = [eq for eq in self.schema.equations if eq.dom == ob]
            self._check_equations(eqs, new, over, list(homs))
        # ---- everything is checked: write
        self._grow(ob, start + n)
        self._n[ob] = start + n
        for a, vals in attrs.items():
            self._attr[a][start:start + n] = vals
        unset = np.full(n, UNSET, dtype=np.int64)
        for f, vals in homs.items():
            self._hom[f][start:start + n] = vals
            self._note(f, new, unset, vals)
        return range(start, start + n)

    # ================================================================ the index
    def _note(self, f: str, parts: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """Tell the index of ``f`` that ``parts`` changed from ``old`` to ``new``."""
        ix = self._index[f]
        if ix is not None and not ix.note(parts, old, new):
            self._index[f] = None

    def _index_of(self, f: str) -> PreimageIndex:
        """The preimage index of hom ``f``, built now if needed (O(n log n))."""
        ix = self._index[f]
        if ix is None:
            n = self._n[self.schema.dom(f)]
            ix = PreimageIndex(self._hom[f][:n], self._n[self._hcodom[f]])
            self._index[f] = ix
        return ix

    def incident(self, part: Any, f: str | Sequence[str]) -> Any:
        """The parts ``x`` with ``f(x) == part``, ascending, from the index (not a scan).

        ``part`` is a part id of the codomain, or a 1-d array/sequence of them: then the
        answer is a list with one array per given part, from one vectorised gather. ``f``
        may also be an attribute (then ``part`` is a value, compared by ``isequal``;
        answered by a scan of the column, O(n)) or a path of homs, optionally ending in an
        attribute (read in diagrammatic order).

        Cost for a hom: O(1) plus a copy of the ``d`` ids of the answer (a CSR slice),
        about 0.5 µs at degree 1 on 10^6 edges; O(d + k log k) once after ``k`` writes
        to ``part``; O(n log n) once when the index must be (re)built. For ``m`` parts:
        one vectorised gather, O(m + total answer).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
        >>> _ = g.add_parts("E", 3, src=[0, 1, 0], tgt=[1, 1, 1])
        >>> g.incident(0, "src").tolist(), g.incident(1, "tgt").tolist()
        ([0, 2], [0, 1, 2])
        >>> [a.tolist() for a in g.incident([1, 0], "src")]
        [[1], [0, 2]]
        """
        ix = self._index.get(f) if f.__class__ is str else None
        if ix is not None and part.__class__ is int and 0 <= part < ix.ny \
                and part < self._n[self._hcodom[f]]:  # type: ignore[index]
            if ix.clean:
                o = ix.offsets
                return ix.order[o[part]:o[part + 1]].copy()
            return ix.query(part)
        return self._incident(part, f)

    def _incident(self, part: Any, f: str | Sequence[str]) -> Any:
        if not isinstance(f, str):
            return self._incident_path(part, self._path(f))
        self._name(f)
        if f in self._attr_names:
            return self._incident_attr(part, f)
        codom = self._hcodom[f]
        ids, scalar = self._ids(part, codom, f"incident({f})")
        ix = self._index_of(f)
        return ix.query(int(ids[0])) if scalar else ix.many(ids)

    def _incident_attr(self, value: Any, a: str) -> np.ndarray:
        try:
            key = value_key(value)
        except Exception:
            raise AttributeTypeError(ATTR_QUERY_UNHASHABLE.format(
                schema=self.name, attr=a, value=value, got=type(value).__name__)) from None
        col = self._attr[a][:self._n[self.schema.dom(a)]].tolist()
        if value is None:
            return np.zeros(0, dtype=np.int64)
        if isinstance(value, str):
            hits = [i for i, v in enumerate(col) if isinstance(v, str) and v == value]
        else:
            hits = [i for i, v in enumerate(col)
                    if v is not None and (v is value or value_key(v) == key)]
        return np.asarray(hits, dtype=np.int64)

    def _incident_path(self, part: Any, path: tuple[str, ...]) -> Any:
        last = path[-1]
        if last in self._attr_names:
            current = self._incident_attr(part, last)
        else:
            ids, scalar = self._ids(part, self._hcodom[last], f"incident({last})")
            if not scalar:
                return [self._incident_path(int(y), path) for y in ids.tolist()]
            current = self._index_of(last).query(int(ids[0]))
        for h in reversed(path[:-1]):
            current = np.unique(self._index_of(h).preimage(current))
        return current

    # ================================================================ reading
    def subpart(self, part: Any, f: str | Sequence[str] | None = None) -> Any:
        """The value of a hom or attribute at a part, at several parts, or the whole column.

        ``subpart(f)`` returns the whole column (a fresh numpy array); ``f`` may be a path
        of homs, optionally ending in an attribute. An unset hom reads ``-1``, an unset
        attribute ``None``. O(number of parts read × length of the path).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
        >>> _ = g.add_parts("E", 2, src=[0, 1], tgt=[1, 0])
        >>> g.subpart(1, "src"), g.subpart("tgt").tolist()
        (1, [1, 0])
        >>> g.subpart([0, 1], ("src", "src"))
        Traceback (most recent call last):
        ...
        catlearn.errors.SchemaError: schema SchGraph: the path ('src', 'src') does not compose ...
        """
        if f is None:
            if not isinstance(part, (str, tuple)):
                raise TypeError("subpart(f) takes the name of a hom or attribute, or a "
                                "tuple of names (a path)")
            path = self._path(part)
            ob = self.schema.dom(path[0])
            if len(path) == 1:  # a whole column: a slice copy
                name = path[0]
                store = self._attr[name] if name in self._attr_names else self._hom[name]
                return store[:self._n[ob]].copy()
            return self._eval_path(np.arange(self._n[ob], dtype=np.int64), path)
        path = self._path(f)
        ob = self.schema.dom(path[0])
        parts, scalar = self._ids(part, ob, f"subpart({path[0]})")
        out = self._eval_path(parts, path)
        if scalar:
            v = out[0]
            return int(v) if isinstance(v, np.integer) else v
        return out

    def _path(self, f: str | Sequence[str]) -> tuple[str, ...]:
        if isinstance(f, str):
            path: tuple[str, ...] = (f,)
        elif isinstance(f, Iterable) and not isinstance(f, Mapping):
            path = tuple(f)
        else:
            raise SchemaError(UNKNOWN_NAME.format(schema=self.name, name=f))
        if not path:
            raise SchemaError(f"schema {self.name}: an empty path has no value")
        for name in path:
            self._name(name)  # raises on an unknown name
        for a, b in itertools.pairwise(path):
            if a in self._attr_names or self.schema.codom(a) != self.schema.dom(b):
                raise SchemaError(
                    f"schema {self.name}: the path {path!r} does not compose ({a} ends at "
                    f"{self.schema.codom(a)}, {b} starts at {self.schema.dom(b)})")
        return path

    def _eval_path(self, parts: np.ndarray, path: tuple[str, ...]) -> np.ndarray:
        current = parts
        for name in path:
            ok = current >= 0
            if name in self._attr_names:
                out = np.full(current.size, None, dtype=object)
                out[ok] = self._attr[name][current[ok]]
                return out
            nxt = np.full(current.size, UNSET, dtype=np.int64)
            nxt[ok] = self._hom[name][current[ok]]
            current = nxt
        return current.copy() if current is parts else current

    # ================================================================ writing
    def set_subpart(self, part: Any, f: str, value: Any) -> None:
        """Set a hom or attribute at one part (or at an array of parts, vectorised).

        All values are checked before anything changes; a write that would break one of
        the schema's equations is refused and leaves the ACSet as it was. A part given
        twice takes its last value. O(k) for ``k`` parts (plus, for a hom in an equation,
        the preimages of the written parts along the equation's paths); see
        :meth:`add_parts` for the index.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); e = g.add_part("E", src=0, tgt=0)
        >>> g.set_subpart(e, "tgt", 1); g.subpart(e, "tgt")
        1
        """
        f = self._name(f)
        ob = self.schema.dom(f)
        parts, scalar = self._ids(part, ob, f"set_subpart({f})")
        if f in self._attr_names:
            vals = self._check_attr_values(f, parts, [value] if scalar else value)
            parts, vals = _last_wins(parts, vals)
            self._attr[f][parts] = vals
            return
        vals = self._hom_values(f, parts, value, self._n[self._hcodom[f]])
        parts, vals = _last_wins(parts, vals)
        eqs = self.schema.equations_using(f)
        if eqs and parts.size:
            starts = self._equation_starts(eqs, f, ob, parts)
            self._check_equations(eqs, starts, {f: (parts, vals)}, [f], parts)
        self._write_hom(f, parts, vals)

    def _write_hom(self, f: str, parts: np.ndarray, vals: np.ndarray) -> None:
        """Write distinct ``parts`` (checked) and tell the index."""
        col = self._hom[f]
        old = col[parts]
        col[parts] = vals
        self._note(f, parts, old, vals)

    def clear_subpart(self, part: Any, f: str) -> None:
        """Unset a hom (to ``-1``) or an attribute (to ``None``) at a part (or parts).

        Never breaks an equation. O(k) for ``k`` parts.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 1); e = g.add_part("E", src=0, tgt=0)
        >>> g.clear_subpart(e, "src"); g.subpart(e, "src")
        -1
        """
        f = self._name(f)
        ob = self.schema.dom(f)
        parts, _ = self._ids(part, ob, f"clear_subpart({f})")
        parts = np.unique(parts)
        if f in self._attr_names:
            self._attr[f][parts] = None
        else:
            self._write_hom(f, parts, np.full(parts.size, UNSET, dtype=np.int64))

    # ================================================================ equations
    def _equation_starts(self, eqs: Sequence[PathEquation], f: str, ob: str,
                         parts: np.ndarray) -> np.ndarray:
        """The parts at which writing ``f`` at ``parts`` may change an equation's sides.

        A start whose side first uses a changed value at step ``i`` reaches a written part
        through ``side[:i]`` without using a changed value, so the current index finds it.
        """
        starts = [parts] if any(eq.dom == ob for eq in eqs) else []
        for eq in eqs:
            for side in (eq.lhs, eq.rhs):
                for i, h in enumerate(side):
                    if h == f and i > 0:
                        current = parts
                        for g in reversed(side[:i]):
                            current = np.unique(self._index_of(g).preimage(current))
                        starts.append(current)
        return np.unique(np.concatenate(starts)) if starts else parts

    def _lookup(self, h: str, idx: np.ndarray, over: Overlay) -> np.ndarray:
        """Hom ``h`` at ``idx`` in the state where the overlay's values are written."""
        out = np.full(idx.size, UNSET, dtype=np.int64)
        ok = (idx >= 0) & (idx < self._n[self.schema.dom(h)])
        out[ok] = self._hom[h][idx[ok]]
        if h in over:
            ps, vs = over[h]
            if ps.size:
                pos = np.minimum(np.searchsorted(ps, idx), ps.size - 1)
                hit = (idx >= 0) & (ps[pos] == idx)
                out[hit] = vs[pos[hit]]
        return out

    def _check_equations(self, eqs: Sequence[PathEquation], starts: np.ndarray,
                         over: Overlay, homs: Sequence[str],
                         parts: np.ndarray | None = None) -> None:
        """Check ``eqs`` at ``starts`` in the state the overlay describes (nothing written)."""
        if starts.size == 0:
            return
        for eq in eqs:
            sides = []
            for side in (eq.lhs, eq.rhs):
                current = starts
                for h in side:
                    current = self._lookup(h, current, over)
                sides.append(current)
            lhs, rhs = sides
            bad = (lhs >= 0) & (rhs >= 0) & (lhs != rhs)
            if bad.any():
                i = int(np.argmax(bad))
                label = eq.name or eq.describe()
                written = starts if parts is None else parts
                if homs and written.size == 1:
                    h = homs[0]
                    raise EquationError(EQUATION_BROKEN.format(
                        schema=self.name, name=h, part=int(written[0]),
                        value=int(self._lookup(h, written, over)[0]), equation=label,
                        at=int(starts[i]), dom=eq.dom, lhs=int(lhs[i]), rhs=int(rhs[i])))
                raise EquationError(EQUATION_FAILS.format(
                    schema=self.name, equation=label, at=int(starts[i]), dom=eq.dom,
                    lhs=int(lhs[i]), rhs=int(rhs[i])))

    def validate(self) -> None:
        """Check every hom value and every equation of the whole ACSet (vectorised).

        >>> from catlearn.acsets.schema import SchReflexiveGraph
        >>> g = ACSet(SchReflexiveGraph); g.add_part("V")
        0
        >>> g.validate()
        """
        for f, x, y in self.schema.homs:
            col = self._hom[f][:self._n[x]]
            bad = (col != UNSET) & ((col < 0) | (col >= self._n[y]))
            if bad.any():
                i = int(np.argmax(bad))
                raise PartIdError(HOM_OUT_OF_RANGE.format(
                    schema=self.name, hom=f, dom=x, codom=y, part=i, value=int(col[i]),
                    n=self._n[y]))
        for eq in self.schema.equations:
            self._check_equations([eq], np.arange(self._n[eq.dom], dtype=np.int64), {}, [])

    # ================================================================ removing
    def rem_part(self, ob: str, part: int) -> np.ndarray:
        """Remove one part by "pop and swap"; return the map old id -> new id (-1: removed).

        O(degree of the part and of the last part, over the homs into ``ob``), plus
        O(n) scans for an attribute variable.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3)
        >>> _ = g.add_parts("E", 2, src=[0, 2], tgt=[1, 2])
        >>> g.rem_part("V", 0).tolist()
        [-1, 1, 0]
        >>> g.subpart("src").tolist(), g.subpart("tgt").tolist()
        ([-1, 0], [1, 0])
        """
        n = self.nparts(ob)
        ids, scalar = self._ids(part, ob, "rem_part")
        if not scalar:
            raise PartIdTypeError(BAD_PART_ID.format(
                schema=self.name, what="rem_part", ob=ob, value=part))
        renumber = np.arange(n, dtype=np.int64)
        self._rem_one(ob, int(ids[0]), renumber, renumber.copy())
        return renumber

    def _rem_one(self, ob: str, p: int, renumber: np.ndarray, cur2old: np.ndarray) -> None:
        """Pop-and-swap part ``p`` (a current id, checked).

        ``renumber`` maps original ids to current ones and ``cur2old`` back; both are
        updated in O(1).
        """
        last = self._n[ob] - 1
        if ob in self.schema.attrtypes:
            self._rem_var(ob, p, last)
        else:
            for g in self.schema.homs_in(ob):
                referrers = self._index_of(g).query(p)
                if referrers.size:
                    self._write_hom(g, referrers, np.full(referrers.size, UNSET, np.int64))
                if last != p:
                    movers = self._index_of(g).query(last)
                    if movers.size:
                        self._write_hom(g, movers, np.full(movers.size, p, np.int64))
            both = np.asarray([p] if last == p else [p, last], dtype=np.int64)
            for f in self.schema.homs_out(ob):
                col = self._hom[f]
                moved = np.asarray([UNSET] if last == p else [col[last], UNSET], np.int64)
                self._write_hom(f, both, moved)
            for a in self.schema.attrs_out(ob):
                self._attr[a][p] = self._attr[a][last]
                self._attr[a][last] = None
        self._n[ob] = last
        renumber[cur2old[p]] = UNSET
        if last != p:
            renumber[cur2old[last]] = p
            cur2old[p] = cur2old[last]

    def _rem_var(self, t: str, k: int, last: int) -> None:
        for a in self.schema.attrs_into(t):
            col = self._attr[a]
            n = self._n[self.schema.dom(a)]
            for i in range(n):
                v = col[i]
                if isinstance(v, AttrVar):
                    if v.val == k:
                        col[i] = None
                    elif v.val == last:
                        col[i] = AttrVar(k)

    def rem_parts(self, ob: str, parts: Iterable[int]) -> np.ndarray:
        """Remove several parts (largest id first, as ACSets.jl); return old -> new ids.

        All ids are checked first (a repeated id is removed once). O(sum of the costs of
        :meth:`rem_part`).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 4)
        >>> g.rem_parts("V", [0, 2]).tolist()
        [-1, 1, -1, 0]
        """
        n = self.nparts(ob)
        ids, _ = self._ids(parts, ob, "rem_parts")
        ps = np.unique(ids)
        renumber = np.arange(n, dtype=np.int64)
        cur2old = renumber.copy()
        for p in ps[::-1].tolist():
            self._rem_one(ob, p, renumber, cur2old)
        return renumber

    def cascading_rem_parts(self, ob: str, parts: Iterable[int]) -> dict[str, np.ndarray]:
        """Remove parts and, recursively, every part whose homs point at a removed part.

        Returns, for each object that lost parts, the map old id -> new id. The doomed
        parts are found first with vectorised preimages (O(their number + degrees)).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3)
        >>> _ = g.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
        >>> out = g.cascading_rem_parts("V", [0])
        >>> g.nparts("V"), g.nparts("E"), out["E"].tolist()
        (2, 1, [-1, 0])
        """
        self.schema.check_ob(ob)
        ids, _ = self._ids(parts, ob, "cascading_rem_parts")
        doomed = {x: np.zeros(self._n[x], dtype=bool) for x in self.schema.obs}
        ps = np.unique(ids)
        doomed[ob][ps] = True
        frontier = [(ob, ps)]
        while frontier:
            x, arr = frontier.pop()
            for g in self.schema.homs_in(x):
                z = self.schema.dom(g)
                qs = np.unique(self._index_of(g).preimage(arr))
                qs = qs[~doomed[z][qs]]
                if qs.size:
                    doomed[z][qs] = True
                    frontier.append((z, qs))
        return {x: self.rem_parts(x, np.flatnonzero(m)) for x, m in doomed.items() if m.any()}

    # ================================================================ values
    def _empty_like(self) -> ACSet:
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.schema = self.schema
        other.types = dict(self.types)
        other._n = {}
        other._cap = {}
        other._hom, other._attr, other._index = {}, {}, {}
        return other

    def copy(self) -> ACSet:
        """A deep copy (columns copied, index snapshots shared; attribute values shared).

        O(n) for the columns; the index's read-only CSR arrays are shared, its delta
        copied.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); h = g.copy(); _ = h.add_part("V")
        >>> g.nparts("V"), h.nparts("V")
        (2, 3)
        """
        other = self._empty_like()
        other._n = dict(self._n)
        other._cap = dict(self._cap)
        other._hom = {k: v.copy() for k, v in self._hom.items()}
        other._attr = {k: v.copy() for k, v in self._attr.items()}
        other._index = {k: None if ix is None else ix.copy() for k, ix in self._index.items()}
        return other

    def empty(self) -> ACSet:
        """An empty ACSet of the same schema, types and class.

        >>> ACSet(SchGraph).empty().nparts("V")
        0
        """
        other = self._empty_like()
        ACSet.__init__(other, self.schema, self.types)
        return other

    def _view(self, f: str) -> np.ndarray:
        """Private: the column of hom ``f`` as a read-only view (no copy, no check).

        >>> g = ACSet.build(SchGraph, V=2, E={"src": [0, 1], "tgt": [1, 1]})
        >>> g._view("tgt").tolist(), g._view("tgt").flags.writeable
        ([1, 1], False)
        """
        view = self._hom[f][:self._n[self.schema.dom(f)]]
        view.setflags(write=False)
        return view

    def _adopt(self, counts: Mapping[str, int], homs: Mapping[str, np.ndarray]) -> None:
        """Private: fill this empty ACSet (a schema without attributes or equations) with
        ``counts[c]`` parts per object and the hom columns ``homs`` taken over as they
        are: no copy and no check. Only for constructions whose columns are correct by
        construction (the apexes of colimits and limits): int64 arrays of length
        ``counts[dom]``, values in ``-1..counts[codom]-1``, owned by nobody else.

        >>> X = ACSet(SchGraph)
        >>> X._adopt({"V": 2, "E": 1}, {"src": np.array([0]), "tgt": np.array([1])})
        >>> X == ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
        True
        """
        for c in self.schema.obs:
            self._n[c] = self._cap[c] = int(counts[c])
        for f, _, _ in self.schema.homs:
            self._hom[f] = homs[f]
            self._index[f] = None

    def column(self, name: str) -> np.ndarray:
        """The whole column of a hom or attribute (same as ``subpart(name)``)."""
        return self.subpart(name)

    def __eq__(self, other: object) -> bool:
        """Same schema, sizes and columns; attribute values compared by ``isequal``.

        >>> from catlearn.acsets.schema import SchLabeledGraph
        >>> g = ACSet(SchLabeledGraph); _ = g.add_part("V", label=float("nan"))
        >>> g == g.copy()
        True
        """
        if not isinstance(other, ACSet) or other.schema != self.schema:
            return False
        if self._n != other._n:
            return False
        for f, x, _ in self.schema.homs:
            if not np.array_equal(self._hom[f][:self._n[x]], other._hom[f][:other._n[x]]):
                return False
        for a, x, _ in self.schema.attrs:
            mine, theirs = self._attr[a][:self._n[x]], other._attr[a][:other._n[x]]
            for u, v in zip(mine.tolist(), theirs.tolist(), strict=True):
                if u is not v and value_key(u) != value_key(v):
                    return False
        return True

    __hash__ = None  # type: ignore[assignment]  # mutable

    def tables(self) -> str:
        """The parts as tables, one per object (Catlab's style of printing).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
        >>> print(g.tables())
        ACSet(SchGraph)
          V: 2 parts
          E: 1 part
            id  src  tgt
            0   0    1
        """
        lines = [f"{type(self).__name__}({self.name})"]
        for x in self.schema.obs + self.schema.attrtypes:
            n = self._n[x]
            kind = "variable" if x in self.schema.attrtypes else "part"
            if x in self.schema.attrtypes and n == 0:
                continue
            lines.append(f"  {x}: {n} {kind}{'' if n == 1 else 's'}")
            if x in self.schema.attrtypes:
                continue
            cols = list(self.schema.homs_out(x)) + list(self.schema.attrs_out(x))
            if not cols or n == 0:
                continue
            rows = [["id", *cols]]
            shown = min(n, 20)
            for i in range(shown):
                rows.append([str(i)] + [
                    repr(self.subpart(i, c)) if self.schema.is_attr(c)
                    else str(self.subpart(i, c)) for c in cols])
            widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
            for r in rows:
                lines.append("    " + "  ".join(s.ljust(w) for s, w in zip(r, widths,
                                                                         strict=True)).rstrip())
            if n > shown:
                lines.append(f"    ... ({n - shown} more)")
        return "\n".join(lines)

    @classmethod
    def build(cls, schema: Schema, /, types: Mapping[str, TypeSpec] | None = None,
              **tables: Any) -> ACSet:
        """An ACSet from a literal, as Catlab's ``@acset``: per object a count of parts or
        a dict of whole columns (0-based hom values, ``None`` unset), per attribute type a
        count of variables. ``repr`` writes the same literal.

        >>> g = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
        >>> g.subpart(0, "tgt"), eval(repr(g)) == g
        (1, True)
        """
        from catlearn.acsets.literal import build

        return build(cls, schema, types, tables)

    def __repr__(self) -> str:
        from catlearn.acsets.literal import literal

        return literal(self)

    def __str__(self) -> str:
        return self.tables()

    def _repr_svg_(self) -> str | None:
        if not self.schema.is_graph_like():
            return None
        from catlearn.acsets.graphviz import render_svg, to_graphviz

        return render_svg(to_graphviz(self))
