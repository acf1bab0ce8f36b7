"""Checkpoints: atomic writes, a SHA-256 digest verified on load, ``weights_only`` reads.

A checkpoint file is what ``torch.save`` writes for a small envelope (it loads with
``torch.load(path, weights_only=True)``; nothing is unpickled beyond tensors, numbers,
strings, lists and dicts):

=============== ===============================================================
``format``      ``"catlearn_torch.checkpoint"``; ``version``: 2
``sha256``      the SHA-256 hex digest of ``payload``'s bytes
``torch``       the torch version that wrote it
``payload``     a ``uint8`` tensor: the ``torch.save`` bytes of the run's state
=============== ===============================================================

The run's state (what :func:`load_checkpoint` returns) is a dict:

=============== ===============================================================
``spec``        the diagram's spec as JSON text (a resume checks it matches)
``models``      ``{edge name: module state_dict}`` for every fixed and learnable edge
``frozen``      the frozen edges; ``weights``: ``{equation name: weight}``
``weighting``   the weighting strategy: ``{"name": ..., "state": state_dict}``
``optimizer``   the optimiser's ``state_dict``; ``scheduler``: the scheduler's or None
``epoch``       epochs completed; ``step``: optimiser steps taken in all
``cycle``       where the epoch stands: its step and, per source, the RNG state when its
                loader iterator was made and how many batches it gave
``rng``         RNG states: ``torch``, ``cuda`` (one per device), ``python``, ``numpy``
``history``     the per-epoch means so far
``trainer``     the trainer's own state (gradient scaler, EMA models, early stopping,
                micro-step counter); ``{}`` when there is none
=============== ===============================================================

**Verification.** :func:`load_checkpoint` recomputes the payload's digest and compares it
with the stored one, checks that the torch version written around the payload is the one
recorded inside it, and (when that is this process's torch version) re-serialises the
envelope and compares it with the file byte for byte, so a change of any byte of the file
— in a tensor, in a string, in the zip's headers or padding — is a :class:`CheckpointError`
naming the file, never a run that quietly resumes from altered state. (Under another
torch version only the byte-for-byte comparison is skipped: ``torch.save``'s container
may differ between versions; everything that is loaded is still digest-checked.) Every key is then
checked for presence and type; a missing or malformed one is a :class:`CheckpointError`
naming the key. Writes are atomic (:func:`atomic_save`).

>>> import tempfile, torch
>>> with tempfile.TemporaryDirectory() as d:
...     path = atomic_save(envelope({"a": torch.ones(2)}), f"{d}/x.pt")
...     read_envelope(path)["a"].tolist()
[1.0, 1.0]
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from catlearn_torch.compile import unwrap
from catlearn_torch.errors import (
    CKPT_CORRUPT,
    CKPT_DIAGRAM,
    CKPT_FORMAT,
    CKPT_KEY,
    CKPT_MODELS,
    CKPT_OLD,
    CKPT_UNREADABLE,
    CKPT_WEIGHTING,
    CheckpointError,
)
from catlearn_torch.trainer.optim import sync_optimizer
from catlearn_torch.trainer.rng import rng_state, set_rng_state

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "atomic_save", "safe_load",
           "envelope", "read_envelope", "save_checkpoint", "load_checkpoint",
           "restore_checkpoint", "validate_checkpoint"]

#: The ``format`` field of checkpoints, and their version.
CHECKPOINT_FORMAT = "catlearn_torch.checkpoint"
CHECKPOINT_VERSION = 2


def atomic_save(data: Any, path: str | os.PathLike[str]) -> str:
    """``torch.save`` to a temporary file in the same folder, fsynced, then renamed over
    ``path`` (a reader never sees a half-written file); returns the path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     torch.load(atomic_save({"a": 1}, f"{d}/f.pt"), weights_only=True)
    {'a': 1}
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            torch.save(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return str(target)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0]}" if text else type(err).__name__


def safe_load(path: str | os.PathLike[str]) -> Any:
    """``torch.load(path, weights_only=True)`` on the CPU, with a :class:`CheckpointError`
    naming the file for a missing, truncated, foreign or unsafe one (no pickled code is
    ever run).

    >>> safe_load("/nonexistent/model.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: cannot read the checkpoint /nonexistent/model.pt: ...
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why="no such file")) from None
    except Exception as err:  # a truncated, foreign or unsafe file
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why=_first_line(err))) from None


def _serialise(obj: Any) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def envelope(state: Mapping[str, Any]) -> dict[str, Any]:
    """The envelope written to disk for a run's state: its ``torch.save`` bytes as a
    ``uint8`` tensor and their SHA-256 digest (see the module docstring).

    >>> sorted(envelope({"epoch": 1}))
    ['format', 'payload', 'sha256', 'torch', 'version']
    """
    version = str(torch.__version__)
    raw = _serialise({"torch": version, "state": dict(state)})
    return {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION,
            "sha256": hashlib.sha256(raw).hexdigest(), "torch": version,
            "payload": torch.frombuffer(bytearray(raw), dtype=torch.uint8)}


def read_envelope(path: str | os.PathLike[str]) -> Any:
    """Read a checkpoint file, verify its digest (and its bytes, see the module
    docstring) and return the run's state it holds.

    >>> read_envelope("/nonexistent/run.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: cannot read the checkpoint /nonexistent/run.pt: ...
    """
    try:
        blob = Path(path).read_bytes()
    except FileNotFoundError:
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why="no such file")) from None
    except OSError as err:
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why=_first_line(err))) from None
    try:
        outer = torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    except Exception as err:  # a truncated, foreign or unsafe file
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why=_first_line(err))) from None
    _check_format(outer, path)
    payload, digest = outer.get("payload"), outer.get("sha256")
    if set(outer) != _ENVELOPE or not isinstance(payload, torch.Tensor) \
            or payload.dtype != torch.uint8 or payload.dim() != 1 or not isinstance(digest, str):
        raise CheckpointError(CKPT_CORRUPT.format(
            path=path, why="its payload or digest is missing or malformed"))
    raw = payload.numpy().tobytes()
    if hashlib.sha256(raw).hexdigest() != digest:
        raise CheckpointError(CKPT_CORRUPT.format(
            path=path, why="the SHA-256 digest of its payload does not match the stored one"))
    if outer.get("torch") == str(torch.__version__) and _serialise(outer) != blob:
        raise CheckpointError(CKPT_CORRUPT.format(
            path=path, why="its bytes differ from what was written (the payload's digest "
                           "matches, the container around it was altered)"))
    try:
        inner = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as err:  # cannot happen for a digest-checked file but a forged one
        raise CheckpointError(CKPT_UNREADABLE.format(
            path=path, why=_first_line(err))) from None
    if not isinstance(inner, dict) or set(inner) != {"torch", "state"} \
            or inner["torch"] != outer.get("torch"):
        raise CheckpointError(CKPT_CORRUPT.format(
            path=path, why="the torch version recorded around the payload differs from "
                           "the one inside it"))
    return inner["state"]


_ENVELOPE = {"format", "version", "sha256", "torch", "payload"}


def _check_format(outer: Any, path: Any) -> None:
    fmt = outer.get("format") if isinstance(outer, dict) else type(outer).__name__
    version = outer.get("version") if isinstance(outer, dict) else None
    if fmt == CHECKPOINT_FORMAT and version == 1:
        raise CheckpointError(CKPT_OLD.format(path=path))
    if fmt != CHECKPOINT_FORMAT or version != CHECKPOINT_VERSION:
        raise CheckpointError(CKPT_FORMAT.format(
            path=path, got=fmt, expected=CHECKPOINT_FORMAT, version=CHECKPOINT_VERSION))


#: The keys of a run's state and the types each must have (``None`` allowed where noted).
_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "spec": ((str,), False), "models": ((dict,), False), "frozen": ((list,), False),
    "weights": ((dict,), False), "weighting": ((dict,), True),
    "optimizer": ((dict,), True), "scheduler": ((dict,), True),
    "epoch": ((int,), False), "step": ((int,), False), "cycle": ((dict,), False),
    "rng": ((dict,), False), "history": ((list,), False), "trainer": ((dict,), False),
}


def validate_checkpoint(state: Any, path: Any = "<checkpoint>") -> dict[str, Any]:
    """Check that a run's state has every key with the right type (see the module
    docstring); returns it. A missing or malformed key is a :class:`CheckpointError`
    naming the key and the file.

    >>> validate_checkpoint({"spec": "{}"}, "run.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: the checkpoint run.pt is damaged: key 'models' \
is missing
    """
    if not isinstance(state, dict):
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"it holds {type(state).__name__}, not a dict"))
    for key, (types, optional) in _KEYS.items():
        if key not in state:
            raise CheckpointError(CKPT_KEY.format(
                path=path, why=f"key {key!r} is missing"))
        value = state[key]
        if (value is None and optional) or (isinstance(value, types)
                                            and not isinstance(value, bool)):
            continue
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"key {key!r} holds {type(value).__name__}, expected "
                           f"{' or '.join(t.__name__ for t in types)}"))
    _validate_parts(state, path)
    return state


def _validate_parts(state: dict[str, Any], path: Any) -> None:
    def bad(why: str) -> CheckpointError:
        return CheckpointError(CKPT_KEY.format(path=path, why=why))

    for e, sd in state["models"].items():
        if not isinstance(e, str) or not isinstance(sd, dict):
            raise bad(f"'models' entry {e!r} is not an edge name with a state_dict")
    if not all(isinstance(e, str) for e in state["frozen"]):
        raise bad("'frozen' is not a list of edge names")
    for n, w in state["weights"].items():
        if not isinstance(w, (int, float)) or isinstance(w, bool):
            raise bad(f"'weights' entry {n!r} is {w!r}, not a number")
    saved = state["weighting"]
    if saved is not None and (not isinstance(saved.get("name"), str)
                              or not isinstance(saved.get("state"), dict)):
        raise bad("'weighting' lacks its 'name' or 'state'")
    cycle = state["cycle"]
    if not isinstance(cycle.get("step"), int) or not isinstance(cycle.get("sources"), dict):
        raise bad("'cycle' lacks its 'step' or 'sources'")
    rng = state["rng"]
    if not {"torch", "cuda", "python", "numpy"} <= set(rng):
        raise bad("'rng' lacks one of 'torch', 'cuda', 'python', 'numpy'")
    if not isinstance(rng["torch"], torch.Tensor) or not isinstance(rng["numpy"], dict) \
            or not isinstance(rng["python"], list) or len(rng["python"]) != 3:
        raise bad("'rng' holds malformed generator states")
    if not all(isinstance(h, dict) for h in state["history"]):
        raise bad("'history' is not a list of dicts")
    if state["epoch"] < 0 or state["step"] < 0 or cycle["step"] < 0:
        raise bad("'epoch', 'step' or the cycle's step is negative")


def save_checkpoint(path: str | os.PathLike[str], compiled: nn.Module,
                    optimizer: torch.optim.Optimizer | None = None, *,
                    scheduler: Any = None, epoch: int = 0, step: int = 0,
                    cycle: Mapping[str, Any] | None = None,
                    history: Sequence[Mapping[str, float]] = (),
                    trainer: Mapping[str, Any] | None = None) -> str:
    """Write a checkpoint atomically (see the module docstring); returns its path.

    >>> import tempfile, torch.nn as nn
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(load_checkpoint(save_checkpoint(f"{d}/run.pt", L))["models"]["c"])
    ['bias', 'weight']
    """
    core = unwrap(compiled)
    state = {
        "spec": core.spec_text(),
        "models": {e: m.state_dict() for e, m in core.models.items()},
        "frozen": list(core.frozen()),
        "weights": dict(core.weights),
        "weighting": {"name": type(core.weighting).__name__,
                      "state": core.weighting.state_dict()},
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "epoch": int(epoch),
        "step": int(step),
        "cycle": dict(cycle) if cycle is not None else {"step": 0, "sources": {}},
        "rng": rng_state(),
        "history": [dict(h) for h in history],
        "trainer": dict(trainer or {}),
    }
    return atomic_save(envelope(state), path)


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint, verify its digest and check every key (see the module
    docstring); returns the run's state.

    >>> load_checkpoint("/nonexistent/run.pt")
    Traceback (most recent call last):
    ...
    catlearn_torch.errors.CheckpointError: cannot read the checkpoint /nonexistent/run.pt: ...
    """
    return validate_checkpoint(read_envelope(path), path)


def _structure(spec: str, path: Any) -> Any:
    """A spec without its weights (runs may reweight equations as they go)."""
    try:
        data = json.loads(spec)
    except ValueError as err:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"'spec' is not JSON ({err})")) from None
    if not isinstance(data, dict):
        raise CheckpointError(CKPT_KEY.format(
            path=path, why="'spec' is not a JSON object"))
    data.pop("weights", None)
    for eq in data.get("equations") or []:
        if isinstance(eq, dict):
            eq.pop("weight", None)
    return data


def _restore_models(core: Any, checkpoint: Mapping[str, Any], path: str) -> None:
    models = checkpoint["models"]
    if set(models) != set(core.models):
        raise CheckpointError(CKPT_MODELS.format(
            path=path, theirs=", ".join(sorted(models)), ours=", ".join(sorted(core.models))))
    for e, sd in models.items():
        try:
            core.models[e].load_state_dict(sd)
        except (RuntimeError, KeyError, ValueError, TypeError) as err:
            raise CheckpointError(CKPT_MODELS.format(
                path=path, theirs=f"{e} with other parameters ({str(err).splitlines()[0]})",
                ours=f"{e}: {type(core.models[e]).__name__}")) from None
    core.clear_cache()


def _restore_surgery(core: Any, checkpoint: Mapping[str, Any], path: str) -> None:
    unknown = [e for e in checkpoint["frozen"] if e not in core.models]
    if unknown:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"'frozen' names {', '.join(unknown)}, which have no module"))
    for e in checkpoint["frozen"]:
        if e not in core.frozen():
            core.freeze(e)
    for e in core.frozen():
        if e not in checkpoint["frozen"] and core.roles[e] != "fixed":
            core.unfreeze(e)
    try:
        core.reweight(checkpoint["weights"])
    except ValueError as err:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"'weights': {err}")) from None
    saved = checkpoint.get("weighting")
    if saved is not None:
        if saved["name"] != type(core.weighting).__name__:
            raise CheckpointError(CKPT_WEIGHTING.format(
                path=path, theirs=saved["name"], ours=type(core.weighting).__name__))
        try:
            core.weighting.load_state_dict(saved["state"])
        except (RuntimeError, KeyError, ValueError, TypeError) as err:
            raise CheckpointError(CKPT_KEY.format(
                path=path, why=f"'weighting' state: {str(err).splitlines()[0]}")) from None


def _restore_optimizer(core: Any, checkpoint: Mapping[str, Any],
                       optimizer: torch.optim.Optimizer | None, scheduler: Any,
                       path: str) -> None:
    try:
        if optimizer is not None and checkpoint["optimizer"] is not None:
            sync_optimizer(optimizer, core, scheduler=scheduler)
            names = [g.get("name") for g in checkpoint["optimizer"]["param_groups"]]
            by_name = {g.get("name"): g for g in optimizer.param_groups}
            if None not in names and len(by_name) == len(optimizer.param_groups) \
                    and set(names) == set(by_name):
                optimizer.param_groups[:] = [by_name[n] for n in names]
            optimizer.load_state_dict(checkpoint["optimizer"])
        if scheduler is not None and checkpoint["scheduler"] is not None:
            scheduler.load_state_dict(checkpoint["scheduler"])
    except (RuntimeError, KeyError, ValueError, TypeError, IndexError) as err:
        raise CheckpointError(CKPT_KEY.format(
            path=path, why=f"the optimiser or scheduler state does not fit this run "
                           f"({_first_line(err)})")) from None


def restore_checkpoint(compiled: nn.Module, checkpoint: Mapping[str, Any],
                       optimizer: torch.optim.Optimizer | None = None,
                       scheduler: Any = None, path: str = "<checkpoint>",
                       rng: bool = True) -> None:
    """Load a checkpoint's models (by edge name), frozen edges, weights, optimiser,
    scheduler and (``rng=True``) RNG states into a run; the diagram must match (up to
    the equations' weights, which are restored from the checkpoint).

    >>> import tempfile, torch.nn as nn
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> A = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> B = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     restore_checkpoint(B, load_checkpoint(save_checkpoint(f"{d}/a.pt", A)))
    >>> torch.equal(A.model("c").weight, B.model("c").weight)
    True
    """
    core = unwrap(compiled)
    checkpoint = validate_checkpoint(dict(checkpoint), path)
    ours = core.spec_text()
    if _structure(checkpoint["spec"], path) != _structure(ours, path):
        raise CheckpointError(CKPT_DIAGRAM.format(
            path=path, theirs=checkpoint["spec"], ours=ours))
    _restore_models(core, checkpoint, path)
    _restore_surgery(core, checkpoint, path)
    _restore_optimizer(core, checkpoint, optimizer, scheduler, path)
    if rng:
        set_rng_state(checkpoint["rng"], path)
