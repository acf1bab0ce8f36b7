"""Double-pushout rewriting of ACSets, as in AlgebraicRewriting.jl.

A :class:`Rule` is a span ``L <-l- K -r-> R`` with ``l`` monic: the parts of ``L`` outside
the image of ``l`` are deleted, the parts of ``R`` outside the image of ``r`` are added,
and ``K`` is kept. Applying it at a match ``m: L -> X`` takes two pushouts:

1. the **pushout complement** ``K -k-> D -g-> X`` of ``l`` and ``m``: ``D`` is ``X``
   without the deleted parts ``m(L \\ l(K))``, so that ``X`` is the pushout of
   ``L <-l- K -k-> D``. It exists exactly when the match satisfies

   - the *dangling* condition: no part of ``X`` that is kept has a hom (or a
     variable-valued attribute) into a deleted part, and
   - the *identification* condition: ``m`` identifies two parts of ``L`` only when both
     are kept (in the image of ``l``);

   :func:`pushout_complement_violations` lists each failure with the part it names;
2. the **pushout** of ``D <-k- K -r-> R``, whose apex is the result and whose legs are
   ``h: D -> result`` and the comatch ``R -> result``.

Costs: the pushout complement is O(|X| + |L|); the pushout is the engine's colimit; a
search for a match is homomorphism search ``L -> X`` (``monic=True`` by default).

>>> from catlearn.acsets.morphism import ACSetTransformation
>>> edge = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
>>> ends = ACSet.build(SchGraph, V=2)
>>> path = ACSet.build(SchGraph, V=3, E={"src": [0, 2], "tgt": [2, 1]})
>>> subdivide = Rule(ACSetTransformation(ends, edge, V=[0, 1]),
...                  ACSetTransformation(ends, path, V=[0, 1]))
>>> triangle = ACSet.build(SchGraph, V=3, E={"src": [0, 1, 2], "tgt": [1, 2, 0]})
>>> Y = rewrite(subdivide, triangle)
>>> Y.nparts("V"), Y.nparts("E")
(4, 4)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.colimits import pushout
from catlearn.acsets.homsearch import homomorphisms
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.subobject import Subobject
from catlearn.errors import (
    DANGLING,
    IDENTIFICATION,
    NO_MATCH,
    NO_PUSHOUT_COMPLEMENT,
    REWRITE_MATCH_CODOM,
    REWRITE_MATCH_DOM,
    REWRITE_NOT_MAPS,
    REWRITE_NOT_RULE,
    REWRITE_SCHEMA,
    RULE_NOT_MAP,
    RULE_NOT_MONIC,
    RULE_NOT_SPAN,
    RewriteError,
)

__all__ = ["Rule", "Violation", "RewriteMaps", "can_pushout_complement",
           "pushout_complement_violations", "pushout_complement", "rewrite", "rewrite_maps"]


class Rule:
    """A DPO rewrite rule ``L <-l- K -r-> R``; ``l`` must be monic.

    >>> from catlearn.acsets.morphism import ACSetTransformation, identity
    >>> V2 = ACSet.build(SchGraph, V=2)
    >>> Rule(ACSetTransformation(V2, ACSet.build(SchGraph, V=1), V=[0, 0]), identity(V2))
    Traceback (most recent call last):
    ...
    catlearn.errors.RewriteError: Rule: l must be monic (it deletes parts of L, it cannot ...
    """

    __slots__ = ("l", "r", "name")

    def __init__(self, l: ACSetTransformation, r: ACSetTransformation,
                 name: str | None = None) -> None:
        for side, f in (("l", l), ("r", r)):
            if not isinstance(f, ACSetTransformation):
                raise RewriteError(RULE_NOT_MAP.format(
                    side=side, got=type(f).__name__))
        if l.dom is not r.dom and l.dom != r.dom:
            raise RewriteError(RULE_NOT_SPAN.format(l=repr(l), r=repr(r)))
        if not l.is_monic():
            raise RewriteError(RULE_NOT_MONIC)
        self.l, self.r, self.name = l, r, name

    @property
    def L(self) -> ACSet:
        """The left-hand side (the pattern matched)."""
        return self.l.codom

    @property
    def K(self) -> ACSet:
        """The interface (what is kept)."""
        return self.l.dom

    @property
    def R(self) -> ACSet:
        """The right-hand side (what replaces the pattern)."""
        return self.r.codom

    def __repr__(self) -> str:
        label = f"{self.name!r}: " if self.name else ""
        return f"Rule({label}{self.L!r} <- {self.K!r} -> {self.R!r})"


class Violation(NamedTuple):
    """Why a match has no pushout complement: ``kind`` is ``"dangling"`` or
    ``"identification"``; ``ob`` and ``part`` name the part of ``X`` (dangling) or of ``L``
    (identification); ``detail`` says the rest."""

    kind: str
    ob: str
    part: int
    detail: str


class RewriteMaps(NamedTuple):
    """Everything a rewrite computes: the ``result``, the ``match`` ``L -> X``, the
    ``comatch`` ``R -> result``, and the span ``X <-g- D -h-> result`` with
    ``k: K -> D``."""

    result: ACSet
    match: ACSetTransformation
    comatch: ACSetTransformation
    k: ACSetTransformation
    g: ACSetTransformation
    h: ACSetTransformation


def _deleted(l: ACSetTransformation, m: ACSetTransformation
             ) -> dict[str, np.ndarray]:
    """Boolean masks of the parts (and variables) of ``X`` that the rule deletes."""
    X, L = m.codom, l.codom
    out: dict[str, np.ndarray] = {}
    for ob in X.schema.obs:
        gone = np.ones(L.nparts(ob), dtype=bool)
        gone[l.components[ob]] = False
        mask = np.zeros(X.nparts(ob), dtype=bool)
        mask[m.components[ob][gone]] = True
        out[ob] = mask
    for t in X.schema.attrtypes:
        kept = {v.val for v in l.var_components[t] if isinstance(v, AttrVar)}
        mask = np.zeros(X.nparts(t), dtype=bool)
        for k, w in enumerate(m.var_components[t]):
            if k not in kept and isinstance(w, AttrVar):
                mask[w.val] = True
        out[t] = mask
    return out


def _check_pair(l: ACSetTransformation, m: ACSetTransformation) -> None:
    if not isinstance(l, ACSetTransformation) or not isinstance(m, ACSetTransformation):
        raise RewriteError(REWRITE_NOT_MAPS.format(
            got=f"{type(l).__name__}, {type(m).__name__}"))
    if m.dom is not l.codom and m.dom != l.codom:
        raise RewriteError(REWRITE_MATCH_DOM.format(m=repr(m)))


def pushout_complement_violations(l: ACSetTransformation,
                                  m: ACSetTransformation) -> list[Violation]:
    """Every failure of the dangling and identification conditions for ``l: K -> L`` and
    the match ``m: L -> X`` (empty exactly when the pushout complement exists). O(|X|+|L|).

    >>> from catlearn.acsets.morphism import ACSetTransformation
    >>> X = ACSet.build(SchGraph, V=2, E={"src": [0], "tgt": [1]})
    >>> V1, empty = ACSet.build(SchGraph, V=1), ACSet.build(SchGraph)
    >>> pushout_complement_violations(ACSetTransformation(empty, V1),
    ...                               ACSetTransformation(V1, X, V=[1]))[0].kind
    'dangling'
    """
    _check_pair(l, m)
    X, L = m.codom, l.codom
    gone = _deleted(l, m)
    out: list[Violation] = []
    for f, x, y in X.schema.homs:
        col = X.subpart(f)
        rows = np.flatnonzero(~gone[x] & (col != UNSET))
        for p in rows[gone[y][col[rows]]].tolist():
            out.append(Violation("dangling", x, p, DANGLING.format(
                ob=x, part=p, hom=f, target=int(col[p]), codom=y)))
    for a, x, t in X.schema.attrs:
        for p, v in enumerate(X.subpart(a).tolist()):
            if isinstance(v, AttrVar) and gone[t][v.val] and not gone[x][p]:
                out.append(Violation("dangling", x, p, DANGLING.format(
                    ob=x, part=p, hom=a, target=v, codom=t)))
    for ob in X.schema.obs:
        kept = np.zeros(L.nparts(ob), dtype=bool)
        kept[l.components[ob]] = True
        images = m.components[ob]
        seen: dict[int, int] = {}
        for p, q in enumerate(images.tolist()):
            if q in seen and not (kept[p] and kept[seen[q]]):
                out.append(Violation("identification", ob, p, IDENTIFICATION.format(
                    ob=ob, a=seen[q], b=p, image=q)))
            seen.setdefault(q, p)
    return out


def can_pushout_complement(l: ACSetTransformation, m: ACSetTransformation) -> bool:
    """Whether ``l`` and the match ``m`` have a pushout complement (the dangling and
    identification conditions hold).

    >>> from catlearn.acsets.morphism import ACSetTransformation, identity
    >>> X = ACSet.build(SchGraph, V=1)
    >>> can_pushout_complement(identity(X), identity(X))
    True
    """
    return not pushout_complement_violations(l, m)


def pushout_complement(l: ACSetTransformation,
                       m: ACSetTransformation) -> tuple[ACSetTransformation,
                                                        ACSetTransformation]:
    """``(k: K -> D, g: D -> X)`` with ``X`` the pushout of ``L <-l- K -k-> D``; ``D`` is
    ``X`` without the deleted parts (in their order). Raises :class:`RewriteError` naming
    the violations when there is none.

    >>> from catlearn.acsets.morphism import ACSetTransformation
    >>> X = ACSet.build(SchGraph, V=3)
    >>> V1, empty = ACSet.build(SchGraph, V=1), ACSet.build(SchGraph)
    >>> k, g = pushout_complement(ACSetTransformation(empty, V1), ACSetTransformation(V1, X, V=[1]))
    >>> g["V"].tolist()
    [0, 2]
    """
    violations = pushout_complement_violations(l, m)
    if violations:
        raise RewriteError(NO_PUSHOUT_COMPLEMENT.format(
            n=len(violations), first="; ".join(v.detail for v in violations[:3])))
    X = m.codom
    gone = _deleted(l, m)
    sub = Subobject(X, **{k: np.flatnonzero(~mask) for k, mask in gone.items()})
    g = sub.hom
    lm = l >> m
    comps: dict[str, Any] = {}
    for ob in X.schema.obs:
        back = np.full(X.nparts(ob), UNSET, dtype=np.int64)
        back[g.components[ob]] = np.arange(g.components[ob].size)
        comps[ob] = back[lm.components[ob]]
    for t in X.schema.attrtypes:
        pos = {v.val: j for j, v in enumerate(g.var_components[t])}
        comps[t] = [AttrVar(pos[w.val]) if isinstance(w, AttrVar) else w
                    for w in lm.var_components[t]]
    return ACSetTransformation(l.dom, g.dom, **comps), g


def _find_match(rule: Rule, X: ACSet, monic: bool) -> ACSetTransformation:
    for m in homomorphisms(rule.L, X, monic=monic):
        if can_pushout_complement(rule.l, m):
            return m
    raise RewriteError(NO_MATCH.format(
        rule=rule.name or "the rule", X=repr(X), monic=monic))


def rewrite_maps(rule: Rule, X: ACSet, match: ACSetTransformation | None = None,
                 monic: bool = True) -> RewriteMaps:
    """Apply ``rule`` to ``X`` at ``match`` (found by homomorphism search, ``monic`` or
    not, when ``None``: the first match with a pushout complement) and return every map.

    >>> from catlearn.acsets.morphism import identity
    >>> X = ACSet.build(SchGraph, V=1)
    >>> rewrite_maps(Rule(identity(X), identity(X)), X).result.nparts("V")
    1
    """
    if not isinstance(rule, Rule):
        raise RewriteError(REWRITE_NOT_RULE.format(got=type(rule).__name__))
    if not isinstance(X, ACSet) or X.schema != rule.L.schema:
        raise RewriteError(REWRITE_SCHEMA.format(
            got=getattr(X, "name", type(X).__name__), schema=rule.L.name))
    m = _find_match(rule, X, monic) if match is None else match
    if m.codom is not X and m.codom != X:
        raise RewriteError(REWRITE_MATCH_CODOM.format(m=repr(m)))
    k, g = pushout_complement(rule.l, m)
    po = pushout(k, rule.r)
    h, comatch = po.legs
    return RewriteMaps(po.apex, m, comatch, k, g, h)


def rewrite(rule: Rule, X: ACSet, match: ACSetTransformation | None = None,
            monic: bool = True) -> ACSet:
    """The result of applying ``rule`` to ``X`` (see :func:`rewrite_maps`).

    >>> from catlearn.acsets.morphism import ACSetTransformation
    >>> V1, empty = ACSet.build(SchGraph, V=1), ACSet.build(SchGraph)
    >>> delete_vertex = Rule(ACSetTransformation(empty, V1), ACSetTransformation(empty, empty))
    >>> rewrite(delete_vertex, ACSet.build(SchGraph, V=2)).nparts("V")
    1
    """
    return rewrite_maps(rule, X, match, monic).result
