"""A griffe extension: the library's reStructuredText-flavoured docstrings as Markdown.

The docstrings are written for ``help()`` and doctest: Sphinx roles (``:func:`~a.b```),
doctest examples (``>>>``), ``::`` literal blocks and RST simple tables. mkdocstrings
renders docstrings as Markdown, so before it parses them this extension turns roles into
code spans, doctest runs into ``pycon`` code blocks, ``::`` into ``:`` (the indented block
after it is already a Markdown code block) and simple tables into Markdown tables.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const):`(~?)([^`]+)`")
TABLE_RULE = re.compile(r"^=+( +=+)+$")


def _role(match: re.Match[str]) -> str:
    target = match.group(2).strip()
    if match.group(1):
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _cells(line: str, starts: list[int]) -> list[str]:
    bounds = [*starts[1:], max(len(line), starts[-1]) + 1]
    return [line[a:b].strip() for a, b in zip(starts, bounds, strict=True)]


def _table(lines: list[str]) -> list[str]:
    """An RST simple table (``====`` rules: top, under the header if there is one, bottom)
    as a Markdown table; a row whose first cell is empty continues the row above."""
    starts = [m.start() for m in re.finditer("=+", lines[0])]
    rules = [i for i, line in enumerate(lines) if TABLE_RULE.match(line)]
    rows: list[list[str]] = []
    for i, line in enumerate(lines):
        if i in rules or not line.strip():
            continue
        if any(len(line) > st and line[st - 1] != " " for st in starts[1:]):
            raise ValueError(f"a table row overflows its column: {line.strip()!r}")
        cells = _cells(line, starts)
        if rows and not cells[0]:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    header = rows.pop(0) if len(rules) == 3 else [" "] * len(starts)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(starts)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(">>>"):
            out.append("```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append("```")
            continue
        if TABLE_RULE.match(line):
            start, rules = i, 1
            i += 1
            # the bottom rule: the third, or the second when a blank line (or the end)
            # follows it (a table without a header)
            while i < len(lines):
                if TABLE_RULE.match(lines[i]):
                    rules += 1
                    if rules == 3 or i + 1 == len(lines) or not lines[i + 1].strip():
                        break
                i += 1
            i += 1
            out += ["", *_table(lines[start:i]), ""]
            continue
        if line.endswith("::") and not line.lstrip().startswith(">>>"):
            line = line[:-1] if line.strip() != "::" else ""
        out.append(line)
        i += 1
    return out


def to_markdown(text: str) -> str:
    r"""The Markdown form of a docstring (see the module docstring).

    >>> to_markdown("See :func:`~a.b.glue` and :mod:`catlearn`::\n\n    code").splitlines()
    ['See `glue` and `catlearn`:', '', '    code']
    >>> to_markdown("Example:\n\n" + chr(62) * 3 + " 1 + 1\n2").splitlines()[2::2]
    ['```pycon', '2']
    """
    return ROLE.sub(_role, "\n".join(_blocks(text.splitlines())))


class RstToMarkdown(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` as griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            try:
                obj.docstring.value = to_markdown(obj.docstring.value)
            except ValueError as err:
                raise ValueError(f"the docstring of {obj.path}: {err}") from None
