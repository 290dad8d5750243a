"""Cases of LEAN's ``Tests/Common/Orders/OrderTicketTests.cs``, through the algorithm's API.

- ``TestInvalidWarmingUp``: an order placed during the warm-up gets an invalid ticket that keeps
  the request (quantity, tag, type, symbol) and LEAN's message in Python's wording; the same
  request given to ``transactions.add_order`` raises that response's text, as LEAN's
  ``ProcessRequest`` throws it.
- ``TestInvalidUpdateOrderId``, ``TestInvalidCancelOrderId`` and ``TestInvalidSubmitRequest``:
  the invalid tickets LEAN builds for a request that reached no order (an update or a
  cancellation of an unknown order id: error ``UnableToFindOrder``), built directly as LEAN's
  test does and through ``transactions.update_order`` and ``cancel_order``.
- ``MarketOnOpenOrderSubmissionRespectsAllowedTimeRange``: LEAN's test subscribes to minute
  data, where a MarketOnOpen order is refused while the market is open; for a security with
  daily data only, LEAN's ``PreOrderChecksImpl`` allows it at any time (its
  ``IsDailyResolutionOnly`` exception), which is what the runner's daily equities get: the six
  times are accepted here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, SecurityType
from local_lean.order_requests import (
    CancelOrderRequest,
    OrderRequestStatus,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.orders import OrderResponse, OrderResponseErrorCode, OrderTicket, OrderType

WARM_UP_MESSAGE = (
    "This operation is not allowed in initialize or during warm up: OrderRequest.submit. "
    "Please move this code to the on_warmup_finished() method."
)
MOO_TIMES = [(8, 0), (12, 0), (15, 30), (15, 59), (17, 0), (21, 0)]


class PlacesOrdersAtLeansTimes(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 6)
        self.spy = self.add_equity("SPY").symbol
        self.set_warm_up(1)
        self.kept: dict = {}
        for hour, minute in MOO_TIMES:
            self.schedule.on(
                self.date_rules.on(2021, 1, 5),
                self.time_rules.at(hour, minute),
                lambda hour=hour, minute=minute: self.market_on_open_request(hour, minute),
            )
        self.schedule.on(self.date_rules.on(2021, 1, 5), self.time_rules.at(10, 0), self.unknown)

    def on_data(self, data) -> None:
        if self.is_warming_up and "warming_up" not in self.kept:
            self.kept["warming_up"] = self.limit_order(self.spy, 1000, 1.11, tag="Pepe")
            request = SubmitOrderRequest(
                OrderType.LIMIT, SecurityType.EQUITY, self.spy, 1000, 0, 1.11, self.utc_time, "Pepe"
            )
            try:
                self.transactions.add_order(request)
            except RuntimeError as error:
                self.kept["add_order_error"] = str(error)

    def market_on_open_request(self, hour: int, minute: int) -> None:
        request = SubmitOrderRequest(
            OrderType.MARKET_ON_OPEN, SecurityType.EQUITY, self.spy, 1, 0, 0, self.utc_time, ""
        )
        self.kept[(hour, minute)] = self.transactions.add_order(request)

    def unknown(self) -> None:
        self.kept["update"] = self.transactions.update_order(
            UpdateOrderRequest(self.utc_time, 11, update_fields())
        )
        self.kept["cancel"] = self.transactions.cancel_order(11, "Pepe")


@pytest.fixture(scope="module")
def kept() -> dict:
    algorithm, outcome = run_algorithm(PlacesOrdersAtLeansTimes)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm.kept


def test_invalid_warming_up(kept):
    ticket = kept["warming_up"]
    assert ticket.quantity == 1000
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    assert ticket.order_type == OrderType.LIMIT
    assert ticket.security_type == SecurityType.EQUITY
    assert ticket.symbol.value == "SPY"
    assert ticket.submit_request.status == OrderRequestStatus.ERROR
    assert ticket.submit_request.quantity == 1000
    assert ticket.submit_request.tag == "Pepe"
    assert ticket.submit_request.response.error_message == WARM_UP_MESSAGE


def test_add_order_while_warming_up_raises_the_response(kept):
    assert kept["add_order_error"] == f"Error: AlgorithmWarmingUp - {WARM_UP_MESSAGE}"


@pytest.mark.parametrize(("hour", "minute"), MOO_TIMES)
def test_market_on_open_with_daily_data_is_accepted_at_any_time(kept, hour, minute):
    ticket = kept[(hour, minute)]
    assert ticket.status != OrderStatus.INVALID
    assert ticket.order_id > 0


REQUEST_TIME = dt.datetime(2021, 1, 5, 15)


def update_fields() -> UpdateOrderFields:
    fields = UpdateOrderFields()
    fields.quantity, fields.tag, fields.stop_price, fields.limit_price = 99, "Pepe", 77, 55
    return fields


@pytest.mark.parametrize("through", ["OrderTicket.invalid_update_order_id", "update_order"])
def test_invalid_update_order_id(kept, through):
    if through == "update_order":
        ticket = kept["update"]
    else:
        request = UpdateOrderRequest(REQUEST_TIME, 11, update_fields())
        ticket = OrderTicket.invalid_update_order_id(None, request)
    assert ticket.order_id == 11
    assert ticket.quantity == 0
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    (request,) = ticket.update_requests
    assert request.status == OrderRequestStatus.ERROR
    assert request.response.error_code == OrderResponseErrorCode.UNABLE_TO_FIND_ORDER
    assert (request.order_id, request.quantity, request.tag) == (11, 99, "Pepe")
    assert (request.stop_price, request.limit_price) == (77, 55)


@pytest.mark.parametrize("through", ["OrderTicket.invalid_cancel_order_id", "cancel_order"])
def test_invalid_cancel_order_id(kept, through):
    if through == "cancel_order":
        ticket = kept["cancel"]
    else:
        request = CancelOrderRequest(REQUEST_TIME, 11, "Pepe")
        ticket = OrderTicket.invalid_cancel_order_id(None, request)
        assert ticket.cancel_request is request
    assert ticket.order_id == 11
    assert ticket.quantity == 0
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    assert ticket.cancel_request.status == OrderRequestStatus.ERROR
    assert ticket.cancel_request.response.error_code == OrderResponseErrorCode.UNABLE_TO_FIND_ORDER
    assert ticket.cancel_request.order_id == 11
    assert ticket.cancel_request.tag == "Pepe"


def test_invalid_submit_request():
    request = SubmitOrderRequest(
        OrderType.LIMIT, SecurityType.EQUITY, "AAPL", 1000, 0, 1.11, REQUEST_TIME, "Pepe"
    )
    response = OrderResponse(
        request.order_id, OrderResponseErrorCode.INVALID_ORDER_STATUS, "invalid status"
    )
    ticket = OrderTicket.invalid_submit_request(None, request, response)
    assert ticket.order_id == request.order_id
    assert ticket.quantity == 1000
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    assert ticket.order_type == OrderType.LIMIT
    assert ticket.security_type == SecurityType.EQUITY
    assert ticket.symbol.value == "AAPL"
    assert ticket.submit_request is request
    assert request.status == OrderRequestStatus.ERROR
    assert (request.quantity, request.tag) == (1000, "Pepe")
