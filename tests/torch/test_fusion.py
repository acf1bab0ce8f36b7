"""Horizontal fusion (``compile(..., fuse=True)``): the same losses and gradients as the
unfused loss, on random diagrams; what must not fuse does not; surgery re-plans."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
from hypothesis import event, given
from hypothesis import strategies as st
from torch import nn

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import BatchError, Masked, Realisation, compile
from catlearn_torch.errors import RealisationError
from tests.torch.helpers import Counting

D_IN, H, C = 4, 8, 3


def _head(kind: str) -> nn.Module:
    if kind == "lin":
        return nn.Linear(H, C)
    if kind == "wide":
        return nn.Linear(H, 5)
    return nn.Sequential(nn.Linear(H, 6), nn.ReLU(), nn.Linear(6, C))


def _width(kind: str) -> int:
    return 5 if kind == "wide" else C


head_spec = st.fixed_dictionaries({
    "kind": st.sampled_from(["lin", "lin", "wide", "mlp"]),
    "ce": st.booleans(),
    "grad": st.sampled_from(["both", "both", "lhs", "rhs"]),
    "frozen": st.booleans(),
    "weight": st.sampled_from([1.0, 1.0, 0.5, 0.0]),
    "mask": st.sampled_from(["none", "none", "some", "ignore", "all"]),
})


def _regime(specs: list[dict[str, Any]], n: int, seed: int
            ) -> tuple[LearningDiagram, dict[str, nn.Module], dict[str, Any],
                       dict[str, Any]]:
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X").model("m", "X", "F")
    for i, _ in enumerate(specs):
        g = g.data(f"y{i}", "N", f"Y{i}").model(f"h{i}", "F", f"Y{i}")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path(f"x ⋅ m ⋅ h{i}"), D0.path(f"y{i}"), weight=s["weight"],
                    comparator="cross_entropy" if s["ce"] else "mse", grad=s["grad"])
           for i, s in enumerate(specs)]
    D = LearningDiagram(g, eqs)
    models: dict[str, nn.Module] = {"m": nn.Sequential(nn.Linear(D_IN, H), nn.Tanh())}
    models.update({f"h{i}": _head(s["kind"]) for i, s in enumerate(specs)})
    batch: dict[str, Any] = {"x": torch.randn(n, D_IN)}
    missing: dict[str, Any] = {}
    for i, s in enumerate(specs):
        w = _width(s["kind"])
        defined = torch.rand(n) < 0.6
        defined[0] = True
        if s["mask"] == "all":
            defined[:] = False
        if s["ce"]:
            y = torch.randint(0, w, (n,))
            if s["mask"] in ("some", "all"):
                missing[f"y{i}"] = -100
                y = torch.where(defined, y, -100)
            elif s["mask"] == "ignore":  # cross-entropy's own ignore index, no mask
                y = torch.where(defined, y, -100)
            batch[f"y{i}"] = y
        else:
            t = torch.randn(n, w)
            batch[f"y{i}"] = Masked(t, defined) if s["mask"] in ("some", "all") else t
    return D, models, batch, missing


def _pair(D: LearningDiagram, models: dict[str, nn.Module], missing: dict[str, Any],
          **kw: Any) -> tuple[Any, Any]:
    plain = compile(D, Realisation(D, models=copy.deepcopy(models)), missing=missing, **kw)
    fused = compile(D, Realisation(D, models=copy.deepcopy(models)), missing=missing,
                    fuse=True, **kw)
    return plain, fused


def _assert_same(plain: Any, fused: Any, batch: dict[str, Any]) -> None:
    out_p, out_f = plain(batch), fused(batch)
    for eq in plain.diagram.equations:
        if eq.weight == 0.0:
            assert float(out_f.terms[eq.name]) == 0.0
        else:
            torch.testing.assert_close(out_f.terms[eq.name], out_p.terms[eq.name],
                                       atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(out_f.total, out_p.total, atol=1e-5, rtol=1e-5)
    dp, df = plain.last_defined, fused.last_defined
    assert (dp is None) == (df is None)
    if dp is not None and df is not None:
        live = {eq.name for eq in plain.diagram.equations if eq.weight != 0.0}
        assert {k: v for k, v in df.items() if k in live} == \
            {k: v for k, v in dp.items() if k in live}
    if out_p.total.requires_grad:
        out_p.total.backward()
        out_f.total.backward()
    for (name, p), (name_f, q) in zip(plain.named_parameters(), fused.named_parameters(),
                                      strict=True):
        assert name == name_f
        assert (p.grad is None) == (q.grad is None), name
        if p.grad is not None:
            torch.testing.assert_close(q.grad, p.grad, atol=1e-5, rtol=1e-5)


@given(specs=st.lists(head_spec, min_size=2, max_size=16), n=st.integers(1, 9),
       seed=st.integers(0, 2**16), freeze_m=st.booleans(),
       masked=st.sampled_from(["auto", "fill"]))
def test_fused_equals_unfused(specs: list[dict[str, Any]], n: int, seed: int,
                              freeze_m: bool, masked: str) -> None:
    D, models, batch, missing = _regime(specs, n, seed)
    plain, fused = _pair(D, models, missing, masked=masked)
    for L in (plain, fused):
        for i, s in enumerate(specs):
            if s["frozen"]:
                L.freeze(f"h{i}")
        if freeze_m:
            L.freeze("m")
    event(f"fused groups: {len(fused.fusion_groups())}")
    _assert_same(plain, fused, batch)


def _heads(k: int, kinds: list[str] | None = None, **kw: Any) -> tuple[Any, Any, Any]:
    specs = [{"kind": (kinds or ["lin"] * k)[i], "ce": True, "grad": "both",
              "frozen": False, "weight": 1.0, "mask": "none"} for i in range(k)]
    D, models, batch, missing = _regime(specs, 6, 0)
    plain, fused = _pair(D, models, missing, **kw)
    return plain, fused, batch


def test_groups_follow_structure() -> None:
    _, fused, _ = _heads(5, ["lin", "wide", "mlp", "lin", "mlp"])
    assert fused.fusion_groups() == (("h0", "h1", "h3"), ("h2", "h4"))
    assert _heads(3)[0].fusion_groups() == ()  # off by default


def test_different_in_features_and_classes_do_not_fuse() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("a", "X", "Y").model("b", "X", "Z").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    models = {"a": nn.Linear(3, 2), "b": nn.Bilinear(3, 3, 2), "c": nn.Linear(3, 2)}
    L = compile(D, Realisation(D, models=models), fuse=True)
    assert L.fusion_groups() == (("a", "c"),)
    bn = {"a": nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)),
          "b": nn.Linear(3, 2),
          "c": nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))}
    L = compile(D, Realisation(D, models=bn), fuse=True)
    assert L.fusion_groups() == ()  # buffers that forward updates (training mode)
    L.eval()
    assert L.fusion_groups() == (("a", "c"),)  # eval mode: read-only buffers fuse
    L.train()
    assert L.fusion_groups() == ()


def test_batchnorm_eval_vmap_exact() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("a", "X", "Y").model("c", "X", "Z")
    D = LearningDiagram.from_graph(g)
    torch.manual_seed(1)
    models: dict[str, nn.Module] = {
        k: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)) for k in "ac"}
    plain, fused = _pair(D, models, {})
    batch = {"x": torch.randn(5, 3), "y": torch.randn(5, 2), "z": torch.randn(5, 2)}
    plain(batch), fused(batch)  # train mode: running statistics move (unfused)
    plain.eval(), fused.eval()
    assert fused.fusion_groups() == (("a", "c"),)
    _assert_same(plain, fused, batch)


def test_dropout_in_training_falls_back_exactly() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("a", "X", "Y").model("c", "X", "Z")
    D = LearningDiagram.from_graph(g)
    models: dict[str, nn.Module] = {
        k: nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 2)) for k in "ac"}
    plain, fused = _pair(D, models, {})
    assert fused.fusion_groups() == (("a", "c"),)
    batch = {"x": torch.randn(5, 3), "y": torch.randn(5, 2), "z": torch.randn(5, 2)}
    for _ in range(2):
        torch.manual_seed(7)
        lp = plain(batch).total
        torch.manual_seed(7)
        lf = fused(batch).total
        torch.testing.assert_close(lf, lp)


def test_parameters_stay_the_modules() -> None:
    plain, fused, batch = _heads(4)
    assert list(fused.state_dict()) == list(plain.state_dict())
    h2 = fused.model("h2")
    opt_p = torch.optim.SGD(plain.parameters(), lr=0.1)
    opt_f = torch.optim.SGD(fused.parameters(), lr=0.1)
    for _ in range(3):
        for L, opt in ((plain, opt_p), (fused, opt_f)):
            opt.zero_grad()
            L(batch).total.backward()
            opt.step()
    assert fused.model("h2") is h2
    torch.testing.assert_close(h2.weight, plain.model("h2").weight, atol=1e-5, rtol=1e-5)
    fresh = compile(fused.diagram, Realisation(fused.diagram, models={
        k: copy.deepcopy(v) for k, v in fused.models.items()}), fuse=True)
    with torch.no_grad():
        for p in fresh.parameters():
            p.zero_()
    fresh.load_state_dict(fused.state_dict())
    torch.testing.assert_close(fresh(batch).total, fused(batch).total)


def test_surgery_replans() -> None:
    plain, fused, batch = _heads(4)
    assert fused.fusion_groups() == (("h0", "h1", "h2", "h3"),)
    new = nn.Sequential(nn.Linear(H, 6), nn.ReLU(), nn.Linear(6, C))
    for L in (plain, fused):
        L.replace("h1", copy.deepcopy(new))
    assert fused.fusion_groups() == (("h0", "h2", "h3"),)
    _assert_same(plain, fused, batch)
    for L in (plain, fused):
        L.freeze("m")  # the heads' input is now computed without gradient
        L.freeze("h3")  # frozen first on its path: no_grad, apart from the others
    assert fused.fusion_groups() == (("h0", "h2"),)
    _assert_same(plain, fused, batch)
    for L in (plain, fused):
        L.unfreeze("h3")
    assert fused.fusion_groups() == (("h0", "h2", "h3"),)
    _assert_same(plain, fused, batch)


def test_hand_made_changes_fall_back() -> None:
    plain, fused, batch = _heads(3)
    calls: list[int] = []
    handle = fused.model("h1").register_forward_hook(lambda *a: calls.append(1))
    _assert_same(plain, fused, batch)
    assert calls == [1]  # the hooked module was called (unfused)
    handle.remove()
    new = nn.Linear(H, C)
    fused.models["h0"] = new  # bypassing replace(): the group no longer matches
    plain.models["h0"] = copy.deepcopy(new)
    for L in (plain, fused):
        L.zero_grad()
    _assert_same(plain, fused, batch)


def test_weight_zero_costs_nothing() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("m", "X", "F").model("a", "F", "Y").model("b", "X", "Z")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ m ⋅ a"), D0.path("y")),
                            Equation(D0.path("x ⋅ b"), D0.path("z"), weight=0.0)])
    models = {"m": nn.Linear(3, 4), "a": nn.Linear(4, 2), "b": Counting(nn.Linear(3, 2))}
    plain, fused = _pair(D, models, {})
    batch = {"x": torch.randn(5, 3), "y": torch.randn(5, 2), "z": torch.randn(5, 2)}
    _assert_same(plain, fused, batch)
    assert plain.model("b").calls == 1
    assert fused.model("b").calls == 0
    fused.reweight({"x ⋅ b = z": 1.0})
    fused(batch)
    assert fused.model("b").calls == 1
    fused.set_weighting("uncertainty")  # other weightings read every term: no pruning
    fused.reweight({"x ⋅ b = z": 0.0})
    fused(batch)
    assert fused.model("b").calls == 2


def test_undefined_source_costs_nothing() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.data("u", "M", "X").data("v", "M", "Y").model("a", "X", "Y")
    D = LearningDiagram.from_graph(g)
    inner = nn.Linear(3, 2)
    for fuse in (False, True):
        L = compile(D, Realisation(D, models={"a": Counting(copy.deepcopy(inner))}),
                    fuse=fuse)
        out = L({"N": {"x": torch.randn(4, 3), "y": torch.randn(4, 2)},
                 "M": {"u": Masked(torch.randn(4, 3), torch.zeros(4, dtype=torch.bool)),
                       "v": torch.randn(4, 2)}})
        assert L.model("a").calls == 1  # not on source M, which has no defined example
        assert float(out.terms["u ⋅ a = v"]) == 0.0


def test_shared_frozen_step_runs_once() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.data("u", "M", "X").data("v", "M", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    D = LearningDiagram.from_graph(g)
    torch.manual_seed(0)
    models = {"t": Counting(nn.Linear(3, 2)), "s": nn.Linear(3, 2)}
    plain, fused = _pair(D, models, {})
    x = torch.randn(4, 3)
    batch = {"N": {"x": x, "y": torch.randn(4, 2)}, "M": {"u": x, "v": torch.randn(4, 2)}}
    _assert_same(plain, fused, batch)
    assert plain.model("t").calls == 2
    assert fused.model("t").calls == 1
    other = {"N": batch["N"], "M": {"u": x.clone(), "v": batch["M"]["v"]}}
    fused(other)
    assert fused.model("t").calls == 3  # different tensors: computed for each


def test_guards_still_name_the_edge() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("a", "X", "Y").model("c", "X", "Z")
    D = LearningDiagram.from_graph(g, comparators={"Y": "cross_entropy",
                                                   "Z": "cross_entropy"})
    L = compile(D, Realisation(D, models={"a": nn.Linear(3, 4), "c": nn.Linear(3, 4)}),
                fuse=True)
    with pytest.raises(BatchError, match="'a'"):
        L({"x": torch.randn(5, 2), "y": torch.zeros(5, dtype=torch.long),
           "z": torch.zeros(5, dtype=torch.long)})
    with pytest.raises(BatchError, match="x ⋅ c = z"):
        L({"x": torch.randn(5, 3), "y": torch.zeros(5, dtype=torch.long),
           "z": torch.full((5,), 9)})


def test_bad_fuse_argument() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    with pytest.raises(RealisationError, match="fuse must be True or False"):
        compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), fuse="yes")  # type: ignore[arg-type]


@pytest.mark.usefixtures("traceable")
def test_fullgraph_explain_no_breaks() -> None:
    plain, fused, batch = _heads(3)
    explain = torch._dynamo.explain(fused)(batch)
    assert explain.graph_break_count == 0


@pytest.mark.usefixtures("traceable")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_torch_compile_of_fused_equals_unfused() -> None:
    torch._dynamo.reset()
    specs = [{"kind": k, "ce": ce, "grad": "both", "frozen": False, "weight": w,
              "mask": "none"} for k, ce, w in (("lin", True, 1.0), ("lin", True, 0.5),
                                              ("mlp", False, 1.0), ("mlp", False, 1.0))]
    D, models, batch, missing = _regime(specs, 6, 3)
    plain, fused = _pair(D, models, missing)
    assert fused.fusion_groups() == (("h0", "h1"), ("h2", "h3"))
    fast = torch.compile(fused, backend="aot_eager", fullgraph=True)
    for _ in range(2):
        for L in (plain, fused):
            L.zero_grad(set_to_none=True)
        out_p, out_f = plain(batch), fast(batch)
        torch.testing.assert_close(out_f.total, out_p.total, atol=1e-5, rtol=1e-5)
        for name in out_p.terms:
            torch.testing.assert_close(out_f.terms[name], out_p.terms[name],
                                       atol=1e-5, rtol=1e-5)
        out_p.total.backward()
        out_f.total.backward()
        for (n, p), (_, q) in zip(plain.named_parameters(), fused.named_parameters(),
                                  strict=True):
            assert (p.grad is None) == (q.grad is None), n
            if p.grad is not None:
                torch.testing.assert_close(q.grad, p.grad, atol=1e-5, rtol=1e-5)


@pytest.mark.usefixtures("traceable")
@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")
def test_cuda_graphs_reduce_overhead() -> None:
    plain, fused, batch = _heads(4)
    plain.cuda(), fused.cuda()
    batch = {k: v.cuda() for k, v in batch.items()}
    run = torch.compile(fused, mode="reduce-overhead", fullgraph=True)
    opt_p = torch.optim.SGD(plain.parameters(), lr=0.1)
    opt_f = torch.optim.SGD(fused.parameters(), lr=0.1)
    for _ in range(4):  # static shapes: recorded once, then replayed
        for opt in (opt_p, opt_f):
            opt.zero_grad(set_to_none=True)
        out = run(batch)
        ref = plain(batch)
        torch.testing.assert_close(out.total, ref.total, atol=1e-5, rtol=1e-5)
        out.total.backward()
        ref.total.backward()
        opt_p.step()
        opt_f.step()
    for p, q in zip(plain.parameters(), fused.parameters(), strict=True):
        torch.testing.assert_close(q, p, atol=1e-5, rtol=1e-5)


def test_fused_teachers_with_cache() -> None:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t1", "X", "Y").fixed("t2", "X", "Y").model("s", "X", "Y")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ s"), D0.path("y")),
                            Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t1"), weight=0.5),
                            Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t2"), weight=0.5)])
    torch.manual_seed(0)
    models: dict[str, nn.Module] = {
        k: nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)) for k in ("t1", "t2")}
    models["s"] = nn.Linear(3, 2)
    plain, fused = _pair(D, models, {}, cache=8)
    assert fused.fusion_groups() == (("t1", "t2"),)
    for step in range(3):
        batch = {"x": torch.randn(4, 3), "y": torch.randn(4, 2),
                 "index": torch.arange(4) + 4 * (step % 2)}
        _assert_same(plain, fused, batch)
    assert fused.cache_size() == plain.cache_size() > 0


@pytest.mark.usefixtures("traceable")
def test_fullgraph_with_missing_values() -> None:
    specs = [{"kind": "lin", "ce": True, "grad": "both", "frozen": False, "weight": 1.0,
              "mask": "some"} for _ in range(3)]
    D, models, batch, missing = _regime(specs, 6, 0)
    fused = compile(D, Realisation(D, models=models), missing=missing, fuse=True)
    explain = torch._dynamo.explain(fused)(batch)
    assert explain.graph_break_count == 0
