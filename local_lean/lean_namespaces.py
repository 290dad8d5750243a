"""LEAN's .NET namespaces as Python modules: ``from QuantConnect.Orders import OrderStatus``.

In LEAN, Python algorithms can import from the namespaces themselves, not only from
``AlgorithmImports``, and call ``clr.AddReference("System")`` first. A namespace here gives the
names the runner offers (``AlgorithmImports``'s, and the engine's ``DefaultDataProvider``) that
LEAN defines in it, as the installed quantconnect-stubs say (``namespace_names``); ``install``
puts a finder for them, and a harmless ``clr``, in place.

- A name the runner does not offer there fails as Python's own import does: ``ImportError:
  cannot import name 'X' from 'QuantConnect.Orders'``.
- A namespace LEAN does not have fails with a ModuleNotFoundError naming it.
- .NET's ``System.Collections.Generic`` gives ``Dictionary`` and ``List``
  (``local_lean/dotnet_collections.py``), as pythonnet gives LEAN's algorithms .NET's types;
  another ``System`` namespace fails with a ModuleNotFoundError naming what is offered.

These modules shadow the quantconnect-stubs package of the same name in a process that loads
an algorithm; the runner reads the stubs by path (local_lean/lean_stubs.py), never by import.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

from local_lean.lean_stubs import class_names, namespace_folder

# Python-only names LEAN also offers in a namespace (not classes of LEAN's assemblies).
_ALIASES = {"QuantConnect.Algorithm": ("QCAlgorithmFramework", "QCAlgorithmFrameworkBridge")}

# Names LEAN's AlgorithmImports does not export (its engine's namespaces), from their modules.
_OUTSIDE_ALGORITHM_IMPORTS = {"DefaultDataProvider": "local_lean.data.auxiliary"}

_ROOT = "QuantConnect"


def _offered() -> dict[str, Any]:
    """Every name the runner offers algorithms: AlgorithmImports' and the engine's few."""
    import importlib

    import local_lean.algorithm_imports as algorithm_imports

    names = {name: value for name, value in vars(algorithm_imports).items() if name[:1].isupper()}
    for name, module in _OUTSIDE_ALGORITHM_IMPORTS.items():
        names[name] = getattr(importlib.import_module(module), name)
    return names


def namespace_names(namespace: str) -> list[str]:
    """The names a namespace gives here: those the runner offers that LEAN's stubs define in
    it (so a model added to AlgorithmImports is importable from its namespace too)."""
    defined = class_names(namespace) | set(_ALIASES.get(namespace, ()))
    return sorted(name for name in _offered() if name in defined)


def build_module(namespace: str) -> types.ModuleType:
    """The module of one namespace, with its names (and ``__all__``)."""
    module = types.ModuleType(namespace, f"LEAN's {namespace} namespace, as local_lean offers it")
    offered = _offered()
    names = namespace_names(namespace)
    for name in names:
        setattr(module, name, offered[name])
    module.__all__ = names
    module.__path__ = []  # a package: its sub-namespaces import beneath it
    module.__spec__ = importlib.machinery.ModuleSpec(namespace, _Finder, is_package=True)
    return module


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of ``QuantConnect`` namespaces: the table's, or an ImportError naming it."""

    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != _ROOT and not fullname.startswith(_ROOT + "."):
            return None
        if namespace_folder(fullname) is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': LEAN has no such namespace (as quantconnect-"
                "stubs lists them; install quantconnect-stubs if it is missing); import the "
                "names from AlgorithmImports",
                name=fullname,
            )
        return importlib.machinery.ModuleSpec(fullname, cls, is_package=True)

    @classmethod
    def create_module(cls, spec: Any) -> types.ModuleType:
        return build_module(spec.name)

    @classmethod
    def exec_module(cls, module: types.ModuleType) -> None:
        """The module is complete when created."""


# .NET's own namespaces that LEAN's Python algorithms import from (pythonnet gives them all;
# the runner the names below): each module's names, by the module that defines them.
_SYSTEM_NAMESPACES = {
    "System": {},
    "System.Collections": {},
    "System.Collections.Generic": {
        "Dictionary": "local_lean.dotnet_collections",
        "List": "local_lean.dotnet_collections",
    },
}


class _SystemFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of ``System`` namespaces: the table's names, or an error naming the module."""

    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "System" and not fullname.startswith("System."):
            return None
        if fullname not in _SYSTEM_NAMESPACES:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': local_lean offers .NET's "
                "System.Collections.Generic (Dictionary, List) only; use Python's own types",
                name=fullname,
            )
        return importlib.machinery.ModuleSpec(fullname, cls, is_package=True)

    @classmethod
    def create_module(cls, spec: Any) -> types.ModuleType:
        import importlib

        module = types.ModuleType(
            spec.name, f".NET's {spec.name} namespace, as local_lean offers it"
        )
        names = _SYSTEM_NAMESPACES[spec.name]
        for name, owner in names.items():
            setattr(module, name, getattr(importlib.import_module(owner), name))
        module.__all__ = sorted(names)
        module.__path__ = []
        module.__spec__ = spec
        return module

    @classmethod
    def exec_module(cls, module: types.ModuleType) -> None:
        """The module is complete when created."""


def _add_reference(*assemblies: Any) -> None:
    """``clr.AddReference("System")``: the names already exist here; nothing to load."""


def clr_module() -> types.ModuleType:
    """A stand-in for pythonnet's ``clr``: ``AddReference`` does nothing, as every name LEAN's
    algorithms reference is already importable."""
    module = types.ModuleType("clr", "pythonnet's clr, as local_lean needs it: AddReference")
    module.AddReference = _add_reference
    module.__all__ = ["AddReference"]
    return module


def install() -> None:
    """Make ``QuantConnect.*`` namespaces and ``clr`` importable (idempotent)."""
    if not any(finder is _Finder for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder)
    if not any(finder is _SystemFinder for finder in sys.meta_path):
        sys.meta_path.insert(0, _SystemFinder)
    for name in [name for name in sys.modules if name == "System" or name.startswith("System.")]:
        if getattr(sys.modules[name].__spec__, "loader", None) is not _SystemFinder:
            del sys.modules[name]  # quantconnect-stubs' System: not what pythonnet gives
    for name in [name for name in sys.modules if name == _ROOT or name.startswith(_ROOT + ".")]:
        if not isinstance(sys.modules[name].__spec__, importlib.machinery.ModuleSpec) or (
            sys.modules[name].__spec__.loader is not _Finder
        ):
            del sys.modules[name]  # e.g. quantconnect-stubs imported earlier: not LEAN's API
    if "clr" not in sys.modules:
        sys.modules["clr"] = clr_module()


__all__ = ["build_module", "clr_module", "install", "namespace_names"]
