"""Built-in comparators: exact values, side conventions, parsing, errors."""

import math

import pytest
import torch
import torch.nn.functional as F

from catlearn_torch import (
    KL,
    L1,
    MSE,
    ComparatorError,
    Cosine,
    CrossEntropy,
    FunctionComparator,
    InfoNCE,
    SqDist,
    get_comparator,
)


def test_mse_l1_sqdist_values():
    a, b = torch.randn(5, 3), torch.randn(5, 3)
    assert torch.allclose(MSE()(a, b), ((a - b) ** 2).mean())
    assert torch.allclose(L1()(a, b), (a - b).abs().mean())
    assert torch.allclose(SqDist()(a, b), ((a - b) ** 2).sum(dim=1).mean())
    assert torch.allclose(SqDist()(a, b), 3 * MSE()(a, b))


def test_kl_is_hinton_distillation_with_rhs_as_teacher():
    a, b = torch.randn(6, 4), torch.randn(6, 4)
    T = 3.0
    p_teacher = torch.softmax(b / T, dim=1)
    log_student = torch.log_softmax(a / T, dim=1)
    expected = T * T * (p_teacher * (torch.log(p_teacher) - log_student)).sum(dim=1).mean()
    assert torch.allclose(KL(temperature=T)(a, b), expected, atol=1e-6)
    assert not torch.allclose(KL(temperature=T)(b, a), expected, atol=1e-4)
    assert float(KL()(a, a)) == pytest.approx(0.0, abs=1e-6)


def test_cross_entropy_targets():
    logits = torch.randn(5, 3)
    labels = torch.tensor([0, 2, 1, 1, 0])
    ce = CrossEntropy()
    assert torch.allclose(ce(logits, labels), F.cross_entropy(logits, labels))
    assert torch.allclose(ce(labels, logits), F.cross_entropy(logits, labels))  # swapped
    probs = torch.softmax(torch.randn(5, 3), dim=1)
    assert torch.allclose(ce(logits, probs), F.cross_entropy(logits, probs))
    teacher = torch.randn(5, 3)
    soft = CrossEntropy(soft_target="logits")
    assert torch.allclose(soft(logits, teacher),
                          F.cross_entropy(logits, torch.softmax(teacher, dim=1)))
    assert ce.check(logits, labels) is None
    assert "not probabilities" in ce.check(logits, teacher)
    assert "must lie in [0, 3)" in ce.check(logits, torch.tensor([0, 1, 2, 3, 0]))
    assert "must have shape (5,)" in ce.check(logits, torch.tensor([[0], [1]]))
    assert "neither side" in ce.check(labels, labels)


def test_cosine_and_info_nce():
    a, b = torch.randn(4, 5), torch.randn(4, 5)
    assert torch.allclose(Cosine()(a, b), (1 - F.cosine_similarity(a, b, dim=1)).mean())
    assert float(Cosine()(a, 2 * a)) == pytest.approx(0.0, abs=1e-6)
    T = 0.5
    na, nb = F.normalize(a, dim=1), F.normalize(b, dim=1)
    s = na @ nb.T / T
    expected = F.cross_entropy(s, torch.arange(4))
    assert torch.allclose(InfoNCE(temperature=T)(a, b), expected)
    sym = 0.5 * (expected + F.cross_entropy(s.T, torch.arange(4)))
    assert torch.allclose(InfoNCE(temperature=T, symmetric=True)(a, b), sym)


def test_parsing_and_registry():
    assert get_comparator("kl(temperature=4)") == KL(temperature=4)
    assert get_comparator(" info_nce(temperature=0.2, symmetric=True) ") == \
        InfoNCE(temperature=0.2, symmetric=True)
    fn = lambda a, b: (a - b).abs().max()  # noqa: E731
    assert isinstance(get_comparator(fn), FunctionComparator)
    assert get_comparator("mine", {"mine": fn}).fn is fn
    assert get_comparator("mse", {"mse": L1()}) == L1()  # user names win


@pytest.mark.parametrize(("spec", "fragment"), [
    ("hinge", "unknown comparator 'hinge' (built in: mse, sqdist, l1, cross_entropy, kl, "
              "cosine, info_nce"),
    ("kl(temperature=-1)", "temperature must be a number > 0"),
    ("kl(tau=2)", "unexpected keyword argument 'tau'"),
    ("kl(2)", "arguments must be given as key=value"),
    ("kl(temperature=x)", "is not a literal"),
    ("kl(", "not a name with optional"),
    ("cross_entropy(soft_target='p')", "soft_target must be 'probs' or 'logits'"),
    ("info_nce(symmetric=1)", "symmetric must be True or False"),
])
def test_comparator_errors(spec, fragment):
    with pytest.raises(ComparatorError) as err:
        get_comparator(spec)
    assert fragment in str(err.value)


def test_comparators_are_zero_on_equal_inputs():
    a = torch.randn(3, 4)
    for c in (MSE(), L1(), SqDist(), KL(temperature=2), Cosine()):
        assert math.isclose(float(c(a, a.clone())), 0.0, abs_tol=1e-6), c
    assert MSE().check(a, a[:, :2]) == "the shapes differ: (3, 4) vs (3, 2)"
    assert "floating dtype" in MSE().check(a, a.long())
