"""Small noisy RGB images of two coloured shapes with a caption from a tiny grammar.

>>> ShapesCaptions(2, seed=0)[0]["image"].shape
torch.Size([3, 16, 16])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from catlearn_torch.datasets.captions import COLOURS, SHAPES, VOCABULARY, Vocabulary
from catlearn_torch.datasets.columns import MESSAGES, ColumnDataset, DatasetError, _check_count


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
