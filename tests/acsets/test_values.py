"""Attribute values with odd equality (NaN, -0.0, arrays, dicts) in the engine's verbs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import (
    ACSet,
    ACSetTransformation,
    AttrVar,
    SchGraph,
    SchLabeledGraph,
    identity,
    is_natural,
)
from catlearn.acsets.values import isequal
from catlearn.errors import AttributeTypeError, NaturalityError

from .conftest import Unhashable

NAN = float("nan")

ODD_VALUES = st.one_of(
    st.sampled_from([NAN, -0.0, 0.0, 0, 1, 1.0, True, "a", "", None, (1, 2), [1, 2],
                     [1, NAN], {"k": [NAN]}, frozenset({1}), b"a", AttrVar(0)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.floats(allow_nan=True), max_size=2).map(np.asarray),
    st.lists(st.integers(0, 2), max_size=3),
    st.dictionaries(st.sampled_from("ab"), st.floats(allow_nan=True), max_size=2),
)


def labelled(labels: list[Any]) -> ACSet:
    g = ACSet(SchLabeledGraph)
    g.add_parts("Label", 1)
    g.add_parts("V", len(labels), label=labels)
    if labels:
        g.add_part("E", src=0, tgt=len(labels) - 1)
    return g


def test_nan_label_reproductions():
    L = ACSet(SchLabeledGraph)
    L.add_part("V", label=NAN)
    assert L == L.copy()
    assert identity(L).is_iso()
    assert L.incident(NAN, "label").tolist() == [0]
    assert ACSetTransformation(L, L.copy(), V=[0]).is_iso()


def test_negative_zero_differs_from_zero():
    a, b = labelled([0.0]), labelled([-0.0])
    assert a != b
    assert a == labelled([0.0])
    assert a.incident(-0.0, "label").tolist() == []
    assert b.incident(-0.0, "label").tolist() == [0]
    assert not is_natural(a, b, V=[0], E=[0])
    assert labelled([1]) == labelled([1.0])  # numbers compare by value, as Julia's isequal


def test_arrays_lists_and_dicts_as_values():
    arr = np.array([1.0, NAN])
    g = labelled([arr, [1, 2], {"a": [1, NAN]}, np.zeros((2, 2))])
    h = g.copy()
    assert g == h
    assert identity(g).is_iso()
    assert g.incident(np.array([1.0, NAN]), "label").tolist() == [0]
    assert g.incident([1.0, NAN], "label").tolist() == [0]  # a list equals an array
    assert g.incident({"a": [1, NAN]}, "label").tolist() == [2]
    assert g.incident((1, 2), "label").tolist() == []  # a tuple is not a list
    h.set_subpart(3, "label", np.zeros((2, 2)))
    assert g == h
    h.set_subpart(3, "label", np.zeros(4))  # other shape
    assert g != h


def test_unhashable_values_refused_at_write_time():
    g = labelled(["x"])
    before = g.copy()
    with pytest.raises(AttributeTypeError, match=r"attribute label: V -> Label, part 0 of V: "
                       r"value Unhashable\(\) of type Unhashable cannot be compared"):
        g.set_subpart(0, "label", Unhashable())
    with pytest.raises(AttributeTypeError, match="part 1 of V"):
        g.add_part("V", label=[Unhashable()])
    with pytest.raises(AttributeTypeError, match="cannot be compared"):
        g.incident(Unhashable(), "label")
    assert g == before
    with pytest.raises(TypeError):  # still a TypeError for callers that catch it
        g.add_part("V", label=Unhashable())


def test_attribute_variables_still_compare_by_identity():
    g = ACSet(SchLabeledGraph)
    g.add_parts("Label", 2)
    g.add_parts("V", 2, label=[AttrVar(0), AttrVar(1)])
    assert g.incident(AttrVar(1), "label").tolist() == [1]
    h = labelled([NAN, NAN])
    f = ACSetTransformation(g, h, V=[0, 1], E=[])
    assert f.var_components["Label"] == (h.subpart(0, "label"), h.subpart(1, "label"))
    assert f == ACSetTransformation(g, h, V=[0, 1], E=[], Label=[NAN, NAN])


@given(st.lists(ODD_VALUES, min_size=1, max_size=5))
def test_copy_equality_identity_and_incident_follow_isequal(labels):
    labels = [AttrVar(0) if isinstance(v, AttrVar) else v for v in labels]
    g = labelled(labels)
    h = g.copy()
    assert g == h
    assert h == g
    assert identity(g).is_iso()
    assert is_natural(g, h, V=list(range(len(labels))), E=[0], Label=[AttrVar(0)])
    for v in labels:
        expected = [i for i, w in enumerate(labels) if w is not None and v is not None
                    and isequal(v, w)]
        assert g.incident(v, "label").tolist() == expected


@given(st.lists(ODD_VALUES.filter(lambda v: not isinstance(v, AttrVar)), min_size=1,
                max_size=4), st.data())
def test_permutation_is_a_morphism_exactly_when_labels_are_isequal(labels, data):
    perm = data.draw(st.permutations(range(len(labels))))
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", len(labels), label=labels)
    h = ACSet(SchLabeledGraph)
    h.add_parts("V", len(labels), label=[labels[i] for i in np.argsort(perm)])
    # part i of g goes to perm[i] of h, whose label is labels[i]
    assert is_natural(g, h, V=list(perm))
    other = list(reversed(perm))
    expected = all(isequal(labels[i], h.subpart(other[i], "label"))
                   for i in range(len(labels)))
    assert is_natural(g, h, V=other) == expected


@given(st.integers(1, 4), st.integers(0, 4), st.integers(1, 4), st.integers(0, 4), st.data())
def test_is_natural_agrees_with_brute_force(nv, ne, mv, me, data):
    rng_v = st.integers(0, nv - 1)
    X = ACSet(SchGraph)
    X.add_parts("V", nv)
    X.add_parts("E", ne, src=data.draw(st.lists(rng_v, min_size=ne, max_size=ne)),
                tgt=data.draw(st.lists(rng_v, min_size=ne, max_size=ne)))
    Y = ACSet(SchGraph)
    Y.add_parts("V", mv)
    w = st.integers(0, mv - 1)
    Y.add_parts("E", me, src=data.draw(st.lists(w, min_size=me, max_size=me)),
                tgt=data.draw(st.lists(w, min_size=me, max_size=me)))
    V = data.draw(st.lists(st.integers(-1, mv), min_size=nv, max_size=nv))
    E = data.draw(st.lists(st.integers(-1, me), min_size=ne, max_size=ne))
    in_range = all(0 <= v < mv for v in V) and all(0 <= e < me for e in E)
    natural = in_range and all(
        V[X.subpart(e, h)] == Y.subpart(E[e], h) for e in range(ne) for h in ("src", "tgt"))
    assert is_natural(X, Y, V=V, E=E) == natural
    if not natural:
        with pytest.raises(NaturalityError):
            ACSetTransformation(X, Y, V=V, E=E)


@pytest.mark.parametrize(("args", "kwargs"), [
    ((1, 2), {}),
    ((ACSet(SchGraph), ACSet(SchLabeledGraph)), {}),
    ((ACSet(SchGraph), ACSet(SchGraph)), {"W": []}),
    ((ACSet(SchGraph), ACSet(SchGraph)), {"V": [[0], 1]}),
    ((ACSet(SchGraph), ACSet(SchGraph)), {"V": "ab"}),
])
def test_is_natural_never_raises(args, kwargs):
    assert is_natural(*args, **kwargs) is False
