"""Learning graphs and learning diagrams (the heart of catlearn; backend-free).

>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y").model("c", "X", "Y")
>>> LearningDiagram.from_graph(g).equations
(Equation(N ⋅ x ⋅ c = N ⋅ y),)
"""

from catlearn.learning.compose import colimit_of, glue, inclusion, shared_subgraph
from catlearn.learning.diagram import (
    DEFAULT_COMPARATOR,
    POLICIES,
    LearningDiagram,
    find_equations,
)
from catlearn.learning.equation import GRAD_SIDES, Equation, path_text
from catlearn.learning.graph import (
    DATA,
    FIXED,
    LEARNABLE,
    ROLES,
    LearningGraph,
    SchLearningGraph,
)
from catlearn.learning.morphism import (
    SYMMETRIC_COMPARATORS,
    DiagramMorphism,
    diagram_automorphisms,
    find_embeddings,
    find_graph_maps,
)
from catlearn.learning.picture import to_text, write_picture
from catlearn.learning.plan import LossPlan, PlanEquation, PlanNode, compile_plan
from catlearn.learning.rewrite import (
    DiagramRewrite,
    LearningRule,
    RoleOf,
    attach_teacher,
    edge_rule,
    insert_adapter,
    rewrite_diagram,
    split_model,
)
from catlearn.learning.semantics import (
    equation_triples,
    loss_expr,
    loss_functor,
    loss_functor_on,
    pullback_realisation,
    symbolic_realisation,
)
from catlearn.learning.spec import (
    DataSpec,
    InitSpec,
    LearningDiagramSpec,
    SpecError,
    TrainingSpec,
    diagram_from_text,
    dump_spec,
    json_schema,
    load_diagram,
    load_spec,
    load_spec_and_diagram,
    to_spec,
)

__all__ = [
    "DATA", "FIXED", "LEARNABLE", "ROLES", "LearningGraph", "SchLearningGraph",
    "Equation", "GRAD_SIDES", "path_text", "LearningDiagram", "find_equations", "POLICIES",
    "DEFAULT_COMPARATOR", "LossPlan", "PlanEquation", "PlanNode", "compile_plan",
    "LearningDiagramSpec", "DataSpec", "InitSpec", "TrainingSpec", "SpecError",
    "diagram_from_text", "dump_spec", "json_schema",
    "load_diagram", "load_spec", "load_spec_and_diagram", "to_spec", "to_text",
    "write_picture", "glue",
    "colimit_of", "inclusion", "shared_subgraph", "DiagramMorphism", "find_embeddings",
    "find_graph_maps", "SYMMETRIC_COMPARATORS", "equation_triples", "loss_expr",
    "loss_functor", "loss_functor_on", "pullback_realisation", "symbolic_realisation",
    "diagram_automorphisms", "DiagramRewrite", "LearningRule", "RoleOf", "attach_teacher",
    "edge_rule", "insert_adapter", "rewrite_diagram", "split_model",
]
