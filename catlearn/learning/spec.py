"""Spec files: a learning diagram as data (JSON or YAML), validated by pydantic.

A spec lists the spaces (with optional shape, kind and comparator), the edges (name,
src, tgt, role, and for backends an optional model from a zoo with its arguments), the
path-finding policy or an explicit list of equations, and the weights. Unknown keys are
rejected; an invalid file raises :class:`SpecError` naming the field and the line; nothing
is built until the whole file is valid.

Three optional sections tell a backend how to *train* the diagram (``catlearn train``);
the core only checks them (names, not objects: it never imports a backend):

``data``
    ``{source: {dataset: NAME, split: SPLIT, args: {...}, columns: {edge: column}}}``:
    each data source's data set, by the name a backend registers (the torch backend:
    ``digits``, ``digits_tasks``, ``shapes_captions``; see ``catlearn_torch.specdata``).
    ``columns`` maps the source's data edges to the data set's columns (default: the
    edge's own name). Keys must be data sources of the graph.
``evaluate``
    The same shape as ``data``: held-out data per source, on which the trainer reports
    each equation's loss and, where it applies, accuracy or retrieval recall@1.
``training``
    Defaults for the trainer: ``epochs``, ``batch_size``, ``lr``, ``seed`` (command-line
    flags override them).

An edge may also say where its parameters start from: ``init: {checkpoint: PATH, edge:
NAME}`` loads edge ``NAME`` (default: the same name) of a checkpoint written by an
earlier run — e.g. a teacher trained by its own square, then frozen for distillation.
Comparator names may carry options, e.g. ``comparator: "kl(temperature=4)"``.

>>> text = '''
... spaces: [{name: Y, comparator: cross_entropy}]
... edges:
...   - {name: x, src: N, tgt: X, role: data}
...   - {name: y, src: N, tgt: Y, role: data}
...   - {name: c, src: X, tgt: Y, role: learnable}
... '''
>>> D = diagram_from_text(text, "yaml")
>>> [(e.name, D.comparator_for(e)) for e in D.equations]
[('x ⋅ c = y', 'cross_entropy')]
>>> diagram_from_text(text.replace("learnable", "learnt"), "yaml")
Traceback (most recent call last):
...
catlearn.learning.spec.SpecError: <text>: line 6: edges.2.role: Input should be 'data', ...
>>> spec = spec_from_text(text + "data: {N: {dataset: digits, split: train}}")
>>> spec.data["N"].dataset, spec.to_diagram().sources()
('digits', ('N',))
>>> diagram_from_text(text + "data: {M: {dataset: digits}}", "yaml")
Traceback (most recent call last):
...
catlearn.learning.spec.SpecError: <text>: line 7: data.M: 'M' is not a data source of the graph \
(sources: N)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from catlearn.errors import CatlearnError, PathFindingError
from catlearn.learning.diagram import LearningDiagram
from catlearn.learning.equation import Equation, path_text
from catlearn.learning.graph import LearningGraph

__all__ = [
    "SpecError",
    "SpaceSpec",
    "EdgeSpec",
    "EquationSpec",
    "DataSpec",
    "InitSpec",
    "TrainingSpec",
    "LearningDiagramSpec",
    "SPEC_VERSION",
    "load_spec",
    "load_diagram",
    "load_spec_and_diagram",
    "MAX_DEPTH",
    "MAX_VALUES",
    "MAX_BYTES",
    "diagram_from_text",
    "spec_from_text",
    "json_schema",
    "to_spec",
    "dump_spec",
]

#: The version of the spec format this library writes and reads.
SPEC_VERSION = 1


class SpecError(CatlearnError, ValueError):
    """An invalid spec file: the message names the file, the line and the field.

    ``field`` is the path of the field within the document (e.g. ``("edges", 2)``), when
    the error belongs to one.

    >>> SpecError("edges.2: no space", field=("edges", 2)).field
    ('edges', 2)
    """

    def __init__(self, message: str, field: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.field = field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SpaceSpec(_Strict):
    """A space: its name, and optional shape, kind and comparator."""

    name: str = Field(min_length=1)
    shape: list[int] | None = None
    kind: str | None = None
    comparator: str | None = None


class InitSpec(_Strict):
    """Initial parameters of an edge: edge ``edge`` (default: the same name) of the
    checkpoint file ``checkpoint`` (a path, relative to the working directory)."""

    checkpoint: str = Field(min_length=1)
    edge: str | None = None


class EdgeSpec(_Strict):
    """An edge ``name: src -> tgt`` with a role; ``model``/``args`` name a zoo model;
    ``init`` says where its parameters start from (:class:`InitSpec`)."""

    name: str = Field(min_length=1)
    src: str = Field(min_length=1)
    tgt: str = Field(min_length=1)
    role: Literal["data", "fixed", "learnable"]
    model: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    init: InitSpec | None = None


class DataSpec(_Strict):
    """A data source's data set, by name: ``dataset`` (registered by a backend), its
    ``split`` and ``args``, and ``columns`` mapping data edges to the data set's columns
    (default: the edge's name)."""

    dataset: str = Field(min_length=1)
    split: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    columns: dict[str, str] = Field(default_factory=dict)


class TrainingSpec(_Strict):
    """Trainer defaults (command-line flags override them)."""

    epochs: int | None = Field(default=None, ge=0)
    batch_size: int | None = Field(default=None, ge=1)
    lr: float | None = Field(default=None, gt=0)
    seed: int | None = Field(default=None, ge=0, lt=2**32)


class EquationSpec(_Strict):
    """An explicit equation: two paths as edge names (``"x ⋅ c"`` or a list)."""

    lhs: str | list[str]
    rhs: str | list[str]
    source: str | None = None
    weight: float = Field(default=1.0, ge=0)
    comparator: str | None = None
    grad: Literal["both", "lhs", "rhs"] = "both"
    name: str | None = None


class LearningDiagramSpec(_Strict):
    """The whole spec (see the module docstring); ``LearningDiagramSpec.model_json_schema()``
    is its JSON Schema."""

    version: Literal[1] = 1
    name: str | None = None
    spaces: list[SpaceSpec] = Field(default_factory=list)
    edges: list[EdgeSpec]
    policy: Literal["all_pairs", "against_data"] = "all_pairs"
    max_length: int | None = Field(default=None, ge=0)
    simple: bool | None = None
    max_paths: int = Field(default=10_000, ge=1)
    max_equations: int = Field(default=10_000, ge=1)
    equations: list[EquationSpec] | None = None
    weights: dict[str, float] = Field(default_factory=dict)
    data: dict[str, DataSpec] = Field(default_factory=dict)
    evaluate: dict[str, DataSpec] = Field(default_factory=dict)
    training: TrainingSpec | None = None

    def to_diagram(self) -> LearningDiagram:
        """Build the diagram (graph, equations, comparators, weights); the ``data`` and
        ``evaluate`` sections are checked against the graph (sources and data edges)."""
        g = LearningGraph()
        for i, s in enumerate(self.spaces):
            with _at("spaces", i):
                g.space(s.name)
        for i, e in enumerate(self.edges):
            with _at("edges", i):
                g.add_edge(e.name, e.src, e.tgt, e.role)
        self._check_data(g)
        comparators = {s.name: s.comparator for s in self.spaces if s.comparator}
        if self.equations is None:
            try:
                D = LearningDiagram.from_graph(
                    g, policy=self.policy, max_length=self.max_length, simple=self.simple,
                    max_paths=self.max_paths, max_equations=self.max_equations,
                    comparators=comparators)
            except PathFindingError as err:  # say it with the spec's keys
                raise err.reworded("spec") from None
        else:
            D0 = LearningDiagram(g, [], comparators)
            eqs = []
            for i, q in enumerate(self.equations):
                with _at("equations", i):
                    lhs = D0.path(q.lhs, source=q.source)
                    rhs = D0.path(q.rhs, source=lhs.src if len(lhs) else q.source)
                    eqs.append(Equation(lhs, rhs, weight=q.weight, comparator=q.comparator,
                                        grad=q.grad, name=q.name or ""))
            with _at("equations"):
                D = LearningDiagram(g, eqs, comparators)
        if not self.weights:
            return D
        with _at("weights"):
            return D.reweighted(self.weights)

    def models(self) -> dict[str, EdgeSpec]:
        """The edges that name a zoo model, by edge name."""
        return {e.name: e for e in self.edges if e.model is not None}

    def _check_data(self, g: LearningGraph) -> None:
        sources = g.sources()
        columns = {s: [n for n, src, _, r in g.edges() if r == "data" and src == s]
                   for s in sources}
        for section, entries in (("data", self.data), ("evaluate", self.evaluate)):
            for source, d in entries.items():
                if source not in sources:
                    raise SpecError(f"{section}.{source}: {source!r} is not a data source "
                                    f"of the graph (sources: {', '.join(sources) or 'none'})",
                                    field=(section, source))
                for edge in d.columns:
                    if edge not in columns[source]:
                        raise SpecError(
                            f"{section}.{source}.columns: {edge!r} is not a data edge of "
                            f"{source} (its data edges: {', '.join(columns[source])})",
                            field=(section, source, "columns", edge))


@contextmanager
def _at(*field: str | int) -> Iterator[None]:
    """Re-raise a ``ValueError``/``TypeError`` of the block as a :class:`SpecError` of the
    spec's ``field`` (its line is added by the loaders)."""
    try:
        yield
    except SpecError:
        raise
    except (ValueError, TypeError) as err:
        name = ".".join(str(k) for k in field)
        raise SpecError(f"{name}: {err}", field=field) from None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of spec files.

    >>> json_schema()["title"]
    'LearningDiagramSpec'
    """
    return LearningDiagramSpec.model_json_schema()


# ---------------------------------------------------------------- reading
#: Limits that keep any document quick to read: the deepest nesting of lists and
#: mappings, the number of values once aliases are expanded, the size of a file.
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_BYTES = 1_000_000


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that keeps node positions, refuses nesting deeper than
    :data:`MAX_DEPTH` and duplicate keys, and reports a scalar its tag cannot read (``!!int
    x``, ``!!timestamp x``) as a YAML error at its position. Tags that would build Python
    objects (``!!python/...``) are unknown to it: it never runs code."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"lists and mappings are nested more than {MAX_DEPTH} deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, ArithmeticError, LookupError):
            value = node.value if isinstance(node, yaml.ScalarNode) else "..."
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {_short(value)} as {node.tag}", node.start_mark
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"the key {_short(key.value)} is given twice",
                            key.start_mark)
                    seen.add(key.value)
        return super().construct_mapping(node, deep)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 5] + "...'"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node) -> None:
    """Refuse a document whose aliases make it cyclic, deeper than :data:`MAX_DEPTH` or
    larger than :data:`MAX_VALUES` values once expanded (iterative: O(nodes))."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        k = id(node)
        if done:
            kids = _children(node)
            size[k] = 1 + sum(size[id(c)] for c in kids)
            depth[k] = 1 + max((depth[id(c)] for c in kids), default=0)
            open_.discard(k)
            why = (f"it holds more than {MAX_VALUES} values once its aliases are expanded"
                   if size[k] > MAX_VALUES else
                   f"lists and mappings are nested more than {MAX_DEPTH} deep once its "
                   f"aliases are expanded" if depth[k] > MAX_DEPTH else None)
            if why is not None:
                raise yaml.composer.ComposerError(None, None, why, node.start_mark)
            continue
        if k in size:
            continue
        if k in open_:
            raise yaml.composer.ComposerError(None, None, "an alias refers to a list or "
                                              "mapping that contains it", node.start_mark)
        open_.add(k)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


def _measure_json(data: Any, where: str) -> None:
    count = 0
    stack = [(data, 1)]
    while stack:
        value, d = stack.pop()
        count += 1
        if d > MAX_DEPTH or count > MAX_VALUES:
            why = (f"lists and objects are nested more than {MAX_DEPTH} deep"
                   if d > MAX_DEPTH else f"it holds more than {MAX_VALUES} values")
            raise SpecError(f"{where}: not a usable spec: {why}")
        if isinstance(value, dict):
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, d + 1) for v in value)


def _snippet(text: str, line: int, column: int) -> str:
    """The line ``line`` (0-based) of ``text`` with a caret under ``column``."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return ""
    shown = lines[line].expandtabs(1)
    start = max(0, column - 60)
    return f"\n    {shown[start:start + 100]}\n    {' ' * (column - start)}^"


def _at_mark(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_message(err: yaml.YAMLError, text: str, where: str) -> str:
    """A YAML error on a few lines: where, what, the line with a caret, the context."""
    if isinstance(err, yaml.reader.ReaderError):
        return f"{where}: not valid YAML: {err.reason} (character {err.position + 1})"
    if not isinstance(err, yaml.MarkedYAMLError):
        return f"{where}: not valid YAML: {' '.join(str(err).split())}"
    mark = err.problem_mark or err.context_mark
    what = err.problem or err.context or "invalid YAML"
    head = f"{where}: {_at_mark(mark)}: " if mark is not None else f"{where}: "
    out = f"{head}not valid YAML: {what}"
    if "could not determine a constructor" in what:
        out += " (spec files hold plain values: no tag may build an object)"
    if mark is not None:
        out += _snippet(text, mark.line, mark.column)
    if err.problem and err.context:
        ctx = err.context_mark
        out += f"\n  ({err.context}" + (f" at {_at_mark(ctx)})" if ctx is not None else ")")
        if ctx is not None and (mark is None or ctx.line != mark.line):
            out += _snippet(text, ctx.line, ctx.column)
    return out.replace("tag:yaml.org,2002:", "!!")


def _load_yaml(text: str, where: str) -> tuple[Any, yaml.Node | None]:
    try:
        loader = _LineLoader(text)  # the reader checks the characters here
    except yaml.YAMLError as err:
        raise SpecError(_yaml_message(err, text, where)) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _measure(root)
        return loader.construct_document(root), root
    except yaml.YAMLError as err:
        raise SpecError(_yaml_message(err, text, where)) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise SpecError(f"{where}: not a usable spec: nested too deeply") from None
    finally:
        loader.dispose()


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {_short(k)} is given twice")
        out[k] = v
    return out


def _load_json(text: str, where: str) -> tuple[Any, yaml.Node | None]:
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise SpecError(f"{where}: line {err.lineno}, column {err.colno}: not valid JSON: "
                        f"{err.msg}{_snippet(text, err.lineno - 1, err.colno - 1)}") from None
    except RecursionError:
        raise SpecError(f"{where}: not a usable spec: lists and objects are nested more "
                        f"than {MAX_DEPTH} deep") from None
    except ValueError as err:  # a duplicate key, or an integer too long to read
        raise SpecError(f"{where}: not valid JSON: {err}") from None
    _measure_json(data, where)
    try:  # JSON is (nearly) YAML: its nodes give the lines of fields, where they parse
        loader = _LineLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        root = None
    return data, root


def _parse(text: str, fmt: str, where: str) -> tuple[Any, yaml.Node | None]:
    if fmt not in ("json", "yaml"):
        raise SpecError(f"{where}: unknown spec format {fmt!r} (json or yaml)")
    return _load_json(text, where) if fmt == "json" else _load_yaml(text, where)


_KINDS = {dict: "a mapping", list: "a list", str: "a string", int: "a number",
          float: "a number", bool: "true or false", type(None): "null"}


def _validate(text: str, fmt: str, where: str
              ) -> tuple[LearningDiagramSpec, yaml.Node | None]:
    data, root = _parse(text, fmt, where)
    if data is None and root is None:
        raise SpecError(f"{where}: the spec is empty; a spec is a mapping with at least "
                        f"'edges' (a list of {{name, src, tgt, role}})")
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), type(data).__name__)
        at = f"line {root.start_mark.line + 1}: " if root is not None else ""
        raise SpecError(f"{where}: {at}a spec is a mapping with keys such as 'edges', not "
                        f"{kind}")
    try:
        return LearningDiagramSpec.model_validate(data), root
    except ValidationError as err:
        raise SpecError(_validation_message(err, root, where)) from None
    except RecursionError:  # pragma: no cover - the limits above stop it first
        raise SpecError(f"{where}: not a usable spec: nested too deeply") from None


def _validation_message(err: ValidationError, root: yaml.Node | None, where: str) -> str:
    """The first problem on the first line, up to four more below it."""
    problems = err.errors()
    lines = []
    for problem in problems[:5]:
        loc = tuple(problem["loc"])
        line = _node_line(root, loc)
        field = ".".join(str(k) for k in loc) or "(top level)"
        got = problem.get("input")
        shown = "" if isinstance(got, (dict, list)) or problem["type"] == "missing" \
            else f" (got {_short(got)})"
        at = f"line {line}: " if line is not None else ""
        lines.append(f"{at}{field}: {problem['msg']}{shown}")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    rest = "".join(f"\n  {text}" for text in lines[1:])
    tail = f"\n  ... and {len(problems) - 5} more" if len(problems) > 5 else ""
    return f"{where}: {lines[0]}{more}{rest}{tail}"


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    nxt = v
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _build(spec: LearningDiagramSpec, root: yaml.Node | None, where: str
           ) -> LearningDiagram:
    try:
        return spec.to_diagram()
    except SpecError as err:
        line = _node_line(root, err.field) if err.field else None
        at = f"line {line}: " if line is not None else ""
        raise SpecError(f"{where}: {at}{err}", field=err.field) from None
    except (ValueError, TypeError) as err:
        raise SpecError(f"{where}: {err}") from None
    except RecursionError:  # pragma: no cover - the limits keep graphs small enough
        raise SpecError(f"{where}: the graph is too large to search for paths") from None


def spec_from_text(text: str, fmt: str = "yaml", where: str = "<text>"
                   ) -> LearningDiagramSpec:
    """Validate spec text (``json`` or ``yaml``) into a :class:`LearningDiagramSpec`.

    >>> spec_from_text("")
    Traceback (most recent call last):
    ...
    catlearn.learning.spec.SpecError: <text>: the spec is empty; a spec is a mapping ...
    >>> spec_from_text("edges: [{name: x, src: N, tgt: X, role: data}]").edges[0].name
    'x'
    """
    return _validate(text, fmt, where)[0]


def diagram_from_text(text: str, fmt: str = "yaml", where: str = "<text>"
                      ) -> LearningDiagram:
    """Validate spec text and build its diagram; errors name the field (and line)."""
    spec, root = _validate(text, fmt, where)
    return _build(spec, root, where)


def _fmt_of(path: FilePath) -> str:
    return "json" if path.suffix.lower() == ".json" else "yaml"


def _read(p: FilePath) -> str:
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise SpecError(f"{p}: cannot read the spec file: {err.strerror or err}") from None
    if len(raw) > MAX_BYTES:
        raise SpecError(f"{p}: the spec file is larger than {MAX_BYTES // 1_000_000} MB; "
                        f"is it really a spec?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SpecError(f"{p}: the spec file is not UTF-8 text (byte {raw[err.start]:#04x} "
                        f"at offset {err.start})") from None


def _load(path: str | FilePath) -> tuple[LearningDiagramSpec, yaml.Node | None, str]:
    p = FilePath(path)
    spec, root = _validate(_read(p), _fmt_of(p), str(p))
    return spec, root, str(p)


def load_spec(path: str | FilePath) -> LearningDiagramSpec:
    """Read and validate a spec file (JSON by ``.json`` suffix, YAML otherwise)."""
    return _load(path)[0]


def load_spec_and_diagram(path: str | FilePath
                          ) -> tuple[LearningDiagramSpec, LearningDiagram]:
    """Read a spec file once: its validated spec and its diagram, with errors naming the
    file, the line and the field.

    >>> load_spec_and_diagram("/no/such/spec.yaml")
    Traceback (most recent call last):
    ...
    catlearn.learning.spec.SpecError: /no/such/spec.yaml: cannot read the spec file: ...
    """
    spec, root, where = _load(path)
    return spec, _build(spec, root, where)


def load_diagram(path: str | FilePath) -> LearningDiagram:
    """Read a spec file and build its learning diagram.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = os.path.join(d, "square.json")
    ...     _ = open(f, "w").write('{"edges": [{"name": "x", "src": "N", "tgt": "X", '
    ...         '"role": "data"}, {"name": "y", "src": "N", "tgt": "Y", "role": "data"}, '
    ...         '{"name": "c", "src": "X", "tgt": "Y", "role": "learnable"}]}')
    ...     load_diagram(f).equations
    (Equation(N ⋅ x ⋅ c = N ⋅ y),)
    """
    return load_spec_and_diagram(path)[1]


def to_spec(diagram: LearningDiagram, name: str | None = None,
            explicit_equations: bool = True) -> LearningDiagramSpec:
    """The spec of a diagram (equations written out explicitly, so it round-trips)."""
    g = diagram.graph
    spaces = [SpaceSpec(name=v, comparator=diagram.comparators.get(v))
              for v in g.vertex_names()]
    edges = [EdgeSpec(name=n, src=s, tgt=t, role=r) for n, s, t, r in g.edges()]  # type: ignore[arg-type]
    eqs = None
    if explicit_equations:
        eqs = [EquationSpec(lhs=path_text(e.lhs) if len(e.lhs) else [],
                            rhs=path_text(e.rhs) if len(e.rhs) else [],
                            source=e.source, weight=e.weight, comparator=e.comparator,
                            grad=e.grad,  # type: ignore[arg-type]
                            name=e.name if e.name != e._default_name() else None)
               for e in diagram.equations]
    return LearningDiagramSpec(name=name, spaces=spaces, edges=edges, equations=eqs)


def dump_spec(spec: LearningDiagramSpec, fmt: str = "yaml") -> str:
    """Spec text in ``yaml`` or ``json`` (defaults left out)."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"version": SPEC_VERSION, **data}
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

