"""Returns, drawdowns and rolling ratios, computed from the equity and benchmark charts.

LEAN's results carry the portfolio value ("Strategy Equity" chart, "Equity" series) and the
benchmark price ("Benchmark" chart) at each daily sample; every figure here derives from those
two series the way LEAN's report (``Report/`` in LEAN's repository) derives its own: drawdown
periods from the underwater curve, monthly returns from month ends, the rolling Sharpe ratio
over six calendar months (``Report/Rolling.cs``) and the rolling beta over 132 trading days.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from local_lean.conventions import NEW_YORK

TRADING_DAYS_PER_YEAR = 252
ROLLING_SHARPE_MONTHS = 6
ROLLING_BETA_DAYS = 22 * 6  # LEAN's six-month beta window (RollingPortfolioBetaReportElement)
WORST_DRAWDOWNS = 5


@dataclass(frozen=True)
class DrawdownPeriod:
    """One stretch under water: from the peak it fell from to the day it regained it."""

    peak: pd.Timestamp
    trough: pd.Timestamp
    recovery: pd.Timestamp | None  # None: not regained by the end of the backtest
    depth: float  # fraction below the peak at the trough, positive
    end: pd.Timestamp  # the recovery, or the backtest's last day

    @property
    def days(self) -> int:
        """Calendar days under water: from the peak to the recovery or the backtest's end."""
        return (self.end - self.peak).days


def chart_series(charts: Any, chart_name: str, series_name: str) -> pd.Series | None:
    """One series of the results' "charts" as a float Series indexed by New York time.

    Accepts LEAN's point shapes: ``[t, y]``, candles ``[t, open, high, low, close]`` (the
    close is taken), and ``{"x": t, "y": y}``. None when the chart or series is absent.
    """
    try:
        values = charts[chart_name]["series"][series_name]["values"]
    except (KeyError, TypeError):
        return None
    times, numbers = [], []
    for point in values if isinstance(values, list) else []:
        time, value = _point(point)
        if time is None or value is None or not math.isfinite(value):
            continue
        times.append(time)
        numbers.append(value)
    index = pd.to_datetime(times, unit="s", utc=True).tz_convert(NEW_YORK)
    series = pd.Series(numbers, index=index.tz_localize(None), dtype=float)
    return series[~series.index.duplicated(keep="last")].sort_index()


def _point(point: Any) -> tuple[float | None, float | None]:
    if isinstance(point, dict):
        time = point.get("x")
        value = point.get("y", point.get("close"))
    elif isinstance(point, list | tuple) and len(point) >= 2:
        time, value = point[0], point[-1]
    else:
        return None, None
    if isinstance(time, bool) or isinstance(value, bool):
        return None, None
    if not isinstance(time, int | float) or not isinstance(value, int | float):
        return None, None
    return float(time), float(value)


def with_starting_capital(
    equity: pd.Series, starting_capital: float | None, start: datetime.datetime | None
) -> pd.Series:
    """The equity curve with the starting capital as its first point, at the backtest's start,
    so that returns include the first session (as "Net Profit" does)."""
    if equity.empty or not starting_capital or start is None or start >= equity.index[0]:
        return equity
    first = pd.Series([float(starting_capital)], index=pd.DatetimeIndex([start]))
    return pd.concat([first, equity])


def cumulative_returns(prices: pd.Series) -> pd.Series:
    """Growth since the first point, as a fraction (0.1 is +10%)."""
    return prices / prices.iloc[0] - 1.0


def underwater(equity: pd.Series) -> pd.Series:
    """Fraction below the running peak at each point (0 at a new high, negative under water)."""
    return equity / equity.cummax() - 1.0


def worst_drawdowns(equity: pd.Series, count: int = WORST_DRAWDOWNS) -> list[DrawdownPeriod]:
    """The ``count`` deepest drawdown periods, deepest first; periods never overlap."""
    below = underwater(equity)
    periods: list[DrawdownPeriod] = []
    peak = below.index[0] if len(below) else None
    trough, depth = None, 0.0
    for time, value in below.items():
        if value >= 0:
            if trough is not None:
                periods.append(DrawdownPeriod(peak, trough, time, -depth, time))
            peak, trough, depth = time, None, 0.0
        elif value < depth:
            trough, depth = time, value
    if trough is not None:
        periods.append(DrawdownPeriod(peak, trough, None, -depth, below.index[-1]))
    return sorted(periods, key=lambda period: period.depth, reverse=True)[:count]


def period_returns(equity: pd.Series, frequency: str) -> pd.Series:
    """Compounded return of each calendar month ("ME") or year ("YE"), from the equity at the
    end of the previous period (the first point for the first period)."""
    ends = equity.resample(frequency).last().dropna()
    previous = ends.shift(1)
    previous.iloc[0] = equity.iloc[0]
    return ends / previous - 1.0


def monthly_return_table(equity: pd.Series) -> dict[int, list[float | None]]:
    """Year -> twelve monthly returns (None for months outside the backtest)."""
    table: dict[int, list[float | None]] = {}
    for end, value in period_returns(equity, "ME").items():
        table.setdefault(end.year, [None] * 12)[end.month - 1] = float(value)
    return table


def daily_returns(prices: pd.Series) -> pd.Series:
    """Day-over-day change of the last value of each date."""
    by_date = prices.groupby(prices.index.normalize()).last()
    return by_date.pct_change().dropna()


def sharpe_ratio(returns: Sequence[float] | np.ndarray, risk_free_rate: float = 0.0) -> float:
    """LEAN's Sharpe ratio of daily returns (``Statistics.SharpeRatio``): compounded annual
    performance less the risk-free rate, over the annualised sample standard deviation."""
    values = np.asarray(returns, dtype=float)
    if len(values) < 2:
        return math.nan
    deviation = values.std(ddof=1) * math.sqrt(TRADING_DAYS_PER_YEAR)
    if deviation == 0:
        return math.nan
    annual = (values.mean() + 1.0) ** TRADING_DAYS_PER_YEAR - 1.0
    return (annual - risk_free_rate) / deviation


def rolling_sharpe(equity: pd.Series, months: int = ROLLING_SHARPE_MONTHS) -> pd.Series:
    """The Sharpe ratio over the trailing ``months`` calendar months at each date, from the
    first date with that much history (``Report/Rolling.cs``), with a zero risk-free rate."""
    returns = daily_returns(equity)
    if returns.empty:
        return pd.Series(dtype=float)
    first = returns.index[0] - pd.Timedelta(days=1)
    points = {}
    for date in returns.index:
        window_start = date - pd.DateOffset(months=months)
        if window_start < first:
            continue
        window = returns[(returns.index > window_start) & (returns.index <= date)]
        points[date] = sharpe_ratio(window.to_numpy())
    return pd.Series(points, dtype=float).dropna()


def rolling_beta(
    equity: pd.Series, benchmark: pd.Series, window: int = ROLLING_BETA_DAYS
) -> pd.Series:
    """Beta of daily returns to the benchmark's over the trailing ``window`` trading days."""
    frame = pd.concat(
        {"strategy": daily_returns(equity), "benchmark": daily_returns(benchmark)}, axis=1
    ).dropna()
    if len(frame) < window:
        return pd.Series(dtype=float)
    covariance = frame["strategy"].rolling(window).cov(frame["benchmark"])
    variance = frame["benchmark"].rolling(window).var()
    return (covariance / variance.replace(0.0, np.nan)).dropna()
