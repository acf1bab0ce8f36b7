"""ACSet literals: ACSet.build and the repr that writes it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import (  # noqa: F401 (names for eval)
    ACSet,
    AttrVar,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
)
from catlearn.errors import ACSetError
from catlearn.testing import acsets, schemas

values = st.one_of(st.integers(-3, 3), st.text(max_size=2), st.floats(),
                   st.lists(st.integers(0, 2), max_size=2))


@given(acsets(schemas(max_attrtypes=2), attr_values=values, variables=True))
def test_repr_round_trips(X):
    assert eval(repr(X)) == X


def test_the_issue_example():
    g = ACSet.build(SchGraph, V=3, E={"src": [0, 1], "tgt": [1, 2]})
    assert g.nparts("V") == 3
    assert g.subpart("tgt").tolist() == [1, 2]
    assert repr(g) == "ACSet.build(SchGraph, V=3, E={'src': [0, 1], 'tgt': [1, 2]})"


def test_variables_unset_homs_and_types():
    X = ACSet.build(SchLabeledGraph, types={"Label": str}, Label=2,
                    V={"label": [AttrVar(1), "a", None]}, E={"src": [0, None], "tgt": [2, 1]})
    assert X.nparts("Label") == 2
    assert X.subpart(0, "label") == AttrVar(1)
    assert X.subpart("src").tolist() == [0, -1]
    assert eval(repr(X)) == X
    assert eval(repr(X)).types == X.types


def test_equations_are_checked():
    with pytest.raises(ACSetError):
        ACSet.build(SchReflexiveGraph, V={"refl": [0, 0]}, E={"src": [1], "tgt": [1]})


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"W": 1}, "'W' is not an object"),
    ({"V": -1}, "count of parts"),
    ({"V": True}, "count of parts"),
    ({"V": "3"}, "count of parts"),
    ({"V": 2, "E": {"src": [0, 1], "tgt": [1]}}, "different lengths"),
    ({"V": {"src": [0]}}, "not a hom or attribute out of V"),
])
def test_bad_literals(kwargs, match):
    with pytest.raises(ACSetError, match=match):
        ACSet.build(SchGraph, **kwargs)


def test_attribute_type_takes_a_count():
    with pytest.raises(ACSetError, match="attribute type"):
        ACSet.build(SchLabeledGraph, Label={"x": []})
