"""Paths: the morphisms of the free category on a graph.

A path is a source vertex followed by a composable sequence of edges. Composition
``p >> q`` ("p then q") is concatenation; the identity at ``x`` is the empty path at
``x``. Axioms, as doctests::

    >>> f, g, h = Edge("f", "x", "y"), Edge("g", "y", "z"), Edge("h", "z", "z")
    >>> p, q, r = Path.edge(f), Path.edge(g), Path.edge(h)
    >>> (p >> q) >> r == p >> (q >> r)
    True
    >>> Path.id("x") >> p == p == p >> Path.id("y")
    True

Printing. ``repr(p) == str(p)`` is the readable form ``x ⋅ f ⋅ g``: the source vertex,
then the edge names, joined by ``" ⋅ "``; an identity prints as its vertex alone. The
form is not evaluable Python, since edge endpoints live in the graph; it round-trips
through the category instead: ``FreeCategory(G).parse(repr(p)) == p``.

    >>> p >> q
    x ⋅ f ⋅ g
    >>> Path.id("x")
    x
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from catlearn.categories.errors import CategoryError, CategoryTypeError, CompositionError
from catlearn.categories.graph import COMPOSE, Edge, _check_name

__all__ = ["Path"]


def _extend_paths(paths: list[Path | None], parent: Sequence[int], last: Sequence[int],
                  edges: Sequence[Edge], nodes: Iterable[int]) -> None:
    """Make the paths of trie nodes, parents first: ``paths[n]`` is ``paths[parent[n]]``
    followed by ``edges[last[n]]``, unchecked (the trie was grown along the graph). For
    the library's path search; O(total length of the paths made).

    >>> f, g = Edge("f", "x", "y"), Edge("g", "y", "z")
    >>> ps: list[Path | None] = [Path.id("x"), None, None]
    >>> _extend_paths(ps, [-1, 0, 1], [-1, 0, 1], [f, g], [1, 2])
    >>> ps
    [x, x ⋅ f, x ⋅ f ⋅ g]
    """
    new = Path.__new__
    for n in nodes:
        up: Any = paths[parent[n]]
        p = new(Path)
        p._src = up._src
        p._edges = (*up._edges, edges[last[n]])
        p._hash = None
        paths[n] = p


class Path:
    """A path ``src ⋅ e1 ⋅ ... ⋅ en`` of composable edges, starting at vertex ``src``.

    Raises :class:`CompositionError` when consecutive edges do not meet, naming both ends.

    >>> p = Path("x", [Edge("f", "x", "y"), Edge("g", "y", "z")])
    >>> p.src, p.tgt, len(p), [e.name for e in p]
    ('x', 'z', 2, ['f', 'g'])
    >>> Path("x", [Edge("g", "y", "z")])
    Traceback (most recent call last):
    ...
    catlearn.errors.CategoryCompositionError: cannot start path at 'x' with edge g: y → z, \
whose source is 'y'
    """

    __slots__ = ("_src", "_edges", "_hash")

    def __init__(self, src: str, edges: Iterable[Edge] = ()) -> None:
        _check_name("vertex", src)
        checked: list[Edge] = []
        here = src
        for e in edges:
            if not isinstance(e, Edge):
                raise CategoryTypeError(
                    f"a path is made of Edge values, not {type(e).__name__} {e!r}"
                )
            if e.src != here:
                if checked:
                    prefix = Path(src, checked)
                    raise CompositionError(
                        f"cannot extend {prefix!r} (ending at {here!r}) by edge "
                        f"{e.name}: {e.src} → {e.tgt}, whose source is {e.src!r}"
                    )
                raise CompositionError(
                    f"cannot start path at {src!r} with edge {e.name}: {e.src} → {e.tgt}, "
                    f"whose source is {e.src!r}"
                )
            checked.append(e)
            here = e.tgt
        self._src = src
        self._edges: tuple[Edge, ...] = tuple(checked)
        self._hash: int | None = None

    @classmethod
    def _unchecked(cls, src: str, edges: tuple[Edge, ...]) -> Path:
        """A path from edges known to compose (built from a graph), without the checks:
        O(1). For the library's own path search; users build paths with ``Path(...)``.

        >>> f = Edge("f", "x", "y")
        >>> Path._unchecked("x", (f,)) == Path("x", [f])
        True
        """
        p = cls.__new__(cls)
        p._src = src
        p._edges = edges
        p._hash = None
        return p

    @classmethod
    def id(cls, x: str) -> Path:
        """The identity (empty) path at vertex ``x``.

        >>> len(Path.id("x")), Path.id("x").tgt
        (0, 'x')
        """
        return cls(x)

    @classmethod
    def edge(cls, e: Edge) -> Path:
        """The path of length one made of the generator ``e``.

        >>> Path.edge(Edge("f", "x", "y"))
        x ⋅ f
        """
        return cls(e.src, (e,))

    @property
    def src(self) -> str:
        """The source vertex.

        >>> Path.edge(Edge("f", "x", "y")).src
        'x'
        """
        return self._src

    @property
    def tgt(self) -> str:
        """The target vertex (the source, for an identity).

        >>> Path.edge(Edge("f", "x", "y")).tgt, Path.id("x").tgt
        ('y', 'x')
        """
        return self._edges[-1].tgt if self._edges else self._src

    @property
    def edges(self) -> tuple[Edge, ...]:
        """The edges, in order.

        >>> Path.edge(Edge("f", "x", "y")).edges
        (Edge(name='f', src='x', tgt='y'),)
        """
        return self._edges

    @property
    def names(self) -> tuple[str, ...]:
        """The edge names, in order.

        >>> (Path.edge(Edge("f", "x", "y")) >> Path.edge(Edge("g", "y", "x"))).names
        ('f', 'g')
        """
        return tuple(e.name for e in self._edges)

    @property
    def vertices(self) -> tuple[str, ...]:
        """The vertices visited, source first (``len(p) + 1`` of them).

        >>> (Path.edge(Edge("f", "x", "y")) >> Path.edge(Edge("g", "y", "x"))).vertices
        ('x', 'y', 'x')
        """
        return (self._src, *(e.tgt for e in self._edges))

    def is_identity(self) -> bool:
        """Whether this is an identity (empty) path.

        >>> Path.id("x").is_identity(), Path.edge(Edge("f", "x", "x")).is_identity()
        (True, False)
        """
        return not self._edges

    def is_simple(self) -> bool:
        """Whether the path visits no vertex twice.

        >>> f = Edge("f", "x", "x")
        >>> Path.edge(f).is_simple(), Path.id("x").is_simple()
        (False, True)
        """
        vs = self.vertices
        return len(set(vs)) == len(vs)

    def then(self, *others: Path) -> Path:
        """Diagrammatic composition: ``p.then(q)`` is "p, then q"; also written ``p >> q``.

        >>> f, g = Edge("f", "x", "y"), Edge("g", "z", "x")
        >>> Path.edge(f).then(Path.edge(g))
        Traceback (most recent call last):
        ...
        catlearn.errors.CategoryCompositionError: cannot compose x ⋅ f: x → y with \
z ⋅ g: z → x: the target 'y' is not the source 'z'
        """
        result = self
        for other in others:
            if not isinstance(other, Path):
                raise CategoryTypeError(
                    f"can only compose a path with a path, not {type(other).__name__}"
                )
            if result.tgt != other._src:
                raise CompositionError(
                    f"cannot compose {result!r}: {result._src} → {result.tgt} with "
                    f"{other!r}: {other._src} → {other.tgt}: the target {result.tgt!r} "
                    f"is not the source {other._src!r}"
                )
            result = Path._unchecked(result._src, result._edges + other._edges)
        return result

    def __rshift__(self, other: Path) -> Path:
        return self.then(other)

    def __len__(self) -> int:
        return len(self._edges)

    def __iter__(self) -> Iterator[Edge]:
        return iter(self._edges)

    @overload
    def __getitem__(self, key: int) -> Edge: ...

    @overload
    def __getitem__(self, key: slice) -> Path: ...

    def __getitem__(self, key: int | slice) -> Edge | Path:
        """An edge by position, or a sub-path by a step-1 slice.

        >>> p = Path("x", [Edge("f", "x", "y"), Edge("g", "y", "z")])
        >>> p[1], p[:1], p[1:], p[2:]
        (Edge(name='g', src='y', tgt='z'), x ⋅ f, y ⋅ g, z)
        """
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self._edges))
            if step != 1:
                raise CategoryError(f"a sub-path needs a slice of step 1, not {step}")
            stop = max(stop, start)
            return Path(self.vertices[start], self._edges[start:stop])
        return self._edges[key]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Path):
            return NotImplemented
        return self._src == other._src and self._edges == other._edges

    def __hash__(self) -> int:
        h = self._hash
        if h is None:  # computed on first use: O(len), then cached
            h = self._hash = hash((self._src, self._edges))
        return h

    def __repr__(self) -> str:
        return f" {COMPOSE} ".join((self._src, *(e.name for e in self._edges)))

    __str__ = __repr__
