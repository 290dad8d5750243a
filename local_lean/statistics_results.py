"""``self.statistics`` (LEAN's ``StatisticsResults``) and custom summary statistics.

- ``self.statistics.summary``: the statistics dictionary of the backtest so far, LEAN's names
  and strings (``PerformanceMetrics.SHARPE_RATIO`` is "Sharpe Ratio"), computed as the final
  ones are, from the equity samples and the orders up to now; then the custom ones.
- ``self.set_summary_statistic(name, value)``: a custom statistic, kept as a string (an int or
  float as .NET's invariant ``ToString`` writes it). It joins the summary and the results'
  statistics, after LEAN's own; a name LEAN already uses keeps LEAN's value
  (``StatisticsResults.AddCustomSummaryStatistics``); names "0" to "100" are reserved
  (``QCAlgorithm.SetSummaryStatistic``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from local_lean.conventions import format_decimal, format_double
from local_lean.dotnet_collections import Dictionary
from local_lean.lean_members import LeanMembers


class PerformanceMetrics:
    """LEAN's ``PerformanceMetrics``: the names of the summary statistics."""

    ALPHA = "Alpha"
    ANNUAL_STANDARD_DEVIATION = "Annual Standard Deviation"
    ANNUAL_VARIANCE = "Annual Variance"
    AVERAGE_LOSS = "Average Loss"
    AVERAGE_WIN = "Average Win"
    BETA = "Beta"
    COMPOUNDING_ANNUAL_RETURN = "Compounding Annual Return"
    DRAWDOWN = "Drawdown"
    ESTIMATED_STRATEGY_CAPACITY = "Estimated Strategy Capacity"
    EXPECTANCY = "Expectancy"
    START_EQUITY = "Start Equity"
    END_EQUITY = "End Equity"
    INFORMATION_RATIO = "Information Ratio"
    LOSS_RATE = "Loss Rate"
    NET_PROFIT = "Net Profit"
    PROBABILISTIC_SHARPE_RATIO = "Probabilistic Sharpe Ratio"
    PROFIT_LOSS_RATIO = "Profit-Loss Ratio"
    SHARPE_RATIO = "Sharpe Ratio"
    SORTINO_RATIO = "Sortino Ratio"
    TOTAL_FEES = "Total Fees"
    TOTAL_ORDERS = "Total Orders"
    TRACKING_ERROR = "Tracking Error"
    TREYNOR_RATIO = "Treynor Ratio"
    WIN_RATE = "Win Rate"
    LOWEST_CAPACITY_ASSET = "Lowest Capacity Asset"
    PORTFOLIO_TURNOVER = "Portfolio Turnover"
    DRAWDOWN_RECOVERY = "Drawdown Recovery"


def summary_statistic_text(name: Any, value: Any) -> tuple[str, str]:
    """`name` and `value` as ``SetSummaryStatistic`` keeps them (strings); a clear error for a
    reserved name or a value of another type."""
    if not isinstance(name, str):
        raise TypeError(f"a summary statistic's name is a string, got {name!r}")
    stripped = name.strip()
    if stripped.lstrip("+-").isdigit() and 0 <= int(stripped) <= 100:
        raise ValueError(f"'{name}' is a reserved statistic name.")
    if isinstance(value, str):
        return name, value
    if isinstance(value, bool):
        raise TypeError(f"a summary statistic is a string, int or float, got {value!r}")
    if isinstance(value, int):
        return name, str(value)
    if isinstance(value, float):
        return name, format_double(value)
    if isinstance(value, Decimal):
        return name, format_decimal(value)
    raise TypeError(f"a summary statistic is a string, int or float, got {value!r}")


def with_custom_statistics(
    statistics: Mapping[str, str], custom: Mapping[str, str]
) -> dict[str, str]:
    """LEAN's statistics followed by the custom ones whose names LEAN does not use."""
    merged = dict(statistics)
    for name, value in custom.items():
        merged.setdefault(name, value)
    return merged


class StatisticsResults(
    LeanMembers,
    lean_class="QuantConnect.Statistics.StatisticsResults",
    hint="the runner offers summary (the statistics dictionary); the full results are in the "
    "backtest's result files",
):
    """``self.statistics``: ``summary``, the statistics dictionary at this time (a .NET
    ``Dictionary``: iterating it gives ``KeyValuePair``s, ``summary[name]`` a value)."""

    def __init__(self, summary: Mapping[str, str]) -> None:
        self.summary = Dictionary(summary)

    def __repr__(self) -> str:
        return f"<StatisticsResults {len(self.summary)} statistics>"


__all__ = [
    "PerformanceMetrics",
    "StatisticsResults",
    "summary_statistic_text",
    "with_custom_statistics",
]
