"""Backtest statistics as LEAN computes, rounds and prints them.

LEAN's statistics (``Common/Statistics/StatisticsBuilder.cs``, ``PortfolioStatistics.cs``,
``Statistics.cs``) are computed from the charts its results handler samples
(``Engine/Results/BaseResultsHandler.cs``, ``BacktestingResultHandler.cs``); this module derives
those samples from what the engine records (the equity after each session's close) and then
follows LEAN step by step.

The samples (:func:`lean_samples`):

- A "Daily Sampling" event runs at midnight (New York) every calendar day, weekends and holidays
  included, from the start date; it fires when the clock passes it, so a midnight sample holds
  the equity and the benchmark price of the last close before it. The first one (day 0, at the
  start date's midnight) holds the starting cash; the benchmark's day-0 price is its last close
  before the start (LEAN seeds it). After the last bar the clock stops: midnights after it (a
  backtest ending on a weekend) are never sampled, and a final sample is taken at the last
  close. Each sample records the equity, the benchmark price, the daily performance (percent
  change from the previous sample, rounded to 10 decimals) and, from the second sample on, the
  portfolio turnover (value traded since the previous sample / equity). The last three are
  ``ChartPoint`` values, whose setter keeps ``SmartRounding`` of them (7 significant digits up
  to 1,000), and the statistics read them from the charts: a daily performance of
  -1.1542801144% counts as -1.154280%.
- The "Strategy Equity" series also gets a point at each session close whenever more than the
  resample period (4 minutes, or the backtest's span / 4000 when longer) has passed since the
  last such point. Equity points are rounded to 4 decimals.

The statistics (:func:`compute_portfolio_statistics`):

- The performance list skips the first two samples (day 0 and day 1); the benchmark list is
  the change between consecutive benchmark samples, less the first change. With fewer than two
  of either (or no starting cash), only start equity, end equity and turnover are set.
- "Net Profit": last equity point / starting cash - 1. "Compounding Annual Return": over the
  days from the first to the last equity point (UTC) / 365.
- Annual performance: (mean daily performance + 1) ** 252 - 1. "Annual Variance": the sample
  variance x 252. "Sharpe Ratio": (annual performance - risk-free rate) / annual standard
  deviation; "Sortino Ratio" the same over the annualised deviation of the negative days.
- The risk-free rate: LEAN's default ``InterestRateProvider``, the US primary credit rate,
  averaged over the equity points, one rate per point by its UTC date, so a session day with a
  midnight sample and a close point counts twice (:mod:`local_lean.risk_free_rate`).
- "Probabilistic Sharpe Ratio": the probability that the daily Sharpe ratio (excess over the
  daily risk-free rate) exceeds 1 / sqrt(252), from the sample skewness and excess kurtosis.
- "Beta": sample covariance with the benchmark / the benchmark's sample variance; "Alpha",
  "Tracking Error", "Information Ratio", "Treynor Ratio" as ``PortfolioStatistics``.
- "Drawdown" and "Drawdown Recovery" (the longest time in days, truncated, from a peak to the
  point that regains it) over the equity points.
- Trade statistics from each fill that closes (part of) a position: profit against the average
  holdings price, less twice that fill's fee (``SecurityPortfolioModel``); a win is a profit
  above 0; average win and loss are rates of the running capital.
- "Portfolio Turnover": the mean of the turnover samples. "Total Fees": the sum of the fees.
- Numbers are .NET decimals where LEAN uses decimals (``decimal.Decimal`` here, rounded half to
  even by ``Math.Round`` and printed with their scale: "0.800%") and doubles where LEAN casts to
  double (rounded as ``Math.Round(double, 3)`` and printed in the shortest form: "0.02", "-19",
  "-0"). A double becomes a decimal with 15 significant digits, as .NET converts it.

What still differs from LEAN:

- "Estimated Strategy Capacity" and "Lowest Capacity Asset" come from outside (see
  :func:`format_statistics`); "OrderListHash" (a hash of LEAN's own order JSON) is not produced.
- Prices are the runner's floats, taken at their shortest decimal form; LEAN's adjusted prices
  are decimal products, so a result can differ in its last printed digit in rare cases.
- A dividend's own time slice (which can move LEAN's next equity point in backtests sampled
  less than daily) is not modelled.
- After a warm-up, LEAN re-captures the starting value when the warm-up ends; the runner's
  day-0 sample is the starting cash, which is the same unless the warm-up traded.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from statistics import NormalDist
from typing import Any, Protocol

import numpy as np
import pandas as pd

from local_lean.conventions import (
    decimal_from_double,
    decimal_of,
    dotnet_round,
    format_decimal,
    format_double,
    format_money,
    round_double,
    smart_rounding,
    to_aware_utc,
)
from local_lean.risk_free_rate import primary_credit_rate

#: LEAN's ``AlgorithmSettings.TradingDaysPerYear`` for equities.
TRADING_DAYS_PER_YEAR = 252

#: What LEAN prints for the capacity statistics when no capacity was estimated.
NO_CAPACITY = "$0"
NO_LOWEST_CAPACITY_ASSET = ""

# .NET's decimal holds 28-29 significant digits.
_DOTNET_DECIMAL = Context(prec=28, rounding=ROUND_HALF_EVEN)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

# BacktestingResultHandler: about 4000 equity points a backtest, at least 4 minutes apart.
_EQUITY_POINTS_PER_BACKTEST = 4000
_MINIMUM_RESAMPLE_MINUTES = 4


# --- LEAN's samples -------------------------------------------------------------------------


@dataclass(frozen=True)
class LeanSamples:
    """The series LEAN's results handler samples; times are UTC, values .NET decimals."""

    equity: list[tuple[datetime.datetime, Decimal]]  # "Strategy Equity" points
    performance: list[tuple[datetime.datetime, Decimal]]  # daily change, percent
    benchmark: list[tuple[datetime.datetime, Decimal]]  # benchmark price
    portfolio_turnover: list[tuple[datetime.datetime, Decimal]]  # fraction


def lean_samples(
    equity: pd.Series,
    benchmark: pd.Series | None,
    orders: Sequence[Mapping],
    *,
    initial_cash: float,
    start: datetime.date,
    end: datetime.date,
    benchmark_before_start: float | None = None,
) -> LeanSamples:
    """LEAN's daily samples of a backtest from the engine's record.

    ``equity``: total portfolio value after each session's close, indexed by the close time
    (naive New York time); ``benchmark``: the benchmark's price at the same times (None: no
    benchmark, sampled as 0, as LEAN samples a benchmark without data); ``orders``: fills with
    "quantity", "fill_price" and "fill_time" (the fill's session is the date of "fill_time");
    ``start``/``end``: the backtest's dates; ``benchmark_before_start``: the benchmark's last
    close before the start (LEAN seeds its benchmark with it; without it the benchmark is 0
    until the first close, which changes the first counted benchmark change when the first
    session comes after the start date's next midnight).
    """
    equity = _clean_series(equity, "equity")
    closes = [pd.Timestamp(time).to_pydatetime() for time in equity.index]
    values = [_portfolio_decimal(value) for value in equity.to_numpy()]
    if benchmark is None:
        prices = [_ZERO] * len(closes)
    else:
        # A benchmark without a price yet is sampled as 0, as LEAN samples it.
        benchmark = _clean_series(benchmark, "benchmark", missing_allowed=True)
        benchmark = benchmark.reindex(equity.index).ffill()
        prices = [smart_rounding(price) for price in benchmark.to_numpy()]
    traded_by_day = _traded_value_by_day(orders)

    resample = datetime.timedelta(minutes=_resample_minutes(start, end))
    samples = _SampleBook(decimal_of(initial_cash))
    midnight = datetime.datetime(start.year, start.month, start.day)
    portfolio_value, traded = decimal_of(initial_cash), _ZERO
    benchmark_price = smart_rounding(benchmark_before_start or 0.0)
    next_equity_point: datetime.datetime | None = None
    counted_day: datetime.date | None = None  # minute and hour data: many points a day
    for close, value, price in zip(closes, values, prices, strict=True):
        while midnight < close:  # the midnights the clock passed before this close
            samples.sample(to_aware_utc(midnight), portfolio_value, benchmark_price, traded)
            midnight += datetime.timedelta(days=1)
        portfolio_value, benchmark_price = value, price
        if close.date() != counted_day:
            traded += traded_by_day.get(close.date(), _ZERO)
            counted_day = close.date()
        if next_equity_point is None or close > next_equity_point:
            samples.equity_point(to_aware_utc(close), portfolio_value)
            next_equity_point = close + resample
    if closes:
        samples.sample(to_aware_utc(closes[-1]), portfolio_value, benchmark_price, traded)
    return samples.result()


class _SampleBook:
    """``BaseResultsHandler.Sample`` and ``SampleEquity``: the charts as LEAN fills them."""

    def __init__(self, starting_value: Decimal) -> None:
        self._daily_value = starting_value  # the value at the previous daily sample
        self._traded_at_previous_sample = _ZERO
        self._equity: list[tuple[datetime.datetime, Decimal]] = []
        self._performance: list[tuple[datetime.datetime, Decimal]] = []
        self._benchmark: list[tuple[datetime.datetime, Decimal]] = []
        self._turnover: list[tuple[datetime.datetime, Decimal]] = []

    def equity_point(self, time: datetime.datetime, value: Decimal) -> None:
        """The equity chart's point: LEAN's candlestick stores ``SmartRounding(value)``, the
        value without trailing zeros, rounded to 4 decimals (to 7 significant digits up to
        1,000), so 93054.5000 is kept as 93054.5."""
        # A series only takes points later than its last one.
        if not self._equity or time > self._equity[-1][0]:
            rounded = smart_rounding(value)
            self._equity.append((time, rounded))

    def sample(
        self, time: datetime.datetime, value: Decimal, benchmark: Decimal, traded: Decimal
    ) -> None:
        """The daily sample. The performance and turnover are ``ChartPoint`` values, whose setter
        keeps ``SmartRounding(value)``, so the statistics read them rounded (a daily performance
        of -1.1542801144% is kept as -1.154280%); `benchmark` comes rounded so already."""
        with localcontext(_DOTNET_DECIMAL):
            performance = _ZERO
            if self._daily_value != 0:
                change = (value - self._daily_value) * _HUNDRED / self._daily_value
                performance = smart_rounding(dotnet_round(change, 10))
            self.equity_point(time, value)
            if not self._benchmark or time > self._benchmark[-1][0]:
                self._benchmark.append((time, benchmark))
                self._performance.append((time, performance))
            # No turnover at day 0: LEAN samples it after a full day.
            if self._performance[0][0] != time and value != 0:
                turnover = (traded - self._traded_at_previous_sample) / value
                self._turnover.append((time, smart_rounding(turnover)))
                self._traded_at_previous_sample = traded
        self._daily_value = value

    def result(self) -> LeanSamples:
        return LeanSamples(self._equity, self._performance, self._benchmark, self._turnover)


def _resample_minutes(start: datetime.date, end: datetime.date) -> float:
    """``BacktestingResultHandler``'s equity resample period; the end date ends at midnight."""
    span = datetime.datetime.combine(end, datetime.time()) + datetime.timedelta(days=1)
    minutes = (span - datetime.datetime.combine(start, datetime.time())).total_seconds() / 60
    if minutes < _MINIMUM_RESAMPLE_MINUTES * _EQUITY_POINTS_PER_BACKTEST:
        return _MINIMUM_RESAMPLE_MINUTES
    return minutes / _EQUITY_POINTS_PER_BACKTEST


def _traded_value_by_day(orders: Sequence[Mapping]) -> dict[datetime.date, Decimal]:
    """Absolute filled value per fill date (LEAN's ``TotalSaleVolume`` grows at each fill)."""
    traded: dict[datetime.date, Decimal] = {}
    for order in _fills(orders):
        day = pd.Timestamp(order.get("fill_time") or order.get("time")).date()
        value = abs(decimal_of(order["quantity"]) * decimal_of(order["fill_price"]))
        traded[day] = traded.get(day, _ZERO) + value
    return traded


# --- the statistics ---------------------------------------------------------------------------


class RiskFreeRateModel(Protocol):
    """LEAN's ``IRiskFreeInterestRateModel``, as the statistics use it."""

    def average_rate(self, days: Iterable[datetime.date]) -> Decimal: ...


@dataclass(frozen=True)
class PortfolioStatistics:
    """LEAN's ``PortfolioStatistics`` (fractions, not percentages; .NET decimals)."""

    average_win_rate: Decimal = _ZERO
    average_loss_rate: Decimal = _ZERO
    profit_loss_ratio: Decimal = _ZERO
    win_rate: Decimal = _ZERO
    loss_rate: Decimal = _ZERO
    expectancy: Decimal = _ZERO
    start_equity: Decimal = _ZERO
    end_equity: Decimal = _ZERO
    compounding_annual_return: Decimal = _ZERO
    drawdown: Decimal = _ZERO
    total_net_profit: Decimal = _ZERO
    sharpe_ratio: Decimal = _ZERO
    probabilistic_sharpe_ratio: Decimal = _ZERO
    sortino_ratio: Decimal = _ZERO
    alpha: Decimal = _ZERO
    beta: Decimal = _ZERO
    annual_standard_deviation: Decimal = _ZERO
    annual_variance: Decimal = _ZERO
    information_ratio: Decimal = _ZERO
    tracking_error: Decimal = _ZERO
    treynor_ratio: Decimal = _ZERO
    portfolio_turnover: Decimal = _ZERO
    value_at_risk_99: Decimal = _ZERO
    value_at_risk_95: Decimal = _ZERO
    drawdown_recovery: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compute_portfolio_statistics(
    equity: pd.Series,
    benchmark: pd.Series | None,
    orders: Sequence[Mapping],
    *,
    initial_cash: float,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    benchmark_before_start: float | None = None,
    risk_free_rate: RiskFreeRateModel | None = None,
    trading_days_per_year: int = TRADING_DAYS_PER_YEAR,
) -> PortfolioStatistics:
    """LEAN's statistics of a backtest (see :func:`lean_samples` for the inputs).

    ``start``/``end`` default to the dates of the first and last close; ``risk_free_rate``
    defaults to the primary credit rate shipped with the runner.
    """
    equity = _clean_series(equity, "equity")
    if start is None:
        start = equity.index[0].date() if len(equity) else datetime.date(1998, 1, 1)
    if end is None:
        end = equity.index[-1].date() if len(equity) else start
    samples = lean_samples(
        equity,
        benchmark,
        orders,
        initial_cash=initial_cash,
        start=start,
        end=end,
        benchmark_before_start=benchmark_before_start,
    )
    with localcontext(_DOTNET_DECIMAL):
        # StatisticsBuilder: the performance list skips day 0 and day 1 (orders placed on the
        # first day fill the next morning); the benchmark list its first change.
        performance = [float(value / _HUNDRED) for _, value in samples.performance[2:]]
        benchmark_changes = _benchmark_changes([value for _, value in samples.benchmark])
    return portfolio_statistics(
        profit_loss=closing_profit_loss(orders),
        equity=samples.equity,
        portfolio_turnover=samples.portfolio_turnover,
        performance=performance,
        benchmark=benchmark_changes,
        starting_capital=decimal_of(initial_cash),
        risk_free_rate=risk_free_rate or primary_credit_rate(),
        trading_days_per_year=trading_days_per_year,
    )


def portfolio_statistics(
    *,
    profit_loss: Sequence[tuple[datetime.datetime, Decimal]],
    equity: Sequence[tuple[datetime.datetime, Decimal]],
    portfolio_turnover: Sequence[tuple[datetime.datetime, Decimal]],
    performance: list[float],
    benchmark: list[float],
    starting_capital: Decimal,
    risk_free_rate: RiskFreeRateModel,
    trading_days_per_year: int = TRADING_DAYS_PER_YEAR,
    win_count: int | None = None,
    loss_count: int | None = None,
) -> PortfolioStatistics:
    """``PortfolioStatistics``' constructor: closing profits in time order, the equity points
    (UTC times), the turnover samples, the daily performance and benchmark changes (fractions)
    and the starting capital. ``win_count``/``loss_count`` replace the counts of profits above
    and at or below zero when both are given (LEAN counts some option assignments as wins)."""
    with localcontext(_DOTNET_DECIMAL):
        return _portfolio_statistics(
            profit_loss,
            equity,
            portfolio_turnover,
            performance,
            benchmark,
            starting_capital,
            risk_free_rate,
            trading_days_per_year,
            win_count,
            loss_count,
        )


def _portfolio_statistics(
    profit_loss: Sequence[tuple[datetime.datetime, Decimal]],
    equity: Sequence[tuple[datetime.datetime, Decimal]],
    portfolio_turnover: Sequence[tuple[datetime.datetime, Decimal]],
    performance: list[float],
    benchmark: list[float],
    starting_capital: Decimal,
    risk_free_rate: RiskFreeRateModel,
    days_per_year: int,
    win_count: int | None,
    loss_count: int | None,
) -> PortfolioStatistics:
    result: dict[str, Any] = {"start_equity": starting_capital}
    result["end_equity"] = equity[-1][1] if equity else _ZERO
    if portfolio_turnover:
        turnovers = [value for _, value in portfolio_turnover]
        result["portfolio_turnover"] = sum(turnovers, _ZERO) / len(turnovers)
    # Below two samples there is no variance: LEAN leaves the rest at zero.
    if starting_capital == 0 or len(benchmark) < 2 or len(performance) < 2:
        return PortfolioStatistics(**result)

    profits = [profit for _, profit in profit_loss]
    result.update(_trade_statistics(profits, starting_capital, win_count, loss_count))
    end_value = equity[-1][1] if equity else _ZERO
    result["total_net_profit"] = end_value / starting_capital - 1
    days = (equity[-1][0] - equity[0][0]) / datetime.timedelta(days=1) if equity else 0.0
    result["compounding_annual_return"] = _compounding_annual_return(
        starting_capital, end_value, decimal_from_double(days) / 365
    )

    annual_variance = decimal_from_double(_annual_variance(performance, days_per_year))
    annual_std = decimal_from_double(math.sqrt(annual_variance))
    algorithm_annual = _annual_performance_decimal(performance, days_per_year)
    benchmark_performance = _annual_performance_decimal(benchmark, days_per_year)
    rate = risk_free_rate.average_rate(time.date() for time, _ in equity)
    downside = decimal_from_double(
        math.sqrt(_annual_variance([r for r in performance if r < 0], days_per_year))
    )
    benchmark_variance = _variance(benchmark)
    beta = _ZERO
    if benchmark_variance and not math.isnan(benchmark_variance):
        beta = decimal_from_double(_covariance(performance, benchmark) / benchmark_variance)
    deviation_from_benchmark = tracking_error(performance, benchmark, days_per_year)
    tracking = decimal_from_double(deviation_from_benchmark)
    excess_over_benchmark = float(algorithm_annual) - float(benchmark_performance)
    excess_over_rate = float(algorithm_annual) - float(rate)
    result.update(
        annual_variance=annual_variance,
        annual_standard_deviation=annual_std,
        sharpe_ratio=_sharpe_ratio(algorithm_annual, annual_std, rate),
        sortino_ratio=_sharpe_ratio(algorithm_annual, downside, rate),
        beta=beta,
        alpha=(
            algorithm_annual - (rate + beta * (benchmark_performance - rate)) if beta else _ZERO
        ),
        tracking_error=tracking,
        information_ratio=(
            decimal_from_double(excess_over_benchmark) / tracking if tracking else _ZERO
        ),
        treynor_ratio=decimal_from_double(excess_over_rate) / beta if beta else _ZERO,
        probabilistic_sharpe_ratio=decimal_from_double(
            probabilistic_sharpe_ratio(
                performance, 1 / math.sqrt(days_per_year), float(rate) / days_per_year
            )
        ),
        value_at_risk_99=_value_at_risk(performance, days_per_year, 0.99),
        value_at_risk_95=_value_at_risk(performance, days_per_year, 0.95),
    )
    result["drawdown"], result["drawdown_recovery"] = drawdown_metrics(equity)
    return PortfolioStatistics(**result)


def compute_statistics(
    equity: pd.Series,
    benchmark: pd.Series | None,
    orders: Sequence[Mapping],
    *,
    initial_cash: float,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    benchmark_before_start: float | None = None,
    risk_free_rate: RiskFreeRateModel | None = None,
) -> dict[str, str]:
    """LEAN's "statistics" dictionary of a backtest (inputs as :func:`lean_samples`), with no
    capacity estimate."""
    stats = compute_portfolio_statistics(
        equity,
        benchmark,
        orders,
        initial_cash=initial_cash,
        start=start,
        end=end,
        benchmark_before_start=benchmark_before_start,
        risk_free_rate=risk_free_rate,
    )
    return format_statistics(stats, total_orders=len(orders), total_fees=total_fees(orders))


def total_fees(orders: Sequence[Mapping]) -> Decimal:
    """The sum of the orders' fees (LEAN's ``Portfolio.TotalFees``)."""
    with localcontext(_DOTNET_DECIMAL):
        return sum((decimal_of(order.get("fee") or 0) for order in orders), _ZERO)


def format_statistics(
    stats: PortfolioStatistics,
    *,
    total_orders: int,
    total_fees: Decimal,
    estimated_strategy_capacity: str = NO_CAPACITY,
    lowest_capacity_asset: str = NO_LOWEST_CAPACITY_ASSET,
    currency_symbol: str = "$",
) -> dict[str, str]:
    """``StatisticsBuilder.GetSummary``: LEAN's names, order, rounding and printing.

    The capacity statistics come formatted from the capacity model; their defaults are what
    LEAN prints when there is no estimate.
    """
    return {
        "Total Orders": str(total_orders),
        "Average Win": _percent(stats.average_win_rate, 2),
        "Average Loss": _percent(stats.average_loss_rate, 2),
        "Compounding Annual Return": _percent(stats.compounding_annual_return, 3),
        "Drawdown": _percent(stats.drawdown, 3),
        "Expectancy": format_decimal(dotnet_round(stats.expectancy, 3)),
        "Start Equity": format_decimal(dotnet_round(stats.start_equity, 2)),
        "End Equity": format_decimal(dotnet_round(stats.end_equity, 2)),
        "Net Profit": _percent(stats.total_net_profit, 3),
        "Sharpe Ratio": _double(stats.sharpe_ratio),
        "Sortino Ratio": _double(stats.sortino_ratio),
        "Probabilistic Sharpe Ratio": _percent(stats.probabilistic_sharpe_ratio, 3),
        "Loss Rate": _percent(stats.loss_rate, 0),
        "Win Rate": _percent(stats.win_rate, 0),
        "Profit-Loss Ratio": format_decimal(dotnet_round(stats.profit_loss_ratio, 2)),
        "Alpha": _double(stats.alpha),
        "Beta": _double(stats.beta),
        "Annual Standard Deviation": _double(stats.annual_standard_deviation),
        "Annual Variance": _double(stats.annual_variance),
        "Information Ratio": _double(stats.information_ratio),
        "Tracking Error": _double(stats.tracking_error),
        "Treynor Ratio": _double(stats.treynor_ratio),
        "Total Fees": currency_symbol + format_money(total_fees),
        "Estimated Strategy Capacity": estimated_strategy_capacity,
        "Lowest Capacity Asset": lowest_capacity_asset,
        "Portfolio Turnover": _percent(stats.portfolio_turnover, 2),
        "Drawdown Recovery": str(stats.drawdown_recovery),
    }


def closing_profit_loss(orders: Sequence[Mapping]) -> list[tuple[datetime.datetime, Decimal]]:
    """Profit or loss of each fill that closes (part of) a position, as LEAN records it.

    Follows ``SecurityPortfolioModel.ProcessFill``: per symbol, holdings keep an average price;
    a fill against the position closes min(|fill|, |holdings|) shares with profit
    (fill price - average price) x quantity closed, recorded less twice the fill's fee; a fill
    that passes through zero opens the rest at the fill price. Fills are orders with a
    "fill_price" and a non-zero "quantity" whose status is not canceled/invalid, in fill order
    ("fill_time", else "time"). Returns (time, profit) pairs.
    """
    holdings: dict[str, tuple[Decimal, Decimal]] = {}  # symbol -> (quantity, average price)
    records: list[tuple[datetime.datetime, Decimal]] = []
    with localcontext(_DOTNET_DECIMAL):
        for order in _fills(orders):
            symbol = str(order.get("symbol"))
            fill_quantity, fill_price = (
                decimal_of(order["quantity"]),
                decimal_of(order["fill_price"]),
            )
            quantity, average = holdings.get(symbol, (_ZERO, _ZERO))
            closes = quantity * fill_quantity < 0
            if closes:
                closed = min(abs(fill_quantity), abs(quantity)).copy_sign(-fill_quantity)
                profit = closed * fill_price - closed * average
                time = pd.Timestamp(order.get("fill_time") or order.get("time")).to_pydatetime()
                records.append((time, profit - 2 * decimal_of(order.get("fee") or 0)))
            new_quantity = quantity + fill_quantity
            if quantity == 0:
                average = fill_price
            elif not closes:
                average = (average * quantity + fill_price * fill_quantity) / new_quantity
            elif new_quantity == 0:
                average = _ZERO
            elif new_quantity * quantity < 0:  # passed through zero: the rest opens at the fill
                average = fill_price
            holdings[symbol] = (new_quantity, average)
    return records


def drawdown_metrics(equity: Sequence[tuple[datetime.datetime, Decimal]]) -> tuple[Decimal, int]:
    """``Statistics.CalculateDrawdownMetrics(equity, 3)``: the largest fall from a running
    high (a fraction, rounded to 3 decimals) and the longest recovery, in whole days, from the
    last point at the high to the first point back at it."""
    if len(equity) < 2:
        return _ZERO, 0
    with localcontext(_DOTNET_DECIMAL):
        peak_time, peak = equity[0]
        largest, longest_recovery = _ZERO, 0.0
        drawdown_start: datetime.datetime | None = None
        for time, value in equity:
            if value >= peak:
                if drawdown_start is not None:
                    recovery = (time - drawdown_start) / datetime.timedelta(days=1)
                    longest_recovery = max(longest_recovery, recovery)
                    drawdown_start = None
                peak, peak_time = value, time
            current = value / peak - 1 if peak else _ZERO
            if current < 0:
                largest = min(largest, current)
                if drawdown_start is None:
                    drawdown_start = peak_time
        return dotnet_round(abs(largest), 3), int(longest_recovery)


# --- .NET numbers (the conventions module has the conversions) ---------------------------


def _percent(value: Decimal, decimals: int) -> str:
    with localcontext(_DOTNET_DECIMAL):
        return format_decimal(dotnet_round(value * _HUNDRED, decimals)) + "%"


def _double(value: Decimal) -> str:
    return format_double(round_double(float(value), 3))


def _portfolio_decimal(value: object) -> Decimal:
    """A portfolio value summed in binary floats as the decimal LEAN sums exactly: rounded to
    8 decimal places first, so 94421.60000000001 is 94421.6 (LEAN's End Equity "94421.6")."""
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError(f"a backtest amount must be finite, got {value!r}")
    return decimal_of(round(number, 8))


# --- MathNet and LEAN's Statistics, on doubles ------------------------------------------------


def _benchmark_changes(values: list[Decimal]) -> list[float]:
    """``CreateBenchmarkDifferences``: changes between samples, the first one dropped."""
    changes = []
    for previous, value in zip(values, values[1:], strict=False):
        changes.append(float((value - previous) / previous) if previous != 0 else 0.0)
    return changes[1:]


def _variance(values: list[float]) -> float:
    """MathNet's ``Variance``: the sample variance (n - 1), NaN below two values."""
    return float(np.var(values, ddof=1)) if len(values) >= 2 else math.nan


def _covariance(first: list[float], second: list[float]) -> float:
    return float(np.cov(first, second, ddof=1)[0, 1])


def _annual_variance(values: list[float], days_per_year: int) -> float:
    variance = _variance(values)
    return 0.0 if math.isnan(variance) or variance == 0 else variance * days_per_year


def annual_performance(values: list[float], days_per_year: int) -> float:
    """``Statistics.AnnualPerformance``: (mean + 1) ** days_per_year - 1, infinite where .NET's
    double overflows (Python's float power raises instead)."""
    try:
        return (sum(values) / len(values) + 1) ** days_per_year - 1
    except OverflowError:
        return math.inf


def _annual_performance_decimal(values: list[float], days_per_year: int) -> Decimal:
    """``PortfolioStatistics.GetAnnualPerformance``: the annual performance as a decimal; when it
    is not finite, LEAN's error naming the first daily performance that made it so."""
    try:
        return decimal_from_double(annual_performance(values, days_per_year))
    except ValueError as error:
        trouble_point = 0.0
        partial_sum = 0.0
        for count, point in enumerate(values, start=1):
            partial_sum += point
            if not math.isfinite(annual_performance([partial_sum / count], days_per_year)):
                trouble_point = point
                break
        raise ValueError(
            "PortfolioStatistics.GetAnnualPerformance(): An exception was thrown when trying to "
            "cast the annual performance value due to the following performance point: "
            f"{trouble_point}. The exception thrown was the following: {error}."
        ) from None


def tracking_error(algorithm: list[float], benchmark: list[float], days_per_year: int) -> float:
    """``Statistics.TrackingError``: the annualised deviation of the daily differences."""
    if len(algorithm) != len(benchmark):
        return 0.0
    differences = [a - b for a, b in zip(algorithm, benchmark, strict=True)]
    return math.sqrt(_annual_variance(differences, days_per_year))


def _sharpe_ratio(annual_performance: Decimal, deviation: Decimal, rate: Decimal) -> Decimal:
    if deviation == 0:
        return _ZERO
    return decimal_from_double((float(annual_performance) - float(rate)) / float(deviation))


def _compounding_annual_return(start: Decimal, end: Decimal, years: Decimal) -> Decimal:
    if years == 0 or start == 0:
        return _ZERO
    try:
        result = (float(end) / float(start)) ** (1 / float(years)) - 1
    except (OverflowError, ZeroDivisionError):
        return _ZERO
    if isinstance(result, complex) or not math.isfinite(result):
        return _ZERO
    return decimal_from_double(result)


def observed_sharpe_ratio(values: list[float], rate: float = 0.0) -> float:
    """``Statistics.ObservedSharpeRatio``: the mean excess over ``rate`` per sample standard
    deviation, not annualised (0 when the deviation is 0 or undefined)."""
    std = math.sqrt(_variance(values)) if len(values) >= 2 else math.nan
    if math.isnan(std) or std == 0:
        return 0.0
    return (sum(values) / len(values) - rate) / std


def _central_moment_sums(values: list[float]) -> tuple[float, float, float]:
    """The sums of the 2nd, 3rd and 4th powers of the deviations from the mean, updated one
    value at a time as MathNet's ``RunningStatistics`` does (its rounding, not a two-pass
    one's)."""
    mean, second, third, fourth = 0.0, 0.0, 0.0, 0.0
    for count, value in enumerate(values, start=1):
        delta = value - mean
        step = delta / count
        step_squared = step * step
        term = delta * step * (count - 1)
        mean += step
        fourth += (
            term * step_squared * (count * count - 3 * count + 3)
            + 6 * step_squared * second
            - 4 * step * third
        )
        third += term * step * (count - 2) - 3 * step * second
        second += term
    return second, third, fourth


def sample_skewness(values: list[float]) -> float:
    """MathNet's ``Skewness``: the unbiased estimator of the population skewness; NaN below
    three values, and without variance (0/0 in .NET's doubles)."""
    count = len(values)
    second, third, _ = _central_moment_sums(values)
    if count < 3 or second == 0:
        return math.nan
    return (
        count
        * third
        * math.sqrt(second / (count - 1))
        / (second * second * (count - 2))
        * (count - 1)
    )


def sample_kurtosis(values: list[float]) -> float:
    """MathNet's ``Kurtosis``: the unbiased estimator of the population excess kurtosis; NaN
    below four values, and without variance. Unlike pandas' ``kurt``, a tiny variance (daily
    changes of a few basis points: squared, under 1e-14) is not taken for zero."""
    count = len(values)
    second, _, fourth = _central_moment_sums(values)
    if count < 4 or second == 0:
        return math.nan
    scale = (count - 1) / ((count - 2) * (count - 3))
    return scale * ((count + 1) * count * fourth / (second * second) - 3 * (count - 1))


def probabilistic_sharpe_ratio(values: list[float], benchmark: float, rate: float = 0.0) -> float:
    """``Statistics.ProbabilisticSharpeRatio``: the probability that the observed Sharpe ratio
    (excess over ``rate``, a per-sample rate) exceeds ``benchmark``, from MathNet's sample
    skewness and excess kurtosis (0 where they are undefined)."""
    observed = observed_sharpe_ratio(values, rate)
    skewness, kurtosis = sample_skewness(values), sample_kurtosis(values)
    if len(values) < 2:
        return 0.0
    variance = (1 - skewness * observed + (kurtosis - 1) / 4 * observed**2) / (len(values) - 1)
    if math.isnan(variance) or variance < 0:
        return 0.0  # .NET's Math.Pow(negative or NaN, 0.5) is NaN, which LEAN turns into 0
    deviation = math.sqrt(variance)
    z = 0.0 if deviation == 0 else (observed - benchmark) / deviation
    return NormalDist().cdf(z)


def _value_at_risk(values: list[float], lookback: int, confidence: float) -> Decimal:
    recent = values[-lookback:]
    mean = sum(recent) / len(recent)
    std = math.sqrt(_variance(recent))
    value = mean if std == 0 else NormalDist(mean, std).inv_cdf(1 - confidence)
    return dotnet_round(decimal_from_double(value), 3)


def _trade_statistics(
    profits: list[Decimal],
    starting_capital: Decimal,
    win_count: int | None,
    loss_count: int | None,
) -> dict[str, Decimal]:
    """``PortfolioStatistics``' win/loss statistics from closing profits."""
    running_capital = starting_capital
    total_profit = total_loss = _ZERO
    wins = losses = 0
    for profit in profits:
        if profit > 0:
            total_profit += profit / running_capital
            wins += 1
        else:
            total_loss += profit / running_capital
            losses += 1
        running_capital += profit
    average_win = total_profit / wins if wins else _ZERO
    average_loss = total_loss / losses if losses else _ZERO
    profit_loss_ratio = average_win / abs(average_loss) if average_loss else _ZERO
    if win_count is not None and loss_count is not None:
        wins, losses = win_count, loss_count
    trades = wins + losses
    win_rate = Decimal(wins) / trades if trades else _ZERO
    loss_rate = Decimal(losses) / trades if trades else _ZERO
    return {
        "average_win_rate": average_win,
        "average_loss_rate": average_loss,
        "profit_loss_ratio": profit_loss_ratio,
        "win_rate": win_rate,
        "loss_rate": loss_rate,
        "expectancy": win_rate * profit_loss_ratio - loss_rate,
    }


# --- inputs -----------------------------------------------------------------------------------


def _fills(orders: Sequence[Mapping]) -> list[Mapping]:
    """Filled orders in fill order (orders still open at the end have no fill)."""
    fills = [
        order
        for order in orders
        if order.get("fill_price") is not None
        and order.get("quantity")
        and str(order.get("status", "filled")).lower() in ("filled", "partially_filled")
    ]
    fills.sort(key=lambda order: pd.Timestamp(order.get("fill_time") or order.get("time")))
    return fills


def _clean_series(series: pd.Series, name: str, *, missing_allowed: bool = False) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by datetimes, got {type(series)}")
    if not series.index.is_monotonic_increasing:
        series = series.sort_index()
    values = series.astype(float)
    if not missing_allowed and len(values) and not np.isfinite(values.to_numpy()).all():
        bad = values[~np.isfinite(values.to_numpy())].index[0]
        raise ValueError(
            f"{name} has a value that is not a finite number at {bad}: record the total "
            "portfolio value (and the benchmark's price) after every session's close"
        )
    return values


__all__ = [
    "NO_CAPACITY",
    "NO_LOWEST_CAPACITY_ASSET",
    "LeanSamples",
    "PortfolioStatistics",
    "RiskFreeRateModel",
    "annual_performance",
    "closing_profit_loss",
    "compute_portfolio_statistics",
    "compute_statistics",
    "decimal_from_double",
    "drawdown_metrics",
    "format_decimal",
    "format_double",
    "format_money",
    "format_statistics",
    "lean_samples",
    "observed_sharpe_ratio",
    "portfolio_statistics",
    "probabilistic_sharpe_ratio",
    "total_fees",
    "tracking_error",
]
