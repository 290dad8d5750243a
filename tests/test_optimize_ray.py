"""Optimisations on a real local Ray instance (two workers, one for the whole session): results
equal sequential runs, constraints filter, Euler search on Ray, failures and killed workers.

The strategy's own test uses main.py with a tiny model on the synthetic market (its ETFs trade
there); the others use a fast algorithm on LEAN's sample SPY data, and skip without it.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
from runner_helpers import WITHOUT_XLA

from local_lean import run_backtest
from local_lean.optimize import OptimizationSettings, run_optimization
from local_lean.optimize.objectives import parse_constraint, parse_target
from local_lean.optimize.report import OVERFITTING_PNG, SUMMARY_CSV, SUMMARY_JSON
from local_lean.optimize.space import choice_parameter, step_parameter
from local_lean.optimize.strategies import BAYESIAN_SEARCH, EULER_SEARCH, GRID_SEARCH

ray = pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
FAST_ALGORITHM = ROOT / "tests" / "algorithms" / "optimizable" / "main.py"
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file(),
    reason="LEAN's sample data is not beside the repository",
)
TINY_MODEL = {"epochs": "2", "units": "4", "layers": "1", "history-bars": "200"}
# XLA's compile costs more than this model's training, so the grids here train without it
# (main.py's compiled step is checked end to end in test_main_strategy.py).
TINY_MODEL_WITHOUT_XLA = {**TINY_MODEL, **WITHOUT_XLA}
SPAN = {"start": datetime.date(2020, 1, 2), "end": datetime.date(2020, 1, 17)}


@pytest.fixture(scope="session")
def ray_instance():
    """One local Ray instance with two workers for every test here."""
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # a notice about GPUs
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def fast_settings(output: Path, **overrides) -> OptimizationSettings:
    settings = OptimizationSettings(
        algorithm=FAST_ALGORITHM,
        strategy=GRID_SEARCH,
        target=parse_target("Net Profit", "max"),
        parameters=[step_parameter("weight", "0", "1", "0.5")],
        output=output,
        backtest_options={"data": str(LEAN_DATA), "draw_charts": False},
        target_label="Net Profit",
    )
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings


def quiet(**settings_and_options):
    return run_optimization(progress=False, say=lambda line: None, **settings_and_options)


@pytest.fixture(scope="session")
def lstm_grid(ray_instance, tmp_path_factory):
    """main.py, tiny model, a four-set grid on Ray."""
    output = tmp_path_factory.mktemp("lstm") / "optimization"
    settings = OptimizationSettings(
        algorithm=MAIN,
        strategy=GRID_SEARCH,
        target=parse_target("Sharpe Ratio", "max"),
        parameters=[
            step_parameter("retrain-epochs", "1", "3", "2"),
            # Seeds give the tiny model different forecasts, so the sets trade differently
            # (seeds 0 and 2 do over these twelve sessions; 0 and 1 happen to trade alike).
            step_parameter("seed", "0", "2", "2"),
        ],
        output=output,
        fixed_parameters=dict(TINY_MODEL_WITHOUT_XLA),
        backtest_options={**SPAN, "draw_charts": False},
        target_label="Sharpe Ratio",
    )
    return quiet(settings=settings)


def test_each_set_on_ray_gives_the_statistics_of_a_sequential_run(lstm_grid, tmp_path):
    assert [r.status for r in lstm_grid.results] == ["completed"] * 4
    for result in lstm_grid.results:
        alone = run_backtest(
            MAIN,
            parameters={**TINY_MODEL_WITHOUT_XLA, **result.parameter_set.values},
            output=tmp_path / str(result.id),
            log=lambda line: None,
            draw_charts=False,
            **SPAN,
        )
        written = json.loads((result.folder / f"{result.backtest_id}.json").read_text())
        alone_json = json.loads(
            next(p for p in alone.results_path.glob("*.json") if p.stem.isdigit()).read_text()
        )
        assert written["statistics"] == alone_json["statistics"]
        assert written["totalPerformance"] == alone_json["totalPerformance"]
    # The sets differ, so equal statistics above are not a coincidence of a flat strategy.
    assert len({r.statistics["Sharpe Ratio"] for r in lstm_grid.results}) > 1


def model_fits(result) -> tuple[int, int]:
    """(models trained, models served by the cache) in a set's log."""
    lines = [
        line
        for line in (result.folder / "log.txt").read_text().splitlines()
        if "Trained Bull (SPY)" in line
    ]
    served = sum("from the model cache, nothing trained" in line for line in lines)
    return len(lines) - served, served


def test_a_grid_over_trading_only_parameters_trains_each_model_once(
    ray_instance, tmp_path, monkeypatch
):
    """Risk-off ETFs change what is traded, not what the models see: the first fit and the
    month-end retrain are trained once for the whole grid and served to the other sets, though
    two sets start together (the second waits for the first's fit)."""
    settings = OptimizationSettings(
        algorithm=MAIN,
        strategy=GRID_SEARCH,
        target=parse_target("Sharpe Ratio", "max"),
        parameters=[choice_parameter("risk-off", ["TLT", "IEF", "SHY"])],
        output=tmp_path / "o",
        fixed_parameters=dict(TINY_MODEL_WITHOUT_XLA),
        backtest_options={
            "start": datetime.date(2020, 1, 2),
            "end": datetime.date(2020, 2, 4),  # the first fit and the January retrain
            "draw_charts": False,
        },
        shared_storage=["lstm-macro/model-cache"],
    )
    scratch = tmp_path / "scratch"  # where the optimisation makes its shared folder
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outcome = quiet(settings=settings)
    monkeypatch.undo()
    assert not list(scratch.iterdir())  # the shared folder went with the optimisation
    assert [r.status for r in outcome.results] == ["completed"] * 3
    fits = [model_fits(result) for result in outcome.results]
    assert all(trained + served == 2 for trained, served in fits)  # two models in each set
    assert sum(trained for trained, _ in fits) == 2  # each trained once in the whole grid
    assert sum(served for _, served in fits) == 4
    # A set served from the cache has the statistics of the same set run alone, untrained.
    by_fits = zip(outcome.results, fits, strict=True)
    served_set = next(result for result, (trained, _) in by_fits if trained == 0)
    alone = run_backtest(
        MAIN,
        parameters={**TINY_MODEL_WITHOUT_XLA, **served_set.parameter_set.values},
        output=tmp_path / "alone",
        log=lambda line: None,
        draw_charts=False,
        start=datetime.date(2020, 1, 2),
        end=datetime.date(2020, 2, 4),
    )
    alone_json = json.loads(
        next(p for p in alone.results_path.glob("*.json") if p.stem.isdigit()).read_text()
    )
    assert served_set.statistics == alone_json["statistics"]


def test_the_optimisation_folder_has_leans_layout_and_a_summary(lstm_grid):
    output = lstm_grid.output
    for result in lstm_grid.results:
        assert result.folder == output / result.backtest_id
        assert (result.folder / f"{result.backtest_id}.json").is_file()
        assert (result.folder / f"{result.backtest_id}-summary.json").is_file()
    config = json.loads((output / "optimizer-config.json").read_text())
    assert config["optimization-strategy"].endswith("GridSearchOptimizationStrategy")
    assert (output / "code" / "main.py").is_file()
    assert (output / "heatmap.png").stat().st_size > 0
    summary = json.loads((output / SUMMARY_JSON).read_text())
    assert [s["id"] for s in summary["sets"]] == [1, 2, 3, 4]
    best = max(lstm_grid.results, key=lambda r: (r.target, -r.id))
    assert summary["best"]["id"] == best.id
    # No monthly retrain falls in the span, so retrain-epochs changes nothing: the set with the
    # winner's seed and the other retrain-epochs ties with it, and the summary says so.
    twin = next(
        r
        for r in lstm_grid.results
        if r.parameter_set.values["seed"] == best.parameter_set.values["seed"] and r is not best
    )
    assert summary["best"]["tiedWith"] == [twin.id]
    assert summary["deflatedSharpe"]["trials"] == 4
    assert 0 <= summary["deflatedSharpe"]["value"] <= 1
    assert all(s["timeBudget"]["leanWouldStop"] is False for s in summary["sets"])
    assert len((output / SUMMARY_CSV).read_text().splitlines()) == 5
    assert "ParameterSet: (" in (output / "log.txt").read_text()
    # Twelve sessions (eleven daily returns) are too few to judge the selection: notes only.
    pbo = summary["probabilityOfBacktestOverfitting"]
    assert pbo["probability"] is None and "11 days of returns" in pbo["note"]
    assert summary["superiorPredictiveAbility"]["spaPValue"] is None
    assert not (output / OVERFITTING_PNG).exists()


@needs_lean_data
def test_the_summary_judges_the_selection_beside_the_deflated_sharpe(ray_instance, tmp_path):
    lines: list[str] = []
    outcome = run_optimization(
        fast_settings(
            tmp_path / "o",
            parameters=[step_parameter("weight", "0", "1", "0.25")],
            backtest_options={
                "data": str(LEAN_DATA),
                "draw_charts": False,
                "start": datetime.date(2019, 1, 2),
                "end": datetime.date(2020, 12, 31),
            },
        ),
        progress=False,
        say=lines.append,
    )
    summary = json.loads((outcome.output / SUMMARY_JSON).read_text())
    pbo = summary["probabilityOfBacktestOverfitting"]
    assert pbo["sets"] == 5 and pbo["blocks"] == 16 and pbo["combinations"] == 12_870
    assert pbo["days"] == 504 and 0 <= pbo["probability"] <= 1
    spa = summary["superiorPredictiveAbility"]
    assert spa["benchmark"] == "benchmark" and spa["days"] == 504
    assert 0 <= spa["spaLowerPValue"] <= spa["spaPValue"] <= spa["spaUpperPValue"] <= 1
    assert 0 <= spa["realityCheckPValue"] <= 1
    assert (outcome.output / OVERFITTING_PNG).stat().st_size > 0
    text = "\n".join(lines)
    assert "Deflated Sharpe ratio: " in text
    assert f"Probability of backtest overfitting: {pbo['probability']:.3f}" in text
    assert f"algorithm's benchmark (buy and hold): p = {spa['spaPValue']:.3f}" in text
    # The CSV has the selection's figures on the winner's row only.
    with (outcome.output / SUMMARY_CSV).open() as file:
        rows = list(csv.DictReader(file))
    winner = next(row for row in rows if row["id"] == str(outcome.best.id))
    assert float(winner["PBO"]) == pytest.approx(pbo["probability"], rel=1e-5)
    assert float(winner["SPA p-value"]) == pytest.approx(spa["spaPValue"], rel=1e-5)
    assert winner["deflated Sharpe"] and winner["Reality Check p-value"]
    assert all(row["PBO"] == "" for row in rows if row is not winner)


@needs_lean_data
def test_constraints_filter_the_winner(ray_instance, tmp_path):
    free = quiet(settings=fast_settings(tmp_path / "free", seeds=3))
    assert free.best.parameter_set.values["weight"] == "1"  # SPY rose: full weight earns most
    # The winner again over seeds 0, 1, 2: this algorithm draws no random numbers, so every
    # seed gives the winner's own target and the spread is 0.
    seeds = free.summary["seeds"]
    assert seeds["values"] == ["0", "1", "2"]
    assert seeds["targets"] == [float(free.best.target)] * 3
    assert seeds["mean"] == pytest.approx(float(free.best.target)) and seeds["std"] == 0
    assert all((free.output / folder).is_dir() for folder in seeds["folders"])
    limited = quiet(
        settings=fast_settings(
            tmp_path / "limited", constraints=[parse_constraint("Drawdown < 0.03")]
        )
    )
    by_weight = {r.parameter_set.values["weight"]: r for r in limited.results}
    assert not by_weight["1"].constraints_met  # its drawdown is 3.7%
    assert by_weight["0.5"].constraints_met
    assert limited.best.parameter_set.values["weight"] == "0.5"


@needs_lean_data
def test_a_failing_backtest_is_recorded_and_the_others_go_on(ray_instance, tmp_path):
    outcome = quiet(
        settings=fast_settings(tmp_path / "o", fixed_parameters={"fail-when-weight": "0.5"})
    )
    by_weight = {r.parameter_set.values["weight"]: r for r in outcome.results}
    assert by_weight["0.5"].status == "failed"
    assert "weight 0.5 is set to fail" in by_weight["0.5"].error
    assert by_weight["0"].status == by_weight["1"].status == "completed"
    summary = json.loads((tmp_path / "o" / SUMMARY_JSON).read_text())
    failed = [s for s in summary["sets"] if s["status"] == "failed"]
    assert len(failed) == 1 and "set to fail" in failed[0]["error"]


@needs_lean_data
def test_euler_search_on_ray_visits_what_leans_does(ray_instance, tmp_path):
    parameter = step_parameter("weight", "0", "1", "0.5", "0.25")
    outcome = quiet(
        settings=fast_settings(
            tmp_path / "o",
            strategy=EULER_SEARCH,
            parameters=[parameter],
            segments=2,
            target=parse_target("Drawdown", "min"),
        )
    )
    visited = [
        r.parameter_set.values["weight"] for r in sorted(outcome.results, key=lambda r: r.id)
    ]
    # Round one is the grid; the best (least drawdown: weight 0) gets step max(0.25, 0.5 / 2)
    # and the range 0 +- 0.25 x 2 / 2 inside [0, 1]; then the step is at its minimum: stop.
    assert visited == ["0", "0.5", "1", "0", "0.25"]


@needs_lean_data
def test_bayesian_search_tries_the_stated_number_of_sets(ray_instance, tmp_path):
    outcome = quiet(
        settings=fast_settings(
            tmp_path / "o",
            strategy=BAYESIAN_SEARCH,
            parameters=[choice_parameter("weight", ["0", "0.25", "1"])],
            trials=3,
        )
    )
    assert len(outcome.results) == 3
    assert all(r.parameter_set.values["weight"] in ("0", "0.25", "1") for r in outcome.results)


def _kill_paused_worker(
    folder: Path, kills: int, finished: threading.Event, summary: Path
) -> tuple[list[int], list[str]]:
    """Kill each process that writes its id to ``folder``, ``kills`` times. Returns the ids, and
    the weights the summary file listed as completed just before the first kill."""
    killed: list[int] = []
    completed_before: list[str] = []
    deadline = time.monotonic() + 240
    while len(killed) < kills and time.monotonic() < deadline and not finished.is_set():
        marker = folder / f"pid-{len(killed)}"
        ready = marker.is_file() and marker.read_text()
        if ready and not killed:  # the other two sets finish while this one waits
            sets = json.loads(summary.read_text())["sets"] if summary.is_file() else []
            completed_before = sorted(
                s["parameters"]["weight"] for s in sets if s["status"] == "completed"
            )
            if len(completed_before) < 2:
                time.sleep(0.2)
                continue
        if ready:
            pid = int(marker.read_text())
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.2)
    return killed, completed_before


def _optimise_with_kills(tmp_path: Path, attempts: int):
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    fixed = {
        "pause-when-weight": "0.5",
        "pause-folder": str(pauses),
        "pause-attempts": str(attempts),
    }
    settings = fast_settings(tmp_path / "o", fixed_parameters=fixed)
    finished = threading.Event()
    outcome: list = []

    def optimise() -> None:
        try:
            outcome.append(quiet(settings=settings))
        finally:
            finished.set()

    thread = threading.Thread(target=optimise)
    thread.start()
    killed, completed_before = _kill_paused_worker(
        pauses, attempts, finished, settings.output / SUMMARY_JSON
    )
    thread.join(timeout=300)
    assert len(killed) == attempts
    # The sets that finished before the kill were already on disk, in the summary.
    assert completed_before == ["0", "1"]
    return outcome[0], settings.output


@needs_lean_data
def test_a_set_whose_worker_is_killed_once_is_run_again(ray_instance, tmp_path):
    outcome, output = _optimise_with_kills(tmp_path, attempts=1)
    assert [r.status for r in outcome.results] == ["completed"] * 3
    summary = json.loads((output / SUMMARY_JSON).read_text())
    assert {s["parameters"]["weight"] for s in summary["sets"]} == {"0", "0.5", "1"}


@needs_lean_data
def test_a_set_whose_worker_dies_twice_fails_and_the_finished_sets_are_kept(ray_instance, tmp_path):
    outcome, output = _optimise_with_kills(tmp_path, attempts=2)
    by_weight = {r.parameter_set.values["weight"]: r for r in outcome.results}
    assert by_weight["0.5"].status == "failed"
    assert "died on both attempts" in by_weight["0.5"].error
    for weight in ("0", "1"):
        result = by_weight[weight]
        assert result.status == "completed"
        assert (result.folder / f"{result.backtest_id}.json").is_file()
    summary = json.loads((output / SUMMARY_JSON).read_text())
    assert sorted(s["status"] for s in summary["sets"]) == ["completed", "completed", "failed"]


@needs_lean_data
def test_python_m_local_lean_optimize_reads_a_lean_optimizer_config(ray_instance, tmp_path):
    from local_lean.cli import main as local_lean_main

    config = tmp_path / "optimizer.json"
    config.write_text(
        json.dumps(
            {
                "optimization-strategy": "QuantConnect.Optimizer.Strategies."
                "EulerSearchOptimizationStrategy",
                "optimization-strategy-settings": {"default-segment-amount": 2},
                "optimization-criterion": {"target": "Drawdown", "extremum": "min"},
                "parameters": [
                    {"name": "weight", "min": 0, "max": 1, "step": 0.5, "min-step": 0.25}
                ],
                "constraints": [
                    {"target": "Total Orders", "operator": "lessOrEqual", "target-value": 1}
                ],
            }
        )
    )
    output = tmp_path / "o"
    arguments = ["optimize", str(FAST_ALGORITHM), "--optimizer-config", str(config)]
    arguments += ["--data", str(LEAN_DATA), "--output", str(output), "--no-progress", "--no-charts"]
    assert local_lean_main(arguments) == 0
    summary = json.loads((output / SUMMARY_JSON).read_text())
    assert [s["parameters"]["weight"] for s in summary["sets"]] == ["0", "0.5", "1", "0", "0.25"]
    assert summary["target"]["path"] == "Statistics.Drawdown"
    assert summary["best"]["parameters"] == {"weight": "0"}


@needs_lean_data
def test_the_command_exits_1_when_a_set_failed(ray_instance, tmp_path, capsys):
    from local_lean.cli import main as local_lean_main

    arguments = ["optimize", str(FAST_ALGORITHM), "--strategy", "Grid Search"]
    arguments += ["--target", "Sharpe Ratio", "--target-direction", "max"]
    arguments += [
        "--parameter",
        "weight",
        "0.5",
        "1",
        "0.5",
        "--parameter",
        "fail-when-weight",
        "1",
    ]
    arguments += [
        "--data",
        str(LEAN_DATA),
        "--output",
        str(tmp_path / "o"),
        "--no-progress",
        "--no-charts",
    ]
    assert local_lean_main(arguments) == 1
    assert "1 parameter set(s) failed (2)" in capsys.readouterr().err


@needs_lean_data
def test_each_set_carries_leans_time_budget_verdict(ray_instance, tmp_path):
    from local_lean.optimize.report import ranking_table
    from local_lean.time_budget import TimeLimitSettings

    # A 4 s event against a 2.4 s time loop: LEAN would stop the algorithm there. The margin
    # leaves an event of no work room for a loaded machine.
    limits = TimeLimitSettings(time_loop_maximum_minutes=0.04, free_minutes_per_event=0.04)
    outcome = quiet(
        settings=fast_settings(
            tmp_path / "o",
            parameters=[step_parameter("event-seconds", "0", "4", "4")],
            backtest_options={"data": str(LEAN_DATA), "draw_charts": False, "time_limits": limits},
        )
    )
    by_seconds = {r.parameter_set.values["event-seconds"]: r for r in outcome.results}
    assert by_seconds["0"].lean_would_stop is False
    assert by_seconds["4"].lean_would_stop is True
    assert by_seconds["4"].time_budget_note.startswith("LEAN would stop it at 2021-01-04T10:00")
    assert "LEAN stops it" in ranking_table(
        outcome.results, parse_target("Net Profit", "max"), "Net Profit"
    )
