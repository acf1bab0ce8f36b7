"""Public hypothesis strategies for schemas, ACSets, morphisms and diagrams of ACSets.

Users property-test their own code with them; the project's own property tests use them.

>>> from hypothesis import given, settings
>>> from catlearn.acsets import SchGraph
>>> @settings(max_examples=20, deadline=None)
... @given(acsets(SchGraph, max_parts=4))
... def check(g):
...     assert all(0 <= s < g.nparts("V") for s in g.subpart("src").tolist())
>>> check()

Strategies draw equation-free schemas (and ACSets of any schema whose equations are
empty); attributes get small integers, or attribute variables when ``variables=True``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.schema import Schema, SchGraph
from catlearn.errors import SchemaError

__all__ = [
    "schemas",
    "acsets",
    "graphs",
    "transformations",
    "composable_pairs",
    "composable_triples",
    "quotient_morphism",
    "learning_graphs",
]


@st.composite
def schemas(draw: st.DrawFn, max_obs: int = 3, max_homs: int = 4, max_attrtypes: int = 1,
            max_attrs: int = 2) -> Schema:
    """Random equation-free schemas with objects ``A0, A1, ...``.

    >>> from hypothesis import find
    >>> find(schemas(), lambda s: len(s.homs) >= 2).obs
    ('A0',)
    """
    nobs = draw(st.integers(1, max_obs))
    obs = tuple(f"A{i}" for i in range(nobs))
    nhoms = draw(st.integers(0, max_homs))
    homs = tuple((f"f{i}", draw(st.sampled_from(obs)), draw(st.sampled_from(obs)))
                 for i in range(nhoms))
    ntypes = draw(st.integers(0, max_attrtypes))
    types = tuple(f"T{i}" for i in range(ntypes))
    attrs: tuple[tuple[str, str, str], ...] = ()
    if types:
        nattrs = draw(st.integers(0, max_attrs))
        attrs = tuple((f"a{i}", draw(st.sampled_from(obs)), draw(st.sampled_from(types)))
                      for i in range(nattrs))
    return Schema("S", obs=obs, homs=homs, attrtypes=types, attrs=attrs)


def _counts_closed(schema: Schema, counts: dict[str, int]) -> dict[str, int]:
    """Bump empty codomains of homs out of non-empty objects to one part."""
    changed = True
    while changed:
        changed = False
        for _, x, y in schema.homs:
            if counts[x] > 0 and counts[y] == 0:
                counts[y] = 1
                changed = True
    return counts


@st.composite
def acsets(draw: st.DrawFn, schema: Schema | st.SearchStrategy[Schema], max_parts: int = 5,
           min_parts: int = 0, attr_values: st.SearchStrategy[Any] | None = None,
           variables: bool = False, max_vars: int = 2) -> ACSet:
    """Random ACSets of a schema (every hom set; attributes from ``attr_values``).

    >>> from hypothesis import find
    >>> find(acsets(SchGraph), lambda g: g.nparts("E") >= 2).nparts("E")
    2
    """
    if isinstance(schema, st.SearchStrategy):
        schema = draw(schema)
    if schema.equations:
        raise SchemaError(f"acsets(): schema {schema.name} has equations; the strategy "
                          "draws only equation-free schemas' instances")
    values = attr_values if attr_values is not None else st.integers(0, 2)
    counts = {x: draw(st.integers(min_parts, max_parts)) for x in schema.obs}
    counts = _counts_closed(schema, counts)
    X = ACSet(schema)
    nvars: dict[str, int] = {}
    for t in schema.attrtypes:
        nvars[t] = draw(st.integers(0, max_vars)) if variables else 0
        X.add_parts(t, nvars[t])
    for x in schema.obs:
        X.add_parts(x, counts[x])
    for f, x, y in schema.homs:
        if counts[x]:
            col = draw(st.lists(st.integers(0, counts[y] - 1), min_size=counts[x],
                                max_size=counts[x]))
            X.set_subpart(np.arange(counts[x]), f, np.asarray(col, dtype=np.int64))
    for a, x, t in schema.attrs:
        if counts[x]:
            choices = values
            if nvars[t]:
                choices = st.one_of(values, st.builds(AttrVar, st.integers(0, nvars[t] - 1)))
            col = draw(st.lists(choices, min_size=counts[x], max_size=counts[x]))
            X.set_subpart(list(range(counts[x])), a, col)
    return X


def graphs(max_vertices: int = 5, max_edges: int = 6, min_vertices: int = 0
           ) -> st.SearchStrategy[ACSet]:
    """Random directed multigraphs (ACSets of ``SchGraph``; loops and parallel edges).

    >>> from hypothesis import find
    >>> find(graphs(), lambda g: g.nparts("E") > 0).nparts("V")
    1
    """
    @st.composite
    def draw_graph(draw: st.DrawFn) -> ACSet:
        nv = draw(st.integers(min_vertices, max_vertices))
        g = ACSet(SchGraph)
        g.add_parts("V", nv)
        if nv:
            ne = draw(st.integers(0, max_edges))
            src = draw(st.lists(st.integers(0, nv - 1), min_size=ne, max_size=ne))
            tgt = draw(st.lists(st.integers(0, nv - 1), min_size=ne, max_size=ne))
            g.add_parts("E", ne, src=src, tgt=tgt)
        return g

    return draw_graph()


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        self.parent[max(a, b)] = min(a, b)
        return True


def quotient_morphism(X: ACSet, pairs: Mapping[str, Sequence[tuple[int, int]]],
                      extra: dict[str, int] | None = None) -> ACSetTransformation:
    """The quotient ``X -> X/~`` by the smallest congruence containing ``pairs``, then the
    inclusion into ``X/~`` plus ``extra`` fresh parts per object (their homs point at part
    0 of the codomain). Pairs whose attributes would clash are skipped, so the result is
    always a valid morphism; attribute variables are kept (none are identified).

    >>> from catlearn.acsets import ACSet, SchGraph
    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
    >>> q = quotient_morphism(g, {"V": [(0, 1)]})
    >>> q.codom.nparts("V"), q["V"].tolist()
    (1, [0, 0])
    """
    schema = X.schema
    extra = dict(extra or {})
    uf = {x: _UnionFind(X.nparts(x)) for x in schema.obs}

    def close() -> None:  # congruence closure: i ~ j implies f(i) ~ f(j)
        changed = True
        while changed:
            changed = False
            for f, x, y in schema.homs:
                col = cols[f]
                for i in range(X.nparts(x)):
                    r = uf[x].find(i)
                    if r != i and col[i] >= 0 and col[r] >= 0:
                        changed |= uf[y].union(col[i], col[r])

    def clash() -> bool:
        return any(vals[i] != vals[uf[x].find(i)] for a, x, _ in schema.attrs
                   for vals in [attr_cols[a]] for i in range(X.nparts(x)))

    cols = {f: X.subpart(f).tolist() for f in schema.hom_names()}
    attr_cols = {a: X.subpart(a).tolist() for a in schema.attr_names()}
    for x, ps in pairs.items():
        for i, j in ps:
            saved = {y: list(u.parent) for y, u in uf.items()}
            uf[x].union(i, j)
            close()
            if clash():  # this identification would merge different attribute values
                for y, parent in saved.items():
                    uf[y].parent = parent
    comps, reps = _classes(X, uf)
    Y = _quotient_codomain(X, comps, reps, extra)
    var_comps = {t: [AttrVar(k) for k in range(X.nparts(t))] for t in schema.attrtypes}
    return ACSetTransformation(X, Y, **comps, **var_comps)


def _classes(X: ACSet, uf: dict[str, _UnionFind]
             ) -> tuple[dict[str, np.ndarray], dict[str, list[int]]]:
    """Each part's class (numbered by first appearance) and each class's first part."""
    comps: dict[str, np.ndarray] = {}
    reps: dict[str, list[int]] = {}
    for x in X.schema.obs:
        roots = [uf[x].find(i) for i in range(X.nparts(x))]
        ids: dict[int, int] = {}
        comps[x] = np.asarray([ids.setdefault(r, len(ids)) for r in roots], dtype=np.int64)
        rep_of: dict[int, int] = {}
        for i, r in enumerate(roots):
            rep_of.setdefault(ids[r], i)
        reps[x] = [rep_of[k] for k in range(len(ids))]
    return comps, reps


def _quotient_codomain(X: ACSet, comps: dict[str, np.ndarray], reps: dict[str, list[int]],
                       extra: dict[str, int]) -> ACSet:
    """``X/~`` (one part per class, read off its first part) plus ``extra`` fresh parts."""
    schema = X.schema
    Y = X.empty()
    for t in schema.attrtypes:
        Y.add_parts(t, X.nparts(t))
    for x in schema.obs:
        Y.add_parts(x, len(reps[x]) + extra.get(x, 0))
    for x in schema.obs:
        for f in schema.homs_out(x):
            y = schema.codom(f)
            col = X.subpart(f)
            base = [int(comps[y][col[r]]) if col[r] >= 0 else -1 for r in reps[x]]
            fresh = [0] * extra.get(x, 0)
            values = base + fresh
            parts = [i for i, v in enumerate(values) if v >= 0]
            if parts:
                Y.set_subpart(parts, f, [values[i] for i in parts])
        for a in schema.attrs_out(x):
            col = X.subpart(a)
            vals = [col[r] for r in reps[x]]
            if vals:
                Y.set_subpart(list(range(len(vals))), a, vals)
    return Y


@st.composite
def transformations(draw: st.DrawFn, X: ACSet, monic: bool = False, max_pairs: int = 3,
                    max_extra: int = 2) -> ACSetTransformation:
    """Random morphisms out of ``X``: a random quotient followed by a random inclusion.

    >>> from hypothesis import find
    >>> from catlearn.acsets import ACSet, SchGraph
    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
    >>> find(transformations(g), lambda f: not f.is_monic())["V"].tolist()
    [0, 0]
    """
    schema = X.schema
    pairs: dict[str, list[tuple[int, int]]] = {}
    if not monic:
        for x in schema.obs:
            n = X.nparts(x)
            if n >= 2:
                k = draw(st.integers(0, max_pairs))
                pairs[x] = draw(st.lists(st.tuples(st.integers(0, n - 1),
                                                   st.integers(0, n - 1)),
                                         min_size=k, max_size=k))
    extra = {x: draw(st.integers(0, max_extra)) for x in schema.obs}
    # fresh parts need a target for their homs: only where the codomain is non-empty
    for _f, x, y in schema.homs:
        if X.nparts(y) == 0 and extra.get(y, 0) == 0:
            extra[x] = 0
    extra = _counts_closed_extra(schema, X, extra)
    return quotient_morphism(X, pairs, extra)


def _counts_closed_extra(schema: Schema, X: ACSet, extra: dict[str, int]) -> dict[str, int]:
    changed = True
    while changed:
        changed = False
        for _, x, y in schema.homs:
            if extra[x] and X.nparts(y) + extra[y] == 0:
                extra[x] = 0
                changed = True
    return extra


@st.composite
def composable_pairs(draw: st.DrawFn, X: ACSet | st.SearchStrategy[ACSet]
                     ) -> tuple[ACSetTransformation, ACSetTransformation]:
    """Two composable random morphisms ``X -> Y -> Z``."""
    if isinstance(X, st.SearchStrategy):
        X = draw(X)
    f = draw(transformations(X))
    g = draw(transformations(f.codom))
    return f, g


@st.composite
def composable_triples(draw: st.DrawFn, X: ACSet | st.SearchStrategy[ACSet]
                       ) -> tuple[ACSetTransformation, ACSetTransformation,
                                  ACSetTransformation]:
    """Three composable random morphisms ``X -> Y -> Z -> W``."""
    f, g = draw(composable_pairs(X))
    h = draw(transformations(g.codom))
    return f, g, h


@st.composite
def learning_graphs(draw: st.DrawFn, max_sources: int = 2, max_spaces: int = 4,
                    max_edges: int = 7, cycles: bool = False) -> Any:
    """Random learning graphs: sources ``N0, N1, ...`` with data columns into spaces
    ``S0, S1, ...`` and fixed/learnable maps between spaces (acyclic unless ``cycles``;
    parallel maps allowed).

    >>> from hypothesis import find
    >>> find(learning_graphs(), lambda g: len(g.sources()) == 2).sources()
    ('N0', 'N1')
    """
    from catlearn.learning.graph import LearningGraph

    g = LearningGraph()
    nsrc = draw(st.integers(1, max_sources))
    nsp = draw(st.integers(1, max_spaces))
    spaces = [f"S{i}" for i in range(nsp)]
    for s in range(nsrc):
        k = draw(st.integers(1, min(3, nsp)))
        targets = draw(st.lists(st.sampled_from(spaces), min_size=k, max_size=k))
        for j, t in enumerate(targets):
            g.data(f"d{s}_{j}", f"N{s}", t)
    nmaps = draw(st.integers(0, max_edges))
    for k in range(nmaps):
        a = draw(st.integers(0, nsp - 1))
        b = draw(st.integers(0, nsp - 1))
        if not cycles:
            if a == b:
                continue
            a, b = min(a, b), max(a, b)
        role = draw(st.sampled_from(["learnable", "learnable", "fixed"]))
        g.add_edge(f"m{k}", spaces[a], spaces[b], role)
    return g
