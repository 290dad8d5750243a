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
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
            return frozenset(n for n in names if not n.startswith("_"))
    return frozenset()


__all__ = ["class_names", "member_names", "namespace_folder", "stub_tree", "stubs_root"]
