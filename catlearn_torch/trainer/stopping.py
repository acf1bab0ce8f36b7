"""Early stopping on a metric of the epoch's record, as Lightning's ``EarlyStopping``.

An epoch *improves* when its ``monitor`` value beats the best so far by more than
``min_delta`` (``mode="min"``: ``value < best - min_delta``; ``"max"``: ``value > best +
min_delta``); training stops after ``patience`` epochs in a row without improvement. A
NaN value never improves. The state (best, epochs waited) goes into checkpoints.

>>> s = EarlyStopping(monitor="total", patience=1)
>>> [s.update({"total": v}) for v in (3.0, 2.0, 2.5)]
[False, False, True]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catlearn_torch.errors import BAD_FIT_ARG, NO_MONITOR, RealisationError

__all__ = ["EarlyStopping", "as_early_stopping"]


@dataclass
class EarlyStopping:
    """Stop when ``monitor`` has not improved for ``patience`` epochs (module docstring).

    >>> EarlyStopping(mode="max").best
    -inf
    """

    monitor: str = "total"
    mode: str = "min"
    patience: int = 3
    min_delta: float = 0.0
    best: float | None = None
    wait: int = 0

    def __post_init__(self) -> None:
        def bad(name: str, expected: str, got: Any) -> RealisationError:
            return RealisationError(BAD_FIT_ARG.format(
                name=f"early_stopping {name}", expected=expected, got=got))

        if not isinstance(self.monitor, str) or not self.monitor:
            raise bad("monitor", "a metric name", self.monitor)
        if self.mode not in ("min", "max"):
            raise bad("mode", "'min' or 'max'", self.mode)
        if isinstance(self.patience, bool) or not isinstance(self.patience, int) \
                or self.patience < 0:
            raise bad("patience", "an int >= 0", self.patience)
        if isinstance(self.min_delta, bool) or not isinstance(self.min_delta, (int, float)) \
                or not math.isfinite(self.min_delta) or self.min_delta < 0:
            raise bad("min_delta", "a finite number >= 0", self.min_delta)
        if self.best is None:
            self.best = math.inf if self.mode == "min" else -math.inf

    def improved(self, value: float) -> bool:
        """Whether ``value`` beats the best by more than ``min_delta``.

        >>> EarlyStopping(min_delta=0.5, best=1.0).improved(0.6)
        False
        """
        best = self.best if self.best is not None else math.inf
        if self.mode == "min":
            return value < best - self.min_delta
        return value > best + self.min_delta

    def update(self, record: Mapping[str, float]) -> bool:
        """Take an epoch's record; returns whether to stop.

        >>> EarlyStopping(monitor="val").update({"total": 1.0})
        Traceback (most recent call last):
        ...
        catlearn_torch.errors.RealisationError: early stopping monitors 'val', which the \
epoch's record does not have (it has: total); ...
        """
        if self.monitor not in record:
            raise RealisationError(NO_MONITOR.format(
                what="early stopping", name=self.monitor, known=", ".join(record) or "none"))
        value = float(record[self.monitor])
        if not math.isnan(value) and self.improved(value):
            self.best, self.wait = value, 0
            return False
        self.wait += 1
        return self.wait >= self.patience

    def state_dict(self) -> dict[str, Any]:
        """``best`` and ``wait``, for checkpoints.

        >>> EarlyStopping().state_dict()
        {'best': inf, 'wait': 0}
        """
        return {"best": float(self.best if self.best is not None else math.nan),
                "wait": int(self.wait)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`.

        >>> s = EarlyStopping(); s.load_state_dict({"best": 1.0, "wait": 2}); s.wait
        2
        """
        self.best, self.wait = float(state["best"]), int(state["wait"])


def as_early_stopping(spec: Any) -> EarlyStopping | None:
    """``early_stopping=`` of :func:`catlearn_torch.fit`: ``None``, an
    :class:`EarlyStopping`, or a mapping of its arguments (``monitor``, ``mode``,
    ``patience``, ``min_delta``).

    >>> as_early_stopping({"patience": 2, "mode": "max"})
    EarlyStopping(monitor='total', mode='max', patience=2, min_delta=0.0, best=-inf, wait=0)
    """
    if spec is None or isinstance(spec, EarlyStopping):
        return spec
    if isinstance(spec, Mapping):
        allowed = {"monitor", "mode", "patience", "min_delta"}
        extra = [str(k) for k in spec if k not in allowed]
        if extra:
            raise RealisationError(BAD_FIT_ARG.format(
                name="early_stopping", expected="keys among monitor, mode, patience, "
                "min_delta", got=", ".join(extra)))
        return EarlyStopping(**dict(spec))
    raise RealisationError(BAD_FIT_ARG.format(
        name="early_stopping", expected="None, an EarlyStopping or a mapping of its "
        "arguments", got=spec))
