"""The random number generators' states, as checkpoints hold them.

>>> s = rng_state(); a = torch.rand(1); set_rng_state(s); torch.equal(a, torch.rand(1))
True
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from catlearn_torch.errors import CKPT_KEY, CheckpointError

__all__ = ["rng_state", "set_rng_state"]


def rng_state() -> dict[str, Any]:
    """The states of torch's CPU (and initialised CUDA) generators, Python's and NumPy's,
    as tensors, numbers and lists (``weights_only``-loadable).

    >>> sorted(rng_state())
    ['cuda', 'numpy', 'python', 'torch']
    """
    np_state: Any = np.random.get_state()
    py = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else [],
        "python": [py[0], list(py[1]), py[2]],
        "numpy": {"kind": str(np_state[0]),
                  "keys": torch.from_numpy(np.asarray(np_state[1], dtype=np.int64)),
                  "pos": int(np_state[2]), "has_gauss": int(np_state[3]),
                  "gauss": float(np_state[4])},
    }


def set_rng_state(state: Mapping[str, Any], path: Any = "<checkpoint>") -> None:
    """Restore what :func:`rng_state` returned; a malformed state is a
    :class:`CheckpointError` naming ``path`` (nothing is changed then).

    >>> set_rng_state({"torch": 0}, "run.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: the checkpoint run.pt is damaged: ...
    """
    try:
        py = state["python"]
        py_state = (py[0], tuple(py[1]), py[2])
        n = state["numpy"]
        np_state = (n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"],
                    n["has_gauss"], n["gauss"])
        torch_state = state["torch"]
        if not isinstance(torch_state, torch.Tensor) or torch_state.dtype != torch.uint8:
            raise TypeError("the torch generator state is not a uint8 tensor")
        saved = torch.get_rng_state()
        torch.set_rng_state(torch_state)
        try:
            random.setstate(py_state)
            np.random.set_state(np_state)
        except Exception:
            torch.set_rng_state(saved)
            raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RuntimeError) as err:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"'rng' holds malformed generator states ({type(err).__name__}: "
                           f"{err})")) from None
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
