"""The semantics of learning diagrams: the loss, and the loss functor ``ℓ: LDiag -> Cost``.

Given an exact sympy realisation ``R`` of a diagram ``D`` (:mod:`catlearn.symbolic`) and a
batch per source, ``ℓ(D) = (Θ_D, L_D)`` is the Cost object of the learnable parameters and
the loss ``L_D(θ) = Σ w · d(R_θ(p)(B), R_θ(q)(B))``. A diagram morphism ``h: D -> D'`` goes
to the reparametrisation ``h*: Θ_D' -> Θ_D`` (each learnable edge reads the parameters of
its image), with ``L_D ∘ h* ≤ K · L_D'`` for ``K = h.multiplicity()``; ``D``'s realisation
is the pull-back ``R' ∘ h``. Proofs: ``proofs/loss_functor.md``, ``proofs/gluing_lemma.md``.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> loss_expr(D)
mse_Y(c(x(N)), y(N))
>>> R = symbolic_realisation(D, {"N": 1, "X": 1, "Y": 1}, bias=False,
...                          maps={"x": "N_0", "y": "2*N_0"})
>>> loss_expr(D, R, {"N": [[1, 3]]})
(W_{c,0,0} - 2)**2 + (3*W_{c,0,0} - 6)**2
>>> L = loss_functor(D, R, {"N": [[1, 3]]})
>>> L.parameters, L({"W_{c,0,0}": 2})
(('W_{c,0,0}',), 0)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sympy

from catlearn.categories import CostObject, Reparametrisation
from catlearn.errors import LearningGraphError
from catlearn.learning.diagram import LearningDiagram
from catlearn.learning.graph import DATA, FIXED, LEARNABLE
from catlearn.symbolic import SymbolicRealisation

if TYPE_CHECKING:
    from catlearn.learning.morphism import DiagramMorphism

__all__ = ["loss_expr", "symbolic_realisation", "pullback_realisation", "loss_functor",
           "loss_functor_on", "equation_triples"]

Batch = Mapping[str, Any]


def _tex_name(name: str) -> str:
    return r"\operatorname{" + name.replace("\\", r"\backslash ").replace(
        "_", r"\_").replace("{", r"\{").replace("}", r"\}") + "}"


@functools.lru_cache(maxsize=1024)
def _named_function(name: str, subscript: str | None = None) -> Any:
    """A sympy function symbol printed as ``name`` (``name_subscript``), whose LaTeX keeps
    the name whole: ``\\operatorname{cross\\_entropy}_{Y}``, not sympy's reading of the
    underscores as subscripts. Cached, so equal names give the same (equal) function."""
    text = name if subscript is None else f"{name}_{subscript}"
    tex = _tex_name(name) + ("" if subscript is None else
                             "_{" + _tex_name(subscript).replace("operatorname", "mathrm")
                             + "}")

    def _latex(self: Any, printer: Any, exp: Any = None) -> str:
        args = ", ".join(printer._print(a) for a in self.args)
        head = tex if exp is None else f"{tex}^{{{exp}}}"
        return head + r"\left(" + args + r"\right)"

    return type(text, (sympy.Function,), {"_latex": _latex})


def _formal(diagram: LearningDiagram) -> sympy.Expr:
    terms = []
    for eq in diagram.equations:
        def apply(path: Any) -> sympy.Expr:
            value: sympy.Expr = sympy.Symbol(path.src)
            for name in path.names:
                value = _named_function(name)(value)
            return value

        d = _named_function(str(diagram.comparator_for(eq)), eq.target)
        terms.append(sympy.Float(eq.weight) * d(apply(eq.lhs), apply(eq.rhs))
                     if eq.weight != 1.0 else d(apply(eq.lhs), apply(eq.rhs)))
    return sympy.Add(*terms)


def equation_triples(diagram: LearningDiagram) -> list[tuple[list[str], list[str], Any]]:
    """The equations as ``(lhs names, rhs names, weight)`` for the symbolic realisation
    (weights as exact rationals)."""
    return [(list(eq.lhs.names), list(eq.rhs.names), sympy.nsimplify(eq.weight))
            for eq in diagram.equations]


def loss_expr(diagram: LearningDiagram, realisation: SymbolicRealisation | None = None,
              batch: Batch | None = None) -> sympy.Expr:
    """The loss as a sympy expression: formal (comparators and maps as function symbols)
    without a realisation, exact with one (``batch``: matrices per source, columns are
    examples; ``None``: the sources' symbols)."""
    if realisation is None:
        return _formal(diagram)
    _check_realises(diagram, realisation)
    return realisation.loss_expr(equation_triples(diagram),
                                 None if batch is None else _batch(batch))


def _batch(batch: Batch) -> dict[str, sympy.Matrix]:
    return {s: sympy.Matrix(b) for s, b in batch.items()}


def _check_realises(diagram: LearningDiagram, R: SymbolicRealisation) -> None:
    if R.graph != diagram.graph.to_graph():
        raise LearningGraphError("the symbolic realisation is of another graph than the "
                                 "diagram's")


def symbolic_realisation(diagram: LearningDiagram, dims: Mapping[str, int], *,
                         maps: Mapping[str, Any] | None = None, bias: bool = True
                         ) -> SymbolicRealisation:
    """An exact realisation of a diagram: each space ``ℝ^dim``, each learnable edge the
    affine map ``W x + b`` (``W x`` without ``bias``), each data or fixed edge the map
    given in ``maps`` (sympy expressions, strings or a ``Lambda`` in the source's symbols
    ``V_0, V_1, ...``). Missing dimensions or maps raise an error listing the names."""
    maps = dict(maps or {})
    g = diagram.graph
    missing_dims = [v for v in g.vertex_names() if v not in dims]
    if missing_dims:
        raise LearningGraphError(f"no dimension for space(s) {', '.join(missing_dims)}")
    needed = [n for n, _, _, r in g.edges() if r in (DATA, FIXED)]
    missing = [n for n in needed if n not in maps]
    extra = [n for n in maps if n not in needed]
    if missing or extra:
        raise LearningGraphError(
            "symbolic realisation: " + "; ".join(
                part for part in (f"no map for data/fixed edge(s) {', '.join(missing)}"
                                  if missing else "",
                                  f"maps given for edge(s) that are not data/fixed: "
                                  f"{', '.join(extra)}" if extra else "") if part))
    R = SymbolicRealisation(g.to_graph(), dict(dims))
    for n, s, _, r in g.edges():
        if r == LEARNABLE:
            R.learnable(n, bias=bias)
            continue
        f = maps[n]
        if isinstance(f, str) or (isinstance(f, (list, tuple)) and any(
                isinstance(x, str) for x in f)):
            symbols = {str(x): x for x in R.symbols(s)}
            f = sympy.Matrix([sympy.sympify(x, locals=symbols) for x in
                              (f if isinstance(f, (list, tuple)) else [f])])
        (R.data if r == DATA else R.fixed)(n, f)
    return R


def pullback_realisation(R: SymbolicRealisation, h: DiagramMorphism) -> SymbolicRealisation:
    """The realisation ``R ∘ h`` of ``h.dom`` from a realisation ``R`` of ``h.codom``:
    spaces and data/fixed maps are those of the images; a learnable edge is affine with
    its own parameters (named after it), shaped like its image's."""
    _check_realises(h.codom, R)
    g = h.dom.graph
    dims = {v: R.dim(w) for v, w in h.space_map().items()}
    P = SymbolicRealisation(g.to_graph(), dims)
    edge_map = h.edge_map()
    for n, s, t, r in g.edges():
        image = edge_map[n]
        if r == LEARNABLE:
            has_bias = len(R.parameters[image]) > dims[s] * dims[t]
            P.learnable(n, bias=has_bias)
        else:
            m = R.map([image])
            subs = dict(zip(R.symbols(h.space_map()[s]), P.symbols(s), strict=True))
            out = m.outputs.xreplace(subs)
            (P.data if r == DATA else P.fixed)(n, out)
    return P


def loss_functor(diagram: LearningDiagram, realisation: SymbolicRealisation,
                 batch: Batch) -> CostObject:
    """``ℓ(D) = (Θ_D, L_D)``: the Cost object of a realised diagram on a batch."""
    _check_realises(diagram, realisation)
    return realisation.cost_object(equation_triples(diagram), _batch(batch),
                                   name=f"ℓ({', '.join(e.name for e in diagram.equations)})")


def loss_functor_on(h: DiagramMorphism, realisation: SymbolicRealisation,
                    batch: Batch) -> tuple[Reparametrisation, SymbolicRealisation]:
    """``ℓ(h): ℓ(D) -> ℓ(D')`` for ``h: D -> D'`` and a realisation of ``D'``; also returns
    the pulled-back realisation of ``D`` that ``ℓ(D)`` is computed with."""
    P = pullback_realisation(realisation, h)
    dom = loss_functor(h.dom, P, batch)
    cod = loss_functor(h.codom, realisation, batch)
    mapping: dict[str, str] = {}
    for e, image in h.edge_map().items():
        if e in P.parameters:
            for a, b in zip(P.parameters[e], realisation.parameters[image], strict=True):
                mapping[str(a)] = str(b)
    return Reparametrisation(dom, cod, mapping), P
