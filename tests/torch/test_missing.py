"""Partial data columns: each equation averages over the examples where both of its
paths are defined; an equation without any contributes 0 and is reported."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import BatchError, Masked, Realisation, RealisationError, compile, fit

from .helpers import Counting

CE, REG = "x ⋅ c = y", "x ⋅ d = z"


def half_labelled(missing=None):
    """x -> c (logits = x) against labels y; x -> d (sum of x) against targets z."""
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("c", "X", "Y").model("d", "X", "Z")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"})
    c, d = nn.Linear(2, 2, bias=False), Counting(nn.Linear(2, 1, bias=False))
    with torch.no_grad():
        c.weight.copy_(torch.eye(2))
        d.inner.weight.fill_(1.0)
    return compile(D, Realisation(D, models={"c": c, "d": d}), missing=missing)


X = torch.tensor([[0.0, 0.0], [5.0, 1.0], [math.log(3.0), 0.0], [2.0, 2.0]])


def test_half_labelled_batch_against_a_hand_computation():
    L = half_labelled(missing={"y": -100})
    batch = {"x": X, "y": torch.tensor([0, -100, 0, -100]),
             "z": torch.tensor([[1.0], [0.0], [0.0], [7.0]]),
             "z.mask": torch.tensor([True, False, False, True])}
    out = L(batch)
    # rows 0 and 2 have labels: CE = (log 2 + log(4/3)) / 2
    assert float(out.terms[CE].detach()) == pytest.approx(
        (math.log(2) + math.log(4 / 3)) / 2, abs=1e-6)
    # rows 0 and 3 have targets: sums 0 and 4 against 1 and 7: ((0-1)² + (4-7)²) / 2 = 5
    assert float(out.terms[REG].detach()) == pytest.approx(5.0)
    assert L.last_defined == {CE: 2, REG: 2}
    # the values in undefined rows change nothing:
    batch2 = dict(batch, y=torch.tensor([0, 1, 0, 1]), z=torch.tensor([[1.0], [9.], [9.],
                                                                        [7.0]]))
    batch2["y"] = torch.where(torch.tensor([True, False, True, False]), batch2["y"], -100)
    assert torch.equal(L(batch2).total, out.total)
    out.total.backward()
    # gradient of the CE term w.r.t. c's weight comes from rows 0 and 2 only
    p0, p2 = torch.softmax(X[0], 0), torch.softmax(X[2], 0)
    e = torch.tensor([1.0, 0.0])
    want = (torch.outer(p0 - e, X[0]) + torch.outer(p2 - e, X[2])) / 2
    assert torch.allclose(L.model("c").weight.grad, want, atol=1e-6)


def test_masked_wrapper_equals_the_mask_key_and_a_restricted_comparator():
    L = half_labelled()
    m = torch.tensor([True, False, True, True])
    z = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    y = torch.tensor([0, 1, 1, 0])
    a = L({"x": X, "y": y, "z": Masked(z, m)})
    b = L({"x": X, "y": y, "z": z, "z.mask": m})
    assert torch.equal(a.total, b.total)
    want = ((X[m].sum(1, keepdim=True) - z[m]) ** 2).mean()
    assert torch.allclose(a.terms[REG], want)


def test_an_equation_without_defined_examples_contributes_zero_and_is_reported():
    L = half_labelled(missing={"y": -100, "z": float("nan")})
    batch = {"x": X, "y": torch.full((4,), -100),
             "z": torch.tensor([[1.0], [float("nan")], [2.0], [3.0]])}
    out = L(batch)
    assert float(out.terms[CE]) == 0.0
    assert L.last_defined == {CE: 0, REG: 3}
    assert math.isfinite(float(out.total.detach()))

    class Items(Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return {"x": X[i % 4], "y": torch.tensor(-100 if i < 4 else 1),
                    "z": torch.tensor([float("nan")] if i >= 4 else [1.0])}

    h = fit(L, DataLoader(Items(), batch_size=4), epochs=1, progress=False, check=False)
    rec = h.epochs[0]
    assert rec[f"{CE} [empty steps]"] == 1.0
    assert rec[f"{REG} [empty steps]"] == 1.0
    assert rec[f"{CE} [defined]"] == 4.0
    assert rec[f"{REG} [defined]"] == 4.0
    assert all(math.isfinite(v) for v in rec.values())
    with pytest.raises(RealisationError, match="missing= names q"):
        half_labelled(missing={"q": 0})


def test_a_path_runs_on_the_defined_rows_of_its_column_only():
    # an embedding of the labels would fail on the ignore value; it sees defined rows only
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("f", "X", "E").fixed("emb", "Y", "E")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ f"), D0.path("y ⋅ emb"))])
    emb = Counting(nn.Embedding(3, 2))
    L = compile(D, Realisation(D, models={"f": nn.Linear(2, 2), "emb": emb}),
                missing={"y": -1})
    y = torch.tensor([2, -1, 0, -1, 1])
    x = torch.randn(5, 2)
    out = L({"x": x, "y": y})
    keep = y >= 0
    want = ((L.model("f")(x[keep]) - emb.inner(y[keep])) ** 2).mean()
    assert torch.allclose(out.terms["x ⋅ f = y ⋅ emb"], want)
    assert L.last_defined == {"x ⋅ f = y ⋅ emb": 3}
    report = L.check({"x": x, "y": y})  # check follows the same rows
    assert report.terms["x ⋅ f = y ⋅ emb"] == pytest.approx(float(want.detach()))
    with pytest.raises(BatchError, match="a column mask has 3 entries"):
        L({"x": x, "y": Masked(y, torch.ones(3, dtype=torch.bool))})


def test_info_nce_is_restricted_to_the_defined_rows():
    g = LearningGraph().data("a", "N", "A").data("b", "N", "B")
    g = g.model("f", "A", "Z").model("k", "B", "Z")
    D = LearningDiagram.from_graph(g, comparators={"Z": "info_nce"})
    L = compile(D, Realisation(D, models={"f": nn.Linear(3, 4), "k": nn.Linear(3, 4)}))
    a, b = torch.randn(6, 3), torch.randn(6, 3)
    m = torch.tensor([True, True, False, True, False, True])
    out = L({"a": a, "b": Masked(b, m)})
    name = next(iter(out.terms))
    full = L({"a": a[m], "b": b[m]})
    assert torch.allclose(out.terms[name], full.terms[name])
