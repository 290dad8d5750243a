"""The optimiser's parameter spaces, targets and constraints, and every bad input it refuses
before a backtest runs (no Ray needed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from local_lean.optimize.cli import main as optimize_main
from local_lean.optimize.objectives import (
    parse_constraint,
    parse_target,
    read_statistic,
    statistic_path,
)
from local_lean.optimize.space import (
    OptimizationInputError,
    grid,
    parameter_from_config,
    read_config_file,
    step_parameter,
)

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"


def run_cli(*arguments: str) -> int:
    return optimize_main([str(MAIN), *arguments])


def test_step_values_are_exact_decimals_and_whole_numbers_have_no_fraction():
    assert step_parameter("retrain-epochs", "1", "5", "2").values() == ["1", "3", "5"]
    assert step_parameter("lookback", "20", "60", "20").values() == ["20", "40", "60"]
    # 0.1 steps stay exact (no 0.30000000000000004), and MAX is kept only when reached.
    assert step_parameter("dropout", "0", "0.35", "0.1").values() == ["0", "0.1", "0.2", "0.3"]


def test_grid_runs_the_first_parameter_outermost_as_lean():
    first = step_parameter("a", "1", "2", "1")
    second = step_parameter("b", "10", "20", "10")
    assert list(grid([first, second])) == [
        {"a": "1", "b": "10"},
        {"a": "1", "b": "20"},
        {"a": "2", "b": "10"},
        {"a": "2", "b": "20"},
    ]


def test_config_parameters_read_as_leans_converter():
    no_step = parameter_from_config({"name": "ema-slow", "min": 10, "max": 50}, segments=10)
    assert no_step.step == Decimal(4) and no_step.min_step == Decimal("0.4")
    given = parameter_from_config({"Key": "x", "MIN": 1, "max": 3, "step": 1}, segments=10)
    assert given.values() == ["1", "2", "3"] and not given.refinable
    refined = parameter_from_config(
        {"name": "x", "min": 0, "max": 8, "step": 2, "min-step": 0.5}, segments=10
    )
    assert refined.refinable
    assert parameter_from_config({"name": "n", "value": "minmax"}, 10).values() == ["minmax"]
    choice = parameter_from_config({"name": "n", "values": ["last_close", "minmax"]}, 10)
    assert choice.values() == ["last_close", "minmax"]


def test_leans_example_optimizer_config_with_comments_is_read(tmp_path):
    path = tmp_path / "optimizer.json"
    path.write_text(
        '{\n  "constraints": [\n    {"target": "Drawdown", "operator": "lessOrEqual", '
        '// less, greater\n     "target-value": 0.15}\n  ],\n  "note": "a // b"\n}\n'
    )
    content = read_config_file(path)
    assert content["constraints"][0]["operator"] == "lessOrEqual"
    assert content["note"] == "a // b"


def test_targets_are_named_as_the_lean_cli_names_them():
    assert statistic_path("Sharpe Ratio") == "TotalPerformance.PortfolioStatistics.SharpeRatio"
    assert statistic_path("SharpeRatio") == "TotalPerformance.PortfolioStatistics.SharpeRatio"
    assert statistic_path("Statistics.Drawdown") == "Statistics.Drawdown"
    # LEAN's portfolio statistics call it totalNetProfit: the formatted statistic is read.
    assert parse_target("Net Profit", "max").path == "Statistics.Net Profit"
    # LEAN's portfolio statistics have no order count: it is read from the statistics strings.
    assert parse_constraint("Total Orders > 0").path == "Statistics.Total Orders"
    target = parse_target("Compounding Annual Return", "MAX")
    assert target.direction == "max"
    assert target.better(Decimal("0.1"), Decimal("0.2"))
    assert not target.better(Decimal("0.2"), Decimal("0.2"))  # a tie keeps the first


def test_statistics_are_read_from_a_result_as_lean_reads_them():
    result = {
        "statistics": {"Drawdown": "12.5%", "Total Fees": "$3.49", "Sharpe Ratio": "1.2"},
        "totalPerformance": {"portfolioStatistics": {"sharpeRatio": 1.234, "drawdown": 0.125}},
    }
    assert read_statistic(result, "Statistics.Drawdown") == Decimal("0.125")
    assert read_statistic(result, "statistics.total fees") == Decimal("3.49")
    path = statistic_path("Sharpe Ratio")
    assert read_statistic(result, path) == Decimal("1.234")
    assert read_statistic(result, "Statistics.Missing") is None
    constraint = parse_constraint("Drawdown < 0.25")
    assert constraint.is_met(result)
    assert not parse_constraint("Drawdown >= 0.2").is_met(result)
    # A result without the statistic never meets a constraint on it (LEAN's rule).
    assert not constraint.is_met({"statistics": {}})


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--parameter", "no-such-knob", "1", "5", "1"], "not in config.json's parameters"),
        (["--parameter", "lookback", "60", "20", "20"], "is above MAX"),
        (["--parameter", "lookback", "20", "60", "0"], "STEP must be above 0"),
        (["--parameter", "lookback", "20", "60", "-5"], "STEP must be above 0"),
        (["--parameter", "lookback", "20", "sixty", "5"], "is not a number"),
        (["--parameter", "lookback", "1", "2000", "1"], "above the limit of 100"),
        (["--parameter", "lookback", "20", "60", "20", "--parameter", "x", "1"], "'x'"),
        (["--parameter", "lookback", "20", "60"], "give NAME MIN MAX STEP"),
        (["--parameter", "lookback", "20", "60", "20", "--pbo-blocks", "15"], "an even number"),
        (["--parameter", "lookback", "20", "60", "20", "--pbo-blocks", "22"], "from 2 to 20"),
        (["--parameter", "lookback", "20", "60", "20", "--spa-reps", "10"], "100 bootstrap"),
        (["--parameter", "lookback", "20", "60", "20", "--spa-block-length", "0"], "at least 1"),
        (["--parameter", "lookback", "20", "60", "20", "--spa-benchmark", "NOPE"], "no daily data"),
        (
            ["--parameter", "lookback", "20", "60", "20", "--share-storage", "../models"],
            "'../models' is not an object store folder",
        ),
        (
            ["--parameter", "lookback", "20", "60", "20", "--share-storage", "a/b.keras"],
            "is not an object store folder",
        ),
        (
            ["--parameter", "lookback", "20", "60", "20", "--share-storage", "a"]
            + ["--no-shared-storage"],
            "contradict each other",
        ),
    ],
)
def test_bad_parameters_stop_before_anything_runs(tmp_path, capsys, arguments, message):
    output = tmp_path / "out"
    status = run_cli(
        "--strategy",
        "Grid Search",
        "--target",
        "Sharpe Ratio",
        "--target-direction",
        "max",
        "--output",
        str(output),
        *arguments,
    )
    assert status == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize(
    ("target", "constraint", "message"),
    [
        ("Sharp Ratio", None, "is not a statistic of the results"),
        ("Statistics.Happiness", None, "is not a statistic of the results"),
        ("Sharpe Ratio", "Drawdown 0.25", "is not understood"),
        ("Sharpe Ratio", "Drawdown =< 0.25", "is not an operator"),
        ("Sharpe Ratio", "Drawdown < quarter", "is not a number"),
        ("Sharpe Ratio", "Happiness > 1", "is not a statistic of the results"),
    ],
)
def test_unknown_targets_and_unparsable_constraints_are_refused(
    tmp_path, capsys, target, constraint, message
):
    arguments = ["--strategy", "Grid Search", "--target", target, "--target-direction", "max"]
    arguments += ["--parameter", "lookback", "20", "40", "20", "--output", str(tmp_path / "o")]
    if constraint is not None:
        arguments += ["--constraint", constraint]
    assert run_cli(*arguments) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_grid_above_the_limit_runs_only_with_yes(tmp_path):
    from local_lean.optimize.cli import build_optimize_parser, settings_from

    arguments = [str(MAIN), "--strategy", "Grid Search", "--target", "Sharpe Ratio"]
    arguments += ["--target-direction", "max", "--parameter", "lookback", "10", "60", "1"]
    arguments += ["--max-backtests", "20", "--output", str(tmp_path / "o")]
    parser = build_optimize_parser()
    with pytest.raises(OptimizationInputError, match="51 parameter sets, above the limit of 20"):
        settings_from(parser.parse_args(arguments))
    settings = settings_from(parser.parse_args([*arguments, "--yes"]))
    assert len(list(grid(settings.parameters))) == 51


def test_optimizer_config_and_strategy_options_are_mutually_exclusive(tmp_path, capsys):
    config = tmp_path / "optimizer.json"
    config.write_text(json.dumps({"optimization-strategy": "x"}))
    status = run_cli("--optimizer-config", str(config), "--strategy", "Grid Search")
    assert status == 2
    assert "mutually exclusive" in capsys.readouterr().err


def test_an_optimizer_config_with_an_unknown_strategy_is_refused(tmp_path, capsys):
    config = tmp_path / "optimizer.json"
    config.write_text(
        json.dumps(
            {
                "optimization-strategy": "QuantConnect.Optimizer.Strategies.Simulated",
                "optimization-criterion": {"target": "Sharpe Ratio", "extremum": "max"},
                "parameters": [{"name": "lookback", "min": 10, "max": 20, "step": 10}],
            }
        )
    )
    assert run_cli("--optimizer-config", str(config), "--output", str(tmp_path / "o")) == 2
    assert "is not one LEAN runs locally" in capsys.readouterr().err


def test_missing_options_are_named(capsys):
    assert run_cli("--strategy", "Grid Search") == 2
    error = capsys.readouterr().err
    assert "--target" in error and "--target-direction" in error and "--parameter" in error


def test_seeds_need_a_seed_parameter(tmp_path, capsys):
    status = run_cli(
        "--strategy",
        "Grid Search",
        "--target",
        "Sharpe Ratio",
        "--target-direction",
        "max",
        "--parameter",
        "lookback",
        "20",
        "40",
        "20",
        "--seeds",
        "3",
        "--seed-parameter",
        "random-state",
        "--output",
        str(tmp_path / "o"),
    )
    assert status == 2
    assert "'random-state'" in capsys.readouterr().err


def test_an_existing_output_folder_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "kept.txt").write_text("earlier results")
    status = run_cli(
        "--strategy",
        "Grid Search",
        "--target",
        "Sharpe Ratio",
        "--target-direction",
        "max",
        "--parameter",
        "lookback",
        "20",
        "40",
        "20",
        "--output",
        str(tmp_path),
    )
    assert status == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "kept.txt").read_text() == "earlier results"


def test_min_step_above_step_is_refused():
    with pytest.raises(OptimizationInputError, match="below min-step"):
        step_parameter("x", "0", "1", "0.1", "0.5")


def test_an_unreachable_ray_cluster_is_named_before_anything_runs(tmp_path, capsys):
    status = run_cli(
        "--strategy",
        "Grid Search",
        "--target",
        "Sharpe Ratio",
        "--target-direction",
        "max",
        "--parameter",
        "lookback",
        "20",
        "40",
        "20",
        "--address",
        "127.0.0.1:1",
        "--output",
        str(tmp_path / "o"),
    )
    assert status == 2
    assert "no Ray cluster answers there" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_the_sets_share_main_pys_model_cache_unless_told_otherwise(tmp_path):
    from local_lean.optimize.cli import build_optimize_parser, settings_from

    search = [str(MAIN), "--strategy", "Grid Search", "--target", "Sharpe Ratio"]
    search += ["--target-direction", "max", "--parameter", "lookback", "20", "40", "20"]
    search += ["--output", str(tmp_path / "o")]

    def shared(*arguments: str) -> list[str]:
        arguments_parsed = build_optimize_parser().parse_args([*search, *arguments])
        return settings_from(arguments_parsed).shared_storage

    assert shared() == ["lstm-macro/model-cache"]
    assert shared("--no-shared-storage") == []
    assert shared("--share-storage", "models/", "--share-storage", "other") == ["models", "other"]
