"""The PyTorch backend of catlearn (realisations, compiled losses, training).

This package is the only place that imports torch; the core ``catlearn`` never does.
Its contents land with the torch-backend work; for now it only checks that torch is
importable and says how to install it when it is not.
"""

from __future__ import annotations

__all__: list[str] = []
