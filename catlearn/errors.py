"""Error classes and message templates of catlearn, kept in one module.

Every error the library raises names what is wrong: the schema, object, part, hom,
attribute, edge or path. The classes subclass :class:`ValueError` or :class:`TypeError`
so callers that catch the builtin kinds keep working.

>>> err = SchemaError(UNKNOWN_OB.format(schema="SchGraph", ob="W"))
>>> str(err)
"schema SchGraph has no object 'W'"
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations


class CatlearnError(Exception):
    """Base class of every error raised on purpose by catlearn."""


class SchemaError(CatlearnError, ValueError):
    """A schema is ill-formed, or a name is not in a schema."""


class ACSetError(CatlearnError, ValueError):
    """A write to an ACSet would break it (a hom out of range, an equation, a part id)."""


class AttributeTypeError(CatlearnError, TypeError):
    """An attribute value does not have the Python type bound to its attribute type."""


class NaturalityError(CatlearnError, ValueError):
    """A family of functions is not a natural transformation (an ACSet morphism)."""


class CompositionError(CatlearnError, ValueError):
    """Two morphisms do not compose: the codomain of one is not the domain of the other."""


class LearningGraphError(CatlearnError, ValueError):
    """A learning graph or diagram is ill-formed (a name, a role, an end, an equation)."""


UNKNOWN_OB = "schema {schema} has no object {ob!r}"
UNKNOWN_HOM = "schema {schema} has no hom {hom!r}"
UNKNOWN_ATTRTYPE = "schema {schema} has no attribute type {attrtype!r}"
UNKNOWN_NAME = "schema {schema} has no hom or attribute {name!r}"
UNKNOWN_OB_OR_TYPE = "schema {schema} has no object or attribute type {ob!r}"
DUPLICATE_NAME = "schema {schema}: the name {name!r} is used twice"
BAD_ARROW_END = (
    "schema {schema}: {kind} {name!r} has {end} {target!r}, "
    "which is not {expected}")
BAD_EQUATION = "schema {schema}: equation {name} is not well formed: {why}"
BAD_PART = "{schema}: {ob} has no part {part} (it has {n} parts, ids 0..{last})"
HOM_OUT_OF_RANGE = (
    "{schema}: hom {hom}: {dom} -> {codom}, part {part} of {dom}: value "
    "{value} is not a part of {codom} ({n} parts)")
COLUMN_LENGTH = "{schema}: column {name} for {ob} has length {got}, expected {n}"
BAD_HOM_VALUE = (
    "{schema}: hom {hom}, part {part} of {dom}: value {value!r} is not an "
    "integer part id")
ATTR_TYPE = (
    "{schema}: attribute {attr}: {dom} -> {attrtype}, part {part} of {dom}: "
    "value {value!r} has type {got}, expected {expected}")
EQUATION_BROKEN = (
    "{schema}: writing {name}({part}) = {value} breaks the equation "
    "{equation} at part {at} of {dom}: {lhs} != {rhs}")
EQUATION_FAILS = (
    "{schema}: equation {equation} fails at part {at} of {dom}: "
    "{lhs} != {rhs}")
BAD_VAR = (
    "{schema}: attribute type {attrtype} has no variable {var} "
    "({n} variables)")
NEGATIVE_COUNT = "{schema}: cannot add {n} parts to {ob}: the count must be >= 0"
COMPONENT_MISSING = "morphism {dom} -> {codom}: no component for object {ob}"
COMPONENT_UNKNOWN = (
    "morphism {dom} -> {codom}: {ob!r} is not an object of schema "
    "{schema}")
COMPONENT_LENGTH = (
    "morphism {dom} -> {codom}: component {ob} has length {got}, "
    "expected {n} (the parts of {ob} in the domain)")
COMPONENT_RANGE = (
    "morphism {dom} -> {codom}: component {ob} sends part {part} to "
    "{value}, which is not a part of {ob} in the codomain ({n} parts)")
NOT_NATURAL = (
    "morphism {dom} -> {codom} is not natural: hom {hom}: {src} -> {tgt} at "
    "part {part} of {src}: {via_hom} != {via_component}")
ATTR_NOT_PRESERVED = (
    "morphism {dom} -> {codom} does not preserve attribute {attr} at "
    "part {part} of {ob}: {value!r} != {image!r}")
SCHEMA_MISMATCH = "{what}: schemas differ ({left} vs {right})"
BAD_ROLE = "edge {edge!r}: role {role!r} is not one of {roles}"
BAD_NAME = (
    "a {kind} name must be a non-empty string without surrounding spaces or "
    "the path separator '⋅', not {name!r}")
NO_SPACE = "no space is called {name!r} (spaces: {known})"
NO_EDGE = "no edge is called {name!r} (edges: {known})"
EDGE_CONFLICT = "edge {name!r} already goes {old}; it cannot also go {new}"
DATA_NOT_FROM_SOURCE = (
    "data edge {name!r} must leave a data source, but {src!r} is "
    "not one: {why}")
MAP_FROM_SOURCE = (
    "edge {name!r} ({role}) cannot leave {src!r}: it is a data source, "
    "whose outgoing edges are data columns")
INTO_SOURCE = (
    "edge {name!r} cannot go into {tgt!r}: it is a data source (an index "
    "set), which no map reaches")
NOT_PARALLEL = (
    "equation {lhs!r} = {rhs!r}: the paths are not parallel ({lsrc} -> "
    "{ltgt} vs {rsrc} -> {rtgt}); both must start at one data source and end in one space")
BAD_WEIGHT = "equation {equation}: weight {weight!r} must be a finite number >= 0"
BAD_GRAD = "equation {equation}: grad {grad!r} is not one of {sides}"
NOT_A_SOURCE = (
    "equation {equation}: its paths start at {src!r}, which is not a data "
    "source (sources: {sources})")
UNBOUNDED_CYCLE = (
    "the space {vertex!r} lies on a cycle reachable from the data source "
    "{source!r} ({cycle}); without a bound the equations through the cycle would be "
    "missed: pass max_length=N to follow walks of at most N edges (e.g. autoencoders, "
    "cycle consistency), or simple=True to keep simple paths only")
TOO_MANY_PATHS = (
    "path finding from source {source!r} found more than max_paths="
    "{max_paths} paths ({count} so far); the diagram is too large to enumerate: lower "
    "max_length, use policy='against_data', give the equations explicitly, or raise "
    "max_paths")
TOO_MANY_EQUATIONS = (
    "more than max_equations={limit} equations from source "
    "{source!r} ({count} so far, from {npaths} paths); lower max_length (or keep "
    "simple=True), use policy='against_data', give the equations explicitly, or raise "
    "max_equations")
BAD_POLICY = "policy {policy!r} is not one of {policies}"
NOT_COMPOSABLE = (
    "cannot compose {f} then {g}: the codomain of the first is not the "
    "domain of the second")
VAR_COMPONENT = (
    "morphism {dom} -> {codom}: attribute type {attrtype}, variable {var} "
    "is sent to {value!r}, which is not a value or a variable of the codomain")


# --- homomorphism search
class HomSearchError(CatlearnError, ValueError):
    """A homomorphism search was asked something inconsistent (a name, part or image that
    does not exist, an initial assignment that no morphism extends, a free variable)."""


HOMSEARCH_UNKNOWN = (
    "homomorphism search {dom} -> {codom}: {what} names {name!r}, "
    "which is not {expected} of schema {schema}")
HOMSEARCH_BAD_ARG = (
    "homomorphism search {dom} -> {codom}: {what} must be {expected}, "
    "not {got!r}")
HOMSEARCH_PART = (
    "homomorphism search {dom} -> {codom}: {what} for {ob}: {part!r} is "
    "not a part of {ob} in the domain ({n} parts)")
HOMSEARCH_IMAGE = (
    "homomorphism search {dom} -> {codom}: {what} for {ob}: image "
    "{image!r} of part {part} is not a part of {ob} in the codomain ({n} parts)")
HOMSEARCH_VAR = (
    "homomorphism search {dom} -> {codom}: initial for attribute type {ob}: "
    "{part!r} is not a variable of the domain ({n} variables)")
HOMSEARCH_VAR_IMAGE = (
    "homomorphism search {dom} -> {codom}: initial for attribute type "
    "{ob}: image {image!r} of {var} is not a value or a variable of the codomain "
    "({n} variables)")
HOMSEARCH_FREE_VAR = (
    "homomorphism search {dom} -> {codom}: attribute type {attrtype}: "
    "{var} occurs in no attribute of the domain, so nothing determines its image; give "
    "it with initial={{{attrtype!r}: {{{k}: image}}}}")
HOMSEARCH_INITIAL = (
    "homomorphism search {dom} -> {codom}: no morphism extends the "
    "initial assignment: {why}")


# --- colimits and limits


class DiagramError(CatlearnError, ValueError):
    """A finite diagram of ACSets is ill-formed (an arrow's ends do not match its map)."""


class ColimitError(CatlearnError, ValueError):
    """A colimit does not exist (attributes clash) or a family of maps is not a cocone."""


class LimitError(CatlearnError, ValueError):
    """A limit is not supported or does not exist, or a family of maps is not a cone."""


DIAGRAM_NOT_ACSET = "diagram: object {name!r} is a {got}, not an ACSet"
DIAGRAM_NOT_MAP = "diagram: arrow {arrow!r} carries a {got}, not an ACSetTransformation"
DIAGRAM_UNKNOWN_END = (
    "diagram: arrow {arrow!r} has {end} {name!r}, which is not an "
    "object of the diagram (objects: {objects})")
DIAGRAM_END_MISMATCH = (
    "diagram: arrow {arrow!r}: {src} -> {tgt}: the {end} of its map "
    "is {got}, but the diagram object {name!r} is {expected}")
DIAGRAM_SCHEMA = (
    "diagram: object {name!r} has schema {got}, but the diagram's schema "
    "is {expected}")
DIAGRAM_DUPLICATE = "diagram: the name {name!r} names both an object and an arrow"
DIAGRAM_NO_SCHEMA = "{what}: an empty diagram needs schema=... to know its schema"
COLIMIT_ATTR_CLASH = (
    "colimit: attribute {attr}: {ob} -> {attrtype}: {first} and "
    "{second} are identified (apex part {apex_part} of {ob}), but their values differ: "
    "{v1!r} != {v2!r}")
COLIMIT_ATTR_CLASH_VARS = (
    "colimit: attribute type {attrtype}: the values {v1!r} "
    "({first}) and {v2!r} ({second}) are identified through attribute variables")
LEGS_COUNT = "{what}: expected {n} legs (for {names}), got {got}"
LEGS_UNKNOWN = "{what}: {name!r} is not an object of the diagram (objects: {names})"
LEG_NOT_MAP = "{what}: the leg for {name!r} is a {got}, not an ACSetTransformation"
LEG_WRONG_END = (
    "{what}: the leg for {name!r} has {end} {got}, but the diagram object "
    "{name!r} is {expected}")
LEGS_APEX = (
    "{what}: the legs for {first!r} and {name!r} have different {end}s "
    "({a} and {b})")
COCONE_FAILS = (
    "not a cocone: arrow {arrow!r}: {src} -> {tgt} at part {part} of {ob} "
    "in {src!r}: leg {src!r} gives {direct}, but arrow {arrow!r} then leg {tgt!r} gives "
    "{via}")
CONE_FAILS = (
    "not a cone: arrow {arrow!r}: {src} -> {tgt} at part {part} of {ob} in "
    "the apex: leg {tgt!r} gives {direct}, but leg {src!r} then arrow {arrow!r} gives {via}")
CONE_NO_MEDIATOR = (
    "no mediating map into the limit: part {part} of {ob} in the cone's "
    "apex goes to {images}, which is not a part of the limit's {ob} (attribute {attr} "
    "takes different values there: {values})")
CONE_VAR_MEDIATOR = (
    "no mediating map into the limit: attribute type {attrtype}: "
    "variable {var} of the cone's apex is sent to different values by the legs: {values}")
LIMIT_ATTRVARS = (
    "limit: object {name!r} of the diagram has {n} attribute variables of "
    "{attrtype}; limits support concrete attribute values only")
TERMINAL_ATTRS = (
    "terminal: schema {schema} has attributes ({attrs}); no terminal "
    "ACSet exists when attribute values are fixed")


# --- json ---
class JSONFormatError(CatlearnError, ValueError):
    """A JSON document is not a schema or ACSet of the expected layout, or a value cannot be
    written as JSON; the message names the table, row and field (``E.0.src``)."""


JSON_AT = "{what} JSON, {loc}: {why}"
JSON_NOT_JSON = "not JSON: {why}"
JSON_NOT_TABLES = (
    "an ACSet is a JSON object of tables (one list of rows per object "
    "and attribute type), not {got}")
JSON_NOT_TABLE = "a table is a JSON list of rows, not {got}"
JSON_NOT_ROW = "a row is a JSON object, not {got}"
JSON_UNKNOWN_TABLE = "{key!r} is not an object or attribute type of schema {schema}"
JSON_ID = "_id must be the row number {n} (an integer), not {got!r}"
JSON_UNKNOWN_KEY = "{key!r} is not {expected}"
JSON_HOM = (
    "{value!r} is not a part of {codom} ({n} parts; ids are 1-based, 0 or null "
    "when unset)")
JSON_VAR = (
    "{value!r} is attribute variable {n}, but {attrtype} has {nvars} variables "
    "in the file")
JSON_NONFINITE = (
    "{value!r} cannot be written as JSON (JSON has no NaN or Infinity; "
    "ACSets.jl's writer, JSON3, refuses it too); pass allow_inf=True to write NaN, "
    "Infinity and -Infinity as JSON3.write(x; allow_inf=true) does")
JSON_UNWRITABLE = "{where}: value {value!r} of type {type} cannot be written as JSON"
JSON_DICT_KEY = (
    "{where}: the dict key {key!r} is not a string; JSON object keys are "
    "strings")
JSON_VAR_LIKE = (
    "{where}: the dict value {value!r} would read back as an attribute "
    "variable ({{\"_var\": n}} is the JSON form of a variable)")


# --- colimits ---
COLIMIT_ATTR_UNSET_CLASH = (
    "colimit: attribute type {attrtype}: the values {v1!r} "
    "({first}) and {v2!r} ({second}) are identified through attribute variables; a "
    "variable sent to None must stay unset in every cocone, so no cocone exists")
COMPONENTS_PAIRS = "components: the pairs must relate elements of 0..{n}-1: {why}"


# --- trust-writes ---
class PartIdError(ACSetError, IndexError):
    """A part id (an argument, or the value of a hom) is not a part of its object, or an
    attribute variable is not a variable of its attribute type."""


class PartIdTypeError(ACSetError, TypeError):
    """A part id, a count or a hom value is not an integer (a bool, float, str, ...)."""


class ColumnShapeError(ACSetError, ValueError):
    """Ids or values have the wrong shape: a nested or ragged sequence, or a column whose
    length is not the number of parts written."""


class EquationError(ACSetError, ValueError):
    """A write would break one of the schema's path equations."""


BAD_HOM_VALUE_ANY = (
    "{schema}: hom {hom}: {dom} -> {codom}: value {value!r} is not "
    "an integer part id")
BAD_PART_ID = (
    "{schema}: {what} for {ob}: {value!r} is not an integer part id "
    "(ids are Python or numpy integers, not bool, float or str)")
BAD_PART_SHAPE = (
    "{schema}: {what} for {ob}: expected one part id or a flat sequence "
    "of part ids, got {value!r}")
BAD_COUNT = (
    "{schema}: cannot add {n!r} parts to {ob}: the count must be a "
    "non-negative integer")
ATTR_UNHASHABLE = (
    "{schema}: attribute {attr}: {dom} -> {attrtype}, part {part} of "
    "{dom}: value {value!r} of type {got} cannot be compared as an attribute value (it is "
    "neither hashable nor a list, array, tuple, dict or set of such values)")
ATTR_QUERY_UNHASHABLE = (
    "{schema}: incident on attribute {attr}: {value!r} of type "
    "{got} cannot be compared as an attribute value")
BAD_COLUMN_NAME = "schema {schema}: {name!r} is not a hom or attribute out of {ob}"
NOT_AN_ACSET = "{what}: expected an ACSet, got {got}"
COUNT_TOO_LARGE = "{schema}: cannot add {n} parts to {ob}: too many to allocate"
HOM_OUT_OF_RANGE_ANY = (
    "{schema}: hom {hom}: {dom} -> {codom}: value {value} is not "
    "a part of {codom} ({n} parts)")
# --- paths ---
# Path-finding blow-ups, reworded for spec files (the Python wording is the key without
# the ``_spec`` suffix, above); and the checks of path-finding arguments.
UNBOUNDED_CYCLE_SPEC = (
    "the space {vertex!r} lies on a cycle reachable from the data "
    "source {source!r} ({cycle}); without a bound the equations through the cycle would be "
    "missed: set `max_length: N` to follow walks of at most N edges (e.g. autoencoders, "
    "cycle consistency), or `simple: true` to keep simple paths only")
TOO_MANY_PATHS_SPEC = (
    "path finding from source {source!r} found more than "
    "`max_paths: {max_paths}` paths ({count} so far); the diagram is too large to "
    "enumerate: lower `max_length:`, set `policy: against_data`, list the equations under "
    "`equations:`, or raise `max_paths:`")
TOO_MANY_EQUATIONS_SPEC = (
    "more than `max_equations: {limit}` equations from source "
    "{source!r} ({count} so far, from {npaths} paths); lower `max_length:` (or set "
    "`simple: true`), set `policy: against_data`, list the equations under `equations:`, "
    "or raise `max_equations:`")
WALKS_NEED_BOUND = (
    "non-simple paths (walks) need a bound: pass max_length=N, or "
    "simple=True")
WALKS_NEED_BOUND_SPEC = (
    "`simple: false` (walks) needs a bound: set `max_length: N`, "
    "or `simple: true`")
BAD_CAP = "{name} must be an int >= 1, not {value!r}"
BAD_CAP_SPEC = "`{name}:` must be an int >= 1, not {value!r}"
BAD_MAX_LENGTH = "max_length must be an int >= 0 or None, not {value!r}"
BAD_MAX_LENGTH_SPEC = "`max_length:` must be an int >= 0 or absent, not {value!r}"
BAD_SIMPLE = "simple must be True, False or None, not {value!r}"
BAD_SIMPLE_SPEC = "`simple:` must be true, false or absent, not {value!r}"

#: The wordings of path-finding errors: ``python`` (arguments) or ``spec`` (spec keys).
VOCABULARIES = ("python", "spec")

#: Each path-finding error's key, with its wording in each vocabulary.
_PATH_FINDING: dict[str, tuple[str, str]] = {
    "unbounded_cycle": (UNBOUNDED_CYCLE, UNBOUNDED_CYCLE_SPEC),
    "too_many_paths": (TOO_MANY_PATHS, TOO_MANY_PATHS_SPEC),
    "too_many_equations": (TOO_MANY_EQUATIONS, TOO_MANY_EQUATIONS_SPEC),
    "walks_need_bound": (WALKS_NEED_BOUND, WALKS_NEED_BOUND_SPEC),
    "bad_cap": (BAD_CAP, BAD_CAP_SPEC),
    "bad_max_length": (BAD_MAX_LENGTH, BAD_MAX_LENGTH_SPEC),
    "bad_simple": (BAD_SIMPLE, BAD_SIMPLE_SPEC),
}


class PathFindingError(LearningGraphError):
    """Path finding stopped: a cycle needs a bound, or more paths or equations than the
    caps allow. ``key`` and ``fields`` rebuild the message in another vocabulary.

    >>> err = PathFindingError("walks_need_bound", {})
    >>> str(err.reworded("spec"))
    '`simple: false` (walks) needs a bound: set `max_length: N`, or `simple: true`'
    >>> isinstance(err, ValueError), err.count
    (True, None)
    """

    def __init__(self, key: str, fields: dict[str, object], vocabulary: str = "python"
                 ) -> None:
        if vocabulary not in VOCABULARIES:
            raise LearningGraphError(f"vocabulary must be one of {', '.join(VOCABULARIES)}, "
                                     f"not {vocabulary!r}")
        self.key, self.fields, self.vocabulary = key, dict(fields), vocabulary
        #: how many paths or equations were found before the cap stopped the search
        self.count = fields.get("count")
        if key not in _PATH_FINDING:
            raise LearningGraphError(f"no path-finding error is called {key!r} (known: "
                                     f"{', '.join(_PATH_FINDING)})")
        python, spec = _PATH_FINDING[key]
        super().__init__((python if vocabulary == "python" else spec).format(**fields))

    def __reduce__(self) -> tuple[type, tuple[str, dict[str, object], str]]:
        return (PathFindingError, (self.key, self.fields, self.vocabulary))

    def reworded(self, vocabulary: str) -> PathFindingError:
        """The same error, worded for ``vocabulary`` (``python`` or ``spec``)."""
        return PathFindingError(self.key, self.fields, vocabulary)


# --- subobjects ---
SUBOBJECT_UNKNOWN = (
    "{what}: {name!r} is not an object or attribute type of schema "
    "{schema}")
SUBOBJECT_IDS = (
    "{what}: the parts of {ob} must be a list of integer part ids, not "
    "{got!r}")
SUBOBJECT_RANGE = "{what}: {part} is not a part of {ob} ({n} parts)"
SUBOBJECT_NOT_CLOSED = (
    "{what}: part {part} of {ob} is in it, but its {arrow} "
    "({image}) is not; a subobject is closed under every hom and attribute "
    "(Subobject.generated(...) gives the closure)")
SUBOBJECT_NOT_MONIC = "Subobject.from_hom: {m} is not a monomorphism"
SUBOBJECT_OPERAND = "Subobject {op}: the other operand is a {got}, not a Subobject"
SUBOBJECT_OTHER = (
    "Subobject {op}: the operands are subobjects of different ACSets "
    "({what} and another); both must be subobjects of the same ACSet")
CANONICAL_NOT_ACSET = "{what} takes an ACSet, not {got}"
BUILD_UNKNOWN = "ACSet.build({schema}): {name!r} is not an object or attribute type"
BUILD_SPEC = (
    "ACSet.build({schema}): {name}= must be a count of parts (an integer "
    ">= 0) or a dict of columns, not {got!r}")
BUILD_ATTRTYPE = (
    "ACSet.build({schema}): {name} is an attribute type: give the number "
    "of its variables, not columns")
BUILD_LENGTHS = (
    "ACSet.build({schema}): the columns of {name} have different lengths "
    "{lengths}; each column has one entry per part")
BUILD_COLUMN = "ACSet.build({schema}): {name!r} is not a hom or attribute out of {ob}"


# --- rewriting ---
class RewriteError(CatlearnError, ValueError):
    """A rewrite rule is ill-formed, or a match cannot be rewritten (no match, or the
    dangling or identification condition fails at a named part)."""


RULE_NOT_MAP = "Rule: {side} must be an ACSetTransformation, not {got}"
RULE_NOT_SPAN = (
    "Rule: l and r must share their domain K (a span L <- K -> R): "
    "{l} and {r}")
RULE_NOT_MONIC = (
    "Rule: l must be monic (it deletes parts of L, it cannot merge them); "
    "to merge parts, put the merge in r")
REWRITE_NOT_MAPS = (
    "pushout complement: expected two ACSetTransformations (l, m), "
    "got {got}")
REWRITE_MATCH_DOM = (
    "pushout complement: the match {m} does not start at the rule's L "
    "(the codomain of l)")
REWRITE_MATCH_CODOM = "rewrite: the match {m} does not land in the ACSet rewritten"
REWRITE_NOT_RULE = "rewrite: expected a Rule, not {got}"
REWRITE_SCHEMA = "rewrite: {got} is not an ACSet of the rule's schema {schema}"
DANGLING = (
    "dangling: part {part} of {ob} is kept, but its {hom} ({target} of {codom}) "
    "is deleted")
IDENTIFICATION = (
    "identification: parts {a} and {b} of {ob} in L both go to part "
    "{image} of the ACSet, but not both are kept")
NO_PUSHOUT_COMPLEMENT = "no pushout complement ({n} violation(s)): {first}"
NO_MATCH = (
    "rewrite: {rule} has no match in {X} (monic={monic}) that satisfies the "
    "dangling and identification conditions")


# --- data migration ---
class MigrationError(CatlearnError, ValueError):
    """A schema map is not a functor (an end, a name, an equation), or a migration fails
    (an instance of the wrong schema, a pushforward too large, values forced together)."""


SCHEMA_MAP = "SchemaMap {dom} -> {codom}: {why}"
MIGRATION_ARG = "{what}: expected {expected}, not {got}"
SIGMA_TOO_BIG = (
    "sigma: the pushforward has more than max_parts={n} parts (along "
    "{F}); a free cycle of the target schema generates infinitely many: raise max_parts, "
    "or add the equations that make the cycle finite")
SIGMA_CLASH = "sigma: {where} is forced to be both {v1!r} and {v2!r}"


# --- learning rewrite ---
class DiagramRewriteError(LearningGraphError):
    """A rewrite of a learning diagram fails: a rule is ill-formed, it has no match, the
    match leaves an edge dangling, or the result is not a learning graph."""


LRULE_ROW = (
    "rule {rule}: {side} row {row!r} must be (edge, src, tgt, role) with "
    "names and a role in {roles} or None{extra}")
LRULE_ROLE_OF = (
    "rule {rule}: RoleOf({edge!r}) names no edge of the left-hand side "
    "({known})")
LRULE_INIT = "rule {rule}: init maps {new!r} to {old!r}, but {why}"
LRULE_NOT_RULE = (
    "rewrite: expected a LearningRule or a Rule of SchLearningGraph, not "
    "{got}")
LRULE_NO_EDGE = (
    "rewrite: rule {rule} needs an edge {edge!r}, which the diagram does "
    "not have (edges: {known})")
LRULE_NO_MATCH = (
    "rewrite: rule {rule} has no match in the diagram: it needs {want}; "
    "the diagram has {have}")
LRULE_DANGLING = "rewrite: rule {rule} cannot be applied: {why}"
LRULE_CLASH = (
    "rewrite: rule {rule} adds {kind} {name!r}, which the diagram already "
    "has; choose another name")
LRULE_RESULT = "rewrite: rule {rule} gives a graph that is not a learning graph: {why}"
LRULE_POLICY = (
    "rewrite: the diagram's equations were given explicitly, not found by "
    "path finding; pass policy= (and max_length=/simple=) to re-derive them")
LRULE_OPTION = "rewrite: unknown option(s) {names}; known: {known}"
LRULE_NO_SPACE = (
    "rewrite: rule {rule} needs a space {space!r}, which the diagram "
    "does not have (spaces: {known})")
LRULE_MATCH = (
    "rewrite: the match for rule {rule} must be an ACSetTransformation from "
    "the rule's L into the diagram's graph (or None to search), not {got}")
LRULE_TWICE = "rule {rule}: the {side} names edge(s) {names} more than once"
LRULE_NOT_DIAGRAM = "rewrite: expected a LearningDiagram to rewrite, not {got}"


# --- homsearch ---
class HomSearchTypeError(HomSearchError, TypeError):
    """A homomorphism search was given an argument of the wrong kind (not an ACSet, not a
    mapping, not a bool or collection of names)."""


HOMSEARCH_NOT_ACSET = "{what}: the {side} must be an ACSet, not {got}"


# --- the catlearn command: run folders (train --out, --resume, --force)
class RunFolderError(CatlearnError, ValueError):
    """A ``catlearn train --out`` folder does not fit the command: a file, a previous run
    that would be overwritten, ``--resume`` without a checkpoint.

    >>> isinstance(RunFolderError("--out run"), ValueError)
    True
    """


OUT_IS_FILE = (
    "--out {out} is a file; --out names a folder for the run's checkpoint "
    "and metrics.json (default: catlearn-run)")
OUT_HAS_RUN = (
    "--out {out} holds a previous run ({files}); pass --resume to continue "
    "it, --force to replace it, or choose another folder with --out")
RESUME_NOTHING = (
    "--resume: there is no checkpoint to resume from in {out} (expected "
    "{checkpoint}); run without --resume first")


# --- categories (catlearn.categories re-exports these from catlearn.categories.errors)
class CategoryError(CatlearnError, ValueError):
    """Base class of the errors of :mod:`catlearn.categories`.

    >>> raise CategoryError("bad object 'x'")
    Traceback (most recent call last):
    ...
    catlearn.errors.CategoryError: bad object 'x'
    """


class CategoryTypeError(CategoryError, TypeError):
    """An argument has the wrong Python type (e.g. a vertex name that is not a ``str``).

    >>> isinstance(CategoryTypeError("vertex 3 is not a str"), TypeError)
    True
    """


class CategoryCompositionError(CategoryError, CompositionError):
    """Two morphisms are not composable: the target of the first is not the source of the
    second.

    ``catlearn.categories.errors.CompositionError`` names this class; it is also the
    library-wide :class:`CompositionError`.

    >>> str(CategoryCompositionError("x ⋅ f ends at y but z starts at z"))
    'x ⋅ f ends at y but z starts at z'
    """


class TooManyPathsError(CategoryError):
    """Path enumeration found more paths than its ``max_paths`` guard allows.

    ``count`` is the number of paths found (and already yielded) before the guard fired.

    >>> TooManyPathsError("too many", count=3).count
    3
    """

    def __init__(self, message: str, *, count: int) -> None:
        super().__init__(message)
        self.count = count


class FunctorLawError(CategoryError):
    """A functor law (identities or composites) fails on a sample.

    >>> isinstance(FunctorLawError("F(id x) != id F(x)"), CategoryError)
    True
    """


class UndecidedEqualityError(CategoryError):
    """Equality of two paths in a finitely presented category could not be decided within
    the search bound (the word problem is undecidable in general).

    >>> isinstance(UndecidedEqualityError("gave up"), CategoryError)
    True
    """


class CostError(CategoryError):
    """Bad input to the Cost category (unknown parameter, negative loss, ...).

    >>> isinstance(CostError("negative loss"), ValueError)
    True
    """
