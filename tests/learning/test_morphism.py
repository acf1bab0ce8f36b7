import pytest
from hypothesis import given
from hypothesis import strategies as st

from catlearn.errors import LearningGraphError
from catlearn.learning import (
    SYMMETRIC_COMPARATORS,
    DiagramMorphism,
    LearningDiagram,
    LearningGraph,
    find_embeddings,
    find_graph_maps,
)
from catlearn.learning.morphism import diagram_automorphisms
from catlearn.testing import learning_graphs


def square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    return LearningDiagram.from_graph(g)


def distillation(teacher_learnable=False):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.add_edge("t", "X", "Y", "learnable" if teacher_learnable else "fixed")
    g.model("s", "X", "Y")
    return LearningDiagram.from_graph(g)


def test_the_two_classification_squares_inside_distillation():
    # teacher and student both trained (online distillation): both squares embed
    maps = find_embeddings(square(), distillation(teacher_learnable=True))
    assert sorted(h.edge_map()["c"] for h in maps) == ["s", "t"]
    # frozen teacher: only the student's square is a diagram morphism (roles are kept) ...
    assert [h.edge_map()["c"] for h in find_embeddings(square(), distillation())] == ["s"]
    # ... and the teacher's square is found when roles are not matched
    KD = distillation()
    found = find_graph_maps(square().graph, KD.graph, match_roles=False)
    assert sorted(KD.graph.edge_names()[int(E[2])] for _, E in found) == ["s", "t"]


def test_morphism_checks():
    S, KD = square(), distillation()
    with pytest.raises(LearningGraphError, match="space 'X' is sent to space 'Y'"):
        DiagramMorphism(S, KD, [0, 2, 2], [0, 1, 3])
    with pytest.raises(LearningGraphError, match="edge 'c' \\(learnable\\) is sent to 't' "
                       "\\(fixed\\)"):
        DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 2])
    with pytest.raises(LearningGraphError, match="edge x: N -> X is sent to y: N -> Y"):
        DiagramMorphism(S, KD, [0, 1, 2], [1, 1, 3])
    with pytest.raises(LearningGraphError, match="no image for edge"):
        DiagramMorphism(S, KD, {"N": "N", "X": "X", "Y": "Y"}, {"x": "x"})
    with pytest.raises(LearningGraphError, match="'q' is not one of the edges of the codomain"):
        DiagramMorphism(S, KD, {"N": "N", "X": "X", "Y": "Y"}, {"x": "x", "y": "y", "c": "q"})
    no_eqs = LearningDiagram(KD.graph, [])
    with pytest.raises(LearningGraphError, match="equation x ⋅ c = y is sent to"):
        DiagramMorphism(S, no_eqs, [0, 1, 2], [0, 1, 3])
    other = LearningDiagram(KD.graph, KD.equations, comparators={"Y": "kl"})
    # structure decides: the comparator of Y is compared only when asked
    assert DiagramMorphism(S, other, [0, 1, 2], [0, 1, 3]).edge_map()["c"] == "s"
    with pytest.raises(LearningGraphError, match="comparators must agree"):
        DiagramMorphism(S, other, [0, 1, 2], [0, 1, 3], match_comparators=True)


def test_category_laws_and_multiplicity():
    S, KD = square(), distillation()
    h = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert DiagramMorphism.identity(S) >> h == h == h >> DiagramMorphism.identity(KD)
    assert h.is_monic()
    assert h.multiplicity() == 1.0
    heavy = KD.reweighted({"x ⋅ s = y": 4.0})
    assert DiagramMorphism(S, heavy, [0, 1, 2], [0, 1, 3]).multiplicity() == 0.25
    assert h.image(S.equations[0]).name == "x ⋅ s = y"
    with pytest.raises(LearningGraphError, match="do not compose"):
        h >> h


def test_readme_tour_structure_decides_the_embedding():
    # the README's tour: distillation with a kl comparator on Y, and the plain square
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    kd = LearningDiagram.from_graph(g, comparators={"Y": "kl"})
    found = find_embeddings(square(), kd)
    assert [h.edge_map() for h in found] == [{"x": "x", "y": "y", "c": "s"}]
    assert found[0].image(square().equations[0]).name == "x ⋅ s = y"
    # asked to match comparators, the square (mse on Y) does not embed ...
    assert find_embeddings(square(), kd, match_comparators=True) == []
    # ... until it compares Y with kl too
    kl_square = square().with_comparators({"Y": "kl"})
    assert [h.edge_map()["c"] for h in
            find_embeddings(kl_square, kd, match_comparators=True)] == ["s"]


def test_per_equation_comparators_and_weights_do_not_decide():
    S, KD = square(), distillation()
    eq = KD.equation("x ⋅ s = y")
    tagged = LearningDiagram(KD.graph, [e.with_(comparator="cross_entropy") if e == eq else e
                                        for e in KD.equations])
    assert [h.edge_map()["c"] for h in find_embeddings(S, tagged)] == ["s"]
    assert find_embeddings(S, tagged, match_comparators=True) == []
    heavy = KD.reweighted({"x ⋅ s = y": 4.0})  # weights only change the multiplicity
    (h,) = find_embeddings(S, heavy)
    assert h.multiplicity() == 0.25
    with pytest.raises(LearningGraphError, match="match_comparators must be True or False"):
        find_embeddings(S, KD, match_comparators="yes")
    with pytest.raises(LearningGraphError, match="match_comparators must be True or False"):
        DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3], match_comparators=1)


def test_a_swapped_image_needs_a_symmetric_comparator_in_both_settings():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    flipped = LearningDiagram(g, [("y", "x ⋅ c")])  # y = x ⋅ c: the swapped orientation
    (h,) = find_embeddings(flipped, distillation())  # mse: symmetric, so it may swap
    assert h.edge_map()["c"] == "s"
    kl = distillation().with_comparators({"Y": "kl"})
    for match in (False, True):
        assert find_embeddings(flipped, kl, match_comparators=match) == []


@st.composite
def two_comparator_settings(draw: st.DrawFn):
    g = draw(learning_graphs(max_edges=5))
    names = ["mse", "kl", "l1", "cross_entropy"]
    spaces = g.vertex_names()
    pick = st.dictionaries(st.sampled_from(spaces), st.sampled_from(names), max_size=3)
    return g, draw(pick), draw(pick)


@given(two_comparator_settings())
def test_embeddings_are_decided_by_structure_and_comparators_only_filter(case):
    g, comps1, comps2 = case
    plain = LearningDiagram.from_graph(g)
    D1 = LearningDiagram.from_graph(g, comparators=comps1)
    D2 = LearningDiagram.from_graph(g, comparators=comps2)

    def maps(found):
        return sorted(tuple(h.E.tolist()) for h in found)

    symmetric_only = all(c in SYMMETRIC_COMPARATORS for c in comps2.values())
    structural = maps(find_embeddings(D1, D2))
    if symmetric_only:  # swaps are judged by D2's comparators: all symmetric here
        assert structural == maps(find_embeddings(plain, plain))
    assert maps(find_embeddings(plain, D2)) == structural  # D1's comparators play no part
    # the identity keeps every comparator, so it is found in both settings
    assert tuple(range(g.nparts("E"))) in maps(find_embeddings(D1, D1, match_comparators=True))
    # match_comparators keeps exactly the structural ones whose images agree
    matched = maps(find_embeddings(D1, D2, match_comparators=True))
    expected = maps(h for h in find_embeddings(D1, D2)
                    if all(h.image(e) is None
                           or D1.comparator_for(e) == D2.comparator_for(h.image(e))
                           for e in D1.equations))
    assert matched == expected


def two_heads():
    """Two learnable edges ``c1, c2: X -> Y`` beside the labels ``y``."""
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.model("c1", "X", "Y").model("c2", "X", "Y")
    return LearningDiagram.from_graph(g)


def test_components_given_by_name_or_by_array_are_checked():
    S, KD = square(), distillation()
    spaces = {"N": "N", "X": "X", "Y": "Y"}
    with pytest.raises(LearningGraphError, match=r"no image for space\(s\) X, Y$"):
        DiagramMorphism(S, KD, {"N": "N"}, [0, 1, 3])
    with pytest.raises(LearningGraphError, match=r"no image for edge\(s\) y, c$"):
        DiagramMorphism(S, KD, spaces, {"x": "x"})
    with pytest.raises(LearningGraphError, match=r"'Q' is not one of the spaces of the "
                       r"codomain \(N, X, Y\)"):
        DiagramMorphism(S, KD, {"N": "N", "X": "X", "Y": "Q"}, [0, 1, 3])
    with pytest.raises(LearningGraphError, match=r"'q' is not one of the edges of the "
                       r"codomain \(x, y, t, s\)"):
        DiagramMorphism(S, KD, spaces, {"x": "x", "y": "y", "c": "q"})
    by_name = DiagramMorphism(S, KD, spaces, {"x": "x", "y": "y", "c": "s"})
    assert by_name == DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert by_name.V.tolist() == [0, 1, 2]
    assert by_name.E.tolist() == [0, 1, 3]
    for E in ([0, 1], [0, 1, 3, 3], [0, 1, -1], [0, 1, 4]):
        with pytest.raises(LearningGraphError, match="the edge component must send each of "
                           "the 3 edges to one of the 4 edges of the codomain"):
            DiagramMorphism(S, KD, [0, 1, 2], E)
    for V in ([0, 1], [0, 1, 3], [-1, 1, 2]):
        with pytest.raises(LearningGraphError, match="the space component must send each of "
                           "the 3 spaces to one of the 3 spaces of the codomain"):
            DiagramMorphism(S, KD, V, [0, 1, 3])
    assert DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3]).E.tolist() == [0, 1, 3]  # top ok


def test_components_are_read_only():
    h = DiagramMorphism(square(), distillation(), [0, 1, 2], [0, 1, 3])
    for component in (h.V, h.E):
        with pytest.raises(ValueError, match="read-only"):
            component[0] = 1
    with pytest.raises(TypeError):
        hash(h)


def test_an_equation_may_collapse_to_a_degenerate_pair():
    two, S = two_heads(), square()
    h = DiagramMorphism(two, S, [0, 1, 2], [0, 1, 2, 2])  # both heads onto c
    assert not h.is_monic()
    heads, first, second = two.equations
    assert h.image(heads) is None  # x ⋅ c1 = x ⋅ c2 becomes x ⋅ c = x ⋅ c
    assert h.image(first) == h.image(second) == S.equations[0]
    assert h.map_path(heads.lhs) == h.map_path(heads.rhs) == S.equations[0].lhs
    assert h.multiplicity() == 2.0  # two equations of weight 1 land on one of weight 1
    assert h.space_map() == {"N": "N", "X": "X", "Y": "Y"}
    assert h.edge_map() == {"x": "x", "y": "y", "c1": "c", "c2": "c"}
    assert repr(h) == "DiagramMorphism(edges {'x': 'x', 'y': 'y', 'c1': 'c', 'c2': 'c'})"
    light = two.reweighted({"x ⋅ c1 = y": 0.5, "x ⋅ c2 = y": 0.25})
    assert DiagramMorphism(light, S, [0, 1, 2], [0, 1, 2, 2]).multiplicity() == 0.75
    # only monic maps are found by default
    assert find_embeddings(two, S) == []
    assert find_embeddings(two, S, monic=False) == [h]


def test_multiplicity_of_zero_weights_and_of_degenerate_images():
    S, KD = square(), distillation()
    zero = KD.reweighted({"x ⋅ s = y": 0.0})
    assert DiagramMorphism(S, zero, [0, 1, 2], [0, 1, 3]).multiplicity() == float("inf")
    both_zero = DiagramMorphism(S.reweighted({"x ⋅ c = y": 0.0}), zero, [0, 1, 2],
                                [0, 1, 3])
    assert both_zero.multiplicity() == 0.0
    only_degenerate = LearningDiagram(two_heads().graph, [("x ⋅ c1", "x ⋅ c2")])
    h = DiagramMorphism(only_degenerate, S, [0, 1, 2], [0, 1, 2, 2])
    assert h.multiplicity() == 0.0
    heavy = DiagramMorphism(S.reweighted({"x ⋅ c = y": 3.0}), KD, [0, 1, 2], [0, 1, 3])
    assert heavy.multiplicity() == 3.0


def test_a_swapped_image_is_reported_by_the_morphism():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    flipped = LearningDiagram(g, [("y", "x ⋅ c")])
    KD = distillation()
    h = DiagramMorphism(flipped, KD, [0, 1, 2], [0, 1, 3])
    assert h.image(flipped.equations[0]).name == "x ⋅ s = y"
    assert h.multiplicity() == 1.0
    with pytest.raises(LearningGraphError, match=r"equation y = x ⋅ c is sent to N ⋅ y = "
                       r"N ⋅ x ⋅ s, which is not an equation of the codomain"):
        DiagramMorphism(flipped, KD.with_comparators({"Y": "kl"}), [0, 1, 2], [0, 1, 3])
    # both orientations in a codomain comparing with kl: each lands on its own
    both = LearningDiagram(KD.graph, [("y", "x ⋅ s"), ("x ⋅ s", "y")], {"Y": "kl"})
    straight = DiagramMorphism(square(), both, [0, 1, 2], [0, 1, 3])
    assert straight.image(square().equations[0]).name == "x ⋅ s = y"
    assert DiagramMorphism(flipped, both, [0, 1, 2], [0, 1, 3]).image(
        flipped.equations[0]).name == "y = x ⋅ s"


def test_comparator_mismatch_names_both_comparators():
    S = square()
    kl = distillation().with_comparators({"Y": "kl"})
    with pytest.raises(LearningGraphError, match=r"equation x ⋅ c = y \(mse\) lands on "
                       r"x ⋅ s = y \(kl\); comparators must agree"):
        DiagramMorphism(S, kl, [0, 1, 2], [0, 1, 3], match_comparators=True)
    assert DiagramMorphism(S.with_comparators({"Y": "kl"}), kl, [0, 1, 2], [0, 1, 3],
                           match_comparators=True).match_comparators is True


def test_composition_matches_comparators_only_when_both_do():
    S, KD = square(), distillation()
    kl = KD.with_comparators({"Y": "kl"})
    h = DiagramMorphism(S, kl, [0, 1, 2], [0, 1, 3])  # structure only: mse onto kl
    assert h.match_comparators is False
    composite = DiagramMorphism.identity(S) >> h  # the identity keeps comparators
    assert composite == h
    assert composite.match_comparators is False
    assert DiagramMorphism.identity(S).match_comparators is True
    ident = DiagramMorphism.identity(S) >> DiagramMorphism.identity(S)
    assert ident.match_comparators is True
    # h then the identity of KD's (an automorphism-free) codomain: a value check
    k = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert (k >> DiagramMorphism.identity(KD)).edge_map() == {"x": "x", "y": "y", "c": "s"}
    assert k.then(DiagramMorphism.identity(KD)) == k


def test_morphisms_are_equal_when_their_ends_and_components_are():
    S, KD = square(), distillation(teacher_learnable=True)
    to_s = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    to_t = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 2])
    assert to_s != to_t
    assert to_s == DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    assert to_s != "a morphism"
    other_codom = LearningDiagram(KD.graph, KD.equations[:2])
    assert DiagramMorphism(S, other_codom, [0, 1, 2], [0, 1, 2]) != to_t
    other_dom = S.with_comparators({"Y": "l1"})
    assert DiagramMorphism(other_dom, KD, [0, 1, 2], [0, 1, 3]) != to_s


def test_is_monic_looks_at_both_components():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "X").model("c", "X", "X")
    two_columns = LearningDiagram(g, [])
    g2 = LearningGraph().data("x", "N", "X").model("c", "X", "X")
    one_column = LearningDiagram(g2, [])
    h = DiagramMorphism(two_columns, one_column, [0, 1], [0, 0, 1])  # x, y onto x
    assert h.V.tolist() == [0, 1]
    assert not h.is_monic()
    two = two_heads()
    assert DiagramMorphism(two, two, [0, 1, 2], [0, 1, 3, 2]).is_monic()


def test_embeddings_up_to_symmetry_keep_one_per_orbit():
    two = two_heads()
    assert [a.edge_map()["c1"] for a in find_embeddings(two, two)] == ["c1", "c2"]
    (least,) = find_embeddings(two, two, up_to_symmetry=True)
    assert least == DiagramMorphism.identity(two)
    # the square has no symmetry: both of its embeddings into two heads stay
    assert [h.edge_map()["c"] for h in find_embeddings(square(), two, up_to_symmetry=True)
            ] == ["c1", "c2"]
    assert find_embeddings(square(), distillation(), up_to_symmetry=True) == \
        find_embeddings(square(), distillation())
    assert find_embeddings(two, square(), up_to_symmetry=True) == []


def test_automorphisms_keep_the_equations():
    two = two_heads()
    swap = DiagramMorphism(two, two, [0, 1, 2], [0, 1, 3, 2])
    assert diagram_automorphisms(two) == [DiagramMorphism.identity(two), swap]
    # with only one head's equation, swapping the heads moves it off the equations
    one = LearningDiagram(two.graph, [("x ⋅ c1", "y")])
    assert diagram_automorphisms(one) == [DiagramMorphism.identity(one)]
    assert len(find_embeddings(one, one, up_to_symmetry=True)) == 1


def test_graph_maps_keep_data_edges_on_data_edges():
    sq = square().graph
    # a codomain where the only learnable-or-fixed X -> Y edge is data: nothing to land on
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.add_edge("c", "X", "Y", "fixed")
    assert find_graph_maps(sq, g) == []
    assert [E.tolist() for _, E in find_graph_maps(sq, g, match_roles=False)] == [[0, 1, 2]]
    swapped = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Y")
    swapped.model("c", "X", "Y")
    # y may go to y or z (both data), never to c
    assert sorted(E.tolist()[1] for _, E in find_graph_maps(sq, swapped,
                                                            match_roles=False)) == [1, 2]
    assert sorted(E.tolist()[1] for _, E in find_graph_maps(sq, swapped)) == [1, 2]
    # not monic: two data columns may land on one
    g3 = LearningGraph().data("x", "N", "X").data("y", "N", "X")
    g4 = LearningGraph().data("x", "N", "X")
    assert find_graph_maps(g3, g4) == []
    assert [E.tolist() for _, E in find_graph_maps(g3, g4, monic=False)] == [[0, 0]]


def test_graph_maps_never_send_a_data_edge_to_a_model_or_back():
    model = LearningGraph().model("c", "X", "Y")
    column = LearningGraph().data("z", "X", "Y")
    assert find_graph_maps(model, column, match_roles=False) == []
    assert find_graph_maps(column, LearningGraph().model("m", "X", "Y"),
                           match_roles=False) == []
    # between models, roles are free when not matched
    both = LearningGraph().fixed("f", "X", "Y").model("c", "X", "Y")
    assert [E.tolist() for _, E in find_graph_maps(model, both, match_roles=False)] == [
        [0], [1]]
    assert [E.tolist() for _, E in find_graph_maps(model, both)] == [[1]]


def test_embeddings_skip_the_graph_maps_that_miss_the_equations():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.model("c1", "X", "Y").model("c2", "X", "Y")
    second_only = LearningDiagram(g, [("x ⋅ c2", "y")])
    # the map onto c1 comes first and fails; the one onto c2 is still found
    assert [h.edge_map()["c"] for h in find_embeddings(square(), second_only)] == ["c2"]


def test_automorphisms_skip_the_symmetries_that_move_an_equation():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.model("c1", "X", "Y").model("c2", "X", "Y").model("c3", "X", "Y")
    D = LearningDiagram(g, [("x ⋅ c1", "y"), ("x ⋅ c2", "y")])
    assert [{k: v for k, v in a.edge_map().items() if k != v}
            for a in diagram_automorphisms(D)] == [{}, {"c1": "c2", "c2": "c1"}]


def test_components_of_a_diagram_without_edges_compose():
    lone = LearningDiagram(LearningGraph().space("X"), [])
    by_name = DiagramMorphism(lone, lone, {"X": "X"}, {})
    by_array = DiagramMorphism(lone, lone, 0, [])  # a scalar for the single space
    assert by_name == by_array == DiagramMorphism.identity(lone)
    assert by_array.V.tolist() == [0]
    assert by_name >> by_array == by_name
    assert by_array >> by_name == by_array
    assert by_name.edge_map() == {}
    assert by_name.space_map() == {"X": "X"}
    S = square()
    grid = DiagramMorphism(S, S, [[0, 1, 2]], [[0], [1], [2]])  # any shape is read flat
    assert grid == DiagramMorphism.identity(S)


def test_composition_and_comparator_errors_are_spelled_out():
    S, KD = square(), distillation()
    h = DiagramMorphism(S, KD, [0, 1, 2], [0, 1, 3])
    with pytest.raises(LearningGraphError, match=r"^diagram morphisms do not compose: the "
                       r"codomain of the first is not the domain of the second$"):
        h >> h
    kl = KD.with_comparators({"Y": "kl"})
    with pytest.raises(LearningGraphError, match=r"comparators must agree "
                       r"\(match_comparators=True\)$"):
        DiagramMorphism(S, kl, [0, 1, 2], [0, 1, 3], match_comparators=True)
