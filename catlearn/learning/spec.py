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
catlearn.learning.spec.SpecError: <text>: data.M: 'M' is not a data source of the graph (sources: N)
"""

from __future__ import annotations

import json
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
    "diagram_from_text",
    "spec_from_text",
    "json_schema",
    "to_spec",
    "dump_spec",
]

#: The version of the spec format this library writes and reads.
SPEC_VERSION = 1


class SpecError(CatlearnError, ValueError):
    """An invalid spec file: the message names the file, the line and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    seed: int | None = Field(default=None, ge=0)


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
        for s in self.spaces:
            g.space(s.name)
        for e in self.edges:
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
            for q in self.equations:
                lhs = D0.path(q.lhs, source=q.source)
                rhs = D0.path(q.rhs, source=lhs.src if len(lhs) else q.source)
                eqs.append(Equation(lhs, rhs, weight=q.weight, comparator=q.comparator,
                                    grad=q.grad, name=q.name or ""))
            D = LearningDiagram(g, eqs, comparators)
        return D.reweighted(self.weights) if self.weights else D

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
                    raise ValueError(f"{section}.{source}: {source!r} is not a data source "
                                     f"of the graph (sources: {', '.join(sources) or 'none'})")
                for edge in d.columns:
                    if edge not in columns[source]:
                        raise ValueError(
                            f"{section}.{source}.columns: {edge!r} is not a data edge of "
                            f"{source} (its data edges: {', '.join(columns[source])})")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of spec files.

    >>> json_schema()["title"]
    'LearningDiagramSpec'
    """
    return LearningDiagramSpec.model_json_schema()


# ---------------------------------------------------------------- reading
class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader (JSON is read by it too) that keeps node positions."""


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(key):
                    nxt = v
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _parse(text: str, fmt: str, where: str) -> tuple[Any, yaml.Node | None]:
    if fmt not in ("json", "yaml"):
        raise SpecError(f"{where}: unknown spec format {fmt!r} (json or yaml)")
    try:
        if fmt == "json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader)
        root = yaml.compose(text, Loader=_LineLoader)
    except json.JSONDecodeError as err:
        raise SpecError(f"{where}: line {err.lineno}: not valid JSON: {err.msg}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f"line {mark.line + 1}: " if mark is not None else ""
        why = " ".join(str(err).split())  # one paragraph
        raise SpecError(f"{where}: {at}not valid YAML: {why}") from None
    return data, root


def spec_from_text(text: str, fmt: str = "yaml", where: str = "<text>"
                   ) -> LearningDiagramSpec:
    """Validate spec text (``json`` or ``yaml``) into a :class:`LearningDiagramSpec`."""
    data, root = _parse(text, fmt, where)
    if not isinstance(data, dict):
        raise SpecError(f"{where}: a spec is a mapping with keys such as 'edges', not "
                        f"{type(data).__name__}")
    try:
        return LearningDiagramSpec.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        line = _node_line(root, loc)
        field = ".".join(str(k) for k in loc) or "(top level)"
        got = first.get("input")
        shown = "" if isinstance(got, (dict, list)) or first["type"] == "missing" \
            else f" (got {got!r})"
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        at = f"line {line}: " if line is not None else ""
        raise SpecError(f"{where}: {at}{field}: {first['msg']}{shown}{more}") from None


def diagram_from_text(text: str, fmt: str = "yaml", where: str = "<text>"
                      ) -> LearningDiagram:
    """Validate spec text and build its diagram; errors name the field (and line)."""
    spec = spec_from_text(text, fmt, where)
    try:
        return spec.to_diagram()
    except (ValueError, TypeError) as err:
        raise SpecError(f"{where}: {err}") from None


def _fmt_of(path: FilePath) -> str:
    return "json" if path.suffix.lower() == ".json" else "yaml"


def load_spec(path: str | FilePath) -> LearningDiagramSpec:
    """Read and validate a spec file (JSON by ``.json`` suffix, YAML otherwise)."""
    p = FilePath(path)
    try:
        text = p.read_text()
    except OSError as err:
        raise SpecError(f"{p}: cannot read the spec file: {err.strerror}") from None
    return spec_from_text(text, _fmt_of(p), str(p))


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
    p = FilePath(path)
    spec = load_spec(p)
    try:
        return spec.to_diagram()
    except (ValueError, TypeError) as err:
        raise SpecError(f"{p}: {err}") from None


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

