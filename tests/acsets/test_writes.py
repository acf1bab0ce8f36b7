"""All-or-nothing writes: a failing mutator leaves the ACSet exactly as it was."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.acsets import (
    ACSet,
    AttrVar,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    SchSymmetricGraph,
    generate_json_acset,
)
from catlearn.acsets.preimage import PreimageIndex
from catlearn.errors import (
    ACSetError,
    AttributeTypeError,
    ColumnShapeError,
    EquationError,
    PartIdError,
    PartIdTypeError,
    SchemaError,
)

from .conftest import (
    ATTR_VALUES,
    assert_index_matches_scan,
    assert_library_error,
    id_args,
)

SCHEMAS = [
    (SchGraph, None),
    (SchReflexiveGraph, None),
    (SchSymmetricGraph, None),
    (SchLabeledGraph, {"Label": str}),
]


def one_vertex() -> ACSet:
    g = ACSet(SchGraph)
    g.add_parts("V", 1)
    return g


# ------------------------------------------------------------ the reproductions
@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: g.add_part("E", src=0, tgt=[0]), ColumnShapeError, "values of hom tgt"),
    (lambda g: g.add_part("E", src=2**64), PartIdError,
     "hom src: E -> V, part 1 of E: value 18446744073709551616 is not a part of V"),
    (lambda g: g.set_subpart([], "tgt", "x"), PartIdTypeError,
     "hom tgt: E -> V: value 'x' is not an integer part id"),
    (lambda g: g.rem_parts("E", [[0], 0]), ColumnShapeError, r"rem_parts for E: .*\[\[0\], 0\]"),
    (lambda g: g.add_part("E", src=1.0), PartIdTypeError, "value 1.0 is not an integer"),
    (lambda g: g.add_part("E", src=np.float64(0)), PartIdTypeError, "is not an integer"),
    (lambda g: g.add_part("E", src=True), PartIdTypeError, "value True is not an integer"),
    (lambda g: g.add_part("E", src=np.bool_(False)), PartIdTypeError, "is not an integer"),
    (lambda g: g.add_part("E", src="0"), PartIdTypeError, "value '0' is not an integer"),
    (lambda g: g.incident(0.5, "src"), PartIdTypeError, r"incident\(src\) for V: 0.5"),
    (lambda g: g.incident(True, "src"), PartIdTypeError, "True is not an integer part id"),
    (lambda g: g.incident("0", "src"), PartIdTypeError, "'0' is not an integer part id"),
    (lambda g: g.incident(np.uint64(2**64 - 1), "src"), PartIdError, "V has no part"),
    (lambda g: g.incident(-1, "src"), PartIdError, "V has no part -1"),
    (lambda g: g.subpart(0.0, "src"), PartIdTypeError, r"subpart\(src\) for E"),
    (lambda g: g.set_subpart(0.0, "src", 0), PartIdTypeError, r"set_subpart\(src\) for E"),
    (lambda g: g.clear_subpart([0, "a"], "src"), PartIdTypeError, "'a' is not an integer"),
    (lambda g: g.rem_part("V", 0.0), PartIdTypeError, "rem_part for V: 0.0"),
    (lambda g: g.rem_part("V", [0]), PartIdTypeError, "rem_part for V"),
    (lambda g: g.rem_parts("V", [0, 3]), PartIdError, r"V has no part 3 \(it has 1 parts"),
    (lambda g: g.cascading_rem_parts("V", [0, 1.5]), PartIdTypeError, "1.5"),
    (lambda g: g.add_parts("E", 2.0), PartIdTypeError, "count must be a non-negative integer"),
    (lambda g: g.add_parts("E", True), PartIdTypeError, "count must be"),
    (lambda g: g.add_parts("E", 10**30), ACSetError, "too many to allocate"),
    (lambda g: g.add_parts("E", 2, src=np.zeros((1, 2), dtype=int)), ColumnShapeError,
     "values of hom src"),
    (lambda g: g.add_parts("E", 2, src=[0]), ColumnShapeError,
     "column src for E has length 1, expected 2"),
    (lambda g: g.set_subpart(0, ["src"], 0), SchemaError, "no hom or attribute"),
])
def test_reproductions_raise_library_errors_and_change_nothing(call, error, message):
    g = one_vertex()
    g.add_part("E", src=0, tgt=0)
    before, json_before = g.copy(), generate_json_acset(g)
    with pytest.raises(error, match=message) as info:
        call(g)
    assert_library_error(info.value)
    assert g == before
    assert generate_json_acset(g) == json_before
    assert_index_matches_scan(g)


def test_failed_add_leaves_no_part_and_a_true_index():
    g = one_vertex()
    with pytest.raises(ColumnShapeError):
        g.add_part("E", src=0, tgt=[0])
    assert g.nparts("E") == 0
    assert g.incident(0, "tgt").tolist() == []
    assert g.subpart("tgt").tolist() == []


def test_builtin_kinds_still_catch():
    g = one_vertex()
    with pytest.raises(IndexError):
        g.incident(5, "src")
    with pytest.raises(TypeError):
        g.incident(0.5, "src")
    with pytest.raises(ValueError, match="length"):
        g.add_parts("E", 2, src=[0])


def test_equation_checked_before_writing():
    g = ACSet(SchReflexiveGraph)
    g.add_parts("V", 2)
    g.add_parts("E", 2, src=[0, 1], tgt=[0, 1])
    g.set_subpart(0, "refl", 0)
    before = g.copy()
    with pytest.raises(EquationError, match=r"writing tgt\(0\) = 1 breaks the equation "
                       r"tgt_refl at part 0 of V: 1 != 0"):
        g.set_subpart(0, "tgt", 1)
    assert g == before
    assert_index_matches_scan(g)
    with pytest.raises(EquationError, match="src_refl"):
        g.add_part("V", refl=1)  # edge 1 goes 1 -> 1, not from the new vertex
    assert g == before
    with pytest.raises(EquationError):  # a batch: the second value is wrong
        g.set_subpart([1, 1], "refl", [1, 0])
    assert g == before
    g.set_subpart([1, 1], "refl", [0, 1])  # last value wins, and it is right
    assert g.subpart("refl").tolist() == [0, 1]


def test_symmetric_graph_batch_with_self_hom():
    g = ACSet(SchSymmetricGraph)
    g.add_parts("V", 2)
    with pytest.raises(EquationError, match="inv_inv"):
        g.add_parts("E", 2, src=[0, 1], tgt=[1, 0], inv=[1, 1])
    assert g.nparts("E") == 0
    g.add_parts("E", 2, src=[0, 1], tgt=[1, 0], inv=[1, 0])
    assert g.incident(0, "inv").tolist() == [1]


def test_attribute_errors_name_attribute_and_part():
    g = ACSet(SchLabeledGraph, types={"Label": str})
    g.add_parts("V", 2, label=["a", "b"])
    before = g.copy()
    with pytest.raises(AttributeTypeError, match="attribute label: V -> Label, part 1 of V"):
        g.set_subpart([0, 1], "label", ["c", 5])
    with pytest.raises(PartIdError, match=r"no variable AttrVar\(0\)"):
        g.set_subpart(0, "label", AttrVar(0))
    assert g == before


# ------------------------------------------------------------ the property test
def _columns(g: ACSet, ob: str, data: Any, n: int | None) -> dict[str, Any]:
    cols: dict[str, Any] = {}
    for f in g.schema.homs_out(ob):
        if data.draw(st.booleans()):
            y = g.schema.codom(f)
            m = g.nparts(y) + (1 if y == ob else 0)
            if n is None:
                cols[f] = data.draw(id_args(m))
            else:
                cols[f] = data.draw(st.one_of(
                    st.lists(st.integers(0, max(m - 1, 0)), min_size=n, max_size=n),
                    id_args(m)))
    for a in g.schema.attrs_out(ob):
        if data.draw(st.booleans()):
            cols[a] = data.draw(ATTR_VALUES if n is None else st.one_of(
                st.lists(ATTR_VALUES, min_size=n, max_size=n), ATTR_VALUES))
    if data.draw(st.integers(0, 19)) == 0:
        cols["nope"] = 0
    return cols


def _random_call(g: ACSet, data: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    S = g.schema
    op = data.draw(st.sampled_from(["add_part", "add_parts", "set_subpart", "set_subpart",
                                    "clear_subpart", "rem_part", "rem_parts",
                                    "cascading_rem_parts", "incident"]))
    names = list(S.hom_names() + S.attr_names())
    if op in ("add_part", "add_parts"):
        ob = data.draw(st.sampled_from(S.obs * 4 + S.attrtypes + ("W",)))
        if ob not in S.obs:
            return op, (ob,) if op == "add_part" else (ob, 1), {}
        if op == "add_part":
            return op, (ob,), _columns(g, ob, data, None)
        n = data.draw(st.one_of(st.integers(0, 3), st.sampled_from([-1, 1.0, True, "2"])))
        return op, (ob, n), _columns(g, ob, data, n if isinstance(n, int) and n >= 0
                                     and not isinstance(n, bool) else 1)
    if op in ("set_subpart", "clear_subpart", "incident"):
        f = data.draw(st.sampled_from(names * 4 + ["zz"]))
        ob = S.dom(f) if f != "zz" else S.obs[0]
        if op == "incident":
            y = S.codom(f) if f in S.hom_names() else None
            arg = data.draw(id_args(g.nparts(y))) if y else data.draw(ATTR_VALUES)
            return op, (arg, f), {}
        part = data.draw(id_args(g.nparts(ob)))
        if op == "clear_subpart":
            return op, (part, f), {}
        if f in S.hom_names():
            value = data.draw(id_args(g.nparts(S.codom(f))))
        else:
            value = data.draw(st.one_of(ATTR_VALUES, st.lists(ATTR_VALUES, max_size=3)))
        return op, (part, f, value), {}
    ob = data.draw(st.sampled_from(S.obs + S.attrtypes))
    if op == "cascading_rem_parts" and ob not in S.obs:
        ob = S.obs[0]
    return op, (ob, data.draw(id_args(g.nparts(ob)))), {}


def start(schema: Any, types: Any, n: int) -> ACSet:
    """A small valid instance: ``n`` vertices, a loop at each (its ``refl`` or ``inv``)."""
    g = ACSet(schema, types=types)
    g.add_parts("V", n, **({"label": "v"} if types else {}))
    # edges k -> k+1 first, so that edge ids and vertex ids differ
    g.add_parts("E", n, src=list(range(n)), tgt=[(k + 1) % n for k in range(n)])
    loops = g.add_parts("E", n, src=list(range(n)), tgt=list(range(n)))
    if "refl" in schema.hom_names():
        g.set_subpart(list(range(n)), "refl", list(loops))
    if "inv" in schema.hom_names():
        g.set_subpart(list(loops), "inv", list(loops))
    return g


@pytest.mark.parametrize(("schema", "types"), SCHEMAS, ids=[s.name for s, _ in SCHEMAS])
@given(data=st.data())
def test_random_calls_are_all_or_nothing(schema, types, data):
    g = start(schema, types, data.draw(st.integers(0, 3)))
    old = PreimageIndex.min_delta
    PreimageIndex.min_delta = data.draw(st.sampled_from([1, 2, 1024]))
    try:
        for _ in range(data.draw(st.integers(1, 12))):
            op, args, kwargs = _random_call(g, data)
            before, json_before = g.copy(), generate_json_acset(g)
            try:
                getattr(g, op)(*args, **kwargs)
            except Exception as err:
                assert_library_error(err)
                assert generate_json_acset(g) == json_before, (op, args, kwargs)
                assert g == before, (op, args, kwargs)
            else:
                g.validate()
            assert_index_matches_scan(g)
    finally:
        PreimageIndex.min_delta = old


def equations_hold(schema: Any, cols: dict[str, list[int]]) -> bool:
    """Brute force: every equation holds at every part where both sides are defined."""
    for eq in schema.equations:
        n = len(cols[schema.homs_out(eq.dom)[0]]) if schema.homs_out(eq.dom) else 0
        for x in range(n):
            sides = []
            for side in (eq.lhs, eq.rhs):
                v = x
                for h in side:
                    v = cols[h][v] if v >= 0 else -1
                sides.append(v)
            if sides[0] >= 0 and sides[1] >= 0 and sides[0] != sides[1]:
                return False
    return True


@pytest.mark.parametrize("schema", [SchReflexiveGraph, SchSymmetricGraph],
                         ids=["SchReflexiveGraph", "SchSymmetricGraph"])
@given(data=st.data())
def test_equation_checks_agree_with_brute_force(schema, data):
    g = start(schema, None, data.draw(st.integers(1, 3)))
    for _ in range(data.draw(st.integers(1, 10))):
        f = data.draw(st.sampled_from(schema.hom_names()))
        x, y = schema.dom(f), schema.codom(f)
        if data.draw(st.integers(0, 3)) == 0 or g.nparts(x) == 0:
            ob = data.draw(st.sampled_from(schema.obs))
            cols = {h: data.draw(st.integers(0, g.nparts(schema.codom(h)) - (
                0 if schema.codom(h) == ob else 1))) for h in schema.homs_out(ob)
                if g.nparts(schema.codom(h)) or schema.codom(h) == ob}
            call: Any = (g.add_part, (ob,), cols)
            ref = {h: g.subpart(h).tolist() for h in schema.hom_names()}
            for h in schema.homs_out(ob):
                ref[h].append(cols.get(h, -1))
        else:
            parts = data.draw(st.lists(st.integers(0, g.nparts(x) - 1), min_size=1,
                                       max_size=3))
            vals = data.draw(st.lists(st.integers(0, g.nparts(y) - 1), min_size=len(parts),
                                      max_size=len(parts)))
            call = (g.set_subpart, (parts, f, vals), {})
            ref = {h: g.subpart(h).tolist() for h in schema.hom_names()}
            for p, v in zip(parts, vals, strict=True):
                ref[f][p] = v
        before = g.copy()
        fn, args, kwargs = call
        if equations_hold(schema, ref):
            fn(*args, **kwargs)
            assert {h: g.subpart(h).tolist() for h in schema.hom_names()} == ref
        else:
            with pytest.raises(EquationError):
                fn(*args, **kwargs)
            assert g == before
        assert_index_matches_scan(g)
