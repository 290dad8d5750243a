"""Orders with prices as LEAN handles them on daily bars: the fill rules of limit, stop market,
stop limit, trailing stop and limit-if-touched orders, order requests (SubmitOrderRequest,
UpdateOrderFields, ticket updates and cancellations) with LEAN's responses, and CircularQueue."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.circular_queue import CircularQueue
from local_lean.data import open_price_source
from local_lean.enums import OrderStatus, Resolution, SecurityType
from local_lean.fills import DailyBar, EquityFillModel
from local_lean.order_requests import (
    CancelOrderRequest,
    OrderField,
    OrderRequestStatus,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.orders import OrderResponseErrorCode, OrderType
from local_lean.priced_orders import (
    LimitIfTouchedOrder,
    LimitOrder,
    StopLimitOrder,
    StopMarketOrder,
    TrailingStopOrder,
)
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")
PLACED = dt.datetime(2021, 3, 1, 21)  # UTC: after the close of March 1st in New York
NEXT_CLOSE = dt.datetime(2021, 3, 2, 16)


def bar(open_: float, high: float, low: float, close: float, day: int = 2) -> DailyBar:
    return DailyBar(
        dt.datetime(2021, 3, day, 9, 30),
        dt.datetime(2021, 3, day, 16),
        open_,
        high,
        low,
        close,
        1e6,
    )


def fill(order, daily_bar: DailyBar):
    return EquityFillModel().fill(order, daily_bar, NEXT_CLOSE)


def order_of(cls, quantity: float, **prices):
    kinds = {
        LimitOrder: OrderType.LIMIT,
        StopMarketOrder: OrderType.STOP_MARKET,
        StopLimitOrder: OrderType.STOP_LIMIT,
        TrailingStopOrder: OrderType.TRAILING_STOP,
        LimitIfTouchedOrder: OrderType.LIMIT_IF_TOUCHED,
    }
    return cls(id=1, symbol=SPY, quantity=quantity, type=kinds[cls], time=PLACED, **prices)


# ----- fill rules --------------------------------------------------------------------------------


def test_a_limit_order_fills_at_its_limit_or_at_a_better_open():
    buy = order_of(LimitOrder, 10, limit_price=100.0)
    assert fill(buy, bar(101, 102, 100, 101)) is None  # the low must go below the limit
    assert fill(buy, bar(101, 102, 99, 101)).price == 100.0
    gap = fill(buy, bar(98, 99, 97, 98))
    assert gap.price == 98 and gap.message.startswith("Due to a favorable gap at 03/02/2021 16")
    sell = order_of(LimitOrder, -10, limit_price=100.0)
    assert fill(sell, bar(99, 100, 98, 99)) is None
    assert fill(sell, bar(99, 101, 98, 99)).price == 100.0
    assert fill(sell, bar(102, 103, 101, 102)).price == 102


def test_a_stop_market_order_fills_at_its_stop_or_at_a_worse_open():
    buy = order_of(StopMarketOrder, 10, stop_price=100.0)
    assert fill(buy, bar(98, 99.9, 97, 99)) is None
    assert fill(buy, bar(98, 100, 97, 99)).price == 100.0  # touching the stop is enough
    gap = fill(buy, bar(101, 102, 100.5, 101))
    assert gap.price == 101 and "unfavorable gap" in gap.message
    sell = order_of(StopMarketOrder, -10, stop_price=100.0)
    assert fill(sell, bar(101, 102, 100, 101)).price == 100.0
    assert fill(sell, bar(99, 99.5, 98, 99)).price == 99


def test_a_stop_limit_order_triggers_then_fills_when_the_close_is_within_its_limit():
    buy = order_of(StopLimitOrder, 10, stop_price=100.0, limit_price=101.0)
    assert fill(buy, bar(99, 100, 98, 99)) is None and not buy.stop_triggered  # not above it
    assert fill(buy, bar(99, 102, 98, 101.5)) is None  # crossed, but it closes above the limit
    assert buy.stop_triggered
    assert fill(buy, bar(100, 100.5, 99, 100, day=3)).price == 100.5  # no better than the high
    sell = order_of(StopLimitOrder, -10, stop_price=100.0, limit_price=99.0)
    assert fill(sell, bar(101, 102, 98, 99.5)).price == 99.0  # the low is beyond the limit
    assert sell.stop_triggered


def test_a_trailing_stop_trails_the_high_and_fills_at_the_worse_of_stop_and_close():
    sell = order_of(
        TrailingStopOrder, -10, stop_price=95.0, trailing_amount=0.01, trailing_as_percentage=True
    )
    assert fill(sell, bar(100, 110, 100, 105)) is None
    assert sell.stop_price == pytest.approx(110 * 0.99)  # trailed behind the high
    assert fill(sell, bar(108, 109, 104, 106, day=3)).price == 106  # the close, below the stop
    buy = order_of(
        TrailingStopOrder, 10, stop_price=110.0, trailing_amount=2.0, trailing_as_percentage=False
    )
    assert fill(buy, bar(100, 105, 100, 104)) is None
    assert buy.stop_price == 102.0  # two dollars above the low
    assert fill(buy, bar(103, 104, 101, 103.5, day=3)).price == 103.5


def test_a_limit_if_touched_order_arms_at_its_trigger_and_fills_within_its_limit():
    buy = order_of(LimitIfTouchedOrder, 10, trigger_price=100.0, limit_price=99.0)
    assert fill(buy, bar(101, 102, 100, 99.5)) is None and buy.trigger_touched
    assert fill(buy, bar(99, 100, 98, 98.5, day=3)).price == 98.5


def test_no_order_fills_on_a_bar_that_ended_before_it_was_placed():
    buy = order_of(LimitOrder, 10, limit_price=1000.0)
    assert fill(buy, bar(101, 102, 99, 101, day=1)) is None


# ----- requests ----------------------------------------------------------------------------------


def test_submit_order_request_takes_leans_three_positional_forms():
    time = dt.datetime(2021, 3, 1, 21)
    full = SubmitOrderRequest(
        OrderType.TRAILING_STOP, SecurityType.EQUITY, "spy", 10, 95, 0, 0, 0.01, True, time, "t"
    )
    assert full.symbol == SPY and full.trailing_amount == 0.01 and full.trailing_as_percentage
    assert full.time == time and full.tag == "t" and not full.asynchronous
    trigger = SubmitOrderRequest(
        OrderType.LIMIT_IF_TOUCHED, SecurityType.EQUITY, SPY, 1, 0, 9, 10, time, ""
    )
    assert trigger.trigger_price == 10 and trigger.limit_price == 9
    short = SubmitOrderRequest(
        OrderType.LIMIT, SecurityType.EQUITY, SPY, 1, 0, 9, time, "x", None, None, True
    )
    assert short.tag == "x" and short.asynchronous
    with pytest.raises(TypeError, match="needs the time"):
        SubmitOrderRequest(OrderType.LIMIT, SecurityType.EQUITY, SPY, 1, 0, 9)
    with pytest.raises(TypeError, match="unexpected or repeated 'price'"):
        SubmitOrderRequest(OrderType.LIMIT, SecurityType.EQUITY, SPY, 1, 0, 9, time=time, price=1)


def test_update_requests_say_what_they_change_and_cancel_requests_print_as_leans():
    fields = UpdateOrderFields()
    fields.tag = "new tag"
    assert UpdateOrderRequest(PLACED, 3, fields).is_allowed_for_closed_order()
    fields.limit_price = 101.5
    update = UpdateOrderRequest(PLACED, 3, fields)
    assert not update.is_allowed_for_closed_order() and "LimitPrice: 101.5" in str(update)
    cancel = CancelOrderRequest(dt.datetime(2021, 3, 1, 21), 3, "why")
    assert str(cancel) == "03/01/2021 21:00:00 UTC: Cancel Order: (3) - why Status: Unprocessed"


def test_circular_queue_fires_circle_completed_at_the_first_item():
    queue = CircularQueue[OrderType]([OrderType.MARKET, OrderType.LIMIT])
    turns = []
    queue.circle_completed += lambda sender, args: turns.append(sender)
    items = [queue.dequeue() for _ in range(5)]
    assert items == [OrderType.MARKET, OrderType.LIMIT] * 2 + [OrderType.MARKET]
    assert turns == [queue] * 3  # LEAN fires on the very first dequeue too
    with pytest.raises(TypeError, match="callables"):
        queue.circle_completed += "not a handler"
    with pytest.raises(ValueError, match="at least one item"):
        CircularQueue()


# ----- tickets in a backtest ---------------------------------------------------------------------


def synthetic_bar(day: str) -> pd.Series:
    return open_price_source(None).daily_bars("SPY").loc[pd.Timestamp(day)]


class UpdatesAndCancels(QCAlgorithm):
    """Places orders after the close of March 1st 2021 and works their tickets."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.seen = {}
        self.events = []

    def on_data(self, slice) -> None:
        day = self.time.day
        price = self.securities[self.spy].price
        if day == 1:
            self.limit = self.limit_order(self.spy, 10, price * 0.5, tag="far")
            request = SubmitOrderRequest(
                OrderType.MARKET, SecurityType.EQUITY, "SPY", 5, 0, 0, self.utc_time, "raw"
            )
            self.market = self.transactions.add_order(request)
            self.seen["market"] = (self.market.status, self.market.average_fill_price)
            self.seen["no stop"] = self.field_error(OrderField.STOP_PRICE)
        if day == 2:
            fields = UpdateOrderFields()
            fields.quantity = 20
            fields.limit_price = price * 0.6
            self.seen["update"] = self.limit.update(fields).is_success
            # accepted, applied once on_data returns, as in LEAN's backtests
            self.seen["pending"] = (self.limit.quantity, self.limit.update_requests[0].status)
            self.seen["zero"] = self.limit.update_quantity(0).error_code
            self.seen["closed"] = self.market.update_limit_price(1.0)
            self.seen["closed tag"] = self.market.update_tag("renamed").is_success
        if day == 3:
            self.seen["applied"] = (self.limit.quantity, self.limit.update_requests[0].status)
            self.seen["limit"] = self.limit.get(OrderField.LIMIT_PRICE)
            self.seen["cancel"] = self.limit.cancel("done").is_success
            self.seen["cancel again"] = self.limit.cancel().error_code
            self.seen["canceled time"] = self.transactions.get_order_by_id(1).canceled_time

    def field_error(self, field) -> str:
        try:
            self.limit.get(field)
        except ValueError as error:
            return str(error)
        return ""

    def on_order_event(self, order_event) -> None:
        self.events.append((order_event.order_id, order_event.status, order_event.utc_time))


def test_tickets_update_and_cancel_with_leans_responses_and_events():
    algorithm, outcome = run_algorithm(UpdatesAndCancels)
    assert outcome.succeeded, outcome.runtime_error
    seen = algorithm.seen
    # a Market order from add_order is not converted: it fills at once, at the bar's close
    assert seen["market"] == (OrderStatus.FILLED, float(synthetic_bar("2021-03-01")["close"]))
    assert seen["no stop"] == "Unable to get field StopPrice on order of type Limit"
    assert seen["update"] and seen["pending"] == (10, OrderRequestStatus.PROCESSING)
    assert seen["applied"] == (20, OrderRequestStatus.PROCESSED)
    assert seen["limit"] == pytest.approx(float(synthetic_bar("2021-03-02")["close"]) * 0.6)
    assert seen["zero"] == OrderResponseErrorCode.ORDER_QUANTITY_ZERO
    closed = seen["closed"]
    assert closed.error_code == OrderResponseErrorCode.INVALID_ORDER_STATUS
    assert (
        closed.error_message
        == "Unable to update order with id 2 because it already has Filled status."
    )
    assert seen["closed tag"] and algorithm.transactions.get_order_by_id(2).tag == "renamed"
    assert seen["cancel"] and seen["cancel again"] == OrderResponseErrorCode.REQUEST_CANCELED
    limit_events = [(status, time) for order_id, status, time in algorithm.events if order_id == 1]
    statuses = [status for status, _ in limit_events]
    assert statuses == [
        OrderStatus.SUBMITTED,
        OrderStatus.UPDATE_SUBMITTED,
        OrderStatus.CANCEL_PENDING,
        OrderStatus.CANCELED,
    ]
    order = algorithm.transactions.get_order_by_id(1)
    assert order.last_update_time == limit_events[1][1]  # UTC, as the event's time
    assert order.canceled_time == limit_events[3][1] == seen["canceled time"]
    assert order.tag == "done" and algorithm.limit.cancel_request.tag == "done"
    assert len(algorithm.limit.update_requests) == 2  # the refused one is kept too
    # LEAN's OrderTicket.ToString counts the submit, update and cancel requests answered
    assert algorithm.limit.to_string() == str(algorithm.limit)
    assert str(algorithm.limit).endswith("Request Count: 4 Response Count: 4")


class BadPrices(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol

    def on_data(self, slice) -> None:
        self.limit_order(self.spy, 10, "100")


def test_a_price_that_is_not_a_number_is_refused_with_its_name():
    _, outcome = run_algorithm(BadPrices)
    assert "limit_price must be a number, got '100'" in outcome.runtime_error


class UnknownSymbol(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, slice) -> None:
        request = SubmitOrderRequest(
            OrderType.LIMIT, SecurityType.EQUITY, "QQQ", 1, 0, 10.0, self.utc_time, ""
        )
        self.transactions.add_order(request)


def test_add_order_of_a_security_not_added_names_the_fix():
    _, outcome = run_algorithm(UnknownSymbol)
    assert "You haven't requested QQQ data" in outcome.runtime_error


class RefusedThenUpdated(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.responses = []

    def on_data(self, slice) -> None:
        ticket = self.limit_order(self.spy, 0, 100.0)  # refused: zero quantity
        self.responses = [ticket.update_limit_price(90.0), ticket.cancel()]


def test_a_ticket_refused_by_the_pre_order_checks_answers_updates_with_an_error():
    algorithm, outcome = run_algorithm(RefusedThenUpdated)
    assert outcome.succeeded, outcome.runtime_error
    codes = [response.error_code for response in algorithm.responses]
    assert codes == [OrderResponseErrorCode.UNABLE_TO_FIND_ORDER] * 2


class TrailingStops(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.tickets = []

    def on_data(self, slice) -> None:
        if self.tickets:
            return
        self.price = self.securities[self.spy].price
        self.tickets = [
            self.trailing_stop_order(self.spy, -10, 0.05, True),  # 5% below the price
            self.trailing_stop_order(self.spy, 10, 2.0, False, tag="two dollars"),
            self.trailing_stop_order(
                self.spy, -10, stop_price=1.0, trailing_amount=0.1, trailing_as_percentage=True
            ),  # fmt: skip
            # the stop positional, the trailing amount by name: still the stop's form
            self.trailing_stop_order(
                self.spy, -10, 1.5, trailing_amount=0.1, trailing_as_percentage=True
            ),  # fmt: skip
        ]
        self.stops = [ticket.get(OrderField.STOP_PRICE) for ticket in self.tickets]
        try:
            self.trailing_stop_order(self.spy, 10, 0.05)
        except TypeError as error:
            self.missing = str(error)


def test_trailing_stop_order_takes_both_of_leans_forms():
    algorithm, outcome = run_algorithm(TrailingStops)
    assert outcome.succeeded, outcome.runtime_error
    sell, buy, *_ = algorithm.tickets
    # the stops when placed: from the price, or as given
    assert algorithm.stops == pytest.approx(
        [algorithm.price * 0.95, algorithm.price + 2.0, 1.0, 1.5]
    )
    assert sell.get(OrderField.TRAILING_AS_PERCENTAGE) is True
    assert sell.tag == "Trailing Amount: 5.00%"  # LEAN's default tag of a trailing stop
    assert str(algorithm.transactions.get_order_by_id(sell.order_id)).startswith(
        "OrderId: 1 (BrokerId: 1) Submitted TrailingStop order for -10 units of SPY: "
        "Trailing Amount: 5.00% at stop $"
    )
    assert str(buy).endswith("Trailing amount: $2 Request Count: 1 Response Count: 1")
    assert buy.get(OrderField.TRAILING_AMOUNT) == 2.0 and buy.tag == "two dollars"
    assert (
        algorithm.missing == "trailing_stop_order needs trailing_amount and trailing_as_percentage"
    )


def test_an_order_event_prints_as_leans():
    from local_lean.orders import CashAmount, OrderEvent, OrderFee

    event = OrderEvent(
        1,
        SPY,
        dt.datetime(2013, 1, 2, 21),
        OrderStatus.FILLED,
        -110.0,
        fill_price=124.171184709,
        fill_quantity=-110.0,
        order_fee=OrderFee(CashAmount(1.0)),
        id=2,
        limit_price=130.5,
    )
    assert event.to_string() == (
        "Time: 01/02/2013 21:00:00 OrderID: 1 EventID: 2 Symbol: SPY Status: Filled "
        "Quantity: -110 FillQuantity: -110 FillPrice: $124.1712 LimitPrice: $130.5 "
        "OrderFee: 1 USD"
    )


class BadRequest(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.spy = self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, slice) -> None:
        request = SubmitOrderRequest(
            OrderType.LIMIT, SecurityType.EQUITY, self.spy, "10", 0, 10.0, self.utc_time, ""
        )
        assert request.symbol == self.spy.symbol  # a Security gives its symbol, as in LEAN
        self.transactions.add_order(request)


def test_add_order_refuses_a_quantity_that_is_not_a_number():
    _, outcome = run_algorithm(BadRequest)
    assert "SubmitOrderRequest quantity must be a number, got '10'" in outcome.runtime_error


class UpdatesInTheMorning(QCAlgorithm):
    """Updates an open limit order at 10:00: LEAN applies it when the session's bar arrives."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 3)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.events = []
        self.schedule.on(self.date_rules.on(2021, 3, 2), self.time_rules.at(10, 0), self.move)

    def on_data(self, slice) -> None:
        if self.time.day == 1:
            self.ticket = self.limit_order(self.spy, 1, 1.0)  # far below the market

    def move(self) -> None:
        self.ticket.update_limit_price(10_000.0)  # any bar now fills it

    def on_order_event(self, order_event) -> None:
        self.events.append((order_event.status, order_event.utc_time, order_event.fill_price))


def test_an_update_made_during_the_session_applies_with_the_sessions_bar():
    algorithm, outcome = run_algorithm(UpdatesInTheMorning)
    assert outcome.succeeded, outcome.runtime_error
    close = dt.datetime(2021, 3, 2, 21)  # 16:00 in New York, as UTC
    submitted, updated, filled = algorithm.events
    assert updated[:2] == (OrderStatus.UPDATE_SUBMITTED, close)
    # the favourable gap: a buy limit far above the market fills at the session's open
    assert filled == (OrderStatus.FILLED, close, float(synthetic_bar("2021-03-02")["open"]))
