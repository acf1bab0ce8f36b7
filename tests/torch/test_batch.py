"""Batch guards: a batch that does not fit raises a BatchError naming the source, column,
edge or equation and what was expected — from forward itself, never a NaN loss."""

import math

import pytest
import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import BatchError, Masked, Realisation, Space, compile
from catlearn_torch.batch import comparison_problem, first_layer
from catlearn_torch.comparators import MSE
from catlearn_torch.errors import TorchBackendError

EQ = "x ⋅ c = y"


def square(comparator="mse", model=None, **kw):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": comparator})
    return compile(D, Realisation(D, models={"c": model or nn.Linear(3, 4)}), **kw)


def labels(*v):
    return torch.tensor(v)


def test_wrong_feature_size_rank_and_dtype_name_the_edge_and_the_shapes():
    L = square("cross_entropy")
    y = labels(0, 1, 2, 3, 0)
    with pytest.raises(BatchError) as err:
        L({"x": torch.randn(5, 2), "y": y})
    msg = str(err.value)
    assert "edge 'c' (learnable, X -> Y) on path N ⋅ x ⋅ c expects inputs whose last " \
           "dimension is 3" in msg
    assert "got shape (5, 2) and dtype float32" in msg
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, TorchBackendError)
    with pytest.raises(BatchError, match="expects floating inputs .* dtype int64"):
        L({"x": torch.ones(5, 3, dtype=torch.long), "y": y})
    with pytest.raises(BatchError, match="expects inputs of dtype float32, its parameters'"):
        L({"x": torch.ones(5, 3, dtype=torch.float64), "y": y})
    with pytest.raises(BatchError, match="column 'x' of source 'N' is a 0-dimensional"):
        L({"x": torch.tensor(1.0), "y": y})
    conv = square(model=nn.Sequential(nn.Conv1d(2, 4, 1), nn.Flatten()))
    with pytest.raises(BatchError, match="expects 2 input channels"):
        conv({"x": torch.randn(5, 3, 1), "y": torch.randn(5, 4)})
    with pytest.raises(BatchError, match="expects inputs of 2 or 3 dimensions"):
        conv({"x": torch.randn(5, 2, 1, 1), "y": torch.randn(5, 4)})
    emb = square(model=nn.Embedding(3, 4))
    with pytest.raises(BatchError, match=r"expects integer indices \(its first layer is "
                                         r"Embedding\(3, 4\)\)"):
        emb({"x": torch.randn(5), "y": torch.randn(5, 4)})


def test_a_failing_module_is_re_raised_naming_the_edge_and_its_input():
    L = square(model=nn.Sequential(nn.Linear(3, 5), nn.Linear(4, 4)))  # 2nd layer is wrong
    with pytest.raises(BatchError) as err:
        L({"x": torch.randn(5, 3), "y": torch.randn(5, 4)})
    assert "edge 'c' (learnable, X -> Y) on path N ⋅ x ⋅ c failed on an input of shape " \
           "(5, 3) and dtype float32: RuntimeError: mat1 and mat2" in str(err.value)
    assert isinstance(err.value.__cause__, RuntimeError)


def test_columns_of_one_source_must_have_the_same_number_of_examples():
    L = square()
    with pytest.raises(BatchError, match=r"column 'y' of source 'N' has 4 examples, but "
                                         r"column 'x' of the same batch has 5 \(equation"
                                         r"\(s\) 'x ⋅ c = y'\)"):
        L({"x": torch.randn(5, 3), "y": torch.randn(4, 4)})


def test_class_indices_out_of_range_are_named_and_never_reach_the_kernel():
    L = square("cross_entropy")
    with pytest.raises(BatchError, match=r"equation 'x ⋅ c = y' \(CrossEntropy.*\): the "
                                         r"class indices of rhs y must lie in \[0, 4\) "
                                         r"\(or be -100, the ignored index\), got -3..7 "
                                         r"\(2 of 5 out of range\)"):
        L({"x": torch.randn(5, 3), "y": labels(0, 1, 7, -3, 2)})
    out = L({"x": torch.randn(5, 3), "y": labels(0, 1, -100, 3, 2)})  # torch's ignore_index
    assert math.isfinite(float(out.total.detach()))
    with pytest.raises(BatchError, match="every class index of rhs y is -100"):
        L({"x": torch.randn(2, 3), "y": labels(-100, -100)})
    with pytest.raises(BatchError, match=r"class indices for logits of shape \(5, 4\) must "
                                         r"have shape \(5,\), not \(5, 1\)"):
        L({"x": torch.randn(5, 3), "y": torch.zeros(5, 1, dtype=torch.long)})


def test_integer_and_broadcasting_targets_are_refused():
    L = square(model=nn.Linear(3, 1))
    with pytest.raises(BatchError, match=r"rhs y \(shape \(5, 1\) and dtype int64\): the rhs "
                                         r"has dtype int64, but mse compares floating"):
        L({"x": torch.randn(5, 3), "y": torch.ones(5, 1, dtype=torch.long)})
    with pytest.raises(BatchError, match=r"the shapes differ: \(5, 1\) vs \(5,\) \(a target "
                                         r"whose shape differs from the prediction's is "
                                         r"refused, not broadcast\)"):
        L({"x": torch.randn(5, 3), "y": torch.ones(5)})
    assert comparison_problem(MSE(), torch.zeros(2, 1), torch.zeros(2, 1)) is None
    assert comparison_problem(lambda a, b: a, torch.zeros(2), torch.zeros(3)) is None


def test_an_empty_batch_and_non_finite_inputs_are_reported_by_equation_and_column():
    L = square(model=nn.Linear(3, 1))
    with pytest.raises(BatchError, match=r"the batch of source 'N' is empty \(column 'x' "
                                         r"has 0 examples\): equation\(s\) 'x ⋅ c = y'"):
        L({"x": torch.randn(0, 3), "y": torch.randn(0, 1)})
    x = torch.randn(5, 3)
    x[2, 1] = math.nan
    with pytest.raises(BatchError, match=r"equation 'x ⋅ c = y': column 'x' of source 'N' "
                                         r"\(lhs x ⋅ c\) holds non-finite values \(NaN or "
                                         r"inf\) in 1 of 5 example\(s\)"):
        L({"x": x, "y": torch.randn(5, 1)})
    y = torch.randn(5, 1)
    y[0] = math.inf
    with pytest.raises(BatchError, match=r"column 'y' of source 'N' \(rhs y\) holds "
                                         r"non-finite values"):
        L({"x": torch.randn(5, 3), "y": y})
    # declared missing: fine, and the NaN rows are left out
    out = L({"x": torch.randn(5, 3), "y": Masked(y, torch.isfinite(y).reshape(-1))})
    assert math.isfinite(float(out.total.detach()))
    assert L.last_defined == {EQ: 4}


def test_a_nan_made_by_a_model_is_left_to_the_trainer():
    class Nan(nn.Module):
        def forward(self, x):
            return x[:, :1] * math.nan

    L = square(model=Nan())
    out = L({"x": torch.randn(5, 3), "y": torch.randn(5, 1)})
    assert math.isnan(float(out.total))  # inputs are finite: fit's NonFiniteLossError


def test_a_declared_space_is_checked_on_its_columns():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    R = Realisation(D, spaces={"Y": Space("mse", shape=(2,))}, models={"c": nn.Linear(3, 2)})
    L = compile(D, R)
    L({"x": torch.randn(4, 3), "y": torch.randn(4, 2)})
    with pytest.raises(BatchError, match=r"column 'y' of source 'N' has shape \(4, 3\) and "
                                         r"dtype float32, but its space 'Y' is declared with "
                                         r"per-example shape \(2,\)"):
        L({"x": torch.randn(4, 3), "y": torch.randn(4, 3)})


def test_guards_can_be_switched_off():
    L = square(model=nn.Linear(3, 1), guards=False)
    with pytest.warns(UserWarning, match="target size"):  # torch broadcasts
        L({"x": torch.randn(5, 3), "y": torch.ones(5)})


def test_first_layer_looks_into_sequentials_only():
    assert isinstance(first_layer(nn.Sequential(nn.Sequential(nn.Linear(2, 2)))), nn.Linear)
    assert first_layer(nn.Sequential()) is None
    assert first_layer(nn.LazyLinear(3)) is None
    assert first_layer(nn.Sequential(nn.ReLU(), nn.Linear(2, 2))) is None


@pytest.mark.parametrize("how", ["gather", "fill"])
def test_label_guards_hold_with_missing_values(how):
    L = square("cross_entropy", masked=how, missing={"y": -100})
    with pytest.raises(BatchError, match=r"class indices of rhs y must lie in \[0, 4\).* "
                                         r"got 9..9"):
        L({"x": torch.randn(5, 3), "y": labels(0, 1, 9, -100, 2)})
    out = L({"x": torch.randn(5, 3), "y": labels(-100, -100, -100, -100, -100)})
    assert float(out.total.detach()) == 0.0
    assert L.last_defined == {EQ: 0}
