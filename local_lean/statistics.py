"""Backtest statistics as LEAN computes and formats them.

What follows LEAN (``Common/Statistics/PortfolioStatistics.cs``, ``Statistics.cs`` and
``StatisticsBuilder.cs`` in QuantConnect/Lean):

- Daily returns are the changes of the daily equity samples, rounded to 12 decimals as LEAN
  rounds them. LEAN samples the starting cash at the start of the backtest, so the first daily
  return is measured from ``initial_cash``.
- "Net Profit": end equity / starting capital - 1.
- "Compounding Annual Return": (end / start) ** (1 / years) - 1 with years = calendar days
  between the first and the last equity sample / 365.
- "Drawdown": the largest fall from a running high of the equity samples (starting cash
  included), rounded to 3 decimals as a fraction, as LEAN does.
- Annual performance: (mean daily return + 1) ** trading_days_per_year - 1 (LEAN's
  arithmetic-mean annualisation, not the CAGR).
- "Annual Variance": sample variance (n - 1) of daily returns x trading days;
  "Annual Standard Deviation" its square root.
- "Sharpe Ratio": (annual performance - risk-free rate) / annual standard deviation.
- "Sortino Ratio": the same numerator over the annualised sample standard deviation of the
  daily returns below 0 only (LEAN's ``AnnualDownsideStandardDeviation``).
- "Probabilistic Sharpe Ratio": the probability that the daily (not annualised) Sharpe ratio
  exceeds 1 / sqrt(252), from the returns' skewness and excess kurtosis (bias-corrected sample
  estimators, as MathNet's).
- "Beta": cov(algorithm, benchmark) / var(benchmark) of daily returns; "Alpha": annual
  performance - (rf + beta x (benchmark annual performance - rf)); "Tracking Error" and
  "Information Ratio", "Treynor Ratio" as LEAN.
- Formatting: percentages rounded to 3 decimals with a "%" ("12.345%", zero is "0%"), ratios
  rounded to 3 decimals without trailing zeros ("1.5", "0"), "Total Fees" as "$12.34",
  "Start Equity"/"End Equity" rounded to 2 decimals without trailing zeros ("100000").

Where this differs from LEAN:

- The risk-free rate is a constant annual rate (LEAN averages its interest-rate model over the
  backtest's dates; its default model is the US primary credit rate).
- Alpha, beta, tracking error and information ratio use the days where both the algorithm and
  the benchmark have a previous sample (the first day's benchmark return is unknown here, since
  the benchmark is not sampled at the start).
- Trade statistics ("Win Rate", "Loss Rate", "Average Win", "Average Loss", "Profit-Loss
  Ratio", "Expectancy") come from the profit or loss of each closing fill, which LEAN's
  ``SecurityPortfolioModel`` measures against the average holdings price, less twice the
  closing order's fee; a win is a profit above 0; rates of return divide each by the running
  capital (starting cash plus earlier closing profits). Here every filled order is taken as
  one fill of its whole quantity at its "fill_price" (daily market orders fill whole).
- "Benchmark Net Profit" is not a LEAN statistic: the benchmark's return over the same sessions.
- Degenerate inputs (fewer than two samples, zero variance, zero capital) give 0, never NaN or
  infinity, as LEAN's guards do.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

#: The daily Sharpe ratio LEAN compares against in the probabilistic Sharpe ratio: an annual
#: Sharpe ratio of 1, de-annualised.
_PSR_BENCHMARK_DAILY_SHARPE = 1.0 / math.sqrt(252)


@dataclass(frozen=True)
class PortfolioStatistics:
    """The raw numbers behind :func:`compute_statistics` (fractions, not percentages)."""

    start_equity: float
    end_equity: float
    net_profit: float
    compounding_annual_return: float
    drawdown: float
    annual_performance: float
    annual_variance: float
    annual_standard_deviation: float
    sharpe_ratio: float
    sortino_ratio: float
    probabilistic_sharpe_ratio: float
    alpha: float
    beta: float
    tracking_error: float
    information_ratio: float
    treynor_ratio: float
    benchmark_net_profit: float
    win_rate: float
    loss_rate: float
    average_win_rate: float
    average_loss_rate: float
    profit_loss_ratio: float
    expectancy: float
    total_orders: int
    total_fees: float
    portfolio_turnover: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def compute_portfolio_statistics(
    equity: pd.Series,
    benchmark: pd.Series | None,
    orders: Sequence[Mapping],
    *,
    initial_cash: float,
    risk_free_rate: float = 0.0,
    trading_days_per_year: int = 252,
) -> PortfolioStatistics:
    """The raw floats of :func:`compute_statistics` (same inputs); every value is finite."""
    equity = _clean_series(equity, "equity")
    values = equity.to_numpy(dtype=float)
    # LEAN's start sample (the starting cash) precedes the first session's close.
    with_start = np.concatenate([[float(initial_cash)], values])
    returns = _returns(with_start)

    start_equity = float(initial_cash)
    end_equity = float(values[-1]) if len(values) else start_equity
    net_profit = end_equity / start_equity - 1 if start_equity else 0.0

    years = _years_between(equity.index[0], equity.index[-1]) if len(equity) >= 2 else 0.0
    cagr = _compounding_annual_return(start_equity, end_equity, years)
    drawdown = round(_max_drawdown(with_start), 3)

    annual_variance = _annual_variance(returns, trading_days_per_year)
    annual_std = math.sqrt(annual_variance)
    annual_performance = _annual_performance(returns, trading_days_per_year)
    sharpe = _ratio(annual_performance - risk_free_rate, annual_std)
    downside_std = math.sqrt(_annual_variance(returns[returns < 0], trading_days_per_year))
    sortino = _ratio(annual_performance - risk_free_rate, downside_std)
    psr = _probabilistic_sharpe_ratio(returns)

    alpha = beta = tracking_error = information_ratio = treynor = benchmark_net_profit = 0.0
    if benchmark is not None:
        benchmark = _clean_series(benchmark, "benchmark")
        bench_values = benchmark.reindex(equity.index).to_numpy(dtype=float)
        if len(bench_values) and np.isfinite(bench_values[[0, -1]]).all() and bench_values[0]:
            benchmark_net_profit = bench_values[-1] / bench_values[0] - 1
        algo_daily = _returns(values)
        bench_daily = _returns(bench_values)
        both = np.isfinite(algo_daily) & np.isfinite(bench_daily)
        algo_daily, bench_daily = algo_daily[both], bench_daily[both]
        if len(bench_daily) >= 2:
            bench_variance = float(np.var(bench_daily, ddof=1))
            if bench_variance > 0 and math.isfinite(bench_variance):
                beta = float(np.cov(algo_daily, bench_daily, ddof=1)[0, 1]) / bench_variance
            algo_annual = _annual_performance(algo_daily, trading_days_per_year)
            bench_annual = _annual_performance(bench_daily, trading_days_per_year)
            if beta:
                alpha = algo_annual - (risk_free_rate + beta * (bench_annual - risk_free_rate))
                treynor = (algo_annual - risk_free_rate) / beta
            tracking_error = math.sqrt(
                _annual_variance(algo_daily - bench_daily, trading_days_per_year)
            )
            information_ratio = _ratio(algo_annual - bench_annual, tracking_error)

    total_fees = float(sum(_finite(order.get("fee", 0.0)) for order in orders))
    trades = _trade_statistics([pnl for _, pnl in closing_profit_loss(orders)], start_equity)
    return PortfolioStatistics(
        start_equity=start_equity,
        end_equity=end_equity,
        net_profit=_finite(net_profit),
        compounding_annual_return=cagr,
        drawdown=drawdown,
        annual_performance=_finite(annual_performance),
        annual_variance=annual_variance,
        annual_standard_deviation=annual_std,
        sharpe_ratio=sharpe,
        sortino_ratio=sortino,
        probabilistic_sharpe_ratio=psr,
        alpha=_finite(alpha),
        beta=_finite(beta),
        tracking_error=_finite(tracking_error),
        information_ratio=_finite(information_ratio),
        treynor_ratio=_finite(treynor),
        benchmark_net_profit=_finite(benchmark_net_profit),
        **trades,
        total_orders=len(orders),
        total_fees=total_fees,
        portfolio_turnover=_portfolio_turnover(orders, equity),
    )


def compute_statistics(
    equity: pd.Series,
    benchmark: pd.Series | None,
    orders: Sequence[Mapping],
    *,
    initial_cash: float,
    risk_free_rate: float = 0.0,
    trading_days_per_year: int = 252,
) -> dict[str, str]:
    """LEAN-style statistics, formatted as LEAN's "statistics" section of a backtest result.

    ``equity``: total portfolio value at each session close (index: datetimes); ``benchmark``:
    the benchmark's price or value on the same dates, or None; ``orders``: mappings with at
    least "fee" (float) and "status" ("quantity", "fill_price" and "fill_time" or "time" also
    feed "Portfolio Turnover" when present). ``risk_free_rate`` is an annual rate (0.02 for 2%).
    The module docstring lists what follows LEAN and where this differs.
    """
    stats = compute_portfolio_statistics(
        equity,
        benchmark,
        orders,
        initial_cash=initial_cash,
        risk_free_rate=risk_free_rate,
        trading_days_per_year=trading_days_per_year,
    )
    return format_statistics(stats, with_benchmark=benchmark is not None)


def format_statistics(stats: PortfolioStatistics, *, with_benchmark: bool) -> dict[str, str]:
    """``stats`` as :func:`compute_statistics` formats them ("Benchmark Net Profit" only
    ``with_benchmark``)."""
    result = {
        "Total Orders": str(stats.total_orders),
        "Average Win": format_percent(stats.average_win_rate, decimals=2),
        "Average Loss": format_percent(stats.average_loss_rate, decimals=2),
        "Compounding Annual Return": format_percent(stats.compounding_annual_return),
        "Drawdown": format_percent(stats.drawdown),
        "Expectancy": format_number(stats.expectancy),
        "Start Equity": format_number(stats.start_equity, 2),
        "End Equity": format_number(stats.end_equity, 2),
        "Net Profit": format_percent(stats.net_profit),
        "Sharpe Ratio": format_number(stats.sharpe_ratio),
        "Sortino Ratio": format_number(stats.sortino_ratio),
        "Probabilistic Sharpe Ratio": format_percent(stats.probabilistic_sharpe_ratio),
        "Loss Rate": format_percent(stats.loss_rate, decimals=0),
        "Win Rate": format_percent(stats.win_rate, decimals=0),
        "Profit-Loss Ratio": format_number(stats.profit_loss_ratio, 2),
        "Alpha": format_number(stats.alpha),
        "Beta": format_number(stats.beta),
        "Annual Standard Deviation": format_number(stats.annual_standard_deviation),
        "Annual Variance": format_number(stats.annual_variance),
        "Information Ratio": format_number(stats.information_ratio),
        "Tracking Error": format_number(stats.tracking_error),
        "Treynor Ratio": format_number(stats.treynor_ratio),
        "Total Fees": format_dollars(stats.total_fees),
        "Portfolio Turnover": format_percent(stats.portfolio_turnover, decimals=2),
    }
    if with_benchmark:
        result["Benchmark Net Profit"] = format_percent(stats.benchmark_net_profit)
    return result


def closing_profit_loss(orders: Sequence[Mapping]) -> list[tuple[datetime.datetime, float]]:
    """Profit or loss of each fill that closes (part of) a position, as LEAN records it.

    Follows ``SecurityPortfolioModel.ProcessFill``: per symbol, holdings keep an average price;
    a fill against the position closes min(|fill|, |holdings|) shares with profit
    (fill price - average price) x quantity closed, recorded less twice the order's fee; a fill
    that passes through zero opens the rest at the fill price. Orders count when they have a
    "fill_price", a non-zero "quantity" and a status other than canceled/invalid; they are
    taken in fill order ("fill_time", else "time"). Returns (time, profit) pairs.
    """
    fills = [
        order
        for order in orders
        if order.get("fill_price") is not None
        and _finite(order.get("quantity")) != 0
        and str(order.get("status", "filled")).lower() not in ("canceled", "cancelled", "invalid")
    ]
    fills.sort(key=lambda order: _timestamp(order.get("fill_time") or order.get("time")))
    holdings: dict[str, tuple[float, float]] = {}  # symbol -> (quantity, average price)
    records: list[tuple[datetime.datetime, float]] = []
    for order in fills:
        symbol = str(order.get("symbol"))
        fill_quantity, fill_price = _finite(order["quantity"]), _finite(order["fill_price"])
        quantity, average = holdings.get(symbol, (0.0, 0.0))
        closes = quantity * fill_quantity < 0
        if closes:
            closed = math.copysign(min(abs(fill_quantity), abs(quantity)), -fill_quantity)
            profit = closed * fill_price - closed * average
            time = _timestamp(order.get("fill_time") or order.get("time")).to_pydatetime()
            records.append((time, profit - 2 * _finite(order.get("fee"))))
        new_quantity = quantity + fill_quantity
        if quantity == 0 or (not closes):
            average = (average * quantity + fill_price * fill_quantity) / new_quantity
        elif new_quantity == 0:
            average = 0.0
        elif new_quantity * quantity < 0:  # passed through zero: the rest opens at the fill
            average = fill_price
        holdings[symbol] = (new_quantity, average)
    return records


def _trade_statistics(profits: list[float], starting_capital: float) -> dict[str, float]:
    """LEAN's win/loss statistics from closing profits (``PortfolioStatistics``)."""
    running_capital = starting_capital
    total_profit = total_loss = 0.0
    wins = losses = 0
    for profit in profits:
        rate = profit / running_capital if running_capital else 0.0
        if profit > 0:
            total_profit, wins = total_profit + rate, wins + 1
        else:
            total_loss, losses = total_loss + rate, losses + 1
        running_capital += profit
    average_win = total_profit / wins if wins else 0.0
    average_loss = total_loss / losses if losses else 0.0
    profit_loss_ratio = average_win / abs(average_loss) if average_loss else 0.0
    win_rate = wins / len(profits) if profits else 0.0
    loss_rate = losses / len(profits) if profits else 0.0
    return {
        "win_rate": win_rate,
        "loss_rate": loss_rate,
        "average_win_rate": _finite(average_win),
        "average_loss_rate": _finite(average_loss),
        "profit_loss_ratio": _finite(profit_loss_ratio),
        "expectancy": _finite(win_rate * profit_loss_ratio - loss_rate),
    }


# --- formatting, as LEAN's ``ToStringInvariant`` of rounded values -----------------------------


def format_number(value: float, decimals: int = 3) -> str:
    """``value`` rounded to ``decimals`` without trailing zeros ("1.5", "0", "-0.123")."""
    value = _finite(value)
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(fraction: float, decimals: int = 3) -> str:
    """A fraction as LEAN's percentage statistics: 0.12345 -> "12.345%", 0 -> "0%"."""
    percent = round(_finite(fraction) * 100, decimals)
    if percent == 0:
        return "0%"
    return f"{percent:.{decimals}f}%"


def format_dollars(value: float) -> str:
    """Money as LEAN's "Total Fees": "$12.34"."""
    return f"${_finite(value):.2f}"


# --- the pieces -------------------------------------------------------------------------------


def _timestamp(time: Any) -> pd.Timestamp:
    """``pd.Timestamp(time)``, each distinct time built once: orders share a few times a day."""
    # Only naive times are cached: a repeated wall time (fold=1) compares equal to its first
    # occurrence, and aware times in two zones compare equal when they name the same instant,
    # though their dates may differ.
    if getattr(time, "fold", 0) or getattr(time, "tzinfo", None) is not None:
        return pd.Timestamp(time)
    return _cached_timestamp(time)


_cached_timestamp = functools.lru_cache(maxsize=1 << 16)(pd.Timestamp)


def _clean_series(series: pd.Series, name: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by datetimes, got {type(series)}")
    if not series.index.is_monotonic_increasing:
        series = series.sort_index()
    return series.astype(float)


def _finite(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _ratio(numerator: float, denominator: float) -> float:
    if not denominator or not math.isfinite(denominator) or not math.isfinite(numerator):
        return 0.0
    return _finite(numerator / denominator)


def _returns(values: np.ndarray) -> np.ndarray:
    """Day-over-day changes; a change from a zero or missing value is NaN.

    Rounded to 12 decimals as LEAN rounds its daily performance samples (10 decimals of a
    percentage), which also makes a constant daily return exactly constant (zero variance).
    """
    if len(values) < 2:
        return np.array([], dtype=float)
    previous, current = values[:-1], values[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        changes = np.where(previous != 0, current / previous - 1, np.nan)
    return np.round(changes.astype(float), 12)


def _years_between(first: object, last: object) -> float:
    delta = pd.Timestamp(last) - pd.Timestamp(first)  # type: ignore[arg-type]
    return delta / datetime.timedelta(days=365)


def _compounding_annual_return(start: float, end: float, years: float) -> float:
    if start <= 0 or years <= 0 or end < 0:
        return 0.0
    return _finite((end / start) ** (1 / years) - 1)


def _max_drawdown(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return 0.0
    highs = np.maximum.accumulate(values)
    positive = highs > 0
    if not positive.any():
        return 0.0
    return _finite(abs(min(0.0, float((values[positive] / highs[positive] - 1).min()))))


def _annual_variance(returns: np.ndarray, trading_days_per_year: int) -> float:
    returns = returns[np.isfinite(returns)]
    if len(returns) < 2:
        return 0.0
    return _finite(float(np.var(returns, ddof=1)) * trading_days_per_year)


def _annual_performance(returns: np.ndarray, trading_days_per_year: int) -> float:
    returns = returns[np.isfinite(returns)]
    if len(returns) == 0:
        return 0.0
    return _finite((float(returns.mean()) + 1) ** trading_days_per_year - 1)


def _probabilistic_sharpe_ratio(returns: np.ndarray) -> float:
    returns = returns[np.isfinite(returns)]
    if len(returns) < 4:  # the bias-corrected kurtosis needs four samples
        return 0.0
    std = float(np.std(returns, ddof=1))
    if std == 0:
        return 0.0
    observed = float(returns.mean()) / std
    sample = pd.Series(returns)
    skewness, kurtosis = _finite(sample.skew()), _finite(sample.kurt())
    variance = (1 - skewness * observed + (kurtosis - 1) / 4 * observed**2) / (len(returns) - 1)
    if not variance > 0:
        return 0.0
    z = (observed - _PSR_BENCHMARK_DAILY_SHARPE) / math.sqrt(variance)
    return _finite(0.5 * (1 + math.erf(z / math.sqrt(2))))


def _portfolio_turnover(orders: Sequence[Mapping], equity: pd.Series) -> float:
    """Mean over sessions of traded value / portfolio value (LEAN samples it daily).

    Uses orders with a "fill_price", a "quantity" and a "fill_time" (else "time"); 0 when
    no order has them.
    """
    if len(equity) == 0:
        return 0.0
    traded_by_day: dict[datetime.date, float] = {}
    for order in orders:
        time = order.get("fill_time") or order.get("time")
        quantity, price = order.get("quantity"), order.get("fill_price")
        if time is None or quantity is None or price is None:
            continue
        day = _timestamp(time).date()
        traded_by_day[day] = traded_by_day.get(day, 0.0) + abs(_finite(quantity) * _finite(price))
    if not traded_by_day:
        return 0.0
    turnovers = [
        traded_by_day.get(_timestamp(time).date(), 0.0) / value
        for time, value in equity.items()
        if value and math.isfinite(value)
    ]
    return _finite(float(np.mean(turnovers))) if turnovers else 0.0
