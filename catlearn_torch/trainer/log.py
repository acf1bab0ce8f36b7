"""The metrics log of :func:`catlearn_torch.fit` (``log_dir=``), outside Lightning.

After every epoch ``log_dir/metrics.csv`` is rewritten atomically with one row per epoch
so far (columns ``epoch``, ``step``, then every key of the records, in first-seen order;
an epoch without a key leaves it empty), so after a resume it still holds the whole run.
When the ``tensorboard`` package is installed, each epoch's record is also written as
scalars (tag: the key, step: the epoch) to TensorBoard event files in ``log_dir``
(imported lazily; without it only the CSV is written). Only rank 0 writes.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     log = MetricsLog(d, tensorboard=False)
...     log.write([{"total": 1.0}, {"total": 0.5, "val": 2.0}], steps=[3, 6])
...     print(pathlib.Path(d, "metrics.csv").read_text().strip())
epoch,step,total,val
1,3,1.0,
2,6,0.5,2.0
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MetricsLog", "have_tensorboard"]


def have_tensorboard() -> bool:
    """Whether the ``tensorboard`` package (which ``SummaryWriter`` needs) is installed.

    >>> isinstance(have_tensorboard(), bool)
    True
    """
    return importlib.util.find_spec("tensorboard") is not None


class MetricsLog:
    """``metrics.csv`` (and TensorBoard events) in ``log_dir`` (see the module docstring).

    >>> MetricsLog("/tmp/x", tensorboard=False).csv_path.name
    'metrics.csv'
    """

    def __init__(self, log_dir: str | os.PathLike[str], tensorboard: bool | None = None
                 ) -> None:
        self.dir = Path(log_dir)
        self.csv_path = self.dir / "metrics.csv"
        self.tensorboard = have_tensorboard() if tensorboard is None else bool(tensorboard)
        self._writer: Any = None
        self._written = 0

    def write(self, records: Sequence[Mapping[str, float]], steps: Sequence[int]) -> None:
        """Rewrite the CSV with every record, and add the new ones to TensorBoard.

        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as d:
        ...     MetricsLog(d, tensorboard=False).write([{"a": 2.5}], [7])
        ...     pathlib.Path(d, "metrics.csv").read_text().splitlines()
        ['epoch,step,a', '1,7,2.5']
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        keys: dict[str, None] = {}
        for r in records:
            keys.update(dict.fromkeys(r))
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["epoch", "step", *keys])
        for i, r in enumerate(records):
            out.writerow([i + 1, steps[i] if i < len(steps) else "",
                          *(repr(float(r[k])) if k in r else "" for k in keys)])
        tmp = self.csv_path.with_name(f".{self.csv_path.name}.tmp-{os.getpid()}")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        os.replace(tmp, self.csv_path)
        if self.tensorboard:
            self._tensorboard(records)

    def _tensorboard(self, records: Sequence[Mapping[str, float]]) -> None:
        if self._writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(log_dir=str(self.dir))
            self._written = 0 if not records else len(records) - 1
        for i in range(self._written, len(records)):
            for k, v in records[i].items():
                self._writer.add_scalar(k, float(v), i + 1)
        self._written = len(records)
        self._writer.flush()

    def close(self) -> None:
        """Close the TensorBoard writer, if any.

        >>> MetricsLog("/tmp/x", tensorboard=False).close()
        """
        if self._writer is not None:
            self._writer.close()
            self._writer = None
