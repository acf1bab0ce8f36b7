"""A griffe extension: the library's reStructuredText-flavoured docstrings as Markdown.

The docstrings are written for ``help()`` and doctest: Sphinx roles (``:func:`~a.b```),
doctest examples (``>>>``), ``::`` literal blocks, RST simple tables and ``#:`` comments
on constants. mkdocstrings renders docstrings as Markdown, so this extension turns
doctest runs into ``pycon`` code blocks, ``::`` into ``:`` (the indented block after it
is already a Markdown code block), simple tables into Markdown tables and ``#:`` comments
into the constants' docstrings; and once a package is loaded, each role naming an object
of the documented packages into a cross-reference to the path where it is documented
(re-exports followed), which mkdocs-autorefs must resolve — so a broken reference fails
``mkdocs build --strict``. Roles naming other libraries (``torch.nn.Module``) stay code.
"""

from __future__ import annotations

import re
from pathlib import Path
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
    return ROLE.sub(_role, MARKDOWN_ONLY(text))


def MARKDOWN_ONLY(text: str) -> str:
    """Doctest runs, tables and ``::`` converted; roles left for cross-referencing."""
    return "\n".join(_blocks(text.splitlines()))


#: Packages whose objects the site documents: a role naming one becomes a cross-reference
#: that must resolve (an unresolved one fails ``mkdocs build --strict``).
DOCUMENTED = ("catlearn", "catlearn_torch")


def _qualify(obj: griffe.Object, target: str) -> str | None:
    """The full path a role's target names, seen from ``obj``; ``None`` when it is outside
    the documented packages (``torch.nn.Module``), which stays plain code."""
    head, _, rest = target.partition(".")
    if head in DOCUMENTED:
        return _canonical(obj, target)
    scope: griffe.Object | None = obj
    while scope is not None:
        try:
            full = scope.resolve(head)
        except (griffe.NameResolutionError, KeyError, AttributeError):
            scope = scope.parent
            continue
        full = f"{full}.{rest}" if rest else full
        return full if full.partition(".")[0] in DOCUMENTED else None
    return None


def _canonical(obj: griffe.Object, target: str) -> str:
    """Follow re-exports: ``catlearn_torch.CompiledDiagram.check`` is documented as
    ``catlearn_torch.compile.CompiledDiagram.check`` (unchanged if it cannot be followed)."""
    parts = target.split(".")
    try:
        node: Any = obj.modules_collection[parts[0]]
        for part in parts[1:]:
            node = node.members[part]
            if node.is_alias:
                node = node.final_target
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return target
    return str(node.path)


def _link_roles(obj: griffe.Object, text: str) -> str:
    def link(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        title = target.rsplit(".", 1)[-1] if match.group(1) else target
        full = _qualify(obj, target)
        return f"[`{title}`][{full}]" if full else f"`{title}`"

    return ROLE.sub(link, text)


def _comment_docstring(obj: griffe.Object) -> None:
    """Sphinx's ``#:`` comments above an attribute become its docstring."""
    if obj.lineno is None or not isinstance(obj.filepath, Path):
        return
    lines = obj.filepath.read_text().splitlines()
    found: list[str] = []
    i = obj.lineno - 2
    while i >= 0 and lines[i].strip().startswith("#:"):
        found.insert(0, lines[i].strip()[2:].strip())
        i -= 1
    if found:
        obj.docstring = griffe.Docstring(" ".join(found), lineno=i + 2, parent=obj)


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias:
            found += _walk(member)  # type: ignore[arg-type]
    return found


class RstToMarkdown(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` as griffe loads it; once a whole
    package is loaded, turn the roles naming the documented packages' objects into
    cross-references (mkdocs-autorefs resolves them, re-exports included)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None and obj.is_attribute:
            _comment_docstring(obj)
        if obj.docstring is not None:
            try:
                obj.docstring.value = MARKDOWN_ONLY(obj.docstring.value)
            except ValueError as err:
                raise ValueError(f"the docstring of {obj.path}: {err}") from None

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _link_roles(obj, obj.docstring.value)
