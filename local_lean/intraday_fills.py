"""The fill model on minute and hour bars: LEAN's ``EquityFillModel`` with the security's cache.

LEAN fills an order from what the security's cache holds when it asks (``SecurityCache``): the
latest trade bar and the latest quote bar that were not fill-forward copies, each kept by type.
``IntradayPrices`` is that cache for one security; the fill model below reads it as
``Common/Orders/Fills/EquityFillModel.cs`` reads the cache:

- Market: a purchase at the ask, a sale at the bid, of the latest quote bar (minute data has
  quotes; LEAN keeps only trades at hour resolution), else the latest trade bar's close
  (``GetBestEffortAskPrice``/``GetBestEffortBidPrice``). Data that ended more than an hour
  (``StalePriceTimeSpan``) before the order is stale: the order fills on it with LEAN's warning
  when the data is at most one bar older than the order, and otherwise waits for fresh data
  (``ShouldWaitForFreshDataOnStale``; an hour-resolution subscription always waits). Only
  while the exchange is open, or within the bar that just ended in it (``IsExchangeOpen``).
- Limit, stop market: the latest trade bar that ended after the order was placed, with the
  daily rules of ``fills.py`` (the same code), the bar's close as the current price;
  limit-if-touched: that bar's high or low for the trigger, then the current bid (a sale) or
  ask (a purchase) as a market order's price, for the limit; stop limit and trailing stop:
  the quote bar's ask (a purchase) or bid (a sale) where there are quotes (LEAN's
  ``GetPrices``), else the trade bar.
- MarketOnOpen: the open of a trade bar that started at or after the order, in regular hours,
  on a day after the one the order was placed in while the market was open.
- MarketOnClose: once the algorithm's time reaches the first market close after the order,
  the latest trade bar's close.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.fills import STALE_PRICE_SPAN, DailyBar, EquityFillModel, Fill
from local_lean.market_data import TradeBar
from local_lean.orders import Order, OrderDirection, OrderType, submitted_at
from local_lean.quote_bars import QuoteBar

ONE_HOUR = dt.timedelta(hours=1)


@dataclass
class IntradayPrices:
    """One security's cache for the fill model: the latest real trade and quote bars."""

    period: dt.timedelta  # the subscription's bar (a minute or an hour)
    extended_market_hours: bool
    hours: UsEquityExchangeHours = field(repr=False)
    trade: TradeBar | None = None
    quote: QuoteBar | None = None

    def update(self, trade: TradeBar | None, quote: QuoteBar | None) -> None:
        """A time step's bars: fill-forward copies are not cached (LEAN's AddDataList)."""
        if trade is not None and not trade.is_fill_forward:
            self.trade = trade
        if quote is not None and not quote.is_fill_forward:
            self.quote = quote

    def is_exchange_open(self, now: dt.datetime, extended: bool) -> bool:
        """LEAN's FillModel.IsExchangeOpen: open now, or `now` within the latest bar, which
        overlaps the hours asked for."""
        if self.hours.is_open(now, extended):
            return True
        bar = self.trade
        if bar is None:
            return False
        if bar.end_time - bar.time > ONE_HOUR:
            within = now.date() == bar.end_time.date()
        else:
            within = now <= bar.end_time
        return within and self.hours.is_open_during_bar(bar.time, bar.end_time, extended)


class IntradayFillModel(EquityFillModel):
    """LEAN's EquityFillModel: daily bars as ``fills.py`` fills them, intraday caches here."""

    def fill(self, order: Order, bar, next_close_after: dt.datetime, now=None) -> Fill | None:  # type: ignore[override]
        if not isinstance(bar, IntradayPrices):
            return super().fill(order, bar, next_close_after)
        if now is None:
            raise ValueError("an intraday fill needs the algorithm's time")
        if order.type == OrderType.MARKET:
            return self.intraday_market_fill(order, bar, now)
        if order.type == OrderType.MARKET_ON_OPEN:
            return self.intraday_market_on_open_fill(order, bar, now)
        if order.type == OrderType.MARKET_ON_CLOSE:
            return self.intraday_market_on_close_fill(order, bar, now, next_close_after)
        # the priced orders: open hours (extended when subscribed), a trade bar after the order
        extended = bar.extended_market_hours and order.type in _EXTENDED_ORDER_TYPES
        if not bar.is_exchange_open(now, extended):
            return None
        if order.type == OrderType.LIMIT_IF_TOUCHED:
            return self.intraday_limit_if_touched_fill(order, bar)
        priced = bar.trade
        if order.type in _QUOTE_PRICED_ORDER_TYPES and bar.quote is not None:
            # LEAN's GetPrices: the side an order trades against, the ask for a purchase
            side = bar.quote.ask if order.direction == OrderDirection.BUY else bar.quote.bid
            if side is not None:
                quote = bar.quote
                priced = TradeBar(
                    quote.symbol,
                    quote.time,
                    quote.end_time,
                    side.open,
                    side.high,
                    side.low,
                    side.close,
                    0.0,
                )
        if priced is None or priced.end_time <= submitted_at(order):
            return None
        daily = DailyBar(
            priced.time, priced.end_time, priced.open, priced.high, priced.low, priced.close, 0.0
        )
        return super().fill(order, daily, next_close_after)

    @staticmethod
    def intraday_limit_if_touched_fill(order: Order, prices: IntradayPrices) -> Fill | None:
        """LEAN's EquityFillModel.LimitIfTouchedFill: the latest trade bar's low (a purchase)
        or high (a sale) touching the trigger arms the order, which fills at the current ask
        (bid), from the quotes where there are, when it is within the limit."""
        placed = submitted_at(order)
        trade = prices.trade
        if trade is None or trade.end_time <= placed:
            return None  # no bar after the order: stale
        buying = order.direction == OrderDirection.BUY
        touched = trade.low <= order.trigger_price if buying else trade.high >= order.trigger_price
        if not (touched or order.trigger_touched):
            return None
        order.trigger_touched = True
        current, message, _ = best_effort_price(prices, order.direction, placed)
        if buying and current <= order.limit_price:
            return Fill(min(current, order.limit_price), trade.end_time, message)
        if not buying and current >= order.limit_price:
            return Fill(max(current, order.limit_price), trade.end_time, message)
        return None

    @staticmethod
    def intraday_market_fill(order: Order, prices: IntradayPrices, now: dt.datetime) -> Fill | None:
        if not prices.is_exchange_open(now, False):
            return None
        placed = submitted_at(order)
        price, message, stale_end = best_effort_price(prices, order.direction, placed)
        if stale_end is not None and should_wait_for_fresh_data(prices, stale_end, placed):
            return None
        return Fill(price, now, message)

    @staticmethod
    def intraday_market_on_open_fill(
        order: Order, prices: IntradayPrices, now: dt.datetime
    ) -> Fill | None:
        placed = submitted_at(order)
        trade = prices.trade
        if trade is None or trade.time < placed:
            return None  # placed while the bar was forming: its open is gone
        if trade.period < ONE_HOUR and not prices.hours.is_open(trade.time, False):
            return None  # pre-market trades do not open the session
        if placed >= trade.end_time:
            return None
        if prices.hours.is_open(placed, False) and placed.date() == trade.end_time.date():
            return None  # placed during a session: wait for the next day's open
        if not prices.is_exchange_open(now, False):
            return None
        return Fill(trade.open, now)

    @staticmethod
    def intraday_market_on_close_fill(
        order: Order, prices: IntradayPrices, now: dt.datetime, next_close_after: dt.datetime
    ) -> Fill | None:
        if now < next_close_after:
            return None
        if prices.trade is not None and prices.trade.close != 0:
            return Fill(prices.trade.close, now)
        price, message, _ = best_effort_price(prices, order.direction, submitted_at(order))
        return Fill(price, now, message)


# LEAN prices these from the quote bar's side when quotes exist (FillModel.GetPrices); limit,
# stop market and limit-if-touched orders look at the trade bar (EquityFillModel).
_QUOTE_PRICED_ORDER_TYPES = frozenset({OrderType.STOP_LIMIT, OrderType.TRAILING_STOP})

# LEAN checks extended hours for these order types when the subscription has them.
_EXTENDED_ORDER_TYPES = frozenset(
    {OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED}
)


def best_effort_price(
    prices: IntradayPrices, direction: OrderDirection, placed: dt.datetime
) -> tuple[float, str, dt.datetime | None]:
    """(price, message, end of the stale data or None) as LEAN's GetBestEffortAskPrice (a
    purchase) or GetBestEffortBidPrice (a sale): the quote bar's side, then the trade bar."""
    cut_off = placed - STALE_PRICE_SPAN
    base_end: dt.datetime | None = None
    price, message = 0.0, ""
    quote = prices.quote
    if quote is not None:
        side = quote.ask if direction == OrderDirection.BUY else quote.bid
        quoted = side.close if side is not None else quote.close
        if quote.end_time >= cut_off:
            return quoted, "", None
        base_end, price = quote.end_time, quoted
        message = (
            f"Warning: fill at stale price ({_invariant(quote.end_time)} America/New_York), "
            "using QuoteBar data."
        )
    trade = prices.trade
    if trade is not None and (base_end is None or trade.end_time > base_end):
        message = (
            f"Warning: No quote information available at {_invariant(trade.end_time)} "
            "America/New_York, order filled using TradeBar data"
        )
        if trade.end_time >= cut_off:
            return trade.close, message, None
        base_end, price = trade.end_time, trade.close
    if base_end is None:
        side = "ask" if direction == OrderDirection.BUY else "bid"
        raise RuntimeError(
            f"Cannot get {side} price to perform fill: no market data for the security yet"
        )
    return price, message, base_end


def should_wait_for_fresh_data(
    prices: IntradayPrices, data_end: dt.datetime, placed: dt.datetime
) -> bool:
    """LEAN's ShouldWaitForFreshDataOnStale: hour data always waits; minute data waits when it
    ended more than one bar before the order."""
    if prices.period >= ONE_HOUR:
        return True
    return placed - data_end > prices.period


def _invariant(time: dt.datetime) -> str:
    """.NET's invariant culture DateTime text (MM/dd/yyyy HH:mm:ss)."""
    return f"{time:%m/%d/%Y %H:%M:%S}"


__all__ = [
    "IntradayFillModel",
    "IntradayPrices",
    "best_effort_price",
    "should_wait_for_fresh_data",
]
