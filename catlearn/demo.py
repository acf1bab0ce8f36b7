"""The demo behind ``catlearn demo``: the C-set engine at work on a small regime graph.

It builds the graph of a knowledge-distillation regime (a data set ``N`` with columns
``x: N -> X`` and ``y: N -> Y``, a teacher ``t`` and a student ``s``), a morphism that
embeds a supervised square into it, and writes the graph as JSON (ACSets.jl's layout) and
as a Graphviz picture.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     text = run_demo(out_dir=d, echo=False)
>>> "is monic: True" in text
True
"""

from __future__ import annotations

from pathlib import Path

from catlearn.acsets import (
    ACSet,
    ACSetTransformation,
    Schema,
    dot_available,
    render,
    to_graphviz,
    write_json_acset,
)

__all__ = ["regime_schema", "run_demo"]

#: A labelled graph schema with names on vertices and edges.
regime_schema = Schema(
    "SchNamedGraph", obs=("V", "E"), homs=(("src", "E", "V"), ("tgt", "E", "V")),
    attrtypes=("Name",), attrs=(("vlabel", "V", "Name"), ("elabel", "E", "Name")))


def _graph(vertices: list[str], edges: list[tuple[str, str, str]]) -> ACSet:
    g = ACSet(regime_schema, types={"Name": str})
    g.add_parts("V", len(vertices), vlabel=vertices)
    ids = {v: i for i, v in enumerate(vertices)}
    g.add_parts("E", len(edges), src=[ids[s] for _, s, _ in edges],
                tgt=[ids[t] for _, _, t in edges], elabel=[e for e, _, _ in edges])
    return g


def run_demo(out_dir: str | Path = "catlearn-demo", echo: bool = True) -> str:
    """Build the graphs and the morphism, write the files, return (and print) a report."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    distill = _graph(["N", "X", "Y"], [("x", "N", "X"), ("y", "N", "Y"), ("t", "X", "Y"),
                                       ("s", "X", "Y")])
    square = _graph(["N", "X", "Y"], [("x", "N", "X"), ("y", "N", "Y"), ("c", "X", "Y")])
    square.set_subpart(2, "elabel", "s")
    embed = ACSetTransformation(square, distill, V=[0, 1, 2], E=[0, 1, 3])
    lines = ["Knowledge distillation as a C-set:", repr(distill), "",
             "The supervised square x ⋅ s = y sits inside it:", repr(embed),
             f"is monic: {embed.is_monic()}, is epic: {embed.is_epic()}"]
    (out / "distillation.json").write_text(write_json_acset(distill))
    dot = to_graphviz(distill, name="distillation")
    (out / "distillation.dot").write_text(dot)
    written = ["distillation.json", "distillation.dot"]
    if dot_available():
        (out / "distillation.svg").write_bytes(render(dot, "svg"))
        written.append("distillation.svg")
    else:
        lines.append("(Graphviz 'dot' not found: wrote the DOT text only)")
    lines.append(f"wrote {', '.join(str(out / w) for w in written)}")
    text = "\n".join(lines)
    if echo:
        print(text)
    return text
