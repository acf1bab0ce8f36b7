import shutil

import pytest

from catlearn.errors import LearningGraphError
from catlearn.learning import LearningDiagram, LearningGraph, write_picture
from catlearn.learning import picture as pic


def kd():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
    g.fixed("t", "X", "Y").model("s", "X", "Y")
    return LearningDiagram.from_graph(g)


def test_styles_by_role_and_highlight():
    D = kd()
    dot = D.to_graphviz()
    assert '"N" -> "X" [label="x", style=dashed' in dot
    assert '"X" -> "Y" [label="t", style=solid' in dot
    assert '"X" -> "Y" [label="s", style=bold' in dot
    hi = D.to_graphviz(highlight="x ⋅ s = x ⋅ t")
    assert 'label="x ⋅ s = x ⋅ t"' in hi
    # x is on both sides; s on the left (red); t on the right (green)
    assert '[label="x", color="#d62728:#2ca02c"' in hi
    assert '[label="s", color="#d62728"' in hi and '[label="t", color="#2ca02c"' in hi
    assert D.to_graphviz(highlight=1) != dot
    with pytest.raises(LearningGraphError, match="no equation number 5"):
        D.to_graphviz(highlight=5)


def test_text_rendering_and_files(tmp_path, monkeypatch):
    D = kd()
    assert "X --s--> Y   [learnable]" in pic.to_text(D)
    assert write_picture(D, tmp_path / "d.dot").read_text().startswith("digraph")
    assert "equation" in write_picture(D, tmp_path / "d.txt").read_text()
    if shutil.which("dot"):
        assert write_picture(D, tmp_path / "d.svg").read_text().count("<svg") == 1
        assert D._repr_svg_().startswith("<?xml")
    monkeypatch.setattr("catlearn.learning.picture.dot_available", lambda: False)
    with pytest.raises(LearningGraphError, match="apt-get install graphviz"):
        write_picture(D, tmp_path / "d.png")
    with pytest.raises(LearningGraphError, match="unknown picture format 'gif'"):
        write_picture(D, tmp_path / "d.gif")
