"""The exact semantics: learning graphs realised with sympy.

A :class:`SymbolicRealisation` of a graph gives each vertex ``v`` a dimension ``n`` (its
points are columns of ``n`` real symbols ``v_0 … v_{n-1}``) and a comparator (by default
the squared Euclidean distance ``(a-b)ᵀ(a-b)``), and each edge a map: learnable affine
``W_e x + b_e`` with parameter symbols named after the edge, fixed (a sympy ``Lambda`` or
an expression in the source's symbols), or a data column (an expression in the source's
batch symbols). Paths are evaluated by substitution, so the realisation is a functor
from the free category into :class:`SymbolicMaps` — exactly, with no float tolerance::

    >>> from catlearn.categories import FreeCategory, Graph, check_functor_laws
    >>> G = Graph(("N", "X", "Y"), (("x", "N", "X"), ("f", "X", "Y"), ("y", "N", "Y")))
    >>> R = SymbolicRealisation(G, {"N": 1, "X": 1, "Y": 1})
    >>> R = R.data("x", R.symbols("N")).learnable("f").data("y", 2 * R.symbols("N"))
    >>> C = FreeCategory(G)
    >>> check_functor_laws(R.functor(), [C.path("x"), C.path("f"), C.path("x", "f")])
    4
    >>> R.loss_expr([("N ⋅ x ⋅ f", "N ⋅ y")])
    (N_0*W_{f,0,0} - 2*N_0 + b_{f,0})**2
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sympy
from sympy import Matrix, Symbol

from catlearn.categories.cost import CostObject
from catlearn.categories.errors import CategoryError, CategoryTypeError, CostError
from catlearn.categories.fincat import PathLike
from catlearn.categories.free import FreeCategory
from catlearn.categories.functor import Functor
from catlearn.categories.graph import Graph, as_graph
from catlearn.categories.path import Path

__all__ = [
    "SymbolicError",
    "SymbolicMap",
    "SymbolicMaps",
    "SymbolicRealisation",
    "squared_distance",
]

#: A comparator: two matrices of the same shape (columns are points) to a sympy scalar.
Comparator = Callable[[Matrix, Matrix], sympy.Expr]


class SymbolicError(CategoryError):
    """Bad input to a symbolic realisation (an unrealised edge, a dimension mismatch, a
    stray symbol).

    >>> isinstance(SymbolicError("edge 'f' is not realised"), ValueError)
    True
    """


def squared_distance(a: Matrix, b: Matrix) -> sympy.Expr:
    """The squared Euclidean distance ``(a-b)ᵀ(a-b)``, summed over columns (points).

    >>> squared_distance(Matrix([1, 2]), Matrix([4, 6]))
    25
    """
    if a.shape != b.shape:
        raise SymbolicError(f"cannot compare matrices of shapes {a.shape} and {b.shape}")
    diff = a - b
    return sympy.Add(*[t**2 for t in diff])


def _column(value: Any, what: str) -> Matrix:
    if isinstance(value, (sympy.MatrixBase, list, tuple)):
        m = Matrix(value)
    else:
        m = Matrix([sympy.sympify(value)])
    if m.cols != 1:
        if m.rows == 1:
            return Matrix(m.T)
        raise SymbolicError(f"{what} must be a column vector, not of shape {m.shape}")
    return m


class SymbolicMap:
    """A map ``ℝⁿ → ℝᵐ`` given by a column of ``m`` expressions in ``n`` input symbols
    (other symbols, e.g. parameters, are constants). Applies to a column or to a matrix
    whose columns are points.

    >>> a, b = sympy.symbols("a b")
    >>> swap = SymbolicMap((a, b), Matrix([b, a]))
    >>> swap(Matrix([[1, 2], [3, 4]]))
    Matrix([
    [3, 4],
    [1, 2]])
    """

    __slots__ = ("inputs", "outputs")

    def __init__(self, inputs: Sequence[Symbol], outputs: Matrix) -> None:
        self.inputs: tuple[Symbol, ...] = tuple(inputs)
        for s in self.inputs:
            if not isinstance(s, Symbol):
                raise CategoryTypeError(f"input {s!r} must be a sympy Symbol")
        if len(set(self.inputs)) != len(self.inputs):
            raise SymbolicError(f"repeated input symbols in {self.inputs}")
        self.outputs: Matrix = _column(outputs, "the outputs of a map")

    @property
    def dom(self) -> int:
        """The input dimension.

        >>> SymbolicMap(sympy.symbols("a b"), Matrix([0])).dom
        2
        """
        return len(self.inputs)

    @property
    def cod(self) -> int:
        """The output dimension.

        >>> SymbolicMap(sympy.symbols("a b"), Matrix([0])).cod
        1
        """
        return int(self.outputs.rows)

    def __call__(self, x: Matrix) -> Matrix:
        x = Matrix(x)
        if x.rows != self.dom:
            raise SymbolicError(f"a map from dimension {self.dom} cannot take {x.rows} rows")
        cols = []
        for j in range(x.cols):
            sub = dict(zip(self.inputs, x[:, j], strict=True))
            cols.append(self.outputs.xreplace(sub))
        if not cols:
            return sympy.zeros(self.cod, 0)
        return Matrix.hstack(*cols)

    def then(self, other: SymbolicMap) -> SymbolicMap:
        """Composition "self, then other", by substitution.

        >>> a = sympy.Symbol("a")
        >>> double = SymbolicMap((a,), Matrix([2 * a]))
        >>> (double >> double).outputs
        Matrix([[4*a]])
        """
        if self.cod != other.dom:
            raise SymbolicError(
                f"cannot compose a map to dimension {self.cod} with one from {other.dom}"
            )
        return SymbolicMap(self.inputs, other(self.outputs))

    def __rshift__(self, other: SymbolicMap) -> SymbolicMap:
        return self.then(other)

    def equals(self, other: SymbolicMap) -> bool:
        """Exact equality as functions: same dimensions, and the outputs agree after
        renaming the inputs (``expand`` of the difference is zero, else ``simplify``).

        >>> a, b = sympy.symbols("a b")
        >>> SymbolicMap((a,), Matrix([(a + 1) ** 2])).equals(
        ...     SymbolicMap((b,), Matrix([b**2 + 2 * b + 1])))
        True
        """
        if (self.dom, self.cod) != (other.dom, other.cod):
            return False
        diff = self.outputs - other(Matrix(self.inputs) if self.inputs else sympy.zeros(0, 1))
        return all(_is_zero(t) for t in diff)

    def __repr__(self) -> str:
        return f"SymbolicMap({self.inputs!r}, {self.outputs!r})"


def _is_zero(t: sympy.Expr) -> bool:
    if sympy.expand(t) == 0:
        return True
    return bool(sympy.simplify(t) == 0)


class SymbolicMaps:
    """The category whose objects are dimensions ``n ≥ 0`` and whose morphisms are
    :class:`SymbolicMap` s; equality is exact (:meth:`SymbolicMap.equals`).

    >>> M = SymbolicMaps()
    >>> a = sympy.Symbol("a")
    >>> f = SymbolicMap((a,), Matrix([a + 1]))
    >>> M.equal(M.compose(M.id(1), f), f) and M.equal(M.compose(f, M.id(1)), f)
    True
    """

    def id(self, n: int) -> SymbolicMap:
        """The identity of ``ℝⁿ``.

        >>> SymbolicMaps().id(2).outputs.T
        Matrix([[_x0, _x1]])
        """
        xs = sympy.symbols(f"_x0:{n}", real=True) if n else ()
        return SymbolicMap(xs, Matrix(xs) if n else sympy.zeros(0, 1))

    def compose(self, f: SymbolicMap, g: SymbolicMap) -> SymbolicMap:
        """The composite "f, then g".

        >>> a = sympy.Symbol("a")
        >>> SymbolicMaps().compose(SymbolicMap((a,), Matrix([a + 1])),
        ...                        SymbolicMap((a,), Matrix([3 * a]))).outputs
        Matrix([[3*a + 3]])
        """
        return f.then(g)

    def equal(self, f: SymbolicMap, g: SymbolicMap) -> bool:
        """Exact equality of maps.

        >>> a = sympy.Symbol("a")
        >>> SymbolicMaps().equal(SymbolicMap((a,), Matrix([a])), SymbolicMaps().id(1))
        True
        """
        return f.equals(g)

    def source(self, f: SymbolicMap) -> int:
        """The input dimension.

        >>> SymbolicMaps().source(SymbolicMaps().id(3))
        3
        """
        return f.dom

    def target(self, f: SymbolicMap) -> int:
        """The output dimension.

        >>> SymbolicMaps().target(SymbolicMaps().id(3))
        3
        """
        return f.cod

    def __repr__(self) -> str:
        return "SymbolicMaps()"


#: What :meth:`SymbolicRealisation.loss_expr` takes: ``(lhs, rhs)`` or ``(lhs, rhs, w)``.
Equation = tuple[PathLike, PathLike] | tuple[PathLike, PathLike, Any]


class SymbolicRealisation:
    """A realisation of a graph in sympy: dimensions and comparators on vertices, maps on
    edges (see the module docstring). Built fluently; every method that sets something
    returns the realisation. Errors name the vertex or edge at fault.

    >>> G = Graph(("X", "Y"), (("f", "X", "Y"), ("g", "X", "Y")))
    >>> R = SymbolicRealisation(G, {"X": 2, "Y": 1}).learnable("f")
    >>> R.parameters
    {'f': (W_{f,0,0}, W_{f,0,1}, b_{f,0})}
    >>> R.evaluate(["g"])
    Traceback (most recent call last):
    ...
    catlearn.symbolic.SymbolicError: edge 'g' is not realised: give it a map with \
learnable(), fixed() or data()
    """

    def __init__(self, graph: Graph | Any, dims: Mapping[str, int] | None = None) -> None:
        self._graph = as_graph(graph)
        self._category = FreeCategory(self._graph)
        self._dims: dict[str, int] = {}
        self._comparators: dict[str, Comparator] = {}
        self._maps: dict[str, SymbolicMap] = {}
        self._roles: dict[str, str] = {}
        self._params: dict[str, tuple[Symbol, ...]] = {}
        for v, n in (dims or {}).items():
            self.space(v, n)

    @property
    def graph(self) -> Graph:
        """The realised graph.

        >>> SymbolicRealisation(Graph(("X",))).graph.vertices
        ('X',)
        """
        return self._graph

    @property
    def category(self) -> FreeCategory:
        """The free category on the graph (whose paths the realisation evaluates).

        >>> SymbolicRealisation(Graph(("X",))).category
        FreeCategory(Graph(vertices=('X',), edges=()))
        """
        return self._category

    # -- vertices --------------------------------------------------------------------

    def space(self, v: str, dim: int, comparator: Comparator | None = None) -> SymbolicRealisation:
        """Realise vertex ``v`` as ``ℝ^dim`` with a comparator (default
        :func:`squared_distance`).

        >>> SymbolicRealisation(Graph(("X",))).space("X", 2).symbols("X").T
        Matrix([[X_0, X_1]])
        """
        self._graph.check_vertex(v)
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0:
            raise SymbolicError(f"the dimension of vertex {v!r} must be an int ≥ 0, not {dim!r}")
        if comparator is not None and not callable(comparator):
            raise CategoryTypeError(f"the comparator of vertex {v!r} must be callable")
        stale = [e.name for e in self._graph.edges if v in (e.src, e.tgt) and e.name in self._maps]
        if v in self._dims and self._dims[v] != dim and stale:
            raise SymbolicError(
                f"cannot change the dimension of vertex {v!r}: edges {stale} are realised on it"
            )
        self._dims[v] = dim
        self._comparators[v] = comparator if comparator is not None else squared_distance
        return self

    def dim(self, v: str) -> int:
        """The dimension of vertex ``v``.

        >>> SymbolicRealisation(Graph(("X",))).dim("X")
        Traceback (most recent call last):
        ...
        catlearn.symbolic.SymbolicError: vertex 'X' has no dimension: call space('X', n)
        """
        self._graph.check_vertex(v)
        if v not in self._dims:
            raise SymbolicError(f"vertex {v!r} has no dimension: call space({v!r}, n)")
        return self._dims[v]

    def symbols(self, v: str) -> Matrix:
        """The column of real symbols ``v_0 … v_{n-1}`` of vertex ``v`` (for a data
        source: its batch symbols).

        >>> SymbolicRealisation(Graph(("N",)), {"N": 1}).symbols("N")
        Matrix([[N_0]])
        """
        n = self.dim(v)
        return Matrix([Symbol(f"{v}_{i}", real=True) for i in range(n)]) if n else sympy.zeros(0, 1)

    def distance(self, v: str, a: Matrix, b: Matrix) -> sympy.Expr:
        """The comparator of vertex ``v`` applied to ``a`` and ``b``.

        >>> SymbolicRealisation(Graph(("X",)), {"X": 1}).distance("X", Matrix([1]), Matrix([3]))
        4
        """
        self.dim(v)
        return sympy.sympify(self._comparators[v](Matrix(a), Matrix(b)))

    # -- edges -----------------------------------------------------------------------

    def _set(self, e: str, role: str, outputs: Matrix) -> SymbolicRealisation:
        edge = self._graph.edge(e)
        m, n = self.dim(edge.tgt), self.dim(edge.src)
        outputs = _column(outputs, f"the map of edge {edge.name!r}")
        if outputs.rows != m:
            raise SymbolicError(
                f"the map of edge {edge.name!r} has {outputs.rows} outputs, but its target "
                f"{edge.tgt!r} has dimension {m}"
            )
        inputs = tuple(self.symbols(edge.src)) if n else ()
        if role != "learnable":
            stray = sorted(str(s) for s in outputs.free_symbols - set(inputs))
            if stray:
                raise SymbolicError(
                    f"the {role} map of edge {edge.name!r} uses symbols {stray} that are not "
                    f"the symbols of its source {edge.src!r} ({[str(s) for s in inputs]})"
                )
        self._maps[edge.name] = SymbolicMap(inputs, outputs)
        self._roles[edge.name] = role
        if role != "learnable":
            self._params.pop(edge.name, None)
        return self

    def weight(self, e: str) -> Matrix:
        """The weight matrix ``W_e`` (``dim tgt × dim src`` symbols) of edge ``e``.

        >>> SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1}).weight("f")
        Matrix([[W_{f,0,0}]])
        """
        edge = self._graph.edge(e)
        m, n = self.dim(edge.tgt), self.dim(edge.src)
        return Matrix(
            m, n, lambda i, j: Symbol(f"W_{{{edge.name},{i},{j}}}", real=True)
        )

    def bias(self, e: str) -> Matrix:
        """The bias column ``b_e`` (``dim tgt`` symbols) of edge ``e``.

        >>> SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1}).bias("f")
        Matrix([[b_{f,0}]])
        """
        edge = self._graph.edge(e)
        m = self.dim(edge.tgt)
        return Matrix([Symbol(f"b_{{{edge.name},{i}}}", real=True) for i in range(m)]) if m \
            else sympy.zeros(0, 1)

    def learnable(self, e: str, bias: bool = True) -> SymbolicRealisation:
        """Realise edge ``e`` as the learnable affine map ``W_e x + b_e`` (or ``W_e x``).

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.learnable("f").evaluate(["f"])
        Matrix([[W_{f,0,0}*X_0 + b_{f,0}]])
        """
        edge = self._graph.edge(e)
        W = self.weight(edge.name)
        x = self.symbols(edge.src)
        out = W * x
        params = list(W)
        if bias:
            b = self.bias(edge.name)
            out = out + b
            params += list(b)
        self._set(edge.name, "learnable", out)
        self._params[edge.name] = tuple(params)
        return self

    def fixed(self, e: str, f: sympy.Lambda | Matrix | Any) -> SymbolicRealisation:
        """Realise edge ``e`` as a fixed map: a ``Lambda`` of ``dim src`` arguments, or a
        column of expressions in the symbols of the source (:meth:`symbols`).

        >>> R = SymbolicRealisation(Graph(("X", "Y"), (("g", "X", "Y"),)), {"X": 2, "Y": 1})
        >>> a, b = sympy.symbols("a b")
        >>> R.fixed("g", sympy.Lambda((a, b), a - b)).evaluate(["g"], Matrix([5, 2]))
        Matrix([[3]])
        """
        return self._set(e, "fixed", self._outputs(e, f))

    def data(self, e: str, column: Matrix | Any) -> SymbolicRealisation:
        """Realise edge ``e`` as a data column: an expression (or column of expressions) in
        the batch symbols of its source, or a ``Lambda``.

        >>> R = SymbolicRealisation(Graph(("N", "X"), (("x", "N", "X"),)), {"N": 1, "X": 2})
        >>> n = R.symbols("N")[0]
        >>> R.data("x", [n, n**2]).evaluate(["x"], Matrix([3]))
        Matrix([
        [3],
        [9]])
        """
        return self._set(e, "data", self._outputs(e, column))

    def _outputs(self, e: str, f: Any) -> Matrix:
        edge = self._graph.edge(e)
        if isinstance(f, sympy.Lambda):
            x = self.symbols(edge.src)
            if len(f.variables) != x.rows:
                raise SymbolicError(
                    f"the Lambda of edge {edge.name!r} takes {len(f.variables)} arguments, but "
                    f"its source {edge.src!r} has dimension {x.rows}"
                )
            return _column(f(*x), f"the map of edge {edge.name!r}")
        if callable(f) and not isinstance(f, sympy.Basic):
            raise CategoryTypeError(
                f"the map of edge {edge.name!r} must be a sympy Lambda or expressions, not a "
                f"Python callable"
            )
        return _column(f, f"the map of edge {edge.name!r}")

    def role(self, e: str) -> str:
        """The role of edge ``e``: ``"learnable"``, ``"fixed"`` or ``"data"``.

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.learnable("f").role("f")
        'learnable'
        """
        return self._roles[self._require(e)]

    def _require(self, e: Any) -> str:
        name = self._graph.edge(e).name
        if name not in self._maps:
            raise SymbolicError(
                f"edge {name!r} is not realised: give it a map with learnable(), fixed() or "
                f"data()"
            )
        return name

    @property
    def parameters(self) -> dict[str, tuple[Symbol, ...]]:
        """The parameter symbols, grouped by learnable edge (graph order; ``W`` row by row,
        then ``b``).

        >>> G = Graph(("X",), (("f", "X", "X"), ("g", "X", "X")))
        >>> SymbolicRealisation(G, {"X": 1}).learnable("g").learnable("f").parameters
        {'f': (W_{f,0,0}, b_{f,0}), 'g': (W_{g,0,0}, b_{g,0})}
        """
        return {e.name: self._params[e.name] for e in self._graph.edges if e.name in self._params}

    @property
    def parameter_symbols(self) -> tuple[Symbol, ...]:
        """All parameter symbols, in the order of :attr:`parameters`.

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.learnable("f", bias=False).parameter_symbols
        (W_{f,0,0},)
        """
        return tuple(s for group in self.parameters.values() for s in group)

    # -- paths -----------------------------------------------------------------------

    def path(self, p: PathLike | Path) -> Path:
        """Coerce a path (a :class:`Path`, ``"x ⋅ f"``, or a sequence of edge names or ids).

        >>> SymbolicRealisation(Graph(("X",), (("f", "X", "X"),))).path([0, 0])
        X ⋅ f ⋅ f
        """
        return self._category.coerce(p)

    def map(self, p: PathLike | Path) -> SymbolicMap:
        """The realisation of a path as a :class:`SymbolicMap` from the symbols of its
        source (identity paths give identity maps).

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.fixed("f", 2 * R.symbols("X")).map(["f", "f"]).outputs
        Matrix([[4*X_0]])
        """
        path = self.path(p)
        x = self.symbols(path.src)
        return SymbolicMap(tuple(x), self.evaluate(path))

    def evaluate(self, p: PathLike | Path, x: Matrix | None = None) -> Matrix:
        """Evaluate a path at ``x`` (a column, or a matrix whose columns are the points of
        a batch; default: the symbols of the path's source) by successive substitution.

        >>> G = Graph(("X",), (("f", "X", "X"),))
        >>> R = SymbolicRealisation(G, {"X": 1}).learnable("f", bias=False)
        >>> R.evaluate(["f", "f"], Matrix([[1, 2]]))
        Matrix([[W_{f,0,0}**2, 2*W_{f,0,0}**2]])
        """
        path = self.path(p)
        value = self.symbols(path.src) if x is None else Matrix(x)
        if value.rows != self.dim(path.src):
            raise SymbolicError(
                f"the input of {path!r} has {value.rows} rows, but its source {path.src!r} "
                f"has dimension {self.dim(path.src)}"
            )
        for e in path:
            value = self._maps[self._require(e.name)](value)
        return value

    def functor(self) -> Functor:
        """The realisation as a functor from the free category on the graph into
        :class:`SymbolicMaps` (every vertex and edge must be realised).

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.fixed("f", R.symbols("X") + Matrix([1])).functor()(R.path(["f", "f"])).outputs
        Matrix([[X_0 + 2]])
        """
        for v in self._graph.vertices:
            self.dim(v)
        return Functor(
            self._category,
            SymbolicMaps(),
            {v: self._dims[v] for v in self._graph.vertices},
            {e.name: self._maps[self._require(e.name)] for e in self._graph.edges},
        )

    # -- losses ----------------------------------------------------------------------

    def _equations(self, equations: Iterable[Equation]) -> list[tuple[Path, Path, sympy.Expr]]:
        out = []
        for eq in equations:
            if isinstance(eq, str) or not isinstance(eq, Sequence) or len(eq) not in (2, 3):
                raise CategoryTypeError(
                    f"an equation is (lhs, rhs) or (lhs, rhs, weight), not {eq!r}"
                )
            p, q = self.path(eq[0]), self.path(eq[1])
            if (p.src, p.tgt) != (q.src, q.tgt):
                raise SymbolicError(
                    f"equation {p!r} = {q!r} is not between parallel paths: "
                    f"{p.src} → {p.tgt} versus {q.src} → {q.tgt}"
                )
            w = sympy.sympify(eq[2]) if len(eq) == 3 else sympy.Integer(1)
            if w.is_negative:
                raise SymbolicError(f"the weight {w} of equation {p!r} = {q!r} is negative")
            out.append((p, q, w))
        return out

    def loss_expr(
        self,
        equations: Iterable[Equation],
        batch: Matrix | Mapping[str, Matrix] | None = None,
    ) -> sympy.Expr:
        """The loss ``Σ w · d_{tgt p}(R(p)(B), R(q)(B))`` over ``(p, q, w)`` equations, as
        an exact sympy expression. ``batch`` is a matrix (for every source), a mapping from
        source vertices to matrices, or ``None`` for the sources' batch symbols.

        >>> G = Graph(("N", "Y"), (("f", "N", "Y"), ("y", "N", "Y")))
        >>> R = SymbolicRealisation(G, {"N": 1, "Y": 1}).learnable("f")
        >>> R = R.data("y", 3 * R.symbols("N"))
        >>> R.loss_expr([(["f"], ["y"], 2)], Matrix([[1, 2]]))
        2*(W_{f,0,0} + b_{f,0} - 3)**2 + 2*(2*W_{f,0,0} + b_{f,0} - 6)**2
        """
        total: list[sympy.Expr] = []
        for p, q, w in self._equations(equations):
            if batch is None:
                B = self.symbols(p.src)
            elif isinstance(batch, Mapping):
                if p.src not in batch:
                    raise SymbolicError(f"the batch gives no data for the source {p.src!r}")
                B = Matrix(batch[p.src])
            else:
                B = Matrix(batch)
            total.append(w * self.distance(p.tgt, self.evaluate(p, B), self.evaluate(q, B)))
        return sympy.Add(*total)

    def latex(
        self,
        equations: Iterable[Equation],
        batch: Matrix | Mapping[str, Matrix] | None = None,
    ) -> str:
        """The loss of :meth:`loss_expr`, as LaTeX.

        >>> R = SymbolicRealisation(Graph(("X",), (("f", "X", "X"),)), {"X": 1})
        >>> R.learnable("f", bias=False).latex([(["f"], "X")])
        '\\\\left(W_{f,0,0} X_{0} - X_{0}\\\\right)^{2}'
        """
        return str(sympy.latex(self.loss_expr(equations, batch)))

    def cost_object(
        self,
        equations: Iterable[Equation],
        batch: Matrix | Mapping[str, Matrix],
        name: str = "",
    ) -> CostObject:
        """The object ``(Θ, L)`` of Cost: the parameters of the learnable edges (by symbol
        name) and the loss on a concrete batch, evaluated exactly by substitution.

        >>> G = Graph(("N", "Y"), (("f", "N", "Y"), ("y", "N", "Y")))
        >>> R = SymbolicRealisation(G, {"N": 1, "Y": 1}).learnable("f", bias=False)
        >>> L = R.data("y", 3 * R.symbols("N")).cost_object([(["f"], ["y"])], Matrix([[2]]))
        >>> L.parameters, L({"W_{f,0,0}": 1})
        (('W_{f,0,0}',), 16)
        """
        expr = self.loss_expr(equations, batch)
        params = self.parameter_symbols
        stray = sorted(str(s) for s in expr.free_symbols - set(params))
        if stray:
            raise CostError(
                f"the loss still depends on {stray}, which are not parameters: give a "
                "concrete batch"
            )
        by_name = {str(s): s for s in params}

        def loss(theta: Mapping[str, Any]) -> sympy.Expr:
            return expr.xreplace({by_name[k]: sympy.sympify(v) for k, v in theta.items()})

        return CostObject(tuple(by_name), loss, name=name)

    def __repr__(self) -> str:
        return (
            f"SymbolicRealisation({self._graph!r}, {self._dims!r}) with "
            f"{len(self._maps)}/{len(self._graph.edges)} edges realised"
        )
