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
catlearn.errors.ACSetError: SchGraph: hom tgt: E -> V, part 0 of E: value 7 is not a part ...

Incident queries are answered from an index that every mutation keeps up to date: for
each hom ``f: X -> Y`` a doubly linked list through the parts of ``X`` per part of ``Y``
(arrays ``head``, ``next``, ``prev``), so adding, changing and removing a value is O(1)
and ``incident`` costs O(number of results).

Removal follows ACSets.jl: ``rem_part(X, p)`` moves the last part of ``X`` into the slot
``p`` ("pop and swap"); homs that pointed at ``p`` become unset (``-1``), homs that pointed
at the last part now point at ``p``. The returned array maps each old id to its new id
(``-1`` for the removed part).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.schema import PathEquation, Schema, SchGraph  # noqa: F401 (doctests)
from catlearn.errors import MESSAGES, ACSetError, AttributeTypeError, SchemaError

__all__ = ["ACSet", "UNSET"]

#: The value of a hom that has not been set (ACSets.jl writes it as ``0``).
UNSET = -1

TypeSpec = type | tuple[type, ...]


def _int_array(values: Any, n: int | None = None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iu":
        raise TypeError(f"expected integer part ids, got {arr.dtype} values")
    return arr.astype(np.int64, copy=False)


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
                raise SchemaError(MESSAGES["unknown_attrtype"].format(
                    schema=schema.name, attrtype=t))
        self.schema = schema
        self.types: dict[str, TypeSpec] = {t: types.get(t, object) for t in schema.attrtypes}
        self._n: dict[str, int] = {x: 0 for x in schema.obs + schema.attrtypes}
        self._cap: dict[str, int] = {x: 0 for x in schema.obs}
        self._hom: dict[str, np.ndarray] = {}
        self._head: dict[str, np.ndarray] = {}
        self._next: dict[str, np.ndarray] = {}
        self._prev: dict[str, np.ndarray] = {}
        self._attr: dict[str, np.ndarray] = {}
        for f, _, _ in schema.homs:
            for d in (self._hom, self._head, self._next, self._prev):
                d[f] = np.zeros(0, dtype=np.int64)
        for a, _, _ in schema.attrs:
            self._attr[a] = np.empty(0, dtype=object)

    # ================================================================ sizes
    @property
    def name(self) -> str:
        """The schema's name (used in error messages)."""
        return self.schema.name

    def nparts(self, ob: str) -> int:
        """The number of parts of an object (or of variables of an attribute type).

        >>> ACSet(SchGraph).nparts("V")
        0
        """
        try:
            return self._n[ob]
        except KeyError:
            raise SchemaError(MESSAGES["unknown_ob_or_type"].format(
                schema=self.name, ob=ob)) from None

    def parts(self, ob: str) -> range:
        """The part ids ``0..n-1`` of an object.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); g.parts("V")
        range(0, 2)
        """
        return range(self.nparts(ob))

    def _grow(self, ob: str, need: int) -> None:
        cap = self._cap[ob]
        if need <= cap:
            return
        new = max(need, 2 * cap, 8)
        extra = new - cap
        for f in self.schema.homs_out(ob):
            for d in (self._hom, self._next, self._prev):
                d[f] = np.concatenate([d[f], np.full(extra, UNSET, dtype=np.int64)])
        for f in self.schema.homs_in(ob):
            self._head[f] = np.concatenate(
                [self._head[f], np.full(extra, UNSET, dtype=np.int64)])
        for a in self.schema.attrs_out(ob):
            self._attr[a] = np.concatenate([self._attr[a], np.full(extra, None, dtype=object)])
        self._cap[ob] = new

    # ================================================================ checks
    def _check_part(self, ob: str, parts: np.ndarray) -> None:
        n = self.nparts(ob)
        bad = (parts < 0) | (parts >= n)
        if bad.any():
            p = int(parts[np.argmax(bad)])
            raise ACSetError(MESSAGES["bad_part"].format(
                schema=self.name, ob=ob, part=p, n=n, last=n - 1))

    def _check_hom_values(self, f: str, parts: np.ndarray, values: Any, n_codom: int
                          ) -> np.ndarray:
        dom, codom = self.schema.dom(f), self.schema.codom(f)
        try:
            vals = _int_array(values)
        except (TypeError, ValueError):
            bad = values if np.ndim(values) == 0 else next(
                v for v in values if not isinstance(v, (int, np.integer)) or
                isinstance(v, (bool, np.bool_)))
            raise ACSetError(MESSAGES["bad_hom_value"].format(
                schema=self.name, hom=f, dom=dom, part=int(parts[0]), value=bad)) from None
        if np.ndim(values) == 0 and parts.size != 1:
            vals = np.full(parts.size, vals[0], dtype=np.int64)
        if vals.size != parts.size:
            raise ACSetError(MESSAGES["column_length"].format(
                schema=self.name, name=f, ob=dom, got=vals.size, n=parts.size))
        bad = (vals < 0) | (vals >= n_codom)
        if bad.any():
            i = int(np.argmax(bad))
            raise ACSetError(MESSAGES["hom_out_of_range"].format(
                schema=self.name, hom=f, dom=dom, codom=codom, part=int(parts[i]),
                value=int(vals[i]), n=n_codom))
        return vals

    def _check_attr_values(self, a: str, parts: np.ndarray, values: Any) -> np.ndarray:
        dom, t = self.schema.dom(a), self.schema.codom(a)
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            vals = np.empty(parts.size, dtype=object)
            vals[:] = [values] * parts.size
        else:
            vals = np.empty(len(values), dtype=object)
            vals[:] = list(values)
            if vals.size != parts.size:
                raise ACSetError(MESSAGES["column_length"].format(
                    schema=self.name, name=a, ob=dom, got=vals.size, n=parts.size))
        expected = self.types[t]
        nvars = self._n[t]
        for p, v in zip(parts.tolist(), vals.tolist(), strict=True):
            if isinstance(v, AttrVar):
                if v.val >= nvars:
                    raise ACSetError(MESSAGES["bad_var"].format(
                        schema=self.name, attrtype=t, var=v, n=nvars))
            elif v is not None and not isinstance(v, expected):
                exp = expected.__name__ if isinstance(expected, type) else " or ".join(
                    e.__name__ for e in expected)
                raise AttributeTypeError(MESSAGES["attr_type"].format(
                    schema=self.name, attr=a, dom=dom, attrtype=t, part=p, value=v,
                    got=type(v).__name__, expected=exp))
        return vals

    def _check_column_names(self, ob: str, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.schema.homs_out(ob) and name not in self.schema.attrs_out(ob):
                raise SchemaError(
                    f"schema {self.name}: {name!r} is not a hom or attribute out of {ob}")

    # ================================================================ adding
    def add_part(self, ob: str, **subparts: Any) -> int:
        """Add one part to ``ob`` (or one variable to an attribute type); return its id.

        >>> g = ACSet(SchGraph); g.add_part("V")
        0
        """
        return self.add_parts(ob, 1, **{k: [v] for k, v in subparts.items()})[0]

    def add_parts(self, ob: str, n: int, **columns: Any) -> range:
        """Add ``n`` parts to ``ob`` with the given columns; return their ids.

        Everything is checked before anything is written. A hom from ``ob`` to itself may
        point at parts added in the same call.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
        >>> g.add_parts("E", 2, src=[0, 1], tgt=[1, 1])
        range(0, 2)
        """
        if ob in self.schema.attrtypes:
            if columns:
                raise SchemaError(f"schema {self.name}: attribute type {ob} has no columns")
            start = self._n[ob]
            self._n[ob] = start + self._count(ob, n)
            return range(start, start + n)
        self.schema.check_ob(ob)
        n = self._count(ob, n)
        self._check_column_names(ob, columns)
        start = self._n[ob]
        new = np.arange(start, start + n, dtype=np.int64)
        homs = {}
        for f in self.schema.homs_out(ob):
            if f in columns:
                codom = self.schema.codom(f)
                n_codom = self._n[codom] + (n if codom == ob else 0)
                homs[f] = self._check_hom_values(f, new, columns[f], n_codom)
        attrs = {a: self._check_attr_values(a, new, columns[a])
                 for a in self.schema.attrs_out(ob) if a in columns}
        self._grow(ob, start + n)
        self._n[ob] = start + n
        for a, vals in attrs.items():
            self._attr[a][start:start + n] = vals
        for f, vals in homs.items():
            self._hom[f][start:start + n] = vals
            self._link_many(f, new, vals)
        try:
            self._check_equations_after(ob, new, list(homs))
        except ACSetError:
            self._truncate(ob, start)
            raise
        return range(start, start + n)

    def _count(self, ob: str, n: int) -> int:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise ACSetError(MESSAGES["negative_count"].format(schema=self.name, n=n, ob=ob))
        return int(n)

    def _truncate(self, ob: str, n: int) -> None:
        """Undo an ``add_parts``: drop the parts ``n..`` of ``ob`` (nothing points at them)."""
        extra = np.arange(n, self._n[ob], dtype=np.int64)
        for f in self.schema.homs_out(ob):
            self._unlink_many(f, extra)
            self._hom[f][extra] = UNSET
        for a in self.schema.attrs_out(ob):
            self._attr[a][extra] = None
        self._n[ob] = n

    # ================================================================ the index
    def _link_many(self, f: str, parts: np.ndarray, vals: np.ndarray) -> None:
        """Insert ``parts`` (currently unlinked) into the lists of ``vals`` under ``f``."""
        keep = vals >= 0
        parts, vals = parts[keep], vals[keep]
        if parts.size == 0:
            return
        head, nxt, prv = self._head[f], self._next[f], self._prev[f]
        if parts.size == 1:
            p, y = int(parts[0]), int(vals[0])
            old = int(head[y])
            nxt[p], prv[p] = old, UNSET
            if old != UNSET:
                prv[old] = p
            head[y] = p
            return
        order = np.argsort(vals)  # order inside a list is free: incident() sorts
        ps, ys = parts[order], vals[order]
        first = np.ones(ps.size, dtype=bool)
        first[1:] = ys[1:] != ys[:-1]
        last = np.ones(ps.size, dtype=bool)
        last[:-1] = first[1:]
        nxt[ps[:-1]] = ps[1:]
        prv[ps[1:]] = ps[:-1]
        firsts, lasts, ygroups = ps[first], ps[last], ys[first]
        old = head[ygroups]
        nxt[lasts] = old
        has_old = old != UNSET
        prv[old[has_old]] = lasts[has_old]
        prv[firsts] = UNSET
        head[ygroups] = firsts

    def _unlink_many(self, f: str, parts: np.ndarray) -> None:
        head, nxt, prv, col = self._head[f], self._next[f], self._prev[f], self._hom[f]
        for p in parts.tolist():
            y = int(col[p])
            if y == UNSET:
                continue
            a, b = int(prv[p]), int(nxt[p])
            if a == UNSET:
                head[y] = b
            else:
                nxt[a] = b
            if b != UNSET:
                prv[b] = a
            nxt[p] = prv[p] = UNSET

    def incident(self, part: Any, f: str | Sequence[str]) -> np.ndarray:
        """The parts ``x`` with ``f(x) == part``, sorted, from the index (not a scan).

        ``f`` may be a hom, an attribute (then ``part`` is a value; answered by a
        vectorised scan of the column) or a path of homs (read in diagrammatic order).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
        >>> _ = g.add_parts("E", 3, src=[0, 1, 0], tgt=[1, 1, 1])
        >>> g.incident(0, "src").tolist(), g.incident(1, "tgt").tolist()
        ([0, 2], [0, 1, 2])
        """
        if not isinstance(f, str):
            path = self._path(f)
            current = self.incident(part, path[-1])
            for h in reversed(path[:-1]):
                current = np.concatenate(
                    [self.incident(int(y), h) for y in current] or [np.zeros(0, np.int64)])
            return np.unique(current)
        if self.schema.is_attr(f):
            col = self._attr[f][:self._n[self.schema.dom(f)]]
            return np.flatnonzero(np.fromiter((v is not None and bool(v == part)
                                               for v in col), dtype=bool, count=col.size))
        self.schema.check_hom(f)
        codom = self.schema.codom(f)
        self._check_part(codom, np.asarray([part], dtype=np.int64))
        out = []
        p = int(self._head[f][part])
        nxt = self._next[f]
        while p != UNSET:
            out.append(p)
            p = int(nxt[p])
        out.sort()
        return np.asarray(out, dtype=np.int64)

    # ================================================================ reading
    def subpart(self, part: Any, f: str | Sequence[str] | None = None) -> Any:
        """The value of a hom or attribute at a part, at several parts, or the whole column.

        ``subpart(f)`` returns the whole column (a fresh numpy array); ``f`` may be a path
        of homs, optionally ending in an attribute. An unset hom reads ``-1``, an unset
        attribute ``None``.

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
            f = part
            path = self._path(f)
            ob = self.schema.dom(path[0])
            return self._eval_path(np.arange(self._n[ob], dtype=np.int64), path)
        path = self._path(f)
        ob = self.schema.dom(path[0])
        scalar = np.ndim(part) == 0
        parts = _int_array(part)
        self._check_part(ob, parts)
        out = self._eval_path(parts, path)
        if scalar:
            v = out[0]
            return int(v) if isinstance(v, np.integer) else v
        return out

    def _path(self, f: str | Sequence[str]) -> tuple[str, ...]:
        path = (f,) if isinstance(f, str) else tuple(f)
        if not path:
            raise SchemaError(f"schema {self.name}: an empty path has no value")
        for name in path:
            self.schema.dom(name)  # raises on an unknown name
        for a, b in zip(path, path[1:], strict=False):
            if self.schema.is_attr(a) or self.schema.codom(a) != self.schema.dom(b):
                raise SchemaError(
                    f"schema {self.name}: the path {path!r} does not compose ({a} ends at "
                    f"{self.schema.codom(a)}, {b} starts at {self.schema.dom(b)})")
        return path

    def _eval_path(self, parts: np.ndarray, path: tuple[str, ...]) -> np.ndarray:
        current = parts
        for name in path:
            if self.schema.is_attr(name):
                out = np.full(current.size, None, dtype=object)
                ok = current >= 0
                out[ok] = self._attr[name][current[ok]]
                return out
            col = self._hom[name]
            ok = current >= 0
            nxt = np.full(current.size, UNSET, dtype=np.int64)
            nxt[ok] = col[current[ok]]
            current = nxt
        return current.copy() if current is parts else current

    # ================================================================ writing
    def set_subpart(self, part: Any, f: str, value: Any) -> None:
        """Set a hom or attribute at one part (or at an array of parts, vectorised).

        All values are checked before anything changes; a write that would break one of
        the schema's equations is refused and leaves the ACSet as it was.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); e = g.add_part("E", src=0, tgt=0)
        >>> g.set_subpart(e, "tgt", 1); g.subpart(e, "tgt")
        1
        """
        ob = self.schema.dom(f)
        parts = _int_array(part)
        self._check_part(ob, parts)
        if self.schema.is_attr(f):
            vals = self._check_attr_values(f, parts, value if np.ndim(part) else [value])
            self._attr[f][parts] = vals
            return
        codom = self.schema.codom(f)
        vals = self._check_hom_values(f, parts, value, self._n[codom])
        old = self._hom[f][parts].copy()
        self._write_hom(f, parts, vals)
        try:
            self._check_equations_after(ob, parts, [f])
        except ACSetError:
            self._write_hom(f, parts, old)
            raise

    def _write_hom(self, f: str, parts: np.ndarray, vals: np.ndarray) -> None:
        if np.unique(parts).size != parts.size:
            # the last write to a part wins, as in sequential assignment
            last = {int(p): i for i, p in enumerate(parts.tolist())}
            idx = np.asarray(sorted(last.values()), dtype=np.int64)
            parts, vals = parts[idx], vals[idx]
        self._unlink_many(f, parts)
        self._hom[f][parts] = vals
        self._link_many(f, parts, vals)

    def clear_subpart(self, part: int, f: str) -> None:
        """Unset a hom (to ``-1``) or an attribute (to ``None``) at a part.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 1); e = g.add_part("E", src=0, tgt=0)
        >>> g.clear_subpart(e, "src"); g.subpart(e, "src")
        -1
        """
        ob = self.schema.dom(f)
        parts = _int_array(part)
        self._check_part(ob, parts)
        if self.schema.is_attr(f):
            self._attr[f][parts] = None
        else:
            self._write_hom(f, parts, np.full(parts.size, UNSET, dtype=np.int64))

    # ================================================================ equations
    def _check_equations_after(self, ob: str, parts: np.ndarray, homs: Sequence[str]) -> None:
        """Check the equations that a write to ``homs`` at ``parts`` of ``ob`` may touch."""
        for eq in self.schema.equations:
            starts = [parts] if eq.dom == ob else []
            for f in homs:
                for side in (eq.lhs, eq.rhs):
                    for i, h in enumerate(side):
                        if h == f and i > 0:
                            starts.append(self._preimage(parts, side[:i]))
            if starts:
                self._check_equation(eq, np.unique(np.concatenate(starts)), homs, parts)

    def _preimage(self, parts: np.ndarray, path: tuple[str, ...]) -> np.ndarray:
        current = parts
        for h in reversed(path):
            found = [self.incident(int(y), h) for y in current.tolist()]
            current = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        return current

    def _check_equation(self, eq: PathEquation, starts: np.ndarray,
                        homs: Sequence[str] = (), parts: np.ndarray | None = None) -> None:
        if starts.size == 0:
            return
        lhs = self._eval_path(starts, eq.lhs) if eq.lhs else starts
        rhs = self._eval_path(starts, eq.rhs) if eq.rhs else starts
        bad = (lhs >= 0) & (rhs >= 0) & (lhs != rhs)
        if bad.any():
            i = int(np.argmax(bad))
            label = eq.name or eq.describe()
            if homs and parts is not None and parts.size == 1:
                raise ACSetError(MESSAGES["equation_broken"].format(
                    schema=self.name, name=homs[0], part=int(parts[0]),
                    value=int(self._hom[homs[0]][parts[0]]), equation=label,
                    at=int(starts[i]), dom=eq.dom, lhs=int(lhs[i]), rhs=int(rhs[i])))
            raise ACSetError(MESSAGES["equation_fails"].format(
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
                raise ACSetError(MESSAGES["hom_out_of_range"].format(
                    schema=self.name, hom=f, dom=x, codom=y, part=i, value=int(col[i]),
                    n=self._n[y]))
        for eq in self.schema.equations:
            self._check_equation(eq, np.arange(self._n[eq.dom], dtype=np.int64))

    # ================================================================ removing
    def rem_part(self, ob: str, part: int) -> np.ndarray:
        """Remove one part by "pop and swap"; return the map old id -> new id (-1: removed).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3)
        >>> _ = g.add_parts("E", 2, src=[0, 2], tgt=[1, 2])
        >>> g.rem_part("V", 0).tolist()
        [-1, 1, 0]
        >>> g.subpart("src").tolist(), g.subpart("tgt").tolist()
        ([-1, 0], [1, 0])
        """
        n = self.nparts(ob)
        parts = _int_array(part)
        self._check_part(ob, parts)
        renumber = np.arange(n, dtype=np.int64)
        self._rem_one(ob, int(part), renumber, renumber.copy())
        return renumber

    def _rem_one(self, ob: str, p: int, renumber: np.ndarray, cur2old: np.ndarray) -> None:
        """Pop-and-swap part ``p`` (a current id).

        ``renumber`` maps original ids to current ones and ``cur2old`` back; both are
        updated in O(1).
        """
        last = self._n[ob] - 1
        if ob in self.schema.attrtypes:
            self._rem_var(ob, p, last)
        else:
            for g in self.schema.homs_in(ob):
                referrers = self.incident(p, g)
                if referrers.size:
                    self._write_hom(g, referrers, np.full(referrers.size, UNSET, np.int64))
                if last != p:
                    movers = self.incident(last, g)
                    if movers.size:
                        self._write_hom(g, movers, np.full(movers.size, p, np.int64))
            for f in self.schema.homs_out(ob):
                both = np.asarray(sorted({p, last}), dtype=np.int64)
                self._unlink_many(f, both)
                value = self._hom[f][last]
                self._hom[f][last] = UNSET
                if last != p:
                    self._hom[f][p] = value
                    if value != UNSET:
                        self._link_many(f, np.asarray([p], np.int64),
                                        np.asarray([value], np.int64))
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

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 4)
        >>> g.rem_parts("V", [0, 2]).tolist()
        [-1, 1, -1, 0]
        """
        n = self.nparts(ob)
        ps = np.unique(_int_array(list(parts)))
        self._check_part(ob, ps)
        renumber = np.arange(n, dtype=np.int64)
        cur2old = renumber.copy()
        for p in ps[::-1].tolist():
            self._rem_one(ob, p, renumber, cur2old)
        return renumber

    def cascading_rem_parts(self, ob: str, parts: Iterable[int]) -> dict[str, np.ndarray]:
        """Remove parts and, recursively, every part whose homs point at a removed part.

        Returns, for each object that lost parts, the map old id -> new id.

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3)
        >>> _ = g.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
        >>> out = g.cascading_rem_parts("V", [0])
        >>> g.nparts("V"), g.nparts("E"), out["E"].tolist()
        (2, 1, [-1, 0])
        """
        self.schema.check_ob(ob)
        ps = np.unique(_int_array(list(parts)))
        self._check_part(ob, ps)
        doomed: dict[str, set[int]] = {ob: set(ps.tolist())}
        frontier = [(ob, p) for p in ps.tolist()]
        while frontier:
            x, p = frontier.pop()
            for g in self.schema.homs_in(x):
                z = self.schema.dom(g)
                for q in self.incident(p, g).tolist():
                    if q not in doomed.setdefault(z, set()):
                        doomed[z].add(q)
                        frontier.append((z, q))
        return {x: self.rem_parts(x, sorted(s)) for x, s in doomed.items() if s}

    # ================================================================ values
    def _empty_like(self) -> ACSet:
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.schema = self.schema
        other.types = dict(self.types)
        other._n = {}
        other._cap = {}
        other._hom, other._head, other._next, other._prev, other._attr = {}, {}, {}, {}, {}
        return other

    def copy(self) -> ACSet:
        """A deep copy (columns and index arrays copied; attribute values shared).

        >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); h = g.copy(); _ = h.add_part("V")
        >>> g.nparts("V"), h.nparts("V")
        (2, 3)
        """
        other = self._empty_like()
        other._n = dict(self._n)
        other._cap = dict(self._cap)
        for d_self, d_other in ((self._hom, other._hom), (self._head, other._head),
                                (self._next, other._next), (self._prev, other._prev),
                                (self._attr, other._attr)):
            for k, v in d_self.items():
                d_other[k] = v.copy()
        return other

    def empty(self) -> ACSet:
        """An empty ACSet of the same schema, types and class.

        >>> ACSet(SchGraph).empty().nparts("V")
        0
        """
        other = self._empty_like()
        ACSet.__init__(other, self.schema, self.types)
        return other

    def column(self, name: str) -> np.ndarray:
        """The whole column of a hom or attribute (same as ``subpart(name)``)."""
        return self.subpart(name)  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ACSet) or other.schema != self.schema:
            return False
        if self._n != other._n:
            return False
        for f, x, _ in self.schema.homs:
            if not np.array_equal(self._hom[f][:self._n[x]], other._hom[f][:other._n[x]]):
                return False
        for a, x, _ in self.schema.attrs:
            mine, theirs = self._attr[a][:self._n[x]], other._attr[a][:other._n[x]]
            if any(type(u) is not type(v) or u != v for u, v in zip(mine, theirs, strict=True)):
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
