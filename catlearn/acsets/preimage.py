"""The preimage index of one hom: which parts ``x`` have ``f(x) == y``, as arrays.

For a hom ``f: X -> Y`` the index answers ``f⁻¹(y)`` for one part ``y`` or for many.
It has three layers:

- a **base**: a CSR snapshot of the column taken when the index was built — ``order``,
  the parts of ``X`` with a set value, sorted by value and, within one value, by part id
  (``np.argsort(kind="stable")``), and ``offsets`` (length ``|Y| + 1``, from
  ``np.bincount`` and ``cumsum``), so ``f⁻¹(y) = order[offsets[y]:offsets[y + 1]]``.
  ``order`` is int64 (an answer is then one slice copy, the cheapest numpy operation;
  an int32 ``order`` would save 4 bytes per part but its cast to int64 costs more than
  the copy at low degree), ``offsets`` int32 when the sizes allow. Both are read-only,
  so copies of an ACSet share them;
- **pending** writes: for each value ``y``, the parts a write has added to or removed
  from ``f⁻¹(y)`` since its answer was last read (two Python sets);
- **patched** answers: for each value ``y`` read since it was written, its whole current
  answer as a sorted read-only int64 array (a read merges the pending writes of ``y``
  into it, so the next read is a plain copy).

Costs (``n = |X|``, ``d`` the size of an answer, ``k`` the pending writes to ``y``):

- build: one stable argsort, O(n log n) (about 0.1 s at 10^6 parts);
- ``query(y)``: O(1) plus a copy of the ``d`` ids when nothing is pending for ``y``,
  else O(d + k log k) once (a binary-search merge), then plain copies again;
- ``many(ys)``: one vectorised gather, O(len(ys) + total answer), plus a query for each
  ``y`` among them that writes have touched;
- ``note(...)``: O(1) per written part (set operations). Once ``limit =
  max(1024, n // 16)`` writes are recorded, the owner drops the index and the next
  query rebuilds it from the column (a vectorised merge of the delta into the base was
  tried: at 10^6 parts its ten-odd O(n) passes cost as much as the argsort). So a write
  costs O(1) plus, amortised, 1/limit of a build: about 16 log n array steps (a few
  µs); a bulk write larger than that costs O(1) now and one build at the next query.

Memory when freshly built: 8 bytes per part of ``X`` with a value and 4 per part of
``Y``; the delta adds at most ``limit`` pending ids and, for answers read since a write,
copies of them (disjoint, so at most 8 bytes per part). For ``SchGraph`` with as many
vertices as edges, columns and both indices together hold 40 bytes per edge.

Answers are in ascending part order.

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


def _ids(xs: set[int]) -> np.ndarray:
    return np.fromiter(xs, dtype=np.int64, count=len(xs))


class PreimageIndex:
    """CSR preimage index of a hom column with a delta of the writes since it was built.

    ``col`` is the column (values ``-1`` for unset, else ``0 <= v < ncodom``).

    >>> PreimageIndex(np.array([2, 2, 0]), 3).query(2).tolist()
    [0, 1]
    """

    __slots__ = ("order", "offsets", "ny", "patched", "adds", "removes", "count", "limit",
                 "clean")

    #: the delta records at least this many writes before the index asks to be rebuilt
    min_delta = 1024
    #: ... and at least ``n // delta_fraction`` for a column of ``n`` parts
    delta_fraction = 16

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
        self.adds: dict[int, set[int]] = {}
        self.removes: dict[int, set[int]] = {}
        self.count = 0
        self.limit = max(self.min_delta, n // self.delta_fraction)
        #: True when the base alone answers every query (no patched or pending answer)
        self.clean = True

    # ------------------------------------------------------------------ writes
    def note_one(self, x: int, o: int, v: int) -> bool:
        """Record that part ``x`` changed from value ``o`` to ``v`` (``-1``: unset).

        O(1). Returns ``False`` (recording nothing) once the delta holds ``limit``
        writes: the owner then drops the index and the next query rebuilds it.
        """
        if o == v:
            return True
        if self.count >= self.limit:
            return False
        self.clean = False
        self.count += 1
        if o >= 0:
            added = self.adds.get(o)
            if added is not None and x in added:
                added.discard(x)
            else:
                self.removes.setdefault(o, set()).add(x)
        if v >= 0:
            removed = self.removes.get(v)
            if removed is not None and x in removed:
                removed.discard(x)
            else:
                self.adds.setdefault(v, set()).add(x)
        return True

    def note(self, parts: np.ndarray, old: np.ndarray, new: np.ndarray) -> bool:
        """Record that the distinct ``parts`` changed from ``old`` to ``new`` values.

        Returns ``False`` (recording nothing) when the delta would outgrow ``limit``
        writes: the owner then drops the index and the next query rebuilds it. Otherwise
        O(k) set operations.
        """
        if self.count + parts.size > self.limit:
            return False
        for x, o, v in zip(parts.tolist(), old.tolist(), new.tolist(), strict=True):
            self.note_one(x, o, v)
        return True

    def _settle(self, y: int) -> np.ndarray:
        """Merge the pending writes of ``y`` into its patched answer; return the answer."""
        cur = self._base_or_patched(y)
        added, removed = self.adds.pop(y, None), self.removes.pop(y, None)
        if removed:
            cur = cur[~np.isin(cur, _ids(removed))] if len(removed) > 1 else \
                cur[cur != next(iter(removed))]
        if added:
            new = np.sort(_ids(added))
            if cur.size == 0 or new[0] > cur[-1]:  # the usual case: new, larger ids
                cur = np.concatenate([cur, new])
            else:
                cur = np.insert(cur, np.searchsorted(cur, new), new)
        if added or removed or y not in self.patched:
            cur = cur.astype(np.int64)  # own the data (a base view becomes a copy)
            cur.setflags(write=False)
            self.patched[y] = cur
        return cur

    def _base_or_patched(self, y: int) -> np.ndarray:
        arr = self.patched.get(y)
        if arr is not None:
            return arr
        if y < self.ny:
            o = self.offsets
            return self.order[o[y]:o[y + 1]]
        return _EMPTY

    def copy(self) -> PreimageIndex:
        """A copy sharing the read-only arrays; O(size of the delta)."""
        other = object.__new__(PreimageIndex)
        other.order, other.offsets, other.ny = self.order, self.offsets, self.ny
        other.limit, other.count, other.clean = self.limit, self.count, self.clean
        other.patched = dict(self.patched)
        other.adds = {y: set(s) for y, s in self.adds.items()}
        other.removes = {y: set(s) for y, s in self.removes.items()}
        return other

    # ------------------------------------------------------------------ reads
    def query(self, y: int) -> np.ndarray:
        """``f⁻¹(y)`` as a fresh ascending int64 array (``0 <= y``, checked by the owner)."""
        if y in self.adds or y in self.removes:
            return self._settle(y).copy()
        return self._base_or_patched(y).copy()

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

        The arrays are disjoint views of one fresh buffer (nothing shared with the index),
        except for values that writes have touched, which get their own copies.
        """
        if ys.size == 0:
            return []
        flat, lengths = self.gather(ys)
        ends = np.cumsum(lengths)
        # disjoint views of one fresh buffer: cheaper than np.split, and no aliasing
        out = [flat[i:j] for i, j in zip((ends - lengths).tolist(), ends.tolist(),
                                         strict=True)]
        if not self.clean:
            touched = self.patched.keys() | self.adds.keys() | self.removes.keys()
            keys = np.fromiter(touched, dtype=np.int64, count=len(touched))
            for i in np.flatnonzero(np.isin(ys, keys)).tolist():
                out[i] = self.query(int(ys[i]))
        return out

    def preimage(self, ys: np.ndarray) -> np.ndarray:
        """All parts sent into the set ``ys`` (concatenated, not sorted or deduplicated)."""
        if self.clean:
            return self.gather(ys)[0]
        parts = self.many(ys)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def nbytes(self) -> int:
        """Bytes held by the index's arrays: the base and the patched answers."""
        return int(self.order.nbytes + self.offsets.nbytes
                   + sum(a.nbytes for a in self.patched.values()))
