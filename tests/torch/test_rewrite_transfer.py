"""Rewrite a trained regime and carry its parameters over (transfer_rewrite): the square
becomes distillation with the trained classifier as the frozen teacher."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from torch import nn  # noqa: E402

import catlearn_torch as ct  # noqa: E402
from catlearn.learning import (  # noqa: E402
    LearningDiagram,
    LearningGraph,
    attach_teacher,
    insert_adapter,
    split_model,
)
from catlearn_torch.datasets import load_digits_split  # noqa: E402
from catlearn_torch.errors import SurgeryError  # noqa: E402
from catlearn_torch.metrics import accuracy, path_value  # noqa: E402
from catlearn_torch.regimes import seed_everything, supervised_square  # noqa: E402


def _acc(compiled, path, test):
    compiled.eval()
    with torch.no_grad():
        return accuracy(path_value(compiled, path, test), test["y"])


def _kd(diagram: LearningDiagram) -> LearningDiagram:
    """The rewritten diagram with the distillation equation compared by a softened KL."""
    eqs = [e.with_(comparator="kl(temperature=2)") if e.name == "x ⋅ c = x ⋅ t" else e
           for e in diagram.equations]
    return LearningDiagram(diagram.graph, eqs, diagram.comparators)


def test_square_rewritten_into_distillation_keeps_the_teacher_then_trains_the_student():
    torch.set_num_threads(1)
    split = load_digits_split(seed=0)
    train = torch.utils.data.DataLoader(split.train, batch_size=128, shuffle=True)
    test = split.test.tensors()
    seed_everything(0)
    S = supervised_square("c")
    A = ct.compile(S, ct.Realisation(S, models={"c": nn.Linear(64, 10)}))
    ct.fit(A, train, epochs=3, lr=3e-2, progress=False)
    trained_acc = _acc(A, "x ⋅ c", test)
    assert trained_acc > 0.8

    rw = S.rewrite(attach_teacher("c", teacher="t"))
    KD = _kd(rw.diagram)
    student0 = nn.Linear(64, 10)
    B = ct.compile(KD, ct.Realisation(KD, models={"c": student0, "t": nn.Linear(64, 10)}))
    assert _acc(B, "x ⋅ t", test) < 0.5  # a fresh teacher guesses
    assert ct.transfer_rewrite(A, B, rw, kept=False) == {"t": "c"}
    assert "t" in B.frozen()
    assert "c" not in B.frozen()
    assert _acc(B, "x ⋅ t", test) == trained_acc  # the teacher is the trained classifier
    before = _acc(B, "x ⋅ c", test)
    ct.fit(B, train, epochs=3, lr=3e-2, progress=False)
    assert _acc(B, "x ⋅ t", test) == trained_acc  # frozen: unchanged by training
    assert torch.equal(B.model("t").weight, A.model("c").weight)
    assert _acc(B, "x ⋅ c", test) > max(before, 0.8)  # the student learned


def test_kept_edges_and_a_moved_model_carry_their_parameters():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("f", "X", "Y")
    D = LearningDiagram.from_graph(g)
    A = ct.compile(D, ct.Realisation(D, models={"f": nn.Linear(3, 2)}))
    rw = D.rewrite(insert_adapter("f", adapter="a"))
    B = ct.compile(rw.diagram, ct.Realisation(rw.diagram, models={
        "f": nn.Linear(3, 2), "a": nn.Linear(2, 2)}))
    assert ct.transfer_rewrite(A, B, rw) == {"f": "f"}
    assert torch.equal(B.model("f").weight, A.model("f").weight)
    assert ct.transfer_rewrite(A, B, rw, init=False) == {}  # f was moved, not kept


def test_kept_and_init_together_start_student_and_teacher_from_the_classifier():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    A = ct.compile(D, ct.Realisation(D, models={"c": nn.Linear(3, 2)}))
    rw = D.rewrite(attach_teacher("c"))
    B = ct.compile(rw.diagram, ct.Realisation(rw.diagram, models={
        "c": nn.Linear(3, 2), "t": nn.Linear(3, 2)}))
    assert ct.transfer_rewrite(A, B, rw) == {"c": "c", "t": "c"}
    assert torch.equal(B.model("c").weight, B.model("t").weight)
    assert B.model("c") is not B.model("t")  # copies, not shared modules


def test_transfer_rewrite_refuses_what_does_not_fit_before_changing_anything():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    A = ct.compile(D, ct.Realisation(D, models={"c": nn.Linear(3, 2)}))
    rw = D.rewrite(attach_teacher("c"))
    B = ct.compile(rw.diagram, ct.Realisation(rw.diagram, models={
        "c": nn.Linear(3, 2), "t": nn.Linear(4, 2)}))
    old_c = B.model("c").weight.detach().clone()
    with pytest.raises(SurgeryError, match="edge 't'"):
        ct.transfer_rewrite(A, B, rw)
    assert torch.equal(B.model("c").weight, old_c)  # nothing was copied
    with pytest.raises(SurgeryError, match="DiagramRewrite"):
        ct.transfer_rewrite(A, B, {"c": "t"})
    split = D.rewrite(split_model("c"))
    with pytest.raises(SurgeryError, match="graph rewritten"):
        ct.transfer_rewrite(A, B, split)
