"""Model surgery: save/load one model, transfer along a diagram map, surgery between
epochs (optimiser groups and the DDP wrapper follow), stop-gradient sides."""

import pytest
import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from catlearn.learning import Equation, LearningDiagram, LearningGraph, find_graph_maps
from catlearn_torch import (
    Realisation,
    SurgeryError,
    compile,
    ddp,
    fit,
    load_checkpoint,
    load_model,
    make_optimizer,
    save_model,
    sync_optimizer,
    transfer,
)
from catlearn_torch.surgery import rewrap

from .conftest import free_port
from .helpers import backbone_batch, backbone_heads


def blobs(n=60, seed=0):
    g = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = torch.arange(n) % 3
    return centres[y] + 0.7 * torch.randn(n, 2, generator=g), y


def square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy"})
    return compile(D, Realisation(D, models={"c": nn.Sequential(nn.Linear(2, 8), nn.Tanh(),
                                                                nn.Linear(8, 3))}))


def distillation():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [
        Equation(D0.path("x ⋅ s"), D0.path("y"), comparator="cross_entropy"),
        Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t"), comparator="kl(temperature=2)")])
    teacher = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    return compile(D, Realisation(D, models={"t": teacher, "s": nn.Linear(2, 3)}))


def accuracy(module, x, y):
    with torch.no_grad():
        return float((module(x).argmax(1) == y).float().mean())


def test_transfer_a_trained_square_into_distillation_as_its_teacher():
    torch.manual_seed(0)
    x, y = blobs()
    S = square()
    fit(S, DataLoader(TensorDataset(x, y), batch_size=20, shuffle=True), epochs=30, lr=0.05,
        progress=False)
    acc = accuracy(S.model("c"), x, y)
    assert acc > 0.9
    KD = distillation()
    student = KD.model("s").weight.detach().clone()
    # the graph map that puts the learnable classifier on the fixed teacher
    maps = find_graph_maps(S.diagram.graph, KD.diagram.graph, match_roles=False)
    onto_teacher = [m for m in maps if KD.diagram.graph.edge_names()[m[1][2]] == "t"]
    assert transfer(S, KD, onto_teacher[0]) == {"c": "t"}
    assert accuracy(KD.model("t"), x, y) == acc  # before any further training
    assert torch.equal(KD.model("s").weight, student)  # outside the image: unchanged
    assert not any(p.requires_grad for p in KD.model("t").parameters())  # still fixed
    # the same by an edge mapping; no h: the diagram morphism (onto the student) is
    # searched for, and the architectures differ
    KD2 = distillation()
    transfer(S, KD2, {"c": "t"})
    assert accuracy(KD2.model("t"), x, y) == acc
    with pytest.raises(SurgeryError, match="cannot load the saved parameters of edge 'c'"):
        transfer(S, distillation())
    with pytest.raises(SurgeryError, match="the spaces differ"):
        transfer(S, KD2, {"c": "t", "x": "y"})


def test_save_and_load_one_model_by_edge_name(tmp_path):
    D, L = backbone_heads(k=2)
    path = save_model(L, "h0", tmp_path / "h0.pt")
    raw = torch.load(path, weights_only=True)
    assert (raw["edge"], raw["role"], raw["ends"]) == ("h0", "learnable", ["F", "Y0"])
    _D, K = backbone_heads(k=2, seed=4)
    load_model(K, "h1", path)  # another edge of the same shape
    assert torch.equal(K.model("h1").inner.weight, L.model("h0").inner.weight)
    fit(L, [backbone_batch(k=2)], epochs=1, checkpoint=tmp_path / "run.pt", progress=False)
    load_model(K, "m", tmp_path / "run.pt")  # one model out of a fit checkpoint
    assert torch.equal(K.model("m").inner[0].weight, L.model("m").inner[0].weight)
    load_model(K, "h1", tmp_path / "run.pt", source_edge="h0")
    assert torch.equal(K.model("h1").inner.weight, L.model("h0").inner.weight)
    with pytest.raises(SurgeryError, match="holds no model for edge 'zz'"):
        load_model(K, "h1", tmp_path / "run.pt", source_edge="zz")
    with pytest.raises(SurgeryError, match="edge 'x' has no module"):
        save_model(K, "x", tmp_path / "x.pt")
    with pytest.raises(SurgeryError, match="into edge 'm'"):
        load_model(K, "m", path)


def test_optimizer_follows_replace_freeze_unfreeze_and_keeps_other_state():
    _D, L = backbone_heads(k=2)
    opt = make_optimizer(L, torch.optim.SGD, lr=0.1)
    opt.param_groups[0]["momentum"] = 0.9
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1)
    L(backbone_batch(k=2)).total.backward()
    opt.step()
    h0 = L.model("h0").inner.weight
    state_h0 = opt.state[h0]
    L.freeze("m")
    new = nn.Linear(8, 2)
    L.replace("h1", new)
    assert sync_optimizer(opt, L, scheduler=sched)
    assert [g["name"] for g in opt.param_groups] == ["h0", "h1"]
    assert opt.param_groups[1]["params"] == list(new.parameters())
    assert opt.state[h0] is state_h0
    assert len(opt.state) == 1
    assert len(sched.base_lrs) == 2
    L.unfreeze("m")
    assert sync_optimizer(opt, L, lr=0.01, scheduler=sched)
    assert [g["name"] for g in opt.param_groups] == ["h0", "h1", "m"]
    assert opt.param_groups[2]["lr"] == 0.01
    assert sched.base_lrs[2] == 0.01
    assert not sync_optimizer(opt, L)


def make_loader():
    torch.manual_seed(3)
    data = TensorDataset(torch.randn(16, 4), torch.randn(16, 2), torch.randn(16, 2))
    return DataLoader(data, batch_size=4, shuffle=True)


def surgery(epoch, compiled, opt):
    if epoch == 0:
        compiled.freeze("m")
        compiled.replace("h1", nn.Linear(8, 2))
        compiled.reweight({"x ⋅ m ⋅ h0 = y0": 0.5})


def test_surgery_between_epochs_in_fit_and_exact_resume(tmp_path):
    D, L = backbone_heads(k=2)
    loader = make_loader()
    frozen = {}

    def spy(epoch, compiled, opt):
        surgery(epoch, compiled, opt)
        if epoch == 0:
            frozen["m"] = compiled.model("m").inner[0].weight.detach().clone()
            frozen["opt"] = opt
            frozen["h1"] = compiled.model("h1")

    torch.manual_seed(8)
    fit(L, loader, epochs=3, lr=0.05, progress=False, on_epoch_end=spy)
    assert [g["name"] for g in frozen["opt"].param_groups] == ["h0", "h1"]  # synced
    assert torch.equal(L.model("m").inner[0].weight, frozen["m"])  # frozen: unchanged
    assert L.model("h1") is frozen["h1"]
    assert L.weights["x ⋅ m ⋅ h0 = y0"] == 0.5
    # resumed after the surgery (a fresh process builds the regime after the surgery
    # as it was, e.g. with the new head's architecture) ends bitwise equal
    torch.manual_seed(0)
    D, A = backbone_heads(k=2)
    loader = make_loader()
    torch.manual_seed(8)
    fit(A, loader, epochs=3, lr=0.05, progress=False, on_epoch_end=surgery)
    torch.manual_seed(0)
    D, B = backbone_heads(k=2)
    loader = make_loader()
    torch.manual_seed(8)
    fit(B, loader, epochs=2, lr=0.05, progress=False, on_epoch_end=surgery,
        checkpoint=tmp_path / "run.pt")
    assert load_checkpoint(tmp_path / "run.pt")["frozen"] == ["m"]
    _D, C = backbone_heads(k=2, seed=9)
    C.replace("h1", nn.Linear(8, 2))
    fit(C, make_loader(), epochs=3, lr=0.05, progress=False, resume=tmp_path / "run.pt",
        checkpoint=tmp_path / "run.pt")
    assert C.frozen() == ("m",)
    for k, v in A.state_dict().items():
        assert torch.equal(v, C.state_dict()[k]), k


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                    reason="torch.distributed with gloo is not available")
def test_the_ddp_wrapper_is_rebuilt_after_surgery():
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{free_port()}", rank=0,
                            world_size=1)
    try:
        _D, L = backbone_heads(k=2)
        wrapped = ddp(L)
        assert not wrapped.find_unused_parameters
        # without a rebuild, DDP would wait for m's gradients in the second epoch
        fit(wrapped, make_loader(), epochs=2, lr=0.05, progress=False,
            on_epoch_end=surgery)
        again = rewrap(wrapped, L)
        assert again is not wrapped
        assert again.module is L
        held = {id(p) for p in again.parameters() if p.requires_grad}
        assert not any(id(p) in held for p in L.model("m").parameters())
    finally:
        dist.destroy_process_group()


def test_student_against_a_teacher_that_is_learnable_in_another_equation():
    # the teacher t learns from the labels; the student s learns from the teacher, whose
    # side of that equation is a fixed target (grad="lhs")
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("t", "X", "Y").model("s", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ t"), D0.path("y")),
                            Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t"), grad="lhs")])
    L = compile(D, Realisation(D, models={"t": nn.Linear(3, 2), "s": nn.Linear(3, 2)}))
    batch = {"x": torch.randn(5, 3), "y": torch.randn(5, 2)}
    out = L(batch)
    out.terms["x ⋅ s = x ⋅ t"].backward(retain_graph=True)
    assert L.model("t").weight.grad is None
    assert L.model("s").weight.grad is not None
    L.zero_grad()
    out.total.backward()
    total_t = L.model("t").weight.grad.clone()
    L.zero_grad()
    L(batch).terms["x ⋅ t = y"].backward()
    assert torch.equal(L.model("t").weight.grad, total_t)  # only its own equation's
    assert L.gradient_edges() == ("t", "s")
