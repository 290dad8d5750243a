"""Ctrl-C and SIGTERM in the middle of a backtest (inside a Keras fit, eight months in): the
results up to the last completed session are written, the console says where the run
stopped, the object store holds no half-written file, and the exit status is the shell's."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from local_lean.interrupts import BacktestInterrupted, signals_as_interrupts
from tests.test_cli import ALGORITHMS, run_cli


@pytest.mark.parametrize(("signal_name", "exit_status"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_during_training_keeps_the_results_so_far(tmp_path, signal_name, exit_status):
    result = run_cli(
        str(ALGORITHMS / "interrupted_while_training.py"),
        "--output", str(tmp_path),
        "--parameter", "signal", signal_name,
        "--parameter", "interrupt-on", "2020-08-31",
        "--no-progress", "--no-charts",
    )  # fmt: skip
    assert result.returncode == exit_status, result.stderr
    assert (
        f"Interrupted by {signal_name} at simulated time 2020-08-31 08:00:00 New York time; "
        "the results cover the sessions up to 2020-08-28"
    ) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    (folder,) = (tmp_path / "backtests").iterdir()
    results = json.loads(next(p for p in folder.glob("*.json") if p.stem.isdigit()).read_text())
    equity = results["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    assert len(equity) > 150, "eight months of equity were kept"
    assert "Interrupted by" in (folder / "log.txt").read_text() + json.dumps(results)
    storage = tmp_path / "storage"
    assert [p.name for p in storage.rglob("*") if p.is_file()] == ["fits.txt"]
    assert (storage / "interrupted" / "fits.txt").read_text() == "2020-07-31"


def test_the_first_signal_interrupts_and_later_ones_wait_for_the_results():
    before = signal.getsignal(signal.SIGTERM)
    with signals_as_interrupts():
        with pytest.raises(BacktestInterrupted) as raised:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs at once and interrupts this
        assert raised.value.exit_status == 143 and raised.value.signal_name == "SIGTERM"
        os.kill(os.getpid(), signal.SIGINT)  # while results are written: ignored
        time.sleep(0.1)
    assert signal.getsignal(signal.SIGTERM) is before
