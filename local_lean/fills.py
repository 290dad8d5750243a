"""The fill model: when and at what price an open order fills on daily bars.

Ported from LEAN's ``EquityFillModel`` (``Common/Orders/Fills/EquityFillModel.cs``) for
securities that have only daily trade bars. A daily bar spans its session, from the open
(09:30) to the close (16:00, or 13:00 on an early close), and reaches the algorithm at the close:
every fill happens then, and is stamped with that time.

- MarketOnOpen: fills at the open of the first bar that starts at or after the order's time
  (an order placed during a session waits for the next one).
- MarketOnClose: fills at the close of the first session that closes after the order's time.
- Market orders on daily-only securities never reach the fill model in a backtest: LEAN's
  ``market_order`` converts them into one of the two above (``algorithm.py``).

No slippage (LEAN's default slippage model is zero for equities).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from local_lean.orders import Order, OrderType


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
        raise ValueError(f"{order!r}: this fill model fills MarketOnOpen and MarketOnClose orders")

    @staticmethod
    def market_on_open_fill(order: Order, bar: DailyBar) -> Fill | None:
        # The open of a bar that began before the order existed is not available to it.
        if bar.start < order.time or bar.open <= 0:
            return None
        return Fill(bar.open, bar.end)

    @staticmethod
    def market_on_close_fill(
        order: Order, bar: DailyBar, next_close_after: dt.datetime
    ) -> Fill | None:
        if bar.end < next_close_after or bar.close <= 0:
            return None
        return Fill(bar.close, bar.end)


__all__ = ["DailyBar", "EquityFillModel", "Fill"]
