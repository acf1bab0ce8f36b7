"""Comparators: how two values in a space are compared, ``d(lhs, rhs) -> scalar``.

An equation ``lhs = rhs`` contributes ``weight · d(lhs(B), rhs(B))`` to the loss, where
``B`` is a batch (first dimension: the batch, size ``n``). **By convention the rhs is the
reference (the target)**: path finding puts the path closer to the data on the right
(``x ⋅ c = y``), and a teacher is on the right of a distillation equation. Comparators
see whole batches, so batch-level comparators (InfoNCE) fit too.

Built-in comparators (the name, the class, the exact value for ``a = lhs``, ``b = rhs``
of batch size ``n``):

``mse`` (:class:`MSE`)
    ``mean((a - b)²)`` over **all elements** — ``torch.nn.functional.mse_loss`` with its
    default ``reduction="mean"``.
``sqdist`` (:class:`SqDist`)
    ``(1/n) Σ_i ‖a_i - b_i‖²``: the squared Euclidean distance of each example (summed
    over all its components), averaged over the batch. For one example it is exactly the
    default comparator of :class:`catlearn.symbolic.SymbolicRealisation`, whose loss on a
    batch of ``n`` points is ``n · sqdist``; ``sqdist = D · mse`` for ``D`` components.
``l1`` (:class:`L1)`
    ``mean(|a - b|)`` over all elements (``F.l1_loss``).
``cross_entropy`` (:class:`CrossEntropy`)
    ``F.cross_entropy(logits, target)``, mean over the batch; classes on dimension 1. The
    logits side is the one with a floating dtype; the target is the rhs, or the side with
    an integer dtype when the lhs holds class indices (the sides are then swapped). A
    float target holds class probabilities (``soft_target="probs"``, the default) or
    logits turned into probabilities by a softmax (``soft_target="logits"``).
    ``label_smoothing`` is passed on. ``class_dim`` (default 1) says which dimension of
    the logits holds the classes: sequence models that give ``(n, length, classes)``
    logits, such as a caption decoder, use ``"cross_entropy(class_dim=2)"`` (or ``-1``)
    against ``(n, length)`` token ids.
``kl`` (:class:`KL`)
    ``T² · KL(softmax(b/T) ‖ softmax(a/T))``, summed over classes (dimension 1) and
    averaged over the batch (``reduction="batchmean"``): knowledge distillation as in
    Hinton et al. (2015), the rhs ``b`` being the teacher (the target), the lhs ``a`` the
    student; ``T²`` keeps the gradient scale independent of the temperature ``T``
    (``temperature``, default 1).
``cosine`` (:class:`Cosine`)
    ``mean(1 - cos(a, b))``, the cosine similarity taken along dimension 1 (the feature
    dimension, as ``nn.CosineSimilarity``), averaged over the rest.
``info_nce`` (:class:`InfoNCE`)
    Contrastive, batch level (van den Oord et al. 2018; CLIP when ``symmetric``): rows
    are L2-normalised (each example flattened), ``S = a bᵀ / T``, and the loss is the
    cross-entropy of ``S`` with the diagonal as the labels (``a_i`` must pick ``b_i``
    among the batch), mean over the batch; ``symmetric=True`` averages it with the same
    for ``Sᵀ``. Unlike the others, ``d(a, a) > 0``: it is minimised when matched pairs are
    closer than mismatched ones. It is not additive over sub-batches (under
    ``DistributedDataParallel`` each process contrasts its own batch only).

Any callable ``(a, b) -> scalar tensor`` is a comparator too (wrapped in
:class:`FunctionComparator`). Names may carry parameters: ``"kl(temperature=4)"``.

>>> import torch
>>> a, b = torch.tensor([[1.0, 2.0], [0.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 2.0]])
>>> float(MSE()(a, b)), float(SqDist()(a, b))
(2.0, 4.0)
>>> get_comparator("kl(temperature=4)")
KL(temperature=4.0)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from catlearn_torch.errors import (
    BAD_COMPARATOR_ARGS,
    BAD_COMPARATOR_SPEC,
    DUPLICATE_COMPARATOR,
    REGISTERED_COMPARATOR_FAILED,
    UNKNOWN_COMPARATOR_REGISTERED,
    ComparatorError,
)
from catlearn_torch.plugins import GROUPS, entry_point_names, from_entry_point

__all__ = [
    "Comparator",
    "MSE",
    "SqDist",
    "L1",
    "CrossEntropy",
    "KL",
    "Cosine",
    "InfoNCE",
    "FunctionComparator",
    "BUILTINS",
    "get_comparator",
    "describe",
    "register",
    "registered",
]


def describe(x: object) -> str:
    """A value's shape and dtype in words (for messages).

    >>> describe(torch.zeros(4, 3))
    'shape (4, 3) and dtype float32'
    """
    if isinstance(x, Tensor):
        return f"shape {tuple(x.shape)} and dtype {str(x.dtype).replace('torch.', '')}"
    return f"type {type(x).__name__}"


class Comparator:
    """Base class of comparators: ``d(a, b)`` with a ``name`` and a shape ``check``.

    Subclasses implement ``__call__``; :meth:`check` returns a sentence describing why
    two values cannot be compared, or ``None`` when they can (it is used by
    :meth:`catlearn_torch.CompiledDiagram.check`, never inside the training step).

    >>> MSE().check(torch.zeros(2, 3), torch.zeros(2, 4))
    'the shapes differ: (2, 3) vs (2, 4)'
    """

    name: str = "comparator"

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        """Compare ``a`` (lhs) with ``b`` (rhs, the reference); returns a scalar."""
        raise ComparatorError(f"{type(self).__name__} does not define __call__")

    def check(self, a: Tensor, b: Tensor) -> str | None:
        """Why ``a`` and ``b`` cannot be compared (``None``: they can)."""
        return _same_float(a, b)

    def params(self) -> dict[str, Any]:
        """The comparator's parameters (for ``repr``)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.params() == other.params()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.params().items()))))


def _same_float(a: Tensor, b: Tensor) -> str | None:
    if tuple(a.shape) != tuple(b.shape):
        return f"the shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}"
    for side, x in (("lhs", a), ("rhs", b)):
        if not x.is_floating_point():
            return f"the {side} has dtype {str(x.dtype).replace('torch.', '')}; a floating " \
                   "dtype is needed"
    return None


def _need_batch(a: Tensor, b: Tensor, dims: int = 2) -> str | None:
    for side, x in (("lhs", a), ("rhs", b)):
        if x.dim() < dims:
            return f"the {side} has shape {tuple(x.shape)}; at least {dims} dimensions " \
                   "(batch, classes or features, ...) are needed"
    return None


class MSE(Comparator):
    """Mean squared error over all elements (``F.mse_loss``, ``reduction="mean"``).

    >>> float(MSE()(torch.tensor([[0.0, 2.0]]), torch.tensor([[0.0, 0.0]])))
    2.0
    """

    name = "mse"

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        return F.mse_loss(a, b)


class SqDist(Comparator):
    """Squared Euclidean distance per example, mean over the batch (the sympy semantics).

    >>> float(SqDist()(torch.tensor([[0.0, 2.0]]), torch.tensor([[0.0, 0.0]])))
    4.0
    """

    name = "sqdist"

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        d = a - b
        return (d * d).sum() / d.shape[0]

    def check(self, a: Tensor, b: Tensor) -> str | None:
        return _same_float(a, b) or _need_batch(a, b, 1)


class L1(Comparator):
    """Mean absolute error over all elements (``F.l1_loss``).

    >>> float(L1()(torch.tensor([[1.0, -3.0]]), torch.zeros(1, 2)))
    2.0
    """

    name = "l1"

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        return F.l1_loss(a, b)


def _positive(name: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ComparatorError(BAD_COMPARATOR_ARGS.format(
            name=name, why=f"{key} must be a number > 0, not {value!r}"))
    return float(value)


class CrossEntropy(Comparator):
    """Cross-entropy of logits against class indices or a distribution (see the module
    docstring for which side is which).

    >>> logits, labels = torch.tensor([[0.0, 0.0]]), torch.tensor([1])
    >>> round(float(CrossEntropy()(logits, labels)), 4)  # log 2
    0.6931
    >>> float(CrossEntropy()(labels, logits)) == float(CrossEntropy()(logits, labels))
    True
    >>> seq = torch.zeros(2, 5, 3)            # (n, length, classes) logits
    >>> round(float(get_comparator("cross_entropy(class_dim=2)")(seq, torch.zeros(2, 5,
    ...       dtype=torch.long))), 4)         # log 3
    1.0986
    """

    name = "cross_entropy"

    def __init__(self, soft_target: str = "probs", label_smoothing: float = 0.0,
                 class_dim: int = 1) -> None:
        if soft_target not in ("probs", "logits"):
            raise ComparatorError(BAD_COMPARATOR_ARGS.format(
                name=self.name, why=f"soft_target must be 'probs' or 'logits', not "
                                    f"{soft_target!r}"))
        if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float)) \
                or not 0.0 <= label_smoothing <= 1.0:
            raise ComparatorError(BAD_COMPARATOR_ARGS.format(
                name=self.name, why=f"label_smoothing must be in [0, 1], not "
                                    f"{label_smoothing!r}"))
        if isinstance(class_dim, bool) or not isinstance(class_dim, int):
            raise ComparatorError(BAD_COMPARATOR_ARGS.format(
                name=self.name, why=f"class_dim must be an int, not {class_dim!r}"))
        self.soft_target = soft_target
        self.label_smoothing = float(label_smoothing)
        self.class_dim = class_dim

    def params(self) -> dict[str, Any]:
        """The parameters (``class_dim`` is shown only when it is not the default 1).

        >>> CrossEntropy(class_dim=2).params()["class_dim"]
        2
        """
        out: dict[str, Any] = {"soft_target": self.soft_target,
                               "label_smoothing": self.label_smoothing}
        if self.class_dim != 1:
            out["class_dim"] = self.class_dim
        return out

    def _classes_on_1(self, a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
        """The logits (and a float target) with the classes moved to dimension 1."""
        if self.class_dim == 1 or a.dim() < 2:
            return a, b
        a = a.movedim(self.class_dim, 1)
        if b.is_floating_point() and b.dim() >= 2:
            b = b.movedim(self.class_dim, 1)
        return a, b

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        if not a.is_floating_point() and b.is_floating_point():
            a, b = b, a
        a, b = self._classes_on_1(a, b)
        if b.is_floating_point() and self.soft_target == "logits":
            b = torch.softmax(b, dim=1)
        return F.cross_entropy(a, b, label_smoothing=self.label_smoothing)

    # PLR0911: one early return per refused pair of tensors
    def check(self, a: Tensor, b: Tensor) -> str | None:  # noqa: PLR0911
        if not a.is_floating_point() and b.is_floating_point():
            a, b = b, a
        if not a.is_floating_point():
            return "neither side holds logits (a floating dtype is needed on one side)"
        if self.class_dim != 1 and a.dim() >= 2:
            if not -a.dim() <= self.class_dim < a.dim():
                return f"class_dim={self.class_dim} is not a dimension of logits of shape " \
                    f"{tuple(a.shape)}"
            a, b = self._classes_on_1(a, b)
        if a.dim() < 1:
            return f"the logits have shape {tuple(a.shape)}"
        if b.is_floating_point():
            if tuple(a.shape) != tuple(b.shape):
                return (f"logits of shape {tuple(a.shape)} need a target of the same shape "
                        f"(probabilities) or of shape {tuple(a.shape[:1] + a.shape[2:])} "
                        f"(class indices), not {tuple(b.shape)}")
            if self.soft_target == "probs":
                total = b.detach().float().sum(dim=1) if b.dim() > 1 else b.sum()
                if bool((b < 0).any()) or not torch.allclose(
                        total, torch.ones_like(total), atol=1e-3):
                    return ("the rhs (target) is float but not probabilities (negative "
                            "values, or classes do not sum to 1): use "
                            "cross_entropy(soft_target='logits') for logits, or 'kl'")
            return None
        want = tuple(a.shape[:1] + a.shape[2:]) if a.dim() > 1 else ()
        if tuple(b.shape) != want:
            return (f"class indices for logits of shape {tuple(a.shape)} must have shape "
                    f"{want}, not {tuple(b.shape)}")
        n = a.shape[1] if a.dim() > 1 else a.shape[0]
        if b.numel() and (int(b.min()) < 0 or int(b.max()) >= n):
            return f"class indices must lie in [0, {n}), got {int(b.min())}..{int(b.max())}"
        return None


class KL(Comparator):
    """Distillation loss ``T² · KL(softmax(b/T) ‖ softmax(a/T))``, batch mean.

    >>> z = torch.tensor([[1.0, 2.0, 3.0]])
    >>> float(KL(temperature=2)(z, z))
    0.0
    """

    name = "kl"

    def __init__(self, temperature: float = 1.0) -> None:
        self.temperature = _positive(self.name, "temperature", temperature)

    def params(self) -> dict[str, Any]:
        return {"temperature": self.temperature}

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        t = self.temperature
        if t == 1.0:
            return F.kl_div(F.log_softmax(a, dim=1), F.log_softmax(b, dim=1),
                            reduction="batchmean", log_target=True)
        return F.kl_div(F.log_softmax(a / t, dim=1), F.log_softmax(b / t, dim=1),
                        reduction="batchmean", log_target=True) * (t * t)

    def check(self, a: Tensor, b: Tensor) -> str | None:
        return _same_float(a, b) or _need_batch(a, b)


class Cosine(Comparator):
    """``mean(1 - cos(a, b))`` along dimension 1.

    >>> float(Cosine()(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 3.0]])))
    1.0
    """

    name = "cosine"

    def __init__(self, eps: float = 1e-8) -> None:
        self.eps = _positive(self.name, "eps", eps)

    def params(self) -> dict[str, Any]:
        return {"eps": self.eps}

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        return (1.0 - F.cosine_similarity(a, b, dim=1, eps=self.eps)).mean()

    def check(self, a: Tensor, b: Tensor) -> str | None:
        return _same_float(a, b) or _need_batch(a, b)


class InfoNCE(Comparator):
    """Batch-level contrastive loss with temperature (see the module docstring).

    >>> a = torch.eye(3)
    >>> float(InfoNCE(temperature=0.01)(a, a)) < 1e-6
    True
    """

    name = "info_nce"

    def __init__(self, temperature: float = 0.1, symmetric: bool = False) -> None:
        self.temperature = _positive(self.name, "temperature", temperature)
        if not isinstance(symmetric, bool):
            raise ComparatorError(BAD_COMPARATOR_ARGS.format(
                name=self.name, why=f"symmetric must be True or False, not {symmetric!r}"))
        self.symmetric = symmetric

    def params(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "symmetric": self.symmetric}

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        a = F.normalize(a.flatten(1), dim=1)
        b = F.normalize(b.flatten(1), dim=1)
        logits = a @ b.T / self.temperature
        labels = torch.arange(logits.shape[0], device=logits.device)
        loss = F.cross_entropy(logits, labels)
        if self.symmetric:
            loss = 0.5 * (loss + F.cross_entropy(logits.T, labels))
        return loss

    def check(self, a: Tensor, b: Tensor) -> str | None:
        if a.dim() < 1 or b.dim() < 1 or a.shape[0] != b.shape[0]:
            return f"batch sizes differ: {tuple(a.shape)} vs {tuple(b.shape)}"
        if a[0].numel() != b[0].numel():
            return (f"embeddings differ in size: {tuple(a.shape[1:])} vs "
                    f"{tuple(b.shape[1:])}")
        if not (a.is_floating_point() and b.is_floating_point()):
            return "both sides must have a floating dtype"
        return None


class FunctionComparator(Comparator):
    """A user callable ``(a, b) -> scalar tensor`` as a comparator (no shape check).

    >>> d = FunctionComparator(lambda a, b: (a - b).abs().max(), "maxabs")
    >>> d, float(d(torch.tensor([1.0, 5.0]), torch.tensor([0.0, 0.0])))
    (FunctionComparator('maxabs'), 5.0)
    """

    def __init__(self, fn: Callable[[Tensor, Tensor], Tensor], name: str | None = None
                 ) -> None:
        if not callable(fn):
            raise ComparatorError(f"a comparator must be callable, not {type(fn).__name__}")
        self.fn = fn
        self.name = str(name or getattr(fn, "__name__", type(fn).__name__))

    def __call__(self, a: Tensor, b: Tensor) -> Tensor:
        return self.fn(a, b)

    def check(self, a: Tensor, b: Tensor) -> str | None:
        return None

    def __repr__(self) -> str:
        return f"FunctionComparator({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionComparator) and other.fn is self.fn

    def __hash__(self) -> int:
        return hash(id(self.fn))


#: The built-in comparators by name.
BUILTINS: dict[str, type[Comparator]] = {
    c.name: c for c in (MSE, SqDist, L1, CrossEntropy, KL, Cosine, InfoNCE)
}

Factory = Callable[..., Any]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, *, replace: bool = False) -> Callable[[Factory], Factory]:
    """A decorator that registers a comparator under ``name``, for spec files and
    :func:`get_comparator`: a :class:`Comparator` subclass or a factory ``(**options) ->
    Comparator | callable (a, b) -> scalar``, called with the options written in the
    spec (``"hinge(margin=1)"`` calls it with ``margin=1``). Built-in names and names
    registered twice are refused unless ``replace=True``.

    >>> @register("hinge_doc")
    ... def hinge(margin: float = 1.0):
    ...     return lambda a, b: torch.relu(margin - a * b).mean()
    >>> float(get_comparator("hinge_doc(margin=2)")(torch.ones(2), torch.ones(2)))
    1.0
    >>> get_comparator("hinge_doc(width=2)")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.ComparatorError: comparator 'hinge_doc': building it with \
{'width': 2} failed: TypeError: hinge() got an unexpected keyword argument 'width'
    >>> _ = _REGISTRY.pop("hinge_doc")
    """
    if not isinstance(name, str) or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is None:
        raise ComparatorError(f"a comparator name must be an identifier (letters, digits, "
                              f"'_'), not {name!r}")

    def decorate(factory: Factory) -> Factory:
        if (name in _REGISTRY or name in BUILTINS) and not replace:
            raise ComparatorError(DUPLICATE_COMPARATOR.format(name=name))
        _REGISTRY[name] = factory
        return factory
    return decorate


def registered() -> list[str]:
    """The registered comparator names (and the entry points of the group
    ``catlearn.comparators``, see :mod:`catlearn_torch.plugins`), sorted.

    >>> registered()
    []
    """
    return sorted(set(_REGISTRY) | set(entry_point_names(GROUPS["comparators"])))


def _lookup(name: str) -> Factory | None:
    factory = _REGISTRY.get(name)
    if factory is None:
        found = from_entry_point(GROUPS["comparators"], name)
        if callable(found):
            factory = _REGISTRY[name] = found
    return factory


def _from_factory(name: str, factory: Factory, kwargs: dict[str, Any]) -> Comparator:
    try:
        made = factory(**kwargs)
    except ComparatorError:
        raise
    except Exception as err:  # a user factory failed: name it, no traceback
        raise ComparatorError(REGISTERED_COMPARATOR_FAILED.format(
            name=name, args=kwargs, error=f"{type(err).__name__}: {err}")) from None
    if isinstance(made, Comparator):
        return made
    if callable(made):
        return FunctionComparator(made, name=name)
    raise ComparatorError(f"comparator {name!r}: its factory returned {type(made).__name__}, "
                          f"not a Comparator or a callable (a, b) -> scalar")


_SPEC = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$", re.S)


def _parse(text: str) -> tuple[str, dict[str, Any]]:
    m = _SPEC.match(text)
    if m is None:
        raise ComparatorError(BAD_COMPARATOR_SPEC.format(
            text=text, why="not a name with optional (key=value, ...) arguments"))
    name, args = m.group(1), m.group(2)
    kwargs: dict[str, Any] = {}
    if args and args.strip():
        if len(args) > 1000:
            raise ComparatorError(BAD_COMPARATOR_SPEC.format(
                text=text[:60] + "...", why="the arguments are longer than 1000 characters"))
        try:
            call = ast.parse(f"f({args})", mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise ComparatorError(BAD_COMPARATOR_SPEC.format(
                text=text, why="the arguments do not parse")) from None
        if not isinstance(call, ast.Call) or call.args:
            raise ComparatorError(BAD_COMPARATOR_SPEC.format(
                text=text, why="arguments must be given as key=value"))
        for kw in call.keywords:
            if kw.arg is None:
                raise ComparatorError(BAD_COMPARATOR_SPEC.format(
                    text=text, why="arguments must be given as key=value"))
            try:
                kwargs[kw.arg] = ast.literal_eval(kw.value)
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                raise ComparatorError(BAD_COMPARATOR_SPEC.format(
                    text=text, why=f"the value of {kw.arg} is not a literal")) from None
    return name, kwargs


def get_comparator(spec: str | Comparator | Callable[[Tensor, Tensor], Tensor],
                   registry: Mapping[str, Any] | None = None) -> Comparator:
    """A comparator from a name (``"mse"``, ``"kl(temperature=4)"``), a
    :class:`Comparator` or a callable. Names are looked up in ``registry`` (user
    comparators: callables or comparators) first, then in :data:`BUILTINS`.

    >>> get_comparator("cross_entropy(label_smoothing=0.1)")
    CrossEntropy(soft_target='probs', label_smoothing=0.1)
    >>> get_comparator("hinge")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.ComparatorError: unknown comparator 'hinge' (built in: mse, ...
    """
    if isinstance(spec, Comparator):
        return spec
    if isinstance(spec, str):
        registry = registry or {}
        if spec in registry:
            return get_comparator(registry[spec])
        name, kwargs = _parse(spec)
        if name in registry and not kwargs:
            return get_comparator(registry[name])
        factory = _lookup(name)
        if factory is not None:
            return _from_factory(name, factory, kwargs)
        if name not in BUILTINS:
            raise ComparatorError(UNKNOWN_COMPARATOR_REGISTERED.format(
                name=spec, builtins=", ".join(BUILTINS),
                registered=", ".join(registered()) or "none"))
        try:
            return BUILTINS[name](**kwargs)
        except TypeError as err:
            raise ComparatorError(BAD_COMPARATOR_ARGS.format(
                name=name, why=str(err).replace("__init__() ", ""))) from None
    if callable(spec):
        return FunctionComparator(spec)
    raise ComparatorError(f"a comparator is a name, a Comparator or a callable (a, b) -> "
                          f"scalar, not {type(spec).__name__}")
