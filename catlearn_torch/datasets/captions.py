"""The fixed vocabulary of the shapes captions and its tokeniser.

>>> detokenize(tokenize("red circle left of blue square"))
'red circle left of blue square'
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from catlearn_torch.datasets.columns import MESSAGES, DatasetError, _check_count


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
