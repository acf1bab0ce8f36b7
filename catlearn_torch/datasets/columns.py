"""Column data sets: a dataset whose items are dicts keyed by column name, and the
errors and message templates of every data set here.

>>> data = ColumnDataset({"x": torch.zeros(3, 2), "y": torch.arange(3)})
>>> len(data), sorted(data[1])
(3, ['x', 'y'])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from catlearn.errors import CatlearnError


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
