"""transfer_split partitions a data set: the labelled part is few_label_subset's, the
unlabelled part is every other example (in order) without the label column."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from catlearn_torch.datasets import ColumnDataset, DatasetError, few_label_subset, transfer_split


@st.composite
def labelled_sets(draw: st.DrawFn) -> tuple[ColumnDataset, int]:
    classes = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    counts = [draw(st.integers(k, k + 4)) for _ in range(classes)]
    labels = torch.tensor([c for c, n in enumerate(counts) for _ in range(n)])
    labels = labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(
        draw(st.integers(0, 1000))))]
    x = torch.arange(len(labels) * 2, dtype=torch.float32).reshape(-1, 2)
    return ColumnDataset({"x": x, "y": labels}), k


@given(labelled_sets(), st.integers(0, 10**6))
def test_transfer_split_is_a_partition(data: tuple[ColumnDataset, int], seed: int) -> None:
    ds, k = data
    part = transfer_split(ds, k, seed)
    few = few_label_subset(ds, k, seed)
    assert torch.equal(part.labelled.column("x"), few.column("x"))
    assert torch.equal(part.labelled.column("y"), few.column("y"))
    assert part.unlabelled.columns == ("x",)
    rows = [int(r[0]) // 2 for r in part.labelled.column("x")]
    rest = [int(r[0]) // 2 for r in part.unlabelled.column("x")]
    assert sorted(rows + rest) == list(range(len(ds)))     # every example, once
    assert rest == sorted(rest)                             # in the original order
    counts = torch.bincount(part.labelled.column("y"))
    assert counts.tolist() == [k] * len(counts)


def test_transfer_split_errors_name_the_problem() -> None:
    ds = ColumnDataset({"x": torch.zeros(4, 1), "y": torch.tensor([0, 0, 1, 1])})
    with pytest.raises(DatasetError, match="class 0 has only 2 examples"):
        transfer_split(ds, 3)
    with pytest.raises(DatasetError, match="no column 'label'"):
        transfer_split(ds, 1, label="label")
    with pytest.raises(DatasetError, match=r"keep must name .* \(columns: x, y\)"):
        transfer_split(ds, 1, keep=())
    with pytest.raises(DatasetError, match="other than the label 'y'"):
        transfer_split(ds, 1, keep=("x", "y"))
