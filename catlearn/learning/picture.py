"""Pictures of learning diagrams: Graphviz DOT (SVG/PNG when ``dot`` exists), plain text.

Sources are drawn as boxes, other spaces as ellipses; data edges dashed grey, fixed edges
solid black, learnable edges bold blue. With ``highlight=equation`` the two paths of that
equation are drawn in two colours (red for the left side, green for the right), as in
the paper's Figure 1.

>>> from catlearn.learning import LearningDiagram, LearningGraph
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> dot = to_graphviz(D, highlight=D.equations[0])
>>> '"N" [label="N", shape=box' in dot, 'color="#d62728"' in dot
(True, True)
>>> print(to_text(D))
N --x--> X   [data]
N --y--> Y   [data]
X --c--> Y   [learnable]
equation x ⋅ c = y   (in Y, mse, weight 1)
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import TYPE_CHECKING

from catlearn.acsets.graphviz import dot_available, quote, render
from catlearn.errors import LearningGraphError
from catlearn.learning.equation import Equation

if TYPE_CHECKING:
    from catlearn.learning.diagram import LearningDiagram

__all__ = ["to_graphviz", "to_text", "write_picture", "EDGE_STYLES"]

#: Graphviz attributes of each role.
EDGE_STYLES = {
    "data": 'style=dashed, color="#7f7f7f"',
    "fixed": 'style=solid, color="#000000"',
    "learnable": 'style=bold, color="#1f77b4", penwidth=2',
}
LHS_COLOUR, RHS_COLOUR = "#d62728", "#2ca02c"


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


def to_graphviz(diagram: LearningDiagram, highlight: Equation | str | int | None = None,
                name: str = "diagram") -> str:
    """DOT text of a diagram, optionally highlighting one equation (object, name or index)."""
    eq = _resolve(diagram, highlight)
    lhs = set(eq.lhs.names) if eq else set()
    rhs = set(eq.rhs.names) if eq else set()
    g = diagram.graph
    sources = set(g.sources())
    lines = [f"digraph {quote(name)} {{", "  rankdir=LR;",
             '  node [fontname="Helvetica"]; edge [fontname="Helvetica"];']
    if eq is not None:
        lines.append(f"  label={quote(eq.name)}; labelloc=t;")
    for v in g.vertex_names():
        shape = "box, style=filled, fillcolor=\"#eeeeee\"" if v in sources else "ellipse"
        lines.append(f"  {quote(v)} [label={quote(v)}, shape={shape}];")
    for n, s, t, r in g.edges():
        style = EDGE_STYLES[r]
        if n in lhs and n in rhs:
            style = f'color="{LHS_COLOUR}:{RHS_COLOUR}", penwidth=2'
        elif n in lhs:
            style = f'color="{LHS_COLOUR}", penwidth=3'
        elif n in rhs:
            style = f'color="{RHS_COLOUR}", penwidth=3'
        lines.append(f"  {quote(s)} -> {quote(t)} [label={quote(n)}, {style}];")
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
                  highlight: Equation | str | int | None = None) -> FilePath:
    """Write a picture by suffix: ``.dot`` (text), ``.svg``/``.png``/``.pdf`` (needs
    ``dot``; raises a clear error naming the fix when it is absent), ``.txt``."""
    p = FilePath(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt == "dot":
        p.write_text(to_graphviz(diagram, highlight))
    elif fmt == "txt":
        p.write_text(to_text(diagram) + "\n")
    elif fmt in ("svg", "png", "pdf"):
        if not dot_available():
            raise LearningGraphError(f"cannot write {p}: Graphviz's 'dot' is not installed "
                                     "(apt-get install graphviz); write a .dot or .txt file "
                                     "instead")
        p.write_bytes(render(to_graphviz(diagram, highlight), fmt))
    else:
        raise LearningGraphError(f"cannot write {p}: unknown picture format {fmt!r} (dot, "
                                 "svg, png, pdf or txt)")
    return p
