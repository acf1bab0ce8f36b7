"""Path finding and the loss plan: the fast versions equal plain reference versions
(``conftest.py``), the caps stop a blow-up early, and the errors speak the caller's
vocabulary (Python arguments or spec keys)."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.errors import LearningGraphError, PathFindingError
from catlearn.learning import (
    Equation,
    LearningDiagram,
    LearningGraph,
    SpecError,
    diagram_from_text,
    find_equations,
)
from catlearn.learning.diagram import _reachable_cycle, _sources_of
from catlearn.learning.plan import PlanEquation, PlanNode
from catlearn.testing import learning_graphs
from tests.learning.conftest import reference_cycle, reference_equations, reference_plan

POLICY = st.sampled_from(["all_pairs", "against_data"])


@st.composite
def graphs_and_bounds(draw: st.DrawFn):
    """A learning graph, maybe with cycles, and path-finding options that terminate
    within the default caps (six self-loops walked four deep exceed max_equations)."""
    cycles = draw(st.booleans())
    g = draw(learning_graphs(max_edges=6, cycles=cycles))
    max_length = draw(st.none() | st.integers(0, 2 if cycles else 4))
    simple = draw(st.sampled_from([None, True, False])) if max_length is not None else True
    return g, max_length, simple


@given(graphs_and_bounds(), POLICY)
def test_equations_equal_the_reference_in_order_and_orientation(case, policy):
    g, max_length, simple = case
    got = find_equations(g, policy=policy, max_length=max_length, simple=simple)
    want = reference_equations(g, policy, max_length, simple)
    assert [(e.lhs, e.rhs) for e in got] == want
    for e in got:  # built without the checks, they equal checked equations
        checked = Equation(e.lhs, e.rhs)
        assert e == checked
        assert hash(e) == hash(checked)
        assert repr(e) == repr(checked)
        assert hash(e.lhs) == hash(Equation(e.lhs, e.lhs).lhs)


@given(graphs_and_bounds(), POLICY)
def test_plan_equals_the_reference_with_and_without_the_search_trace(case, policy):
    g, max_length, simple = case
    D = LearningDiagram.from_graph(g, policy=policy, max_length=max_length, simple=simple)
    traced = D.compile_plan()
    walked = LearningDiagram(g, D.equations, D.comparators).compile_plan()  # no trace
    assert traced == walked
    assert [(n.id, n.source, n.parent, n.edge, n.path) for n in traced.nodes] == \
        reference_plan(D)
    roles = {n: r for n, _, _, r in g.edges()}
    for n in traced.nodes:  # made without the dataclass __init__, equal to one made by it
        same = PlanNode(n.id, n.source, n.parent, n.edge, n.role, n.space, n.path)
        assert n == same
        assert hash(n) == hash(same)
        assert repr(n) == repr(same)
        assert n.role == (roles[n.edge] if n.edge else None)
        assert n.space == n.path.tgt
    for pe, eq in zip(traced.equations, D.equations, strict=True):
        assert pe == PlanEquation(pe.index, eq.name, eq.source, eq.target, pe.lhs, pe.rhs,
                                  eq.weight, D.comparator_for(eq), eq.grad)
        assert traced.nodes[pe.lhs].path == eq.lhs
        assert traced.nodes[pe.rhs].path == eq.rhs


@given(learning_graphs(max_edges=6))
def test_plan_roots_are_the_sources_and_every_parent_chain_ends_at_one(g):
    plan = LearningDiagram.from_graph(g).compile_plan()
    roots = plan.roots()
    assert tuple(r.source for r in roots) == plan.sources
    for r in roots:
        assert r.is_root
        assert r.parent is None
        assert r.edge is None
        assert r.path.is_identity()
        assert r.space == r.source
    for n in plan.nodes:
        assert n.is_root == (n.parent is None)
        chain = [n]
        while not chain[-1].is_root:
            chain.append(plan.nodes[chain[-1].parent])
            assert len(chain) <= len(plan.nodes)
        assert chain[-1] in roots
        assert chain[-1].source == n.source
        assert len(chain) == len(n.path) + 1  # one edge per step up


def test_plan_roots_of_two_sources():
    g = LearningGraph().data("x1", "N1", "X").data("y1", "N1", "Y")
    g.data("x2", "N2", "X").data("y2", "N2", "Y").model("m", "X", "Y")
    plan = LearningDiagram.from_graph(g).compile_plan()
    assert [(r.id, r.source) for r in plan.roots()] == [(0, "N1"), (4, "N2")]
    assert not any(n.is_root for n in plan.nodes if n.parent is not None)


def test_a_reweighted_diagram_reuses_the_trace_and_a_changed_one_does_not():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").fixed("t", "X", "Y")
    g.model("s", "X", "Y")
    D = LearningDiagram.from_graph(g)
    heavy = D.reweighted({"x ⋅ s = y": 3.0})
    assert heavy._trace is D._trace
    assert heavy._trace.fits(heavy.equations)
    assert heavy.compile_plan().equations[1].weight == 3.0
    D.equations = D.equations[::-1]  # a user may replace the equations
    assert not D._trace.fits(D.equations)
    assert [e.name for e in D.compile_plan().equations] == ["x ⋅ s = y", "x ⋅ s = x ⋅ t"]


@given(learning_graphs(max_edges=7, cycles=True))
def test_sources_from_the_edge_rows_equal_the_graph_sources(g):
    assert _sources_of(g.vertex_names(), g.edges()) == g.sources()


@given(learning_graphs(max_edges=7, cycles=True))
def test_the_cycle_found_over_edge_ids_is_the_one_found_by_name(g):
    from catlearn.categories import Edge, PathTrie
    edges = tuple(Edge(n, s, t) for n, s, t, _ in g.edges())
    for source in g.sources():
        found = _reachable_cycle(PathTrie._of(g.vertex_names(), edges, source))
        assert found == reference_cycle(g, source)
        if found is not None:  # and path finding reports it
            said = (f"space '{found[0]}' lies on a cycle reachable from the data source "
                    f"'{source}' ({found[1]})")
            with pytest.raises(PathFindingError, match=re.escape(said)):
                find_equations(g)
            break


# ---------------------------------------------------------------- caps and blow-ups

def two_cycle() -> LearningGraph:
    return LearningGraph().data("x", "N", "X").model("f", "X", "Z").model("g", "Z", "X")


def test_the_equation_cap_stops_path_finding_early(monkeypatch):
    built = []
    monkeypatch.setattr(Equation, "_derived_all",
                        classmethod(lambda cls, sides: built.append(1) or []))
    with pytest.raises(PathFindingError) as err:
        LearningDiagram.from_graph(two_cycle(), max_length=1000)
    e = err.value
    assert e.key == "too_many_equations"
    assert isinstance(e, LearningGraphError)
    # counted while searching: one path into X adds at most (paths into X) pairs
    assert 10_000 < e.count <= 10_000 + e.fields["npaths"]
    assert e.fields["npaths"] < 300  # of the 1,000 walks, few were enumerated
    assert built == []  # and no Equation was made
    assert "more than max_equations=10000" in str(e)
    assert "max_length" in str(e)


@given(st.integers(1, 60), POLICY)
def test_the_cap_is_exact(cap, policy):
    g = two_cycle()
    total = len(find_equations(g, policy=policy, max_length=12, max_equations=10**6))
    if total <= cap:
        assert len(find_equations(g, policy=policy, max_length=12, max_equations=cap)) == total
    else:
        with pytest.raises(PathFindingError, match=f"more than max_equations={cap} ") as err:
            find_equations(g, policy=policy, max_length=12, max_equations=cap)
        assert cap < err.value.count <= total


def test_the_cap_is_for_the_whole_graph():
    g = LearningGraph()
    for s in ("A", "B"):
        g.data(f"x{s}", f"N{s}", "X").data(f"y{s}", f"N{s}", "Y")
    g.model("f", "X", "Y").model("h", "X", "Y")
    assert len(find_equations(g)) == 6  # three per source
    with pytest.raises(PathFindingError, match="from source 'NB' \\(6 so far"):
        find_equations(g, max_equations=5)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10", None])
def test_caps_are_checked(bad):
    for name in ("max_equations", "max_paths"):
        with pytest.raises(PathFindingError, match=f"{name} must be an int >= 1"):
            find_equations(two_cycle(), max_length=2, **{name: bad})


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"max_length": -1}, "max_length must be an int >= 0 or None, not -1"),
    ({"max_length": True}, "max_length must be an int >= 0 or None, not True"),
    ({"max_length": 2.0}, "max_length must be an int >= 0 or None"),
    ({"simple": "yes"}, "simple must be True, False or None, not 'yes'"),
    ({"policy": "some"}, "policy 'some' is not one of all_pairs, against_data"),
])
def test_path_finding_arguments_are_checked(kwargs, match):
    with pytest.raises(LearningGraphError, match=match):
        LearningDiagram.from_graph(two_cycle(), **kwargs)


@given(graphs_and_bounds(), POLICY)
def test_the_count_behind_the_cap_is_exact_on_any_graph(case, policy):
    g, max_length, simple = case
    total = len(find_equations(g, policy=policy, max_length=max_length, simple=simple,
                               max_equations=10**6))
    at_cap = find_equations(g, policy=policy, max_length=max_length, simple=simple,
                            max_equations=max(total, 1))
    assert len(at_cap) == total
    if total > 1:
        with pytest.raises(PathFindingError) as err:
            find_equations(g, policy=policy, max_length=max_length, simple=simple,
                           max_equations=total - 1)
        assert err.value.count == total  # counted exactly: it first passes the cap at the end


def test_errors_pickle_and_reword():
    with pytest.raises(PathFindingError) as err:
        LearningDiagram.from_graph(two_cycle())
    e = err.value
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is PathFindingError
    assert str(again) == str(e)
    assert again.key == "unbounded_cycle"
    assert again.fields == e.fields
    spec = e.reworded("spec")
    assert "`max_length: N`" in str(spec)
    assert "max_length=N" not in str(spec)
    with pytest.raises(LearningGraphError, match="vocabulary must be one of python, spec"):
        e.reworded("yaml")


SPEC = """\
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: f, src: X, tgt: Z, role: learnable}
  - {name: g, src: Z, tgt: X, role: learnable}
"""

PYTHON_SYNTAX = ("max_length=", "simple=True", "max_equations=", "max_paths=",
                 "policy='against_data'")


@pytest.mark.parametrize(("extra", "words"), [
    ("max_length: 1000\n", ["`max_equations: 10000`", "`max_length:`", "`simple: true`",
                           "`policy: against_data`", "`equations:`"]),
    ("", ["cycle", "(f ⋅ g)", "`max_length: N`", "`simple: true`"]),
    ("simple: false\n", ["`simple: false`", "`max_length: N`"]),
    ("max_length: 1000\nmax_paths: 50\nmax_equations: 100000\n",
     ["`max_paths: 50`", "(50 so far)", "`max_length:`", "`equations:`"]),
    ("max_length: 6\nmax_equations: 3\n", ["`max_equations: 3`"]),
])
def test_spec_blow_ups_speak_the_spec_vocabulary(extra, words):
    with pytest.raises(SpecError) as err:
        diagram_from_text(extra + SPEC)
    msg = str(err.value)
    for w in words:
        assert w in msg
    for python in PYTHON_SYNTAX:
        assert python not in msg


def test_spec_max_equations_key():
    D = diagram_from_text("max_length: 6\nmax_equations: 100\n" + SPEC)
    assert len(D.equations) == len(find_equations(two_cycle(), max_length=6))
    with pytest.raises(SpecError, match="max_equations"):
        diagram_from_text("max_length: 6\nmax_equations: 0\n" + SPEC)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"max_length": 1000}, ["max_equations=10000", "max_length", "simple=True",
                            "policy='against_data'"]),
    ({}, ["max_length=N", "simple=True"]),
    ({"simple": False}, ["max_length=N", "simple=True"]),
    ({"max_length": 1000, "max_paths": 50, "max_equations": 10**5},
     ["max_paths=50", "(50 so far)"]),
])
def test_python_blow_ups_name_the_arguments(kwargs, words):
    with pytest.raises(PathFindingError) as err:
        LearningDiagram.from_graph(two_cycle(), **kwargs)
    for w in words:
        assert w in str(err.value)
    assert "`" not in str(err.value)


@pytest.mark.parametrize("caps", [{"max_paths": 3}, {"max_equations": 1}])
def test_a_reachable_cycle_is_reported_before_a_cap_stops_the_search(caps):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    for k in range(4):  # many paths into Y before the cycle at the end is met
        g.model(f"f{k}", "X", "Y")
    g.model("u", "Y", "Z").model("v", "Z", "Y")
    with pytest.raises(PathFindingError) as err:
        find_equations(g, **caps)
    assert err.value.key == "unbounded_cycle"
    assert err.value.fields["cycle"] == "u ⋅ v"
    with pytest.raises(PathFindingError) as capped:  # bounded: the cap speaks
        find_equations(g, simple=True, **caps)
    assert capped.value.key != "unbounded_cycle"
