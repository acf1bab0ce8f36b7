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

    D, L = backbone_heads(k=2)
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
    D, L = distillation()
    batch = {"x": torch.randn(8, 4), "y": torch.randint(0, 3, (8,))}
    fast = torch.compile(L, backend="aot_eager", fullgraph=True)
    assert torch.allclose(fast(batch).total, L(batch).total)
    fast(batch).total.backward()
    assert all(p.grad is None for p in L.model("t").parameters())
