"""Learning graphs and learning diagrams (the heart of catlearn; backend-free).

>>> from catlearn.learning import LearningGraph
>>> LearningGraph().data("x", "N", "X").sources()
('N',)
"""

from catlearn.learning.graph import (
    DATA,
    FIXED,
    LEARNABLE,
    ROLES,
    LearningGraph,
    SchLearningGraph,
)

__all__ = ["DATA", "FIXED", "LEARNABLE", "ROLES", "LearningGraph", "SchLearningGraph"]
