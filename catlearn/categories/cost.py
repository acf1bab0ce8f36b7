"""The category **Cost** (DESIGN §5): parameter spaces with losses, and reparametrisations
that do not increase the loss by more than a constant factor.

An object ``(Θ, L)`` is a set of named real parameters ``Θ`` (a point ``θ`` is a mapping
from names to values) and a loss ``L: Θ → [0, ∞)``. A morphism ``(Θ, L) → (Θ', L')`` is a
map ``φ: Θ' → Θ`` such that ``L ∘ φ ≤ K · L'`` for some constant ``K ≥ 0``; here ``φ`` is
a *reparametrisation*: each parameter of ``Θ`` reads one parameter of ``Θ'``
(restriction, renaming, or sharing). Identities are identity renamings (``K = 1``);
composites compose the maps (constants multiply). Axioms, as doctests::

    >>> A = CostObject(("a",), lambda t: t["a"] ** 2)
    >>> B = CostObject(("a", "b"), lambda t: t["a"] ** 2 + t["b"] ** 2)
    >>> C = CostObject(("u", "v", "w"), lambda t: t["u"] ** 2 + t["v"] ** 2 + t["w"] ** 2)
    >>> f = Reparametrisation.restriction(A, B)               # θ ↦ θ|_{a}
    >>> g = Reparametrisation(B, C, {"a": "u", "b": "v"})     # renaming
    >>> (f >> g)({"u": 1, "v": 2, "w": 3})
    {'a': 1}
    >>> Cost.id(A) >> f == f == f >> Cost.id(B)
    True
    >>> samples = [{"u": 1, "v": 2, "w": 3}, {"u": 0, "v": 0, "w": 5}]
    >>> dominates(A, C, f >> g, samples, K=1)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from catlearn.categories.errors import CategoryTypeError, CompositionError, CostError

__all__ = ["CostObject", "Reparametrisation", "Cost", "dominates", "domination_constant"]

#: A point of a parameter space: a value for each parameter name.
Point = Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class CostObject:
    """An object ``(Θ, L)`` of Cost: parameter names and a loss on points of ``Θ``.

    Calling it evaluates the loss on a point, which must give exactly these parameters.
    Equality is by parameters and by the identity of the loss callable.

    >>> L = CostObject(("w", "b"), lambda t: (t["w"] - 1) ** 2 + t["b"] ** 2, name="L")
    >>> L({"w": 3, "b": 1})
    5
    >>> L({"w": 3})
    Traceback (most recent call last):
    ...
    catlearn.errors.CostError: point of L misses parameters ['b']
    """

    parameters: tuple[str, ...]
    loss: Callable[[Point], Any]
    name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.parameters, str):
            raise CategoryTypeError("parameters must be a sequence of names, not one str")
        params = tuple(self.parameters)
        for p in params:
            if not isinstance(p, str):
                raise CategoryTypeError(f"parameter name {p!r} is not a str")
        if len(set(params)) != len(params):
            dup = sorted({p for p in params if params.count(p) > 1})
            raise CostError(f"duplicate parameter names {dup}")
        if not callable(self.loss):
            raise CategoryTypeError(f"the loss must be callable, not {type(self.loss).__name__}")
        object.__setattr__(self, "parameters", params)

    def _label(self) -> str:
        return self.name or f"({', '.join(self.parameters)})"

    def check_point(self, theta: Point) -> None:
        """Raise :class:`CostError` unless ``theta`` gives exactly these parameters.

        >>> CostObject(("a",), lambda t: 0).check_point({"a": 0, "z": 1})
        Traceback (most recent call last):
        ...
        catlearn.errors.CostError: point of (a) has unknown parameters ['z']
        """
        if not isinstance(theta, Mapping):
            raise CategoryTypeError(f"a point is a mapping from names, not {type(theta).__name__}")
        missing = [p for p in self.parameters if p not in theta]
        if missing:
            raise CostError(f"point of {self._label()} misses parameters {missing}")
        extra = sorted(k for k in theta if k not in self.parameters)
        if extra:
            raise CostError(f"point of {self._label()} has unknown parameters {extra}")

    def __call__(self, theta: Point) -> Any:
        self.check_point(theta)
        value = self.loss(theta)
        if value < 0:
            raise CostError(f"the loss of {self._label()} is negative ({value}) at {dict(theta)}")
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CostObject):
            return NotImplemented
        return self.parameters == other.parameters and self.loss is other.loss

    def __hash__(self) -> int:
        return hash((self.parameters, id(self.loss)))

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        return f"CostObject({self.parameters!r}, <loss>{name})"


class Reparametrisation:
    """A morphism ``(Θ, L) → (Θ', L')`` of Cost, given by the map ``φ: Θ' → Θ`` that
    gives each parameter ``p`` of the domain the value of parameter ``mapping[p]`` of the
    codomain. ``φ`` is a morphism when ``L ∘ φ ≤ K · L'`` for some ``K``; check it on
    samples with :meth:`verify` (or :func:`dominates`).

    >>> A = CostObject(("a",), lambda t: t["a"] ** 2)
    >>> B = CostObject(("x", "y"), lambda t: t["x"] ** 2 + t["y"] ** 2)
    >>> phi = Reparametrisation(A, B, {"a": "y"})
    >>> phi({"x": 5, "y": 2}), phi.verify([{"x": 5, "y": 2}, {"x": 1, "y": 0}])
    ({'a': 2}, Fraction(4, 29))
    >>> Reparametrisation(A, B, {"a": "z"})
    Traceback (most recent call last):
    ...
    catlearn.errors.CostError: parameter 'a' is sent to 'z', which is not a \
parameter of the codomain (x, y)
    """

    __slots__ = ("_dom", "_cod", "_mapping")

    def __init__(self, dom: CostObject, cod: CostObject, mapping: Mapping[str, str]) -> None:
        for what, ob in (("domain", dom), ("codomain", cod)):
            if not isinstance(ob, CostObject):
                raise CategoryTypeError(f"the {what} must be a CostObject, not {type(ob).__name__}")
        if not isinstance(mapping, Mapping):
            raise CategoryTypeError(f"mapping must be a Mapping, not {type(mapping).__name__}")
        extra = sorted(str(k) for k in mapping if k not in dom.parameters)
        if extra:
            raise CostError(
                f"mapping names {extra}, which are not parameters of the domain {dom._label()}"
            )
        missing = [p for p in dom.parameters if p not in mapping]
        if missing:
            raise CostError(f"mapping gives no source for the domain parameters {missing}")
        for p in dom.parameters:
            if mapping[p] not in cod.parameters:
                raise CostError(
                    f"parameter {p!r} is sent to {mapping[p]!r}, which is not a parameter of "
                    f"the codomain {cod._label()}"
                )
        self._dom = dom
        self._cod = cod
        self._mapping: tuple[tuple[str, str], ...] = tuple((p, mapping[p]) for p in dom.parameters)

    @classmethod
    def restriction(cls, dom: CostObject, cod: CostObject) -> Reparametrisation:
        """The restriction ``θ' ↦ θ'|_Θ``, when the domain's parameters are among the
        codomain's.

        >>> A, B = CostObject(("a",), abs), CostObject(("a", "b"), abs)
        >>> Reparametrisation.restriction(A, B).mapping
        {'a': 'a'}
        """
        return cls(dom, cod, {p: p for p in dom.parameters})

    @property
    def dom(self) -> CostObject:
        """The domain ``(Θ, L)``.

        >>> A = CostObject(("a",), abs)
        >>> Cost.id(A).dom is A
        True
        """
        return self._dom

    @property
    def cod(self) -> CostObject:
        """The codomain ``(Θ', L')``.

        >>> A = CostObject(("a",), abs)
        >>> Cost.id(A).cod is A
        True
        """
        return self._cod

    @property
    def mapping(self) -> dict[str, str]:
        """For each domain parameter, the codomain parameter it reads (a copy).

        >>> Cost.id(CostObject(("a", "b"), abs)).mapping
        {'a': 'a', 'b': 'b'}
        """
        return dict(self._mapping)

    def __call__(self, theta: Point) -> dict[str, Any]:
        """Apply ``φ``: a point of the codomain to a point of the domain.

        >>> A, B = CostObject(("a", "b"), abs), CostObject(("s",), abs)
        >>> Reparametrisation(A, B, {"a": "s", "b": "s"})({"s": 7})
        {'a': 7, 'b': 7}
        """
        self._cod.check_point(theta)
        return {p: theta[q] for p, q in self._mapping}

    def then(self, other: Reparametrisation) -> Reparametrisation:
        """Composition in Cost, "self, then other"; also ``f >> g``. The underlying map is
        ``φ_self ∘ φ_other: Θ'' → Θ``.

        >>> A, B = CostObject(("a",), abs), CostObject(("b",), abs)
        >>> Cost.id(A) >> Cost.id(B)
        Traceback (most recent call last):
        ...
        catlearn.errors.CategoryCompositionError: cannot compose Cost morphisms: the \
codomain (a) of the first is not the domain (b) of the second
        """
        if not isinstance(other, Reparametrisation):
            raise CategoryTypeError(
                f"can only compose with a Reparametrisation, not {type(other).__name__}"
            )
        if self._cod != other._dom:
            raise CompositionError(
                f"cannot compose Cost morphisms: the codomain {self._cod._label()} of the "
                f"first is not the domain {other._dom._label()} of the second"
            )
        inner = other.mapping
        return Reparametrisation(self._dom, other._cod, {p: inner[q] for p, q in self._mapping})

    def __rshift__(self, other: Reparametrisation) -> Reparametrisation:
        return self.then(other)

    def verify(self, samples: Iterable[Point], K: Any = None) -> Any:
        """Check ``L ∘ φ ≤ K · L'`` on the samples (points of the codomain) and return the
        constant: ``K`` if given, else the least one that works on the samples. Raises
        :class:`CostError` naming the first sample at fault.

        >>> A = CostObject(("a",), lambda t: t["a"] ** 2)
        >>> B = CostObject(("a",), lambda t: abs(t["a"]))
        >>> Reparametrisation.restriction(A, B).verify([{"a": 3}], K=1)
        Traceback (most recent call last):
        ...
        catlearn.errors.CostError: L∘φ = 9 > K·L' = 1·3 at {'a': 3}
        """
        best, failure = _scan(self._dom, self._cod, self, samples, K)
        if failure is not None:
            raise CostError(failure)
        return K if K is not None else best

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reparametrisation):
            return NotImplemented
        return (self._dom, self._cod, self._mapping) == (other._dom, other._cod, other._mapping)

    def __hash__(self) -> int:
        return hash((self._dom, self._cod, self._mapping))

    def __repr__(self) -> str:
        return f"Reparametrisation({self._dom!r}, {self._cod!r}, {self.mapping!r})"


class Cost:
    """The category Cost: objects :class:`CostObject`, morphisms
    :class:`Reparametrisation`; usable as a functor's codomain (:class:`CategoryLike`).

    >>> A = CostObject(("a",), abs)
    >>> Cost.equal(Cost.compose(Cost.id(A), Cost.id(A)), Cost.id(A))
    True
    """

    @staticmethod
    def id(x: CostObject) -> Reparametrisation:
        """The identity at ``(Θ, L)``: every parameter reads itself.

        >>> Cost.id(CostObject(("a",), abs))({"a": 2})
        {'a': 2}
        """
        return Reparametrisation.restriction(x, x)

    @staticmethod
    def compose(f: Reparametrisation, g: Reparametrisation) -> Reparametrisation:
        """The composite "f, then g".

        >>> A = CostObject(("a",), abs)
        >>> Cost.compose(Cost.id(A), Cost.id(A)) == Cost.id(A)
        True
        """
        return f.then(g)

    @staticmethod
    def equal(f: Reparametrisation, g: Reparametrisation) -> bool:
        """Equality of morphisms: same ends, same parameter map.

        >>> A, B = CostObject(("a",), abs), CostObject(("s", "t"), abs)
        >>> Cost.equal(Reparametrisation(A, B, {"a": "s"}), Reparametrisation(A, B, {"a": "t"}))
        False
        """
        return f == g

    @staticmethod
    def source(f: Reparametrisation) -> CostObject:
        """The domain of a morphism.

        >>> A = CostObject(("a",), abs)
        >>> Cost.source(Cost.id(A)) is A
        True
        """
        return f.dom

    @staticmethod
    def target(f: Reparametrisation) -> CostObject:
        """The codomain of a morphism.

        >>> A = CostObject(("a",), abs)
        >>> Cost.target(Cost.id(A)) is A
        True
        """
        return f.cod


LossLike = CostObject | Callable[[Point], Any]
MapLike = Reparametrisation | Callable[[Point], Point]


def _scan(
    L: LossLike, L_prime: LossLike, phi: MapLike, samples: Iterable[Point], K: Any
) -> tuple[Any, str | None]:
    """Scan the samples: the least constant seen so far, and the first failure (``None``
    if none) of ``L∘φ ≤ K·L'`` (given ``K``) or of "zeros go to zeros" (``K`` is ``None``).
    Negative loss values raise :class:`CostError`."""
    if K is not None and K < 0:
        raise CostError(f"the constant K must be non-negative, not {K}")
    best: Any = 0
    for theta in samples:
        lhs, rhs = L(phi(theta)), L_prime(theta)
        for what, v in (("L∘φ", lhs), ("L'", rhs)):
            if v < 0:
                raise CostError(f"{what} is negative ({v}) at {dict(theta)}: losses are ≥ 0")
        if K is not None:
            if lhs > K * rhs:
                return best, f"L∘φ = {lhs} > K·L' = {K}·{rhs} at {dict(theta)}"
        elif rhs == 0:
            if lhs != 0:
                return best, (
                    f"no constant K works: L' = 0 but L∘φ = {lhs} at {dict(theta)} "
                    "(a zero of L' must be sent to a zero of L)"
                )
        else:
            # ints divide exactly (Fraction), as sympy and Fraction values do themselves.
            exact = isinstance(lhs, int) and isinstance(rhs, int)
            ratio = Fraction(lhs, rhs) if exact else lhs / rhs
            if ratio > best:
                best = ratio
    return best, None


def domination_constant(
    L: LossLike, L_prime: LossLike, phi: MapLike, samples: Iterable[Point]
) -> Any | None:
    """The least ``K`` with ``L(φ θ) ≤ K · L'(θ)`` on every sample ``θ`` (``0`` if there are
    none), or ``None`` when no ``K`` works (a zero of ``L'`` is sent to a non-zero of
    ``L``). Exact when the losses return exact numbers (ints, Fractions, sympy Rationals).

    >>> from fractions import Fraction
    >>> L = lambda t: t["a"] ** 2
    >>> L2 = lambda t: Fraction(t["a"] ** 2, 4)
    >>> domination_constant(L, L2, lambda t: t, [{"a": 1}, {"a": 3}])
    Fraction(4, 1)
    >>> domination_constant(L, lambda t: 0, lambda t: t, [{"a": 1}]) is None
    True
    """
    best, failure = _scan(L, L_prime, phi, samples, None)
    return None if failure is not None else best


def dominates(
    L: LossLike, L_prime: LossLike, phi: MapLike, samples: Iterable[Point], K: Any = None
) -> bool:
    """Whether ``L ∘ φ ≤ K · L'`` on every sample ``θ`` (points of the space of ``L'``).
    With ``K=None``: whether some constant works on the samples, i.e. every sampled zero of
    ``L'`` is sent by ``φ`` to a zero of ``L``. Losses and ``φ`` may be Cost objects and
    morphisms or plain callables.

    >>> L = lambda t: t["a"] ** 2
    >>> dominates(L, lambda t: t["a"] ** 2 + t["b"] ** 2, lambda t: {"a": t["a"]},
    ...           [{"a": 1, "b": 0}, {"a": 2, "b": 5}], K=1)
    True
    >>> dominates(L, lambda t: t["b"] ** 2, lambda t: {"a": t["a"]}, [{"a": 1, "b": 0}])
    False
    """
    return _scan(L, L_prime, phi, samples, K)[1] is None
