"""Rewriting learning diagrams (DPO on the learning graph, equations re-derived), the
shipped rules, and embeddings up to the pattern's symmetry."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.errors import DiagramRewriteError, LearningGraphError
from catlearn.learning import (
    LearningDiagram,
    LearningGraph,
    RoleOf,
    attach_teacher,
    diagram_automorphisms,
    edge_rule,
    find_embeddings,
    find_equations,
    insert_adapter,
    split_model,
)


def square(role: str = "learnable") -> LearningGraph:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.add_edge("c", "X", "Y", role)
    return g


def edge_set(g: LearningGraph) -> set[tuple[str, str, str, str]]:
    return set(g.edges())


# ---------------------------------------------------------------- the shipped rules
def test_attach_teacher_turns_the_square_into_distillation():
    D = LearningDiagram.from_graph(square(), comparators={"Y": "cross_entropy"})
    rw = D.rewrite(attach_teacher("c", teacher="t"))
    assert edge_set(rw.diagram.graph) == edge_set(square()) | {("t", "X", "Y", "fixed")}
    assert [e.name for e in rw.diagram.equations] == ["x ⋅ c = x ⋅ t", "x ⋅ c = y"]
    assert rw.kept == {"x": "x", "y": "y", "c": "c"}
    assert rw.added == ("t",)
    assert rw.deleted == ()
    assert rw.init == {"x": "x", "y": "y", "c": "c", "t": "c"}
    assert rw.diagram.comparators == {"Y": "cross_entropy"}


def test_insert_adapter_after_a_frozen_backbone():
    D = LearningDiagram.from_graph(square("fixed"))
    rw = D.rewrite(insert_adapter("c", adapter="a", space="Z"))
    expected = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    expected = expected.fixed("c", "X", "Z").model("a", "Z", "Y")
    assert edge_set(rw.diagram.graph) == edge_set(expected)
    assert [e.name for e in rw.diagram.equations] == ["x ⋅ c ⋅ a = y"]
    assert rw.init["c"] == "c"
    assert "c" not in rw.kept
    assert rw.deleted == ("c",)


def test_split_model_takes_the_role_of_the_model():
    for role in ("learnable", "fixed"):
        rw = LearningDiagram.from_graph(square(role)).rewrite(split_model("c", space="F"))
        assert {(n, r) for n, _, _, r in rw.diagram.graph.edges()} >= {("e", role),
                                                                         ("h", role)}
        assert rw.diagram.graph.ends("e") == ("X", "F")
        assert set(rw.init) == {"x", "y"}  # nothing starts from the deleted model


def test_weights_comparators_and_grad_of_surviving_equations_are_kept():
    D = LearningDiagram.from_graph(square(), weights={"x ⋅ c = y": 2.5})
    D = LearningDiagram(D.graph, [D.equations[0].with_(comparator="l1", grad="lhs")],
                        weights={"x ⋅ c = y": 2.5})
    D.derivation = {"policy": "all_pairs"}
    out = D.rewrite(attach_teacher("c")).diagram.equation("x ⋅ c = y")
    assert (out.weight, out.comparator, out.grad) == (2.5, "l1", "lhs")


def test_options_override_and_explicit_equations_need_a_policy():
    D = LearningDiagram(square(), [("x ⋅ c", "y")])
    with pytest.raises(DiagramRewriteError, match="policy="):
        D.rewrite(attach_teacher("c"))
    rw = D.rewrite(attach_teacher("c"), policy="against_data")
    assert [e.name for e in rw.diagram.equations] == ["x ⋅ c = y"]
    assert rw.diagram.derivation is not None
    assert rw.diagram.derivation["policy"] == \
        "against_data"
    with pytest.raises(DiagramRewriteError, match="unknown option"):
        LearningDiagram.from_graph(square()).rewrite(attach_teacher("c"), polcy="x")


# ---------------------------------------------------------------- errors
def test_errors_name_the_edge_or_space():
    D = LearningDiagram.from_graph(square())
    with pytest.raises(DiagramRewriteError, match="needs an edge 's'"):
        D.rewrite(attach_teacher("s"))
    with pytest.raises(DiagramRewriteError, match="no match.*learnable"):
        LearningDiagram.from_graph(square("fixed")).rewrite(attach_teacher("c"))
    with pytest.raises(DiagramRewriteError, match="edge 'y'"):
        D.rewrite(attach_teacher("c", teacher="y"))
    with pytest.raises(DiagramRewriteError, match="space 'X'"):
        D.rewrite(split_model("c", space="X"))
    drop_target = edge_rule([("c", "?X", "?Y", None)], [], lhs_spaces=(),
                            rhs_spaces=("?X",), name="drop")
    with pytest.raises(DiagramRewriteError, match=r"edge y: N -> Y \(data\)"):
        D.rewrite(drop_target)
    assert issubclass(DiagramRewriteError, LearningGraphError)
    assert issubclass(DiagramRewriteError, ValueError)


def test_bad_rules_are_refused_when_built():
    with pytest.raises(DiagramRewriteError, match="row"):
        edge_rule([("c", "X", "Y", "boss")], [])
    with pytest.raises(DiagramRewriteError, match="RoleOf"):
        edge_rule([("c", "?X", "?Y", None)], [("d", "?X", "?Y", RoleOf("z"))])
    with pytest.raises(DiagramRewriteError, match="new space needs a name"):
        edge_rule([("c", "?X", "?Y", None)], [("d", "?X", "?Z", "fixed")])
    with pytest.raises(DiagramRewriteError, match="init"):
        edge_rule([("c", "?X", "?Y", None)], [("c", "?X", "?Y", None)], init={"c": "c"})
    with pytest.raises(DiagramRewriteError, match="expected a LearningRule"):
        LearningDiagram.from_graph(square()).rewrite("attach a teacher")


def test_a_result_that_is_not_a_learning_graph_is_refused():
    # a model out of the data source N is not a learning graph
    bad = edge_rule([("x", "?N", "?X", "data")], [("x", "?N", "?X", "data"),
                                                   ("m", "?N", "?X", "learnable")])
    with pytest.raises(DiagramRewriteError, match="not a learning graph"):
        LearningDiagram.from_graph(square()).rewrite(bad)


# ---------------------------------------------------------------- properties
@st.composite
def chains(draw):
    """A data column into a chain of k models X0 -> ... -> Xk, labels into Xk, roles drawn."""
    k = draw(st.integers(1, 4))
    roles = draw(st.lists(st.sampled_from(["learnable", "fixed"]), min_size=k, max_size=k))
    if "learnable" not in roles:
        roles[0] = "learnable"
    g = LearningGraph().data("x", "N", "X0").data("y", "N", f"X{k}")
    for i, r in enumerate(roles):
        g.add_edge(f"m{i}", f"X{i}", f"X{i + 1}", r)
    return g, draw(st.integers(0, k - 1))


@given(chains())
def test_insert_adapter_agrees_with_the_graph_built_by_hand(case):
    g, i = case
    rw = LearningDiagram.from_graph(g).rewrite(insert_adapter(f"m{i}", adapter="ad"))
    src, tgt = g.ends(f"m{i}")
    expected = LearningGraph.from_edges(
        [r for r in g.edges() if r[0] != f"m{i}"]
        + [(f"m{i}", src, f"m{i}_out", g.role(f"m{i}")), ("ad", f"m{i}_out", tgt,
                                                            "learnable")])
    assert edge_set(rw.diagram.graph) == edge_set(expected)
    assert rw.diagram.equations == find_equations(expected)
    assert rw.kept == {n: n for n in g.edge_names() if n != f"m{i}"}
    assert rw.init == {**rw.kept, f"m{i}": f"m{i}"}


@given(chains())
def test_attach_teacher_keeps_everything_and_adds_one_fixed_edge(case):
    g, _ = case
    learnable = [n for n, _, _, r in g.edges() if r == "learnable"]
    rw = LearningDiagram.from_graph(g).rewrite(attach_teacher(learnable[0], "T"))
    assert edge_set(rw.diagram.graph) == edge_set(g) | {("T", *g.ends(learnable[0]),
                                                         "fixed")}
    assert rw.kept == {n: n for n in g.edge_names()}
    assert rw.init["T"] == learnable[0]
    assert rw.diagram.equations == find_equations(rw.diagram.graph)


# ---------------------------------------------------------------- up to symmetry
def heads(k: int) -> LearningDiagram:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    for i in range(k):
        g = g.model(f"c{i}", "X", "Y")
    return LearningDiagram.from_graph(g)


def test_two_parallel_heads_have_two_automorphisms():
    maps = [a.edge_map() for a in diagram_automorphisms(heads(2))]
    assert sorted(m["c0"] for m in maps) == ["c0", "c1"]
    assert len(find_embeddings(heads(2), heads(2))) == 2
    assert len(find_embeddings(heads(2), heads(2), up_to_symmetry=True)) == 1


@given(st.integers(2, 5))
def test_embeddings_up_to_symmetry_are_one_per_image(k):
    all_maps = find_embeddings(heads(2), heads(k))
    reps = find_embeddings(heads(2), heads(k), up_to_symmetry=True)
    images = {frozenset(h.edge_map().values()) for h in all_maps}
    assert len(all_maps) == k * (k - 1)
    assert len(reps) == len(images) == len(list(combinations(range(k), 2)))
    assert {frozenset(h.edge_map().values()) for h in reps} == images


def test_an_asymmetric_pattern_keeps_every_embedding():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    S = LearningDiagram.from_graph(g)
    assert len(find_embeddings(S, heads(3), up_to_symmetry=True)) == 3


def test_a_role_change_recreates_the_edge_and_keeps_its_parameters():
    freeze = edge_rule([("c", "?X", "?Y", "learnable")], [("c", "?X", "?Y", "fixed")])
    rw = LearningDiagram.from_graph(square()).rewrite(freeze)
    assert rw.diagram.graph.role("c") == "fixed"
    assert rw.init["c"] == "c"
    assert "c" not in rw.kept
    assert rw.diagram.equations == ()


def test_a_rule_on_named_spaces_and_the_empty_rule():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    add = edge_rule([], [("t", "X", "Y", "fixed")], lhs_spaces=("X", "Y"))
    assert D.rewrite(add).diagram.graph.ends("t") == ("X", "Y")
    with pytest.raises(DiagramRewriteError, match="needs a space 'Z'"):
        D.rewrite(edge_rule([], [("t", "X", "Z", "fixed")], lhs_spaces=("X", "Z")))
    with pytest.raises(DiagramRewriteError, match=r"no match.*needs c: X -> Y \(fixed\)"):
        D.rewrite(edge_rule([("c", "X", "Y", "fixed")], []))
    same = D.rewrite(edge_rule([], []))
    assert same.diagram == D
    assert same.kept == {n: n for n in g.edge_names()}


def test_bad_arguments():
    with pytest.raises(DiagramRewriteError, match="more than once"):
        edge_rule([("c", "?X", "?Y", None), ("c", "?Y", "?X", None)], [])
    from catlearn.learning import rewrite_diagram
    with pytest.raises(DiagramRewriteError, match="LearningDiagram to rewrite"):
        rewrite_diagram(square(), attach_teacher("c"))
    D = LearningDiagram.from_graph(square())
    with pytest.raises(DiagramRewriteError, match="must be an ACSetTransformation"):
        D.rewrite(attach_teacher("c"), match={"c": "c"})


def test_an_explicit_match_is_used_and_checked():
    from catlearn.acsets import homomorphisms
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("c0", "X", "Y").model("c1", "X", "Y")
    D = LearningDiagram.from_graph(g)
    rule = edge_rule([("?e", "?X", "?Y", "learnable")], [("?e", "?X", "?Y", "learnable"),
                                                         ("t", "?X", "?Y", "fixed")],
                     init={"t": "?e"})
    maps = list(homomorphisms(rule.rule.L, D.graph, monic=("V", "E")))
    assert len(maps) == 2
    targets = {D.rewrite(rule, match=m).init["t"] for m in maps}
    assert targets == {"c0", "c1"}
    drop = edge_rule([("?e", "?X", "?Y", None)], [], rhs_spaces=("?X",))
    m = next(iter(homomorphisms(drop.rule.L, D.graph, monic=("V", "E"))))
    with pytest.raises(DiagramRewriteError, match="still uses"):
        D.rewrite(drop, match=m)


@st.composite
def head_pairs(draw):
    """A pattern with a heads X -> Y and b heads X -> Z, inside a bigger such diagram."""
    a, b = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    a2, b2 = a + draw(st.integers(0, 2)), b + draw(st.integers(0, 1))

    def build(p: int, q: int) -> LearningDiagram:
        g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
        for i in range(p):
            g = g.model(f"c{i}", "X", "Y")
        for i in range(q):
            g = g.model(f"d{i}", "X", "Z")
        return LearningDiagram.from_graph(g)

    return build(a, b), build(a2, b2)


@given(head_pairs(), st.booleans())
def test_embeddings_up_to_symmetry_are_one_per_orbit(pair, monic):
    A, B = pair
    every = find_embeddings(A, B, monic=monic)
    reps = find_embeddings(A, B, monic=monic, up_to_symmetry=True)
    group = diagram_automorphisms(A)
    key = lambda h: (tuple(h.V.tolist()), tuple(h.E.tolist()))  # noqa: E731
    orbits = {frozenset(key(a >> h) for a in group) for h in every}
    assert all(frozenset(key(a >> h) for a in group) in orbits for h in reps)
    assert len(reps) == len(orbits)
    assert len({frozenset(key(a >> h) for a in group) for h in reps}) == len(reps)


@given(chains())
def test_split_model_agrees_with_the_graph_built_by_hand(case):
    g, i = case
    rw = LearningDiagram.from_graph(g).rewrite(split_model(f"m{i}", "enc", "head",
                                                           space="Hid"))
    src, tgt = g.ends(f"m{i}")
    role = g.role(f"m{i}")
    expected = LearningGraph.from_edges(
        [r for r in g.edges() if r[0] != f"m{i}"]
        + [("enc", src, "Hid", role), ("head", "Hid", tgt, role)])
    assert edge_set(rw.diagram.graph) == edge_set(expected)
    assert set(rw.diagram.graph.vertex_names()) == set(expected.vertex_names())
    assert rw.diagram.equations == find_equations(expected)
    assert rw.deleted == (f"m{i}",)
    assert set(rw.added) == {"enc", "head"}
