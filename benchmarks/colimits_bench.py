"""Pushouts, coequalizers, pullbacks and products of graphs against numpy + scipy.

For each size ``n`` (parts = vertices + edges of each input graph) the whole
construction (union–find or join, apex, legs) is timed against a baseline computing the
same FinSet (co)limit on plain numpy arrays, interleaved in one process (ours, baseline,
ours, ...); each line shows medians and the median of the per-pair ratios
``ours / baseline`` (below 1: we are faster).

* **pushout** ``B <-f- A -g-> C``: ``B``, ``C`` random graphs of ``n`` parts, ``A`` of
  ``n/4`` parts, ``f`` monic, ``g`` not (vertex ``v`` of ``A`` goes to ``v // 2``).
  Baselines: ``scipy.sparse.csgraph.connected_components`` of the identifications, per
  object (**FinSet**: the classes), and the same plus the apex's hom columns (**+homs**).
* **coequalizer** ``f, g: G ⇉ G + G`` (the two inclusions), baseline as for pushouts.
* **pullback** ``B -f-> D <-g- C``: ``B``, ``C`` random graphs over a cycle graph ``D``
  with as many vertices as theirs; baseline: an equi-join per object (stable
  ``argsort`` + ``bincount``) and the apex homs by a binary search of encoded pairs.
* **product** of two random graphs of ``√n`` parts (an apex of about ``n/2`` parts);
  baseline: ``np.repeat``/``np.tile`` per object and the apex homs by arithmetic.

``apex`` is the share of our time spent filling the apex ACSet (``fill_apex``, as the
construction does, timed alone on copies of the same columns); ``rest/FinSet`` is the
ratio of the remaining time (union–find, closure, apex columns, legs) to the FinSet
baseline. The growth exponent is the slope of a least-squares fit of ``log t`` against
``log n`` over the sizes run (10^4, 10^5, 10^6: 1 is linear), for us and the baselines.

Run: ``PYTHONPATH=. python benchmarks/colimits_bench.py [max_exponent] [--cpu]`` (needs
the ``bench`` extra: ``pip install -e '.[bench]'``). ``--cpu`` times each call by this
thread's CPU time (``time.thread_time``) instead of the wall clock: on a machine shared
with other processes the wall clock of the larger sizes also counts the time other
processes hold the cores, which inflates the growth exponents.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import fmt

from catlearn.acsets.acset import ACSet
from catlearn.acsets.colimits import coequalizer, pushout
from catlearn.acsets.diagram import fill_apex
from catlearn.acsets.limits import product, pullback
from catlearn.acsets.morphism import ACSetTransformation
from catlearn.acsets.schema import SchGraph

try:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
except ImportError:  # pragma: no cover - the bench extra is missing
    sys.exit("colimits_bench needs scipy: pip install -e '.[bench]'")


# ====================================================================== inputs
def graph(nv: int, src: np.ndarray, tgt: np.ndarray) -> ACSet:
    """A graph with ``nv`` vertices and the given edge columns (whole-column writes)."""
    g = ACSet(SchGraph)
    g.add_parts("V", nv)
    g.add_parts("E", src.size, src=src, tgt=tgt)
    return g


def span(n: int, rng: np.random.Generator) -> tuple[ACSetTransformation, ACSetTransformation]:
    """A span ``B <- A -> C`` of graphs with ``n`` parts in ``B`` and ``C``."""
    nv, ne = n // 2, n - n // 2
    av, ae = max(nv // 4, 2), ne // 4
    asrc, atgt = rng.integers(0, av, ae), rng.integers(0, av, ae)
    A = graph(av, asrc, atgt)
    bsrc = np.concatenate([asrc, rng.integers(0, nv, ne - ae)])
    btgt = np.concatenate([atgt, rng.integers(0, nv, ne - ae)])
    B = graph(nv, bsrc, btgt)
    f = ACSetTransformation(A, B, V=np.arange(av), E=np.arange(ae))
    csrc = np.concatenate([asrc // 2, rng.integers(0, nv, ne - ae)])
    ctgt = np.concatenate([atgt // 2, rng.integers(0, nv, ne - ae)])
    C = graph(nv, csrc, ctgt)
    g = ACSetTransformation(A, C, V=np.arange(av) // 2, E=np.arange(ae))
    return f, g


def parallel(n: int, rng: np.random.Generator
             ) -> tuple[ACSetTransformation, ACSetTransformation]:
    """The two inclusions ``G ⇉ G + G`` of a random graph ``G`` of ``n/2`` parts."""
    nv, ne = max(n // 4, 1), n // 2 - n // 4
    src, tgt = rng.integers(0, nv, ne), rng.integers(0, nv, ne)
    G = graph(nv, src, tgt)
    GG = graph(2 * nv, np.concatenate([src, src + nv]), np.concatenate([tgt, tgt + nv]))
    f = ACSetTransformation(G, GG, V=np.arange(nv), E=np.arange(ne))
    g = ACSetTransformation(G, GG, V=np.arange(nv) + nv, E=np.arange(ne) + ne)
    return f, g


def over_cycle(nv: int, ne: int, k: int, rng: np.random.Generator
               ) -> tuple[ACSet, np.ndarray, np.ndarray]:
    """A random graph over the cycle on ``k`` vertices (vertex ``v`` has colour ``v % k``,
    every edge goes from a colour to the next): the graph and its map's components."""
    src = rng.integers(0, nv, ne)
    tgt = rng.integers(0, max(nv // k, 1), ne) * k + (src % k + 1) % k
    tgt = np.where(tgt < nv, tgt, (src % k + 1) % k)
    return graph(nv, src, tgt), np.arange(nv) % k, src % k


def cospan(n: int, rng: np.random.Generator
           ) -> tuple[ACSetTransformation, ACSetTransformation]:
    """A cospan ``B -> D <- C`` of random graphs of ``n`` parts over a cycle graph."""
    nv, ne = n // 2, n - n // 2
    k = nv
    D = graph(k, np.arange(k), (np.arange(k) + 1) % k)
    B, bv, be = over_cycle(nv, ne, k, rng)
    C, cv, ce = over_cycle(nv, ne, k, rng)
    return (ACSetTransformation(B, D, V=bv, E=be), ACSetTransformation(C, D, V=cv, E=ce))


def pair(n: int, rng: np.random.Generator) -> tuple[ACSet, ACSet]:
    """Two random graphs of ``√n`` parts each (their product has about ``n/2`` parts)."""
    m = max(math.isqrt(n), 2)
    nv, ne = m // 2, m - m // 2
    return tuple(graph(nv, rng.integers(0, nv, ne), rng.integers(0, nv, ne))  # type: ignore
                 for _ in range(2))


# ====================================================================== baselines
def finset_colimit(sizes: list[int], arrows: list[tuple[int, int, np.ndarray]]
                   ) -> tuple[int, np.ndarray]:
    """The FinSet colimit with scipy: number of classes and the class of each element."""
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    u = np.concatenate([offsets[i] + np.arange(m.size) for i, _, m in arrows])
    v = np.concatenate([offsets[j] + m for _, j, m in arrows])
    n = int(offsets[-1])
    mat = coo_matrix((np.ones(u.size, np.int8), (u, v)), shape=(n, n))
    k, labels = connected_components(mat, directed=False)
    return k, labels


def scipy_colimit(objs: list[dict[str, Any]], arrows: list[tuple[int, int, dict[str, Any]]],
                  homs: bool) -> Any:
    """The pushout/coequalizer on plain arrays: classes per object, optionally the apex's
    hom columns (``objs[i]`` holds ``nV``, ``nE``, ``src``, ``tgt`` of object ``i``)."""
    out = {}
    for c in ("V", "E"):
        out[c] = finset_colimit([o["n" + c] for o in objs],
                                [(i, j, m[c]) for i, j, m in arrows])
    if homs:
        offv = np.concatenate([[0], np.cumsum([o["nV"] for o in objs])])
        for f in ("src", "tgt"):
            col = np.concatenate([o[f] + offv[i] for i, o in enumerate(objs)])
            apex = np.empty(out["E"][0], np.int64)
            apex[out["E"][1]] = out["V"][1][col]
    return out


def numpy_pullback(b: dict[str, Any], c: dict[str, Any], fb: dict[str, np.ndarray],
                   fc: dict[str, np.ndarray]) -> Any:
    """The pullback on plain arrays: joins by counting sort (``bincount``) per object,
    then the apex homs by a binary search of the sorted pair codes (queries sorted)."""
    rows = {}
    for ob in ("V", "E"):
        order = np.argsort(fc[ob], kind="stable")
        counts = np.bincount(fc[ob], minlength=int(max(fb[ob].max(), fc[ob].max())) + 1)
        first = np.cumsum(counts) - counts
        lo, cnt = first[fb[ob]], counts[fb[ob]]
        li = np.repeat(np.arange(fb[ob].size), cnt)
        within = np.arange(li.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        rows[ob] = (li, order[np.repeat(lo, cnt) + within])
    vcode = rows["V"][0] * c["nV"] + rows["V"][1]  # sorted: li ascending, then order
    for f in ("src", "tgt"):
        q = b[f][rows["E"][0]] * c["nV"] + c[f][rows["E"][1]]
        qorder = np.argsort(q)
        np.searchsorted(vcode, q[qorder])
    return rows


def numpy_product(b: dict[str, Any], c: dict[str, Any]) -> Any:
    """The product on plain arrays: all pairs, then apex homs by arithmetic."""
    for ob in ("V", "E"):
        np.repeat(np.arange(b["n" + ob]), c["n" + ob])
        np.tile(np.arange(c["n" + ob]), b["n" + ob])
    eb = np.repeat(np.arange(b["nE"]), c["nE"])
    ec = np.tile(np.arange(c["nE"]), b["nE"])
    for f in ("src", "tgt"):
        _ = b[f][eb] * c["nV"] + c[f][ec]


def arrays(X: ACSet) -> dict[str, Any]:
    """A graph as the plain arrays a numpy user would hold."""
    return {"nV": X.nparts("V"), "nE": X.nparts("E"), "src": X.subpart("src"),
            "tgt": X.subpart("tgt")}


def comps(m: ACSetTransformation) -> dict[str, np.ndarray]:
    return {c: np.asarray(m.components[c]) for c in ("V", "E")}


# ====================================================================== timing
#: the clock of every timing (``--cpu``: this thread's CPU time)
CLOCK: Callable[[], float] = time.perf_counter


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Run the functions round-robin ``repeat`` times (after one untimed warm-up run
    each); their times in seconds."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = CLOCK()
            fn()
            times[k].append(CLOCK() - t0)
    return times


def ratio(times: dict[str, list[float]], ours: str, base: str) -> float:
    return statistics.median(a / b for a, b in zip(times[ours], times[base], strict=True))


def apex_fill(apex: ACSet) -> Callable[[], Any]:
    """Refill a copy of ``apex`` from its columns, as the construction does."""
    counts = {c: apex.nparts(c) for c in SchGraph.obs}
    homs = {f: apex.subpart(f) for f in SchGraph.hom_names()}
    return lambda: fill_apex(ACSet(SchGraph), counts, homs, {}, {})


def colimit_row(n: int, f: ACSetTransformation, g: ACSetTransformation, how: Callable[..., Any],
                repeat: int, span_shape: bool) -> tuple[dict[str, float], str]:
    if span_shape:
        objs = [arrays(f.dom), arrays(f.codom), arrays(g.codom)]
        arrows = [(0, 1, comps(f)), (0, 2, comps(g))]
    else:
        objs = [arrays(f.dom), arrays(f.codom)]
        arrows = [(0, 1, comps(f)), (0, 1, comps(g))]
    apex = how(f, g).apex
    times = interleaved({
        "ours": lambda: how(f, g),
        "finset": lambda: scipy_colimit(objs, arrows, homs=False),
        "homs": lambda: scipy_colimit(objs, arrows, homs=True),
        "apex": apex_fill(apex)}, repeat)
    t = statistics.median(times["ours"])
    times["rest"] = [a - b for a, b in zip(times["ours"], times["apex"], strict=True)]
    line = (f"{fmt(t):>10} {ratio(times, 'ours', 'finset'):>8.2f}x "
            f"{ratio(times, 'ours', 'homs'):>7.2f}x {ratio(times, 'apex', 'ours'):>6.0%} "
            f"{ratio(times, 'rest', 'finset'):>8.2f}x")
    return {k: statistics.median(v) for k, v in times.items()}, line


def limit_row(n: int, run: Callable[[], Any], base: Callable[[], Any], apex: ACSet,
              repeat: int) -> tuple[dict[str, float], str]:
    times = interleaved({"ours": run, "base": base, "apex": apex_fill(apex)}, repeat)
    t = statistics.median(times["ours"])
    line = (f"{fmt(t):>10} {ratio(times, 'ours', 'base'):>8.2f}x "
            f"{ratio(times, 'apex', 'ours'):>6.0%}")
    return {k: statistics.median(v) for k, v in times.items()}, line


def exponent(ts: list[float]) -> str:
    """The slope of the least-squares line through ``(log10 n, log10 t)``, sizes 10^k."""
    xs = list(range(len(ts)))
    ys = [math.log10(t) for t in ts]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
             / sum((x - mx) ** 2 for x in xs))
    return f"{slope:.2f}"


WORK = """each side computes, per object (V, E), the quotient of the disjoint union of the
diagram's parts and the class of every part (the legs), and the apex's src/tgt columns:
  ours    pushout()/coequalizer(): union-find, class numbering, apex homs, apex ACSet, legs
  FinSet  scipy connected_components of the identifications, per object (classes only)
  +homs   FinSet plus the apex's src/tgt by one gather and one scatter per hom
  numpy   pullback: a counting-sort equi-join per object and a binary search of the encoded
          images per hom; product: np.repeat/np.tile per object and the homs by arithmetic"""


def main(max_exp: int = 6) -> None:
    """Print the tables: medians, ratios to the baselines and growth exponents."""
    rng = np.random.default_rng(0)
    exps = list(range(4, max_exp + 1))
    print(WORK)
    print("ratio = ours / baseline (interleaved, medians); apex = share of our time spent "
          "filling the apex ACSet")
    print(f"{'parts':>9}  {'':4}{'ours':>10} {'/FinSet':>9} {'/+homs':>8} {'apex':>6} "
          f"{'rest/FinSet':>9}")
    rows: dict[str, list[dict[str, float]]] = {k: [] for k in ("push", "coeq", "pull", "prod")}
    for e in exps:
        n = 10 ** e
        repeat = {4: 21, 5: 9}.get(e, 5)
        f, g = span(n, rng)
        med, line = colimit_row(n, f, g, pushout, repeat, span_shape=True)
        rows["push"].append(med)
        print(f"{n:>9}  push{line}", flush=True)
        p, q = parallel(n, rng)
        med, line = colimit_row(n, p, q, coequalizer, repeat, span_shape=False)
        rows["coeq"].append(med)
        print(f"{n:>9}  coeq{line}", flush=True)
    print(f"{'parts':>9}  {'':4}{'ours':>10} {'/numpy':>9} {'apex':>6}")
    for e in exps:
        n = 10 ** e
        repeat = {4: 21, 5: 9}.get(e, 5)
        f, g = cospan(n, rng)
        B, C, fb, fc = arrays(f.dom), arrays(g.dom), comps(f), comps(g)
        med, line = limit_row(n, partial(pullback, f, g),
                              partial(numpy_pullback, B, C, fb, fc), pullback(f, g).apex,
                              repeat)
        rows["pull"].append(med)
        print(f"{n:>9}  pull{line}", flush=True)
        X, Y = pair(n, rng)
        ax, ay = arrays(X), arrays(Y)
        med, line = limit_row(n, partial(product, X, Y), partial(numpy_product, ax, ay),
                              product(X, Y).apex, repeat)
        rows["prod"].append(med)
        print(f"{n:>9}  prod{line}", flush=True)
    if len(exps) > 1:
        print(f"growth exponents, least-squares fit over 10^{exps[0]}..10^{exps[-1]} "
              "(1 is linear):")
        for k, name in (("push", "pushout"), ("coeq", "coequalizer"), ("pull", "pullback"),
                        ("prod", "product")):
            sides = [s for s in ("ours", "finset", "homs", "base") if s in rows[k][0]]
            print(f"  {name:12s}" + "  ".join(
                f"{s} {exponent([r[s] for r in rows[k]])}" for s in sides), flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--cpu"]
    if "--cpu" in sys.argv[1:]:
        CLOCK = time.thread_time
        print("clock: CPU time of this thread (time.thread_time)")
    main(int(args[0]) if args else 6)
