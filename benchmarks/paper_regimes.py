"""The paper's regimes over several seeds, each against its baseline: a Markdown table.

Runs every regime of :mod:`catlearn_torch.regimes` (each ``run_<regime>`` with its
default settings: data, models, epochs are in its docstring) for seeds ``0..N-1`` and
writes a table of the mean ± sample standard deviation of each metric beside its
baseline's, with a verdict: *beats* / *below* when the means differ by more than the
larger of the two standard deviations, else *matches*. The README shows the table this
script printed.

    python benchmarks/paper_regimes.py --seeds 5 --out results/paper_regimes.md
    python benchmarks/paper_regimes.py --seeds 2 --quick     # tiny settings, a smoke run

Torch runs on one CPU thread by default (``--threads``): the models are small, and on a
shared machine two threads contend and run many times slower; results do not depend on it.
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catlearn_torch import regimes

#: (regime, equations, metric label, metric key, baseline label, baseline key, higher is better)
ROWS: list[tuple[str, str, str, str, str, str | None, bool]] = [
    ("supervised square", "x ⋅ c = y", "test accuracy", "accuracy",
     "same model, hand-written PyTorch loop", "baseline_accuracy", True),
    ("knowledge distillation", "x ⋅ s = x ⋅ t, x ⋅ s = y", "student test accuracy",
     "student_accuracy", "student alone (x ⋅ s = y)", "student_alone_accuracy", True),
    ("knowledge distillation", "(teacher: x ⋅ t = y)", "teacher test accuracy",
     "teacher_accuracy", "—", None, True),
    ("distillation, transfer set", "x ⋅ s = x ⋅ t, x ⋅ s = y, xu ⋅ s = xu ⋅ t",
     "student test accuracy (5 labels/class + unlabelled rest)", "student_accuracy",
     "student alone (x ⋅ s = y, 5 labels/class, same steps)", "student_alone_accuracy",
     True),
    ("distillation, transfer set", "(teacher: x ⋅ t = y, all labels)",
     "teacher test accuracy", "teacher_accuracy", "—", None, True),
    ("distillation, transfer set, teacher on the same labels",
     "x ⋅ s = x ⋅ t, x ⋅ s = y, xu ⋅ s = xu ⋅ t",
     "student test accuracy (5 labels/class + unlabelled rest)", "student_accuracy",
     "student alone (x ⋅ s = y, 5 labels/class, same steps)", "student_alone_accuracy",
     True),
    ("distillation, transfer set, teacher on the same labels",
     "(teacher: x ⋅ t = y, 5 labels/class)", "teacher test accuracy", "teacher_accuracy",
     "—", None, True),
    ("few-shot multi-task", "x1 ⋅ m ⋅ h1 = y1, x2 ⋅ m ⋅ h2 = y2",
     "few-label (5/class) test accuracy", "few_accuracy",
     "few-label task alone (x2 ⋅ m ⋅ h2 = y2)", "few_alone_accuracy", True),
    ("few-shot multi-task", "", "many-label test accuracy", "many_accuracy", "—", None, True),
    ("NIC captioning", "x ⋅ enc ⋅ dec = caption", "token accuracy", "token_accuracy",
     "blind decoder (most frequent token per position)", "baseline_token_accuracy", True),
    ("NIC captioning", "", "exact-caption accuracy", "exact_accuracy",
     "blind decoder", "baseline_exact_accuracy", True),
    ("multi-modal alignment", "x ⋅ f = c ⋅ g (InfoNCE)", "image→caption recall@1",
     "image_to_caption_recall@1", "chance", "chance_recall@1", True),
    ("multi-modal alignment", "", "caption→image recall@1", "caption_to_image_recall@1",
     "chance", "chance_recall@1", True),
    ("autoencoder (walks ≤ 3)", "x ⋅ enc ⋅ dec = x", "test MSE per pixel (lower is better)",
     "mse", "PCA, same code size (8)", "pca_mse", False),
    ("autoencoder (walks ≤ 3)", "", "test MSE per pixel (lower is better)", "mse",
     "mean training image", "mean_image_mse", False),
]

RUNS: dict[str, tuple[str, Callable[..., dict[str, float]]]] = {
    "supervised square": ("square", regimes.run_square),
    "knowledge distillation": ("distillation", regimes.run_distillation),
    "distillation, transfer set": ("distillation_transfer",
                                   regimes.run_distillation_transfer),
    "distillation, transfer set, teacher on the same labels": (
        "distillation_same", functools.partial(regimes.run_distillation_transfer,
                                               teacher_labels="few")),
    "few-shot multi-task": ("few_shot", regimes.run_few_shot),
    "NIC captioning": ("captioning", regimes.run_captioning),
    "multi-modal alignment": ("alignment", regimes.run_alignment),
    "autoencoder (walks ≤ 3)": ("autoencoder", regimes.run_autoencoder),
}

#: Tiny settings for ``--quick`` (a smoke run; the numbers mean little).
QUICK: dict[str, dict[str, Any]] = {
    "square": {"epochs": 1}, "distillation": {"epochs": 1}, "few_shot": {"epochs": 1},
    "distillation_transfer": {"epochs": 1}, "distillation_same": {"epochs": 1},
    "captioning": {"epochs": 1, "n_train": 64, "n_test": 32},
    "alignment": {"epochs": 1, "n_train": 64, "n_test": 32},
    "autoencoder": {"epochs": 1},
}


def mean_std(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for one value)."""
    return statistics.fmean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def cell(xs: Sequence[float]) -> str:
    m, s = mean_std(xs)
    return f"{m:.3f} ± {s:.3f}" if abs(m) >= 0.01 or m == 0 else f"{m:.4f} ± {s:.4f}"


def verdict(ours: Sequence[float], base: Sequence[float], higher: bool) -> str:
    (m1, s1), (m2, s2) = mean_std(ours), mean_std(base)
    diff = (m1 - m2) if higher else (m2 - m1)
    if abs(diff) <= max(s1, s2, 1e-12):
        return "matches"
    return "beats" if diff > 0 else "below"


def run_all(seeds: int, quick: bool, only: Sequence[str] | None
            ) -> tuple[dict[str, list[dict[str, float]]], dict[str, float]]:
    results: dict[str, list[dict[str, float]]] = {}
    seconds: dict[str, float] = {}
    for label, (key, fn) in RUNS.items():
        if only and key not in only:
            continue
        settings = QUICK[key] if quick else {}
        results[label] = []
        t0 = time.perf_counter()
        for seed in range(seeds):
            m = fn(seed=seed, **settings)
            results[label].append(m)
            shown = ", ".join(f"{k} {v:.4f}" for k, v in m.items())
            print(f"[{key} seed {seed}] {shown}", file=sys.stderr, flush=True)
        seconds[label] = (time.perf_counter() - t0) / seeds
    return results, seconds


def table(results: dict[str, list[dict[str, float]]], seconds: dict[str, float]) -> str:
    lines = ["| regime | equations | metric | catlearn | baseline | baseline value | "
             "verdict | s/run |",
             "|---|---|---|---|---|---|---|---|"]
    shown: set[str] = set()
    for regime, eqs, label, key, blabel, bkey, higher in ROWS:
        if regime not in results:
            continue
        runs = results[regime]
        ours = [r[key] for r in runs]
        if bkey is None:
            base_cell, v = "—", "—"
        else:
            base = [r[bkey] for r in runs]
            base_cell, v = cell(base), verdict(ours, base, higher)
        first = regime not in shown
        shown.add(regime)
        lines.append(f"| {regime if first else ''} | {eqs} | {label} | {cell(ours)} | "
                     f"{blabel} | {base_cell} | {v} | "
                     f"{f'{seconds[regime]:.1f}' if first else ''} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", default=None, help="also write the table to this file")
    parser.add_argument("--quick", action="store_true", help="tiny settings (smoke run)")
    parser.add_argument("--only", nargs="*", default=None, choices=sorted(QUICK),
                        help="run only these regimes")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    results, seconds = run_all(args.seeds, args.quick, args.only)
    total = time.perf_counter() - t0
    cmd = "python benchmarks/paper_regimes.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    text = (f"{table(results, seconds)}\n\nMean ± sample standard deviation over seeds "
            f"0..{args.seeds - 1}{' (quick settings)' if args.quick else ''}; torch "
            f"{torch.__version__}, {args.threads} CPU thread(s), {platform.machine()}, "
            f"{total / 60:.1f} min in all. Regenerate: `{cmd.strip()}`.\n")
    print(text)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
