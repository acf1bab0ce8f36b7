"""Shared timing helpers for the benchmark scripts (medians of repeated runs)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], repeat: int = 5, setup: Callable[[], Any] | None = None
                ) -> float:
    """Median wall time in seconds of ``fn()`` over ``repeat`` runs (``setup`` untimed)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fmt(seconds: float | None) -> str:
    """Seconds as a short human string (``n/a`` for ``None``)."""
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f}µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f}ms"
    return f"{seconds:.2f}s"


def ratio(ours: float | None, theirs: float | None) -> str:
    """``theirs / ours`` as ``"123.4x"`` (how many times faster we are), or ``n/a``."""
    if ours is None or theirs is None or ours == 0:
        return "n/a"
    return f"{theirs / ours:.1f}x"
