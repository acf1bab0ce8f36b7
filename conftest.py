"""Names every doctest of the packages may use without importing them.

The doctests of ``catlearn`` and ``catlearn_torch`` (run with ``--doctest-modules``) see
``ACSet``, ``SchGraph``, ``LearningGraph``, ``LearningDiagram`` and ``np`` (numpy); those
of ``catlearn_torch`` also see ``torch``, ``nn`` (``torch.nn``), ``Realisation`` and
``compile`` (``catlearn_torch.compile``). Torch is imported only for the doctests of
``catlearn_torch``, so the core's doctests never import it.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pytest

from catlearn.acsets.acset import ACSet
from catlearn.acsets.schema import SchGraph
from catlearn.learning import LearningDiagram, LearningGraph

#: The names every doctest sees.
CORE_NAMESPACE: dict[str, Any] = {
    "ACSet": ACSet, "SchGraph": SchGraph, "LearningGraph": LearningGraph,
    "LearningDiagram": LearningDiagram, "np": np,
}


def torch_namespace() -> dict[str, Any]:
    """The names the doctests of ``catlearn_torch`` see besides :data:`CORE_NAMESPACE`."""
    if importlib.util.find_spec("torch") is None:
        return {}
    import torch
    from torch import nn

    from catlearn_torch import Realisation, compile

    return {"torch": torch, "nn": nn, "Realisation": Realisation, "compile": compile}


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest) -> None:
    """Fill ``doctest_namespace`` for a doctest item (and do nothing for other tests)."""
    dtest = getattr(request.node, "dtest", None)  # only doctest items carry one
    if dtest is None:
        return
    namespace = request.getfixturevalue("doctest_namespace")
    namespace.update(CORE_NAMESPACE)
    if dtest.name.startswith("catlearn_torch"):
        namespace.update(torch_namespace())
