"""Masked means equal the comparators on the defined rows; the fixed-shape ("fill") and
the gathering ("gather") missing-value policies give the same losses and gradients."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import Masked, Realisation, compile
from catlearn_torch.comparators import KL, L1, MSE, Cosine, CrossEntropy, InfoNCE, SqDist
from catlearn_torch.rows import masked_value

from .test_missing import CE, REG, X, half_labelled

COMPARATORS = [MSE(), L1(), SqDist(), KL(), KL(temperature=2.0), Cosine(),
               CrossEntropy(), CrossEntropy(label_smoothing=0.1),
               CrossEntropy(soft_target="logits"), InfoNCE(), InfoNCE(symmetric=True)]


def _pair(comp, n, d, gen, labels_ignored):
    a = torch.randn(n, d, generator=gen, dtype=torch.float64)
    if isinstance(comp, CrossEntropy) and comp.soft_target == "probs":
        b = torch.randint(0, d, (n,), generator=gen)
        b[labels_ignored[:n]] = -100
    else:
        b = torch.randn(n, d, generator=gen, dtype=torch.float64)
    return a.requires_grad_(), (b.requires_grad_() if b.is_floating_point() else b)


@given(comp=st.sampled_from(COMPARATORS), n=st.integers(1, 6), d=st.integers(2, 4),
       mask=st.lists(st.booleans(), min_size=6, max_size=6),
       ignored=st.lists(st.booleans(), min_size=6, max_size=6), seed=st.integers(0, 2**16))
def test_masked_value_is_the_comparator_on_the_defined_rows(comp, n, d, mask, ignored,
                                                            seed):
    gen = torch.Generator().manual_seed(seed)
    m = torch.tensor(mask[:n])
    a, b = _pair(comp, n, d, gen, torch.tensor(ignored))
    got = masked_value(comp, a, b, m)
    restricted = b[m]
    if not bool(m.any()) or (not restricted.is_floating_point()
                             and bool((restricted == -100).all())):
        assert float(got.detach()) == 0.0  # nothing to compare: 0, never NaN
        return
    want = comp(a[m], restricted)
    assert torch.allclose(got, want, atol=1e-10)
    sides = [x for x in (a, b) if x.requires_grad]
    g_got = torch.autograd.grad(got, sides, allow_unused=True)
    g_want = torch.autograd.grad(want, sides, allow_unused=True)
    for u, v in zip(g_got, g_want, strict=True):
        u = torch.zeros_like(sides[0]) if u is None else u
        v = torch.zeros_like(sides[0]) if v is None else v
        assert torch.allclose(u, v, atol=1e-10)
        assert torch.all(u[~m] == 0)  # undefined rows get no gradient


def test_a_user_comparator_without_a_masked_form_gathers_its_rows():
    calls = []

    def biggest(a, b):
        calls.append(a.shape[0])
        return (a - b).abs().max()

    a, b = torch.tensor([[1.0], [9.0], [2.0]]), torch.zeros(3, 1)
    m = torch.tensor([True, False, True])
    assert float(masked_value(biggest, a, b, m)) == 2.0
    assert calls == [2]
    assert float(masked_value(biggest, a, b, torch.zeros(3, dtype=torch.bool))) == 0.0


def _grads(L):
    return {n: p.grad.clone() for n, p in L.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("batch", [
    {"x": X, "y": torch.tensor([0, -100, 0, -100]),
     "z": torch.tensor([[1.0], [0.0], [0.0], [7.0]]),
     "z.mask": torch.tensor([True, False, False, True])},
    {"x": X, "y": torch.full((4,), -100), "z": torch.tensor([[1.0], [math.nan], [2.0],
                                                            [3.0]])},
    {"x": Masked(X, torch.tensor([True, True, False, True])), "y": torch.tensor([1, 0, 1, 0]),
     "z": torch.randn(4, 1)},
])
def test_fill_and_gather_give_the_same_losses_and_gradients(batch):
    out = {}
    for how in ("gather", "fill"):
        L = half_labelled(missing={"y": -100, "z": float("nan")})
        L.masked = how
        res = L(batch)
        res.total.backward()
        out[how] = res, _grads(L), L.last_defined
    (g, gg, gd), (f, fg, fd) = out["gather"], out["fill"]
    assert torch.allclose(g.total, f.total, atol=1e-6)
    assert all(torch.allclose(g.terms[k], f.terms[k], atol=1e-6) for k in (CE, REG))
    assert gg.keys() <= fg.keys()  # an equation without example: no gradient / zeros
    assert all(torch.allclose(gg.get(k, torch.zeros_like(v)), v, atol=1e-6)
               for k, v in fg.items())
    assert gd == fd


def test_fill_runs_modules_on_the_whole_batch_with_zeros_in_undefined_rows():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("f", "X", "E").fixed("emb", "Y", "E")
    D0 = LearningDiagram(g, [])
    D = LearningDiagram(g, [Equation(D0.path("x ⋅ f"), D0.path("y ⋅ emb"))])
    seen = []
    emb = nn.Embedding(3, 2)
    emb.register_forward_hook(lambda m, i, o: seen.append(i[0].tolist()))
    L = compile(D, Realisation(D, models={"f": nn.Linear(2, 2), "emb": emb}),
                missing={"y": -1}, masked="fill")
    y, x = torch.tensor([2, -1, 0]), torch.randn(3, 2)
    out = L({"x": x, "y": y})
    assert seen == [[2, 0, 0]]  # the ignore value never reaches the embedding
    want = ((L.model("f")(x[y >= 0]) - emb(y[y >= 0])) ** 2).mean()
    assert torch.allclose(out.terms["x ⋅ f = y ⋅ emb"], want)
    with pytest.raises(Exception, match="masked must be 'auto', 'gather' or 'fill'"):
        compile(D, Realisation(D, models={"f": nn.Linear(2, 2), "emb": emb}), masked="x")
