"""``catlearn train SPEC`` and the backend half of ``catlearn check SPEC``.

The spec names each fixed or learnable edge's model (``model``/``args``,
:mod:`catlearn_torch.zoo`), optionally its initial parameters (``init: {checkpoint,
edge}``), each data source's data set (``data``, :mod:`catlearn_torch.specdata`),
held-out data (``evaluate``) and trainer defaults (``training``: ``epochs``,
``batch_size``, ``lr``, ``seed``; command-line flags win). Models, data sets and
comparators are looked up by name in registries that plugins fill
(:mod:`catlearn_torch.plugins`); a spec never imports code.

:func:`prepare` does everything ``train`` does before its first step — builds the
models and loads their ``init`` checkpoints, resolves every comparator, builds the data
sets and matches their columns to the data edges, checks that something is trainable
and (``deep``) runs one batch through the diagram — and reports every problem at once.
``catlearn check`` calls the same function, so a spec that ``check`` passes starts
training. ``train`` then

1. refuses an ``--out`` folder that holds a previous run unless ``--resume`` (continue
   it exactly, with its own learning rate, batch size and seed: flags that would change
   them are refused) or ``--force`` (start afresh, replacing it);
2. trains with :func:`catlearn_torch.fit`, Adam, one loader per source, writing the
   checkpoint ``OUT/checkpoint.pt`` after every epoch;
3. prints the last epoch's per-equation training losses and the held-out metrics, and
   writes ``OUT/metrics.json``. Ctrl-C writes ``metrics.json`` from the last checkpoint
   and prints the command that resumes (exit status 130).

Every problem in the input raises a :class:`catlearn.errors.CatlearnError`, which
``catlearn`` prints as one paragraph (exit status 2).

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
import os
import re
import shlex
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

from catlearn.cli import CHECKPOINT, METRICS, check_run_folder
from catlearn.errors import CatlearnError
from catlearn.learning import (
    DATA,
    LearningDiagram,
    LearningDiagramSpec,
    load_spec_and_diagram,
)
from catlearn_torch import zoo
from catlearn_torch.comparators import BUILTINS, get_comparator, registered
from catlearn_torch.compile import CompiledDiagram, compile
from catlearn_torch.datasets import ColumnDataset
from catlearn_torch.errors import (
    CheckpointError,
    NonFiniteLossError,
    UnreachedModelWarning,
)
from catlearn_torch.metrics import evaluate_equations
from catlearn_torch.realise import Realisation
from catlearn_torch.regimes import seed_everything
from catlearn_torch.specdata import available_datasets, from_spec
from catlearn_torch.train import fit, load_checkpoint

__all__ = ["train_command", "check_command", "prepare", "Prepared", "Settings",
           "build_models", "build_loaders", "DEFAULTS", "TrainSetupError", "RunError"]

#: Trainer settings used when neither the command line nor the spec's ``training`` gives one.
DEFAULTS: dict[str, Any] = {"epochs": 5, "batch_size": 64, "lr": 1e-2, "seed": 0}

#: The run's settings, beside its checkpoint and metrics in the ``--out`` folder.
RUN = "run.json"

#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


class TrainSetupError(CatlearnError, ValueError):
    """A spec cannot be trained as written (no model for an edge, no data for a source);
    ``problems`` lists every problem found.

    >>> TrainSetupError("spec.yaml: 2 problems", ("a", "b")).problems
    ('a', 'b')
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class RunError(CatlearnError, ValueError):
    """The ``--out`` folder, ``--resume`` or the run's settings do not fit (a previous run
    that would be overwritten, a flag that would silently change a resumed run).

    >>> isinstance(RunError("--out run"), ValueError)
    True
    """


# ---------------------------------------------------------------- validation
@dataclass
class Prepared:
    """What :func:`prepare` built: the models, the compiled diagram, one training loader
    per data source and the held-out loaders."""

    models: dict[str, nn.Module]
    compiled: CompiledDiagram
    loaders: dict[str, DataLoader[Any]]
    held_out: dict[str, DataLoader[Any]] = field(default_factory=dict)


def _edge_model(e: Any, name: str, role: str) -> nn.Module:
    """The model of one edge with its ``init`` loaded; raises a CatlearnError."""
    if e.model is None:
        raise TrainSetupError(f"edge {name!r} ({role}) names no model; add 'model: NAME' "
                              f"and 'args' to it (zoo models: {', '.join(zoo.available())})")
    try:
        module = zoo.build(e.model, **e.args)
    except zoo.UnknownModelError as err:
        raise TrainSetupError(f"edge {name!r}: {err}; {_OWN.format(what='models')}"
                              ) from None
    except CatlearnError as err:
        raise TrainSetupError(f"edge {name!r}: {err}") from None
    except Exception as err:  # a plugin's builder failed: name it, no traceback
        raise TrainSetupError(f"edge {name!r}: building model {e.model!r} with args "
                              f"{e.args} failed: {type(err).__name__}: {err}") from None
    if e.init is not None:
        try:
            ckpt = load_checkpoint(e.init.checkpoint)
        except CatlearnError as err:
            raise CheckpointError(f"edge {name!r}: init: {err}") from None
        source = e.init.edge or name
        if source not in ckpt["models"]:
            raise CheckpointError(
                f"edge {name!r}: the checkpoint {e.init.checkpoint} has no edge {source!r} "
                f"(its edges: {', '.join(sorted(ckpt['models']))})")
        try:
            module.load_state_dict(ckpt["models"][source])
        except RuntimeError as err:
            first = str(err).strip().splitlines()[0]
            raise CheckpointError(
                f"edge {name!r}: the parameters of edge {source!r} in {e.init.checkpoint} "
                f"do not fit model {e.model} {e.args}: {first}") from None
    return module


def build_models(spec: LearningDiagramSpec, diagram: LearningDiagram, where: str = "<spec>"
                 ) -> dict[str, nn.Module]:
    """The zoo model of every fixed and learnable edge, with its ``init`` loaded (the
    first problem raises; :func:`prepare` reports them all).

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
    problems: list[str] = []
    models = _build_models(spec, diagram, problems, first=True)
    _raise(where, problems)
    return models


def _build_models(spec: LearningDiagramSpec, diagram: LearningDiagram, problems: list[str],
                  first: bool = False) -> dict[str, nn.Module]:
    edges = {e.name: e for e in spec.edges}
    models: dict[str, nn.Module] = {}
    for name, _, _, role in diagram.graph.edges():
        if role == DATA:
            continue
        try:
            models[name] = _edge_model(edges[name], name, role)
        except CatlearnError as err:
            problems.append(str(err))
            if first:
                break
    return models


def _dataset(spec: LearningDiagramSpec, diagram: LearningDiagram, section: str,
             source: str) -> ColumnDataset:
    """The data set of ``section.source`` with a column for every data edge of the
    source; raises a CatlearnError."""
    entries = spec.data if section == "data" else spec.evaluate
    if source not in entries:
        raise TrainSetupError(
            f"the data source {source!r} has no data set: add 'data: {{{source}: {{dataset: "
            f"NAME, split: ..., args: {{...}}}}}}' (data sets: "
            f"{', '.join(available_datasets())})")
    d = entries[source]
    try:
        ds = from_spec(d)
    except CatlearnError as err:
        own = f"; {_OWN.format(what='data sets')}" if "is registered as" in str(err) else ""
        raise TrainSetupError(f"{section}.{source}: {err}{own}") from None
    except Exception as err:  # a plugin's builder failed: name it, no traceback
        raise TrainSetupError(f"{section}.{source}: building data set {d.dataset!r} "
                              f"failed: {type(err).__name__}: {err}") from None
    edges = [n for n, s, _, r in diagram.graph.edges() if r == DATA and s == source]
    missing = [e for e in edges if e not in ds.columns]
    if missing:
        raise TrainSetupError(
            f"{section}.{source}: data set {d.dataset!r} has no column for the data "
            f"edge(s) {', '.join(missing)} (its columns: {', '.join(ds.columns)}); name "
            f"the column with 'columns: {{{missing[0]}: COLUMN}}'")
    if len(ds) == 0:
        raise TrainSetupError(f"{section}.{source}: data set {d.dataset!r} has no examples")
    return ds


def _raise(where: str, problems: Sequence[str]) -> None:
    if len(problems) == 1:
        raise TrainSetupError(f"{where}: {problems[0]}", tuple(problems))
    if problems:
        listed = "".join(f"\n  - {p}" for p in problems)
        raise TrainSetupError(f"{where}: {len(problems)} problems:{listed}", tuple(problems))


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
    problems: list[str] = []
    loaders = _build_loaders(spec, diagram, batch_size, problems)
    _raise(where, problems[:1])
    return loaders


def _build_loaders(spec: LearningDiagramSpec, diagram: LearningDiagram, batch_size: int,
                   problems: list[str]) -> dict[str, DataLoader[Any]]:
    loaders = {}
    for source in diagram.sources():
        try:
            ds = _dataset(spec, diagram, "data", source)
        except CatlearnError as err:
            problems.append(str(err))
            continue
        # shuffled by torch's global generator, seeded by the run and saved in checkpoints,
        # so that --resume continues with exactly the order an uninterrupted run would see
        loaders[source] = DataLoader(ds, batch_size=batch_size, shuffle=True)
    return loaders


def prepare(spec: LearningDiagramSpec, diagram: LearningDiagram, where: str, *,
            batch_size: int = 64, deep: bool = False) -> Prepared:
    """Everything ``catlearn train`` does before its first step (see the module
    docstring); every problem is collected and one :class:`TrainSetupError` lists them.
    ``deep`` also runs one batch of each source through the diagram
    (:meth:`CompiledDiagram.check`: shapes, dtypes, comparators).

    >>> from catlearn.learning.spec import spec_from_text
    >>> s = spec_from_text('''
    ... spaces: [{name: Y, comparator: "hinge(margin=1)"}]
    ... edges:
    ...   - {name: x, src: N, tgt: X, role: data}
    ...   - {name: y, src: N, tgt: Y, role: data}
    ...   - {name: c, src: X, tgt: Y, role: learnable, model: mlp}
    ... data: {N: {dataset: digits, columns: {x: pixels}}}''')
    >>> prepare(s, s.to_diagram(), "kd.yaml")
    Traceback (most recent call last):
    ...
    catlearn_torch.cli.TrainSetupError: kd.yaml: 3 problems:
      - edge 'c': model 'mlp' needs the argument 'in_features' ...
      - space 'Y': comparator 'hinge(margin=1)': no comparator is called 'hinge' ...
      - data.N: data set 'digits' has no column 'pixels' (columns: x, y); ...
    """
    problems: list[str] = []
    models = _build_models(spec, diagram, problems)
    problems += _comparator_problems(spec, diagram)
    loaders = _build_loaders(spec, diagram, batch_size, problems)
    held_out: dict[str, DataLoader[Any]] = {}
    for source in spec.evaluate:
        try:
            held_out[source] = DataLoader(_dataset(spec, diagram, "evaluate", source),
                                          batch_size=512)
        except CatlearnError as err:
            problems.append(str(err))
    _raise(where, problems)
    compiled = compile(diagram, Realisation(diagram, models=models))
    if not any(p.requires_grad for p in compiled.learnable_parameters()):
        _raise(where, ["nothing to train: no learnable edge has trainable parameters "
                       "(every learnable edge is missing, frozen or parameter-free)"])
    if deep:
        batches = {s: next(iter(ld)) for s, ld in loaders.items()}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnreachedModelWarning)
                compiled.check(batches)
        except CatlearnError as err:
            _raise(where, [f"on one batch of each source: {err}"])
    return Prepared(models, compiled, loaders, held_out)


_OWN = ("your own {what} come from a plugin: --plugin MODULE, or an installed entry point "
        "(see 'catlearn train --help')")


def _comparator_problems(spec: LearningDiagramSpec, diagram: LearningDiagram) -> list[str]:
    """Every comparator name of the spec resolves, with its options (the names the
    spaces give, then the equations' own)."""
    named = [(f"space {s.name!r}", s.comparator) for s in spec.spaces if s.comparator]
    named += [(f"equation {e.name!r}", e.comparator) for e in diagram.equations
              if e.comparator]
    problems = []
    for who, text in dict.fromkeys(named):
        try:
            get_comparator(text)
        except CatlearnError as err:
            m = re.match(r"\s*([A-Za-z_]\w*)", text)
            if m is not None and m.group(1) not in BUILTINS and \
                    m.group(1) not in registered():
                why = (f"no comparator is called {m.group(1)!r} (built in: "
                       f"{', '.join(BUILTINS)}; registered: {', '.join(registered()) or 'none'}"
                       f"); {_OWN.format(what='comparators')}")
            else:
                why = str(err)
            problems.append(f"{who}: comparator {text!r}: {why}")
    return problems


def check_command(args: argparse.Namespace, spec: LearningDiagramSpec,
                  diagram: LearningDiagram) -> int:
    """The backend half of ``catlearn check``: :func:`prepare` (``--deep``: on one
    batch) and a one-line summary; returns the exit status."""
    where = str(args.spec)
    batch_size = (spec.training.batch_size if spec.training is not None else None) \
        or DEFAULTS["batch_size"]
    ready = prepare(spec, diagram, where, batch_size=batch_size,
                    deep=bool(getattr(args, "deep", False)))
    n = sum(p.numel() for p in ready.compiled.learnable_parameters() if p.requires_grad)
    sizes = ", ".join(f"{s}: {len(ld.dataset)}" for s, ld in ready.loaders.items())  # type: ignore[arg-type]
    how = "one batch ran through the diagram" if getattr(args, "deep", False) else \
        "add --deep to run one batch through it"
    print(f"ready to train: {len(ready.models)} model(s), {n} trainable parameter(s), "
          f"examples per source {sizes}; {how}")
    return 0


# ---------------------------------------------------------------- run settings
@dataclass
class Settings:
    """A run's settings: target ``epochs``, ``batch_size``, ``lr``, ``seed``."""

    epochs: int
    batch_size: int
    lr: float
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready mapping.

        >>> Settings(1, 2, 0.5, 3).as_dict()
        {'epochs': 1, 'batch_size': 2, 'lr': 0.5, 'seed': 3}
        """
        return {"epochs": self.epochs, "batch_size": self.batch_size, "lr": self.lr,
                "seed": self.seed}


_FLAGS = {"epochs": "--epochs", "batch_size": "--batch-size", "lr": "--lr", "seed": "--seed"}


def _spec_training(spec: LearningDiagramSpec) -> dict[str, Any]:
    return {k: getattr(spec.training, k) if spec.training is not None else None
            for k in _FLAGS}


def _resolve(args: argparse.Namespace, spec: LearningDiagramSpec,
             stored: dict[str, Any] | None) -> Settings:
    """Flags win, then (when resuming) the run's own settings, then the spec's
    ``training``, then :data:`DEFAULTS`. Resuming refuses a flag, or a value of the
    spec's ``training`` edited since the run started, that would change the run's
    learning rate, batch size or seed (the optimiser's state and the data order would
    no longer be the run's)."""
    values: dict[str, Any] = {}
    then = (stored or {}).get("spec_training") or {}
    now = _spec_training(spec)
    for key in _FLAGS:
        flag = getattr(args, key, None)
        mine = (stored or {}).get("settings", {}).get(key)
        if mine is not None and key != "epochs":
            edited = now[key] is not None and now[key] != then.get(key)
            wanted, said = (flag, _FLAGS[key]) if flag is not None else \
                (now[key], f"the spec's training.{key} (edited since the run started)") \
                if edited else (None, "")
            if wanted is not None and wanted != mine:
                raise RunError(
                    f"--resume continues the run in {args.out} exactly as it was, with "
                    f"{key.replace('_', ' ')} {mine:g}, but {said} is {wanted:g}; drop it "
                    f"(or set it back) to resume, or start a new run with --out NEW (or "
                    f"--force, replacing this one)")
            values[key] = mine
            continue
        if mine is not None and flag is None:   # the run's own target epochs
            values[key] = mine
            continue
        chosen = flag if flag is not None else now[key]
        values[key] = DEFAULTS[key] if chosen is None else chosen
    return Settings(int(values["epochs"]), int(values["batch_size"]), float(values["lr"]),
                    int(values["seed"]))


def _stored_settings(out: Path, ckpt: dict[str, Any]) -> dict[str, Any]:
    """The record of the run in ``out``: its ``run.json`` (``settings`` and the spec's
    ``spec_training`` when it started), else what the checkpoint tells (the optimiser's
    learning rate)."""
    path = out / RUN
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = None
    if data is not None:
        settings = data.get("settings") if isinstance(data, dict) else None
        kinds: dict[str, type | tuple[type, ...]] = {
            "epochs": int, "batch_size": int, "lr": (int, float), "seed": int}
        if not isinstance(settings, dict) or any(
                not isinstance(settings.get(k), t) or isinstance(settings.get(k), bool)
                for k, t in kinds.items()):
            raise RunError(f"{path} is damaged (its 'settings' must give epochs, batch_size, "
                           f"lr and seed as numbers); delete it to resume with the spec's "
                           f"settings")
        return dict(data)
    groups = (ckpt.get("optimizer") or {}).get("param_groups") or []
    lr = groups[0].get("lr") if groups and isinstance(groups[0], dict) else None
    return {"settings": {"lr": float(lr)}} if isinstance(lr, (int, float)) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (a temporary file renamed over ``path``)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    os.replace(tmp, path)


def resume_command(args: argparse.Namespace, epochs: int) -> str:
    """The command line that resumes the run of ``args``.

    >>> ns = argparse.Namespace(spec="my spec.yaml", out="runs/a", plugin=["p"], threads=1)
    >>> resume_command(ns, 20)
    "catlearn train 'my spec.yaml' --out runs/a --resume --epochs 20 --plugin p"
    """
    words = ["catlearn", "train", str(args.spec), "--out", str(args.out), "--resume",
             "--epochs", str(epochs)]
    for module in getattr(args, "plugin", None) or []:
        words += ["--plugin", module]
    threads = getattr(args, "threads", None)
    if threads not in (None, 1):
        words += ["--threads", str(threads)]
    return shlex.join(words)


# ---------------------------------------------------------------- train
def train_command(args: argparse.Namespace) -> int:
    """Run ``catlearn train`` (see the module docstring); returns the exit status."""
    spec, D = load_spec_and_diagram(args.spec)
    where = str(args.spec)
    out = Path(args.out)
    check_run_folder(out, args.resume, getattr(args, "force", False))
    checkpoint = out / CHECKPOINT
    stored = None
    done = 0
    if args.resume:
        ckpt = load_checkpoint(checkpoint)
        stored = _stored_settings(out, ckpt)
        done = int(ckpt.get("epoch", 0))
    run = _resolve(args, spec, stored)
    if args.resume and done >= run.epochs:
        print(f"{out}: the run has already trained {done} epoch(s), and the target is "
              f"{run.epochs}: nothing to do (pass --epochs N with N > {done} to train "
              f"further)")
        return 0
    threads = getattr(args, "threads", None)
    if threads is not None:
        torch.set_num_threads(threads)
    seed_everything(run.seed)
    ready = prepare(spec, D, where, batch_size=run.batch_size)
    out.mkdir(parents=True, exist_ok=True)
    if not args.resume:
        for name in (CHECKPOINT, METRICS):  # --force: the previous run goes now
            (out / name).unlink(missing_ok=True)
    record = {"spec": where, "spec_training": _spec_training(spec), **(stored or {}),
              "settings": run.as_dict(), "plugins": list(getattr(args, "plugin", None) or [])}
    _write_json(out / RUN, record)  # on resume: the new target, the spec as it started
    if args.resume:
        print(f"resuming {out} at epoch {done} of {run.epochs} (seed {run.seed}, batch size "
              f"{run.batch_size}, lr {run.lr:g})")
    progress = getattr(args, "progress", None)
    history = _fit(args, ready, run, checkpoint, sys.stderr.isatty() if progress is None
                   else bool(progress))
    _report(args, ready, run, history.epochs, checkpoint)
    return 0


def _fit(args: argparse.Namespace, ready: Prepared, run: Settings, checkpoint: Path,
         progress: bool) -> Any:
    held_out = ready.held_out

    def evaluate(core: CompiledDiagram, epoch: int) -> dict[str, float]:
        return evaluate_equations(core, held_out)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreachedModelWarning)
        for n, why in ready.compiled.unreached().items():
            print(f"warning: learnable edge {n!r} is never trained: {why}")
        try:
            return fit(ready.compiled, ready.loaders, run.epochs, lr=run.lr,
                       checkpoint=checkpoint,
                       resume=checkpoint if args.resume else None,
                       evaluate=evaluate if held_out else None, progress=progress)
        except KeyboardInterrupt:
            raise _interrupted(args, run, checkpoint) from None
        except NonFiniteLossError as err:
            raise _diverged(args, run, checkpoint, err) from None


def _from_checkpoint(args: argparse.Namespace, run: Settings, checkpoint: Path,
                     status: str) -> int | None:
    """Write ``metrics.json`` from the last checkpoint; its epoch (None: none yet)."""
    if not checkpoint.exists():
        (checkpoint.parent / RUN).unlink(missing_ok=True)  # nothing to resume
        return None
    ckpt = load_checkpoint(checkpoint)
    _write_json(checkpoint.parent / METRICS, {
        "spec": str(args.spec), **run.as_dict(), "status": status,
        "epochs_done": int(ckpt["epoch"]), "history": ckpt["history"]})
    return int(ckpt["epoch"])


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during ``catlearn train``: ``message`` says what was kept and how to resume.

    >>> Interrupted("resume with ...").message
    'resume with ...'
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _interrupted(args: argparse.Namespace, run: Settings, checkpoint: Path) -> Interrupted:
    done = _from_checkpoint(args, run, checkpoint, "interrupted")
    if done is None:
        return Interrupted("interrupted before the first epoch ended; nothing was saved: "
                           "run the same command again to start over")
    return Interrupted(f"interrupted; {checkpoint} holds epoch {done} of {run.epochs} and "
                       f"{checkpoint.parent / METRICS} its metrics; continue with:\n  "
                       f"{resume_command(args, run.epochs)}")


def _diverged(args: argparse.Namespace, run: Settings, checkpoint: Path,
              err: NonFiniteLossError) -> RunError:
    """The trainer's non-finite-loss error in the command's vocabulary."""
    what = "; ".join(part for part in str(err).split("; ")
                     if "checkpoint" not in part and "fit(" not in part)
    done = _from_checkpoint(args, run, checkpoint, "diverged")
    kept = (f"{checkpoint} keeps the last good epoch ({done}) and {checkpoint.parent / METRICS}"
            f" its metrics" if done is not None else "no epoch finished, so nothing was saved")
    return RunError(f"training diverged: {what}; {kept}. Resuming would diverge the same "
                    f"way: lower the learning rate (now {run.lr:g}; --lr, or training.lr in "
                    f"the spec) and start again with --force, or use another --out")


def _report(args: argparse.Namespace, ready: Prepared, run: Settings,
            history: list[dict[str, float]], checkpoint: Path) -> None:
    last = history[-1] if history else {}
    print(f"trained {args.spec} for {run.epochs} epoch(s) (seed {run.seed}, batch size "
          f"{run.batch_size}, lr {run.lr:g}); checkpoint {checkpoint}")
    names = list(ready.compiled.weights)
    if last:
        print("last epoch, training loss per equation:")
        for n in names:
            print(f"  {n}: {last[n]:.4f}")
        metrics = {k: v for k, v in last.items() if k not in names and k != "total"}
        if metrics:
            print("held-out metrics:")
            for k, v in metrics.items():
                print(f"  {k}: {v:.4f}")
    _write_json(checkpoint.parent / METRICS, {
        "spec": str(args.spec), **run.as_dict(), "status": "finished",
        "epochs_done": len(history), "history": history})
