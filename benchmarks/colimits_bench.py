"""Time pushouts and coequalizers of graphs of 10^3 ... 10^6 parts; print growth exponents.

For each size ``n`` (parts = vertices + edges of each input graph):

* pushout: ``B <-f- A -g-> C`` where ``B`` and ``C`` are random graphs of ``n`` parts,
  ``A`` a random graph of ``n/4`` parts, ``f`` an inclusion (monic) and ``g`` a
  non-monic map (it sends vertex ``v`` of ``A`` to vertex ``v // 2`` of ``C``);
* coequalizer: ``f, g: G ⇉ G + G``, the two inclusions of a random graph ``G`` of ``n/2``
  parts into two disjoint copies (the coequalizer glues them back into ``G``).

Each time is the median of several runs of the whole construction (union–find, apex,
checked legs). The growth column is ``time(10n) / time(n)``: about 10 means linear.

Run: ``PYTHONPATH=. python benchmarks/colimits_bench.py [max_exponent]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import fmt, median_time  # noqa: E402

from catlearn.acsets.acset import ACSet  # noqa: E402
from catlearn.acsets.colimits import coequalizer, pushout  # noqa: E402
from catlearn.acsets.morphism import ACSetTransformation  # noqa: E402
from catlearn.acsets.schema import SchGraph  # noqa: E402


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
    # B: A's vertices and edges first, then random extras
    bsrc = np.concatenate([asrc, rng.integers(0, nv, ne - ae)])
    btgt = np.concatenate([atgt, rng.integers(0, nv, ne - ae)])
    B = graph(nv, bsrc, btgt)
    f = ACSetTransformation(A, B, V=np.arange(av), E=np.arange(ae))
    # C: the quotient v -> v // 2 of A's vertices first, then random extras
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


def main(max_exp: int = 6) -> None:
    """Print the table of median times and growth exponents."""
    rng = np.random.default_rng(0)
    print(f"{'parts':>9}  {'pushout':>10}  {'growth':>6}  {'coequalizer':>11}  {'growth':>6}")
    prev: tuple[float, float] | None = None
    for e in range(3, max_exp + 1):
        n = 10 ** e
        f, g = span(n, rng)
        p, q = parallel(n, rng)
        repeat = 7 if e <= 5 else 3
        t_push = median_time(lambda f=f, g=g: pushout(f, g), repeat=repeat)
        t_coeq = median_time(lambda p=p, q=q: coequalizer(p, q), repeat=repeat)
        g1 = f"{t_push / prev[0]:.1f}" if prev else "-"
        g2 = f"{t_coeq / prev[1]:.1f}" if prev else "-"
        print(f"{n:>9}  {fmt(t_push):>10}  {g1:>6}  {fmt(t_coeq):>11}  {g2:>6}", flush=True)
        prev = (t_push, t_coeq)
    print("growth = time(10x)/time(x); ~10 is linear")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
