"""One parameter set's result: its backtest folder on disk, and what the search needs from it.

A finished set's files are written at once to ``<optimisation>/<backtest id>/``, as lean
optimize lays them out, so that nothing finished is lost if the optimisation stops later. What
the search and the report need is then read back from that folder's result JSON (the
public results-file layout): the target, the constraints, the statistics, the "time budget"
verdict, and the daily returns of the "Strategy Equity" chart (for the deflated Sharpe ratio) and
of the "Benchmark" chart, each keyed by its time (for the tests of the selection).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from local_lean.optimize.objectives import Constraint, Target, read_statistic
from local_lean.optimize.strategies import ParameterSet

COMPLETED = "completed"
FAILED = "failed"


@dataclass
class SetResult:
    parameter_set: ParameterSet
    status: str  # COMPLETED or FAILED
    seconds: float
    folder: Path | None = None  # <optimisation>/<backtest id>, None when nothing was written
    backtest_id: str | None = None
    error: str | None = None
    target: Decimal | None = None
    constraints_met: bool = False
    statistics: dict[str, str] = field(default_factory=dict)
    lean_would_stop: bool | None = None  # the "time budget" verdict
    time_budget_note: str = ""
    daily_returns: list[float] = field(default_factory=list)
    #: The same returns keyed by the chart time (unix seconds) of the close that ends each one,
    #: and the benchmark's: sets' returns line up by day, not by position.
    returns_by_time: dict[int, float] = field(default_factory=dict)
    benchmark_returns_by_time: dict[int, float] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.parameter_set.id

    @property
    def counts(self) -> bool:
        """Eligible to win: completed, with the target, within every constraint."""
        return self.status == COMPLETED and self.target is not None and self.constraints_met


def save_set(
    destination: Path,
    parameter_set: ParameterSet,
    files: Mapping[str, bytes],
    error: str | None,
    seconds: float,
    target: Target,
    constraints: Sequence[Constraint],
) -> SetResult:
    """Write a finished set's files under ``destination`` and read back what the search needs."""
    backtest_id = _backtest_id(files)
    if backtest_id is None:
        return SetResult(parameter_set, FAILED, seconds, error=error or "no results were written")
    folder = destination / backtest_id
    if folder.exists():  # two backtests named alike: keep both
        folder = destination / f"{backtest_id}_{parameter_set.id}"
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    result = json.loads(files[f"{backtest_id}.json"])
    record = SetResult(
        parameter_set,
        FAILED if error else COMPLETED,
        seconds,
        folder=folder,
        backtest_id=backtest_id,
        error=error,
        statistics=dict(result.get("statistics", {})),
    )
    _read_time_budget(record, result.get("time budget"))
    if record.status == COMPLETED:
        record.target = read_statistic(result, target.path)
        record.constraints_met = all(constraint.is_met(result) for constraint in constraints)
        record.daily_returns = equity_returns(result)
        record.returns_by_time = chart_returns(result, "Strategy Equity", "Equity")
        record.benchmark_returns_by_time = chart_returns(result, "Benchmark", "Benchmark")
    return record


def failed_set(parameter_set: ParameterSet, error: str, seconds: float) -> SetResult:
    return SetResult(parameter_set, FAILED, seconds, error=error)


def best_result(results: Sequence[SetResult], target: Target) -> SetResult | None:
    """The first set, in id order, with the best target among those that count (LEAN replaces
    the best only on a strict improvement)."""
    best: SetResult | None = None
    for result in sorted(results, key=lambda r: r.id):
        if result.counts and target.better(best.target if best else None, result.target):
            best = result
    return best


def equity_returns(result: Mapping[str, Any]) -> list[float]:
    """Daily returns of the "Strategy Equity" chart's closes (LEAN's candle [t, o, h, l, c])."""
    try:
        points = result["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    except (KeyError, TypeError):
        return []
    closes = [float(point[-1]) for point in points if point and point[-1] is not None]
    pairs = zip(closes, closes[1:], strict=False)
    return [after / before - 1 for before, after in pairs if before != 0]


def chart_returns(result: Mapping[str, Any], chart: str, series: str) -> dict[int, float]:
    """A chart series' returns from one point's value to the next (the last number of a point:
    a line's value, a candle's close), keyed by the later point's time."""
    try:
        points = result["charts"][chart]["series"][series]["values"]
    except (KeyError, TypeError):
        return {}
    values = [(int(p[0]), float(p[-1])) for p in points if p and len(p) >= 2 and p[-1] is not None]
    return {
        time: after / before - 1
        for (_, before), (time, after) in zip(values, values[1:], strict=False)
        if before != 0
    }


def _backtest_id(files: Mapping[str, bytes]) -> str | None:
    for name in files:
        if name.endswith("-summary.json"):
            backtest_id = name.removesuffix("-summary.json")
            if f"{backtest_id}.json" in files:
                return backtest_id
    return None


def _read_time_budget(record: SetResult, budget: Any) -> None:
    if not isinstance(budget, Mapping):
        return
    record.lean_would_stop = bool(budget.get("lean_would_stop"))
    first = budget.get("first_violation")
    if record.lean_would_stop and isinstance(first, Mapping):
        when = first.get("simulated_time", "")
        record.time_budget_note = f"LEAN would stop it at {when} ({first.get('event', '')})"
    else:
        record.time_budget_note = "within LEAN's time limits"
