"""The fill model: when and at what price an open order fills on daily bars.

Ported from LEAN's ``EquityFillModel`` (``Common/Orders/Fills/EquityFillModel.cs``) for
securities that have only daily trade bars. A daily bar spans its session, from the open
(09:30) to the close (16:00, or 13:00 on an early close), and reaches the algorithm at the close:
every fill happens then, and is stamped with that time.

- MarketOnOpen: fills at the open of the first bar that starts at or after the order's time
  (an order placed during a session waits for the next one).
- MarketOnClose: fills at the close of the first session that closes after the order's time.
- Market orders from ``market_order`` never reach the fill model: on daily-only securities
  LEAN converts them into one of the two above (``algorithm.py``). A Market order submitted
  directly (``transactions.add_order``) fills at the close of the first bar that ends at most an
  hour (LEAN's stale-price span) before the order; an older bar is stale and the order waits.
- Limit, stop market, stop limit, trailing stop and limit-if-touched orders look at the first
  bar that ends after the order's time, LEAN's daily-bar rules (the open for gaps, the high and
  low for touches, the close as the current price) below.

No slippage (LEAN's default slippage model is zero for equities).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from local_lean.orders import Order, OrderDirection, OrderType, submitted_at
from local_lean.priced_orders import (
    LimitIfTouchedOrder,
    LimitOrder,
    StopLimitOrder,
    StopMarketOrder,
    TrailingStopOrder,
)

# LEAN's default Settings.StalePriceTimeSpan: older prices do not fill a market order.
STALE_PRICE_SPAN = dt.timedelta(hours=1)


@dataclass(frozen=True)
class DailyBar:
    """A session's trade bar: its span and prices (split- and dividend-adjusted)."""

    start: dt.datetime  # the session's open
    end: dt.datetime  # the session's close, when the bar reaches the algorithm
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(frozen=True)
class Fill:
    """A complete fill of an order at one price."""

    price: float
    time: dt.datetime
    message: str = ""


class EquityFillModel:
    """LEAN's equity fill model for daily trade bars."""

    def fill(self, order: Order, bar: DailyBar, next_close_after: dt.datetime) -> Fill | None:
        """The fill of `order` by `bar`, or None while it must wait.

        `next_close_after` is the first market close after the order's time (LEAN's
        ``GetNextMarketClose(order time)``), which a MarketOnClose order waits for.
        """
        if order.type == OrderType.MARKET_ON_OPEN:
            return self.market_on_open_fill(order, bar)
        if order.type == OrderType.MARKET_ON_CLOSE:
            return self.market_on_close_fill(order, bar, next_close_after)
        if order.type == OrderType.MARKET:
            return self.market_fill(order, bar)
        if bar.end <= submitted_at(order):
            return None  # the bar holds nothing after the order: stale for every priced order
        if isinstance(order, LimitOrder):
            return self.limit_fill(order, bar)
        if isinstance(order, StopLimitOrder):
            return self.stop_limit_fill(order, bar)
        if isinstance(order, TrailingStopOrder):
            return self.trailing_stop_fill(order, bar)
        if isinstance(order, StopMarketOrder):
            return self.stop_market_fill(order, bar)
        if isinstance(order, LimitIfTouchedOrder):
            return self.limit_if_touched_fill(order, bar)
        raise ValueError(f"{order!r}: this fill model does not fill {order.type.name} orders")

    @staticmethod
    def market_on_open_fill(order: Order, bar: DailyBar) -> Fill | None:
        # The open of a bar that began before the order existed is not available to it.
        if bar.start < submitted_at(order) or bar.open <= 0:
            return None
        return Fill(bar.open, bar.end)

    @staticmethod
    def market_on_close_fill(
        order: Order, bar: DailyBar, next_close_after: dt.datetime
    ) -> Fill | None:
        if bar.end < next_close_after or bar.close <= 0:
            return None
        return Fill(bar.close, bar.end)

    @staticmethod
    def market_fill(order: Order, bar: DailyBar) -> Fill | None:
        if bar.end < submitted_at(order) - STALE_PRICE_SPAN:
            return None  # daily data never fills on a stale price: wait for a fresh bar
        return Fill(bar.close, bar.end)

    @staticmethod
    def limit_fill(order: LimitOrder, bar: DailyBar) -> Fill | None:
        limit = order.limit_price
        if order.direction == OrderDirection.BUY and bar.low < limit:
            if bar.open < limit:  # a favourable gap: the open is better than the limit
                return Fill(bar.open, bar.end, _gap_message(bar, "favorable"))
            return Fill(limit, bar.end)
        if order.direction == OrderDirection.SELL and bar.high > limit:
            if bar.open > limit:
                return Fill(bar.open, bar.end, _gap_message(bar, "favorable"))
            return Fill(limit, bar.end)
        return None

    @staticmethod
    def stop_market_fill(order: StopMarketOrder, bar: DailyBar) -> Fill | None:
        stop = order.stop_price
        if order.direction == OrderDirection.SELL and bar.low <= stop:
            if bar.open <= stop:  # an unfavourable gap: the open is worse than the stop
                return Fill(bar.open, bar.end, _gap_message(bar, "unfavorable"))
            return Fill(stop, bar.end)
        if order.direction == OrderDirection.BUY and bar.high >= stop:
            if bar.open >= stop:
                return Fill(bar.open, bar.end, _gap_message(bar, "unfavorable"))
            return Fill(stop, bar.end)
        return None

    @staticmethod
    def stop_limit_fill(order: StopLimitOrder, bar: DailyBar) -> Fill | None:
        # Once the stop is crossed the order stays a limit order; as the bar cannot tell whether
        # its low (high) came before the stop, the close decides and the fill is no better than
        # the bar's high (low).
        if order.direction == OrderDirection.BUY:
            if bar.high > order.stop_price or order.stop_triggered:
                order.stop_triggered = True
                if bar.close < order.limit_price:
                    return Fill(min(bar.high, order.limit_price), bar.end)
        elif order.direction == OrderDirection.SELL and (
            bar.low < order.stop_price or order.stop_triggered
        ):
            order.stop_triggered = True
            if bar.close > order.limit_price:
                return Fill(max(bar.low, order.limit_price), bar.end)
        return None

    @staticmethod
    def trailing_stop_fill(order: TrailingStopOrder, bar: DailyBar) -> Fill | None:
        # LEAN's base FillModel: the worse of the stop and the close; an unfilled order then
        # trails its stop behind the bar's high (a sale) or low (a purchase).
        if order.direction == OrderDirection.SELL:
            if bar.low <= order.stop_price:
                return Fill(min(order.stop_price, bar.close), bar.end)
            reference = bar.high
        elif order.direction == OrderDirection.BUY:
            if bar.high >= order.stop_price:
                return Fill(max(order.stop_price, bar.close), bar.end)
            reference = bar.low
        else:
            return None
        updated, stop_price = TrailingStopOrder.try_update_stop_price(
            reference,
            order.stop_price,
            order.trailing_amount,
            order.trailing_as_percentage,
            order.direction,
        )
        if updated:
            order.stop_price = stop_price
        return None

    @staticmethod
    def limit_if_touched_fill(order: LimitIfTouchedOrder, bar: DailyBar) -> Fill | None:
        # Touching the trigger (the low for a purchase, the high for a sale) arms a limit order,
        # which fills when the current price (the close) is within the limit.
        if order.direction == OrderDirection.BUY:
            if bar.low <= order.trigger_price or order.trigger_touched:
                order.trigger_touched = True
                if bar.close <= order.limit_price:
                    return Fill(min(bar.close, order.limit_price), bar.end)
        elif order.direction == OrderDirection.SELL and (
            bar.high >= order.trigger_price or order.trigger_touched
        ):
            order.trigger_touched = True
            if bar.close >= order.limit_price:
                return Fill(max(bar.close, order.limit_price), bar.end)
        return None


def _gap_message(bar: DailyBar, kind: str) -> str:
    """LEAN's EquityFillModel message for a fill at the open after a gap."""
    article = "a" if kind == "favorable" else "an"
    return (
        f"Due to {article} {kind} gap at {bar.end:%m/%d/%Y %H:%M:%S} America/New_York, order "
        f"filled using the open price ({bar.open:g})"
    )


__all__ = ["DailyBar", "EquityFillModel", "Fill", "STALE_PRICE_SPAN"]
