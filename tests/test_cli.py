"""The command line, run as users run it: ``python -m local_lean <algorithm.py> ...``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from local_lean.cli import EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
ALGORITHMS = ROOT / "tests" / "algorithms"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", "local_lean", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def result_files(output: Path) -> tuple[Path, dict, dict]:
    (folder,) = (output / "backtests").iterdir()
    main_json = next(p for p in folder.glob("*.json") if p.stem.isdigit())
    summary = next(folder.glob("*-summary.json"))
    return folder, json.loads(main_json.read_text()), json.loads(summary.read_text())


def test_a_sample_algorithm_runs_end_to_end(tmp_path):
    result = run_cli(
        str(ALGORITHMS / "trivial_insights.py"),
        "--output", str(tmp_path),
        "--end", "2021-02-26",
        "--parameter", "lookback", "3",
        "--no-progress", "--no-charts",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Backtest TrivialInsightsAlgorithm: 2021-01-04 to 2021-02-26" in result.stdout
    assert "Time budget:" in result.stdout
    folder, main_json, summary = result_files(tmp_path)
    assert (folder / "log.txt").read_text().count("fit number") == 3  # now + 2 month ends
    assert main_json["algorithmConfiguration"]["parameters"]["lookback"] == "3"
    assert main_json["orders"], "the framework traded"
    assert len(main_json["insights"]) > 0
    assert "Strategy Equity" in main_json["charts"] and "Signal" in main_json["charts"]
    assert summary["statistics"]["Total Orders"] == str(len(main_json["orders"]))
    assert "runtimeError" not in summary or not summary["runtimeError"]
    assert (tmp_path / "storage" / "trivial" / "trainings.txt").read_text() == "3"
    assert main_json["time budget"]["event_count"] > 0


def test_a_runtime_error_exits_non_zero_with_time_and_partial_results(tmp_path):
    result = run_cli(
        str(ALGORITHMS / "raises_in_event.py"), "--output", str(tmp_path), "--no-progress",
        "--no-charts",
    )  # fmt: skip
    assert result.returncode == 1
    assert "ValueError: deliberate failure in trade" in result.stderr
    assert "at 2021-02-01 09:35:00" in result.stderr
    assert "Traceback" in result.stderr and "raises_in_event.py" in result.stderr
    folder, main_json, summary = result_files(tmp_path)
    assert "deliberate failure" in summary["runtimeError"]
    assert main_json["orders"], "the trade before the failure is kept"
    equity = main_json["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    assert 15 <= len(equity) <= 20  # January's sessions only


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "2021-13-01"], "is not a date written YYYY-MM-DD"),
        (["--start", "2021-03-01", "--end", "2021-02-01"], "is before --start"),
        (["--data", "/no/such/folder"], "no such folder"),
        (["--cash", "-5"], "cash must be a positive amount"),
        (["--cash", "lots"], "is not an amount of dollars"),
        (["--fee-bps", "-1"], "fee basis points must be >= 0"),
        (["--parameter", "only-a-name"], "expected 2 arguments"),
        (["--bucket-capacity", "-3"], "bucket-capacity"),
    ],
)
def test_bad_options_exit_with_usage_errors(arguments, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(ALGORITHMS / "buy_and_hold.py"), *arguments])
    assert exit_info.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_a_missing_algorithm_file_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "nope.py")])
    assert exit_info.value.code == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err


def test_a_file_without_an_algorithm_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(ALGORITHMS / "not_an_algorithm.py")])
    assert exit_info.value.code == EXIT_USAGE
    assert "defines no QCAlgorithm subclass" in capsys.readouterr().err


def test_a_data_folder_without_prices_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main([str(ALGORITHMS / "buy_and_hold.py"), "--data", str(tmp_path)])
    assert exit_info.value.code == EXIT_USAGE
    assert "--data" in capsys.readouterr().err


def test_a_broken_config_json_is_a_usage_error(capsys, tmp_path):
    algorithm = tmp_path / "cli_broken_config_algorithm.py"
    algorithm.write_text((ALGORITHMS / "buy_and_hold.py").read_text())
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(SystemExit) as exit_info:
        main([str(algorithm)])
    assert exit_info.value.code == EXIT_USAGE
    assert "config.json is not valid JSON" in capsys.readouterr().err


def test_config_json_parameters_reach_the_algorithm_and_options_override_them(tmp_path):
    # Not main.py: loading registers the module by its name, and tests import the real main.py.
    algorithm = tmp_path / "cli_project_algorithm.py"
    algorithm.write_text((ALGORITHMS / "trivial_insights.py").read_text())
    (tmp_path / "config.json").write_text(json.dumps({"parameters": {"lookback": "4"}}))
    code = main([str(algorithm), "--end", "2021-01-15", "--no-progress", "--no-charts",
                 "--quiet", "--cash", "25000"])  # fmt: skip
    assert code == 0
    _, main_json, summary = result_files(tmp_path)
    assert main_json["algorithmConfiguration"]["parameters"] == {"lookback": "4"}
    assert summary["statistics"]["Start Equity"] == "25000"


SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="the sample LEAN data folder is absent"
)


def project_with_config(tmp_path: Path, name: str, parameters: dict) -> Path:
    """A copy of trivial_insights.py (it reads 'lookback') with a config.json beside it."""
    algorithm = tmp_path / f"{name}.py"
    algorithm.write_text((ALGORITHMS / "trivial_insights.py").read_text())
    (tmp_path / "config.json").write_text(json.dumps({"parameters": parameters}))
    return algorithm


def test_a_config_parameter_the_algorithm_never_reads_is_flagged(tmp_path, capsys):
    algorithm = project_with_config(
        tmp_path, "cli_misspelt_parameter", {"lookback": "4", "epoch": "2"}
    )
    code = main([str(algorithm), "--end", "2021-01-15", "--no-progress", "--no-charts"])
    assert code == 0
    warning = "WARNING: parameter(s) 'epoch' (config.json or --parameter) were never read"
    assert warning in capsys.readouterr().out
    folder, _, _ = result_files(tmp_path)
    assert warning in (folder / "log.txt").read_text()


@pytest.mark.parametrize(
    ("value", "kind"), [({"Bull": "SPY"}, "an object"), (["SPY"], "a list"), (None, "null")]
)
def test_a_config_value_that_is_not_a_string_number_or_boolean_is_refused(
    tmp_path, capsys, value, kind
):
    algorithm = project_with_config(tmp_path, "cli_object_parameter", {"lookback": value})
    with pytest.raises(SystemExit) as exit_info:
        main([str(algorithm), "--no-progress"])
    assert exit_info.value.code == EXIT_USAGE
    assert f'parameter "lookback" is {kind}; parameter values are strings' in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "backtests").exists()


@needs_shared_data
def test_dates_after_the_data_are_a_usage_error_naming_tickers_and_dates(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(ALGORITHMS / "buy_and_hold.py"), "--data", str(SHARED_DATA),
              "--start", "2025-01-02", "--end", "2025-01-31", "--no-progress"])  # fmt: skip
    assert exit_info.value.code == EXIT_USAGE
    error = capsys.readouterr().err
    assert "the data ends before the backtest starts on 2025-01-02: SPY on 2021-03-31" in error


@needs_shared_data
def test_main_py_on_dates_after_the_data_stops_before_training(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([str(ROOT / "main.py"), "--data", str(SHARED_DATA), "--output", str(tmp_path),
              "--start", "2025-01-02", "--end", "2025-01-31", "--no-progress",
              "--parameter", "epochs", "2", "--parameter", "units", "4",
              "--parameter", "layers", "1", "--parameter", "history-bars", "200",
              "--parameter", "lookback", "10", "--parameter", "risk-on", "QQQ, IWM",
              "--parameter", "risk-off", ""])  # fmt: skip
    assert exit_info.value.code == EXIT_USAGE
    captured = capsys.readouterr()
    assert "the data ends before the backtest starts on 2025-01-02: IWM on 2021-03-31" in (
        captured.err
    )
    assert "Trained" not in captured.out


def test_data_that_ends_during_the_backtest_is_a_warning(tmp_path, capsys):
    # SPY ends in mid-January: the log says so, and there is no benchmark after that date.
    data = tmp_path / "csv"
    data.mkdir()
    days = [f"2021-01-{day:02d}" for day in (4, 5, 6, 7, 8, 11, 12)]
    rows = "".join(f"{day},100,101,99,100,1000\n" for day in days)
    (data / "spy.csv").write_text("date,open,high,low,close,volume\n" + rows)
    code = main([str(ALGORITHMS / "buy_and_hold.py"), "--data", str(data), "--output",
                 str(tmp_path), "--no-progress", "--no-charts"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "WARNING: the data of SPY ends on 2021-01-12, before the backtest's last session " in out


def test_a_benchmark_whose_data_ends_before_the_backtest_is_named_in_the_log(tmp_path, capsys):
    data = tmp_path / "csv"
    data.mkdir()
    header = "date,open,high,low,close,volume\n"
    (data / "spy.csv").write_text(header + "2020-12-30,100,101,99,100,1000\n")
    rows = "".join(f"2021-01-{day:02d},100,101,99,100,1000\n" for day in (4, 5, 6, 7, 8))
    (data / "qqq.csv").write_text(header + rows)
    algorithm = tmp_path / "cli_qqq_algorithm.py"
    algorithm.write_text((ALGORITHMS / "buy_and_hold.py").read_text().replace('"SPY"', '"QQQ"'))
    code = main([str(algorithm), "--data", str(data), "--output", str(tmp_path),
                 "--end", "2021-01-08", "--no-progress", "--no-charts"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "No benchmark: the data of SPY (2020-12-30..2020-12-30) has no close between " in out


def test_the_backtest_process_sets_the_start_up_objects_aside_and_collects_less_often():
    # In a process of its own: the settings are the whole process's.
    script = (
        "import gc\n"
        "from local_lean.cli import GARBAGE_COLLECTION_THRESHOLDS, collect_garbage_less_often\n"
        "before = gc.get_freeze_count()\n"
        "collect_garbage_less_often()\n"
        "thresholds = gc.get_threshold() == GARBAGE_COLLECTION_THRESHOLDS\n"
        "print(thresholds, gc.get_freeze_count() > before)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.split() == ["True", "True"]
