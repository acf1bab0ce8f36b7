"""check(): problems named by edge and path, no side effects, unreached models."""

import warnings

import pytest
import torch
from torch import nn

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import CheckError, Realisation, Space, UnreachedModelWarning, compile

from .helpers import distillation


class Boom(nn.Module):
    def forward(self, x):
        return self.deep(x)

    def deep(self, x):
        raise RuntimeError("something failed deep inside\nsecond line")


def test_shape_mismatch_names_edge_and_path_without_deep_trace():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("m", "X", "F").model("h", "F", "Y")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, models={"m": nn.Linear(4, 8), "h": nn.Linear(6, 2)}))
    with pytest.raises(CheckError) as err:
        L.check({"x": torch.randn(5, 4), "y": torch.randn(5, 2)})
    msg = str(err.value)
    assert "check found 1 problem(s)" in msg
    assert "edge 'h' (learnable, F -> Y) on path N ⋅ x ⋅ m ⋅ h failed on an input of shape " \
           "(5, 8) and dtype float32: RuntimeError: mat1 and mat2 shapes cannot be " \
           "multiplied" in msg
    assert err.value.__cause__ is None
    assert err.value.__context__ is None
    assert isinstance(err.value.original, RuntimeError)


def test_module_error_is_summarised_to_its_first_line():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("b", "X", "Y")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, models={"b": Boom()}))
    with pytest.raises(CheckError) as err:
        L.check((torch.randn(2, 1), torch.randn(2, 1)))
    assert "RuntimeError: something failed deep inside" in str(err.value)
    assert "second line" not in str(err.value)


def test_dtype_and_comparator_mismatches():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, models={"c": nn.Linear(3, 2)}))
    with pytest.raises(CheckError, match=r"dtype float64: RuntimeError"):
        L.check({"x": torch.randn(4, 3, dtype=torch.float64), "y": torch.randn(4, 2)})
    with pytest.raises(CheckError) as err:
        L.check({"x": torch.randn(4, 3), "y": torch.randn(4, 5)})
    assert "equation 'x ⋅ c = y' in space 'Y' (MSE()): cannot compare lhs x ⋅ c (shape " \
           "(4, 2) and dtype float32) with rhs y (shape (4, 5) and dtype float32): the " \
           "shapes differ: (4, 2) vs (4, 5)" in str(err.value)
    with pytest.raises(CheckError, match=r"path N ⋅ y \(edge 'y'\) has batch size 3, but "
                                         r"the batch of source 'N' has 4 \(from data edge "
                                         r"'x'\)"):
        L.check({"x": torch.randn(4, 3), "y": torch.randn(3, 2)})


def test_cross_entropy_checks_its_target():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"})
    L = compile(D, Realisation(D, models={"c": nn.Linear(3, 4)}))
    L.check({"x": torch.randn(4, 3), "y": torch.tensor([0, 1, 2, 3])})
    with pytest.raises(CheckError, match=r"class indices must lie in \[0, 4\), got 0..7"):
        L.check({"x": torch.randn(4, 3), "y": torch.tensor([0, 1, 2, 7])})
    with pytest.raises(CheckError, match="float but not probabilities"):
        L.check({"x": torch.randn(4, 3), "y": torch.randn(4, 4)})


def test_declared_space_shape_and_dtype():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    R = Realisation(D, spaces={"Y": Space("mse", shape=(2,)),
                               "X": Space(dtype=torch.float32)},
                    models={"c": nn.Linear(3, 3)})
    L = compile(D, R)
    with pytest.raises(CheckError) as err:
        L.check({"x": torch.randn(4, 3), "y": torch.randn(4, 3)})
    assert "path N ⋅ x ⋅ c (edge 'c') gives a value of shape (4, 3) and dtype float32 in " \
           "space 'Y', which is declared with per-example shape (2,)" in str(err.value)
    assert "check found 2 problem(s)" in str(err.value)  # y too; the comparison is fine
    with pytest.raises(CheckError, match="declared with dtype torch.float32"):
        L.check({"x": torch.randn(4, 3).double(), "y": torch.randn(4, 2)})


def test_non_scalar_comparator_and_non_tensor_module():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, spaces={"Y": lambda a, b: a - b},
                               models={"c": nn.Identity()}))
    with pytest.raises(CheckError, match="returned shape .* not a scalar tensor"):
        L.check({"x": torch.randn(4, 2), "y": torch.randn(4, 2)})

    class Pair(nn.Module):
        def forward(self, x):
            return (x, x)

    L2 = compile(D, Realisation(D, models={"c": Pair()}))
    with pytest.raises(CheckError, match="on path N ⋅ x ⋅ c returned tuple, not a tensor"):
        L2.check({"x": torch.randn(4, 2), "y": torch.randn(4, 2)})


def test_unreached_models_are_reported():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("c", "X", "Y").model("u", "Z", "W").model("p", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ c"), D0.path("y")),
                            Equation(D0.path("x ⋅ c"), D0.path("x ⋅ p"), grad="lhs")])
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 2), "u": nn.Linear(1, 1),
                                          "p": nn.Linear(2, 2)}))
    with pytest.warns(UnreachedModelWarning, match=r"u, p get no gradient: u: no equation "
                                                   r"reaches it; p: it lies only on the "
                                                   r"detached side"):
        report = L.check({"x": torch.randn(3, 2), "y": torch.randn(3, 2)})
    assert report.unreached == ("u", "p")
    assert L.find_unused_parameters
    assert "x ⋅ c = y" in report.terms
    assert "N ⋅ x ⋅ c" in report.values
    assert "check passed" in str(report)


def test_check_has_no_side_effects():
    _D, L = distillation()
    L.replace("s", nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Dropout(0.3)))
    L.train()
    before = {k: v.clone() for k, v in L.state_dict().items()}
    torch.manual_seed(5)
    batch = {"x": torch.randn(8, 4), "y": torch.randint(0, 3, (8,))}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.check(batch)
    after_rng = torch.rand(3)
    torch.manual_seed(5)
    torch.randn(8, 4), torch.randint(0, 3, (8,))
    assert torch.equal(after_rng, torch.rand(3))
    assert all(torch.equal(before[k], v) for k, v in L.state_dict().items())
    assert L.training
    assert L.model("s").training
    assert not L.model("t").training
