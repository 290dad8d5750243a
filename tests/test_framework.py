"""Insights, portfolio construction and execution, alone and in a running backtest."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data import open_price_source
from local_lean.enums import InsightDirection, PortfolioBias, Resolution
from local_lean.framework import (
    EqualWeightingPortfolioConstructionModel,
    ImmediateExecutionModel,
    Insight,
    LiquidETFUniverse,
)
from local_lean.framework.insights import close_time_for, insight_outcome
from local_lean.market_calendar import nyse_calendar

D = dt.date
T = dt.datetime
UP, FLAT, DOWN = InsightDirection.UP, InsightDirection.FLAT, InsightDirection.DOWN


def close_time(period, generated: dt.datetime) -> dt.datetime:
    insight = Insight.price("SPY", *period, UP) if isinstance(period, tuple) else None
    spec = insight._period_spec if insight else period
    return close_time_for(spec, generated, nyse_calendar())


def test_a_one_day_insight_closes_on_the_next_session_at_the_same_time():
    assert close_time(dt.timedelta(days=1), T(2021, 7, 7, 9, 35)) == T(2021, 7, 8, 9, 35)


def test_a_one_day_insight_skips_the_weekend_and_a_holiday():
    # Friday 2021-07-02; Monday 2021-07-05 is a holiday: it closes Tuesday.
    assert close_time(dt.timedelta(days=1), T(2021, 7, 2, 9, 35)) == T(2021, 7, 6, 9, 35)


def test_daily_bar_counts_and_short_periods():
    assert close_time((Resolution.DAILY, 3), T(2021, 7, 1, 9, 35)) == T(2021, 7, 7, 9, 35)
    assert close_time(dt.timedelta(hours=2), T(2021, 7, 2, 9, 35)) == T(2021, 7, 2, 11, 35)


def test_insight_price_overloads():
    by_bars = Insight.price("SPY", Resolution.DAILY, 2, DOWN)
    assert by_bars.direction == DOWN and by_bars.symbol == "SPY"
    with pytest.raises(ValueError, match="bar_count"):
        Insight.price("SPY", Resolution.DAILY, 0, UP)
    with pytest.raises(TypeError, match="timedelta"):
        Insight.price("SPY", "one day", UP)
    with pytest.raises(ValueError, match="positive"):
        Insight.price("SPY", dt.timedelta(0), UP)


def test_outcomes():
    assert insight_outcome(UP, 100.0, 101.0) == "correct"
    assert insight_outcome(UP, 100.0, 99.0) == "incorrect"
    assert insight_outcome(DOWN, 100.0, 99.0) == "correct"
    assert insight_outcome(DOWN, 100.0, 100.0) == "incorrect"
    assert insight_outcome(FLAT, 100.0, 120.0) == "flat"


def test_equal_weighting_splits_across_non_flat_insights():
    model = EqualWeightingPortfolioConstructionModel()
    up, down, flat = (
        Insight.price(t, dt.timedelta(days=1), d)
        for t, d in (("SPY", UP), ("QQQ", DOWN), ("IWM", FLAT))
    )
    percents = model.determine_target_percent([up, down, flat])
    assert percents == {up: 0.5, down: -0.5, flat: 0.0}
    long_only = EqualWeightingPortfolioConstructionModel(Resolution.DAILY, PortfolioBias.LONG)
    assert long_only.determine_target_percent([up, down, flat]) == {up: 1.0, down: 0.0, flat: 0.0}


def test_liquid_etf_groupings_are_leans():
    assert [s.value for s in LiquidETFUniverse.SP_500_SECTORS.long] == [
        "XLB",
        "XLE",
        "XLF",
        "XLI",
        "XLK",
        "XLP",
        "XLU",
        "XLV",
        "XLY",
    ]
    assert LiquidETFUniverse.SP_500_SECTORS.inverse == []
    assert [s.value for s in LiquidETFUniverse.TREASURIES.long] == [
        "IEF",
        "SHY",
        "TLT",
        "IEI",
        "TLH",
        "BIL",
        "SPTL",
        "TMF",
        "SCHO",
        "SCHR",
        "SPTS",
        "GOVT",
    ]
    assert [s.value for s in LiquidETFUniverse.TREASURIES.inverse] == ["SHV", "TBT", "TBF", "TMV"]
    assert len(LiquidETFUniverse.TREASURIES) == 16


class EmitsOnce(QCAlgorithm):
    """Day 1 at 09:35: UP for SPY and QQQ, FLAT for IWM; nothing afterwards, so the insights
    expire the next session at 09:35 and the positions are liquidated."""

    use_framework = True

    def initialize(self) -> None:
        self.settings.seed_initial_prices = True  # prices on the first morning, as LEAN seeds
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 8)
        self.set_cash(100_000)
        self.symbols = [self.add_equity(t).symbol for t in ("SPY", "QQQ", "IWM")]
        if self.use_framework:
            self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
            self.set_execution(ImmediateExecutionModel())
        self.schedule.on(
            self.date_rules.on(2021, 7, 1),
            self.time_rules.after_market_open("SPY", 5),
            self.emit,
        )
        self.quantities: dict[dt.date, dict[str, float]] = {}
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(15, 0), self.snapshot)

    def emit(self) -> None:
        spy, qqq, iwm = self.symbols
        self.emit_insights(
            Insight.price(spy, dt.timedelta(days=1), UP),
            [
                Insight.price(qqq, dt.timedelta(days=1), UP),
                Insight.price(iwm, dt.timedelta(days=1), FLAT),
            ],
        )

    def snapshot(self) -> None:
        self.quantities[self.time.date()] = {
            s.value: self.portfolio[s].quantity for s in self.symbols
        }


class EmitsOnceWithoutFramework(EmitsOnce):
    use_framework = False


def test_equal_weighting_buys_then_liquidates_expired_insights():
    algorithm, outcome = run_algorithm(EmitsOnce, fee_bps=0)
    assert outcome.succeeded, outcome.runtime_error
    bars = {t: open_price_source(None).daily_bars(t) for t in ("SPY", "QQQ")}
    first = outcome.record.orders[:2]
    for order in first:
        prior_close = bars[order["symbol"]].loc[pd.Timestamp("2021-06-30"), "close"]
        expected = int(0.5 * 100_000 * 0.9975 / prior_close)
        assert order["quantity"] == expected
        # Emitted at 09:35: the orders are MarketOnClose, filled at that session's close.
        assert order["type"] == "market_on_close"
        assert order["fill_price"] == bars[order["symbol"]].loc[pd.Timestamp("2021-07-01"), "close"]
        assert order["fill_time"] == T(2021, 7, 1, 16, 0)
    # 15:00 snapshots: nothing is held on the first day before its close.
    assert algorithm.quantities[D(2021, 7, 1)] == {"SPY": 0, "QQQ": 0, "IWM": 0}
    day_two = algorithm.quantities[D(2021, 7, 2)]
    assert day_two["SPY"] > 0 and day_two["QQQ"] > 0 and day_two["IWM"] == 0
    # The insights close on 2021-07-02 at 09:35; the framework sees it with that day's bar
    # (16:00), when the market is closed: MarketOnOpen orders, filled at the next open
    # (07-06, after the 07-05 holiday).
    sells = outcome.record.orders[2:]
    assert {o["symbol"]: o["quantity"] for o in sells} == {
        o["symbol"]: -o["quantity"] for o in first
    }
    assert all(o["time"] == T(2021, 7, 2, 16, 0) for o in sells)
    assert all(o["type"] == "market_on_open" for o in sells)
    for order in sells:
        assert order["fill_price"] == bars[order["symbol"]].loc[pd.Timestamp("2021-07-06"), "open"]
    assert algorithm.quantities[D(2021, 7, 7)] == {"SPY": 0, "QQQ": 0, "IWM": 0}
    assert len(outcome.record.orders) == 4
    outcomes = {i["symbol"]: i for i in outcome.record.insights}
    assert outcomes["IWM"]["outcome"] == "flat"
    spy = outcomes["SPY"]
    assert spy["close_time"] == T(2021, 7, 2, 9, 35)
    assert spy["reference_price"] == pytest.approx(bars["SPY"].loc["2021-06-30", "close"])
    assert spy["close_price"] == pytest.approx(bars["SPY"].loc["2021-07-01", "close"])
    assert spy["outcome"] == (
        "correct" if spy["close_price"] > spy["reference_price"] else "incorrect"
    )


def test_without_a_portfolio_model_insights_trade_nothing():
    algorithm, outcome = run_algorithm(EmitsOnceWithoutFramework)
    assert outcome.succeeded, outcome.runtime_error
    assert outcome.record.orders == []
    assert len(outcome.record.insights) == 3
    assert all(all(q == 0 for q in day.values()) for day in algorithm.quantities.values())


class EmitsDaily(QCAlgorithm):
    """UP for SPY and QQQ every morning, then FLAT for QQQ from 2021-07-07: daily insights
    keep the positions (no churn), and the FLAT one liquidates QQQ."""

    def initialize(self) -> None:
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 9)
        self.set_warm_up(2)
        self.spy, self.qqq = (self.add_equity(t).symbol for t in ("SPY", "QQQ"))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        # every_day(symbol): trading days only (every_day() would also fire on weekends).
        self.schedule.on(self.date_rules.every_day(self.spy), self.time_rules.at(9, 35), self.emit)

    def emit(self) -> None:
        qqq = FLAT if self.time.date() >= D(2021, 7, 7) else UP
        self.emit_insights(
            [
                Insight.price(self.spy, dt.timedelta(days=1), UP),
                Insight.price(self.qqq, dt.timedelta(days=1), qqq),
            ]
        )


def test_daily_insights_hold_positions_and_flat_liquidates():
    algorithm, outcome = run_algorithm(EmitsDaily)
    assert outcome.succeeded, outcome.runtime_error
    orders = outcome.record.orders
    # Warm-up insights are dropped: the first orders come on the start date.
    assert min(o["time"] for o in orders).date() == D(2021, 7, 1)
    assert len(outcome.record.insights) == 2 * 6
    qqq_orders = [o for o in orders if o["symbol"] == "QQQ"]
    assert qqq_orders[-1]["time"] == T(2021, 7, 7, 9, 35)
    assert algorithm.portfolio["QQQ"].quantity == 0
    # SPY goes from half to the whole portfolio on 07-07. Daily rebalances trade only drifts
    # whose margin (half the order's value at leverage 2) is at least 0.1% of the portfolio.
    assert algorithm.portfolio["SPY"].quantity > 0
    equity = outcome.record.equity
    for order in orders[2:]:
        previous_close = open_price_source(None).daily_bars(order["symbol"])["close"]
        price = previous_close[previous_close.index < pd.Timestamp(order["time"].date())].iloc[-1]
        portfolio_value = equity[equity.index < pd.Timestamp(order["time"])].iloc[-1]
        assert abs(order["quantity"]) * price / 2 >= 0.001 * portfolio_value
