"""local_lean's modules talk through named interfaces, never through each other's private members.

A private member (a name starting with one underscore) belongs to the module that defines it:
the module may read it on any object of its own classes (``other._value`` in ``__eq__``), but
no other module may import it or read it. The check reads the code with ``ast``: for each
``something._name`` outside ``self`` and ``cls``, `_name` must be defined in the same module (a
method, a class attribute, or an attribute assigned on ``self``); and no module imports a
private name from another. Dunder names are not private.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "local_lean"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_private_names(tree: ast.Module) -> set[str]:
    """Private names a module defines: functions, classes, methods, class attributes, module
    variables, attributes it assigns on any object, and __slots__ entries."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)  # __slots__ entries, getattr(self, "_name") defaults
    return {name for name in names if _is_private(name)}


def _violations(path: Path, package: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = _defined_private_names(tree)
    found = []
    relative = path.relative_to(package.parent)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("local_lean"):
            for alias in node.names:
                if _is_private(alias.name):
                    found.append(f"{relative}:{node.lineno} imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if isinstance(owner, ast.Call) and getattr(owner.func, "id", None) == "super":
                continue
            if node.attr not in own:
                found.append(f"{relative}:{node.lineno} reads .{node.attr}")
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_reads_another_modules_private_members():
    violations = [line for path in _modules() for line in _violations(path)]
    assert not violations, "private members read across modules:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import x\nx.y._hidden\n", ["reads ._hidden"]),
        (
            "class A:\n    def __init__(self):\n        self._v = 1\n    def f(self, o):\n"
            "        return o._v\n",
            [],
        ),
        ("from local_lean.orders import _helper\n", ["imports local_lean.orders._helper"]),
        ("def f(o):\n    return o.__class__\n", []),
    ],
)
def test_the_check_sees_what_it_should(tmp_path, source, expected):
    module = tmp_path / "local_lean" / "example.py"
    module.parent.mkdir()
    module.write_text(source)
    found = _violations(module, package=module.parent)
    assert [line.split(" ", 1)[1] for line in found] == expected
