"""The ``catlearn`` command.

- ``catlearn demo``: the README's main job.
- ``catlearn check SPEC [--deep] [--plugin MODULE]``: validate a spec file; list its
  spaces, edges and equations; when the spec trains (it names models or data sets) and
  the torch backend is installed, also everything ``train`` would check before its first
  step (:func:`catlearn_torch.cli.prepare`), so a spec that passes starts training.
- ``catlearn draw SPEC -o FILE``: write its picture (``.dot``, ``.svg``, ``.png``, ``.pdf``,
  ``.txt``; ``--highlight N`` colours the two paths of equation ``N``).
- ``catlearn train SPEC [--epochs N --seed S --out DIR --resume | --force --plugin M]``:
  train a spec whose models come from the zoo and whose data sets are named in its
  ``data`` section (:mod:`catlearn_torch.cli`; needs the torch backend).

Exit status: 0 on success (also ``train --resume`` on a run that has already reached its
target epochs: it says so and trains nothing, as ``pip install`` does for an installed
package); 2 for every error in the user's input (a bad argument, spec, path or run
folder), printed as one paragraph on standard error, never a traceback; 130 after Ctrl-C
(``train`` writes the last checkpoint's metrics and prints the command that resumes);
141 when standard output is a closed pipe (``catlearn check spec.yaml | head -3``).

>>> main(["--version"])
catlearn 0.1.0
0
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import catlearn
from catlearn.errors import OUT_HAS_RUN, OUT_IS_FILE, RESUME_NOTHING, CatlearnError, RunFolderError

__all__ = ["main", "check_run_folder", "CHECKPOINT", "METRICS", "EXIT_OK", "EXIT_USAGE",
           "EXIT_INTERRUPTED", "EXIT_BROKEN_PIPE"]

#: The files of a run in its ``--out`` folder that a new run would overwrite.
CHECKPOINT, METRICS = "checkpoint.pt", "metrics.json"

#: Exit statuses (see the module docstring).
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 2, 130, 141

_INSTALL = "pip install 'catlearn-diagrams[torch,examples]'"


# ---------------------------------------------------------------- argument types
def positive_int(text: str) -> int:
    """An integer >= 1 (``--epochs``, ``--batch-size``, ``--threads``).

    >>> positive_int("3")
    3
    >>> positive_int("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0' is not an integer >= 1
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer >= 1")
    return value


def seed_value(text: str) -> int:
    """A seed: an integer from 0 to 2**32 - 1 (what numpy accepts).

    >>> seed_value("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-1' is not a seed (an integer from 0 to 4294967295)
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed (an integer from 0 to "
                                         f"{2**32 - 1})")
    return value


def learning_rate(text: str) -> float:
    """A learning rate: a finite number > 0.

    >>> learning_rate("1e-3")
    0.001
    >>> learning_rate("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'nan' is not a learning rate (a finite number > 0)
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a learning rate (a finite "
                                         f"number > 0)")
    return value


def _progress(args: argparse.Namespace) -> bool:
    """Progress bars: as asked, else only when standard error is a terminal."""
    chosen = getattr(args, "progress", None)
    return sys.stderr.isatty() if chosen is None else bool(chosen)


# ---------------------------------------------------------------- commands
def _demo(args: argparse.Namespace) -> int:
    from catlearn.demo import run_demo

    run_demo(out_dir=args.out, epochs=args.epochs, seed=args.seed, threads=args.threads,
             progress=_progress(args))
    return 0


def _backend(args: argparse.Namespace, needed: bool) -> Any:
    """``catlearn_torch.cli`` with the ``--plugin`` modules imported; ``None`` when torch
    is not installed and ``needed`` is false."""
    try:
        import catlearn_torch.cli as backend
        from catlearn_torch.plugins import load_plugins
    except ImportError as err:
        if needed or getattr(args, "plugin", None):
            raise CatlearnError(f"'catlearn {args.command}' needs the torch backend here "
                                f"({err}); install it with: {_INSTALL}") from None
        return None
    load_plugins(getattr(args, "plugin", None) or [])
    return backend


def _wants_training(spec: Any) -> bool:
    return bool(spec.models() or spec.data or spec.evaluate or spec.training is not None)


def _check(args: argparse.Namespace) -> int:
    from catlearn.learning import load_spec_and_diagram

    spec, D = load_spec_and_diagram(args.spec)
    g = D.graph
    print(f"{args.spec}: valid spec" + (f" ({spec.name})" if spec.name else ""))
    print(f"spaces ({g.nparts('V')}): " + ", ".join(
        v + (" [source]" if g.is_source(v) else "") for v in g.vertex_names()))
    print(f"edges ({g.nparts('E')}):")
    models = spec.models()
    for n, s, t, r in g.edges():
        zoo = f"  model {models[n].model}" if n in models else ""
        init = models[n].init if n in models else None
        if init is not None:
            zoo += f" (init: edge {init.edge or n} of {init.checkpoint})"
        print(f"  {n}: {s} -> {t}  [{r}]{zoo}")
    print(f"equations ({len(D.equations)}):")
    for k, e in enumerate(D.equations):
        print(f"  {k}. {e.name}   (in {e.target}, {D.comparator_for(e)}, weight {e.weight:g}"
              + (f", grad {e.grad}" if e.grad != "both" else "") + ")")
    for section, entries in (("data", spec.data), ("evaluate", spec.evaluate)):
        for source, d in entries.items():
            extra = f" {d.args}" if d.args else ""
            print(f"{section}: {source} <- {d.dataset}" + (f" ({d.split})" if d.split else "")
                  + extra)
    unreached = D.unreached_models()
    if unreached:
        print("warning: no equation reaches the learnable edge(s) " + ", ".join(unreached)
              + "; they would never be trained")
    if getattr(args, "plugin", None):
        _backend(args, needed=True)  # a --plugin that fails is reported, used or not
    if not _wants_training(spec):
        print("note: no edge names a model and there is no data section: a diagram to "
              "realise in Python; 'catlearn train' needs a zoo model on every fixed and "
              "learnable edge and a data set for every source")
        return 0
    backend = _backend(args, needed=bool(args.deep))
    if backend is None:
        print(f"note: the torch backend is not installed, so the models, data sets and "
              f"comparators were not checked ({_INSTALL})")
        return 0
    status: int = backend.check_command(args, spec, D)
    return status


def _draw(args: argparse.Namespace) -> int:
    from catlearn.learning import load_diagram, write_picture

    target = Path(args.output)
    if target.is_dir():
        raise CatlearnError(f"-o {target} is a folder; name the picture file, e.g. -o "
                            f"{target / 'diagram.svg'}")
    if not target.parent.is_dir():
        raise CatlearnError(f"cannot write {target}: the folder {target.parent} does not "
                            f"exist")
    D = load_diagram(args.spec)
    path = write_picture(D, target, highlight=args.highlight, legend=args.legend)
    print(f"wrote {path}")
    return 0


def check_run_folder(out: str | Path, resume: bool, force: bool) -> None:
    """Refuse an ``--out`` that is a file, that holds a previous run (unless ``resume`` or
    ``force``), or that has no checkpoint to ``resume``.

    >>> check_run_folder("/no/such/folder", resume=False, force=False)
    >>> check_run_folder("/no/such/folder", resume=True, force=False)
    Traceback (most recent call last):
    ...
    catlearn.errors.RunFolderError: --resume: there is no checkpoint to resume from in ...
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RunFolderError(OUT_IS_FILE.format(out=out))
    if resume and not (out / CHECKPOINT).exists():
        raise RunFolderError(RESUME_NOTHING.format(
            out=out, checkpoint=out / CHECKPOINT))
    previous = [n for n in (CHECKPOINT, METRICS) if (out / n).exists()]
    if previous and not resume and not force:
        raise RunFolderError(OUT_HAS_RUN.format(out=out,
                                                            files=", ".join(previous)))


def _train(args: argparse.Namespace) -> int:
    from catlearn.learning import load_spec_and_diagram

    load_spec_and_diagram(args.spec)  # a bad spec or --out fails before torch loads
    check_run_folder(args.out, args.resume, args.force)
    backend = _backend(args, needed=True)
    status: int = backend.train_command(args)
    return status


_THREADS = ("CPU threads for torch (default 1: the zoo's models are small, and on a busy "
            "machine more threads contend and run many times slower)")
_PLUGIN = ("import MODULE first (repeatable): a module that registers models, data sets "
           "or comparators with catlearn_torch.zoo.register, catlearn_torch.specdata."
           "register, catlearn_torch.comparators.register")
_PROGRESS = "show progress bars (default: only when standard error is a terminal)"
_OWN = ("Your own models, data sets and comparators: --plugin MODULE (a module that "
        "registers them), or entry points of an installed package in the groups "
        "catlearn.models, catlearn.datasets, catlearn.comparators. A spec never imports "
        "code by itself.")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catlearn", description="Learning diagrams: compositional training regimes "
        "compiled to one loss.", epilog="Exit status: 0 done, 2 bad input (one paragraph "
        "on standard error), 130 interrupted (Ctrl-C), 141 output pipe closed.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run the demo (the README's main job): knowledge "
                          "distillation on the handwritten digits")
    demo.add_argument("--out", default="catlearn-demo", help="folder for the outputs")
    demo.add_argument("--epochs", type=positive_int, default=20,
                      help="epochs of each training run")
    demo.add_argument("--seed", type=seed_value, default=0)
    demo.add_argument("--threads", type=positive_int, default=1, help=_THREADS)
    demo.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                      help=_PROGRESS)
    demo.set_defaults(func=_demo)
    check = sub.add_parser("check", help="validate a spec (for 'train' too, when it names "
                           "models or data); list spaces, edges, equations", epilog=_OWN)
    check.add_argument("spec", help="a spec file (.json, .yaml or .yml)")
    check.add_argument("--deep", action="store_true",
                       help="also run one batch of each data source through the diagram "
                       "(shapes, dtypes, comparators)")
    check.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                       help=_PLUGIN)
    check.set_defaults(func=_check)
    draw = sub.add_parser("draw", help="write the picture of a spec")
    draw.add_argument("spec", help="a spec file (.json, .yaml or .yml)")
    draw.add_argument("-o", "--output", required=True,
                      help="the picture file: .dot, .svg, .png, .pdf or .txt")
    draw.add_argument("--highlight", type=int, default=None, metavar="N",
                      help="colour the two paths of equation number N (see 'check')")
    draw.add_argument("--legend", action=argparse.BooleanOptionalAction, default=True,
                      help="draw the legend of edge styles and highlight colours "
                      "(default: on)")
    draw.set_defaults(func=_draw)
    _train_parser(sub)
    return parser


def _train_parser(sub: Any) -> None:
    train = sub.add_parser(
        "train", help="train a spec whose models come from the zoo", epilog=_OWN + " Exit "
        "status: 0 done (also --resume on a run that has reached its target), 2 bad input, "
        "130 interrupted (the command that resumes is printed).")
    train.add_argument("spec", help="a spec file (.json, .yaml or .yml)")
    train.add_argument("--epochs", type=positive_int, default=None,
                       help="epochs in all (default: the spec's training.epochs, else 5; "
                       "with --resume: the run's own target)")
    train.add_argument("--seed", type=seed_value, default=None,
                       help="random seed (default: the spec's training.seed, else 0)")
    train.add_argument("--out", default="catlearn-run",
                       help="folder for the checkpoint and metrics.json")
    again = train.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue the run in --out exactly (its lr, batch size, seed)")
    again.add_argument("--force", action="store_true",
                       help="replace the previous run in --out (else it is refused)")
    train.add_argument("--batch-size", type=positive_int, default=None,
                       help="batch size (default: the spec's training.batch_size, else 64)")
    train.add_argument("--lr", type=learning_rate, default=None,
                       help="Adam's learning rate (default: the spec's training.lr, else 0.01)")
    train.add_argument("--threads", type=positive_int, default=1, help=_THREADS)
    train.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                       help=_PLUGIN)
    train.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help=_PROGRESS)
    train.set_defaults(func=_train)


def _os_message(err: OSError) -> str:
    what = err.strerror or str(err)
    return f"{err.filename}: {what}" if err.filename else what


def _broken_pipe() -> int:
    """Standard output went away (``| head``): stop quietly, as ``git log | head`` does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring)."""
    try:
        return _run(argv)
    except BrokenPipeError:
        return _broken_pipe()


def _run(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"catlearn {catlearn.__version__}")
        return EXIT_OK
    func: Any = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    where = f"catlearn {args.command}"
    try:
        status: int = func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except CatlearnError as err:
        print(f"{where}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as err:
        print(f"{where}: {getattr(err, 'message', 'interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:  # a file or folder the command could not read or write
        print(f"{where}: error: {_os_message(err)}", file=sys.stderr)
        return EXIT_USAGE
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
