"""The optimisation's tests of its selection: which sets and days go in, the benchmark the user
chooses, and the notes that replace a figure that cannot be computed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from local_lean.optimize.overfitting import OverfittingInputError
from local_lean.optimize.records import COMPLETED, FAILED, SetResult
from local_lean.optimize.selection_bias import (
    SelectionTestSettings,
    benchmark_returns,
    returns_matrix,
    run_selection_tests,
    selection_text,
)
from local_lean.optimize.strategies import ParameterSet

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
NEW_YORK = ZoneInfo("America/New_York")


def close_times(first: dt.date, days: int) -> list[int]:
    """Chart times of weekday closes (16:00 New York) from ``first``."""
    times, day = [], first
    while len(times) < days:
        if day.weekday() < 5:
            close = dt.datetime.combine(day, dt.time(16), NEW_YORK)
            times.append(int(close.timestamp()))
        day += dt.timedelta(days=1)
    return times


def set_result(
    set_id: int, values: dict[str, str], returns: dict[int, float], status: str = COMPLETED
) -> SetResult:
    result = SetResult(ParameterSet(set_id, values), status, 1.0)
    result.returns_by_time = dict(returns)
    result.daily_returns = list(returns.values())
    return result


def test_the_matrix_holds_distinct_completed_sets_on_their_common_days():
    times = close_times(dt.date(2021, 1, 4), 5)
    results = [
        set_result(2, {"x": "2"}, dict(zip(times, [0.1, 0.2, 0.3, 0.4, 0.5], strict=True))),
        set_result(1, {"x": "1"}, dict(zip(times[1:], [1.0, 2.0, 3.0, 4.0], strict=True))),
        # Euler search may run a set twice: it is one trial.
        set_result(3, {"x": "1"}, dict(zip(times, [9.0] * 5, strict=True))),
        set_result(4, {"x": "4"}, dict(zip(times, [7.0] * 5, strict=True)), status=FAILED),
    ]
    ids, matrix, days = returns_matrix(results)
    assert ids == [1, 2]
    assert days == times[1:]
    assert matrix.tolist() == [[1.0, 0.2], [2.0, 0.3], [3.0, 0.4], [4.0, 0.5]]


def test_benchmark_choices_give_returns_on_the_sets_days():
    times = close_times(dt.date(2021, 1, 4), 4)
    result = set_result(1, {"x": "1"}, dict.fromkeys(times, 0.0))
    result.benchmark_returns_by_time = dict(zip(times, [0.01, -0.02, 0.03, 0.0], strict=True))
    assert benchmark_returns("cash", [result], times, None, 0).tolist() == [0.0] * 4
    chart = benchmark_returns("benchmark", [result], times[1:], None, 0)
    assert chart.tolist() == [-0.02, 0.03, 0.0]
    result.benchmark_returns_by_time.pop(times[2])
    with pytest.raises(OverfittingInputError, match="lacks 1 of the 4 days.*--spa-benchmark cash"):
        benchmark_returns("benchmark", [result], times, None, 0)


@pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN's sample data is absent")
def test_a_ticker_benchmark_is_buy_and_hold_of_its_closes():
    from local_lean.data import open_price_source

    closes = open_price_source(LEAN_DATA).daily_bars("SPY")["close"]
    times = close_times(dt.date(2021, 1, 5), 3)  # Tuesday to Thursday
    returns = benchmark_returns("SPY", [], times, str(LEAN_DATA), 0)
    window = closes.loc["2021-01-04":"2021-01-07"].to_numpy()
    assert returns == pytest.approx(window[1:] / window[:-1] - 1, rel=1e-12)
    with pytest.raises(OverfittingInputError, match="no close for 3 of the 3 days"):
        benchmark_returns("SPY", [], close_times(dt.date(2030, 1, 7), 3), str(LEAN_DATA), 0)
    with pytest.raises(OverfittingInputError, match="--spa-benchmark NOPE"):
        benchmark_returns("NOPE", [], times, str(LEAN_DATA), 0)


def test_sets_that_cannot_be_judged_get_notes_not_numbers():
    times = close_times(dt.date(2020, 1, 6), 10)
    rng = np.random.default_rng(0)
    short = [
        set_result(i, {"x": str(i)}, dict(zip(times, rng.normal(0, 0.01, 10), strict=True)))
        for i in (1, 2, 3)
    ]
    tests = run_selection_tests(short, SelectionTestSettings(benchmark="cash"))
    assert tests.overfitting is None
    assert tests.overfitting_json["probability"] is None
    assert "10 days of returns" in tests.overfitting_json["note"]
    assert tests.spa_json["spaPValue"] is None and "10 days" in tests.spa_json["note"]
    text = "\n".join(selection_text(tests.overfitting_json, tests.spa_json))
    assert "overfitting: not computed (10 days of returns" in text
    assert "Superior Predictive Ability: not computed" in text
    alone = run_selection_tests(short[:1], SelectionTestSettings(benchmark="cash"))
    assert "1 parameter set(s)" in alone.overfitting_json["note"]
    none = run_selection_tests([], SelectionTestSettings())
    assert none.overfitting_json["note"] == "no parameter set completed with daily returns"


def test_sets_with_a_planted_edge_are_judged_against_the_chosen_benchmark():
    times = close_times(dt.date(2019, 1, 7), 300)
    rng = np.random.default_rng(4)
    results = []
    for i in range(1, 7):
        returns = rng.normal(0.002 if i == 5 else 0.0, 0.01, len(times))
        results.append(set_result(i, {"x": str(i)}, dict(zip(times, returns, strict=True))))
    settings = SelectionTestSettings(blocks=10, benchmark="cash", reps=300, seed=2)
    tests = run_selection_tests(results, settings)
    assert tests.overfitting_json["probability"] < 0.05
    assert tests.overfitting_json["combinations"] == 252
    assert tests.spa_json["bestSet"] == 5  # the set's id, not its column
    assert tests.spa_json["spaPValue"] < 0.05
    assert tests.spa_json["benchmark"] == "cash"
    text = "\n".join(selection_text(tests.overfitting_json, tests.spa_json))
    assert "Probability of backtest overfitting: 0.0" in text
    assert "against cash: p = 0.0" in text
