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
   the fill model whether that bar fills it; a fill, at the price the security's slippage model
   gives and with the fee its fee model charges, is applied to the portfolio and the order
   becomes Filled. LEAN asks again (``scan``) once ``on_data`` returned and after each request.
3. ``update_order`` accepts a change of an open order, applied with the pending requests
   (an UpdateSubmitted event); ``cancel_order`` cancels one (CancelPending, Canceled events).
4. Every change of state is an ``OrderEvent``, recorded for the results and passed to the
   algorithm's ``on_order_event``.

``SecurityTransactionManager`` is the algorithm's view of it (``self.transactions``).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from local_lean.buying_power import insufficient_buying_power
from local_lean.conventions import from_utc, price_text, to_utc
from local_lean.enums import OrderStatus
from local_lean.fills import DailyBar
from local_lean.intraday_fills import IntradayFillModel, IntradayPrices
from local_lean.lean_members import LeanMembers
from local_lean.models.brokerages import brokerage_allows
from local_lean.models.fees import fee_of
from local_lean.models.shortable import is_shortable, shortable_error_message
from local_lean.models.slippage import slipped_price
from local_lean.order_list_hash import OrderSubmission, submission_of
from local_lean.order_properties import (
    EXPIRED_MESSAGE,
    order_expired,
    require_order_properties,
)
from local_lean.order_requests import OrderRequestStatus
from local_lean.orders import (
    CLOSED_STATUSES,
    CancelOrderRequest,
    CashAmount,
    Order,
    OrderDirection,
    OrderEvent,
    OrderFee,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    OrderType,
    SubmitOrderRequest,
    UpdateOrderRequest,
    order_type_name,
    record_update_request,
    submitted_at,
    warming_up_message,
)
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.priced_orders import create_order
from local_lean.securities import SecurityManager
from local_lean.symbol_conversion import ticker_of
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
        fill_model: IntradayFillModel | None = None,
        is_warming_up: Callable[[], bool] = lambda: False,
        is_open: Callable[[dt.datetime], bool] = lambda time: False,
    ) -> None:
        self._securities = securities
        self.is_warming_up = is_warming_up
        self._is_open = is_open  # whether the exchange is open at a time (regular hours)
        self._bars: dict[Symbol, DailyBar] = {}  # the latest session's bars
        # the cache of each security with minute or hour data (its latest bars)
        self._intraday: dict[Symbol, IntradayPrices] = {}
        self._portfolio = portfolio
        self._clock = clock
        self._next_close_after = next_close_after
        self._on_order_event = on_order_event
        self._log_error = log_error
        self.fill_model = fill_model or IntradayFillModel()
        self.orders: dict[int, Order] = {}
        self._open: dict[int, Order] = {}  # the orders still open, oldest first
        # The same orders by ticker (oldest first), so that one symbol's are found at once.
        self._open_by_ticker: dict[str, dict[int, Order]] = {}
        self.tickets: dict[int, OrderTicket] = {}
        self.event_records: list[dict[str, Any]] = []  # every order event, for the results
        self._events: dict[int, list[OrderEvent]] = {}
        self._fees: dict[int, float] = {}
        self._messages: dict[int, str] = {}  # why an order is invalid or canceled
        self._fill_times: dict[int, dt.datetime] = {}  # local time of each order's fill
        self._pending: list[UpdateOrderRequest] = []  # accepted updates not yet applied
        self._last_full_scan: dt.datetime | None = None  # when every open order was offered
        # The algorithm's brokerage model, once it set one (None: every order is accepted).
        self.brokerage_model: Any = None
        # What each order taken had at submission, for LEAN's OrderListHash; the engine may
        # give the security's close as LEAN's decimal through `submission_of`.
        self.submissions: dict[int, OrderSubmission] = {}
        self.submission_of: Callable[[Any], OrderSubmission] = submission_of

    def now(self) -> dt.datetime:
        """The algorithm's time (naive New York time)."""
        return self._clock()

    def has_security(self, symbol: Symbol) -> bool:
        return symbol in self._securities

    # -- requests --------------------------------------------------------------------------------

    def submit(self, request: SubmitOrderRequest) -> OrderTicket:
        """Place an order that passed the pre-order checks (or came from ``add_order``, which
        has none); returns its ticket. The request's time is UTC, as in LEAN."""
        self._process_pending()  # LEAN processes the requests in the order they came
        security = self._securities[request.symbol]
        order = create_order(request, len(self.orders) + 1, request.time, security.price)
        # a ticker names the security the algorithm added, with its identifier (LEAN's
        # SymbolCache), not a Symbol made from the ticker alone
        order.symbol = security.symbol
        order.tag = order.tag or order.get_default_tag()
        request.order_id = order.id
        ticket = OrderTicket(request, self, order)
        self.orders[order.id] = order
        self.tickets[order.id] = ticket
        local_time = from_utc(request.time)
        if order.quantity < 0 and not is_shortable(
            security, order.quantity, self._open_quantity(security.symbol), local_time
        ):
            # LEAN's AddOrder: the order is created Invalid, its tag the message.
            message = shortable_error_message(security, order.quantity, local_time)
            order.tag = message
            return self._invalidate(
                order, request, OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY, message, False
            )
        self.submissions[order.id] = self.submission_of(security)
        reason = insufficient_buying_power(self._portfolio, security, order)
        if reason:
            message = (
                f"Order Error: ids: [{order.id}], Insufficient buying power to complete orders "
                f"(Value:[{price_text(order.value)}]), Reason: {reason}."
            )
            self._log_error(message)
            order.status = OrderStatus.INVALID
            self._messages[order.id] = message
            request.set_response(
                OrderResponse(order.id, OrderResponseErrorCode.INSUFFICIENT_BUYING_POWER, message)
            )
            self._emit(order, submitted_at(order), message=message)
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
        request.set_response(OrderResponse(order.id))
        order.status = OrderStatus.SUBMITTED
        order.broker_id.append(str(order.id))  # the backtesting brokerage placed it
        self._add_open(order)
        self._emit(order, submitted_at(order))
        if self._last_full_scan == self._clock():
            # The orders open before were offered to the fill model at this very time with
            # these bars, and would get the same answer: offer the new order alone, so that
            # each order costs the same however many are open (LEAN's scan gives this result).
            self._offer([order], self._last_full_scan)
        else:
            self.scan()
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
        request.set_response(OrderResponse(order.id, code, message))
        self._emit(order, submitted_at(order), message=message)
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
        """Accept or refuse a change of an order (LEAN's ``UpdateOrderRequest``).

        As in LEAN's backtests, an accepted update is answered at once (success, status
        Processing) and applied later, when the pending requests are processed: before the
        next order is placed, once ``on_data`` returned, or when the next bars arrive."""
        response = self._check_update(request)
        if response is not None:
            request.set_response(response)
            return response
        response = OrderResponse(request.order_id)
        request.set_response(response, OrderRequestStatus.PROCESSING)
        self._pending.append(request)
        return response

    def process_synchronous_events(self) -> None:
        """Apply the pending updates, each followed by a scan, then scan once more (LEAN's
        ``ProcessSynchronousEvents``, before and after ``on_data``)."""
        self._process_pending()
        self.scan()

    def _process_pending(self) -> None:
        while self._pending:
            request = self._pending.pop(0)
            response = (
                self._check_update(request)
                or self._brokerage_update_refusal(request)
                or self._apply_update(request)
            )
            request.set_response(response)
            if response.is_success:
                self.scan()

    def _check_update(self, request: UpdateOrderRequest) -> OrderResponse | None:
        """LEAN's checks of an update: the order exists, is open (a closed one takes a new tag
        only), the quantity is not zero, the algorithm is not warming up, a sale stays within
        the shortable quantity."""
        codes = OrderResponseErrorCode
        order = self.orders.get(request.order_id)
        if order is None:
            return OrderResponse(
                request.order_id,
                codes.UNABLE_TO_FIND_ORDER,
                f"Unable to locate order with id {request.order_id}.",
            )
        if order.status in CLOSED_STATUSES and not request.is_allowed_for_closed_order():
            return OrderResponse(
                order.id,
                codes.INVALID_ORDER_STATUS,
                f"Unable to update order with id {order.id} because it already has "
                f"{_word(order.status)} status.",
            )
        if request.quantity is not None and request.quantity == 0:
            return OrderResponse(
                order.id,
                codes.ORDER_QUANTITY_ZERO,
                f"Unable to update order with id {order.id} that has zero quantity.",
            )
        if self.is_warming_up():
            return OrderResponse(
                order.id,
                codes.ALGORITHM_WARMING_UP,
                warming_up_message("update"),
            )
        quantity = order.quantity if request.quantity is None else request.quantity
        if order.direction == OrderDirection.SELL or quantity < 0:
            # LEAN's Shortable(symbol, quantity, updateOrderId): the order's own quantity is
            # left out of the open orders
            security = self._securities[order.symbol]
            others = self._open_quantity(order.symbol) - (
                order.quantity if order.id in self._open else 0.0
            )
            now = self._clock()
            if not is_shortable(security, quantity, others, now):
                return OrderResponse(
                    order.id,
                    codes.EXCEEDS_SHORTABLE_QUANTITY,
                    shortable_error_message(security, order.quantity, now),
                )
        return None

    def _brokerage_update_refusal(self, request: UpdateOrderRequest) -> OrderResponse | None:
        """The brokerage model's refusal of an update (``can_update_order``), when it is
        processed: as in LEAN, after the algorithm's handler that asked for it returned."""
        order = self.orders[request.order_id]
        security = self._securities[order.symbol]
        refusal = self._brokerage_refusal("can_update_order", security, order, request)
        if refusal is None:
            return None
        detail = refusal or _default_message(
            "InvalidRequest", f"BrokerageModel declared unable to update order: {order.id}"
        )
        message = f"OrderID: {order.id} {detail}"
        self._log_error(message)
        self._emit(order, self._clock(), message="BrokerageModel declared unable to update order")
        return OrderResponse(
            order.id, OrderResponseErrorCode.BROKERAGE_MODEL_REFUSED_TO_UPDATE_ORDER, message
        )

    def _apply_update(self, request: UpdateOrderRequest) -> OrderResponse:
        """Check buying power for a new quantity, apply the update, emit UpdateSubmitted."""
        order = self.orders[request.order_id]
        closed = order.status in CLOSED_STATUSES
        if not closed and request.quantity is not None:
            updated = copy.copy(order)
            updated.apply_update_order_request(request)
            security = self._securities[order.symbol]
            reason = insufficient_buying_power(self._portfolio, security, updated)
            if reason:
                message = (
                    f"Brokerage failed to update order with id: {order.id}, Symbol: "
                    f"{order.symbol.value}, Insufficient buying power to complete order, "
                    f"Reason: {reason}."
                )
                self._log_error(message)
                self._emit(order, self._clock(), message=message)
                return OrderResponse(
                    order.id, OrderResponseErrorCode.BROKERAGE_FAILED_TO_UPDATE_ORDER, message
                )
        order.apply_update_order_request(request)
        if not closed:
            order.status = OrderStatus.UPDATE_SUBMITTED
            self._emit(order, self._clock())
        return OrderResponse(order.id)

    def cancel_order(self, order_id: int, tag: str | None = None) -> OrderResponse:
        """Cancel an open order now (LEAN's ``CancelOrderRequest``), after the pending updates."""
        self._process_pending()
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
        # LEAN first tells the algorithm that the cancellation is pending, then that it is done.
        order.status = OrderStatus.CANCEL_PENDING
        self._emit(order, time)
        if order.status != OrderStatus.CANCEL_PENDING:
            return OrderResponse(order_id)  # filled or canceled by a handler of the event
        order.status = OrderStatus.CANCELED
        order.canceled_time = to_utc(time)
        self._remove_open(order)
        self._messages[order.id] = "Canceled by the algorithm"
        self._emit(order, time, message="Canceled by the algorithm")
        return OrderResponse(order_id)

    # -- fills -----------------------------------------------------------------------------------

    def events_of(self, order_id: int) -> list[OrderEvent]:
        """The events of one order, oldest first."""
        return list(self._events.get(order_id, []))

    def has_open_orders(self) -> bool:
        return bool(self._open)

    def open_orders_of_ticker(self, ticker: str) -> list[Order]:
        """The orders of one ticker still open, oldest first."""
        return list(self._open_by_ticker.get(ticker, {}).values())

    def _add_open(self, order: Order) -> None:
        self._open[order.id] = order
        self._open_by_ticker.setdefault(order.symbol.value, {})[order.id] = order

    def _remove_open(self, order: Order) -> None:
        """`order` is no longer open (filled, canceled); nothing happens if it was not."""
        self._open.pop(order.id, None)
        same_ticker = self._open_by_ticker.get(order.symbol.value)
        if same_ticker is not None:
            same_ticker.pop(order.id, None)
            if not same_ticker:
                del self._open_by_ticker[order.symbol.value]

    def open_orders(self) -> list[Order]:
        """The orders still open, oldest first."""
        return list(self._open.values())

    def process_fills(self, bars: dict[Symbol, DailyBar]) -> None:
        """The session's bars just arrived (its close): fill the open orders they fill."""
        self._bars = bars
        self.process_synchronous_events()

    def track_intraday(self, symbol: Symbol, prices: IntradayPrices) -> None:
        """The security's orders fill from `prices`, its cache of minute or hour bars, which
        the intraday feed keeps up to date; ``process_synchronous_events`` then fills."""
        self._intraday[symbol] = prices

    def scan(self) -> None:
        """Offer every open order, oldest first, to the fill model with the latest session's bar
        of its security (LEAN's ``BacktestingBrokerage.Scan``).

        LEAN scans when a session's bars arrive, again once ``on_data`` returned, and after each
        order request it processes: a Market order from ``add_order`` fills at once, and an
        updated order meets the latest bar again. A fill is stamped with the algorithm's time.
        """
        now = self._clock()
        self._last_full_scan = now
        self._offer(list(self._open.values()), now)

    def _offer(self, orders: list[Order], now: dt.datetime) -> None:
        """Offer `orders` (open, oldest first) to the fill model; see :meth:`scan`."""
        for order in orders:
            if order.id not in self._open:
                continue
            # An order is not offered to the fill model in the time step it was placed
            # (Market orders excepted); then LEAN cancels it if its time in force is over.
            if submitted_at(order) == now and order.type != OrderType.MARKET:
                continue
            if order_expired(order.time_in_force, order, now):
                self._expire(order, now)
                continue
            intraday = self._intraday.get(order.symbol)
            if intraday is not None:
                next_close = self._next_close_after(submitted_at(order))
                fill = self.fill_model.fill(order, intraday, next_close, now)
                if fill is not None:
                    self._fill(order, fill.price, now, fill.message)
                continue
            bar = self._bars.get(order.symbol)
            if bar is None:
                continue  # no data this session: the order waits for the security's next bar
            # LEAN fills only while the exchange is open, or on the day of the daily bar.
            if now.date() != bar.end.date() and not self._is_open(now):
                continue
            fill = self.fill_model.fill(order, bar, self._next_close_after(submitted_at(order)))
            if fill is not None:
                self._fill(order, fill.price, now, fill.message)

    def _expire(self, order: Order, now: dt.datetime) -> None:
        """Cancel an order whose time in force is over (LEAN's backtesting brokerage: one
        Canceled event, no fee, "The order has expired.")."""
        order.status = OrderStatus.CANCELED
        order.canceled_time = to_utc(now)
        self._remove_open(order)
        self._messages[order.id] = EXPIRED_MESSAGE
        self._emit(order, now, message=EXPIRED_MESSAGE)

    def liquidate_delisted(self, symbol: Symbol) -> None:
        """A security was delisted: cancel its open orders and, if it is still held, close the
        position at its last price, free of fees (LEAN's ``HandleDelistingNotification``)."""
        for order in [o for o in self._open.values() if o.symbol == symbol]:
            self.cancel_order(order.id)
        security = self._securities[symbol]
        quantity = -security.holdings.quantity
        if quantity == 0:
            return
        now = self._clock()
        request = SubmitOrderRequest(
            OrderType.MARKET,
            symbol.security_type,
            symbol,
            quantity,
            0.0,
            0.0,
            to_utc(now),
            _LIQUIDATE_FROM_DELISTING,
        )
        order = create_order(request, len(self.orders) + 1, to_utc(now), security.price)
        request.order_id = order.id
        # LEAN opens this order itself: no submission prices, no currency, no broker id
        self.submissions[order.id] = replace(
            self.submission_of(security), prices=None, requested=False
        )
        self.orders[order.id] = order
        self.tickets[order.id] = OrderTicket(request, self, order)
        request.set_response(OrderResponse(order.id))
        self._add_open(order)
        self._apply_fill(order, security.price, 0.0, now, _LIQUIDATE_FROM_DELISTING)

    def _fill(self, order: Order, price: float, time: dt.datetime, message: str) -> None:
        security = self._securities[order.symbol]
        price = slipped_price(security, order, price)
        fee = fee_of(self._portfolio, security, order.quantity, price, order)
        self._apply_fill(order, price, fee, time, message)

    def _apply_fill(
        self, order: Order, price: float, fee: float, time: dt.datetime, message: str
    ) -> None:
        """Fill an open order whole at `price`: the order, the portfolio, the event."""
        order.status = OrderStatus.FILLED
        self._remove_open(order)
        order.price = price
        order.last_fill_time = to_utc(time)
        self._fill_times[order.id] = time
        self._fees[order.id] = fee
        event = self._emit(
            order, time, fill_price=price, fill_quantity=order.quantity, fee=fee, message=message
        )
        self._portfolio.process_fills([event])
        self._on_order_event(event)

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
            utc_time=to_utc(time),
            status=order.status,
            quantity=order.quantity,
            fill_price=fill_price,
            fill_quantity=fill_quantity,
            order_fee=OrderFee(CashAmount(fee)),
            message=message,
            id=count,
            ticket=ticket,
            # the order's current prices, as LEAN sets them on every event
            **_price_fields(order),
        )
        events.append(event)
        if order.status in _UPDATE_STATUSES and ticket.update_requests:
            # LEAN: a submit event after the first is an update's, even a refused one
            order.last_update_time = event.utc_time
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
            self._on_order_event(event)
        return event

    # -- results ---------------------------------------------------------------------------------

    def order_records(self) -> list[dict[str, Any]]:
        """Every order as the results files record it."""
        return [
            {
                "id": order.id,
                "symbol": order.symbol.value,
                "type": order_type_name(order.type),
                "time": submitted_at(order),
                "quantity": order.quantity,
                "fill_price": order.price if order.status == OrderStatus.FILLED else 0.0,
                "fill_time": self._fill_times.get(order.id),
                "fee": self._fees.get(order.id, 0.0),
                "status": order.status.name.lower(),
                "tag": order.tag,
                "message": self._messages.get(order.id, ""),
            }
            for order in self.orders.values()
        ]


class SecurityTransactionManager(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityTransactionManager",
    hint="see local_lean/README.md for what self.transactions offers",
):
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
        order = self._handler.orders.get(order_id)
        return order.clone() if order is not None else None

    def get_order_ticket(self, order_id: int) -> OrderTicket | None:
        return self._handler.tickets.get(order_id)

    def get_orders(self, filter: Callable[[Order], bool] | None = None) -> list[Order]:
        orders = self._handler.orders.values()
        return [order.clone() for order in orders if filter is None or filter(order)]

    def get_open_orders(self, filter: Any = None) -> list[Order]:
        """Open orders, of one symbol (a Symbol or ticker) or matching a predicate."""
        predicate = _order_predicate(filter)
        return [order.clone() for order in self._handler.open_orders() if predicate(order)]

    def get_order_tickets(self, filter: Callable[[OrderTicket], bool] | None = None):
        return [t for t in self._handler.tickets.values() if filter is None or filter(t)]

    def get_open_order_tickets(self, filter: Any = None) -> list[OrderTicket]:
        """Tickets of open orders, of one symbol or matching a predicate on the ticket."""
        if filter is None or callable(filter):
            matches = filter or (lambda ticket: True)
        else:
            # asked for every target: a Symbol's ticker at once, then mostly none open
            wanted = filter.value if type(filter) is Symbol else ticker_of(filter)
            if not self._handler.has_open_orders():
                return []
            tickets = self._handler.tickets
            return [tickets[o.id] for o in self._handler.open_orders_of_ticker(wanted)]
        if not self._handler.has_open_orders():
            return []
        return [
            ticket
            for ticket in (self._handler.tickets[o.id] for o in self._handler.open_orders())
            if matches(ticket)
        ]

    def get_open_orders_remaining_quantity(self, filter: Any = None) -> float:
        """Unfilled quantity of the open orders, of one symbol or matching a ticket predicate."""
        tickets = self.get_open_order_tickets(filter)
        return sum(t.quantity_remaining for t in tickets) if tickets else 0

    def add_order(self, request: SubmitOrderRequest) -> OrderTicket:
        """Submit an order request as built by the algorithm. As in LEAN it skips the order
        methods' pre-order checks (a Market order stays a Market order)."""
        if not isinstance(request, SubmitOrderRequest):
            raise TypeError(f"add_order takes a SubmitOrderRequest, got {request!r}")
        if self._handler.is_warming_up():  # LEAN throws the response's text
            code = OrderResponseErrorCode.ALGORITHM_WARMING_UP
            raise RuntimeError(str(OrderResponse(0, code, warming_up_message("submit"))))
        for name in ("quantity", "stop_price", "limit_price", "trigger_price", "trailing_amount"):
            value = getattr(request, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"SubmitOrderRequest {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"SubmitOrderRequest {name} must be finite, got {value!r}")
        require_order_properties(request.order_properties, "SubmitOrderRequest properties")
        if not self._handler.has_security(request.symbol):
            raise KeyError(
                f"You haven't requested {request.symbol.value} data. Add this with "
                "add_security() in the initialize() method."
            )
        return self._handler.submit(request)

    def update_order(self, request: UpdateOrderRequest) -> OrderTicket:
        """Process an update request; returns the order's ticket (for an unknown id, LEAN's
        invalid ticket holding the request and its ``UNABLE_TO_FIND_ORDER`` response)."""
        ticket = self._handler.tickets.get(request.order_id)
        if ticket is None:
            return OrderTicket.invalid_update_order_id(self, request)
        record_update_request(ticket, request)
        self._handler.update_order(request)
        return ticket

    def cancel_order(self, order_id: int, order_tag: str | None = None) -> OrderTicket:
        """Cancel an order; returns its ticket, which keeps the cancel request and its
        response (for an unknown id, LEAN's invalid ticket)."""
        ticket = self._handler.tickets.get(order_id)
        if ticket is None:
            request = CancelOrderRequest(to_utc(self._handler.now()), order_id, order_tag or "")
            return OrderTicket.invalid_cancel_order_id(self, request)
        ticket.cancel(order_tag)
        return ticket

    def cancel_open_orders(self, symbol: Any = None, tag: str | None = None) -> list[OrderTicket]:
        """Cancel every open order (of one symbol); returns their tickets."""
        tickets = self.get_open_order_tickets(symbol)
        for ticket in tickets:
            ticket.cancel(tag)
        return tickets

    def wait_for_order(self, order_id: int) -> bool:
        """Orders are processed synchronously here: True when the order exists."""
        return order_id in self._handler.orders


def _order_predicate(selector: Any) -> Callable[[Order], bool]:
    if selector is None:
        return lambda order: True
    if callable(selector) and not isinstance(selector, Symbol | str):
        return selector
    wanted = ticker_of(selector)
    return lambda order: order.symbol.value == wanted


_LIQUIDATE_FROM_DELISTING = "Liquidate from delisting"
# The statuses whose events set an order's last update time once it has update requests.
_UPDATE_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.UPDATE_SUBMITTED)


# The price fields an order event carries; an order type without one gives None.
_PRICE_FIELDS = ("limit_price", "stop_price", "trigger_price", "trailing_amount")


def _price_fields(order: Order) -> dict[str, float | None]:
    """The order's current prices, as LEAN sets them on every event. A field is read where
    the order's class declares it (every order class gives its fields a default), so that
    the fields a type lacks are not looked up among LEAN's member names."""
    cls = type(order)
    return {name: getattr(order, name) if hasattr(cls, name) else None for name in _PRICE_FIELDS}


def _default_message(code: str, text: str) -> str:
    """LEAN's BrokerageMessageEvent text for a refusal without a message (a warning)."""
    return f"Warning - Code: {code} - {text}"


def _word(status: OrderStatus) -> str:
    return "".join(part.capitalize() for part in status.name.split("_"))


__all__ = ["SecurityTransactionManager", "TransactionHandler"]
