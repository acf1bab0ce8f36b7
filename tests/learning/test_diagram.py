import itertools

import pytest
from hypothesis import given

from catlearn.categories import Edge, Path
from catlearn.errors import LearningGraphError
from catlearn.learning import Equation, LearningDiagram, LearningGraph, find_equations
from catlearn.learning.plan import distinct_prefixes
from catlearn.testing import learning_graphs


def names(D):
    return [e.name for e in D.equations]


def test_supervised_square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    assert names(LearningDiagram.from_graph(g)) == ["x ⋅ c = y"]


def test_knowledge_distillation():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.fixed("t", "X", "Y").model("s", "X", "Y")
    D = LearningDiagram.from_graph(g)
    assert names(D) == ["x ⋅ s = x ⋅ t", "x ⋅ s = y"]
    assert names(LearningDiagram.from_graph(g, policy="against_data")) == ["x ⋅ s = y"]


def test_shared_backbone_two_sources():
    g = LearningGraph().data("x1", "N1", "X").data("y1", "N1", "Y1")
    g.data("x2", "N2", "X").data("y2", "N2", "Y2")
    g.model("m", "X", "F").model("h1", "F", "Y1").model("h2", "F", "Y2")
    D = LearningDiagram.from_graph(g)
    assert names(D) == ["x1 ⋅ m ⋅ h1 = y1", "x2 ⋅ m ⋅ h2 = y2"]
    assert {e.source for e in D.equations} == {"N1", "N2"}
    plan = D.compile_plan()
    assert plan.sources == ("N1", "N2")
    assert plan.count_edge_runs()["m"] == 2  # once per source's batch


def test_autoencoder_and_cycle_consistency_need_a_bound():
    ae = LearningGraph().data("x", "N", "X").model("enc", "X", "Z").model("dec", "Z", "X")
    with pytest.raises(LearningGraphError, match=r"space 'X' lies on a cycle reachable from "
                       r"the data source 'N' \(enc ⋅ dec\).*max_length=N"):
        LearningDiagram.from_graph(ae)
    assert names(LearningDiagram.from_graph(ae, max_length=3)) == ["x ⋅ enc ⋅ dec = x"]
    assert names(LearningDiagram.from_graph(ae, simple=True)) == []
    cyc = LearningGraph().data("a", "NA", "A").data("b", "NB", "B")
    cyc.model("G", "A", "B").model("F", "B", "A")
    D = LearningDiagram.from_graph(cyc, max_length=3)
    assert names(D) == ["a ⋅ G ⋅ F = a", "b ⋅ F ⋅ G = b"]


def test_blow_up_is_reported_with_a_count():
    g = LearningGraph().data("x", "N", "L0")
    for layer in range(12):
        g.model(f"a{layer}", f"L{layer}", f"L{layer + 1}")
        g.model(f"b{layer}", f"L{layer}", f"L{layer + 1}")
    with pytest.raises(LearningGraphError, match=r"more than max_paths=1000 paths \(1000 so "
                       r"far\).*policy='against_data'"):
        LearningDiagram.from_graph(g, max_paths=1000, max_equations=10**6)
    with pytest.raises(LearningGraphError, match="more than max_equations=50"):
        LearningDiagram.from_graph(g, max_equations=50)


def test_policy_checked():
    with pytest.raises(LearningGraphError, match="policy 'some' is not one of"):
        find_equations(LearningGraph(), policy="some")


def test_explicit_equations_validated():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    g.model("f", "X", "Z")
    D = LearningDiagram(g, [("x ⋅ c", "y"), (["x", "c"], ["x", "c"])])
    assert names(D) == ["x ⋅ c = y", "x ⋅ c = x ⋅ c"]
    assert D.equations[1].is_degenerate
    with pytest.raises(LearningGraphError, match="not parallel"):
        LearningDiagram(g, [("x ⋅ c", "x ⋅ f")])
    with pytest.raises(LearningGraphError, match="no edge is called 'q'"):
        LearningDiagram(g, [("x ⋅ q", "y")])
    with pytest.raises(LearningGraphError, match="not a path"):
        LearningDiagram(g, [("c ⋅ x", "y")])
    with pytest.raises(LearningGraphError, match="'X', which is not a data source"):
        LearningDiagram(g, [("c", "c")])
    with pytest.raises(LearningGraphError, match="names must be unique"):
        LearningDiagram(g, [("x ⋅ c", "y"), ("x ⋅ c", "y")])
    with pytest.raises(LearningGraphError, match="is an Equation or a pair"):
        LearningDiagram(g, ["x"])
    bogus = Equation(Path("N", [Edge("x", "N", "X"), Edge("c", "X", "W")]),
                     Path("N", [Edge("x", "N", "X"), Edge("c", "X", "W")]))
    with pytest.raises(LearningGraphError, match="not paths of the graph"):
        LearningDiagram(g, [bogus])


def test_weights_comparators_and_unreached_models():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    g.model("lonely", "Z", "W")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"},
                                   weights={"x ⋅ c = y": 0.5})
    assert D.equations[0].weight == 0.5
    assert D.comparator_for(D.equations[0]) == "cross_entropy"
    assert D.unreached_models() == ("lonely",)
    assert D.reweighted({"x ⋅ c = y": 2}).equations[0].weight == 2.0
    assert D.with_comparators({"Y": "mse"}).comparator_for(D.equations[0]) == "mse"
    with pytest.raises(LearningGraphError, match="weights name no equation: nope"):
        D.reweighted({"nope": 1.0})
    with pytest.raises(LearningGraphError, match="weight -1"):
        D.reweighted({"x ⋅ c = y": -1})
    with pytest.raises(LearningGraphError, match="no space is called 'Q'"):
        LearningDiagram(g, [], comparators={"Q": "mse"})
    assert "x ⋅ c = y   (in Y, cross_entropy, weight 0.5)" in D.describe()
    assert D.equation("x ⋅ c = y") is D.equations[0]
    with pytest.raises(LearningGraphError, match="no equation is called"):
        D.equation("z")


def brute_force_paths(g: LearningGraph, source: str) -> list[tuple[str, ...]]:
    """Simple paths, breadth first: extend every path by every edge that composes."""
    edges = {n: (s, t) for n, s, t, _ in g.edges()}
    found, frontier = [], [((), source, {source})]
    while frontier:
        nxt = []
        for seq, here, seen in frontier:
            for e, (s, t) in edges.items():
                if s == here and t not in seen:
                    found.append((*seq, e))
                    nxt.append(((*seq, e), t, seen | {t}))
        frontier = nxt
    return found


@given(learning_graphs(max_edges=5))
def test_equations_equal_a_brute_force_enumeration(g):
    roles = {n: r for n, _, _, r in g.edges()}
    expected = set()
    for s in g.sources():
        paths = brute_force_paths(g, s)
        ends = {p: g.ends(p[-1])[1] for p in paths}
        for p, q in itertools.combinations(paths, 2):
            if ends[p] == ends[q] and any(roles[e] == "learnable" for e in p + q):
                expected.add(frozenset([p, q]))
    D = LearningDiagram.from_graph(g)
    got = {frozenset([e.lhs.names, e.rhs.names]) for e in D.equations}
    assert got == expected
    assert len(D.equations) == len(expected)
    for e in D.equations:
        assert e.lhs != e.rhs
        assert e.lhs.src == e.rhs.src
        assert e.lhs.tgt == e.rhs.tgt
        assert g.is_source(e.source)


@given(learning_graphs())
def test_trie_has_one_node_per_distinct_prefix(g):
    D = LearningDiagram.from_graph(g)
    plan = D.compile_plan()
    paths = [p for e in D.equations for p in (e.lhs, e.rhs)]
    assert len(plan.nodes) == distinct_prefixes(paths)
    for n in plan.nodes:
        assert n.id == plan.nodes.index(n)
        if n.parent is not None:
            assert n.parent < n.id
            assert plan.nodes[n.parent].path == n.path[:-1]
    # evaluating through the plan equals evaluating each path on its own
    values = plan.run({s: (s,) for s in plan.sources}, lambda node, v: (*v, node.edge))
    for pe, e in zip(plan.equations, D.equations, strict=True):
        assert values[pe.lhs] == (e.source, *e.lhs.names)
        assert values[pe.rhs] == (e.source, *e.rhs.names)


def test_plan_run_needs_every_source():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    plan = LearningDiagram.from_graph(g).compile_plan()
    with pytest.raises(LearningGraphError, match="no batch for the data source"):
        plan.run({}, lambda n, v: v)


@given(learning_graphs(max_edges=5))
def test_plan_evaluation_equals_path_by_path_evaluation_exactly(g):
    import random

    import sympy

    from catlearn.learning import symbolic_realisation

    D = LearningDiagram.from_graph(g)
    rng = random.Random(len(D.equations))
    maps = {n: f"{rng.randint(-2, 2)}*{s}_0 + {rng.randint(-1, 1)}"
            for n, s, _, r in g.edges() if r != "learnable"}
    R = symbolic_realisation(D, {v: 1 for v in g.vertex_names()}, maps=maps)
    plan = D.compile_plan()
    batches = {s: sympy.Matrix([[1, -2]]) for s in plan.sources}
    values = plan.run(batches, lambda node, v: R.evaluate([node.edge], v))
    for pe, e in zip(plan.equations, D.equations, strict=True):
        B = batches[e.source]
        assert sympy.expand(values[pe.lhs] - R.evaluate(e.lhs, B)) == sympy.zeros(1, 2)
        assert sympy.expand(values[pe.rhs] - R.evaluate(e.rhs, B)) == sympy.zeros(1, 2)


def square_graph() -> LearningGraph:
    return LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")


def test_paths_from_names_text_or_paths():
    D = LearningDiagram(square_graph(), [])
    xc = Path("N", [Edge("x", "N", "X"), Edge("c", "X", "Y")])
    assert D.path("x ⋅ c") == D.path(" x · c ") == D.path(["x", "c"]) == D.path(xc) == xc
    assert D.path(xc, source="X") == xc  # a Path brings its own source
    assert D.path("", source="N") == Path.id("N")
    assert D.path([], source="X") == Path.id("X")
    with pytest.raises(LearningGraphError, match="an empty path needs its source space"):
        D.path("")
    with pytest.raises(LearningGraphError, match="no space is called 'Q'"):
        D.path([], source="Q")
    with pytest.raises(LearningGraphError, match=r"path x ⋅ c starts at 'N', not at 'X'"):
        D.path("x ⋅ c", source="X")
    assert D.path("c", source="X").names == ("c",)
    with pytest.raises(LearningGraphError, match=r"^c ⋅ x is not a path: "):
        D.path("c ⋅ x")


def test_bad_graphs_and_comparators_are_refused():
    with pytest.raises(LearningGraphError, match="a learning diagram is built on a "
                       "LearningGraph, not int"):
        LearningDiagram(3, [])
    with pytest.raises(LearningGraphError, match="path finding needs a LearningGraph, not "
                       "dict"):
        find_equations({})
    for bad in ("", 3, None):
        with pytest.raises(LearningGraphError, match=f"comparator for space 'Y' must be a "
                           f"non-empty name, not {bad!r}"):
            LearningDiagram(square_graph(), [], comparators={"Y": bad})
    D = LearningDiagram(square_graph(), [("x ⋅ c", "y")], comparators={"Y": "kl"})
    assert D.comparators == {"Y": "kl"}
    assert D.comparator_for(D.equations[0]) == "kl"
    assert LearningDiagram(square_graph(), [("x ⋅ c", "y")], weights={}).equations[0].weight \
        == 1.0


def test_explicit_equations_name_the_sources_when_one_is_not():
    g = square_graph().model("f", "X", "Z")
    with pytest.raises(LearningGraphError, match=r"'X', which is not a data source.*N"):
        LearningDiagram(g, [("c", "c")])
    lonely = LearningGraph().model("c", "X", "Y")
    with pytest.raises(LearningGraphError, match="not a data source.*none"):
        LearningDiagram(lonely, [("c", "c")])
    with pytest.raises(LearningGraphError, match="is an Equation or a pair"):
        LearningDiagram(g, [("x ⋅ c", "y", "z")])
    # an Equation of the graph is kept as it is: weight, comparator, grad and name
    eq = Equation(D_path(g, "x ⋅ c"), D_path(g, "y"), weight=2.0, comparator="l1",
                  grad="lhs", name="fit")
    (kept,) = LearningDiagram(g, [eq]).equations
    assert kept == eq
    assert (kept.weight, kept.comparator, kept.grad, kept.name) == (2.0, "l1", "lhs", "fit")
    # a pair's right side must start where its left side does
    with pytest.raises(LearningGraphError, match=r"path c starts at 'X', not at 'N'"):
        LearningDiagram(g, [("x ⋅ c", "c")])


def D_path(g: LearningGraph, spec: str) -> Path:
    return LearningDiagram(g, []).path(spec)


def test_the_graph_may_not_name_two_spaces_or_edges_alike():
    g = square_graph()
    g.add_parts("V", 1)
    g.set_subpart(g.nparts("V") - 1, "vlabel", "X")
    with pytest.raises(LearningGraphError, match="the learning graph names two spaces 'X'"):
        find_equations(g)


def test_queries_describe_the_diagram():
    g = square_graph().fixed("t", "X", "Y").model("lonely", "Z", "W")
    D = LearningDiagram.from_graph(g, comparators={"Y": "kl"})
    assert D.sources() == ("N",)
    assert D.learnable_edges() == ("c", "lonely")
    assert D.unreached_models() == ("lonely",)
    assert D.equation("x ⋅ c = y") is D.equations[1]
    with pytest.raises(LearningGraphError, match=r"no equation is called 'z' \(equations: "
                       r"x ⋅ c = x ⋅ t; x ⋅ c = y\)"):
        D.equation("z")
    with pytest.raises(LearningGraphError, match=r"\(equations: none\)"):
        LearningDiagram(LearningGraph(), []).equation("z")
    lhs_only = D.reweighted({"x ⋅ c = y": 0.5})
    lhs_only = LearningDiagram(g, [lhs_only.equations[1].with_(grad="lhs")], {"Y": "kl"})
    assert lhs_only.describe().splitlines() == [
        "LearningDiagram", "  sources: N", "  x: N -> X  [data]", "  y: N -> Y  [data]",
        "  c: X -> Y  [learnable]", "  t: X -> Y  [fixed]", "  lonely: Z -> W  [learnable]",
        "  x ⋅ c = y   (in Y, kl, weight 0.5, grad lhs)"]
    assert repr(lhs_only) == lhs_only.describe()
    assert LearningDiagram(LearningGraph(), []).describe() == "LearningDiagram\n  sources: none"
    assert D._repr_latex_().startswith("$L = ")
    assert "kl" in D._repr_latex_()
    assert D.to_spec("kd").name == "kd"
    assert D.to_graphviz().startswith("digraph")


def test_copies_keep_the_derivation_legs_and_graph():
    g = square_graph().fixed("t", "X", "Y")
    D = LearningDiagram.from_graph(g, max_length=4, policy="against_data")
    assert D.derivation == {"policy": "against_data", "max_length": 4, "simple": None,
                            "max_paths": 10_000, "max_equations": 10_000}
    assert LearningDiagram(g, D.equations).derivation is None
    D.legs = {"part": "leg"}
    for copy in (D.reweighted({"x ⋅ c = y": 2.0}), D.with_comparators({"Y": "kl"})):
        assert copy.derivation == D.derivation
        assert copy.legs == D.legs
        assert copy.legs is not D.legs
        assert copy.graph == D.graph
        assert [e.name for e in copy.equations] == [e.name for e in D.equations]
    assert D.with_comparators({"Y": "kl"}).comparators == {"Y": "kl"}
    both = D.with_comparators({"Y": "kl"}).with_comparators({"X": "l1"})
    assert both.comparators == {"Y": "kl", "X": "l1"}
    assert D.with_comparators({"Y": "kl"}).equations == D.equations


def test_diagrams_are_equal_by_graph_equations_and_comparators():
    g = square_graph()
    D = LearningDiagram.from_graph(g)
    assert D == LearningDiagram(g, [("x ⋅ c", "y")])
    assert D != D.with_comparators({"Y": "kl"})
    assert D != D.reweighted({"x ⋅ c = y": 2.0})
    assert D != LearningDiagram(square_graph().fixed("t", "X", "W"), D.equations)
    assert D != "a diagram"
    with pytest.raises(TypeError):
        hash(D)


def test_the_diagram_owns_a_copy_of_its_graph():
    g = square_graph()
    D = LearningDiagram.from_graph(g)
    g.model("h", "X", "Y")
    assert D.graph.edge_names() == ("x", "y", "c")
    assert LearningDiagram(g, []).graph.edge_names() == ("x", "y", "c", "h")


def test_rewrite_re_derives_with_the_diagram_options():
    from catlearn.learning.rewrite import attach_teacher

    D = LearningDiagram.from_graph(square_graph(), policy="against_data")
    rw = D.rewrite(attach_teacher("c", teacher="t"))
    assert [e.name for e in rw.diagram.equations] == ["x ⋅ c = y"]  # against_data kept
    rw = D.rewrite(attach_teacher("c", teacher="t"), policy="all_pairs")
    assert [e.name for e in rw.diagram.equations] == ["x ⋅ c = x ⋅ t", "x ⋅ c = y"]
