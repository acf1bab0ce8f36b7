"""The loss plan's verbs on small diagrams whose plans are known by hand: roots and
children, node look-up, edge-run counts, evaluation, comparators, and that compiling
leaves Python's garbage collector as it found it."""

import gc

import pytest

from catlearn.categories import Edge, Path
from catlearn.errors import LearningGraphError
from catlearn.learning import LearningDiagram, LearningGraph
from catlearn.learning.equation import Equation
from catlearn.learning.plan import compile_plan, distinct_prefixes


def _backbone_graph():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    return g.model("m", "X", "F").model("h1", "F", "Y").model("h2", "F", "Z")


def _backbone_plan():
    return LearningDiagram.from_graph(_backbone_graph()).compile_plan()


def test_is_root_holds_exactly_for_the_batch_node():
    plan = _backbone_plan()
    root = plan.nodes[0]
    assert root.is_root is True
    assert [n.id for n in plan.nodes if n.is_root] == [0]
    assert all(n.is_root is False for n in plan.nodes[1:])
    assert plan.roots() == (root,)


def test_children_are_the_nodes_one_edge_below():
    plan = _backbone_plan()
    by_path = {str(n.path): n for n in plan.nodes}
    m = by_path["N ⋅ x ⋅ m"]
    assert [str(c.path) for c in plan.children(m.id)] == ["N ⋅ x ⋅ m ⋅ h1", "N ⋅ x ⋅ m ⋅ h2"]
    assert [c.edge for c in plan.children(0)] == ["x", "y", "z"]
    assert plan.children(by_path["N ⋅ y"].id) == ()


def test_non_root_nodes_carry_their_last_edge_role_and_space():
    plan = _backbone_plan()
    h1 = plan.node_of(LearningDiagram(_backbone_graph(), []).path("x ⋅ m ⋅ h1"))
    assert (h1.edge, h1.role, h1.space, h1.source) == ("h1", "learnable", "Y", "N")
    x = plan.nodes[h1.parent]
    assert x.edge == "m"
    root = plan.nodes[0]
    assert (root.edge, root.role, root.space, root.parent) == (None, None, "N", None)


def test_node_of_finds_the_node_and_names_an_unused_path():
    plan = _backbone_plan()
    assert plan.node_of(Path.id("N")).id == 0
    unused = Path("X", [Edge("m", "X", "F")])
    with pytest.raises(LearningGraphError, match=r"no node for the path X ⋅ m"):
        plan.node_of(unused)


def test_edge_runs_count_each_edge_once_per_trie_node():
    plan = _backbone_plan()
    assert plan.count_edge_runs() == {"x": 1, "y": 1, "z": 1, "m": 1, "h1": 1, "h2": 1}
    assert plan.edges_used() == ("x", "y", "z", "m", "h1", "h2")
    two_sources = LearningGraph().data("x1", "N1", "X").data("y1", "N1", "Y")
    two_sources.data("x2", "N2", "X").data("y2", "N2", "Y").model("m", "X", "Y")
    runs = LearningDiagram.from_graph(two_sources).compile_plan().count_edge_runs()
    assert runs["m"] == 2  # one trie per source: the model runs on each batch


def test_run_feeds_each_node_its_parents_value():
    plan = _backbone_plan()
    values = plan.run({"N": "b"}, lambda node, v: f"{v}.{node.edge}")
    assert values == ["b", "b.x", "b.y", "b.z", "b.x.m", "b.x.m.h1", "b.x.m.h2"]


def test_run_without_a_batch_names_the_missing_source():
    plan = _backbone_plan()
    with pytest.raises(LearningGraphError, match=r"no batch for the data source\(s\) N "
                                                 r"\(the plan's sources: N\)"):
        plan.run({"M": 0}, lambda node, v: v)


def test_explicit_equations_compile_to_the_same_plan_as_found_ones():
    g = _backbone_graph()
    found = LearningDiagram.from_graph(g)
    explicit = LearningDiagram(g, [(e.lhs, e.rhs) for e in found.equations])
    assert explicit._trace is None
    assert compile_plan(explicit) == found.compile_plan()


def test_explicit_equations_share_prefixes_and_order_nodes_breadth_first():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("f", "X", "Y")
    g.model("g", "X", "Y")
    D = LearningDiagram(g, [("x ⋅ g", "y"), ("x ⋅ f", "x ⋅ g")])
    plan = D.compile_plan()
    assert [str(n.path) for n in plan.nodes] == ["N", "N ⋅ x", "N ⋅ y", "N ⋅ x ⋅ g",
                                                 "N ⋅ x ⋅ f"]
    assert [n.parent for n in plan.nodes] == [None, 0, 0, 1, 1]
    assert [(e.lhs, e.rhs) for e in plan.equations] == [(3, 2), (4, 3)]
    assert [(e.index, e.source, e.target) for e in plan.equations] == [
        (0, "N", "Y"), (1, "N", "Y")]


def test_plan_equations_take_their_comparator_weight_and_grad():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g.model("f", "X", "Y").model("h", "X", "Z")
    D = LearningDiagram.from_graph(g, comparators={"Z": "cross_entropy"})
    first = D.equations[0]
    D.equations = (first.with_(comparator="l1", weight=2.5), *D.equations[1:])
    plan = D.compile_plan()
    by_name = {e.name: e for e in plan.equations}
    assert by_name[first.name].comparator == "l1"
    assert by_name[first.name].weight == 2.5
    assert by_name["x ⋅ h = z"].comparator == "cross_entropy"
    assert all(e.grad == d.grad for e, d in zip(plan.equations, D.equations, strict=True))


def test_an_equations_own_comparator_wins_over_its_spaces_before_and_after():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("f", "X", "Y")
    g.model("g", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "huber"})
    first, *middle, last = D.equations
    assert middle  # an equation between the two with their own comparators
    D.equations = (Equation(first.lhs, first.rhs, comparator="l1"), *middle,
                   Equation(last.lhs, last.rhs, comparator="l1"))
    comps = [e.comparator for e in D.compile_plan().equations]
    assert comps == ["l1"] + ["huber"] * len(middle) + ["l1"]


def test_compiling_leaves_the_garbage_collector_as_it_was():
    D = LearningDiagram.from_graph(_backbone_graph())
    assert gc.isenabled()
    D.compile_plan()
    assert gc.isenabled()
    gc.disable()
    try:
        D.compile_plan()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_while_compiling_resumes_the_garbage_collector():
    D = LearningDiagram.from_graph(_backbone_graph())
    D.equations = (object(),)  # not an equation: compiling fails
    with pytest.raises((AttributeError, TypeError)):
        D.compile_plan()
    assert gc.isenabled()


def test_distinct_prefixes_counts_the_identity_once_per_source():
    f, g = Edge("f", "x", "y"), Edge("g", "y", "z")
    h = Edge("h", "w", "x")
    assert distinct_prefixes([]) == 0
    assert distinct_prefixes([Path.id("x")]) == 1
    assert distinct_prefixes([Path("x", [f, g]), Path("x", [f, g])]) == 3
    assert distinct_prefixes([Path("x", [f]), Path("w", [h, f])]) == 5


def test_run_names_every_missing_source_and_every_plan_source():
    g = LearningGraph().data("x1", "N1", "X").data("y1", "N1", "Y")
    g.data("x2", "N2", "X").data("y2", "N2", "Y").model("m", "X", "Y")
    plan = LearningDiagram.from_graph(g).compile_plan()
    with pytest.raises(LearningGraphError, match=r"data source\(s\) N1, N2 \(the plan's "
                                                 r"sources: N1, N2\)$"):
        plan.run({}, lambda node, v: v)
