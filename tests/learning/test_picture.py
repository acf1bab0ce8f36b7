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
    assert f'[label="x", color="{pic.LHS_COLOUR}:{pic.RHS_COLOUR}"' in hi
    assert f'[label="s", color="{pic.LHS_COLOUR}"' in hi
    assert f'[label="t", color="{pic.RHS_COLOUR}"' in hi
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


def test_legend_fonts_and_okabe_ito_colours():
    D = kd()
    hi = D.to_graphviz(highlight="x ⋅ s = x ⋅ t")
    legend = hi[hi.index("  legend ["):]
    for text in ("data", "fixed", "learnable", "left side: x ⋅ s", "right side: x ⋅ t"):
        assert f'<td align="left">{text}</td>' in legend
    assert f'<font color="{pic.LHS_COLOUR}">' in legend
    assert "left side" not in D.to_graphviz()          # no highlight: roles only
    assert "legend [" not in D.to_graphviz(legend=False)
    # one font family for the title, the spaces and the edges
    assert 'graph [fontname="Helvetica"]; node [fontname="Helvetica"]; ' \
           'edge [fontname="Helvetica"];' in hi
    colours = {pic.LHS_COLOUR, pic.RHS_COLOUR, pic.OKABE_ITO["blue"]}
    assert colours <= set(pic.OKABE_ITO.values())
    assert "#d62728" not in hi
    assert "#2ca02c" not in hi


def test_legend_escapes_names():
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("a<b&c", "X", "Y")
    dot = pic.to_graphviz(LearningDiagram.from_graph(g), highlight=0)
    assert "left side: x ⋅ a&lt;b&amp;c" in dot


def test_model_and_comparator_labels():
    D = kd()
    dot = pic.to_graphviz(D, models={"s": "MLP 64-16-10"}, comparators=True)
    assert '[label="s\\nMLP 64-16-10", style=bold' in dot
    assert '"Y" [label="Y\\n(mse)"' in dot
    assert '"X" [label="X",' in dot
    with pytest.raises(LearningGraphError, match="edge\\(s\\) the diagram does not have: u"):
        pic.to_graphviz(D, models={"u": "?"})


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_png_is_readable_and_dpi_checked(tmp_path):
    import struct

    D = kd()
    png = write_picture(D, tmp_path / "d.png", highlight=0).read_bytes()
    width, height = struct.unpack(">II", png[16:24])   # the IHDR chunk
    assert width >= 800
    assert height >= 300
    small = write_picture(D, tmp_path / "s.png", dpi=72).read_bytes()
    assert struct.unpack(">I", small[16:20])[0] < width
    with pytest.raises(LearningGraphError, match="dpi must be an integer"):
        write_picture(D, tmp_path / "x.png", dpi=0)
    assert not (tmp_path / "x.png").exists()


def test_cli_draw_legend_switch(tmp_path):
    from catlearn.cli import main
    from catlearn.learning import dump_spec, to_spec

    spec = tmp_path / "kd.yaml"
    spec.write_text(dump_spec(to_spec(kd(), name="kd")))
    assert main(["draw", str(spec), "-o", str(tmp_path / "a.dot")]) == 0
    assert "legend [" in (tmp_path / "a.dot").read_text()
    assert main(["draw", str(spec), "-o", str(tmp_path / "b.dot"), "--no-legend"]) == 0
    assert "legend [" not in (tmp_path / "b.dot").read_text()
