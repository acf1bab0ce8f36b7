"""Automorphisms and a canonical form of ACSets.

:func:`canonical_form` returns an ACSet isomorphic to its argument that is *equal* (``==``)
for isomorphic inputs, and :func:`canonical_hash` a short string that is equal exactly when
the canonical forms are. The algorithm is individualisation–refinement, as in nauty:

1. every part (and attribute variable) gets a colour from its object and its concrete
   attribute values (compared by Julia's ``isequal``, see :mod:`catlearn.acsets.values`);
2. colours are refined until stable: a part's new colour is its old colour with the sorted
   colours it reaches along each hom (and variable-valued attribute) and the sorted colours
   that reach it — all names are ranks of sorted signatures, so colours are invariant under
   isomorphism;
3. while some colour class has several parts, each member of the first such class is
   individualised in turn (given a colour of its own) and the search recurses; each leaf
   (every class a single part) orders the parts and yields an encoding of the relabelled
   ACSet; the least encoding over all leaves is the canonical one. A leaf whose encoding
   equals the first leaf's gives an automorphism; with it the search jumps back to where
   the two paths diverge and skips members of a class in the orbit of explored ones
   (nauty's first-path pruning), so symmetric parts cost little.

The cost is O(r · |X| log |X|) per refinement (``r`` rounds) times the number of leaves,
which is 1 for asymmetric instances and grows with the symmetry of ``X``.
:func:`automorphisms` lists the automorphism group by homomorphism search (``iso=True``).

>>> def cycle(n, shift=0):
...     g = ACSet(SchGraph); _ = g.add_parts("V", n)
...     _ = g.add_parts("E", n, src=[(i + shift) % n for i in range(n)],
...                     tgt=[(i + shift + 1) % n for i in range(n)])
...     return g
>>> canonical_form(cycle(4)) == canonical_form(cycle(4, shift=1))
True
>>> len(list(automorphisms(cycle(5))))
5
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterator
from typing import Any, cast

import numpy as np

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.homsearch import homomorphisms
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.values import value_key
from catlearn.errors import CANONICAL_NOT_ACSET

__all__ = ["automorphisms", "canonical_form", "canonical_hash", "canonical_encoding"]


def automorphisms(X: ACSet) -> Iterator[ACSetTransformation]:
    """Every automorphism of ``X`` (lazily, by homomorphism search with ``iso=True``).

    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 3)
    >>> len(list(automorphisms(g)))
    6
    """
    if not isinstance(X, ACSet):
        raise TypeError(CANONICAL_NOT_ACSET.format(
            what="automorphisms", got=type(X).__name__))
    return homomorphisms(X, X, iso=True)


def _order(k: Any) -> tuple[Any, ...]:
    """A total order on value keys that is invariant (``isequal`` values sort equal)."""
    if k is None:
        return (0,)
    if isinstance(k, bool | int | float):
        return (1, k)
    if isinstance(k, str):
        return (2, k)
    if isinstance(k, bytes):
        return (3, k)
    if isinstance(k, AttrVar):
        return (4, k.val)
    if isinstance(k, tuple):
        return (5, tuple(_order(x) for x in k))
    if isinstance(k, frozenset):
        return (6, tuple(sorted(_order(x) for x in k)))
    return (9, type(k).__qualname__, repr(k))


class _Structure:
    """The ACSet as one set of numbered nodes (parts, then variables) with labelled
    arrows, ready for colour refinement."""

    def __init__(self, X: ACSet) -> None:
        self.X = X
        schema = X.schema
        self.kinds = schema.obs + schema.attrtypes
        self.offset: dict[str, int] = {}
        n = 0
        for k in self.kinds:
            self.offset[k] = n
            n += X.nparts(k)
        self.n = n
        base: list[list[Any]] = [[] for _ in range(n)]
        for i, k in enumerate(self.kinds):
            for p in range(X.nparts(k)):
                base[self.offset[k] + p].append(i)
        self.arrows: list[tuple[int, np.ndarray, np.ndarray]] = []  # (label, src, tgt)
        for label, (f, x, y) in enumerate(schema.homs):
            col = X.subpart(f)
            rows = np.flatnonzero(col != UNSET)
            self.arrows.append((label, rows + self.offset[x], col[rows] + self.offset[y]))
        for j, (a, x, t) in enumerate(schema.attrs):
            var_rows: list[int] = []
            var_ids: list[int] = []
            for p, v in enumerate(X.subpart(a).tolist()):
                if isinstance(v, AttrVar):
                    var_rows.append(p)
                    var_ids.append(v.val)
                    base[self.offset[x] + p].append((j, 0))
                else:
                    base[self.offset[x] + p].append((j, 1, _order(value_key(v))))
            label = len(schema.homs) + j
            self.arrows.append((label, np.asarray(var_rows, dtype=np.int64) + self.offset[x],
                                np.asarray(var_ids, dtype=np.int64) + self.offset[t]))
        self.initial = _ranks([tuple(b) for b in base])

    def refine(self, colours: list[int]) -> list[int]:
        """Refine ``colours`` until stable (an equitable partition)."""
        count = len(set(colours))
        while True:
            sig: list[list[Any]] = [[c] for c in colours]
            for label, src, tgt in self.arrows:
                for s, t in zip(src.tolist(), tgt.tolist(), strict=True):
                    sig[s].append((0, label, colours[t]))
                    sig[t].append((1, label, colours[s]))
            new = _ranks([(s[0], tuple(sorted(s[1:]))) for s in sig])
            new_count = len(set(new))
            if new_count == count:
                return new
            colours, count = new, new_count

    def encode(self, colours: list[int]) -> tuple[Any, ...]:
        """The encoding of the ACSet relabelled by a discrete colouring (the canonical
        order of parts within each object is by colour)."""
        pos = [0] * self.n
        for order, node in enumerate(sorted(range(self.n), key=colours.__getitem__)):
            pos[node] = order
        X = self.X
        local = {k: sorted(range(X.nparts(k)), key=_shifted(pos, self.offset[k]))
                 for k in self.kinds}
        rank = {k: {p: r for r, p in enumerate(ps)} for k, ps in local.items()}
        schema = X.schema
        enc: list[Any] = [tuple(X.nparts(k) for k in self.kinds)]
        for f, x, y in schema.homs:
            col = X.subpart(f).tolist()
            enc.append(tuple(-1 if col[p] == UNSET else rank[y][col[p]] for p in local[x]))
        for a, x, t in schema.attrs:
            col = X.subpart(a).tolist()
            enc.append(tuple(("var", rank[t][col[p].val]) if isinstance(col[p], AttrVar)
                             else ("val", _order(value_key(col[p]))) for p in local[x]))
        return tuple(enc)


def _shifted(pos: list[int], base: int) -> Any:
    return lambda p: pos[base + p]


def _ranks(signatures: list[Hashable]) -> list[int]:
    table = {s: r for r, s in enumerate(sorted(set(signatures)))}  # type: ignore[type-var]
    return [table[s] for s in signatures]


class _Search:
    """Individualisation–refinement with nauty's first-path automorphism pruning.

    The first leaf reached fixes a reference; a later leaf with the same encoding gives an
    automorphism ``γ`` (the node of rank ``r`` in the first leaf goes to the node of rank
    ``r`` in this one), which maps the first path's subtree at the level where the two
    paths diverge onto the current one: the search jumps back to that level, and there,
    and at every first-path level above it, skips children in the orbit of explored ones
    under the automorphisms fixing that level's prefix."""

    def __init__(self, st: _Structure) -> None:
        self.st = st
        self.best: tuple[Any, ...] | None = None
        self.first: tuple[Any, ...] | None = None
        self.first_leaf: list[int] = []
        self.first_path: list[int] | None = None
        self.autos: list[tuple[int, list[int]]] = []  # (divergence level, permutation)

    def run(self, colours: list[int], path: list[int]) -> int | None:
        """Explore below ``colours``; return a level to jump back to, or ``None``."""
        colours = self.st.refine(colours)
        cells: dict[int, list[int]] = {}
        for node, c in enumerate(colours):
            cells.setdefault(c, []).append(node)
        cell = next((cells[c] for c in sorted(cells) if len(cells[c]) > 1), None)
        if cell is None:
            return self._leaf(colours, path)
        level = len(path)
        on_first = self.first_path is None or self.first_path[:level] == path
        explored: list[int] = []
        for node in cell:
            if on_first and explored and self._pruned(node, explored, level):
                continue
            explored.append(node)
            fresh = list(colours)
            fresh[node] = -1  # individualised: below every other colour
            back = self.run(fresh, [*path, node])
            if back is not None and back < level:
                return back
        return None

    def _leaf(self, colours: list[int], path: list[int]) -> int | None:
        enc = self.st.encode(colours)
        if self.best is None or enc < self.best:
            self.best = enc
        if self.first is None:
            self.first, self.first_leaf, self.first_path = enc, colours, list(path)
            return None
        if enc != self.first or self.first_path is None:
            return None
        at_rank = {c: node for node, c in enumerate(colours)}
        gamma = [at_rank[c] for c in self.first_leaf]  # first-leaf node -> this leaf's
        level = 0
        while (level < len(path) and level < len(self.first_path)
               and path[level] == self.first_path[level]):
            level += 1
        self.autos.append((level, gamma))
        return level

    def _pruned(self, node: int, explored: list[int], level: int) -> bool:
        orbit = list(range(self.st.n))

        def find(u: int) -> int:
            while orbit[u] != u:
                orbit[u] = orbit[orbit[u]]
                u = orbit[u]
            return u

        for d, gamma in self.autos:
            if d >= level:  # fixes the first path's prefix of this level
                for u, v in enumerate(gamma):
                    a, b = find(u), find(v)
                    if a != b:
                        orbit[a] = b
        return find(node) in {find(e) for e in explored}


def canonical_encoding(X: ACSet) -> tuple[Any, ...]:
    """The canonical encoding of ``X`` (a tuple of ints and value keys); equal exactly for
    isomorphic ACSets of one schema.

    >>> canonical_encoding(ACSet(SchGraph))
    ((0, 0), (), ())
    """
    if not isinstance(X, ACSet):
        raise TypeError(CANONICAL_NOT_ACSET.format(
            what="canonical_encoding", got=type(X).__name__))
    search = _Search(_Structure(X))
    search.run(list(search.st.initial), [])
    return cast(tuple[Any, ...], search.best)  # the first branch always reaches a leaf


def canonical_form(X: ACSet) -> ACSet:
    """An ACSet isomorphic to ``X`` that is equal (``==``) for isomorphic inputs: the
    parts of ``X`` renumbered in the canonical order.

    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=1, tgt=0)
    >>> canonical_form(g).subpart("src").tolist(), canonical_form(g).subpart("tgt").tolist()
    ([0], [1])
    """
    enc = canonical_encoding(X)
    schema = X.schema
    Y = X.empty()
    for k, n in zip(schema.obs + schema.attrtypes, enc[0], strict=True):
        Y.add_parts(k, n)
    rows = enc[1:]
    for (f, _, _), col in zip(schema.homs, rows, strict=False):
        parts = [p for p, v in enumerate(col) if v != -1]
        if parts:
            Y.set_subpart(np.asarray(parts), f, np.asarray([col[p] for p in parts]))
    values = _values_by_order(X)
    for (a, _, _), col in zip(schema.attrs, rows[len(schema.homs):], strict=True):
        out = np.empty(len(col), dtype=object)
        for p, (tag, v) in enumerate(col):
            out[p] = AttrVar(v) if tag == "var" else values[a][v]
        if len(col):
            Y.set_subpart(np.arange(len(col)), a, out)
    return Y


def _values_by_order(X: ACSet) -> dict[str, dict[Any, Any]]:
    """For each attribute, a representative value per order key (to rebuild values)."""
    out: dict[str, dict[Any, Any]] = {}
    for a, _, _ in X.schema.attrs:
        reps: dict[Any, Any] = {}
        for v in X.subpart(a).tolist():
            if not isinstance(v, AttrVar):
                reps.setdefault(_order(value_key(v)), v)
        out[a] = reps
    return out


def canonical_hash(X: ACSet) -> str:
    """A SHA-256 hex digest of the canonical encoding and the schema's name: equal for
    isomorphic ACSets, stable across runs and machines.

    >>> len(canonical_hash(ACSet(SchGraph)))
    64
    """
    enc = canonical_encoding(X)
    text = repr((X.schema.name, X.schema.obs, X.schema.homs, X.schema.attrs, enc))
    return hashlib.sha256(text.encode()).hexdigest()
