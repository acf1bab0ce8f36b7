"""Free categories on graphs: the category laws, the universal property, Graph and Path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.categories import (
    Category,
    CategoryError,
    CategoryTypeError,
    CompositionError,
    Edge,
    FreeCategory,
    Functor,
    FunctorLawError,
    Graph,
    Path,
    check_functor_laws,
)
from tests.categories.strategies import all_short_paths, composable_triples, graphs, paths_in

# A target category for functors: integer matrices (objects: sizes) under multiplication,
# written "f then g" = f @ g with row vectors, i.e. f: m × n is a map m → n.


def matmul(a: tuple[tuple[int, ...], ...], b: tuple[tuple[int, ...], ...]
           ) -> tuple[tuple[int, ...], ...]:
    if len(a[0]) != len(b):
        raise ValueError("shapes do not match")
    cols = list(zip(*b, strict=True))
    return tuple(tuple(sum(x * y for x, y in zip(row, col, strict=True)) for col in cols)
                 for row in a)


def eye(n: int) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(i == j) for j in range(n)) for i in range(n))


Mat = Category(eye, matmul, source=lambda m: len(m), target=lambda m: len(m[0]), name="Mat(ℤ)")


@st.composite
def matrix_assignments(draw: st.DrawFn):
    G = draw(graphs())
    dims = {v: draw(st.integers(1, 2)) for v in G.vertices}
    mats = {}
    for e in G.edges:
        m, n = dims[e.src], dims[e.tgt]
        mats[e.name] = tuple(tuple(draw(st.integers(-3, 3)) for _ in range(n)) for _ in range(m))
    return G, dims, mats


@settings(max_examples=200, deadline=None)
@given(composable_triples())
def test_free_category_associativity(data):
    C, p, q, r = data
    assert (p >> q) >> r == p >> (q >> r)
    assert C.compose(C.compose(p, q), r) == C.compose(p, C.compose(q, r))
    assert len(p >> q >> r) == len(p) + len(q) + len(r)
    assert ((p >> q) >> r).src == p.src
    assert ((p >> q) >> r).tgt == r.tgt
    assert list(p >> q) == list(p) + list(q)


@settings(max_examples=200, deadline=None)
@given(composable_triples())
def test_free_category_units(data):
    C, p, _, _ = data
    assert C.id(p.src) >> p == p == p >> C.id(p.tgt)
    assert C.equal(C.compose(C.id(p.src), p), p)
    assert len(C.id(p.src)) == 0
    assert C.id(p.src).is_identity()


@settings(max_examples=200, deadline=None)
@given(composable_triples())
def test_path_repr_round_trips_and_hashes(data):
    C, p, q, _ = data
    assert C.parse(repr(p)) == p
    assert str(p) == repr(p)
    assert repr(p).split(" ⋅ ") == [p.src, *p.names]
    assert hash(C.parse(repr(p >> q))) == hash(p >> q)
    assert p[: len(p)] == p
    assert p[:0] == C.id(p.src)
    assert p[:1] >> p[1:] == p if len(p) else p[1:] == p


@settings(max_examples=200, deadline=None)
@given(matrix_assignments(), st.data())
def test_free_category_functor_extension_is_unique(assignment, data):
    """A graph map into Mat extends to a functor (laws hold on all short paths) and it is
    the only one: any functor agreeing on generators, computed another way, agrees."""
    G, dims, mats = assignment
    C = FreeCategory(G)
    F = C.functor(Mat, dims, mats)
    samples = [*all_short_paths(G, 1), *data.draw(st.lists(paths_in(G, 3), max_size=4))]
    check_functor_laws(F, samples)
    for e in G.edges:
        assert F(C.generator(e.name)) == mats[e.name]

    class RightFold:  # the same generator values, folded from the right
        cod = Mat

        def __call__(self, x):
            if isinstance(x, str):
                return dims[x]
            result = eye(dims[x.tgt])
            for e in reversed(x.edges):
                result = matmul(mats[e.name], result)
            return result

    H = RightFold()
    check_functor_laws(H, samples)
    p = data.draw(paths_in(G, 5))
    assert H(p) == F(p)


@settings(max_examples=200, deadline=None)
@given(matrix_assignments())
def test_check_functor_laws_catches_a_broken_identity(assignment):
    G, dims, mats = assignment
    C = FreeCategory(G)
    F = C.functor(Mat, dims, mats)

    class Broken:  # doubles identities
        cod = Mat

        def __call__(self, x):
            if isinstance(x, Path) and x.is_identity():
                return tuple(tuple(2 * v for v in row) for row in eye(dims[x.src]))
            return F(x)

    with pytest.raises(FunctorLawError, match="identity law fails at object 'v0'"):
        check_functor_laws(Broken(), all_short_paths(G, 1))


def test_composing_non_composable_paths_names_both_ends():
    C = FreeCategory(Graph(("x", "y", "z"), (("f", "x", "y"), ("g", "z", "x"))))
    with pytest.raises(CompositionError) as err:
        C.path("f") >> C.path("g")
    assert "x ⋅ f: x → y" in str(err.value)
    assert "z ⋅ g: z → x" in str(err.value)
    assert "target 'y' is not the source 'z'" in str(err.value)
    with pytest.raises(CompositionError, match="cannot extend x ⋅ f"):
        C.path("f", "g")


def test_graph_values_and_errors():
    G = Graph(("x", "y"), (("f", "x", "y"), ("g", "x", "y"), ("l", "y", "y")))
    assert eval(repr(G)) == G
    assert G != Graph(("x", "y"))
    assert G.edge(2) == Edge("l", "y", "y")
    assert len({G, eval(repr(G))}) == 1
    with pytest.raises(CategoryError, match="duplicate vertex name 'x'"):
        Graph(("x", "x"))
    with pytest.raises(CategoryError, match="duplicate edge name 'f'"):
        Graph(("x",), (("f", "x", "x"), ("f", "x", "x")))
    with pytest.raises(CategoryError, match="edge 'f' has source 'z'"):
        Graph(("x",), (("f", "z", "x"),))
    with pytest.raises(CategoryTypeError, match="vertex name 3"):
        Graph((3,))  # type: ignore[arg-type]
    with pytest.raises(CategoryError, match="must not contain the separator"):
        Graph(("x ⋅ y",))
    with pytest.raises(CategoryError, match="edge index 5 out of range"):
        G.edge(5)


def test_functor_between_free_categories_and_composition():
    C = FreeCategory(Graph(("x", "y"), (("f", "x", "y"),)))
    D = FreeCategory(Graph(("a", "b"), (("u", "a", "b"), ("v", "b", "b"))))
    E = FreeCategory(Graph(("s",), (("t", "s", "s"),)))
    F = Functor(C, D, {"x": "a", "y": "b"}, {"f": ["u", "v"]})
    G = Functor(D, E, {"a": "s", "b": "s"}, {"u": "s ⋅ t", "v": "s"})
    assert (F >> G)(C.generator("f")) == E.path("t")
    assert (F >> G)(C.id("x")) == E.id("s")
    check_functor_laws(F >> G, all_short_paths(C.graph))
    with pytest.raises(CategoryError, match="gives no image for the edges"):
        Functor(C, D, {"x": "a", "y": "b"}, {})
    with pytest.raises(CategoryError, match="the vertex map names unknown vertices: \\['z'\\]"):
        Functor(C, D, {"x": "a", "y": "b", "z": "a"}, {"f": "a ⋅ u"})


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_graph_from_acset(G):
    from catlearn.acsets import ACSet, SchGraph

    g = ACSet(SchGraph)
    g.add_parts("V", len(G.vertices))
    index = {v: i for i, v in enumerate(G.vertices)}
    for e in G.edges:
        g.add_part("E", src=index[e.src], tgt=index[e.tgt])
    H = Graph.from_acset(g, vertex_names=G.vertices, edge_names=[e.name for e in G.edges])
    assert H == G
    assert FreeCategory(g).graph == Graph.from_acset(g)
    with pytest.raises(CategoryError, match="vertex names"):
        Graph.from_acset(g, vertex_names=[*G.vertices, "extra"])
