"""How far an optimisation's choice can be trusted: the probability of backtest overfitting of
its selection, and the test of Superior Predictive Ability of its sets against a benchmark.

Both take the daily returns of every distinct parameter set that completed (constraints do not
matter: every set tried is a trial), lined up on the days all of them have. The benchmark is the
user's choice:

- ``benchmark`` (the default): the results' "Benchmark" chart, buy and hold of the algorithm's
  benchmark security (SPY unless the algorithm sets another);
- ``cash``: a return of 0 every day (does any set make money at all?);
- a ticker: buy and hold of that ticker's daily closes from the backtests' data.

The statistics themselves live in ``overfitting``; this module only assembles their input and
turns a refusal into a note, so that an optimisation whose sets cannot be judged (one set, too
few days) still ends with its results and says why these figures are missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from local_lean.optimize.overfitting import (
    DEFAULT_BLOCKS,
    DEFAULT_BOOTSTRAP_REPS,
    BacktestOverfitting,
    OverfittingInputError,
    probability_of_backtest_overfitting,
    superior_predictive_ability,
)
from local_lean.optimize.records import COMPLETED, SetResult
from local_lean.optimize.report import degradation_line

ALGORITHM_BENCHMARK = "benchmark"
CASH = "cash"
NEW_YORK = ZoneInfo("America/New_York")


@dataclass
class SelectionTestSettings:
    blocks: int = DEFAULT_BLOCKS  # PBO's S
    benchmark: str = ALGORITHM_BENCHMARK  # "benchmark", "cash" or a ticker
    block_length: float | None = None  # the stationary bootstrap's mean block, in days
    reps: int = DEFAULT_BOOTSTRAP_REPS
    seed: int = 0


@dataclass
class SelectionTests:
    overfitting: BacktestOverfitting | None
    overfitting_json: dict[str, Any]
    spa_json: dict[str, Any]


def returns_matrix(results: Sequence[SetResult]) -> tuple[list[int], np.ndarray, list[int]]:
    """(set ids, days x sets matrix, the days' chart times) of the distinct completed sets, in
    id order, on the days every one of them has a return."""
    chosen: dict[tuple[tuple[str, str], ...], SetResult] = {}
    for result in sorted(results, key=lambda r: r.id):
        if result.status == COMPLETED and result.returns_by_time:
            chosen.setdefault(tuple(sorted(result.parameter_set.values.items())), result)
    sets = list(chosen.values())
    if not sets:
        return [], np.empty((0, 0)), []
    common = set(sets[0].returns_by_time)
    for result in sets[1:]:
        common &= set(result.returns_by_time)
    times = sorted(common)
    matrix = np.array([[r.returns_by_time[t] for r in sets] for t in times], dtype=float)
    return [r.id for r in sets], matrix.reshape(len(times), len(sets)), times


def benchmark_returns(
    choice: str, results: Sequence[SetResult], times: Sequence[int], data: Any, seed: int
) -> np.ndarray:
    """The chosen benchmark's daily returns on ``times`` (chart times of session closes)."""
    if choice == CASH:
        return np.zeros(len(times))
    if choice == ALGORITHM_BENCHMARK:
        chart = next(
            (r.benchmark_returns_by_time for r in sorted(results, key=lambda r: r.id)
             if r.benchmark_returns_by_time),
            {},
        )  # fmt: skip
        missing = [t for t in times if t not in chart]
        if missing:
            raise OverfittingInputError(
                f"the results' Benchmark chart lacks {len(missing)} of the {len(times)} days "
                "(does the algorithm set a benchmark?); choose --spa-benchmark cash or a ticker"
            )
        return np.array([chart[t] for t in times], dtype=float)
    return _ticker_returns(choice, times, data, seed)


def run_selection_tests(
    results: Sequence[SetResult],
    settings: SelectionTestSettings,
    data: Any = None,
    data_seed: int = 0,
) -> SelectionTests:
    """PBO and SPA of the sets; each figure that cannot be computed carries a note instead."""
    ids, matrix, times = returns_matrix(results)
    names = [f"parameter set {i}" for i in ids]
    overfitting: BacktestOverfitting | None = None
    try:
        if not ids:
            raise OverfittingInputError("no parameter set completed with daily returns")
        overfitting = probability_of_backtest_overfitting(matrix, settings.blocks, names)
        overfitting_json = {**overfitting.to_json(), "note": _pbo_note(overfitting)}
    except OverfittingInputError as error:
        overfitting_json = {"probability": None, "blocks": settings.blocks, "note": str(error)}
    try:
        if not ids:
            raise OverfittingInputError("no parameter set completed with daily returns")
        reference = benchmark_returns(settings.benchmark, results, times, data, data_seed)
        spa = superior_predictive_ability(
            matrix, reference, settings.block_length, settings.reps, settings.seed, names
        )
        spa_json = {
            **spa.to_json(),
            "benchmark": settings.benchmark,
            "bestSet": ids[spa.best_set],
            "note": "",
        }
    except OverfittingInputError as error:
        spa_json = {"spaPValue": None, "benchmark": settings.benchmark, "note": str(error)}
    return SelectionTests(overfitting, overfitting_json, spa_json)


def selection_text(overfitting_json: dict[str, Any], spa_json: dict[str, Any]) -> list[str]:
    """The lines printed beside the deflated Sharpe ratio."""
    lines = []
    if overfitting_json.get("probability") is not None:
        line = degradation_line(
            overfitting_json["degradationIntercept"], overfitting_json["degradationSlope"]
        )
        lines.append(
            f"Probability of backtest overfitting: {overfitting_json['probability']:.3f} (CSCV, "
            f"S = {overfitting_json['blocks']}, {overfitting_json['combinations']:,} "
            f"combinations of {overfitting_json['sets']} sets over {overfitting_json['days']} "
            f"days: how often the in-sample best is at or below the median out-of-sample; "
            f"out-of-sample Sharpe = {line} x in-sample)"
        )
    else:
        note = overfitting_json["note"]
        lines.append(f"Probability of backtest overfitting: not computed ({note})")
    if spa_json.get("spaPValue") is not None:
        lines.append(
            f"Superior Predictive Ability against {_benchmark_name(spa_json['benchmark'])}: "
            f"p = {spa_json['spaPValue']:.3f} (Hansen), White's Reality Check p = "
            f"{spa_json['realityCheckPValue']:.3f}; best set {spa_json['bestSet']}, "
            f"{1e4 * spa_json['bestMeanDailyExcess']:.2f} bps a day above it "
            f"({spa_json['bootstrapReps']} stationary-bootstrap draws, mean block "
            f"{spa_json['blockLength']:.1f} days)"
        )
    else:
        lines.append(f"Superior Predictive Ability: not computed ({spa_json['note']})")
    return lines


def _pbo_note(overfitting: BacktestOverfitting) -> str:
    if overfitting.sets < 4:
        return (
            f"only {overfitting.sets} distinct sets: ranks are coarse, so PBO moves in large steps"
        )
    return ""


def _benchmark_name(choice: str) -> str:
    if choice == ALGORITHM_BENCHMARK:
        return "the algorithm's benchmark (buy and hold)"
    if choice == CASH:
        return "cash"
    return f"buy and hold {choice.upper()}"


def _ticker_returns(ticker: str, times: Sequence[int], data: Any, seed: int) -> np.ndarray:
    """Close-to-close returns of ``ticker`` ending on the New York date of each chart time."""
    from local_lean.data import open_price_source
    from local_lean.errors import LocalLeanError

    try:
        closes = open_price_source(data, seed).daily_bars(ticker)["close"]
    except LocalLeanError as error:
        raise OverfittingInputError(f"--spa-benchmark {ticker}: {error}") from None
    dates = [dt.datetime.fromtimestamp(t, dt.UTC).astimezone(NEW_YORK).date() for t in times]
    by_date = {day.date(): float(close) for day, close in closes.items()}
    sessions = sorted(by_date)
    previous = {after: before for before, after in zip(sessions, sessions[1:], strict=False)}
    missing = [d for d in dates if d not in previous]
    if missing:
        raise OverfittingInputError(
            f"--spa-benchmark {ticker}: no close for {len(missing)} of the {len(dates)} days "
            f"(first {missing[0]}) in its data; choose a ticker with data over the backtest"
        )
    return np.array([by_date[d] / by_date[previous[d]] - 1 for d in dates], dtype=float)
