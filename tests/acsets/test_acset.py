import numpy as np
import pytest

from catlearn.acsets import (
    UNSET,
    ACSet,
    AttrVar,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    SchSymmetricGraph,
)
from catlearn.errors import ACSetError, AttributeTypeError, SchemaError


def path_graph(n):
    g = ACSet(SchGraph)
    g.add_parts("V", n)
    g.add_parts("E", n - 1, src=list(range(n - 1)), tgt=list(range(1, n)))
    return g


def test_add_and_read():
    g = path_graph(4)
    assert g.nparts("V") == 4
    assert g.nparts("E") == 3
    assert g.parts("E") == range(3)
    assert g.subpart("src").tolist() == [0, 1, 2]
    assert g.subpart([2, 0], "tgt").tolist() == [3, 1]
    assert g.subpart(1, "tgt") == 2
    assert isinstance(g.subpart(1, "tgt"), int)
    assert g.incident(2, "tgt").tolist() == [1]
    assert g.incident(0, "tgt").tolist() == []


def test_whole_column_is_a_copy():
    g = path_graph(3)
    col = g.subpart("src")
    col[0] = 99
    assert g.subpart(0, "src") == 0


def test_unset_hom_reads_minus_one():
    g = ACSet(SchGraph)
    g.add_parts("V", 1)
    e = g.add_part("E", src=0)
    assert g.subpart(e, "tgt") == UNSET
    assert g.incident(0, "src").tolist() == [e]
    assert g.incident(0, "tgt").tolist() == []


def test_paths_of_homs_and_attributes():
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", 2, label=["a", "b"])
    g.add_part("E", src=0, tgt=1)
    assert g.subpart(0, ("tgt", "label")) == "b"
    assert g.subpart(("src", "label")).tolist() == ["a"]
    assert g.incident("b", "label").tolist() == [1]
    assert g.incident("b", ("tgt", "label")).tolist() == [0]


def test_self_hom_in_same_batch():
    X = ACSet(SchSymmetricGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2, src=[0, 1], tgt=[1, 0], inv=[1, 0])
    assert X.subpart("inv").tolist() == [1, 0]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: g.add_part("E", src=5), ACSetError,
     r"SchGraph: hom src: E -> V, part 3 of E: value 5 is not a part of V \(4 parts\)"),
    (lambda g: g.add_part("E", src=-1), ACSetError, "value -1 is not a part of V"),
    (lambda g: g.add_part("E", src=1.5), ACSetError, "value 1.5 is not an integer part id"),
    (lambda g: g.add_part("E", src=True), ACSetError, "value True is not an integer"),
    (lambda g: g.add_parts("E", 2, src=[0]), ACSetError,
     "column src for E has length 1, expected 2"),
    (lambda g: g.add_parts("E", -1), ACSetError, "count must be >= 0"),
    (lambda g: g.add_part("W"), SchemaError, "schema SchGraph has no object 'W'"),
    (lambda g: g.add_part("E", label=1), SchemaError, "'label' is not a hom or attribute"),
    (lambda g: g.set_subpart(7, "src", 0), ACSetError,
     r"E has no part 7 \(it has 3 parts, ids 0..2\)"),
    (lambda g: g.set_subpart(0, "zz", 0), SchemaError, "no hom or attribute 'zz'"),
    (lambda g: g.subpart(0, "zz"), SchemaError, "no hom or attribute 'zz'"),
    (lambda g: g.subpart(9, "src"), ACSetError, "E has no part 9"),
    (lambda g: g.incident(9, "src"), ACSetError, "V has no part 9"),
    (lambda g: g.rem_part("V", 9), ACSetError, "V has no part 9"),
    (lambda g: g.nparts("W"), SchemaError, "no object or attribute type 'W'"),
])
def test_errors_change_nothing(call, error, message):
    g = path_graph(4)
    before = g.copy()
    with pytest.raises(error, match=message):
        call(g)
    assert g == before


def test_attribute_types_checked():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    with pytest.raises(AttributeTypeError, match=r"attribute label: V -> Label, part 0 of V: "
                       r"value 3 has type int, expected str"):
        g.add_parts("V", 2, label=[3, "x"])
    assert g.nparts("V") == 0
    g.add_parts("V", 2, label=["x", "y"])
    with pytest.raises(AttributeTypeError):
        g.set_subpart(1, "label", 2.0)
    assert g.subpart(1, "label") == "y"
    with pytest.raises(SchemaError, match="no attribute type 'Nope'"):
        ACSet(SchLabeledGraph, types={"Nope": str})
    with pytest.raises(TypeError, match="takes a Schema"):
        ACSet("SchGraph")  # type: ignore[arg-type]


def test_attribute_variables():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    assert g.add_part("Label") == 0
    assert g.nparts("Label") == 1
    v = g.add_part("V", label=AttrVar(0))
    assert g.subpart(v, "label") == AttrVar(0)
    with pytest.raises(ACSetError, match=r"attribute type Label has no variable AttrVar\(1\)"):
        g.add_part("V", label=AttrVar(1))
    g.add_part("Label")
    w = g.add_part("V", label=AttrVar(1))
    renumber = g.rem_part("Label", 0)
    assert renumber.tolist() == [-1, 0]
    assert g.subpart(v, "label") is None
    assert g.subpart(w, "label") == AttrVar(0)


def test_rem_part_pop_and_swap():
    g = path_graph(4)  # 0->1->2->3
    renumber = g.rem_part("V", 1)
    assert renumber.tolist() == [0, -1, 2, 1]
    # edges into the removed vertex are unset, edges into the moved one follow it
    assert g.subpart("src").tolist() == [0, -1, 2]
    assert g.subpart("tgt").tolist() == [-1, 2, 1]
    assert g.incident(1, "tgt").tolist() == [2]
    assert g.incident(2, "src").tolist() == [2]
    renumber = g.rem_part("E", 0)
    assert renumber.tolist() == [-1, 1, 0]
    assert g.subpart("src").tolist() == [2, -1]


def test_rem_parts_and_cascade():
    g = path_graph(5)
    renumber = g.rem_parts("V", [0, 3])
    assert renumber.tolist() == [-1, 1, 2, -1, 0]
    assert g.nparts("V") == 3
    g = path_graph(5)
    removed = g.cascading_rem_parts("V", [2])
    assert g.nparts("V") == 4
    assert g.nparts("E") == 2
    assert set(removed) == {"V", "E"}
    assert all(s >= 0 and t >= 0 for s, t in zip(g.subpart("src"), g.subpart("tgt"), strict=False))


def test_reflexive_graph_equations():
    g = ACSet(SchReflexiveGraph)
    g.add_parts("V", 2)
    e = g.add_part("E", src=0, tgt=0)
    f = g.add_part("E", src=0, tgt=1)
    g.set_subpart(0, "refl", e)
    with pytest.raises(ACSetError, match=r"breaks the equation src_refl at part 1 of V"):
        g.set_subpart(1, "refl", f)
    assert g.subpart(1, "refl") == UNSET
    # changing src of the loop would break refl ⋅ src = id at vertex 0
    with pytest.raises(ACSetError, match="equation src_refl"):
        g.set_subpart(e, "src", 1)
    assert g.subpart(e, "src") == 0
    with pytest.raises(ACSetError, match="equation"):
        g.add_part("V", refl=f)
    assert g.nparts("V") == 2
    g.validate()


def test_symmetric_graph_involution():
    X = ACSet(SchSymmetricGraph)
    X.add_parts("V", 2)
    X.add_parts("E", 2, src=[0, 1], tgt=[1, 0])
    X.set_subpart(0, "inv", 1)
    with pytest.raises(ACSetError, match="inv_inv"):
        X.set_subpart(1, "inv", 1)
    X.set_subpart(1, "inv", 0)
    X.validate()


def test_copy_equality_and_empty():
    g = path_graph(3)
    h = g.copy()
    assert g == h
    assert g is not h
    h.set_subpart(0, "tgt", 0)
    assert g != h
    assert g.subpart(0, "tgt") == 1
    assert g.empty() == ACSet(SchGraph)
    assert g != ACSet(SchReflexiveGraph)
    with pytest.raises(TypeError):
        hash(g)


def test_tables_print():
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", 2, label=["a", "b"])
    g.add_part("E", src=0, tgt=1)
    text = str(g)
    assert "V: 2 parts" in text
    assert "'a'" in text
    assert "src  tgt" in text


def test_clear_subpart():
    g = path_graph(3)
    g.clear_subpart(0, "src")
    assert g.subpart(0, "src") == UNSET
    assert g.incident(0, "src").tolist() == []
    g = ACSet(SchLabeledGraph)
    g.add_part("V", label="a")
    g.clear_subpart(0, "label")
    assert g.subpart(0, "label") is None


def test_vectorised_set_subpart_last_write_wins():
    g = path_graph(3)
    g.set_subpart(np.array([0, 0]), "tgt", np.array([0, 2]))
    assert g.subpart(0, "tgt") == 2
    assert g.incident(2, "tgt").tolist() == [0, 1]
    assert g.incident(0, "tgt").tolist() == []


def test_large_add_parts_index():
    g = ACSet(SchGraph)
    g.add_parts("V", 100)
    rng = np.random.default_rng(0)
    src = rng.integers(0, 100, 10_000)
    g.add_parts("E", 10_000, src=src, tgt=src)
    for v in (0, 17, 99):
        assert g.incident(v, "src").tolist() == np.flatnonzero(src == v).tolist()


def test_schema_without_types_accepts_any_value():
    S = Schema("S", obs=("X",), attrtypes=("T",), attrs=(("a", "X", "T"),))
    X = ACSet(S)
    X.add_parts("X", 2, a=[(1, 2), "s"])
    assert X.subpart(0, "a") == (1, 2)
