"""Homomorphism search: exactness against brute force, options, attribute rules, errors."""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catlearn.acsets import (
    ACSet,
    ACSetTransformation,
    AttrVar,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    isomorphisms,
)
from catlearn.acsets.homsearch import (
    count_homomorphisms,
    homomorphism,
    homomorphisms,
    is_homomorphic,
    is_isomorphic,
    isomorphism,
)
from catlearn.acsets.morphism import describe, identity
from catlearn.errors import HomSearchError, HomSearchTypeError, NaturalityError, SchemaError
from catlearn.testing import acsets, graphs, schemas, transformations
from tests.acsets.conftest import with_unset_homs

# examples from the profile: 200 in CI (tests/conftest.py), fewer for quick local runs
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- brute force
def _tag(v: Any) -> Any:
    return (type(v).__name__, v)


def key(f: ACSetTransformation) -> tuple:
    """A hashable identity of a morphism (types of attribute values included)."""
    obs = tuple(tuple(f.components[c].tolist()) for c in f.dom.schema.obs)
    vs = tuple(tuple(_tag(v) for v in f.var_components[t]) for t in f.dom.schema.attrtypes)
    return obs, vs


def var_candidates(Y: ACSet, t: str) -> list[Any]:
    """Every image a variable of type ``t`` can have: values found in Y, variables of Y."""
    out: dict[Any, Any] = {}
    for a in Y.schema.attrs_into(t):
        for v in Y.subpart(a).tolist():
            out.setdefault(_tag(v), v)
    for j in range(Y.nparts(t)):
        out.setdefault(_tag(AttrVar(j)), AttrVar(j))
    return list(out.values())


def brute_force(X: ACSet, Y: ACSet, var_initial: dict[str, dict[int, Any]] | None = None
                ) -> Iterator[ACSetTransformation]:
    """All families of maps ACSetTransformation accepts (itertools.product over all)."""
    S = X.schema
    var_initial = var_initial or {}
    cols = [(X.subpart(f).tolist(), Y.subpart(f).tolist(), x, y) for f, x, y in S.homs]
    choices = [itertools.product(range(Y.nparts(c)), repeat=X.nparts(c)) for c in S.obs]
    var_choices = []
    for t in S.attrtypes:
        per_var = [[var_initial[t][k]] if k in var_initial.get(t, {}) else var_candidates(Y, t)
                   for k in range(X.nparts(t))]
        var_choices.append(list(itertools.product(*per_var)))
    for combo in itertools.product(*choices):
        comps = dict(zip(S.obs, combo, strict=True))
        if any(z >= 0 and comps[y][z] != ycol[comps[x][i]]
               for xcol, ycol, x, y in cols for i, z in enumerate(xcol)):
            continue  # a quick pre-filter; ACSetTransformation below is the authority
        for vcombo in itertools.product(*var_choices):
            kw: dict[str, Any] = {c: list(v) for c, v in comps.items()}
            kw.update({t: list(v) for t, v in zip(S.attrtypes, vcombo, strict=True)})
            with contextlib.suppress(NaturalityError):
                yield ACSetTransformation(X, Y, **kw)


def free_vars(X: ACSet) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for t in X.schema.attrtypes:
        seen = {v.val for a in X.schema.attrs_into(t) for v in X.subpart(a).tolist()
                if isinstance(v, AttrVar)}
        out[t] = [k for k in range(X.nparts(t)) if k not in seen]
    return out


def keys(fs: Iterable[ACSetTransformation]) -> list[tuple]:
    return [key(f) for f in fs]


def monic_on(f: ACSetTransformation, names: Iterable[str]) -> bool:
    return all(np.unique(f.components[c]).size == f.components[c].size for c in names)


def epic_on(f: ACSetTransformation, names: Iterable[str]) -> bool:
    return all(np.unique(f.components[c]).size == f.codom.nparts(c) for c in names)


def assert_agrees(X: ACSet, Y: ACSet, var_initial: dict[str, dict[int, Any]] | None = None
                  ) -> None:
    """Search == brute force, for plain, monic, epic, iso and per-object variants."""
    brute = list(brute_force(X, Y, var_initial))
    initial = {t: dict(m) for t, m in (var_initial or {}).items() if m}
    found = keys(homomorphisms(X, Y, initial=initial))
    assert len(found) == len(set(found)), "duplicated morphisms"
    assert set(found) == set(keys(brute))
    assert count_homomorphisms(X, Y, initial=initial) == len(brute)
    checked = keys(homomorphisms(X, Y, initial=initial, check=True))
    assert checked == found
    filters: list[tuple[dict[str, Any], Any]] = [
        ({"monic": True}, ACSetTransformation.is_monic),
        ({"epic": True}, ACSetTransformation.is_epic),
        ({"iso": True}, ACSetTransformation.is_iso),
        ({"monic": X.schema.obs[:1]}, lambda f: monic_on(f, X.schema.obs[:1])),
        ({"epic": X.schema.obs[:1]}, lambda f: epic_on(f, X.schema.obs[:1])),
    ]
    for option, keep in filters:
        expected = {key(f) for f in brute if keep(f)}
        try:
            got = keys(homomorphisms(X, Y, initial=initial, **option))
        except HomSearchError:  # the initial images of variables clash with the option
            assert not expected, option
            assert initial, option
            continue
        assert len(got) == len(set(got))
        assert set(got) == expected, option


# ---------------------------------------------------------------- exactness
@PROPERTY
@given(graphs(max_vertices=3, max_edges=3), graphs(max_vertices=3, max_edges=4))
def test_graphs_agree_with_brute_force(X: ACSet, Y: ACSet) -> None:
    assert_agrees(X, Y)


@st.composite
def schema_pairs(draw: st.DrawFn, variables: bool) -> tuple[ACSet, ACSet, dict]:
    S = draw(schemas(max_obs=2 if variables else 3, max_homs=3, max_attrtypes=1,
                     max_attrs=2))
    X = draw(acsets(S, max_parts=2, variables=variables, max_vars=2))
    Y = draw(acsets(S, max_parts=3 if not variables else 2, variables=variables,
                    max_vars=2))
    var_initial: dict[str, dict[int, Any]] = {}
    for t, ks in free_vars(X).items():
        options = [*var_candidates(Y, t), 7]
        var_initial[t] = {k: draw(st.sampled_from(options)) for k in ks}
    return X, Y, var_initial


@PROPERTY
@given(schema_pairs(variables=False))
def test_random_schemas_agree_with_brute_force(pair: tuple[ACSet, ACSet, dict]) -> None:
    X, Y, var_initial = pair
    assert_agrees(X, Y, var_initial)


@PROPERTY
@given(schema_pairs(variables=True))
def test_attribute_variables_agree_with_brute_force(pair: tuple[ACSet, ACSet, dict]) -> None:
    X, Y, var_initial = pair
    assert_agrees(X, Y, var_initial)


@st.composite
def partial_maps(draw: st.DrawFn, X: ACSet, Y: ACSet) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for c in X.schema.obs:
        if Y.nparts(c) == 0:
            continue
        parts = draw(st.lists(st.sampled_from(list(X.parts(c))), unique=True)
                     if X.nparts(c) else st.just([]))
        out[c] = {x: draw(st.integers(0, Y.nparts(c) - 1)) for x in parts}
    return out


def assert_initial_agrees_with_brute_force(X: ACSet, Y: ACSet, initial: dict,
                                           monic: bool) -> set | None:
    """The morphisms extending ``initial`` are the brute-force ones; those (None when the
    search refused an assignment that extends to no morphism)."""
    expected = {key(f) for f in brute_force(X, Y) if (f.is_monic() or not monic)
                and all(f.components[c][x] == y for c, m in initial.items()
                        for x, y in m.items())}
    try:
        found = keys(homomorphisms(X, Y, initial=initial, monic=monic))
    except HomSearchError:
        assert not expected  # the initial assignment extends to no morphism
        return None
    assert len(found) == len(set(found))
    assert set(found) == expected
    return expected


@PROPERTY
@given(st.data(), graphs(max_vertices=3, max_edges=3), graphs(max_vertices=3, max_edges=4),
       st.sampled_from([False, True]))
def test_initial_agrees_with_brute_force(data: st.DataObject, X: ACSet, Y: ACSet,
                                         monic: bool) -> None:
    assert_initial_agrees_with_brute_force(X, Y, data.draw(partial_maps(X, Y)), monic)


@PROPERTY
@given(st.data(), graphs(max_vertices=3, max_edges=3), graphs(max_vertices=3, max_edges=4))
def test_predicates_agree_with_brute_force(data: st.DataObject, X: ACSet, Y: ACSet) -> None:
    brute = list(brute_force(X, Y))
    # collections of allowed images on V, a callable on E
    allowed = {x: data.draw(st.sets(st.integers(0, max(Y.nparts("V") - 1, 0)))
                            if Y.nparts("V") else st.just(set()))
               for x in data.draw(st.sets(st.sampled_from(list(X.parts("V"))))
                                  if X.nparts("V") else st.just(set()))}
    table = data.draw(st.dictionaries(st.tuples(st.integers(0, 3), st.integers(0, 4)),
                                      st.booleans()))

    def edge_ok(x: int, y: int) -> bool:
        return table.get((x, y), True)

    expected = {key(f) for f in brute
                if all(int(f.components["V"][x]) in ys for x, ys in allowed.items())
                and all(edge_ok(x, int(y)) for x, y in enumerate(f.components["E"]))}
    found = keys(homomorphisms(X, Y, predicates={"V": allowed, "E": edge_ok}))
    assert len(found) == len(set(found))
    assert set(found) == expected


@PROPERTY
@given(st.data(), acsets(SchGraph, max_parts=4) | acsets(SchLabeledGraph, max_parts=4))
def test_random_morphisms_are_found(data: st.DataObject, X: ACSet) -> None:
    f = data.draw(transformations(X, max_extra=1))
    Y = f.codom
    assert key(f) in set(keys(homomorphisms(X, Y)))
    initial = {c: dict(enumerate(f.components[c].tolist())) for c in X.schema.obs}
    assert keys(homomorphisms(X, Y, initial=initial)) == [key(f)]
    assert is_homomorphic(X, Y)
    if f.is_monic():
        assert key(f) in set(keys(homomorphisms(X, Y, monic=True)))


def permuted(X: ACSet, perms: dict[str, list[int]]) -> ACSet:
    """``X`` with the parts of each object renumbered by ``perms`` (old id -> new id)."""
    S = X.schema
    Y = X.empty()
    for t in S.attrtypes:
        Y.add_parts(t, X.nparts(t))
    for c in S.obs:
        Y.add_parts(c, X.nparts(c))
    for c in S.obs:
        inv = np.argsort(perms[c])  # new id -> old id
        for f in S.homs_out(c):
            col = X.subpart(f)
            d = S.codom(f)
            vals = [perms[d][col[o]] if col[o] >= 0 else -1 for o in inv.tolist()]
            parts = [i for i, v in enumerate(vals) if v >= 0]
            if parts:
                Y.set_subpart(parts, f, [vals[i] for i in parts])
        for a in S.attrs_out(c):
            col = X.subpart(a)
            if len(col):
                Y.set_subpart(list(range(len(col))), a, [col[o] for o in inv.tolist()])
    return Y


@PROPERTY
@given(st.data(), acsets(schemas(max_obs=3, max_homs=4), max_parts=6))
def test_isomorphic_to_a_relabelling(data: st.DataObject, X: ACSet) -> None:
    perms = {c: data.draw(st.permutations(list(range(X.nparts(c))))) for c in X.schema.obs}
    Y = permuted(X, perms)
    iso = isomorphism(X, Y)
    assert iso is not None
    assert iso.is_iso()
    assert iso.inverse() >> iso == ACSetTransformation(
        Y, Y, **{c: np.arange(Y.nparts(c)) for c in X.schema.obs})
    assert is_isomorphic(Y, X)


@PROPERTY
@given(graphs(max_vertices=3, max_edges=3), graphs(max_vertices=3, max_edges=3))
def test_is_isomorphic_agrees_with_brute_force(X: ACSet, Y: ACSet) -> None:
    def invertible(f: ACSetTransformation) -> bool:
        try:
            f.inverse()
        except NaturalityError:
            return False
        return True

    expected = any(f.is_iso() and invertible(f) for f in brute_force(X, Y))
    assert is_isomorphic(X, Y) == expected
    found = isomorphism(X, Y)
    assert (found is not None) == expected
    if found is not None:
        found.inverse()


# ---------------------------------------------------------------- at scale
def random_graph(nv: int, ne: int, seed: int) -> ACSet:
    rng = np.random.default_rng(seed)
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", ne, src=rng.integers(0, nv, ne), tgt=rng.integers(0, nv, ne))
    return g


def graph(nv: int, edges: list[tuple[int, int]]) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    if edges:
        g.add_parts("E", len(edges), src=[s for s, _ in edges], tgt=[t for _, t in edges])
    return g


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_match_adjacency_matrix_formulas(seed: int) -> None:
    G = random_graph(40, 160, seed)
    A = np.zeros((40, 40), dtype=np.int64)
    np.add.at(A, (G.subpart("src"), G.subpart("tgt")), 1)
    out, inn = A.sum(axis=1), A.sum(axis=0)
    path = graph(3, [(0, 1), (1, 2)])
    triangle = graph(3, [(0, 1), (1, 2), (2, 0)])
    square = graph(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    star = graph(4, [(0, 1), (0, 2), (0, 3)])
    assert count_homomorphisms(path, G) == int((inn * out).sum())
    assert count_homomorphisms(triangle, G) == int(np.trace(A @ A @ A))
    assert count_homomorphisms(square, G) == int(np.trace(A @ A @ A @ A))
    assert count_homomorphisms(star, G) == int((out ** 3).sum())
    assert len(list(homomorphisms(triangle, G))) == int(np.trace(A @ A @ A))


def test_reflexive_graphs_with_equations_agree_with_brute_force() -> None:
    X = ACSet(SchReflexiveGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2, src=[0, 1], tgt=[0, 1])
    X.set_subpart([0, 1], "refl", [0, 1])
    X.add_part("E", src=0, tgt=1)
    Y = X.copy()
    Y.add_part("E", src=1, tgt=0)
    assert_agrees(X, Y)


# ---------------------------------------------------------------- laziness
def test_lazy_generator_stops_early() -> None:
    G = random_graph(30, 120, 5)
    path = graph(3, [(0, 1), (1, 2)])
    calls = 0

    def counting(x: int, y: int) -> bool:
        nonlocal calls
        calls += 1
        return True

    it = homomorphisms(path, G, predicates={"V": counting})
    first = next(it)
    early = calls
    everything = list(homomorphisms(path, G))
    assert key(first) == key(everything[0])
    rest = list(it)
    assert 0 < early < calls
    assert [key(first), *keys(rest)] == keys(everything)
    assert keys(homomorphisms(path, G, max_results=5)) == keys(everything[:5])
    assert list(homomorphisms(path, G, max_results=0)) == []
    found = homomorphism(path, G)
    assert found is not None
    assert key(found) == key(everything[0])


# ---------------------------------------------------------------- attribute rules
Sch = Schema("SchLSet", obs=("X",), attrtypes=("D",), attrs=(("f", "X", "D"),))


def lset(values: list[Any], nvars: int = 0) -> ACSet:
    A = ACSet(Sch)
    A.add_parts("D", nvars)
    A.add_parts("X", len(values))
    if values:
        A.set_subpart(list(range(len(values))), "f", values)
    return A


def test_concrete_values_are_preserved_exactly() -> None:
    assert count_homomorphisms(lset([1]), lset([1, 2, 1])) == 2
    # Julia's isequal: 1 == 1.0 == True, NaN matches NaN, -0.0 does not match 0.0
    assert count_homomorphisms(lset([1]), lset([True, 1.0, "1"])) == 2
    nan = float("nan")
    assert count_homomorphisms(lset([nan]), lset([nan, 1.0, float("nan")])) == 2
    assert count_homomorphisms(lset([-0.0]), lset([0.0, -0.0, 0])) == 1
    assert count_homomorphisms(lset([None]), lset([1, "a"])) == 2  # unset: no constraint
    assert count_homomorphisms(lset([1]), lset([None])) == 0


def test_concrete_value_never_maps_onto_a_variable() -> None:
    assert count_homomorphisms(lset([1]), lset([AttrVar(0)], nvars=1)) == 0


def test_variables_go_to_values_or_variables_consistently() -> None:
    X = lset([AttrVar(0), AttrVar(0)], nvars=1)
    Y = lset(["a", "b", AttrVar(0)], nvars=1)
    fs = list(homomorphisms(X, Y))
    assert [(f["X"].tolist(), f.var_components["D"]) for f in fs] == [
        ([0, 0], ("a",)), ([1, 1], ("b",)), ([2, 2], (AttrVar(0),))]


def test_monic_on_attribute_types_follows_catlab() -> None:
    A = lset([AttrVar(0), AttrVar(1)], nvars=2)
    B = lset([AttrVar(0)], nvars=1)
    assert count_homomorphisms(A, B, monic=["D"]) == 0
    assert count_homomorphisms(B, A, monic=["D"]) == 2
    assert count_homomorphisms(A, A, monic=["D"]) == 2
    assert count_homomorphisms(A, lset(["a", "b"]), monic=["D"]) == 0
    assert count_homomorphisms(A, lset(["a", "b"])) == 4


def test_free_variable_given_in_initial() -> None:
    X = lset([], nvars=1)
    f = homomorphism(X, lset(["a"]), initial={"D": {0: "z"}})
    assert f is not None
    assert f.var_components["D"] == ("z",)


def test_unset_homs() -> None:
    X = graph(2, [(0, 1)])
    X.clear_subpart(0, "tgt")  # tgt unset in X: no constraint on where it goes
    Y = graph(2, [(0, 0), (0, 1)])
    assert count_homomorphisms(X, Y) == 2 * 2
    Y.clear_subpart(0, "tgt")  # unset in Y: a set value of X cannot go there
    Z = graph(2, [(0, 1)])
    assert count_homomorphisms(Z, Y) == 1


def test_labelled_graph_pattern() -> None:
    G = ACSet(SchLabeledGraph)
    G.add_parts("V", 3, label=["x", "y", "x"])
    G.add_parts("E", 3, src=[0, 1, 2], tgt=[1, 2, 0])
    P = ACSet(SchLabeledGraph)
    P.add_parts("V", 2, label=["x", "y"])
    P.add_part("E", src=0, tgt=1)
    assert [f["V"].tolist() for f in homomorphisms(P, G)] == [[0, 1]]


# ---------------------------------------------------------------- errors
E = graph(2, [(0, 1)])
L = graph(1, [(0, 0)])


def test_error_schema_mismatch() -> None:
    with pytest.raises(SchemaError, match="schemas differ"):
        homomorphisms(E, ACSet(SchLabeledGraph))
    with pytest.raises(SchemaError, match="schemas differ"):
        is_isomorphic(E, ACSet(SchLabeledGraph))


@pytest.mark.parametrize(("kw", "match"), [
    ({"initial": {"W": {0: 0}}}, r"initial names 'W', which is not an object"),
    ({"initial": {"V": {5: 0}}}, r"initial for V: 5 is not a part of V in the domain"),
    ({"initial": {"V": {0: 3}}}, r"initial for V: image 3 of part 0 is not a part of V"),
    ({"initial": {"V": [0]}}, r"initial\['V'\] must be a mapping"),
    ({"initial": [("V", 0)]}, r"initial must be a mapping"),
    ({"monic": ["W"]}, r"monic names 'W'"),
    ({"epic": 3}, r"epic must be a bool or a collection of names"),
    ({"predicates": {"W": {}}}, r"predicates names 'W', which is not an object"),
    ({"predicates": {"V": {7: [0]}}}, r"predicates for V: 7 is not a part of V"),
    ({"predicates": {"V": {0: [9]}}}, r"predicates for V: image 9 of part 0"),
    ({"predicates": {"V": 3}}, r"predicates\['V'\] must be a mapping"),
    ({"predicates": {"V": {0: 1}}}, r"predicates\['V'\]\[0\] must be a collection"),
    ({"max_results": -1}, r"max_results must be a non-negative integer"),
])
def test_argument_errors(kw: dict, match: str) -> None:
    with pytest.raises(HomSearchError, match=match):
        homomorphisms(E, E, **kw)


def test_error_initial_breaks_a_hom() -> None:
    with pytest.raises(HomSearchError, match=r"part 1 of V would be sent to both 1 and 0"):
        homomorphisms(E, E, initial={"E": {0: 0}, "V": {1: 0}})


def test_error_initial_hits_an_unset_hom() -> None:
    Y = graph(2, [(0, 1)])
    Y.clear_subpart(0, "src")
    with pytest.raises(HomSearchError, match=r"hom src is unset in the codomain"):
        homomorphisms(E, Y, initial={"E": {0: 0}})


def test_error_initial_breaks_an_attribute() -> None:
    with pytest.raises(HomSearchError, match=r"attribute f is 1 at part 0 of X in the domain "
                                             r"but 2 at part 0"):
        homomorphisms(lset([1]), lset([2]), initial={"X": {0: 0}})


def test_error_initial_clashes_with_a_variable() -> None:
    X = lset([AttrVar(0), AttrVar(0)], nvars=1)
    with pytest.raises(HomSearchError, match=r"AttrVar\(0\) of D would be sent to both"):
        homomorphisms(X, lset(["a", "b"]), initial={"X": {0: 0, 1: 1}})
    with pytest.raises(HomSearchError, match=r"would be sent to both 'b' and 'a'"):
        homomorphisms(X, lset(["a", "b"]), initial={"D": {0: "b"}, "X": {0: 0}})


def test_error_initial_clashes_with_monic_and_predicates() -> None:
    two = graph(2, [])
    with pytest.raises(HomSearchError, match=r"monic on V: parts 0 and 1 would both be sent"):
        homomorphisms(two, two, monic=True, initial={"V": {0: 0, 1: 0}})
    with pytest.raises(HomSearchError, match=r"the predicate for V excludes sending part 0"):
        homomorphisms(two, two, predicates={"V": {0: [1]}}, initial={"V": {0: 0}})
    with pytest.raises(HomSearchError, match=r"monic on D"):
        homomorphisms(lset([], nvars=1), lset([]), monic=["D"], initial={"D": {0: "a"}})


def test_error_initial_variable_out_of_range() -> None:
    with pytest.raises(HomSearchError, match=r"initial for attribute type D: 3 is not a "
                                             r"variable of the domain"):
        homomorphisms(lset([]), lset([]), initial={"D": {3: "a"}})
    with pytest.raises(HomSearchError, match=r"image AttrVar\(4\) of AttrVar\(0\)"):
        homomorphisms(lset([], nvars=1), lset([]), initial={"D": {0: AttrVar(4)}})


def test_error_free_variable() -> None:
    with pytest.raises(HomSearchError, match=r"attribute type D: AttrVar\(0\) occurs in no "
                                             r"attribute.*initial=\{'D': \{0: image\}\}"):
        homomorphisms(lset([], nvars=1), lset(["a"]))


def test_errors_are_raised_on_call_not_on_iteration() -> None:
    with pytest.raises(HomSearchError):
        homomorphisms(E, L, initial={"V": {9: 0}})  # never iterated


def test_cardinality_prechecks_give_no_morphisms() -> None:
    three, two = graph(3, []), graph(2, [])
    assert count_homomorphisms(three, two, monic=True) == 0
    assert count_homomorphisms(two, three, epic=True) == 0
    assert count_homomorphisms(two, graph(0, [])) == 0
    assert count_homomorphisms(graph(0, []), graph(0, [])) == 1


# ---------------------------------------------------------------- the join at scale
def _load_previous_search() -> Any:
    """The previous backtracking search, kept in benchmarks/ as an independent reference."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "_old_homsearch.py"
    spec = importlib.util.spec_from_file_location("_old_homsearch", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


previous = _load_previous_search()


@PROPERTY
@given(graphs(max_vertices=4, max_edges=4), graphs(max_vertices=7, max_edges=12),
       st.sampled_from([{}, {"monic": True}, {"monic": ["V"]}, {"monic": ["E"]},
                        {"epic": ["V"]}, {"iso": True}]))
def test_larger_graphs_agree_with_the_previous_search(X: ACSet, Y: ACSet,
                                                      option: dict[str, Any]) -> None:
    found = keys(homomorphisms(X, Y, **option))
    assert len(found) == len(set(found))
    assert set(found) == set(keys(previous.homomorphisms(X, Y, **option)))
    assert count_homomorphisms(X, Y, **option) == len(found)
    assert is_homomorphic(X, Y, **option) == bool(found)
    first = homomorphism(X, Y, **option)
    assert (first is None) == (not found)
    if first is not None:
        assert key(first) == found[0]


@PROPERTY
@given(graphs(max_vertices=4, max_edges=5), graphs(max_vertices=8, max_edges=16),
       st.sampled_from([False, True]), st.integers(1, 7))
def test_results_do_not_depend_on_the_piece_size(X: ACSet, Y: ACSet, monic: bool,
                                                 chunk: int) -> None:
    """Depth-first over pieces keeps the order of a breadth-first join, whatever the
    piece size (1 is plain backtracking)."""
    from catlearn.acsets.homsearch import CHUNK, _Search

    def rows(size: int) -> list[list[int]]:
        search = _Search(X, Y, monic, False, False, None, None)
        return [r for F in search.leaves(size) for r in F.tolist()]

    whole = rows(CHUNK)
    assert rows(chunk) == whole
    assert len(whole) == count_homomorphisms(X, Y, monic=monic)


def test_a_cross_product_larger_than_a_piece() -> None:
    """Pieces split one row's candidates too (a pattern part with no hom to join on)."""
    from catlearn.acsets import homsearch

    three = graph(3, [])
    big = graph(40, [])
    old_chunk = homsearch.CHUNK
    try:
        homsearch.CHUNK = 7
        counted = count_homomorphisms(three, big, monic=True)
        listed = keys(homomorphisms(three, big, monic=True))
    finally:
        homsearch.CHUNK = old_chunk
    assert counted == len(listed) == 40 * 39 * 38
    assert listed == sorted(listed)  # the first part varies slowest


def test_high_degree_vertices_and_cycles() -> None:
    """A hub of degree 300 (joins larger than a first piece) and closing edges."""
    hub = [(0, v) for v in range(1, 301)] + [(v, 0) for v in range(1, 301)]
    G = graph(301, [*hub, (1, 2), (2, 1)])
    star = graph(4, [(0, 1), (0, 2), (0, 3)])
    assert count_homomorphisms(star, G, monic=True) == 300 * 299 * 298 + 0
    two_cycle = graph(2, [(0, 1), (1, 0)])
    # 0<->v for 300 vertices, both directions, plus 1<->2: ordered pairs
    assert count_homomorphisms(two_cycle, G, monic=True) == 2 * 300 + 2
    triangle = graph(3, [(0, 1), (1, 2), (2, 0)])
    assert count_homomorphisms(triangle, G, monic=True) == 6  # 0 -> 1 -> 2 -> 0, rotations


# ---------------------------------------------------------------- isequal attributes
NAN = float("nan")
ODD_VALUES = st.sampled_from([NAN, 1, 1.0, True, 0.0, -0.0, "a", None])


def isequal_brute_force(X: ACSet, Y: ACSet) -> set[tuple]:
    """Every morphism of labelled graphs by the rules, values compared with isequal."""
    from catlearn.acsets.values import isequal

    xs, ys = X.subpart("label").tolist(), Y.subpart("label").tolist()
    found = set()
    for V in itertools.product(range(Y.nparts("V")), repeat=X.nparts("V")):
        binding: dict[int, Any] = {}
        ok = True
        for x, v in enumerate(xs):
            w = ys[V[x]]
            if isinstance(v, AttrVar):
                if v.val in binding and not isequal(binding[v.val], w):
                    ok = False
                binding.setdefault(v.val, w)
            elif v is not None and (isinstance(w, AttrVar) or not isequal(v, w)):
                ok = False
        if not ok:
            continue
        for E in itertools.product(range(Y.nparts("E")), repeat=X.nparts("E")):
            if all(V[s] == Y.subpart(e, "src") and V[t] == Y.subpart(e, "tgt")
                   for s, t, e in zip(X.subpart("src").tolist(), X.subpart("tgt").tolist(),
                                      E, strict=True)):
                found.add((V, E, tuple(_vkey(binding[k]) for k in range(X.nparts("Label")))))
    return found


def _vkey(v: Any) -> Any:
    from catlearn.acsets.values import value_key

    return ("var", v.val) if isinstance(v, AttrVar) else ("value", value_key(v))


def isequal_key(f: ACSetTransformation) -> tuple:
    return (tuple(f["V"].tolist()), tuple(f["E"].tolist()),
            tuple(_vkey(v) for v in f.var_components["Label"]))


@PROPERTY
@given(acsets(SchLabeledGraph, max_parts=3, attr_values=ODD_VALUES, variables=True,
              max_vars=2),
       acsets(SchLabeledGraph, max_parts=3, attr_values=ODD_VALUES, variables=True,
              max_vars=2))
def test_nan_and_odd_values_agree_with_an_isequal_brute_force(X: ACSet, Y: ACSet) -> None:
    if any(k not in {v.val for v in X.subpart("label").tolist() if isinstance(v, AttrVar)}
           for k in range(X.nparts("Label"))):
        X = X.copy()  # give every variable an occurrence so nothing is free
        for k in range(X.nparts("Label")):
            X.add_part("V", label=AttrVar(k))
        if X.nparts("V") > 4:
            return
    found = [isequal_key(f) for f in homomorphisms(X, Y)]
    assert len(found) == len(set(found))
    assert set(found) == isequal_brute_force(X, Y)
    assert count_homomorphisms(X, Y) == len(found)


def test_nan_labelled_acsets_are_isomorphic_to_themselves() -> None:
    L = ACSet(SchLabeledGraph)
    L.add_parts("V", 2, label=[float("nan"), "x"])
    L.add_part("E", src=0, tgt=1)
    assert is_isomorphic(L, L)
    assert is_isomorphic(L, L.copy())
    M = permuted(L, {"V": [1, 0], "E": [0]})
    assert is_isomorphic(L, M)
    assert is_isomorphic(M, L)
    assert [f["V"].tolist() for f in isomorphisms(L, M)] == [[1, 0]]
    N = L.copy()
    N.set_subpart(0, "label", 1.0)
    assert not is_isomorphic(L, N)
    assert count_homomorphisms(L, L) == 1


def test_negative_zero_is_not_zero() -> None:
    Z = ACSet(SchLabeledGraph)
    Z.add_part("V", label=-0.0)
    P = ACSet(SchLabeledGraph)
    P.add_part("V", label=0.0)
    assert not is_isomorphic(Z, P)
    assert is_isomorphic(Z, Z.copy())


# ---------------------------------------------------------------- isomorphisms
@PROPERTY
@given(graphs(max_vertices=3, max_edges=3), graphs(max_vertices=3, max_edges=3))
def test_isomorphisms_agree_with_brute_force(X: ACSet, Y: ACSet) -> None:
    def invertible(f: ACSetTransformation) -> bool:
        try:
            f.inverse()
        except NaturalityError:
            return False
        return True

    expected = {key(f) for f in brute_force(X, Y) if f.is_iso() and invertible(f)}
    found = keys(isomorphisms(X, Y))
    assert len(found) == len(set(found))
    assert set(found) == expected
    for f in isomorphisms(X, Y):
        assert (f >> f.inverse()) == ACSetTransformation(
            X, X, **{c: np.arange(X.nparts(c)) for c in X.schema.obs})


@PROPERTY
@given(st.data(), acsets(schemas(max_obs=2, max_homs=3), max_parts=4))
def test_isomorphisms_of_a_relabelling_are_the_automorphisms(data: st.DataObject,
                                                             X: ACSet) -> None:
    perms = {c: data.draw(st.permutations(list(range(X.nparts(c))))) for c in X.schema.obs}
    Y = permuted(X, perms)
    autos = keys(isomorphisms(X, X))
    isos = list(isomorphisms(X, Y))
    assert len(isos) == len(autos) >= 1  # composing with the relabelling is a bijection
    assert all(f.is_iso() for f in isos)


def test_isomorphisms_of_a_cycle() -> None:
    n = 7
    C = graph(n, [(i, (i + 1) % n) for i in range(n)])
    autos = list(isomorphisms(C, C))
    assert sorted(f["V"].tolist()[0] for f in autos) == list(range(n))
    it = isomorphisms(C, C)
    assert next(it).is_iso()  # lazy: one at a time
    assert list(isomorphisms(C, graph(n, []))) == []


def test_isomorphism_of_larger_graphs() -> None:
    G = random_graph(300, 900, 3)
    rng = np.random.default_rng(4)
    perms = {"V": rng.permutation(300).tolist(), "E": rng.permutation(900).tolist()}
    H = permuted(G, perms)
    f = isomorphism(G, H)
    assert f is not None
    assert f.is_iso()
    assert ACSetTransformation(G, H, V=f["V"], E=f["E"]).is_iso()  # checked constructor


# ---------------------------------------------------------------- argument kinds
@pytest.mark.parametrize("fn", [homomorphisms, homomorphism, count_homomorphisms,
                                is_homomorphic, isomorphism, isomorphisms, is_isomorphic])
def test_each_argument_must_be_an_acset(fn: Any) -> None:
    what = "isomorphism" if "isomorph" in fn.__name__ else "homomorphism search"
    with pytest.raises(HomSearchTypeError, match=f"^{what}: the codomain must be an ACSet, "
                       "not int$"):
        fn(E, 3)
    with pytest.raises(HomSearchTypeError, match="the domain must be an ACSet, not str"):
        fn("E", E)
    with pytest.raises(TypeError):  # also a TypeError, as before
        fn(None, None)


@pytest.mark.parametrize("bad", [[("V", {0: [0]})], "V", 3, lambda x, y: True])
def test_predicates_must_be_a_mapping(bad: Any) -> None:
    with pytest.raises(HomSearchTypeError, match="predicates must be a mapping") as err:
        homomorphisms(E, E, predicates=bad)
    assert str(err.value).endswith(f", not {bad!r}")  # the message names the bad value
    with pytest.raises(HomSearchTypeError, match="predicates must be a mapping"):
        count_homomorphisms(E, E, predicates=bad)


def test_predicates_are_called_once_per_pair() -> None:
    G = random_graph(20, 60, 9)
    path = graph(3, [(0, 1), (1, 2)])
    seen: Counter = Counter()

    def allow(x: int, y: int) -> bool:
        seen[(x, y)] += 1
        assert isinstance(x, int)
        assert isinstance(y, int)
        return y % 2 == 0

    found = list(homomorphisms(path, G, predicates={"V": allow}))
    assert found
    assert all(v % 2 == 0 for f in found for v in f["V"].tolist())
    assert max(seen.values()) == 1
    assert len(found) == count_homomorphisms(path, G, predicates={"V": lambda x, y: y % 2 == 0})


def test_iso_with_an_unset_hom_in_the_domain() -> None:
    """A bijective morphism may send an unset hom value anywhere: in-degrees can grow."""
    X = graph(1, [(0, 0)])
    X.clear_subpart(0, "tgt")
    loop = graph(1, [(0, 0)])
    assert keys(homomorphisms(X, loop, iso=True)) == keys(brute_force(X, loop))
    assert count_homomorphisms(X, loop, iso=True) == 1
    assert not is_isomorphic(X, loop)  # its inverse is not natural


# ---------------------------------------------------------------- what the errors say
S3 = Schema("S3", obs=("A", "B", "C"),
            homs=(("h", "A", "B"), ("f", "A", "C"), ("g", "B", "C")))


def s3(nc: int, g: list[int], f: int) -> ACSet:
    """One part of A and B, ``nc`` of C: ``h(a) = b``, ``f(a) = f``, ``g(b) = g[0]``."""
    X = ACSet(S3)
    X.add_parts("C", nc)
    X.add_parts("B", 1, g=g)
    X.add_parts("A", 1, h=[0], f=[f])
    return X


def _unset_src() -> ACSet:
    Y = graph(2, [(0, 1)])
    Y.clear_subpart(0, "src")
    return Y


FAN = graph(3, [(0, 1), (0, 2)])
PATH = graph(3, [(0, 1), (1, 2)])
IN_FAN = graph(3, [(1, 0), (1, 2)])


@pytest.mark.parametrize(("X", "Y", "kw", "why"), [
    # a hom value of an assigned part clashes with the image fixed for its target
    (E, E, {"initial": {"V": {0: 1, 1: 0}, "E": {0: 0}}},
     "part 0 of V would be sent to both 1 and 0"),
    # ... with the image another hom forces (two routes into part 0 of C)
    (s3(1, [0], 0), s3(2, [1], 0), {"initial": {"A": {0: 0}}},
     "part 0 of C would be sent to both 1 and 0"),
    # a set hom value of the domain cannot go where the codomain's is unset
    (E, _unset_src(), {"initial": {"V": {0: 0}, "E": {0: 0}}},
     "part 0 of E would go to 0, where hom src is unset in the codomain, but src(0) = 0 "
     "in the domain"),
    (E, _unset_src(), {"initial": {"E": {0: 0}}},
     "part 0 of E would go to 0, where hom src is unset in the codomain, but src(0) = 0 "
     "in the domain"),
    (FAN, PATH, {"monic": ["E"], "initial": {"V": {0: 0}}},
     "monic on E: part 0 of V has 2 src-preimages in the domain, part 0 only 1"),
    (FAN, IN_FAN, {"iso": True, "initial": {"V": {0: 0}}},
     "iso on E: part 0 of V has 2 src-preimages in the domain, part 0 0"),
    (E, E, {"predicates": {"V": {0: [1]}}, "initial": {"V": {0: 0}}},
     "the predicate for V excludes sending part 0 to 0"),
    (E, E, {"predicates": {"V": lambda x, y: y != 1}, "initial": {"V": {0: 1}}},
     "the predicate for V excludes sending part 0 to 1"),
    (lset([AttrVar(0)], nvars=1), lset(["a"]), {"monic": ["D"], "initial": {"X": {0: 0}}},
     "monic on D: AttrVar(0) (attribute f at part 0 of X) would go to 'a', which is not a "
     "variable or is already taken"),
    (graph(2, []), graph(2, []), {"epic": ["V"], "initial": {"V": {0: 0, 1: 0}}},
     "too few parts are left to make the morphism epic"),
    (graph(2, []), graph(2, []), {"monic": True, "initial": {"V": {0: 0, 1: 0}}},
     "monic on V: parts 0 and 1 would both be sent to 0"),
    (lset([AttrVar(0), AttrVar(0)], nvars=1), lset(["a", "b"]),
     {"initial": {"X": {0: 0, 1: 1}}},
     "AttrVar(0) of D would be sent to both 'a' and 'b' (attribute f at part 1 of X -> 1)"),
    (lset([AttrVar(0), AttrVar(0)], nvars=1), lset(["a", "b"]),
     {"initial": {"D": {0: "b"}, "X": {0: 0}}},
     "AttrVar(0) of D would be sent to both 'b' and 'a' (attribute f at part 0 of X -> 0)"),
    (lset([1]), lset([2]), {"initial": {"X": {0: 0}}},
     "attribute f is 1 at part 0 of X in the domain but 2 at part 0 of X in the codomain"),
])
def test_initial_assignment_errors_explain_the_clash(X: ACSet, Y: ACSet, kw: dict,
                                                     why: str) -> None:
    """The whole explanation: which part, which images, which hom or attribute."""
    with pytest.raises(HomSearchError) as err:
        homomorphisms(X, Y, **kw)
    assert str(err.value) == (f"homomorphism search {describe(X)} -> {describe(Y)}: no "
                              f"morphism extends the initial assignment: {why}")


@pytest.mark.parametrize(("kw", "cls", "what"), [
    ({"initial": {"V": {2: 0}}}, HomSearchError,
     "initial for V: 2 is not a part of V in the domain (2 parts)"),
    ({"initial": {"V": {-1: 0}}}, HomSearchError,
     "initial for V: -1 is not a part of V in the domain (2 parts)"),
    ({"initial": {"V": {True: 0}}}, HomSearchError,
     "initial for V: True is not a part of V in the domain (2 parts)"),
    ({"initial": {"V": {0: 2}}}, HomSearchError,
     "initial for V: image 2 of part 0 is not a part of V in the codomain (2 parts)"),
    ({"initial": {"V": {0: -1}}}, HomSearchError,
     "initial for V: image -1 of part 0 is not a part of V in the codomain (2 parts)"),
    ({"initial": {"V": {0: False}}}, HomSearchError,
     "initial for V: image False of part 0 is not a part of V in the codomain (2 parts)"),
    ({"initial": [("V", 0)]}, HomSearchTypeError,
     "initial must be a mapping {ob: {part: image}}, not [('V', 0)]"),
    ({"initial": {"V": [0]}}, HomSearchTypeError,
     "initial['V'] must be a mapping {part: image}, not [0]"),
    ({"initial": {"W": {0: 0}}}, HomSearchError,
     "initial names 'W', which is not an object or attribute type of schema SchGraph"),
    ({"predicates": [("V", {0: [0]})]}, HomSearchTypeError,
     "predicates must be a mapping {ob: {part: images} or callable}, not [('V', {0: [0]})]"),
    ({"predicates": {"V": {2: [0]}}}, HomSearchError,
     "predicates for V: 2 is not a part of V in the domain (2 parts)"),
    ({"predicates": {"V": {-1: [0]}}}, HomSearchError,
     "predicates for V: -1 is not a part of V in the domain (2 parts)"),
    ({"predicates": {"V": {0: [2]}}}, HomSearchError,
     "predicates for V: image 2 of part 0 is not a part of V in the codomain (2 parts)"),
    ({"predicates": {"V": {0: [-1]}}}, HomSearchError,
     "predicates for V: image -1 of part 0 is not a part of V in the codomain (2 parts)"),
    ({"predicates": {"V": {0: "ab"}}}, HomSearchTypeError,
     "predicates['V'][0] must be a collection of allowed images, not 'ab'"),
    ({"predicates": {"D": {}}}, HomSearchError,
     "predicates names 'D', which is not an object of schema SchGraph"),
    ({"predicates": {"V": 3}}, HomSearchTypeError,
     "predicates['V'] must be a mapping {part: allowed images} or a callable "
     "(part, image) -> bool, not 3"),
    ({"max_results": -1}, HomSearchError,
     "max_results must be a non-negative integer or None, not -1"),
    ({"max_results": True}, HomSearchError,
     "max_results must be a non-negative integer or None, not True"),
    ({"max_results": 1.0}, HomSearchError,
     "max_results must be a non-negative integer or None, not 1.0"),
    ({"epic": 3}, HomSearchTypeError, "epic must be a bool or a collection of names, not 3"),
    ({"monic": ["W"]}, HomSearchError,
     "monic names 'W', which is not an object or attribute type of schema SchGraph"),
    ({"iso": ["V", "Q"]}, HomSearchError,
     "iso names 'Q', which is not an object or attribute type of schema SchGraph"),
])
def test_argument_errors_name_the_argument_part_and_bound(kw: dict, cls: type,
                                                          what: str) -> None:
    """Parts and images just outside the range (n, -1, bools) are refused, by name."""
    with pytest.raises(HomSearchError) as err:
        homomorphisms(E, E, **kw)
    assert type(err.value) is cls
    assert str(err.value) == f"homomorphism search SchGraph(V=2, E=1) -> SchGraph(V=2, E=1): {what}"


def _one_var() -> ACSet:
    X = lset(["a"], nvars=1)
    X.set_subpart(0, "f", AttrVar(0))
    return X


@pytest.mark.parametrize(("X", "Y", "kw", "what"), [
    (_one_var(), _one_var(), {"initial": {"D": {1: "a"}}},
     "initial for attribute type D: 1 is not a variable of the domain (1 variables)"),
    (_one_var(), _one_var(), {"initial": {"D": {-1: "a"}}},
     "initial for attribute type D: -1 is not a variable of the domain (1 variables)"),
    (_one_var(), _one_var(), {"initial": {"D": {True: "a"}}},
     "initial for attribute type D: True is not a variable of the domain (1 variables)"),
    (_one_var(), _one_var(), {"initial": {"D": {0: AttrVar(1)}}},
     "initial for attribute type D: image AttrVar(1) of AttrVar(0) is not a value or a "
     "variable of the codomain (1 variables)"),
    (lset([], nvars=2), lset(["a"]), {"initial": {"D": {0: "a"}}},
     "attribute type D: AttrVar(1) occurs in no attribute of the domain, so nothing "
     "determines its image; give it with initial={'D': {1: image}}"),
])
def test_variable_errors_name_the_variable(X: ACSet, Y: ACSet, kw: dict, what: str) -> None:
    with pytest.raises(HomSearchError) as err:
        homomorphisms(X, Y, **kw)
    assert str(err.value) == f"homomorphism search {describe(X)} -> {describe(Y)}: {what}"


def test_arguments_at_the_edge_of_their_range_are_accepted() -> None:
    """The last part and image, numpy integers, a single name and numpy bools work."""
    last = {"V": {np.int64(1): np.int64(1)}}
    assert keys(homomorphisms(E, E, initial=last)) == keys([identity(E)])
    assert keys(homomorphisms(E, E, predicates={"V": {1: [1]}})) == keys([identity(E)])
    assert count_homomorphisms(E, E, monic="V", epic=np.bool_(True)) == 1
    assert count_homomorphisms(E, E, iso=np.bool_(False)) == 1
    assert len(list(homomorphisms(graph(2, []), graph(2, []), max_results=np.int64(1)))) == 1
    X = _one_var()
    two = lset(["a"], nvars=2)
    two.set_subpart(0, "f", AttrVar(1))
    f = homomorphism(X, two, initial={"D": {0: AttrVar(1)}})
    assert f is not None
    assert f.var_components["D"] == (AttrVar(1),)


@PROPERTY
@given(with_unset_homs(graphs(max_vertices=3, max_edges=3)),
       with_unset_homs(graphs(max_vertices=3, max_edges=4)))
def test_unset_homs_agree_with_brute_force(X: ACSet, Y: ACSet) -> None:
    """An unset value of the domain imposes nothing; a set one cannot go to an unset one."""
    assert_agrees(X, Y)


@PROPERTY
@given(st.data(), schemas(max_obs=3, max_homs=3, max_attrtypes=0))
def test_unset_homs_of_random_schemas_agree_with_brute_force(data: st.DataObject,
                                                            S: Schema) -> None:
    X = data.draw(with_unset_homs(acsets(S, max_parts=2)))
    Y = data.draw(with_unset_homs(acsets(S, max_parts=3)))
    assert_agrees(X, Y)


def test_unset_hom_values_of_zero_are_images() -> None:
    """A part whose hom value is 0 is a valid image beside parts where it is unset."""
    Y = graph(2, [(0, 0), (0, 1)])
    Y.clear_subpart(1, "tgt")
    assert [(f["V"].tolist(), f["E"].tolist()) for f in homomorphisms(E, Y)] == [
        ([0, 0], [0])]
    assert count_homomorphisms(E, Y) == 1


@PROPERTY
@given(st.data(), with_unset_homs(graphs(max_vertices=3, max_edges=3)),
       with_unset_homs(graphs(max_vertices=3, max_edges=4)), st.sampled_from([False, True]))
def test_initial_with_unset_homs_agrees_with_brute_force(data: st.DataObject, X: ACSet,
                                                         Y: ACSet, monic: bool) -> None:
    initial = data.draw(partial_maps(X, Y))
    expected = assert_initial_agrees_with_brute_force(X, Y, initial, monic)
    if expected is not None:
        assert count_homomorphisms(X, Y, initial=initial, monic=monic) == len(expected)


def test_initial_forces_an_image_of_zero_beside_unset_values() -> None:
    Y = graph(2, [(0, 1), (1, 1)])
    Y.clear_subpart(1, "src")
    f = homomorphism(E, Y, initial={"E": {0: 0}})
    assert f is not None
    assert (f["V"].tolist(), f["E"].tolist()) == ([0, 1], [0])


def test_monic_on_an_attribute_type_sends_variables_to_distinct_variables() -> None:
    A = lset([AttrVar(0), AttrVar(1)], nvars=2)
    assert sorted((f["X"].tolist(), f.var_components["D"]) for f in
                  homomorphisms(A, A, monic=["D"])) == [
        ([0, 1], (AttrVar(0), AttrVar(1))), ([1, 0], (AttrVar(1), AttrVar(0)))]
    # one variable and one value in the codomain: the second variable has nowhere to go
    assert count_homomorphisms(A, lset([AttrVar(0), "a"], nvars=1), monic=["D"]) == 0
    assert count_homomorphisms(A, lset([AttrVar(0), "a"], nvars=1)) == 4


def test_homomorphism_respects_its_options() -> None:
    two = graph(2, [])
    f = homomorphism(two, two, predicates={"V": {0: [1]}})
    assert f is not None
    assert f["V"].tolist() == [1, 0]
    g = homomorphism(two, two, predicates={"V": lambda x, y: x != y}, check=True)
    assert g is not None
    assert g["V"].tolist() == [1, 0]
    assert homomorphism(two, two, predicates={"V": {0: []}}) is None
    assert is_homomorphic(two, two, predicates={"V": {0: [1]}, "E": {}})
    assert not is_homomorphic(two, two, predicates={"V": {0: []}})
    assert count_homomorphisms(two, two, predicates={"V": {0: [1]}}) == 2


def test_isomorphism_options_and_errors() -> None:
    with pytest.raises(SchemaError, match=r"^isomorphism: schemas differ \(SchGraph vs "
                                          r"SchLabeledGraph\)$"):
        isomorphisms(E, ACSet(SchLabeledGraph))
    two = graph(2, [])
    f = isomorphism(two, two, initial={"V": {0: 1}})
    assert f is not None
    assert f["V"].tolist() == [1, 0]
    assert keys(isomorphisms(two, two, initial={"V": {0: 1}})) == [key(f)]
    # the arguments are checked also when the invariants already rule isomorphisms out
    three = graph(3, [])
    for Y in (two, three):
        with pytest.raises(HomSearchError, match=r"initial for V: 9 is not a part of V"):
            isomorphisms(two, Y, initial={"V": {9: 0}})
        with pytest.raises(HomSearchError, match=r"monic on V: parts 0 and 1 would both be "
                                                 r"sent to 0"):
            isomorphisms(two, Y, initial={"V": {0: 0, 1: 0}})


def test_is_homomorphic_respects_initial_and_predicates() -> None:
    assert is_homomorphic(E, E, initial={"V": {0: 0}})
    assert not is_homomorphic(E, E, initial={"V": {0: 1}})  # no edge leaves vertex 1
    assert not is_homomorphic(E, E, predicates={"V": {0: [1]}})
    assert not is_homomorphic(E, E, initial={"V": {}}, predicates={"E": lambda x, y: False})


def test_epic_on_an_attribute_type_covers_its_variables() -> None:
    A = lset([AttrVar(0), AttrVar(1)], nvars=2)
    found = sorted((f["X"].tolist(), f.var_components["D"])
                   for f in homomorphisms(A, A, epic=["D"]))
    assert found == [([0, 1], (AttrVar(0), AttrVar(1))), ([1, 0], (AttrVar(1), AttrVar(0)))]
    assert count_homomorphisms(A, A, epic=["D"]) == 2
    assert count_homomorphisms(A, A) == 4
