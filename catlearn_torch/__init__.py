"""The PyTorch backend of catlearn: realisations, compiled losses, training.

This package is the only place that imports torch; the core ``catlearn`` never does.

>>> import torch, torch.nn as nn
>>> import catlearn_torch as ct
>>> g = LearningGraph().data("x", "N", "X").data("y", "N", "Y")
>>> g = g.fixed("teacher", "X", "Y").model("student", "X", "Y")
>>> D = LearningDiagram.from_graph(g)
>>> R = ct.Realisation(D, spaces={"Y": "kl(temperature=4)"},
...                    models={"teacher": nn.Linear(8, 5), "student": nn.Linear(8, 5)})
>>> loss = ct.compile(D, R)
>>> total, terms = loss({"x": torch.randn(16, 8), "y": torch.randn(16, 5)})
>>> list(terms)
['x ⋅ student = x ⋅ teacher', 'x ⋅ student = y']
>>> loss.model("teacher").weight.requires_grad
False
"""

from __future__ import annotations

try:
    import torch  # noqa: F401
except ImportError as err:  # pragma: no cover - torch is this backend's dependency
    raise ImportError("catlearn_torch needs PyTorch: pip install 'catlearn-diagrams[torch]'"
                      ) from err

from catlearn_torch.comparators import (
    BUILTINS,
    KL,
    L1,
    MSE,
    Comparator,
    Cosine,
    CrossEntropy,
    FunctionComparator,
    InfoNCE,
    SqDist,
    get_comparator,
)
from catlearn_torch.compile import CheckReport, CompiledDiagram, LossOutput, compile, unwrap
from catlearn_torch.data import (
    INDEX,
    Indexed,
    Masked,
    MaxSizeCycle,
    as_columns,
    source_columns,
    split_batches,
)
from catlearn_torch.distributed import ddp
from catlearn_torch.errors import (
    BatchError,
    CheckError,
    CheckpointError,
    ComparatorError,
    MissingDependencyError,
    NonFiniteLossError,
    RealisationError,
    SurgeryError,
    TorchBackendError,
    UnreachedModelWarning,
    WeightingError,
)
from catlearn_torch.realise import Lambda, Realisation, Space
from catlearn_torch.surgery import (
    load_model,
    rewrap,
    save_model,
    sync_optimizer,
    transfer,
    transfer_rewrite,
)
from catlearn_torch.train import (
    EarlyStopping,
    History,
    fit,
    load_checkpoint,
    make_optimizer,
    param_groups,
    restore_checkpoint,
    save_checkpoint,
)
from catlearn_torch.weighting import (
    DWA,
    IMTLG,
    MGDA,
    WEIGHTINGS,
    CAGrad,
    Fixed,
    GradientManipulation,
    GradNorm,
    PCGrad,
    Uncertainty,
    Weighting,
    get_weighting,
    shared_edges,
)

__all__ = [
    "Realisation", "Space", "Lambda",
    "compile", "CompiledDiagram", "LossOutput", "CheckReport", "unwrap",
    "Comparator", "MSE", "SqDist", "L1", "CrossEntropy", "KL", "Cosine", "InfoNCE",
    "FunctionComparator", "BUILTINS", "get_comparator",
    "MaxSizeCycle", "as_columns", "source_columns", "split_batches",
    "Masked", "Indexed", "INDEX",
    "Weighting", "Fixed", "Uncertainty", "DWA", "GradNorm", "WEIGHTINGS", "get_weighting",
    "shared_edges", "GradientManipulation", "PCGrad", "CAGrad", "MGDA", "IMTLG",
    "save_model", "load_model", "transfer", "sync_optimizer", "rewrap", "transfer_rewrite",
    "fit", "History", "EarlyStopping", "param_groups", "make_optimizer",
    "save_checkpoint", "load_checkpoint", "restore_checkpoint",
    "ddp",
    "TorchBackendError", "RealisationError", "ComparatorError", "BatchError", "CheckError",
    "NonFiniteLossError", "CheckpointError", "MissingDependencyError", "WeightingError",
    "SurgeryError",
    "UnreachedModelWarning",
]
