"""Categories for learning diagrams: graphs, paths, free and finitely presented
categories, functors, path enumeration, and the Cost category.

    >>> from catlearn.categories import FreeCategory, Graph
    >>> C = FreeCategory(Graph(("x", "y", "z"), (("f", "x", "y"), ("g", "y", "z"))))
    >>> C.path("f") >> C.path("g")
    x ⋅ f ⋅ g
"""

from catlearn.categories.category import Category, CategoryLike
from catlearn.categories.cost import (
    Cost,
    CostObject,
    Reparametrisation,
    dominates,
    domination_constant,
)
from catlearn.categories.errors import (
    CategoryError,
    CategoryTypeError,
    CompositionError,
    CostError,
    FunctorLawError,
    TooManyPathsError,
    UndecidedEqualityError,
)
from catlearn.categories.fincat import FinCat, PathLike
from catlearn.categories.free import FreeCategory
from catlearn.categories.functor import Functor, FunctorLike, check_functor_laws
from catlearn.categories.graph import Edge, Graph, as_graph
from catlearn.categories.path import Path
from catlearn.categories.paths import PathTrie, paths_between, paths_from

__all__ = [
    "Category",
    "CategoryLike",
    "CategoryError",
    "CategoryTypeError",
    "CompositionError",
    "Cost",
    "CostError",
    "CostObject",
    "Edge",
    "FinCat",
    "FreeCategory",
    "Functor",
    "FunctorLawError",
    "FunctorLike",
    "Graph",
    "Path",
    "PathLike",
    "PathTrie",
    "Reparametrisation",
    "TooManyPathsError",
    "UndecidedEqualityError",
    "as_graph",
    "check_functor_laws",
    "dominates",
    "domination_constant",
    "paths_between",
    "paths_from",
]
