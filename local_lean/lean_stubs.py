"""LEAN's names as the installed quantconnect-stubs package defines them.

The stubs are read as files, by path: in a process that loaded an algorithm, the
``QuantConnect`` modules are the runner's own (lean_namespaces.py), which shadow the stubs for
imports. Without the stubs installed, every reader here returns nothing.
"""

from __future__ import annotations

import ast
import importlib.machinery
from functools import cache, lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def stubs_root() -> Path | None:
    """The folder of the ``QuantConnect`` stubs package, or None when it is not installed."""
    spec = importlib.machinery.PathFinder.find_spec("QuantConnect")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def namespace_folder(namespace: str) -> Path | None:
    """The stub folder of a ``QuantConnect.*`` namespace; None when LEAN has no such one."""
    root = stubs_root()
    if root is None:
        return None
    folder = root.joinpath(*namespace.split(".")[1:])
    return folder if folder.is_dir() else None


@cache
def stub_tree(namespace: str) -> ast.Module | None:
    """The parsed ``__init__.pyi`` of a namespace (None without one)."""
    folder = namespace_folder(namespace)
    stub = folder / "__init__.pyi" if folder is not None else None
    if stub is None or not stub.is_file():
        return None
    return ast.parse(stub.read_text(encoding="utf-8"))


def class_names(namespace: str) -> frozenset[str]:
    """The classes (and enums) a namespace defines."""
    tree = stub_tree(namespace)
    if tree is None:
        return frozenset()
    return frozenset(node.name for node in tree.body if isinstance(node, ast.ClassDef))


def member_names(namespace: str, class_name: str) -> frozenset[str]:
    """The public members (methods, properties, fields) of one class of a namespace."""
    tree = stub_tree(namespace)
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return frozenset(_members_of(node))
    return frozenset()


@cache
def member_return_types(namespace: str, class_name: str) -> dict[str, frozenset[str]]:
    """Each public method or property of one class, with the types its overloads return, as
    written in the stubs (``QuantConnect.Indicators.AverageDirectionalIndex``)."""
    tree = stub_tree(namespace)
    types: dict[str, set[str]] = {}
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    returned = ast.unparse(item.returns) if item.returns is not None else ""
                    types.setdefault(item.name, set()).add(returned)
    return {name: frozenset(returned) for name, returned in types.items()}


@cache
def lineage_member_names(qualified: str) -> frozenset[str]:
    """The public members of a LEAN class (``QuantConnect.Securities.SecurityHolding``) and of
    the classes and interfaces it derives from (``System.Object`` included), as the stubs
    declare them; empty without the stubs."""
    names: set[str] = set()
    queue, seen = [qualified], set()
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        node = _class_node(name)
        if node is None:
            continue
        names |= _members_of(node)
        queue.extend(ast.unparse(base).split("[")[0] for base in node.bases)
    return frozenset(names)


def _class_node(qualified: str) -> ast.ClassDef | None:
    namespace, _, class_name = qualified.rpartition(".")
    root = stubs_root()
    if root is None or not namespace:
        return None
    top, *inner = namespace.split(".")
    stub = root.parent.joinpath(top, *inner, "__init__.pyi")
    tree = _parsed(stub) if stub.is_file() else None
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return node
    return None


@cache
def _parsed(stub: Path) -> ast.Module:
    return ast.parse(stub.read_text(encoding="utf-8"))


def _members_of(node: ast.ClassDef) -> set[str]:
    names = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_")}


__all__ = [
    "class_names",
    "lineage_member_names",
    "member_names",
    "member_return_types",
    "namespace_folder",
    "stub_tree",
    "stubs_root",
]
