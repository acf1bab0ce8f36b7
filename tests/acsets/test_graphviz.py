import shutil

import pytest

from catlearn.acsets import ACSet, Schema, SchGraph, SchLabeledGraph, to_graphviz
from catlearn.acsets import graphviz as gv
from catlearn.errors import SchemaError


def labeled():
    g = ACSet(SchLabeledGraph)
    g.add_parts("V", 2, label=["x", 'say "hi"'])
    g.add_part("E", src=0, tgt=1)
    return g


def test_dot_text_uses_labels_and_quotes():
    dot = to_graphviz(labeled())
    assert 'v0 [label="x"];' in dot
    assert r'"say \"hi\""' in dot
    assert "v0 -> v1" in dot


def test_unset_edges_are_not_drawn():
    g = ACSet(SchGraph)
    g.add_parts("V", 1)
    g.add_part("E", src=0)
    assert "->" not in to_graphviz(g)


def test_not_graph_like():
    with pytest.raises(SchemaError, match="not graph-like"):
        to_graphviz(ACSet(Schema("S", obs=("A",))))
    assert ACSet(Schema("S", obs=("A",)))._repr_svg_() is None


def test_svg_when_dot_is_present_else_none(monkeypatch):
    g = labeled()
    if shutil.which("dot"):
        assert "<svg" in g._repr_svg_()
    monkeypatch.setattr(gv.shutil, "which", lambda name: None)
    assert g._repr_svg_() is None
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        gv.render(to_graphviz(g))
