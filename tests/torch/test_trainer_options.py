"""fit's trainer options: precision, accumulation, scheduler interval and
ReduceLROnPlateau, early stopping, EMA weights and EMA edges (mean teacher), the metrics
log — each with a bitwise-exact resume after a crash."""

import csv
import functools

import pytest
import torch
from torch import nn

from catlearn.learning import Equation, LearningDiagram, LearningGraph
from catlearn_torch import Realisation, RealisationError, compile, fit, load_checkpoint
from catlearn_torch.train import EarlyStopping
from catlearn_torch.trainer.log import have_tensorboard
from catlearn_torch.weighting import Weighting

from .helpers import two_sources
from .test_train import params, two_source_loaders, with_dropout


def crash_and_resume(tmp_path, every=None, fail_after=44, epochs=3, **kw):
    """Uninterrupted vs crashed-and-resumed runs with the same options; returns both
    final parameter sets and histories."""
    def build(seed):
        torch.manual_seed(0)
        _D, L = two_sources(seed=seed)
        with_dropout(L)
        return L

    L = build(3)
    torch.manual_seed(11)
    h1 = fit(L, two_source_loaders(), epochs=epochs, lr=0.01, progress=False, **kw)
    expected = params(L)
    L = build(3)
    torch.manual_seed(11)
    ckpt = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        fit(L, two_source_loaders(fail_after), epochs=epochs, lr=0.01, progress=False,
            checkpoint=ckpt, checkpoint_every=every, **kw)
    torch.manual_seed(99)
    L2 = build(7)
    h2 = fit(L2, two_source_loaders(), epochs=epochs, lr=0.01, progress=False,
             checkpoint=ckpt, resume=ckpt, checkpoint_every=every, **kw)
    return expected, params(L2), h1, h2


def assert_same(expected, got):
    assert set(expected) == set(got)
    bad = [k for k in expected if not torch.equal(expected[k], got[k])]
    assert not bad, f"differ after resume: {bad}"


OPTIONS = {
    "bf16": {"precision": "bf16-mixed"},
    "accumulate": {"accumulate": 2},
    "epoch-scheduler": {"scheduler": functools.partial(torch.optim.lr_scheduler.StepLR,
                                                       step_size=1, gamma=0.5),
                        "scheduler_interval": "epoch"},
    "plateau": {"scheduler": functools.partial(torch.optim.lr_scheduler.ReduceLROnPlateau,
                                               patience=0, factor=0.5), "monitor": "total"},
    "early-stopping": {"early_stopping": {"monitor": "total", "patience": 2,
                                          "min_delta": 10.0}},
    "ema": {"ema": 0.9},
    "dwa-accumulate": {"weighting": "dwa", "accumulate": 3},
}


@pytest.mark.parametrize("every", [None, 2])
@pytest.mark.parametrize("name", list(OPTIONS))
def test_resume_is_bitwise_exact_with_each_option(tmp_path, name, every):
    expected, got, h1, h2 = crash_and_resume(tmp_path, every=every, **OPTIONS[name])
    assert_same(expected, got)
    assert h1.epochs == h2.epochs
    assert h1.steps == h2.steps
    assert h1.stopped_early == h2.stopped_early


def test_accumulation_equals_one_big_batch():
    """Two accumulated batches of 4 = one batch of 8 (batch-mean comparators, SGD)."""
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    torch.manual_seed(0)
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    runs = []
    for k, bs in ((2, 4), (1, 8)):
        torch.manual_seed(1)
        L = compile(D, Realisation(D, models={"c": nn.Linear(3, 1)}))
        data = [{"x": x[i:i + bs], "y": y[i:i + bs]} for i in range(0, 16, bs)]
        h = fit(L, data, epochs=1, optimizer=torch.optim.SGD, lr=0.1, accumulate=k,
                progress=False)
        runs.append((h.steps, L.model("c").weight.detach().clone()))
    assert runs[0][0] == runs[1][0] == 2
    torch.testing.assert_close(runs[0][1], runs[1][1], rtol=1e-6, atol=1e-7)


def test_scheduler_interval_and_plateau():
    D, L = two_sources()
    sched = functools.partial(torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    opt = []
    fit(L, two_source_loaders(), epochs=2, lr=0.1, scheduler=sched,
        scheduler_interval="epoch", progress=False,
        on_epoch_end=lambda e, c, o: opt.append(o.param_groups[0]["lr"]))
    assert opt == [0.1, 0.1 * 0.5]  # on_epoch_end runs before the epoch's scheduler step
    _D, L = two_sources()
    plateau = functools.partial(torch.optim.lr_scheduler.ReduceLROnPlateau, patience=0,
                                factor=0.5, threshold=10.0)  # never "improves"
    lrs = []
    fit(L, two_source_loaders(), epochs=3, lr=0.1, scheduler=plateau, progress=False,
        evaluate=lambda c, e: {"val": 1.0}, monitor="val",
        on_epoch_end=lambda e, c, o: lrs.append(o.param_groups[0]["lr"]))
    assert lrs == [0.1, 0.05, 0.025]
    with pytest.raises(RealisationError, match="monitors 'nope'"):
        fit(two_sources()[1], two_source_loaders(), scheduler=plateau, monitor="nope",
            progress=False)
    with pytest.raises(RealisationError, match="'epoch' for ReduceLROnPlateau"):
        fit(two_sources()[1], two_source_loaders(), scheduler=plateau,
            scheduler_interval="step", progress=False)
    with pytest.raises(RealisationError, match="scheduler_interval"):
        fit(two_sources()[1], two_source_loaders(), scheduler=sched,
            scheduler_interval="batch", progress=False)


def test_early_stopping_follows_lightning():
    s = EarlyStopping(monitor="val", mode="max", patience=2, min_delta=0.1)
    assert [s.update({"val": v}) for v in (1.0, 1.05, 1.2, 1.25, 1.3)] == \
        [False, False, False, False, True]
    assert s.update({"val": float("nan")}) is True
    _D, L = two_sources()
    vals = iter([3.0, 2.0, 2.5, 2.4, 0.1, 0.0])
    h = fit(L, two_source_loaders(), epochs=6, progress=False,
            evaluate=lambda c, e: {"val": next(vals)},
            early_stopping={"monitor": "val", "patience": 2})
    assert h.stopped_early
    assert len(h.epochs) == 4
    for bad in ({"mode": "up"}, {"patience": -1}, {"min_delta": -1.0}, {"bogus": 1}, 3):
        with pytest.raises(RealisationError, match="early_stopping"):
            fit(two_sources()[1], two_source_loaders(), early_stopping=bad, progress=False)


def test_a_resumed_run_that_stopped_early_stays_stopped(tmp_path):
    D, L = two_sources()
    ckpt = tmp_path / "run.pt"
    h = fit(L, two_source_loaders(), epochs=5, progress=False, checkpoint=ckpt,
            early_stopping={"patience": 1, "min_delta": 100.0})
    assert h.stopped_early
    assert len(h.epochs) == 2
    _D, L2 = two_sources(seed=4)
    h2 = fit(L2, two_source_loaders(), epochs=5, progress=False, checkpoint=ckpt,
             resume=ckpt, early_stopping={"patience": 1, "min_delta": 100.0})
    assert h2.stopped_early
    assert len(h2.epochs) == 2
    assert h2.steps == h.steps
    assert_same(params(L), params(L2))


def test_options_are_checked():
    _D, L = two_sources()
    for kw, what in (({"accumulate": 0}, "accumulate"), ({"precision": "64"}, "precision"),
                     ({"ema": 1.0}, "ema"), ({"ema": -0.1}, "ema"),
                     ({"epochs": -1}, "epochs")):
        with pytest.raises(RealisationError, match=what):
            fit(L, two_source_loaders(), progress=False, **kw)
    with pytest.warns(UserWarning, match="bf16-mixed"):
        fit(L, two_source_loaders(), progress=False, precision="16-mixed")


def test_resuming_with_other_options_is_refused(tmp_path):
    from catlearn_torch import CheckpointError
    _D, L = two_sources()
    ckpt = tmp_path / "run.pt"
    fit(L, two_source_loaders(), progress=False, checkpoint=ckpt, ema=0.9)
    with pytest.raises(CheckpointError, match="resume with the same options"):
        fit(two_sources()[1], two_source_loaders(), epochs=2, progress=False, resume=ckpt)


def test_ema_weights_are_the_moving_average():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    torch.manual_seed(0)
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    data = [{"x": torch.randn(4, 2), "y": torch.randn(4, 1)} for _ in range(3)]
    seen, avg = [], None
    d = 0.5

    def track(epoch, compiled, opt):  # fit calls this after each epoch; 3 steps/epoch
        seen.append(compiled.model("c").weight.detach().clone())

    # reference: the average of the weights after each step
    torch.manual_seed(1)
    ref = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    ws = []
    for _ in range(2):
        fit(ref, data[:1] * 1, epochs=1, optimizer=torch.optim.SGD, lr=0.1,
            progress=False)
        ws.append(ref.model("c").weight.detach().clone())
    torch.manual_seed(1)
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}))
    h = fit(L, data[:1] * 2, epochs=1, optimizer=torch.optim.SGD, lr=0.1, ema=d,
            progress=False, evaluate=lambda c, e: {"w": float(c.model("c").weight[0, 0])})
    for w in ws:
        avg = w if avg is None else d * avg + (1 - d) * w
    torch.testing.assert_close(L.model("c").weight.detach(), avg)  # copied in at the end
    assert h.epochs[0]["w"] == pytest.approx(float(avg[0, 0]))      # evaluate saw it


def mean_teacher(seed=0):
    """Student s, teacher t = EMA(s): labels on the x ⋅ s path, consistency x ⋅ s = x ⋅ t."""
    torch.manual_seed(seed)
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("s", "X", "Y").fixed("t", "X", "Y")
    D0 = LearningDiagram(g, [("x ⋅ s", "y"), ("x ⋅ s", "x ⋅ t")])
    eqs = [Equation(D0.path("x ⋅ s"), D0.path("y")),
           Equation(D0.path("x ⋅ s"), D0.path("x ⋅ t"), weight=0.5)]
    D = LearningDiagram(g, eqs)
    R = Realisation(D, models={"s": nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.1),
                                                  nn.Linear(4, 2)),
                               "t": nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.1),
                                                  nn.Linear(4, 2))})
    return D, compile(D, R)


def test_mean_teacher_is_a_diagram(tmp_path):
    D, L = mean_teacher()
    gen = torch.Generator().manual_seed(0)
    data = [{"x": torch.randn(5, 3, generator=gen), "y": torch.randn(5, 2, generator=gen)}
            for _ in range(4)]
    decay = 0.8
    # the teacher after k steps: EMA of the student's parameters after each step
    student = []

    class Spy(Weighting):  # the fixed sum; its after_step hook sees every step
        name = "spy"

        def after_step(self, terms, compiled):
            student.append({k: v.clone() for k, v in compiled.model("s").state_dict().items()})

    fit(L, data, epochs=2, ema=decay, ema_edges={"t": "s"}, progress=False, weighting=Spy())
    avg = None
    for sd in student:
        avg = sd if avg is None else {k: decay * avg[k] + (1 - decay) * sd[k] for k in sd}
    for k, v in L.model("t").state_dict().items():
        torch.testing.assert_close(v, avg[k])
    assert not any(p.requires_grad for p in L.model("t").parameters())
    # exact resume of a mean-teacher run
    def run(model, loaders, **kw):
        return fit(model, loaders, epochs=2, ema=decay, ema_edges={"t": "s"},
                   progress=False, **kw)

    class Crash(list):
        def __iter__(self):
            for i, b in enumerate(list.__iter__(self)):
                if self.crash and i == 2:
                    raise KeyboardInterrupt
                yield b

    D, A = mean_teacher(seed=1)
    torch.manual_seed(5)
    run(A, data)
    D, B = mean_teacher(seed=1)
    torch.manual_seed(5)
    crashing = Crash(data)
    crashing.crash = True
    ckpt = tmp_path / "mt.pt"
    with pytest.raises(KeyboardInterrupt):
        fit(B, crashing, epochs=2, ema=decay, ema_edges={"t": "s"}, progress=False,
            checkpoint=ckpt, checkpoint_every=1)
    _D, C = mean_teacher(seed=9)
    run(C, data, checkpoint=ckpt, resume=ckpt, checkpoint_every=1)
    assert_same(params(A), params(C))
    for bad, what in (({"s": "t"}, "must be a fixed edge"), ({"t": "x"}, "learnable edge"),
                      ({}, "non-empty")):
        with pytest.raises(RealisationError, match=what):
            fit(mean_teacher()[1], data, ema_edges=bad, progress=False)


def test_metrics_log(tmp_path):
    _D, L = two_sources()
    h = fit(L, two_source_loaders(), epochs=2, progress=False, log_dir=tmp_path / "log",
            evaluate=lambda c, e: {"val": float(e)})
    rows = list(csv.DictReader((tmp_path / "log" / "metrics.csv").read_text().splitlines()))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert [r["step"] for r in rows] == ["5",
                                                                                      "10"]
    for r, rec in zip(rows, h.epochs, strict=True):
        assert float(r["total"]) == rec["total"]
        assert float(r["val"]) == rec["val"]
    events = list((tmp_path / "log").glob("events.out.tfevents.*"))
    assert bool(events) == have_tensorboard()
    if events:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        acc = EventAccumulator(str(tmp_path / "log"))
        acc.Reload()
        assert [e.step for e in acc.Scalars("total")] == [1, 2]


def test_metrics_log_after_resume_holds_the_whole_run(tmp_path):
    _D, L = two_sources()
    ckpt = tmp_path / "run.pt"
    fit(L, two_source_loaders(), epochs=1, progress=False, checkpoint=ckpt,
        log_dir=tmp_path / "log")
    fit(L, two_source_loaders(), epochs=3, progress=False, checkpoint=ckpt, resume=ckpt,
        log_dir=tmp_path / "log")
    rows = list(csv.DictReader((tmp_path / "log" / "metrics.csv").read_text().splitlines()))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    assert [r["step"] for r in rows] == ["5", "10", "15"]
    assert load_checkpoint(ckpt)["trainer"]["epoch_steps"] == [5, 10, 15]


def test_resuming_with_another_precision_or_accumulation_is_refused(tmp_path):
    from catlearn_torch import CheckpointError
    _D, L = two_sources()
    ckpt = tmp_path / "run.pt"
    fit(L, two_source_loaders(), progress=False, checkpoint=ckpt, accumulate=2)
    with pytest.raises(CheckpointError, match="accumulate=2.*accumulate=1"):
        fit(two_sources()[1], two_source_loaders(), epochs=2, progress=False, resume=ckpt)
    with pytest.raises(CheckpointError, match="precision='32'.*precision='bf16-mixed'"):
        fit(two_sources()[1], two_source_loaders(), epochs=2, progress=False, resume=ckpt,
            accumulate=2, precision="bf16-mixed")


def test_a_monitor_nothing_can_record_is_refused_before_training():
    _D, L = two_sources()
    before = params(L)
    plateau = functools.partial(torch.optim.lr_scheduler.ReduceLROnPlateau)
    with pytest.raises(RealisationError, match="early stopping monitors 'val'"):
        fit(L, two_source_loaders(), progress=False, early_stopping={"monitor": "val"})
    with pytest.raises(RealisationError, match="ReduceLROnPlateau monitors 'val'"):
        fit(L, two_source_loaders(), progress=False, scheduler=plateau, monitor="val")
    assert_same(before, params(L))  # nothing trained
    name = next(iter(L.weights))
    fit(L, two_source_loaders(), progress=False, early_stopping={"monitor": name})
