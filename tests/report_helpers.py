"""Real backtests for the report's tests: run through the command line, as users run them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALGORITHMS = ROOT / "tests" / "algorithms"
# main.py with a tiny model over January 2020: every section of the report has data. Without
# XLA: its compile costs more than this model's training.
TINY_MAIN = [
    str(ROOT / "main.py"),
    "--start", "2020-01-02", "--end", "2020-01-31",
    "--parameter", "epochs", "2", "--parameter", "units", "4", "--parameter", "layers", "1",
    "--parameter", "history-bars", "200", "--parameter", "lookback", "10",
    "--parameter", "retrain-epochs", "1", "--parameter", "jit-compile", "false",
]  # fmt: skip
# Sections every report has, in page order; main.py's reports add "forecasts".
SECTIONS = [
    "statistics",
    "cumulative-returns",
    "drawdown",
    "monthly-returns",
    "annual-returns",
    "rolling-statistics",
    "exposure",
    "algorithm-charts",
    "insights",
    "orders",
    "time-budget",
    "log",
]


def run_local_lean(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", "local_lean", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_report_command(folder: Path) -> subprocess.CompletedProcess:
    """``python -m local_lean report <folder>`` in this process, which has imported what it
    needs: its exit status and what it printed, as from run_local_lean."""
    from local_lean.cli import main

    arguments = ["report", str(folder)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(arguments)
        except SystemExit as exit_request:  # a usage error
            status = exit_request.code
    return subprocess.CompletedProcess(arguments, status, stdout.getvalue(), stderr.getvalue())


def backtest_folder(output: Path, *args: str) -> Path:
    """Run a backtest into ``output`` and return its results folder."""
    result = run_local_lean(*args, "--output", str(output), "--no-progress", "--no-charts")
    assert result.returncode == 0, result.stdout + result.stderr
    (folder,) = (output / "backtests").iterdir()
    return folder


def main_result(folder: Path) -> dict:
    (path,) = (p for p in folder.glob("*.json") if p.stem.isdigit())
    return json.loads(path.read_text())
