"""Framework models as LEAN runs them: alpha models asked at each slice, a manual universe,
security changes, risk management overriding targets."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, InsightType, Resolution
from local_lean.errors import NotSupportedError
from local_lean.framework import EqualWeightingPortfolioConstructionModel, Insight
from local_lean.framework.alpha import AlphaModel, ConstantAlphaModel
from local_lean.framework.risk import MaximumDrawdownPercentPerSecurity
from local_lean.framework.universe import ManualUniverseSelectionModel


class ConstantUp(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 12)
        self.universe_settings.resolution = Resolution.DAILY
        self.set_universe_selection(ManualUniverseSelectionModel(["SPY", "QQQ"]))
        self.set_alpha(ConstantAlphaModel(InsightType.PRICE, InsightDirection.UP, dt.timedelta(3)))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.changes = []

    def on_securities_changed(self, changes) -> None:
        self.changes.append((self.time, sorted(s.symbol.value for s in changes.added_securities)))


def test_a_constant_alpha_emits_at_each_slice_once_per_period_and_trades_the_universe():
    algorithm, outcome = run_algorithm(ConstantUp)
    assert outcome.succeeded, outcome.runtime_error
    # The universe's securities are announced at the first time step, before on_data.
    assert algorithm.changes == [(dt.datetime(2021, 3, 1, 16, 0), ["QQQ", "SPY"])]
    insights = outcome.record.insights
    generated = sorted({i["generated_time"] for i in insights})
    # At the 16:00 slices, a new insight per symbol once its 3-day (session) period is over.
    assert generated[:2] == [dt.datetime(2021, 3, 1, 16, 0), dt.datetime(2021, 3, 4, 16, 0)]
    assert {i["symbol"] for i in insights} == {"SPY", "QQQ"}
    assert all(i["direction"] == "up" for i in insights)
    first = [o for o in outcome.record.orders if o["time"] == dt.datetime(2021, 3, 1, 16, 0)]
    assert {o["symbol"] for o in first} == {"SPY", "QQQ"}
    assert all(o["type"] == "market_on_open" for o in first)  # placed at the close


class OwnAlpha(AlphaModel):
    """An alpha model written in Python, as LEAN's users write them."""

    def update(self, algorithm, data):
        if data.bars.contains_key("SPY") and algorithm.time.day == 2:
            return [Insight.price("SPY", dt.timedelta(days=1), InsightDirection.DOWN)]
        return []


class UsesOwnAlpha(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.add_equity("SPY", Resolution.DAILY)
        self.add_alpha(OwnAlpha())


def test_a_python_alpha_model_is_asked_at_each_slice():
    _, outcome = run_algorithm(UsesOwnAlpha)
    assert outcome.succeeded, outcome.runtime_error
    (insight,) = outcome.record.insights
    assert insight["generated_time"] == dt.datetime(2021, 3, 2, 16, 0)
    assert insight["direction"] == "down"
    assert outcome.record.orders == []  # the null portfolio model trades nothing


class StopsLosses(QCAlgorithm):
    """Short SPY through the framework in a rising market; the risk model closes it."""

    def initialize(self) -> None:
        self.set_start_date(2020, 4, 1)
        self.set_end_date(2020, 6, 30)
        self.add_equity("SPY", Resolution.DAILY)
        self.set_alpha(
            ConstantAlphaModel(InsightType.PRICE, InsightDirection.DOWN, dt.timedelta(days=200))
        )
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_risk_management(MaximumDrawdownPercentPerSecurity(0.01))


def test_risk_management_overrides_the_target_of_a_losing_position():
    algorithm, outcome = run_algorithm(StopsLosses)
    assert outcome.succeeded, outcome.runtime_error
    orders = outcome.record.orders
    assert orders[0]["quantity"] < 0  # the short
    closing = [o for o in orders[1:] if o["quantity"] > 0]
    assert closing, "a loss past 1% of the holding's cost must be liquidated"
    assert closing[0]["quantity"] == -orders[0]["quantity"]


def test_only_a_manual_universe_is_simulated():
    class OtherUniverse:
        pass

    class UsesOther(QCAlgorithm):
        def initialize(self) -> None:
            self.set_universe_selection(OtherUniverse())

    _, outcome = run_algorithm(UsesOther)
    assert "only ManualUniverseSelectionModel" in outcome.runtime_error
    with pytest.raises(TypeError, match="Symbols or tickers"):
        ManualUniverseSelectionModel([3])
    assert issubclass(NotSupportedError, NotImplementedError)
