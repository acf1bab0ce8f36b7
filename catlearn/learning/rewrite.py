"""Rewriting learning diagrams by double pushouts: change a regime, keep what was learned.

A :class:`LearningRule` is a DPO rule ``L <- K -> R`` of learning graphs (an
:class:`~catlearn.acsets.Rule` of :data:`SchLearningGraph`) with an ``init`` map: which
new edges of ``R`` start from the parameters of which edges of ``L``. :func:`edge_rule`
writes one from rows ``(edge, src, tgt, role)``:

* a space whose name starts with ``?`` is a *pattern variable* (it matches any space);
  other spaces are matched by name (in ``L``) or created with that name (in ``R``);
* an edge's name is matched exactly (a name starting with ``?`` matches any edge); an
  edge's role ``None`` on the left matches any role, ``None`` on the right means "the
  role of the left edge of the same name" and ``RoleOf("f")`` the role of left edge ``f``;
* what is on both sides is kept (``K``): spaces with the same name, edges with the same
  name, ends and role (``None`` on the right); an edge on both sides with other ends or
  another role is deleted and re-created, and starts from its old parameters (it is put
  in ``init``): ``edge_rule([("c", "?X", "?Y", "learnable")], [("c", "?X", "?Y",
  "fixed")])`` freezes ``c``.

:func:`rewrite_diagram` (and :meth:`LearningDiagram.rewrite`) applies a rule at a match
(found by homomorphism search, monic on spaces and edges, when none is given), rebuilds
the equations with the diagram's path-finding options, and returns a
:class:`DiagramRewrite`: the new diagram, the :class:`~catlearn.acsets.RewriteMaps`, and
``kept`` (old edge -> new edge, the edges that survive) and ``init`` (new edge -> the old
edge whose parameters it starts from: the kept edges and the rule's ``init``), which
``catlearn_torch.transfer_rewrite`` follows to move parameters. Equations of the result
with the same name as an old one (the same paths) keep its weight, comparator and
gradient side; per-space comparators are kept for the spaces that remain.

The shipped rules: :func:`insert_adapter`, :func:`split_model`, :func:`attach_teacher`.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> rw = rewrite_diagram(LearningDiagram.from_graph(g), split_model("c", space="F"))
>>> [eq.name for eq in rw.diagram.equations], rw.deleted, rw.added
(['x ⋅ e ⋅ h = y'], ('c',), ('e', 'h'))

Costs: the match search is homomorphism search ``L -> graph`` (small patterns: fast);
the rewrite is linear in the graph; the equations cost what path finding costs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from catlearn.acsets import ACSet, ACSetTransformation, AttrVar, homomorphisms
from catlearn.acsets.rewriting import (
    RewriteMaps,
    Rule,
    Violation,
    pushout_complement_violations,
    rewrite_maps,
)
from catlearn.errors import (
    LRULE_CLASH,
    LRULE_DANGLING,
    LRULE_INIT,
    LRULE_MATCH,
    LRULE_NO_EDGE,
    LRULE_NO_MATCH,
    LRULE_NO_SPACE,
    LRULE_NOT_DIAGRAM,
    LRULE_NOT_RULE,
    LRULE_OPTION,
    LRULE_POLICY,
    LRULE_RESULT,
    LRULE_ROLE_OF,
    LRULE_ROW,
    LRULE_TWICE,
    DiagramRewriteError,
    LearningGraphError,
)
from catlearn.learning.diagram import LearningDiagram
from catlearn.learning.graph import FIXED, LEARNABLE, ROLES, LearningGraph, SchLearningGraph

__all__ = ["RoleOf", "LearningRule", "DiagramRewrite", "edge_rule", "rewrite_diagram",
           "insert_adapter", "split_model", "attach_teacher", "OPTIONS"]

#: The path-finding options a rewrite re-derives equations with.
OPTIONS = ("policy", "max_length", "simple", "max_paths", "max_equations")
_TYPES = {"Name": str, "Role": str}
_MONIC = ("V", "E")


class RoleOf(NamedTuple):
    """In the right-hand side of :func:`edge_rule`: the role of the left edge ``edge``.

    >>> RoleOf("f")
    RoleOf(edge='f')
    """

    edge: str


class LearningRule(NamedTuple):
    """A DPO rule of learning graphs with ``init``: new edge of ``R`` (index) -> edge of
    ``L`` (index) whose parameters it starts from; ``name`` is used in messages.

    >>> attach_teacher("c").name
    'attach_teacher(c, teacher=t)'
    """

    rule: Rule
    init: Mapping[int, int]
    name: str


class DiagramRewrite(NamedTuple):
    """The result of rewriting a diagram: the new ``diagram``, the ACSet-level ``maps``,
    ``kept`` (old edge -> new edge, every edge that survives), ``added`` and ``deleted``
    edge names, and ``init`` (new edge -> old edge whose parameters it starts from).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> rw = LearningDiagram.from_graph(g).rewrite(insert_adapter("c", adapter="a"))
    >>> rw.kept, rw.init["c"], rw.diagram.graph.ends("c")
    ({'x': 'x', 'y': 'y'}, 'c', ('X', 'c_out'))
    """

    diagram: LearningDiagram
    maps: RewriteMaps
    kept: dict[str, str]
    added: tuple[str, ...]
    deleted: tuple[str, ...]
    init: dict[str, str]


# ---------------------------------------------------------------- building rules
def _rows(rule: str, side: str, rows: Sequence[Any]) -> list[tuple[str, str, str, Any]]:
    out = []
    for row in rows:
        ok = (isinstance(row, (tuple, list)) and len(row) == 4
              and all(isinstance(x, str) and x for x in row[:3])
              and (row[3] is None or row[3] in ROLES
                   or (side == "rhs" and isinstance(row[3], RoleOf))))
        if not ok:
            raise DiagramRewriteError(LRULE_ROW.format(
                rule=rule, side=side, row=row, roles=", ".join(ROLES),
                extra=" or RoleOf(edge)" if side == "rhs" else ""))
        out.append((row[0], row[1], row[2], row[3]))
    return out


def _spaces(rows: Sequence[tuple[str, str, str, Any]], extra: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*extra, *(v for r in rows for v in r[1:3])]))


class _Vars:
    """The attribute variables of a rule: one per ``?`` name and per ``None`` role of L."""

    def __init__(self, spaces: list[str], edges: list[tuple[str, str, str, Any]]) -> None:
        names = [s for s in spaces if s.startswith("?")]
        names += [e for e, *_ in edges if e.startswith("?")]
        self.name = {n: AttrVar(i) for i, n in enumerate(dict.fromkeys(names))}
        self.role = {e: AttrVar(i) for i, (e, *_, r) in
                     enumerate(x for x in edges if x[3] is None)}

    def label(self, n: str) -> Any:
        return self.name.get(n, n)

    def arrays(self) -> dict[str, list[AttrVar]]:
        return {"Name": list(self.name.values()), "Role": list(self.role.values())}


def _acset(spaces: list[str], edges: list[tuple[str, str, str, Any]], var: _Vars) -> ACSet:
    idx = {v: i for i, v in enumerate(spaces)}
    return ACSet.build(SchLearningGraph, types=_TYPES,
                       V={"vlabel": [var.label(v) for v in spaces]},
                       E={"src": [idx[s] for _, s, _, _ in edges],
                          "tgt": [idx[t] for _, _, t, _ in edges],
                          "elabel": [var.label(e) for e, *_ in edges],
                          "role": [var.role[e] if r is None else r
                                   for e, *_, r in edges]},
                       Name=len(var.name), Role=len(var.role))


def _leg(K: ACSet, X: ACSet, ks: list[str], xs: list[str], ke: list[str], xe: list[str],
         var: _Vars) -> ACSetTransformation:
    return ACSetTransformation(K, X, V=[xs.index(v) for v in ks],
                               E=[xe.index(e) for e in ke], **var.arrays())


def _right_role(name: str, e: str, role: Any, left: dict[str, Any], var: _Vars) -> Any:
    if isinstance(role, RoleOf) or role is None:
        ref = e if role is None else role.edge
        if ref not in left:
            raise DiagramRewriteError(LRULE_ROLE_OF.format(
                rule=name, edge=ref, known=", ".join(left) or "none"))
        return var.role.get(ref, left[ref])
    return role


def edge_rule(lhs: Sequence[Any], rhs: Sequence[Any], *, name: str = "edge_rule",
              init: Mapping[str, str] | None = None, lhs_spaces: Sequence[str] = (),
              rhs_spaces: Sequence[str] = ()) -> LearningRule:
    """A :class:`LearningRule` from edge rows ``(edge, src, tgt, role)`` of both sides
    (see the module docstring); ``init`` maps new edges of ``rhs`` to edges of ``lhs``
    whose parameters they start from; ``lhs_spaces``/``rhs_spaces`` add isolated spaces.

    >>> r = edge_rule([("f", "?X", "?Y", None)], [("f", "?X", "?Y", None),
    ...               ("g", "?X", "?Y", RoleOf("f"))], init={"g": "f"})
    >>> r.rule.L.nparts("E"), r.rule.K.nparts("E"), r.rule.R.nparts("E"), dict(r.init)
    (1, 1, 2, {1: 0})
    """
    left, right = _rows(name, "lhs", lhs), _rows(name, "rhs", rhs)
    for side, rows in (("lhs", left), ("rhs", right)):
        twice = sorted(n for n, k in Counter(e for e, *_ in rows).items() if k > 1)
        if twice:
            raise DiagramRewriteError(LRULE_TWICE.format(
                rule=name, side=side, names=", ".join(twice)))
    ls, rs = _spaces(left, lhs_spaces), _spaces(right, rhs_spaces)
    var = _Vars(ls, left)
    for v in rs:
        if v.startswith("?") and v not in ls:
            raise DiagramRewriteError(LRULE_ROW.format(
                rule=name, side="rhs", row=v, roles=", ".join(ROLES),
                extra=f"; a new space needs a name ({v!r} is a pattern variable)"))
    lrole = {e: r for e, _, _, r in left}
    lends = {e: (s, t) for e, s, t, _ in left}
    ks = [v for v in ls if v in rs]
    kept = [r for r in left if any(e == r[0] and (s, t) == (r[1], r[2])
                                   and role in (None, r[3]) for e, s, t, role in right)]
    ke = [e for e, *_ in kept]
    rows_r = []
    for e, s, t, role in right:
        if e.startswith("?") and e not in lends:
            raise DiagramRewriteError(LRULE_ROW.format(
                rule=name, side="rhs", row=(e, s, t, role), roles=", ".join(ROLES),
                extra=f"; a new edge needs a name ({e!r} is a pattern variable)"))
        rows_r.append((e, s, t, _right_role(name, e, role, lrole, var)))
    L, K, R = (_acset(ls, left, var), _acset(ks, kept, var), _acset(rs, rows_r, var))
    le, re_ = [e for e, *_ in left], [e for e, *_ in right]
    rule = Rule(_leg(K, L, ks, ls, ke, le, var), _leg(K, R, ks, rs, ke, re_, var), name)
    starts = {re_.index(e): le.index(e) for e in le if e in re_ and e not in ke}
    for new, old in (init or {}).items():
        why = ("it is not a new edge of the right-hand side" if new not in re_ or new in ke
               else "it is not an edge of the left-hand side" if old not in le else None)
        if why:
            raise DiagramRewriteError(LRULE_INIT.format(
                rule=name, new=new, old=old, why=why))
        starts[re_.index(new)] = le.index(old)
    return LearningRule(rule, starts, name)


# ---------------------------------------------------------------- the shipped rules
def insert_adapter(model: str, adapter: str = "a", *, space: str | None = None,
                   role: str = LEARNABLE) -> LearningRule:
    """Insert an adapter after a model: ``f: X -> Y`` becomes ``f: X -> Y'`` then
    ``a: Y' -> Y`` (``Y'`` is ``space``, default ``"<f>_out"``, a copy of ``Y``), so
    ``f ⋅ a`` takes the place of ``f``; ``f`` keeps its role and starts from its old
    parameters, the adapter (``role``, learnable by default) is new. Any role of ``f``
    matches: a frozen backbone gets a learnable adapter.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").fixed("f", "X", "Y")
    >>> rw = LearningDiagram.from_graph(g).rewrite(insert_adapter("f"))
    >>> [eq.name for eq in rw.diagram.equations]
    ['x ⋅ f ⋅ a = y']
    """
    mid = space if space is not None else f"{model}_out"
    return edge_rule([(model, "?X", "?Y", None)],
                     [(model, "?X", mid, None), (adapter, mid, "?Y", role)],
                     name=f"insert_adapter({model}, adapter={adapter})")


def split_model(model: str, encoder: str = "e", head: str = "h", *, space: str = "F"
                ) -> LearningRule:
    """Split a model into an encoder and a head: ``f: X -> Y`` becomes ``e: X -> F``
    and ``h: F -> Y`` (both with ``f``'s role; new parameters, since ``f`` is gone).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("f", "X", "Y")
    >>> LearningDiagram.from_graph(g).rewrite(split_model("f")).diagram.graph.ends("h")
    ('F', 'Y')
    """
    return edge_rule([(model, "?X", "?Y", None)],
                     [(encoder, "?X", space, RoleOf(model)), (head, space, "?Y",
                                                               RoleOf(model))],
                     name=f"split_model({model}, encoder={encoder}, head={head})")


def attach_teacher(model: str, teacher: str = "t") -> LearningRule:
    """Attach a frozen teacher to a learnable classifier ``c: X -> Y``: add a fixed edge
    ``t: X -> Y`` parallel to it that starts from ``c``'s parameters; ``c`` stays, as the
    student. Re-derived with ``all_pairs``, the square ``x ⋅ c = y`` becomes knowledge
    distillation (``x ⋅ c = x ⋅ t`` and ``x ⋅ c = y``).

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> rw = LearningDiagram.from_graph(g).rewrite(attach_teacher("c"))
    >>> rw.diagram.graph.role("t"), rw.init["t"]
    ('fixed', 'c')
    """
    return edge_rule([(model, "?X", "?Y", LEARNABLE)],
                     [(model, "?X", "?Y", LEARNABLE), (teacher, "?X", "?Y", FIXED)],
                     name=f"attach_teacher({model}, teacher={teacher})",
                     init={teacher: model})


# ---------------------------------------------------------------- applying rules
def _as_rule(rule: Any) -> LearningRule:
    if isinstance(rule, LearningRule):
        return rule
    if isinstance(rule, Rule) and rule.L.schema == SchLearningGraph:
        return LearningRule(rule, {}, rule.name or "Rule")
    raise DiagramRewriteError(LRULE_NOT_RULE.format(got=type(rule).__name__))


def _edge_text(X: ACSet, e: int) -> str:
    lab, s, t = (X.subpart(e, a) for a in ("elabel", "src", "tgt"))
    role = X.subpart(e, "role")
    ends = [X.subpart(int(v), "vlabel") if int(v) >= 0 else "?" for v in (s, t)]
    return f"{lab}: {ends[0]} -> {ends[1]} ({role})"


def _explain(v: Violation, X: ACSet, m: ACSetTransformation) -> str:
    if v.kind == "dangling" and v.ob == "E":
        return (f"it deletes a space that edge {_edge_text(X, v.part)} still uses; the "
                "rule must delete that edge too, or keep the space")
    if v.kind == "dangling":
        return f"it deletes a part that space {X.subpart(v.part, 'vlabel')!r} still uses"
    image = int(m.components[v.ob][v.part])
    what = (f"space {X.subpart(image, 'vlabel')!r}" if v.ob == "V"
            else f"edge {X.subpart(image, 'elabel')!r}")
    return f"the match sends two parts of the pattern, not both kept, to {what}"


def _match(lr: LearningRule, X: ACSet, monic: Any) -> ACSetTransformation:
    L = lr.rule.L
    known = X.subpart("elabel").tolist()
    for e in L.subpart("elabel").tolist():
        if isinstance(e, str) and e not in known:
            raise DiagramRewriteError(LRULE_NO_EDGE.format(
                rule=lr.name, edge=e, known=", ".join(known) or "none"))
    spaces = X.subpart("vlabel").tolist()
    for v in L.subpart("vlabel").tolist():
        if isinstance(v, str) and v not in spaces:
            raise DiagramRewriteError(LRULE_NO_SPACE.format(
                rule=lr.name, space=v, known=", ".join(spaces) or "none"))
    first: tuple[Violation, ACSetTransformation] | None = None
    for m in homomorphisms(L, X, monic=monic):
        bad = pushout_complement_violations(lr.rule.l, m)
        if not bad:
            return m
        first = first or (bad[0], m)
    if first is not None:
        raise DiagramRewriteError(LRULE_DANGLING.format(
            rule=lr.name, why=_explain(first[0], X, first[1])))
    want = "; ".join(_edge_text(L, e) for e in range(L.nparts("E"))) or "its spaces"
    have = "; ".join(_edge_text(X, e) for e in range(X.nparts("E"))) or "no edges"
    raise DiagramRewriteError(LRULE_NO_MATCH.format(
        rule=lr.name, want=want, have=have))


def _to_graph(lr: LearningRule, Y: ACSet, maps: RewriteMaps) -> LearningGraph:
    for kind, attr, ob in (("space", "vlabel", "V"), ("edge", "elabel", "E")):
        labels = Y.subpart(attr).tolist()
        old = set(maps.h.components[ob].tolist())
        counts = Counter(labels)
        for p, n in enumerate(labels):
            if counts[n] > 1 and p not in old:
                raise DiagramRewriteError(LRULE_CLASH.format(
                    rule=lr.name, kind=kind, name=n))
    for a in ("vlabel", "elabel", "role"):
        if any(isinstance(v, AttrVar) for v in Y.subpart(a).tolist()):
            raise DiagramRewriteError(LRULE_RESULT.format(
                rule=lr.name, why=f"some {a} is left a variable (the rule's right-hand "
                                  "side must name its new spaces, edges and roles)"))
    names = Y.subpart("vlabel").tolist()
    rows = [(str(n), names[int(s)], names[int(t)], str(r)) for n, s, t, r in
            zip(*(Y.subpart(a).tolist() for a in ("elabel", "src", "tgt", "role")),
                strict=True)]
    try:
        return LearningGraph.from_edges(rows, spaces=names)
    except LearningGraphError as err:
        raise DiagramRewriteError(LRULE_RESULT.format(rule=lr.name, why=err)
                                  ) from None


def _options(diagram: LearningDiagram, options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise DiagramRewriteError(LRULE_OPTION.format(
            names=", ".join(unknown), known=", ".join(OPTIONS)))
    if diagram.derivation is None and "policy" not in options:
        raise DiagramRewriteError(LRULE_POLICY)
    return {**(diagram.derivation or {}), **options}


def _rebuild(diagram: LearningDiagram, graph: LearningGraph, opts: dict[str, Any]
             ) -> LearningDiagram:
    fresh = LearningDiagram.from_graph(graph, **opts)
    old = {e.name: e for e in diagram.equations}
    eqs = [e.with_(weight=old[e.name].weight, comparator=old[e.name].comparator,
                   grad=old[e.name].grad) if e.name in old else e for e in fresh.equations]
    comps = {s: c for s, c in diagram.comparators.items() if graph.has_space(s)}
    out = LearningDiagram(graph, eqs, comparators=comps)
    out.derivation = fresh.derivation
    return out


def rewrite_diagram(diagram: LearningDiagram, rule: LearningRule | Rule,
                    match: ACSetTransformation | None = None, *, monic: Any = _MONIC,
                    **options: Any) -> DiagramRewrite:
    """Apply ``rule`` to the diagram's learning graph at ``match`` (``L -> graph``; found
    by homomorphism search, ``monic`` on spaces and edges by default, when ``None``) and
    re-derive the equations with the diagram's path-finding options (``options``, any of
    :data:`OPTIONS`, override them; a diagram with explicit equations needs ``policy=``).
    Errors (:class:`~catlearn.errors.DiagramRewriteError`) name the missing edge, the
    dangling edge or the clashing name, before anything is built.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> rewrite_diagram(LearningDiagram.from_graph(g), attach_teacher("s"))
    Traceback (most recent call last):
    ...
    catlearn.errors.DiagramRewriteError: rewrite: rule attach_teacher(s, teacher=t) needs ...
    """
    if not isinstance(diagram, LearningDiagram):
        raise DiagramRewriteError(LRULE_NOT_DIAGRAM.format(
            got=type(diagram).__name__))
    lr = _as_rule(rule)
    if match is not None and not isinstance(match, ACSetTransformation):
        raise DiagramRewriteError(LRULE_MATCH.format(
            rule=lr.name, got=type(match).__name__))
    opts = _options(diagram, options)
    X = diagram.graph
    m = _match(lr, X, monic) if match is None else match
    if isinstance(match, ACSetTransformation) and match.dom == lr.rule.L \
            and match.codom == X:
        bad = pushout_complement_violations(lr.rule.l, match)
        if bad:
            raise DiagramRewriteError(LRULE_DANGLING.format(
                rule=lr.name, why=_explain(bad[0], X, match)))
    maps = rewrite_maps(lr.rule, X, m)
    graph = _to_graph(lr, maps.result, maps)
    old, new = X.subpart("elabel").tolist(), maps.result.subpart("elabel").tolist()
    kept = {old[int(a)]: new[int(b)] for a, b in zip(maps.g.components["E"].tolist(),
                                                      maps.h.components["E"].tolist(),
                                                      strict=True)}
    image = set(maps.h.components["E"].tolist())
    init = {b: a for a, b in kept.items()}
    for r_edge, l_edge in lr.init.items():
        init[new[int(maps.comatch.components["E"][r_edge])]] = \
            old[int(maps.match.components["E"][l_edge])]
    return DiagramRewrite(
        _rebuild(diagram, graph, opts), maps, kept,
        tuple(n for p, n in enumerate(new) if p not in image),
        tuple(n for n in old if n not in kept), init)
