"""Batches and loaders: how data reaches a compiled diagram.

**A batch of one source** (a data set, the index set ``N`` of its data edges) is

* a mapping from data-edge names to tensors, ``{"x": X, "y": Y}`` — what a ``Dataset``
  returning dicts gives through ``DataLoader``'s default collate; keys that name no data
  edge are ignored (datasets often carry extra fields);
* a tuple or list of tensors matched to the source's data edges **in graph order** (the
  order the edges were added), as a ``TensorDataset`` gives them;
* a single tensor, when the source has exactly one data edge.

**Batches of a diagram** (:meth:`CompiledDiagram.forward`) are one batch per source: a
mapping from source names to batches, or a tuple/list in the order of
``compiled.sources``; with a single source, the batch itself.

**Missing values** (partial labels). A column may be undefined for some examples; say
which, per column, in one of three ways:

* ``Masked(values, mask)`` in place of the column's tensor, ``mask`` a boolean tensor of
  shape ``(n,)``, ``True`` where the example's value is defined;
* a key ``"<edge>.mask"`` beside ``"<edge>"`` in a mapping batch (what a ``Dataset``
  returning ``{"y": ..., "y.mask": ...}`` gives through the default collate);
* an ignore value, ``compile(..., missing={"y": -100})``: an example is undefined where
  any of its entries equals the value (``float("nan")`` matches NaNs).

A path's value is defined on the examples where its data column is (every path from a
source starts with exactly one data edge); an equation compares its two paths on the
examples where both are, and modules run only on those rows.

**Example indices** (for the cache of frozen paths, ``compile(..., cache=True)``): a
mapping batch carries them under the reserved key ``"index"`` (:data:`INDEX`), an integer
tensor of shape ``(n,)`` giving each example's position in its data set;
:class:`Indexed` wraps a ``Dataset`` to add it.

**Loaders** for :func:`catlearn_torch.fit` are one iterable of batches per source (any
``DataLoader``). With several sources, :class:`MaxSizeCycle` draws one batch of each
source per step; an epoch lasts as long as the longest loader, and the shorter ones are
restarted when exhausted (Lightning's ``CombinedLoader(mode="max_size_cycle")``).

>>> from catlearn.learning import LearningGraph
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> source_columns(g)
{'N': ('x', 'y')}
>>> cycle = MaxSizeCycle({"A": [1, 2, 3], "B": ["a", "b"]})
>>> list(cycle)
[{'A': 1, 'B': 'a'}, {'A': 2, 'B': 'b'}, {'A': 3, 'B': 'a'}]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import torch
from torch import Tensor
from torch.utils.data import Dataset

from catlearn.learning import DATA, LearningGraph
from catlearn_torch.errors import (
    BAD_BATCH,
    BAD_BATCHES,
    COLUMN_COUNT,
    EMPTY_LOADER,
    EXTRA_SOURCE_BATCH,
    INDEXED_COLUMNS,
    INDEXED_ITEM,
    MASK_SIZE,
    MISSING_COLUMN,
    NO_SOURCE_BATCH,
    BatchError,
)

__all__ = ["source_columns", "as_columns", "split_batches", "MaxSizeCycle", "Masked",
           "Indexed", "INDEX", "MASK_SUFFIX", "column_mask"]

#: The reserved batch key holding each example's index in its data set.
INDEX = "index"
#: ``"<edge>" + MASK_SUFFIX`` is the key of a column's mask in a mapping batch.
MASK_SUFFIX = ".mask"


class Masked(NamedTuple):
    """A data column with a definedness mask: ``values`` (first dimension: the batch) and
    ``mask``, a boolean tensor of shape ``(n,)``, ``True`` where the value is defined.

    >>> m = Masked(torch.tensor([3, 0, 1]), torch.tensor([True, False, True]))
    >>> int(m.mask.sum())
    2
    """

    values: Tensor
    mask: Tensor


def column_mask(value: Any, mask: Any = None, ignore: Any = None) -> tuple[Any, Tensor | None]:
    """A column's values and its mask (``None``: every example defined) from a
    :class:`Masked` value, an explicit ``mask`` and an ``ignore`` value (an example is
    undefined where any of its entries equals it; NaN matches NaN).

    >>> v, m = column_mask(torch.tensor([1, -100, 2]), ignore=-100)
    >>> m.tolist()
    [True, False, True]
    >>> column_mask(Masked(torch.zeros(2), torch.tensor([True, True])))[1].tolist()
    [True, True]
    """
    if isinstance(value, Masked):
        value, mask = value.values, value.mask if mask is None else mask & value.mask
    if mask is not None:
        mask = torch.as_tensor(mask)
        if mask.dtype != torch.bool:
            mask = mask != 0
        mask = mask.reshape(-1)
        n = value.shape[0] if isinstance(value, Tensor) and value.dim() else len(value)
        if mask.shape[0] != n:
            raise BatchError(MASK_SIZE.format(got=mask.shape[0], n=n))
    if ignore is not None:
        if not isinstance(value, Tensor):
            value = torch.as_tensor(value)
        if isinstance(ignore, float) and ignore != ignore:
            bad = torch.isnan(value) if value.is_floating_point() else \
                torch.zeros_like(value, dtype=torch.bool)
        else:
            bad = value == ignore
        keep = ~(bad.reshape(bad.shape[0], -1).any(dim=1) if bad.dim() > 1 else bad)
        mask = keep if mask is None else mask.to(keep.device) & keep
    return value, mask


class Indexed(Dataset):
    """A ``Dataset`` whose items carry their index under the key ``"index"``: mapping
    items get the key added; tuple items become mappings, their entries named by
    ``columns`` (the source's data edges in graph order, e.g. ``compiled.columns["N"]``).

    >>> ds = Indexed(torch.utils.data.TensorDataset(torch.zeros(3, 2)), columns=("x",))
    >>> sorted(ds[2]), int(ds[2]["index"])
    (['index', 'x'], 2)
    """

    def __init__(self, dataset: Any, columns: Sequence[str] | None = None) -> None:
        self.dataset = dataset
        self.columns = tuple(columns) if columns is not None else None

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int) -> dict[str, Any]:
        item = self.dataset[i]
        if isinstance(item, Mapping):
            out = dict(item)
        elif isinstance(item, (tuple, list)) and self.columns is not None:
            if len(item) != len(self.columns):
                raise BatchError(INDEXED_COLUMNS.format(
                    got=len(item), columns=", ".join(self.columns)))
            out = dict(zip(self.columns, item, strict=True))
        elif isinstance(item, Tensor) and self.columns is not None \
                and len(self.columns) == 1:
            out = {self.columns[0]: item}
        else:
            raise BatchError(INDEXED_ITEM.format(type=type(item).__name__))
        out[INDEX] = torch.tensor(i, dtype=torch.long)
        return out


def source_columns(graph: LearningGraph) -> dict[str, tuple[str, ...]]:
    """The data edges of each source, in graph order (the order of tuple batches).

    >>> g = LearningGraph().data("y", "N", "Y").data("x", "N", "X")
    >>> source_columns(g)["N"]
    ('y', 'x')
    """
    out: dict[str, list[str]] = {}
    for name, src, _, role in graph.edges(DATA):
        if role == DATA:
            out.setdefault(src, []).append(name)
    return {s: tuple(v) for s, v in out.items()}


def as_columns(batch: Any, source: str, edges: Sequence[str],
               needed: Sequence[str] = ()) -> Mapping[str, Any]:
    """One source's batch as a mapping from data-edge names to values (see the module
    docstring); ``needed`` columns must be present.

    >>> as_columns((1, 2), "N", ("x", "y"))
    {'x': 1, 'y': 2}
    >>> as_columns({"x": 1}, "N", ("x", "y"), needed=("y",))
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.BatchError: the batch of source 'N' has no column 'y' ...
    """
    if isinstance(batch, Mapping):
        cols: Mapping[str, Any] = batch
    elif isinstance(batch, (tuple, list)):
        if len(batch) != len(edges):
            raise BatchError(COLUMN_COUNT.format(
                source=source, got=len(batch), n=len(edges), edges=", ".join(edges)))
        cols = dict(zip(edges, batch, strict=True))
    elif isinstance(batch, Tensor) and len(edges) == 1:
        cols = {edges[0]: batch}
    else:
        single = ", or a tensor" if len(edges) == 1 else ""
        raise BatchError(BAD_BATCH.format(
            source=source, edges=", ".join(edges), single=single, type=type(batch).__name__))
    for e in needed:
        if e not in cols:
            have = ", ".join(str(k) for k in cols) or "nothing"
            raise BatchError(MISSING_COLUMN.format(source=source, edge=e,
                                                               have=have))
    return cols


def split_batches(batches: Any, sources: Sequence[str]) -> dict[str, Any]:
    """One batch per source from what ``forward`` was given (see the module docstring).

    >>> split_batches({"x": 1}, ("N",))
    {'N': {'x': 1}}
    >>> split_batches(({"x": 1}, {"z": 2}), ("N", "M"))
    {'N': {'x': 1}, 'M': {'z': 2}}
    >>> split_batches({"N": {"x": 1}}, ("N", "M"))
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.BatchError: no batch for the data source(s) M (sources: N, M)
    """
    if len(sources) == 1:
        s = sources[0]
        if isinstance(batches, Mapping) and len(batches) == 1 and s in batches \
                and isinstance(batches[s], (Mapping, tuple, list)):
            return {s: batches[s]}
        return {s: batches}
    if isinstance(batches, Mapping):
        missing = [s for s in sources if s not in batches]
        if missing:
            raise BatchError(NO_SOURCE_BATCH.format(
                missing=", ".join(missing), sources=", ".join(sources)))
        extra = [str(k) for k in batches if k not in sources]
        if extra:
            raise BatchError(EXTRA_SOURCE_BATCH.format(
                extra=", ".join(extra), sources=", ".join(sources)))
        return {s: batches[s] for s in sources}
    if isinstance(batches, (tuple, list)) and len(batches) == len(sources):
        return dict(zip(sources, batches, strict=True))
    raise BatchError(BAD_BATCHES.format(sources=", ".join(sources),
                                                    type=type(batches).__name__))


class _Exhausted(Exception):
    """An unsized loader ran out (the end of an epoch)."""


class MaxSizeCycle:
    """Iterate several loaders together, one batch of each per step, until the longest is
    exhausted; shorter loaders are restarted (``iter`` again, so a shuffling
    ``DataLoader`` reshuffles). With one loader it is that loader, batch by batch.

    Every loader needs a ``len`` when there are several. :meth:`state` records, for each
    source, the torch RNG state just before its current iterator was made and how many
    batches it has given; :meth:`resume` rebuilds the iterators from such a state (by
    replaying: the skipped batches are loaded again), so a resumed epoch draws exactly
    the batches the interrupted one would have drawn.

    >>> c = MaxSizeCycle({"A": [1, 2], "B": [7]})
    >>> len(c), list(c)
    (2, [{'A': 1, 'B': 7}, {'A': 2, 'B': 7}])
    """

    def __init__(self, loaders: Mapping[str, Iterable[Any]]) -> None:
        self.loaders = dict(loaders)
        self._iters: dict[str, Iterator[Any]] = {}
        self._rng: dict[str, Tensor] = {}
        self._drawn: dict[str, int] = {}
        self._step = 0
        self._len: int | None = None
        sized = [getattr(ld, "__len__", None) is not None for ld in self.loaders.values()]
        if all(sized):
            self._len = max((len(ld) for ld in self.loaders.values()),  # type: ignore[arg-type]
                            default=0)
        elif len(self.loaders) > 1:
            names = [s for s, ok in zip(self.loaders, sized, strict=True) if not ok]
            raise BatchError(f"with several sources every loader needs a len() (to know "
                             f"the longest); no len: {', '.join(names)}")

    @property
    def sized(self) -> bool:
        """Whether the epoch length is known (every loader has a ``len``).

        >>> MaxSizeCycle({"A": iter([1])}).sized
        False
        """
        return self._len is not None

    def __len__(self) -> int:
        if self._len is None:
            raise TypeError("the loader has no len()")
        return self._len

    def _restart(self, source: str) -> None:
        self._rng[source] = torch.get_rng_state()
        self._iters[source] = iter(self.loaders[source])
        self._drawn[source] = 0

    def _next(self, source: str) -> Any:
        if source not in self._iters:  # the first draw of the epoch: make the iterator
            self._restart(source)
        try:
            item = next(self._iters[source])
        except StopIteration:
            if self._len is None:
                raise _Exhausted from None
            self._restart(source)
            try:
                item = next(self._iters[source])
            except StopIteration:
                raise BatchError(EMPTY_LOADER.format(source=source)) from None
        self._drawn[source] += 1
        return item

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._step == 0:
            self._iters.clear()  # each source's iterator is made just before its 1st draw
        while self._len is None or self._step < self._len:
            try:
                out = {s: self._next(s) for s in self.loaders}
            except _Exhausted:  # an unsized single loader is exhausted: the epoch ends
                self._step = 0
                return
            self._step += 1
            yield out
        self._step = 0

    def state(self) -> dict[str, Any]:
        """Where the iteration stands: the step in the epoch, and per source the RNG
        state at its iterator's creation and the number of batches drawn from it.

        >>> c = MaxSizeCycle({"A": [1, 2, 3]})
        >>> it = iter(c); _ = next(it)
        >>> c.state()["step"], c.state()["sources"]["A"]["drawn"]
        (1, 1)
        """
        return {"step": self._step,
                "sources": {s: {"rng": self._rng[s].clone(), "drawn": self._drawn[s]}
                            for s in self.loaders if s in self._rng}}

    def resume(self, state: Mapping[str, Any]) -> None:
        """Rebuild the iterators from :meth:`state` (the global torch RNG state is
        changed; the caller restores it afterwards).

        >>> c = MaxSizeCycle({"A": [1, 2, 3]})
        >>> it = iter(c); _ = next(it)
        >>> d = MaxSizeCycle({"A": [1, 2, 3]}); d.resume(c.state()); list(d)
        [{'A': 2}, {'A': 3}]
        """
        for s in self.loaders:
            st = state["sources"][s]
            torch.set_rng_state(st["rng"])
            self._restart(s)
            if int(st["drawn"]) == 0:
                del self._iters[s]
                continue
            for _ in range(int(st["drawn"])):
                next(self._iters[s])
            self._drawn[s] = int(st["drawn"])
        self._step = int(state["step"])
