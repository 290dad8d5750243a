"""A long run that finishes must keep its results: folders checked before the run, results
written somewhere that works when the folder asked for fails late, statistics that cannot be
computed never stopping the files, and ``sys.exit`` in an algorithm kept as a runtime error."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from local_lean.cli import EXIT_RUNTIME_ERROR, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
BUY_AND_HOLD = ROOT / "tests" / "algorithms" / "buy_and_hold.py"


def write_algorithm(folder: Path, body: str) -> Path:
    path = folder / "algorithm.py"
    path.write_text(
        "from AlgorithmImports import *\n\n\n" + textwrap.dedent(body), encoding="utf-8"
    )
    return path


def the_results_folder(output: Path) -> Path:
    (folder,) = (output / "backtests").iterdir()
    return folder


def result_json(folder: Path) -> dict:
    (path,) = [p for p in folder.glob("*.json") if p.stem.isdigit()]
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def immutable_folder(tmp_path):
    """A folder nobody can create files in, root included (chattr +i)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    locked = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if locked.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {locked.stderr.decode().strip()}")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    try:
        status = main([*args, "--no-progress", "--no-report", "--no-charts"])
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- case 1: a folder that cannot take the results is refused before the run ------------------


def test_an_output_that_is_a_file_is_refused_before_the_run(tmp_path, capsys):
    output = tmp_path / "results.txt"
    output.write_text("not a folder")
    status, out, err = run_main(capsys, str(BUY_AND_HOLD), "--output", str(output))
    assert status == EXIT_USAGE
    assert "--output" in err and "a file stands where a folder is needed" in err
    assert "Backtest" not in out  # nothing ran
    assert output.read_text() == "not a folder"


def test_an_output_folder_that_cannot_be_written_is_refused_before_the_run(
    immutable_folder, capsys
):
    status, out, err = run_main(capsys, str(BUY_AND_HOLD), "--output", str(immutable_folder))
    assert status == EXIT_USAGE
    assert "cannot be written" in err and str(immutable_folder) in err
    assert "Backtest" not in out


def test_results_that_cannot_be_written_at_the_end_are_written_elsewhere(tmp_path, capsys):
    # The output folder works when the run starts and breaks while it runs (a folder removed,
    # a disk swapped): the results go to a fresh folder, and the command says where.
    output = tmp_path / "out"
    algorithm = write_algorithm(
        tmp_path,
        """
        class BreaksItsOutput(QCAlgorithm):
            def initialize(self):
                self.set_start_date(2021, 1, 4)
                self.set_end_date(2021, 1, 15)
                self.add_equity("SPY", Resolution.DAILY)

            def on_end_of_algorithm(self):
                import pathlib
                import shutil

                output = pathlib.Path(self.get_parameter("output"))
                shutil.rmtree(output)
                output.write_text("a file now")
        """,
    )
    status, out, err = run_main(
        capsys, str(algorithm), "--output", str(output), "--parameter", "output", str(output)
    )
    assert status == 0
    assert f"could not be written to {output}" in err
    fallback = Path(err.rsplit("they were written to ", 1)[1].split(" instead")[0])
    assert f"Results: {fallback}" in out
    assert result_json(fallback)["statistics"]["Total Orders"] == "0"


# --- case 2: cash beyond LEAN's decimal --------------------------------------------------------


def test_cash_beyond_lean_decimal_is_refused_on_the_command_line(capsys):
    status, _, err = run_main(capsys, str(BUY_AND_HOLD), "--cash", "1e308")
    assert status == EXIT_USAGE
    assert "beyond the largest amount LEAN's decimal holds" in err


def test_cash_beyond_lean_decimal_is_refused_by_set_cash(tmp_path, capsys):
    algorithm = write_algorithm(
        tmp_path,
        """
        class CashFromParameter(QCAlgorithm):
            def initialize(self):
                self.set_start_date(2021, 1, 4)
                self.set_end_date(2021, 1, 15)
                self.set_cash(self.get_parameter("cash", 100000.0))
                self.add_equity("SPY", Resolution.DAILY)
        """,
    )
    status, _, err = run_main(
        capsys, str(algorithm), "--output", str(tmp_path), "--parameter", "cash", "1e308"
    )
    assert status == EXIT_RUNTIME_ERROR
    assert "set_cash: 1e+308 is beyond the largest amount LEAN's decimal holds" in err


def test_cash_just_below_lean_decimal_runs_to_the_end(tmp_path):
    # Order sizing steps one share at a time; at this size a share is below a double's
    # precision, which once kept the sizing loop from ever ending.
    result = subprocess.run(
        [sys.executable, "-m", "local_lean", str(BUY_AND_HOLD), "--cash", "7.9e28",
         "--output", str(tmp_path), "--no-progress", "--no-report", "--no-charts"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    result = result_json(the_results_folder(tmp_path))
    assert len(result["orders"]) == 1
    assert result["statistics"]["Start Equity"].startswith("7899999999999999")


# --- case 3: one bad tick makes the annual performance infinite --------------------------------


def test_an_infinite_annual_performance_leaves_the_other_results_written(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    closes = [100.0] * 6 + [100000.0] + [100000.0] * 5
    days = [f"2021-01-{day:02d}" for day in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 19, 20)]
    rows = "".join(
        f"{day},{close},{close},{close},{close},1000000\n"
        for day, close in zip(days, closes, strict=True)
    )
    (data / "spy.csv").write_text("date,open,high,low,close,volume\n" + rows)
    output = tmp_path / "out"
    status, _, _ = run_main(
        capsys, str(BUY_AND_HOLD), "--data", str(data), "--output", str(output),
        "--start", "2021-01-04", "--end", "2021-01-20",
    )  # fmt: skip
    assert status == 0
    result = result_json(the_results_folder(output))
    assert "GetAnnualPerformance" in result["statisticsError"]
    assert "performance point" in result["statisticsError"]
    assert len(result["orders"]) == 1


# --- case 4: sys.exit in the algorithm ---------------------------------------------------------


def test_sys_exit_in_on_data_is_a_runtime_error_with_partial_results(tmp_path, capsys):
    algorithm = write_algorithm(
        tmp_path,
        """
        import sys


        class ExitsInOnData(QCAlgorithm):
            def initialize(self):
                self.set_start_date(2021, 1, 4)
                self.set_end_date(2021, 2, 26)
                self.spy = self.add_equity("SPY", Resolution.DAILY).symbol

            def on_data(self, data):
                if not self.portfolio.invested:
                    self.set_holdings(self.spy, 0.5)
                if self.time.month == 2:
                    sys.exit(0)
        """,
    )
    status, _, err = run_main(capsys, str(algorithm), "--output", str(tmp_path))
    assert status == EXIT_RUNTIME_ERROR
    assert "the algorithm called sys.exit(0)" in err and "2021-02-01" in err
    result = result_json(the_results_folder(tmp_path))
    assert "sys.exit(0)" in result["runtimeError"]
    assert result["orders"]
