"""Data sets by name, for the ``data`` and ``evaluate`` sections of spec files.

A spec file names each data source's data set (``catlearn.learning.DataSpec``)::

    data:
      N: {dataset: digits, split: train, args: {image: false}}
    evaluate:
      N: {dataset: digits, split: test}

and :func:`from_spec` builds it: a :class:`~catlearn_torch.datasets.ColumnDataset` whose
columns are renamed to the source's data edges (``columns: {edge: column}``; by default
an edge reads the column of its own name). Registered here:

==================  ==========================================================================
``digits``          :func:`~catlearn_torch.datasets.load_digits_split`; splits ``train``,
                    ``test``, ``unlabelled``; args ``test_fraction``, ``seed``, ``image``,
                    ``k`` (``train``: only ``k`` labelled examples per class;
                    ``unlabelled``: the other training images, column ``x`` only — see
                    :func:`~catlearn_torch.datasets.transfer_split`; ``test`` is always
                    whole); columns ``x``, ``y``
``digits_tasks``    one task of :func:`~catlearn_torch.datasets.digits_tasks`; args ``task``
                    (``many`` or ``few``, required), ``k``, ``scheme``, ``seed``,
                    ``test_fraction``, ``image``; splits ``train``, ``test``; columns ``x``,
                    ``y``
``shapes_captions`` :class:`~catlearn_torch.datasets.ShapesCaptions`; args ``n``, ``seed``,
                    ``size``, ``length``, ``noise``, ``canonical``; split ``train`` draws with
                    ``seed``, ``test`` with ``seed + 1`` (independent examples); columns
                    ``image``, ``caption``
==================  ==========================================================================

:func:`register` adds a builder ``(split, **args) -> ColumnDataset`` (so do plugin
modules and entry points of the group ``catlearn.datasets``: :mod:`catlearn_torch.plugins`). Unknown
names, splits and arguments raise :class:`~catlearn_torch.datasets.DatasetError` naming
them (a :class:`catlearn.errors.CatlearnError`, so ``catlearn train`` prints one paragraph).

>>> ds = dataset("digits", "test")
>>> len(ds), ds.columns
(450, ('x', 'y'))
>>> from catlearn.learning import DataSpec
>>> from_spec(DataSpec(dataset="digits", columns={"pixels": "x"})).columns
('pixels', 'x', 'y')
>>> dataset("digitz")
Traceback (most recent call last):
...
catlearn_torch.datasets.columns.DatasetError: no data set is registered as 'digitz' (available: \
digits, digits_tasks, shapes_captions); did you mean 'digits'?
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from catlearn.learning import DataSpec
from catlearn_torch.datasets import (
    ColumnDataset,
    DatasetError,
    ShapesCaptions,
    digits_tasks,
    load_digits_split,
    transfer_split,
)
from catlearn_torch.plugins import GROUPS, entry_point_names, from_entry_point

__all__ = ["register", "register_dataset", "dataset", "from_spec", "available_datasets"]

Builder = Callable[..., ColumnDataset]
_REGISTRY: dict[str, Builder] = {}


def register(name: str, *, replace: bool = False) -> Callable[[Builder], Builder]:
    """A decorator that registers a data set builder ``(split, **args) -> ColumnDataset``
    under ``name`` (for spec files' ``data`` and ``evaluate`` sections). Registering a name
    twice is an error unless ``replace=True``.

    >>> @register("ones_doc")
    ... def ones(split: str | None = None, n: int = 2) -> ColumnDataset:
    ...     import torch
    ...     return ColumnDataset({"x": torch.ones(n, 1)})
    >>> len(dataset("ones_doc", n=3))
    3
    >>> register("ones_doc")(ones)
    Traceback (most recent call last):
    ...
    catlearn_torch.datasets.columns.DatasetError: a data set is already registered as 'ones_doc'; \
pass replace=True to register(...) to replace it
    >>> _ = _REGISTRY.pop("ones_doc")
    """
    if not isinstance(name, str) or not name or any(c.isspace() for c in name):
        raise DatasetError(f"a data set name must be a non-empty string without spaces, "
                           f"not {name!r}")

    def decorate(builder: Builder) -> Builder:
        if name in _REGISTRY and not replace:
            raise DatasetError(f"a data set is already registered as {name!r}; pass "
                               f"replace=True to register(...) to replace it")
        _REGISTRY[name] = builder
        return builder
    return decorate


def register_dataset(name: str) -> Callable[[Builder], Builder]:
    """:func:`register` with ``replace=True`` (the older name).

    >>> register_dataset("digits")(_REGISTRY["digits"]) is _REGISTRY["digits"]
    True
    """
    return register(name, replace=True)


def available_datasets() -> list[str]:
    """The registered data set names (and the entry points of the group
    ``catlearn.datasets``, see :mod:`catlearn_torch.plugins`), sorted.

    >>> available_datasets()
    ['digits', 'digits_tasks', 'shapes_captions']
    """
    return sorted(set(_REGISTRY) | set(entry_point_names(GROUPS["datasets"])))


def _lookup(name: str) -> Builder | None:
    builder = _REGISTRY.get(name) if isinstance(name, str) else None
    if builder is None and isinstance(name, str):
        found = from_entry_point(GROUPS["datasets"], name)
        if callable(found):
            builder = _REGISTRY[name] = found
    return builder


def _split(name: str, split: str | None, allowed: tuple[str, ...]) -> str:
    chosen = allowed[0] if split is None else split
    if chosen not in allowed:
        raise DatasetError(f"data set {name!r} has no split {split!r} (splits: "
                           f"{', '.join(allowed)})")
    return chosen


@register("digits")
def _digits(split: str | None = None, *, test_fraction: float = 0.25, seed: int = 0,
            image: bool = False, k: int | None = None) -> ColumnDataset:
    s = load_digits_split(test_fraction, seed, image=image)
    part = _split("digits", split, ("train", "test", "unlabelled"))
    if part == "test":
        return s.test
    if k is None:
        if part == "unlabelled":
            raise DatasetError("data set 'digits' split 'unlabelled' needs args.k: the "
                               "training examples left after k labelled ones per class")
        return s.train
    labelled, unlabelled = transfer_split(s.train, k, seed)
    return labelled if part == "train" else unlabelled


@register("digits_tasks")
def _digits_tasks(split: str | None = None, *, task: str = "", k: int = 5,
                  scheme: str = "pairs", seed: int = 0, test_fraction: float = 0.25,
                  image: bool = False) -> ColumnDataset:
    if task not in ("many", "few"):
        raise DatasetError(f"data set 'digits_tasks' needs args.task: 'many' or 'few', not "
                           f"{task!r}")
    t = digits_tasks(k, scheme, seed, test_fraction=test_fraction, image=image)
    part = _split("digits_tasks", split, ("train", "test"))
    out: ColumnDataset = getattr(t, f"{task}_{part}")
    return out


@register("shapes_captions")
def _shapes(split: str | None = None, *, n: int = 1000, seed: int = 0, size: int = 16,
            length: int = 8, noise: float = 0.1, canonical: bool = True) -> ColumnDataset:
    part = _split("shapes_captions", split, ("train", "test"))
    return ShapesCaptions(n, seed + (part == "test"), size=size, length=length, noise=noise,
                          canonical=canonical)


def dataset(name: str, split: str | None = None, **args: Any) -> ColumnDataset:
    """Build the data set registered as ``name`` (see the module docstring).

    >>> dataset("digits", "validation")
    Traceback (most recent call last):
    ...
    catlearn_torch.datasets.columns.DatasetError: data set 'digits' has no split 'validation' \
(splits: train, test, unlabelled)
    """
    builder = _lookup(name)
    if builder is None:
        close = difflib.get_close_matches(str(name), available_datasets(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise DatasetError(f"no data set is registered as {name!r} (available: "
                           f"{', '.join(available_datasets())}){hint}")
    params = [p for p in inspect.signature(builder).parameters if p != "split"]
    bad = [a for a in args if a not in params]
    if bad:
        raise DatasetError(f"data set {name!r} has no argument(s) {', '.join(bad)} "
                           f"(arguments: {', '.join(params) or 'none'})")
    try:
        return builder(split, **args)
    except DatasetError:
        raise
    except (TypeError, ValueError) as err:
        raise DatasetError(f"data set {name!r} with args {args}: {err}") from None


def from_spec(spec: DataSpec) -> ColumnDataset:
    """The data set of a spec's ``data`` entry: edge ``e`` of ``columns`` reads the column
    ``columns[e]`` (two edges may read one column); other columns keep their names.

    >>> from catlearn.learning import DataSpec
    >>> from_spec(DataSpec(dataset="digits", columns={"target": "y", "x2": "x"})).columns
    ('target', 'x2', 'x', 'y')
    >>> from_spec(DataSpec(dataset="digits", columns={"x": "pixels"}))
    Traceback (most recent call last):
    ...
    catlearn_torch.datasets.columns.DatasetError: data set 'digits' has no column 'pixels' \
(columns: x, y); the spec names it for the edge 'x'
    """
    ds = dataset(spec.dataset, spec.split, **spec.args)
    out = {}
    for edge, column in spec.columns.items():
        if column not in ds.columns:
            raise DatasetError(f"data set {spec.dataset!r} has no column {column!r} "
                               f"(columns: {', '.join(ds.columns)}); the spec names it for "
                               f"the edge {edge!r}")
        out[edge] = ds.column(column)
    for c in ds.columns:
        out.setdefault(c, ds.column(c))
    return ColumnDataset(out) if spec.columns else ds
