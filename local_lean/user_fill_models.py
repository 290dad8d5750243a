"""Fill models an algorithm gives a security (``security.set_fill_model``): LEAN's ``FillModel``.

LEAN's backtesting brokerage asks the security's fill model for each open order
(``Common/Orders/Fills/FillModel.cs``): ``fill(parameters)`` picks the method of the order's
type (``market_fill``, ``limit_fill``, ...), each returning an ``OrderEvent``, and wraps the
events in a ``Fill``. An algorithm subclasses ``FillModel``, ``EquityFillModel`` or
``ImmediateFillModel`` and overrides ``fill`` or one of those methods.

The base methods here give the runner's own fill (``fills.py``, ``intraday_fills.py``, the
security's slippage model applied): an event with status Filled, the whole quantity and its
price, or the order unchanged (no fill yet). The transaction handler calls a model only for a
security that has one; the others keep the runner's fill path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from local_lean.conventions import to_utc
from local_lean.enums import OrderStatus
from local_lean.errors import NotSupportedError
from local_lean.fills import STALE_PRICE_SPAN
from local_lean.fills import Fill as RunnerFill
from local_lean.market_data import TradeBar
from local_lean.models.slippage import slipped_price
from local_lean.orders import OrderDirection, OrderEvent, OrderType
from local_lean.quote_bars import QuoteBar


class Fill:
    """LEAN's ``Fill``: the order events of one fill (none: nothing filled)."""

    def __init__(self, order_events: OrderEvent | Iterable[OrderEvent] | None = None) -> None:
        if order_events is None:
            events: list[OrderEvent] = []
        elif isinstance(order_events, OrderEvent):
            events = [order_events]
        else:
            events = list(order_events)
        for event in events:
            if not isinstance(event, OrderEvent):
                raise TypeError(f"Fill takes OrderEvents, got {event!r}")
        self._events = events

    def __iter__(self):
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __repr__(self) -> str:
        return f"Fill({self._events!r})"


class OrdersSecurities(Mapping):
    """The security of each order being filled, keyed by the order itself (LEAN's
    ``Dictionary<Order, Security>``; orders are mutable, so looked up by identity)."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self._pairs = list(pairs)

    def __getitem__(self, order: Any) -> Any:
        for known, security in self._pairs:
            if known is order:
                return security
        raise KeyError(order)

    def __iter__(self):
        return (order for order, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


class FillModelParameters:
    """LEAN's ``FillModelParameters``: what a fill model is given for one order."""

    def __init__(
        self,
        security: Any,
        order: Any,
        config_provider: Any = None,
        stale_price_time_span: dt.timedelta = STALE_PRICE_SPAN,
        securities_for_orders: dict[Any, Any] | None = None,
        on_order_updated: Callable[[Any], None] | None = None,
    ) -> None:
        self.security = security
        self.order = order
        self.config_provider = config_provider
        self.stale_price_time_span = stale_price_time_span
        self.securities_for_orders = (
            securities_for_orders
            if securities_for_orders is not None
            else OrdersSecurities([(order, security)])
        )
        self.on_order_updated = on_order_updated
        # the runner's own fill of the order now, for the base methods (None: not given)
        self._runner_fill: Callable[[], RunnerFill | None] | None = None
        self._now: dt.datetime | None = None


def runner_fill_parameters(
    security: Any,
    order: Any,
    now: dt.datetime,
    runner_fill: Callable[[], RunnerFill | None],
) -> FillModelParameters:
    """The parameters the transaction handler gives a security's fill model at `now` (naive
    New York time); `runner_fill()` is the runner's own fill of `order` (None: no fill yet)."""
    parameters = FillModelParameters(security, order)
    parameters._runner_fill = runner_fill
    parameters._now = now
    return parameters


class Prices:
    """LEAN's ``Prices``: a bar's span and prices for a fill; a price left 0 is the current."""

    def __init__(
        self,
        time: dt.datetime,
        end_time: dt.datetime,
        current: float,
        open: float = 0.0,
        high: float = 0.0,
        low: float = 0.0,
        close: float = 0.0,
    ) -> None:
        self.time = time
        self.end_time = end_time
        self.current = current
        self.open = open or current
        self.high = high or current
        self.low = low or current
        self.close = close or current


def bar_prices(bar: Any) -> Prices:
    """A bar's prices, its close the current price (LEAN's ``Prices(IBaseDataBar)``)."""
    return Prices(bar.time, bar.end_time, bar.close, bar.open, bar.high, bar.low, bar.close)


class FillModel:
    """LEAN's base fill model; its methods give the runner's own fills."""

    def __init__(self) -> None:
        self._parameters: FillModelParameters | None = None

    @property
    def parameters(self) -> FillModelParameters | None:
        """The parameters of the fill in progress (LEAN's ``Parameters``)."""
        return self._parameters

    def fill(self, parameters: FillModelParameters) -> Fill:
        """The fill of ``parameters.order``: the method of its type's event, as a ``Fill``."""
        self._parameters = parameters
        order = parameters.order
        method = _METHOD_OF_TYPE.get(order.type)
        if method is None:
            raise ValueError(f"{order!r}: a fill model does not fill {order.type.name} orders")
        return Fill(getattr(self, method)(parameters.security, order))

    def market_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def limit_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def limit_if_touched_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def stop_market_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def trailing_stop_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def stop_limit_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def market_on_open_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def market_on_close_fill(self, asset: Any, order: Any) -> OrderEvent:
        return self._runner_event(asset, order)

    def get_prices(self, asset: Any, direction: OrderDirection) -> Prices:
        """LEAN's ``GetPrices``: the latest quote bar's ask (a purchase) or bid (a sale) where
        the cache has one, else the latest trade bar, else the security's own prices; a Hold
        direction gives the security's prices."""
        latest = asset.cache.get_data()
        start = latest.time if latest is not None else dt.datetime.min
        end = latest.end_time if latest is not None else dt.datetime.min
        own = (asset.price, asset.open, asset.high, asset.low, asset.close)
        if direction == OrderDirection.HOLD:
            return Prices(start, end, *own)
        quote = asset.cache.get_data(QuoteBar)
        if quote is not None:
            side = quote.bid if direction == OrderDirection.SELL else quote.ask
            if side is not None:
                return Prices(
                    quote.time,
                    quote.end_time,
                    side.close,
                    side.open,
                    side.high,
                    side.low,
                    side.close,
                )
        trade = asset.cache.get_data(TradeBar)
        if trade is not None:
            return bar_prices(trade)
        return Prices(start, end, *own)

    def _runner_event(self, asset: Any, order: Any) -> OrderEvent:
        """The runner's fill of `order` as LEAN's event: Filled at the (slipped) price for the
        whole quantity, or the order's status and no quantity while it waits."""
        parameters = self._parameters
        if parameters is None or parameters._runner_fill is None or parameters._now is None:
            raise RuntimeError(
                "the base fill methods fill the order of FillModel.fill(parameters): an "
                "overridden fill must call super().fill(parameters), and the backtest calls "
                "fill for the securities given the model (security.set_fill_model(model))"
            )
        if parameters.order is not order:
            raise ValueError(f"{order!r} is not the order being filled ({parameters.order!r})")
        now = parameters._now
        if order.status in (OrderStatus.CANCELED, OrderStatus.CANCEL_PENDING):
            runner_fill = None
        else:
            runner_fill = parameters._runner_fill()
        event = OrderEvent(
            order_id=order.id,
            symbol=order.symbol,
            utc_time=to_utc(now),
            status=order.status,
            quantity=order.quantity,
        )
        if runner_fill is not None:
            event.status = OrderStatus.FILLED
            event.fill_price = slipped_price(asset, order, runner_fill.price)
            event.fill_quantity = order.quantity
            event.message = runner_fill.message
        return event


class ModelFill:
    """A whole fill a security's fill model gave: its price (slippage included), its fee (None:
    the fee model's) and message."""

    def __init__(self, price: float, fee: float | None, message: str) -> None:
        self.price = price
        self.fee = fee
        self.message = message


def fill_by_model(
    model: Any,
    security: Any,
    order: Any,
    now: dt.datetime,
    runner_fill: Callable[[], RunnerFill | None],
) -> ModelFill | None:
    """Ask `model` (the algorithm's) to fill `order` at `now`, as LEAN's backtesting brokerage
    does: the whole order filled, or None while its events change nothing. Events the runner
    cannot apply (a partial fill, another status, another order's) raise NotSupportedError."""
    fill = model.fill(runner_fill_parameters(security, order, now, runner_fill))
    if not isinstance(fill, Fill):
        raise TypeError(f"{type(model).__name__}.fill must return a Fill, got {fill!r}")
    result = None
    for event in fill:
        if event.order_id != order.id:
            raise NotSupportedError(
                f"{type(model).__name__}: an event of order {event.order_id} while filling "
                f"order {order.id}",
                "a fill model fills the order it is given (combo orders are not simulated)",
            )
        if event.status == order.status and event.fill_quantity == 0:
            continue  # no change: the order waits
        if event.status != OrderStatus.FILLED or event.fill_quantity != order.quantity:
            raise NotSupportedError(
                f"{type(model).__name__}: a {event.status.name} event filling "
                f"{event.fill_quantity:g} of order {order.id}'s {order.quantity:g}",
                "partial fills are not simulated: return one Filled event for the order's "
                "whole quantity",
            )
        # LEAN's brokerage asks the fee model when the event carries no fee
        amount = event.order_fee.value.amount
        result = ModelFill(event.fill_price, amount if amount != 0 else None, event.message)
    return result


class EquityFillModel(FillModel):
    """LEAN's ``EquityFillModel``: the runner's equity fills."""


class ImmediateFillModel(FillModel):
    """LEAN's ``ImmediateFillModel``: the base fill model under its own name."""


_METHOD_OF_TYPE = {
    OrderType.MARKET: "market_fill",
    OrderType.LIMIT: "limit_fill",
    OrderType.LIMIT_IF_TOUCHED: "limit_if_touched_fill",
    OrderType.STOP_MARKET: "stop_market_fill",
    OrderType.TRAILING_STOP: "trailing_stop_fill",
    OrderType.STOP_LIMIT: "stop_limit_fill",
    OrderType.MARKET_ON_OPEN: "market_on_open_fill",
    OrderType.MARKET_ON_CLOSE: "market_on_close_fill",
}

__all__ = [
    "EquityFillModel",
    "Fill",
    "FillModel",
    "FillModelParameters",
    "ImmediateFillModel",
    "ModelFill",
    "Prices",
    "bar_prices",
    "fill_by_model",
    "runner_fill_parameters",
]
