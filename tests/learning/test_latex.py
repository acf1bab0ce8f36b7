"""The formal loss prints whole names in LaTeX (comparators and maps with underscores),
and stays an ordinary sympy expression (equal names, equal functions)."""

import sympy

from catlearn.learning import LearningDiagram, LearningGraph


def kd() -> LearningDiagram:
    g = LearningGraph().data("x", "N", "X").data("y", "N", "Y_1")
    g = g.fixed("big_teacher", "X", "Y_1").model("s", "X", "Y_1")
    return LearningDiagram.from_graph(g, comparators={"Y_1": "cross_entropy"})


def test_latex_keeps_names_whole():
    tex = sympy.latex(kd().loss_expr())
    assert r"\operatorname{cross\_entropy}_{\mathrm{Y\_1}}" in tex
    assert r"\operatorname{big\_teacher}\left(" in tex
    assert "entropy Y" not in tex
    assert r"\operatorname{cross}" not in tex


def test_formal_loss_is_still_sympy():
    a, b = kd().loss_expr(), kd().loss_expr()
    assert a == b
    assert hash(a) == hash(b)
    assert str(a) == ("cross_entropy_Y_1(s(x(N)), big_teacher(x(N))) + "
                      "cross_entropy_Y_1(s(x(N)), y(N))")
    assert a.has(sympy.Symbol("N"))
