"""The C-set engine: schemas, ACSets, their morphisms, JSON and pictures.

Generic: it knows nothing about learning. Names follow Catlab.jl / ACSets.jl: schemas,
ACSets and their morphisms; finite colimits and limits with their universal maps;
homomorphism search; JSON interchangeable with ACSets.jl; Graphviz pictures.

>>> from catlearn.acsets import ACSet, SchGraph, ACSetTransformation
>>> g = ACSet(SchGraph); _ = g.add_parts("V", 2); _ = g.add_part("E", src=0, tgt=1)
>>> ACSetTransformation(g, g, V=[0, 1], E=[0]).is_iso()
True
"""

from catlearn.acsets.acset import UNSET, ACSet
from catlearn.acsets.attrvar import AttrVar, is_var
from catlearn.acsets.canonical import automorphisms, canonical_form, canonical_hash
from catlearn.acsets.colimits import (
    Cocone,
    coequalizer,
    colimit,
    coproduct,
    initial,
    pushout,
)
from catlearn.acsets.diagram import Diagram, DiagramArrow, FinDiagram, universal
from catlearn.acsets.graphviz import dot_available, render, render_svg, to_graphviz
from catlearn.acsets.homsearch import (
    count_homomorphisms,
    homomorphism,
    homomorphisms,
    is_homomorphic,
    is_isomorphic,
    isomorphism,
    isomorphisms,
)
from catlearn.acsets.limits import Cone, equalizer, limit, product, pullback, terminal
from catlearn.acsets.migration import SchemaMap, delta, delta_counit, sigma, sigma_unit
from catlearn.acsets.morphism import (
    ACSetTransformation,
    compose,
    id_,
    identity,
    is_natural,
)
from catlearn.acsets.rewriting import (
    RewriteMaps,
    Rule,
    Violation,
    can_pushout_complement,
    pushout_complement,
    pushout_complement_violations,
    rewrite,
    rewrite_maps,
)
from catlearn.acsets.schema import (
    PathEquation,
    Schema,
    SchGraph,
    SchLabeledGraph,
    SchReflexiveGraph,
    SchSymmetricGraph,
)
from catlearn.acsets.serialization import (
    SchemaJSON,
    generate_json_acset,
    parse_json_acset,
    read_json_acset,
    read_json_schema,
    write_json_acset,
    write_json_schema,
)
from catlearn.acsets.subobject import Subobject, epi_mono, image

__all__ = [
    "UNSET", "ACSet", "AttrVar", "is_var", "ACSetTransformation", "compose", "id_",
    "identity", "PathEquation", "Schema", "SchGraph", "SchLabeledGraph",
    "SchReflexiveGraph", "SchSymmetricGraph", "SchemaJSON", "generate_json_acset",
    "parse_json_acset", "read_json_acset", "read_json_schema", "write_json_acset",
    "write_json_schema", "to_graphviz", "render", "render_svg", "dot_available",
    "Cocone", "coequalizer", "colimit", "coproduct", "initial", "pushout", "Diagram",
    "DiagramArrow", "FinDiagram", "universal", "count_homomorphisms", "homomorphism",
    "homomorphisms", "is_homomorphic", "is_isomorphic", "isomorphism", "isomorphisms",
    "Cone", "equalizer",
    "limit", "product", "pullback", "terminal", "is_natural",
    "Subobject", "image", "epi_mono", "Rule", "Violation", "RewriteMaps",
    "can_pushout_complement", "pushout_complement", "pushout_complement_violations",
    "rewrite", "rewrite_maps", "SchemaMap", "delta", "sigma", "sigma_unit", "delta_counit",
    "automorphisms", "canonical_form", "canonical_hash",
]
