"""Homomorphism search: every morphism ``X -> Y`` of ACSets, each exactly once.

``homomorphisms(X, Y)`` enumerates the ACSet morphisms ``X -> Y`` — the families of
functions that are natural on every hom and preserve every attribute, i.e. exactly the
valid :class:`~catlearn.acsets.morphism.ACSetTransformation` objects — lazily and in a
deterministic order. Here: the edge maps into the directed triangle in three ways, the
triangle into itself in three (its rotations), and into the edge in none.

>>> edge = ACSet(SchGraph); _ = edge.add_parts("V", 2); _ = edge.add_part("E", src=0, tgt=1)
>>> tri = ACSet(SchGraph); _ = tri.add_parts("V", 3)
>>> _ = tri.add_parts("E", 3, src=[0, 1, 2], tgt=[1, 2, 0])
>>> [(f["V"].tolist(), f["E"].tolist()) for f in homomorphisms(edge, tri)]
[([0, 1], [0]), ([1, 2], [1]), ([2, 0], [2])]
>>> count_homomorphisms(tri, tri), count_homomorphisms(tri, edge)
(3, 0)

**Rules.** A morphism ``α`` has one component per object and one per attribute type.

* Homs: an unset value (``-1``) of ``X`` imposes nothing; a set value ``X.f(x) = z``
  requires ``Y.f(α(x))`` to be set and equal to ``α(z)``.
* Concrete attribute values of ``X`` are preserved up to Julia's ``isequal``
  (:func:`~catlearn.acsets.values.isequal`: ``1``, ``1.0`` and ``True`` match, every NaN
  matches every NaN, ``-0.0`` does not match ``0.0``); an unset attribute (``None``) of
  ``X`` imposes nothing.
* A variable ``AttrVar(k)`` of ``X`` goes to whatever ``Y`` holds at the images of its
  occurrences — a value, a variable of ``Y``, or ``None`` — the same one (``isequal``) at
  every occurrence; it is reported in the attribute-type component (``f.var_components``,
  the value ``Y`` holds at the first occurrence the search assigns). A variable of ``X``
  that occurs in no attribute is not determined by the search: give its image in
  ``initial`` (``{"T": {k: image}}``), or the search raises.
* Variables of ``Y`` receive only variables: a concrete value of ``X`` never maps onto a
  part of ``Y`` whose attribute is a variable (the ACSets.jl rule for tight morphisms).
* ``monic``/``epic``/``iso`` mean what :meth:`ACSetTransformation.is_monic`, ``is_epic``
  and ``is_iso`` say, per object or attribute type: monic on an attribute type ``T``
  sends the variables of ``X`` injectively to variables of ``Y``; epic on ``T`` hits
  every variable of ``Y``. Each may be a bool (all objects and attribute types) or a
  collection of names (those only); ``iso`` on a name is monic and epic on it.

**Algorithm: a join over preimage indices.** Every part of ``X`` is a variable whose
value is a part of ``Y``; a set hom value ``X.f(x) = z`` is the constraint
``α(z) = Y.f(α(x))``. The parts are put in an order chosen from ``X`` (the parts of the
``initial`` assignment and everything their hom values force first; then, greedily, a
part forced by a hom value of an assigned part — no branching; else the part with the
fewest expected candidates: one joined through an assigned part ``w`` with
``X.f(x) = w``, expecting the mean preimage count of ``Y.f``, or the part with the
smallest static domain, the parts of ``Y`` allowed by its attributes, ``predicates`` and,
for monic homs, in-degrees). The search then extends *all* partial assignments at once:
the frontier is an integer array with one row per partial assignment and one column per
assigned part; one step produces the next part's candidates for every row — a gather
``Y.f[α(u)]`` (forced), a join through a CSR preimage index of ``Y.f`` built once per
search with numpy (``argsort``/``bincount``/``cumsum``), or a cross product with the
static domain — and keeps the rows that pass every constraint that now involves only
assigned parts (the other hom values, attributes compared by integer codes of
:func:`~catlearn.acsets.values.value_key`, consistent variables, predicates, monic, and
for epic objects whether the parts left can still cover the codomain).
A part with two assigned hom values (the edge closing a cycle) is joined through a
sorted index of the pairs ``(Y.f, Y.g)`` instead. Each branching step is run together
with the steps it forces, so the frontier is copied once per group. To stay lazy and
bounded in memory the frontier is processed depth-first in pieces of at most
:data:`CHUNK` rows and :data:`CELLS` cells; the first pieces hold one row (plain
depth-first backtracking, so a first morphism comes after little work) and the size
doubles after each stretch of as many pieces as the plan has levels. The order of the
results does not depend on the piece sizes.

Cost: building the search is O(|X| + |Y| log |Y|) numpy work (plus O(|Y|) Python work
for attribute columns that ``X`` constrains); the search is O(Σ_steps rows × filters)
numpy work, where rows is the number of partial assignments that survive each step —
the same partial assignments backtracking visits, but handled as arrays (a few
nanoseconds each) instead of one Python call each. Per-step Python overhead is
O(number of parts of ``X``) calls per piece.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np

from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.morphism import ACSetTransformation, describe
from catlearn.acsets.values import value_key
from catlearn.errors import (
    HOMSEARCH_BAD_ARG,
    HOMSEARCH_FREE_VAR,
    HOMSEARCH_IMAGE,
    HOMSEARCH_INITIAL,
    HOMSEARCH_NOT_ACSET,
    HOMSEARCH_PART,
    HOMSEARCH_UNKNOWN,
    HOMSEARCH_VAR,
    HOMSEARCH_VAR_IMAGE,
    SCHEMA_MISMATCH,
    HomSearchError,
    HomSearchTypeError,
    SchemaError,
)

__all__ = [
    "homomorphisms",
    "homomorphism",
    "count_homomorphisms",
    "is_homomorphic",
    "isomorphism",
    "isomorphisms",
    "is_isomorphic",
]

#: ``monic=``/``epic=``/``iso=``: a bool (every object and attribute type) or some names.
Selection = bool | str | Collection[str]
#: ``predicates[ob]``: allowed images per part, or a test ``(part, image) -> bool``.
Predicate = Mapping[int, Collection[int]] | Callable[[int, int], bool]


def _is_part_id(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


#: The most candidate rows one extension step materialises at once (memory stays bounded).
CHUNK = 1 << 16
#: ... and at most this many cells (rows times columns), for wide domains.
CELLS = 1 << 18
#: The first pieces are small (one row: depth-first backtracking), so the first morphism
#: comes after little work; the piece size doubles after each stretch of as many pieces
#: as the plan has levels, up to :data:`CHUNK`, so a long search runs at array speed.
FIRST_CHUNK = 1

_I64 = np.int64
_Size = Callable[[], int]  # the current piece size (it grows while a search runs)
_NO_CODE = -2  # the code of a value that the codomain does not hold: matches nothing


# ---------------------------------------------------------------- preimage index (CSR)
class _Preimages(NamedTuple):
    """A CSR preimage index of one hom column of the codomain."""

    order: np.ndarray  # the parts whose value is set, sorted (stably) by that value
    start: np.ndarray  # start[y]: where the preimages of y begin in ``order``
    sizes: np.ndarray  # sizes[y]: how many parts are sent to y


def _preimages(col: np.ndarray, n: int) -> _Preimages:
    """Build the index in O(m log m) numpy time for a column of m values into n parts."""
    ids = np.flatnonzero(col >= 0)
    vals = col[ids]
    order = ids[np.argsort(vals, kind="stable")]
    count = np.bincount(vals, minlength=n).astype(_I64)
    start = np.zeros(n, dtype=_I64)
    if n > 1:
        np.cumsum(count[:-1], out=start[1:])
    return _Preimages(order, start, count)


class _Rows:
    """Candidate rows of one group of steps: parent rows ``par`` of the frontier ``F``
    and the new columns (one per step of the group so far), compressed together."""

    __slots__ = ("F", "par", "new", "base")

    def __init__(self, F: np.ndarray, par: np.ndarray, cand: np.ndarray) -> None:
        self.F, self.par, self.new, self.base = F, par, [cand], F.shape[1]

    def col(self, c: int) -> np.ndarray:
        """The images of the part in column ``c``, one per candidate row."""
        return self.F[self.par, c] if c < self.base else self.new[c - self.base]

    def keep(self, mask: np.ndarray) -> None:
        self.par = self.par[mask]
        self.new = [a[mask] for a in self.new]

    def passes(self, filters: tuple[_Filter, ...]) -> bool:
        """Apply the filters of the newest column; whether any row is left."""
        for flt in filters:
            mask = flt.keep(self, self.new[-1])
            if not mask.all():
                self.keep(mask)
                if not len(self.par):
                    return False
        return True

    def grow(self) -> np.ndarray:
        """The next frontier: the parent rows with the new columns appended."""
        out = np.empty((len(self.par), self.base + len(self.new)), dtype=_I64)
        out[:, :self.base] = self.F[self.par]
        for i, a in enumerate(self.new):
            out[:, self.base + i] = a
        return out


# ---------------------------------------------------------------- sources of candidates
@dataclass(frozen=True)
class _Cross:
    """Every row times every candidate of a fixed array (a static domain, or one image)."""

    cands: np.ndarray

    def expand(self, F: np.ndarray, chunk: _Size) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        k, n = len(F), len(self.cands)
        if n == 0:
            return
        r = 0
        while r < k:
            size = chunk()
            if n <= size:
                hi = min(k, r + size // n)
                yield np.repeat(np.arange(r, hi, dtype=_I64), n), np.tile(self.cands, hi - r)
                r = hi
                continue
            lo = 0
            while lo < n:  # one row's candidates, in pieces
                c = self.cands[lo:lo + chunk()]
                yield np.full(len(c), r, dtype=_I64), c
                lo += len(c)
            r += 1

    def why(self, F: np.ndarray) -> str:
        return "no candidate"


@dataclass(frozen=True)
class _Gather:
    """``α(v) = Y.f(α(u))`` where ``X.f(u) = v`` and ``u`` is assigned: no branching."""

    col: int
    ycol: np.ndarray
    unset: bool  # whether the codomain's column has unset values
    hom: str
    ob: str  # u's object
    part: int  # u
    target: int  # v

    def expand(self, F: np.ndarray, chunk: _Size) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        cand = self.ycol[F[:, self.col]]
        par = np.arange(len(F), dtype=_I64)
        if self.unset:
            keep = cand >= 0
            par, cand = par[keep], cand[keep]
        yield par, cand

    def follow(self, rows: _Rows) -> bool:
        """Append the forced column to ``rows``; whether any row is left."""
        cand = self.ycol[rows.col(self.col)]
        rows.new.append(cand)
        if self.unset:
            rows.keep(cand >= 0)
        return bool(len(rows.par))

    def why(self, F: np.ndarray) -> str:
        return _why_unset(self.ob, self.part, int(F[0, self.col]), self.hom, self.target)


T = TypeVar("T")


class _Lazy(Generic[T]):
    """A value built on first use (an index that a search may never need)."""

    __slots__ = ("make", "value")

    def __init__(self, make: Callable[[], T]) -> None:
        self.make: Callable[[], T] | None = make
        self.value: T | None = None

    def get(self) -> T:
        if self.make is not None:
            self.value, self.make = self.make(), None
        return self.value  # type: ignore[return-value]


def _ranges(order: np.ndarray, starts: np.ndarray, counts: np.ndarray, chunk: _Size
            ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Row ``i`` times ``order[starts[i] : starts[i] + counts[i]]``, in pieces of about
    ``chunk`` rows (a row with more candidates than that is one piece)."""
    ends = np.cumsum(counts)
    if not len(ends) or ends[-1] == 0:
        return
    lo, k = 0, len(counts)
    while lo < k:
        before = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, before + chunk(), side="right")))
        cnt, end = counts[lo:hi], ends[lo:hi] - before
        total = int(end[-1])
        if total:
            par = np.repeat(np.arange(lo, hi, dtype=_I64), cnt)
            pos = np.arange(total, dtype=_I64) + np.repeat(starts[lo:hi] - (end - cnt), cnt)
            yield par, order[pos]
        lo = hi


@dataclass(frozen=True)
class _Join:
    """``α(v)`` ranges over ``Y.f⁻¹(α(w))`` where ``X.f(v) = w`` and ``w`` is assigned."""

    col: int
    lazy: _Lazy[_Preimages]

    def expand(self, F: np.ndarray, chunk: _Size) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        index, w = self.lazy.get(), F[:, self.col]
        return _ranges(index.order, index.start[w], index.sizes[w], chunk)

    def why(self, F: np.ndarray) -> str:
        return "no candidate"


class _PairIndex(NamedTuple):
    """The parts ``y`` of the codomain with ``Y.f(y)`` and ``Y.g(y)`` set, grouped by
    the key ``Y.f(y) * n + Y.g(y)``."""

    keys: np.ndarray  # the distinct keys, sorted
    start: np.ndarray  # start[i]: where the parts with keys[i] begin in ``order``
    sizes: np.ndarray  # sizes[i]: how many parts have keys[i]
    order: np.ndarray  # the parts, sorted (stably) by key
    n: int


def _pair_index(fcol: np.ndarray, gcol: np.ndarray, n: int) -> _PairIndex:
    """O(m log m) numpy: sort the parts by their pair of values."""
    n = max(n, 1)
    ids = np.flatnonzero((fcol >= 0) & (gcol >= 0))
    keys = fcol[ids] * n + gcol[ids]
    order = np.argsort(keys, kind="stable")
    ukeys, start, sizes = np.unique(keys[order], return_index=True, return_counts=True)
    return _PairIndex(ukeys, start.astype(_I64), sizes.astype(_I64), ids[order], n)


@dataclass(frozen=True)
class _PairJoin:
    """``α(v)`` ranges over the parts with ``Y.f = α(w)`` and ``Y.g = α(w')``, where
    ``X.f(v) = w`` and ``X.g(v) = w'`` are assigned (e.g. the edge closing a cycle)."""

    col: int
    col2: int
    lazy: _Lazy[_PairIndex]

    def expand(self, F: np.ndarray, chunk: _Size) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        idx = self.lazy.get()
        if not len(idx.keys):
            return iter(())
        q = F[:, self.col] * idx.n + F[:, self.col2]
        if len(q) > 1024:  # sorted queries: far fewer cache misses
            perm = np.argsort(q)
            pos = np.empty(len(q), dtype=_I64)
            pos[perm] = np.searchsorted(idx.keys, q[perm])
        else:
            pos = np.searchsorted(idx.keys, q)
        np.minimum(pos, len(idx.keys) - 1, out=pos)
        sizes = np.where(idx.keys[pos] == q, idx.sizes[pos], 0)
        return _ranges(idx.order, idx.start[pos], sizes, chunk)

    def why(self, F: np.ndarray) -> str:
        return "no candidate"


_Source = _Cross | _Gather | _Join | _PairJoin


# ---------------------------------------------------------------- filters
# Each filter keeps the candidate rows (``rows``; ``cand``: the image of the step's part)
# that satisfy one constraint, and explains the rejection of a single row.
@dataclass(frozen=True)
class _HomTo:
    """``Y.f(cand) = α(w)`` where ``X.f(v) = w`` (``w`` in column ``col``; a loop if it
    is the step's own column)."""

    ycol: np.ndarray
    col: int
    hom: str
    ob: str
    part: int
    target_ob: str
    target: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        return self.ycol[cand] == rows.col(self.col)

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        y = int(cand[0])
        w = int(self.ycol[y])
        if w < 0:
            return _why_unset(self.ob, self.part, y, self.hom, self.target)
        cur = int(rows.col(self.col)[0])
        return f"part {self.target} of {self.target_ob} would be sent to both {cur} and {w}"


@dataclass(frozen=True)
class _HomFrom:
    """``Y.f(α(u)) = cand`` where ``X.f(u) = v`` and ``u`` is assigned."""

    ycol: np.ndarray
    col: int
    ob: str
    part: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        return self.ycol[rows.col(self.col)] == cand

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        forced = int(self.ycol[rows.col(self.col)[0]])
        return f"part {self.part} of {self.ob} would be sent to both {forced} and {cand[0]}"


@dataclass(frozen=True)
class _HomSet:
    """``Y.f(cand)`` is set, where ``X.f(v)`` is set (its image is not assigned yet)."""

    ycol: np.ndarray
    hom: str
    ob: str
    part: int
    target: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        return self.ycol[cand] >= 0

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return _why_unset(self.ob, self.part, int(cand[0]), self.hom, self.target)


@dataclass(frozen=True)
class _Is:
    """``cand`` is the image given in ``initial``."""

    image: int
    ob: str
    part: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        return cand == self.image

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return (f"part {self.part} of {self.ob} would be sent to both {cand[0]} and "
                f"{self.image}")


@dataclass(frozen=True)
class _Value:
    """The codomain's attribute at ``cand`` is ``isequal`` to the domain's value."""

    codes: np.ndarray  # per part of the codomain: the code of its value
    code: int
    attr: str
    ob: str
    part: int
    value: Any
    yvalues: list[Any]

    def keep(self, rows: _Rows | None, cand: np.ndarray) -> np.ndarray:
        return self.codes[cand] == self.code

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        y = int(cand[0])
        return (f"attribute {self.attr} is {self.value!r} at part {self.part} of {self.ob} in "
                f"the domain but {self.yvalues[y]!r} at part {y} of {self.ob} in the codomain")


@dataclass(frozen=True)
class _Degree:
    """Monic on the domain of ``f``: ``cand`` has at least as many ``f``-preimages
    (exactly as many when bijective on the domain of ``f`` and injective here)."""

    degrees: np.ndarray
    need: int
    exact: bool
    hom: str
    hom_dom: str
    ob: str
    part: int

    def keep(self, rows: _Rows | None, cand: np.ndarray) -> np.ndarray:
        if self.exact:
            return self.degrees[cand] == self.need
        return self.degrees[cand] >= self.need

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        y = int(cand[0])
        if self.exact:
            return (f"iso on {self.hom_dom}: part {self.part} of {self.ob} has {self.need} "
                    f"{self.hom}-preimages in the domain, part {y} {self.degrees[y]}")
        return (f"monic on {self.hom_dom}: part {self.part} of {self.ob} has {self.need} "
                f"{self.hom}-preimages in the domain, part {y} only {self.degrees[y]}")


@dataclass(frozen=True)
class _Among:
    """``cand`` is among the images a ``predicates`` mapping allows (sorted array)."""

    allowed: np.ndarray
    ob: str
    part: int

    def keep(self, rows: _Rows | None, cand: np.ndarray) -> np.ndarray:
        if not len(self.allowed):
            return np.zeros(len(cand), dtype=bool)
        pos = np.minimum(np.searchsorted(self.allowed, cand), len(self.allowed) - 1)
        return self.allowed[pos] == cand

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return _why_predicate(self.ob, self.part, int(cand[0]))


@dataclass(frozen=True)
class _Test:
    """A callable predicate, called at most once per image (its answers are cached)."""

    pred: Callable[[int, int], Any]
    ob: str
    part: int
    answers: dict[int, bool]  # the images asked about so far

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        answers, pred, x = self.answers, self.pred, self.part
        images = np.unique(cand)
        ok = np.empty(len(images), dtype=bool)
        for i, y in enumerate(images.tolist()):
            if y not in answers:
                answers[y] = bool(pred(x, y))
            ok[i] = answers[y]
        return ok[np.searchsorted(images, cand)]

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return _why_predicate(self.ob, self.part, int(cand[0]))


@dataclass(frozen=True)
class _Distinct:
    """Monic on the object: ``cand`` differs from the images of its assigned parts."""

    cols: np.ndarray  # increasing columns (a view: O(1) to make)
    parts: np.ndarray  # the parts in those columns
    ob: str
    part: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        cols = self.cols
        if len(cols) <= 4:
            ok = rows.col(int(cols[0])) != cand
            for c in cols[1:].tolist():
                ok &= rows.col(c) != cand
            return ok
        split = int(np.searchsorted(cols, rows.base))  # one call for the frontier's columns
        ok = (rows.F[rows.par[:, None], cols[:split]] != cand[:, None]).all(axis=1)
        for c in cols[split:].tolist():
            ok &= rows.col(c) != cand
        return ok

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        y = int(cand[0])
        images = [int(rows.col(c)[0]) for c in self.cols.tolist()]
        other = int(self.parts[images.index(y)])
        return f"monic on {self.ob}: parts {other} and {self.part} would both be sent to {y}"


class _Bound(NamedTuple):
    """Where a variable of the domain got its image: a step's column and attribute, or
    an image fixed by ``initial`` (then ``col`` is unused)."""

    col: int
    codes: np.ndarray | None
    yvalues: list[Any] | None
    code: int
    value: Any

    def codes_of(self, rows: _Rows) -> np.ndarray | int:
        if self.codes is None:
            return self.code
        return self.codes[rows.col(self.col)]

    def value_of(self, rows: _Rows) -> Any:
        if self.yvalues is None:
            return self.value
        return self.yvalues[int(rows.col(self.col)[0])]


@dataclass(frozen=True)
class _SameVar:
    """A variable of the domain goes to one image at all its occurrences."""

    codes: np.ndarray
    yvalues: list[Any]
    bound: _Bound
    var: AttrVar
    attrtype: str
    attr: str
    ob: str
    part: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        return self.codes[cand] == self.bound.codes_of(rows)

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        y = int(cand[0])
        return (f"{self.var} of {self.attrtype} would be sent to both "
                f"{self.bound.value_of(rows)!r} and {self.yvalues[y]!r} (attribute "
                f"{self.attr} at part {self.part} of {self.ob} -> {y})")


@dataclass(frozen=True)
class _MonicVar:
    """Monic on the attribute type: a variable goes to a variable not taken yet."""

    codes: np.ndarray
    yvalues: list[Any]
    nvars: int  # the codes 0 .. nvars-1 are the codomain's variables
    others: tuple[_Bound, ...]
    var: AttrVar
    attrtype: str
    attr: str
    ob: str
    part: int

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        mine = self.codes[cand]
        ok = mine < self.nvars
        for other in self.others:
            ok &= mine != other.codes_of(rows)
        return ok

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return (f"monic on {self.attrtype}: {self.var} (attribute {self.attr} at part "
                f"{self.part} of {self.ob}) would go to {self.yvalues[int(cand[0])]!r}, which "
                "is not a variable or is already taken")


@dataclass(frozen=True)
class _Reach:
    """Epic on the object: the images so far plus one per part still to assign can
    still cover every part of the codomain."""

    cols: np.ndarray  # the columns of the object's assigned parts (a view)
    remaining: int  # parts of the object assigned after this step
    n: int  # parts of the object in the codomain

    def keep(self, rows: _Rows, cand: np.ndarray) -> np.ndarray:
        M = np.sort(np.column_stack([rows.col(c) for c in self.cols.tolist()] + [cand]),
                    axis=1)
        distinct = 1 + (M[:, 1:] != M[:, :-1]).sum(axis=1)
        return distinct + self.remaining >= self.n

    def why(self, rows: _Rows, cand: np.ndarray) -> str:
        return "too few parts are left to make the morphism epic"


_Filter = (_HomTo | _HomFrom | _HomSet | _Is | _Value | _Degree | _Among | _Test
           | _Distinct | _SameVar | _MonicVar | _Reach)


def _why_unset(ob: str, x: int, y: int, f: str, z: int) -> str:
    return (f"part {x} of {ob} would go to {y}, where hom {f} is unset in the codomain, but "
            f"{f}({x}) = {z} in the domain")


def _why_predicate(ob: str, x: int, y: int) -> str:
    return f"the predicate for {ob} excludes sending part {x} to {y}"


@dataclass
class _PlanState:
    """What the planner has decided so far."""

    col: list[int]  # per part of X (global numbering): its column, or -1
    fixed: dict[int, int]  # images given in ``initial``
    ob_cols: list[np.ndarray]  # per object: the columns of its assigned parts, in order
    ob_parts: list[np.ndarray]  # ... and those parts
    ob_n: list[int]  # ... how many
    binders: dict[tuple[int, int], _Bound] = field(default_factory=dict)
    sites: dict[tuple[int, int], tuple[int, str]] = field(default_factory=dict)
    ncols: int = 0


class _Step(NamedTuple):
    """One part of the domain to assign: where its candidates come from, what they pass."""

    ob: int
    part: int
    source: _Source
    filters: tuple[_Filter, ...]


class _Group(NamedTuple):
    """A step that branches (or is first) followed by the steps it forces (gathers),
    run together so the frontier is copied once per group."""

    steps: tuple[_Step, ...]


def _extend(group: _Group, F: np.ndarray, chunk: _Size) -> Iterator[_Rows]:
    """The candidate rows of a group that pass its filters, in pieces of about ``chunk``."""
    first, rest = group.steps[0], group.steps[1:]
    for par, cand in first.source.expand(F, chunk):
        rows = _Rows(F, par, cand)
        if not rows.passes(first.filters):
            continue
        for step in rest:
            if not step.source.follow(rows) or not rows.passes(step.filters):  # type: ignore[union-attr]
                break
        else:
            yield rows


def _groups(steps: list[_Step]) -> list[_Group]:
    out: list[list[_Step]] = []
    for step in steps:
        if out and isinstance(step.source, _Gather):
            out[-1].append(step)
        else:
            out.append([step])
    return [_Group(tuple(g)) for g in out]


class _Search:
    """One search ``X -> Y``: arguments validated, the join planned, the initial part run
    (all eagerly, when the search is built); the rest runs as :meth:`leaves` is consumed."""

    def __init__(self, X: ACSet, Y: ACSet, monic: Selection, epic: Selection,
                 iso: Selection, initial: Mapping[str, Any] | None,
                 predicates: Mapping[str, Predicate] | None) -> None:
        _check_acsets(X, Y, "homomorphism search")
        if X.schema != Y.schema:
            raise SchemaError(SCHEMA_MISMATCH.format(
                what="homomorphism search", left=X.name, right=Y.name))
        self.X, self.Y = X, Y
        S = self.schema = X.schema
        self.names = (describe(X), describe(Y))
        self.obs: tuple[str, ...] = S.obs
        self.types: tuple[str, ...] = S.attrtypes
        self.ob_index = {c: i for i, c in enumerate(self.obs)}
        isos = self._selection("iso", iso)
        self.monics = self._selection("monic", monic) | isos
        self.epics = self._selection("epic", epic) | isos
        init_obs, init_types = self._check_initial(initial)
        preds = self._check_predicates(predicates)
        self._check_free_vars(init_types)
        self.nX = [X.nparts(c) for c in self.obs]
        self.nY = [Y.nparts(c) for c in self.obs]
        self.nvX = [X.nparts(t) for t in self.types]
        self.nvY = [Y.nparts(t) for t in self.types]
        self.dead = self._cardinality_fails()
        self._read_columns()
        self._read_attributes()
        self.fixed_vars = self._bind_initial_vars(init_types)
        self._read_domain_graph(preds)
        self.steps, self.prefix, plan = self._plan(init_obs, preds)
        self.sites = plan.sites
        self.start = self._run_prefix()
        self.groups = _groups(self.steps[self.prefix:])
        self._prepare_results(plan.col)

    # ------------------------------------------------------------------ validation
    def _fail(self, template: str, cls: type[HomSearchError] = HomSearchError, **kw: Any
              ) -> HomSearchError:
        return cls(template.format(dom=self.names[0], codom=self.names[1], **kw))

    def _selection(self, what: str, value: Selection) -> frozenset[str]:
        if isinstance(value, (bool, np.bool_)):
            return frozenset(self.obs + self.types) if value else frozenset()
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, Collection):
            raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError, what=what,
                             expected="a bool or a collection of names", got=value)
        for name in names:
            if name not in self.obs and name not in self.types:
                raise self._fail(HOMSEARCH_UNKNOWN, what=what, name=name,
                                 expected="an object or attribute type",
                                 schema=self.schema.name)
        return frozenset(names)

    def _check_initial(self, initial: Mapping[str, Any] | None
                       ) -> tuple[dict[str, dict[int, int]], dict[str, dict[int, Any]]]:
        init_obs: dict[str, dict[int, int]] = {}
        init_types: dict[str, dict[int, Any]] = {}
        if initial is None:
            return init_obs, init_types
        if not isinstance(initial, Mapping):
            raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError, what="initial",
                             expected="a mapping {ob: {part: image}}", got=initial)
        for ob, assignment in initial.items():
            if ob not in self.obs and ob not in self.types:
                raise self._fail(HOMSEARCH_UNKNOWN, what="initial", name=ob,
                                 expected="an object or attribute type",
                                 schema=self.schema.name)
            if not isinstance(assignment, Mapping):
                raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError,
                                 what=f"initial[{ob!r}]", expected="a mapping {part: image}",
                                 got=assignment)
            n, m = self.X.nparts(ob), self.Y.nparts(ob)
            if ob in self.types:
                for k, w in assignment.items():
                    if not _is_part_id(k) or not 0 <= k < n:
                        raise self._fail(HOMSEARCH_VAR, ob=ob, part=k, n=n)
                    if isinstance(w, AttrVar) and w.val >= m:
                        raise self._fail(HOMSEARCH_VAR_IMAGE, ob=ob, image=w,
                                         var=AttrVar(int(k)), n=m)
                    init_types.setdefault(ob, {})[int(k)] = w
                continue
            for x, y in assignment.items():
                if not _is_part_id(x) or not 0 <= x < n:
                    raise self._fail(HOMSEARCH_PART, what="initial", ob=ob, part=x, n=n)
                if not _is_part_id(y) or not 0 <= y < m:
                    raise self._fail(HOMSEARCH_IMAGE, what="initial", ob=ob, image=y,
                                     part=x, n=m)
                init_obs.setdefault(ob, {})[int(x)] = int(y)
        return init_obs, init_types

    def _check_predicates(self, predicates: Mapping[str, Predicate] | None
                          ) -> dict[str, Predicate]:
        if predicates is None:
            return {}
        if not isinstance(predicates, Mapping):
            raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError, what="predicates",
                             expected="a mapping {ob: {part: images} or callable}",
                             got=predicates)
        out: dict[str, Predicate] = {}
        for ob, p in predicates.items():
            if ob not in self.obs:
                raise self._fail(HOMSEARCH_UNKNOWN, what="predicates", name=ob,
                                 expected="an object", schema=self.schema.name)
            if isinstance(p, Mapping):
                self._check_predicate_map(ob, p)
            elif not callable(p):
                raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError,
                                 what=f"predicates[{ob!r}]",
                                 expected="a mapping {part: allowed images} or a callable "
                                 "(part, image) -> bool", got=p)
            out[ob] = p
        return out

    def _check_predicate_map(self, ob: str, p: Mapping[Any, Any]) -> None:
        n, m = self.X.nparts(ob), self.Y.nparts(ob)
        for x, images in p.items():
            if not _is_part_id(x) or not 0 <= x < n:
                raise self._fail(HOMSEARCH_PART, what="predicates", ob=ob, part=x, n=n)
            if not isinstance(images, Collection) or isinstance(images, str):
                raise self._fail(HOMSEARCH_BAD_ARG, HomSearchTypeError,
                                 what=f"predicates[{ob!r}][{x}]",
                                 expected="a collection of allowed images", got=images)
            for y in images:
                if not _is_part_id(y) or not 0 <= y < m:
                    raise self._fail(HOMSEARCH_IMAGE, what="predicates", ob=ob, image=y,
                                     part=x, n=m)

    def _check_free_vars(self, init_types: dict[str, dict[int, Any]]) -> None:
        for t in self.types:
            seen = set(init_types.get(t, {}))
            for a in self.schema.attrs_into(t):
                seen.update(v.val for v in self.X.subpart(a).tolist()
                            if isinstance(v, AttrVar))
            for k in range(self.X.nparts(t)):
                if k not in seen:
                    raise self._fail(HOMSEARCH_FREE_VAR, attrtype=t, var=AttrVar(k), k=k)

    def _cardinality_fails(self) -> bool:
        for c in self.obs + self.types:
            n, m = self.X.nparts(c), self.Y.nparts(c)
            if c in self.ob_index and n > 0 and m == 0:
                return True
            if (c in self.monics and n > m) or (c in self.epics and n < m):
                return True
        return False

    # ------------------------------------------------------------------ the data
    def _read_columns(self) -> None:
        """Hom columns of both sides as numpy arrays; preimage indices built on demand."""
        S = self.schema
        self.ycol = {f: np.asarray(self.Y.subpart(f), dtype=_I64) for f in S.hom_names()}
        self.unset = {f: bool((col < 0).any()) for f, col in self.ycol.items()}
        self.xcol = {f: self.X.subpart(f).tolist() for f in S.hom_names()}
        self.indices: dict[str, _Lazy[_Preimages]] = {}
        self.pair_indices: dict[tuple[str, str], _Lazy[_PairIndex]] = {}
        self.avgdeg = {f: float((self.ycol[f] >= 0).sum()) / max(1, self.Y.nparts(d))
                       for f, _, d in S.homs}

    def _index(self, f: str) -> _Lazy[_Preimages]:
        if f not in self.indices:
            n = self.Y.nparts(self.schema.codom(f))
            self.indices[f] = _Lazy(lambda: _preimages(self.ycol[f], n))
        return self.indices[f]

    def _pair_index(self, f: str, g: str) -> _Lazy[_PairIndex]:
        if (f, g) not in self.pair_indices:
            n = self.Y.nparts(self.schema.codom(g))
            self.pair_indices[(f, g)] = _Lazy(
                lambda: _pair_index(self.ycol[f], self.ycol[g], n))
        return self.pair_indices[(f, g)]

    def _read_attributes(self) -> None:
        """Codes of the codomain's attribute values: ``isequal`` values share a code (by
        :func:`value_key`), the variable ``AttrVar(j)`` has code ``j``."""
        S = self.schema
        self.xattr: dict[str, list[Any]] = {}
        self.yattr: dict[str, list[Any]] = {}
        self.ycodes: dict[str, np.ndarray] = {}
        self.tables: dict[str, dict[Any, int]] = {t: {} for t in self.types}
        self.ncodes = {t: self.Y.nparts(t) for t in self.types}
        for a, _, t in S.attrs:
            xs = self.X.subpart(a).tolist()
            if all(v is None for v in xs):
                continue  # imposes nothing
            self.xattr[a] = xs
            ys = self.Y.subpart(a).tolist()
            self.yattr[a] = ys
            self.ycodes[a] = np.array([self._code(t, v, add=True) for v in ys], dtype=_I64)

    def _code(self, t: str, v: Any, add: bool) -> int:
        if isinstance(v, AttrVar):
            return v.val
        try:
            k = value_key(v)
        except TypeError:  # not a valid attribute value: equal to nothing else
            k = ("__unhashable__", id(v))
        table = self.tables[t]
        if k not in table:
            if not add:
                return _NO_CODE
            table[k] = self.ncodes[t]
            self.ncodes[t] += 1
        return table[k]

    def _bind_initial_vars(self, init_types: dict[str, dict[int, Any]]
                           ) -> dict[tuple[int, int], _Bound]:
        """The images of variables given in ``initial`` (checked against monic)."""
        out: dict[tuple[int, int], _Bound] = {}
        for t, binding in init_types.items():
            ti = self.types.index(t)
            taken: dict[int, int] = {}
            for k, w in binding.items():
                if t in self.monics:
                    if not isinstance(w, AttrVar):
                        raise self._fail(HOMSEARCH_INITIAL, why=(
                            f"monic on {t}: {AttrVar(k)} is sent to {w!r}, which is not a "
                            "variable"))
                    if w.val in taken:
                        raise self._fail(HOMSEARCH_INITIAL, why=(
                            f"monic on {t}: {AttrVar(taken[w.val])} and {AttrVar(k)} are "
                            f"both sent to {w!r}"))
                    taken[w.val] = k
                out[(ti, k)] = _Bound(0, None, None, self._code(t, w, add=True), w)
        return out

    # ------------------------------------------------------------------ the plan
    def _read_domain_graph(self, preds: dict[str, Predicate]) -> None:
        """One variable per part of ``X``; hom values as constraint edges; static checks."""
        S = self.schema
        self.offset = [0] * len(self.obs)
        for ci in range(1, len(self.obs)):
            self.offset[ci] = self.offset[ci - 1] + self.nX[ci - 1]
        total = sum(self.nX)
        self.var_ob = [ci for ci, n in enumerate(self.nX) for _ in range(n)]
        self.var_part = [x for n in self.nX for x in range(n)]
        self.out_e: list[list[tuple[str, int]]] = [[] for _ in range(total)]
        self.in_e: list[list[tuple[str, int]]] = [[] for _ in range(total)]
        for f, c, d in S.homs:
            oc, od = self.offset[self.ob_index[c]], self.offset[self.ob_index[d]]
            for x, z in enumerate(self.xcol[f]):
                if z >= 0:
                    self.out_e[oc + x].append((f, od + z))
                    self.in_e[od + z].append((f, oc + x))
        self.static: list[list[_Value | _Degree | _Among]] = [[] for _ in range(total)]
        self.estimate = [float(self.nY[ci]) for ci in self.var_ob]
        for ci, c in enumerate(self.obs):
            self._static_values(ci, c)
            self._static_degrees(ci, c)
            p = preds.get(c)
            if isinstance(p, Mapping):
                for x, images in p.items():
                    allowed = np.unique(np.array([int(y) for y in images], dtype=_I64))
                    self._add_static(ci, int(x), _Among(allowed, c, int(x)), len(allowed))
        self.var_attrs = [[(a, S.codom(a), self.types.index(S.codom(a)))
                           for a in S.attrs_out(c) if a in self.xattr
                           and any(isinstance(v, AttrVar) for v in self.xattr[a])]
                          for c in self.obs]
        self.tests = {ci: p for ci, p in ((self.ob_index[c], p) for c, p in preds.items())
                      if not isinstance(p, Mapping)}

    def _add_static(self, ci: int, x: int, flt: _Value | _Degree | _Among, size: int
                    ) -> None:
        g = self.offset[ci] + x
        self.static[g].append(flt)
        self.estimate[g] = min(self.estimate[g], float(size))

    def _static_values(self, ci: int, c: str) -> None:
        """Concrete attribute values of ``X``: the image must hold an ``isequal`` value."""
        for a in self.schema.attrs_out(c):
            if a not in self.xattr:
                continue
            t = self.schema.codom(a)
            codes = self.ycodes[a]
            counts = np.bincount(codes[codes >= 0], minlength=self.ncodes[t])
            for x, v in enumerate(self.xattr[a]):
                if v is None or isinstance(v, AttrVar):
                    continue
                code = self._code(t, v, add=False)
                size = int(counts[code]) if code >= 0 else 0
                self._add_static(ci, x, _Value(codes, code, a, c, x, v, self.yattr[a]), size)

    def _static_degrees(self, ci: int, c: str) -> None:
        """Monic on the domain of ``f: e -> c``: ``x`` needs as many ``f``-preimages; if
        also epic on ``e``, monic on ``c`` and ``X.f`` is total, exactly as many (the
        preimages of ``x`` then go bijectively onto those of its image)."""
        for f in self.schema.homs_in(c):
            e = self.schema.dom(f)
            if e not in self.monics:
                continue
            col = np.asarray(self.xcol[f], dtype=_I64)
            exact = e in self.epics and c in self.monics and bool((col >= 0).all())
            need = np.bincount(col[col >= 0], minlength=self.nX[ci])
            col_y = self.ycol[f]
            degrees = np.bincount(col_y[col_y >= 0], minlength=self.nY[ci]).astype(_I64)
            ranked = np.sort(degrees)
            for x in (range(self.nX[ci]) if exact else np.flatnonzero(need).tolist()):
                n = int(need[x])
                lo = int(np.searchsorted(ranked, n))
                hi = int(np.searchsorted(ranked, n, side="right")) if exact else len(ranked)
                self._add_static(ci, x, _Degree(degrees, n, exact, f, e, c, x), hi - lo)

    # C901: one check per case; splitting it would scatter one rule
    def _plan(self, init_obs: dict[str, dict[int, int]], preds: dict[str, Predicate]  # noqa: C901
              ) -> tuple[list[_Step], int, _PlanState]:
        """Order the parts of ``X``: the initial ones and what they force first, then
        greedily: forced parts (a hom value of an assigned part); then a part joined
        through an assigned neighbour, the fewest expected candidates first (the mean
        preimage count), so the order is connected; a part with at most one static
        candidate, or, when no part is joinable (a new component), the part with the
        smallest static domain (most constrained first) — O(|X| log |X|)."""
        total = len(self.var_ob)
        col = [-1] * total
        steps: list[_Step] = []
        fixed = {self.offset[self.ob_index[c]] + x: y
                 for c, m in init_obs.items() for x, y in m.items()}
        forced: deque[int] = deque()
        heap: list[tuple[int, float, int, int]] = []  # joinable parts
        degree = [len(self.out_e[g]) + len(self.in_e[g]) for g in range(total)]
        state = _PlanState(col, fixed, [np.zeros(n, dtype=_I64) for n in self.nX],
                           [np.zeros(n, dtype=_I64) for n in self.nX], [0] * len(self.nX))

        links = [0] * total  # per part: how many of its hom values are assigned

        def assign(g: int) -> None:
            steps.append(self._step(g, state))
            for _, w in self.out_e[g]:
                if col[w] < 0:
                    forced.append(w)
            for f, u in self.in_e[g]:
                if col[u] < 0:  # most constrained first: then the fewest candidates
                    links[u] += 1
                    heapq.heappush(heap, (-links[u], self.avgdeg[f], -degree[u], u))

        def drain() -> None:
            while forced:
                w = forced.popleft()
                if col[w] < 0:
                    assign(w)

        for c, m in init_obs.items():
            for x in m:
                g = self.offset[self.ob_index[c]] + x
                if col[g] < 0:
                    assign(g)
                    drain()
        prefix = len(steps)
        free = sorted((self.estimate[g], -degree[g], g) for g in range(total) if col[g] < 0)
        free.reverse()  # pop() gives the smallest
        while True:
            drain()
            while heap and col[heap[0][3]] >= 0:
                heapq.heappop(heap)
            while free and col[free[-1][2]] >= 0:
                free.pop()
            if free and (not heap or free[-1][0] <= 1.0):  # a new component, or no branching
                assign(free.pop()[2])
            elif heap:
                assign(heapq.heappop(heap)[3])
            else:
                break
        return steps, prefix, state

    def _step(self, g: int, state: _PlanState) -> _Step:
        """The step that assigns part ``g``: its source of candidates and its filters."""
        col = state.col
        ci, x = self.var_ob[g], self.var_part[g]
        c = self.obs[ci]
        ins = [(f, u) for f, u in self.in_e[g] if u != g and col[u] >= 0]
        outs = list(self.out_e[g])
        first: list[_Filter] = []
        source: _Source | None = None
        if ins:
            f, u = ins.pop(0)
            source = _Gather(col[u], self.ycol[f], self.unset[f], f,
                             self.obs[self.var_ob[u]], self.var_part[u], x)
            if g in state.fixed:
                first.append(_Is(state.fixed[g], c, x))
        elif g in state.fixed:
            source = _Cross(np.array([state.fixed[g]], dtype=_I64))
        else:
            joins = sorted((self.avgdeg[f], i) for i, (f, w) in enumerate(outs)
                           if w != g and col[w] >= 0)
            if len(joins) >= 2 and joins[0][0] <= self.estimate[g]:
                (f, w), (f2, w2) = outs[joins[0][1]], outs[joins[1][1]]
                for i in sorted((joins[0][1], joins[1][1]), reverse=True):
                    outs.pop(i)
                source = _PairJoin(col[w], col[w2], self._pair_index(f, f2))
            elif joins and joins[0][0] <= self.estimate[g]:
                f, w = outs.pop(joins[0][1])
                source = _Join(col[w], self._index(f))
        first += [_HomFrom(self.ycol[f], col[u], c, x) for f, u in ins]
        tail: list[_Filter] = []
        for f, w in outs:
            dob, z = self.obs[self.var_ob[w]], self.var_part[w]
            if w == g or col[w] >= 0:
                wcol = state.ncols if w == g else col[w]
                first.append(_HomTo(self.ycol[f], wcol, f, c, x, dob, z))
            elif self.unset[f]:
                tail.append(_HomSet(self.ycol[f], f, c, x, z))
        static: list[_Filter] = [s for s in self.static[g] if not (
            isinstance(source, _Gather) and isinstance(s, _Degree) and s.need == 1
            and not s.exact and s.hom == source.hom)]  # implied: cand = Y.f(α(u))
        if source is None:
            cands = np.arange(self.nY[ci], dtype=_I64)
            for s in self.static[g]:
                cands = cands[s.keep(None, cands)]
            source, static = _Cross(cands), []
        middle = static + self._dynamic_filters(g, ci, x, state)
        col[g] = state.ncols
        state.ncols += 1
        n = state.ob_n[ci]
        state.ob_cols[ci][n], state.ob_parts[ci][n] = col[g], x
        state.ob_n[ci] = n + 1
        return _Step(ci, x, source, tuple(first + middle + tail))

    def _dynamic_filters(self, g: int, ci: int, x: int, state: _PlanState) -> list[_Filter]:
        c = self.obs[ci]
        out: list[_Filter] = []
        if ci in self.tests:
            out.append(_Test(self.tests[ci], c, x, {}))
        n = state.ob_n[ci]
        if c in self.monics and n:
            out.append(_Distinct(state.ob_cols[ci][:n], state.ob_parts[ci][:n], c, x))
        remaining = self.nX[ci] - n - 1
        if c in self.epics and c not in self.monics and remaining < self.nY[ci]:
            out.append(_Reach(state.ob_cols[ci][:n], remaining, self.nY[ci]))
        return out + self._variable_filters(ci, x, state)

    def _variable_filters(self, ci: int, x: int, state: _PlanState) -> list[_Filter]:
        """Variables of ``X`` at part ``x``: bound at their first occurrence, then equal."""
        c = self.obs[ci]
        out: list[_Filter] = []
        here: dict[tuple[int, int], tuple[_Bound, str]] = {}
        for a, t, ti in self.var_attrs[ci]:
            v = self.xattr[a][x]
            if not isinstance(v, AttrVar):
                continue
            key = (ti, v.val)
            codes, ys = self.ycodes[a], self.yattr[a]
            bound = self.fixed_vars.get(key) or state.binders.get(key)
            if bound is None and key in here:
                bound = here[key][0]
            if bound is not None:
                out.append(_SameVar(codes, ys, bound, v, t, a, c, x))
                continue
            if t in self.monics:
                others = [b for (tj, _), b in itertools.chain(
                    self.fixed_vars.items(), state.binders.items()) if tj == ti]
                others += [b for (tj, _), (b, _) in here.items() if tj == ti]
                out.append(_MonicVar(codes, ys, self.nvY[ti], tuple(others), v, t, a, c, x))
            here[key] = (_Bound(state.ncols, codes, ys, 0, None), a)
        for key, (b, a) in here.items():
            state.binders[key] = b
            state.sites[key] = (state.ncols, a)
        return out

    # ------------------------------------------------------------------ running
    def _run_prefix(self) -> np.ndarray:
        """Run the steps of the initial assignment (one row) now; explain a failure."""
        F = np.zeros((1, 0), dtype=_I64)
        for step in self.steps[:self.prefix]:
            got = list(step.source.expand(F, lambda: CHUNK))
            if not got or not len(got[0][1]):
                raise self._fail(HOMSEARCH_INITIAL, why=step.source.why(F))
            rows = _Rows(F, *got[0])
            for flt in step.filters:
                if not flt.keep(rows, rows.new[-1])[0]:
                    raise self._fail(HOMSEARCH_INITIAL, why=flt.why(rows, rows.new[-1]))
            F = rows.grow()
        return F

    def _prepare_results(self, col: list[int]) -> None:
        self.cols_of = [np.array([col[self.offset[ci] + x] for x in range(self.nX[ci])],
                                 dtype=_I64) for ci in range(len(self.obs))]
        self.epic_obs = [ci for ci, c in enumerate(self.obs) if c in self.epics
                         and not (c in self.monics and self.nX[ci] == self.nY[ci])]
        self.epic_types = [ti for ti, t in enumerate(self.types) if t in self.epics
                           and not (t in self.monics and self.nvX[ti] == self.nvY[ti])]

    def _var_codes(self, F: np.ndarray, ti: int) -> np.ndarray:
        """Per row of ``F``: the codes of the images of the variables of type ``ti``."""
        out = np.empty((len(F), self.nvX[ti]), dtype=_I64)
        for k in range(self.nvX[ti]):
            fixed = self.fixed_vars.get((ti, k))
            if fixed is not None:
                out[:, k] = fixed.code
            else:
                c, a = self.sites[(ti, k)]
                out[:, k] = self.ycodes[a][F[:, c]]
        return out

    def _final(self, F: np.ndarray) -> np.ndarray:
        """Keep the complete assignments that are epic where asked."""
        keep = np.ones(len(F), dtype=bool)
        for ci in self.epic_obs:
            keep &= _covers(F[:, self.cols_of[ci]], self.nY[ci])
        for ti in self.epic_types:
            keep &= _covers(self._var_codes(F, ti), self.nvY[ti])
        return F if keep.all() else F[keep]

    def _frontiers(self, depth: int, chunk: int) -> Iterator[np.ndarray]:
        """The assignments after ``depth`` groups of steps, depth-first in pieces
        (order-preserving, so the order of results does not depend on piece sizes)."""
        if self.dead:
            return
        if depth == 0:
            yield self.start
            return
        width = [min(chunk, CHUNK)]  # read at every piece boundary, at every level
        stack = [self._pieces(0, self.start, width)]
        pieces = 0
        while stack:
            F = next(stack[-1], None)
            if F is None:
                stack.pop()
                continue
            pieces += 1
            if pieces % len(self.groups) == 0:  # about one descent's worth: widen
                width[0] = min(CHUNK, 2 * width[0])
            if len(stack) == depth:
                yield F
                continue
            stack.append(self._pieces(len(stack), F, width))

    def _pieces(self, level: int, F: np.ndarray, width: list[int]) -> Iterator[np.ndarray]:
        group = self.groups[level]
        cap = max(1, CELLS // (F.shape[1] + len(group.steps)))
        for rows in _extend(group, F, lambda: min(width[0], cap)):
            yield rows.grow()

    def leaves(self, chunk: int = FIRST_CHUNK) -> Iterator[np.ndarray]:
        """Complete assignments (one column per part of ``X``), in pieces."""
        for F in self._frontiers(len(self.groups), chunk):
            F = self._final(F)
            if len(F):
                yield F

    def count(self) -> int:
        """The number of complete assignments; the last group's rows are never built."""
        if not self.groups or self.epic_obs or self.epic_types:
            return sum(len(F) for F in self.leaves(CHUNK))
        last = self.groups[-1]
        return sum(len(rows.par) for F in self._frontiers(len(self.groups) - 1, CHUNK)
                   for rows in _extend(last, F, lambda: CHUNK))

    def results(self, F: np.ndarray, check: bool) -> Iterator[ACSetTransformation]:
        """The morphisms of a piece of complete assignments."""
        comps = []
        for cols in self.cols_of:
            block = F[:, cols]  # a fresh array: each result's component is a row of it
            block.setflags(write=False)
            comps.append(list(block))
        rows = zip(*comps, strict=True) if comps else [()] * len(F)  # (a schema without objects)
        for i, row in enumerate(rows):
            arrays = dict(zip(self.obs, row, strict=True))
            var_comps = {t: tuple(self._var_image(F[i], ti, k) for k in range(self.nvX[ti]))
                         for ti, t in enumerate(self.types)}
            if check:
                yield ACSetTransformation(self.X, self.Y, **arrays, **var_comps)
                continue
            # the search has established naturality and attributes: skip the re-check
            f = object.__new__(ACSetTransformation)
            f.dom, f.codom = self.X, self.Y
            f.components = arrays
            f.var_components = var_comps
            yield f

    def _var_image(self, row: np.ndarray, ti: int, k: int) -> Any:
        fixed = self.fixed_vars.get((ti, k))
        if fixed is not None:
            return fixed.value
        c, a = self.sites[(ti, k)]
        return self.yattr[a][int(row[c])]


def _covers(M: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``M`` holding every value ``0 .. n-1`` (other values are ignored)."""
    if n == 0:
        return np.ones(len(M), dtype=bool)
    S = np.sort(np.where((M >= 0) & (M < n), M, -1), axis=1)
    new = np.ones(S.shape, dtype=bool)
    new[:, 1:] = S[:, 1:] != S[:, :-1]
    return ((S >= 0) & new).sum(axis=1) == n


def _check_acsets(X: Any, Y: Any, what: str) -> None:
    """Each argument must be an ACSet (checked separately, naming the one that is not)."""
    for side, A in (("domain", X), ("codomain", Y)):
        if not isinstance(A, ACSet):
            raise HomSearchTypeError(HOMSEARCH_NOT_ACSET.format(
                what=what, side=side, got=type(A).__name__))


def _check_max_results(max_results: int | None, X: ACSet, Y: ACSet) -> None:
    if max_results is not None and (not _is_part_id(max_results) or max_results < 0):
        raise HomSearchError(HOMSEARCH_BAD_ARG.format(
            dom=describe(X), codom=describe(Y), what="max_results",
            expected="a non-negative integer or None", got=max_results))


def _generate(search: _Search, max_results: int | None, check: bool
              ) -> Iterator[ACSetTransformation]:
    if max_results == 0:
        return
    found = 0
    for F in search.leaves(FIRST_CHUNK):
        for f in search.results(F, check):
            yield f
            found += 1
            if max_results is not None and found >= max_results:
                return


def homomorphisms(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                  iso: Selection = False, initial: Mapping[str, Any] | None = None,
                  predicates: Mapping[str, Predicate] | None = None,
                  max_results: int | None = None, check: bool = False
                  ) -> Iterator[ACSetTransformation]:
    """All morphisms ``X -> Y``, lazily: each is yielded once, in a deterministic order.

    The arguments are checked when the function is called (a :class:`HomSearchError` or
    :class:`SchemaError` names the object, part and values); the search itself runs as
    the iterator is consumed, so ``next(...)`` or breaking out of a loop stops it early.
    ``X`` and ``Y`` must not be changed while the iterator is in use.

    * ``monic``, ``epic``, ``iso``: a bool, or the names of the objects and attribute
      types on which the components must be injective / surjective / bijective (see the
      module's rules for attribute types).
    * ``initial``: ``{ob: {part: image}}`` fixes some images in advance (and
      ``{attrtype: {k: image}}`` the image of ``AttrVar(k)``). An unknown object, a part
      or image out of range, or an assignment that no morphism extends (it breaks a hom or
      an attribute, clashes with ``monic`` or ``predicates``) raises ``HomSearchError``.
    * ``predicates``: ``{ob: {part: allowed_images}}`` (parts not listed are free) or
      ``{ob: callable(part, image) -> bool}``; a morphism is kept when every part's
      image is allowed. Parts and images listed must exist.
    * ``max_results``: stop after that many morphisms.
    * ``check``: build each result through the checking constructor of
      :class:`ACSetTransformation` (slower; by default results are built directly, the
      search having established naturality and attribute preservation).

    Complexity: see the module docstring (a join over CSR preimage indices, in pieces);
    the first result costs the work of the first pieces only, each further result
    O(number of objects) to build.

    >>> path = ACSet(SchGraph); _ = path.add_parts("V", 3)
    >>> _ = path.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
    >>> [f["V"].tolist() for f in homomorphisms(path, path)]
    [[0, 1, 2]]
    >>> loop = ACSet(SchGraph); _ = loop.add_part("V"); _ = loop.add_part("E", src=0, tgt=0)
    >>> [f["E"].tolist() for f in homomorphisms(path, loop)], next(homomorphisms(loop, path), None)
    ([[0, 0]], None)
    >>> len(list(homomorphisms(path, path, monic=["V"], initial={"V": {0: 0}})))
    1
    """
    _check_acsets(X, Y, "homomorphism search")
    _check_max_results(max_results, X, Y)
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return _generate(search, max_results, check)


def homomorphism(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                 iso: Selection = False, initial: Mapping[str, Any] | None = None,
                 predicates: Mapping[str, Predicate] | None = None, check: bool = False
                 ) -> ACSetTransformation | None:
    """The first morphism ``X -> Y`` that :func:`homomorphisms` finds, or ``None``.

    The search runs in pieces of one row first (depth-first backtracking), widening as
    it goes, so it stops after about the work backtracking does to reach the first
    result (each node a few numpy calls).

    >>> two = ACSet(SchGraph); _ = two.add_parts("V", 2)
    >>> homomorphism(two, two, epic=True)["V"].tolist()
    [0, 1]
    >>> homomorphism(two, ACSet(SchGraph)) is None
    True
    """
    return next(homomorphisms(X, Y, monic=monic, epic=epic, iso=iso, initial=initial,
                              predicates=predicates, max_results=1, check=check), None)


def count_homomorphisms(X: ACSet, Y: ACSet, *, monic: Selection = False,
                        epic: Selection = False, iso: Selection = False,
                        initial: Mapping[str, Any] | None = None,
                        predicates: Mapping[str, Predicate] | None = None) -> int:
    """The number of morphisms ``X -> Y`` (counted without building them).

    Complexity: the join of the module docstring in pieces of :data:`CHUNK` rows; the
    assignments of the last step are counted, never built, and no
    :class:`ACSetTransformation` is made.

    >>> three = ACSet(SchGraph); _ = three.add_parts("V", 3)
    >>> count_homomorphisms(three, three), count_homomorphisms(three, three, iso=True)
    (27, 6)
    """
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return search.count()


def is_homomorphic(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                   iso: Selection = False, initial: Mapping[str, Any] | None = None,
                   predicates: Mapping[str, Predicate] | None = None) -> bool:
    """Whether some morphism ``X -> Y`` exists (with the options of :func:`homomorphisms`).

    Stops at the first one found (the cost of :func:`homomorphism`).

    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
    >>> is_homomorphic(g, g, monic=True), is_homomorphic(g, ACSet(SchGraph))
    (True, False)
    """
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return any(True for _ in search.leaves(FIRST_CHUNK))


def _invariants(A: ACSet) -> list[Any]:
    """Isomorphism invariants: part counts, sorted in-degrees, unset and value counts
    (values counted up to ``isequal``). O(|A| log |A|)."""
    S = A.schema
    out: list[Any] = [tuple(A.nparts(c) for c in S.obs + S.attrtypes)]
    for f, _, d in S.homs:
        col = A.subpart(f)
        defined = col[col >= 0]
        degrees = np.bincount(defined, minlength=A.nparts(d)) if defined.size else \
            np.zeros(A.nparts(d), dtype=np.int64)
        out.append((int(col.size - defined.size), tuple(np.sort(degrees).tolist())))
    for a in S.attr_names():
        values = A.subpart(a).tolist()
        counts: Counter[Any] = Counter()
        for v in values:
            if v is None:
                counts["<unset>"] += 1
            elif isinstance(v, AttrVar):
                counts["<variable>"] += 1
            else:
                try:
                    counts[("value", value_key(v))] += 1
                except TypeError:
                    counts["<unhashable>"] += 1
        out.append(counts)
    return out


def isomorphism(X: ACSet, Y: ACSet, *, initial: Mapping[str, Any] | None = None
                ) -> ACSetTransformation | None:
    """An isomorphism ``X -> Y`` (a morphism whose inverse is a morphism too), or ``None``.

    Cheap invariants are compared first (part counts, in-degree sequences per hom, counts
    of unset hom values and of attribute values); then a search with ``iso=True``. With
    equal invariants every bijective morphism found is invertible, also where homs are
    unset or attributes ``None``. Complexity: the invariants in O(|X| log |X| +
    |Y| log |Y|), then the search of :func:`isomorphisms` until its first result.

    >>> a = ACSet(SchGraph); _ = a.add_parts("V", 2); _ = a.add_part("E", src=0, tgt=1)
    >>> b = ACSet(SchGraph); _ = b.add_parts("V", 2); _ = b.add_part("E", src=1, tgt=0)
    >>> isomorphism(a, b)["V"].tolist()
    [1, 0]
    """
    return next(isomorphisms(X, Y, initial=initial), None)


def isomorphisms(X: ACSet, Y: ACSet, *, initial: Mapping[str, Any] | None = None
                 ) -> Iterator[ACSetTransformation]:
    """All isomorphisms ``X -> Y``, lazily, each once (so ``isomorphisms(X, X)`` are the
    automorphisms of ``X``).

    Arguments are checked when called; invariants are compared first (see
    :func:`isomorphism`; O(|X| log |X| + |Y| log |Y|)), then the search of
    :func:`homomorphisms` with ``iso=True`` runs as the iterator is consumed (in-degrees
    must then match exactly, which prunes most candidates).

    >>> tri = ACSet(SchGraph); _ = tri.add_parts("V", 3)
    >>> _ = tri.add_parts("E", 3, src=[0, 1, 2], tgt=[1, 2, 0])
    >>> sorted(f["V"].tolist() for f in isomorphisms(tri, tri))
    [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    >>> list(isomorphisms(tri, ACSet(SchGraph)))
    []
    """
    _check_acsets(X, Y, "isomorphism")
    if X.schema != Y.schema:
        raise SchemaError(SCHEMA_MISMATCH.format(
            what="isomorphism", left=X.name, right=Y.name))
    if _invariants(X) != _invariants(Y):
        _Search(X, Y, False, False, True, initial, None)  # still check the arguments
        return iter(())
    return homomorphisms(X, Y, iso=True, initial=initial)


def is_isomorphic(X: ACSet, Y: ACSet) -> bool:
    """Whether ``X`` and ``Y`` are isomorphic (see :func:`isomorphism`, same cost).

    >>> a = ACSet(SchGraph); _ = a.add_parts("V", 2); _ = a.add_part("E", src=0, tgt=1)
    >>> b = a.copy(); _ = b.add_part("E", src=0, tgt=0)
    >>> is_isomorphic(a, a.copy()), is_isomorphic(a, b)
    (True, False)
    """
    return isomorphism(X, Y) is not None
