"""Fills, fees, cash and holdings, checked against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data import open_price_source
from local_lean.enums import Resolution
from local_lean.models.fees import BasisPointsFeeModel, InteractiveBrokersFeeModel, fee_of
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.securities import Security, SecurityManager
from local_lean.symbols import equity_symbol

T = dt.datetime


def _fee(model, quantity: float, price: float) -> float:
    """The fee `model` charges for `quantity` SPY at `price`, as the transaction handler asks
    for it (the portfolio's fee model, through LEAN's get_order_fee)."""
    securities = SecurityManager()
    security = Security(equity_symbol("SPY"), Resolution.DAILY, True)
    securities.add(security)
    portfolio = SecurityPortfolioManager(securities)
    portfolio.fee_model = model
    return fee_of(portfolio, security, quantity, price)


def test_interactive_brokers_fees():
    fees = InteractiveBrokersFeeModel()
    assert _fee(fees, 10, 300.0) == 1.0  # $0.05 by the share, raised to the $1 minimum
    assert _fee(fees, -1000, 50.0) == 5.0  # $0.005 a share
    assert _fee(fees, 1000, 0.5) == pytest.approx(2.5)  # capped at 0.5% of the order's value
    # LEAN raises a fee under $1 to the minimum and then applies no cap, so a small order
    # pays $1 even when that is more than 0.5% of its value.
    assert _fee(fees, 1, 10.0) == 1.0


def test_the_portfolio_default_is_the_one_interactive_brokers_fee_model():
    # One class per LEAN fee model: the default and set_fee_model's are the same class.
    portfolio = SecurityPortfolioManager(SecurityManager())
    assert type(portfolio.fee_model) is InteractiveBrokersFeeModel


def test_basis_point_fees():
    assert _fee(BasisPointsFeeModel(10), -100, 50.0) == pytest.approx(5.0)
    assert _fee(BasisPointsFeeModel(0), 100, 50.0) == 0.0
    with pytest.raises(ValueError, match="basis points"):
        BasisPointsFeeModel(-1)


class TradesByHand(QCAlgorithm):
    """Buys 10 SPY at 10:00 on 01-05, sells 4 at 08:00 on 01-06, buys 3 after the 01-06 close,
    and tries to buy far more than it can pay for."""

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 5)
        self.set_end_date(2021, 1, 8)
        self.set_cash(100_000)
        self.settings.seed_initial_prices = True  # it orders on its first morning
        self.spy = self.add_equity("SPY").symbol
        self.schedule.on(self.date_rules.on(2021, 1, 5), self.time_rules.at(10, 0), self.buy)
        self.schedule.on(self.date_rules.on(2021, 1, 6), self.time_rules.at(8, 0), self.sell)
        self.tickets = []
        self.cash_after_buy = None
        self.events = []

    def buy(self) -> None:
        self.tickets.append(self.market_order(self.spy, 10))
        self.cash_after_buy = self.portfolio.cash  # nothing filled yet: it fills at the close
        self.tickets.append(self.market_order(self.spy, 1_000_000))

    def sell(self) -> None:
        self.tickets.append(self.market_order(self.spy, -4))

    def on_data(self, data) -> None:
        if self.time.date() == dt.date(2021, 1, 6):
            self.tickets.append(self.market_order(self.spy, 3))

    def on_order_event(self, order_event) -> None:
        self.events.append((order_event.order_id, order_event.status.name, order_event.utc_time))


def test_fills_fees_and_cash_by_hand():
    algorithm, outcome = run_algorithm(TradesByHand)
    assert outcome.succeeded, outcome.runtime_error
    bars = open_price_source(None).daily_bars("SPY")

    def price(day: str, column: str) -> float:
        return float(bars.loc[pd.Timestamp(day), column])

    buy, too_big, sell, after_close = algorithm.tickets
    # During the session: converted to MarketOnClose, filled at that day's close.
    assert buy.order_type.name == "MARKET_ON_CLOSE"
    assert buy.average_fill_price == price("2021-01-05", "close")
    assert algorithm.cash_after_buy == 100_000
    assert too_big.status.name == "INVALID"
    assert "Insufficient buying power" in outcome.record.orders[1]["message"]
    # Before the open and after the close: MarketOnOpen, filled at the next open.
    assert sell.order_type.name == after_close.order_type.name == "MARKET_ON_OPEN"
    assert sell.average_fill_price == price("2021-01-06", "open")  # placed at 08:00
    assert after_close.average_fill_price == price("2021-01-07", "open")  # placed at 16:00
    orders = [o for o in outcome.record.orders if o["status"] == "filled"]
    # Fills are stamped when the bar that fills them arrives: the session's close.
    assert [o["fill_time"] for o in orders] == [
        T(2021, 1, 5, 16, 0),
        T(2021, 1, 6, 16, 0),
        T(2021, 1, 7, 16, 0),
    ]
    assert [o["fee"] for o in orders] == [1.0, 1.0, 1.0]
    statuses = [(order_id, status) for order_id, status, _ in algorithm.events]
    assert statuses == [
        (1, "SUBMITTED"),
        (2, "INVALID"),
        (1, "FILLED"),
        (3, "SUBMITTED"),
        (3, "FILLED"),
        (4, "SUBMITTED"),
        (4, "FILLED"),
    ]

    cash = (
        100_000
        - 10 * price("2021-01-05", "close")
        + 4 * price("2021-01-06", "open")
        - 3 * price("2021-01-07", "open")
        - 3.0
    )
    holding = algorithm.portfolio[algorithm.spy]
    assert algorithm.portfolio.cash == pytest.approx(cash)
    assert holding.quantity == 9
    assert holding.average_price == pytest.approx(
        (6 * price("2021-01-05", "close") + 3 * price("2021-01-07", "open")) / 9
    )
    assert holding.total_fees == 3.0
    # Equity at each close: cash plus holdings at that close.
    equity = outcome.record.equity
    assert equity[pd.Timestamp("2021-01-08 16:00")] == pytest.approx(
        cash + 9 * price("2021-01-08", "close")
    )
    assert equity[pd.Timestamp("2021-01-05 16:00")] == pytest.approx(100_000 - 1.0)
    assert algorithm.portfolio.total_portfolio_value == pytest.approx(equity.iloc[-1])


class SetsHoldings(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 6)
        self.set_cash(50_000)
        self.settings.seed_initial_prices = True  # it sizes on its first morning
        self.spy = self.add_equity("SPY").symbol
        self.schedule.on(self.date_rules.on(2021, 1, 4), self.time_rules.at(9, 35), self.enter)
        self.schedule.on(self.date_rules.on(2021, 1, 6), self.time_rules.at(9, 35), self.leave)

    def enter(self) -> None:
        self.set_holdings(self.spy, 0.5)

    def leave(self) -> None:
        self.liquidate()


def test_set_holdings_and_liquidate_with_basis_point_fees():
    algorithm, outcome = run_algorithm(SetsHoldings, fee_bps=10)
    assert outcome.succeeded, outcome.runtime_error
    bars = open_price_source(None).daily_bars("SPY")
    previous_close = float(bars.loc[pd.Timestamp("2020-12-31"), "close"])
    entry, exit_ = outcome.record.orders
    # LEAN's sizing: the most whole shares whose value, at the last known price, stays within
    # half of the value less the 0.25% buffer, once the order's own fee is paid.
    quantity = entry["quantity"]

    def budget(shares: float) -> float:
        return 0.5 * 0.9975 * (50_000 - shares * previous_close * 0.001)

    assert quantity * previous_close <= budget(quantity)
    assert (quantity + 1) * previous_close > budget(quantity + 1)
    fill = float(bars.loc[pd.Timestamp("2021-01-04"), "close"])
    assert entry["fill_price"] == fill
    assert entry["fee"] == pytest.approx(entry["quantity"] * fill * 0.001)
    assert exit_["quantity"] == -entry["quantity"] and exit_["tag"] == "Liquidated"
    assert exit_["fill_price"] == float(bars.loc[pd.Timestamp("2021-01-06"), "close"])
    assert not algorithm.portfolio.invested
    assert algorithm.portfolio.total_holdings_value == 0


class SetsHoldingsWithoutPrice(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 5)
        self.add_equity("NOSUCHTICKER")
        self.schedule.on(self.date_rules.on(2021, 1, 4), self.time_rules.at(10, 0), self.enter)

    def enter(self) -> None:
        self.set_holdings("NOSUCHTICKER", 0.5)


def test_set_holdings_without_a_price_places_no_order_and_logs_why():
    _, outcome = run_algorithm(SetsHoldingsWithoutPrice)
    assert outcome.succeeded, outcome.runtime_error
    assert outcome.record.orders == []
    assert any(
        "ERROR: NOSUCHTICKER: The security does not have an accurate price" in line
        for line in outcome.record.logs
    )
