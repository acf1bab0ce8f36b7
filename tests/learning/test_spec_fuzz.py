"""Fuzzing the spec loader: any document gives a diagram or a SpecError, quickly.

Documents are valid specs mutated as text (tokens inserted, spans deleted or replaced,
lines repeated), valid specs with a value replaced by a random one, random YAML and JSON
values, and deep nestings. Only :class:`SpecError` may escape, and each document is read
within 2 s of CPU time, the slowest in about 0.5 s (a generous bound, not a benchmark).
The number of examples is ten times the profile's (2,000 in CI).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catlearn.learning import LearningDiagram, SpecError, diagram_from_text

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
BASES = [p.read_text() for p in EXAMPLES]
BASE_DATA = [yaml.safe_load(t) for t in BASES]

TOKENS = [
    "[", "]", "{", "}", ":", ": ", "- ", ",", "\n", "\t", "  ", "'", '"', "#", "&a ", "*a",
    "<<: *a", "!!timestamp x", "!!float x", "!!int x", "!!binary x", "!!set {a, b}",
    "!!omap [a: 1]", "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system",
    "!foo ", "? ", "|", ">", "---\n", "...\n", "%YAML 1.1\n", "\x00", "\ufeff", "null", "~",
    ".nan", ".inf", "-.inf", "1e999", "9" * 5000, "-1", "0", "yes", "no", "2001-12-14",
    "edges:", "spaces:", "max_length: 1000", "simple: true", "role: data", "role: fixed",
    "src: N", "tgt: N", "{name: g, src: Y, tgt: X, role: learnable}", "equations: []",
    "weights: {a: -1}", "data: {N: {dataset: digits}}", "version: 2", "[" * 300,
    "{a: " * 300,
]

#: CPU seconds per document: a bound on pathological blow-ups, not a benchmark (the slowest
#: documents take about 0.5 s; a loaded 2-core machine once measured one above 1 s)
CPU_BOUND_S = 2.0


def _mutate(text: str, ops: list[tuple[int, int, int, int]]) -> str:
    for kind, i, j, k in ops:
        n = len(text)
        a, b = sorted((i % (n + 1), j % (n + 1)))
        token = TOKENS[k % len(TOKENS)]
        if kind == 0:
            text = text[:a] + token + text[a:]
        elif kind == 1:
            text = text[:a] + text[b:]
        elif kind == 2:
            text = text[:a] + token + text[b:]
        else:
            lines = text.splitlines(keepends=True) or [""]
            line = lines[a % len(lines)]
            text = "".join(lines[:a % len(lines)]) + line * (1 + k % 50) + \
                "".join(lines[a % len(lines):])
    return text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.sampled_from(["edges", "spaces", "name", "src", "tgt", "role", "model", "args",
                         "data", "training", "equations", "lhs", "rhs", "weights",
                         "max_length", "simple", "policy", "version"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=30)


def _replace_somewhere(data: Any, path: list[int], value: Any) -> Any:
    """``data`` with the value reached by following ``path`` (indices modulo the sizes)
    replaced by ``value``."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    if isinstance(data, dict):
        key = list(data)[path[0] % len(data)]
        return {**data, key: _replace_somewhere(data[key], path[1:], value)}
    i = path[0] % len(data)
    return [*data[:i], _replace_somewhere(data[i], path[1:], value), *data[i + 1:]]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    how = draw(st.sampled_from(["text", "value", "random", "deep"]))
    fmt = draw(st.sampled_from(["yaml", "json"]))
    if how == "text":
        k = draw(st.integers(0, len(BASES) - 1))
        base = BASES[k] if fmt == "yaml" else json.dumps(BASE_DATA[k], indent=1)
        ops = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6),
                                      st.integers(0, 10**6), st.integers(0, 10**6)),
                            min_size=1, max_size=6))
        return _mutate(base, ops), fmt
    if how == "value":
        data = BASE_DATA[draw(st.integers(0, len(BASE_DATA) - 1))]
        path = draw(st.lists(st.integers(0, 50), max_size=5))
        data = _replace_somewhere(data, path, draw(json_values))
    elif how == "random":
        data = draw(json_values)
    else:
        depth = draw(st.integers(1, 6000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
        return "{\"edges\": " + opener * depth + "1" + closer * depth + "}", fmt
    if fmt == "json":
        return json.dumps(data, allow_nan=True), fmt
    return yaml.safe_dump(data, allow_unicode=True), fmt


@settings(max_examples=10 * settings.default.max_examples,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_any_document_gives_a_diagram_or_a_spec_error_quickly(doc):
    text, fmt = doc
    start = time.thread_time()
    try:
        D = diagram_from_text(text, fmt)
    except SpecError as err:
        assert str(err).startswith("<text>: ")  # noqa: PT017 (fuzzed text: either outcome)
    else:
        assert isinstance(D, LearningDiagram)
    assert time.thread_time() - start < CPU_BOUND_S


def test_the_fuzzer_reaches_both_outcomes():
    """The base documents load, so mutations start from valid specs (the fuzz test is not
    only exercising the parser's first error)."""
    for text in BASES:
        assert isinstance(diagram_from_text(text), LearningDiagram)
    for data in BASE_DATA:
        assert isinstance(diagram_from_text(json.dumps(data), "json"), LearningDiagram)
