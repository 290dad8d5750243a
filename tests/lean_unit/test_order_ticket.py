"""Cases of LEAN's ``Tests/Common/Orders/OrderTicketTests.cs``, through the algorithm's API.

- ``TestInvalidWarmingUp``: an order placed during the warm-up gets an invalid ticket that keeps
  the request (quantity, tag, type, symbol) and LEAN's message in Python's wording; the same
  request given to ``transactions.add_order`` raises that response's text, as LEAN's
  ``ProcessRequest`` throws it.
- ``TestInvalidUpdateOrderId`` and ``TestInvalidCancelOrderId``: LEAN answers an update or a
  cancellation of an unknown order id with an invalid ticket holding the request (error
  ``UnableToFindOrder``); the runner answers the cancellation with the response alone and the
  update with None: known differences (xfail).
- ``MarketOnOpenOrderSubmissionRespectsAllowedTimeRange``: LEAN's test subscribes to minute
  data, where a MarketOnOpen order is refused while the market is open; for a security with
  daily data only, LEAN's ``PreOrderChecksImpl`` allows it at any time (its
  ``IsDailyResolutionOnly`` exception), which is what the runner's daily equities get: the six
  times are accepted here.
"""

from __future__ import annotations

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, SecurityType
from local_lean.order_requests import (
    OrderRequestStatus,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.orders import OrderResponseErrorCode, OrderType

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
        fields = UpdateOrderFields()
        fields.quantity, fields.tag, fields.stop_price, fields.limit_price = 99, "Pepe", 77, 55
        self.kept["update"] = self.transactions.update_order(
            UpdateOrderRequest(self.utc_time, 11, fields)
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


UNKNOWN_ID = "the runner returns no ticket for an unknown order id (LEAN: an invalid one)"


@pytest.mark.xfail(reason=UNKNOWN_ID, strict=True)
def test_invalid_update_order_id(kept):
    ticket = kept["update"]
    assert ticket.order_id == 11
    assert ticket.quantity == 0
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    (request,) = ticket.update_requests
    assert request.status == OrderRequestStatus.ERROR
    assert request.response.error_code == OrderResponseErrorCode.UNABLE_TO_FIND_ORDER
    assert (request.order_id, request.quantity, request.tag) == (11, 99, "Pepe")
    assert (request.stop_price, request.limit_price) == (77, 55)


@pytest.mark.xfail(reason=UNKNOWN_ID, strict=True)
def test_invalid_cancel_order_id(kept):
    ticket = kept["cancel"]
    assert ticket.order_id == 11
    assert ticket.quantity == 0
    assert ticket.tag == "Pepe"
    assert ticket.status == OrderStatus.INVALID
    assert ticket.cancel_request.status == OrderRequestStatus.ERROR
    assert ticket.cancel_request.response.error_code == OrderResponseErrorCode.UNABLE_TO_FIND_ORDER
