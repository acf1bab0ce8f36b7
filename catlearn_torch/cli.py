"""``catlearn train SPEC``: train a spec file whose models come from the zoo.

The spec names each fixed or learnable edge's model (``model``/``args``,
:mod:`catlearn_torch.zoo`), optionally its initial parameters (``init: {checkpoint,
edge}``), each data source's data set (``data``, :mod:`catlearn_torch.specdata`),
held-out data (``evaluate``) and trainer defaults (``training``: ``epochs``,
``batch_size``, ``lr``, ``seed``; command-line flags win). The command

1. builds the diagram, the models and the data loaders (seeded: the same seed gives the
   same run), compiles the diagram and checks it on a first batch;
2. trains with :func:`catlearn_torch.fit`, Adam, one loader per source, writing the
   checkpoint ``OUT/checkpoint.pt`` after every epoch (``--resume`` continues from it
   exactly);
3. prints the last epoch's per-equation training losses and the held-out metrics
   (:func:`catlearn_torch.metrics.evaluate_equations`), and writes them to
   ``OUT/metrics.json``.

Every problem in the input (a bad spec, an unknown model or data set, a missing
checkpoint) raises a :class:`catlearn.errors.CatlearnError`, which ``catlearn`` prints as
one paragraph (exit status 2).

>>> import argparse, tempfile, os
>>> spec = '''
... spaces: [{name: Y, comparator: cross_entropy}]
... edges:
...   - {name: x, src: N, tgt: X, role: data}
...   - {name: y, src: N, tgt: Y, role: data}
...   - {name: c, src: X, tgt: Y, role: learnable, model: linear,
...      args: {in_features: 64, out_features: 10}}
... data: {N: {dataset: digits, split: train}}
... '''
>>> with tempfile.TemporaryDirectory() as d:
...     f = os.path.join(d, "square.yaml")
...     _ = open(f, "w").write(spec)
...     args = argparse.Namespace(spec=f, epochs=1, seed=0, out=d, resume=False,
...                               batch_size=256, lr=None, progress=False)
...     train_command(args)
trained ... for 1 epoch(s) (seed 0, batch size 256, lr 0.01); checkpoint .../checkpoint.pt
last epoch, training loss per equation:
  x ⋅ c = y: ...
0
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

from catlearn.errors import CatlearnError
from catlearn.learning import DATA, LearningDiagram, LearningDiagramSpec, SpecError, load_spec
from catlearn_torch import zoo
from catlearn_torch.compile import CompiledDiagram, compile
from catlearn_torch.errors import CheckpointError, UnreachedModelWarning
from catlearn_torch.metrics import evaluate_equations
from catlearn_torch.realise import Realisation
from catlearn_torch.regimes import seed_everything
from catlearn_torch.specdata import from_spec
from catlearn_torch.train import fit, load_checkpoint

__all__ = ["train_command", "build_models", "build_loaders", "DEFAULTS"]

#: Trainer settings used when neither the command line nor the spec's ``training`` gives one.
DEFAULTS: dict[str, Any] = {"epochs": 5, "batch_size": 64, "lr": 1e-2, "seed": 0}


class TrainSetupError(CatlearnError, ValueError):
    """A spec cannot be trained as written (no model for an edge, no data for a source)."""


def _setting(args: argparse.Namespace, spec: LearningDiagramSpec, key: str) -> Any:
    value = getattr(args, key, None)
    if value is None and spec.training is not None:
        value = getattr(spec.training, key)
    return DEFAULTS[key] if value is None else value


def build_models(spec: LearningDiagramSpec, diagram: LearningDiagram, where: str = "<spec>"
                 ) -> dict[str, nn.Module]:
    """The zoo model of every fixed and learnable edge, with its ``init`` loaded.

    >>> from catlearn.learning.spec import spec_from_text
    >>> s = spec_from_text("edges: [{name: x, src: N, tgt: X, role: data}, "
    ...                    "{name: c, src: X, tgt: Y, role: learnable}]")
    >>> build_models(s, s.to_diagram())
    Traceback (most recent call last):
    ...
    catlearn_torch.cli.TrainSetupError: <spec>: edge 'c' (learnable) names no model; add \
'model: NAME' and 'args' to it (zoo models: caption_decoder, cnn_encoder, identity, linear, \
mlp, text_encoder)
    """
    edges = {e.name: e for e in spec.edges}
    models: dict[str, nn.Module] = {}
    for name, _, _, role in diagram.graph.edges():
        if role == DATA:
            continue
        e = edges[name]
        if e.model is None:
            raise TrainSetupError(f"{where}: edge {name!r} ({role}) names no model; add "
                                  f"'model: NAME' and 'args' to it (zoo models: "
                                  f"{', '.join(zoo.available())})")
        try:
            module = zoo.build(e.model, **e.args)
        except CatlearnError as err:
            raise TrainSetupError(f"{where}: edge {name!r}: {err}") from None
        if e.init is not None:
            ckpt = load_checkpoint(e.init.checkpoint)
            source = e.init.edge or name
            if source not in ckpt["models"]:
                raise CheckpointError(
                    f"{where}: edge {name!r}: the checkpoint {e.init.checkpoint} has no edge "
                    f"{source!r} (its edges: {', '.join(sorted(ckpt['models']))})")
            try:
                module.load_state_dict(ckpt["models"][source])
            except RuntimeError as err:
                first = str(err).strip().splitlines()[0]
                raise CheckpointError(
                    f"{where}: edge {name!r}: the parameters of edge {source!r} in "
                    f"{e.init.checkpoint} do not fit model {e.model} {e.args}: {first}"
                ) from None
        models[name] = module
    return models


def build_loaders(spec: LearningDiagramSpec, diagram: LearningDiagram, batch_size: int,
                  where: str = "<spec>") -> dict[str, DataLoader[Any]]:
    """One shuffled loader per data source, from the spec's ``data`` section (the order
    comes from torch's global generator: seed it first).

    >>> from catlearn.learning.spec import spec_from_text
    >>> s = spec_from_text("edges: [{name: x, src: N, tgt: X, role: data}]")
    >>> build_loaders(s, s.to_diagram(), 8)
    Traceback (most recent call last):
    ...
    catlearn_torch.cli.TrainSetupError: <spec>: the data source 'N' has no data set: add \
'data: {N: {dataset: NAME, split: ..., args: {...}}}' (data sets: digits, digits_tasks, \
shapes_captions)
    """
    from catlearn_torch.specdata import available_datasets

    loaders = {}
    for source in diagram.sources():
        if source not in spec.data:
            raise TrainSetupError(
                f"{where}: the data source {source!r} has no data set: add 'data: "
                f"{{{source}: {{dataset: NAME, split: ..., args: {{...}}}}}}' (data sets: "
                f"{', '.join(available_datasets())})")
        ds = from_spec(spec.data[source])
        # shuffled by torch's global generator, seeded by the run and saved in checkpoints,
        # so that --resume continues with exactly the order an uninterrupted run would see
        loaders[source] = DataLoader(ds, batch_size=batch_size, shuffle=True)
    return loaders


def _load(path: str) -> tuple[LearningDiagramSpec, LearningDiagram]:
    spec = load_spec(path)
    try:
        return spec, spec.to_diagram()
    except (ValueError, TypeError) as err:
        raise SpecError(f"{path}: {err}") from None


def train_command(args: argparse.Namespace) -> int:
    """Run ``catlearn train`` (see the module docstring); returns the exit status."""
    spec, D = _load(args.spec)
    where = str(args.spec)
    epochs = int(_setting(args, spec, "epochs"))
    batch_size = int(_setting(args, spec, "batch_size"))
    lr = float(_setting(args, spec, "lr"))
    seed = int(_setting(args, spec, "seed"))
    out = Path(args.out)
    checkpoint = out / "checkpoint.pt"
    if args.resume and not checkpoint.exists():
        raise CheckpointError(f"--resume: there is no checkpoint to resume from in {out} "
                              f"(expected {checkpoint}); run without --resume first")
    threads = getattr(args, "threads", None)
    if threads is not None:
        if threads < 1:
            raise TrainSetupError(f"--threads must be >= 1, not {threads}")
        torch.set_num_threads(threads)
    seed_everything(seed)
    models = build_models(spec, D, where)
    L: CompiledDiagram = compile(D, Realisation(D, models=models))
    loaders = build_loaders(spec, D, batch_size, where)
    held_out = {s: DataLoader(from_spec(d), batch_size=512) for s, d in spec.evaluate.items()}

    def evaluate(core: CompiledDiagram, epoch: int) -> dict[str, float]:
        return evaluate_equations(core, held_out)

    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreachedModelWarning)
        for n, why in L.unreached().items():
            print(f"warning: learnable edge {n!r} is never trained: {why}")
        history = fit(L, loaders, epochs, lr=lr, checkpoint=checkpoint,
                      resume=checkpoint if args.resume else None,
                      evaluate=evaluate if held_out else None,
                      progress=getattr(args, "progress", True))
    last = history.epochs[-1] if history.epochs else {}
    print(f"trained {where} for {epochs} epoch(s) (seed {seed}, batch size {batch_size}, "
          f"lr {lr:g}); checkpoint {checkpoint}")
    names = list(L.weights)
    if last:
        print("last epoch, training loss per equation:")
        for n in names:
            print(f"  {n}: {last[n]:.4f}")
        metrics = {k: v for k, v in last.items() if k not in names and k != "total"}
        if metrics:
            print("held-out metrics:")
            for k, v in metrics.items():
                print(f"  {k}: {v:.4f}")
    (out / "metrics.json").write_text(json.dumps(
        {"spec": where, "epochs": epochs, "seed": seed, "history": history.epochs},
        indent=2, ensure_ascii=False))
    return 0
