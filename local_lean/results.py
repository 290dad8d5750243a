"""Backtest results written as the lean CLI writes them, plus PNG charts and an insights file.

``write_results`` makes ``<output>/backtests/<yyyy-mm-dd_hh-mm-ss>/`` holding:

- ``<id>.json``: the full result, LEAN's backtest result packet shape with LEAN's camelCase key
  names: "charts", "orders" (by id), "profitLoss", "statistics" (LEAN's statistics dictionary,
  see :mod:`local_lean.statistics`; the capacity entries come from ``BacktestRecord.capacity``),
  "runtimeStatistics", "totalPerformance", "algorithmConfiguration", "state", "logs"; plus
  "insights" (every insight with its outcome, and a hit-rate summary), "runtimeError" when the
  algorithm raised, and each entry of ``BacktestRecord.sections`` under its own key.
- ``<id>-summary.json``: "statistics", "runtimeStatistics", "algorithmConfiguration", "state",
  "insights" summary, "runtimeError" (what ``lean backtest`` prints comes from here).
- ``<id>-order-events.json``: the order events, LEAN's camelCase fields, times as unix seconds.
- ``<id>-insights.json``: the insights alone, as a list (LEAN keeps insights out of the main
  result file and stores them beside it; the fields follow LEAN's ``Insight`` JSON).
- ``log.txt``: the log lines, one a line, as the lean CLI saves the container's log.
- ``<chart name>.png``: one picture per chart (not LEAN's; its web IDE draws the charts).

Charts follow ``Common/Chart.cs`` and ``Common/Series.cs``: chart name -> {"name", "series":
{series name -> {"name", "unit", "index", "seriesType", "values"}}}; a line series' values are
``[unix_seconds, value]`` pairs. LEAN's default charts are added as ``BaseResultsHandler``
samples them: "Strategy Equity" with "Equity" (a candle series, seriesType 2, values
``[t, open, high, low, close]``; with one daily sample all four are the close) and "Return"
(daily change in %, a bar series, seriesType 3), "Benchmark" with "Benchmark", and "Drawdown"
with "Equity Drawdown" (%). LEAN's chart times are UTC; naive datetimes here are taken as New
York time, LEAN's default algorithm time zone. Orders' "time" is ISO 8601 UTC ("...Z"), as LEAN.

The JSON is strict: NaN and infinities are written as null.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import json
import math
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from local_lean.capacity import CapacityStatistics
from local_lean.conventions import NEW_YORK
from local_lean.statistics import (
    NO_CAPACITY,
    NO_LOWEST_CAPACITY_ASSET,
    PortfolioStatistics,
    closing_profit_loss,
    compute_portfolio_statistics,
    format_statistics,
    total_fees,
)
from local_lean.statistics_results import with_custom_statistics

# LEAN's SeriesType values (Common/Series.cs).
SERIES_LINE = 0
SERIES_CANDLE = 2
SERIES_BAR = 3

STRATEGY_EQUITY = "Strategy Equity"
BENCHMARK = "Benchmark"
DRAWDOWN = "Drawdown"

Point = tuple[datetime.datetime, float]


def no_capacity_estimate() -> CapacityStatistics:
    """What LEAN prints when it has no capacity estimate (no trades)."""
    return CapacityStatistics(NO_CAPACITY, NO_LOWEST_CAPACITY_ASSET)


@dataclass
class BacktestRecord:
    """Everything a finished (or stopped) backtest produced, for :func:`write_results`."""

    algorithm_name: str
    start: datetime.date
    end: datetime.date
    initial_cash: float
    equity: pd.Series  # total portfolio value at each session close (index datetime)
    benchmark: pd.Series | None  # benchmark price at each close, same index (None if none)
    benchmark_name: str | None
    charts: dict[str, dict[str, list[tuple[datetime.datetime, float]]]]  # from self.plot()
    orders: list[dict]  # id, symbol, time, quantity, fill_price, fee, status, tag
    order_events: list[dict]
    insights: list[dict]  # symbol, generated_time, close_time, direction, period,
    # reference_price, close_price (float|None), outcome ("correct"/"incorrect"/"flat"/"open")
    logs: list[str]  # log lines, already time-stamped
    parameters: dict[str, str]
    runtime_error: str | None = None  # traceback text + simulated time, when the algorithm raised
    sections: dict[str, Any] = field(default_factory=dict)  # extra JSON sections
    # The two capacity statistics, filled from the capacity model's estimate.
    capacity: CapacityStatistics = field(default_factory=no_capacity_estimate)
    # The benchmark's last close before the start: LEAN's benchmark sample at the start.
    benchmark_before_start: float | None = None
    # The algorithm's risk-free rate model for the statistics (None: the primary credit rate).
    risk_free_rate: Any = None
    # LEAN's OrderListHash of the orders (see local_lean/order_list_hash.py); None: not computed.
    order_list_hash: str | None = None
    # The algorithm's custom summary statistics (set_summary_statistic), by name.
    summary_statistics: dict[str, str] = field(default_factory=dict)


# --- public API -------------------------------------------------------------------------------


def write_results(
    record: BacktestRecord,
    output_dir: Path,
    *,
    timestamp: datetime.datetime | None = None,
    draw_charts: bool = True,
) -> Path:
    """Write ``<output_dir>/backtests/<yyyy-mm-dd_hh-mm-ss>/`` in the lean CLI's layout.

    Returns that folder. ``timestamp`` names the folder (default: now, local time, as the lean
    CLI); when the folder exists already, a suffix "_2", "_3", ... keeps both. Partial results
    (``record.runtime_error`` set) are written the same way, with "runtimeError" and a
    "RuntimeError" state. The module docstring lists the files and their shape.
    """
    timestamp = timestamp or datetime.datetime.now()
    folder = _new_folder(Path(output_dir) / "backtests", timestamp.strftime("%Y-%m-%d_%H-%M-%S"))
    algorithm_id = backtest_id(record, timestamp)

    # Every part below is made strictly JSON-serialisable here, once, so that the files can be
    # written without another pass over the (large) orders, order events and insights.
    # Statistics come from the sampled equity alone and may fail on extreme values (as LEAN's
    # do): then they are left empty and the error logged, as LEAN's result handler does, and
    # everything else is written all the same.
    computed = _statistics_or_error(record)
    raw, statistics_error = computed.raw, computed.error
    statistics = to_json_value(computed.formatted)
    charts = to_json_value(build_charts(record))
    # Written twice (in the main file and in the insights file): encoded once.
    insights = EncodedJson([_insight_json(insight) for insight in record.insights])
    insight_summary = to_json_value(summarize_insights(record.insights))
    runtime_statistics = to_json_value(computed.runtime)
    logs = list(record.logs) + ([statistics_error] if statistics_error else [])
    configuration = to_json_value(_algorithm_configuration(record))
    state = to_json_value(_state(record, timestamp))

    main: dict[str, Any] = {
        "charts": charts,
        "orders": {
            str(order.get("id", index)): _order_json(order)
            for index, order in enumerate(record.orders, start=1)
        },
        "profitLoss": to_json_value(_profit_loss(record)),
        "statistics": statistics,
        "runtimeStatistics": runtime_statistics,
        "totalPerformance": {"portfolioStatistics": {} if raw is None else _camel_statistics(raw)},
        "algorithmConfiguration": configuration,
        "state": state,
        "insights": {"summary": insight_summary, "insights": insights},
        "logs": to_json_value(logs),
    }
    if record.runtime_error:
        main["runtimeError"] = to_json_value(record.runtime_error)
    if statistics_error:
        main["statisticsError"] = statistics_error
    for name, section in record.sections.items():
        main[str(name)] = to_json_value(section)
    summary: dict[str, Any] = {
        "statistics": statistics,
        "runtimeStatistics": runtime_statistics,
        "algorithmConfiguration": configuration,
        "state": state,
        "insights": insight_summary,
    }
    if record.runtime_error:
        summary["runtimeError"] = to_json_value(record.runtime_error)
    if statistics_error:
        summary["statisticsError"] = statistics_error

    _write_json(folder / f"{algorithm_id}.json", main)
    _write_json(folder / f"{algorithm_id}-summary.json", summary)
    _write_json(
        folder / f"{algorithm_id}-order-events.json",
        [_order_event_json(event, algorithm_id) for event in record.order_events],
    )
    _write_json(folder / f"{algorithm_id}-insights.json", insights)
    (folder / "log.txt").write_text("".join(f"{line}\n" for line in logs), encoding="utf-8")
    if draw_charts:
        # matplotlib only when pictures are drawn: it costs more than writing the rest
        from local_lean.charts import draw_chart_png

        points = _chart_points(record)
        for chart_name, file_name in chart_file_names(list(points)).items():
            series = points[chart_name]
            units = {name: charts[chart_name]["series"][name]["unit"] for name in series}
            draw_chart_png(chart_name, series, folder / file_name, units=units)
    return folder


def summarize(record: BacktestRecord, folder: Path | None = None) -> str:
    """A short text for the command line: key statistics, insight hit rate, where results went."""
    computed = _statistics_or_error(record)
    statistics, statistics_error = computed.formatted, computed.error
    insight_summary = summarize_insights(record.insights)
    lines = [f"Backtest {record.algorithm_name}: {record.start} to {record.end}"]
    if record.runtime_error:
        headline = _error_headline(record.runtime_error) or "(no message)"
        lines.append(f"STOPPED BY A RUNTIME ERROR (partial results): {headline}")
    if statistics_error:
        lines.append(statistics_error)
    for key in (
        "Start Equity",
        "End Equity",
        "Net Profit",
        "Compounding Annual Return",
        "Drawdown",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Total Orders",
        "Total Fees",
    ):
        lines.append(f"  {key:<26} {statistics.get(key, 'n/a')}")
    if record.benchmark is not None:
        name = record.benchmark_name or "benchmark"
        lines.append(f"  {'Benchmark Net Profit':<26} {_benchmark_net_profit(record)} ({name})")
    hit_rate = insight_summary["hitRate"]
    lines.append(
        f"  {'Insights':<26} {insight_summary['total']} "
        f"(correct {insight_summary['correct']}, incorrect {insight_summary['incorrect']}, "
        f"flat {insight_summary['flat']}, open {insight_summary['open']}); hit rate "
        + ("n/a" if hit_rate is None else f"{hit_rate * 100:.1f}%")
    )
    if folder is not None:
        lines.append(f"Results: {folder}")
    return "\n".join(lines)


def summarize_insights(insights: Sequence[Mapping]) -> dict[str, Any]:
    """Counts per outcome and the hit rate: correct / (correct + incorrect), None if neither.

    Flat insights (no direction to score) and open ones (not closed by the backtest's end) are
    counted but left out of the hit rate.
    """
    counts = {outcome: 0 for outcome in ("correct", "incorrect", "flat", "open")}
    for insight in insights:
        outcome = str(insight.get("outcome", "open"))
        counts[outcome] = counts.get(outcome, 0) + 1
    scored = counts["correct"] + counts["incorrect"]
    return {
        "total": len(insights),
        **counts,
        "hitRate": counts["correct"] / scored if scored else None,
    }


def backtest_id(record: BacktestRecord, timestamp: datetime.datetime) -> str:
    """A 10-digit id for the file names, fixed by the algorithm's name and the timestamp."""
    digest = hashlib.sha256(f"{record.algorithm_name}|{timestamp.isoformat()}".encode())
    return str(1_000_000_000 + int(digest.hexdigest(), 16) % 9_000_000_000)


def build_charts(record: BacktestRecord) -> dict[str, Any]:
    """The "charts" section: the algorithm's plots plus LEAN's default charts, as LEAN's JSON."""
    charts: dict[str, Any] = {}
    for chart_name, series in record.charts.items():
        chart = charts.setdefault(chart_name, _chart(chart_name))
        for index, (series_name, points) in enumerate(series.items()):
            chart["series"][series_name] = _series(
                series_name,
                "$",
                index,
                SERIES_LINE,
                [[unix_seconds(time), _json_float(value)] for time, value in points],
            )
    equity = record.equity.sort_index()
    if len(equity):
        strategy = charts.setdefault(STRATEGY_EQUITY, _chart(STRATEGY_EQUITY))
        strategy["series"]["Equity"] = _series(
            "Equity",
            "$",
            0,
            SERIES_CANDLE,
            [[unix_seconds(t), *([_json_float(v)] * 4)] for t, v in equity.items()],
        )
        strategy["series"]["Return"] = _series(
            "Return",
            "%",
            1,
            SERIES_BAR,
            [[unix_seconds(t), _json_float(v)] for t, v in _daily_return_percent(record).items()],
        )
        drawdown = charts.setdefault(DRAWDOWN, _chart(DRAWDOWN))
        drawdown["series"]["Equity Drawdown"] = _series(
            "Equity Drawdown",
            "%",
            0,
            SERIES_LINE,
            [[unix_seconds(t), _json_float(v)] for t, v in _drawdown_percent(equity).items()],
        )
    if record.benchmark is not None and len(record.benchmark):
        chart = charts.setdefault(BENCHMARK, _chart(BENCHMARK))
        chart["series"][BENCHMARK] = _series(
            BENCHMARK,
            "$",
            0,
            SERIES_LINE,
            [[unix_seconds(t), _json_float(v)] for t, v in record.benchmark.sort_index().items()],
        )
    return charts


def unix_seconds(time: datetime.datetime | datetime.date | pd.Timestamp) -> int:
    """Unix seconds of ``time``; naive datetimes are New York time (LEAN's algorithm zone)."""
    # A backtest repeats the same few times (one or two a session) many thousand times, and a
    # pandas time-zone conversion costs tens of microseconds: convert each distinct time once.
    # A repeated wall time (fold=1) compares equal to its first occurrence, so it is not cached.
    if getattr(time, "fold", 0):
        return _unix_seconds(time)
    return _cached_unix_seconds(time)


def _unix_seconds(time: datetime.datetime | datetime.date | pd.Timestamp) -> int:
    aware = _unambiguous_new_york(time)
    if aware is not None:  # the usual case, without pandas' slower conversion
        return int(aware.timestamp())
    timestamp = pd.Timestamp(time)
    if timestamp.tzinfo is None:
        timestamp = timestamp.tz_localize(NEW_YORK)
    return int(timestamp.timestamp())


def to_json_value(value: Any) -> Any:
    """``value`` made strictly JSON-serialisable: NaN/inf -> None, datetimes -> ISO 8601 UTC,
    timedeltas -> seconds, numpy/pandas scalars and decimals -> Python numbers, enums -> their
    names."""
    # The common exact types first, by one dictionary look-up (the general checks below give
    # the same answers for them, more slowly).
    convert = _EXACT_TYPE_CONVERTERS.get(type(value))
    if convert is not None:
        return convert(value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating | Decimal):
        return _json_float(value)
    if isinstance(value, datetime.datetime | pd.Timestamp):
        return _iso_utc(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta | pd.Timedelta):
        return _json_float(pd.Timedelta(value).total_seconds())
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, pd.Series):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [to_json_value(item) for item in value]
    if hasattr(value, "to_json") and callable(value.to_json):
        return to_json_value(value.to_json())
    return str(value)


# --- sections ---------------------------------------------------------------------------------


def portfolio_statistics(record: BacktestRecord) -> PortfolioStatistics:
    """LEAN's portfolio statistics of ``record`` (the samples LEAN would have taken)."""
    return compute_portfolio_statistics(
        record.equity,
        record.benchmark,
        record.orders,
        initial_cash=record.initial_cash,
        start=record.start,
        end=record.end,
        benchmark_before_start=record.benchmark_before_start,
        risk_free_rate=record.risk_free_rate,
    )


@dataclass
class _Statistics:
    """The three statistics sections, or the error that left them empty."""

    raw: PortfolioStatistics | None = None
    formatted: dict[str, str] = field(default_factory=dict)
    runtime: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _statistics_or_error(record: BacktestRecord) -> _Statistics:
    """The statistics of ``record``; empty, with a log line naming the error, when extreme
    values (beyond .NET's decimal, or an infinite annual performance) make them fail."""
    try:
        raw = _remembered_portfolio_statistics(record)
        return _Statistics(raw, _format(record, raw), _runtime_statistics(record, raw))
    except (ArithmeticError, ValueError) as error:
        return _Statistics(
            error=f"ERROR: the statistics could not be computed, so they are left out: {error}"
        )


# write_results and then summarize ask for the statistics of one record: the latest record's
# are kept, with what they were computed from (a record changed since is computed again).
_latest_statistics: list[tuple[weakref.ref, tuple, PortfolioStatistics]] = []


def _remembered_portfolio_statistics(record: BacktestRecord) -> PortfolioStatistics:
    inputs = _statistics_inputs(record)
    if _latest_statistics:
        known_record, known_inputs, raw = _latest_statistics[0]
        if known_record() is record and known_inputs == inputs:
            return raw
    raw = portfolio_statistics(record)
    _latest_statistics[:] = [(weakref.ref(record), inputs, raw)]
    return raw


def _statistics_inputs(record: BacktestRecord) -> tuple:
    """What portfolio_statistics reads from ``record``: the series' values, the orders (by
    identity and count) and the scalars."""
    series = [record.equity, record.benchmark]
    return (
        *(
            None if s is None else (id(s), s.index.to_numpy().tobytes(), s.to_numpy().tobytes())
            for s in series
        ),
        id(record.orders),
        len(record.orders),
        record.initial_cash,
        record.start,
        record.end,
        record.benchmark_before_start,
        id(record.risk_free_rate),
    )


def lean_statistics(record: BacktestRecord) -> dict[str, str]:
    """LEAN's "statistics" dictionary of ``record``: its names, order and strings."""
    return _format(record, portfolio_statistics(record))


def _format(record: BacktestRecord, raw: PortfolioStatistics) -> dict[str, str]:
    statistics = format_statistics(
        raw,
        total_orders=len(record.orders),
        total_fees=total_fees(record.orders),
        estimated_strategy_capacity=record.capacity.estimated_strategy_capacity,
        lowest_capacity_asset=record.capacity.lowest_capacity_asset,
    )
    statistics = with_custom_statistics(statistics, record.summary_statistics)
    if record.order_list_hash is not None:
        statistics["OrderListHash"] = record.order_list_hash  # LEAN adds it last
    return statistics


def _benchmark_net_profit(record: BacktestRecord) -> str:
    """The benchmark's change over the backtest's sessions (not a LEAN statistic)."""
    prices = record.benchmark.reindex(record.equity.index).dropna()
    if len(prices) < 2 or not prices.iloc[0]:
        return "n/a"
    return f"{(prices.iloc[-1] / prices.iloc[0] - 1) * 100:.3f}%"


def _camel_statistics(raw: PortfolioStatistics) -> dict[str, Any]:
    """``totalPerformance.portfolioStatistics``: LEAN's camelCase names, numbers as numbers."""
    return {
        _camel(key): value if isinstance(value, int) else _json_float(value)
        for key, value in raw.to_dict().items()
    }


def _profit_loss(record: BacktestRecord) -> dict[str, float]:
    """LEAN's "profitLoss": closing fill time (UTC, ISO 8601) -> profit less fees; a repeated
    time moves on by a millisecond, as LEAN's ``AddTransactionRecord`` does."""
    result: dict[str, float] = {}
    for time, profit in closing_profit_loss(record.orders):
        stamp = _utc_timestamp(time)
        while (key := _cached_iso_utc_with_milliseconds(stamp)) in result:
            stamp += _ONE_MILLISECOND
        result[key] = profit
    return result


def _utc_timestamp(time: Any) -> pd.Timestamp:
    """``time`` as a UTC pd.Timestamp; naive times are New York time."""
    if getattr(time, "fold", 0):
        return _to_utc_timestamp(time)
    return _cached_utc_timestamp(time)


def _to_utc_timestamp(time: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(time)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(NEW_YORK)
    return stamp.tz_convert("UTC")


_ONE_MILLISECOND = pd.Timedelta(milliseconds=1)


def _runtime_statistics(record: BacktestRecord, raw: PortfolioStatistics) -> dict[str, str]:
    """LEAN's "runtimeStatistics": money with thousands separators, "Return" as "1.23 %"."""
    volume = sum(
        abs(_finite(order.get("quantity")) * _finite(order.get("fill_price")))
        for order in record.orders
    )
    end_equity = float(raw.end_equity)
    start_equity = float(raw.start_equity)
    net_return = end_equity / start_equity - 1 if start_equity else 0.0
    return {
        "Equity": _money(end_equity),
        "Fees": _money(-float(total_fees(record.orders))),
        "Net Profit": _money(end_equity - start_equity),
        "Probabilistic Sharpe Ratio": f"{float(raw.probabilistic_sharpe_ratio) * 100:.3f}%",
        "Return": f"{net_return * 100:.2f} %",
        "Volume": _money(volume),
    }


def _algorithm_configuration(record: BacktestRecord) -> dict[str, Any]:
    return {
        "name": record.algorithm_name,
        "accountCurrency": "USD",
        "accountCurrencySymbol": "$",
        "startingCapital": _json_float(record.initial_cash),
        "tradingDaysPerYear": 252,
        "benchmark": record.benchmark_name,
        "parameters": {str(k): str(v) for k, v in record.parameters.items()},
        "startDate": _date_time_text(record.start),
        "endDate": _date_time_text(record.end),
    }


def _state(record: BacktestRecord, timestamp: datetime.datetime) -> dict[str, str]:
    """LEAN's "state" dictionary; "RuntimeError"/"StackTrace" hold the error when there is one."""
    error = record.runtime_error or ""
    return {
        "Name": record.algorithm_name,
        "Status": "RuntimeError" if record.runtime_error else "Completed",
        "StartTime": timestamp.strftime("%Y-%m-%d %H:%M:%S"),
        "RuntimeError": _error_headline(error),
        "StackTrace": error,
    }


def _order_json(order: Mapping) -> dict[str, Any]:
    """An order with LEAN's camelCase names; the fill price is LEAN's "price"."""
    result = {_order_key(str(k)): to_json_value(v) for k, v in order.items()}
    if order.get("quantity") is not None and order.get("fill_price") is not None:
        result["value"] = _json_float(_finite(order["quantity"]) * _finite(order["fill_price"]))
    return result


@functools.lru_cache(maxsize=1024)
def _order_key(name: str) -> str:
    return "price" if name == "fill_price" else _camel(name)


def _order_event_json(event: Mapping, algorithm_id: str) -> dict[str, Any]:
    """An order event with LEAN's camelCase names; "time" as unix seconds, as LEAN writes it."""
    result: dict[str, Any] = {"algorithmId": algorithm_id}
    for key, value in event.items():
        name = _camel(str(key))
        if name == "time" and value is not None:
            result[name] = unix_seconds(value)
        else:
            result[name] = to_json_value(value)
    return result


def _insight_json(insight: Mapping) -> dict[str, Any]:
    """An insight with LEAN's ``Insight`` JSON names (times in unix seconds, period in
    seconds, "reference"/"referenceValueFinal" for the prices) plus its "outcome"."""
    direction = insight.get("direction")
    if isinstance(direction, enum.Enum):
        direction = direction.name
    direction_text = str(direction).lower() if direction is not None else None
    outcome = str(insight.get("outcome", "open"))
    symbol = insight.get("symbol")
    result: dict[str, Any] = {
        "symbol": symbol if type(symbol) is str else to_json_value(symbol),
        "ticker": str(symbol) if symbol is not None else None,
        "type": "price",
        "direction": direction_text,
        "period": _number_json(insight.get("period")),
        "generatedTime": _optional_seconds(_first_of(insight, "generated_time")),
        "closeTime": _optional_seconds(_first_of(insight, "close_time")),
        "reference": _number_json(insight.get("reference_price")),
        "referenceValueFinal": _number_json(insight.get("close_price")),
        "scoreIsFinal": outcome != "open",
        "scoreDirection": _SCORE_DIRECTIONS.get(outcome),
        "outcome": outcome,
    }
    for key, value in insight.items():
        if key not in _INSIGHT_FIELDS:
            result[_camel_name(key)] = value if type(value) is str else to_json_value(value)
    return result


_SCORE_DIRECTIONS = {"correct": 1.0, "incorrect": 0.0}
# The insight fields _insight_json writes under LEAN's names; others keep their own (camelCase).
_INSIGHT_FIELDS = frozenset(
    {
        "symbol",
        "direction",
        "period",
        "generated_time",
        "close_time",
        "_generated_time",
        "_close_time",
        "reference_price",
        "close_price",
        "outcome",
    }
)


def _number_json(value: Any) -> Any:
    """to_json_value, with a float (the usual price or period) converted at once."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    return to_json_value(value)


@functools.lru_cache(maxsize=256)
def _camel_name(key: Any) -> str:
    """``_camel(str(key))``, remembered: insights repeat the same few extra keys."""
    return _camel(str(key))


def _first_of(insight: Mapping, key: str) -> Any:
    """``insight[key]``, or its private spelling ``_key`` when only that is present."""
    return insight[key] if key in insight else insight.get(f"_{key}")


def _error_headline(error: str) -> str:
    """The line that names the error: the first, unless it only opens a traceback."""
    lines = [line for line in error.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def _chart_points(record: BacktestRecord) -> dict[str, dict[str, list[Point]]]:
    """The charts as (time, value) points for the pictures: plots, equity, benchmark, drawdown."""
    charts: dict[str, dict[str, list[Point]]] = {
        name: dict(series) for name, series in record.charts.items()
    }
    equity = record.equity.sort_index()
    if len(equity):
        charts.setdefault(STRATEGY_EQUITY, {})["Equity"] = list(equity.items())
        charts.setdefault(DRAWDOWN, {})["Equity Drawdown"] = list(_drawdown_percent(equity).items())
    if record.benchmark is not None and len(record.benchmark):
        charts.setdefault(BENCHMARK, {})[BENCHMARK] = list(record.benchmark.sort_index().items())
    return charts


def _daily_return_percent(record: BacktestRecord) -> pd.Series:
    equity = record.equity.sort_index().astype(float)
    previous = equity.shift(1)
    previous.iloc[0] = record.initial_cash
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (equity - previous) * 100 / previous
    return change.where(previous != 0, 0.0).round(10)


def _drawdown_percent(equity: pd.Series) -> pd.Series:
    values = equity.astype(float)
    highs = values.cummax()
    return ((values / highs - 1) * 100).where(highs > 0, 0.0).round(2)


# --- helpers ----------------------------------------------------------------------------------


def _chart(name: str) -> dict[str, Any]:
    return {"name": name, "chartType": 0, "series": {}}


def _series(name: str, unit: str, index: int, series_type: int, values: list) -> dict[str, Any]:
    return {"name": name, "unit": unit, "index": index, "seriesType": series_type, "values": values}


def _new_folder(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    candidate, suffix = parent / name, 2
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            candidate, suffix = parent / f"{name}_{suffix}", suffix + 1


def _write_json(path: Path, content: Any) -> None:
    """Write ``content``, already JSON-safe (see :func:`to_json_value`), as
    ``json.dumps(content, indent=2, allow_nan=False, ensure_ascii=False)`` writes it."""
    path.write_text(dumps_indented(content) + "\n", encoding="utf-8")


def _json_float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _iso_utc(time: datetime.datetime | pd.Timestamp) -> str:
    aware = _unambiguous_new_york(time)
    if aware is not None:  # the usual case, without pandas' slower conversion
        return aware.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    timestamp = pd.Timestamp(time)
    if timestamp.tzinfo is None:
        timestamp = timestamp.tz_localize(NEW_YORK)
    return timestamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _unambiguous_new_york(time: Any) -> datetime.datetime | None:
    """A naive ``datetime.datetime`` (not a pd.Timestamp) of years 1900..2199 as an aware New
    York time, when that wall time names exactly one instant; None otherwise (pandas then
    converts it, raising for a time a clock change skips or repeats, as before)."""
    if type(time) is not datetime.datetime or time.tzinfo is not None:
        return None
    if not 1900 <= time.year < 2200:
        return None
    aware = time.replace(tzinfo=NEW_YORK)
    if aware.utcoffset() != time.replace(tzinfo=NEW_YORK, fold=1).utcoffset():
        return None
    return aware


def _iso_utc_with_milliseconds(stamp: pd.Timestamp) -> str:
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if stamp.microsecond:
        text += f".{stamp.microsecond // 1000:03d}"
    return text + "Z"


# Bounded caches of the time conversions (a long backtest has a few thousand distinct times).
_cached_unix_seconds = functools.lru_cache(maxsize=1 << 16)(_unix_seconds)
_cached_iso_utc = functools.lru_cache(maxsize=1 << 16)(_iso_utc)
_cached_utc_timestamp = functools.lru_cache(maxsize=1 << 16)(_to_utc_timestamp)
_cached_iso_utc_with_milliseconds = functools.lru_cache(maxsize=1 << 16)(_iso_utc_with_milliseconds)


def _optional_seconds(time: Any) -> int | None:
    return None if time is None else unix_seconds(time)


def _date_time_text(day: datetime.date) -> str:
    return datetime.datetime(day.year, day.month, day.day).strftime("%Y-%m-%dT%H:%M:%S")


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


@functools.lru_cache(maxsize=4096)
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# Chart names are free text; a file name keeps letters, digits, dots, underscores and dashes,
# and stays far below the 255 bytes file systems allow.
_MAX_CHART_FILE_STEM = 100


def chart_file_names(chart_names: Sequence[str]) -> dict[str, str]:
    """The PNG file name of each chart: its name with other characters as dashes, shortened,
    and "_2", "_3", ... where two charts would share a file ("Risk/Return", "Risk Return"),
    compared without case as macOS and Windows compare file names."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for chart_name in chart_names:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", chart_name).strip("-.") or "chart"
        stem = stem[:_MAX_CHART_FILE_STEM]
        candidate, suffix = stem, 2
        while candidate.lower() in taken:
            candidate, suffix = f"{stem}_{suffix}", suffix + 1
        taken.add(candidate.lower())
        names[chart_name] = f"{candidate}.png"
    return names


# --- conversion of exact types (see to_json_value) ------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _dict_json(value: dict) -> dict[str, Any]:
    return {str(key): to_json_value(item) for key, item in value.items()}


def _list_json(value: list | tuple) -> list[Any]:
    return [to_json_value(item) for item in value]


def _iso_utc_cached(time: datetime.datetime | pd.Timestamp) -> str:
    if getattr(time, "fold", 0):
        return _iso_utc(time)
    return _cached_iso_utc(time)


_EXACT_TYPE_CONVERTERS: dict[type, Any] = {
    type(None): _identity,
    bool: _identity,
    str: _identity,
    int: _identity,
    float: _json_float,
    Decimal: _json_float,
    datetime.datetime: _iso_utc_cached,
    pd.Timestamp: _iso_utc_cached,
    datetime.date: datetime.date.isoformat,
    dict: _dict_json,
    list: _list_json,
    tuple: _list_json,
}


# --- JSON text ----------------------------------------------------------------------------------
# ``json.dumps(..., indent=2)`` runs the standard library's pure-Python encoder (its C encoder
# only writes unindented text), which takes seconds for a long backtest's orders and insights.
# The same text, byte for byte, comes from the C encoder when each container whose items are
# all scalars is encoded in one call, with the item separator carrying the newline and the
# indentation of its depth. A list of such containers (the orders, events and insights) is
# encoded in one call too: encoded strings never hold a raw newline, and a scalar never ends
# with "}" or "]", so "}" or "]" followed by the separator only occurs between two items.

_INDENT = "  "


class EncodedJson:
    """A value's text from ``dumps_indented``, to be written in several files (the insights):
    placed deeper in a file, each of its lines is indented further, which gives the text the
    value itself would get there (encoded strings hold no raw newline)."""

    def __init__(self, value: Any) -> None:
        self.text = dumps_indented(value)

    def at_depth(self, depth: int) -> str:
        return self.text.replace("\n", "\n" + _INDENT * depth) if depth else self.text


_CONTAINERS = (dict, list, tuple, EncodedJson)
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.lru_cache(maxsize=64)
def _flat_encoder(depth: int) -> json.JSONEncoder:
    """The C encoder writing a flat container's items at ``depth`` (newline + indentation)."""
    return json.JSONEncoder(
        ensure_ascii=False,
        allow_nan=False,
        check_circular=False,
        separators=(",\n" + _INDENT * depth, ": "),
    )


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, allow_nan=False, ensure_ascii=False)``, faster.

    Raises as ``json.dumps`` does for NaN, infinities and values JSON cannot hold.
    """
    parts: list[str] = []
    _encode_indented(value, 0, parts)
    return "".join(parts)


def _is_flat(container: Any) -> bool:
    items = container.values() if isinstance(container, dict) else container
    # The common case (plain scalars only) is decided by one C-level pass over the types.
    if _PLAIN_SCALARS.issuperset(map(type, items)):
        return True
    return not any(isinstance(item, _CONTAINERS) for item in items)


def _encode_indented(value: Any, depth: int, parts: list[str]) -> None:
    if isinstance(value, EncodedJson):
        parts.append(value.at_depth(depth))
    elif isinstance(value, dict):
        _encode_dict(value, depth, parts)
    elif isinstance(value, list | tuple):
        _encode_list(value, depth, parts)
    else:
        parts.append(_flat_encoder(0).encode(value))


def _encode_dict(value: dict, depth: int, parts: list[str]) -> None:
    if not value:
        parts.append("{}")
    elif _is_flat(value):
        parts.append(_wrap_flat(_flat_encoder(depth + 1).encode(value), depth))
    elif _is_list_of_flat(list(value.values())):
        parts.append(_encode_dict_of_flat(value, depth))
    else:
        inner = "\n" + _INDENT * (depth + 1)
        separator = "{" + inner
        for key, item in value.items():
            parts.append(separator + _flat_encoder(0).encode(_json_key(key)) + ": ")
            _encode_indented(item, depth + 1, parts)
            separator = "," + inner
        parts.append("\n" + _INDENT * depth + "}")


def _encode_list(value: list | tuple, depth: int, parts: list[str]) -> None:
    if not value:
        parts.append("[]")
    elif _is_flat(value):
        parts.append(_wrap_flat(_flat_encoder(depth + 1).encode(value), depth))
    elif _is_list_of_flat(value):
        parts.append(_encode_list_of_flat(value, depth))
    else:
        inner = "\n" + _INDENT * (depth + 1)
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _encode_indented(item, depth + 1, parts)
            separator = "," + inner
        parts.append("\n" + _INDENT * depth + "]")


def _wrap_flat(text: str, depth: int) -> str:
    """A flat container encoded with its items' separators: its first item and its closing
    bracket on lines of their own."""
    return text[0] + "\n" + _INDENT * (depth + 1) + text[1:-1] + "\n" + _INDENT * depth + text[-1]


def _is_list_of_flat(items: list | tuple) -> bool:
    """All items non-empty flat containers of one kind (all dicts, or all lists/tuples)."""
    kind = dict if isinstance(items[0], dict) else (list, tuple)
    return all(isinstance(item, kind) and item and _is_flat(item) for item in items)


def _encode_list_of_flat(items: list | tuple, depth: int) -> str:
    opening, closing = ("{", "}") if isinstance(items[0], dict) else ("[", "]")
    outer = "\n" + _INDENT * depth
    middle = "\n" + _INDENT * (depth + 1)
    inner = "\n" + _INDENT * (depth + 2)
    text = _flat_encoder(depth + 2).encode(items)  # "[{a,<inner>b},<inner>{c,<inner>d}]"
    body = text[2:-2].replace(
        closing + "," + inner + opening,
        middle + closing + "," + middle + opening + inner,
    )
    return "[" + middle + opening + inner + body + middle + closing + outer + "]"


def _encode_dict_of_flat(items: dict, depth: int) -> str:
    """A dictionary of non-empty flat containers of one kind, its values in one encoder call."""
    values = list(items.values())
    opening, closing = ("{", "}") if isinstance(values[0], dict) else ("[", "]")
    outer = "\n" + _INDENT * depth
    middle = "\n" + _INDENT * (depth + 1)
    inner = "\n" + _INDENT * (depth + 2)
    text = _flat_encoder(depth + 2).encode(values)  # "[{a,<inner>b},<inner>{c,<inner>d}]"
    bodies = text[2:-2].split(closing + "," + inner + opening)
    key_encoder = _flat_encoder(0)
    entries = [
        f"{key_encoder.encode(_json_key(key))}: {opening}{inner}{body}{middle}{closing}"
        for key, body in zip(items, bodies, strict=True)
    ]
    return "{" + middle + ("," + middle).join(entries) + outer + "}"


def _json_key(key: Any) -> str:
    """A dictionary key as ``json`` writes it: strings as they are, numbers and constants as
    their JSON text; other keys raise TypeError, as in ``json.dumps``."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return _flat_encoder(0).encode(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


__all__ = [
    "BacktestRecord",
    "backtest_id",
    "CapacityStatistics",
    "build_charts",
    "dumps_indented",
    "lean_statistics",
    "portfolio_statistics",
    "summarize",
    "summarize_insights",
    "to_json_value",
    "unix_seconds",
    "write_results",
]
