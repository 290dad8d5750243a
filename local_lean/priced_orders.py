"""Orders with prices: limit, stop market, stop limit, trailing stop and limit-if-touched.

As LEAN's ``LimitOrder``, ``StopMarketOrder``, ``StopLimitOrder``, ``TrailingStopOrder`` and
``LimitIfTouchedOrder`` (``Common/Orders/``): each adds its prices to ``Order``, applies the
updates that concern it, and values itself at the less favourable of its price and the market.
``create_order`` builds the right class from a submit request (LEAN's ``Order.CreateOrder``).

Prices are kept as given: LEAN rounds them to the security's minimum price variation, which is
zero for equities with adjusted prices (``AdjustedPriceVariationModel``), the only price
normalization this runner supports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from local_lean.conventions import decimal_text, price_text
from local_lean.order_properties import OrderProperties
from local_lean.order_requests import SubmitOrderRequest, UpdateOrderRequest
from local_lean.orders import Order, OrderDirection, OrderType


def _less_favourable_value(quantity: float, order_price: float, market_price: float) -> float:
    """A sale is valued at the higher price, a purchase at the lower one (LEAN's GetValue)."""
    if quantity < 0:
        return quantity * max(order_price, market_price)
    if quantity > 0:
        return quantity * min(order_price, market_price)
    return 0.0


@dataclass(repr=False)
class MarketOnCloseOrder(Order):
    """LEAN's MarketOnCloseOrder: filled at the close; refused when placed within
    ``submission_time_buffer`` of it (the algorithm may change the buffer in initialize)."""

    DEFAULT_SUBMISSION_TIME_BUFFER: ClassVar[dt.timedelta] = dt.timedelta(minutes=15.5)
    submission_time_buffer: ClassVar[dt.timedelta] = DEFAULT_SUBMISSION_TIME_BUFFER


@dataclass(repr=False)
class LimitOrder(Order):
    limit_price: float = 0.0

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        super().apply_update_order_request(request)
        if request.limit_price is not None:
            self.limit_price = float(request.limit_price)

    @property
    def value(self) -> float:
        return self._value_at(self.price)

    def _value_at(self, market_price: float) -> float:
        return _less_favourable_value(self.quantity, self.limit_price, market_price)

    def _price_text(self) -> str:
        return f" at limit {_dollars(self.limit_price)}"


@dataclass(repr=False)
class StopMarketOrder(Order):
    stop_price: float = 0.0

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        super().apply_update_order_request(request)
        if request.stop_price is not None:
            self.stop_price = float(request.stop_price)

    @property
    def value(self) -> float:
        return self._value_at(self.price)

    def _value_at(self, market_price: float) -> float:
        return _less_favourable_value(self.quantity, self.stop_price, market_price)

    def _price_text(self) -> str:
        return f" at stop {_dollars(self.stop_price)}"


@dataclass(repr=False)
class StopLimitOrder(Order):
    stop_price: float = 0.0
    limit_price: float = 0.0
    stop_triggered: bool = False  # set by the fill model once the stop price was crossed

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        super().apply_update_order_request(request)
        if request.stop_price is not None:
            self.stop_price = float(request.stop_price)
        if request.limit_price is not None:
            self.limit_price = float(request.limit_price)

    @property
    def value(self) -> float:
        return self._value_at(self.price)

    def _value_at(self, market_price: float) -> float:
        return _less_favourable_value(self.quantity, self.limit_price, market_price)

    def _price_text(self) -> str:
        return f" at stop {_dollars(self.stop_price)} limit {_dollars(self.limit_price)}"


@dataclass(repr=False)
class TrailingStopOrder(StopMarketOrder):
    trailing_amount: float = 0.0
    trailing_as_percentage: bool = False

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        super().apply_update_order_request(request)
        if request.trailing_amount is not None:
            self.trailing_amount = float(request.trailing_amount)

    def get_default_tag(self) -> str:
        return f"Trailing Amount: {self._trailing_text()}"

    def _trailing_text(self) -> str:
        if self.trailing_as_percentage:
            # .NET multiplies decimals keeping the amount's decimal places: 0.05 -> 5.00%
            places = len(f"{self.trailing_amount!r}".partition(".")[2].rstrip("0"))
            return f"{self.trailing_amount * 100:.{places}f}%"
        return f"${decimal_text(self.trailing_amount)}"

    def _price_text(self) -> str:
        return f" at stop {_dollars(self.stop_price)}. Trailing amount: {self._trailing_text()}"

    @staticmethod
    def calculate_stop_price(
        current_market_price: float,
        trailing_amount: float,
        trailing_as_percentage: bool,
        direction: OrderDirection,
    ) -> float:
        """The stop `trailing_amount` (or that fraction) away from the market, on the far side."""
        buy = direction == OrderDirection.BUY
        if trailing_as_percentage:
            factor = 1 + trailing_amount if buy else 1 - trailing_amount
            return current_market_price * factor
        return current_market_price + (trailing_amount if buy else -trailing_amount)

    @staticmethod
    def try_update_stop_price(
        current_market_price: float,
        current_stop_price: float,
        trailing_amount: float,
        trailing_as_percentage: bool,
        direction: OrderDirection,
        updated_stop_price: float | None = None,
    ) -> tuple[bool, float]:
        """LEAN's ``TryUpdateStopPrice`` (its out parameter returned, as from Python): the stop
        moves to ``calculate_stop_price`` once the market is farther from it than the trailing
        amount; otherwise (False, 0)."""
        if direction == OrderDirection.SELL:
            distance = current_market_price - current_stop_price
        else:
            distance = current_stop_price - current_market_price
        reach = trailing_amount
        if trailing_as_percentage:
            reach = current_market_price * trailing_amount
        if distance <= reach:
            return False, 0.0
        return True, TrailingStopOrder.calculate_stop_price(
            current_market_price, trailing_amount, trailing_as_percentage, direction
        )


@dataclass(repr=False)
class LimitIfTouchedOrder(Order):
    trigger_price: float = 0.0
    limit_price: float = 0.0
    trigger_touched: bool = False  # set by the fill model once the trigger price was reached

    def apply_update_order_request(self, request: UpdateOrderRequest) -> None:
        super().apply_update_order_request(request)
        if request.trigger_price is not None:
            self.trigger_price = float(request.trigger_price)
        if request.limit_price is not None:
            self.limit_price = float(request.limit_price)

    @property
    def value(self) -> float:
        return self._value_at(self.price)

    def _value_at(self, market_price: float) -> float:
        return _less_favourable_value(self.quantity, self.limit_price, market_price)

    def _price_text(self) -> str:
        trigger, limit = _dollars(self.trigger_price), _dollars(self.limit_price)
        return f" at trigger {trigger} limit {limit}"


def _dollars(price: float) -> str:
    return f"${price_text(price)}"


def create_order(
    request: SubmitOrderRequest, order_id: int, time: dt.datetime, price: float
) -> Order:
    """The order a submit request describes; `time` is when it was submitted (naive UTC),
    `price` the market's."""
    common: dict[str, Any] = dict(
        id=order_id,
        symbol=request.symbol,
        quantity=float(request.quantity),
        type=request.order_type,
        time=time,
        tag=request.tag or "",
        price=price,
        properties=request.order_properties or OrderProperties(),
    )
    kind = request.order_type
    if kind == OrderType.LIMIT:
        return LimitOrder(**common, limit_price=float(request.limit_price))
    if kind == OrderType.STOP_MARKET:
        return StopMarketOrder(**common, stop_price=float(request.stop_price))
    if kind == OrderType.STOP_LIMIT:
        return StopLimitOrder(
            **common, stop_price=float(request.stop_price), limit_price=float(request.limit_price)
        )
    if kind == OrderType.TRAILING_STOP:
        return TrailingStopOrder(
            **common,
            stop_price=float(request.stop_price),
            trailing_amount=float(request.trailing_amount),
            trailing_as_percentage=request.trailing_as_percentage,
        )
    if kind == OrderType.LIMIT_IF_TOUCHED:
        return LimitIfTouchedOrder(
            **common,
            trigger_price=float(request.trigger_price),
            limit_price=float(request.limit_price),
        )
    if kind == OrderType.MARKET_ON_CLOSE:
        return MarketOnCloseOrder(**common)
    return Order(**common)


__all__ = [
    "LimitIfTouchedOrder",
    "LimitOrder",
    "MarketOnCloseOrder",
    "StopLimitOrder",
    "StopMarketOrder",
    "TrailingStopOrder",
    "create_order",
]
