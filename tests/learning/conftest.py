"""Reference implementations for the learning tests: path finding and plan compilation
written the plain way (a Path per path, pairs in lists, a sort with a Python key), the
independent second implementations the fast ones are compared with."""

from __future__ import annotations

from typing import Any

from catlearn.categories import Path, paths_from
from catlearn.learning import LearningGraph
from catlearn.learning.graph import DATA, LEARNABLE


def _learnable(p: Path, roles: dict[str, str]) -> int:
    return sum(roles[n] == LEARNABLE for n in p.names)


def _is_data(p: Path, roles: dict[str, str]) -> bool:
    return len(p) > 0 and all(roles[n] == DATA for n in p.names)


def reference_equations(g: LearningGraph, policy: str = "all_pairs",
                        max_length: int | None = None, simple: bool | None = None
                        ) -> list[tuple[Path, Path]]:
    """Every path from each source (``paths_from``, depth first), grouped by target in
    first-found order; ``all_pairs``: each pair i < j with a learnable edge, the side
    with more learnable edges (then the longer) on the left; ``against_data``: each
    non-data path with a learnable edge against each data column into its space."""
    roles = {n: r for n, _, _, r in g.edges()}
    out = []
    for source in g.sources():
        by_target: dict[str, list[Path]] = {}
        for p in paths_from(g.to_graph(), source, max_length=max_length, simple=simple):
            if len(p):
                by_target.setdefault(p.tgt, []).append(p)
        for paths in by_target.values():
            if policy == "all_pairs":
                for i, p in enumerate(paths):
                    for q in paths[i + 1:]:
                        kp, kq = _learnable(p, roles), _learnable(q, roles)
                        if kp + kq == 0:
                            continue
                        out.append((q, p) if (kq, len(q)) > (kp, len(p)) else (p, q))
            else:
                data = [d for d in paths if _is_data(d, roles)]
                out.extend((p, d) for p in paths
                           if not _is_data(p, roles) and _learnable(p, roles) for d in data)
    return out


def reference_plan(diagram: Any) -> list[tuple[int, str, int | None, str | None, Path]]:
    """The plan's nodes as ``(id, source, parent, edge, path)``: every prefix of every
    equation's paths, keyed by (source, edge names), sorted by (source rank, length) with
    first use breaking ties."""
    sources = list(dict.fromkeys(eq.source for eq in diagram.equations))
    prefixes: dict[tuple[str, tuple[str, ...]], Path] = {}
    for eq in diagram.equations:
        for p in (eq.lhs, eq.rhs):
            for k in range(len(p) + 1):
                prefixes.setdefault((p.src, p.names[:k]), p[:k])
    ordered = sorted(prefixes, key=lambda key: (sources.index(key[0]), len(key[1])))
    ids = {key: i for i, key in enumerate(ordered)}
    return [(ids[key], key[0], ids[(key[0], key[1][:-1])] if key[1] else None,
             key[1][-1] if key[1] else None, prefixes[key]) for key in ordered]


def reference_cycle(g: LearningGraph, source: str) -> tuple[str, str] | None:
    """A vertex on a cycle reachable from ``source`` and the cycle's edge names, by a
    coloured depth-first search over the edge rows by name (edges in graph order)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, s, t, _ in g.edges():
        out.setdefault(s, []).append((name, t))
    colour: dict[str, int] = {}
    stack: list[tuple[str, int]] = [(source, 0)]
    trail: list[tuple[str, str]] = []
    while stack:
        v, i = stack.pop()
        if i == 0:
            colour[v] = 1
        succ = out.get(v, [])
        if i < len(succ):
            stack.append((v, i + 1))
            name, w = succ[i]
            if colour.get(w) == 1:
                names = [e for _, e in trail] + [name]
                verts = [source] + [x for x, _ in trail]
                return w, " ⋅ ".join(names[verts.index(w):])
            if w not in colour:
                trail.append((w, name))
                stack.append((w, 0))
        else:
            colour[v] = 2
            if trail and trail[-1][0] == v:
                trail.pop()
    return None


def scanned_rows(g: LearningGraph) -> tuple[tuple[str, ...], tuple[tuple[str, str, str, str], ...]]:
    """``(vertex_names(), edges())`` read afresh from the columns (``subpart``), with no
    cache: the reference the kept rows are compared with. Raises ``ValueError`` when an
    edge lacks an end (``edges()`` then raises the library's error)."""
    names = tuple(g.subpart("vlabel").tolist())
    rows = []
    for n, s, t, r in zip(g.subpart("elabel").tolist(), g.subpart("src").tolist(),
                          g.subpart("tgt").tolist(), g.subpart("role").tolist(), strict=True):
        if s < 0 or t < 0:
            raise ValueError(n)
        rows.append((n, names[s], names[t], r))
    return names, tuple(rows)
