"""fit's arguments: what it refuses before training (with the message naming the
argument and the value), how loaders are matched to sources, and the epoch's record."""

import functools

import pytest
import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import Realisation, RealisationError, compile, fit
from catlearn_torch.errors import WeightingError
from catlearn_torch.trainer.step import Meter

from .helpers import two_sources


def square():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    torch.manual_seed(0)
    return compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))


def batches(n=3):
    g = torch.Generator().manual_seed(1)
    return [(torch.randn(4, 2, generator=g), torch.randn(4, 1, generator=g))
            for _ in range(n)]


def weights(L):
    return [p.detach().clone() for p in L.parameters()]


@pytest.mark.parametrize(("kw", "message"), [
    ({"epochs": -1}, "fit: epochs must be an int >= 0, not -1"),
    ({"epochs": None}, "fit: epochs must be an int >= 0, not None"),
    ({"epochs": True}, "fit: epochs must be an int >= 0, not True"),
    ({"epochs": 1.5}, "fit: epochs must be an int >= 0, not 1.5"),
    ({"checkpoint_every": 0}, "fit: checkpoint_every must be an int >= 1, not 0"),
    ({"accumulate": 0}, "fit: accumulate must be an int >= 1, not 0"),
    ({"accumulate": None}, "fit: accumulate must be an int >= 1, not None"),
    ({"scheduler_interval": "often"},
     "fit: scheduler_interval must be 'step' or 'epoch', not 'often'"),
    ({"scheduler": torch.optim.lr_scheduler.ReduceLROnPlateau, "scheduler_interval": "step"},
     "fit: scheduler_interval must be 'epoch' for ReduceLROnPlateau"),
    ({"ema_edges": {}}, "ema_edges: expected a non-empty mapping {fixed edge: learnable "
                        "edge}, not {}"),
    ({"ema_edges": ["t", "s"]}, "ema_edges: expected a non-empty mapping"),
])
def test_bad_arguments_are_refused_before_training(kw, message):
    L = square()
    before = weights(L)
    with pytest.raises(RealisationError) as err:
        fit(L, batches(), progress=False, **kw)
    assert message in str(err.value)
    assert all(torch.equal(a, b) for a, b in zip(before, weights(L), strict=True))


def test_the_smallest_allowed_values_train():
    L = square()
    assert fit(L, batches(), epochs=0, progress=False).epochs == []
    h = fit(L, batches(), progress=False, accumulate=1, checkpoint_every=None)
    assert h.steps == 3


def test_loaders_are_matched_to_the_sources():
    L = square()
    assert fit(L, {"N": batches(2)}, progress=False).steps == 2  # by name
    _D, T = two_sources()
    a = [{"x": torch.randn(4, 4), "y": torch.randint(0, 3, (4,))}] * 3
    b = [{"u": torch.randn(4, 4), "v": torch.randn(4, 2)}]
    assert fit(T, [a, b], progress=False).steps == 3  # in the order of T.sources
    assert fit(T, {"B": b, "A": a}, progress=False).steps == 3
    with pytest.raises(RealisationError, match=r"^loaders must be given for exactly the "
                                               r"sources A, B; missing: B$"):
        fit(T, {"A": a}, progress=False)
    with pytest.raises(RealisationError, match=r"^loaders must be given for exactly the "
                                               r"sources A, B; missing: B; not sources: "
                                               r"C, D$"):
        fit(T, {"A": a, "C": b, "D": b}, progress=False)
    with pytest.raises(RealisationError, match=r"^loaders must be given for exactly the "
                                               r"sources A, B; not sources: C$"):
        fit(T, {"A": a, "B": b, "C": b}, progress=False)
    with pytest.raises(RealisationError, match=r"a mapping from source names \(A, B\) to "
                                               r"loaders, or a sequence of one loader per "
                                               r"source, not list$"):
        fit(T, [a], progress=False)
    with pytest.raises(RealisationError, match=r"\(A, B\) .* not int$"):
        fit(T, 3, progress=False)


def test_a_weighting_whose_parameters_the_optimiser_does_not_hold_is_refused():
    L = square()
    L.set_weighting("uncertainty")
    sgd = functools.partial(torch.optim.SGD, lr=0.1)
    opt = sgd(list(L.learnable_parameters()))
    with pytest.raises(WeightingError, match=r"the weighting Uncertainty\(\) has trainable "
                                             r"parameters that the optimiser does not hold"):
        fit(L, batches(), optimizer=opt, progress=False)
    assert fit(L, batches(), optimizer=sgd, progress=False).steps == 3  # a factory gets the groups


def test_resume_true_without_a_checkpoint_file_starts_afresh(tmp_path):
    L = square()
    ckpt = tmp_path / "run.pt"
    h = fit(L, batches(), epochs=2, progress=False, checkpoint=ckpt, resume=True)
    assert (h.steps, len(h.epochs), h.checkpoint) == (6, 2, str(ckpt))
    h2 = fit(L, batches(), epochs=3, progress=False, checkpoint=ckpt, resume=True)
    assert (h2.steps, len(h2.epochs)) == (9, 3)  # continued from epoch 2
    h3 = fit(L, batches(), epochs=1, progress=False, checkpoint=ckpt, resume=False)
    assert (h3.steps, len(h3.epochs)) == (3, 1)


def test_the_meter_averages_each_equation_over_its_defined_steps():
    m = Meter(["e", "f"])
    m.add(3.0, {"e": torch.tensor(2.0), "f": torch.tensor(1.0)}, {"e": 2, "f": 0})
    m.add(5.0, {"e": torch.tensor(4.0), "f": torch.tensor(6.0)}, {"e": 1, "f": 3})
    m.add(1.0, {"e": torch.tensor(0.0), "f": torch.tensor(8.0)}, {"e": 0, "f": 2})
    assert m.record() == {"total": 3.0, "e": 3.0, "f": 7.0,
                          "e [defined]": 3.0, "e [empty steps]": 1.0,
                          "f [defined]": 5.0, "f [empty steps]": 1.0}
    n = Meter(["e"])
    n.add(2.0, {"e": torch.tensor(2.0)}, None)
    n.add(4.0, {"e": torch.tensor(6.0)}, None)
    assert n.record() == {"total": 3.0, "e": 4.0}  # nothing missing: no counts
    back = Meter(["e", "f"])
    back.load_state_dict(m.state_dict())
    assert back.record() == m.record()
