"""Error classes and message templates of catlearn, kept in one module.

Every error the library raises names what is wrong: the schema, object, part, hom,
attribute, edge or path. The classes subclass :class:`ValueError` or :class:`TypeError`
so callers that catch the builtin kinds keep working.

>>> err = SchemaError(MESSAGES["unknown_ob"].format(schema="SchGraph", ob="W"))
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


MESSAGES: dict[str, str] = {
    # schemas
    "unknown_ob": "schema {schema} has no object {ob!r}",
    "unknown_hom": "schema {schema} has no hom {hom!r}",
    "unknown_attr": "schema {schema} has no attribute {attr!r}",
    "unknown_attrtype": "schema {schema} has no attribute type {attrtype!r}",
    "unknown_name": "schema {schema} has no hom or attribute {name!r}",
    "unknown_ob_or_type": "schema {schema} has no object or attribute type {ob!r}",
    "duplicate_name": "schema {schema}: the name {name!r} is used twice",
    "bad_arrow_end": "schema {schema}: {kind} {name!r} has {end} {target!r}, "
    "which is not {expected}",
    "bad_equation": "schema {schema}: equation {name} is not well formed: {why}",
    # acsets
    "bad_part": "{schema}: {ob} has no part {part} (it has {n} parts, ids 0..{last})",
    "hom_out_of_range": "{schema}: hom {hom}: {dom} -> {codom}, part {part} of {dom}: value "
    "{value} is not a part of {codom} ({n} parts)",
    "column_length": "{schema}: column {name} for {ob} has length {got}, expected {n}",
    "bad_hom_value": "{schema}: hom {hom}, part {part} of {dom}: value {value!r} is not an "
    "integer part id",
    "attr_type": "{schema}: attribute {attr}: {dom} -> {attrtype}, part {part} of {dom}: "
    "value {value!r} has type {got}, expected {expected}",
    "equation_broken": "{schema}: writing {name}({part}) = {value} breaks the equation "
    "{equation} at part {at} of {dom}: {lhs} != {rhs}",
    "equation_fails": "{schema}: equation {equation} fails at part {at} of {dom}: "
    "{lhs} != {rhs}",
    "bad_var": "{schema}: attribute type {attrtype} has no variable {var} "
    "({n} variables)",
    "negative_count": "{schema}: cannot add {n} parts to {ob}: the count must be >= 0",
    # morphisms
    "component_missing": "morphism {dom} -> {codom}: no component for object {ob}",
    "component_unknown": "morphism {dom} -> {codom}: {ob!r} is not an object of schema "
    "{schema}",
    "component_length": "morphism {dom} -> {codom}: component {ob} has length {got}, "
    "expected {n} (the parts of {ob} in the domain)",
    "component_range": "morphism {dom} -> {codom}: component {ob} sends part {part} to "
    "{value}, which is not a part of {ob} in the codomain ({n} parts)",
    "not_natural": "morphism {dom} -> {codom} is not natural: hom {hom}: {src} -> {tgt} at "
    "part {part} of {src}: {via_hom} != {via_component}",
    "attr_not_preserved": "morphism {dom} -> {codom} does not preserve attribute {attr} at "
    "part {part} of {ob}: {value!r} != {image!r}",
    "schema_mismatch": "{what}: schemas differ ({left} vs {right})",
    # learning graphs
    "bad_role": "edge {edge!r}: role {role!r} is not one of {roles}",
    "bad_name": "a {kind} name must be a non-empty string without surrounding spaces or "
    "the path separator '⋅', not {name!r}",
    "no_space": "no space is called {name!r} (spaces: {known})",
    "no_edge": "no edge is called {name!r} (edges: {known})",
    "edge_conflict": "edge {name!r} already goes {old}; it cannot also go {new}",
    "data_not_from_source": "data edge {name!r} must leave a data source, but {src!r} is "
    "not one: {why}",
    "map_from_source": "edge {name!r} ({role}) cannot leave {src!r}: it is a data source, "
    "whose outgoing edges are data columns",
    "into_source": "edge {name!r} cannot go into {tgt!r}: it is a data source (an index "
    "set), which no map reaches",
    # learning diagrams
    "not_parallel": "equation {lhs!r} = {rhs!r}: the paths are not parallel ({lsrc} -> "
    "{ltgt} vs {rsrc} -> {rtgt}); both must start at one data source and end in one space",
    "bad_weight": "equation {equation}: weight {weight!r} must be a finite number >= 0",
    "bad_grad": "equation {equation}: grad {grad!r} is not one of {sides}",
    "not_a_source": "equation {equation}: its paths start at {src!r}, which is not a data "
    "source (sources: {sources})",
    "path_not_in_graph": "equation {equation}: edge {edge!r} of path {path!r} is not an "
    "edge {src} -> {tgt} of the graph",
    "unbounded_cycle": "the space {vertex!r} lies on a cycle reachable from the data source "
    "{source!r} ({cycle}); without a bound the equations through the cycle would be "
    "missed: pass max_length=N to follow walks of at most N edges (e.g. autoencoders, "
    "cycle consistency), or simple=True to keep simple paths only",
    "too_many_paths": "path finding from source {source!r} found more than max_paths="
    "{max_paths} paths ({count} so far); the diagram is too large to enumerate: lower "
    "max_length, use policy='against_data', give the equations explicitly, or raise "
    "max_paths",
    "too_many_equations": "more than max_equations={limit} equations from source "
    "{source!r} ({count} so far, from {npaths} paths); lower max_length (or keep "
    "simple=True), use policy='against_data', give the equations explicitly, or raise "
    "max_equations",
    "bad_policy": "policy {policy!r} is not one of {policies}",
    "not_composable": "cannot compose {f} then {g}: the codomain of the first is not the "
    "domain of the second",
    "var_component": "morphism {dom} -> {codom}: attribute type {attrtype}, variable {var} "
    "is sent to {value!r}, which is not a value or a variable of the codomain",
}


# --- homomorphism search
class HomSearchError(CatlearnError, ValueError):
    """A homomorphism search was asked something inconsistent (a name, part or image that
    does not exist, an initial assignment that no morphism extends, a free variable)."""


MESSAGES.update({
    "homsearch_unknown": "homomorphism search {dom} -> {codom}: {what} names {name!r}, "
    "which is not {expected} of schema {schema}",
    "homsearch_bad_arg": "homomorphism search {dom} -> {codom}: {what} must be {expected}, "
    "not {got!r}",
    "homsearch_part": "homomorphism search {dom} -> {codom}: {what} for {ob}: {part!r} is "
    "not a part of {ob} in the domain ({n} parts)",
    "homsearch_image": "homomorphism search {dom} -> {codom}: {what} for {ob}: image "
    "{image!r} of part {part} is not a part of {ob} in the codomain ({n} parts)",
    "homsearch_var": "homomorphism search {dom} -> {codom}: initial for attribute type {ob}: "
    "{part!r} is not a variable of the domain ({n} variables)",
    "homsearch_var_image": "homomorphism search {dom} -> {codom}: initial for attribute type "
    "{ob}: image {image!r} of {var} is not a value or a variable of the codomain "
    "({n} variables)",
    "homsearch_free_var": "homomorphism search {dom} -> {codom}: attribute type {attrtype}: "
    "{var} occurs in no attribute of the domain, so nothing determines its image; give "
    "it with initial={{{attrtype!r}: {{{k}: image}}}}",
    "homsearch_initial": "homomorphism search {dom} -> {codom}: no morphism extends the "
    "initial assignment: {why}",
})


# --- colimits and limits


class DiagramError(CatlearnError, ValueError):
    """A finite diagram of ACSets is ill-formed (an arrow's ends do not match its map)."""


class ColimitError(CatlearnError, ValueError):
    """A colimit does not exist (attributes clash) or a family of maps is not a cocone."""


class LimitError(CatlearnError, ValueError):
    """A limit is not supported or does not exist, or a family of maps is not a cone."""


MESSAGES.update({
    "diagram_not_acset": "diagram: object {name!r} is a {got}, not an ACSet",
    "diagram_not_map": "diagram: arrow {arrow!r} carries a {got}, not an ACSetTransformation",
    "diagram_unknown_end": "diagram: arrow {arrow!r} has {end} {name!r}, which is not an "
    "object of the diagram (objects: {objects})",
    "diagram_end_mismatch": "diagram: arrow {arrow!r}: {src} -> {tgt}: the {end} of its map "
    "is {got}, but the diagram object {name!r} is {expected}",
    "diagram_schema": "diagram: object {name!r} has schema {got}, but the diagram's schema "
    "is {expected}",
    "diagram_duplicate": "diagram: the name {name!r} names both an object and an arrow",
    "diagram_no_schema": "{what}: an empty diagram needs schema=... to know its schema",
    "colimit_attr_clash": "colimit: attribute {attr}: {ob} -> {attrtype}: {first} and "
    "{second} are identified (apex part {apex_part} of {ob}), but their values differ: "
    "{v1!r} != {v2!r}",
    "colimit_attr_clash_vars": "colimit: attribute type {attrtype}: the values {v1!r} "
    "({first}) and {v2!r} ({second}) are identified through attribute variables",
    "legs_count": "{what}: expected {n} legs (for {names}), got {got}",
    "legs_unknown": "{what}: {name!r} is not an object of the diagram (objects: {names})",
    "leg_not_map": "{what}: the leg for {name!r} is a {got}, not an ACSetTransformation",
    "leg_wrong_end": "{what}: the leg for {name!r} has {end} {got}, but the diagram object "
    "{name!r} is {expected}",
    "legs_apex": "{what}: the legs for {first!r} and {name!r} have different {end}s "
    "({a} and {b})",
    "cocone_fails": "not a cocone: arrow {arrow!r}: {src} -> {tgt} at part {part} of {ob} "
    "in {src!r}: leg {src!r} gives {direct}, but arrow {arrow!r} then leg {tgt!r} gives "
    "{via}",
    "cone_fails": "not a cone: arrow {arrow!r}: {src} -> {tgt} at part {part} of {ob} in "
    "the apex: leg {tgt!r} gives {direct}, but leg {src!r} then arrow {arrow!r} gives {via}",
    "cone_no_mediator": "no mediating map into the limit: part {part} of {ob} in the cone's "
    "apex goes to {images}, which is not a part of the limit's {ob} (attribute {attr} "
    "takes different values there: {values})",
    "cone_var_mediator": "no mediating map into the limit: attribute type {attrtype}: "
    "variable {var} of the cone's apex is sent to different values by the legs: {values}",
    "limit_attrvars": "limit: object {name!r} of the diagram has {n} attribute variables of "
    "{attrtype}; limits support concrete attribute values only",
    "terminal_attrs": "terminal: schema {schema} has attributes ({attrs}); no terminal "
    "ACSet exists when attribute values are fixed",
})


# --- json ---
class JSONFormatError(CatlearnError, ValueError):
    """A JSON document is not a schema or ACSet of the expected layout, or a value cannot be
    written as JSON; the message names the table, row and field (``E.0.src``)."""


MESSAGES.update({
    "json_at": "{what} JSON, {loc}: {why}",
    "json_not_json": "not JSON: {why}",
    "json_not_tables": "an ACSet is a JSON object of tables (one list of rows per object "
    "and attribute type), not {got}",
    "json_not_table": "a table is a JSON list of rows, not {got}",
    "json_not_row": "a row is a JSON object, not {got}",
    "json_unknown_table": "{key!r} is not an object or attribute type of schema {schema}",
    "json_id": "_id must be the row number {n} (an integer), not {got!r}",
    "json_unknown_key": "{key!r} is not {expected}",
    "json_hom": "{value!r} is not a part of {codom} ({n} parts; ids are 1-based, 0 or null "
    "when unset)",
    "json_var": "{value!r} is attribute variable {n}, but {attrtype} has {nvars} variables "
    "in the file",
    "json_nonfinite": "{value!r} cannot be written as JSON (JSON has no NaN or Infinity; "
    "ACSets.jl's writer, JSON3, refuses it too); pass allow_inf=True to write NaN, "
    "Infinity and -Infinity as JSON3.write(x; allow_inf=true) does",
    "json_unwritable": "{where}: value {value!r} of type {type} cannot be written as JSON",
    "json_dict_key": "{where}: the dict key {key!r} is not a string; JSON object keys are "
    "strings",
    "json_var_like": "{where}: the dict value {value!r} would read back as an attribute "
    "variable ({{\"_var\": n}} is the JSON form of a variable)",
})


# --- colimits ---
MESSAGES.update({
    "colimit_attr_unset_clash": "colimit: attribute type {attrtype}: the values {v1!r} "
    "({first}) and {v2!r} ({second}) are identified through attribute variables; a "
    "variable sent to None must stay unset in every cocone, so no cocone exists",
    "components_pairs": "components: the pairs must relate elements of 0..{n}-1: {why}",
})


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


MESSAGES.update({
    "bad_hom_value_any": "{schema}: hom {hom}: {dom} -> {codom}: value {value!r} is not "
    "an integer part id",
    "bad_part_id": "{schema}: {what} for {ob}: {value!r} is not an integer part id "
    "(ids are Python or numpy integers, not bool, float or str)",
    "bad_part_shape": "{schema}: {what} for {ob}: expected one part id or a flat sequence "
    "of part ids, got {value!r}",
    "bad_count": "{schema}: cannot add {n!r} parts to {ob}: the count must be a "
    "non-negative integer",
    "attr_unhashable": "{schema}: attribute {attr}: {dom} -> {attrtype}, part {part} of "
    "{dom}: value {value!r} of type {got} cannot be compared as an attribute value (it is "
    "neither hashable nor a list, array, tuple, dict or set of such values)",
    "attr_query_unhashable": "{schema}: incident on attribute {attr}: {value!r} of type "
    "{got} cannot be compared as an attribute value",
    "bad_column_name": "schema {schema}: {name!r} is not a hom or attribute out of {ob}",
    "not_an_acset": "{what}: expected an ACSet, got {got}",
    "count_too_large": "{schema}: cannot add {n} parts to {ob}: too many to allocate",
    "hom_out_of_range_any": "{schema}: hom {hom}: {dom} -> {codom}: value {value} is not "
    "a part of {codom} ({n} parts)",
})
# --- paths ---
# Path-finding blow-ups, reworded for spec files (the Python wording is the key without
# the ``_spec`` suffix, above); and the checks of path-finding arguments.
MESSAGES.update({
    "unbounded_cycle_spec": "the space {vertex!r} lies on a cycle reachable from the data "
    "source {source!r} ({cycle}); without a bound the equations through the cycle would be "
    "missed: set `max_length: N` to follow walks of at most N edges (e.g. autoencoders, "
    "cycle consistency), or `simple: true` to keep simple paths only",
    "too_many_paths_spec": "path finding from source {source!r} found more than "
    "`max_paths: {max_paths}` paths ({count} so far); the diagram is too large to "
    "enumerate: lower `max_length:`, set `policy: against_data`, list the equations under "
    "`equations:`, or raise `max_paths:`",
    "too_many_equations_spec": "more than `max_equations: {limit}` equations from source "
    "{source!r} ({count} so far, from {npaths} paths); lower `max_length:` (or set "
    "`simple: true`), set `policy: against_data`, list the equations under `equations:`, "
    "or raise `max_equations:`",
    "walks_need_bound": "non-simple paths (walks) need a bound: pass max_length=N, or "
    "simple=True",
    "walks_need_bound_spec": "`simple: false` (walks) needs a bound: set `max_length: N`, "
    "or `simple: true`",
    "bad_cap": "{name} must be an int >= 1, not {value!r}",
    "bad_cap_spec": "`{name}:` must be an int >= 1, not {value!r}",
    "bad_max_length": "max_length must be an int >= 0 or None, not {value!r}",
    "bad_max_length_spec": "`max_length:` must be an int >= 0 or absent, not {value!r}",
    "bad_simple": "simple must be True, False or None, not {value!r}",
    "bad_simple_spec": "`simple:` must be true, false or absent, not {value!r}",
})

#: The wordings of path-finding errors: ``python`` (arguments) or ``spec`` (spec keys).
VOCABULARIES = ("python", "spec")


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
        template = MESSAGES[key if vocabulary == "python" else f"{key}_spec"]
        super().__init__(template.format(**fields))

    def __reduce__(self) -> tuple[type, tuple[str, dict[str, object], str]]:
        return (PathFindingError, (self.key, self.fields, self.vocabulary))

    def reworded(self, vocabulary: str) -> PathFindingError:
        """The same error, worded for ``vocabulary`` (``python`` or ``spec``)."""
        return PathFindingError(self.key, self.fields, vocabulary)
# --- subobjects ---
MESSAGES.update({
    "subobject_unknown": "{what}: {name!r} is not an object or attribute type of schema "
    "{schema}",
    "subobject_ids": "{what}: the parts of {ob} must be a list of integer part ids, not "
    "{got!r}",
    "subobject_range": "{what}: {part} is not a part of {ob} ({n} parts)",
    "subobject_not_closed": "{what}: part {part} of {ob} is in it, but its {arrow} "
    "({image}) is not; a subobject is closed under every hom and attribute "
    "(Subobject.generated(...) gives the closure)",
    "subobject_not_monic": "Subobject.from_hom: {m} is not a monomorphism",
    "subobject_operand": "Subobject {op}: the other operand is a {got}, not a Subobject",
    "subobject_other": "Subobject {op}: the operands are subobjects of different ACSets "
    "({what} and another); both must be subobjects of the same ACSet",
})
MESSAGES.update({
    "canonical_not_acset": "{what} takes an ACSet, not {got}",
})
MESSAGES.update({
    "build_unknown": "ACSet.build({schema}): {name!r} is not an object or attribute type",
    "build_spec": "ACSet.build({schema}): {name}= must be a count of parts (an integer "
    ">= 0) or a dict of columns, not {got!r}",
    "build_attrtype": "ACSet.build({schema}): {name} is an attribute type: give the number "
    "of its variables, not columns",
    "build_lengths": "ACSet.build({schema}): the columns of {name} have different lengths "
    "{lengths}; each column has one entry per part",
    "build_column": "ACSet.build({schema}): {name!r} is not a hom or attribute out of {ob}",
})


# --- rewriting ---
class RewriteError(CatlearnError, ValueError):
    """A rewrite rule is ill-formed, or a match cannot be rewritten (no match, or the
    dangling or identification condition fails at a named part)."""


MESSAGES.update({
    "rule_not_map": "Rule: {side} must be an ACSetTransformation, not {got}",
    "rule_not_span": "Rule: l and r must share their domain K (a span L <- K -> R): "
    "{l} and {r}",
    "rule_not_monic": "Rule: l must be monic (it deletes parts of L, it cannot merge them); "
    "to merge parts, put the merge in r",
    "rewrite_not_maps": "pushout complement: expected two ACSetTransformations (l, m), "
    "got {got}",
    "rewrite_match_dom": "pushout complement: the match {m} does not start at the rule's L "
    "(the codomain of l)",
    "rewrite_match_codom": "rewrite: the match {m} does not land in the ACSet rewritten",
    "rewrite_not_rule": "rewrite: expected a Rule, not {got}",
    "rewrite_schema": "rewrite: {got} is not an ACSet of the rule's schema {schema}",
    "dangling": "dangling: part {part} of {ob} is kept, but its {hom} ({target} of {codom}) "
    "is deleted",
    "identification": "identification: parts {a} and {b} of {ob} in L both go to part "
    "{image} of the ACSet, but not both are kept",
    "no_pushout_complement": "no pushout complement ({n} violation(s)): {first}",
    "no_match": "rewrite: {rule} has no match in {X} (monic={monic}) that satisfies the "
    "dangling and identification conditions",
})


# --- data migration ---
class MigrationError(CatlearnError, ValueError):
    """A schema map is not a functor (an end, a name, an equation), or a migration fails
    (an instance of the wrong schema, a pushforward too large, values forced together)."""


MESSAGES.update({
    "schema_map": "SchemaMap {dom} -> {codom}: {why}",
    "migration_arg": "{what}: expected {expected}, not {got}",
    "sigma_too_big": "sigma: the pushforward has more than max_parts={n} parts (along "
    "{F}); a free cycle of the target schema generates infinitely many: raise max_parts, "
    "or add the equations that make the cycle finite",
    "sigma_clash": "sigma: {where} is forced to be both {v1!r} and {v2!r}",
})


# --- learning rewrite ---
class DiagramRewriteError(LearningGraphError):
    """A rewrite of a learning diagram fails: a rule is ill-formed, it has no match, the
    match leaves an edge dangling, or the result is not a learning graph."""


MESSAGES.update({
    "lrule_row": "rule {rule}: {side} row {row!r} must be (edge, src, tgt, role) with "
    "names and a role in {roles} or None{extra}",
    "lrule_kept": "rule {rule}: edge {edge!r} is in both sides but goes {a} on the left and "
    "{b} on the right; an edge that changes ends is deleted and re-added under a new name",
    "lrule_role_of": "rule {rule}: RoleOf({edge!r}) names no edge of the left-hand side "
    "({known})",
    "lrule_init": "rule {rule}: init maps {new!r} to {old!r}, but {why}",
    "lrule_not_rule": "rewrite: expected a LearningRule or a Rule of SchLearningGraph, not "
    "{got}",
    "lrule_no_edge": "rewrite: rule {rule} needs an edge {edge!r}, which the diagram does "
    "not have (edges: {known})",
    "lrule_no_match": "rewrite: rule {rule} has no match in the diagram: it needs {want}; "
    "the diagram has {have}",
    "lrule_dangling": "rewrite: rule {rule} cannot be applied: {why}",
    "lrule_clash": "rewrite: rule {rule} adds {kind} {name!r}, which the diagram already "
    "has; choose another name",
    "lrule_result": "rewrite: rule {rule} gives a graph that is not a learning graph: {why}",
    "lrule_policy": "rewrite: the diagram's equations were given explicitly, not found by "
    "path finding; pass policy= (and max_length=/simple=) to re-derive them",
    "lrule_option": "rewrite: unknown option(s) {names}; known: {known}",
    "lrule_no_space": "rewrite: rule {rule} needs a space {space!r}, which the diagram "
    "does not have (spaces: {known})",
    "lrule_match": "rewrite: the match for rule {rule} must be an ACSetTransformation from "
    "the rule's L into the diagram's graph (or None to search), not {got}",
    "lrule_twice": "rule {rule}: the {side} names edge(s) {names} more than once",
    "lrule_not_diagram": "rewrite: expected a LearningDiagram to rewrite, not {got}",
})


# --- homsearch ---
class HomSearchTypeError(HomSearchError, TypeError):
    """A homomorphism search was given an argument of the wrong kind (not an ACSet, not a
    mapping, not a bool or collection of names)."""


MESSAGES.update({
    "homsearch_not_acset": "{what}: the {side} must be an ACSet, not {got}",
})


# --- the catlearn command: run folders (train --out, --resume, --force)
class RunFolderError(CatlearnError, ValueError):
    """A ``catlearn train --out`` folder does not fit the command: a file, a previous run
    that would be overwritten, ``--resume`` without a checkpoint.

    >>> isinstance(RunFolderError("--out run"), ValueError)
    True
    """


MESSAGES.update({
    "out_is_file": "--out {out} is a file; --out names a folder for the run's checkpoint "
    "and metrics.json (default: catlearn-run)",
    "out_has_run": "--out {out} holds a previous run ({files}); pass --resume to continue "
    "it, --force to replace it, or choose another folder with --out",
    "resume_nothing": "--resume: there is no checkpoint to resume from in {out} (expected "
    "{checkpoint}); run without --resume first",
})
