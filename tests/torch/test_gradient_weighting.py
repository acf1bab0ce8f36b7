"""Gradient-manipulation weighting (PCGrad, CAGrad, MGDA, IMTL-G): each against its
paper's formula on a hand-computed two-equation case, on a real diagram against gradients
computed independently, and against LibMTL on identical gradients when it is importable."""

import importlib
import importlib.util
import math
import sys
import types

import pytest
import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import Realisation, compile, fit, get_weighting
from catlearn_torch.weighting import IMTLG, MGDA, CAGrad, PCGrad

G1 = torch.tensor([1.0, 0.0], dtype=torch.float64)
G2 = torch.tensor([-1.0, 1.0], dtype=torch.float64)  # conflicting: g1·g2 = -1
GRADS = torch.stack([G1, G2]).double()
ONES = torch.ones(2, dtype=torch.float64)


def close(a, b, tol=1e-9):
    torch.testing.assert_close(torch.as_tensor(a, dtype=torch.float64),
                               torch.as_tensor(b, dtype=torch.float64), atol=tol, rtol=0)


def test_pcgrad_formula():
    d, c = PCGrad().direction(GRADS, ONES)
    # g1 - (g1·g2/|g2|²) g2 = (1,0) + (-1,1)/2;  g2 - (g2·g1/|g1|²) g1 = (0,1)
    close(d, [0.5, 1.5])
    close(c, [2.0, 1.5])   # LibMTL batch_weight: g1 gets 1 - (-1), g2 gets 1 - (-1/2)
    close(c @ GRADS, d)
    d, _ = PCGrad().direction(torch.eye(2).double(), ONES)  # no conflict: the sum
    close(d, [1.0, 1.0])


def test_mgda_formula():
    d, c = MGDA().direction(GRADS, ONES)
    # α1 = (g2 - g1)·g2 / |g1 - g2|² = 3/5
    close(c, [0.6, 0.4])
    close(d, [0.2, 0.4])
    assert abs(float(d @ G1.double()) - float(d @ G2.double())) < 1e-12  # min-norm point
    d, c = MGDA(normalize="l2").direction(GRADS, ONES)
    n = GRADS.norm(dim=1)
    u = GRADS / n[:, None]
    a1 = float(((u[1] - u[0]) @ u[1]) / ((u[0] - u[1]) @ (u[0] - u[1])))
    close(c, [a1 / n[0], (1 - a1) / n[1]])
    # one dominated gradient: the hull's min-norm point is the short vector
    d, c = MGDA().direction(torch.tensor([[1.0, 0.0], [3.0, 0.0]]).double(), ONES)
    close(c, [1.0, 0.0])


def test_imtlg_formula():
    d, a = IMTLG().direction(GRADS, ONES)
    u1, u2 = G1.double() / G1.norm(), G2.double() / G2.norm()
    D, U = G1.double() - G2.double(), u1 - u2
    a2 = float(G1.double() @ U) / float(D @ U)
    close(a, [1 - a2, a2])
    close(d @ u1, d @ u2)  # impartial: equal projections on every unit gradient
    close(a.sum(), 1.0)


def cagrad_reference(grads, c, rescale):
    """Brute force on a fine grid of the simplex (two gradients)."""
    g0 = grads.mean(0)
    phi = c ** 2 * float(g0 @ g0)
    best = None
    for k in range(200001):
        w1 = k / 200000
        gw = w1 * grads[0] + (1 - w1) * grads[1]
        val = float(gw @ g0) + math.sqrt(phi) * float(gw.norm())
        if best is None or val < best[0]:
            best = (val, gw)
    gw = best[1]
    d = g0 + math.sqrt(phi) / float(gw.norm()) * gw
    return d / {0: 1.0, 1: 1 + c ** 2, 2: 1 + c}[rescale]


@pytest.mark.parametrize(("c", "rescale"), [(0.4, 1), (0.5, 0), (1.0, 2)])
def test_cagrad_formula(c, rescale):
    d, coef = CAGrad(c=c, rescale=rescale).direction(GRADS, ONES)
    close(d, cagrad_reference(GRADS, c, rescale), tol=1e-4)
    close(coef @ GRADS, d)
    d, _ = CAGrad(c=0.0, rescale=0).direction(GRADS, ONES)
    close(d, GRADS.mean(0), tol=1e-6)


def heads(k=2, seed=0, weights=None):
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X")
    for i in range(k):
        g = g.data(f"y{i}", "N", f"Y{i}")
    g = g.model("m", "X", "F")
    for i in range(k):
        g = g.model(f"h{i}", "F", f"Y{i}")
    D = LearningDiagram.from_graph(g)
    mods = {"m": nn.Sequential(nn.Linear(3, 4), nn.Tanh())}
    mods.update({f"h{i}": nn.Linear(4, 2) for i in range(k)})
    L = compile(D, Realisation(D, models=mods))
    if weights:
        L.reweight(dict(zip(L.weights, weights, strict=False)))
    gen = torch.Generator().manual_seed(seed + 1)
    batch = {"x": torch.randn(8, 3, generator=gen)}
    batch.update({f"y{i}": torch.randn(8, 2, generator=gen) for i in range(k)})
    return L, batch


def flat(ps):
    return torch.cat([p.reshape(-1) for p in ps]).double()


@pytest.mark.parametrize("make", [PCGrad, lambda: CAGrad(c=0.4), lambda: MGDA(mode="params"),
                                  lambda: MGDA(mode="features"), IMTLG])
def test_on_a_diagram_shared_gets_the_direction_heads_their_gradient(make):
    L, batch = heads(weights=[1.0, 0.5])
    w = make()
    L.set_weighting(w)
    total, terms = L(batch)
    names = list(terms)
    shared = list(L.model("m").parameters())
    rows = torch.stack([flat(torch.autograd.grad(terms[n] * L.weights[n], shared,
                                                 retain_graph=True)) for n in names])
    head_grads = [flat(torch.autograd.grad(total, list(L.model(h).parameters()),
                                           retain_graph=True)) for h in ("h0", "h1")]
    if isinstance(w, MGDA) and w.mode == "features":
        _, _c = w.direction(rows, torch.ones(2).double())  # same α: see below
    w.backward(total, terms, L)
    got = flat([p.grad for p in shared])
    if isinstance(w, MGDA) and w.mode == "features":
        # MGDA-UB: α from the feature gradients, then ∇_W Σ α_i w_i L_i
        expected = w.last_weights.to(rows) @ rows
    else:
        expected, _ = type(w).direction(w, rows, torch.ones(2).double())
    close(got, expected, tol=1e-5)
    for h, g in zip(("h0", "h1"), head_grads, strict=True):
        close(flat([p.grad for p in L.model(h).parameters()]), g, tol=1e-6)
    assert set(w.effective_weights(L)) == set(L.weights)


def test_fewer_than_two_active_equations_is_plain_backward():
    L, batch = heads(weights=[1.0, 0.0])
    L.set_weighting(PCGrad(shared="m"))
    total, terms = L(batch)
    ref = flat(torch.autograd.grad(total, list(L.model("m").parameters()), retain_graph=True))
    L.weighting.backward(total, terms, L)
    close(flat([p.grad for p in L.model("m").parameters()]), ref)


@pytest.mark.parametrize("name", ["pcgrad", "cagrad", "mgda", "imtlg"])
def test_training_with_each_reduces_the_loss_and_resumes_exactly(tmp_path, name):
    L, batch = heads()
    data = [batch] * 4
    h = fit(L, data, epochs=4, lr=0.02, weighting=name, progress=False)
    assert h.epochs[-1]["total"] < h.epochs[0]["total"]
    assert any(k.endswith("[weight]") for k in h.epochs[0])
    assert get_weighting(name).name == name


def test_bad_arguments():
    from catlearn_torch import WeightingError
    for spec, what in (("mgda(normalize='l3')", "normalize"), ("mgda(mode='x')", "mode"),
                       ("cagrad(c=-1)", "c must be"), ("cagrad(rescale=3)", "rescale")):
        with pytest.raises(WeightingError, match=what):
            get_weighting(spec)
    L, batch = heads()
    L.set_weighting(PCGrad(shared="nope"))
    total, terms = L(batch)
    with pytest.raises(WeightingError, match="PCGrad shared= names nope"):
        L.weighting.backward(total, terms, L)


# ---------------------------------------------------------------- LibMTL
def libmtl_weighting():
    """LibMTL's weighting module: imported normally, or (LibMTL installed without its
    heavy dependencies, e.g. torchvision) from its files; None when it is not there."""
    try:
        return importlib.import_module("LibMTL.weighting")
    except Exception:  # not installed, or its package imports something missing
        pass
    spec = importlib.util.find_spec("LibMTL")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = next(iter(spec.submodule_search_locations))
    saved = {k: v for k, v in sys.modules.items() if k == "LibMTL" or k.startswith("LibMTL.")}
    pkg = types.ModuleType("LibMTL")
    pkg.__path__ = [root]
    sys.modules["LibMTL"] = pkg
    try:
        return importlib.import_module("LibMTL.weighting")
    except Exception:
        return None
    finally:
        for k in [k for k in sys.modules if k == "LibMTL" or k.startswith("LibMTL.")]:
            if k not in saved:
                sys.modules.pop(k, None)
        sys.modules.update(saved)


def run_libmtl(cls, L, batch, **kwargs):
    shared = list(L.model("m").parameters())

    class Probe(cls):
        def __init__(self):
            super().__init__()
            self.task_num, self.device, self.rep_grad = len(L.weights), "cpu", False
            self.init_param()

        def get_share_params(self):
            return shared

        def zero_grad_share_params(self):
            for p in shared:
                if p.grad is not None:
                    p.grad.zero_()

    probe = Probe()
    _total, terms = L(batch)
    L.zero_grad(set_to_none=True)
    probe.backward(torch.stack([terms[n] for n in terms]), **kwargs)
    return flat([p.grad for p in shared])


@pytest.mark.parametrize(("ours", "theirs", "kwargs", "k"), [
    (PCGrad(), "PCGrad", {}, 2),
    (MGDA(mode="params"), "MGDA", {"mgda_gn": "none"}, 2),
    (MGDA(mode="params", normalize="l2"), "MGDA", {"mgda_gn": "l2"}, 3),
    (IMTLG(), "IMTL", {}, 2),
    (IMTLG(), "IMTL", {}, 3),
    (CAGrad(c=0.5, rescale=1), "CAGrad", {"calpha": 0.5, "rescale": 1}, 3),
])
def test_against_libmtl_on_identical_gradients(ours, theirs, kwargs, k):
    lib = libmtl_weighting()
    if lib is None:
        pytest.skip("LibMTL is not importable")
    L, batch = heads(k=k)
    expected = run_libmtl(getattr(lib, theirs), L, batch, **kwargs)
    L.set_weighting(ours)
    L.zero_grad(set_to_none=True)
    total, terms = L(batch)
    ours.backward(total, terms, L)
    got = flat([p.grad for p in L.model("m").parameters()])
    close(got, expected, tol=1e-4 if theirs == "CAGrad" else 1e-5)


@pytest.mark.usefixtures("traceable")
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("make", [PCGrad, CAGrad, lambda: MGDA(mode="params"),
                                  lambda: MGDA(mode="auto"), IMTLG])
def test_under_torch_compile_the_manipulated_gradient_is_the_eager_one(make):
    torch._dynamo.reset()
    grads = []
    for compiled in (False, True):
        L, batch = heads(weights=[1.0, 0.5])
        w = make()
        if not compiled and isinstance(w, MGDA):  # compiled, "auto" is the params version
            w = MGDA(mode="params")
        L.set_weighting(w)
        model = torch.compile(L, backend="aot_eager", fullgraph=True) if compiled else L
        total, terms = model(batch)
        L.weighting.backward(total, terms, L)
        grads.append(flat([p.grad for p in L.parameters() if p.grad is not None]))
    close(grads[1], grads[0], tol=1e-5)
    L, batch = heads()
    L.set_weighting(MGDA(mode="features"))
    total, terms = torch.compile(L, backend="aot_eager", fullgraph=True)(batch)
    from catlearn_torch import WeightingError
    with pytest.raises(WeightingError, match="use mode='params'"):
        L.weighting.backward(total, terms, L)


def test_mgda_features_mode_without_captured_outputs_names_the_strategy():
    """The captured outputs are used once: a second backward on the same forward has none,
    and mode='features' says so (naming itself and the way out) before touching any
    gradient."""
    from catlearn_torch import WeightingError
    from catlearn_torch.weighting.examples import example

    L, batch = example(MGDA(mode="features"))
    total, terms = L(batch)
    L.weighting.backward(total, terms, L)
    grads = [p.grad.clone() for p in L.model("m").parameters()]
    with pytest.raises(WeightingError, match=r"MGDA\(mode='features'\) manipulates the "
                                             r"gradients of the shared model .*; it cannot "
                                             r"run without the shared model's outputs "
                                             r".*; use mode='params'"):
        L.weighting.backward(total, terms, L)
    for p, g in zip(L.model("m").parameters(), grads, strict=True):
        assert torch.equal(p.grad, g)  # nothing was accumulated


# ---------------------------------------------------------------- MGDA-UB, scales, names
def shared_rows(L, terms):
    """∇_m (w_i L_i) for every equation, flattened (the parameter gradients)."""
    shared = list(L.model("m").parameters())
    return torch.stack([flat(torch.autograd.grad(terms[n] * L.weights[n], shared,
                                                 retain_graph=True)) for n in terms])


def forward_with_features(L, batch):
    """The loss, its terms and the shared model's outputs, captured independently."""
    feats = []
    hook = L.model("m").register_forward_hook(lambda _m, _a, out: feats.append(out))
    try:
        total, terms = L(batch)
    finally:
        hook.remove()
    assert len(feats) == 1
    return total, terms, feats[0]


def mgda_two_weights(rows, losses, normalize):
    """c = α / n for two rows, α in closed form (Sener and Koltun, Algorithm 1)."""
    norms = rows.norm(dim=1)
    n = {"none": torch.ones(2, dtype=torch.float64), "l2": norms, "loss": losses,
         "loss+": losses * norms}[normalize]
    u = rows / n[:, None]
    a1 = float(((u[1] - u[0]) @ u[1]) / ((u[0] - u[1]) @ (u[0] - u[1])))
    a1 = min(max(a1, 0.0), 1.0)
    return torch.tensor([a1, 1 - a1], dtype=torch.float64) / n


def check_mgda_ub(L, w, total, terms, feature, active):
    names = list(terms)
    frows = torch.stack([flat(torch.autograd.grad(terms[names[i]] * L.weights[names[i]],
                                                  [feature], retain_graph=True))
                         for i in active])
    losses = torch.stack([terms[names[i]].detach().double() for i in active])
    c = mgda_two_weights(frows, losses, w.normalize)
    expected = c @ shared_rows(L, terms)[active]
    heads = [h for h in L.models if h != "m"]
    head_grads = [flat(torch.autograd.grad(total, list(L.model(h).parameters()),
                                           retain_graph=True)) for h in heads]
    w.backward(total, terms, L)
    close(flat([p.grad for p in L.model("m").parameters()]), expected, tol=1e-6)
    for h, g in zip(heads, head_grads, strict=True):
        close(flat([p.grad for p in L.model(h).parameters()]), g, tol=1e-6)
    weights = torch.ones(len(names), dtype=torch.float64)
    weights[active] = c
    close(w.last_weights, weights, tol=1e-9)


@pytest.mark.parametrize("normalize", ["none", "l2", "loss", "loss+"])
@pytest.mark.parametrize("mode", ["features", "auto"])
def test_mgda_ub_weights_come_from_the_gradients_at_the_shared_features(normalize, mode):
    L, batch = heads(weights=[1.0, 0.5])
    w = MGDA(normalize=normalize, mode=mode)
    L.set_weighting(w)
    total, terms, feature = forward_with_features(L, batch)
    check_mgda_ub(L, w, total, terms, feature, [0, 1])


def test_mgda_ub_leaves_an_equation_of_weight_zero_out():
    L, batch = heads(k=3, weights=[1.0, 0.0, 0.5])
    w = MGDA(mode="features", normalize="l2")
    L.set_weighting(w)
    total, terms, feature = forward_with_features(L, batch)
    check_mgda_ub(L, w, total, terms, feature, [0, 2])


@pytest.mark.parametrize("grad", [False, True])
def test_mgda_ub_ignores_calls_of_the_shared_model_outside_the_loss(grad):
    """Running the shared model on its own between forward and backward (to log
    embeddings, say) changes nothing: only the loss's features are balanced."""
    L, batch = heads(weights=[1.0, 0.5])
    w = MGDA(mode="features")
    L.set_weighting(w)
    total, terms, feature = forward_with_features(L, batch)
    with torch.set_grad_enabled(grad):
        L.model("m")(torch.randn(5, 3))
    check_mgda_ub(L, w, total, terms, feature, [0, 1])


def test_mgda_ub_with_one_active_equation_is_plain_backward():
    L, batch = heads(weights=[1.0, 0.0])
    w = MGDA(mode="features", shared="m")
    L.set_weighting(w)
    total, terms = L(batch)
    ref = [flat(torch.autograd.grad(total, list(L.model(e).parameters()),
                                    retain_graph=True)) for e in ("m", "h0")]
    w.backward(total, terms, L)
    for e, g in zip(("m", "h0"), ref, strict=True):
        close(flat([p.grad for p in L.model(e).parameters()]), g)


def test_mgda_features_of_another_forward_fall_back_to_the_parameters():
    """The outputs captured by a later forward are not those of the loss being
    back-propagated: "auto" balances the parameter gradients, "features" refuses."""
    from catlearn_torch import WeightingError

    L, batch = heads(weights=[1.0, 0.5])
    w = MGDA(mode="auto")
    L.set_weighting(w)
    total, terms = L(batch)
    L(batch)  # a second forward, with gradients (its outputs are captured)
    expected, c = MGDA(mode="params").direction(shared_rows(L, terms), torch.ones(2))
    w.backward(total, terms, L)
    close(flat([p.grad for p in L.model("m").parameters()]), expected, tol=1e-6)
    close(w.last_weights, c)
    L, batch = heads(weights=[1.0, 0.5])
    L.set_weighting(MGDA(mode="features"))
    total, terms = L(batch)
    L(batch)
    with pytest.raises(WeightingError, match=r"^MGDA\(mode='features'\) manipulates the "
                                             r"gradients of the shared model \(m\); it "
                                             r"cannot run on features that are not nodes "
                                             r"of the loss's autograd graph \(a "
                                             r"torch.compile'd forward\); use "
                                             r"mode='params' or 'auto'$"):
        L.weighting.backward(total, terms, L)
    assert all(p.grad is None for p in L.parameters())


SCALED = [PCGrad, lambda: CAGrad(c=0.4), IMTLG,
          *[(lambda n=n, m=m: MGDA(normalize=n, mode=m))
            for n in ("none", "l2", "loss", "loss+") for m in ("params", "features")]]


@pytest.mark.parametrize("make", SCALED)
def test_a_loss_scale_scales_every_gradient_and_leaves_the_weights(make):
    """Under a gradient scaler or accumulation (``scale``), the shared model's gradient
    carries the factor exactly as the heads' do (after unscaling, the step is the same),
    whether or not the direction is homogeneous (MGDA's l2 and loss+ are not)."""
    grads, weights = [], []
    for s in (1.0, 8.0):
        L, batch = heads(weights=[1.0, 0.5])
        w = make()
        L.set_weighting(w)
        total, terms = L(batch)
        torch.manual_seed(3)
        w.backward(total * s, terms, L, scale=s)
        grads.append(flat([p.grad for p in L.parameters() if p.grad is not None]) / s)
        weights.append(w.last_weights.clone())
    close(grads[1], grads[0], tol=1e-6)
    close(weights[1], weights[0], tol=1e-9)


def test_manipulation_names_its_parameters_and_the_base_has_no_direction():
    from catlearn_torch import WeightingError
    from catlearn_torch.weighting import GradientManipulation

    assert repr(MGDA(shared="m", normalize="loss", mode="params")) == \
        "MGDA(shared=('m',), normalize='loss', mode='params')"
    assert MGDA().params() == {"shared": None, "normalize": "none", "mode": "auto"}
    assert GradientManipulation(shared=["m", "h"]).params() == {"shared": ("m", "h")}
    with pytest.raises(WeightingError, match=r"^GradientManipulation is the base class of "
                                             r"the gradient-manipulation strategies and has "
                                             r"no direction of its own: use PCGrad, CAGrad, "
                                             r"MGDA or IMTLG, or override "
                                             r"direction\(grads, losses\) in a subclass$"):
        GradientManipulation().direction(GRADS, ONES)


def test_pcgrad_order_is_drawn_for_three_equations_and_not_for_two():
    grads = torch.tensor([[1.0, 0.0], [-1.0, 0.5], [-0.2, -1.0]], dtype=torch.float64)
    seen = set()
    for seed in range(12):
        torch.manual_seed(seed)
        d, c = PCGrad().direction(grads, torch.ones(3, dtype=torch.float64))
        torch.manual_seed(seed)
        again, _ = PCGrad().direction(grads, torch.ones(3, dtype=torch.float64))
        assert torch.equal(d, again)  # reproducible from torch's generator
        close(c @ grads, d)
        seen.add(tuple(round(x, 9) for x in d.tolist()))
    assert len(seen) > 1  # the projection order matters here, and it is drawn
    torch.manual_seed(0)
    before = torch.random.get_rng_state()
    PCGrad().direction(GRADS, ONES)  # two equations: nothing to draw
    assert torch.equal(torch.random.get_rng_state(), before)


def test_mgda_ub_attached_twice_captures_the_features_once():
    L, batch = heads(weights=[1.0, 0.5])
    w = MGDA(mode="features")
    L.set_weighting(w)
    L.set_weighting(w)  # attached again (as fit(L, weighting=w) does): one hook
    w.bind(L)
    total, terms, feature = forward_with_features(L, batch)
    check_mgda_ub(L, w, total, terms, feature, [0, 1])


@pytest.mark.parametrize(("shared", "named"), [(None, "the shared model"), ("m", "m")])
def test_mgda_features_without_outputs_names_the_shared_edges(shared, named):
    from catlearn_torch import WeightingError

    L, batch = heads(weights=[1.0, 0.5])
    L.set_weighting(MGDA(mode="features", shared=shared))
    total, terms = L(batch)
    L.weighting.backward(total, terms, L)
    with pytest.raises(WeightingError, match=r"^MGDA\(mode='features'\) manipulates the "
                                             rf"gradients of the shared model \({named}\); "
                                             r"it cannot run without the shared model's "
                                             r"outputs \(a single shared edge run "
                                             r"eagerly\); use mode='params'$"):
        L.weighting.backward(total, terms, L)


def test_mgda_fallback_to_the_parameters_keeps_the_loss_scale():
    L, batch = heads(weights=[1.0, 0.5])
    w = MGDA(mode="auto")
    L.set_weighting(w)
    total, terms = L(batch)
    L(batch)  # the captured outputs are now another forward's
    expected, _ = MGDA(mode="params").direction(shared_rows(L, terms), torch.ones(2))
    head = flat(torch.autograd.grad(total, list(L.model("h0").parameters()),
                                    retain_graph=True))
    w.backward(4.0 * total, terms, L, scale=4.0)
    close(flat([p.grad for p in L.model("m").parameters()]), 4.0 * expected, tol=1e-6)
    close(flat([p.grad for p in L.model("h0").parameters()]), 4.0 * head, tol=1e-6)


def test_mgda_ub_gives_a_learnable_edge_before_the_shared_model_its_plain_gradient():
    """Only the shared model's parameters get the balanced direction; an edge upstream
    of it (not shared: ``shared="m"``) gets the gradient of the total, as the heads."""
    torch.manual_seed(0)
    g = LearningGraph().data("x", "N", "X").data("y0", "N", "Y0").data("y1", "N", "Y1")
    g = g.model("p", "X", "P").model("m", "P", "F").model("h0", "F", "Y0")
    g = g.model("h1", "F", "Y1")
    D = LearningDiagram.from_graph(g)
    mods = {"p": nn.Linear(3, 3), "m": nn.Sequential(nn.Linear(3, 4), nn.Tanh()),
            "h0": nn.Linear(4, 2), "h1": nn.Linear(4, 2)}
    L = compile(D, Realisation(D, models=mods))
    L.reweight(dict(zip(L.weights, [1.0, 0.5], strict=True)))
    gen = torch.Generator().manual_seed(1)
    batch = {"x": torch.randn(8, 3, generator=gen), "y0": torch.randn(8, 2, generator=gen),
             "y1": torch.randn(8, 2, generator=gen)}
    w = MGDA(mode="features", shared="m")
    L.set_weighting(w)
    total, terms, feature = forward_with_features(L, batch)
    check_mgda_ub(L, w, total, terms, feature, [0, 1])


def test_mgda_normalisers_are_those_of_the_paper():
    grads = torch.tensor([[0.3, 0.4], [0.0, 0.02]], dtype=torch.float64)
    losses = torch.tensor([2.0, 0.5])
    for normalize, expected in (("none", [1.0, 1.0]), ("l2", [0.5, 0.02]),
                                ("loss", [2.0, 0.5]), ("loss+", [1.0, 0.01])):
        n = MGDA(normalize=normalize).normalisers(grads, losses)
        assert n.dtype == torch.float64
        close(n, expected, tol=1e-15)


def test_imtlg_is_homogeneous_and_impartial_for_small_and_many_gradients():
    gen = torch.Generator().manual_seed(0)
    for k in (2, 3, 4, 5):
        grads = torch.randn(k, 6, generator=gen, dtype=torch.float64)
        d, a = IMTLG().direction(grads, torch.ones(k, dtype=torch.float64))
        small, a_small = IMTLG().direction(0.01 * grads, torch.ones(k, dtype=torch.float64))
        close(a_small, a, tol=1e-9)  # the same weights for gradients of norm < 1
        close(small, 0.01 * d, tol=1e-11)
        proj = (grads / grads.norm(dim=1, keepdim=True)) @ small
        assert float(proj.max() - proj.min()) < 1e-9
        close(a.sum(), 1.0)


def test_a_shared_parameter_that_an_equation_does_not_reach_has_a_zero_row():
    L, batch = heads(weights=[1.0, 0.5])
    w = PCGrad(shared=("m", "h0"))
    L.set_weighting(w)
    total, terms = L(batch)
    names = list(terms)
    shared = list(L.model("m").parameters()) + list(L.model("h0").parameters())
    rows = []
    for n in names:
        gs = torch.autograd.grad(terms[n] * L.weights[n], shared, retain_graph=True,
                                 allow_unused=True)
        rows.append(flat([g if g is not None else torch.zeros_like(p)
                          for g, p in zip(gs, shared, strict=True)]))
    expected, c = PCGrad().direction(torch.stack(rows), torch.ones(2))
    other = flat(torch.autograd.grad(total, list(L.model("h1").parameters()),
                                     retain_graph=True))
    w.backward(total, terms, L)
    close(flat([p.grad for p in shared]), expected, tol=1e-6)
    close(flat([p.grad for p in L.model("h1").parameters()]), other, tol=1e-6)
    close(w.last_weights, c)


def test_a_frozen_shared_model_leaves_plain_backward():
    L, batch = heads(weights=[1.0, 0.5])
    for p in L.model("m").parameters():
        p.requires_grad_(False)
    L.set_weighting(PCGrad(shared="m"))
    total, terms = L(batch)
    ref = flat(torch.autograd.grad(total, list(L.model("h0").parameters()),
                                   retain_graph=True))
    L.weighting.backward(total, terms, L)
    close(flat([p.grad for p in L.model("h0").parameters()]), ref)
    assert all(p.grad is None for p in L.model("m").parameters())
    assert L.weighting.last_weights.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("make", [PCGrad, lambda: MGDA(mode="params"),
                                  lambda: MGDA(mode="features")])
def test_manipulated_gradients_accumulate_over_micro_batches(make):
    """Two backward passes before a step add up, as plain backward's do."""
    once = []
    for times in (1, 2):
        L, batch = heads(weights=[1.0, 0.5])
        L.set_weighting(make())
        for _ in range(times):
            total, terms = L(batch)
            L.weighting.backward(total, terms, L)
        once.append(flat([p.grad for p in L.parameters() if p.grad is not None]))
    close(once[1], 2 * once[0], tol=1e-6)
