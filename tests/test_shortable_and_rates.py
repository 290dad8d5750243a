"""Shortable providers and risk-free rate models as LEAN's: the shortable check of sell orders
with LEAN's message, and the algorithm's risk-free rate model feeding the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, Resolution
from local_lean.models.interest_rates import (
    FuncRiskFreeRateInterestRateModel,
    InterestRateProvider,
    statistics_rate_model,
)
from local_lean.models.shortable import NullShortableProvider
from local_lean.orders import OrderResponseErrorCode
from local_lean.results import lean_statistics


class FiftyShares(NullShortableProvider):
    def shortable_quantity(self, symbol, local_time):
        return 50


class Shorts(QCAlgorithm):
    """Sells `quantities` of SPY, one order a day, with a provider allowing 50 shares."""

    quantities = [-30]
    provider = FiftyShares()

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 10)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        if self.provider is not None:
            self.spy.set_shortable_provider(self.provider)
        self.plan = list(self.quantities)
        self.tickets = []
        self.checks = []

    def on_data(self, slice) -> None:
        if self.plan:
            self.checks.append((self.shortable("SPY", 30), self.shortable_quantity("SPY")))
            self.tickets.append(self.sell("SPY", abs(self.plan.pop(0))))


def run(**attributes):
    algorithm, outcome = run_algorithm(type("Run", (Shorts,), attributes))
    assert outcome.succeeded, outcome.runtime_error
    return algorithm, outcome


def test_sells_within_the_shortable_quantity_fill():
    algorithm, _ = run(quantities=[-30, -20])
    assert [t.status for t in algorithm.tickets] == [OrderStatus.FILLED, OrderStatus.FILLED]
    assert algorithm.portfolio["SPY"].quantity == -50
    assert algorithm.checks[0] == (True, 50)
    assert algorithm.checks[1] == (False, 50)  # 30 held short + 30 more would pass 50


def test_a_sell_past_the_shortable_quantity_is_invalid_with_leans_message():
    algorithm, outcome = run(quantities=[-30, -30])
    first, second = algorithm.tickets
    assert first.status == OrderStatus.FILLED
    assert second.status == OrderStatus.INVALID
    response = second.submit_request.response
    assert response.error_code == OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY
    assert response.error_message == (
        "Order exceeds shortable quantity 50 for Symbol SPY requested -30)"
    )
    assert len(outcome.record.orders) == 2  # the refused order exists, as in LEAN


def test_without_a_provider_shorting_is_unlimited():
    algorithm, _ = run(quantities=[-100], provider=None)
    assert algorithm.tickets[0].status == OrderStatus.FILLED
    assert algorithm.checks == [(True, 0)]
    assert algorithm.spy.shortable_provider.fee_rate(algorithm.spy.symbol, None) == 0.0


class Holds(QCAlgorithm):
    """Holds SPY; `rate_model` (when given) is the risk-free rate model."""

    rate_model = None

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 3, 31)
        self.set_cash(100_000)
        self.add_equity("SPY", Resolution.DAILY)
        if self.rate_model is not None:
            self.set_risk_free_interest_rate_model(self.rate_model)

    def on_data(self, slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)


def sharpe(rate_model) -> float:
    _, outcome = run_algorithm(type("Run", (Holds,), {"rate_model": rate_model}))
    assert outcome.succeeded, outcome.runtime_error
    return float(lean_statistics(outcome.record)["Sharpe Ratio"])


def test_the_risk_free_rate_model_feeds_the_statistics():
    default = sharpe(None)
    assert sharpe(InterestRateProvider()) == default  # LEAN's default, set explicitly
    assert sharpe(FuncRiskFreeRateInterestRateModel(lambda time: 0.0)) != default
    high = sharpe(FuncRiskFreeRateInterestRateModel(lambda time: 0.5))
    assert high < default


def test_func_model_calls_the_function_with_a_datetime():
    seen = []
    model = FuncRiskFreeRateInterestRateModel(lambda time: seen.append(time) or 0.02)
    assert model.get_interest_rate(dt.date(2020, 5, 28)) == 0.02
    assert seen == [dt.datetime(2020, 5, 28)]
    averaged = statistics_rate_model(model).average_rate([dt.date(2020, 1, 1)] * 2)
    assert float(averaged) == pytest.approx(0.02)
    assert statistics_rate_model(None) is None


def test_bad_rate_models_fail_clearly():
    with pytest.raises(TypeError, match="function of a datetime"):
        FuncRiskFreeRateInterestRateModel(0.02)
    with pytest.raises(TypeError, match="get_interest_rate"):
        Holds().set_risk_free_interest_rate_model(0.02)
    wrong = statistics_rate_model(FuncRiskFreeRateInterestRateModel(lambda time: "2%"))
    with pytest.raises(TypeError, match="must return a number"):
        wrong.average_rate([dt.date(2020, 1, 2)])
