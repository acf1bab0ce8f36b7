"""catlearn: learning diagrams, compositional training regimes compiled to one loss.

The core is backend-free (it never imports torch): a C-set engine (:mod:`catlearn.acsets`),
categories and the Cost category (:mod:`catlearn.categories`), learning graphs and diagrams
(:mod:`catlearn.learning`), and an exact sympy semantics (:mod:`catlearn.symbolic`).

>>> import catlearn
>>> catlearn.__version__
'0.1.0'
"""

__version__ = "0.1.0"
