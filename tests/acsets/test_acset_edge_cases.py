"""The C-set engine at its edges: printing, attribute queries, paths, ids of every kind."""

from __future__ import annotations

import numpy as np
import pytest

from catlearn.acsets import (
    ACSet,
    AttrVar,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    SchSymmetricGraph,
)
from catlearn.errors import (
    ACSetError,
    AttributeTypeError,
    ColumnShapeError,
    EquationError,
    PartIdError,
    PartIdTypeError,
    SchemaError,
)

from .conftest import Unhashable

#: an object with a hom and an attribute, one without columns, two attribute types
SchTwoTypes = Schema("SchTwoTypes", obs=("X", "Y"), homs=(("f", "X", "Y"),),
                     attrtypes=("T", "U"), attrs=(("a", "X", "T"),))


class Graphish(ACSet):
    """A user's subclass: printed and copied under its own name."""


# ====================================================================== tables
def test_tables_show_at_most_twenty_rows_then_a_count():
    A = ACSet(SchTwoTypes)
    A.add_parts("U", 1)
    A.add_parts("Y", 11)
    A.add_parts("X", 22, f=[i % 11 for i in range(22)], a=["s"] * 20 + [None, 1.5])
    rows = [f"    {i:<2}  {i % 11:<2}  's'" for i in range(20)]
    assert A.tables().splitlines() == [
        "ACSet(SchTwoTypes)",
        "  X: 22 parts",
        "    id  f   a",
        *rows,
        "    ... (2 more)",
        "  Y: 11 parts",
        "  U: 1 variable",
    ]
    A.add_parts("T", 2)
    assert A.tables().splitlines()[-2:] == ["  T: 2 variables", "  U: 1 variable"]


def test_tables_of_a_subclass_with_variables_and_empty_objects():
    g = Graphish(SchLabeledGraph)
    g.add_parts("Label", 2)
    g.add_part("V", label=AttrVar(1))
    assert str(g) == ("Graphish(SchLabeledGraph)\n"
                      "  V: 1 part\n"
                      "    id  label\n"
                      "    0   AttrVar(1)\n"
                      "  E: 0 parts\n"
                      "  Label: 2 variables")
    assert ACSet(SchGraph).tables() == "ACSet(SchGraph)\n  V: 0 parts\n  E: 0 parts"


def test_tables_align_columns_by_their_widest_entry():
    g = ACSet.build(SchGraph, V=11, E={"src": [10, 2], "tgt": [3, 10]})
    assert g.tables().splitlines()[3:] == ["    id  src  tgt", "    0   10   3",
                                           "    1   2    10"]


# ====================================================================== attribute queries
def test_incident_on_an_attribute_returns_integer_ids():
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", 3, label=["a", "b", "a"])
    for value in ("a", "zz", None, 3):
        hits = g.incident(value, "label")
        assert hits.dtype == np.int64, value
    assert g.incident("a", "label").tolist() == [0, 2]
    assert g.incident(None, "label").tolist() == []
    assert np.arange(3)[g.incident("zz", "label")].tolist() == []
    assert g.incident(None, ("src", "label")).dtype == np.int64


def test_incident_on_an_attribute_refuses_an_incomparable_value():
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", 1, label=["a"])
    with pytest.raises(AttributeTypeError, match=r"^SchLabeledGraph: incident on attribute "
                       r"label: Unhashable\(\) of type Unhashable cannot be compared"):
        g.incident(Unhashable(), "label")


def test_incident_along_a_path_checks_the_part_of_its_last_hom():
    g = ACSet(SchSymmetricGraph)
    g.add_parts("V", 2)
    g.add_parts("E", 2, src=[0, 1], tgt=[1, 0], inv=[1, 0])
    assert g.incident(0, ("inv", "src")).tolist() == [1]
    with pytest.raises(PartIdTypeError, match=r"incident\(src\) for V: 0.5 is not an integer"):
        g.incident(0.5, ("inv", "src"))


def test_column_is_the_whole_column():
    g = ACSet.build(SchGraph, V=2, E={"src": [0, 1], "tgt": [1, 1]})
    assert g.column("tgt").tolist() == [1, 1]


# ====================================================================== messages
def two_edges() -> ACSet:
    return ACSet.build(SchGraph, V=2, E={"src": [0, 1], "tgt": [1, 1]})


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: g.subpart(5, "src"), PartIdError,
     r"^SchGraph: E has no part 5 \(it has 2 parts, ids 0..1\)$"),
    (lambda g: g.set_subpart([0, 1], "tgt", 5), PartIdError,
     r"^SchGraph: hom tgt: E -> V: value 5 is not a part of V \(2 parts\)$"),
    (lambda g: g.set_subpart([], "tgt", -1), PartIdError,
     r"^SchGraph: hom tgt: E -> V: value -1 is not a part of V \(2 parts\)$"),
    (lambda g: g.set_subpart([0, 1], "tgt", [0, 2]), PartIdError,
     r"^SchGraph: hom tgt: E -> V, part 1 of E: value 2 is not a part of V \(2 parts\)$"),
    (lambda g: g.set_subpart(1, "src", 2**70), PartIdError,
     r"^SchGraph: hom src: E -> V, part 1 of E: value 1180591620717411303424 is not a "
     r"part of V \(2 parts\)$"),
    (lambda g: g.set_subpart([0, 1], "src", 2**70), PartIdError,
     r"^SchGraph: hom src: E -> V: value 1180591620717411303424 is not a part of V"),
    (lambda g: g.set_subpart([0, 1], "src", [0, 2**70]), PartIdError,
     r"^SchGraph: hom src: E -> V, part 1 of E: value 1180591620717411303424 is not"),
    (lambda g: g.cascading_rem_parts("V", [0, 1.5]), PartIdTypeError,
     r"^SchGraph: cascading_rem_parts for V: 1.5 is not an integer part id"),
    (lambda g: g.rem_parts("V", ["0"]), PartIdTypeError,
     r"^SchGraph: rem_parts for V: '0' is not an integer part id"),
    (lambda g: g.clear_subpart(0.5, "src"), PartIdTypeError,
     r"^SchGraph: clear_subpart\(src\) for E: 0.5 is not an integer part id"),
])
def test_messages_name_the_schema_hom_part_and_value(call, error, message):
    g = two_edges()
    before = g.copy()
    with pytest.raises(error, match=message):
        call(g)
    assert g == before


def test_build_checks_attribute_types():
    with pytest.raises(AttributeTypeError, match="value 3 has type int, expected str"):
        ACSet.build(SchLabeledGraph, types={"Label": str}, V={"label": [3]})
    g = ACSet.build(SchLabeledGraph, types={"Label": str}, V={"label": ["x"]})
    assert g.types["Label"] is str


# ====================================================================== values
def test_copy_and_empty_keep_the_class_and_the_types():
    g = Graphish(SchLabeledGraph, types={"Label": str})
    g.add_parts("V", 2, label=["a", "b"])
    for other in (g.copy(), g.empty()):
        assert type(other) is Graphish
        assert other.types == {"Label": str}
        with pytest.raises(AttributeTypeError):
            other.add_part("V", label=1)
    assert g.empty().nparts("V") == 0
    assert g.empty() == Graphish(SchLabeledGraph)
    assert g.nparts("V") == 2


def test_a_copy_is_independent_of_its_original():
    g = ACSet.build(SchLabeledGraph, V={"label": ["a", "b"]}, E={"src": [0], "tgt": [1]})
    assert g.incident(1, "tgt").tolist() == [0]  # build the index before copying
    h = g.copy()
    h.set_subpart(0, "tgt", 0)
    h.set_subpart(0, "label", "z")
    h.add_parts("E", 2, src=[1, 1], tgt=[1, 1])
    assert g.subpart("tgt").tolist() == [1]
    assert g.subpart("label").tolist() == ["a", "b"]
    assert g.incident(1, "tgt").tolist() == [0]
    assert g.incident(0, "tgt").tolist() == []
    assert h.incident(1, "tgt").tolist() == [1, 2]
    assert h.incident(0, "tgt").tolist() == [0]
    g.add_part("V", label="c")
    assert h.nparts("V") == 2


def test_equality_compares_sizes_columns_and_attribute_values():
    def labelled(*labels: object) -> ACSet:
        return ACSet.build(SchLabeledGraph, V={"label": list(labels)})

    assert labelled("a", float("nan")) == labelled("a", float("nan"))
    assert labelled([1], {"k": 2}) == labelled([1], {"k": 2})
    assert labelled("a", "b") != labelled("a", "c")
    assert labelled("a") != labelled("a", "a")
    assert labelled(0.0) != labelled(-0.0)
    assert labelled(None) != labelled("a")
    assert labelled(1) != labelled(1.5)
    assert labelled("a") != "a"
    g = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
    assert g != ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [0]})
    assert g != ACSet.build(SchGraph, V=2, E={"src": [1], "tgt": [1]})
    assert g == ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
    assert ACSet.build(SchGraph, V=2) != ACSet.build(SchGraph, V=3)


# ====================================================================== ids of every kind
def test_part_ids_of_every_accepted_kind():
    g = two_edges()
    assert g.subpart(np.int32(1), "src") == 1
    assert g.subpart(np.array(1), "src") == 1  # a 0-d array is one id
    assert g.subpart(np.array([1, 0], dtype=np.uint8), "src").tolist() == [1, 0]
    assert g.subpart(np.array([1, 0], dtype=object), "src").tolist() == [1, 0]
    assert g.subpart(np.zeros(0), "src").tolist() == []
    assert g.subpart((i for i in (1, 1)), "src").tolist() == [1, 1]
    assert g.subpart(range(2), "tgt").tolist() == [1, 1]
    assert g.subpart([np.int64(0), 1], "src").tolist() == [0, 1]


@pytest.mark.parametrize(("ids", "error", "message"), [
    (np.array([1.5, 0.0]), PartIdTypeError, r"subpart\(src\) for E: 1.5 is not an integer"),
    (np.array([True]), PartIdTypeError, r"subpart\(src\) for E: True is not an integer"),
    (np.array(["1"]), PartIdTypeError, r"subpart\(src\) for E: '1' is not an integer"),
    (np.zeros((1, 1), dtype=int), ColumnShapeError, r"subpart\(src\) for E: expected one part "
     r"id or a flat sequence of part ids, got array\(\[\[0\]\]\)"),
    ([0, [1]], ColumnShapeError, r"got \[0, \[1\]\]"),
    ([0, "1"], PartIdTypeError, r"subpart\(src\) for E: '1' is not an integer part id"),
    ({0: 1}, PartIdTypeError, r"subpart\(src\) for E: \{0: 1\} is not an integer part id"),
    (b"0", PartIdTypeError, r"b'0' is not an integer part id"),
    (None, PartIdTypeError, "None is not an integer part id"),
    (np.array([0, 2**64 - 1], dtype=np.uint64), PartIdError,
     r"E has no part 18446744073709551615"),
    (np.array([0, 2**63 - 1], dtype=np.int64), PartIdError, r"E has no part 9223372036854775807"),
    ([0, 2**63], PartIdError, r"E has no part 9223372036854775808"),
    ([0, -(2**63) - 1], PartIdError, r"E has no part -9223372036854775809"),
    (2**63, PartIdError, r"E has no part 9223372036854775808"),
    (-(2**63) - 1, PartIdError, r"E has no part -9223372036854775809"),
    ([0, 2], PartIdError, r"^SchGraph: E has no part 2 \(it has 2 parts, ids 0..1\)$"),
    ([-1, 0], PartIdError, r"E has no part -1"),
    (list(range(100)), PartIdError, r"E has no part 2 "),
])
def test_bad_part_ids_are_refused(ids, error, message):
    with pytest.raises(error, match=message):
        two_edges().subpart(ids, "src")


def test_long_bad_id_sequences_are_shortened_in_messages():
    with pytest.raises(ColumnShapeError, match=r"got \[\[0\], 1, 2, 3, 4, 5, \.\.\.\]$"):
        two_edges().subpart([[0], *range(1, 50)], "src")


@pytest.mark.parametrize(("parts", "values", "error", "message"), [
    ([0, 1], [0, "x"], PartIdTypeError,
     r"^SchGraph: hom tgt, part 1 of E: value 'x' is not an integer part id$"),
    ([1, 0], [0.5, 0], PartIdTypeError, r"hom tgt, part 1 of E: value 0.5 is not an integer"),
    ([0, 1], np.array([0.0, 0.5]), PartIdTypeError,
     r"hom tgt, part 0 of E: value 0.0 is not an integer"),
    ([0, 1], "x", PartIdTypeError,
     r"^SchGraph: hom tgt: E -> V: value 'x' is not an integer part id$"),
    (1, "x", PartIdTypeError, r"^SchGraph: hom tgt, part 1 of E: value 'x' is not an integer"),
    ([0, 1], [0, [1]], ColumnShapeError,
     r"^SchGraph: values of hom tgt for E: expected one part id or a flat sequence of part "
     r"ids, got \[0, \[1\]\]$"),
    ([0, 1], [0], ColumnShapeError, r"^SchGraph: column tgt for E has length 1, expected 2$"),
    ([0, 1], [0, 1, 1], ColumnShapeError, r"column tgt for E has length 3, expected 2$"),
    ([1, 0], [0, 5], PartIdError, r"hom tgt: E -> V, part 0 of E: value 5 is not a part"),
    ([1, 0], [-1, 0], PartIdError, r"hom tgt: E -> V, part 1 of E: value -1 is not a part"),
    ([0, 1], [1, 2], PartIdError, r"part 1 of E: value 2 is not a part of V \(2 parts\)"),
    (0, 2, PartIdError, r"part 0 of E: value 2 is not a part of V \(2 parts\)"),
    (1, -1, PartIdError, r"part 1 of E: value -1 is not a part of V"),
    ([0, 1], np.array([0, 2**64 - 1], dtype=np.uint64), PartIdError,
     r"part 1 of E: value 18446744073709551615 is not a part of V"),
])
def test_bad_hom_values_are_refused(parts, values, error, message):
    g = two_edges()
    before = g.copy()
    with pytest.raises(error, match=message):
        g.set_subpart(parts, "tgt", values)
    assert g == before


def test_hom_values_at_the_ends_of_the_range():
    g = two_edges()
    g.set_subpart([0, 1], "tgt", 0)  # one value for every part
    assert g.subpart("tgt").tolist() == [0, 0]
    g.set_subpart(1, "tgt", 1)
    g.set_subpart([0, 1], "src", [1, 0])
    assert g.subpart("tgt").tolist() == [0, 1]
    assert g.subpart("src").tolist() == [1, 0]
    g.set_subpart([0, 1], "src", np.array([0, 1], dtype=np.uint16))
    assert g.subpart("src").tolist() == [0, 1]


def test_repeated_parts_take_their_last_value():
    g = ACSet.build(SchGraph, V=3, E={"src": [0, 0, 0], "tgt": [0, 0, 0]})
    assert g.incident(0, "tgt").tolist() == [0, 1, 2]  # a built index follows the writes
    g.set_subpart([2, 0, 2, 1, 0], "tgt", [1, 2, 0, 1, 1])
    assert g.subpart("tgt").tolist() == [1, 1, 0]
    assert g.incident(1, "tgt").tolist() == [0, 1]
    assert g.incident(0, "tgt").tolist() == [2]
    assert g.incident(2, "tgt").tolist() == []
    h = ACSet(SchLabeledGraph)
    h.add_parts("V", 2)
    h.set_subpart([1, 0, 1], "label", ["a", "b", "c"])
    assert h.subpart("label").tolist() == ["b", "c"]


# ====================================================================== attributes
def test_attribute_values_one_per_part_or_one_for_all():
    h = ACSet(SchLabeledGraph)
    h.add_parts("V", 2)
    for value, expected in [(("a", "b"), ["a", "b"]), ({"k": 1}, [{"k": 1}] * 2),
                            (b"xy", [b"xy"] * 2), ("xy", ["xy", "xy"]),
                            (np.array(["p", "q"]), ["p", "q"]), (3, [3, 3])]:
        h.set_subpart([0, 1], "label", value)
        assert h.subpart("label").tolist() == expected, value
    h.set_subpart(0, "label", [1, 2])  # one part: a list is its value
    assert h.subpart(0, "label") == [1, 2]
    with pytest.raises(ColumnShapeError, match=r"^SchLabeledGraph: column label for V has "
                       r"length 3, expected 2$"):
        h.set_subpart([0, 1], "label", ["a", "b", "c"])
    with pytest.raises(ColumnShapeError, match="column label for V has length 1, expected 2"):
        h.set_subpart([0, 1], "label", np.array(["a"]))


@pytest.mark.parametrize(("value", "error", "message"), [
    (1.5, AttributeTypeError, r"^SchLabeledGraph: attribute label: V -> Label, part 1 of V: "
     r"value 1.5 has type float, expected int or str$"),
    (b"x", AttributeTypeError, "value b'x' has type bytes, expected int or str"),
    (AttrVar(1), PartIdError, r"^SchLabeledGraph: attribute type Label has no variable "
     r"AttrVar\(1\) \(1 variables\)$"),
    (AttrVar(2), PartIdError, r"no variable AttrVar\(2\)"),
])
def test_bad_attribute_values_are_refused(value, error, message):
    h = ACSet(SchLabeledGraph, types={"Label": (int, str)})
    h.add_parts("Label", 1)
    h.add_parts("V", 2)
    before = h.copy()
    with pytest.raises(error, match=message):
        h.set_subpart([0, 1], "label", ["ok", value])
    assert h == before
    h.set_subpart([0, 1], "label", [None, AttrVar(0)])
    assert h.subpart("label").tolist() == [None, AttrVar(0)]
    with pytest.raises(AttributeTypeError, match="value \\[3\\] has type list"):
        h.set_subpart(0, "label", [3])  # one part: the list is its value


@pytest.mark.parametrize("value", [Unhashable(), [Unhashable()], {"k": Unhashable()}])
def test_incomparable_attribute_values_are_refused(value):
    h = ACSet(SchLabeledGraph)
    h.add_parts("V", 2)
    with pytest.raises(AttributeTypeError, match=r"^SchLabeledGraph: attribute label: V -> "
                       r"Label, part 1 of V: value .* of type \w+ cannot be compared as an "
                       r"attribute value"):
        h.set_subpart([0, 1], "label", ["ok", value])
    assert h.subpart("label").tolist() == [None, None]


def test_attribute_variables_are_added_to_their_type():
    h = ACSet(SchLabeledGraph)
    assert h.add_parts("Label", 2) == range(0, 2)
    assert h.add_parts("Label", 1) == range(2, 3)
    assert h.add_part("Label") == 3
    assert h.nparts("Label") == 4
    assert h.add_parts("Label", 0) == range(4, 4)
    with pytest.raises(SchemaError, match="^schema SchLabeledGraph: attribute type Label has "
                       "no columns$"):
        h.add_parts("Label", 1, label=["x"])
    with pytest.raises(ACSetError, match="count must be >= 0"):
        h.add_parts("Label", -1)
    assert h.nparts("Label") == 4


# ====================================================================== adding
SchNext = Schema("SchNext", obs=("X",), homs=(("next", "X", "X"),))


def test_a_self_hom_may_point_at_the_part_being_added():
    X = ACSet(SchNext)
    assert X.add_part("X", next=0) == 0
    assert X.add_part("X", next=1) == 1
    assert X.add_part("X", next=np.int64(0)) == 2
    assert X.subpart("next").tolist() == [0, 1, 0]
    with pytest.raises(PartIdError, match=r"^SchNext: hom next: X -> X, part 3 of X: value 4 "
                       r"is not a part of X \(4 parts\)$"):
        X.add_part("X", next=4)
    with pytest.raises(PartIdError, match="value -1 is not a part of X"):
        X.add_part("X", next=-1)
    assert X.add_parts("X", 2, next=[4, 3]) == range(3, 5)
    with pytest.raises(PartIdError, match=r"part 6 of X: value 7 is not a part of X \(7 parts"):
        X.add_parts("X", 2, next=[0, 7])
    assert X.subpart("next").tolist() == [0, 1, 0, 4, 3]
    assert X.incident(0, "next").tolist() == [0, 2]
    assert X.add_part("X", next=X.nparts("X")) == 5
    assert X.incident(5, "next").tolist() == [5]


def test_adding_parts_one_at_a_time_keeps_the_index_true():
    g = ACSet.build(SchGraph, V=3)
    for k in range(40):
        assert g.add_part("E", src=k % 3, tgt=(k * 7) % 3) == k
        assert g.incident(k % 3, "src").tolist() == list(range(k % 3, k + 1, 3))
    assert g.nparts("E") == 40
    assert g.incident(0, "tgt").tolist() == [k for k in range(40) if (k * 7) % 3 == 0]
    g.add_part("E", src=1)
    assert g.subpart(40, "tgt") == -1
    assert 40 not in g.incident(0, "tgt").tolist()


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: g.add_parts("E", 2.0), PartIdTypeError,
     r"^SchGraph: cannot add 2.0 parts to E: the count must be a non-negative integer$"),
    (lambda g: g.add_parts("E", "2"), PartIdTypeError, r"cannot add '2' parts to E"),
    (lambda g: g.add_parts("E", -2), ACSetError,
     r"^SchGraph: cannot add -2 parts to E: the count must be >= 0$"),
    (lambda g: g.add_parts("E", 1, lab=[0]), SchemaError,
     r"^schema SchGraph: 'lab' is not a hom or attribute out of E$"),
    (lambda g: g.add_parts("V", 1, src=[0]), SchemaError, r"'src' is not a hom or attribute out "
     r"of V$"),
    (lambda g: g.add_part("E", src=0, tgt=2), PartIdError,
     r"^SchGraph: hom tgt: E -> V, part 2 of E: value 2 is not a part of V \(2 parts\)$"),
    (lambda g: g.add_part("E", src=0, tgt=0.0), PartIdTypeError,
     r"hom tgt, part 2 of E: value 0.0 is not an integer"),
    (lambda g: g.add_parts("E", 10**30), ACSetError,
     r"^SchGraph: cannot add 10{30} parts to E: too many to allocate$"),
])
def test_bad_additions_are_refused(call, error, message):
    g = two_edges()
    before = g.copy()
    with pytest.raises(error, match=message):
        call(g)
    assert g == before


def test_counts_of_any_integer_kind():
    g = ACSet(SchGraph)
    assert g.add_parts("V", np.int64(2)) == range(0, 2)
    assert g.add_parts("V", np.uint8(1)) == range(2, 3)
    assert g.add_parts("E", 0, src=[]) == range(0, 0)
    assert g.nparts("V") == 3
    assert g.nparts("E") == 0


# ====================================================================== reading
def test_unknown_names_are_schema_errors():
    g = two_edges()
    for ob in (["V"], None, 3, "W"):
        with pytest.raises(SchemaError, match="^schema SchGraph has no object or attribute "
                           "type"):
            g.nparts(ob)
    with pytest.raises(SchemaError, match="^schema SchGraph has no hom or attribute 3$"):
        g.subpart(0, 3)
    with pytest.raises(SchemaError, match=r"^schema SchGraph has no hom or attribute \{'a': 1\}"):
        g.subpart(0, {"a": 1})
    with pytest.raises(SchemaError, match="^schema SchGraph: an empty path has no value$"):
        g.subpart(0, ())
    with pytest.raises(SchemaError, match=r"^schema SchGraph: the path \('src', 'tgt'\) does "
                       r"not compose \(src ends at V, tgt starts at E\)$"):
        g.subpart(("src", "tgt"))
    with pytest.raises(SchemaError, match="no hom or attribute 'zz'"):
        g.subpart(("src", "zz"))
    with pytest.raises(TypeError, match="subpart.f. takes the name of a hom or attribute"):
        g.subpart(["src"])
    with pytest.raises(SchemaError, match="no hom or attribute 'zz'"):
        g.incident(0, "zz")


def test_paths_through_unset_values_read_unset():
    g = ACSet(SchSymmetricGraph)
    g.add_parts("V", 2)
    g.add_parts("E", 2, src=[0, 1], tgt=[1, 0])
    g.set_subpart(0, "inv", 1)
    assert g.subpart(("inv", "src")).tolist() == [1, -1]
    assert g.subpart([1, 0], ("inv", "tgt")).tolist() == [-1, 0]
    assert g.subpart(1, ("inv", "inv")) == -1
    assert isinstance(g.subpart(0, ("inv", "src")), int)
    h = ACSet.build(SchLabeledGraph, V={"label": ["a"]}, E={"src": [0, None]})
    assert h.subpart(("src", "label")).tolist() == ["a", None]
    assert h.subpart(("tgt", "label")).tolist() == [None, None]
    assert h.subpart(1, ("src", "label")) is None
    assert h.incident("a", ("src", "label")).tolist() == [0]
    assert h.incident("a", ("tgt", "label")).tolist() == []


def test_whole_columns_are_fresh_arrays():
    h = ACSet(SchLabeledGraph)
    h.add_parts("V", 2, label=["a", "b"])
    col = h.subpart("label")
    col[0] = "z"
    assert h.subpart(0, "label") == "a"
    assert h.subpart(("label",)).tolist() == ["a", "b"]
    g = two_edges()
    path = g.subpart([0, 1], ("src",))
    path[0] = 1
    assert g.subpart(0, "src") == 0


def test_incident_answers_are_fresh_arrays():
    g = two_edges()
    first = g.incident(1, "tgt")
    assert first.tolist() == [0, 1]
    first[0] = 7
    assert g.incident(1, "tgt").tolist() == [0, 1]
    g.set_subpart(0, "src", 1)  # a pending write: answered from the delta
    hit = g.incident(1, "src")
    hit[:] = 9
    assert g.incident(1, "src").tolist() == [0, 1]


def test_incident_checks_parts_against_the_current_codomain():
    g = two_edges()
    assert g.incident(1, "tgt").tolist() == [0, 1]  # the index is built for 2 vertices
    assert g.add_part("V") == 2
    assert g.incident(2, "tgt").tolist() == []
    assert g.incident([2, 1], "tgt")[1].tolist() == [0, 1]
    g.rem_part("V", 2)
    g.rem_part("V", 1)  # edges into 1 become unset
    with pytest.raises(PartIdError, match=r"^SchGraph: V has no part 1 \(it has 1 parts, ids "
                       r"0..0\)$"):
        g.incident(1, "tgt")
    with pytest.raises(PartIdError, match="V has no part 2"):
        g.incident(2, "tgt")
    with pytest.raises(PartIdError, match="V has no part -1"):
        g.incident(-1, "tgt")
    assert g.incident(0, "tgt").tolist() == []
    assert g.incident(0, "src").tolist() == [0]


# ====================================================================== writing and clearing
def test_clearing_repeated_parts_and_keeping_the_index_true():
    g = two_edges()
    assert g.incident(1, "tgt").tolist() == [0, 1]
    g.clear_subpart([1, 1, 0], "tgt")
    assert g.subpart("tgt").tolist() == [-1, -1]
    assert g.incident(1, "tgt").tolist() == []
    g.clear_subpart(np.array([0]), "src")
    assert g.subpart("src").tolist() == [-1, 1]
    assert g.incident(0, "src").tolist() == []
    assert g.incident(1, "src").tolist() == [1]
    h = ACSet.build(SchLabeledGraph, V={"label": ["a", "b", "c"]})
    h.clear_subpart([2, 0, 2], "label")
    assert h.subpart("label").tolist() == [None, "b", None]
    assert h.incident("b", "label").tolist() == [1]


def test_equation_messages_name_the_write_or_the_failing_part():
    g = ACSet.build(SchReflexiveGraph, V=2, E={"src": [0, 1], "tgt": [0, 1]})
    before = g.copy()
    with pytest.raises(EquationError, match=r"^SchReflexiveGraph: equation src_refl fails at "
                       r"part 0 of V: 1 != 0$"):
        g.set_subpart([0, 1], "refl", [1, 0])
    with pytest.raises(EquationError, match="equation src_refl fails at part 1 of V: 0 != 1$"):
        g.set_subpart([0, 1], "refl", [0, 0])
    with pytest.raises(EquationError, match=r"^SchReflexiveGraph: writing refl\(1\) = 0 breaks "
                       r"the equation src_refl at part 1 of V: 0 != 1$"):
        g.set_subpart(1, "refl", 0)
    with pytest.raises(EquationError, match="equation src_refl fails at part 2 of V: 1 != 2$"):
        g.add_parts("V", 2, refl=[1, 0])
    assert g == before
    g.set_subpart([0, 1], "refl", [0, 1])
    with pytest.raises(EquationError, match=r"^SchReflexiveGraph: writing src\(1\) = 0 breaks "
                       r"the equation src_refl at part 1 of V: 0 != 1$"):
        g.set_subpart(1, "src", 0)
    g.validate()


def test_writing_a_hom_checks_equations_only_where_it_is_used():
    g = ACSet.build(SchReflexiveGraph, V=2, E={"src": [0, 1, 0], "tgt": [0, 1, 1]})
    g.set_subpart([0, 1], "refl", [0, 1])
    g.set_subpart(2, "src", 1)  # edge 2 is no vertex's loop
    g.set_subpart(2, "tgt", 0)
    g.set_subpart([], "src", 0)
    assert g.subpart("src").tolist() == [0, 1, 1]
    g.clear_subpart(0, "src")  # unsetting never breaks an equation
    g.validate()
    g.set_subpart(0, "src", 0)
    with pytest.raises(EquationError, match=r"writing src\(0\) = 1 breaks the equation "
                       r"src_refl at part 0 of V: 1 != 0"):
        g.set_subpart(0, "src", 1)


def test_validate_finds_hom_values_out_of_range():
    X = ACSet(SchGraph)  # filled without checks, as a construction would
    X._adopt({"V": 2, "E": 3}, {"src": np.array([0, -1, 1]), "tgt": np.array([1, 1, 2])})
    with pytest.raises(PartIdError, match=r"^SchGraph: hom tgt: E -> V, part 2 of E: value 2 "
                       r"is not a part of V \(2 parts\)$"):
        X.validate()
    Y = ACSet(SchGraph)
    Y._adopt({"V": 2, "E": 2}, {"src": np.array([0, -2]), "tgt": np.array([1, 1])})
    with pytest.raises(PartIdError, match="hom src: E -> V, part 1 of E: value -2 is not a part"):
        Y.validate()
    Z = ACSet(SchGraph)
    Z._adopt({"V": 2, "E": 2}, {"src": np.array([1, -1]), "tgt": np.array([0, 1])})
    Z.validate()


def test_validate_finds_broken_equations():
    X = ACSet(SchReflexiveGraph)
    X._adopt({"V": 3, "E": 3}, {"src": np.array([0, 1, 2]), "tgt": np.array([0, 1, 1]),
                               "refl": np.array([0, 1, 2])})
    with pytest.raises(EquationError, match=r"^SchReflexiveGraph: equation tgt_refl fails at "
                       r"part 2 of V: 1 != 2$"):
        X.validate()
    Y = ACSet(SchReflexiveGraph)
    Y._adopt({"V": 2, "E": 2}, {"src": np.array([0, 1]), "tgt": np.array([0, 1]),
                               "refl": np.array([0, -1])})
    Y.validate()


# ====================================================================== removing
def test_rem_part_refuses_bad_ids_and_changes_nothing():
    g = two_edges()
    before = g.copy()
    with pytest.raises(PartIdTypeError, match=r"^SchGraph: rem_part for V: \[0\] is not an "
                       r"integer part id"):
        g.rem_part("V", [0])
    with pytest.raises(PartIdError, match=r"^SchGraph: V has no part 2 \(it has 2 parts"):
        g.rem_part("V", 2)
    with pytest.raises(SchemaError, match="has no object or attribute type 'W'"):
        g.rem_part("W", 0)
    assert g == before


def test_rem_part_of_the_last_part_and_of_a_middle_part():
    g = ACSet.build(SchGraph, V=3, E={"src": [0, 1, 2, 2], "tgt": [2, 2, 1, 0]})
    assert g.incident(2, "tgt").tolist() == [0, 1]
    assert g.rem_part("V", 2).tolist() == [0, 1, -1]
    assert g.subpart("src").tolist() == [0, 1, -1, -1]
    assert g.subpart("tgt").tolist() == [-1, -1, 1, 0]
    assert g.incident(1, "tgt").tolist() == [2]
    assert g.rem_part("E", 0).tolist() == [-1, 1, 2, 0]
    assert g.subpart("src").tolist() == [-1, 1, -1]
    assert g.subpart("tgt").tolist() == [0, -1, 1]
    assert g.incident(0, "tgt").tolist() == [0]
    assert g.incident(1, "src").tolist() == [1]
    assert g.rem_part("E", 2).tolist() == [0, 1, -1]
    assert g.nparts("E") == 2
    assert g.incident(1, "tgt").tolist() == []


def test_rem_part_moves_attributes_with_their_part():
    h = ACSet.build(SchLabeledGraph, V={"label": ["a", "b", "c"]})
    h.rem_part("V", 0)
    assert h.subpart("label").tolist() == ["c", "b"]
    assert h.incident("c", "label").tolist() == [0]
    h.add_part("V")
    assert h.subpart(2, "label") is None
    h.rem_part("V", 1)
    assert h.subpart("label").tolist() == ["c", None]


def test_rem_parts_removes_each_id_once_largest_first():
    g = ACSet.build(SchGraph, V=5, E={"src": [0, 4, 3], "tgt": [4, 3, 1]})
    out = g.rem_parts("V", [3, 0, 3, 1])
    assert out.tolist() == [-1, -1, 0, -1, 1]
    assert g.nparts("V") == 2
    assert g.subpart("src").tolist() == [-1, 1, -1]
    assert g.subpart("tgt").tolist() == [1, -1, -1]
    assert g.rem_parts("V", []).tolist() == [0, 1]
    with pytest.raises(PartIdError, match="V has no part 2"):
        g.rem_parts("V", [0, 2])
    assert g.nparts("V") == 2


def test_removing_a_variable_renumbers_the_last_one():
    h = ACSet(SchLabeledGraph)
    h.add_parts("Label", 3)
    h.add_parts("V", 4, label=[AttrVar(2), AttrVar(0), "x", AttrVar(1)])
    assert h.rem_part("Label", 0).tolist() == [-1, 1, 0]
    assert h.subpart("label").tolist() == [AttrVar(0), None, "x", AttrVar(1)]
    assert h.nparts("Label") == 2
    assert h.rem_parts("Label", [1, 0]).tolist() == [-1, -1]
    assert h.subpart("label").tolist() == [None, None, "x", None]


def test_cascading_removal_follows_homs_into_removed_parts():
    g = ACSet(SchSymmetricGraph)
    g.add_parts("V", 3)
    g.add_parts("E", 4, src=[0, 1, 1, 2], tgt=[1, 0, 2, 1], inv=[1, 0, 3, 2])
    out = g.cascading_rem_parts("V", [0, 0])
    assert set(out) == {"V", "E"}
    assert out["V"].tolist() == [-1, 1, 0]
    assert out["E"].tolist() == [-1, -1, 0, 1]
    assert g.subpart("inv").tolist() == [1, 0]
    assert g.nparts("E") == 2
    g.validate()
    assert g.cascading_rem_parts("V", []) == {}
    with pytest.raises(SchemaError, match="has no object 'W'"):
        g.cascading_rem_parts("W", [0])
    h = ACSet.build(SchGraph, V=3, E={"src": [0, 1], "tgt": [1, 2]})
    assert h.cascading_rem_parts("E", [1])["E"].tolist() == [0, -1]
    assert h.nparts("V") == 3
