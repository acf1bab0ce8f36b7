"""The cache of frozen paths: a fixed teacher runs once per example over a run."""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import (
    BatchError,
    Indexed,
    Realisation,
    RealisationError,
    compile,
    fit,
    transfer,
)

from .helpers import Counting


def kd(cache=True, seed=0):
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.fixed("t", "X", "Y").model("s", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "kl(temperature=2)"})
    teacher = Counting(nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)))
    R = Realisation(D, models={"t": teacher, "s": nn.Linear(4, 3)})
    return compile(D, R, cache=cache), teacher


def data(n=24):
    torch.manual_seed(1)
    return TensorDataset(torch.randn(n, 4), torch.randn(n, 3))


def test_the_teacher_runs_once_per_example_and_training_is_unchanged():
    L, teacher = kd()
    assert L.cached_paths() == ("N ⋅ x ⋅ t",)
    rows = []
    teacher.register_forward_hook(lambda m, i, o: rows.append(i[0].shape[0]))
    loader = DataLoader(Indexed(data(), columns=L.columns["N"]), batch_size=8, shuffle=True)
    torch.manual_seed(2)
    fit(L, loader, epochs=3, lr=0.05, progress=False, check=False)
    assert sum(rows) == 24
    assert teacher.calls == 3
    assert L.cache_size() == 24
    K, _ = kd(cache=False)
    loader = DataLoader(Indexed(data(), columns=K.columns["N"]), batch_size=8, shuffle=True)
    torch.manual_seed(2)
    fit(K, loader, epochs=3, lr=0.05, progress=False, check=False)
    assert torch.allclose(L.model("s").weight, K.model("s").weight, atol=1e-6)


def test_replacing_or_transferring_into_the_teacher_invalidates_the_cache():
    L, teacher = kd()
    batch = {"x": torch.randn(5, 4), "y": torch.randn(5, 3), "index": torch.arange(5)}
    first = L(batch).total
    L(batch)
    assert teacher.calls == 1
    assert L.cache_size() == 5
    new = nn.Linear(4, 3)
    L.replace("t", new)
    assert L.cache_size() == 0
    out = L(batch)
    s = L.model("s")(batch["x"])
    want = L.comparators["x ⋅ s = x ⋅ t"](s, new(batch["x"]))
    assert torch.allclose(out.terms["x ⋅ s = x ⋅ t"], want)
    assert not torch.equal(out.total,
                                                                                 first)
    M, _ = kd(seed=3)
    M.replace("t", nn.Linear(4, 3))
    transfer(M, L, {"t": "t", "s": "s", "x": "x", "y": "y"})
    assert L.cache_size() == 0
    L.load_state_dict(L.state_dict())
    assert L.cache_size() == 0


def test_only_frozen_paths_are_cached_and_indices_are_required():
    L, teacher = kd()
    L.replace("t", teacher)
    with pytest.raises(BatchError, match="no key 'index'"):
        L({"x": torch.randn(2, 4), "y": torch.randn(2, 3)})
    # freezing the student makes its path cacheable; unfreezing drops it again
    L.freeze("s")
    assert set(L.cached_paths()) == {"N ⋅ x ⋅ t", "N ⋅ x ⋅ s"}
    L.unfreeze("s")
    assert L.cached_paths() == ("N ⋅ x ⋅ t",)
    L.enable_cache(False)
    assert L.cached_paths() == ()
    assert L({"x": torch.randn(2, 4), "y": torch.randn(2, 3)})
    g = LearningGraph().data("index", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    with pytest.raises(RealisationError, match="reserves for example indices"):
        compile(D, Realisation(D, models={"c": nn.Linear(1, 1)}), cache=True)


def test_the_store_grows_keeps_its_values_and_refuses_negative_indices():
    from catlearn_torch.cache import NodeCache

    c = NodeCache()
    c.store(torch.tensor([0, 2]), torch.tensor([[1.0], [3.0]]))
    assert c.capacity == 3
    assert c.count() == 2
    c.store(torch.tensor([9]), torch.tensor([[9.0]]))
    assert c.capacity == 10
    assert c.lookup(torch.tensor([2, 0, 9])).tolist() == [[3.0], [1.0],
                                                                               [9.0]]
    assert c.lookup(torch.tensor([1])) is None
    assert c.lookup(torch.tensor([10])) is None
    assert c.lookup(torch.tensor([-1])) is None
    with pytest.raises(BatchError, match="example indices must be >= 0"):
        c.store(torch.tensor([-2]), torch.zeros(1, 1))
    sized = NodeCache(size=100)
    sized.store(torch.tensor([3]), torch.zeros(1, 2))
    assert sized.capacity == 100


def test_a_sized_cache_and_bad_sizes():
    L, teacher = kd(cache=50)
    batch = {"x": torch.randn(4, 4), "y": torch.randn(4, 3), "index": torch.arange(4)}
    L(batch)
    L(batch)
    assert teacher.calls == 1
    assert L._cache[L._paths.frontier[0]].capacity == 50
    L.enable_cache(size=8)
    assert L.cache_size() == 0
    for bad in (0, -3, 2.5, "10"):
        with pytest.raises(RealisationError, match="cache must be True, False or a number"):
            kd(cache=bad)


def indexed(n=5):
    return {"x": torch.randn(n, 4), "y": torch.randn(n, 3), "index": torch.arange(n)}


def test_switching_the_cache_on_and_off():
    L, teacher = kd(cache=False)
    assert L.cached_paths() == ()
    L.enable_cache()  # on by default
    assert L.cached_paths() == ("N ⋅ x ⋅ t",)
    batch = indexed()
    L(batch)
    L(batch)
    assert teacher.calls == 1
    assert L.cache_size() == 5
    L.enable_cache(True)  # on again: the stored values stay
    L(batch)
    assert (teacher.calls, L.cache_size()) == (1, 5)
    L.enable_cache(False)  # off drops them
    assert L.cache_size() == 0
    L.enable_cache(size=16)  # a sized store, used by the next batches
    L(batch)
    L(batch)
    assert teacher.calls == 2
    assert L.cache_size() == 5
    g = LearningGraph().data("index", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    M = compile(D, Realisation(D, models={"c": nn.Linear(1, 1)}))
    with pytest.raises(RealisationError, match="a data edge is called 'index', the batch key "
                                               "the cache reserves for example indices"):
        M.enable_cache()
    M.enable_cache(False)  # turning it off needs no index key


def test_only_the_paths_through_a_changed_edge_are_dropped():
    L, teacher = kd()
    L.freeze("s")  # two cached paths: x ⋅ t and x ⋅ s
    batch = indexed()
    L(batch)
    assert L.cache_size() == 10
    L.clear_cache("s")
    assert L.cache_size() == 5  # x ⋅ t stays
    L(batch)
    assert teacher.calls == 1
    L.unfreeze("s")
    assert L.cache_size() == 5
    L.replace("s", nn.Linear(4, 3))
    assert L.cache_size() == 5  # the student is not on the teacher's path
    L(batch)
    assert teacher.calls == 1
    L.clear_cache()
    assert L.cache_size() == 0


def test_loading_parameters_or_moving_the_loss_drops_the_cache():
    L, teacher = kd()
    batch = indexed()
    L(batch)
    assert L.cache_size() == 5
    L.load_state_dict(L.state_dict())
    assert L.cache_size() == 0
    L(batch)
    assert teacher.calls == 2
    L.to(torch.float64)
    assert L.cache_size() == 0
    out = L({k: v.double() if v.is_floating_point() else v for k, v in batch.items()})
    assert out.total.dtype == torch.float64
    assert teacher.calls == 3
