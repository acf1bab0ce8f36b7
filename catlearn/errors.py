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
    "{source!r} ({count} so far, from {npaths} paths); use policy='against_data', give "
    "the equations explicitly, or raise max_equations",
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
