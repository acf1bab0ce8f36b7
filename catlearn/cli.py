"""The ``catlearn`` command.

``catlearn demo`` runs the README's main job. Sub-commands are added as the library grows.

>>> main(["--version"])
catlearn 0.1.0
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import catlearn

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from catlearn.demo import run_demo

    run_demo(out_dir=args.out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catlearn", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run the demo (the README's main job)")
    demo.add_argument("--out", default="catlearn-demo", help="folder for the pictures")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"catlearn {catlearn.__version__}")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    status: int = args.func(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
