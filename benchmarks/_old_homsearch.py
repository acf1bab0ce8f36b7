"""The previous homomorphism search (Python backtracking), kept verbatim as a reference.

Not part of the library: ``benchmarks/homsearch_bench.py`` measures the join-based search
of :mod:`catlearn.acsets.homsearch` against it, and ``tests/acsets/test_homsearch.py``
uses it as a second, independent implementation on graphs too large for brute force.
Its attribute rule is the old one (same type and ``==``), so compare on graphs only.

Its original documentation follows.

Homomorphism search: every morphism ``X -> Y`` of ACSets, each exactly once.

``homomorphisms(X, Y)`` enumerates the ACSet morphisms ``X -> Y`` — the families of
functions that are natural on every hom and preserve every attribute, i.e. exactly the
valid :class:`~catlearn.acsets.morphism.ACSetTransformation` objects — lazily and in a
deterministic order. Here: the edge maps into the directed triangle in three ways, the
triangle into itself in three (its rotations), and into the edge in none.

>>> from catlearn.acsets.acset import ACSet
>>> from catlearn.acsets.schema import SchGraph
>>> edge = ACSet(SchGraph); _ = edge.add_parts("V", 2); _ = edge.add_part("E", src=0, tgt=1)
>>> tri = ACSet(SchGraph); _ = tri.add_parts("V", 3)
>>> _ = tri.add_parts("E", 3, src=[0, 1, 2], tgt=[1, 2, 0])
>>> [(f["V"].tolist(), f["E"].tolist()) for f in homomorphisms(edge, tri)]
[([0, 1], [0]), ([1, 2], [1]), ([2, 0], [2])]
>>> count_homomorphisms(tri, tri), count_homomorphisms(tri, edge)
(3, 0)

**Rules.** A morphism ``α`` has one component per object and one per attribute type.

* Homs: an unset value (``-1``) of ``X`` imposes nothing; a set value ``X.f(x) = z``
  requires ``Y.f(α(x))`` to be set and equal to ``α(z)``.
* Concrete attribute values of ``X`` are preserved exactly (same type and ``==``: ``1``,
  ``1.0`` and ``True`` differ, as in :class:`ACSetTransformation`); an unset attribute
  (``None``) of ``X`` imposes nothing.
* A variable ``AttrVar(k)`` of ``X`` goes to whatever ``Y`` holds at the images of its
  occurrences — a value, a variable of ``Y``, or ``None`` — the same one at every
  occurrence; it is reported in the attribute-type component (``f.var_components``). A
  variable of ``X`` that occurs in no attribute is not determined by the search: give
  its image in ``initial`` (``{"T": {k: image}}``), or the search raises.
* Variables of ``Y`` receive only variables: a concrete value of ``X`` never maps onto a
  part of ``Y`` whose attribute is a variable (the ACSets.jl rule for tight morphisms).
* ``monic``/``epic``/``iso`` mean what :meth:`ACSetTransformation.is_monic`, ``is_epic``
  and ``is_iso`` say, per object or attribute type: monic on an attribute type ``T``
  sends the variables of ``X`` injectively to variables of ``Y``; epic on ``T`` hits
  every variable of ``Y``. Each may be a bool (all objects and attribute types) or a
  collection of names (those only); ``iso`` on a name is monic and epic on it.

The search is backtracking over all parts of ``X``: each part's candidates are the parts
of ``Y`` allowed by its attributes, by ``predicates``, by ``initial`` and (for monic
homs) by in-degrees; assigning a part forces the images of its hom values (constraint
propagation, so assigned parts are closed under the homs); the next part to branch on
is the one with the fewest candidates, where a part ``x`` with ``X.f(x)`` already
assigned to ``y'`` has only ``Y.incident(y', f)`` as candidates. Cardinalities are
checked first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import numpy as np

from catlearn import errors
from catlearn.acsets.acset import ACSet
from catlearn.acsets.attrvar import AttrVar
from catlearn.acsets.morphism import ACSetTransformation, describe
from catlearn.errors import HomSearchError, SchemaError

__all__ = [
    "homomorphisms",
    "homomorphism",
    "count_homomorphisms",
    "is_homomorphic",
    "isomorphism",
    "is_isomorphic",
]

#: ``monic=``/``epic=``/``iso=``: a bool (every object and attribute type) or some names.
Selection = bool | str | Collection[str]
#: ``predicates[ob]``: allowed images per part, or a test ``(part, image) -> bool``.
Predicate = Mapping[int, Collection[int]] | Callable[[int, int], bool]

_UNBOUND: Any = object()


def _same(u: Any, v: Any) -> bool:
    """Attribute equality as :class:`ACSetTransformation` checks it: same type and ``==``."""
    if type(u) is not type(v):
        return False
    try:
        return bool(u == v)
    except (TypeError, ValueError):
        return False


def _key(v: Any) -> tuple[type, Any] | None:
    """A dictionary key for an attribute value that respects :func:`_same`, or ``None``."""
    try:
        hash(v)
    except TypeError:
        return None
    return (type(v), v)


def _meet(s: frozenset[int] | None, allowed: frozenset[int]) -> frozenset[int]:
    return allowed if s is None else s & allowed


def _is_part_id(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


class _Search:
    """The state of one backtracking search ``X -> Y`` (built and validated eagerly)."""

    def __init__(self, X: ACSet, Y: ACSet, monic: Selection, epic: Selection,
                 iso: Selection, initial: Mapping[str, Any] | None,
                 predicates: Mapping[str, Predicate] | None) -> None:
        if not isinstance(X, ACSet) or not isinstance(Y, ACSet):
            raise TypeError("homomorphism search takes two ACSets, not "
                            f"{type(X).__name__} and {type(Y).__name__}")
        if X.schema != Y.schema:
            raise SchemaError(errors.SCHEMA_MISMATCH.format(
                what="homomorphism search", left=X.name, right=Y.name))
        self.X, self.Y = X, Y
        S = X.schema
        self.schema = S
        self.names = (describe(X), describe(Y))
        self.obs: tuple[str, ...] = S.obs
        self.types: tuple[str, ...] = S.attrtypes
        self.ob_index = {c: i for i, c in enumerate(self.obs)}
        self.type_index = {t: i for i, t in enumerate(self.types)}
        isos = self._selection("iso", iso)
        monics = self._selection("monic", monic) | isos
        epics = self._selection("epic", epic) | isos
        init_obs, init_types = self._check_initial(initial)
        preds = self._check_predicates(predicates)
        self._check_free_vars(init_types)
        self.why = ""

        nob, nty = len(self.obs), len(self.types)
        self.nX = [X.nparts(c) for c in self.obs]
        self.nY = [Y.nparts(c) for c in self.obs]
        self.dead = self._cardinality_fails(monics, epics)
        # --- columns of X and Y as lists, incident lists of Y (once per search)
        self.Xcol: dict[str, list[int]] = {f: X.subpart(f).tolist() for f in S.hom_names()}
        self.Ycol: dict[str, list[int]] = {f: Y.subpart(f).tolist() for f in S.hom_names()}
        self.inc: dict[str, list[list[int]]] = {}
        for f, _, d in S.homs:
            lists: list[list[int]] = [[] for _ in range(Y.nparts(d))]
            for i, v in enumerate(self.Ycol[f]):
                if v >= 0:
                    lists[v].append(i)
            self.inc[f] = lists
        self.homs_out: list[list[tuple[list[int], int, list[int], list[list[int]], str]]] = [
            [(self.Xcol[f], self.ob_index[S.codom(f)], self.Ycol[f], self.inc[f], f)
             for f in S.homs_out(c)] for c in self.obs]
        # --- attribute variables
        self.var_attrs: list[list[tuple[list[int], int, list[Any], str]]] = [[] for _ in self.obs]
        self.Xattr: dict[str, list[Any]] = {a: X.subpart(a).tolist() for a in S.attr_names()}
        self.Yattr: dict[str, list[Any]] = {a: Y.subpart(a).tolist() for a in S.attr_names()}
        for a, c, t in S.attrs:
            ks = [v.val if isinstance(v, AttrVar) else -1 for v in self.Xattr[a]]
            if any(k >= 0 for k in ks):
                self.var_attrs[self.ob_index[c]].append(
                    (ks, self.type_index[t], self.Yattr[a], a))
        self.nvX = [X.nparts(t) for t in self.types]
        self.nvY = [Y.nparts(t) for t in self.types]
        self.vcount = [[0] * n for n in self.nvX]
        self.vbind: list[list[Any]] = [[_UNBOUND] * n for n in self.nvX]
        self.unbound = list(self.nvX)
        self.var_monic = [t in monics for t in self.types]
        self.vused: list[list[int] | None] = [
            [-1] * self.nvY[i] if self.var_monic[i] else None for i in range(nty)]
        self.epic_types = [i for i, t in enumerate(self.types) if t in epics]
        self.vhit: list[list[int] | None] = [
            [0] * self.nvY[i] if i in self.epic_types else None for i in range(nty)]
        self.vunhit = list(self.nvY)
        # --- objects: assignment, monic used-sets, epic hit counts
        self.assign: list[list[int]] = [[-1] * n for n in self.nX]
        self.unassigned = list(self.nX)
        self.total = sum(self.nX)
        self.used: list[list[int] | None] = [
            [-1] * self.nY[i] if c in monics else None for i, c in enumerate(self.obs)]
        self.epic_obs = [i for i, c in enumerate(self.obs) if c in epics]
        self.hit: list[list[int] | None] = [
            [0] * self.nY[i] if i in self.epic_obs else None for i in range(nob)]
        self.unhit = list(self.nY)
        self.pred: list[Callable[[int, int], bool] | None] = [None] * nob
        self.trail: list[tuple[int, int]] = []
        self.monics = monics
        self.allowed: list[list[frozenset[int] | None] | None] = [None] * nob
        self.base: list[list[Any]] = [[range(self.nY[i])] * self.nX[i] for i in range(nob)]
        self._build_domains(preds)
        # per part of X: (assignment row of d, X.f(x), incident lists of Y.f) for set homs
        self.outs_of: list[list[list[tuple[list[int], int, list[list[int]]]]]] = [
            [[(self.assign[d], xcol[x], inc) for xcol, d, _, inc, _ in self.homs_out[c]
              if xcol[x] >= 0] for x in range(self.nX[c])] for c in range(nob)]
        # objects whose parts need none of the optional checks take a fast path
        self.plain = [self.allowed[c] is None and self.used[c] is None
                      and self.pred[c] is None and not self.var_attrs[c]
                      and self.hit[c] is None for c in range(nob)]
        self.any_epic = bool(self.epic_obs or self.epic_types)
        self._apply_initial(init_obs, init_types)

    # ------------------------------------------------------------------ validation
    def _fail(self, template: str, **kw: Any) -> HomSearchError:
        return HomSearchError(template.format(dom=self.names[0], codom=self.names[1],
                                              **kw))

    def _selection(self, what: str, value: Selection) -> frozenset[str]:
        if isinstance(value, (bool, np.bool_)):
            return frozenset(self.obs + self.types) if value else frozenset()
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, Collection):
            raise self._fail(errors.HOMSEARCH_BAD_ARG, what=what,
                             expected="a bool or a collection of names", got=value)
        for name in names:
            if name not in self.obs and name not in self.types:
                raise self._fail(errors.HOMSEARCH_UNKNOWN, what=what, name=name,
                                 expected="an object or attribute type",
                                 schema=self.schema.name)
        return frozenset(names)

    def _check_initial(self, initial: Mapping[str, Any] | None
                       ) -> tuple[dict[str, dict[int, int]], dict[str, dict[int, Any]]]:
        init_obs: dict[str, dict[int, int]] = {}
        init_types: dict[str, dict[int, Any]] = {}
        if initial is None:
            return init_obs, init_types
        if not isinstance(initial, Mapping):
            raise self._fail(errors.HOMSEARCH_BAD_ARG, what="initial",
                             expected="a mapping {ob: {part: image}}", got=initial)
        for ob, assignment in initial.items():
            if ob not in self.obs and ob not in self.types:
                raise self._fail(errors.HOMSEARCH_UNKNOWN, what="initial", name=ob,
                                 expected="an object or attribute type",
                                 schema=self.schema.name)
            if not isinstance(assignment, Mapping):
                raise self._fail(errors.HOMSEARCH_BAD_ARG, what=f"initial[{ob!r}]",
                                 expected="a mapping {part: image}", got=assignment)
            n = self.X.nparts(ob)
            m = self.Y.nparts(ob)
            if ob in self.types:
                for k, w in assignment.items():
                    if not _is_part_id(k) or not 0 <= k < n:
                        raise self._fail(errors.HOMSEARCH_VAR, ob=ob, part=k, n=n)
                    if isinstance(w, AttrVar) and w.val >= m:
                        raise self._fail(errors.HOMSEARCH_VAR_IMAGE, ob=ob, image=w,
                                         var=AttrVar(int(k)), n=m)
                    init_types.setdefault(ob, {})[int(k)] = w
                continue
            for x, y in assignment.items():
                if not _is_part_id(x) or not 0 <= x < n:
                    raise self._fail(errors.HOMSEARCH_PART, what="initial", ob=ob, part=x, n=n)
                if not _is_part_id(y) or not 0 <= y < m:
                    raise self._fail(errors.HOMSEARCH_IMAGE, what="initial", ob=ob, image=y,
                                     part=x, n=m)
                init_obs.setdefault(ob, {})[int(x)] = int(y)
        return init_obs, init_types

    def _check_predicates(self, predicates: Mapping[str, Predicate] | None
                          ) -> dict[str, Predicate]:
        if predicates is None:
            return {}
        if not isinstance(predicates, Mapping):
            raise self._fail(errors.HOMSEARCH_BAD_ARG, what="predicates",
                             expected="a mapping {ob: {part: images} or callable}",
                             got=predicates)
        out: dict[str, Predicate] = {}
        for ob, p in predicates.items():
            if ob not in self.obs:
                raise self._fail(errors.HOMSEARCH_UNKNOWN, what="predicates", name=ob,
                                 expected="an object", schema=self.schema.name)
            if isinstance(p, Mapping):
                n, m = self.X.nparts(ob), self.Y.nparts(ob)
                for x, images in p.items():
                    if not _is_part_id(x) or not 0 <= x < n:
                        raise self._fail(errors.HOMSEARCH_PART, what="predicates", ob=ob,
                                         part=x, n=n)
                    if not isinstance(images, Collection) or isinstance(images, str):
                        raise self._fail(errors.HOMSEARCH_BAD_ARG,
                                         what=f"predicates[{ob!r}][{x}]",
                                         expected="a collection of allowed images",
                                         got=images)
                    for y in images:
                        if not _is_part_id(y) or not 0 <= y < m:
                            raise self._fail(errors.HOMSEARCH_IMAGE, what="predicates", ob=ob,
                                             image=y, part=x, n=m)
            elif not callable(p):
                raise self._fail(errors.HOMSEARCH_BAD_ARG, what=f"predicates[{ob!r}]",
                                 expected="a mapping {part: allowed images} or a callable "
                                 "(part, image) -> bool", got=p)
            out[ob] = p
        return out

    def _check_free_vars(self, init_types: dict[str, dict[int, Any]]) -> None:
        for t in self.types:
            seen = set(init_types.get(t, {}))
            for a in self.schema.attrs_into(t):
                seen.update(v.val for v in self.X.subpart(a).tolist()
                            if isinstance(v, AttrVar))
            for k in range(self.X.nparts(t)):
                if k not in seen:
                    raise self._fail(errors.HOMSEARCH_FREE_VAR, attrtype=t, var=AttrVar(k), k=k)

    def _cardinality_fails(self, monics: frozenset[str], epics: frozenset[str]) -> bool:
        for c in self.obs + self.types:
            n, m = self.X.nparts(c), self.Y.nparts(c)
            if c in self.ob_index and n > 0 and m == 0:
                return True
            if (c in monics and n > m) or (c in epics and n < m):
                return True
        return False

    # ------------------------------------------------------------------ domains
    def _build_domains(self, preds: dict[str, Predicate]) -> None:
        """Static candidate sets: attributes, predicate collections, monic in-degrees."""
        S, X = self.schema, self.X
        for ci, c in enumerate(self.obs):
            n = self.nX[ci]
            if n == 0:
                continue
            sets: list[frozenset[int] | None] = [None] * n
            # concrete attribute values, through an index of Y's column
            for a in S.attrs_out(c):
                xs, ys = self.Xattr[a], self.Yattr[a]
                index: dict[tuple[type, Any], list[int]] = {}
                unhashable: list[int] = []
                for y, w in enumerate(ys):
                    k = _key(w)
                    if k is None:
                        unhashable.append(y)
                    else:
                        index.setdefault(k, []).append(y)
                cache: dict[tuple[type, Any], frozenset[int]] = {}
                for x, v in enumerate(xs):
                    if v is None or isinstance(v, AttrVar):
                        continue
                    k = _key(v)
                    if k is None or not _same(v, v):
                        allowed = frozenset(y for y in range(len(ys)) if _same(v, ys[y]))
                    else:
                        if k not in cache:
                            cache[k] = frozenset(index.get(k, ())).union(
                                y for y in unhashable if _same(v, ys[y]))
                        allowed = cache[k]
                    sets[x] = _meet(sets[x], allowed)
            # in-degrees: for f: e -> c monic on e, x's f-preimages go injectively
            for f in S.homs_in(c):
                e = S.dom(f)
                if e not in self.monics:
                    continue
                deg_x = np.bincount(X.subpart(f)[X.subpart(f) >= 0], minlength=n).tolist()
                deg_y = [len(lst) for lst in self.inc[f]]
                by_need: dict[int, frozenset[int]] = {}
                for x, need in enumerate(deg_x):
                    if need == 0:
                        continue
                    if need not in by_need:
                        by_need[need] = frozenset(y for y, d in enumerate(deg_y) if d >= need)
                    allowed = by_need[need]
                    sets[x] = _meet(sets[x], allowed)
            p = preds.get(c)
            if isinstance(p, Mapping):
                for x, images in p.items():
                    allowed = frozenset(int(y) for y in images)
                    sets[int(x)] = _meet(sets[int(x)], allowed)
            elif p is not None:
                self.pred[ci] = p
            if any(s is not None for s in sets):
                self.allowed[ci] = sets
                full = range(self.nY[ci])
                self.base[ci] = [full if s is None else sorted(s) for s in sets]
                if any(s is not None and not s for s in sets):
                    self.dead = True  # a part with no candidate: no morphism

    def _apply_initial(self, init_obs: dict[str, dict[int, int]],
                       init_types: dict[str, dict[int, Any]]) -> None:
        for t, binding in init_types.items():
            ti = self.type_index[t]
            for k, w in binding.items():
                if self.var_monic[ti]:
                    vused = self.vused[ti]
                    if not isinstance(w, AttrVar):
                        raise self._fail(errors.HOMSEARCH_INITIAL, why=(
                            f"monic on {t}: {AttrVar(k)} is sent to {w!r}, which is not a "
                            "variable"))
                    if vused is not None and vused[w.val] >= 0:
                        raise self._fail(errors.HOMSEARCH_INITIAL, why=(
                            f"monic on {t}: {AttrVar(vused[w.val])} and {AttrVar(k)} are "
                            f"both sent to {w!r}"))
                self.vcount[ti][k] = 1
                self._on_bind(ti, k, w)
        for c, assignment in init_obs.items():
            ci = self.ob_index[c]
            for x, y in assignment.items():
                if not self._assign(ci, x, y, explain=True):
                    raise self._fail(errors.HOMSEARCH_INITIAL, why=self.why)

    # ------------------------------------------------------------------ the search
    def _on_bind(self, ti: int, k: int, w: Any) -> None:
        self.vbind[ti][k] = w
        self.unbound[ti] -= 1
        if isinstance(w, AttrVar):
            used, hit = self.vused[ti], self.vhit[ti]
            if used is not None:
                used[w.val] = k
            if hit is not None:
                hit[w.val] += 1
                if hit[w.val] == 1:
                    self.vunhit[ti] -= 1

    def _bind(self, ci: int, x: int, y: int, explain: bool) -> bool:
        """Bind the variables of part ``x`` (about to go to ``y``); ``False`` on a clash."""
        pending: list[tuple[int, int, Any]] = []
        for ks, ti, ycol, a in self.var_attrs[ci]:
            k = ks[x]
            if k < 0:
                continue
            w = ycol[y]
            if self.vcount[ti][k]:
                if not _same(self.vbind[ti][k], w):
                    if explain:
                        self.why = (f"{AttrVar(k)} of {self.types[ti]} would be sent to both "
                                    f"{self.vbind[ti][k]!r} and {w!r} (attribute {a} at part "
                                    f"{x} of {self.obs[ci]} -> {y})")
                    return False
                pending.append((ti, k, w))
                continue
            for tj, kj, wj in pending:
                clash = ((tj == ti and kj == k and not _same(wj, w))
                         or (tj == ti and kj != k and self.var_monic[ti] and _same(wj, w)))
                if clash:
                    if explain:
                        self.why = (f"attribute {a} at part {x} of {self.obs[ci]}: "
                                    f"{AttrVar(k)} of {self.types[ti]} cannot go to {w!r}")
                    return False
            if self.var_monic[ti]:
                used = self.vused[ti]
                if not isinstance(w, AttrVar) or (used is not None and used[w.val] >= 0):
                    if explain:
                        self.why = (f"monic on {self.types[ti]}: {AttrVar(k)} (attribute {a} "
                                    f"at part {x} of {self.obs[ci]}) would go to {w!r}, which "
                                    "is not a variable or is already taken")
                    return False
            pending.append((ti, k, w))
        for ti, k, w in pending:
            count = self.vcount[ti][k]
            self.vcount[ti][k] = count + 1
            if count == 0:
                self._on_bind(ti, k, w)
        return True

    def _unbind(self, ci: int, x: int) -> None:
        for ks, ti, _, _ in self.var_attrs[ci]:
            k = ks[x]
            if k < 0:
                continue
            count = self.vcount[ti][k] - 1
            self.vcount[ti][k] = count
            if count == 0:
                w = self.vbind[ti][k]
                self.vbind[ti][k] = _UNBOUND
                self.unbound[ti] += 1
                if isinstance(w, AttrVar):
                    used, hit = self.vused[ti], self.vhit[ti]
                    if used is not None:
                        used[w.val] = -1
                    if hit is not None:
                        hit[w.val] -= 1
                        if hit[w.val] == 0:
                            self.vunhit[ti] += 1

    def _why_disallowed(self, ci: int, x: int, y: int) -> str:
        c = self.obs[ci]
        for a in self.schema.attrs_out(c):
            v, w = self.Xattr[a][x], self.Yattr[a][y]
            if v is not None and not isinstance(v, AttrVar) and not _same(v, w):
                return (f"attribute {a} is {v!r} at part {x} of {c} in the domain but {w!r} at "
                        f"part {y} of {c} in the codomain")
        for f in self.schema.homs_in(c):
            if self.schema.dom(f) in self.monics:
                need = sum(1 for z in self.Xcol[f] if z == x)
                have = len(self.inc[f][y])
                if need > have:
                    return (f"monic on {self.schema.dom(f)}: part {x} of {c} has {need} "
                            f"{f}-preimages in the domain, part {y} only {have}")
        return f"the predicate for {c} excludes sending part {x} to {y}"

    def _assign(self, c0: int, x0: int, y0: int, explain: bool = False) -> bool:
        """Assign ``x0 -> y0`` in object ``c0`` and everything it forces through homs.

        On ``False`` the state may hold some of the forced assignments: undo to a mark.
        """
        assign, trail, plain = self.assign, self.trail, self.plain
        unassigned, homs_out = self.unassigned, self.homs_out
        todo = [(c0, x0, y0)]
        while todo:
            c, x, y = todo.pop()
            a = assign[c]
            cur = a[x]
            if cur >= 0:
                if cur == y:
                    continue
                if explain:
                    self.why = (f"part {x} of {self.obs[c]} would be sent to both {cur} and "
                                f"{y}")
                return False
            if plain[c]:
                a[x] = y
                trail.append((c, x))
                unassigned[c] -= 1
                for xcol, d, ycol, _, f in homs_out[c]:
                    z = xcol[x]
                    if z >= 0:
                        w = ycol[y]
                        if w < 0:
                            if explain:
                                self.why = self._why_unset(c, x, y, f, z)
                            return False
                        todo.append((d, z, w))
                continue
            allowed = self.allowed[c]
            if allowed is not None:
                s = allowed[x]
                if s is not None and y not in s:
                    if explain:
                        self.why = self._why_disallowed(c, x, y)
                    return False
            used = self.used[c]
            if used is not None and used[y] >= 0:
                if explain:
                    self.why = (f"monic on {self.obs[c]}: parts {used[y]} and {x} would both be "
                                f"sent to {y}")
                return False
            pred = self.pred[c]
            if pred is not None and not pred(x, y):
                if explain:
                    self.why = f"the predicate for {self.obs[c]} excludes sending part {x} to {y}"
                return False
            if self.var_attrs[c] and not self._bind(c, x, y, explain):
                return False
            a[x] = y
            trail.append((c, x))
            unassigned[c] -= 1
            if used is not None:
                used[y] = x
            hit = self.hit[c]
            if hit is not None:
                hit[y] += 1
                if hit[y] == 1:
                    self.unhit[c] -= 1
            for xcol, d, ycol, _, f in self.homs_out[c]:
                z = xcol[x]
                if z >= 0:
                    w = ycol[y]
                    if w < 0:
                        if explain:
                            self.why = self._why_unset(c, x, y, f, z)
                        return False
                    todo.append((d, z, w))
        if self.any_epic and not self._epic_ok():
            if explain:
                self.why = "too few parts are left to make the morphism epic"
            return False
        return True

    def _why_unset(self, c: int, x: int, y: int, f: str, z: int) -> str:
        return (f"part {x} of {self.obs[c]} would go to {y}, where hom {f} is unset in the "
                f"codomain, but {f}({x}) = {z} in the domain")

    def _epic_ok(self) -> bool:
        if self.dead:  # no morphism at all (cardinality); epic is then moot
            return True
        for ci in self.epic_obs:
            if self.unhit[ci] > self.unassigned[ci]:
                return False
        return all(self.vunhit[ti] <= self.unbound[ti] for ti in self.epic_types)

    def _undo(self, mark: int) -> None:
        trail, assign = self.trail, self.assign
        while len(trail) > mark:
            c, x = trail.pop()
            a = assign[c]
            y = a[x]
            a[x] = -1
            self.unassigned[c] += 1
            used = self.used[c]
            if used is not None:
                used[y] = -1
            hit = self.hit[c]
            if hit is not None:
                hit[y] -= 1
                if hit[y] == 0:
                    self.unhit[c] += 1
            if self.var_attrs[c]:
                self._unbind(c, x)

    def _choose(self) -> tuple[int, int, Any] | None:
        """The unassigned part with the fewest candidates, and its candidate list."""
        if len(self.trail) == self.total:
            return None
        assign, unassigned = self.assign, self.unassigned
        best: tuple[int, int, Any] | None = None
        best_n = -1
        for c in range(len(self.obs)):
            if unassigned[c] == 0:
                continue
            a, base, outs_of = assign[c], self.base[c], self.outs_of[c]
            for x in range(self.nX[c]):
                if a[x] >= 0:
                    continue
                lst = base[x]
                n = len(lst)
                for row, z, inc in outs_of[x]:
                    w = row[z]
                    if w >= 0:
                        cand = inc[w]
                        if len(cand) < n:
                            n, lst = len(cand), cand
                if best is None or n < best_n:
                    best, best_n = (c, x, lst), n
                    if n == 0:
                        return best
        if best is None:
            return None
        return self._narrow(*best)

    def _narrow(self, c: int, x: int, lst: Any) -> tuple[int, int, Any]:
        """Keep the candidates of ``x`` that agree with its assigned hom values (all of
        them, not only the one whose incident list was picked) and its static domain."""
        assign = self.assign
        checks = []
        for xcol, d, ycol, inc, _ in self.homs_out[c]:
            z = xcol[x]
            if z >= 0:
                w = assign[d][z]
                if w >= 0 and inc[w] is not lst:
                    checks.append((ycol, w))
        allowed = self.allowed[c]
        s = allowed[x] if allowed is not None else None
        if s is not None and lst is not self.base[c][x]:
            lst = [y for y in lst if y in s]
        if len(checks) == 1:
            ycol, w = checks[0]
            lst = [y for y in lst if ycol[y] == w]
        elif checks:
            lst = [y for y in lst if all(ycol[y] == w for ycol, w in checks)]
        used = self.used[c]
        if used is not None:
            lst = [y for y in lst if used[y] < 0]
        return c, x, lst

    def leaves(self) -> Iterator[None]:
        """Yield once per complete assignment (the state holds it while suspended)."""
        if self.dead or not self._epic_ok():
            return
        first = self._choose()
        if first is None:
            yield None
            return
        stack = [(first[0], first[1], iter(first[2]), len(self.trail))]
        while stack:
            c, x, candidates, mark = stack[-1]
            pushed = False
            for y in candidates:
                if self._assign(c, x, y):
                    nxt = self._choose()
                    if nxt is None:
                        yield None
                    elif nxt[2]:
                        stack.append((nxt[0], nxt[1], iter(nxt[2]), len(self.trail)))
                        pushed = True
                        break
                self._undo(mark)
            if not pushed:
                stack.pop()
                if stack:
                    self._undo(stack[-1][3])

    def result(self, check: bool) -> ACSetTransformation:
        """The current complete assignment as a morphism."""
        comps: dict[str, Any] = {}
        for ci, c in enumerate(self.obs):
            arr = np.array(self.assign[ci], dtype=np.int64)
            arr.setflags(write=False)
            comps[c] = arr
        var_comps = {t: tuple(self.vbind[ti]) for ti, t in enumerate(self.types)}
        if check:
            return ACSetTransformation(self.X, self.Y, **comps, **var_comps)
        # the search has proven naturality and attribute preservation: skip the re-check
        f = object.__new__(ACSetTransformation)
        f.dom, f.codom = self.X, self.Y
        f.components = comps
        f.var_components = var_comps
        return f


def _check_max_results(max_results: int | None, X: ACSet, Y: ACSet) -> None:
    if max_results is not None and (not _is_part_id(max_results) or max_results < 0):
        raise HomSearchError(errors.HOMSEARCH_BAD_ARG.format(
            dom=describe(X), codom=describe(Y), what="max_results",
            expected="a non-negative integer or None", got=max_results))


def _generate(search: _Search, max_results: int | None, check: bool
              ) -> Iterator[ACSetTransformation]:
    if max_results == 0:
        return
    found = 0
    for _ in search.leaves():
        yield search.result(check)
        found += 1
        if max_results is not None and found >= max_results:
            return


def homomorphisms(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                  iso: Selection = False, initial: Mapping[str, Any] | None = None,
                  predicates: Mapping[str, Predicate] | None = None,
                  max_results: int | None = None, check: bool = False
                  ) -> Iterator[ACSetTransformation]:
    """All morphisms ``X -> Y``, lazily: each is yielded once, in a deterministic order.

    The arguments are checked when the function is called (a :class:`HomSearchError` or
    :class:`SchemaError` names the object, part and values); the search itself runs as
    the iterator is consumed, so ``next(...)`` or breaking out of a loop stops it early.
    ``X`` and ``Y`` must not be changed while the iterator is in use.

    * ``monic``, ``epic``, ``iso``: a bool, or the names of the objects and attribute
      types on which the components must be injective / surjective / bijective (see the
      module's rules for attribute types).
    * ``initial``: ``{ob: {part: image}}`` fixes some images in advance (and
      ``{attrtype: {k: image}}`` the image of ``AttrVar(k)``). An unknown object, a part
      or image out of range, or an assignment that no morphism extends (it breaks a hom or
      an attribute, clashes with ``monic`` or ``predicates``) raises ``HomSearchError``.
    * ``predicates``: ``{ob: {part: allowed_images}}`` (parts not listed are free) or
      ``{ob: callable(part, image) -> bool}``; a morphism is kept when every part's
      image is allowed. Parts and images listed must exist.
    * ``max_results``: stop after that many morphisms.
    * ``check``: build each result through the checking constructor of
      :class:`ACSetTransformation` (slower; by default results are built directly, the
      search having established naturality and attribute preservation).

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> path = ACSet(SchGraph); _ = path.add_parts("V", 3)
    >>> _ = path.add_parts("E", 2, src=[0, 1], tgt=[1, 2])
    >>> [f["V"].tolist() for f in homomorphisms(path, path)]
    [[0, 1, 2]]
    >>> loop = ACSet(SchGraph); _ = loop.add_part("V"); _ = loop.add_part("E", src=0, tgt=0)
    >>> [f["E"].tolist() for f in homomorphisms(path, loop)], next(homomorphisms(loop, path), None)
    ([[0, 0]], None)
    >>> len(list(homomorphisms(path, path, monic=["V"], initial={"V": {0: 0}})))
    1
    """
    _check_max_results(max_results, X, Y)
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return _generate(search, max_results, check)


def homomorphism(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                 iso: Selection = False, initial: Mapping[str, Any] | None = None,
                 predicates: Mapping[str, Predicate] | None = None, check: bool = False
                 ) -> ACSetTransformation | None:
    """The first morphism ``X -> Y`` that :func:`homomorphisms` finds, or ``None``.

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> two = ACSet(SchGraph); _ = two.add_parts("V", 2)
    >>> homomorphism(two, two, epic=True)["V"].tolist()
    [0, 1]
    >>> homomorphism(two, ACSet(SchGraph)) is None
    True
    """
    return next(homomorphisms(X, Y, monic=monic, epic=epic, iso=iso, initial=initial,
                              predicates=predicates, max_results=1, check=check), None)


def count_homomorphisms(X: ACSet, Y: ACSet, *, monic: Selection = False,
                        epic: Selection = False, iso: Selection = False,
                        initial: Mapping[str, Any] | None = None,
                        predicates: Mapping[str, Predicate] | None = None) -> int:
    """The number of morphisms ``X -> Y`` (counted without building them).

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> three = ACSet(SchGraph); _ = three.add_parts("V", 3)
    >>> count_homomorphisms(three, three), count_homomorphisms(three, three, iso=True)
    (27, 6)
    """
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return sum(1 for _ in search.leaves())


def is_homomorphic(X: ACSet, Y: ACSet, *, monic: Selection = False, epic: Selection = False,
                   iso: Selection = False, initial: Mapping[str, Any] | None = None,
                   predicates: Mapping[str, Predicate] | None = None) -> bool:
    """Whether some morphism ``X -> Y`` exists (with the options of :func:`homomorphisms`).

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> g = ACSet(SchGraph); _ = g.add_parts("V", 2)
    >>> is_homomorphic(g, g, monic=True), is_homomorphic(g, ACSet(SchGraph))
    (True, False)
    """
    search = _Search(X, Y, monic, epic, iso, initial, predicates)
    return any(True for _ in search.leaves())


def _invariants(A: ACSet) -> list[Any]:
    """Isomorphism invariants: part counts, sorted in-degrees, unset and value counts."""
    S = A.schema
    out: list[Any] = [tuple(A.nparts(c) for c in S.obs + S.attrtypes)]
    for f, _, d in S.homs:
        col = A.subpart(f)
        defined = col[col >= 0]
        degrees = np.bincount(defined, minlength=A.nparts(d)) if defined.size else \
            np.zeros(A.nparts(d), dtype=np.int64)
        out.append((int(col.size - defined.size), tuple(np.sort(degrees).tolist())))
    for a in S.attr_names():
        values = A.subpart(a).tolist()
        counts: Counter[Any] = Counter()
        for v in values:
            if v is None:
                counts["<unset>"] += 1
            elif isinstance(v, AttrVar):
                counts["<variable>"] += 1
            else:
                key = _key(v)
                counts[key if key is not None else "<unhashable>"] += 1
        out.append(counts)
    return out


def isomorphism(X: ACSet, Y: ACSet, *, initial: Mapping[str, Any] | None = None
                ) -> ACSetTransformation | None:
    """An isomorphism ``X -> Y`` (a morphism whose inverse is a morphism too), or ``None``.

    Cheap invariants are compared first (part counts, in-degree sequences per hom, counts
    of unset hom values and of attribute values); then a search with ``iso=True``. With
    equal invariants every bijective morphism found is invertible, also where homs are
    unset or attributes ``None``.

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> a = ACSet(SchGraph); _ = a.add_parts("V", 2); _ = a.add_part("E", src=0, tgt=1)
    >>> b = ACSet(SchGraph); _ = b.add_parts("V", 2); _ = b.add_part("E", src=1, tgt=0)
    >>> isomorphism(a, b)["V"].tolist()
    [1, 0]
    """
    if X.schema != Y.schema:
        raise SchemaError(errors.SCHEMA_MISMATCH.format(
            what="isomorphism", left=X.name, right=Y.name))
    if _invariants(X) != _invariants(Y):
        return None
    return homomorphism(X, Y, iso=True, initial=initial)


def is_isomorphic(X: ACSet, Y: ACSet) -> bool:
    """Whether ``X`` and ``Y`` are isomorphic (see :func:`isomorphism`).

    >>> from catlearn.acsets.acset import ACSet
    >>> from catlearn.acsets.schema import SchGraph
    >>> a = ACSet(SchGraph); _ = a.add_parts("V", 2); _ = a.add_part("E", src=0, tgt=1)
    >>> b = a.copy(); _ = b.add_part("E", src=0, tgt=0)
    >>> is_isomorphic(a, a.copy()), is_isomorphic(a, b)
    (True, False)
    """
    return isomorphism(X, Y) is not None
