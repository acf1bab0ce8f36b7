"""Pictures of graph-like ACSets: Graphviz DOT text, and SVG/PNG when ``dot`` is present.

A schema is graph-like when it has objects ``V``, ``E`` and homs ``src, tgt: E -> V``.
Vertices are labelled by a ``label``/``vlabel`` attribute when there is one, else by id;
edges likewise by ``elabel``/``label`` on ``E``.

>>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
>>> print(to_graphviz(g))
digraph SchGraph {
  rankdir=LR;
  graph [fontname="Helvetica"];
  node [fontname="Helvetica", shape=ellipse];
  edge [fontname="Helvetica"];
  v0 [label="0"];
  v1 [label="1"];
  v0 -> v1 [label="0"];
}
"""

from __future__ import annotations

import shutil
import subprocess

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.errors import SchemaError

__all__ = ["to_graphviz", "render", "render_svg", "dot_available", "quote", "FONT"]

#: The one font family of every label in a picture (ACSets and learning diagrams alike).
FONT = "Helvetica"


def quote(text: object) -> str:
    """A DOT string literal.

    >>> quote('a "b"')
    '"a \\\\"b\\\\""'
    """
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _label_attr(X: ACSet, ob: str, names: tuple[str, ...]) -> str | None:
    for a in names:
        if a in X.schema.attrs_out(ob):
            return a
    return None


def to_graphviz(X: ACSet, *, name: str | None = None, rankdir: str = "LR") -> str:
    """DOT text for a graph-like ACSet (raises ``SchemaError`` for other schemas)."""
    if not X.schema.is_graph_like():
        raise SchemaError(f"schema {X.name} is not graph-like (objects V, E and homs "
                          "src, tgt: E -> V), so it has no graph picture")
    vl = _label_attr(X, "V", ("vlabel", "label", "name"))
    el = _label_attr(X, "E", ("elabel", "label", "name"))
    font = quote(FONT)
    lines = [f"digraph {quote(name) if name else X.name} {{", f"  rankdir={rankdir};",
             f"  graph [fontname={font}];", f"  node [fontname={font}, shape=ellipse];",
             f"  edge [fontname={font}];"]
    for v in X.parts("V"):
        label = X.subpart(v, vl) if vl else v
        lines.append(f"  v{v} [label={quote(label)}];")
    src, tgt = X.subpart("src"), X.subpart("tgt")
    for e in X.parts("E"):
        s, t = int(src[e]), int(tgt[e])
        if s == UNSET or t == UNSET:
            continue
        label = X.subpart(e, el) if el else e
        lines.append(f"  v{s} -> v{t} [label={quote(label)}];")
    lines.append("}")
    return "\n".join(lines)


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def render(dot_text: str, fmt: str = "svg", *, dpi: int | None = None) -> bytes:
    """Run ``dot -T fmt`` on DOT text (``dpi``: the resolution of bitmap formats, ``-Gdpi``);
    raises ``RuntimeError`` naming the fix when ``dot`` is absent (install Debian's
    ``graphviz`` package) or fails."""
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("Graphviz's 'dot' program is not installed (apt-get install "
                           "graphviz); write the DOT text instead (to_graphviz)")
    args = [exe, f"-T{fmt}"] + ([f"-Gdpi={int(dpi)}"] if dpi is not None else [])
    proc = subprocess.run(args, input=dot_text.encode(), capture_output=True,
                          check=False, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def render_svg(dot_text: str) -> str | None:
    """SVG text for DOT text, or ``None`` when ``dot`` is absent (Jupyter then shows the
    plain-text ``repr``)."""
    if not dot_available():
        return None
    return render(dot_text, "svg").decode()
