"""evaluate_equations on batches with missing values: each equation is measured on the
examples where both its sides are defined (Masked columns, '<edge>.mask' keys, missing=)."""

import torch
import torch.nn.functional as F

from catlearn_torch import Masked
from catlearn_torch.metrics import evaluate_equations

from .test_missing import CE, REG, X, half_labelled


def test_masked_columns_are_left_out_of_the_metrics():
    L = half_labelled(missing={"y": -100})
    y = torch.tensor([0, -100, 1, -100])
    z = Masked(torch.tensor([[1.0], [0.0], [0.0], [7.0]]),
               torch.tensor([True, False, False, True]))
    out = evaluate_equations(L, {"N": [{"x": X, "y": y, "z": z}]})
    logits = X[[0, 2]]  # c is the identity: rows 0 and 2 are labelled
    assert abs(out[f"{CE}: loss"] - float(F.cross_entropy(logits, y[[0, 2]]))) < 1e-6
    assert out[f"{CE}: accuracy"] == float((logits.argmax(1) == y[[0, 2]]).float().mean())
    sums = X.sum(1, keepdim=True)[[0, 3]]  # d sums x: rows 0 and 3 have a target
    assert abs(out[f"{REG}: loss"] - float(F.mse_loss(sums, z.values[[0, 3]]))) < 1e-6


def test_an_equation_without_a_defined_example_has_no_entry():
    L = half_labelled()
    y = Masked(torch.tensor([0, 0, 0, 0]), torch.zeros(4, dtype=torch.bool))
    out = evaluate_equations(L, {"N": [{"x": X, "y": y, "z": torch.zeros(4, 1)}]})
    assert not any(k.startswith(CE) for k in out)
    assert f"{REG}: loss" in out
    # over two batches, the defined rows of each are pooled
    y2 = Masked(torch.tensor([1, 0, 0, 0]), torch.tensor([True, False, False, False]))
    out = evaluate_equations(L, {"N": [{"x": X, "y": y, "z": torch.zeros(4, 1)},
                                       {"x": X, "y": y2, "z": torch.zeros(4, 1)}]})
    assert abs(out[f"{CE}: loss"] - float(F.cross_entropy(X[:1], torch.tensor([1])))) < 1e-6
