"""The paper's training regimes as learning diagrams, realised with the zoo and trained.

Each regime has three functions:

* a **builder** that draws the diagram with the public API of :mod:`catlearn.learning`
  (colimits where the paper uses them) — no torch involved;
* ``realise_<regime>(diagram, ...)``: a :class:`~catlearn_torch.Realisation` with models
  from :mod:`catlearn_torch.zoo`;
* ``run_<regime>(seed, epochs, ...)``: trains it with :func:`~catlearn_torch.fit` on the
  shipped data (:mod:`catlearn_torch.datasets`; nothing is downloaded) and returns its
  held-out metrics **and its baseline's**, as ``dict[str, float]``.

==============================  ==================================  ============================
builder                         equations                           metrics (baseline)
==============================  ==================================  ============================
:func:`supervised_square`       ``x ⋅ c = y``                       accuracy (hand-written loop)
:func:`distillation`            ``x ⋅ s = x ⋅ t``, ``x ⋅ s = y``    student accuracy (student
                                                                    alone), teacher accuracy
:func:`distillation_transfer`   ``x ⋅ s = x ⋅ t``, ``x ⋅ s = y``,   student accuracy with k
                                ``xu ⋅ s = xu ⋅ t``                 labels per class (student
                                                                    alone), teacher accuracy
:func:`few_shot`                ``x1 ⋅ m ⋅ h1 = y1``,               few-label accuracy (few
                                ``x2 ⋅ m ⋅ h2 = y2``                task alone)
:func:`captioning`              ``x ⋅ enc ⋅ dec = caption``         token and exact-caption
                                                                    accuracy (blind decoder)
:func:`alignment`               ``x ⋅ f = c ⋅ g``                   recall@1 (chance)
:func:`autoencoder`             ``x ⋅ enc ⋅ dec = x``               reconstruction MSE (PCA,
                                                                    mean image)
==============================  ==================================  ============================

Every run is deterministic given its seed (model initialisation, data order, and for the
digits the train/test split and which examples keep their labels). The spec files in
``examples/`` describe the same diagrams (``catlearn check examples/distillation.yaml``).

>>> [e.name for e in distillation().equations]
['x ⋅ s = x ⋅ t', 'x ⋅ s = y']
>>> [e.name for e in few_shot().equations]
['x1 ⋅ m ⋅ h1 = y1', 'x2 ⋅ m ⋅ h2 = y2']
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, RandomSampler

from catlearn.learning import Equation, LearningDiagram, LearningGraph, glue
from catlearn_torch import zoo
from catlearn_torch.compile import CompiledDiagram, compile
from catlearn_torch.datasets import MESSAGES as DATASET_MESSAGES
from catlearn_torch.datasets import (
    VOCABULARY,
    ColumnDataset,
    DatasetError,
    ShapesCaptions,
    digits_tasks,
    load_digits_split,
    transfer_split,
)
from catlearn_torch.metrics import accuracy, path_value, recall_at_1
from catlearn_torch.realise import Realisation
from catlearn_torch.train import History, fit

__all__ = [
    "supervised_square", "distillation", "distillation_transfer", "few_shot", "captioning",
    "alignment", "autoencoder", "realise_square", "realise_distillation",
    "realise_few_shot", "realise_captioning", "realise_alignment", "realise_autoencoder",
    "run_square", "run_distillation", "run_distillation_transfer", "run_few_shot",
    "run_captioning", "run_alignment", "run_autoencoder", "REGIMES", "TEACHER_LABELS",
    "seed_everything",
]

#: Comparator of the caption space: cross-entropy over (n, length, vocabulary) logits.
CAPTION_COMPARATOR = "cross_entropy(class_dim=2)"


# ------------------------------------------------------------------------ builders
def supervised_square(classifier: str = "c") -> LearningDiagram:
    """The supervised square of the paper's Figure 2 (top): a data set ``N`` with columns
    ``x: N -> X`` and ``y: N -> Y`` glued with a classifier ``X -> Y`` along ``X`` and
    ``Y`` (a pushout); its one equation is ``x ⋅ c = y`` (cross-entropy).

    >>> D = supervised_square()
    >>> [e.name for e in D.equations], D.comparators
    (['x ⋅ c = y'], {'Y': 'cross_entropy'})
    """
    data = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    clf = LearningGraph().model(classifier, "X", "Y")
    return glue(data, clf, along=["X", "Y"]).with_comparators({"Y": "cross_entropy"})


def distillation(temperature: float = 4.0, distill_weight: float = 1.0,
                 label_weight: float = 1.0) -> LearningDiagram:
    """Knowledge distillation (the paper's Figure 1): the student's square ``x ⋅ s = y``
    glued along ``X`` and ``Y`` with a fixed (frozen) teacher ``t: X -> Y``. Path finding
    gives exactly two equations: ``x ⋅ s = x ⋅ t`` (compared by
    ``kl(temperature=T)``, Hinton et al.'s softened KL scaled by ``T²``) and
    ``x ⋅ s = y`` (cross-entropy).

    >>> D = distillation(temperature=2, distill_weight=0.5)
    >>> [(e.name, e.comparator, e.weight) for e in D.equations]
    [('x ⋅ s = x ⋅ t', 'kl(temperature=2)', 0.5), ('x ⋅ s = y', None, 1.0)]
    """
    teacher = LearningGraph().fixed("t", "X", "Y")
    D = glue(supervised_square("s"), teacher, along=["X", "Y"])
    kl = f"kl(temperature={temperature:g})"
    eqs = [e.with_(comparator=kl, weight=distill_weight) if "t" in e.edge_names()
           else e.with_(weight=label_weight) for e in D.equations]
    out = LearningDiagram(D.graph, eqs, D.comparators)
    out.legs = D.legs
    return out


def distillation_transfer(temperature: float = 4.0, distill_weight: float = 1.0,
                          label_weight: float = 1.0, transfer_weight: float = 1.0
                          ) -> LearningDiagram:
    """Knowledge distillation with an **unlabelled transfer set**: :func:`distillation`
    glued along ``X``, ``Y``, ``t`` and ``s`` with a second data source ``U`` that has
    images and no labels (its one data edge ``xu: U -> X``). Path finding adds the
    equation ``xu ⋅ s = xu ⋅ t``: on the transfer set the student learns from the
    teacher's softened outputs alone (Hinton et al. 2015's transfer set), while ``N``
    keeps ``x ⋅ s = x ⋅ t`` and ``x ⋅ s = y`` on the few labelled examples.

    >>> D = distillation_transfer(temperature=2, transfer_weight=0.5)
    >>> D.sources(), [(e.name, e.comparator, e.weight) for e in D.equations]
    (('N', 'U'), [('x ⋅ s = x ⋅ t', 'kl(temperature=2)', 1.0), ('x ⋅ s = y', None, 1.0), \
('xu ⋅ s = xu ⋅ t', 'kl(temperature=2)', 0.5)])
    """
    transfer = LearningGraph().data("xu", "U", "X").fixed("t", "X", "Y").model("s", "X", "Y")
    D = glue(distillation(temperature), transfer, along=["X", "Y", "t", "s"])
    kl = f"kl(temperature={temperature:g})"

    def weigh(e: Equation) -> Equation:
        if "t" not in e.edge_names():
            return e.with_(weight=label_weight)
        weight = transfer_weight if e.lhs.src == "U" else distill_weight
        return e.with_(comparator=kl, weight=weight)

    out = LearningDiagram(D.graph, [weigh(e) for e in D.equations], D.comparators)
    out.legs = D.legs
    return out


def _square(source: str, x: str, y: str, labels: str, head: str) -> LearningDiagram:
    data = LearningGraph().data(x, source, "X").data(y, source, labels)
    clf = LearningGraph().model("m", "X", "F").model(head, "F", labels)
    return glue(data, clf, along=["X", labels]).with_comparators({labels: "cross_entropy"})


def few_shot(tasks: int = 2) -> LearningDiagram:
    """Few-shot multi-task learning (the paper's Figure 2, bottom): ``tasks`` classifier
    squares, square ``i`` with its own data set ``Ni`` (columns ``xi``, ``yi``) and head
    ``hi: F -> Yi`` on a backbone ``m: X -> F``, glued along ``m`` one after the other.
    The backbone is one edge feeding every head; each square's equation stays:
    ``xi ⋅ m ⋅ hi = yi``. Task 1 has many labels, task 2 few.

    >>> D = few_shot(tasks=3)
    >>> D.sources(), D.graph.edge_names().count("m")
    (('N1', 'N2', 'N3'), 1)
    """
    if tasks < 1:
        raise ValueError(f"few_shot needs tasks >= 1, not {tasks}")
    D = few_shot_square(1)
    for i in range(2, tasks + 1):
        D = glue(D, few_shot_square(i), along=["m"])
    return D


def few_shot_square(i: int) -> LearningDiagram:
    """Square ``i`` of :func:`few_shot`: ``xi ⋅ m ⋅ hi = yi`` (the task alone).

    >>> [e.name for e in few_shot_square(2).equations]
    ['x2 ⋅ m ⋅ h2 = y2']
    """
    return _square(f"N{i}", f"x{i}", f"y{i}", f"Y{i}", f"h{i}")


def captioning() -> LearningDiagram:
    """Neural image captioning (NIC, the paper's third example): images ``x: N -> X`` and
    captions ``caption: N -> C`` glued along ``X`` and ``C`` with an image encoder
    ``enc: X -> F`` and a caption decoder ``dec: F -> C``; one equation,
    ``x ⋅ enc ⋅ dec = caption``, compared by cross-entropy over every token position.

    >>> [e.name for e in captioning().equations]
    ['x ⋅ enc ⋅ dec = caption']
    """
    data = LearningGraph().data("x", "N", "X").data("caption", "N", "C")
    model = LearningGraph().model("enc", "X", "F").model("dec", "F", "C")
    return glue(data, model, along=["X", "C"]).with_comparators({"C": CAPTION_COMPARATOR})


def alignment(temperature: float = 0.1) -> LearningDiagram:
    """Multi-modal alignment (CLIP-like): an image encoder ``f: X -> E`` and a caption
    encoder ``g: C -> E`` into one embedding space, glued with the data set's columns
    ``x``, ``c``; the equation ``x ⋅ f = c ⋅ g`` is compared by symmetric InfoNCE.

    >>> D = alignment()
    >>> [e.name for e in D.equations], D.comparators["E"]
    (['x ⋅ f = c ⋅ g'], 'info_nce(temperature=0.1, symmetric=True)')
    """
    data = LearningGraph().data("x", "N", "X").data("c", "N", "C")
    model = LearningGraph().model("f", "X", "E").model("g", "C", "E")
    comp = f"info_nce(temperature={temperature:g}, symmetric=True)"
    return glue(data, model, along=["X", "C"]).with_comparators({"E": comp})


def autoencoder(max_length: int = 3) -> LearningDiagram:
    """An autoencoder: ``enc: X -> Z`` and ``dec: Z -> X`` make a cycle at ``X``, so path
    finding follows **bounded walks**. With ``max_length=3`` the walks from ``N`` are
    ``x``, ``x ⋅ enc``, ``x ⋅ enc ⋅ dec``, giving ``x ⋅ enc ⋅ dec = x``; with 4 the
    latent cycle ``x ⋅ enc ⋅ dec ⋅ enc = x ⋅ enc`` joins it.

    >>> [e.name for e in autoencoder().equations]
    ['x ⋅ enc ⋅ dec = x']
    >>> [e.name for e in autoencoder(max_length=4).equations][1]
    'x ⋅ enc ⋅ dec ⋅ enc = x ⋅ enc'
    """
    data = LearningGraph().data("x", "N", "X")
    model = LearningGraph().model("enc", "X", "Z").model("dec", "Z", "X")
    return glue(data, model, along=["X"], max_length=max_length).with_comparators(
        {"X": "mse", "Z": "mse"})


# ------------------------------------------------------------------------ realisations
def realise_square(diagram: LearningDiagram | None = None, hidden: Sequence[int] = (64,),
                   classifier: str = "c") -> Realisation:
    """The square with an MLP classifier 64 -> ``hidden`` -> 10 (the 8x8 digits).

    >>> realise_square()
    Realisation(c=MLP)
    """
    D = diagram if diagram is not None else supervised_square(classifier)
    return Realisation(D, models={classifier: zoo.build(
        "mlp", in_features=64, out_features=10, hidden=list(hidden))})


def realise_distillation(teacher: nn.Module, diagram: LearningDiagram | None = None,
                         student_hidden: Sequence[int] = (16,)) -> Realisation:
    """Distillation with a trained ``teacher`` module and a small MLP student.

    >>> realise_distillation(nn.Linear(64, 10))
    Realisation(s=MLP, t=Linear)
    """
    D = diagram if diagram is not None else distillation()
    return Realisation(D, models={"t": teacher, "s": zoo.build(
        "mlp", in_features=64, out_features=10, hidden=list(student_hidden))})


def realise_few_shot(diagram: LearningDiagram | None = None, classes: Sequence[int] = (5, 10),
                     hidden: Sequence[int] = (64,), features: int = 32) -> Realisation:
    """Backbone MLP 64 -> ``hidden`` -> ``features`` and one linear head per task present
    in the diagram (``classes[i-1]`` classes for head ``hi``).

    >>> realise_few_shot()
    Realisation(m=MLP, h1=Linear, h2=Linear)
    """
    D = diagram if diagram is not None else few_shot(len(classes))
    models: dict[str, nn.Module] = {"m": zoo.build("mlp", in_features=64,
                                                   out_features=features, hidden=list(hidden))}
    for i, k in enumerate(classes, start=1):
        if D.graph.has_edge(f"h{i}"):
            models[f"h{i}"] = zoo.build("linear", in_features=features, out_features=k)
    return Realisation(D, models=models)


def realise_captioning(diagram: LearningDiagram | None = None, features: int = 64,
                       channels: Sequence[int] = (16, 32), hidden: int = 128,
                       length: int = 8) -> Realisation:
    """A CNN encoder (3-channel images) and a GRU caption decoder over :data:`VOCABULARY`.

    >>> realise_captioning()
    Realisation(enc=CNNEncoder, dec=CaptionDecoder)
    """
    D = diagram if diagram is not None else captioning()
    return Realisation(D, models={
        "enc": zoo.build("cnn_encoder", in_channels=3, out_features=features,
                         channels=list(channels)),
        "dec": zoo.build("caption_decoder", in_features=features, vocab_size=len(VOCABULARY),
                         length=length, hidden=hidden)})


def realise_alignment(diagram: LearningDiagram | None = None, dim: int = 32,
                      channels: Sequence[int] = (16, 32)) -> Realisation:
    """A CNN image encoder and a GRU caption encoder into a ``dim``-dimensional space.

    >>> realise_alignment()
    Realisation(f=CNNEncoder, g=TextEncoder)
    """
    D = diagram if diagram is not None else alignment()
    return Realisation(D, models={
        "f": zoo.build("cnn_encoder", in_channels=3, out_features=dim,
                       channels=list(channels)),
        "g": zoo.build("text_encoder", vocab_size=len(VOCABULARY), out_features=dim)})


def realise_autoencoder(diagram: LearningDiagram | None = None, latent: int = 8,
                        hidden: Sequence[int] = (64,)) -> Realisation:
    """MLP encoder 64 -> ``hidden`` -> ``latent`` and decoder back (digits pixels).

    >>> realise_autoencoder()
    Realisation(enc=MLP, dec=MLP)
    """
    D = diagram if diagram is not None else autoencoder()
    return Realisation(D, models={
        "enc": zoo.build("mlp", in_features=64, out_features=latent, hidden=list(hidden)),
        "dec": zoo.build("mlp", in_features=latent, out_features=64,
                         hidden=list(reversed(hidden)))})


# ------------------------------------------------------------------------ helpers
def seed_everything(seed: int) -> None:
    """Seed torch, numpy and Python's ``random`` (what makes the runs deterministic).

    >>> seed_everything(0); a = torch.rand(1); seed_everything(0); bool(a == torch.rand(1))
    True
    """
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def _loader(ds: ColumnDataset, batch_size: int, seed: int, samples: int | None = None
            ) -> DataLoader[Any]:
    gen = torch.Generator().manual_seed(seed)
    if samples is not None:
        sampler = RandomSampler(ds, replacement=True, num_samples=samples, generator=gen)
        return DataLoader(ds, batch_size=batch_size, sampler=sampler)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, generator=gen)


def _eval_mode(L: CompiledDiagram) -> None:
    L.eval()


def _classify(L: CompiledDiagram, path: str, ds: ColumnDataset, target: str) -> float:
    _eval_mode(L)
    with torch.no_grad():
        return accuracy(path_value(L, path, ds.tensors()), ds.column(target))


def _fit(L: CompiledDiagram, loaders: Any, epochs: int, lr: float, progress: bool,
         desc: str = "") -> History:
    if progress and desc:
        print(desc, flush=True)
    return fit(L, loaders, epochs, lr=lr, progress=progress)


def _last(h: History) -> dict[str, float]:
    return dict(h.epochs[-1]) if h.epochs else {}


# ------------------------------------------------------------------------ runs
def run_square(seed: int = 0, epochs: int = 20, *, hidden: Sequence[int] = (64,),
               batch_size: int = 64, lr: float = 1e-2, baseline: bool = True,
               progress: bool = False) -> dict[str, float]:
    """Train the supervised square on the digits; the baseline is the same model, data
    order and optimiser in a hand-written PyTorch loop (``F.cross_entropy``), so the two
    accuracies agree: the compiled loss is that loss.

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_square(seed=0, epochs=1)  # doctest: +SKIP
    >>> sorted(m)                         # doctest: +SKIP
    ['accuracy', 'baseline_accuracy']
    """
    split = load_digits_split(seed=seed)
    seed_everything(seed)
    D = supervised_square()
    L = compile(D, realise_square(D, hidden))
    _fit(L, _loader(split.train, batch_size, seed), epochs, lr, progress, "supervised square")
    out = {"accuracy": _classify(L, "x ⋅ c", split.test, "y")}
    if baseline:
        seed_everything(seed)
        model = zoo.build("mlp", in_features=64, out_features=10, hidden=list(hidden))
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        loader = _loader(split.train, batch_size, seed)
        for _ in range(epochs):
            model.train()
            for batch in loader:
                loss = nn.functional.cross_entropy(model(batch["x"]), batch["y"])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            out["baseline_accuracy"] = accuracy(model(split.test.column("x")),
                                                split.test.column("y"))
    return out


# PLR0913: the keyword-only knobs of a public verb
def run_distillation(seed: int = 0, epochs: int = 20, *, teacher_epochs: int | None = None,  # noqa: PLR0913
                     teacher_hidden: Sequence[int] = (256, 128),
                     student_hidden: Sequence[int] = (16,), temperature: float = 4.0,
                     distill_weight: float = 1.0, n_labelled: int | None = None,
                     batch_size: int = 64, lr: float = 1e-2, baseline: bool = True,
                     progress: bool = False, report: dict[str, Any] | None = None
                     ) -> dict[str, float]:
    """Knowledge distillation on the digits. The teacher (MLP ``teacher_hidden``) is
    trained by its own square ``x ⋅ t = y``, then frozen as the fixed edge ``t`` of
    :func:`distillation`; the student (MLP ``student_hidden``) is trained on
    ``x ⋅ s = y`` and ``x ⋅ s = x ⋅ t``. The baseline is the same student (same
    initialisation and data order) trained alone on its square ``x ⋅ s = y``.
    ``n_labelled`` keeps that many training examples (stratified subset) for all three.

    ``report``, when given, receives the compiled diagrams (``"teacher"``, ``"student"``,
    ``"alone"``) and the last epoch's per-equation training losses (``"losses"``).

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_distillation(epochs=1)  # doctest: +SKIP
    >>> sorted(m)                       # doctest: +SKIP
    ['student_accuracy', 'student_alone_accuracy', 'teacher_accuracy']
    """
    split = load_digits_split(seed=seed)
    train = split.train
    if n_labelled is not None:
        from catlearn_torch.datasets import few_label_subset
        train = few_label_subset(train, max(1, n_labelled // 10), seed)
    seed_everything(seed)
    T = supervised_square("t")
    LT = compile(T, realise_square(T, teacher_hidden, classifier="t"))
    _fit(LT, _loader(train, batch_size, seed), teacher_epochs or epochs, lr, progress,
         "teacher: its own square x ⋅ t = y")
    out = {"teacher_accuracy": _classify(LT, "x ⋅ t", split.test, "y")}
    teacher = LT.model("t")
    seed_everything(seed + 1)
    D = distillation(temperature, distill_weight)
    R = realise_distillation(teacher, D, student_hidden)
    init = {k: v.clone() for k, v in R.modules["s"].state_dict().items()}
    L = compile(D, R)
    h = _fit(L, _loader(train, batch_size, seed + 1), epochs, lr, progress,
             "student with distillation: x ⋅ s = x ⋅ t and x ⋅ s = y")
    out["student_accuracy"] = _classify(L, "x ⋅ s", split.test, "y")
    if report is not None:
        report.update(teacher=LT, student=L, losses=_last(h))
    if baseline:
        S = supervised_square("s")
        alone = zoo.build("mlp", in_features=64, out_features=10, hidden=list(student_hidden))
        alone.load_state_dict(init)
        LA = compile(S, Realisation(S, models={"s": alone}))
        torch.manual_seed(seed + 1)
        ha = _fit(LA, _loader(train, batch_size, seed + 1), epochs, lr, progress,
                  "student alone: x ⋅ s = y")
        out["student_alone_accuracy"] = _classify(LA, "x ⋅ s", split.test, "y")
        if report is not None:
            report.update(alone=LA, alone_losses=_last(ha))
    return out


#: Who the transfer-set teacher learns from: every training label, or the student's few.
TEACHER_LABELS: tuple[str, ...] = ("all", "few")


# PLR0913: the keyword-only knobs of a public verb
def run_distillation_transfer(seed: int = 0, epochs: int = 20, *, k: int = 5,  # noqa: PLR0913
                              teacher_labels: str = "all",
                              teacher_hidden: Sequence[int] = (256, 128),
                              student_hidden: Sequence[int] = (16,),
                              temperature: float = 4.0, transfer_weight: float = 1.0,
                              batch_size: int = 64, lr: float = 1e-2,
                              baseline: bool = True, progress: bool = False,
                              report: dict[str, Any] | None = None) -> dict[str, float]:
    """Distillation with an unlabelled transfer set (:func:`distillation_transfer`) on the
    digits. The training split is cut by :func:`~catlearn_torch.datasets.transfer_split`
    into ``k`` labelled examples per class (source ``N``) and the rest, without labels
    (source ``U``, 1,297 images for ``k = 5``). The teacher (MLP ``teacher_hidden``) is
    trained by its own square on every training label (``teacher_labels="all"``) or on
    the same ``k`` per class (``"few"``), for ``epochs`` epochs of the full training
    set's length either way, then frozen. The student (MLP ``student_hidden``) is
    trained on the three equations, one batch of each source per step, an epoch being
    the transfer set's length (the labelled set cycles). The baseline is the same
    student (same initialisation) trained alone on ``x ⋅ s = y`` with the ``k`` labels
    for the same number of steps (its loader samples with replacement).

    ``report``, when given, receives the compiled diagrams (``"teacher"``,
    ``"student"``, ``"alone"``), the histories (``"history"``, ``"alone_history"``)
    and the last epoch's per-equation training losses (``"losses"``).

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_distillation_transfer(epochs=1)  # doctest: +SKIP
    >>> sorted(m)                                # doctest: +SKIP
    ['student_accuracy', 'student_alone_accuracy', 'teacher_accuracy']
    """
    if teacher_labels not in TEACHER_LABELS:
        raise DatasetError(DATASET_MESSAGES["bad_teacher_labels"].format(
            known=", ".join(TEACHER_LABELS), value=teacher_labels))
    split = load_digits_split(seed=seed)
    parts = transfer_split(split.train, k, seed)
    if len(parts.unlabelled) == 0:
        raise DatasetError(DATASET_MESSAGES["no_transfer_set"].format(k=k,
                                                                      n=len(split.train)))
    labelled, unlabelled = parts.labelled, parts.unlabelled.rename({"x": "xu"})
    steps = len(_loader(split.train, batch_size, seed))
    seed_everything(seed)
    T = supervised_square("t")
    LT = compile(T, realise_square(T, teacher_hidden, classifier="t"))
    teacher_data = (_loader(split.train, batch_size, seed) if teacher_labels == "all" else
                    _loader(labelled, batch_size, seed, samples=steps * batch_size))
    _fit(LT, teacher_data, epochs, lr, progress,
         f"teacher ({teacher_labels} labels): its own square x ⋅ t = y")
    out = {"teacher_accuracy": _classify(LT, "x ⋅ t", split.test, "y")}
    seed_everything(seed + 1)
    D = distillation_transfer(temperature, transfer_weight=transfer_weight)
    R = realise_distillation(LT.model("t"), D, student_hidden)
    init = {key: v.clone() for key, v in R.modules["s"].state_dict().items()}
    L = compile(D, R)
    loaders = {"N": _loader(labelled, batch_size, seed + 1),
               "U": _loader(unlabelled, batch_size, seed + 2)}
    h = _fit(L, loaders, epochs, lr, progress, f"student with distillation ({k} labels per "
             f"class + transfer set; teacher on {teacher_labels} labels): x ⋅ s = x ⋅ t, "
             "x ⋅ s = y, xu ⋅ s = xu ⋅ t")
    out["student_accuracy"] = _classify(L, "x ⋅ s", split.test, "y")
    if report is not None:
        report.update(teacher=LT, student=L, history=h, losses=_last(h))
    if baseline:
        S = supervised_square("s")
        alone = zoo.build("mlp", in_features=64, out_features=10, hidden=list(student_hidden))
        alone.load_state_dict(init)
        LA = compile(S, Realisation(S, models={"s": alone}))
        torch.manual_seed(seed + 1)
        ha = _fit(LA, _loader(labelled, batch_size, seed + 1,
                              samples=len(loaders["U"]) * batch_size), epochs, lr, progress,
                  f"student alone ({k} labels per class): x ⋅ s = y")
        out["student_alone_accuracy"] = _classify(LA, "x ⋅ s", split.test, "y")
        if report is not None:
            report.update(alone=LA, alone_history=ha, alone_losses=_last(ha))
    return out


def run_few_shot(seed: int = 0, epochs: int = 10, *, k: int = 5, scheme: str = "pairs",
                 hidden: Sequence[int] = (64,), features: int = 32, batch_size: int = 32,
                 lr: float = 1e-2, baseline: bool = True, progress: bool = False
                 ) -> dict[str, float]:
    """Few-shot multi-task on the digits (:func:`~catlearn_torch.datasets.digits_tasks`):
    task 1 has every training label (``scheme``: by default the digit's pair
    {0,1}, ..., {8,9}), task 2 the ten digits with ``k`` labels per class. The two
    squares share the backbone ``m`` (:func:`few_shot`); each step draws one batch of
    each data set (the few-label set cycles). The baseline is task 2's square alone
    (same models, same number of steps: its loader samples with replacement).

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_few_shot(epochs=1)  # doctest: +SKIP
    >>> sorted(m)                   # doctest: +SKIP
    ['few_accuracy', 'few_alone_accuracy', 'many_accuracy']
    """
    tasks = digits_tasks(k, scheme, seed)
    classes = (len(tasks.many_labels), len(tasks.few_labels))
    many = tasks.many_train.rename({"x": "x1", "y": "y1"})
    few = tasks.few_train.rename({"x": "x2", "y": "y2"})
    few_test = tasks.few_test.rename({"x": "x2", "y": "y2"})
    steps = len(_loader(many, batch_size, seed))
    seed_everything(seed)
    D = few_shot()
    L = compile(D, realise_few_shot(D, classes, hidden, features))
    _fit(L, {"N1": _loader(many, batch_size, seed), "N2": _loader(few, batch_size, seed + 1)},
         epochs, lr, progress, "few-shot: backbone m shared by x1 ⋅ m ⋅ h1 = y1 and "
         "x2 ⋅ m ⋅ h2 = y2")
    out = {"few_accuracy": _classify(L, "x2 ⋅ m ⋅ h2", few_test, "y2"),
           "many_accuracy": _classify(L, "x1 ⋅ m ⋅ h1", tasks.many_test.rename(
               {"x": "x1", "y": "y1"}), "y1")}
    if baseline:
        seed_everything(seed)
        S = few_shot_square(2)
        R = realise_few_shot(S, classes, hidden, features)
        LA = compile(S, R)
        _fit(LA, _loader(few, batch_size, seed + 1, samples=steps * batch_size), epochs, lr,
             progress, "few-label task alone: x2 ⋅ m ⋅ h2 = y2")
        out["few_alone_accuracy"] = _classify(LA, "x2 ⋅ m ⋅ h2", few_test, "y2")
    return out


def _caption_metrics(logits: Tensor, target: Tensor) -> tuple[float, float]:
    pred = logits.argmax(dim=2)
    keep = (target != VOCABULARY.pad_index) & (target != VOCABULARY.bos_index)
    token = float(((pred == target) & keep).sum()) / float(keep.sum())
    texts_p = VOCABULARY.decode_batch(pred)
    texts_t = VOCABULARY.decode_batch(target)
    exact = sum(p == t for p, t in zip(texts_p, texts_t, strict=True)) / len(texts_t)
    return token, exact


# PLR0913: the keyword-only knobs of a public verb
def run_captioning(seed: int = 0, epochs: int = 20, *, n_train: int = 2000,  # noqa: PLR0913
                   n_test: int = 500, size: int = 16, features: int = 64,
                   channels: Sequence[int] = (16, 32), hidden: int = 128,
                   batch_size: int = 64, lr: float = 3e-3, baseline: bool = True,
                   progress: bool = False) -> dict[str, float]:
    """NIC on :class:`~catlearn_torch.datasets.ShapesCaptions` (train drawn with ``seed``,
    test with ``seed + 1``). Token accuracy counts the word and ``<eos>`` positions (not
    ``<bos>`` or ``<pad>``); exact-caption accuracy compares the decoded caption with the
    true one. The baseline is a blind decoder: the most frequent training token at each
    position, whatever the image.

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_captioning(epochs=1, n_train=64, n_test=16)  # doctest: +SKIP
    >>> sorted(m)                                            # doctest: +SKIP
    ['baseline_exact_accuracy', 'baseline_token_accuracy', 'exact_accuracy', 'token_accuracy']
    """
    train = ShapesCaptions(n_train, seed, size=size).rename({"image": "x"})
    test = ShapesCaptions(n_test, seed + 1, size=size).rename({"image": "x"})
    seed_everything(seed)
    D = captioning()
    L = compile(D, realise_captioning(D, features, channels, hidden))
    _fit(L, _loader(train, batch_size, seed), epochs, lr, progress,
         "captioning: x ⋅ enc ⋅ dec = caption")
    L.eval()
    with torch.no_grad():
        logits = path_value(L, "x ⋅ enc ⋅ dec", test.tensors())
    target = test.column("caption")
    token, exact = _caption_metrics(logits, target)
    out = {"token_accuracy": token, "exact_accuracy": exact}
    if baseline:
        caps = train.column("caption")
        mode = torch.stack([torch.bincount(caps[:, i], minlength=len(VOCABULARY))
                            for i in range(caps.shape[1])])   # (length, vocab) counts
        blind = mode.float().unsqueeze(0).expand(len(target), -1, -1)
        out["baseline_token_accuracy"], out["baseline_exact_accuracy"] = \
            _caption_metrics(blind, target)
    return out


# PLR0913: the keyword-only knobs of a public verb
def run_alignment(seed: int = 0, epochs: int = 20, *, n_train: int = 2000, n_test: int = 500,  # noqa: PLR0913
                  size: int = 16, dim: int = 32, channels: Sequence[int] = (16, 32),
                  temperature: float = 0.1, batch_size: int = 64, lr: float = 3e-3,
                  baseline: bool = True, progress: bool = False) -> dict[str, float]:
    """Image–caption alignment on ShapesCaptions; recall@1 retrieves, for each test
    image, the caption whose embedding is closest (cosine) among all ``n_test`` test
    captions — a hit when its text is the image's caption (captions repeat, so identical
    ones count) — and the other way round. The baseline is chance: the expected recall@1
    of a random ranking, the mean fraction of test captions identical to the true one.

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_alignment(epochs=1, n_train=64, n_test=16)  # doctest: +SKIP
    >>> sorted(m)                                           # doctest: +SKIP
    ['caption_to_image_recall@1', 'chance_recall@1', 'image_to_caption_recall@1']
    """
    train = ShapesCaptions(n_train, seed, size=size).rename({"image": "x", "caption": "c"})
    test = ShapesCaptions(n_test, seed + 1, size=size).rename({"image": "x", "caption": "c"})
    seed_everything(seed)
    D = alignment(temperature)
    L = compile(D, realise_alignment(D, dim, channels))
    _fit(L, _loader(train, batch_size, seed), epochs, lr, progress,
         "alignment: x ⋅ f = c ⋅ g (InfoNCE)")
    L.eval()
    with torch.no_grad():
        img = path_value(L, "x ⋅ f", test.tensors())
        txt = path_value(L, "c ⋅ g", test.tensors())
    caps = test.column("c")
    same = (caps.unsqueeze(1) == caps.unsqueeze(0)).all(dim=2)
    out = {"image_to_caption_recall@1": recall_at_1(img, txt, same),
           "caption_to_image_recall@1": recall_at_1(txt, img, same)}
    if baseline:
        out["chance_recall@1"] = float(same.float().mean())
    return out


def run_autoencoder(seed: int = 0, epochs: int = 30, *, latent: int = 8,
                    hidden: Sequence[int] = (64,), max_length: int = 3,
                    batch_size: int = 64, lr: float = 3e-3, baseline: bool = True,
                    progress: bool = False) -> dict[str, float]:
    """An MLP autoencoder of the digits' pixels (in [0, 1]) with a ``latent``-dimensional
    code, trained on :func:`autoencoder` (bounded walks); the metric is the test
    reconstruction error (mean squared error per pixel). Baselines: PCA with ``latent``
    components fitted on the training pixels (the best *linear* autoencoder), and the
    mean training image.

    The example is skipped as a doctest because it trains (tests/torch/test_regimes.py
    runs every regime at tiny settings):

    >>> m = run_autoencoder(epochs=1)  # doctest: +SKIP
    >>> sorted(m)                      # doctest: +SKIP
    ['mean_image_mse', 'mse', 'pca_mse']
    """
    split = load_digits_split(seed=seed)
    seed_everything(seed)
    D = autoencoder(max_length)
    L = compile(D, realise_autoencoder(D, latent, hidden))
    _fit(L, _loader(split.train, batch_size, seed), epochs, lr, progress,
         f"autoencoder: walks of length <= {max_length}: "
         + ", ".join(e.name for e in D.equations))
    L.eval()
    xt = split.test.column("x")
    with torch.no_grad():
        rec = path_value(L, "x ⋅ enc ⋅ dec", split.test.tensors())
    out = {"mse": float(((rec - xt) ** 2).mean())}
    if baseline:
        x = split.train.column("x").double()
        mean = x.mean(dim=0)
        _, _, v = torch.linalg.svd(x - mean, full_matrices=False)
        basis = v[:latent].T
        xc = xt.double() - mean
        pca = xc @ basis @ basis.T + mean
        out["pca_mse"] = float(((pca - xt.double()) ** 2).mean())
        out["mean_image_mse"] = float(((mean - xt.double()) ** 2).mean())
    return out


#: Each regime's builder and run function, by name (the benchmark iterates over it).
REGIMES: Mapping[str, tuple[Any, Any]] = {
    "square": (supervised_square, run_square),
    "distillation": (distillation, run_distillation),
    "distillation_transfer": (distillation_transfer, run_distillation_transfer),
    "few_shot": (few_shot, run_few_shot),
    "captioning": (captioning, run_captioning),
    "alignment": (alignment, run_alignment),
    "autoencoder": (autoencoder, run_autoencoder),
}
