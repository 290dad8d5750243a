"""The project folder is what the lean CLI and QuantConnect's cloud expect to find."""

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What LEAN's image offers besides the standard library (DockerfileLeanFoundation's versions).
LEAN_IMAGE_LIBRARIES = {"AlgorithmImports", "numpy", "pandas", "sklearn", "keras", "tensorflow"}
UPLOADED_MODULES = {"lstm_model", "model_cache"}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_config_json_is_a_lean_cli_project_file():
    config = json.loads((ROOT / "config.json").read_text())
    assert config["algorithm-language"] == "Python"
    assert isinstance(config["description"], str)
    parameters = config["parameters"]
    assert parameters, "the strategy's settings live in config.json's parameters"
    # The lean CLI and the cloud pass parameter values as strings.
    assert all(isinstance(value, str) for value in parameters.values()), parameters


def test_uploaded_files_import_only_what_leans_image_has():
    allowed = LEAN_IMAGE_LIBRARIES | UPLOADED_MODULES | set(sys.stdlib_module_names)
    for name in ("main.py", "lstm_model.py", "model_cache.py"):
        imported = imported_top_level_modules(ROOT / name)
        assert imported <= allowed, f"{name} imports {sorted(imported - allowed)}"
        assert "local_lean" not in imported, f"{name} must run on LEAN without local_lean"


def test_every_parameter_in_config_json_is_read_by_main_py():
    config = json.loads((ROOT / "config.json").read_text())
    source = (ROOT / "main.py").read_text()
    unread = [name for name in config["parameters"] if f'"{name}"' not in source]
    assert not unread, f"config.json parameters that main.py never reads: {unread}"
