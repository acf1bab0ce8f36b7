"""Error classes and message templates of the torch backend, kept in one module.

Every error names what is wrong: the edge, the path, the space, the equation, the data
source or the checkpoint file. The classes subclass :class:`catlearn.errors.CatlearnError`
and a builtin kind (``ValueError``, ``TypeError``, ``ImportError``, ``FloatingPointError``)
so callers that catch the builtin kinds keep working.

>>> err = RealisationError(MISSING_MODELS.format(names="f, g"))
>>> str(err)
'no module is given for the edge(s) f, g: every fixed and learnable edge needs an nn.Module'
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from catlearn.errors import CatlearnError

__all__ = [
    "TorchBackendError",
    "RealisationError",
    "ComparatorError",
    "BatchError",
    "CheckError",
    "NonFiniteLossError",
    "CheckpointError",
    "WeightingError",
    "SurgeryError",
    "MissingDependencyError",
    "UnreachedModelWarning",
]


class TorchBackendError(CatlearnError):
    """Base class of the errors raised on purpose by ``catlearn_torch``.

    >>> issubclass(CheckpointError, TorchBackendError)
    True
    """


class RealisationError(TorchBackendError, ValueError):
    """A realisation does not fit its diagram: a missing or extra module or space, a
    module that is not an ``nn.Module``, an unknown comparator name.

    >>> isinstance(RealisationError("edge 'f'"), ValueError)
    True
    """


class ComparatorError(TorchBackendError, ValueError):
    """A comparator cannot compare two values (shapes, dtypes, bad parameters).

    >>> isinstance(ComparatorError("kl: temperature"), ValueError)
    True
    """


class BatchError(TorchBackendError, ValueError):
    """A batch does not fit the diagram: a missing source or data column, a bad type.

    >>> isinstance(BatchError("no column 'y'"), ValueError)
    True
    """


class CheckError(TorchBackendError, ValueError):
    """:meth:`CompiledDiagram.check` found problems; the message lists each one, naming
    the edge and the path (the original exception, if any, is kept as ``original``).

    >>> CheckError("check found 1 problem(s)", ("edge 'f' ...",)).problems
    ("edge 'f' ...",)
    """

    def __init__(self, message: str, problems: tuple[str, ...] = (),
                 original: BaseException | None = None) -> None:
        super().__init__(message)
        self.problems = problems
        self.original = original


class NonFiniteLossError(TorchBackendError, FloatingPointError):
    """Training produced a NaN or infinite loss; the message names the equation(s), the
    epoch and step, and the last good checkpoint.

    >>> NonFiniteLossError("nan", ("x ⋅ c = y",), "run.pt").checkpoint
    'run.pt'
    """

    def __init__(self, message: str, equations: tuple[str, ...] = (),
                 checkpoint: str | None = None) -> None:
        super().__init__(message)
        self.equations = equations
        self.checkpoint = checkpoint


class CheckpointError(TorchBackendError, ValueError):
    """A checkpoint cannot be read or does not fit the run that loads it.

    >>> isinstance(CheckpointError("run.pt"), ValueError)
    True
    """


class WeightingError(TorchBackendError, ValueError):
    """An equation-weighting strategy cannot be built or applied (an unknown name, bad
    parameters, no model shared by the equations for GradNorm).

    >>> isinstance(WeightingError("gradnorm: no shared model"), ValueError)
    True
    """


class SurgeryError(TorchBackendError, ValueError):
    """Model surgery does not fit: an edge without a module, a transfer map that does not
    fit the two regimes, a module whose parameters do not match the saved ones.

    >>> isinstance(SurgeryError("edge 'c'"), ValueError)
    True
    """


class MissingDependencyError(TorchBackendError, ImportError):
    """An optional dependency (e.g. ``lightning``) is not installed.

    >>> isinstance(MissingDependencyError("pip install lightning"), ImportError)
    True
    """


class UnreachedModelWarning(UserWarning):
    """A learnable model never receives a gradient (no equation reaches it, or only the
    detached side of equations does).

    >>> issubclass(UnreachedModelWarning, UserWarning)
    True
    """


MISSING_MODELS = (
    "no module is given for the edge(s) {names}: every fixed and "
    "learnable edge needs an nn.Module")
EXTRA_MODELS = (
    "modules are given for edge(s) the diagram does not have: {names} "
    "(its fixed and learnable edges: {known})")
DATA_EDGE_MODEL = (
    "edge(s) {names} are data columns (they come from the batch), not "
    "models: leave them out of models=")
NOT_A_MODULE = "the model of {role} edge {edge!r} must be an nn.Module, not {type}"
EXTRA_SPACES = (
    "spaces= names space(s) the diagram does not have: {names} (its spaces: "
    "{known})")
BAD_SPACE = (
    "the realisation of space {space!r} must be a comparator name, a callable "
    "(a, b) -> scalar or a Space, not {type}")
DIAGRAM_MISMATCH = (
    "compile(diagram, realisation): the realisation was made for "
    "another diagram")
BAD_COMPARATOR_SPEC = (
    "cannot read the comparator {text!r}: {why} (write e.g. 'kl', "
    "'kl(temperature=4)')")
BAD_COMPARATOR_ARGS = "comparator {name!r}: {why}"
NOT_SCALAR = "comparator {name} returned {what}, not a scalar tensor"
NO_SOURCE_BATCH = "no batch for the data source(s) {missing} (sources: {sources})"
EXTRA_SOURCE_BATCH = (
    "batches are given for {extra}, which are not data sources of "
    "the diagram (sources: {sources})")
MISSING_COLUMN = (
    "the batch of source {source!r} has no column {edge!r} (a data edge "
    "of {source}); it has: {have}")
COLUMN_COUNT = (
    "the batch of source {source!r} is a sequence of {got} items, but the "
    "source has {n} data edge(s) ({edges}), matched in that order")
BAD_BATCH = (
    "the batch of source {source!r} must be a mapping from data-edge names to "
    "tensors, a tuple/list of tensors in the order {edges}{single}, not {type}")
BAD_BATCHES = (
    "batches must be a mapping from source names ({sources}) to batches, or "
    "a tuple/list of one batch per source in that order, not {type}")
MASK_SIZE = "a column mask has {got} entries, but the column has {n} examples"
INDEXED_COLUMNS = "Indexed: an item has {got} entries, but columns= names {columns}"
INDEXED_ITEM = (
    "Indexed: items of type {type} need columns= (the source's data edges "
    "in graph order) to become mappings; or return mappings from the dataset")
NO_INDEX = (
    "the cache of frozen paths needs each example's index: the batch of "
    "source {source!r} has no key 'index' (wrap the dataset in catlearn_torch.Indexed, or "
    "add an int tensor of shape (n,) under 'index')")
INDEX_EDGE = (
    "a data edge is called 'index', the batch key the cache reserves for "
    "example indices: relabel the edge to use cache=True")
BAD_MISSING = "missing= names {names}, which are not data edges (data edges: {known})"
CHECK_FAILED = "check found {n} problem(s):\n{problems}"
MODULE_FAILED = (
    "edge {edge!r} ({role}, {src} -> {tgt}) on path {path} failed on an "
    "input of {got}: {error}")
NOT_A_TENSOR = (
    "edge {edge!r} ({role}, {src} -> {tgt}) on path {path} returned "
    "{type}, not a tensor")
BATCH_SIZE = (
    "path {path} (edge {edge!r}) has batch size {got}, but the batch of "
    "source {source!r} has {expected} (from data edge {first!r})")
SPACE_SHAPE = (
    "path {path} (edge {edge!r}) gives a value of {got} in space {space!r}, "
    "which is declared with per-example shape {shape}")
SPACE_DTYPE = (
    "path {path} (edge {edge!r}) gives a value of {got} in space {space!r}, "
    "which is declared with dtype {dtype}")
COMPARISON_FAILED = (
    "equation {equation!r} in space {space!r} ({comparator}): cannot "
    "compare lhs {lhs} ({lgot}) with rhs {rhs} ({rgot}): {why}")
UNREACHED = "learnable model(s) {names} get no gradient: {why}"
NO_PARAMETERS = "learnable edge {edge!r} has a module with no trainable parameters"
NON_FINITE = "non-finite loss at epoch {epoch}, step {step}: {terms}; {checkpoint}"
NO_LEARNABLE = (
    "no trainable parameters: the diagram's learnable edges are all "
    "frozen or have no parameters")
BAD_LOADERS = (
    "loaders must be one loader (one source), a mapping from source names "
    "({sources}) to loaders, or a sequence of one loader per source, not {type}")
EMPTY_LOADER = "the loader of source {source!r} yields no batch"
BAD_EDGE_LR = (
    "edge_lr names edge(s) that are not learnable edges: {names} "
    "(learnable: {known})")
BAD_OPTIMIZER = (
    "optimizer must be a torch.optim.Optimizer, a callable taking "
    "parameter groups (e.g. an optimizer class or functools.partial), or None, not {type}")
CKPT_UNREADABLE = "cannot read the checkpoint {path}: {why}"
CKPT_FORMAT = (
    "{path} is not a catlearn_torch checkpoint (format {got!r}, expected "
    "{expected!r} version {version})")
CKPT_DIAGRAM = (
    "the checkpoint {path} was written for another diagram:\n{theirs}\n"
    "this run's diagram:\n{ours}")
CKPT_WEIGHTING = (
    "the checkpoint {path} was written with the weighting {theirs}, but "
    "this run uses {ours}")
CKPT_MODELS = (
    "the checkpoint {path} holds models for edges {theirs}, but this run has "
    "{ours}")
UNKNOWN_WEIGHTING = (
    "unknown weighting {name!r} (built in: {known}; or pass a "
    "Weighting instance)")
BAD_WEIGHTING_ARGS = "weighting {name!r}: {why}"
NO_SHARED = (
    "GradNorm needs a learnable model on the paths of at least two weighted "
    "equations (the shared model whose gradient it balances); none is: pass shared=[edge, "
    "...] (learnable edges: {known})")
BAD_SHARED = (
    "GradNorm shared= names {names}, which are not trainable learnable edges "
    "(those are: {known})")
WEIGHTING_NOT_OPTIMISED = (
    "the weighting {name} has trainable parameters that the "
    "optimiser does not hold: build it with make_optimizer/param_groups(compiled), which "
    "add a 'weighting' group")
NO_MODULE = (
    "edge {edge!r} has no module (data edges are columns); edges with modules: "
    "{known}")
MODEL_FILE = "{path} holds no model for edge {edge!r} (it holds: {have})"
MODEL_LOAD = (
    "cannot load the saved parameters of edge {src!r} into edge {edge!r}: "
    "{why}")
TRANSFER_MAP = "transfer: {why}"
MISSING_DEPENDENCY = (
    "{feature} needs the package {package!r}, which is not "
    "installed: pip install {pip}")

# ---------------------------------------------------------------- trainer (torch-trainer)
CKPT_CORRUPT = (
    "the checkpoint {path} is corrupt: {why}; it cannot be trusted — "
    "resume from another checkpoint (e.g. pass --resume with an older file, or another "
    "resume= path) or start afresh")
CKPT_OLD = (
    "the checkpoint {path} was written by an older catlearn_torch (format "
    "version 1, without a digest), so it cannot be verified; write it again with this "
    "version")
CKPT_KEY = "the checkpoint {path} is damaged: {why}"
NO_MONITOR = (
    "{what} monitors {name!r}, which the epoch's record does not have "
    "(it has: {known}); pass monitor= one of those (an evaluate= metric, 'total' or an "
    "equation's name)")
BAD_FIT_ARG = "fit: {name} must be {expected}, not {got!r}"
EMA_EDGES = "ema_edges: {why}"
FP16_CPU = (
    "precision='16-mixed' (float16 autocast with a gradient scaler) is not "
    "supported on the CPU; using precision='bf16-mixed' instead, as Lightning does")
MANIPULATION_BACKWARD = (
    "{name} manipulates the gradients of the shared model "
    "({shared}); it cannot run {why}")
# ---------------------------------------------------------------- batch guards, unwrap
# (the compiled loss's own checks of each batch: catlearn_torch.batch)
EMPTY_BATCH = (
    "the batch of source {source!r} is empty (column {edge!r} has 0 "
    "examples): equation(s) {equations} would compare nothing")
COLUMN_RANK = (
    "column {edge!r} of source {source!r} is a 0-dimensional tensor; its "
    "first dimension must be the batch (equation(s) {equations})")
COLUMN_SIZE = (
    "column {edge!r} of source {source!r} has {got} examples, but column "
    "{first!r} of the same batch has {expected} (equation(s) {equations})")
COLUMN_SPACE = (
    "column {edge!r} of source {source!r} has {got}, but its space {space!r} "
    "is declared with {what} (equation(s) {equations})")
EDGE_INPUT = (
    "edge {edge!r} ({role}, {src} -> {tgt}) on path {path} {why} (its first "
    "layer is {layer}), got {got}")
EDGE_FAILED = (
    "edge {edge!r} ({role}, {src} -> {tgt}) on path {path} failed on an "
    "input of {got}: {error}")
BAD_COMPARISON = (
    "equation {equation!r} ({comparator}): cannot compare lhs {lhs} "
    "({lgot}) with rhs {rhs} ({rgot}): {why}")
LABEL_RANGE = (
    "equation {equation!r} ({comparator}): the class indices of {side} "
    "{path} must lie in [0, {classes}) (or be -100, the ignored index), got {low}..{high} "
    "({bad} of {n} out of range)")
NON_FINITE_INPUT = (
    "equation {equation!r}: column {edge!r} of source {source!r} ({side}"
    " {path}) holds non-finite values (NaN or inf) in {bad} of {n} example(s); mark "
    "missing values as such (Masked, '{edge}.mask', or missing={{{edge!r}: "
    "float('nan')}})")
ALL_IGNORED = (
    "equation {equation!r}: every class index of {side} {path} is -100 "
    "(ignored), so cross-entropy has nothing to average (NaN); declare them missing "
    "(e.g. missing={{'<column>': -100}}) and the equation contributes 0 on such batches")
CACHE_SIZE = (
    "under torch.compile the cache of frozen paths has a fixed size: give it "
    "with compile(..., cache=N) or enable_cache(size=N), N the number of examples of the "
    "data set (indices 0..N-1)")
BAD_CACHE = "cache must be True, False or a number of examples >= 1, not {got!r}"
BAD_MASKED = "masked must be 'auto', 'gather' or 'fill', not {got!r}"
UNWRAP_SELF = (
    "{type} wraps itself (its .{attr} is the object itself): cannot find the "
    "compiled diagram inside")
UNWRAP_TOO_DEEP = (
    "no compiled diagram within {depth} levels of wrappers of {type} "
    "(.module / ._orig_mod)")
UNWRAP_TYPE = "expected a compiled diagram (or a wrapper of one), not {type}"


class WrapperError(TorchBackendError, TypeError):
    """:func:`catlearn_torch.unwrap` found no compiled diagram inside a wrapper (a wrapper
    of itself, too deep a chain, or no diagram at all).

    >>> isinstance(WrapperError("not a compiled diagram"), TypeError)
    True
    """


__all__ += ["WrapperError"]


# --- plugins and the catlearn command (registries filled by entry points and --plugin)
class PluginError(TorchBackendError, ImportError):
    """A plugin module (``--plugin MODULE``) or an entry point of the groups
    ``catlearn.models``, ``catlearn.datasets``, ``catlearn.comparators`` cannot be loaded.

    >>> isinstance(PluginError("--plugin mymodels"), ImportError)
    True
    """


__all__ += ["PluginError"]

PLUGIN_MISSING = (
    "--plugin {module}: there is no module {module!r} to import (is it "
    "installed, or its folder on PYTHONPATH?{hint})")
PLUGIN_FAILED = "--plugin {module}: importing it failed: {error}"
ENTRY_POINT_FAILED = (
    "the {kind} {name!r} comes from the entry point '{value}' (group "
    "{group}{dist}), which failed to load: {error}")
REGISTERED_COMPARATOR_FAILED = (
    "comparator {name!r}: building it with {args} failed: "
    "{error}")
UNKNOWN_COMPARATOR_REGISTERED = (
    "unknown comparator {name!r} (built in: {builtins}; "
    "registered: {registered}; or register one with catlearn_torch.comparators.register, "
    "an entry point in the group catlearn.comparators, or Realisation(..., "
    "comparators={{name: callable}}))")
DUPLICATE_COMPARATOR = (
    "a comparator is already registered as {name!r}; pass "
    "replace=True to register(...) to replace it")


# ---------------------------------------------------------------- fusion (fuse=True)
BAD_FUSE = "fuse must be True or False, not {got!r}"
