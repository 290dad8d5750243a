"""LEAN-style statistics on equity curves whose answers are worked out by hand."""

import math
import statistics as pystats

import numpy as np
import pandas as pd
import pytest

from local_lean.statistics import (
    closing_profit_loss,
    compute_portfolio_statistics,
    compute_statistics,
    format_dollars,
    format_number,
    format_percent,
    format_statistics,
)

CASH = 100_000.0


def _curve_from_returns(returns, start="2021-01-04"):
    """Equity at each session close, compounding ``returns`` from the starting cash."""
    index = pd.bdate_range(start, periods=len(returns)) + pd.Timedelta(hours=16)
    return pd.Series(CASH * np.cumprod(1 + np.asarray(returns, dtype=float)), index=index)


def test_doubling_over_exactly_one_year_is_a_100_percent_cagr():
    # 252 sessions whose first and last closes are exactly 365 days apart.
    index = pd.date_range("2021-01-04 16:00", "2022-01-04 16:00", periods=252)
    growth = 2 ** (1 / 252)
    equity = pd.Series(CASH * growth ** np.arange(1, 253), index=index)

    result = compute_statistics(equity, None, [], initial_cash=CASH)
    raw = compute_portfolio_statistics(equity, None, [], initial_cash=CASH)

    assert raw.compounding_annual_return == pytest.approx(1.0, abs=1e-12)
    assert result["Compounding Annual Return"] == "100.000%"
    assert result["Net Profit"] == "100.000%"
    assert result["Start Equity"] == "100000"
    assert result["End Equity"] == "200000"
    assert result["Drawdown"] == "0%"


def test_cagr_of_half_a_year_compounds_to_a_full_year():
    index = pd.DatetimeIndex(["2021-01-04 16:00", "2021-07-05 16:00"])  # 182 days apart
    equity = pd.Series([CASH, CASH * 1.1], index=index)
    raw = compute_portfolio_statistics(equity, None, [], initial_cash=CASH)
    assert raw.compounding_annual_return == pytest.approx(1.1 ** (365 / 182) - 1)


def test_sharpe_and_sortino_match_leans_formulas_worked_by_hand():
    pattern = [0.02, -0.01, 0.005, -0.03]
    returns = pattern * 25
    equity = _curve_from_returns(returns)
    risk_free = 0.02

    mean = sum(returns) / len(returns)
    sample_std = math.sqrt(sum((r - mean) ** 2 for r in returns) / (len(returns) - 1))
    annual_performance = (1 + mean) ** 252 - 1
    annual_std = sample_std * math.sqrt(252)
    expected_sharpe = (annual_performance - risk_free) / annual_std
    downside = [r for r in returns if r < 0]
    downside_std = pystats.stdev(downside) * math.sqrt(252)
    expected_sortino = (annual_performance - risk_free) / downside_std

    raw = compute_portfolio_statistics(
        equity, None, [], initial_cash=CASH, risk_free_rate=risk_free
    )
    result = compute_statistics(equity, None, [], initial_cash=CASH, risk_free_rate=risk_free)

    assert raw.annual_standard_deviation == pytest.approx(annual_std)
    assert raw.annual_variance == pytest.approx(sample_std**2 * 252)
    assert raw.sharpe_ratio == pytest.approx(expected_sharpe)
    assert raw.sortino_ratio == pytest.approx(expected_sortino)
    assert result["Sharpe Ratio"] == format_number(expected_sharpe)
    assert result["Sortino Ratio"] == format_number(expected_sortino)
    assert result["Annual Standard Deviation"] == format_number(annual_std)


def test_a_constant_daily_return_has_zero_volatility_so_sharpe_is_zero_as_in_lean():
    equity = _curve_from_returns([0.001] * 50)
    result = compute_statistics(equity, None, [], initial_cash=CASH)
    assert result["Annual Standard Deviation"] == "0"
    assert result["Sharpe Ratio"] == "0"
    assert result["Sortino Ratio"] == "0"
    assert result["Net Profit"] == format_percent(1.001**50 - 1)


def test_known_drawdown_of_25_percent():
    index = pd.bdate_range("2021-01-04", periods=5)
    equity = pd.Series([110_000, 120_000, 100_000, 90_000, 130_000], index=index, dtype=float)
    result = compute_statistics(equity, None, [], initial_cash=CASH)
    assert result["Drawdown"] == "25.000%"
    assert result["Net Profit"] == "30.000%"


def test_first_day_is_measured_from_the_starting_cash():
    # The curve never falls after its first close, but that close is 10% below the cash.
    index = pd.bdate_range("2021-01-04", periods=3)
    equity = pd.Series([90_000, 95_000, 99_000], index=index, dtype=float)
    raw = compute_portfolio_statistics(equity, None, [], initial_cash=CASH)
    assert raw.drawdown == pytest.approx(0.1)
    assert raw.net_profit == pytest.approx(-0.01)


def test_beta_alpha_and_benchmark_return_against_a_benchmark_moved_by_half():
    rng = np.random.default_rng(7)
    benchmark_returns = rng.normal(0.0005, 0.01, 120)
    benchmark = _curve_from_returns(benchmark_returns) / CASH * 300  # a price near 300
    algorithm_daily = 2 * benchmark_returns[1:]
    equity = pd.Series(
        CASH * np.concatenate([[1.0], np.cumprod(1 + algorithm_daily)]), index=benchmark.index
    )

    raw = compute_portfolio_statistics(equity, benchmark, [], initial_cash=CASH)
    result = compute_statistics(equity, benchmark, [], initial_cash=CASH)

    algorithm_annual = (1 + algorithm_daily.mean()) ** 252 - 1
    benchmark_annual = (1 + benchmark_returns[1:].mean()) ** 252 - 1
    assert raw.beta == pytest.approx(2.0)
    assert raw.alpha == pytest.approx(algorithm_annual - 2.0 * benchmark_annual)
    assert raw.tracking_error == pytest.approx(np.std(benchmark_returns[1:], ddof=1) * 252**0.5)
    assert raw.benchmark_net_profit == pytest.approx(benchmark.iloc[-1] / benchmark.iloc[0] - 1)
    assert result["Beta"] == "2"
    assert result["Benchmark Net Profit"] == format_percent(raw.benchmark_net_profit)


def test_orders_give_total_orders_fees_and_turnover():
    index = pd.bdate_range("2021-01-04", periods=4)
    equity = pd.Series([CASH] * 4, index=index)
    orders = [
        {"fee": 1.25, "status": "filled", "time": index[0], "quantity": 100, "fill_price": 100.0},
        {"fee": 2.25, "status": "filled", "time": index[2], "quantity": -50, "fill_price": 100.0},
        {"fee": 0.0, "status": "canceled"},
    ]
    result = compute_statistics(equity, None, orders, initial_cash=CASH)
    assert result["Total Orders"] == "3"
    assert result["Total Fees"] == "$3.50"
    # Day 1 trades 10% of the portfolio, day 3 5%, days 2 and 4 nothing: mean 3.75%.
    assert result["Portfolio Turnover"] == "3.75%"


@pytest.mark.parametrize(
    "values",
    [
        [CASH],  # one point
        [CASH] * 30,  # flat
        [CASH, 0.0, 0.0],  # wiped out: returns from zero are undefined
        [CASH, float("nan"), CASH * 1.01],  # a missing value
    ],
    ids=["one-point", "flat", "zero-equity", "missing-value"],
)
def test_degenerate_curves_give_finite_statistics(values):
    index = pd.bdate_range("2021-01-04", periods=len(values))
    equity = pd.Series(values, index=index, dtype=float)
    flat_benchmark = pd.Series([300.0] * len(values), index=index)

    for benchmark in (None, flat_benchmark):
        result = compute_statistics(equity, benchmark, [], initial_cash=CASH)
        raw = compute_portfolio_statistics(equity, benchmark, [], initial_cash=CASH)
        assert all(math.isfinite(v) for v in raw.to_dict().values())
        for name, text in result.items():
            assert "nan" not in text.lower() and "inf" not in text.lower(), (name, text)
        if len(set(values)) == 1:
            assert result["Sharpe Ratio"] == "0"
            assert result["Drawdown"] == "0%"


def test_zero_starting_cash_and_empty_curve_give_zeros():
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
    result = compute_statistics(empty, None, [], initial_cash=0.0)
    assert result["Net Profit"] == "0%"
    assert result["Compounding Annual Return"] == "0%"
    assert result["End Equity"] == "0"


def test_equity_must_be_a_series():
    with pytest.raises(TypeError, match="equity must be a pandas Series"):
        compute_statistics([1.0, 2.0], None, [], initial_cash=CASH)  # type: ignore[arg-type]


def test_formatting_follows_leans_strings():
    assert format_percent(0.12345) == "12.345%"
    assert format_percent(0.022) == "2.200%"
    assert format_percent(0.0) == "0%"
    assert format_percent(float("nan")) == "0%"
    assert format_number(1.5) == "1.5"
    assert format_number(-0.0001) == "0"
    assert format_number(2.0) == "2"
    assert format_number(101691.9234, 2) == "101691.92"
    assert format_dollars(3.4) == "$3.40"


def test_probabilistic_sharpe_ratio_rises_with_the_mean_return():
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 0.01, 250)
    low = compute_portfolio_statistics(_curve_from_returns(noise), None, [], initial_cash=CASH)
    high = compute_portfolio_statistics(
        _curve_from_returns(noise + 0.002), None, [], initial_cash=CASH
    )
    assert 0 <= low.probabilistic_sharpe_ratio < high.probabilistic_sharpe_ratio <= 1


def test_turnover_counts_an_order_on_its_fill_day():
    index = pd.bdate_range("2021-01-04", periods=2) + pd.Timedelta(hours=16)
    equity = pd.Series([CASH, CASH], index=index)
    submitted_after_close = index[0] + pd.Timedelta(hours=1)
    order = {
        "fee": 1.0,
        "status": "filled",
        "time": submitted_after_close,
        "fill_time": index[1] - pd.Timedelta(hours=6, minutes=30),
        "quantity": 100,
        "fill_price": 200.0,
    }
    # 20% of the portfolio traded on the second session only: mean 10%.
    assert (
        compute_statistics(equity, None, [order], initial_cash=CASH)["Portfolio Turnover"]
        == "10.00%"
    )


def test_closing_fills_are_measured_against_the_average_price_less_twice_the_fee():
    days = pd.bdate_range("2021-01-04", periods=5) + pd.Timedelta(hours=9, minutes=31)
    orders = [
        {"symbol": "SPY", "quantity": 100, "fill_price": 10.0, "fee": 1.0, "status": "filled"},
        {"symbol": "SPY", "quantity": 100, "fill_price": 12.0, "fee": 1.0, "status": "filled"},
        {"symbol": "SPY", "quantity": -150, "fill_price": 13.0, "fee": 1.0, "status": "filled"},
        # Sells through zero: closes 50 at the average 11, opens a 50-share short at 9.
        {"symbol": "SPY", "quantity": -100, "fill_price": 9.0, "fee": 1.0, "status": "filled"},
        {"symbol": "SPY", "quantity": 50, "fill_price": 8.0, "fee": 1.0, "status": "filled"},
        {"symbol": "SPY", "quantity": 10, "fill_price": None, "fee": 0.0, "status": "canceled"},
    ]
    for order, day in zip(orders, [*days, days[-1]], strict=True):
        order["time"] = day
    profits = [profit for _, profit in closing_profit_loss(orders)]
    assert profits == pytest.approx([(13 - 11) * 150 - 2, (9 - 11) * 50 - 2, (9 - 8) * 50 - 2])

    equity = pd.Series([CASH] * 5, index=days)
    raw = compute_portfolio_statistics(equity, None, orders, initial_cash=CASH)
    rates = [298 / CASH, -102 / (CASH + 298), 48 / (CASH + 298 - 102)]
    average_win, average_loss = (rates[0] + rates[2]) / 2, rates[1]
    assert raw.win_rate == pytest.approx(2 / 3) and raw.loss_rate == pytest.approx(1 / 3)
    assert raw.average_win_rate == pytest.approx(average_win)
    assert raw.average_loss_rate == pytest.approx(average_loss)
    assert raw.profit_loss_ratio == pytest.approx(average_win / abs(average_loss))
    assert raw.expectancy == pytest.approx(2 / 3 * average_win / abs(average_loss) - 1 / 3)

    result = compute_statistics(equity, None, orders, initial_cash=CASH)
    assert result["Win Rate"] == "67%" and result["Loss Rate"] == "33%"
    assert result["Average Win"] == format_percent(average_win, decimals=2)
    assert result["Average Loss"] == "-0.10%"


def test_no_closed_trades_give_zero_trade_statistics():
    equity = pd.Series([CASH, CASH], index=pd.bdate_range("2021-01-04", periods=2))
    orders = [
        {
            "symbol": "SPY",
            "quantity": 10,
            "fill_price": 100.0,
            "fee": 1.0,
            "status": "filled",
            "time": equity.index[0],
        }
    ]
    result = compute_statistics(equity, None, orders, initial_cash=CASH)
    assert (result["Win Rate"], result["Average Win"], result["Expectancy"]) == ("0%", "0%", "0")
    assert result["Profit-Loss Ratio"] == "0"


def test_a_benchmark_missing_a_day_pairs_only_the_days_both_have():
    rng = np.random.default_rng(11)
    benchmark_returns = rng.normal(0.0005, 0.01, 60)
    benchmark = _curve_from_returns(benchmark_returns) / CASH * 300
    equity = _curve_from_returns(np.concatenate([[0.0], 2 * benchmark_returns[1:]]))
    gappy = benchmark.drop(benchmark.index[30])
    raw = compute_portfolio_statistics(equity, gappy, [], initial_cash=CASH)
    assert raw.beta == pytest.approx(2.0)  # the two days around the gap are left out
    assert raw.benchmark_net_profit == pytest.approx(benchmark.iloc[-1] / benchmark.iloc[0] - 1)


@pytest.mark.parametrize("with_benchmark", [True, False])
def test_format_statistics_gives_what_compute_statistics_gives(with_benchmark):
    equity = _curve_from_returns([0.01, -0.02, 0.015, 0.003])
    benchmark = equity / CASH * 300 if with_benchmark else None
    orders = [{"fee": 1.5, "status": "filled"}]

    raw = compute_portfolio_statistics(equity, benchmark, orders, initial_cash=CASH)

    assert format_statistics(raw, with_benchmark=with_benchmark) == compute_statistics(
        equity, benchmark, orders, initial_cash=CASH
    )
    assert ("Benchmark Net Profit" in format_statistics(raw, with_benchmark=with_benchmark)) is (
        with_benchmark
    )


def test_turnover_days_follow_each_fill_times_own_zone():
    """The same instant in two zones can fall on two dates: each order counts on its own."""
    equity = pd.Series([CASH], index=[pd.Timestamp("2021-01-04 16:00")])
    utc_late = pd.Timestamp("2021-01-05 01:00", tz="UTC")  # 2021-01-04 20:00 in New York
    new_york = utc_late.tz_convert("America/New_York")
    order = {"fee": 0.0, "status": "filled", "quantity": 10.0, "fill_price": 100.0}
    first = [{**order, "fill_time": new_york}, {**order, "fill_time": utc_late}]
    second = [{**order, "fill_time": utc_late}, {**order, "fill_time": new_york}]

    for orders in (first, second):
        raw = compute_portfolio_statistics(equity, None, orders, initial_cash=CASH)
        # 1,000 traded on 2021-01-04 (New York) and 1,000 on 2021-01-05 (UTC), not sampled.
        assert raw.portfolio_turnover == pytest.approx(0.01)
