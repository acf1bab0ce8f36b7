"""The ``catlearn`` command.

- ``catlearn demo``: the README's main job.
- ``catlearn check SPEC``: validate a spec file; list its spaces, edges and equations.
- ``catlearn draw SPEC -o FILE``: write its picture (``.dot``, ``.svg``, ``.png``, ``.pdf``,
  ``.txt``; ``--highlight N`` colours the two paths of equation ``N``).
- ``catlearn train SPEC [--epochs N --seed S --out DIR --resume]``: train a spec whose
  models come from the zoo and whose data sets are named in its ``data`` section
  (:mod:`catlearn_torch.cli`; needs the torch backend).

Errors in the user's input (a bad spec, a missing file) end the command with status 2 and
a one-paragraph message on standard error, never a traceback.

>>> main(["--version"])
catlearn 0.1.0
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import catlearn
from catlearn.errors import CatlearnError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from catlearn.demo import run_demo

    run_demo(out_dir=args.out, epochs=args.epochs, seed=args.seed, threads=args.threads)
    return 0


def _check(args: argparse.Namespace) -> int:
    from catlearn.learning import load_diagram, load_spec

    spec = load_spec(args.spec)
    D = load_diagram(args.spec)
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
    return 0


def _draw(args: argparse.Namespace) -> int:
    from catlearn.learning import load_diagram, write_picture

    D = load_diagram(args.spec)
    path = write_picture(D, args.output, highlight=args.highlight, legend=args.legend)
    print(f"wrote {path}")
    return 0


def _train(args: argparse.Namespace) -> int:
    try:
        from catlearn_torch.cli import train_command
    except ImportError as err:
        raise CatlearnError(f"'catlearn train' needs the torch backend ({err}); install it "
                            "with: pip install 'catlearn-diagrams[torch,examples]'") from None
    status: int = train_command(args)
    return status


_THREADS = ("CPU threads for torch (default 1: the zoo's models are small, and on a busy "
            "machine more threads contend and run many times slower)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catlearn", description="Learning diagrams: "
                                     "compositional training regimes compiled to one loss.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run the demo (the README's main job): knowledge "
                          "distillation on the handwritten digits")
    demo.add_argument("--out", default="catlearn-demo", help="folder for the outputs")
    demo.add_argument("--epochs", type=int, default=20, help="epochs of each training run")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--threads", type=int, default=1, help=_THREADS)
    demo.set_defaults(func=_demo)
    check = sub.add_parser("check", help="validate a spec; list spaces, edges, equations")
    check.add_argument("spec", help="a spec file (.json, .yaml or .yml)")
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
    train = sub.add_parser("train", help="train a spec whose models come from the zoo")
    train.add_argument("spec", help="a spec file (.json, .yaml or .yml)")
    train.add_argument("--epochs", type=int, default=None,
                       help="epochs in all (default: the spec's training.epochs, else 5)")
    train.add_argument("--seed", type=int, default=None,
                       help="random seed (default: the spec's training.seed, else 0)")
    train.add_argument("--out", default="catlearn-run",
                       help="folder for the checkpoint and metrics.json")
    train.add_argument("--resume", action="store_true",
                       help="continue from the checkpoint in --out")
    train.add_argument("--batch-size", type=int, default=None,
                       help="batch size (default: the spec's training.batch_size, else 64)")
    train.add_argument("--lr", type=float, default=None,
                       help="Adam's learning rate (default: the spec's training.lr, else 0.01)")
    train.add_argument("--threads", type=int, default=1, help=_THREADS)
    train.set_defaults(func=_train)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"catlearn {catlearn.__version__}")
        return 0
    func: Any = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        status: int = func(args)
    except CatlearnError as err:
        print(f"catlearn {args.command}: error: {err}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
