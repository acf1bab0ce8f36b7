"""The compiled loss as an ``nn.Module``: the device it follows, loading state, the
weighting it combines with, the surgery counter, the masked-row policies, and the
messages of its refusals."""

import math

import pytest
import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn.learning.spec import diagram_from_text
from catlearn_torch import BatchError, Masked, Realisation, RealisationError, compile
from catlearn_torch.weighting import Fixed, Weighting

from .helpers import backbone_batch, backbone_heads, distillation


def square(**kw):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    return compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), **kw)


def xy(n=3):
    return {"x": torch.randn(n, 2), "y": torch.randn(n, 1)}


class Largest(Weighting):
    """A strategy whose total is the largest weighted term (not the weighted sum)."""

    name = "largest"

    def combine(self, terms, compiled):
        return torch.stack([t * compiled.weights[n] for n, t in terms.items()]).max()


# ------------------------------------------------------------------ device
class Probe(nn.Module):
    """One parameter; records the device of its inputs (computes nothing, so it runs on
    the meta device at no cost)."""

    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(1))
        self.seen = []

    def forward(self, x):
        self.seen.append(x.device.type)
        return self.p.new_zeros(x.shape[0], 1)


def test_moving_the_loss_moves_its_columns_weighting_and_total():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g, comparators={"Y": "zero"})
    probe = Probe()
    L = compile(D, Realisation(D, models={"c": probe},
                               comparators={"zero": lambda a, b: a.new_zeros(())}),
                guards=False)
    assert L.to("meta") is L
    assert L.device.type == "meta"
    out = L(xy())  # columns given on the CPU are moved to the modules' device
    assert probe.seen == ["meta"]
    assert out.total.device.type == "meta"
    w = L.set_weighting("uncertainty")  # a new strategy joins the loss where it is
    assert all(p.device.type == "meta" for p in w.parameters())
    K = square(weighting="uncertainty").to("meta")
    assert all(p.device.type == "meta" for p in K.weighting.parameters())


def test_device_comes_from_parameters_then_buffers_else_cpu():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    bn = nn.BatchNorm1d(2, affine=False, device="meta")  # buffers, no parameters
    assert compile(D, Realisation(D, models={"c": bn})).device.type == "meta"
    assert compile(D, Realisation(D, models={"c": nn.Identity()})).device.type == "cpu"
    L = compile(D, Realisation(D, models={"c": nn.Identity()}))
    L.replace("c", nn.Linear(2, 2, device="meta"))
    assert L.device.type == "meta"


def test_a_loss_without_equations_is_zero_on_the_modules_device():
    g = LearningGraph().data("x", "N", "X").model("c", "X", "Y")
    D = LearningDiagram(g, [])
    L = compile(D, Realisation(D, models={"c": nn.Linear(2, 1)}), guards=False)
    total, terms = L({})  # no equation reads a source
    assert terms == {}
    assert total.shape == ()
    assert float(total) == 0.0
    L.to("meta")
    assert L({}).total.device.type == "meta"


# ------------------------------------------------------------------ state
def test_load_state_dict_copies_into_the_same_parameters_strictly():
    L = square()
    other = square()
    w = L.model("c").weight
    result = L.load_state_dict(other.state_dict())
    assert result.missing_keys == []
    assert result.unexpected_keys == []
    assert L.model("c").weight is w  # an optimiser built before still holds it
    assert torch.equal(w, other.model("c").weight)
    with pytest.raises(RuntimeError, match="Missing key"):
        L.load_state_dict({})
    assert L.load_state_dict({}, strict=False).missing_keys == ["models.c.weight",
                                                                  "models.c.bias"]
    sd = other.state_dict()
    L.load_state_dict(sd, assign=True)
    assert L.model("c").weight.data_ptr() == sd["models.c.weight"].data_ptr()


def test_spec_text_is_the_diagram_with_its_current_weights():
    _D, L = distillation()
    L.reweight({"x ⋅ s = x ⋅ t": 0.25})
    back = diagram_from_text(L.spec_text(), "json")
    assert back == L.diagram
    assert back.equation("x ⋅ s = x ⋅ t").weight == 0.25


def test_repr_shows_sources_equations_and_nodes():
    _D, L = backbone_heads(k=2)
    text = repr(L)
    assert f"sources=['N'], equations=2, nodes={len(L.plan.nodes)}" in text


# ------------------------------------------------------------------ weighting
def test_the_total_is_the_weighted_sum_of_the_terms():
    _D, L = backbone_heads(k=4)
    weights = dict(zip(L.weights, (0.0, 1.0, 2.0, 3.5), strict=True))
    L.reweight(weights)
    total, terms = L(backbone_batch(k=4))
    want = sum(weights[n] * t for n, t in terms.items())
    torch.testing.assert_close(total, want)


def test_a_weighting_strategy_makes_the_total_from_the_terms():
    _D, L = backbone_heads(k=2)
    L.reweight({"x ⋅ m ⋅ h0 = y0": 3.0})
    version = L.version
    w = L.set_weighting(Largest())
    assert L.weighting is w
    assert L.version == version + 1
    assert L.set_weighting(w) is w
    assert L.version == version + 1
    total, terms = L(backbone_batch(k=2))
    assert set(terms) == {"x ⋅ m ⋅ h0 = y0", "x ⋅ m ⋅ h1 = y1"}
    want = max(3.0 * terms["x ⋅ m ⋅ h0 = y0"], terms["x ⋅ m ⋅ h1 = y1"])
    torch.testing.assert_close(total, want)
    assert isinstance(L.set_weighting(None), Fixed)
    total, terms = L(backbone_batch(k=2))
    torch.testing.assert_close(total, 3.0 * terms["x ⋅ m ⋅ h0 = y0"]
                               + terms["x ⋅ m ⋅ h1 = y1"])


def test_a_weight_zero_equation_is_computed_again_under_another_weighting():
    _D, L = backbone_heads(k=2)
    L = compile(L.diagram, L.realisation, fuse=True)
    L.reweight({"x ⋅ m ⋅ h1 = y1": 0.0})
    batch = backbone_batch(k=2)
    assert float(L(batch).terms["x ⋅ m ⋅ h1 = y1"]) == 0.0  # pruned: costs nothing
    L.set_weighting(Largest())
    assert float(L(batch).terms["x ⋅ m ⋅ h1 = y1"].detach()) > 0.0  # the strategy reads it


def test_fusion_groups_follow_fuse_and_surgery():
    _D, L = backbone_heads(k=3)
    assert L.fusion_groups() == ()
    F = compile(L.diagram, L.realisation, fuse=True)
    assert F.fusion_groups() == (("h0", "h1", "h2"),)
    F.replace("h1", nn.Sequential(nn.Linear(8, 4), nn.Tanh(), nn.Linear(4, 2)))
    assert F.fusion_groups() == (("h0", "h2"),)


# ------------------------------------------------------------------ surgery
def test_every_change_of_modules_frozen_edges_or_weighting_gives_a_new_version():
    _D, L = distillation()
    seen = [L.version]

    def changed():  # bumped by one for each change
        assert L.version == seen[-1] + 1
        seen.append(L.version)

    L.replace("s", nn.Linear(4, 3))
    changed()
    L.replace("s", nn.Linear(4, 3))
    changed()
    L.freeze("s")
    changed()
    L.freeze("s")  # already frozen: nothing changes
    assert L.version == seen[-1]
    L.unfreeze("s")
    changed()
    L.freeze("s")
    changed()
    L.unfreeze("s")
    changed()
    L.unfreeze("s")  # not frozen: nothing changes
    assert L.version == seen[-1]
    L.set_weighting("uncertainty")
    changed()


def test_reweight_refuses_bad_weights_before_changing_any():
    _D, L = distillation()
    before = dict(L.weights)
    for bad in (-1.0, math.inf, math.nan, True, "1", None):
        with pytest.raises(RealisationError, match=r"equation x ⋅ s = y: weight .* must be "
                                                   r"a finite number >= 0"):
            L.reweight({"x ⋅ s = x ⋅ t": 2.0, "x ⋅ s = y": bad})
        assert L.weights == before
    with pytest.raises(RealisationError, match=r"no equation is called 'nope' \(equations: "
                                               r"x ⋅ s = y; x ⋅ s = x ⋅ t\)"):
        L.reweight({"nope": 1.0})
    L.reweight({"x ⋅ s = y": 0, "x ⋅ s = x ⋅ t": 2})
    assert L.weights == {"x ⋅ s = y": 0.0, "x ⋅ s = x ⋅ t": 2.0}


def test_refusals_name_the_edge_and_what_is_there():
    _D, L = distillation()
    with pytest.raises(RealisationError, match=r"^no model for edge 'zz' \(models: t, s\)$"):
        L.model("zz")
    with pytest.raises(RealisationError, match=r"^the model of learnable edge 's' must be an "
                                               r"nn.Module, not builtin_function_or_method$"):
        L.replace("s", torch.tanh)
    with pytest.raises(RealisationError, match=r"^the model of fixed edge 't' must be an "
                                               r"nn.Module, not int$"):
        L.replace("t", 3)
    with pytest.raises(RealisationError, match=r"^edge 't' is fixed in the diagram; it cannot "
                                               r"be unfrozen \(make it learnable in the "
                                               r"diagram\)$"):
        L.unfreeze("t")
    g = LearningGraph().data("x", "N", "X").data("y", "N", "X")
    D = LearningDiagram.from_graph(g)
    empty = compile(D, Realisation(D))
    with pytest.raises(RealisationError, match=r"\(models: none\)"):
        empty.model("c")


# ------------------------------------------------------------------ masked rows
def _row_counting(masked):
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
    D = LearningDiagram.from_graph(g)
    c = nn.Linear(2, 1)
    rows = []
    c.register_forward_hook(lambda m, i, o: rows.append(i[0].shape[0]))
    return compile(D, Realisation(D, models={"c": c}), masked=masked), rows


@pytest.mark.parametrize("masked", ["auto", "gather", "fill"])
def test_gather_runs_the_defined_rows_fill_keeps_the_shapes(masked):
    L, rows = _row_counting(masked)
    x, y = torch.randn(5, 2), torch.randn(5, 1)
    keep = torch.tensor([True, False, True, True, False])
    out = L({"x": Masked(x, keep), "y": y})
    assert rows == [5 if masked == "fill" else 3]
    want = ((L.model("c")(x[keep]) - y[keep]) ** 2).mean()
    torch.testing.assert_close(out.terms["x ⋅ c = y"], want)
    count = L.last_defined_counts["x ⋅ c = y"]
    assert isinstance(count, torch.Tensor) == (masked == "fill")
    assert L.last_defined == {"x ⋅ c = y": 3}
    rows.clear()
    L({"x": x, "y": y, "x.mask": keep})  # the mask key: the same rows
    assert rows == [5 if masked == "fill" else 3]
    rows.clear()
    L({"x": x, "y": y})  # nothing missing: every row, nothing reported
    assert rows == [5]
    assert L.last_defined is None
    assert L.last_defined_counts is None


def test_a_non_finite_total_names_the_column():
    L = square()
    x = torch.randn(3, 2)
    x[1, 0] = math.nan
    with pytest.raises(BatchError, match="'x'"):
        L({"x": x, "y": torch.randn(3, 1)})
