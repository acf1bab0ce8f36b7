"""The paper's regimes: their diagrams, and every run function at tiny settings."""

from __future__ import annotations

import math

import pytest
import torch

from catlearn.learning import LEARNABLE
from catlearn_torch import compile, regimes
from catlearn_torch.regimes import (
    alignment,
    autoencoder,
    captioning,
    distillation,
    few_shot,
    few_shot_square,
    realise_alignment,
    realise_autoencoder,
    realise_captioning,
    realise_few_shot,
    supervised_square,
)

pytestmark = pytest.mark.usefixtures("one_thread")



def names(D) -> list[str]:
    return [e.name for e in D.equations]


def test_square_is_the_colimit_of_data_and_classifier():
    D = supervised_square()
    assert names(D) == ["x ⋅ c = y"]
    assert set(D.legs) == {"shared", "first", "second"}
    assert D.comparator_for(D.equations[0]) == "cross_entropy"


def test_distillation_has_exactly_the_two_equations():
    D = distillation(temperature=4)
    assert names(D) == ["x ⋅ s = x ⋅ t", "x ⋅ s = y"]
    assert [D.comparator_for(e) for e in D.equations] == ["kl(temperature=4)", "cross_entropy"]
    roles = {n: r for n, _, _, r in D.graph.edges()}
    assert roles["t"] == "fixed"
    assert roles["s"] == LEARNABLE


def test_few_shot_shares_one_backbone_between_two_sources():
    D = few_shot()
    assert D.sources() == ("N1", "N2")
    assert D.graph.edge_names().count("m") == 1
    assert names(D) == ["x1 ⋅ m ⋅ h1 = y1", "x2 ⋅ m ⋅ h2 = y2"]
    heads = [n for n, s, _, _ in D.graph.edges() if s == "F"]
    assert heads == ["h1", "h2"]
    L = compile(D, realise_few_shot(D))
    assert L.plan.count_edge_runs()["m"] == 2  # once per source's batch
    assert names(few_shot_square(2)) == ["x2 ⋅ m ⋅ h2 = y2"]


def test_other_regimes_equations():
    assert names(captioning()) == ["x ⋅ enc ⋅ dec = caption"]
    assert names(alignment()) == ["x ⋅ f = c ⋅ g"]
    assert names(autoencoder()) == ["x ⋅ enc ⋅ dec = x"]
    assert names(autoencoder(max_length=4)) == ["x ⋅ enc ⋅ dec = x",
                                                "x ⋅ enc ⋅ dec ⋅ enc = x ⋅ enc"]


def test_realisations_fit_their_data():
    from catlearn_torch.datasets import ShapesCaptions, load_digits_split

    shapes = ShapesCaptions(4, seed=0).rename({"image": "x"})
    L = compile(captioning(), realise_captioning())
    assert set(L.check(shapes.tensors()).terms) == {"x ⋅ enc ⋅ dec = caption"}
    L = compile(alignment(), realise_alignment())
    L.check(shapes.rename({"caption": "c"}).tensors())
    digits = load_digits_split().test.subset(range(8))
    compile(autoencoder(), realise_autoencoder()).check(digits.tensors())


def finite(metrics: dict[str, float], keys: set[str]) -> None:
    assert set(metrics) == keys
    assert all(math.isfinite(v) and v >= 0 for v in metrics.values())


def test_run_square_agrees_with_a_hand_written_loop():
    m = regimes.run_square(seed=1, epochs=2)
    finite(m, {"accuracy", "baseline_accuracy"})
    assert m["accuracy"] == m["baseline_accuracy"] > 0.8


def test_run_distillation():
    report: dict = {}
    m = regimes.run_distillation(seed=0, epochs=1, report=report)
    finite(m, {"teacher_accuracy", "student_accuracy", "student_alone_accuracy"})
    assert m["teacher_accuracy"] > 0.5
    assert set(report["losses"]) == {"total", "x ⋅ s = x ⋅ t", "x ⋅ s = y"}
    assert report["student"].frozen() == ("t",)


def test_run_few_shot():
    m = regimes.run_few_shot(seed=0, epochs=1, k=2)
    finite(m, {"few_accuracy", "few_alone_accuracy", "many_accuracy"})


def test_run_captioning():
    m = regimes.run_captioning(seed=0, epochs=1, n_train=64, n_test=16)
    finite(m, {"token_accuracy", "exact_accuracy", "baseline_token_accuracy",
               "baseline_exact_accuracy"})
    assert m["baseline_exact_accuracy"] == 0.0  # one blind caption never fits many scenes


def test_run_alignment():
    m = regimes.run_alignment(seed=0, epochs=1, n_train=64, n_test=16)
    finite(m, {"image_to_caption_recall@1", "caption_to_image_recall@1", "chance_recall@1"})
    assert m["chance_recall@1"] >= 1 / 16


def test_run_autoencoder_and_determinism():
    a = regimes.run_autoencoder(seed=0, epochs=1)
    finite(a, {"mse", "pca_mse", "mean_image_mse"})
    assert a["pca_mse"] < a["mean_image_mse"]
    assert regimes.run_autoencoder(seed=0, epochs=1, baseline=False)["mse"] == a["mse"]


def test_regimes_table_lists_every_regime():
    assert set(regimes.REGIMES) == {"square", "distillation", "distillation_transfer",
                                    "few_shot", "captioning", "alignment", "autoencoder"}


def test_distillation_transfer_adds_the_transfer_equation():
    D = regimes.distillation_transfer(temperature=4, distill_weight=0.5, transfer_weight=2)
    assert D.sources() == ("N", "U")
    assert names(D) == ["x ⋅ s = x ⋅ t", "x ⋅ s = y", "xu ⋅ s = xu ⋅ t"]
    assert [D.comparator_for(e) for e in D.equations] == [
        "kl(temperature=4)", "cross_entropy", "kl(temperature=4)"]
    assert [e.weight for e in D.equations] == [0.5, 1.0, 2.0]
    roles = {n: r for n, _, _, r in D.graph.edges()}
    assert roles == {"x": "data", "y": "data", "xu": "data", "t": "fixed", "s": LEARNABLE}
    # one teacher and one student, shared by both sources
    assert D.graph.edge_names().count("t") == D.graph.edge_names().count("s") == 1


def test_transfer_split_partitions_the_training_set():
    from catlearn_torch.datasets import (
        DatasetError,
        few_label_subset,
        load_digits_split,
        transfer_split,
    )

    train = load_digits_split().train
    part = transfer_split(train, k=3, seed=2)
    assert len(part.labelled) == 30
    assert len(part.unlabelled) == len(train) - 30
    assert part.unlabelled.columns == ("x",)
    assert torch.equal(part.labelled.column("x"), few_label_subset(train, 3, 2).column("x"))
    rows = {tuple(r.tolist()) for r in train.column("x")}
    seen = [tuple(r.tolist()) for r in torch.cat([part.labelled.column("x"),
                                                  part.unlabelled.column("x")])]
    assert len(seen) == len(train)
    assert set(seen) == rows
    with pytest.raises(DatasetError, match="keep must name"):
        transfer_split(train, k=3, keep=("pixels",))
    with pytest.raises(DatasetError, match="keep must name"):
        transfer_split(train, k=3, keep="x")
    with pytest.raises(DatasetError, match="k must be an integer"):
        transfer_split(train, k=0)


def test_run_distillation_transfer():
    report: dict = {}
    m = regimes.run_distillation_transfer(seed=0, epochs=1, report=report)
    finite(m, {"teacher_accuracy", "student_accuracy", "student_alone_accuracy"})
    assert set(report["losses"]) == {"total", "x ⋅ s = x ⋅ t", "x ⋅ s = y",
                                     "xu ⋅ s = xu ⋅ t"}
    assert report["student"].frozen() == ("t",)
    # same number of steps for the distilled student and the student alone
    assert report["history"].steps == report["alone_history"].steps == 21
    few = regimes.run_distillation_transfer(seed=0, epochs=1, teacher_labels="few",
                                            baseline=False)
    assert set(few) == {"teacher_accuracy", "student_accuracy"}
    from catlearn_torch.datasets import DatasetError

    with pytest.raises(DatasetError, match="teacher_labels must be one of all, few, not 'some'"):
        regimes.run_distillation_transfer(teacher_labels="some")
    with pytest.raises(DatasetError, match="class 0 has only"):
        regimes.run_distillation_transfer(k=500)


def test_spec_data_for_the_transfer_set():
    from catlearn_torch.datasets import DatasetError
    from catlearn_torch.specdata import dataset

    assert len(dataset("digits", "train", k=5)) == 50
    unlabelled = dataset("digits", "unlabelled", k=5)
    assert len(unlabelled) == 1297
    assert unlabelled.columns == ("x",)
    with pytest.raises(DatasetError, match="needs args.k"):
        dataset("digits", "unlabelled")
