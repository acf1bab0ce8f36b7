"""Plugins: your own models, data sets and comparators, named in spec files.

A spec names models, data sets and comparators by the names under which they are
registered, and never imports anything itself. Names get registered in two ways:

* **entry points** of an installed distribution, in the groups ``catlearn.models``,
  ``catlearn.datasets`` and ``catlearn.comparators`` (found with
  :func:`importlib.metadata.entry_points`, as pytest finds its plugins). The entry
  point's name is the registered name; its object is the builder: a model builder
  ``(**args) -> nn.Module`` (:func:`catlearn_torch.zoo.register`), a data set builder
  ``(split, **args) -> ColumnDataset`` (:func:`catlearn_torch.specdata.register`), or a
  comparator class or factory ``(**options) -> comparator``
  (:func:`catlearn_torch.comparators.register`). In ``pyproject.toml``::

      [project.entry-points."catlearn.models"]
      my_encoder = "mypackage.models:build_encoder"

  An entry point is loaded the first time its name is asked for, so a broken plugin
  only matters to the specs that use it.
* **plugin modules**, imported by ``catlearn train --plugin MODULE`` (or
  :func:`load_plugins`), which register at import time with those three decorators.

>>> sorted(GROUPS)
['comparators', 'datasets', 'models']
>>> entry_point_names("catlearn.models")
[]
>>> load_plugins(["no_such_plugin_module"])
Traceback (most recent call last):
...
catlearn_torch.errors.PluginError: --plugin no_such_plugin_module: there is no module \
'no_such_plugin_module' to import (is it installed, or its folder on PYTHONPATH?)
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata as metadata
from collections.abc import Sequence
from types import ModuleType

from catlearn_torch.errors import ENTRY_POINT_FAILED, PLUGIN_FAILED, PLUGIN_MISSING, PluginError

__all__ = ["GROUPS", "load_plugins", "entry_point_names", "from_entry_point"]

#: The entry-point group of each registry.
GROUPS: dict[str, str] = {"models": "catlearn.models", "datasets": "catlearn.datasets",
                          "comparators": "catlearn.comparators"}

_KIND = {"catlearn.models": "model", "catlearn.datasets": "data set",
         "catlearn.comparators": "comparator"}


def load_plugins(modules: Sequence[str]) -> list[ModuleType]:
    """Import each plugin module (they register their models, data sets and comparators
    as they are imported); a missing module or one that fails raises
    :class:`~catlearn_torch.errors.PluginError` naming it. O(number of modules).
    """
    out = []
    for name in modules:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as err:
            if err.name is not None and name != err.name and not name.startswith(
                    f"{err.name}."):
                raise PluginError(PLUGIN_FAILED.format(
                    module=name, error=f"{type(err).__name__}: {err}")) from None
            hint = "; give a module name such as 'mypackage.models', not a file path" \
                if name.endswith(".py") or "/" in name else ""
            raise PluginError(PLUGIN_MISSING.format(module=name, hint=hint)
                              ) from None
        except Exception as err:  # the plugin's own code failed: report it, no traceback
            raise PluginError(PLUGIN_FAILED.format(
                module=name, error=f"{type(err).__name__}: {err}")) from None
    return out


@functools.cache
def _entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=group)}


def entry_point_names(group: str) -> list[str]:
    """The names the installed distributions register in ``group``, sorted (the scan of
    installed distributions is done once per process)."""
    return sorted(_entry_points(group))


def from_entry_point(group: str, name: str) -> object | None:
    """The object of the entry point ``name`` in ``group`` (loaded now), or ``None`` when
    no installed distribution declares one; a failing load raises
    :class:`~catlearn_torch.errors.PluginError` naming the entry point.

    >>> from_entry_point("catlearn.datasets", "no_such_dataset") is None
    True
    """
    ep = _entry_points(group).get(name)
    if ep is None:
        return None
    try:
        return ep.load()
    except Exception as err:  # the plugin's own code failed: report it, no traceback
        owner = getattr(ep, "dist", None)
        dist = f", distribution {owner.name}" if owner is not None else ""
        raise PluginError(ENTRY_POINT_FAILED.format(
            kind=_KIND.get(group, "object"), name=name, value=ep.value, group=group,
            dist=dist, error=f"{type(err).__name__}: {err}")) from None
