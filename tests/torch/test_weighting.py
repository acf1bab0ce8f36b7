"""Equation weighting strategies, each checked against its formula on a hand-computed
two-equation case (a backbone ``m`` with two heads)."""

import math
from typing import ClassVar

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import (
    DWA,
    Fixed,
    GradNorm,
    Realisation,
    Uncertainty,
    WeightingError,
    compile,
    fit,
    get_weighting,
    load_checkpoint,
    shared_edges,
)

E0, E1 = "x ⋅ m ⋅ h0 = y0", "x ⋅ m ⋅ h1 = y1"


def scalar_heads(w0=2.0, w1=1.0, weighting=None):
    """x -> m (1x1, weight 1) -> h0 (weight w0) / h1 (weight w1); labels y0, y1; mse."""
    g = LearningGraph().data("x", "N", "X").data("y0", "N", "Y0").data("y1", "N", "Y1")
    g = g.model("m", "X", "F").model("h0", "F", "Y0").model("h1", "F", "Y1")
    D = LearningDiagram.from_graph(g)
    mods = {k: nn.Linear(1, 1, bias=False) for k in ("m", "h0", "h1")}
    with torch.no_grad():
        for k, v in (("m", 1.0), ("h0", w0), ("h1", w1)):
            mods[k].weight.fill_(v)
    return compile(D, Realisation(D, models=mods), weighting=weighting)


ONE = {"x": torch.ones(1, 1), "y0": torch.zeros(1, 1), "y1": torch.zeros(1, 1)}


def test_fixed_is_the_weighted_sum_and_names_resolve():
    L = scalar_heads()
    L.reweight({E1: 3.0})
    out = L(ONE)  # L0 = (2·1)² = 4, L1 = 1
    assert float(out.terms[E0].detach()) == 4.0
    assert float(out.terms[E1].detach()) == 1.0
    assert float(out.total.detach()) == 4.0 + 3.0 * 1.0
    assert isinstance(L.weighting, Fixed)
    assert float(Fixed().combine(out.terms, L).detach()) == 7.0
    with pytest.raises(WeightingError, match="unknown weighting 'nashmtl'"):
        get_weighting("nashmtl")
    with pytest.raises(WeightingError, match="temperature must be a finite number > 0"):
        get_weighting("dwa(temperature=0)")


def test_uncertainty_formula_and_gradient():
    L = scalar_heads(weighting="uncertainty")
    L.reweight({E1: 2.0})
    u = L.weighting
    assert isinstance(u, Uncertainty)
    assert u.log_var.tolist() == [0.0, 0.0]
    with torch.no_grad():
        u.log_var[1] = math.log(2.0)
    out = L(ONE)
    # Σ exp(-s_i) w_i L_i / 2 + s_i / 2 = 4/2 + 0 + (2·1)/(2·2) + log(2)/2
    assert float(out.total.detach()) == pytest.approx(2.0 + 0.5 + math.log(2) / 2, abs=1e-6)
    out.total.backward()
    # ∂/∂s_i = -exp(-s_i) w_i L_i / 2 + 1/2: -2 + 0.5 and -0.5 + 0.5
    assert u.log_var.grad.tolist() == pytest.approx([-1.5, 0.0], abs=1e-6)
    assert u.effective_weights(L) == pytest.approx({E0: 0.5, E1: 0.5})
    # fit optimises the log-variances (a "weighting" parameter group)
    data = TensorDataset(torch.ones(4, 1), torch.zeros(4, 1), torch.zeros(4, 1))
    before = u.log_var.detach().clone()
    h = fit(L, DataLoader(data, batch_size=2), epochs=1, lr=0.1, progress=False)
    assert not torch.equal(before, u.log_var.detach())
    assert f"{E0} [weight]" in h.epochs[0]


def test_dwa_formula_from_the_epoch_means():
    d = DWA(temperature=2.0)
    d.reset(2)
    d.record_epoch([1.0, 2.0])
    assert d.lambdas.tolist() == [1.0, 1.0]  # λ = 1 for the first two epochs
    d.record_epoch([0.5, 2.0])
    r = [0.5 / 1.0, 2.0 / 2.0]
    z = sum(math.exp(v / 2) for v in r)
    assert d.lambdas.tolist() == pytest.approx([2 * math.exp(v / 2) / z for v in r])
    # through fit: the third epoch's weights come from the history of epochs 1 and 2
    torch.manual_seed(0)
    L = scalar_heads(weighting="dwa")
    x = torch.randn(8, 1)
    data = TensorDataset(x, 3 * x, -x)
    h = fit(L, DataLoader(data, batch_size=4), epochs=3, lr=0.05, progress=False)
    e1, e2, e3 = h.epochs
    assert e1[f"{E0} [weight]"] == 1.0
    assert e2[f"{E0} [weight]"] == 1.0
    r = [e2[E0] / e1[E0], e2[E1] / e1[E1]]
    z = sum(math.exp(v / 2) for v in r)
    assert [e3[f"{E0} [weight]"], e3[f"{E1} [weight]"]] == pytest.approx(
        [2 * math.exp(v / 2) / z for v in r])


def test_gradnorm_gradient_of_the_weights_and_renormalisation():
    L = scalar_heads(weighting=GradNorm(alpha=1.5))
    gn = L.weighting
    assert shared_edges(L) == ("m",)
    assert gn.shared_edges(L) == ("m",)
    out = L(ONE)  # L0 = 4, L1 = 1; ∂L0/∂m = 2·2·2 = 8, ∂L1/∂m = 2·1·1 = 2
    assert float(out.total.detach()) == 5.0
    gn.before_backward(out.terms, L)
    # G = (8, 2), Ḡ = 5, first step: r = (1, 1), target 5: grad = (sign(3)·8, sign(-3)·2)
    assert gn.task_weights.grad.tolist() == [8.0, -2.0]
    assert gn.initial.tolist() == [4.0, 1.0]
    with torch.no_grad():
        gn.task_weights -= 0.01 * gn.task_weights.grad
    gn.after_step(out.terms, L)
    assert gn.task_weights.tolist() == pytest.approx([0.92 * 2 / 1.94, 1.02 * 2 / 1.94])
    # the next step uses the new weights and the loss ratios L_i / L_i(0)
    a = gn.task_weights.detach().clone()
    out = L(ONE)
    assert float(out.total.detach()) == pytest.approx(float(a[0] * 4 + a[1] * 1))
    gn.before_backward(out.terms, L)
    G = [float(a[0]) * 8, float(a[1]) * 2]
    target = sum(G) / 2  # r = (1, 1) again: the losses did not move
    assert gn.task_weights.grad.tolist() == pytest.approx(
        [math.copysign(8, G[0] - target), math.copysign(2, G[1] - target)])


def test_gradnorm_needs_a_shared_model():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("f", "X", "Y").model("k", "X", "Z")
    D = LearningDiagram.from_graph(g)
    L = compile(D, Realisation(D, models={"f": nn.Linear(1, 1), "k": nn.Linear(1, 1)}),
                weighting="gradnorm")
    batch = {"x": torch.ones(2, 1), "y": torch.zeros(2, 1), "z": torch.zeros(2, 1)}
    with pytest.raises(WeightingError, match="GradNorm needs a learnable model"):
        L.weighting.before_backward(L(batch).terms, L)
    L.set_weighting(GradNorm(shared="nope"))
    with pytest.raises(WeightingError, match="shared= names nope"):
        L.weighting.before_backward(L(batch).terms, L)


@pytest.mark.parametrize("name", ["gradnorm", "dwa", "uncertainty"])
def test_weighting_state_is_checkpointed_and_resume_is_exact(tmp_path, name):
    def run(L, epochs, **kw):
        torch.manual_seed(5)
        x = torch.randn(12, 1)
        data = TensorDataset(x, 2 * x, -x)
        return fit(L, DataLoader(data, batch_size=4, shuffle=True), epochs=epochs, lr=0.05,
                   progress=False, **kw)

    A = scalar_heads(weighting=name)
    run(A, 3)
    B = scalar_heads(weighting=name)
    run(B, 2, checkpoint=tmp_path / "r.pt")
    assert load_checkpoint(tmp_path / "r.pt")["weighting"]["name"] == type(A.weighting
                                                                          ).__name__
    C = scalar_heads(weighting=name)
    run(C, 3, checkpoint=tmp_path / "r.pt", resume=True)
    for k, v in A.state_dict().items():
        assert torch.equal(v, C.state_dict()[k]), k
    assert any(k.startswith("weighting.") for k in A.state_dict())


# ---------------------------------------------------------------- mutation survivors
def test_dwa_combine_weights_every_term_by_lambda_times_w():
    L = scalar_heads(weighting="dwa")
    L.reweight({E0: 0.5, E1: 3.0})
    L.weighting.lambdas.copy_(torch.tensor([1.5, 0.25], dtype=torch.float64))
    out = L(ONE)  # L0 = 4, L1 = 1
    expected = 1.5 * 0.5 * 4.0 + 0.25 * 3.0 * 1.0
    assert float(out.total.detach()) == pytest.approx(expected)
    L.weighting.lambdas.copy_(torch.tensor([2.0, 0.5], dtype=torch.float64))
    L.reweight({E0: 0.5, E1: 2.0})  # λ·w = 1 for both: the plain sum
    assert float(L(ONE).total.detach()) == pytest.approx(4.0 + 1.0)


def test_weighting_reprs_show_their_parameters():
    assert repr(DWA()) == "DWA(temperature=2.0)"
    assert repr(DWA(temperature=3)) == "DWA(temperature=3.0)"
    assert repr(GradNorm(alpha=0.5, shared="m")) == "GradNorm(alpha=0.5, shared=('m',))"
    assert DWA(temperature=3).params() == {"temperature": 3.0}
    assert repr(get_weighting("cagrad(c=0.1)")) == "CAGrad(shared=None, c=0.1, rescale=1)"


def test_gradnorm_records_the_initial_loss_of_a_single_active_equation():
    L = scalar_heads(weighting=GradNorm(shared="m"))
    L.reweight({E1: 0.0})  # one active equation
    _total, terms = L(ONE)
    L.weighting.before_backward(terms, L)
    assert L.weighting.has_initial.tolist() == [True, False]
    assert float(L.weighting.initial[0]) == pytest.approx(float(terms[E0].detach()))


@pytest.mark.usefixtures("traceable")
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", ["fixed", "uncertainty", "dwa", "gradnorm", "pcgrad",
                                  "cagrad", "mgda(mode='params')", "imtlg"])
def test_every_weighting_compiles_whole_graph(name):
    """combine has no graph break: torch.compile(fullgraph=True) traces the loss whole."""
    torch._dynamo.reset()
    L = scalar_heads(weighting=name)
    if name == "dwa":
        L.weighting.lambdas.copy_(torch.tensor([0.5, 1.5], dtype=torch.float64))
    eager = L(ONE).total.detach()
    fast = torch.compile(L, backend="eager", fullgraph=True)
    torch.testing.assert_close(fast(ONE).total.detach(), eager)
    explained = torch._dynamo.explain(L)(ONE)
    assert explained.graph_break_count == 0, explained.break_reasons


@pytest.mark.usefixtures("traceable")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_uncertainty_with_defined_counts_as_tensors_compiles_whole_graph():
    """When the compiled loss reports its defined counts as tensors (no host sync), the
    uncertainty weighting selects with torch.where: no data-dependent branch."""
    torch._dynamo.reset()
    u = Uncertainty()
    u.reset(2)
    with torch.no_grad():
        u.log_var.copy_(torch.tensor([0.5, -1.0]))

    class Stub:
        weights: ClassVar[dict[str, float]] = {"a": 1.0, "b": 2.0}
        last_defined = None

    stub = Stub()

    def loss(a, b, ka, kb):
        stub.last_defined = {"a": ka, "b": kb}
        return u.combine({"a": a, "b": b}, stub)

    a, b = torch.tensor(2.0), torch.tensor(3.0)
    s = u.log_var.detach()
    part = [0.5 * torch.exp(-s[0]) * 2.0 + 0.5 * s[0], 0.5 * torch.exp(-s[1]) * 6.0
            + 0.5 * s[1]]
    fast = torch.compile(loss, backend="eager", fullgraph=True)
    for ka, kb, expected in ((3, 2, part[0] + part[1]), (3, 0, part[0]), (0, 0, 0.0)):
        got = fast(a, b, torch.tensor(ka), torch.tensor(kb))
        assert float(got) == pytest.approx(float(expected))
    explained = torch._dynamo.explain(loss)(a, b, torch.tensor(1), torch.tensor(0))
    assert explained.graph_break_count == 0


# ---------------------------------------------------------------- the doctest regime
def test_example_builds_a_backbone_with_two_heads_and_a_batch():
    from catlearn_torch.weighting.examples import example

    L, batch = example()
    assert L.diagram.graph.edges() == (
        ("x", "N", "X", "data"), ("y", "N", "Y", "data"), ("z", "N", "Z", "data"),
        ("m", "X", "F", "learnable"), ("h1", "F", "Y", "learnable"),
        ("h2", "F", "Z", "learnable"))
    assert list(L.weights) == ["x ⋅ m ⋅ h1 = y", "x ⋅ m ⋅ h2 = z"]
    shapes = {k: (m.in_features, m.out_features) for k, m in L.models.items()}
    assert shapes == {"m": (3, 4), "h1": (4, 2), "h2": (4, 2)}
    assert {k: tuple(v.shape) for k, v in batch.items()} == {"x": (6, 3), "y": (6, 2),
                                                             "z": (6, 2)}
    assert isinstance(L.weighting, Fixed)
    total, terms = L(batch)
    assert float(total.detach()) == pytest.approx(sum(float(t.detach())
                                                      for t in terms.values()))
    w = DWA(temperature=3.0)
    assert example(w)[0].weighting is w
    assert isinstance(example("gradnorm")[0].weighting, GradNorm)


def test_example_is_seeded_and_leaves_the_global_generator_alone():
    from catlearn_torch.weighting.examples import example

    def state(seed=None, global_seed=0):
        torch.manual_seed(global_seed)
        L, batch = example() if seed is None else example(seed=seed)
        return [p.detach().clone() for p in L.parameters()], batch

    params, batch = state(global_seed=1)
    params2, batch2 = state(seed=0, global_seed=2)  # the default seed is 0
    assert all(torch.equal(a, b) for a, b in zip(params, params2, strict=True))
    assert all(torch.equal(batch[k], batch2[k]) for k in batch)
    params3, batch3 = state(seed=1)
    assert not any(torch.equal(a, b) for a, b in zip(params, params3, strict=True))
    assert not any(torch.equal(batch[k], batch3[k]) for k in batch)
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    example()
    assert torch.equal(torch.random.get_rng_state(), before)


# ---------------------------------------------------------------- DWA
@pytest.mark.parametrize("bad", [0, -1.0, True, "2", float("inf"), float("nan"), None])
def test_dwa_rejects_a_temperature_that_is_not_a_finite_positive_number(bad):
    with pytest.raises(WeightingError, match=r"weighting 'dwa': temperature must be a "
                                             r"finite number > 0, not "):
        DWA(temperature=bad)


def test_dwa_accepts_a_temperature_below_one():
    d = DWA(temperature=0.5)
    d.reset(2)
    d.record_epoch([1.0, 1.0])
    d.record_epoch([0.5, 1.0])
    expected = 2 * torch.softmax(torch.tensor([0.5, 1.0], dtype=torch.float64) / 0.5, 0)
    assert torch.equal(d.multipliers(), expected)


class Stub:
    """What the strategies read of a compiled diagram, set by hand."""

    def __init__(self, weights, defined=None, device="cpu"):
        self.weights = dict(weights)
        self.last_defined_counts = defined
        self.last_defined = None if defined is None else {k: int(v)
                                                          for k, v in defined.items()}
        self.device = torch.device(device)


@pytest.mark.parametrize("as_tensors", [False, True])
def test_dwa_epoch_means_count_only_the_batches_where_an_equation_is_defined(as_tensors):
    d = DWA()
    d.reset(2)
    t = torch.tensor

    def counts(a, b):
        return {"a": t(a), "b": t(b)} if as_tensors else {"a": a, "b": b}

    one = 1 + 2 ** -40  # exact in float64 only
    d.after_step({"a": t(one, dtype=torch.float64), "b": t(5.0)}, Stub({"a": 1, "b": 1}))
    d.after_step({"a": t(3.0), "b": t(2.0)}, Stub({"a": 1, "b": 1}, counts(4, 0)))
    d.after_step({"a": t(2.0), "b": t(4.0)}, Stub({"a": 1, "b": 1}, counts(2, 3)))
    d.on_epoch_end(0, Stub({"a": 1, "b": 1}))
    assert d.means[1].tolist() == [(one + 3.0 + 2.0) / 3, (5.0 + 4.0) / 2]
    assert int(d.epochs_seen) == 1
    # an epoch in which an equation is never defined has mean 0 and counts nothing
    d.after_step({"a": t(1.0), "b": t(7.0)}, Stub({"a": 1, "b": 1}, counts(1, 0)))
    d.on_epoch_end(1, Stub({"a": 1, "b": 1}))
    assert d.means.tolist() == [[(one + 5.0) / 3, 4.5], [1.0, 0.0]]
    assert int(d.epochs_seen) == 2
    r = torch.tensor([1.0 / ((one + 5.0) / 3), 0.0], dtype=torch.float64)
    assert torch.equal(d.multipliers(), 2 * torch.softmax(r / 2.0, 0))


def test_dwa_ratio_of_an_equation_whose_previous_mean_was_zero_is_one():
    d = DWA(temperature=2.0)
    d.reset(2)
    d.record_epoch([0.0, 1.0])
    d.record_epoch([0.5, 0.25])
    r = torch.tensor([1.0, 0.25], dtype=torch.float64)
    assert torch.equal(d.multipliers(), 2 * torch.softmax(r / 2.0, 0))
    d.record_epoch([1.0 + 2 ** -40, 0.5])  # means are kept in float64
    assert d.means[1].tolist() == [1.0 + 2 ** -40, 0.5]
    assert int(d.epochs_seen) == 3


@pytest.mark.skipif(not torch.distributed.is_available()
                    or not torch.distributed.is_gloo_available(),
                    reason="torch.distributed with gloo is not available")
def test_dwa_epoch_means_under_torch_distributed():
    from tests.torch.conftest import free_port

    dist = torch.distributed
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{free_port()}", rank=0,
                            world_size=1)
    try:
        d = DWA()
        d.reset(2)
        d.after_step({"a": torch.tensor(3.0), "b": torch.tensor(2.0)},
                     Stub({"a": 1, "b": 1}))
        d.after_step({"a": torch.tensor(1.0), "b": torch.tensor(9.0)},
                     Stub({"a": 1, "b": 1}, {"a": 1, "b": 0}))
        d.on_epoch_end(0, Stub({"a": 1, "b": 1}))
        assert d.means[1].tolist() == [2.0, 2.0]
        assert d.sums.tolist() == [0.0, 0.0]
        assert d.counts.tolist() == [0.0, 0.0]
    finally:
        dist.destroy_process_group()


def test_dwa_total_keeps_the_terms_dtype():
    d = DWA()
    d.reset(2)
    d.lambdas.copy_(torch.tensor([0.5, 1.5], dtype=torch.float64))
    total = d.combine({"a": torch.tensor(2.0), "b": torch.tensor(4.0)},
                      Stub({"a": 1.0, "b": 0.5}))
    assert total.dtype == torch.float32
    assert float(total) == 4.0


@pytest.mark.parametrize("make", [Fixed, Uncertainty, DWA, GradNorm])
def test_no_terms_give_a_zero_scalar_on_the_strategy_s_device(make):
    w = make()
    w.reset(0)
    total = w.combine({}, Stub({}))
    assert total.shape == ()
    assert float(total) == 0.0
    w.to("meta")
    assert w.combine({}, Stub({}, device="meta")).device.type == "meta"


@pytest.mark.parametrize("make", [Uncertainty, DWA, GradNorm])
def test_an_unbound_strategy_has_no_multipliers(make):
    w = make()
    assert w.equations == ()
    assert w.multipliers().numel() == 0
    assert w.effective_weights(Stub({})) == {}


# ---------------------------------------------------------------- GradNorm
def test_gradnorm_combine_multiplies_each_term_by_its_weight():
    L = scalar_heads(weighting="gradnorm")
    L.reweight({E0: 0.5, E1: 3.0})
    L.weighting.task_weights.data = torch.tensor([1.5, 0.25])
    out = L(ONE)  # L0 = 4, L1 = 1
    assert float(out.total.detach()) == pytest.approx(1.5 * 0.5 * 4.0 + 0.25 * 3.0 * 1.0)


def gradnorm_reference(a, g, losses, initial, alpha):
    """sign(G_i - Ḡ r_i^α) g_i, computed from the paper's formula."""
    G = [ai * gi for ai, gi in zip(a, g, strict=True)]
    rate = [li / l0 for li, l0 in zip(losses, initial, strict=True)]
    r = [x / (sum(rate) / len(rate)) for x in rate]
    mean_g = sum(G) / len(G)
    return [math.copysign(gi, Gi - mean_g * ri ** alpha) if Gi != mean_g * ri ** alpha
            else 0.0 for gi, Gi, ri in zip(g, G, r, strict=True)]


def test_gradnorm_second_step_uses_the_training_rates_of_small_losses():
    L = scalar_heads(w0=0.5, w1=0.25, weighting=GradNorm(alpha=1.5))
    L.reweight({E0: 2.0})
    gn = L.weighting
    out = L(ONE)  # L0 = 0.25, L1 = 0.0625: both below 1
    gn.before_backward(out.terms, L)
    assert gn.initial.tolist() == [0.25, 0.0625]
    with torch.no_grad():
        L.model("h0").weight.fill_(0.4)  # L0 = 0.16: equation 0 trains faster
    gn.task_weights.data = torch.tensor([0.25, 1.75])
    out = L(ONE)
    gn.before_backward(out.terms, L)
    # ‖∇_m w_i L_i‖: 2 · 2 · 0.4² and 1 · 2 · 0.25²
    g = [2 * 2 * 0.16, 2 * 0.0625]
    expected = gradnorm_reference([0.25, 1.75], g, [0.16, 0.0625], [0.25, 0.0625], 1.5)
    assert expected == pytest.approx([0.64, -0.125])
    assert gn.task_weights.grad.tolist() == pytest.approx(expected)


def test_gradnorm_shared_edges_that_an_equation_does_not_reach():
    L = scalar_heads(weighting=GradNorm(alpha=1.0, shared=("m", "h0")))
    gn = L.weighting
    out = L(ONE)  # L0 = 4, L1 = 1
    gn.before_backward(out.terms, L)
    # ∇_{m,h0} L0 = (2·h0²·m, 2·h0·m²) = (8, 4); ∇_m L1 = 2 (h0 unused by equation 1)
    g = [math.hypot(8.0, 4.0), 2.0]
    expected = gradnorm_reference([1.0, 1.0], g, [4.0, 1.0], [4.0, 1.0], 1.0)
    assert gn.task_weights.grad.tolist() == pytest.approx(expected)


def test_gradnorm_with_no_active_equation_gives_the_weights_a_zero_gradient():
    L = scalar_heads(weighting=GradNorm(shared="m"))
    L.reweight({E0: 0.0, E1: 0.0})
    gn = L.weighting
    gn.task_weights.data = torch.tensor([3.0, 0.5])
    out = L(ONE)
    gn.before_backward(out.terms, L)
    assert gn.task_weights.grad.tolist() == [0.0, 0.0]
    assert gn.has_initial.tolist() == [False, False]
    gn.after_step(out.terms, L)
    assert gn.task_weights.tolist() == [3.0, 0.5]


def test_gradnorm_renormalises_only_the_equations_it_weighs():
    L = scalar_heads(weighting=GradNorm(shared="m"))
    L.reweight({E1: 0.0})
    gn = L.weighting
    gn.task_weights.data = torch.tensor([3.0, 0.5])
    out = L(ONE)
    gn.after_step(out.terms, L)
    assert gn.task_weights.tolist() == [1.0, 0.5]  # Σ over the one active equation = 1


def test_dwa_lambdas_are_exactly_one_in_the_first_two_epochs():
    d = DWA()
    d.reset(49)  # 49 · (1/49) is not 1 in floating point: λ must not be computed
    d.after_step({f"e{i}": torch.tensor(float(i + 1)) for i in range(49)},
                 Stub({f"e{i}": 1.0 for i in range(49)}))
    d.on_epoch_end(0, Stub({}))
    assert d.multipliers().tolist() == [1.0] * 49
    assert int(d.epochs_seen) == 1
    d.record_epoch([1.0] * 49)  # ratios 1 / (i + 1): the first equation gains most
    assert int(d.epochs_seen) == 2
    r = torch.tensor([1.0 / (i + 1) for i in range(49)], dtype=torch.float64)
    assert torch.equal(d.multipliers(), 49 * torch.softmax(r / 2.0, 0))


def test_default_hyper_parameters_are_the_papers():
    assert repr(GradNorm()) == "GradNorm(alpha=1.5, shared=None)"
    assert repr(get_weighting("dwa")) == "DWA(temperature=2.0)"
    assert repr(get_weighting("cagrad")) == "CAGrad(shared=None, c=0.4, rescale=1)"
    assert repr(get_weighting("mgda")) == "MGDA(shared=None, normalize='none', mode='auto')"


# ---------------------------------------------------------------- names, flags, shared model
def test_get_weighting_errors_name_the_spec_and_what_is_wrong():
    with pytest.raises(WeightingError, match=r"^unknown weighting 'sgd' \(built in: fixed, "
                                             r"uncertainty, dwa, gradnorm, pcgrad, cagrad, "
                                             r"mgda, imtlg; or pass a Weighting instance\)$"):
        get_weighting("sgd")
    with pytest.raises(WeightingError, match=r"^weighting 'dwa': got an unexpected keyword "
                                             r"argument 'temp'$"):
        get_weighting("dwa(temp=2)")
    with pytest.raises(WeightingError, match=r"^weighting 'dwa\(2': "):
        get_weighting("dwa(2")
    with pytest.raises(WeightingError, match=r"^weighting must be a name, a Weighting or "
                                             r"None, not int$"):
        get_weighting(3)
    w = DWA()
    assert get_weighting(w) is w
    assert isinstance(get_weighting(None), Fixed)


def test_defined_flag_reads_the_counts_without_a_sync_when_it_can():
    from catlearn_torch.weighting.base import defined_flag

    class Plain:
        last_defined: ClassVar[dict[str, int]] = {"e": 0, "f": 3}

    assert defined_flag(Plain(), "e") is False
    assert defined_flag(Plain(), "f") is True
    assert defined_flag(Plain(), "g") is True  # not counted: no missing values
    counts = Stub({"e": 1.0, "f": 1.0}, {"e": torch.tensor(0), "f": torch.tensor(2)})
    flags = defined_flag(counts, "e"), defined_flag(counts, "f")
    assert all(isinstance(f, torch.Tensor) for f in flags)
    assert [bool(f) for f in flags] == [False, True]
    assert defined_flag(Stub({"e": 1.0}), "e") is True


def stop_gradient_diagram():
    """m on the gradient side of all three equations, p of two, t of none."""
    from catlearn.learning import Equation

    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("m", "X", "F").model("p", "F", "Y").model("q", "F", "Y").model("t", "X", "Y")
    D0 = LearningDiagram(g, [])
    eqs = [Equation(D0.path("x ⋅ m ⋅ p"), D0.path("y"), name="e1"),
           Equation(D0.path("x ⋅ m ⋅ q"), D0.path("x ⋅ t"), grad="lhs", name="e2"),
           Equation(D0.path("x ⋅ t"), D0.path("x ⋅ m ⋅ p"), grad="rhs", name="e3")]
    D = LearningDiagram(g, eqs)
    mods = {k: nn.Linear(1, 1) for k in ("m", "p", "q", "t")}
    return compile(D, Realisation(D, models=mods))


def test_shared_model_and_active_equations_follow_the_gradient_sides():
    from catlearn_torch.weighting.base import active_equations

    L = stop_gradient_diagram()
    terms = L({"x": torch.ones(2, 1), "y": torch.zeros(2, 1)}).terms
    assert list(terms) == ["e1", "e2", "e3"]
    assert shared_edges(L) == ("m",)
    assert shared_edges(L, ["e1", "e3"]) == ("m", "p")
    assert shared_edges(L, ["e2"]) == ()
    assert active_equations(terms, L, ("t",)) == []  # t is on no gradient side
    assert active_equations(terms, L, ("q",)) == [1]
    assert active_equations(terms, L, ("p",)) == [0, 2]
    assert active_equations({"e3": terms["e3"]}, L, ("p",)) == [0]  # by the terms' order
    L.reweight({"e2": 0.0, "e3": 0.0})
    assert shared_edges(L) == ()  # one weighted equation: nothing is shared
    assert active_equations(terms, L, ("m",)) == [0]
    L.reweight({"e1": 0.0, "e3": 1.0})
    assert shared_edges(L) == ()
    L.reweight({"e2": 1.0})
    assert shared_edges(L) == ("m",)


def test_shared_model_errors_name_the_strategy_and_the_learnable_edges():
    from catlearn_torch import PCGrad
    from catlearn_torch.weighting.base import resolve_shared

    L = scalar_heads()
    with pytest.raises(WeightingError, match=r"^PCGrad shared= names k, z, which are not "
                                             r"trainable learnable edges \(those are: m, h0, "
                                             r"h1\)$"):
        resolve_shared(L, ["k", "m", "z"], "PCGrad")
    assert resolve_shared(L, ["h1", "m"], "PCGrad") == ("h1", "m")
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").data("z", "N", "Z")
    g = g.model("f", "X", "Y").model("k", "X", "Z")
    D = LearningDiagram.from_graph(g)
    L2 = compile(D, Realisation(D, models={"f": nn.Linear(1, 1), "k": nn.Linear(1, 1)}))
    with pytest.raises(WeightingError, match=r"^PCGrad needs a learnable model on the paths "
                                             r"of at least two weighted equations .* "
                                             r"\(learnable edges: f, k\)$"):
        resolve_shared(L2, None, "PCGrad")
    L2.set_weighting(PCGrad())
    total, terms = L2({"x": torch.ones(2, 1), "y": torch.ones(2, 1), "z": torch.ones(2, 1)})
    with pytest.raises(WeightingError, match="PCGrad needs a learnable model"):
        L2.weighting.backward(total, terms, L2)


# ---------------------------------------------------------------- uncertainty, devices
def test_uncertainty_leaves_out_equations_of_weight_zero_or_undefined():
    u = Uncertainty()
    u.reset(3)
    with torch.no_grad():
        u.log_var.copy_(torch.tensor([0.5, -1.0, 2.0]))
    s = u.log_var.detach()
    t = {"a": torch.tensor(2.0), "b": torch.tensor(3.0), "c": torch.tensor(5.0)}
    part = [float(0.5 * torch.exp(-s[i]) * v * w + 0.5 * s[i])
            for i, (v, w) in enumerate(((2.0, 1.0), (3.0, 2.0), (5.0, 1.0)))]
    weights = {"a": 1.0, "b": 2.0, "c": 1.0}
    assert float(u.combine(t, Stub(weights)).detach()) == pytest.approx(sum(part))
    assert float(u.combine(t, Stub({**weights, "c": 0.0})).detach()) == pytest.approx(
        part[0] + part[1])
    for counts in ({"a": 3, "b": 0, "c": 1}, {"a": torch.tensor(3), "b": torch.tensor(0),
                                             "c": torch.tensor(1)}):
        total = u.combine(t, Stub(weights, counts))
        assert float(total.detach()) == pytest.approx(part[0] + part[2])
        total.backward()
        assert u.log_var.grad[1] == 0.0  # b: undefined, no gradient
        assert u.log_var.grad[0] != 0.0
        u.log_var.grad = None
    none = u.combine(t, Stub(weights, {"a": 0, "b": 0, "c": 0}))
    assert none.shape == ()
    assert float(none.detach()) == 0.0
    assert u.multipliers().tolist() == pytest.approx([0.5 * math.exp(-v)
                                                      for v in (0.5, -1.0, 2.0)])


@pytest.mark.parametrize("make", [Uncertainty, GradNorm])
def test_a_strategy_set_up_again_stays_on_its_device(make):
    w = make()
    w.reset(2)
    w.to("meta")
    w.reset(3)  # bound to a diagram with other equations
    state = list(w.parameters()) + list(w.buffers())
    assert {t.device.type for t in state} == {"meta"}
    assert {tuple(t.shape) for t in state} == {(3,)}


@pytest.mark.parametrize("bad", [-0.5, True, "1", float("inf"), float("nan"), None])
def test_gradnorm_rejects_an_alpha_that_is_not_a_finite_number_at_least_zero(bad):
    with pytest.raises(WeightingError, match=r"^weighting 'gradnorm': alpha must be a "
                                             r"finite number >= 0, not "):
        GradNorm(alpha=bad)


def test_gradnorm_alpha_zero_balances_the_gradient_norms_alone():
    assert GradNorm(alpha=0).params() == {"alpha": 0.0, "shared": None}
