"""The demo behind ``catlearn demo``: knowledge distillation on the handwritten digits.

It draws the regime of the paper's Figure 1 (:func:`catlearn_torch.regimes.distillation`),
trains a teacher by its own square ``x ⋅ t = y``, freezes it, trains a small student on
``x ⋅ s = x ⋅ t`` and ``x ⋅ s = y`` (with progress bars), trains the same student alone on
``x ⋅ s = y`` for comparison, and prints the test accuracies and the per-equation losses.
It writes the picture of the diagram (``distillation.svg`` when Graphviz's ``dot`` is
installed, else ``distillation.dot``), the trained teacher (``teacher.pt``) and a spec
that ``catlearn train`` trains as it is (``distillation.yaml``, :func:`trainable_spec`).

The example is skipped as a doctest because it trains (tests/test_cli.py runs it):

>>> text = distillation_demo("demo-out", epochs=1, progress=False)  # doctest: +SKIP
>>> "student with distillation" in text                             # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Sequence
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
from catlearn_torch.regimes import distillation, run_distillation
from catlearn_torch.train import save_checkpoint

__all__ = ["distillation_demo", "trainable_spec"]


def trainable_spec(D: LearningDiagram, out: Path, teacher: Any, *, epochs: int = 20,
                   seed: int = 0, student_hidden: Sequence[int] = (16,),
                   teacher_hidden: Sequence[int] = (256, 128)) -> Path:
    """Write ``out/teacher.pt`` (the checkpoint of the compiled ``teacher``, whose edge
    ``t`` is the teacher MLP) and ``out/distillation.yaml``: the diagram ``D`` with its
    zoo models (the student learnable, the teacher fixed and initialised from
    ``teacher.pt``), the digits as data and held-out data, and the demo's trainer
    settings, so that ``catlearn train out/distillation.yaml`` trains it (from the
    working directory the demo ran in). Returns the spec's path.
    """
    ckpt = save_checkpoint(out / "teacher.pt", teacher)
    spec = to_spec(D, name="distillation")
    mlp = {"s": list(student_hidden), "t": list(teacher_hidden)}
    edges = [EdgeSpec(name=e.name, src=e.src, tgt=e.tgt, role=e.role) if e.name not in mlp
             else EdgeSpec(name=e.name, src=e.src, tgt=e.tgt, role=e.role, model="mlp",
                           args={"in_features": 64, "out_features": 10,
                                 "hidden": mlp[e.name]},
                           init=InitSpec(checkpoint=str(ckpt), edge="t") if e.name == "t"
                           else None)
             for e in spec.edges]
    data = {"N": DataSpec(dataset="digits", split="train", args={"seed": seed})}
    trainable = spec.model_copy(update={
        "edges": edges, "data": data,
        "evaluate": {"N": DataSpec(dataset="digits", split="test", args={"seed": seed})},
        "training": TrainingSpec(epochs=epochs, batch_size=64, lr=1e-2, seed=seed)})
    path = out / "distillation.yaml"
    path.write_text(dump_spec(trainable))
    return path


def distillation_demo(out_dir: str | Path = "catlearn-demo", epochs: int = 20, seed: int = 0,
                      progress: bool = True, echo: bool = True) -> str:
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

    D = distillation(temperature=4.0)
    say("Knowledge distillation on the handwritten digits (the paper's Figure 1)")
    say("diagram: " + "; ".join(f"{n}: {s} -> {t} ({r})" for n, s, t, r in D.graph.edges()))
    say("equations (every pair of parallel paths from the data source N):")
    for e in D.equations:
        say(f"  {e.name}   (in {e.target}, {D.comparator_for(e)})")
    say(f"loss: {D.loss_expr()}")
    say()
    report: dict[str, Any] = {}
    metrics = run_distillation(seed=seed, epochs=epochs, progress=progress and echo,
                               report=report)
    test = load_digits_split(seed=seed).test
    held_out = evaluate_equations(report["student"], {"N": [test.tensors()]})
    say()
    say(f"test accuracy ({len(test)} digits, seed {seed}, {epochs} epochs each):")
    rows = [("teacher (MLP 64-256-128-10; its own square x ⋅ t = y, then frozen)",
             metrics["teacher_accuracy"]),
            ("student with distillation (MLP 64-16-10)", metrics["student_accuracy"]),
            ("student alone (same initialisation; x ⋅ s = y only)",
             metrics["student_alone_accuracy"])]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        say(f"  {label:<{width}}  {value:.4f}")
    # the student alone never saw the distillation equation: evaluate it there too
    alone = compile(D, Realisation(D, models={"t": report["teacher"].model("t"),
                                              "s": report["alone"].model("s")}))
    alone_out = evaluate_equations(alone, {"N": [test.tensors()]})
    say("per-equation losses (last epoch's training mean; test set; the student alone on "
        "the test set):")
    for e in D.equations:
        say(f"  {e.name:<16} train {report['losses'][e.name]:.4f}   test "
            f"{held_out[f'{e.name}: loss']:.4f}   alone {alone_out[f'{e.name}: loss']:.4f}")
    picture = out / ("distillation.svg" if dot_available() else "distillation.dot")
    write_picture(D, picture, highlight=0)
    trainable_spec(D, out, report["teacher"], epochs=epochs, seed=seed)
    say(f"wrote {picture} (the distillation equation's two paths in colour), the teacher "
        f"{out / 'teacher.pt'} and {out / 'distillation.yaml'} (train it with: catlearn "
        f"train {out / 'distillation.yaml'})")
    if picture.suffix == ".dot":
        say("(Graphviz's 'dot' was not found, so the picture is DOT text: install graphviz "
            "and run 'dot -Tsvg' on it, or 'catlearn draw' on the spec)")
    return "\n".join(lines)
