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

from catlearn_torch.datasets.captions import (
    COLOURS,
    RELATIONS,
    SHAPES,
    VOCABULARY,
    Vocabulary,
    detokenize,
    tokenize,
)
from catlearn_torch.datasets.columns import MESSAGES, ColumnDataset, DatasetError
from catlearn_torch.datasets.digits import (
    TASK_SCHEMES,
    DigitsSplit,
    DigitsTasks,
    TransferSplit,
    digits_tasks,
    few_label_subset,
    load_digits_split,
    transfer_split,
)
from catlearn_torch.datasets.shapes import PlacedShape, Scene, ShapesCaptions
from catlearn_torch.errors import MissingDependencyError

__all__ = [
    "MESSAGES", "DatasetError", "MissingDependencyError", "ColumnDataset",
    "DigitsSplit", "load_digits_split", "few_label_subset", "TransferSplit",
    "transfer_split", "DigitsTasks", "digits_tasks",
    "TASK_SCHEMES", "Vocabulary", "VOCABULARY", "COLOURS", "SHAPES", "RELATIONS",
    "tokenize", "detokenize", "PlacedShape", "Scene", "ShapesCaptions",
]
