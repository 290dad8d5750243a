"""Every LEAN name and argument that main.py and lstm_model.py use must exist in LEAN.

mypy checks both files against `quantconnect-stubs`, the stubs generated from LEAN's own
assemblies, so a misspelt method, a wrong keyword or a CamelCase leftover fails here.
"""

from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A fresh mypy cache for this module's runs: the second reads LEAN's stubs from it."""
    return tmp_path_factory.mktemp("mypy_cache")


def run_mypy(cache: Path, *paths: Path) -> tuple[str, int]:
    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache),
         *map(str, paths)]
    )  # fmt: skip
    return stdout + stderr, status


def test_main_and_lstm_model_type_check_against_lean_stubs(cache):
    report, status = run_mypy(cache, ROOT / "main.py", ROOT / "lstm_model.py")
    assert status == 0, report


# Each line uses a name or an argument that LEAN does not have.
NOT_IN_LEAN = [
    "self.add_equityy('SPY', Resolution.DAILY)",  # no such method
    "self.add_equity('SPY', Resolution.Daily)",  # CamelCase enum member
    "self.train(self.date_rules.month_end(), self.time_rules.at(8, 0), fn=self.f)",  # keyword
]


def test_the_check_rejects_names_lean_does_not_have(cache, tmp_path):
    methods = "".join(
        f"    def probe_{number}(self) -> None:\n        {line}\n\n"
        for number, line in enumerate(NOT_IN_LEAN)
    )
    algorithm = tmp_path / "algorithm.py"
    algorithm.write_text(
        "from AlgorithmImports import *\n\n\n"
        "class Probe(QCAlgorithm):\n"
        f"{methods}"
        "    def f(self) -> None:\n"
        "        pass\n"
    )
    report, status = run_mypy(cache, algorithm)
    assert status != 0, report
    flagged_lines = {int(row.split(":")[1]) for row in report.splitlines() if ": error:" in row}
    line_numbers = {6 + 3 * i for i in range(len(NOT_IN_LEAN))}
    assert flagged_lines == line_numbers, report
