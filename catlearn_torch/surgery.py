"""Model surgery: manipulate the models of a regime during or after training.

The paper promises that a regime's models can be swapped, frozen, re-weighted, saved,
loaded and carried over to a bigger regime. :class:`CompiledDiagram` has the in-place
verbs (``replace``, ``freeze``, ``unfreeze``, ``reweight``, ``set_weighting``); this
module adds what has to follow them and what moves parameters between runs:

* :func:`sync_optimizer` makes an optimiser follow the diagram after ``replace`` /
  ``freeze`` / ``unfreeze`` / ``set_weighting``: the group of a frozen edge is removed,
  a replaced module's parameters take the place of the old ones in its group (the old
  ones' optimiser state is dropped, the others' is kept), a new trainable edge gets a
  group (``lr``: ``edge_lr[edge]``, else ``lr``, else the optimiser's default). A
  scheduler's per-group lists follow. :func:`catlearn_torch.fit` does this (and
  :func:`rewrap`) after its ``on_epoch_end`` callback, so surgery between epochs needs
  no more than ``on_epoch_end=lambda epoch, compiled, opt: compiled.freeze("m")``.
* :func:`rewrap` rebuilds a ``DistributedDataParallel`` wrapper (with the same settings,
  and ``find_unused_parameters`` from the diagram) around a compiled diagram whose
  parameters changed: DDP registers parameters when it is built.
* :func:`save_model` / :func:`load_model` save or load **one** model by edge name; a
  model file is a dict of tensors and strings (``format``: ``"catlearn_torch.model"``,
  ``edge``, ``role``, ``ends``, ``state_dict``), read with ``weights_only=True``;
  :func:`load_model` also reads one model out of a :func:`catlearn_torch.fit` checkpoint.
* :func:`transfer` initialises a regime from a trained one along a map of diagrams: the
  modules of the edges in the image get the trained parameters, the others keep theirs.
  The map is a :class:`catlearn.learning.DiagramMorphism` (keeps roles, so a trained
  classifier lands on a learnable student), a graph map ``(V, E)`` from
  ``find_graph_maps(..., match_roles=False)`` (which may put it on a *fixed* teacher) or
  a plain ``{edge: edge}`` mapping; left out, the unique morphism is searched for.

>>> import torch, torch.nn as nn
>>> sq = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> kd = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> kd = kd.fixed("t", "X", "Y").model("s", "X", "Y")
>>> S, KD = LearningDiagram.from_graph(sq), LearningDiagram.from_graph(kd)
>>> A = compile(S, Realisation(S, models={"c": nn.Linear(2, 3)}))
>>> B = compile(KD, Realisation(KD, models={"t": nn.Linear(2, 3), "s": nn.Linear(2, 3)}))
>>> transfer(A, B, {"c": "t"})
{'c': 't'}
>>> torch.equal(B.model("t").weight, A.model("c").weight)
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from torch import nn

from catlearn.learning import DATA, DiagramMorphism, find_embeddings, find_graph_maps
from catlearn_torch.compile import CompiledDiagram, unwrap
from catlearn_torch.distributed import rewrap
from catlearn_torch.errors import (
    CKPT_FORMAT,
    CKPT_KEY,
    MODEL_FILE,
    MODEL_LOAD,
    NO_MODULE,
    TRANSFER_MAP,
    CheckpointError,
    SurgeryError,
)
from catlearn_torch.trainer.checkpoint import (
    CHECKPOINT_FORMAT,
    atomic_save,
    load_checkpoint,
    safe_load,
)
from catlearn_torch.trainer.optim import sync_optimizer

__all__ = ["save_model", "load_model", "transfer", "sync_optimizer", "rewrap",
           "MODEL_FORMAT", "atomic_save", "transfer_rewrite"]  # some re-exported

#: The ``format`` field of single-model files.
MODEL_FORMAT = "catlearn_torch.model"


def _module(core: CompiledDiagram, edge: str) -> nn.Module:
    if edge not in core.models:
        raise SurgeryError(NO_MODULE.format(
            edge=edge, known=", ".join(core.models) or "none"))
    return core.models[edge]


def _load_into(core: CompiledDiagram, edge: str, state: Mapping[str, Any], src: str) -> None:
    module = _module(core, edge)
    try:
        module.load_state_dict(state)
    except (RuntimeError, KeyError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SurgeryError(MODEL_LOAD.format(src=src, edge=edge, why=first)
                           ) from None
    core.clear_cache(edge)


def save_model(compiled: nn.Module, edge: str, path: str | os.PathLike[str]) -> str:
    """Save the module of one edge (see the module docstring); returns the path.

    >>> import tempfile, torch
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(torch.load(save_model(L, "c", f"{d}/c.pt"), weights_only=True))
    ['edge', 'ends', 'format', 'role', 'state_dict', 'version']
    """
    core = unwrap(compiled)
    module = _module(core, edge)
    data = {"format": MODEL_FORMAT, "version": 1, "edge": edge, "role": core.roles[edge],
            "ends": list(core.diagram.graph.ends(edge)), "state_dict": module.state_dict()}
    return atomic_save(data, path)


def load_model(compiled: nn.Module, edge: str, path: str | os.PathLike[str], *,
               source_edge: str | None = None) -> nn.Module:
    """Load saved parameters into the module of ``edge`` (in place; the cache of frozen
    paths through it is dropped). ``path`` is a :func:`save_model` file or a
    :func:`catlearn_torch.fit` checkpoint, from which the model of ``source_edge``
    (default: ``edge``) is read. Returns the module.

    >>> import tempfile, torch
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> A = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> B = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     m = load_model(B, "c", save_model(A, "c", f"{d}/c.pt"))
    >>> torch.equal(m.weight, A.model("c").weight)
    True
    """
    core = unwrap(compiled)
    data = safe_load(path)
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == MODEL_FORMAT:
        if not isinstance(data.get("edge"), str) or not isinstance(data.get("state_dict"),
                                                                   dict):
            raise CheckpointError(CKPT_KEY.format(
                path=path, why="the model file lacks its 'edge' or 'state_dict'"))
        src = str(data["edge"])
        if source_edge is not None and source_edge != src:
            raise SurgeryError(MODEL_FILE.format(path=path, edge=source_edge,
                                                             have=src))
        state = data["state_dict"]
    elif fmt == CHECKPOINT_FORMAT:
        src = source_edge or edge
        models = load_checkpoint(path)["models"]
        if src not in models:
            raise SurgeryError(MODEL_FILE.format(
                path=path, edge=src, have=", ".join(models) or "nothing"))
        state = models[src]
    else:
        raise CheckpointError(CKPT_FORMAT.format(
            path=path, got=fmt if isinstance(data, dict) else type(data).__name__,
            expected=f"{MODEL_FORMAT}' or '{CHECKPOINT_FORMAT}", version=1))
    _load_into(core, edge, state, src)
    return core.models[edge]


def _edge_map(trained: CompiledDiagram, target: CompiledDiagram, h: Any) -> dict[str, str]:
    G, H = trained.diagram.graph, target.diagram.graph
    if h is None:
        found = [m.edge_map() for m in find_embeddings(trained.diagram, target.diagram)]
        if not found:
            found = [{e: H.edge_names()[k] for e, k in zip(G.edge_names(), E.tolist(),
                                                          strict=True)}
                     for _, E in find_graph_maps(G, H, match_roles=False)]
        if len(found) != 1:
            shown = "; ".join(str(f) for f in found[:4]) or "none"
            raise SurgeryError(TRANSFER_MAP.format(
                why=f"{len(found)} maps of the trained regime into the target were found "
                    f"({shown}); pass h= (a DiagramMorphism, a graph map or an edge "
                    "mapping)"))
        return found[0]
    if isinstance(h, DiagramMorphism):
        if h.dom != trained.diagram or h.codom != target.diagram:
            raise SurgeryError(TRANSFER_MAP.format(
                why="the morphism does not go from the trained regime's diagram to the "
                    "target's"))
        return h.edge_map()
    if isinstance(h, tuple) and len(h) == 2 and isinstance(h[1], np.ndarray):
        E = h[1].tolist()
        if len(E) != len(G.edge_names()):
            raise SurgeryError(TRANSFER_MAP.format(
                why=f"the graph map's edge component has {len(E)} entries; the trained "
                    f"regime has {len(G.edge_names())} edges"))
        return {e: H.edge_names()[k] for e, k in zip(G.edge_names(), E, strict=True)}
    if isinstance(h, Mapping):
        bad = [f"{k} -> {v}" for k, v in h.items()
               if not G.has_edge(k) or not H.has_edge(v)]
        if bad:
            raise SurgeryError(TRANSFER_MAP.format(
                why=f"{', '.join(bad)}: not an edge of the trained regime mapped to an "
                    "edge of the target"))
        for k, v in h.items():
            if G.ends(k) != H.ends(v):
                raise SurgeryError(TRANSFER_MAP.format(
                    why=f"edge {k}: {G.ends(k)[0]} -> {G.ends(k)[1]} cannot go to {v}: "
                        f"{H.ends(v)[0]} -> {H.ends(v)[1]} (the spaces differ)"))
            if (G.role(k) == DATA) != (H.role(v) == DATA):
                raise SurgeryError(TRANSFER_MAP.format(
                    why=f"edge {k} ({G.role(k)}) cannot go to {v} ({H.role(v)}): data "
                        "edges go to data edges"))
        return {str(k): str(v) for k, v in h.items()}
    raise SurgeryError(TRANSFER_MAP.format(
        why=f"h must be a DiagramMorphism, a (V, E) graph map, an edge mapping or None, "
            f"not {type(h).__name__}"))


def transfer(trained: nn.Module, target: nn.Module, h: Any = None) -> dict[str, str]:
    """Copy the trained parameters into ``target`` along ``h`` (see the module
    docstring): every fixed or learnable edge ``e`` of the trained regime gives its
    ``state_dict`` to the module of ``h(e)`` (architectures must match); returns the
    map ``{e: h(e)}`` of the copied edges. Target edges outside the image keep their
    initialisation; the cache of frozen paths through the changed edges is dropped.

    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> D = LearningDiagram.from_graph(g)
    >>> A = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> B = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    >>> transfer(A, B)  # the identity is the only morphism
    {'c': 'c'}
    """
    src, dst = unwrap(trained), unwrap(target)
    mapping = _edge_map(src, dst, h)
    copied = {}
    for e, e2 in mapping.items():
        if e not in src.models:
            continue  # data edges carry no parameters
        _load_into(dst, e2, src.models[e].state_dict(), e)
        copied[e] = e2
    return copied


def transfer_rewrite(trained: nn.Module, target: nn.Module, rewrite: Any, *,
                     kept: bool = True, init: bool = True) -> dict[str, str]:
    """Copy parameters into ``target`` (compiled on a diagram with the graph of
    ``rewrite.diagram``) from ``trained`` (compiled on the diagram rewritten) along a
    :class:`catlearn.learning.rewrite.DiagramRewrite`: each new edge ``e`` with
    ``rewrite.init[e] = o`` gets the ``state_dict`` of ``o`` — the edges kept by the rule
    (``kept``) and the new edges the rule starts from old ones, such as a teacher from the
    trained classifier (``init``). Returns ``{new edge: old edge}`` of the copies.

    >>> import torch, torch.nn as nn
    >>> from catlearn.learning.rewrite import attach_teacher
    >>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    >>> S = LearningDiagram.from_graph(g)
    >>> rw = S.rewrite(attach_teacher("c", teacher="t"))
    >>> A = compile(S, Realisation(S, models={"c": nn.Linear(2, 3)}))
    >>> B = compile(rw.diagram, Realisation(rw.diagram, models={"c": nn.Linear(2, 3),
    ...                                                        "t": nn.Linear(2, 3)}))
    >>> transfer_rewrite(A, B, rw, kept=False)
    {'t': 'c'}
    >>> torch.equal(B.model("t").weight, A.model("c").weight)
    True
    """
    from catlearn.learning.rewrite import DiagramRewrite

    if not isinstance(rewrite, DiagramRewrite):
        raise SurgeryError(TRANSFER_MAP.format(
            why=f"transfer_rewrite needs a DiagramRewrite, not {type(rewrite).__name__}"))
    src, dst = unwrap(trained), unwrap(target)
    if dst.diagram.graph != rewrite.diagram.graph or \
            src.diagram.graph != rewrite.maps.match.codom:
        raise SurgeryError(TRANSFER_MAP.format(
            why="the trained regime must be compiled on the graph rewritten and the "
                "target on the rewrite's result (equations and settings may differ)"))
    pairs = {new: old for new, old in rewrite.init.items()
             if (kept if rewrite.kept.get(old) == new else init)
             and old in src.models and new in dst.models}
    for new, old in pairs.items():  # check every architecture before changing any
        have = {k: tuple(v.shape) for k, v in dst.models[new].state_dict().items()}
        give = {k: tuple(v.shape) for k, v in src.models[old].state_dict().items()}
        if have != give:
            raise SurgeryError(MODEL_LOAD.format(
                src=old, edge=new, why=f"parameter shapes differ ({give} vs {have})"))
    for new, old in pairs.items():
        _load_into(dst, new, src.models[old].state_dict(), old)
    return pairs
