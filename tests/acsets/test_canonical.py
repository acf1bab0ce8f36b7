"""Automorphisms and canonical forms: invariance under relabelling, separation of
non-isomorphic ACSets (checked by hom search), automorphism counts."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from catlearn.acsets import ACSet, AttrVar, SchGraph, SchLabeledGraph, is_isomorphic
from catlearn.acsets.acset import UNSET
from catlearn.acsets.canonical import automorphisms, canonical_form, canonical_hash
from catlearn.testing import acsets, schemas

values = st.sampled_from([0, 1, "a"])
instances = acsets(schemas(max_obs=3, max_homs=3, max_attrtypes=1, max_attrs=2),
                   max_parts=4, attr_values=values, variables=True, max_vars=2)


def free_vars(X: ACSet) -> bool:
    """Whether some variable occurs in no attribute (hom search cannot place it)."""
    for t in X.schema.attrtypes:
        used = {v.val for a in X.schema.attrs_into(t) for v in X.subpart(a).tolist()
                if isinstance(v, AttrVar)}
        if len(used) < X.nparts(t):
            return True
    return False


def relabel(X: ACSet, perms: dict) -> ACSet:
    """X with the parts of each object (and variables of each type) permuted."""
    schema = X.schema
    Y = X.empty()
    for k in schema.obs + schema.attrtypes:
        Y.add_parts(k, X.nparts(k))
    for f, x, y in schema.homs:
        col = X.subpart(f)
        new = np.full(col.size, UNSET, dtype=np.int64)
        defined = col != UNSET
        new[perms[x][defined]] = perms[y][col[defined]]
        parts = np.flatnonzero(new != UNSET)
        if parts.size:
            Y.set_subpart(parts, f, new[parts])
    for a, x, t in schema.attrs:
        col = X.subpart(a).tolist()
        new = np.empty(len(col), dtype=object)
        for p, v in enumerate(col):
            new[perms[x][p]] = AttrVar(int(perms[t][v.val])) if isinstance(v, AttrVar) else v
        if len(col):
            Y.set_subpart(np.arange(len(col)), a, new)
    return Y


@st.composite
def relabelled(draw, X):
    perms = {k: np.asarray(draw(st.permutations(range(X.nparts(k)))), dtype=np.int64)
             for k in X.schema.obs + X.schema.attrtypes}
    return relabel(X, perms)


@st.composite
def mutated(draw, X):
    """X with one hom value or attribute value changed (often not isomorphic to X)."""
    Y = X.copy()
    homs = [f for f, x, y in X.schema.homs if X.nparts(x) and X.nparts(y)]
    if homs:
        f = draw(st.sampled_from(homs))
        x, y = X.schema.dom(f), X.schema.codom(f)
        Y.set_subpart(draw(st.integers(0, X.nparts(x) - 1)), f,
                      draw(st.integers(0, X.nparts(y) - 1)))
    return Y


@given(instances.flatmap(lambda X: st.tuples(st.just(X), relabelled(X))))
def test_relabellings_have_equal_canonical_forms(pair):
    X, Y = pair
    assert canonical_form(X) == canonical_form(Y)
    assert canonical_hash(X) == canonical_hash(Y)


@given(instances)
def test_canonical_form_is_isomorphic_to_its_argument(X):
    C = canonical_form(X)
    assume(not free_vars(X))
    assert is_isomorphic(X, C)
    assert canonical_form(C) == C


@given(instances.flatmap(lambda X: st.tuples(
    st.just(X), st.one_of(relabelled(X), mutated(X)).flatmap(relabelled))))
def test_canonical_forms_agree_exactly_for_isomorphic_inputs(pair):
    X, Y = pair
    assume(not free_vars(X) and not free_vars(Y))
    assert (canonical_form(X) == canonical_form(Y)) == is_isomorphic(X, Y)
    assert (canonical_hash(X) == canonical_hash(Y)) == is_isomorphic(X, Y)


def cycle(n: int) -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", n)
    g.add_parts("E", n, src=list(range(n)), tgt=[(i + 1) % n for i in range(n)])
    return g


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_directed_cycle_has_n_automorphisms(n):
    autos = list(automorphisms(cycle(n)))
    assert len(autos) == n
    assert all(a.is_iso() and a.dom is a.codom for a in autos)


def test_symmetric_structure_canonical_form_is_fast_and_exact():
    # 8 isolated vertices and the complete digraph on 4 vertices: large automorphism groups
    g = ACSet(SchGraph)
    g.add_parts("V", 12)
    pairs = [(i, j) for i in range(4) for j in range(4) if i != j]
    g.add_parts("E", len(pairs), src=[i for i, _ in pairs], tgt=[j for _, j in pairs])
    perm = {"V": np.asarray([11, 3, 7, 0, 1, 2, 4, 5, 6, 8, 9, 10]),
            "E": np.arange(len(pairs))[::-1].copy()}
    assert canonical_form(g) == canonical_form(relabel(g, perm))


def test_many_symmetric_components():
    # six directed triangles and ten isolated vertices, relabelled at random
    g = ACSet(SchGraph)
    g.add_parts("V", 28)
    src = [3 * k + i for k in range(6) for i in range(3)]
    tgt = [3 * k + (i + 1) % 3 for k in range(6) for i in range(3)]
    g.add_parts("E", 18, src=src, tgt=tgt)
    rng = np.random.default_rng(0)
    h = relabel(g, {"V": rng.permutation(28), "E": rng.permutation(18)})
    assert canonical_form(g) == canonical_form(h)
    assert len(list(automorphisms(cycle(3)))) == 3


def test_nan_labels():
    X = ACSet(SchLabeledGraph)
    X.add_parts("V", 2, label=[float("nan"), "a"])
    X.add_part("E", src=0, tgt=1)
    Y = relabel(X, {"V": np.asarray([1, 0]), "E": np.asarray([0]),
                    "Label": np.zeros(0, dtype=np.int64)})
    assert canonical_hash(X) == canonical_hash(Y)


def test_not_an_acset():
    with pytest.raises(TypeError, match="takes an ACSet"):
        canonical_form(3)  # type: ignore[arg-type]
