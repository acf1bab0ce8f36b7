"""The typed loss program and its executor: steps, groups per trie node, unwrap."""

import pytest
import torch
from torch import nn

from catlearn.learning import LearningDiagram, LearningGraph
from catlearn_torch import Lambda, Realisation, compile, unwrap
from catlearn_torch.compile import UNWRAP_DEPTH
from catlearn_torch.errors import TorchBackendError, WrapperError
from catlearn_torch.plan_exec import ColumnStep, ModuleStep, build_program

from .helpers import backbone_heads, distillation


def test_steps_are_typed_and_grouped_per_trie_node():
    _D, L = backbone_heads(k=3)
    prog = L._program
    nodes = L.plan.nodes
    assert [type(s) for s in prog.steps] == [ColumnStep] * 4 + [ModuleStep] * 4
    for group in prog.groups:
        assert all(s.parent == group.parent for s in group.steps)
    heads = [g for g in prog.groups if len(g.steps) == 3 and isinstance(g.steps[0], ModuleStep)]
    assert len(heads) == 1
    assert str(nodes[heads[0].parent].path) == "N ⋅ x ⋅ m"
    assert [s.node for s in prog.steps] == [n.id for n in nodes if n.parent is not None]
    assert prog.columns == {"N": ("x", "y0", "y1", "y2")}


def test_no_grad_and_detached_sides_follow_the_roles():
    _D, L = distillation()
    steps = {s.edge: s for s in L._program.steps}
    assert steps["t"].no_grad
    assert not steps["s"].no_grad
    L.freeze("s")
    assert {s.edge: s for s in L._program.steps}["s"].no_grad
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g = g.model("e", "X", "Z").fixed("p", "Z", "Y")
    D2 = LearningDiagram.from_graph(g)
    prog = build_program(D2.compile_plan(), {"p"}, {e.name: None for e in D2.equations},
                         {e.name: 1.0 for e in D2.equations})
    assert not {s.edge: s for s in prog.steps}["p"].no_grad  # after a learnable edge


class Wrap(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.module = inner


def test_unwrap_looks_through_exactly_its_depth_of_wrappers():
    _D, L = distillation()
    chain = L
    for _ in range(UNWRAP_DEPTH):
        chain = Wrap(chain)
    assert unwrap(chain) is L  # exactly the documented depth
    with pytest.raises(WrapperError, match=f"no compiled diagram within {UNWRAP_DEPTH} "
                                           "levels of wrappers of Wrap"):
        unwrap(Wrap(chain))
    assert unwrap(torch.compile(L)) is L
    with pytest.raises(WrapperError, match=r"expected a compiled diagram \(or a wrapper of "
                                           r"one\), not Linear$"):
        unwrap(Wrap(nn.Linear(1, 1)))
    with pytest.raises(WrapperError, match="expected a compiled diagram .*, not Sequential$"):
        unwrap(Wrap(nn.Sequential()))  # an empty (falsy) container is still looked into


def test_unwrap_refuses_a_wrapper_of_itself():
    w = Wrap(nn.Identity())
    object.__setattr__(w, "module", w)  # .module is the wrapper itself
    with pytest.raises(WrapperError, match=r"Wrap wraps itself \(its .module is the object "
                                           r"itself\)") as err:
        unwrap(w)
    assert isinstance(err.value, TypeError)
    assert isinstance(err.value, TorchBackendError)


def test_a_column_that_is_not_a_tensor_reaches_its_module_unchanged():
    g = LearningGraph().data("words", "N", "W").data("y", "N", "Y")
    g = g.fixed("tok", "W", "T").model("c", "T", "Y")
    D = LearningDiagram.from_graph(g)
    seen = []

    def tokenize(words):
        seen.append(words)
        return torch.tensor([[float(len(w))] for w in words])

    L = compile(D, Realisation(D, models={"tok": Lambda(tokenize), "c": nn.Linear(1, 1)}))
    words = ["a", "bb", "ccc"]
    out = L({"words": words, "y": torch.zeros(3, 1)})
    assert seen == [words]
    assert out.total.requires_grad
    with pytest.raises(Exception, match="column 'y' of source 'N' has 3 examples, but "
                                        "column 'words' of the same batch has 2"):
        L({"words": ["a", "b"], "y": torch.zeros(3, 1)})
