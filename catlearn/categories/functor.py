"""Functors out of finitely presented categories.

A functor ``F: C → D`` is fixed by an object map and a generator map; it extends to
paths by ``F(id x) = id F(x)`` and ``F(p ⋅ e) = F(p) ; F(e)``. It exists when the images
of both sides of each relation of ``C`` are equal in ``D`` (checked on construction).
Axioms, as doctests, with ``D`` the one-object category of integers under addition::

    >>> from catlearn.categories.category import Category
    >>> from catlearn.categories.free import FreeCategory
    >>> C = FreeCategory(Graph(("x", "y"), (("f", "x", "y"), ("g", "y", "x"))))
    >>> Z = Category(lambda x: 0, lambda a, b: a + b)
    >>> F = Functor(C, Z, lambda v: "*", {"f": 2, "g": 5})
    >>> F(C.id("x")) == Z.id(F("x"))
    True
    >>> p, q = C.path("f", "g"), C.path("f")
    >>> F(p >> q) == Z.compose(F(p), F(q))
    True
    >>> check_functor_laws(F, [C.id("y"), p, q, C.path("g")])  # 2 objects, 8 pairs
    10
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from catlearn.categories.category import CategoryLike
from catlearn.categories.errors import CategoryError, CategoryTypeError, FunctorLawError
from catlearn.categories.fincat import FinCat
from catlearn.categories.graph import Edge, Graph
from catlearn.categories.path import Path

__all__ = ["Functor", "FunctorLike", "check_functor_laws"]


def _table(
    kind: str,
    keys: Iterable[Any],
    name: Callable[[Any], str],
    given: Mapping[str, Any] | Callable[[Any], Any],
) -> dict[str, Any]:
    keys = list(keys)
    plural = {"vertex": "vertices", "edge": "edges"}[kind]
    if isinstance(given, Mapping):
        names = {name(k) for k in keys}
        extra = [k for k in given if k not in names]
        if extra:
            raise CategoryError(f"the {kind} map names unknown {plural}: {extra!r}")
        missing = [name(k) for k in keys if name(k) not in given]
        if missing:
            raise CategoryError(f"the {kind} map gives no image for the {plural} {missing!r}")
        return {name(k): given[name(k)] for k in keys}
    if callable(given):
        return {name(k): given(k) for k in keys}
    raise CategoryTypeError(
        f"the {kind} map must be a mapping or a callable, not {type(given).__name__}"
    )


class Functor:
    """The functor ``dom → cod`` with the given object map and generator map.

    ``on_objects`` maps vertex names (a mapping, or a callable on names); ``on_edges`` maps
    edge names (a mapping, or a callable on :class:`Edge` values). When ``cod`` is a
    :class:`FinCat`, edge images may be anything :meth:`FinCat.coerce` accepts. When
    ``cod`` has ``source``/``target`` maps, each generator's image is checked to go from
    the image of its source to the image of its target; every relation of ``dom`` is
    checked to hold in ``cod``. Errors name the edge or relation at fault.

    >>> from catlearn.categories.free import FreeCategory
    >>> C = FreeCategory(Graph(("x", "y"), (("f", "x", "y"),)))
    >>> D = FreeCategory(Graph(("a", "b"), (("u", "a", "b"), ("v", "b", "b"))))
    >>> F = Functor(C, D, {"x": "a", "y": "b"}, {"f": "a ⋅ u ⋅ v"})
    >>> F(C.generator("f")), F("y")
    (a ⋅ u ⋅ v, 'b')
    >>> Functor(C, D, {"x": "a", "y": "a"}, {"f": "a ⋅ u"})
    Traceback (most recent call last):
    ...
    catlearn.errors.CategoryError: the image a ⋅ u of edge f: x → y goes a → b, \
not F(x) = a → F(y) = a
    """

    def __init__(
        self,
        dom: FinCat,
        cod: CategoryLike,
        on_objects: Mapping[str, Any] | Callable[[str], Any],
        on_edges: Mapping[str, Any] | Callable[[Edge], Any],
    ) -> None:
        if not isinstance(dom, FinCat):
            raise CategoryTypeError(
                f"a functor's domain is a FinCat or FreeCategory, not {type(dom).__name__}"
            )
        for op in ("id", "compose", "equal"):
            if not callable(getattr(cod, op, None)):
                raise CategoryTypeError(
                    f"the codomain {cod!r} is not a category: it has no method {op!r}"
                )
        graph: Graph = dom.graph
        obs = _table("vertex", graph.vertices, lambda v: v, on_objects)
        ars = _table("edge", graph.edges, lambda e: e.name, on_edges)
        if isinstance(cod, FinCat):
            for v, img in obs.items():
                obs[v] = cod.graph.check_vertex(img)
            ars = {name: cod.coerce(img) for name, img in ars.items()}
        source = getattr(cod, "source", None)
        target = getattr(cod, "target", None)
        if callable(source) and callable(target):
            for e in graph.edges:
                img = ars[e.name]
                s, t = source(img), target(img)
                if s != obs[e.src] or t != obs[e.tgt]:
                    raise CategoryError(
                        f"the image {img!r} of edge {e.name}: {e.src} → {e.tgt} goes {s} → {t}, "
                        f"not F({e.src}) = {obs[e.src]} → F({e.tgt}) = {obs[e.tgt]}"
                    )
        self._dom = dom
        self._cod = cod
        self._obs = obs
        self._ars = ars
        for lhs, rhs in dom.relations:
            fl, fr = self(lhs), self(rhs)
            if not cod.equal(fl, fr):
                raise CategoryError(
                    f"the relation {lhs!r} = {rhs!r} does not hold in the codomain: "
                    f"F({lhs!r}) = {fl!r} but F({rhs!r}) = {fr!r}"
                )

    @property
    def dom(self) -> FinCat:
        """The domain category.

        >>> from catlearn.categories.free import FreeCategory
        >>> C = FreeCategory(Graph(("x",)))
        >>> Functor.id(C).dom is C
        True
        """
        return self._dom

    @property
    def cod(self) -> CategoryLike:
        """The codomain category.

        >>> from catlearn.categories.free import FreeCategory
        >>> C = FreeCategory(Graph(("x",)))
        >>> Functor.id(C).cod is C
        True
        """
        return self._cod

    @property
    def on_objects(self) -> dict[str, Any]:
        """The object map, as a dict (a copy).

        >>> from catlearn.categories.free import FreeCategory
        >>> Functor.id(FreeCategory(Graph(("x",)))).on_objects
        {'x': 'x'}
        """
        return dict(self._obs)

    @property
    def on_edges(self) -> dict[str, Any]:
        """The generator map, as a dict from edge names (a copy).

        >>> from catlearn.categories.free import FreeCategory
        >>> Functor.id(FreeCategory(Graph(("x",), (("f", "x", "x"),)))).on_edges
        {'f': x ⋅ f}
        """
        return dict(self._ars)

    @classmethod
    def id(cls, C: FinCat) -> Functor:
        """The identity functor on ``C``.

        >>> from catlearn.categories.free import FreeCategory
        >>> C = FreeCategory(Graph(("x",), (("f", "x", "x"),)))
        >>> Functor.id(C)(C.path("f", "f"))
        x ⋅ f ⋅ f
        """
        return cls(C, C, lambda v: v, lambda e: Path.edge(e))

    def __call__(self, x: Any) -> Any:
        """The image of an object (a vertex name) or a morphism (a path of ``dom``).

        >>> from catlearn.categories.free import FreeCategory
        >>> F = Functor.id(FreeCategory(Graph(("x",))))
        >>> F("y")
        Traceback (most recent call last):
        ...
        catlearn.errors.CategoryError: 'y' is not a vertex of the graph \
(vertices: 'x')
        """
        if isinstance(x, str):
            return self._obs[self._dom.graph.check_vertex(x)]
        if isinstance(x, Path):
            p = self._dom.coerce(x)
            if p.is_identity():
                return self._cod.id(self._obs[p.src])
            result = self._ars[p.edges[0].name]
            for e in p.edges[1:]:
                result = self._cod.compose(result, self._ars[e.name])
            return result
        raise CategoryTypeError(
            f"a functor applies to an object (str) or a Path, not {type(x).__name__}"
        )

    def then(self, other: Functor) -> Functor:
        """Composition of functors, "self, then other"; also written ``F >> G``.

        >>> from catlearn.categories.free import FreeCategory
        >>> C = FreeCategory(Graph(("x",), (("f", "x", "x"),)))
        >>> (Functor.id(C) >> Functor.id(C))(C.path("f"))
        x ⋅ f
        """
        if not isinstance(other, Functor):
            raise CategoryTypeError(f"can only compose with a Functor, not {type(other).__name__}")
        if not isinstance(self._cod, FinCat) or self._cod != other.dom:
            raise CategoryError(
                f"cannot compose functors: the codomain {self._cod!r} of the first is not "
                f"the domain {other.dom!r} of the second"
            )
        return Functor(
            self._dom,
            other.cod,
            {v: other(img) for v, img in self._obs.items()},
            {name: other(img) for name, img in self._ars.items()},
        )

    def __rshift__(self, other: Functor) -> Functor:
        return self.then(other)

    def __repr__(self) -> str:
        return f"Functor(dom={self._dom!r}, cod={self._cod!r})"


class FunctorLike(Protocol):
    """Anything :func:`check_functor_laws` can check: a codomain and a ``__call__`` on
    objects and paths (a :class:`Functor`, or a candidate computed some other way).

    >>> from catlearn.categories.free import FreeCategory
    >>> isinstance(Functor.id(FreeCategory(Graph(("x",)))), Functor)
    True
    """

    @property
    def cod(self) -> CategoryLike:
        """The codomain category."""
        ...

    def __call__(self, x: Any) -> Any:
        """The image of an object or a path."""
        ...


def check_functor_laws(F: FunctorLike, samples: Iterable[str | Path]) -> int:
    """Check ``F(id x) = id F(x)`` for every object among the samples (and every end of a
    sample path) and ``F(p ⋅ q) = F(p) ; F(q)`` for every composable ordered pair of sample
    paths, with the codomain's ``equal``. Returns the number of checks made; raises
    :class:`FunctorLawError` at the first failure, naming the law and the samples.

    >>> from catlearn.categories.category import Category
    >>> from catlearn.categories.free import FreeCategory
    >>> C = FreeCategory(Graph(("x",), (("f", "x", "x"),)))
    >>> class Bad:  # sends every path to its length plus one: not a functor
    ...     cod = Category(lambda x: 0, lambda a, b: a + b)
    ...     def __call__(self, x): return "*" if isinstance(x, str) else len(x) + 1
    >>> check_functor_laws(Bad(), [C.path("f")])
    Traceback (most recent call last):
    ...
    catlearn.errors.FunctorLawError: identity law fails at object 'x': \
F(id x) = 1 but id F(x) = 0
    """
    cod = F.cod
    objects: list[str] = []
    paths: list[Path] = []
    for s in samples:
        if isinstance(s, Path):
            paths.append(s)
            candidates = [s.src, s.tgt]
        elif isinstance(s, str):
            candidates = [s]
        else:
            raise CategoryTypeError(f"a sample is an object (str) or a Path, not {s!r}")
        for x in candidates:
            if x not in objects:
                objects.append(x)
    checks = 0
    for x in objects:
        lhs, rhs = F(Path.id(x)), cod.id(F(x))
        checks += 1
        if not cod.equal(lhs, rhs):
            raise FunctorLawError(
                f"identity law fails at object {x!r}: F(id {x}) = {lhs!r} but "
                f"id F({x}) = {rhs!r}"
            )
    for p in paths:
        for q in paths:
            if p.tgt != q.src:
                continue
            lhs, rhs = F(p >> q), cod.compose(F(p), F(q))
            checks += 1
            if not cod.equal(lhs, rhs):
                raise FunctorLawError(
                    f"composition law fails at p = {p!r}, q = {q!r}: F(p ⋅ q) = {lhs!r} but "
                    f"F(p) ; F(q) = {rhs!r}"
                )
    return checks
