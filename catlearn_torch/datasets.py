"""Data sets for learning diagrams: real handwritten digits and generated shapes-and-captions.

Every data set here is a :class:`ColumnDataset`: a ``torch.utils.data.Dataset`` whose items
are dicts keyed by column name (``{"x": ..., "y": ...}``), so each column can feed one data
edge of a learning diagram (the edge ``x: N -> X`` reads column ``"x"``). Column names are
configurable everywhere, and :meth:`ColumnDataset.rename` renames them afterwards. The
default ``DataLoader`` collation turns a list of such dicts into a dict of batched tensors.

* **Digits** -- the 1,797 8x8 handwritten digits that ship inside scikit-learn
  (``sklearn.datasets.load_digits`` reads a local file; nothing is downloaded). They need the
  ``examples`` extra: ``pip install catlearn-diagrams[examples]``.
  :func:`load_digits_split` gives a fixed, stratified train/test split,
  :func:`few_label_subset` keeps ``k`` labelled examples per class, and
  :func:`digits_tasks` makes the two tasks of the few-shot multi-task regime.
* **Shapes and captions** -- :class:`ShapesCaptions` draws small noisy RGB images of two
  coloured shapes side by side (or one above the other) with a caption from a tiny grammar,
  ``"red circle left of blue square"``, tokenised with the fixed :data:`VOCABULARY`.
  Deterministic per seed; for image captioning and multi-modal alignment.

>>> data = ShapesCaptions(4, seed=0)
>>> item = data[0]
>>> sorted(item), item["image"].shape, item["caption"].dtype
(['caption', 'image'], torch.Size([3, 16, 16]), torch.int64)
>>> detokenize(item["caption"]) == data.caption_text(0)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from catlearn.errors import CatlearnError
from catlearn_torch.errors import MissingDependencyError

__all__ = [
    "MESSAGES", "DatasetError", "MissingDependencyError", "ColumnDataset",
    "DigitsSplit", "load_digits_split", "few_label_subset", "TransferSplit",
    "transfer_split", "DigitsTasks", "digits_tasks",
    "TASK_SCHEMES", "Vocabulary", "VOCABULARY", "COLOURS", "SHAPES", "RELATIONS",
    "tokenize", "detokenize", "PlacedShape", "Scene", "ShapesCaptions",
]


class DatasetError(CatlearnError, ValueError):
    """A data set cannot be built as asked: a bad argument, column, label or word.

    >>> str(DatasetError(MESSAGES["bad_fraction"].format(value=2)))
    'test_fraction must be a number strictly between 0 and 1, not 2'
    """


MESSAGES: dict[str, str] = {
    "no_sklearn": "the handwritten digits come from scikit-learn, which is not installed "
    "({error}); install it with: pip install catlearn-diagrams[examples]",
    "bad_fraction": "test_fraction must be a number strictly between 0 and 1, not {value!r}",
    "bad_count": "{what} must be an integer >= {minimum}, not {value!r}",
    "no_columns": "a ColumnDataset needs at least one column",
    "column_not_tensor": "column {name!r} must be a torch.Tensor, not {type}",
    "column_length": "column {name!r} has {got} rows, but column {first!r} has {n}; every "
    "column of a data set must have one row per example",
    "bad_column_name": "a column name must be a non-empty string, not {name!r}",
    "duplicate_columns": "column names must differ, but {names} repeat {name!r}",
    "no_column": "the data set has no column {name!r} (columns: {known})",
    "index_range": "index {index} is out of range for a data set of {n} examples",
    "too_few_labels": "few_label_subset: class {label} has only {got} examples in column "
    "{column!r}, fewer than k={k}",
    "label_not_integer": "few_label_subset: column {column!r} must hold integer class "
    "labels, one per example (shape (n,)), not dtype {dtype} with shape {shape}",
    "bad_scheme": "scheme {scheme!r} is not one of {schemes}",
    "bad_size": "size must be an integer >= {minimum} (two shapes must fit side by side), "
    "not {value!r}",
    "bad_noise": "noise must be a finite number >= 0, not {value!r}",
    "bad_layouts": "layouts must be a non-empty subset of {known}, not {value!r}",
    "unknown_word": "the word {word!r} is not in the vocabulary (words: {known})",
    "caption_too_long": "the caption {text!r} has {words} words; with <bos> and <eos> it "
    "needs {needed} tokens, more than length={length}",
    "bad_token": "token id {token} is not in the vocabulary (ids 0..{last})",
    "bad_tokens_shape": "{what} expects a {dims}-dimensional tensor of token ids, not one "
    "of shape {shape}",
    "bad_vocabulary": "a vocabulary needs distinct, non-empty words without spaces; "
    "{why}",
    # --- transfer sets (distillation with unlabelled data) ---
    "bad_keep": "transfer_split: keep must name at least one column of the data set other "
    "than the label {label!r}, not {keep} (columns: {known})",
    "bad_teacher_labels": "teacher_labels must be one of {known}, not {value!r}",
    "no_transfer_set": "k={k} labels per class leave no unlabelled training example for "
    "the transfer set (the training split has {n})",
}


def _check_count(what: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise DatasetError(MESSAGES["bad_count"].format(what=what, minimum=minimum,
                                                        value=value))
    return int(value)


# ---------------------------------------------------------------------------------------
# Column data sets
# ---------------------------------------------------------------------------------------


class ColumnDataset(Dataset[dict[str, Tensor]]):
    """A data set of named tensor columns; item ``i`` is ``{name: column[i]}``.

    Each column is a tensor whose first dimension indexes the examples; all columns have
    the same number of rows. The columns are the data edges of a learning diagram's data
    source (the index set).

    >>> ds = ColumnDataset({"x": torch.zeros(3, 2), "y": torch.tensor([0, 1, 1])})
    >>> len(ds), ds.columns, ds[1]["y"].item()
    (3, ('x', 'y'), 1)
    >>> ds.rename({"x": "image"}).columns
    ('image', 'y')
    """

    def __init__(self, columns: Mapping[str, Tensor]) -> None:
        if not columns:
            raise DatasetError(MESSAGES["no_columns"])
        first: str | None = None
        n = 0
        for name, tensor in columns.items():
            if not isinstance(name, str) or not name:
                raise DatasetError(MESSAGES["bad_column_name"].format(name=name))
            if not isinstance(tensor, Tensor):
                raise DatasetError(MESSAGES["column_not_tensor"].format(
                    name=name, type=type(tensor).__name__))
            rows = tensor.shape[0] if tensor.dim() > 0 else 0
            if first is None:
                first, n = name, rows
            elif rows != n:
                raise DatasetError(MESSAGES["column_length"].format(
                    name=name, got=rows, first=first, n=n))
        self._columns: dict[str, Tensor] = dict(columns)
        self._n = n

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order.

        >>> ColumnDataset({"a": torch.ones(2), "b": torch.ones(2)}).columns
        ('a', 'b')
        """
        return tuple(self._columns)

    def column(self, name: str) -> Tensor:
        """The whole column ``name`` as one tensor (not a copy).

        >>> ColumnDataset({"y": torch.tensor([4, 2])}).column("y").tolist()
        [4, 2]
        """
        try:
            return self._columns[name]
        except KeyError:
            raise DatasetError(MESSAGES["no_column"].format(
                name=name, known=", ".join(self._columns))) from None

    def tensors(self) -> dict[str, Tensor]:
        """All columns as a new dict ``{name: tensor}`` (the tensors are shared).

        >>> list(ColumnDataset({"y": torch.tensor([4, 2])}).tensors())
        ['y']
        """
        return dict(self._columns)

    def __len__(self) -> int:
        """The number of examples.

        >>> len(ColumnDataset({"y": torch.arange(5)}))
        5
        """
        return self._n

    def __getitem__(self, index: int) -> dict[str, Tensor]:
        """Example ``index`` as ``{column name: row}``; negative indices count from the end.

        >>> ColumnDataset({"y": torch.arange(5)})[-1]
        {'y': tensor(4)}
        """
        i = int(index)
        if not -self._n <= i < self._n:
            raise IndexError(MESSAGES["index_range"].format(index=index, n=self._n))
        return {name: tensor[i] for name, tensor in self._columns.items()}

    def __iter__(self) -> Iterator[dict[str, Tensor]]:
        """Iterate over the examples in order.

        >>> [row["y"].item() for row in ColumnDataset({"y": torch.arange(3)})]
        [0, 1, 2]
        """
        for i in range(self._n):
            yield self[i]

    def rename(self, mapping: Mapping[str, str]) -> ColumnDataset:
        """A data set with the same tensors and columns renamed by ``mapping`` (old -> new).

        Columns not in ``mapping`` keep their names.

        >>> ColumnDataset({"x": torch.ones(1), "y": torch.ones(1)}).rename({"y": "label"}).columns
        ('x', 'label')
        """
        for old in mapping:
            if old not in self._columns:
                raise DatasetError(MESSAGES["no_column"].format(
                    name=old, known=", ".join(self._columns)))
        names = [mapping.get(name, name) for name in self._columns]
        for name in names:
            if names.count(name) > 1:
                raise DatasetError(MESSAGES["duplicate_columns"].format(
                    names=names, name=name))
        return ColumnDataset({mapping.get(k, k): v for k, v in self._columns.items()})

    def subset(self, indices: Sequence[int] | Tensor) -> ColumnDataset:
        """The examples at ``indices`` (in that order) as a new data set.

        >>> ColumnDataset({"y": torch.arange(5)}).subset([4, 0]).column("y").tolist()
        [4, 0]
        """
        index = torch.as_tensor(indices, dtype=torch.long)
        if index.numel() and (int(index.max()) >= self._n or int(index.min()) < -self._n):
            bad = int(index.max()) if int(index.max()) >= self._n else int(index.min())
            raise IndexError(MESSAGES["index_range"].format(index=bad, n=self._n))
        return ColumnDataset({k: v[index] for k, v in self._columns.items()})

    def __repr__(self) -> str:
        """A one-line summary: the number of examples and each column's row shape and dtype.

        >>> ColumnDataset({"y": torch.arange(3)})
        ColumnDataset(3 examples; y: () int64)
        """
        cols = "; ".join(
            f"{k}: {tuple(v.shape[1:])} {str(v.dtype).removeprefix('torch.')}"
            for k, v in self._columns.items())
        return f"{type(self).__name__}({self._n} examples; {cols})"


# ---------------------------------------------------------------------------------------
# Handwritten digits (scikit-learn's load_digits)
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The raw digits: pixels (1797, 64) in 0..16 and labels (1797,), read-only."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise MissingDependencyError(MESSAGES["no_sklearn"].format(error=error)) from error
    bunch = load_digits()
    data = np.asarray(bunch.data, dtype=np.float32)
    target = np.asarray(bunch.target, dtype=np.int64)
    data.setflags(write=False)
    target.setflags(write=False)
    return data, target


def _stratified_split(labels: np.ndarray, test_fraction: float,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test), each sorted; per class ``round(n_c * test_fraction)`` to test."""
    rng = np.random.default_rng(seed)
    train: list[np.ndarray] = []
    test: list[np.ndarray] = []
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        idx = idx[rng.permutation(idx.size)]
        n_test = round(idx.size * test_fraction)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


@dataclass(frozen=True)
class DigitsSplit:
    """The digits split into a training and a test :class:`ColumnDataset`.

    ``x`` is float32 in [0, 1] of shape (n, 64), or (n, 1, 8, 8) with ``image=True``; ``y``
    is the int64 digit 0..9. ``train`` and ``test`` have the same column names.

    >>> split = load_digits_split()
    >>> len(split.train), len(split.test), split.train.columns
    (1347, 450, ('x', 'y'))
    """

    train: ColumnDataset
    test: ColumnDataset


def load_digits_split(test_fraction: float = 0.25, seed: int = 0, *, image: bool = False,
                      x_name: str = "x", y_name: str = "y") -> DigitsSplit:
    """Scikit-learn's handwritten digits with a fixed, stratified train/test split.

    Each class ``c`` sends ``round(n_c * test_fraction)`` of its examples, chosen by
    ``seed``, to the test set; the rest train. The split depends only on ``test_fraction``
    and ``seed`` (numpy's PCG64 generator), and both parts keep the original order.
    Pixels are divided by 16, so ``x`` lies in [0, 1]: shape (n, 64), or (n, 1, 8, 8) with
    ``image=True`` (for a CNN). ``y`` is the int64 digit. Needs scikit-learn (the
    ``examples`` extra); nothing is downloaded.

    >>> split = load_digits_split(image=True, x_name="image", y_name="label")
    >>> split.test.column("image").shape, split.test.column("label").dtype
    (torch.Size([450, 1, 8, 8]), torch.int64)
    >>> torch.bincount(split.test.column("label")).tolist()
    [44, 46, 44, 46, 45, 46, 45, 45, 44, 45]
    """
    if (isinstance(test_fraction, bool) or not isinstance(test_fraction, int | float)
            or not 0 < test_fraction < 1):
        raise DatasetError(MESSAGES["bad_fraction"].format(value=test_fraction))
    seed = _check_count("seed", seed, 0)
    for name in (x_name, y_name):
        if not isinstance(name, str) or not name:
            raise DatasetError(MESSAGES["bad_column_name"].format(name=name))
    if x_name == y_name:
        raise DatasetError(MESSAGES["duplicate_columns"].format(names=[x_name, y_name],
                                                                name=x_name))
    data, target = _digits_arrays()
    train_idx, test_idx = _stratified_split(target, float(test_fraction), seed)
    x = torch.from_numpy(data / np.float32(16.0))
    if image:
        x = x.reshape(-1, 1, 8, 8)
    y = torch.from_numpy(target.copy())
    part = {x_name: x, y_name: y}

    def take(idx: np.ndarray) -> ColumnDataset:
        index = torch.from_numpy(idx)
        return ColumnDataset({k: v[index].contiguous() for k, v in part.items()})

    return DigitsSplit(train=take(train_idx), test=take(test_idx))


def few_label_subset(dataset: ColumnDataset, k: int, seed: int = 0, *,
                     label: str = "y") -> ColumnDataset:
    """Keep ``k`` examples of each class of column ``label``, chosen deterministically by seed.

    The kept examples stay in their original order. Every class present must have at least
    ``k`` examples. The result has ``k * (number of classes)`` examples and the same columns.

    >>> few = few_label_subset(load_digits_split().train, k=3, seed=1)
    >>> len(few), torch.bincount(few.column("y")).tolist()
    (30, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3])
    """
    k = _check_count("k", k, 1)
    seed = _check_count("seed", seed, 0)
    labels_t = dataset.column(label)
    if labels_t.dim() != 1 or labels_t.dtype.is_floating_point or labels_t.is_complex():
        raise DatasetError(MESSAGES["label_not_integer"].format(
            column=label, dtype=labels_t.dtype, shape=tuple(labels_t.shape)))
    return dataset.subset(torch.from_numpy(_few_label_indices(labels_t.cpu().numpy(), k,
                                                              seed, label)))


def _few_label_indices(labels: np.ndarray, k: int, seed: int, label: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for value in np.unique(labels):
        idx = np.flatnonzero(labels == value)
        if idx.size < k:
            raise DatasetError(MESSAGES["too_few_labels"].format(
                label=int(value), got=idx.size, column=label, k=k))
        keep.append(idx[rng.permutation(idx.size)[:k]])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=np.int64)


class TransferSplit(NamedTuple):
    """A labelled/unlabelled split of one data set (:func:`transfer_split`).

    >>> TransferSplit._fields
    ('labelled', 'unlabelled')
    """

    labelled: ColumnDataset
    unlabelled: ColumnDataset


def transfer_split(dataset: ColumnDataset, k: int, seed: int = 0, *, label: str = "y",
                   keep: Sequence[str] = ("x",)) -> TransferSplit:
    """Split ``dataset`` into the ``k`` labelled examples per class that
    :func:`few_label_subset` keeps (same ``seed``: the same examples) and an **unlabelled
    transfer set**: every other example, with only the columns ``keep`` (the label is
    dropped). Distillation with a transfer set shows the student the teacher's outputs on
    inputs whose labels it never sees.

    >>> split = transfer_split(load_digits_split().train, k=5)
    >>> len(split.labelled), len(split.unlabelled), split.unlabelled.columns
    (50, 1297, ('x',))
    >>> bool(split.labelled.column("x").equal(few_label_subset(load_digits_split().train,
    ...                                                        k=5).column("x")))
    True
    """
    k = _check_count("k", k, 1)
    seed = _check_count("seed", seed, 0)
    if isinstance(keep, str) or not keep or label in keep or any(
            c not in dataset.columns for c in keep):
        raise DatasetError(MESSAGES["bad_keep"].format(
            label=label, keep=keep if isinstance(keep, str) else list(keep),
            known=", ".join(dataset.columns)))
    few = few_label_subset(dataset, k, seed, label=label)
    chosen = _few_label_indices(dataset.column(label).cpu().numpy(), k, seed, label)
    rest = np.setdiff1d(np.arange(len(dataset)), chosen)
    others = dataset.subset(torch.from_numpy(rest))
    return TransferSplit(few, ColumnDataset({c: others.column(c) for c in keep}))


TASK_SCHEMES: tuple[str, ...] = ("pairs", "parity", "classes")


@dataclass(frozen=True)
class DigitsTasks:
    """Two digit tasks for the few-shot multi-task regime: a many-label and a few-label one.

    A shared backbone trained on both tasks (the paper's Figure 2, bottom: two classifier
    squares glued along the backbone) learns features from the many labels of task
    ``many``, which the head of the few-label task ``few`` reuses. ``many_labels`` and
    ``few_labels`` name the classes 0, 1, ... of each task's ``y`` column. The test sets
    hold every test example of each task's classes.

    >>> tasks = digits_tasks(k=5)
    >>> len(tasks.many_train), len(tasks.few_train), tasks.many_labels
    (1347, 50, ('0|1', '2|3', '4|5', '6|7', '8|9'))
    """

    scheme: str
    many_train: ColumnDataset
    many_test: ColumnDataset
    few_train: ColumnDataset
    few_test: ColumnDataset
    many_labels: tuple[str, ...]
    few_labels: tuple[str, ...]


def digits_tasks(k: int = 5, scheme: str = "pairs", seed: int = 0, *,
                 test_fraction: float = 0.25, image: bool = False, x_name: str = "x",
                 y_name: str = "y") -> DigitsTasks:
    """Split the digits into two tasks: many labels for one, ``k`` labels per class for other.

    Built on :func:`load_digits_split` (same ``test_fraction``, ``seed``, ``image`` and
    column names); the few-label training set is :func:`few_label_subset` with ``k`` and
    ``seed``. Schemes (``many`` task / ``few`` task):

    * ``"pairs"`` (default): *many* labels every training digit with its pair
      {0,1}, {2,3}, ..., {8,9} (``y`` = digit // 2, 5 classes); *few* classifies all ten
      digits (``y`` = digit) from ``k`` examples per class. A plentiful coarse label
      teaches the backbone most of what the scarce fine label needs; the few head only
      has to split each pair.
    * ``"parity"``: *many* labels every training digit even (0) or odd (1); *few* as above.
      A weaker coarse label: it helps less.
    * ``"classes"``: *many* classifies the digits 0-4 with every training label (``y`` =
      digit); *few* classifies the digits 5-9 (``y`` = digit - 5) from ``k`` examples per
      class. The classes are disjoint, so this is a transfer test: naive sharing can hurt.

    Measured on the test sets (mean of 4 seeds; an MLP backbone 64-64-32 shared by two
    linear heads, Adam, 400 steps of the summed cross-entropies, against the few head
    trained alone on the same backbone shape): at k=1 alone 0.61, with ``pairs`` 0.74,
    ``parity`` 0.65; at k=2 alone 0.70, ``pairs`` 0.82, ``parity`` 0.76; at k=5 alone
    0.81, ``pairs`` 0.90, ``parity`` 0.83. With ``classes`` (on digits 5-9, 5-way) at k=2,
    alone 0.81 and shared 0.70.

    >>> tasks = digits_tasks(k=2, scheme="parity", image=True)
    >>> tasks.many_labels, len(tasks.few_train), tasks.few_train.column("x").shape[1:]
    (('even', 'odd'), 20, torch.Size([1, 8, 8]))
    >>> digits_tasks(k=3, scheme="classes").few_labels
    ('5', '6', '7', '8', '9')
    """
    if scheme not in TASK_SCHEMES:
        raise DatasetError(MESSAGES["bad_scheme"].format(scheme=scheme, schemes=TASK_SCHEMES))
    k = _check_count("k", k, 1)
    split = load_digits_split(test_fraction, seed, image=image, x_name=x_name, y_name=y_name)

    def relabel(ds: ColumnDataset, classes: Sequence[int],
                fn: Callable[[Tensor], Tensor]) -> ColumnDataset:
        y = ds.column(y_name)
        mask = torch.isin(y, torch.tensor(list(classes)))
        cols = {name: t[mask] for name, t in ds.tensors().items()}
        cols[y_name] = fn(cols[y_name])
        return ColumnDataset(cols)

    digits = list(range(10))
    Task = tuple[list[int], Callable[[Tensor], Tensor]]
    many: Task
    few: Task = (digits, lambda y: y)
    few_labels = tuple(str(d) for d in digits)
    if scheme == "pairs":
        many = (digits, lambda y: torch.div(y, 2, rounding_mode="floor"))
        many_labels = tuple(f"{d}|{d + 1}" for d in range(0, 10, 2))
    elif scheme == "parity":
        many = (digits, lambda y: y % 2)
        many_labels = ("even", "odd")
    else:
        many = (list(range(5)), lambda y: y)
        few = (list(range(5, 10)), lambda y: y - 5)
        many_labels = tuple(str(d) for d in range(5))
        few_labels = tuple(str(d) for d in range(5, 10))
    few_all = relabel(split.train, *few)
    return DigitsTasks(
        scheme=scheme,
        many_train=relabel(split.train, *many),
        many_test=relabel(split.test, *many),
        few_train=few_label_subset(few_all, k, seed, label=y_name),
        few_test=relabel(split.test, *few),
        many_labels=many_labels,
        few_labels=few_labels,
    )


# ---------------------------------------------------------------------------------------
# Vocabulary and tokenisation
# ---------------------------------------------------------------------------------------


class Vocabulary:
    """A fixed word list with the special tokens ``<pad>`` (id 0), ``<bos>`` and ``<eos>``.

    :meth:`encode` turns a caption into a fixed-length int64 tensor
    ``<bos> w1 ... wm <eos> <pad> ...``; :meth:`decode` reads one back (it skips ``<bos>``
    and ``<pad>`` and stops at the first ``<eos>``).

    >>> v = Vocabulary(["red", "circle"])
    >>> v.words, len(v)
    (('<pad>', '<bos>', '<eos>', 'red', 'circle'), 5)
    >>> v.encode("red circle", length=5).tolist()
    [1, 3, 4, 2, 0]
    >>> v.decode(v.encode("red circle", length=5))
    'red circle'
    """

    PAD = "<pad>"
    BOS = "<bos>"
    EOS = "<eos>"

    def __init__(self, words: Sequence[str]) -> None:
        specials = (self.PAD, self.BOS, self.EOS)
        all_words = specials + tuple(words)
        for w in all_words:
            if not isinstance(w, str) or not w or any(c.isspace() for c in w):
                raise DatasetError(MESSAGES["bad_vocabulary"].format(why=f"got {w!r}"))
        if len(set(all_words)) != len(all_words):
            dup = next(w for w in all_words if all_words.count(w) > 1)
            raise DatasetError(MESSAGES["bad_vocabulary"].format(why=f"{dup!r} repeats"))
        self._words = all_words
        self._index = {w: i for i, w in enumerate(all_words)}

    @property
    def words(self) -> tuple[str, ...]:
        """All words, specials first; a word's position is its token id.

        >>> Vocabulary(["a"]).words
        ('<pad>', '<bos>', '<eos>', 'a')
        """
        return self._words

    @property
    def pad_index(self) -> int:
        """The id of ``<pad>`` (0).

        >>> VOCABULARY.pad_index
        0
        """
        return self._index[self.PAD]

    @property
    def bos_index(self) -> int:
        """The id of ``<bos>`` (1).

        >>> VOCABULARY.bos_index
        1
        """
        return self._index[self.BOS]

    @property
    def eos_index(self) -> int:
        """The id of ``<eos>`` (2).

        >>> VOCABULARY.eos_index
        2
        """
        return self._index[self.EOS]

    def __len__(self) -> int:
        """The number of tokens, specials included (the ``vocab_size`` of a model).

        >>> len(VOCABULARY)
        15
        """
        return len(self._words)

    def index(self, word: str) -> int:
        """The token id of ``word``.

        >>> VOCABULARY.index("red")
        3
        """
        try:
            return self._index[word]
        except KeyError:
            raise DatasetError(MESSAGES["unknown_word"].format(
                word=word, known=" ".join(self._words))) from None

    def word(self, token: int) -> str:
        """The word of token id ``token``.

        >>> VOCABULARY.word(3)
        'red'
        """
        t = int(token)
        if not 0 <= t < len(self._words):
            raise DatasetError(MESSAGES["bad_token"].format(token=t, last=len(self._words) - 1))
        return self._words[t]

    def encode(self, text: str, length: int = 8) -> Tensor:
        """Tokenise ``text`` (words split on spaces) to an int64 tensor of shape (length,).

        >>> VOCABULARY.encode("red circle above blue square").tolist()
        [1, 3, 7, 13, 5, 8, 2, 0]
        """
        length = _check_count("length", length, 2)
        ids = [self.index(w) for w in text.split()]
        if len(ids) + 2 > length:
            raise DatasetError(MESSAGES["caption_too_long"].format(
                text=text, words=len(ids), needed=len(ids) + 2, length=length))
        row = [self.bos_index, *ids, self.eos_index]
        row += [self.pad_index] * (length - len(row))
        return torch.tensor(row, dtype=torch.int64)

    def encode_batch(self, texts: Sequence[str], length: int = 8) -> Tensor:
        """Tokenise several captions to an int64 tensor of shape (len(texts), length).

        >>> VOCABULARY.encode_batch(["red circle", "blue square"], length=4).shape
        torch.Size([2, 4])
        """
        length = _check_count("length", length, 2)
        if not texts:
            return torch.zeros(0, length, dtype=torch.int64)
        return torch.stack([self.encode(t, length) for t in texts])

    def decode(self, tokens: Tensor | Sequence[int]) -> str:
        """The caption of a 1-d sequence of token ids (skips ``<bos>``/``<pad>``; stops at
        ``<eos>``).

        >>> VOCABULARY.decode([1, 3, 7, 2, 0])
        'red circle'
        """
        t = torch.as_tensor(tokens)
        if t.dim() != 1:
            raise DatasetError(MESSAGES["bad_tokens_shape"].format(
                what="decode", dims=1, shape=tuple(t.shape)))
        words: list[str] = []
        for token in t.tolist():
            word = self.word(token)
            if word == self.EOS:
                break
            if word not in (self.PAD, self.BOS):
                words.append(word)
        return " ".join(words)

    def decode_batch(self, tokens: Tensor) -> list[str]:
        """The captions of a 2-d tensor of token ids, one per row (e.g. argmax of logits).

        >>> VOCABULARY.decode_batch(torch.tensor([[1, 3, 7, 2], [1, 4, 8, 2]]))
        ['red circle', 'green square']
        """
        t = torch.as_tensor(tokens)
        if t.dim() != 2:
            raise DatasetError(MESSAGES["bad_tokens_shape"].format(
                what="decode_batch", dims=2, shape=tuple(t.shape)))
        return [self.decode(row) for row in t]

    def __repr__(self) -> str:
        """The word list.

        >>> Vocabulary(["a"])
        Vocabulary(['<pad>', '<bos>', '<eos>', 'a'])
        """
        return f"Vocabulary({list(self._words)})"


#: Colour names and their RGB values in the shapes images.
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
}
#: Shape names in the shapes images.
SHAPES: tuple[str, ...] = ("circle", "square", "triangle")
#: Relations between the first and the second shape of a caption.
RELATIONS: tuple[str, ...] = ("left of", "right of", "above", "below")

#: The fixed vocabulary of shapes captions: ``<pad> <bos> <eos>``, colours, shapes, then
#: the relation words ``left right of above below``.
VOCABULARY = Vocabulary([*COLOURS, *SHAPES, "left", "right", "of", "above", "below"])


def tokenize(text: str, length: int = 8) -> Tensor:
    """Tokenise a shapes caption with :data:`VOCABULARY` to an int64 tensor (length,).

    >>> tokenize("red circle left of blue square").tolist()
    [1, 3, 7, 10, 12, 5, 8, 2]
    """
    return VOCABULARY.encode(text, length)


def detokenize(tokens: Tensor | Sequence[int]) -> str:
    """The caption of a 1-d tensor of token ids of :data:`VOCABULARY`.

    >>> detokenize(tokenize("yellow triangle below green circle"))
    'yellow triangle below green circle'
    """
    return VOCABULARY.decode(tokens)


# ---------------------------------------------------------------------------------------
# Shapes and captions
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedShape:
    """One drawn shape: its colour, kind, centre (column ``x``, row ``y``) and half-size.

    >>> PlacedShape("red", "circle", x=4, y=5, radius=3).pixels(16)[5, 4].item()
    True
    """

    colour: str
    shape: str
    x: int
    y: int
    radius: int

    def pixels(self, size: int) -> np.ndarray:
        """A boolean (size, size) mask of the pixels the shape covers (row, column).

        >>> int(PlacedShape("blue", "square", x=3, y=3, radius=1).pixels(8).sum())
        9
        """
        rows, cols = np.mgrid[0:size, 0:size]
        dy, dx = rows - self.y, cols - self.x
        r = self.radius
        if self.shape == "circle":
            mask = dx * dx + dy * dy <= (r + 0.35) ** 2
        elif self.shape == "square":
            mask = (np.abs(dx) <= r) & (np.abs(dy) <= r)
        else:  # triangle, apex up, base on the bottom row of its box
            half_width = (dy + r) / 2.0
            mask = (np.abs(dy) <= r) & (np.abs(dx) <= half_width + 0.25)
        return np.asarray(mask, dtype=bool)


@dataclass(frozen=True)
class Scene:
    """Two shapes and how the caption relates the ``first`` to the ``second``.

    >>> a = PlacedShape("red", "circle", 4, 8, 3)
    >>> b = PlacedShape("blue", "square", 12, 6, 3)
    >>> Scene(a, b, "left of").caption()
    'red circle left of blue square'
    """

    first: PlacedShape
    second: PlacedShape
    relation: str

    def caption(self) -> str:
        """The caption ``<colour> <shape> <relation> <colour> <shape>``.

        >>> Scene(PlacedShape("red", "circle", 4, 3, 2), PlacedShape("green", "square", 4, 12,
        ...       2), "above").caption()
        'red circle above green square'
        """
        return (f"{self.first.colour} {self.first.shape} {self.relation} "
                f"{self.second.colour} {self.second.shape}")


_LAYOUTS = ("horizontal", "vertical")


def _draw_scene(rng: np.random.Generator, size: int, noise: float,
                layouts: tuple[str, ...], canonical: bool) -> tuple[np.ndarray, Scene]:
    """One noisy (3, size, size) image and its scene, drawn with ``rng``."""
    colours = list(COLOURS)
    layout = layouts[int(rng.integers(len(layouts)))]
    half = size // 2
    shapes: list[PlacedShape] = []
    for slot in range(2):
        r_hi = max(2, math.floor(size * 0.2))
        radius = int(rng.integers(2, r_hi + 1))
        lo_near, hi_near = radius, half - 1 - radius  # along the layout axis, own half
        along = int(rng.integers(lo_near, max(lo_near, hi_near) + 1)) + slot * half
        across = int(rng.integers(radius, size - radius))
        x, y = (along, across) if layout == "horizontal" else (across, along)
        shapes.append(PlacedShape(colour=colours[int(rng.integers(len(colours)))],
                                  shape=SHAPES[int(rng.integers(len(SHAPES)))],
                                  x=x, y=y, radius=radius))
    # shapes[0] is the left (or top) one
    swap = (not canonical) and bool(rng.integers(2))
    if layout == "horizontal":
        relation = "right of" if swap else "left of"
    else:
        relation = "below" if swap else "above"
    first, second = (shapes[1], shapes[0]) if swap else (shapes[0], shapes[1])

    background = rng.uniform(0.0, 0.25, size=(3, 1, 1))
    image = np.broadcast_to(background, (3, size, size)).copy()
    for placed in shapes:
        rgb = np.asarray(COLOURS[placed.colour])
        colour = np.clip(rgb * rng.uniform(0.65, 1.0) + rng.uniform(0.0, 0.2, size=3), 0, 1)
        mask = placed.pixels(size)
        image[:, mask] = colour[:, None]
    image += rng.normal(0.0, noise, size=image.shape)
    return np.clip(image, 0.0, 1.0).astype(np.float32), Scene(first, second, relation)


class ShapesCaptions(ColumnDataset):
    """Generated images of two coloured shapes with a caption from a tiny grammar.

    Example ``i`` is ``{"image": (3, size, size) float32 in [0, 1], "caption": (length,)
    int64}``. Each image shows two shapes (``circle``, ``square``, ``triangle``) in colours
    (``red``, ``green``, ``blue``, ``yellow``), one in each half of the image: side by side
    (``layout="horizontal"``) or one above the other (``"vertical"``), each with a random
    half-size (2 .. size/5 pixels) and a random position within its half. The caption is
    ``<colour> <shape> <relation> <colour> <shape>``, e.g. ``"red circle left of blue
    square"``, tokenised with :data:`VOCABULARY` to ``length`` tokens (``<bos>``, the 5 or 6
    words, ``<eos>``, ``<pad>``s). With ``canonical=True`` (default) the left (or top)
    shape comes first and the relation is ``left of`` (or ``above``), so the caption is a
    function of the image; with ``canonical=False`` the order is random and ``right of`` /
    ``below`` also occur. Nuisances keep the task non-trivial: a random background tint,
    random colour brightness and tint per shape, and Gaussian pixel noise of std ``noise``.

    Example ``i`` is drawn from its own generator seeded by ``(seed, i)``, so it does not
    depend on ``n``: the first 10 examples of ``ShapesCaptions(10, s)`` and
    ``ShapesCaptions(1000, s)`` agree. :attr:`scenes` records what was drawn.

    >>> data = ShapesCaptions(3, seed=7, size=24, image_name="x", caption_name="text")
    >>> data.columns, data.column("x").shape, data.column("text").shape
    (('x', 'text'), torch.Size([3, 3, 24, 24]), torch.Size([3, 8]))
    >>> data.caption_text(0) == data.scenes[0].caption()
    True
    """

    def __init__(self, n: int, seed: int = 0, *, size: int = 16, length: int = 8,
                 noise: float = 0.1, layouts: Sequence[str] = _LAYOUTS,
                 canonical: bool = True, image_name: str = "image",
                 caption_name: str = "caption") -> None:
        n = _check_count("n", n, 0)
        seed = _check_count("seed", seed, 0)
        if isinstance(size, bool) or not isinstance(size, int) or size < 10:
            raise DatasetError(MESSAGES["bad_size"].format(minimum=10, value=size))
        if (isinstance(noise, bool) or not isinstance(noise, int | float)
                or not math.isfinite(noise) or noise < 0):
            raise DatasetError(MESSAGES["bad_noise"].format(value=noise))
        layouts_t = (layouts,) if isinstance(layouts, str) else tuple(layouts)
        if not layouts_t or any(lay not in _LAYOUTS for lay in layouts_t):
            raise DatasetError(MESSAGES["bad_layouts"].format(known=_LAYOUTS, value=layouts))
        length = _check_count("length", length, 8)
        if image_name == caption_name:
            raise DatasetError(MESSAGES["duplicate_columns"].format(
                names=[image_name, caption_name], name=image_name))
        images = np.zeros((n, 3, size, size), dtype=np.float32)
        scenes: list[Scene] = []
        for i in range(n):
            rng = np.random.default_rng([seed, i])
            images[i], scene = _draw_scene(rng, size, float(noise), layouts_t, canonical)
            scenes.append(scene)
        captions = VOCABULARY.encode_batch([s.caption() for s in scenes], length)
        super().__init__({image_name: torch.from_numpy(images), caption_name: captions})
        self.scenes: tuple[Scene, ...] = tuple(scenes)
        """What was drawn: one :class:`Scene` per example."""
        self.vocab: Vocabulary = VOCABULARY
        self.size = size
        self.length = length

    def caption_text(self, index: int) -> str:
        """The caption of example ``index`` as text.

        >>> ShapesCaptions(1, seed=0).caption_text(0)
        'green circle above yellow square'
        """
        return self.scenes[index].caption()
