"""Independent references for the colimit and limit tests (plain Python, part by part).

Nothing here calls the code under test except to read ACSets: naturality is re-checked
by hand (attribute values compared with ``isequal``), and colimits over schemas with
path equations are recomputed by a deliberately simple union–find followed by closure
under the homs and the equations, iterated to a fixpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any

from hypothesis import strategies as st

from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.diagram import FinDiagram
from catlearn.acsets.homsearch import homomorphisms
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.schema import PathEquation, Schema, SchReflexiveGraph, SchSymmetricGraph
from catlearn.acsets.values import isequal

#: A 3-object schema with one equation ``f ⋅ g = h``.
SchCommTriangle = Schema(
    "SchCommTriangle", obs=("A", "B", "C"),
    homs=(("f", "A", "B"), ("g", "B", "C"), ("h", "A", "C")),
    equations=(PathEquation("A", "C", ("f", "g"), ("h",), "fg_h"),))

EQUATIONAL = (SchReflexiveGraph, SchSymmetricGraph, SchCommTriangle)


# ====================================================================== naturality
def check_natural(m: ACSetTransformation) -> None:
    """Assert that ``m`` is a morphism, part by part (homs commute where the domain's is
    set; attribute values preserved up to ``isequal``; variables sent in range)."""
    X, Y, S = m.dom, m.codom, m.dom.schema
    for c in S.obs:
        comp = m.components[c].tolist()
        assert len(comp) == X.nparts(c)
        assert all(0 <= y < Y.nparts(c) for y in comp), (c, comp)
    for f, c, d in S.homs:
        for x in range(X.nparts(c)):
            fx = X.subpart(x, f)
            if fx >= 0:
                assert int(m.components[d][fx]) == Y.subpart(int(m.components[c][x]), f), \
                    (f, x)
    for t in S.attrtypes:
        assert len(m.var_components[t]) == X.nparts(t)
        for w in m.var_components[t]:
            assert not isinstance(w, AttrVar) or w.val < Y.nparts(t)
    for a, c, t in S.attrs:
        for x in range(X.nparts(c)):
            v = X.subpart(x, a)
            if v is None:
                continue
            expected = m.var_components[t][v.val] if isinstance(v, AttrVar) else v
            got = Y.subpart(int(m.components[c][x]), a)
            assert isequal(expected, got), (a, x, expected, got)


def _image(v: Any, comp: tuple[Any, ...]) -> Any:
    return comp[v.val] if isinstance(v, AttrVar) else v


def check_cocone(D: FinDiagram, legs: Mapping[str, ACSetTransformation]) -> None:
    """Assert every leg natural and ``arrow ⋅ leg_tgt = leg_src`` for every arrow."""
    for leg in legs.values():
        check_natural(leg)
    for arr in D.arrows.values():
        li, lj = legs[arr.src], legs[arr.tgt]
        for c in D.schema.obs:
            assert li.components[c].tolist() == [
                int(lj.components[c][y]) for y in arr.map.components[c].tolist()]
        for t in D.schema.attrtypes:
            for k, w in enumerate(arr.map.var_components[t]):
                assert isequal(li.var_components[t][k], _image(w, lj.var_components[t]))


def check_cone(D: FinDiagram, legs: Mapping[str, ACSetTransformation]) -> None:
    """Assert every leg natural and ``leg_src ⋅ arrow = leg_tgt`` for every arrow."""
    for leg in legs.values():
        check_natural(leg)
    for arr in D.arrows.values():
        li, lj = legs[arr.src], legs[arr.tgt]
        for c in D.schema.obs:
            assert lj.components[c].tolist() == [
                int(arr.map.components[c][y]) for y in li.components[c].tolist()]


# ====================================================================== reference colimit
class _UF:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def add(self, x: Any) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: Any) -> Any:
        while self.parent[x] != x:
            x = self.parent[x]
        return x

    def union(self, x: Any, y: Any) -> bool:
        a, b = self.find(x), self.find(y)
        if a == b:
            return False
        self.parent[a] = b
        return True


# C901: one check per case; splitting it would scatter one rule
def reference_colimit(D: FinDiagram) -> tuple[dict[str, _UF], dict[str, dict[Any, Any]]]:  # noqa: C901
    """The colimit of ``D`` among instances satisfying the schema's equations, with
    partial homs: union–find on tagged parts ``(object, name, part)``, closed under the
    homs and the equations until nothing changes. Returns the union–finds and, per hom,
    the class-level value (a root, or ``None`` where no member sets it) of each root."""
    S = D.schema
    uf = {c: _UF() for c in S.obs}
    for c in S.obs:
        for n, X in D.objects.items():
            for p in range(X.nparts(c)):
                uf[c].add((n, p))
    for arr in D.arrows.values():
        for c in S.obs:
            for p, q in enumerate(arr.map.components[c].tolist()):
                uf[c].union((arr.src, p), (arr.tgt, q))

    def hom_of(f: str, root: Any) -> Any:
        c, d = S.dom(f), S.codom(f)
        for n, p in uf[c].parent:
            if uf[c].find((n, p)) == root:
                v = D.objects[n].subpart(p, f)
                if v >= 0:
                    return uf[d].find((n, v))
        return None

    changed = True
    while changed:
        changed = False
        for f, c, d in S.homs:
            for n, p in list(uf[c].parent):
                v = D.objects[n].subpart(p, f)
                mine = hom_of(f, uf[c].find((n, p)))
                if v >= 0 and mine is not None:
                    changed |= uf[d].union((n, v), mine)
        for eq in S.equations:
            for x in list(uf[eq.dom].parent):
                ends = []
                for path in (eq.lhs, eq.rhs):
                    cur = uf[eq.dom].find(x)
                    for h in path:
                        cur = hom_of(h, cur) if cur is not None else None
                    ends.append(cur)
                if ends[0] is not None and ends[1] is not None:
                    changed |= uf[eq.codom].union(ends[0], ends[1])
    homs = {f: {r: hom_of(f, r) for r in {uf[c].find(x) for x in uf[c].parent}}
            for f, c, _ in S.homs}
    return uf, homs


def assert_matches_reference(D: FinDiagram, apex: ACSet,
                             legs: Mapping[str, ACSetTransformation]) -> None:
    """Assert the legs identify exactly the reference's classes, hit every apex part,
    and that the apex's homs are the reference's class-level homs."""
    uf, homs = reference_colimit(D)
    S = D.schema
    to_apex: dict[str, dict[Any, int]] = {}
    for c in S.obs:
        seen: dict[Any, int] = {}
        for n, p in uf[c].parent:
            r, a = uf[c].find((n, p)), int(legs[n].components[c][p])
            assert seen.setdefault(r, a) == a, (c, n, p)
        assert len(set(seen.values())) == len(seen) == apex.nparts(c), (c, seen)
        to_apex[c] = seen
    for f, c, d in S.homs:
        for r, v in homs[f].items():
            want = -1 if v is None else to_apex[d][v]
            assert apex.subpart(to_apex[c][r], f) == want, (f, r)
    apex.validate()


# ====================================================================== strategies
def _eval(cols: dict[str, list[int]], path: tuple[str, ...], x: int) -> int:
    for h in path:
        if x < 0:
            return -1
        x = cols[h][x]
    return x


@st.composite
def partial_instances(draw: st.DrawFn, schema: Schema, max_parts: int = 3,
                      counts: Mapping[str, int] | None = None) -> ACSet:
    """Random instances of ``schema`` with partly unset homs that satisfy its equations
    wherever both sides are defined (random columns, then violations repaired by
    unsetting a hom the violated side goes through; unsetting never breaks another).
    With ``counts`` given, half of the draws set no hom at all (gluing shapes)."""
    n = {c: draw(st.integers(2, max_parts)) if counts is None else counts[c]
         for c in schema.obs}
    unset = draw(st.sampled_from([True, True, False])) if counts is not None else False
    cols = {f: [draw(st.sampled_from([-1, *range(n[d]), *range(n[d])]))
                if n[d] and not unset else -1 for _ in range(n[c])]
            for f, c, d in schema.homs}
    if schema is SchSymmetricGraph and n["E"] and not unset and draw(st.booleans()):
        perm = draw(st.permutations(range(n["E"])))
        inv = [-1] * n["E"]
        for a, b in zip(perm[::2], perm[1::2], strict=False):
            inv[a], inv[b] = b, a
        cols["inv"] = inv
    _repair(draw, schema, cols, n)
    X = ACSet(schema)
    for c in schema.obs:
        X.add_parts(c, n[c])
    for f in schema.hom_names():
        for x, v in enumerate(cols[f]):
            if v >= 0:
                X.set_subpart(x, f, v)
    return X


def _repair(draw: st.DrawFn, schema: Schema, cols: dict[str, list[int]],
            n: Mapping[str, int]) -> None:
    bad = True
    while bad:
        bad = False
        for eq in schema.equations:
            for x in range(n[eq.dom]):
                lhs, rhs = _eval(cols, eq.lhs, x), _eval(cols, eq.rhs, x)
                if lhs < 0 or rhs < 0 or lhs == rhs:
                    continue
                bad = True
                side = draw(st.sampled_from([s for s in (eq.lhs, eq.rhs) if s]))
                # mostly the last step: keeps refl, inv, f and leaves their ends unset
                k = draw(st.sampled_from([len(side) - 1] * 3 + list(range(len(side)))))
                at = _eval(cols, side[:k], x)
                cols[side[k]][at] = -1


@st.composite
def morphisms_between(draw: st.DrawFn, X: ACSet, Y: ACSet) -> ACSetTransformation | None:
    """A random morphism ``X -> Y``, or None: any map of parts when ``X`` sets no hom
    (drawn directly), else one found by homomorphism search."""
    S = X.schema
    if not S.attrs and all((X.subpart(f) < 0).all() for f in S.hom_names()):
        if any(X.nparts(c) and not Y.nparts(c) for c in S.obs):
            return None
        comps = {c: [draw(st.integers(0, Y.nparts(c) - 1)) for _ in range(X.nparts(c))]
                 for c in S.obs}
        return ACSetTransformation(X, Y, **comps)
    found = list(islice(homomorphisms(X, Y), 20))
    return draw(st.sampled_from(found)) if found else None


@st.composite
def equational_diagrams(draw: st.DrawFn, schema: Schema) -> FinDiagram:
    """Random diagrams of partial instances: one or two objects ``X0, X1``, a gluing
    object ``S`` (parts bounded by theirs, often no hom set) with arrows ``S -> X0`` and
    ``S -> X0 or X1`` (coequalizer and pushout shapes), and 0-2 more arrows between any
    objects (loops, parallel arrows and cycles; dropped when no map exists)."""
    objs = {f"X{k}": draw(partial_instances(schema, 4)) for k in range(draw(st.integers(1, 2)))}
    bound = {c: min(X.nparts(c) for X in objs.values()) for c in schema.obs}
    counts = {c: draw(st.integers(min(bound[c], 1), min(bound[c], 3))) for c in schema.obs}
    objs["S"] = draw(partial_instances(schema, counts=counts))
    names = sorted(objs)
    shape = [("S", "X0"), ("S", draw(st.sampled_from([n for n in names if n != "S"])))]
    shape += [(draw(st.sampled_from(names)), draw(st.sampled_from(names)))
              for _ in range(draw(st.integers(0, 2)))]
    arrows: dict[str, tuple[str, str, ACSetTransformation]] = {}
    for k, (src, tgt) in enumerate(shape):
        m = draw(morphisms_between(objs[src], objs[tgt]))
        if m is not None:
            arrows[f"a{k}"] = (src, tgt, m)
    return FinDiagram(objs, arrows)
