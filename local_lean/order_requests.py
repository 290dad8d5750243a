"""Order requests as LEAN's Python API shows them: submit, update and cancel.

LEAN (``Common/Orders/*Request.cs``, ``UpdateOrderFields.cs``) routes every change of an order
through a request: the algorithm builds one (or an order method builds it), the transaction
handler answers it with an ``OrderResponse`` kept on the request. Times on requests are UTC, as in
LEAN. This module holds the data only; transactions.py processes the requests.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from local_lean.enums import SecurityType


class OrderRequestStatus(IntEnum):
    UNPROCESSED = 0
    PROCESSING = 1
    PROCESSED = 2
    ERROR = 3


class OrderRequestType(IntEnum):
    SUBMIT = 0
    UPDATE = 1
    CANCEL = 2


class OrderField(IntEnum):
    """What ``OrderTicket.get`` reads."""

    LIMIT_PRICE = 0
    STOP_PRICE = 1
    TRIGGER_PRICE = 2
    TRAILING_AMOUNT = 3
    TRAILING_AS_PERCENTAGE = 4


class OrderRequest:
    """What every request has: when (UTC), for which order, a tag and the answer."""

    def __init__(self, time: dt.datetime, order_id: int, tag: str | None) -> None:
        self._time = time
        self._order_id = order_id
        self._tag = tag
        self._response: Any = None
        self._status = OrderRequestStatus.UNPROCESSED

    @property
    def time(self) -> dt.datetime:
        return self._time

    @property
    def order_id(self) -> int:
        return self._order_id

    @order_id.setter
    def order_id(self, value: int) -> None:
        self._order_id = value

    @property
    def tag(self) -> str | None:
        return self._tag

    @property
    def status(self) -> OrderRequestStatus:
        return self._status

    @property
    def response(self) -> Any:
        """The ``OrderResponse`` once the request was processed, else None."""
        return self._response

    def set_response(self, response: Any, status: OrderRequestStatus | None = None) -> None:
        self._response = response
        if status is None:
            success = response.is_success
            status = OrderRequestStatus.PROCESSED if success else OrderRequestStatus.ERROR
        self._status = status

    def _status_word(self) -> str:
        return self._status.name.capitalize()

    def to_string(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return (
            f"{_lean_time(self._time)} UTC: Order: ({self._order_id}) - {self._tag} "
            f"Status: {self._status_word()}"
        )


class SubmitOrderRequest(OrderRequest):
    """A new order. LEAN's three constructors take, after the limit price, either
    (trigger price, trailing amount, trailing as percentage, time, tag), (trigger price, time,
    tag) or (time, tag); the optional ones follow (properties, group order manager,
    asynchronous)."""

    def __init__(
        self,
        order_type: Any,
        security_type: Any,
        symbol: Any,
        quantity: float,
        stop_price: float,
        limit_price: float,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        names = _submit_argument_names(args)
        if len(args) > len(names):
            raise TypeError(f"SubmitOrderRequest takes at most {6 + len(names)} arguments")
        values = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in _SUBMIT_OPTIONAL or name in values:
                raise TypeError(f"SubmitOrderRequest got an unexpected or repeated {name!r}")
            values[name] = value
        if "time" not in values:
            raise TypeError("SubmitOrderRequest needs the time of the request (UTC)")
        super().__init__(values["time"], 0, values.get("tag") or "")
        from local_lean.symbols import Symbol, equity_symbol

        self._order_type = order_type
        self._security_type = SecurityType.EQUITY if security_type is None else security_type
        if not isinstance(symbol, Symbol):
            # LEAN takes a Symbol, a ticker or a Security (whose symbol it uses)
            held = getattr(symbol, "symbol", None)
            symbol = held if isinstance(held, Symbol) else equity_symbol(str(symbol))
        self._symbol = symbol
        self._quantity = quantity
        self._stop_price = stop_price or 0.0
        self._limit_price = limit_price or 0.0
        self._trigger_price = values.get("trigger_price") or 0.0
        self._trailing_amount = values.get("trailing_amount") or 0.0
        self._trailing_as_percentage = bool(values.get("trailing_as_percentage", False))
        self._order_properties = values.get("properties")
        self._asynchronous = bool(values.get("asynchronous", False))

    @property
    def order_request_type(self) -> OrderRequestType:
        return OrderRequestType.SUBMIT

    @property
    def security_type(self) -> Any:
        return self._security_type

    @property
    def symbol(self) -> Any:
        return self._symbol

    @property
    def order_type(self) -> Any:
        return self._order_type

    @property
    def quantity(self) -> float:
        return self._quantity

    @property
    def limit_price(self) -> float:
        return self._limit_price

    @property
    def stop_price(self) -> float:
        return self._stop_price

    @property
    def trigger_price(self) -> float:
        return self._trigger_price

    @property
    def trailing_amount(self) -> float:
        return self._trailing_amount

    @property
    def trailing_as_percentage(self) -> bool:
        return self._trailing_as_percentage

    @property
    def order_properties(self) -> Any:
        return self._order_properties

    @property
    def asynchronous(self) -> bool:
        return self._asynchronous

    def __str__(self) -> str:
        return (
            f"{_lean_time(self.time)} UTC: Submit Order: ({self.order_id}) - "
            f"{self._order_type.name} {self._quantity:g} {self._symbol.value} {self.tag} "
            f"Status: {self._status_word()} Async: {self._asynchronous}"
        )


# The positional arguments after the limit price, by LEAN overload (see SubmitOrderRequest).
_SUBMIT_OPTIONAL = (
    "trigger_price",
    "trailing_amount",
    "trailing_as_percentage",
    "time",
    "tag",
    "properties",
    "group_order_manager",
    "asynchronous",
    "contingency",
)


def _submit_argument_names(args: tuple) -> tuple[str, ...]:
    optional = ("properties", "group_order_manager", "asynchronous")
    if args and isinstance(args[0], dt.datetime):
        return ("time", "tag", *optional)
    if len(args) > 1 and isinstance(args[1], dt.datetime):
        return ("trigger_price", "time", "tag", *optional)
    return _SUBMIT_OPTIONAL


class UpdateOrderFields:
    """The fields an update changes; None leaves a field as it is."""

    def __init__(self) -> None:
        self.quantity: float | None = None
        self.limit_price: float | None = None
        self.stop_price: float | None = None
        self.trigger_price: float | None = None
        self.trailing_amount: float | None = None
        self.tag: str | None = None


class UpdateOrderRequest(OrderRequest):
    """A change of an open order's quantity, prices or tag."""

    def __init__(self, time: dt.datetime, order_id: int, fields: UpdateOrderFields) -> None:
        super().__init__(time, order_id, fields.tag)
        self._quantity = fields.quantity
        self._limit_price = fields.limit_price
        self._stop_price = fields.stop_price
        self._trigger_price = fields.trigger_price
        self._trailing_amount = fields.trailing_amount

    @property
    def order_request_type(self) -> OrderRequestType:
        return OrderRequestType.UPDATE

    @property
    def quantity(self) -> float | None:
        return self._quantity

    @property
    def limit_price(self) -> float | None:
        return self._limit_price

    @property
    def stop_price(self) -> float | None:
        return self._stop_price

    @property
    def trigger_price(self) -> float | None:
        return self._trigger_price

    @property
    def trailing_amount(self) -> float | None:
        return self._trailing_amount

    def is_allowed_for_closed_order(self) -> bool:
        """Only the tag of a closed order can change."""
        return all(
            value is None
            for value in (
                self._quantity,
                self._limit_price,
                self._stop_price,
                self._trigger_price,
                self._trailing_amount,
            )
        )

    def __str__(self) -> str:
        changes = [
            f"{label}: {value:g}"
            for label, value in (
                ("Quantity", self._quantity),
                ("LimitPrice", self._limit_price),
                ("StopPrice", self._stop_price),
                ("TriggerPrice", self._trigger_price),
                ("TrailingAmount", self._trailing_amount),
            )
            if value is not None
        ]
        return (
            f"{_lean_time(self.time)} UTC: Update Order: ({self.order_id}) - "
            f"{', '.join(changes)} {self.tag} Status: {self._status_word()}"
        )


class CancelOrderRequest(OrderRequest):
    """The cancellation of an open order."""

    @property
    def order_request_type(self) -> OrderRequestType:
        return OrderRequestType.CANCEL

    def __str__(self) -> str:
        return (
            f"{_lean_time(self.time)} UTC: Cancel Order: ({self.order_id}) - {self.tag} "
            f"Status: {self._status_word()}"
        )


def _lean_time(time: dt.datetime) -> str:
    """.NET's invariant ``DateTime.ToString()``: 01/31/2013 16:00:00."""
    return f"{time:%m/%d/%Y %H:%M:%S}"


__all__ = [
    "CancelOrderRequest",
    "OrderField",
    "OrderRequest",
    "OrderRequestStatus",
    "OrderRequestType",
    "SubmitOrderRequest",
    "UpdateOrderFields",
    "UpdateOrderRequest",
]
