"""Optimiser input that once crashed late: a grid of a billion sets (counted, never built) and
config-file values of the wrong type (named, before Ray starts)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from local_lean.optimize.cli import main as optimize_main
from local_lean.optimize.space import grid_size, step_parameter

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"


def test_a_billion_sets_are_counted_without_building_them(tmp_path, capsys):
    started = time.perf_counter()
    status = optimize_main([
        str(MAIN), "--strategy", "Grid Search", "--target", "Sharpe Ratio",
        "--target-direction", "max", "--parameter", "epochs", "0", "1000000000", "1",
        "--output", str(tmp_path / "o"),
    ])  # fmt: skip
    assert status == 2
    assert "1000000001 parameter sets, above the limit of 100" in capsys.readouterr().err
    assert time.perf_counter() - started < 30  # building the values took minutes and GBs
    assert grid_size([step_parameter("a", "0", "1e12", "1"), step_parameter("b", "1", "2", "1")]) \
        == 2 * (10**12 + 1)  # fmt: skip


def optimizer_config(tmp_path: Path, **changes) -> Path:
    config = {
        "optimization-strategy": "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy",
        "optimization-criterion": {"target": "Sharpe Ratio", "extremum": "max"},
        "parameters": [{"name": "lookback", "min": 10, "max": 20, "step": 10}],
        **changes,
    }
    path = tmp_path / "optimizer.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"maximum-concurrent-backtests": "four"},
            '"maximum-concurrent-backtests" must be a whole',
        ),
        ({"maximum-concurrent-backtests": 0}, '"maximum-concurrent-backtests" must be a whole'),
        ({"optimization-strategy-settings": [10]}, '"optimization-strategy-settings" must be an'),
        (
            {"optimization-strategy-settings": {"default-segment-amount": "ten"}},
            '"default-segment-amount" must be a whole number',
        ),
        ({"constraints": {"target": "Drawdown"}}, '"constraints" must be a list'),
        ({"constraints": ["Drawdown < 0.2"]}, 'each of "constraints" must be an object'),
        ({"parameters": ["lookback"]}, 'each of "parameters" must be an object'),
    ],
)
def test_config_values_of_the_wrong_type_are_named_before_anything_runs(
    tmp_path, capsys, changes, message
):
    config = optimizer_config(tmp_path, **changes)
    status = optimize_main([str(MAIN), "--optimizer-config", str(config),
                            "--output", str(tmp_path / "o")])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
