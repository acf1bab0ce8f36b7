"""The compiled diagram works under torch.compile (traced by dynamo, no graph break)."""

import pytest
import torch

from catlearn_torch import fit

from .helpers import backbone_batch, distillation
from .test_train import backbone_loader


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_torch_compile_matches_eager_and_trains():
    torch._dynamo.reset()
    from .helpers import backbone_heads

    _D, L = backbone_heads(k=2)
    for i in range(2):
        L.replace(f"h{i}", L.model(f"h{i}").inner)  # plain modules (no Python counters)
    L.replace("m", L.model("m").inner)
    batch = backbone_batch(k=2)
    eager = L(batch)
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    out = fast(batch)
    assert torch.allclose(out.total, eager.total)
    assert set(out.terms) == set(eager.terms)
    out.total.backward()
    assert L.model("m")[0].weight.grad is not None
    h = fit(fast, backbone_loader(k=2), epochs=2, progress=False)
    assert h.steps == 6


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_torch_compile_with_a_frozen_teacher_and_detached_sides():
    torch._dynamo.reset()
    _D, L = distillation()
    batch = {"x": torch.randn(8, 4), "y": torch.randint(0, 3, (8,))}
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    assert torch.allclose(fast(batch).total, L(batch).total)
    fast(batch).total.backward()
    assert all(p.grad is None for p in L.model("t").parameters())


# ------------------------------------------------------------------ whole-graph compile
def _masked_regime():
    from .test_missing import half_labelled

    L = half_labelled(missing={"y": -100})
    L.replace("d", L.model("d").inner)  # a plain module (no Python counter)
    return L


def _masked_batch():
    torch.manual_seed(3)
    from catlearn_torch import Masked

    y = torch.randint(0, 2, (8,))
    y[torch.tensor([1, 4, 5])] = -100
    return {"x": torch.randn(8, 2), "y": y,
            "z": Masked(torch.randn(8, 1), torch.tensor([1, 1, 0, 1, 0, 0, 1, 1]).bool())}


def _grads(L):
    out = {n: p.grad.clone() for n, p in L.named_parameters() if p.grad is not None}
    L.zero_grad(set_to_none=True)
    return out


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_missing_values_compile_to_one_graph_equal_to_eager():
    torch._dynamo.reset()
    L, batch = _masked_regime(), _masked_batch()
    assert torch._dynamo.explain(L)(batch).graph_break_count == 0
    eager = L(batch)
    eager.total.backward()
    want, defined = _grads(L), L.last_defined
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    out = fast(batch)
    out.total.backward()
    got = _grads(L)
    assert torch.allclose(out.total, eager.total, atol=1e-6)
    assert want.keys() == got.keys()
    assert all(torch.allclose(want[k], got[k], atol=1e-6)
                                             for k in want)
    assert L.last_defined == defined == {"x ⋅ c = y": 5, "x ⋅ d = z": 5}


def _kd(size):
    from .test_cache import kd

    L, teacher = kd(cache=size)
    L.replace("t", teacher.inner)  # a plain module (no Python counter)
    return L


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_cache_compiles_to_one_graph_and_is_used():
    torch._dynamo.reset()
    L = _kd(16)
    batch = {"x": torch.randn(5, 4), "y": torch.randn(5, 3), "index": torch.arange(5)}
    assert torch._dynamo.explain(L)(batch).graph_break_count == 0
    L.clear_cache()
    eager = L(batch).total
    L.clear_cache()
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    first = fast(batch).total
    assert torch.allclose(first, eager)
    assert L.cache_size() == 5
    with torch.no_grad():  # changed by hand, without clear_cache: the stored values stay
        L.model("t")[0].weight.mul_(3.0)
    assert torch.allclose(fast(batch).total, first)
    L.clear_cache()
    assert not torch.allclose(fast(batch).total, first)
    bigger = {"x": torch.randn(3, 4), "y": torch.randn(3, 3), "index": torch.tensor([1, 20, 2])}
    want = L.comparators["x ⋅ s = x ⋅ t"](L.model("s")(bigger["x"]), L.model("t")(bigger["x"]))
    assert torch.allclose(fast(bigger).terms["x ⋅ s = x ⋅ t"], want)  # 20: beyond the store
    torch._dynamo.reset()
    unsized = torch.compile(_kd(True), backend="aot_eager", fullgraph=True)
    with pytest.raises(Exception, match="the cache of frozen paths has a fixed size"):
        unsized(batch)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_batch_guards_hold_under_torch_compile():
    torch._dynamo.reset()
    from .test_batch import square

    L = square("cross_entropy")
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    fast({"x": torch.randn(5, 3), "y": torch.tensor([0, 1, 2, 3, 0])})
    with pytest.raises(RuntimeError, match=r"equation 'x ⋅ c = y' .* class indices of rhs y "
                                           r"must lie in \[0, 4\)"):
        fast({"x": torch.randn(5, 3), "y": torch.tensor([0, 1, 9, 3, 0])})
    x = torch.randn(5, 3)
    x[0, 0] = float("nan")
    with pytest.raises(RuntimeError, match="column 'x' of source 'N'.*non-finite"):
        fast({"x": x, "y": torch.tensor([0, 1, 2, 3, 0])})
    with pytest.raises(Exception, match="expects inputs whose last dimension is 3"):
        fast({"x": torch.randn(5, 2), "y": torch.tensor([0, 1, 2, 3, 0])})
    torch._dynamo.reset()
    lenient = torch.compile(L, backend="aot_eager")  # without fullgraph: our own class
    from catlearn_torch import BatchError

    with pytest.raises(BatchError, match="expects inputs whose last dimension is 3"):
        lenient({"x": torch.randn(5, 2), "y": torch.tensor([0, 1, 2, 3, 0])})
