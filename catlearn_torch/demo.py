"""The demo behind ``catlearn demo``: knowledge distillation with an unlabelled transfer set.

It draws the regime (:func:`catlearn_torch.regimes.distillation_transfer`: the paper's
Figure 1 glued with a second, unlabelled data source ``U``), trains a teacher by its own
square ``x ⋅ t = y`` on every training label, freezes it, and trains a small student
that sees only ``k`` labels per class (source ``N``) on ``x ⋅ s = x ⋅ t`` and
``x ⋅ s = y``, plus the other training images without their labels (source ``U``) on
``xu ⋅ s = xu ⋅ t``. The same student is trained alone on ``x ⋅ s = y`` with the same
``k`` labels for the same number of steps, and a student distilled from a teacher that
saw only the same ``k`` labels per class (which gives it nothing). It prints the test
accuracies and the per-equation losses, and writes the picture of the diagram
(``distillation.svg`` when Graphviz's ``dot`` is installed, else ``distillation.dot``) and
a spec that ``catlearn train`` trains as it is (``distillation.yaml``, with the trained
teacher in ``teacher.pt``; :func:`trainable_spec`).

The example is skipped as a doctest because it trains (tests/test_cli.py runs it):

>>> text = distillation_demo("demo-out", epochs=1, progress=False)  # doctest: +SKIP
>>> "student with distillation" in text                             # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from catlearn.acsets import dot_available
from catlearn.learning import (
    DataSpec,
    InitSpec,
    LearningDiagram,
    TrainingSpec,
    dump_spec,
    to_spec,
    write_picture,
)
from catlearn.learning.spec import EdgeSpec
from catlearn_torch.compile import compile
from catlearn_torch.datasets import load_digits_split
from catlearn_torch.metrics import evaluate_equations
from catlearn_torch.realise import Realisation
from catlearn_torch.regimes import distillation_transfer, run_distillation_transfer
from catlearn_torch.train import save_checkpoint

__all__ = ["distillation_demo", "trainable_spec"]


def trainable_spec(D: LearningDiagram, out: Path, teacher: Any, *, epochs: int = 20,
                   seed: int = 0, k: int = 5, student_hidden: Sequence[int] = (16,),
                   teacher_hidden: Sequence[int] = (256, 128)) -> Path:
    """Write ``out/teacher.pt`` (the checkpoint of the compiled ``teacher``, whose edge
    ``t`` is the teacher MLP) and ``out/distillation.yaml``: the diagram ``D`` with its
    zoo models (the student learnable, the teacher fixed and initialised from
    ``teacher.pt``), the digits as data (``k`` labels per class for ``N``, the other
    training images unlabelled for ``U``) and held-out data, and the demo's trainer
    settings, so that ``catlearn train out/distillation.yaml`` trains it (from the
    working directory the demo ran in). Returns the spec's path.
    """
    ckpt = save_checkpoint(out / "teacher.pt", teacher)
    spec = to_spec(D, name="distillation_transfer")
    mlp = {"s": list(student_hidden), "t": list(teacher_hidden)}
    edges = [EdgeSpec(name=e.name, src=e.src, tgt=e.tgt, role=e.role) if e.name not in mlp
             else EdgeSpec(name=e.name, src=e.src, tgt=e.tgt, role=e.role, model="mlp",
                           args={"in_features": 64, "out_features": 10,
                                 "hidden": mlp[e.name]},
                           init=InitSpec(checkpoint=str(ckpt), edge="t") if e.name == "t"
                           else None)
             for e in spec.edges]
    data = {"N": DataSpec(dataset="digits", split="train", args={"seed": seed, "k": k}),
            "U": DataSpec(dataset="digits", split="unlabelled", args={"seed": seed, "k": k},
                          columns={"xu": "x"})}
    trainable = spec.model_copy(update={
        "edges": edges, "data": data,
        "evaluate": {"N": DataSpec(dataset="digits", split="test", args={"seed": seed})},
        "training": TrainingSpec(epochs=epochs, batch_size=64, lr=1e-2, seed=seed)})
    path = out / "distillation.yaml"
    path.write_text(dump_spec(trainable))
    return path


def _describe(D: LearningDiagram, say: Callable[..., None]) -> None:
    """Say the demo's diagram: its edges, its equations and its loss."""
    say("Knowledge distillation with an unlabelled transfer set, on the handwritten digits")
    say("diagram: " + "; ".join(f"{n}: {s} -> {t} ({r})" for n, s, t, r in D.graph.edges()))
    say("equations (every pair of parallel paths from the data sources N and U):")
    for e in D.equations:
        say(f"  {e.name}   (in {e.target}, {D.comparator_for(e)})")
    say(f"loss: {D.loss_expr()}")
    say()


def _accuracy_rows(metrics: Mapping[str, Any], same: Mapping[str, Any], k: int
                   ) -> list[tuple[str, float]]:
    """The rows of the demo's accuracy table: label, test accuracy."""
    return [("teacher (MLP 64-256-128-10; its own square x ⋅ t = y on all labels, frozen)",
             metrics["teacher_accuracy"]),
            (f"student with distillation (MLP 64-16-10; {k} labels per class + the "
             "unlabelled rest)", metrics["student_accuracy"]),
            (f"student alone (same initialisation and steps; x ⋅ s = y, {k} labels per "
             "class)", metrics["student_alone_accuracy"]),
            (f"student distilled from a teacher trained on the same {k} labels per class",
             same["student_accuracy"]),
            ("  (that teacher)", same["teacher_accuracy"])]


def distillation_demo(out_dir: str | Path = "catlearn-demo", epochs: int = 20, seed: int = 0,
                      progress: bool = True, echo: bool = True, k: int = 5) -> str:
    """Run the demo (see the module docstring); return (and with ``echo`` print) its report.

    Printing happens as it goes, so the progress bars sit between the diagram and the
    results.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def say(text: str = "") -> None:
        lines.append(text)
        if echo:
            print(text, flush=True)

    D = distillation_transfer(temperature=4.0)
    _describe(D, say)
    report: dict[str, Any] = {}
    metrics = run_distillation_transfer(seed=seed, epochs=epochs, k=k,
                                        progress=progress and echo, report=report)
    same = run_distillation_transfer(seed=seed, epochs=epochs, k=k, teacher_labels="few",
                                     baseline=False, progress=progress and echo)
    test = load_digits_split(seed=seed).test
    data = {"N": [test.tensors()], "U": [{"xu": test.column("x")}]}
    held_out = evaluate_equations(report["student"], data)
    say()
    say(f"test accuracy ({len(test)} digits, seed {seed}, {epochs} epochs each):")
    rows = _accuracy_rows(metrics, same, k)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        say(f"  {label:<{width}}  {value:.4f}")
    # the student alone never saw the distillation equations: evaluate it there too
    alone = compile(D, Realisation(D, models={"t": report["teacher"].model("t"),
                                              "s": report["alone"].model("s")}))
    alone_out = evaluate_equations(alone, data)
    say("per-equation losses (last epoch's training mean; test set — its images feed both x "
        "and xu —; the student alone on the test set):")
    for e in D.equations:
        say(f"  {e.name:<16} train {report['losses'][e.name]:.4f}   test "
            f"{held_out[f'{e.name}: loss']:.4f}   alone {alone_out[f'{e.name}: loss']:.4f}")
    say("distillation helps when the teacher has seen more labels than the student and "
        "the transfer set shows it inputs the labels do not cover; a teacher trained on the "
        "same few labels has nothing to pass on")
    picture = out / ("distillation.svg" if dot_available() else "distillation.dot")
    write_picture(D, picture, highlight=2)
    trainable_spec(D, out, report["teacher"], epochs=epochs, seed=seed, k=k)
    say(f"wrote {picture} (the transfer equation's two paths in colour), the teacher "
        f"{out / 'teacher.pt'} and {out / 'distillation.yaml'} (train it with: catlearn "
        f"train {out / 'distillation.yaml'})")
    if picture.suffix == ".dot":
        say("(Graphviz's 'dot' was not found, so the picture is DOT text: install graphviz "
            "and run 'dot -Tsvg' on it, or 'catlearn draw' on the spec)")
    return "\n".join(lines)
