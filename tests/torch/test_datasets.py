"""Tests of catlearn_torch.datasets: digits, few-label subsets, tasks, shapes and captions."""

from __future__ import annotations

import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from torch.utils.data import DataLoader  # noqa: E402

from catlearn.errors import CatlearnError  # noqa: E402
from catlearn_torch import datasets as ds  # noqa: E402
from catlearn_torch.datasets import (  # noqa: E402
    COLOURS,
    RELATIONS,
    SHAPES,
    VOCABULARY,
    ColumnDataset,
    DatasetError,
    MissingDependencyError,
    ShapesCaptions,
    Vocabulary,
    detokenize,
    digits_tasks,
    few_label_subset,
    load_digits_split,
    tokenize,
)
from catlearn_torch.datasets import digits as ds_digits  # noqa: E402

N_DIGITS = 1797

# ------------------------------------------------------------------------------ columns


def test_column_dataset_items_and_collation():
    data = ColumnDataset({"x": torch.arange(12.0).reshape(6, 2), "y": torch.arange(6)})
    assert len(data) == 6
    assert data.columns == ("x", "y")
    assert data[2]["x"].tolist() == [4.0, 5.0]
    assert data[-1]["y"].item() == 5
    batch = next(iter(DataLoader(data, batch_size=4)))
    assert set(batch) == {"x", "y"}
    assert batch["x"].shape == (4, 2)
    assert [row["y"].item() for row in data] == list(range(6))


def test_column_dataset_errors():
    with pytest.raises(DatasetError, match="column 'y' has 2 rows, but column 'x' has 3"):
        ColumnDataset({"x": torch.zeros(3), "y": torch.zeros(2)})
    with pytest.raises(DatasetError, match="at least one column"):
        ColumnDataset({})
    with pytest.raises(DatasetError, match="column 'x' must be a torch.Tensor, not list"):
        ColumnDataset({"x": [1, 2]})  # type: ignore[dict-item]
    data = ColumnDataset({"x": torch.zeros(3), "y": torch.zeros(3)})
    with pytest.raises(DatasetError, match=r"no column 'z' \(columns: x, y\)"):
        data.column("z")
    with pytest.raises(DatasetError, match="no column 'z'"):
        data.rename({"z": "w"})
    with pytest.raises(DatasetError, match="repeat 'y'"):
        data.rename({"x": "y"})
    with pytest.raises(IndexError, match="index 3 is out of range"):
        data[3]
    with pytest.raises(IndexError, match="index 7 is out of range"):
        data.subset([0, 7])
    assert issubclass(DatasetError, CatlearnError)
    assert issubclass(DatasetError, ValueError)


def test_rename_and_subset_share_tensors():
    x = torch.arange(4)
    data = ColumnDataset({"x": x}).rename({"x": "image"})
    assert data.column("image") is x
    assert data.subset(torch.tensor([3, 1])).column("image").tolist() == [3, 1]
    assert "4 examples" in repr(ColumnDataset({"x": x}))


# ------------------------------------------------------------------------------- digits


def test_digits_split_shapes_dtypes_and_range():
    split = load_digits_split()
    x, y = split.train.column("x"), split.train.column("y")
    assert x.dtype == torch.float32
    assert y.dtype == torch.int64
    assert x.shape == (len(split.train), 64)
    assert y.shape == (len(split.train),)
    assert float(x.min()) == 0.0
    assert float(x.max()) == 1.0
    assert len(split.train) + len(split.test) == N_DIGITS
    image = load_digits_split(image=True).test.column("x")
    assert image.shape == (len(split.test), 1, 8, 8)
    assert torch.equal(image.reshape(-1, 64), split.test.column("x"))


@pytest.mark.parametrize("fraction", [0.25, 0.1, 0.5])
def test_digits_split_is_stratified(fraction):
    split = load_digits_split(test_fraction=fraction, seed=3)
    train = torch.bincount(split.train.column("y"), minlength=10)
    test = torch.bincount(split.test.column("y"), minlength=10)
    total = train + test
    assert int(total.sum()) == N_DIGITS
    for c in range(10):
        assert int(test[c]) == round(int(total[c]) * fraction)


def test_digits_split_is_deterministic_and_disjoint():
    a, b = load_digits_split(seed=5), load_digits_split(seed=5)
    for part in ("train", "test"):
        for col in ("x", "y"):
            assert torch.equal(getattr(a, part).column(col), getattr(b, part).column(col))
    c = load_digits_split(seed=6)
    assert not torch.equal(a.test.column("x"), c.test.column("x"))
    labels = np.arange(100) % 4
    train_idx, test_idx = ds_digits._stratified_split(labels, 0.25, seed=0)
    assert set(train_idx) & set(test_idx) == set()
    assert sorted([*train_idx, *test_idx]) == list(range(100))


def test_digits_column_names_and_errors():
    split = load_digits_split(x_name="pixels", y_name="digit")
    assert split.train.columns == ("pixels", "digit")
    for bad in (0, 1, 1.5, -0.1, True, "0.2"):
        with pytest.raises(DatasetError, match="test_fraction must be a number strictly"):
            load_digits_split(test_fraction=bad)
    with pytest.raises(DatasetError, match="repeat 'x'"):
        load_digits_split(x_name="x", y_name="x")
    with pytest.raises(DatasetError, match="seed must be an integer >= 0"):
        load_digits_split(seed=-1)


def test_missing_sklearn_says_how_to_install(monkeypatch):
    ds_digits._digits_arrays.cache_clear()
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    try:
        with pytest.raises(MissingDependencyError,
                           match=r"pip install catlearn-diagrams\[examples\]"):
            load_digits_split()
    finally:
        ds_digits._digits_arrays.cache_clear()
    assert issubclass(MissingDependencyError, ImportError)


# ---------------------------------------------------------------------- few-label subset


@pytest.mark.parametrize("k", [1, 5, 20])
def test_few_label_subset_counts(k):
    train = load_digits_split().train
    few = few_label_subset(train, k=k, seed=2)
    assert len(few) == 10 * k
    assert torch.bincount(few.column("y")).tolist() == [k] * 10
    assert few.columns == train.columns


def test_few_label_subset_is_deterministic_and_a_subset():
    train = load_digits_split().train
    a, b = few_label_subset(train, 5, seed=4), few_label_subset(train, 5, seed=4)
    assert torch.equal(a.column("x"), b.column("x"))
    c = few_label_subset(train, 5, seed=9)
    assert not torch.equal(a.column("x"), c.column("x"))
    rows = {tuple(r.tolist()) for r in train.column("x")}
    assert all(tuple(r.tolist()) in rows for r in a.column("x"))


def test_few_label_subset_errors():
    data = ColumnDataset({"x": torch.zeros(5), "y": torch.tensor([0, 0, 1, 1, 1])})
    with pytest.raises(DatasetError, match="class 0 has only 2 examples .* fewer than k=3"):
        few_label_subset(data, k=3)
    with pytest.raises(DatasetError, match="k must be an integer >= 1, not 0"):
        few_label_subset(data, k=0)
    with pytest.raises(DatasetError, match="column 'x' must hold integer class labels"):
        few_label_subset(data, k=1, label="x")
    with pytest.raises(DatasetError, match="no column 'label'"):
        few_label_subset(data, k=1, label="label")
    renamed = data.rename({"y": "label"})
    assert len(few_label_subset(renamed, k=2, label="label")) == 4


# -------------------------------------------------------------------------- digit tasks


def test_digits_tasks_classes_scheme():
    split = load_digits_split()
    tasks = digits_tasks(k=4, scheme="classes")
    assert tasks.scheme == "classes"
    assert len(tasks.few_train) == 20
    assert tasks.many_labels == ("0", "1", "2", "3", "4")
    assert tasks.few_labels == ("5", "6", "7", "8", "9")
    y_train = split.train.column("y")
    assert len(tasks.many_train) == int((y_train < 5).sum())
    assert set(tasks.many_train.column("y").tolist()) == set(range(5))
    assert torch.bincount(tasks.few_train.column("y")).tolist() == [4] * 5
    assert len(tasks.few_test) == int((split.test.column("y") >= 5).sum())
    # few-task labels are digit - 5: a training image of a "5" is labelled 0
    fives = split.train.column("x")[y_train == 5]
    first = tasks.few_train.column("x")[tasks.few_train.column("y") == 0][0]
    assert any(torch.equal(first, row) for row in fives)


def test_digits_tasks_pairs_scheme_is_the_default():
    split = load_digits_split()
    tasks = digits_tasks(k=3)
    assert tasks.scheme == "pairs"
    assert tasks.many_labels == ("0|1", "2|3", "4|5", "6|7", "8|9")
    assert tasks.few_labels == tuple("0123456789")
    assert torch.equal(tasks.many_train.column("x"), split.train.column("x"))
    assert torch.equal(tasks.many_train.column("y"), split.train.column("y") // 2)
    assert torch.equal(tasks.many_test.column("y"), split.test.column("y") // 2)
    assert torch.bincount(tasks.few_train.column("y")).tolist() == [3] * 10
    assert torch.equal(tasks.few_test.column("y"), split.test.column("y"))


def test_digits_tasks_parity_scheme():
    split = load_digits_split(image=True)
    tasks = digits_tasks(k=2, scheme="parity", image=True, x_name="img", y_name="lab")
    assert tasks.many_labels == ("even", "odd")
    assert len(tasks.few_labels) == 10
    assert len(tasks.many_train) == len(split.train)
    assert torch.equal(tasks.many_train.column("lab"), split.train.column("y") % 2)
    assert torch.bincount(tasks.few_train.column("lab")).tolist() == [2] * 10
    assert tasks.few_train.column("img").shape[1:] == (1, 8, 8)
    assert len(tasks.few_test) == len(split.test)


def test_digits_tasks_is_deterministic_and_checks():
    a, b = digits_tasks(k=3, seed=1), digits_tasks(k=3, seed=1)
    assert torch.equal(a.few_train.column("x"), b.few_train.column("x"))
    with pytest.raises(DatasetError, match="scheme 'odd' is not one of"):
        digits_tasks(scheme="odd")
    with pytest.raises(DatasetError, match="fewer than k=500"):
        digits_tasks(k=500)


# ------------------------------------------------------------------------- vocabulary


def test_vocabulary_layout():
    assert VOCABULARY.words[:3] == ("<pad>", "<bos>", "<eos>")
    assert (VOCABULARY.pad_index, VOCABULARY.bos_index, VOCABULARY.eos_index) == (0, 1, 2)
    for word in [*COLOURS, *SHAPES, *" ".join(RELATIONS).split()]:
        assert VOCABULARY.word(VOCABULARY.index(word)) == word
    assert len(VOCABULARY) == len(set(VOCABULARY.words)) == 15


def test_every_caption_of_the_grammar_round_trips():
    texts = [f"{c1} {s1} {rel} {c2} {s2}" for c1 in COLOURS for s1 in SHAPES
             for rel in RELATIONS for c2 in COLOURS for s2 in SHAPES]
    tokens = VOCABULARY.encode_batch(texts)
    assert tokens.shape == (len(texts), 8)
    assert tokens.dtype == torch.int64
    assert VOCABULARY.decode_batch(tokens) == texts
    assert all(detokenize(tokenize(t)) == t for t in texts[:50])
    assert (tokens[:, 0] == VOCABULARY.bos_index).all()
    assert ((tokens == VOCABULARY.eos_index).sum(dim=1) == 1).all()


def test_tokenize_pads_and_decode_stops_at_eos():
    t = tokenize("red circle above blue square", length=10)
    assert t.tolist() == [1, 3, 7, 13, 5, 8, 2, 0, 0, 0]
    assert detokenize([1, 3, 2, 4, 4]) == "red"
    assert detokenize(torch.tensor([3, 0, 7])) == "red circle"
    assert VOCABULARY.encode_batch([]).shape == (0, 8)


def test_vocabulary_errors():
    with pytest.raises(DatasetError, match="'purple' is not in the vocabulary"):
        tokenize("purple circle")
    with pytest.raises(DatasetError, match="needs 8 tokens, more than length=7"):
        tokenize("red circle left of blue square", length=7)
    with pytest.raises(DatasetError, match=r"token id 15 is not in the vocabulary \(ids 0..14\)"):
        detokenize([1, 15])
    with pytest.raises(DatasetError, match="decode expects a 1-dimensional tensor"):
        detokenize(torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(DatasetError, match="decode_batch expects a 2-dimensional"):
        VOCABULARY.decode_batch(torch.zeros(2, dtype=torch.long))
    with pytest.raises(DatasetError, match="'a' repeats"):
        Vocabulary(["a", "a"])
    with pytest.raises(DatasetError, match="'<pad>' repeats"):
        Vocabulary(["<pad>"])
    with pytest.raises(DatasetError, match="without spaces"):
        Vocabulary(["left of"])


# ----------------------------------------------------------------------- shapes/captions


def test_shapes_shapes_dtypes_and_columns():
    data = ShapesCaptions(20, seed=0)
    item = data[0]
    assert set(item) == {"image", "caption"}
    assert item["image"].shape == (3, 16, 16)
    assert item["image"].dtype == torch.float32
    assert item["caption"].shape == (8,)
    assert item["caption"].dtype == torch.int64
    images = data.column("image")
    assert float(images.min()) >= 0.0
    assert float(images.max()) <= 1.0
    big = ShapesCaptions(3, seed=0, size=24, length=10, image_name="x", caption_name="t")
    assert big.columns == ("x", "t")
    assert big.column("x").shape == (3, 3, 24, 24)
    assert big.column("t").shape == (3, 10)
    assert len(ShapesCaptions(0)) == 0


def test_shapes_are_deterministic_per_seed_and_prefix_stable():
    a, b = ShapesCaptions(30, seed=4), ShapesCaptions(30, seed=4)
    assert torch.equal(a.column("image"), b.column("image"))
    assert torch.equal(a.column("caption"), b.column("caption"))
    longer = ShapesCaptions(40, seed=4)
    assert torch.equal(longer.column("image")[:30], a.column("image"))
    c = ShapesCaptions(30, seed=5)
    assert not torch.equal(a.column("image"), c.column("image"))


def test_captions_are_varied():
    data = ShapesCaptions(300, seed=0)
    texts = [data.caption_text(i) for i in range(len(data))]
    words = [t.split() for t in texts]
    assert {w[0] for w in words} == set(COLOURS)
    assert {w[1] for w in words} == set(SHAPES)
    assert {" ".join(w[2:-2]) for w in words} == {"left of", "above"}
    assert len(set(texts)) > 150


def _check_scene_geometry(scene, size):
    first, second = scene.first, scene.second
    if scene.relation == "left of":
        assert first.x + first.radius < second.x - second.radius
    elif scene.relation == "right of":
        assert first.x - first.radius > second.x + second.radius
    elif scene.relation == "above":
        assert first.y + first.radius < second.y - second.radius
    else:
        assert scene.relation == "below"
        assert first.y - first.radius > second.y + second.radius
    for shape in (first, second):
        assert shape.radius <= shape.x < size - shape.radius
        assert shape.radius <= shape.y < size - shape.radius
    assert not (first.pixels(size) & second.pixels(size)).any()


@pytest.mark.parametrize("size", [16, 24])
def test_captions_match_the_drawn_scene(size):
    """The caption names the colours at the shapes' pixels, and the relation holds."""
    data = ShapesCaptions(150, seed=1, size=size)
    for i in range(len(data)):
        scene = data.scenes[i]
        assert detokenize(data[i]["caption"]) == scene.caption() == data.caption_text(i)
        _check_scene_geometry(scene, size)
        image = data[i]["image"].numpy()
        inside = np.zeros((size, size), dtype=bool)
        for shape in (scene.first, scene.second):
            mask = shape.pixels(size)
            inside |= mask
            mean = image[:, mask].mean(axis=1)
            for channel, on in enumerate(COLOURS[shape.colour]):
                if on:
                    assert mean[channel] > 0.5, (i, shape, mean)
                else:
                    assert mean[channel] < 0.4, (i, shape, mean)
        assert image[:, ~inside].mean() < 0.35


def test_noise_free_images_show_exactly_the_described_shapes():
    """Without noise each shape is one flat colour covering exactly its mask: this checks
    the shape kind (circle, square, triangle) named by the caption, pixel by pixel."""
    data = ShapesCaptions(60, seed=2, noise=0.0)
    for i in range(len(data)):
        image = data[i]["image"].numpy()
        for shape in (data.scenes[i].first, data.scenes[i].second):
            mask = shape.pixels(16)
            colour = image[:, shape.y, shape.x]
            same = np.all(image == colour[:, None, None], axis=0)
            assert np.array_equal(same, mask), (i, shape)


def test_shape_masks_differ():
    masks = {s: ds.PlacedShape("red", s, 8, 8, 3).pixels(16) for s in SHAPES}
    assert int(masks["square"].sum()) == 49
    assert int(masks["circle"].sum()) < 49
    assert int(masks["triangle"].sum()) < 40
    assert not np.array_equal(masks["circle"], masks["triangle"])
    tri = masks["triangle"]
    assert tri[5].sum() < tri[11].sum()  # apex up: narrow top row, wide bottom row


def test_non_canonical_captions_and_layouts():
    data = ShapesCaptions(200, seed=3, canonical=False)
    relations = {s.relation for s in data.scenes}
    assert relations == set(RELATIONS)
    for s in data.scenes:
        _check_scene_geometry(s, 16)
    horizontal = ShapesCaptions(50, seed=3, layouts=["horizontal"])
    assert {s.relation for s in horizontal.scenes} == {"left of"}
    vertical = ShapesCaptions(50, seed=3, layouts="vertical")
    assert {s.relation for s in vertical.scenes} == {"above"}


def test_shapes_errors():
    with pytest.raises(DatasetError, match="n must be an integer >= 0, not -1"):
        ShapesCaptions(-1)
    with pytest.raises(DatasetError, match="size must be an integer >= 10"):
        ShapesCaptions(2, size=8)
    with pytest.raises(DatasetError, match="noise must be a finite number >= 0"):
        ShapesCaptions(2, noise=-0.1)
    with pytest.raises(DatasetError, match="layouts must be a non-empty subset"):
        ShapesCaptions(2, layouts=["diagonal"])
    with pytest.raises(DatasetError, match="length must be an integer >= 8"):
        ShapesCaptions(2, length=6)
    with pytest.raises(DatasetError, match="repeat 'a'"):
        ShapesCaptions(2, image_name="a", caption_name="a")
