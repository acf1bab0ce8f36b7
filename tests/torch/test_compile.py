"""Realisations and compiled losses: batches, trie sharing, freezing, gradient sides."""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import (
    BatchError,
    CompiledDiagram,
    Lambda,
    Realisation,
    RealisationError,
    Space,
    compile,
)

from .helpers import Counting, backbone_batch, backbone_heads, distillation, two_sources


def square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    return g, LearningDiagram.from_graph(g)


# ------------------------------------------------------------------ realisations
def test_missing_extra_and_data_models_are_named():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("c", "X", "Y").fixed("t", "X", "Y").model("d", "Y", "Y")
    D = LearningDiagram.from_graph(g, simple=True)
    with pytest.raises(RealisationError, match=r"no module is given for the edge\(s\) t, d"):
        Realisation(D, models={"c": nn.Linear(1, 1)})
    with pytest.raises(RealisationError, match=r"diagram does not have: e, f \(its fixed "
                                               r"and learnable edges: c, t, d\)"):
        Realisation(D, models={"c": nn.Identity(), "t": nn.Identity(), "d": nn.Identity(),
                               "e": nn.Identity(), "f": nn.Identity()})
    with pytest.raises(RealisationError, match=r"edge\(s\) x are data columns"):
        Realisation(D, models={"x": nn.Identity()})
    with pytest.raises(RealisationError, match=r"spaces= names space\(s\) the diagram does "
                                               r"not have: Q \(its spaces: N, X, Y\)"):
        Realisation(D, spaces={"Q": "mse"})
    with pytest.raises(RealisationError, match="learnable edge 'c' must be an nn.Module"):
        Realisation(D, models={"c": lambda x: x, "t": nn.Identity(), "d": nn.Identity()})
    with pytest.raises(RealisationError, match="realisation of space 'Y' must be"):
        Realisation(D, spaces={"Y": 3})
    R = Realisation(D, models={"c": nn.Identity(), "t": torch.tanh, "d": nn.Identity()})
    assert isinstance(R.modules["t"], Lambda)


def test_comparator_resolution_order():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    g = g.model("e", "X", "Y")
    D = LearningDiagram(g, [Equation(LearningDiagram(g, []).path("x ⋅ c"),
                                     LearningDiagram(g, []).path("y"), comparator="mine"),
                            ("x ⋅ e", "y")], comparators={"Y": "l1"})
    mine = lambda a, b: (a - b).sum()  # noqa: E731
    R = Realisation(D, models={"c": nn.Identity(), "e": nn.Identity()},
                    comparators={"mine": mine})
    assert R.comparator(D.equations[0]).fn is mine
    assert R.comparator(D.equations[1]).name == "l1"  # the diagram's, for Y
    R2 = Realisation(D, spaces={"Y": "cosine"}, models={"c": nn.Identity(),
                                                          "e": nn.Identity()},
                     comparators={"mine": mine})
    assert R2.comparator(D.equations[1]).name == "cosine"  # the realisation's wins
    with pytest.raises(Exception, match="unknown comparator 'mine'"):
        Realisation(D, models={"c": nn.Identity(), "e": nn.Identity()})
    other = LearningDiagram.from_graph(g)
    with pytest.raises(RealisationError, match="made for another diagram"):
        compile(other, R)


# ------------------------------------------------------------------ forward
def test_backbone_runs_once_for_all_heads_and_total_is_weighted_sum():
    _D, L = backbone_heads(k=3)
    L.reweight({"x ⋅ m ⋅ h1 = y1": 2.5})
    total, terms = L(backbone_batch())
    assert L.models["m"].calls == 1
    assert all(L.models[f"h{i}"].calls == 1 for i in range(3))
    w = {n: (2.5 if n == "x ⋅ m ⋅ h1 = y1" else 1.0) for n in terms}
    assert torch.allclose(total, sum(w[n] * t for n, t in terms.items()))
    assert L.diagram.equation("x ⋅ m ⋅ h1 = y1").weight == 2.5


def test_batch_formats():
    _g, D = square()
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    x, y = torch.randn(4, 2), torch.randn(4, 1)
    ref = L({"x": x, "y": y}).total
    assert torch.equal(L((x, y)).total, ref)
    assert torch.equal(L([x, y]).total, ref)
    assert torch.equal(L({"N": {"x": x, "y": y}}).total, ref)
    assert torch.equal(L({"x": x, "y": y, "index": torch.arange(4)}).total, ref)  # extras
    with pytest.raises(BatchError, match=r"source 'N' has no column 'y' \(a data edge of "
                                         r"N\); it has: x"):
        L({"x": x})
    with pytest.raises(BatchError, match=r"sequence of 1 items, but the source has 2 data "
                                         r"edge\(s\) \(x, y\)"):
        L((x,))
    with pytest.raises(BatchError, match="must be a mapping from data-edge names"):
        L(x)
    g1 = LearningGraph().data("x", "N", "X").model("enc", "X", "Z").model("dec", "Z", "X")
    D1 = LearningDiagram.from_graph(g1, max_length=3)
    L1 = compile(D1, Realisation(D1, models={"enc": nn.Linear(3, 2), "dec": nn.Linear(2, 3)}))
    assert L1(x.repeat(1, 2)[:, :3]).total.ndim == 0  # a bare tensor: one data edge


def test_two_source_batches():
    _D, L = two_sources()
    a = {"x": torch.randn(5, 4), "y": torch.randint(0, 3, (5,))}
    b = {"u": torch.randn(3, 4), "v": torch.randn(3, 2)}
    total, terms = L({"A": a, "B": b})
    assert set(terms) == {"x ⋅ b ⋅ hy = y", "u ⋅ b ⋅ hv = v"}
    assert torch.equal(L((a, b)).total, total)
    with pytest.raises(BatchError, match=r"no batch for the data source\(s\) B"):
        L({"A": a})
    with pytest.raises(BatchError, match="are not data sources of the diagram"):
        L({"A": a, "B": b, "C": b})
    with pytest.raises(BatchError, match=r"no batch for the data source\(s\) A, B"):
        L(a)
    with pytest.raises(BatchError, match=r"one batch per source in that order"):
        L(torch.zeros(3))


class DictData(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        return {"x": torch.full((2,), float(i)), "y": torch.tensor([float(i)]), "id": i}


def test_dataset_of_dicts_through_default_collate():
    _g, D = square()
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    batch = next(iter(DataLoader(DictData(), batch_size=4)))
    assert L(batch).total.ndim == 0


# ------------------------------------------------------------------ freezing, gradients
def test_fixed_edges_are_frozen_eval_and_get_no_gradient():
    _D, L = distillation()
    t, s = L.model("t"), L.model("s")
    L.train()
    assert not t.training
    assert s.training
    assert all(not p.requires_grad for p in t.parameters())
    total, _ = L({"x": torch.randn(8, 4), "y": torch.randint(0, 3, (8,))})
    total.backward()
    assert all(p.grad is None for p in t.parameters())
    assert all(p.grad is not None for p in s.parameters())
    assert list(L.learnable_parameters()) == list(s.parameters())
    # the teacher runs in eval mode: dropout off, so its output is deterministic
    x = torch.randn(8, 4)
    assert torch.equal(t(x), t(x))


def test_fixed_edge_after_a_learnable_one_passes_the_gradient_through():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("enc", "X", "Z").fixed("proj", "Z", "Y")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, models={"enc": nn.Linear(3, 4), "proj": nn.Linear(4, 2)}))
    L({"x": torch.randn(5, 3), "y": torch.randn(5, 2)}).total.backward()
    assert L.model("enc").weight.grad is not None
    assert L.model("proj").weight.grad is None


@pytest.mark.parametrize("side", ["both", "lhs", "rhs"])
def test_grad_side_reaches_exactly_the_declared_side(side):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("m", "X", "F").model("p", "F", "Y").model("q", "F", "Y")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path("x ⋅ m ⋅ p"), D0.path("x ⋅ m ⋅ q"), grad=side)]
    D = LearningDiagram(g, eqs)
    L = compile(D, Realisation(D, models={"m": nn.Linear(2, 3), "p": nn.Linear(3, 2),
                                          "q": nn.Linear(3, 2)}))
    L({"x": torch.randn(4, 2), "y": torch.randn(4, 2)}).total.backward()
    got = {e for e in ("m", "p", "q") if L.model(e).weight.grad is not None}
    assert got == {"both": {"m", "p", "q"}, "lhs": {"m", "p"}, "rhs": {"m", "q"}}[side]
    assert L.find_unused_parameters == (side != "both")


def test_detaching_is_per_equation_not_per_node():
    # the node x ⋅ m ⋅ q is the detached rhs of one equation and the lhs of another
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("m", "X", "F").model("p", "F", "Y").model("q", "F", "Y")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path("x ⋅ m ⋅ p"), D0.path("x ⋅ m ⋅ q"), grad="lhs"),
           Equation(D0.path("x ⋅ m ⋅ q"), D0.path("y"))]
    D = LearningDiagram(g, eqs)
    L = compile(D, Realisation(D, models={"m": nn.Linear(2, 3), "p": nn.Linear(3, 2),
                                          "q": nn.Linear(3, 2)}))
    batch = {"x": torch.randn(4, 2), "y": torch.randn(4, 2)}
    L(batch).total.backward()
    gq = L.model("q").weight.grad.clone()
    L.zero_grad()
    L(batch).terms["x ⋅ m ⋅ q = y"].backward()
    assert torch.allclose(L.model("q").weight.grad, gq)  # only the second equation's
    assert not L.find_unused_parameters


def test_model_replace_freeze_unfreeze():
    _D, L = backbone_heads(k=2)
    assert isinstance(L.model("m"), Counting)
    new = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
    old = L.replace("m", new)
    assert isinstance(old, Counting)
    assert L.model("m") is new
    assert "models.m.0.weight" in L.state_dict()
    L.freeze("m")
    assert L.frozen() == ("m",)
    assert not new[0].weight.requires_grad
    L.train()
    assert not new.training
    L(backbone_batch(k=2)).total.backward()
    assert new[0].weight.grad is None
    assert L.model("h0").inner.weight.grad is not None
    L.unfreeze("m")
    assert new[0].weight.requires_grad
    assert new.training
    with pytest.raises(RealisationError, match="no model for edge 'zz'"):
        L.model("zz")
    _D2, K = distillation()
    with pytest.raises(RealisationError, match="edge 't' is fixed in the diagram"):
        K.unfreeze("t")
    with pytest.raises(RealisationError, match="must be an nn.Module"):
        K.replace("s", torch.tanh)
    with pytest.raises(RealisationError, match="no equation is called 'nope'"):
        K.reweight({"nope": 1.0})
    with pytest.raises(RealisationError, match="must be a finite number >= 0"):
        K.reweight({"x ⋅ s = y": -1.0})
    frozen_new = nn.Linear(4, 3)
    K.replace("t", frozen_new)
    assert not frozen_new.weight.requires_grad
    assert not frozen_new.training


def test_state_dict_is_keyed_by_edge_name():
    _D, L = distillation()
    keys = set(L.state_dict())
    assert {"models.s.weight", "models.s.bias", "models.t.0.weight"} <= keys
    assert isinstance(L, CompiledDiagram)
    assert isinstance(L.models, nn.ModuleDict)


def test_space_declaration_is_stored():
    _g, D = square()
    R = Realisation(D, spaces={"Y": Space("l1", shape=(1,))}, models={"c": nn.Linear(2, 1)})
    assert R.comparator(D.equations[0]).name == "l1"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_device_follows_the_modules():
    _D, L = distillation()
    L = L.cuda()
    assert L.device.type == "cuda"
    total, _ = L({"x": torch.randn(8, 4), "y": torch.randint(0, 3, (8,))})
    assert total.device.type == "cuda"
    total.backward()
