"""Mixed precision: ``torch.autocast`` for the forward, ``torch.amp.GradScaler`` for
float16's backward.

``precision="32"`` (default; ``"32-true"`` too) runs as is. ``"bf16-mixed"`` runs the
forward under ``torch.autocast(device_type, dtype=torch.bfloat16)`` (no scaler: bfloat16
has float32's range). ``"16-mixed"`` uses float16 autocast and a ``GradScaler`` whose
state goes into checkpoints; on a CPU it is replaced by ``"bf16-mixed"`` with a warning,
as Lightning's ``Trainer(accelerator="cpu", precision="16-mixed")`` does.

>>> p = Precision.of("bf16-mixed", torch.device("cpu"))
>>> p.dtype, p.scaler is None
(torch.bfloat16, True)
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import Any

import torch

from catlearn_torch.errors import BAD_FIT_ARG, FP16_CPU, RealisationError

__all__ = ["Precision", "PRECISIONS"]

#: The accepted ``precision=`` values.
PRECISIONS = ("32", "32-true", "bf16-mixed", "16-mixed")


@dataclass
class Precision:
    """The precision of a run: the autocast dtype (``None``: none) and the scaler.

    >>> Precision.of("32", torch.device("cpu")).dtype is None
    True
    """

    name: str
    device_type: str
    dtype: torch.dtype | None = None
    scaler: torch.amp.GradScaler | None = None

    @classmethod
    def of(cls, precision: Any, device: torch.device) -> Precision:
        """Parse ``precision=`` for a run on ``device`` (see the module docstring).

        >>> Precision.of("64", torch.device("cpu"))
        Traceback (most recent call last):
        ...
        catlearn_torch.errors.RealisationError: fit: precision must be one of 32, \
32-true, bf16-mixed, 16-mixed, not '64'
        """
        name = str(precision) if isinstance(precision, int) and not isinstance(
            precision, bool) else precision
        if name not in PRECISIONS:
            raise RealisationError(BAD_FIT_ARG.format(
                name="precision", expected="one of " + ", ".join(PRECISIONS), got=precision))
        kind = device.type
        if name == "16-mixed" and kind == "cpu":
            warnings.warn(FP16_CPU, UserWarning, stacklevel=3)
            name = "bf16-mixed"
        if name == "bf16-mixed":
            return cls(name, kind, torch.bfloat16)
        if name == "16-mixed":
            return cls(name, kind, torch.float16, torch.amp.GradScaler(kind))
        return cls("32", kind)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """The context the forward runs in.

        >>> with Precision.of("32", torch.device("cpu")).autocast():
        ...     pass
        """
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    @property
    def scale(self) -> float:
        """The loss scale now (1 without a scaler).

        >>> Precision.of("32", torch.device("cpu")).scale
        1.0
        """
        return float(self.scaler.get_scale()) if self.scaler is not None else 1.0
