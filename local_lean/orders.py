"""Orders as LEAN's Python API shows them: types, requests, responses, tickets and events.

Names, members and enumeration values are LEAN's (``Common/Orders/`` in QuantConnect/Lean,
checked against quantconnect-stubs). This module holds data and the ticket's read-only view;
the transaction handler (transactions.py) owns the orders and changes their state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any, Protocol

from local_lean.conventions import decimal_text, price_text, to_utc
from local_lean.enums import OrderStatus, SecurityType
from local_lean.lean_members import LeanMembers
from local_lean.order_properties import OrderProperties, TimeInForce
from local_lean.order_requests import (
    CancelOrderRequest,
    OrderField,
    OrderRequest,
    OrderRequestStatus,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.symbols import SecurityIdentifier, Symbol


class OrderHandler(Protocol):
    """What a ticket asks of the transaction handler that owns its order."""

    def now(self) -> dt.datetime: ...

    def events_of(self, order_id: int) -> list[Any]: ...

    def update_order(self, request: Any) -> Any: ...

    def cancel_order(self, order_id: int, tag: Any = None) -> Any: ...


class OrderType(IntEnum):
    MARKET = 0
    LIMIT = 1
    STOP_MARKET = 2
    STOP_LIMIT = 3
    MARKET_ON_OPEN = 4
    MARKET_ON_CLOSE = 5
    OPTION_EXERCISE = 6
    LIMIT_IF_TOUCHED = 7
    COMBO_MARKET = 8
    COMBO_LIMIT = 9
    COMBO_LEG_LIMIT = 10
    TRAILING_STOP = 11


class OrderDirection(IntEnum):
    BUY = 0
    SELL = 1
    HOLD = 2


class OrderResponseErrorCode(IntEnum):
    NONE = 0
    PROCESSING_ERROR = -1
    ORDER_ALREADY_EXISTS = -2
    INSUFFICIENT_BUYING_POWER = -3
    BROKERAGE_MODEL_REFUSED_TO_SUBMIT_ORDER = -4
    BROKERAGE_FAILED_TO_SUBMIT_ORDER = -5
    BROKERAGE_FAILED_TO_UPDATE_ORDER = -6
    BROKERAGE_HANDLER_REFUSED_TO_UPDATE_ORDER = -7
    BROKERAGE_FAILED_TO_CANCEL_ORDER = -8
    INVALID_ORDER_STATUS = -9
    UNABLE_TO_FIND_ORDER = -10
    ORDER_QUANTITY_ZERO = -11
    UNSUPPORTED_REQUEST_TYPE = -12
    PRE_ORDER_CHECKS_ERROR = -13
    MISSING_SECURITY = -14
    EXCHANGE_NOT_OPEN = -15
    SECURITY_PRICE_ZERO = -16
    FOREX_BASE_AND_QUOTE_CURRENCIES_REQUIRED = -17
    FOREX_CONVERSION_RATE_ZERO = -18
    SECURITY_HAS_NO_DATA = -19
    EXCEEDED_MAXIMUM_ORDERS = -20
    MARKET_ON_CLOSE_ORDER_TOO_LATE = -21
    INVALID_REQUEST = -22
    REQUEST_CANCELED = -23
    ALGORITHM_WARMING_UP = -24
    BROKERAGE_MODEL_REFUSED_TO_UPDATE_ORDER = -25
    QUOTE_CURRENCY_REQUIRED = -26
    CONVERSION_RATE_ZERO = -27
    NON_TRADABLE_SECURITY = -28
    NON_EXERCISABLE_SECURITY = -29
    ORDER_QUANTITY_LESS_THAN_LOT_SIZE = -30
    EXCEEDS_SHORTABLE_QUANTITY = -31
    INVALID_NEW_ORDER_STATUS = -32
    EUROPEAN_OPTION_NOT_EXPIRED_ON_EXERCISE = -33
    OPTION_ORDER_ON_STOCK_SPLIT = -34
    MARKET_ON_OPEN_NOT_ALLOWED_DURING_REGULAR_HOURS = -35


# The order types this runner fills; the others are LEAN's but not simulated here.
SUPPORTED_ORDER_TYPES = (
    OrderType.MARKET,
    OrderType.MARKET_ON_OPEN,
    OrderType.MARKET_ON_CLOSE,
    OrderType.LIMIT,
    OrderType.STOP_MARKET,
    OrderType.STOP_LIMIT,
    OrderType.TRAILING_STOP,
    OrderType.LIMIT_IF_TOUCHED,
)

# Orders whose status no longer changes (LEAN's OrderStatus.IsClosed()).
CLOSED_STATUSES = (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.INVALID)


def order_type_name(order_type: OrderType) -> str:
    """ "market", "market_on_open", "market_on_close" (the results files' spelling)."""
    return order_type.name.lower()


class CashAmount:
    """An amount in a currency (LEAN's ``CashAmount``; always US dollars here)."""

    def __init__(self, amount: float, currency: str = "USD") -> None:
        self.amount = float(amount)
        self.currency = currency

    def __repr__(self) -> str:
        return f"{self.amount:g} {self.currency}"


class OrderFee:
    """The fee of a fill (LEAN's ``OrderFee``: ``order_fee.value.amount``)."""

    def __init__(self, value: CashAmount) -> None:
        self.value = value

    ZERO: OrderFee

    def __repr__(self) -> str:
        return repr(self.value)


OrderFee.ZERO = OrderFee(CashAmount(0.0))


@dataclass
class Order(
    LeanMembers,
    lean_class="QuantConnect.Orders.Order",
    alternatives={
        "group_order_manager": "combo orders are not simulated",
        "price_adjustment_mode": "prices follow the security's data_normalization_mode",
        "contingent_id": "contingent orders are not simulated",
    },
    hint="see local_lean/README.md for the orders the runner simulates",
):
    """An order and its state. Its times are naive UTC, as LEAN's: ``time`` is when it was
    submitted, the others equal the ``utc_time`` of the event that set them."""

    id: int
    symbol: Symbol
    quantity: float
    type: OrderType
    time: dt.datetime
    tag: str = ""
    status: OrderStatus = OrderStatus.NEW
    price: float = 0.0  # the security's price when submitted, then the fill price
    last_fill_time: dt.datetime | None = None
    canceled_time: dt.datetime | None = None
    last_update_time: dt.datetime | None = None

    # The broker's ids of the order: LEAN's backtesting brokerage gives it its own id once it
    # placed it (an invalid order never is).
    broker_id: list[str] = field(default_factory=list)
    # LEAN's OrderProperties: the request's, or good till canceled
    properties: OrderProperties = field(default_factory=OrderProperties)

    @property
    def created_time(self) -> dt.datetime:
        return self.time

    @property
    def time_in_force(self) -> TimeInForce:
        """How long the order works (its properties' time in force)."""
        return self.properties.time_in_force

    @property
    def security_type(self) -> SecurityType:
        return SecurityType.EQUITY

    @property
    def price_currency(self) -> str:
        return "USD"

    def clone(self) -> Order:
        """A copy the algorithm may change without changing the order (LEAN's ``Clone``, what
        ``get_order_by_id``, ``get_orders`` and ``get_open_orders`` return)."""
        return replace(self, broker_id=list(self.broker_id), properties=self.properties.clone())

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        """Take the quantity and tag of an update (the priced orders take their prices too)."""
        if request.order_id != self.id:
            raise ValueError("Attempted to apply updates to the incorrect order!")
        if request.quantity is not None:
            self.quantity = float(request.quantity)
        if request.tag is not None:
            self.tag = request.tag

    @property
    def direction(self) -> OrderDirection:
        if self.quantity > 0:
            return OrderDirection.BUY
        if self.quantity < 0:
            return OrderDirection.SELL
        return OrderDirection.HOLD

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def value(self) -> float:
        """Quantity times the order's price (LEAN's ``Order.Value``)."""
        return self._value_at(self.price)

    def get_value(self, security: Any) -> float:
        """LEAN's ``GetValue``: the order's value at `security`'s price, in dollars (a US equity
        is quoted in USD, multiplier 1); the priced orders take their less favourable price."""
        return self._value_at(security.price)

    def _value_at(self, market_price: float) -> float:
        return self.quantity * market_price

    def get_default_tag(self) -> str:
        """The tag an order placed without one gets (LEAN's: none, but for trailing stops)."""
        return ""

    def to_string(self) -> str:
        return str(self)

    def __str__(self) -> str:
        """LEAN's ``Order.ToString`` (the broker id of a backtest is the order id)."""
        tag = f": {self.tag}" if self.tag else ""
        units = "unit" if self.quantity == 1 else "units"
        return (
            f"OrderId: {self.id} (BrokerId: {self.id}) {_status_word(self.status)} "
            f"{_pascal(self.type.name)} order for {decimal_text(self.quantity)} {units} of "
            f"{self.symbol.value}{tag}{self._price_text()}"
        )

    def _price_text(self) -> str:
        return ""  # the priced orders add their prices

    def __repr__(self) -> str:
        return (
            f"<Order {self.id} {order_type_name(self.type)} {self.symbol.value} "
            f"{self.quantity:g} {self.status.name}>"
        )


def submitted_at(order: Order) -> dt.datetime:
    """When `order` was submitted, on the runner's clock (naive New York time)."""
    from local_lean.framework.insights import from_utc

    return from_utc(order.time)


@dataclass
class OrderResponse:
    """LEAN's answer to an order request: success, or an error code and message."""

    order_id: int
    error_code: OrderResponseErrorCode = OrderResponseErrorCode.NONE
    error_message: str = ""

    @property
    def is_success(self) -> bool:
        return self.error_code == OrderResponseErrorCode.NONE

    @property
    def is_error(self) -> bool:
        return not self.is_success

    @property
    def is_processed(self) -> bool:
        return True

    def __str__(self) -> str:
        """LEAN's ``OrderResponse.ToString``: "Success", or the error code and message."""
        if self.is_success:
            return "Success"
        return f"Error: {_pascal(self.error_code.name)} - {self.error_message}"


def warming_up_message(request_type: str) -> str:
    """LEAN's answer to an order request (`request_type`: "submit", "update", "cancel") made in
    ``initialize`` or during the warm-up, as LEAN words it for Python algorithms."""
    return (
        f"This operation is not allowed in initialize or during warm up: OrderRequest."
        f"{request_type}. Please move this code to the on_warmup_finished() method."
    )


@dataclass
class OrderEvent(
    LeanMembers,
    lean_class="QuantConnect.Orders.OrderEvent",
    hint="see local_lean/README.md for OrderEvent's members",
):
    """A change of an order's state (LEAN's ``OrderEvent``), passed to ``on_order_event``."""

    order_id: int
    symbol: Symbol
    utc_time: dt.datetime
    status: OrderStatus
    quantity: float
    fill_price: float = 0.0
    fill_quantity: float = 0.0
    order_fee: OrderFee = field(default_factory=lambda: OrderFee.ZERO)
    message: str = ""
    id: int = 0
    is_assignment: bool = False
    ticket: OrderTicket | None = None
    # The order's prices when the event happened (LEAN sets those the order type has).
    limit_price: float | None = None
    stop_price: float | None = None
    trigger_price: float | None = None
    trailing_amount: float | None = None

    @property
    def direction(self) -> OrderDirection:
        quantity = self.fill_quantity or self.quantity
        if quantity > 0:
            return OrderDirection.BUY
        if quantity < 0:
            return OrderDirection.SELL
        return OrderDirection.HOLD

    @property
    def absolute_fill_quantity(self) -> float:
        return abs(self.fill_quantity)

    @property
    def fill_price_currency(self) -> str:
        return "USD"

    def to_string(self) -> str:
        return str(self)

    def __str__(self) -> str:
        """LEAN's ``OrderEvent.ToString``."""
        text = (
            f"Time: {self.utc_time:%m/%d/%Y %H:%M:%S} OrderID: {self.order_id} EventID: {self.id} "
            f"Symbol: {self.symbol.value} Status: {_status_word(self.status)} "
            f"Quantity: {decimal_text(self.quantity)}"
        )
        if self.fill_quantity:
            text += (
                f" FillQuantity: {decimal_text(self.fill_quantity)}"
                f" FillPrice: ${price_text(self.fill_price)}"
            )
        for label, value in (("LimitPrice", self.limit_price), ("StopPrice", self.stop_price)):
            if value is not None:
                text += f" {label}: ${price_text(value)}"
        if self.trailing_amount is not None:
            percentage = self.ticket is not None and bool(
                self.ticket.submit_request.trailing_as_percentage
            )
            amount = self.trailing_amount
            text += (
                f" TrailingAmount: {decimal_text(amount * 100)}%"
                if percentage
                else f" TrailingAmount: ${decimal_text(amount)}"
            )
        if self.trigger_price is not None:
            text += f" TriggerPrice: ${price_text(self.trigger_price)}"
        if self.order_fee.value.amount:
            text += f" OrderFee: {decimal_text(self.order_fee.value.amount)} USD"
        if self.message:
            text += f" Message: {self.message}"
        return text


def _status_word(status: OrderStatus) -> str:
    return "".join(part.capitalize() for part in status.name.split("_"))


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _fields(**values: object) -> UpdateOrderFields:
    fields = UpdateOrderFields()
    for name, value in values.items():
        setattr(fields, name, value)
    return fields


# LEAN's Symbol.Empty: the symbol of a ticket for an order id that was never placed.
_EMPTY_SYMBOL = Symbol(SecurityIdentifier("", 0), "")


def _placeholder_ticket(request: OrderRequest) -> OrderTicket:
    """LEAN's stand-in ticket for a request about an unknown order id: a market order of no
    symbol and no quantity, with the request's id and tag, invalid."""
    submit = SubmitOrderRequest(
        OrderType.MARKET, SecurityType.BASE, _EMPTY_SYMBOL, 0, 0, 0, dt.datetime.max, request.tag
    )
    submit.set_response(_unable_to_find(request.order_id))
    submit.order_id = request.order_id
    ticket = OrderTicket(submit, None)
    ticket._status_override = OrderStatus.INVALID
    return ticket


def _unable_to_find(order_id: int) -> OrderResponse:
    return OrderResponse(
        order_id,
        OrderResponseErrorCode.UNABLE_TO_FIND_ORDER,
        f"Unable to locate order with id {order_id}.",
    )


def _utc_now(ticket: OrderTicket) -> dt.datetime:
    """The algorithm's UTC time; for a ticket refused before it reached the transaction handler,
    the time of its submit request."""
    if ticket._handler is None:
        return ticket.submit_request.time
    return to_utc(ticket._handler.now())


# Which attribute of an order (or of its submit request) each OrderField reads, by order type.
_TICKET_FIELDS = {
    OrderField.LIMIT_PRICE: {
        OrderType.LIMIT: "limit_price",
        OrderType.STOP_LIMIT: "limit_price",
        OrderType.LIMIT_IF_TOUCHED: "limit_price",
    },
    OrderField.STOP_PRICE: {
        OrderType.STOP_MARKET: "stop_price",
        OrderType.STOP_LIMIT: "stop_price",
        OrderType.TRAILING_STOP: "stop_price",
    },
    OrderField.TRIGGER_PRICE: {OrderType.LIMIT_IF_TOUCHED: "trigger_price"},
    OrderField.TRAILING_AMOUNT: {OrderType.TRAILING_STOP: "trailing_amount"},
    OrderField.TRAILING_AS_PERCENTAGE: {OrderType.TRAILING_STOP: "trailing_as_percentage"},
}


class OrderTicket(
    LeanMembers,
    lean_class="QuantConnect.Orders.OrderTicket",
    hint="see local_lean/README.md for OrderTicket's members",
):
    """The algorithm's handle on an order it submitted (LEAN's ``OrderTicket``)."""

    def __init__(
        self,
        request: SubmitOrderRequest,
        handler: OrderHandler | None,
        order: Order | None = None,
    ) -> None:
        self._request = request
        self._handler = handler
        self._order = order  # None when the request failed its pre-order checks
        self._update_requests: list[UpdateOrderRequest] = []
        self._cancel_request: CancelOrderRequest | None = None
        self._status_override: OrderStatus | None = None  # LEAN's invalid tickets

    # LEAN's tickets for requests that never reached an order.

    @staticmethod
    def invalid_submit_request(
        transaction_manager: Any, request: SubmitOrderRequest, response: OrderResponse
    ) -> OrderTicket:
        """The ticket of a submission refused before it became an order."""
        request.set_response(response)
        ticket = OrderTicket(request, None)
        ticket._status_override = OrderStatus.INVALID
        return ticket

    @staticmethod
    def invalid_update_order_id(
        transaction_manager: Any, request: UpdateOrderRequest
    ) -> OrderTicket:
        """The ticket LEAN answers an update of an unknown order id with: invalid, holding the
        update and its ``UnableToFindOrder`` response."""
        ticket = _placeholder_ticket(request)
        request.set_response(_unable_to_find(request.order_id))
        ticket._update_requests.append(request)
        return ticket

    @staticmethod
    def invalid_cancel_order_id(
        transaction_manager: Any, request: CancelOrderRequest
    ) -> OrderTicket:
        """The ticket LEAN answers a cancellation of an unknown order id with."""
        ticket = _placeholder_ticket(request)
        request.set_response(_unable_to_find(request.order_id))
        ticket._cancel_request = request
        return ticket

    @property
    def order_id(self) -> int:
        return self._request.order_id

    @property
    def symbol(self) -> Symbol:
        return self._request.symbol

    @property
    def quantity(self) -> float:
        return self._order.quantity if self._order is not None else self._request.quantity

    @property
    def security_type(self) -> SecurityType:
        return self._request.security_type

    @property
    def order_type(self) -> OrderType:
        return self._request.order_type

    @property
    def time(self) -> dt.datetime:
        """The time (UTC) of the most recent request: submit, update or cancel."""
        return self.get_most_recent_order_request().time

    @property
    def update_requests(self) -> list[UpdateOrderRequest]:
        return list(self._update_requests)

    @property
    def cancel_request(self) -> CancelOrderRequest | None:
        return self._cancel_request

    @property
    def tag(self) -> str:
        return self._order.tag if self._order is not None else self._request.tag

    @property
    def status(self) -> OrderStatus:
        if self._status_override is not None or self._order is None:
            return OrderStatus.INVALID
        return self._order.status

    @property
    def submit_request(self) -> SubmitOrderRequest:
        return self._request

    @property
    def has_order(self) -> bool:
        return self._order is not None

    @property
    def order_events(self) -> list[OrderEvent]:
        if self._handler is None:
            return []
        return self._handler.events_of(self.order_id)

    @property
    def order_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def quantity_filled(self) -> float:
        return sum(event.fill_quantity for event in self.order_events)

    @property
    def quantity_remaining(self) -> float:
        return self.quantity - self.quantity_filled

    @property
    def average_fill_price(self) -> float:
        filled = self.quantity_filled
        if not filled:
            return 0.0
        return sum(e.fill_price * e.fill_quantity for e in self.order_events) / filled

    def get(self, field: OrderField) -> float:
        """A price of the order (LEAN's ``OrderTicket.Get``): the order's current value."""
        names = _TICKET_FIELDS.get(OrderField(field), {})
        name = names.get(self.order_type)
        if name is None:
            raise ValueError(
                f"Unable to get field {_pascal(OrderField(field).name)} on order of type "
                f"{_pascal(self.order_type.name)}"
            )
        source = self._order if self._order is not None else self._request
        return getattr(source, name)

    def update(self, fields: UpdateOrderFields) -> OrderResponse:
        """Change the open order's quantity, prices or tag; returns the update's response."""
        request = UpdateOrderRequest(_utc_now(self), self.order_id, fields)
        self._update_requests.append(request)
        if self._handler is None or self._order is None:
            request.set_response(_unable_to_find(self.order_id))
        else:
            self._handler.update_order(request)
        return request.response

    def update_tag(self, tag: str) -> OrderResponse:
        return self.update(_fields(tag=tag))

    def update_quantity(self, quantity: float, tag: str | None = None) -> OrderResponse:
        return self.update(_fields(quantity=quantity, tag=tag))

    def update_limit_price(self, limit_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(_fields(limit_price=limit_price, tag=tag))

    def update_stop_price(self, stop_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(_fields(stop_price=stop_price, tag=tag))

    def update_trigger_price(self, trigger_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(_fields(trigger_price=trigger_price, tag=tag))

    def update_stop_trailing_amount(
        self, trailing_amount: float, tag: str | None = None
    ) -> OrderResponse:
        return self.update(_fields(trailing_amount=trailing_amount, tag=tag))

    def cancel(self, tag: str | None = None) -> OrderResponse:
        """Cancel the order if it is still open (LEAN's ``OrderTicket.Cancel``)."""
        request = CancelOrderRequest(_utc_now(self), self.order_id, tag)
        if (
            self._cancel_request is not None
            and self._cancel_request.status != OrderRequestStatus.ERROR
        ):
            return OrderResponse(
                self.order_id,
                OrderResponseErrorCode.REQUEST_CANCELED,
                f"Order {self.order_id} has already received a cancellation request.",
            )
        self._cancel_request = request
        if self._handler is None or self._order is None:
            request.set_response(_unable_to_find(self.order_id))
        else:
            request.set_response(self._handler.cancel_order(self.order_id, tag))
        return request.response

    def get_most_recent_order_request(self) -> OrderRequest:
        if self._cancel_request is not None:
            return self._cancel_request
        if self._update_requests:
            return self._update_requests[-1]
        return self._request

    def get_most_recent_order_response(self) -> OrderResponse | None:
        return self.get_most_recent_order_request().response

    def __repr__(self) -> str:
        return (
            f"<OrderTicket {self.order_id} {order_type_name(self.order_type)} "
            f"{self.symbol.value} {self.quantity:g} {self.status.name}>"
        )

    def __str__(self) -> str:
        """LEAN's ``OrderTicket.ToString``: the order and how many requests were answered."""
        requests = [self._request, *self._update_requests]
        if self._cancel_request is not None:
            requests.append(self._cancel_request)
        answered = sum(1 for request in requests if request.response is not None)
        counts = f"Request Count: {len(requests)} Response Count: {answered}"
        if self._order is None:
            return f"{self.order_id}: {counts}"
        return f"{self.order_id}: {self._order} {counts}"

    def to_string(self) -> str:
        """LEAN's ``OrderTicket.ToString``, the text ``str(ticket)`` gives."""
        return str(self)


def record_update_request(ticket: OrderTicket, request: UpdateOrderRequest) -> None:
    """An update request the transaction handler accepted joins the ticket's list."""
    ticket._update_requests.append(request)


__all__ = [
    "record_update_request",
    "CLOSED_STATUSES",
    "CancelOrderRequest",
    "CashAmount",
    "Order",
    "OrderDirection",
    "OrderEvent",
    "OrderFee",
    "OrderField",
    "OrderResponse",
    "OrderResponseErrorCode",
    "OrderStatus",
    "OrderTicket",
    "warming_up_message",
    "OrderType",
    "SubmitOrderRequest",
    "UpdateOrderFields",
    "UpdateOrderRequest",
]
