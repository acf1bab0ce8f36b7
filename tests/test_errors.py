"""The error modules hold every message template as a named constant, each one used.

A template is a module-level ``UPPER_CASE = "..."`` string of ``catlearn/errors.py``;
call sites import it by name, so a misspelt name fails at import. These tests keep the
module tidy: a template nobody uses fails here, and so does an error class that is not
both a :class:`~catlearn.errors.CatlearnError` and a builtin exception.
"""

from __future__ import annotations

import ast
import builtins
import inspect
from pathlib import Path

import pytest

import catlearn.errors as core_errors
from catlearn.errors import CatlearnError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("catlearn", "catlearn_torch")
ERRORS_MODULES = {package: ROOT / package / "errors.py" for package in PACKAGES}


def _templates(path: Path) -> set[str]:
    """The names of the module-level string constants (the templates) of ``path``."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.isupper()
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            names.add(node.targets[0].id)
    return names


def _used_names() -> set[str]:
    """Every name read or imported anywhere in the packages (the errors modules too)."""
    used: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    used.add(node.id)
                elif isinstance(node, ast.Attribute):
                    used.add(node.attr)
                elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    used.update(alias.name for alias in node.names)
    return used


@pytest.mark.parametrize("package", sorted(ERRORS_MODULES))
def test_every_template_is_used(package: str) -> None:
    templates = _templates(ERRORS_MODULES[package])
    assert len(templates) > 50, "the templates are no longer module-level constants"
    dead = sorted(templates - _used_names())
    assert dead == [], f"dead templates in {package}/errors.py: {dead}"


def test_no_messages_dict_is_left() -> None:
    assert not hasattr(core_errors, "MESSAGES")
    source = (ROOT / "catlearn" / "errors.py").read_text(encoding="utf-8")
    assert "MESSAGES" not in source


def test_the_dead_template_check_can_fail(tmp_path: Path) -> None:
    module = tmp_path / "errors.py"
    module.write_text('USED = "a {x}"\nNEVER_USED_ANYWHERE_XYZ = "b"\nlower = "c"\n')
    templates = _templates(module)
    assert templates == {"USED", "NEVER_USED_ANYWHERE_XYZ"}
    assert "NEVER_USED_ANYWHERE_XYZ" not in _used_names()


def _error_classes(module: object) -> list[type[BaseException]]:
    return [obj for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, BaseException) and obj.__module__ == module.__name__]


BUILTIN_ERRORS = tuple(obj for obj in vars(builtins).values()
                       if isinstance(obj, type) and issubclass(obj, Exception)
                       and obj is not Exception)


@pytest.mark.parametrize("cls", _error_classes(core_errors), ids=lambda c: c.__name__)
def test_every_error_class_is_a_catlearn_error_and_a_builtin(cls: type) -> None:
    assert issubclass(cls, CatlearnError)
    if cls is not CatlearnError:
        assert issubclass(cls, BUILTIN_ERRORS), f"{cls.__name__} subclasses no builtin error"


def test_templates_are_well_formed() -> None:
    import string
    for name in _templates(ERRORS_MODULES["catlearn"]):
        template = getattr(core_errors, name)
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        assert all(f.isidentifier() or f == "" for f in fields), (name, fields)


def test_categories_errors_are_re_exported() -> None:
    from catlearn.categories import errors as cat_errors
    for name in cat_errors.__all__:
        assert getattr(cat_errors, name) is not None
    assert cat_errors.CategoryError is core_errors.CategoryError
    assert cat_errors.CompositionError is core_errors.CategoryCompositionError
    assert issubclass(cat_errors.CompositionError, core_errors.CompositionError)
