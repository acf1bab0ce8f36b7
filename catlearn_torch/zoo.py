"""A small model zoo, referenced by name from spec files: ``build("mlp", in_features=64, ...)``.

A spec file names a learnable edge's model and its arguments (plain JSON values: numbers,
strings, lists); :func:`build` turns them into an ``nn.Module``. :func:`register` adds a
builder under a name and :func:`available` lists the names. Built in:

==================  ============================================================================
``mlp``             :class:`MLP`: flatten, (Linear, activation, dropout) per hidden layer, Linear
``cnn_encoder``     :class:`CNNEncoder`: conv blocks, adaptive pooling to a grid, Linear
``caption_decoder`` :class:`CaptionDecoder`: a feature vector to (batch, length, vocab) logits
``text_encoder``    :class:`TextEncoder`: token ids (batch, length) to a feature vector
``linear``          ``nn.Linear(in_features, out_features, bias)``
``identity``        ``nn.Identity()`` (no parameters; for tests and fixed edges)
==================  ============================================================================

Unknown names and bad arguments raise :class:`UnknownModelError` and
:class:`ModelArgumentError` (both :class:`catlearn.errors.CatlearnError`), naming the model
and the argument.

>>> import torch
>>> enc = build("cnn_encoder", in_channels=1, out_features=16)
>>> dec = build("caption_decoder", in_features=16, vocab_size=15, length=8)
>>> dec(enc(torch.zeros(2, 1, 8, 8))).shape
torch.Size([2, 8, 15])
>>> build("mlp", in_features=4, out_features=2, hiden=[8])
Traceback (most recent call last):
...
catlearn_torch.zoo.ModelArgumentError: model 'mlp' has no argument 'hiden' (arguments: \
in_features, out_features, hidden, dropout, activation); did you mean 'hidden'?
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import torch
from torch import Tensor, nn

from catlearn.errors import CatlearnError
from catlearn_torch.plugins import GROUPS, entry_point_names, from_entry_point

__all__ = [
    "MESSAGES", "ZooError", "UnknownModelError", "ModelArgumentError", "register",
    "unregister", "build", "available", "ACTIVATIONS", "MLP", "CNNEncoder", "CaptionDecoder",
    "TextEncoder",
    "mlp", "cnn_encoder", "caption_decoder", "text_encoder", "linear", "identity",
]


class ZooError(CatlearnError):
    """Base class of the model zoo's errors.

    >>> issubclass(UnknownModelError, ZooError) and issubclass(ModelArgumentError, ZooError)
    True
    """


class UnknownModelError(ZooError, ValueError):
    """No model is registered under the name asked for.

    >>> str(UnknownModelError(MESSAGES["unknown_model"].format(name="x", known="mlp",
    ...                                                        hint="")))
    "no model is registered as 'x' (available: mlp)"
    """


class ModelArgumentError(ZooError, TypeError):
    """A model's argument is unknown, missing, of the wrong type or out of range.

    >>> str(ModelArgumentError(MESSAGES["missing_argument"].format(
    ...     model="mlp", argument="in_features", arguments="in_features, out_features")))
    "model 'mlp' needs the argument 'in_features' (arguments: in_features, out_features)"
    """


MESSAGES: dict[str, str] = {
    "unknown_model": "no model is registered as {name!r} (available: {known}){hint}",
    "unknown_argument": "model {model!r} has no argument {argument!r} (arguments: "
    "{arguments}){hint}",
    "missing_argument": "model {model!r} needs the argument {argument!r} (arguments: "
    "{arguments})",
    "positional": "model {model!r}: pass its arguments by name (got {count} positional)",
    "bad_int": "model {model!r}: argument {argument!r} must be an integer >= {minimum}, "
    "not {value!r}",
    "bad_int_list": "model {model!r}: argument {argument!r} must be a list of integers "
    ">= {minimum}, not {value!r}",
    "bad_float": "model {model!r}: argument {argument!r} must be a number in [{low}, {high}), "
    "not {value!r}",
    "bad_bool": "model {model!r}: argument {argument!r} must be true or false, not {value!r}",
    "bad_choice": "model {model!r}: argument {argument!r} must be one of {choices}, not "
    "{value!r}",
    "bad_name": "a model name must be a non-empty string without spaces, not {name!r}",
    "duplicate": "a model is already registered as {name!r}; pass replace=True to "
    "register(...) to replace it",
    "not_module": "the builder of model {model!r} returned {type}, not a torch.nn.Module",
    "bad_input": "model {model!r}: {what}",
}


def _hint(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# ---------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------

Builder = Callable[..., nn.Module]
_B = TypeVar("_B", bound=Builder)
_REGISTRY: dict[str, Builder] = {}


def register(name: str, *, replace: bool = False) -> Callable[[_B], _B]:
    """A decorator that registers a model builder under ``name`` for :func:`build`.

    The builder takes keyword arguments (the spec file's ``args``) and returns an
    ``nn.Module``. Registering a name twice is an error unless ``replace=True``.

    >>> @register("tiny_linear_doc")
    ... def tiny(in_features: int) -> nn.Module:
    ...     return nn.Linear(in_features, 1)
    >>> build("tiny_linear_doc", in_features=3).out_features
    1
    >>> unregister("tiny_linear_doc")
    """
    if not isinstance(name, str) or not name or any(c.isspace() for c in name):
        raise ZooError(MESSAGES["bad_name"].format(name=name))

    def decorate(builder: _B) -> _B:
        if name in _REGISTRY and not replace:
            raise ZooError(MESSAGES["duplicate"].format(name=name))
        _REGISTRY[name] = builder
        return builder

    return decorate


def unregister(name: str) -> None:
    """Remove the model registered as ``name`` (an :class:`UnknownModelError` if none is).

    >>> _ = register("scratch_doc")(lambda: nn.Identity())
    >>> unregister("scratch_doc")
    >>> "scratch_doc" in available()
    False
    """
    if name not in _REGISTRY:
        raise UnknownModelError(MESSAGES["unknown_model"].format(
            name=name, known=", ".join(available()), hint=_hint(str(name), available())))
    del _REGISTRY[name]


def available() -> list[str]:
    """The names of the registered models (and of the entry points in the group
    ``catlearn.models``, see :mod:`catlearn_torch.plugins`), sorted.

    >>> available()
    ['caption_decoder', 'cnn_encoder', 'identity', 'linear', 'mlp', 'text_encoder']
    """
    return sorted(set(_REGISTRY) | set(entry_point_names(GROUPS["models"])))


def _lookup(name: object) -> Builder:
    """The builder registered as ``name``, loading an entry point of the group
    ``catlearn.models`` the first time its name is asked for."""
    builder = _REGISTRY.get(name) if isinstance(name, str) else None
    if builder is None and isinstance(name, str):
        found = from_entry_point(GROUPS["models"], name)
        if found is not None:
            if not callable(found):
                raise ZooError(MESSAGES["not_module"].format(
                    model=name, type=type(found).__name__))
            builder = _REGISTRY[name] = found
    if builder is None:
        raise UnknownModelError(MESSAGES["unknown_model"].format(
            name=name, known=", ".join(available()), hint=_hint(str(name), available())))
    return builder


def build(name: str, *args: Any, **kwargs: Any) -> nn.Module:
    """Build the model registered as ``name`` with keyword arguments ``kwargs``.

    Argument names are checked against the builder's signature first, so a typo or a
    missing argument raises :class:`ModelArgumentError` naming the model and the argument
    (with a suggestion); an unknown ``name`` raises :class:`UnknownModelError`.

    >>> build("linear", in_features=3, out_features=2)
    Linear(in_features=3, out_features=2, bias=True)
    >>> build("lineer")
    Traceback (most recent call last):
    ...
    catlearn_torch.zoo.UnknownModelError: no model is registered as 'lineer' (available: \
... linear, ...); did you mean 'linear'?
    """
    builder = _lookup(name)
    if args:
        raise ModelArgumentError(MESSAGES["positional"].format(model=name, count=len(args)))
    sig = inspect.signature(builder)
    params = sig.parameters
    takes_var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
    named = [p.name for p in params.values()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    arguments = ", ".join(named)
    if not takes_var_kw:
        for key in kwargs:
            if key not in named:
                raise ModelArgumentError(MESSAGES["unknown_argument"].format(
                    model=name, argument=key, arguments=arguments, hint=_hint(key, named)))
    for p in params.values():
        if (p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is p.empty
                and p.name not in kwargs):
            raise ModelArgumentError(MESSAGES["missing_argument"].format(
                model=name, argument=p.name, arguments=arguments))
    try:
        module = builder(**kwargs)
    except CatlearnError:
        raise
    except (TypeError, ValueError) as err:
        raise ModelArgumentError(MESSAGES["bad_input"].format(
            model=name, what=f"{type(err).__name__}: {err}")) from None
    if not isinstance(module, nn.Module):
        raise ZooError(MESSAGES["not_module"].format(model=name, type=type(module).__name__))
    return module


# ---------------------------------------------------------------------------------------
# Argument checks (spec files give JSON values: ints, floats, lists, strings)
# ---------------------------------------------------------------------------------------


def _int(model: str, argument: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ModelArgumentError(MESSAGES["bad_int"].format(
            model=model, argument=argument, minimum=minimum, value=value))
    return int(value)


def _ints(model: str, argument: str, value: object, minimum: int = 1) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if (isinstance(value, str) or not isinstance(value, Sequence)
            or any(isinstance(v, bool) or not isinstance(v, int) or v < minimum
                   for v in value)):
        raise ModelArgumentError(MESSAGES["bad_int_list"].format(
            model=model, argument=argument, minimum=minimum, value=value))
    return tuple(int(v) for v in value)


def _float(model: str, argument: str, value: object, low: float, high: float) -> float:
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or not low <= value < high):
        raise ModelArgumentError(MESSAGES["bad_float"].format(
            model=model, argument=argument, low=low, high=high, value=value))
    return float(value)


def _bool(model: str, argument: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ModelArgumentError(MESSAGES["bad_bool"].format(
            model=model, argument=argument, value=value))
    return value


def _choice(model: str, argument: str, value: object, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ModelArgumentError(MESSAGES["bad_choice"].format(
            model=model, argument=argument, choices=list(choices), value=value))
    return value


#: Activation names accepted by the ``activation`` argument of the zoo's models.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "silu": nn.SiLU,
}


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------


class MLP(nn.Module):
    """A multilayer perceptron on flattened inputs: (Linear, activation, dropout)* Linear.

    The input is flattened from dimension 1, so (n, 64) digits and (n, 1, 8, 8) digit
    images both work with ``in_features=64``. Output: (n, out_features).

    >>> MLP(64, 10, hidden=(32,))(torch.zeros(5, 1, 8, 8)).shape
    torch.Size([5, 10])
    """

    def __init__(self, in_features: int, out_features: int, hidden: Sequence[int] = (64,),
                 dropout: float = 0.0, activation: str = "relu") -> None:
        super().__init__()
        m = "mlp"
        in_features = _int(m, "in_features", in_features)
        out_features = _int(m, "out_features", out_features)
        sizes = _ints(m, "hidden", hidden)
        dropout = _float(m, "dropout", dropout, 0.0, 1.0)
        act = ACTIVATIONS[_choice(m, "activation", activation, list(ACTIVATIONS))]
        layers: list[nn.Module] = [nn.Flatten(1)]
        width = in_features
        for size in sizes:
            layers += [nn.Linear(width, size), act()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, out_features))
        self.net = nn.Sequential(*layers)
        self.in_features, self.out_features = in_features, out_features

    def forward(self, x: Tensor) -> Tensor:
        """Map (n, ...) inputs with ``in_features`` values each to (n, out_features).

        >>> MLP(3, 2, hidden=())(torch.zeros(1, 3)).shape
        torch.Size([1, 2])
        """
        flat = x.flatten(1) if x.dim() > 1 else x
        if flat.dim() < 2 or flat.shape[1] != self.in_features:
            raise ModelArgumentError(MESSAGES["bad_input"].format(
                model="mlp", what=f"expected inputs (n, ...) with {self.in_features} values "
                f"per example (in_features), got shape {tuple(x.shape)}"))
        result: Tensor = self.net(flat)
        return result


class CNNEncoder(nn.Module):
    """A small convolutional encoder: images (n, C, H, W) to feature vectors (n, out).

    Each block is conv 3x3 (same padding), batch norm, activation and 2x2 max pooling
    (ceil mode, so tiny maps never vanish). Adaptive average pooling then brings the map to
    a ``grid`` x ``grid`` layout whatever the input size (a 2x2 grid keeps *where* things
    are: left/right, above/below) before a final Linear. Works on 8x8 digits (1 channel)
    and on the shapes images (3 channels, 16x16 or 24x24).

    >>> CNNEncoder(3, 32)(torch.zeros(2, 3, 24, 24)).shape
    torch.Size([2, 32])
    """

    def __init__(self, in_channels: int, out_features: int, channels: Sequence[int] = (16, 32),
                 grid: int = 2, activation: str = "relu", batch_norm: bool = True) -> None:
        super().__init__()
        m = "cnn_encoder"
        in_channels = _int(m, "in_channels", in_channels)
        out_features = _int(m, "out_features", out_features)
        widths = _ints(m, "channels", channels)
        grid = _int(m, "grid", grid)
        act = ACTIVATIONS[_choice(m, "activation", activation, list(ACTIVATIONS))]
        batch_norm = _bool(m, "batch_norm", batch_norm)
        layers: list[nn.Module] = []
        width = in_channels
        for w in widths:
            layers.append(nn.Conv2d(width, w, kernel_size=3, padding=1, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(w))
            layers += [act(), nn.MaxPool2d(2, ceil_mode=True)]
            width = w
        layers += [nn.AdaptiveAvgPool2d(grid), nn.Flatten(1),
                   nn.Linear(width * grid * grid, out_features)]
        self.net = nn.Sequential(*layers)
        self.in_channels, self.out_features = in_channels, out_features

    def forward(self, x: Tensor) -> Tensor:
        """Encode images (n, in_channels, H, W) to (n, out_features).

        >>> CNNEncoder(1, 4)(torch.zeros(3, 1, 8, 8)).shape
        torch.Size([3, 4])
        """
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ModelArgumentError(MESSAGES["bad_input"].format(
                model="cnn_encoder", what=f"expected images (n, {self.in_channels}, H, W) "
                f"(in_channels={self.in_channels}), got shape {tuple(x.shape)}"))
        result: Tensor = self.net(x)
        return result


class CaptionDecoder(nn.Module):
    """Decode a feature vector to caption logits (n, length, vocab_size), non-autoregressively.

    All ``length`` positions are predicted at once from the feature vector; no previous
    token is fed back, so training is one cross-entropy over positions and decoding is an
    argmax per position (fixed-length captions padded with ``<pad>``). Two modes:

    * ``"gru"`` (default): the features set the GRU's initial state (Linear + tanh); the GRU
      is unrolled for ``length`` steps whose inputs are learned position embeddings plus a
      projection of the features; a Linear maps each step's state to vocabulary logits.
    * ``"mlp"``: one hidden layer, then a Linear to ``length * vocab_size`` logits (an
      independent head per position).

    >>> CaptionDecoder(16, vocab_size=15, length=8, mode="mlp")(torch.zeros(2, 16)).shape
    torch.Size([2, 8, 15])
    """

    def __init__(self, in_features: int, vocab_size: int, length: int, hidden: int = 128,
                 mode: str = "gru") -> None:
        super().__init__()
        m = "caption_decoder"
        self.in_features = _int(m, "in_features", in_features)
        self.vocab_size = _int(m, "vocab_size", vocab_size)
        self.length = _int(m, "length", length)
        self.hidden = _int(m, "hidden", hidden)
        self.mode = _choice(m, "mode", mode, ("gru", "mlp"))
        if self.mode == "gru":
            self.init_state = nn.Linear(self.in_features, self.hidden)
            self.feature_input = nn.Linear(self.in_features, self.hidden)
            self.positions = nn.Parameter(torch.randn(self.length, self.hidden) * 0.1)
            self.gru = nn.GRU(self.hidden, self.hidden, batch_first=True)
            self.out = nn.Linear(self.hidden, self.vocab_size)
        else:
            self.head = nn.Sequential(
                nn.Linear(self.in_features, self.hidden), nn.ReLU(),
                nn.Linear(self.hidden, self.length * self.vocab_size))

    def forward(self, features: Tensor) -> Tensor:
        """Logits (n, length, vocab_size) for features (n, in_features).

        >>> CaptionDecoder(4, vocab_size=5, length=3)(torch.zeros(1, 4)).shape
        torch.Size([1, 3, 5])
        """
        if features.dim() != 2 or features.shape[1] != self.in_features:
            raise ModelArgumentError(MESSAGES["bad_input"].format(
                model="caption_decoder", what=f"expected features (n, {self.in_features}) "
                f"(in_features={self.in_features}), got shape {tuple(features.shape)}"))
        n = features.shape[0]
        if self.mode == "mlp":
            logits: Tensor = self.head(features).view(n, self.length, self.vocab_size)
            return logits
        state = torch.tanh(self.init_state(features)).unsqueeze(0)
        steps = self.positions.unsqueeze(0) + self.feature_input(features).unsqueeze(1)
        outputs, _ = self.gru(steps, state)
        result: Tensor = self.out(outputs)
        return result


class TextEncoder(nn.Module):
    """Encode token ids (n, length) to feature vectors (n, out_features).

    Tokens equal to ``pad_index`` are ignored. Two modes:

    * ``"gru"`` (default): embedding, a GRU over the sequence, and a Linear of the GRU state
      at the last non-pad token (a row of only pads reads the state after its first token).
    * ``"mean"``: the mean of the non-pad tokens' embeddings, then a Linear (bag of words:
      it cannot tell word order, so "red circle left of blue square" and "blue circle left
      of red square" coincide).

    >>> TextEncoder(15, 8)(torch.tensor([[1, 3, 7, 2, 0, 0]])).shape
    torch.Size([1, 8])
    """

    def __init__(self, vocab_size: int, out_features: int, embed_dim: int = 32,
                 hidden: int = 64, mode: str = "gru", pad_index: int = 0) -> None:
        super().__init__()
        m = "text_encoder"
        self.vocab_size = _int(m, "vocab_size", vocab_size)
        self.out_features = _int(m, "out_features", out_features)
        embed_dim = _int(m, "embed_dim", embed_dim)
        hidden = _int(m, "hidden", hidden)
        self.mode = _choice(m, "mode", mode, ("gru", "mean"))
        self.pad_index = _int(m, "pad_index", pad_index, minimum=0)
        if self.pad_index >= self.vocab_size:
            raise ModelArgumentError(MESSAGES["bad_int"].format(
                model=m, argument="pad_index", minimum=0,
                value=f"{pad_index} (it must also be < vocab_size={vocab_size})"))
        self.embed = nn.Embedding(self.vocab_size, embed_dim, padding_idx=self.pad_index)
        if self.mode == "gru":
            self.gru = nn.GRU(embed_dim, hidden, batch_first=True)
            self.out = nn.Linear(hidden, self.out_features)
        else:
            self.out = nn.Linear(embed_dim, self.out_features)

    def forward(self, tokens: Tensor) -> Tensor:
        """Features (n, out_features) for int64 token ids (n, length).

        >>> TextEncoder(5, 2, mode="mean")(torch.tensor([[1, 2, 0]])).shape
        torch.Size([1, 2])
        """
        if tokens.dim() != 2 or tokens.dtype.is_floating_point or tokens.shape[1] == 0:
            raise ModelArgumentError(MESSAGES["bad_input"].format(
                model="text_encoder", what="expected integer token ids (n, length) with "
                f"length >= 1, got shape {tuple(tokens.shape)} and dtype {tokens.dtype}"))
        mask = tokens != self.pad_index
        emb = self.embed(tokens)
        if self.mode == "mean":
            count = mask.sum(dim=1, keepdim=True).clamp(min=1).to(emb.dtype)
            pooled = (emb * mask.unsqueeze(-1).to(emb.dtype)).sum(dim=1) / count
            pooled_out: Tensor = self.out(pooled)
            return pooled_out
        outputs, _ = self.gru(emb)
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        last = torch.where(mask, positions, torch.zeros_like(positions)).amax(dim=1)
        picked = outputs[torch.arange(tokens.shape[0], device=tokens.device), last]
        result: Tensor = self.out(picked)
        return result


# ---------------------------------------------------------------------------------------
# Registered builders
# ---------------------------------------------------------------------------------------


@register("mlp")
def mlp(in_features: int, out_features: int, hidden: Sequence[int] = (64,),
        dropout: float = 0.0, activation: str = "relu") -> nn.Module:
    """Build an :class:`MLP` (registered as ``"mlp"``).

    >>> mlp(64, 10, hidden=[32, 32]).out_features
    10
    """
    return MLP(in_features, out_features, hidden, dropout, activation)


@register("cnn_encoder")
def cnn_encoder(in_channels: int, out_features: int, channels: Sequence[int] = (16, 32),
                grid: int = 2, activation: str = "relu", batch_norm: bool = True) -> nn.Module:
    """Build a :class:`CNNEncoder` (registered as ``"cnn_encoder"``).

    >>> cnn_encoder(1, 16, channels=[8]).out_features
    16
    """
    return CNNEncoder(in_channels, out_features, channels, grid, activation, batch_norm)


@register("caption_decoder")
def caption_decoder(in_features: int, vocab_size: int, length: int, hidden: int = 128,
                    mode: str = "gru") -> nn.Module:
    """Build a :class:`CaptionDecoder` (registered as ``"caption_decoder"``).

    >>> caption_decoder(16, 15, 8).length
    8
    """
    return CaptionDecoder(in_features, vocab_size, length, hidden, mode)


@register("text_encoder")
def text_encoder(vocab_size: int, out_features: int, embed_dim: int = 32, hidden: int = 64,
                 mode: str = "gru", pad_index: int = 0) -> nn.Module:
    """Build a :class:`TextEncoder` (registered as ``"text_encoder"``).

    >>> text_encoder(15, 32, mode="mean").mode
    'mean'
    """
    return TextEncoder(vocab_size, out_features, embed_dim, hidden, mode, pad_index)


@register("linear")
def linear(in_features: int, out_features: int, bias: bool = True) -> nn.Module:
    """Build ``nn.Linear(in_features, out_features, bias)`` (registered as ``"linear"``).

    >>> linear(2, 3, bias=False).bias is None
    True
    """
    m = "linear"
    return nn.Linear(_int(m, "in_features", in_features), _int(m, "out_features", out_features),
                     bias=_bool(m, "bias", bias))


@register("identity")
def identity() -> nn.Module:
    """Build ``nn.Identity()`` (registered as ``"identity"``; it has no parameters).

    >>> identity()(torch.ones(2)).tolist()
    [1.0, 1.0]
    """
    return nn.Identity()
