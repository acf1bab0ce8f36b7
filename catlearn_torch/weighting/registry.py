"""The built-in weighting strategies by name, and :func:`get_weighting`.

>>> get_weighting("mgda(normalize='l2')")
MGDA(shared=None, normalize='l2', mode='auto')
"""

from __future__ import annotations

import re

from catlearn_torch.errors import BAD_WEIGHTING_ARGS, UNKNOWN_WEIGHTING, WeightingError
from catlearn_torch.weighting.base import Fixed, Weighting
from catlearn_torch.weighting.cagrad import CAGrad
from catlearn_torch.weighting.dwa import DWA
from catlearn_torch.weighting.gradnorm import GradNorm
from catlearn_torch.weighting.imtl import IMTLG
from catlearn_torch.weighting.mgda import MGDA
from catlearn_torch.weighting.pcgrad import PCGrad
from catlearn_torch.weighting.uncertainty import Uncertainty

__all__ = ["WEIGHTINGS", "get_weighting"]

#: The built-in weighting strategies by name.
WEIGHTINGS: dict[str, type[Weighting]] = {
    c.name: c for c in (Fixed, Uncertainty, DWA, GradNorm, PCGrad, CAGrad, MGDA, IMTLG)
}


def get_weighting(spec: str | Weighting | None) -> Weighting:
    """A weighting strategy from a name (``"uncertainty"``, ``"dwa(temperature=2)"``,
    ``"gradnorm(alpha=1.5)"``), an instance, or ``None`` (fixed).

    >>> get_weighting(None), get_weighting("gradnorm(alpha=0.5)")
    (Fixed(), GradNorm(alpha=0.5, shared=None))
    >>> get_weighting("sgd")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.WeightingError: unknown weighting 'sgd' (built in: fixed, ...
    """
    if spec is None:
        return Fixed()
    if isinstance(spec, Weighting):
        return spec
    if isinstance(spec, str):
        from catlearn_torch.comparators import _parse
        from catlearn_torch.errors import ComparatorError

        try:
            name, kwargs = _parse(spec)
        except ComparatorError as err:
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=spec, why=str(err))) from None
        if name not in WEIGHTINGS:
            raise WeightingError(UNKNOWN_WEIGHTING.format(
                name=spec, known=", ".join(WEIGHTINGS)))
        try:
            return WEIGHTINGS[name](**kwargs)
        except TypeError as err:
            raise WeightingError(BAD_WEIGHTING_ARGS.format(
                name=name, why=re.sub(r"^[\w.]*__init__\(\) ", "", str(err)))) from None
    raise WeightingError(f"weighting must be a name, a Weighting or None, not "
                         f"{type(spec).__name__}")

