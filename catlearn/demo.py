"""The demo behind ``catlearn demo``: knowledge distillation on the handwritten digits.

The work is done by the torch backend (:mod:`catlearn_torch.demo`), imported only when the
demo runs, so ``catlearn`` itself stays importable without torch; without it (or without
scikit-learn, which ships the digits) the demo says how to install them.

The example is skipped as a doctest because it trains (tests/test_cli.py runs it):

>>> text = run_demo("demo-out", epochs=1, echo=False)  # doctest: +SKIP
>>> "student alone" in text                            # doctest: +SKIP
True
"""

from __future__ import annotations

from pathlib import Path

from catlearn.errors import CatlearnError

__all__ = ["run_demo"]

INSTALL = "pip install 'catlearn-diagrams[torch,examples]'"


def run_demo(out_dir: str | Path = "catlearn-demo", epochs: int = 20, seed: int = 0,
             echo: bool = True, progress: bool = True, threads: int | None = 1) -> str:
    """Train the knowledge-distillation regime, print the accuracies and per-equation
    losses, write the picture; return the report (see :mod:`catlearn_torch.demo`).
    ``threads``: torch's CPU threads (``None`` leaves torch's setting alone).

    >>> import catlearn.demo
    >>> catlearn.demo.INSTALL
    "pip install 'catlearn-diagrams[torch,examples]'"
    """
    try:
        import sklearn  # noqa: F401
        import torch
    except ImportError as err:
        raise CatlearnError(f"the demo trains models with PyTorch on scikit-learn's digits, "
                            f"but {err.name} is not installed; install both with: "
                            f"{INSTALL}") from None
    from catlearn_torch.demo import distillation_demo

    if threads is not None:
        torch.set_num_threads(threads)
    return distillation_demo(out_dir, epochs=epochs, seed=seed, progress=progress, echo=echo)
