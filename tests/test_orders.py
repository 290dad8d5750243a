"""Orders as current LEAN handles them on daily data: conversion of market orders, MarketOnOpen
and MarketOnClose orders, pre-order checks, buying power, order events and self.transactions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.algorithm.trading import (
    DAILY_MARKET_ORDER_WARNING,
    MARKET_ORDER_WHILE_CLOSED_WARNING,
)
from local_lean.data import open_price_source
from local_lean.enums import OrderStatus, Resolution
from local_lean.orders import OrderType

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN sample data absent")
T = dt.datetime


def synthetic_price(ticker: str, day: str, column: str) -> float:
    return float(open_price_source(None).daily_bars(ticker).loc[pd.Timestamp(day), column])


class OrdersAt(QCAlgorithm):
    """Places the orders listed in `plan`: (date, hour, minute, method, ticker, quantity)."""

    plan: list[tuple[dt.date, int, int, str, str, float]] = []
    start = dt.date(2021, 3, 1)
    end = dt.date(2021, 3, 5)

    def initialize(self) -> None:
        self.settings.seed_initial_prices = True  # prices on the first morning, as LEAN seeds
        self.set_start_date(self.start)
        self.set_end_date(self.end)
        self.set_cash(100_000)
        for ticker in {item[4] for item in self.plan}:
            self.add_equity(ticker, Resolution.DAILY)
        self.tickets = []
        self.events = []
        for day, hour, minute, method, ticker, quantity in self.plan:
            self.schedule.on(
                self.date_rules.on(day.year, day.month, day.day),
                self.time_rules.at(hour, minute),
                lambda m=method, t=ticker, q=quantity: self.tickets.append(getattr(self, m)(t, q)),
            )

    def on_order_event(self, order_event) -> None:
        self.events.append(order_event)


def run_plan(plan, **options):
    algorithm_class = type("Plan", (OrdersAt,), {"plan": plan})
    algorithm, outcome = run_algorithm(algorithm_class, **options)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm, outcome


@needs_lean_data
def test_on_leans_data_a_morning_order_fills_at_the_close_and_a_late_one_at_the_next_open():
    plan = [
        (dt.date(2019, 3, 4), 9, 31, "market_order", "SPY", 100),
        (dt.date(2019, 3, 4), 15, 50, "market_order", "QQQ", 10),
    ]
    algorithm_class = type(
        "Plan", (OrdersAt,), {"plan": plan, "start": plan[0][0], "end": dt.date(2019, 3, 6)}
    )
    algorithm, outcome = run_algorithm(algorithm_class, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    spy, qqq = outcome.record.orders
    assert spy["type"] == "market_on_close"
    assert spy["fill_price"] == pytest.approx(268.30, abs=0.005)  # 2019-03-04's close
    assert spy["fill_time"] == T(2019, 3, 4, 16, 0)
    assert qqq["type"] == "market_on_open"  # within 15.5 minutes of the close
    assert qqq["fill_price"] == pytest.approx(171.65, abs=0.005)  # 2019-03-05's open
    assert qqq["fill_time"] == T(2019, 3, 5, 16, 0)


def test_market_orders_are_converted_and_each_warning_is_logged_once():
    day = dt.date(2021, 3, 2)
    plan = [
        (day, 8, 0, "market_order", "SPY", 1),  # closed: next open (today's)
        (day, 10, 0, "market_order", "SPY", 1),  # open: today's close
        (day, 15, 44, "market_order", "SPY", 1),  # before the buffer: today's close
        (day, 15, 45, "market_order", "SPY", 1),  # within the buffer: next open
        (day, 11, 0, "market_order", "SPY", 1),
        (day, 17, 0, "market_order", "SPY", 1),  # closed: next open
    ]
    _, outcome = run_plan(plan)
    by_time = {o["time"].time(): o for o in outcome.record.orders}
    assert by_time[dt.time(8, 0)]["type"] == "market_on_open"
    assert by_time[dt.time(8, 0)]["fill_price"] == synthetic_price("SPY", "2021-03-02", "open")
    for minute in (dt.time(10, 0), dt.time(11, 0), dt.time(15, 44)):
        assert by_time[minute]["type"] == "market_on_close"
        assert by_time[minute]["fill_price"] == synthetic_price("SPY", "2021-03-02", "close")
    for late in (dt.time(15, 45), dt.time(17, 0)):
        assert by_time[late]["type"] == "market_on_open"
        assert by_time[late]["fill_price"] == synthetic_price("SPY", "2021-03-03", "open")
        assert by_time[late]["fill_time"] == T(2021, 3, 3, 16, 0)
    logs = outcome.record.logs
    assert sum(MARKET_ORDER_WHILE_CLOSED_WARNING in line for line in logs) == 1
    assert sum(DAILY_MARKET_ORDER_WARNING in line for line in logs) == 1


def test_market_on_close_orders_within_the_buffer_are_refused_as_lean_refuses_them():
    day = dt.date(2021, 3, 2)
    plan = [
        (day, 8, 0, "market_on_close_order", "SPY", 2),
        (day, 10, 0, "market_on_open_order", "SPY", 5),  # daily data: allowed, next open
        (day, 15, 50, "market_on_close_order", "SPY", 3),
        (day, 16, 30, "market_on_close_order", "SPY", 4),  # for the next session's close
    ]
    algorithm, outcome = run_plan(plan)
    early, opening, late, after = algorithm.tickets
    assert late.status.name == "INVALID"
    response = late.get_most_recent_order_response()
    assert response.error_code.name == "MARKET_ON_CLOSE_ORDER_TOO_LATE"
    assert "MarketOnClose orders must be placed within 00:15:30 before market close" in (
        response.error_message
    )
    assert any(response.error_message in line and "ERROR" in line for line in outcome.record.logs)
    filled = {o["quantity"]: o for o in outcome.record.orders}
    assert set(filled) == {2, 4, 5}  # the refused order never became an order
    assert filled[2]["fill_price"] == synthetic_price("SPY", "2021-03-02", "close")
    assert filled[4]["fill_price"] == synthetic_price("SPY", "2021-03-03", "close")
    assert filled[5]["fill_price"] == synthetic_price("SPY", "2021-03-03", "open")
    assert early.status.name == after.status.name == opening.status.name == "FILLED"


def test_pre_order_checks_refuse_zero_quantities_with_leans_message():
    plan = [(dt.date(2021, 3, 2), 10, 0, "market_order", "SPY", 0.4)]
    algorithm, outcome = run_plan(plan)
    (ticket,) = algorithm.tickets
    assert ticket.status.name == "INVALID"
    assert ticket.get_most_recent_order_response().error_code.name == "ORDER_QUANTITY_ZERO"
    assert outcome.record.orders == []
    assert any("that has zero quantity" in line for line in outcome.record.logs)


def test_buying_power_is_leans_margin_account_with_leverage_two():
    spy_close = synthetic_price("SPY", "2021-03-01", "close")
    affordable = int(1.5 * 100_000 / spy_close)  # 1.5x the portfolio: margin 0.75x
    too_much = int(2.5 * 100_000 / spy_close)
    plan = [
        (dt.date(2021, 3, 2), 10, 0, "market_order", "SPY", affordable),
        (dt.date(2021, 3, 3), 10, 0, "market_order", "SPY", too_much),
    ]
    algorithm, outcome = run_plan(plan)
    first, second = outcome.record.orders
    assert first["status"] == "filled"
    assert second["status"] == "invalid"
    assert second["message"].startswith(
        "Order Error: ids: [2], Insufficient buying power to complete orders (Value:["
    )
    assert "Reason: Id: 2, Initial Margin: " in second["message"]
    assert algorithm.tickets[1].get_most_recent_order_response().error_code.name == (
        "INSUFFICIENT_BUYING_POWER"
    )
    assert [e.status.name for e in algorithm.events if e.order_id == 2] == ["INVALID"]


class CancelsAfterTheClose(QCAlgorithm):
    """Places a MarketOnOpen order after the close, reads it back, then cancels it."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 3)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.seen = {}
        self.events = []
        self.schedule.on(self.date_rules.on(2021, 3, 1), self.time_rules.at(17, 0), self.place)
        self.schedule.on(self.date_rules.on(2021, 3, 1), self.time_rules.at(18, 0), self.cancel)

    def place(self) -> None:
        self.ticket = self.market_on_open_order(self.spy, 10, tag="entry")
        self.seen["open"] = [o.id for o in self.transactions.get_open_orders(self.spy)]
        self.seen["by id"] = self.transactions.get_order_by_id(self.ticket.order_id).tag

    def cancel(self) -> None:
        self.seen["canceled"] = [t.order_id for t in self.transactions.cancel_open_orders()]
        self.seen["open after"] = self.transactions.get_open_orders()
        self.seen["again"] = self.ticket.cancel().error_code.name

    def on_order_event(self, order_event) -> None:
        self.events.append(order_event.status.name)


def test_transactions_list_and_cancel_open_orders():
    algorithm, outcome = run_algorithm(CancelsAfterTheClose)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.seen["open"] == [1] and algorithm.seen["by id"] == "entry"
    assert algorithm.seen["canceled"] == [1] and algorithm.seen["open after"] == []
    # cancel_open_orders cancels through the ticket, as LEAN's: a second request is refused
    assert algorithm.seen["again"] == "REQUEST_CANCELED"
    assert algorithm.events == ["SUBMITTED", "CANCEL_PENDING", "CANCELED"]
    (order,) = outcome.record.orders
    assert order["status"] == "canceled" and order["fill_time"] is None
    assert not algorithm.portfolio.invested
    assert algorithm.transactions.orders_count == 1


class ReadsOpenOrdersBySymbol(QCAlgorithm):
    """Places three MarketOnOpen orders for two tickers after the close, reads the open ones of
    each back, cancels one, and reads them again once filled (at the next open, when that
    session's daily bar has come)."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 4)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.qqq = self.add_equity("QQQ", Resolution.DAILY).symbol
        self.seen = {}
        self.schedule.on(self.date_rules.on(2021, 3, 1), self.time_rules.at(17, 0), self.place)
        self.schedule.on(self.date_rules.on(2021, 3, 1), self.time_rules.at(18, 0), self.cancel)
        self.schedule.on(self.date_rules.on(2021, 3, 3), self.time_rules.at(12, 0), self.after)

    def read(self, when: str) -> None:
        transactions = self.transactions
        for name, key in (("SPY", self.spy), ("spy", "spy"), ("QQQ", self.qqq)):
            tickets = transactions.get_open_order_tickets(key)
            self.seen[when, name] = (
                [ticket.order_id for ticket in tickets],
                transactions.get_open_orders_remaining_quantity(key),
            )

    def place(self) -> None:
        self.market_on_open_order(self.spy, 10)
        self.market_on_open_order(self.qqq, 3)
        self.market_on_open_order(self.spy, 7)
        self.read("placed")

    def cancel(self) -> None:
        self.transactions.cancel_order(1)
        self.read("canceled")

    def after(self) -> None:
        self.read("filled")


def test_open_orders_and_their_remaining_quantity_by_symbol_or_ticker():
    algorithm, outcome = run_algorithm(ReadsOpenOrdersBySymbol)
    assert outcome.succeeded, outcome.runtime_error
    seen = algorithm.seen
    assert seen["placed", "SPY"] == seen["placed", "spy"] == ([1, 3], 17)
    assert seen["placed", "QQQ"] == ([2], 3)
    assert seen["canceled", "SPY"] == seen["canceled", "spy"] == ([3], 7)
    assert seen["canceled", "QQQ"] == ([2], 3)
    assert seen["filled", "SPY"] == seen["filled", "QQQ"] == ([], 0)
    assert algorithm.portfolio[algorithm.spy].quantity == 7
    assert algorithm.portfolio[algorithm.qqq].quantity == 3


class QuitsAndReadsSettings(QCAlgorithm):
    """Lowers the minimum order margin, disables liquidate, reads the current slice, quits."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 31)
        self.spy = self.add_equity("SPY").symbol  # no resolution: LEAN would use minute data
        self.settings.liquidate_enabled = False
        self.closes = []
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(10, 0), self.morning)

    def morning(self) -> None:
        if self.spy not in self.current_slice.bars:  # the first morning: no bar has arrived yet
            return
        self.closes.append(self.current_slice.bars[self.spy].close)
        if len(self.closes) == 1:
            self.set_holdings(self.spy, 0.5)
        if len(self.closes) == 2:
            self.liquidate()  # disabled: nothing happens
        if len(self.closes) == 3:
            self.quit("three mornings are enough")


def test_settings_current_slice_and_quit():
    algorithm, outcome = run_algorithm(QuitsAndReadsSettings)
    assert outcome.succeeded, outcome.runtime_error
    logs = outcome.record.logs
    assert any(
        "add_equity without a resolution subscribes to minute data in LEAN" in line for line in logs
    )
    # From the second morning on, each sees the previous session's bar.
    assert algorithm.closes == [
        synthetic_price("SPY", day, "close") for day in ("2021-03-01", "2021-03-02", "2021-03-03")
    ]
    assert any("Liquidate() is currently disabled by settings" in line for line in logs)
    assert len(outcome.record.orders) == 1 and algorithm.portfolio.invested
    assert any("Quit(): three mornings are enough" in line for line in logs)
    # The backtest ends with the time step that quit (2021-03-04 10:00): no close after it.
    assert outcome.record.equity.index[-1] == pd.Timestamp("2021-03-03 16:00")


def test_quit_in_initialize_runs_no_time_step():
    class QuitsAtOnce(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2021, 3, 1)
            self.set_end_date(2021, 3, 5)
            self.add_equity("SPY", Resolution.DAILY)
            self.quit()

        def on_data(self, data) -> None:
            raise AssertionError("on_data ran after quit() in initialize")

    _, outcome = run_algorithm(QuitsAtOnce)
    assert outcome.succeeded, outcome.runtime_error
    assert not outcome.record.orders


def test_minute_data_is_refused_with_the_fix():
    class WantsMinutes(QCAlgorithm):
        def initialize(self) -> None:
            self.add_equity("SPY", Resolution.MINUTE)

    _, outcome = run_algorithm(WantsMinutes)
    assert "pass Resolution.DAILY" in outcome.runtime_error


class KeepsOrders(QCAlgorithm):
    """Buys once, tries an order it cannot afford, and keeps what the transactions give back."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.set_cash(100_000)
        self.add_equity("SPY", Resolution.DAILY)
        self.seen: dict = {}

    def on_data(self, data) -> None:
        if self.seen:
            return
        ticket = self.market_order("SPY", 10)
        self.seen["utc"] = self.utc_time
        order = self.transactions.get_order_by_id(ticket.order_id)
        order.tag = "changed by the algorithm"
        self.seen["first"] = order
        self.seen["again"] = self.transactions.get_order_by_id(ticket.order_id)
        self.seen["listed"] = self.transactions.get_orders()[0]
        self.seen["too big"] = self.market_order("SPY", 1_000_000).order_id


def test_orders_from_the_transactions_are_clones_with_utc_time_and_broker_ids():
    # LEAN's GetOrderById and GetOrders return order.Clone(); Order.Time is UTC; the
    # backtesting brokerage gives a placed order its id as broker id, an invalid one none
    algorithm, _ = run_algorithm(KeepsOrders)
    seen = algorithm.seen

    assert seen["again"].tag == "" and seen["first"] is not seen["again"]
    assert seen["listed"] is not seen["again"] and seen["listed"].id == seen["again"].id
    assert seen["again"].time == seen["utc"] == seen["again"].created_time
    filled = algorithm.transactions.get_order_by_id(seen["again"].id)
    assert filled.broker_id == [str(filled.id)]
    assert algorithm.transactions.get_order_by_id(seen["too big"]).broker_id == []


class MinuteOrderAtTheClose(QCAlgorithm):
    """SPY minute bars: a market order in the session, then one at 16:00 (market closed)."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.tickets = {}

    def on_data(self, slice) -> None:
        if self.time.date() == dt.date(2013, 10, 7) and self.time.time() in (
            dt.time(10, 0),
            dt.time(16, 0),
        ):
            self.tickets[self.time.time()] = self.market_order(self.spy, 1)


@needs_lean_data
def test_a_market_order_on_minute_data_while_the_market_is_closed_waits_for_the_open():
    algorithm, outcome = run_algorithm(MinuteOrderAtTheClose, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    in_session, at_close = algorithm.tickets[dt.time(10, 0)], algorithm.tickets[dt.time(16, 0)]
    assert in_session.order_type == OrderType.MARKET
    assert in_session.status == OrderStatus.FILLED
    # LEAN: the market is closed at 16:00, whatever the resolution: a MarketOnOpen order
    assert at_close.order_type == OrderType.MARKET_ON_OPEN
    fill = at_close.order_events[-1]
    assert fill.status == OrderStatus.FILLED
    assert fill.utc_time == dt.datetime(2013, 10, 8, 13, 31)  # the next open's first bar
    assert sum(MARKET_ORDER_WHILE_CLOSED_WARNING in line for line in outcome.record.logs) == 1
