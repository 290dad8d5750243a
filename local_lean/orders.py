"""Orders as LEAN's Python API shows them: types, requests, responses, tickets and events.

Names, members and enumeration values are LEAN's (``Common/Orders/`` in QuantConnect/Lean,
checked against quantconnect-stubs). This module holds data and the ticket's read-only view;
the transaction handler (transactions.py) owns the orders and changes their state.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from local_lean.enums import OrderStatus
from local_lean.errors import NotSupportedError
from local_lean.symbols import Symbol

if TYPE_CHECKING:
    from local_lean.transactions import TransactionHandler


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
SUPPORTED_ORDER_TYPES = (OrderType.MARKET, OrderType.MARKET_ON_OPEN, OrderType.MARKET_ON_CLOSE)

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
class Order:
    """An order and its state. ``time`` is when it was submitted (naive New York time)."""

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
        return self.quantity * self.price

    def __repr__(self) -> str:
        return (
            f"<Order {self.id} {order_type_name(self.type)} {self.symbol.value} "
            f"{self.quantity:g} {self.status.name}>"
        )


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
        if self.is_success:
            return f"OrderResponse: OrderId: {self.order_id} Success"
        return (
            f"OrderResponse: OrderId: {self.order_id} Error: {self.error_code.name} "
            f"Message: {self.error_message}"
        )


@dataclass
class SubmitOrderRequest:
    """What an order method asks the transaction handler for."""

    order_type: OrderType
    symbol: Symbol
    quantity: float
    time: dt.datetime
    tag: str = ""
    order_id: int = 0
    response: OrderResponse | None = None


class UpdateOrderFields:
    """What an update changes (LEAN's ``UpdateOrderFields``); None leaves a field as it is.
    Prices exist for LEAN's limit and stop orders, which this runner has not."""

    def __init__(self) -> None:
        self.quantity: float | None = None
        self.tag: str | None = None
        self.limit_price: float | None = None
        self.stop_price: float | None = None
        self.trigger_price: float | None = None
        self.trailing_amount: float | None = None


class UpdateOrderRequest:
    """A request to change an open order (LEAN's ``UpdateOrderRequest``)."""

    def __init__(self, time: dt.datetime, order_id: int, fields: UpdateOrderFields) -> None:
        for name in ("limit_price", "stop_price", "trigger_price", "trailing_amount"):
            if getattr(fields, name, None) is not None:
                raise NotSupportedError(
                    f"UpdateOrderFields.{name}",
                    "local_lean has market, market-on-open and market-on-close orders only, "
                    "which have no prices: update the quantity or the tag",
                )
        quantity = fields.quantity
        if quantity is not None and (
            isinstance(quantity, bool)
            or not isinstance(quantity, int | float)
            or not math.isfinite(quantity)
        ):
            raise ValueError(f"an order's new quantity must be a finite number, got {quantity!r}")
        self.time = time
        self.order_id = order_id
        self.quantity = quantity
        self.tag = fields.tag
        self.limit_price = self.stop_price = self.trigger_price = self.trailing_amount = None
        self.response: OrderResponse | None = None

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} UTC: Update Order: ({self.order_id})"


@dataclass
class OrderEvent:
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

    def __str__(self) -> str:
        text = (
            f"Time: {self.utc_time:%Y-%m-%d %H:%M:%S} OrderID: {self.order_id} EventID: {self.id} "
            f"Symbol: {self.symbol.value} Status: {_status_word(self.status)} "
            f"Quantity: {self.quantity:g}"
        )
        if self.fill_quantity:
            text += (
                f" FillQuantity: {self.fill_quantity:g} FillPrice: {self.fill_price:g} USD"
                f" OrderFee: {self.order_fee.value.amount:g} USD"
            )
        if self.message:
            text += f" Message: {self.message}"
        return text


def _status_word(status: OrderStatus) -> str:
    return "".join(part.capitalize() for part in status.name.split("_"))


class OrderTicket:
    """The algorithm's handle on an order it submitted (LEAN's ``OrderTicket``)."""

    def __init__(
        self,
        request: SubmitOrderRequest,
        handler: TransactionHandler | None,
        order: Order | None = None,
    ) -> None:
        self._request = request
        self._handler = handler
        self._order = order  # None when the request failed its pre-order checks
        self._updates: list[UpdateOrderRequest] = []

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
    def order_type(self) -> OrderType:
        return self._request.order_type

    @property
    def time(self) -> dt.datetime:
        return self._request.time

    @property
    def tag(self) -> str:
        return self._order.tag if self._order is not None else self._request.tag

    @property
    def status(self) -> OrderStatus:
        return self._order.status if self._order is not None else OrderStatus.INVALID

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

    def cancel(self, tag: str | None = None) -> OrderResponse:
        """Cancel the order if it is still open (LEAN's ``OrderTicket.Cancel``)."""
        if self._handler is None or self._order is None:
            return OrderResponse(
                self.order_id,
                OrderResponseErrorCode.UNABLE_TO_FIND_ORDER,
                f"Unable to locate order with id {self.order_id}.",
            )
        return self._handler.cancel_order(self.order_id, tag)

    @property
    def update_requests(self) -> list[UpdateOrderRequest]:
        return list(self._updates)

    def update(self, fields: UpdateOrderFields) -> OrderResponse:
        """Change the order's quantity or tag (LEAN's ``OrderTicket.Update``); the brokerage
        model may refuse it (``can_update_order``)."""
        if not isinstance(fields, UpdateOrderFields):
            raise TypeError(f"update takes UpdateOrderFields, got {fields!r}")
        if self._handler is None or self._order is None:
            return OrderResponse(
                self.order_id,
                OrderResponseErrorCode.UNABLE_TO_FIND_ORDER,
                f"Unable to locate order with id {self.order_id}.",
            )
        request = UpdateOrderRequest(self._handler._clock(), self.order_id, fields)
        self._updates.append(request)
        return self._handler.update_order(request)

    def update_quantity(self, quantity: float, tag: str | None = None) -> OrderResponse:
        fields = UpdateOrderFields()
        fields.quantity, fields.tag = quantity, tag
        return self.update(fields)

    def update_tag(self, tag: str) -> OrderResponse:
        fields = UpdateOrderFields()
        fields.tag = tag
        return self.update(fields)

    def get_most_recent_order_response(self) -> OrderResponse | None:
        for update in reversed(self._updates):
            if update.response is not None:
                return update.response
        return self._request.response

    def __repr__(self) -> str:
        return (
            f"<OrderTicket {self.order_id} {order_type_name(self.order_type)} "
            f"{self.symbol.value} {self.quantity:g} {self.status.name}>"
        )

    def __str__(self) -> str:
        return (
            f"{self.order_id}: {_status_word(self.status)} {order_type_name(self.order_type)} "
            f"order for {self.quantity:g} units of {self.symbol.value}"
        )


__all__ = [
    "CLOSED_STATUSES",
    "CashAmount",
    "Order",
    "OrderDirection",
    "OrderEvent",
    "OrderFee",
    "OrderResponse",
    "OrderResponseErrorCode",
    "OrderStatus",
    "OrderTicket",
    "OrderType",
    "SubmitOrderRequest",
    "UpdateOrderFields",
    "UpdateOrderRequest",
]
