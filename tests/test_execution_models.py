"""PortfolioTargetCollection, OrderSizing (cases from LEAN's OrderSizingTests) and the
execution models that wait for a price: the session VWAP, the standard deviation model's
settings."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.buying_power import BuyingPowerModelExtensions
from local_lean.enums import OrderStatus, Resolution
from local_lean.framework import PortfolioTarget
from local_lean.framework.execution_models import (
    IntradayVwap,
    StandardDeviationExecutionModel,
)
from local_lean.framework.portfolio_targets import (
    OrderSizing,
    PortfolioTargetCollection,
    adjust_by_lot_size,
)
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

SPY, QQQ = equity_symbol("SPY"), equity_symbol("QQQ")


def test_the_collection_keeps_the_latest_target_of_each_symbol():
    targets = PortfolioTargetCollection()
    assert targets.is_empty and targets.count == 0
    first = PortfolioTarget(SPY, 10)
    targets.add(first)
    targets.add(None)  # ignored, as in LEAN
    targets.add_range([PortfolioTarget(QQQ, -5), PortfolioTarget(SPY, 20)])
    assert targets.count == 2 and not targets.is_empty
    assert [(t.symbol.value, t.quantity) for t in targets] == [("SPY", 20), ("QQQ", -5)]
    assert targets["SPY"].quantity == 20 and targets.contains_key("QQQ")
    # removing a target removes only the one kept for its symbol
    assert not targets.remove(first)
    assert targets.remove(targets[SPY])
    assert targets.try_get_value(SPY) == (False, None)
    assert targets.remove(QQQ) and targets.is_empty


@pytest.mark.parametrize(
    ("quantity", "expected"), [(0.98, 0), (-0.98, 0), (0.9999999, 1), (-0.9999999, -1)]
)
def test_adjust_by_lot_size_rounds_toward_zero_unless_a_millionth_short(quantity, expected):
    assert adjust_by_lot_size(quantity) == expected


class Sizing(QCAlgorithm):
    """Order sizes against a real security's price, holdings and open orders."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 3)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.results: dict[str, object] = {}

    def on_data(self, slice) -> None:
        if self.results:
            return
        security = self.securities[self.spy]
        price = security.price
        self.results["price"] = price
        self.results["by_value"] = [
            OrderSizing.get_order_size_for_maximum_value(security, value, target)
            for value, target in [(price * 4.5, 100), (price * 4.5, 3), (price * 4.5, -100)]
        ]
        self.results["no_orders"] = OrderSizing.get_unordered_quantity(
            self, PortfolioTarget(self.spy, 5)
        )
        self.market_order(self.spy, 3)  # a market-on-open order, open until tomorrow
        self.results["open_order"] = OrderSizing.get_unordered_quantity(
            self, PortfolioTarget(self.spy, 5)
        )
        self.results["by_volume"] = OrderSizing.get_order_size_for_percent_volume(
            security, 0.5, -(10**12)
        )
        self.results["volume"] = security.volume
        check = BuyingPowerModelExtensions.above_minimum_order_margin_portfolio_percentage
        portfolio, model = self.portfolio, security.buying_power_model
        self.results["minimum_margin"] = [
            check(portfolio, 0.001, 99.0),  # under 0.1% of 100,000
            check(portfolio, 0.001, 100.0),
            check(portfolio, 0.0, 0.0),  # no minimum
            check(model, security, 0, portfolio, 0.001),
            check(model, security, 1000, portfolio, 0.001),
        ]


def test_order_sizes_cap_at_a_value_or_a_volume_and_count_open_orders():
    algorithm, outcome = run_algorithm(Sizing)

    assert outcome.runtime_error is None
    results = algorithm.results
    assert results["by_value"] == [4, 3, -4]  # 4.5 shares' worth: 4 whole shares
    assert results["no_orders"] == 5
    assert results["open_order"] == 2
    assert results["by_volume"] == -math.floor(results["volume"] * 0.5)
    assert results["minimum_margin"] == [False, True, True, False, True]


def test_order_statuses_say_whether_they_are_fills_and_closed_as_leans_extensions_do():
    closed = {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.INVALID}
    fills = {OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED}
    for status in OrderStatus:
        assert status.is_closed() == (status in closed)
        assert status.is_open() == (status not in closed)
        assert status.is_fill() == (status in fills)


def _bar(day: int, minute: int, high: float, low: float, close: float, volume: float):
    end = dt.datetime(2013, 10, 7 + day, 9, 31 + minute)
    return TradeBar(SPY, end - dt.timedelta(minutes=1), end, close, high, low, close, volume)


def test_the_intraday_vwap_weighs_typical_prices_by_volume_and_starts_over_each_day():
    vwap = IntradayVwap("vwap")
    assert not vwap.is_ready
    vwap.update(_bar(0, 0, 12, 9, 9, 100))  # typical price 10
    vwap.update(_bar(0, 1, 22, 19, 19, 300))  # typical price 20
    assert vwap.is_ready and vwap.value == pytest.approx((10 * 100 + 20 * 300) / 400)
    copy = _bar(0, 2, 100, 100, 100, 1000)
    copy.is_fill_forward = True
    vwap.update(copy)  # a fill-forward copy does not count
    assert vwap.value == pytest.approx(17.5)
    vwap.update(_bar(1, 0, 33, 30, 30, 50))  # a new day: only its bars
    assert vwap.value == pytest.approx(31)


def test_the_standard_deviation_model_refuses_a_period_or_resolution_it_cannot_use():
    model = StandardDeviationExecutionModel()
    assert model.maximum_order_value == 20000
    with pytest.raises(ValueError, match="whole number >= 2"):
        StandardDeviationExecutionModel(1)
    with pytest.raises(ValueError, match="bar resolution"):
        StandardDeviationExecutionModel(60, 2, Resolution.TICK)


def test_algorithm_imports_offers_leans_target_interface_as_the_target_class():
    import local_lean.algorithm_imports as imports

    assert imports.IPortfolioTarget is PortfolioTarget
    assert imports.PortfolioTargetCollection is PortfolioTargetCollection
    assert imports.OrderSizing is OrderSizing
