"""Loading an algorithm file as LEAN and the lean CLI do.

- ``AlgorithmImports`` is installed in ``sys.modules`` (local_lean.algorithm_imports), so the
  algorithm's ``from AlgorithmImports import *`` needs no path tricks; so are LEAN's framework
  model modules (``from Portfolio.EqualWeightingPortfolioConstructionModel import ...``, see
  local_lean/framework/lean_modules.py), LEAN's ``QuantConnect.*`` namespaces and ``clr``
  (local_lean/lean_namespaces.py).
- The algorithm's folder goes first on ``sys.path``, so ``import lstm_model`` finds the file
  beside it.
- ``config.json`` beside the algorithm is read as the lean CLI reads it: its "parameters"
  object (string values) feeds ``get_parameter``.
- The module must define exactly one QCAlgorithm subclass (imported base classes don't count).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from local_lean.errors import LocalLeanError


class AlgorithmLoadError(LocalLeanError):
    """The algorithm file cannot be used: missing, unreadable, or with no QCAlgorithm subclass."""


class ConfigError(LocalLeanError, ValueError):
    """config.json beside the algorithm is not a lean CLI project file we can read."""


def install_algorithm_imports() -> None:
    """Make ``from AlgorithmImports import *`` give the runner's API, and LEAN's framework
    modules and namespaces (``from QuantConnect.Orders import *``, ``import clr``) too."""
    import local_lean.algorithm_imports as algorithm_imports
    import local_lean.lean_namespaces as lean_namespaces
    from local_lean.framework.lean_modules import install_lean_modules

    sys.modules["AlgorithmImports"] = algorithm_imports
    install_lean_modules()
    lean_namespaces.install()


def read_project_parameters(algorithm_path: Path) -> dict[str, str]:
    """The "parameters" of config.json beside the algorithm ({} when there is no config.json)."""
    config = Path(algorithm_path).resolve().parent / "config.json"
    if not config.is_file():
        return {}
    try:
        content = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{config} is not valid JSON ({error}); fix or remove it") from None
    if not isinstance(content, dict):
        raise ConfigError(f"{config} must hold a JSON object, as `lean project-create` writes")
    parameters = content.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f'{config}: "parameters" must be an object of name: "value" pairs')
    return {str(name): _as_text(config, str(name), value) for name, value in parameters.items()}


def _as_text(config: Path, name: str, value: object) -> str:
    # The lean CLI passes every parameter to LEAN as a string; a list, object or null has no
    # string form an algorithm could parse back, so it is refused rather than mangled.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    kind = "null" if value is None else ("a list" if isinstance(value, list) else "an object")
    raise ConfigError(
        f'{config}: parameter "{name}" is {kind}; parameter values are strings (numbers and '
        f'booleans are read as strings too), e.g. "{name}": "value"'
    )


def load_algorithm_class(algorithm_path: str | Path) -> type:
    """Import the file and return its single QCAlgorithm subclass."""
    from local_lean.algorithm import QCAlgorithm

    path = Path(algorithm_path).expanduser()
    if not path.is_file():
        raise AlgorithmLoadError(
            f"algorithm file {path} does not exist: give the path of a .py file that defines a "
            "QCAlgorithm subclass"
        )
    if path.suffix != ".py":
        raise AlgorithmLoadError(f"{path} is not a Python file (.py): local_lean runs Python only")
    path = path.resolve()
    install_algorithm_imports()
    folder = str(path.parent)
    if folder in sys.path:
        sys.path.remove(folder)
    sys.path.insert(0, folder)
    module_name = path.stem
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise AlgorithmLoadError(f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is not None:
            sys.modules[module_name] = previous
        else:
            sys.modules.pop(module_name, None)
        raise
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, QCAlgorithm)
        and value is not QCAlgorithm
        and value.__module__ == module_name
    ]
    # A base class defined in the same file is not the algorithm: keep the most derived ones.
    leaves = [cls for cls in found if not any(o is not cls and issubclass(o, cls) for o in found)]
    if not leaves:
        raise AlgorithmLoadError(
            f"{path} defines no QCAlgorithm subclass: write `class MyAlgorithm(QCAlgorithm):` "
            "with an initialize method"
        )
    if len(leaves) > 1:
        names = ", ".join(sorted(cls.__name__ for cls in leaves))
        raise AlgorithmLoadError(
            f"{path} defines several QCAlgorithm subclasses ({names}): keep one per file"
        )
    return leaves[0]
