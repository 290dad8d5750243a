"""`pip install .` gives the local-lean console script, with the report's template inside."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import types
from pathlib import Path

from local_lean.cli import main

ROOT = Path(__file__).resolve().parent.parent


def requirement_ranges(lines: list[str]) -> dict[str, str]:
    """Package name (lower case) -> its version range, from requirement lines."""
    ranges = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if match := re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", line):
            ranges[match[1].lower().replace("-", "_")] = match[2].replace(" ", "")
    return ranges


def test_the_installed_dependencies_have_the_requirements_ranges():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = requirement_ranges(project["dependencies"])
    required = requirement_ranges((ROOT / "requirements.txt").read_text().splitlines())
    assert declared, "pyproject.toml declares the runtime dependencies"
    assert {name: required.get(name) for name in declared} == declared


def test_extras_are_optional_and_carry_version_ranges():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = requirement_ranges((ROOT / "requirements.txt").read_text().splitlines())
    extras = {
        name: requirement_ranges(lines)
        for name, lines in project.get("optional-dependencies", {}).items()
    }
    for packages in extras.values():
        for name, version_range in packages.items():
            assert version_range, f"{name}: an extra's package needs a version range"
            assert name not in required, f"{name} is an extra: requirements.txt must not need it"
    # torch's range must admit LEAN's image's release (2.8) and stop before an unbounded one
    assert "torch" in extras.get("torch", {})
    assert re.fullmatch(r">=2\.8,<=?[0-9.]+", extras["torch"]["torch"])


def test_pip_install_gives_the_local_lean_script(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "local_lean", source / "local_lean",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    prefix = tmp_path / "installed"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--prefix", str(prefix), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    (site_packages,) = prefix.glob("lib/python*/site-packages")
    assert (site_packages / "local_lean" / "report" / "report.html.j2").is_file()
    script = prefix / "bin" / "local-lean"
    env = {**os.environ, "PYTHONPATH": str(site_packages)}

    def local_lean(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(script), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip

    backtest_help = local_lean("backtest", "--help")
    assert backtest_help.returncode == 0 and "--no-report" in backtest_help.stdout
    report = local_lean("report", str(tmp_path))
    assert report.returncode == 2
    assert f"{tmp_path} holds no backtest results" in report.stderr
    # The installed copy runs, not the checkout's.
    where = subprocess.run(
        [sys.executable, "-c", "import local_lean; print(local_lean.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(site_packages))


def test_optimize_dispatches_to_the_optimiser_package(monkeypatch):
    calls = []
    optimiser = types.ModuleType("local_lean.optimize")
    optimiser.__spec__ = importlib.machinery.ModuleSpec("local_lean.optimize", None)
    optimiser.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "local_lean.optimize", optimiser)
    assert main(["optimize", "main.py", "--target", "Sharpe Ratio"]) == 0
    assert calls == [["main.py", "--target", "Sharpe Ratio"]]
