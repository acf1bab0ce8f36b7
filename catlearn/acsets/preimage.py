"""The preimage index of one hom: which parts ``x`` have ``f(x) == y``, as arrays.

For a hom ``f: X -> Y`` the index answers ``f⁻¹(y)`` for one part ``y`` or for many.
It has two layers:

- a **base**: a CSR snapshot of the column taken when the index was built — ``order``,
  the parts of ``X`` with a set value, sorted by value and, within one value, by part id
  (``np.argsort(kind="stable")``), and ``offsets`` (length ``|Y| + 1``, from
  ``np.bincount`` and ``cumsum``), so ``f⁻¹(y) = order[offsets[y]:offsets[y + 1]]``.
  ``order`` is int64 (an answer is then one slice copy, the cheapest numpy operation;
  an int32 ``order`` would save 4 bytes per part but its cast to int64 costs more than
  the copy at low degree), ``offsets`` int32 when the sizes allow. Both are read-only,
  so copies of an ACSet share them;
- a **delta**: ``patched[y]``, the whole current answer (a sorted int64 array) for each
  ``y`` whose answer a write has changed since the build. Patched arrays are never
  changed in place either (a write replaces them), so a copy shares them too.

Costs (``n = |X|``, ``d`` the size of an answer):

- build: one stable argsort, O(n log n) (about 0.1 s at 10^6 parts);
- ``query(y)``: O(1) plus a copy of the ``d`` ids (a CSR slice, or the patched array);
- ``many(ys)``: one vectorised gather, O(len(ys) + total answer), plus a copy for each
  patched ``y`` among them;
- ``note(...)``: a write moving part ``x`` from ``y`` to ``y'`` replaces the answers of
  ``y`` and ``y'``: O(d_y + d_y') (a binary search and a copy each). When the patched
  arrays would hold more than ``limit = max(1024, n // 32)`` ids in all, they are first
  merged into a new base by a vectorised pass, O(n + |Y|) with no sort (about 20 ms at
  10^6 parts). So a write costs O(d_y + d_y') plus, amortised, ``(d_y + d_y') / limit``
  merges — about 32 (d_y + d_y') array steps, below a µs for low degrees. A batch of
  more than ``limit`` writes makes the owner drop the index instead: O(1) now, one
  build at the next query.

Memory when freshly built: 8 bytes per part of ``X`` with a value and 4 per part of
``Y``, plus the delta (at most ``limit`` int64 ids). For ``SchGraph`` with as many
vertices as edges, columns and both indices together hold 40 bytes per edge.

Answers are in ascending part order.

>>> import numpy as np
>>> ix = PreimageIndex(np.array([1, 0, 1, -1]), 3)
>>> ix.query(1).tolist(), ix.query(2).tolist()
([0, 2], [])
>>> ix.note(np.array([3, 0]), np.array([-1, 1]), np.array([1, 2]))
True
>>> ix.query(1).tolist(), [a.tolist() for a in ix.many(np.array([0, 1, 2]))]
([2, 3], [[1], [2, 3], [0]])
"""

from __future__ import annotations

import numpy as np

__all__ = ["PreimageIndex"]

_INT32_MAX = np.iinfo(np.int32).max
_EMPTY = np.zeros(0, dtype=np.int64)
_EMPTY.setflags(write=False)


def _small_dtype(bound: int) -> type[np.signedinteger]:
    return np.int32 if bound <= _INT32_MAX else np.int64


def _without(arr: np.ndarray, x: int) -> np.ndarray:
    """``arr`` (sorted) without ``x``, a new int64 array."""
    i = int(np.searchsorted(arr, x))
    if i >= arr.size or arr[i] != x:  # not there: nothing to remove
        return arr.astype(np.int64)
    out = np.empty(arr.size - 1, dtype=np.int64)
    out[:i] = arr[:i]
    out[i:] = arr[i + 1:]
    return out


def _with(arr: np.ndarray, x: int) -> np.ndarray:
    """``arr`` (sorted) with ``x`` inserted in order, a new int64 array."""
    n = arr.size
    if n == 0 or arr[n - 1] < x:  # the usual case: a new part, the largest id
        out = np.empty(n + 1, dtype=np.int64)
        out[:n] = arr
        out[n] = x
        return out
    i = int(np.searchsorted(arr, x))
    out = np.empty(arr.size + 1, dtype=np.int64)
    out[:i] = arr[:i]
    out[i] = x
    out[i + 1:] = arr[i:]
    return out


class PreimageIndex:
    """CSR preimage index of a hom column with a delta of the writes since it was built.

    ``col`` is the column (values ``-1`` for unset, else ``0 <= v < ncodom``).

    >>> import numpy as np
    >>> PreimageIndex(np.array([2, 2, 0]), 3).query(2).tolist()
    [0, 1]
    """

    __slots__ = ("order", "offsets", "ny", "patched", "size", "limit")

    #: the delta holds at least this many ids before the index asks to be rebuilt
    min_delta = 1024
    #: ... and at least ``n // delta_fraction`` for a column of ``n`` parts
    delta_fraction = 32

    def __init__(self, col: np.ndarray, ncodom: int) -> None:
        n = int(col.size)
        c = col.astype(_small_dtype(max(ncodom, 1)), copy=False)
        perm = np.argsort(c, kind="stable")
        nunset = int(np.count_nonzero(c < 0))
        order = perm[nunset:].astype(np.int64, copy=False)
        counts = np.bincount(c[c >= 0], minlength=ncodom) if n > nunset else \
            np.zeros(ncodom, dtype=np.int64)
        offsets = np.zeros(ncodom + 1, dtype=_small_dtype(max(n, 1)))
        np.cumsum(counts, out=offsets[1:])
        order.setflags(write=False)
        offsets.setflags(write=False)
        self.order: np.ndarray = order
        self.offsets: np.ndarray = offsets
        self.ny = ncodom
        self.patched: dict[int, np.ndarray] = {}
        self.size = 0
        self.limit = max(self.min_delta, n // self.delta_fraction)

    # ------------------------------------------------------------------ writes
    def _current(self, y: int) -> np.ndarray:
        """The current answer for ``y`` (a read-only view or a patched array)."""
        arr = self.patched.get(y)
        if arr is not None:
            return arr
        if y < self.ny:
            o = self.offsets
            return self.order[o[y]:o[y + 1]]
        return _EMPTY

    def _replace(self, y: int, arr: np.ndarray) -> None:
        old = self.patched.get(y)
        self.size += arr.size - (0 if old is None else old.size)
        arr.setflags(write=False)
        self.patched[y] = arr

    def _make_room(self, extra: int) -> None:
        """Merge the delta into the base first if ``extra`` more ids would overflow it."""
        if self.size + extra > self.limit:
            self._compact()

    def note_one(self, x: int, o: int, v: int) -> bool:
        """Record that part ``x`` changed from value ``o`` to ``v`` (``-1``: unset).

        O(d_o + d_v), plus a merge of the delta (O(n)) once it holds ``limit`` ids.
        Always returns ``True`` (the signature matches :meth:`note`).
        """
        if o == v:
            return True
        if o >= 0:
            self._replace(o, _without(self._patchable(o, 0), x))
        if v >= 0:
            self._replace(v, _with(self._patchable(v, 1), x))
        return True

    def _patchable(self, y: int, grow: int) -> np.ndarray:
        """The current answer of ``y``, after merging the delta if patching ``y`` (and
        adding ``grow`` ids) would overflow it."""
        cur = self.patched.get(y)
        if cur is not None:
            if self.size + grow > self.limit:
                self._compact()
                return self._current(y)
            return cur
        cur = self._current(y)
        if self.size + cur.size + grow > self.limit:
            self._compact()
            return self._current(y)
        return cur

    def _extra(self, y: int) -> int:
        """How many ids patching ``y`` adds to the delta (its answer, unless patched)."""
        return 0 if y in self.patched else int(self._current(y).size)

    def note(self, parts: np.ndarray, old: np.ndarray, new: np.ndarray) -> bool:
        """Record that the distinct ``parts`` changed from ``old`` to ``new`` values.

        Returns ``False`` (recording nothing) for a batch of more than ``limit`` parts: the
        owner then drops the index and the next query rebuilds it. Otherwise O(k + the
        answers it changes), plus a merge of the delta when it is full.
        """
        if parts.size > self.limit:
            return False
        if parts.size == 1:
            return self.note_one(int(parts[0]), int(old[0]), int(new[0]))
        changed = old != new
        parts, old, new = parts[changed], old[changed], new[changed]
        removals: dict[int, list[int]] = {}
        additions: dict[int, list[int]] = {}
        for x, o, v in zip(parts.tolist(), old.tolist(), new.tolist(), strict=True):
            if o >= 0:
                removals.setdefault(o, []).append(x)
            if v >= 0:
                additions.setdefault(v, []).append(x)
        for y in removals.keys() | additions.keys():
            self._make_room(self._extra(y) + len(additions.get(y, ())))
            arr = self._current(y)
            if y in removals:
                arr = arr[~np.isin(arr, np.asarray(removals[y], dtype=np.int64))]
            if y in additions:
                arr = np.sort(np.concatenate([arr, np.asarray(additions[y], dtype=np.int64)]))
            self._replace(y, arr if arr.flags.owndata else arr.copy())
        return True

    def _compact(self) -> None:
        """Merge the patched answers into a new base, vectorised: O(n + |Y|), no sort."""
        if not self.patched:
            return
        keys = np.fromiter(self.patched.keys(), dtype=np.int64, count=len(self.patched))
        arrays = [self.patched[k] for k in keys.tolist()]
        plen = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        ny = max(self.ny, int(keys.max()) + 1)
        old_len = np.zeros(ny, dtype=np.int64)
        old_len[:self.ny] = np.diff(self.offsets)
        new_len = old_len.copy()
        new_len[keys] = plen
        offsets = np.zeros(ny + 1, dtype=np.int64)
        np.cumsum(new_len, out=offsets[1:])
        order = np.empty(int(offsets[-1]), dtype=np.int64)
        kept = np.ones(ny, dtype=bool)
        kept[keys] = False
        base_y = np.repeat(np.arange(ny), old_len)  # the value of each base position
        pos = np.flatnonzero(kept[base_y])
        y = base_y[pos]
        order[offsets[y] + pos - self.offsets[y]] = self.order[pos]
        flat = np.concatenate(arrays)
        ends = np.cumsum(plen)
        within = np.arange(flat.size, dtype=np.int64) - np.repeat(ends - plen, plen)
        order[offsets[np.repeat(keys, plen)] + within] = flat
        order.setflags(write=False)
        offsets = offsets.astype(_small_dtype(max(order.size, 1)))
        offsets.setflags(write=False)
        self.order, self.offsets, self.ny = order, offsets, ny
        self.patched, self.size = {}, 0
        self.limit = max(self.limit, order.size // self.delta_fraction)

    def copy(self) -> PreimageIndex:
        """A copy sharing the read-only arrays; O(number of patched answers)."""
        other = object.__new__(PreimageIndex)
        other.order, other.offsets, other.ny = self.order, self.offsets, self.ny
        other.limit, other.size = self.limit, self.size
        other.patched = dict(self.patched)
        return other

    # ------------------------------------------------------------------ reads
    def query(self, y: int) -> np.ndarray:
        """``f⁻¹(y)`` as a fresh ascending int64 array (``0 <= y``, checked by the owner)."""
        return self._current(y).copy()

    def gather(self, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The base answers for all ``ys`` concatenated, and their lengths (vectorised)."""
        ys = ys.astype(np.int64, copy=False)
        if self.ny == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(ys.size, dtype=np.int64)
        inside = ys < self.ny
        y_in = np.where(inside, ys, 0)
        starts = self.offsets[y_in].astype(np.int64)
        lengths = np.where(inside, self.offsets[y_in + 1] - starts, 0)
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), lengths
        ends = np.cumsum(lengths)
        pos = np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
        return self.order[pos], lengths

    def many(self, ys: np.ndarray) -> list[np.ndarray]:
        """``[f⁻¹(y) for y in ys]``, each an ascending int64 array; one vectorised gather.

        The arrays are disjoint views of one fresh buffer (nothing shared with the index).
        """
        if ys.size == 0:
            return []
        flat, lengths = self.gather(ys)
        ends = np.cumsum(lengths)
        # disjoint views of one fresh buffer: cheaper than np.split, and no aliasing
        out = [flat[i:j] for i, j in zip((ends - lengths).tolist(), ends.tolist(),
                                         strict=True)]
        if self.patched:
            keys = np.fromiter(self.patched.keys(), dtype=np.int64, count=len(self.patched))
            for i in np.flatnonzero(np.isin(ys, keys)).tolist():
                out[i] = self.query(int(ys[i]))
        return out

    def preimage(self, ys: np.ndarray) -> np.ndarray:
        """All parts sent into the set ``ys`` (concatenated, not sorted or deduplicated)."""
        if not self.patched:
            return self.gather(ys)[0]
        parts = self.many(ys)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def nbytes(self) -> int:
        """Bytes held by the index: the base arrays and the patched answers."""
        return int(self.order.nbytes + self.offsets.nbytes
                   + sum(a.nbytes for a in self.patched.values()))
