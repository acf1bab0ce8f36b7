"""A griffe extension: the library's reStructuredText-flavoured docstrings as Markdown.

The docstrings are written for ``help()`` and doctest: Sphinx roles (``:func:`~a.b```),
doctest examples (``>>>``), ``::`` literal blocks and RST simple tables. mkdocstrings
renders docstrings as Markdown, so before it parses them this extension turns roles into
code spans, doctest runs into ``pycon`` code blocks, ``::`` into ``:`` (the indented block
after it is already a Markdown code block) and simple tables into preformatted text.
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
            out.append("```text")
            rules = 0
            while i < len(lines) and rules < 3:
                rules += bool(TABLE_RULE.match(lines[i]))
                out.append(lines[i])
                i += 1
            out.append("```")
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
    return "\n".join(_blocks(ROLE.sub(_role, text).splitlines()))


class RstToMarkdown(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` as griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
