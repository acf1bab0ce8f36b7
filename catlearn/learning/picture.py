"""Pictures of learning diagrams: Graphviz DOT (SVG/PNG when ``dot`` exists), plain text.

Sources are drawn as boxes, other spaces as ellipses; data edges dashed grey, fixed edges
solid black, learnable edges bold blue. With ``highlight=equation`` the two paths of that
equation are drawn in two colours (vermillion for the left side, bluish green for the
right), as in the paper's Figure 1. The colours are from the Okabe–Ito palette (distinct
under the common colour-vision deficiencies), every label uses one font family
(:data:`FONT`), and a legend (``legend=True``, the default) explains the edge styles and
the highlight colours. ``models`` adds a model description under an edge's name and
``comparators=True`` each space's comparator under its name. PNG is rendered at
:data:`PNG_DPI` dots per inch.

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> dot = to_graphviz(D, highlight=D.equations[0])
>>> '"N" [label="N", shape=box' in dot, f'color="{LHS_COLOUR}"' in dot, "legend [" in dot
(True, True, True)
>>> "legend [" in to_graphviz(D, legend=False)
False
>>> print(to_text(D))
N --x--> X   [data]
N --y--> Y   [data]
X --c--> Y   [learnable]
equation x ⋅ c = y   (in Y, mse, weight 1)
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from catlearn.acsets.graphviz import FONT, dot_available, quote, render
from catlearn.errors import LearningGraphError
from catlearn.learning.equation import Equation

if TYPE_CHECKING:
    from catlearn.learning.diagram import LearningDiagram

__all__ = ["to_graphviz", "to_text", "write_picture", "EDGE_STYLES", "FONT", "OKABE_ITO",
           "LHS_COLOUR", "RHS_COLOUR", "PNG_DPI", "LEGEND_STROKES"]

#: Okabe–Ito colours (Okabe & Ito 2008), safe under the common colour-vision deficiencies.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
             "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
             "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "grey": "#7F7F7F"}
#: Graphviz attributes of each role.
EDGE_STYLES = {
    "data": f'style=dashed, color="{OKABE_ITO["grey"]}"',
    "fixed": f'style=solid, color="{OKABE_ITO["black"]}"',
    "learnable": f'style=bold, color="{OKABE_ITO["blue"]}", penwidth=2',
}
LHS_COLOUR, RHS_COLOUR = OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"]
#: Resolution of PNG pictures (Graphviz's default, 72, gives a picture too small to read).
PNG_DPI = 200


def _resolve(diagram: LearningDiagram, highlight: Equation | str | int | None
             ) -> Equation | None:
    if highlight is None or isinstance(highlight, Equation):
        return highlight
    if isinstance(highlight, int):
        if not 0 <= highlight < len(diagram.equations):
            raise LearningGraphError(f"no equation number {highlight} (the diagram has "
                                     f"{len(diagram.equations)})")
        return diagram.equations[highlight]
    return diagram.equation(highlight)


def _path_text(path: Any) -> str:
    return " ⋅ ".join(path.names) if path.names else str(path)


#: How the legend draws each style: a sample stroke (text), its colour, bold or not.
LEGEND_STROKES = {"data": ("- - - -", OKABE_ITO["grey"], False),
                  "fixed": ("———", OKABE_ITO["black"], False),
                  "learnable": ("━━━", OKABE_ITO["blue"], True)}


def _legend(eq: Equation | None) -> list[str]:
    """The legend: one compact box (an HTML-like label) with a sample stroke per role and,
    for a highlighted equation, per side."""
    rows = [(*LEGEND_STROKES[role], role) for role in ("data", "fixed", "learnable")]
    if eq is not None:
        rows += [("━━━", LHS_COLOUR, True, f"left side: {_path_text(eq.lhs)}"),
                 ("━━━", RHS_COLOUR, True, f"right side: {_path_text(eq.rhs)}")]
    cells = []
    for stroke, colour, bold, text in rows:
        sample = f'<font color="{colour}">{stroke}</font>'
        sample = f"<b>{sample}</b>" if bold else sample
        cells.append(f'<tr><td align="left">{sample}</td>'
                     f'<td align="left">{html.escape(text)}</td></tr>')
    table = ('<table border="1" color="#BBBBBB" cellborder="0" cellspacing="1" '
             'cellpadding="2" style="rounded">' + "".join(cells) + "</table>")
    return [f"  legend [shape=plaintext, fontsize=10, label=<{table}>];"]


def _edge_style(name: str, role: str, lhs: set[str], rhs: set[str]) -> str:
    if name in lhs and name in rhs:
        return f'color="{LHS_COLOUR}:{RHS_COLOUR}", penwidth=2'
    if name in lhs:
        return f'color="{LHS_COLOUR}", penwidth=3'
    if name in rhs:
        return f'color="{RHS_COLOUR}", penwidth=3'
    return EDGE_STYLES[role]


def to_graphviz(diagram: LearningDiagram, highlight: Equation | str | int | None = None,
                name: str = "diagram", *, legend: bool = True,
                models: Mapping[str, str] | None = None, comparators: bool = False) -> str:
    """DOT text of a diagram, optionally highlighting one equation (object, name or index);
    ``legend`` adds the legend, ``models`` (edge name -> text) a model description under
    edge names, ``comparators`` each space's comparator under its name."""
    eq = _resolve(diagram, highlight)
    lhs = set(eq.lhs.names) if eq else set()
    rhs = set(eq.rhs.names) if eq else set()
    g = diagram.graph
    models = dict(models or {})
    unknown = sorted(set(models) - set(g.edge_names()))
    if unknown:
        raise LearningGraphError(f"models given for edge(s) the diagram does not have: "
                                 f"{', '.join(unknown)}")
    sources = set(g.sources())
    compared = {e.target: " / ".join(dict.fromkeys(
        str(diagram.comparator_for(f)) for f in diagram.equations if f.target == e.target))
        for e in diagram.equations}
    font = quote(FONT)
    lines = [f"digraph {quote(name)} {{", "  rankdir=LR;",
             f"  graph [fontname={font}]; node [fontname={font}]; edge [fontname={font}];"]
    if eq is not None:
        lines.append(f"  label={quote(eq.name)}; labelloc=t;")
    for v in g.vertex_names():
        shape = "box, style=filled, fillcolor=\"#EEEEEE\"" if v in sources else "ellipse"
        text = v
        if comparators and v in compared:
            text = f"{v}\n({compared[v]})"
        lines.append(f"  {quote(v)} [label={quote(text)}, shape={shape}];")
    for n, s, t, r in g.edges():
        text = f"{n}\n{models[n]}" if n in models else n
        lines.append(f"  {quote(s)} -> {quote(t)} [label={quote(text)}, "
                     f"{_edge_style(n, r, lhs, rhs)}];")
    if legend:
        lines += _legend(eq)
    lines.append("}")
    return "\n".join(lines)


def to_text(diagram: LearningDiagram) -> str:
    """A plain-text rendering, for terminals and where ``dot`` is absent."""
    lines = [f"{s} --{n}--> {t}   [{r}]" for n, s, t, r in diagram.graph.edges()]
    for e in diagram.equations:
        extra = f", grad {e.grad}" if e.grad != "both" else ""
        lines.append(f"equation {e.name}   (in {e.target}, {diagram.comparator_for(e)}, "
                     f"weight {e.weight:g}{extra})")
    return "\n".join(lines)


def write_picture(diagram: LearningDiagram, path: str | FilePath,
                  highlight: Equation | str | int | None = None, *, legend: bool = True,
                  models: Mapping[str, str] | None = None, comparators: bool = False,
                  dpi: int = PNG_DPI) -> FilePath:
    """Write a picture by suffix: ``.dot`` (text), ``.svg``/``.png``/``.pdf`` (needs
    ``dot``; raises a clear error naming the fix when it is absent), ``.txt``. ``dpi``
    sets a PNG's resolution; the other arguments are :func:`to_graphviz`'s."""
    p = FilePath(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("dot", "txt", "svg", "png", "pdf"):
        raise LearningGraphError(f"cannot write {p}: unknown picture format {fmt!r} (dot, "
                                 "svg, png, pdf or txt)")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 2400:
        raise LearningGraphError(f"dpi must be an integer from 10 to 2400, not {dpi!r}")
    if fmt == "txt":
        p.write_text(to_text(diagram) + "\n")
        return p
    dot = to_graphviz(diagram, highlight, legend=legend, models=models,
                      comparators=comparators)
    if fmt == "dot":
        p.write_text(dot)
    elif not dot_available():
        raise LearningGraphError(f"cannot write {p}: Graphviz's 'dot' is not installed "
                                 "(apt-get install graphviz); write a .dot or .txt file "
                                 "instead")
    else:
        p.write_bytes(render(dot, fmt, dpi=dpi if fmt == "png" else None))
    return p
