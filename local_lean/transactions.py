"""The transaction handler: it owns the orders, fills them and reports what happened.

As LEAN's ``BacktestingTransactionHandler`` with its backtesting brokerage:

1. ``submit`` takes an order request that passed the algorithm's pre-order checks, gives it
   the next order id, checks buying power (an order that fails becomes Invalid, with LEAN's
   "Insufficient buying power" message and an error in the log) and otherwise marks it
   Submitted.
   A sell that would short more than the security's shortable provider allows, or an order
   the brokerage model refuses (``can_submit_order``), becomes Invalid too, with LEAN's message.
   ``update_order`` asks the brokerage model (``can_update_order``) before changing an order.
2. ``process_fills`` runs when a session's daily bars arrive (its close): each open order asks
   the fill model whether that bar fills it; the security's slippage model moves the price
   against the order and its fee model charges the fee; a fill is applied to the portfolio
   and the order becomes Filled.
3. Every change of state is an ``OrderEvent``, recorded for the results and passed to the
   algorithm's ``on_order_event``.

``SecurityTransactionManager`` is the algorithm's view of it (``self.transactions``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from local_lean.buying_power import insufficient_buying_power
from local_lean.enums import OrderStatus
from local_lean.fills import DailyBar, EquityFillModel
from local_lean.models.brokerages import brokerage_allows
from local_lean.models.fees import fee_of
from local_lean.models.shortable import is_shortable, shortable_error_message
from local_lean.models.slippage import slipped_price
from local_lean.orders import (
    CLOSED_STATUSES,
    CashAmount,
    Order,
    OrderEvent,
    OrderFee,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    SubmitOrderRequest,
    UpdateOrderRequest,
    order_type_name,
)
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.securities import SecurityManager
from local_lean.symbols import Symbol


class TransactionHandler:
    """Owns every order of a backtest, its ticket and its events."""

    def __init__(
        self,
        securities: SecurityManager,
        portfolio: SecurityPortfolioManager,
        clock: Callable[[], dt.datetime],
        next_close_after: Callable[[dt.datetime], dt.datetime],
        on_order_event: Callable[[OrderEvent], None],
        log_error: Callable[[str], None],
        fill_model: EquityFillModel | None = None,
    ) -> None:
        self._securities = securities
        self._portfolio = portfolio
        self._clock = clock
        self._next_close_after = next_close_after
        self._on_order_event = on_order_event
        self._log_error = log_error
        self.fill_model = fill_model or EquityFillModel()
        self.orders: dict[int, Order] = {}
        self._open: dict[int, Order] = {}  # the orders still open, oldest first
        self.tickets: dict[int, OrderTicket] = {}
        self.event_records: list[dict[str, Any]] = []  # every order event, for the results
        self._events: dict[int, list[OrderEvent]] = {}
        self._fees: dict[int, float] = {}
        self._messages: dict[int, str] = {}  # why an order is invalid or canceled
        # The algorithm's brokerage model, once it set one (None: every order is accepted).
        self.brokerage_model: Any = None
        # Events raised while on_order_event runs wait until it returns (LEAN processes the
        # requests made there after the event, so a handler never re-enters itself).
        self._dispatching = 0
        self._pending: list[Callable[[], None]] = []

    # -- requests --------------------------------------------------------------------------------

    def submit(self, request: SubmitOrderRequest) -> OrderTicket:
        """Place an order that passed the pre-order checks; returns its ticket."""
        security = self._securities[request.symbol]
        order = Order(
            id=len(self.orders) + 1,
            symbol=security.symbol,
            quantity=float(request.quantity),
            type=request.order_type,
            time=request.time,
            tag=request.tag,
            price=security.price,
        )
        request.order_id = order.id
        ticket = OrderTicket(request, self, order)
        self.orders[order.id] = order
        self.tickets[order.id] = ticket
        if order.quantity < 0 and not is_shortable(
            security, order.quantity, self._open_quantity(security.symbol), request.time
        ):
            # LEAN's AddOrder: the order is created Invalid, its tag the message.
            message = shortable_error_message(security, order.quantity, request.time)
            order.tag = message
            return self._invalidate(
                order, request, OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY, message, False
            )
        reason = insufficient_buying_power(self._portfolio, security, order)
        if reason:
            message = (
                f"Order Error: ids: [{order.id}], Insufficient buying power to complete orders "
                f"(Value:[{_smart_round(order.value)}]), Reason: {reason}."
            )
            self._log_error(message)
            order.status = OrderStatus.INVALID
            self._messages[order.id] = message
            request.response = OrderResponse(
                order.id, OrderResponseErrorCode.INSUFFICIENT_BUYING_POWER, message
            )
            self._emit(order, request.time, message=message)
            return ticket
        refusal = self._brokerage_refusal("can_submit_order", security, order)
        if refusal is not None:
            message = (
                f"BrokerageModel declared unable to submit order: [{order.id}] "
                f"{refusal or _default_message('InvalidOrder', '')}"
            )
            return self._invalidate(
                order,
                request,
                OrderResponseErrorCode.BROKERAGE_MODEL_REFUSED_TO_SUBMIT_ORDER,
                message,
                True,
            )
        request.response = OrderResponse(order.id)
        order.status = OrderStatus.SUBMITTED
        self._open[order.id] = order
        self._emit(order, request.time)
        return ticket

    def _invalidate(
        self,
        order: Order,
        request: SubmitOrderRequest,
        code: OrderResponseErrorCode,
        message: str,
        log: bool,
    ) -> OrderTicket:
        """Close a new order as Invalid with LEAN's message (logged as an error if `log`)."""
        if log:
            self._log_error(message)
        order.status = OrderStatus.INVALID
        self._messages[order.id] = message
        request.response = OrderResponse(order.id, code, message)
        self._emit(order, request.time, message=message)
        return self.tickets[order.id]

    def _open_quantity(self, symbol: Symbol) -> float:
        """The unfilled quantity of the symbol's open orders (signed)."""
        return sum(o.quantity for o in self._open.values() if o.symbol == symbol)

    def _brokerage_refusal(self, method: str, security: Any, order: Order, *more: Any):
        """None when the brokerage model allows it; else its message ('' when it gave none)."""
        if self.brokerage_model is None:
            return None
        allowed, message = brokerage_allows(
            getattr(self.brokerage_model, method)(security, order, *more, None)
        )
        if allowed:
            return None
        return "" if message is None else str(message)

    def update_order(self, request: UpdateOrderRequest) -> OrderResponse:
        """Change an open order's quantity or tag (LEAN's ``UpdateOrderRequest``); made while
        on_order_event runs, it is processed once that returns."""
        if self._dispatching:
            self._pending.append(lambda: self._process_update(request))
            return _Unprocessed(request.order_id)
        return self._process_update(request)

    def _process_update(self, request: UpdateOrderRequest) -> OrderResponse:
        codes = OrderResponseErrorCode
        order = self.orders.get(request.order_id)
        if order is None:
            response = OrderResponse(
                request.order_id,
                codes.UNABLE_TO_FIND_ORDER,
                f"Unable to locate order with id {request.order_id}.",
            )
            request.response = response
            return response
        if order.status in CLOSED_STATUSES:
            response = OrderResponse(
                order.id,
                codes.INVALID_ORDER_STATUS,
                f"Unable to update order with id {order.id} because it already has "
                f"{_word(order.status)} status.",
            )
            request.response = response
            return response
        security = self._securities[order.symbol]
        refusal = self._brokerage_refusal("can_update_order", security, order, request)
        if refusal is not None:
            detail = refusal or _default_message(
                "InvalidRequest", f"BrokerageModel declared unable to update order: {order.id}"
            )
            message = f"OrderID: {order.id} {detail}"
            response = OrderResponse(
                order.id, codes.BROKERAGE_MODEL_REFUSED_TO_UPDATE_ORDER, message
            )
            request.response = response
            self._log_error(message)
            self._emit(
                order, self._clock(), message="BrokerageModel declared unable to update order"
            )
            return response
        if request.quantity is not None:
            order.quantity = float(math.trunc(request.quantity))
        if request.tag is not None:
            order.tag = request.tag
        request.response = OrderResponse(order.id)
        self._emit_update(order)
        return request.response

    def _emit_update(self, order: Order) -> None:
        # LEAN reports a successful update as an UpdateSubmitted event, then the order's status.
        status = order.status
        order.status = OrderStatus.UPDATE_SUBMITTED
        self._emit(order, self._clock())
        order.status = status

    def cancel_order(self, order_id: int, tag: str | None = None) -> OrderResponse:
        """Cancel an open order now (LEAN's ``CancelOrderRequest``)."""
        time = self._clock()
        order = self.orders.get(order_id)
        if order is None:
            return OrderResponse(
                order_id,
                OrderResponseErrorCode.UNABLE_TO_FIND_ORDER,
                f"Unable to locate order with id {order_id}.",
            )
        if order.status in CLOSED_STATUSES:
            message = (
                f"Unable to cancel order with id {order_id} and status {_word(order.status)} "
                "because it is already closed."
            )
            return OrderResponse(order_id, OrderResponseErrorCode.INVALID_ORDER_STATUS, message)
        if tag is not None:
            order.tag = tag
        order.status = OrderStatus.CANCELED
        order.canceled_time = time
        self._open.pop(order.id, None)
        self._messages[order.id] = "Canceled by the algorithm"
        self._emit(order, time, message="Canceled by the algorithm")
        return OrderResponse(order_id)

    # -- fills -----------------------------------------------------------------------------------

    def events_of(self, order_id: int) -> list[OrderEvent]:
        """The events of one order, oldest first."""
        return list(self._events.get(order_id, []))

    def has_open_orders(self) -> bool:
        return bool(self._open)

    def open_orders(self) -> list[Order]:
        """The orders still open, oldest first."""
        return list(self._open.values())

    def process_fills(self, bars: dict[Symbol, DailyBar]) -> None:
        """Fill the open orders that the session's bars (just arrived) fill, oldest first."""
        for order in list(self._open.values()):
            bar = bars.get(order.symbol)
            if bar is None:
                continue  # no data this session: the order waits for the security's next bar
            fill = self.fill_model.fill(order, bar, self._next_close_after(order.time))
            if fill is None:
                continue
            security = self._securities[order.symbol]
            price = slipped_price(security, order, fill.price)
            fee = fee_of(self._portfolio, security, order.quantity, price, order)
            order.status = OrderStatus.FILLED
            del self._open[order.id]
            order.price = price
            order.last_fill_time = fill.time
            self._fees[order.id] = fee
            event = self._emit(
                order, fill.time, fill_price=price, fill_quantity=order.quantity, fee=fee
            )
            self._portfolio.process_fills([event])
            self._dispatch(event)

    # -- events ----------------------------------------------------------------------------------

    def _emit(
        self,
        order: Order,
        time: dt.datetime,
        *,
        fill_price: float = 0.0,
        fill_quantity: float = 0.0,
        fee: float = 0.0,
        message: str = "",
    ) -> OrderEvent:
        """Record an order event; every event but a fill goes to the algorithm at once (a fill
        goes once the portfolio has applied it)."""
        events = self._events.setdefault(order.id, [])
        count = len(events) + 1
        ticket = self.tickets[order.id]
        event = OrderEvent(
            order_id=order.id,
            symbol=order.symbol,
            utc_time=_to_utc(time),
            status=order.status,
            quantity=order.quantity,
            fill_price=fill_price,
            fill_quantity=fill_quantity,
            order_fee=OrderFee(CashAmount(fee)),
            message=message,
            id=count,
            ticket=ticket,
        )
        events.append(event)
        record: dict[str, Any] = {
            "order_id": order.id,
            "event_id": count,
            "symbol": order.symbol.value,
            "time": time,
            "status": order.status.name.lower(),
            "quantity": order.quantity,
        }
        if order.status == OrderStatus.FILLED:
            record.update(fill_price=fill_price, fill_quantity=fill_quantity, fee=fee)
        if message:
            record["message"] = message
        self.event_records.append(record)
        if order.status != OrderStatus.FILLED:
            self._dispatch(event)
        return event

    def _dispatch(self, event: OrderEvent) -> None:
        """Pass an event to on_order_event, then run what was requested meanwhile."""
        self._dispatching += 1
        try:
            self._on_order_event(event)
        finally:
            self._dispatching -= 1
        while not self._dispatching and self._pending:
            self._pending.pop(0)()

    # -- results ---------------------------------------------------------------------------------

    def order_records(self) -> list[dict[str, Any]]:
        """Every order as the results files record it."""
        return [
            {
                "id": order.id,
                "symbol": order.symbol.value,
                "type": order_type_name(order.type),
                "time": order.time,
                "quantity": order.quantity,
                "fill_price": order.price if order.status == OrderStatus.FILLED else 0.0,
                "fill_time": order.last_fill_time,
                "fee": self._fees.get(order.id, 0.0),
                "status": order.status.name.lower(),
                "tag": order.tag,
                "message": self._messages.get(order.id, ""),
            }
            for order in self.orders.values()
        ]


class SecurityTransactionManager:
    """LEAN's ``self.transactions``: the algorithm's queries and cancellations of its orders."""

    def __init__(self, handler: TransactionHandler) -> None:
        self._handler = handler

    @property
    def orders_count(self) -> int:
        return len(self._handler.orders)

    @property
    def last_order_id(self) -> int:
        return len(self._handler.orders)

    def get_order_by_id(self, order_id: int) -> Order | None:
        return self._handler.orders.get(order_id)

    def get_order_ticket(self, order_id: int) -> OrderTicket | None:
        return self._handler.tickets.get(order_id)

    def get_orders(self, filter: Callable[[Order], bool] | None = None) -> list[Order]:
        return [order for order in self._handler.orders.values() if filter is None or filter(order)]

    def get_open_orders(self, filter: Any = None) -> list[Order]:
        """Open orders, of one symbol (a Symbol or ticker) or matching a predicate."""
        predicate = _order_predicate(filter)
        return [order for order in self._handler.open_orders() if predicate(order)]

    def get_order_tickets(self, filter: Callable[[OrderTicket], bool] | None = None):
        return [t for t in self._handler.tickets.values() if filter is None or filter(t)]

    def get_open_order_tickets(self, filter: Any = None) -> list[OrderTicket]:
        """Tickets of open orders, of one symbol or matching a predicate on the ticket."""
        if filter is None or callable(filter):
            matches = filter or (lambda ticket: True)
        else:
            wanted = _symbol_value(filter)
            matches = lambda ticket: ticket.symbol.value == wanted  # noqa: E731
        return [
            ticket
            for ticket in (self._handler.tickets[o.id] for o in self._handler.open_orders())
            if matches(ticket)
        ]

    def get_open_orders_remaining_quantity(self, filter: Any = None) -> float:
        """Unfilled quantity of the open orders, of one symbol or matching a ticket predicate."""
        return sum(t.quantity_remaining for t in self.get_open_order_tickets(filter))

    def cancel_order(self, order_id: int, order_tag: str | None = None) -> OrderResponse:
        return self._handler.cancel_order(order_id, order_tag)

    def cancel_open_orders(self, symbol: Any = None, tag: str | None = None) -> list[OrderTicket]:
        """Cancel every open order (of one symbol); returns their tickets."""
        tickets = self.get_open_order_tickets(symbol)
        for ticket in tickets:
            self._handler.cancel_order(ticket.order_id, tag)
        return tickets

    def wait_for_order(self, order_id: int) -> bool:
        """Orders are processed synchronously here: True when the order exists."""
        return order_id in self._handler.orders


def _order_predicate(selector: Any) -> Callable[[Order], bool]:
    if selector is None:
        return lambda order: True
    if callable(selector) and not isinstance(selector, Symbol | str):
        return selector
    wanted = _symbol_value(selector)
    return lambda order: order.symbol.value == wanted


def _symbol_value(value: Any) -> str:
    if isinstance(value, Symbol):
        return value.value
    if isinstance(value, str):
        return value.strip().upper()
    symbol = getattr(value, "symbol", None)
    if isinstance(symbol, Symbol):
        return symbol.value
    raise TypeError(f"expected a Symbol, a ticker or a predicate, got {value!r}")


def _to_utc(time: dt.datetime) -> dt.datetime:
    from local_lean.framework.insights import to_utc

    return to_utc(time)


class _Unprocessed(OrderResponse):
    """LEAN's ``OrderResponse.Unprocessed``: the request waits to be processed."""

    @property
    def is_processed(self) -> bool:
        return False

    @property
    def is_success(self) -> bool:
        return False


def _default_message(code: str, text: str) -> str:
    """LEAN's BrokerageMessageEvent text for a refusal without a message (a warning)."""
    return f"Warning - Code: {code} - {text}"


def _word(status: OrderStatus) -> str:
    return "".join(part.capitalize() for part in status.name.split("_"))


def _smart_round(value: float) -> str:
    """LEAN's ``SmartRounding`` of an order value: 2 decimals above 1, else 6 significant."""
    text = f"{round(value, 2):.2f}" if abs(value) >= 1 else f"{float(f'{value:.6g}'):f}"
    text = text.rstrip("0").rstrip(".")
    return text or "0"


__all__ = ["SecurityTransactionManager", "TransactionHandler"]
