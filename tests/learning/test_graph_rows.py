"""A learning graph keeps its rows (and what path finding derives from them) between
writes, and copies are copy-on-write: after any sequence of writes through the ACSet
verbs, on a graph or on its copies, every graph reads exactly what a fresh scan of its
columns gives, and no write to one graph shows in another."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.errors import LearningGraphError
from catlearn.learning import LearningDiagram, LearningGraph
from catlearn.testing import learning_graphs
from tests.learning.conftest import scanned_rows

NAMES = st.sampled_from(["a", "b", "c", "x", "y"])
ROLES = st.sampled_from(["data", "fixed", "learnable"])
WRITE = st.one_of(
    st.tuples(st.just("model"), NAMES, NAMES, NAMES),
    st.tuples(st.just("space"), NAMES),
    st.tuples(st.just("set"), st.sampled_from(["elabel", "vlabel", "role", "src", "tgt"]),
              st.integers(0, 9), st.integers(0, 9) | NAMES | ROLES),
    st.tuples(st.just("clear"), st.sampled_from(["src", "tgt", "elabel"]), st.integers(0, 9)),
    st.tuples(st.just("rem"), st.sampled_from(["V", "E"]), st.integers(0, 9)),
    st.tuples(st.just("cascade"), st.integers(0, 9)),
    st.tuples(st.just("copy")),
)


def write(graphs: list[LearningGraph], k: int, op: tuple) -> None:
    """Apply one write to ``graphs[k]`` (a refused write is fine: it changes nothing)."""
    g = graphs[k]
    kind = op[0]
    try:
        if kind == "model":
            g.model(f"m{op[1]}", op[2].upper(), op[3].upper())
        elif kind == "space":
            g.space(op[1].upper())
        elif kind == "set":
            ob = "V" if op[1] == "vlabel" else "E"
            part, value = op[2] % max(g.nparts(ob), 1), op[3]
            if g.nparts(ob) and op[1] in ("src", "tgt") and isinstance(value, int):
                g.set_subpart(part, op[1], value % g.nparts("V"))
            elif g.nparts(ob) and op[1] not in ("src", "tgt") and isinstance(value, str):
                g.set_subpart(part, op[1], value)
        elif kind == "clear":
            if g.nparts("E"):
                g.clear_subpart(op[2] % g.nparts("E"), op[1])
        elif kind == "rem":
            if g.nparts(op[1]):
                g.rem_part(op[1], op[2] % g.nparts(op[1]))
        elif kind == "cascade":
            if g.nparts("V"):
                g.cascading_rem_parts("V", [op[1] % g.nparts("V")])
        else:
            graphs.append(g.copy())
    except LearningGraphError:
        pass
    except Exception as err:  # the ACSet's own refusals (a bad value for a column)
        if not type(err).__module__.startswith("catlearn"):
            raise


def reads_like_a_scan(g: LearningGraph) -> None:
    try:
        want = scanned_rows(g)
    except ValueError:
        with pytest.raises(LearningGraphError, match="has no"):
            g.edges()
        return
    assert (g.vertex_names(), g.edges()) == want
    for role in ("data", "fixed", "learnable"):
        assert g.edges(role) == tuple(r for r in want[1] if r[3] == role)


@given(learning_graphs(max_edges=5), st.lists(st.tuples(st.integers(0, 3), WRITE),
                                             max_size=12))
def test_kept_rows_and_copies_read_like_a_fresh_scan_after_any_writes(g, ops):
    graphs = [g]
    for k, op in ops:
        before = [scanned_rows_or_none(h) for h in graphs]
        for h in graphs:
            reads_like_a_scan(h)  # read (and keep) before the write
        k %= len(graphs)
        write(graphs, k, op)
        for i, h in enumerate(graphs[:len(before)]):
            if i != k:  # a write to one graph never shows in another
                assert scanned_rows_or_none(h) == before[i]
        for h in graphs:
            reads_like_a_scan(h)


def scanned_rows_or_none(g: LearningGraph) -> object:
    try:
        return scanned_rows(g)
    except ValueError:
        return None


@given(learning_graphs(max_edges=5), st.sampled_from(["x", "f", "m"]))
def test_path_finding_after_a_write_sees_the_new_graph(g, name):
    before = LearningDiagram.from_graph(g)
    h = g.copy()
    src = g.sources()[0] if g.sources() else "N9"
    h.data(f"{name}_new", src, "T").data(f"{name}_t", src, "U").model(f"{name}_m", "T", "U")
    after = LearningDiagram.from_graph(h)
    assert LearningDiagram.from_graph(g).equations == before.equations  # g unchanged
    assert {e.name for e in after.equations} >= {f"{name}_new ⋅ {name}_m = {name}_t"}
    fresh = LearningGraph.from_edges(h.edges(), h.vertex_names())
    assert after.equations == LearningDiagram.from_graph(fresh).equations


def test_an_empty_graph_made_from_one_with_kept_rows_keeps_nothing():
    g = LearningGraph().data("x", "N", "X").model("f", "X", "Y")
    assert len(g.edges()) == 2
    LearningDiagram.from_graph(g)  # keeps the path-finding input too
    e = g.empty()
    assert e.edges() == ()
    assert e.vertex_names() == ()
    assert LearningDiagram.from_graph(e).equations == ()
    c = g.copy()
    c.set_subpart(c.edge("f"), "elabel", "k")
    assert c.edge_names() == ("x", "k")
    assert g.edge_names() == ("x", "f")
    assert [n for n, _, _, _ in c.edges()] == ["x", "k"]
