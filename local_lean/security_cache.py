"""A security's cache of its latest data (LEAN's ``SecurityCache``).

LEAN keeps, per security, the latest data of each type that was not a fill-forward copy; fill
models read it with ``security.cache.get_data(TradeBar)``. The runner keeps those bars where it
fills from them: a minute or hour security's ``IntradayPrices`` (its latest trade and quote
bars), a daily security's latest session bar. ``SecurityCache`` reads them from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from local_lean.fills import DailyBar
from local_lean.lean_members import LeanMembers
from local_lean.market_data import TradeBar
from local_lean.quote_bars import QuoteBar


class Tick:
    """LEAN's quote ``Tick``: a bid and an ask at one moment. The runner reads bars, never
    ticks, so a security's cache holds none (``cache.get_data(Tick)`` is None)."""

    def __init__(self, time: dt.datetime, symbol: Any, bid: float, ask: float) -> None:
        self.time = self.end_time = time
        self.symbol = symbol
        self.bid_price = float(bid)
        self.ask_price = float(ask)
        # LEAN's quote tick: the mid price is its value
        self.value = (self.bid_price + self.ask_price) / 2

    @property
    def price(self) -> float:
        return self.value


class SecurityCache(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityCache",
    alternatives={},
    hint="the cache holds the security's latest TradeBar and QuoteBar: use get_data(type)",
):
    """The latest trade bar and quote bar of one security (none before its first data)."""

    def __init__(self, latest: Callable[[], tuple[TradeBar | None, QuoteBar | None]]) -> None:
        self._latest = latest

    def get_data(self, type: type | None = None) -> Any:
        """The latest data of `type` (TradeBar, QuoteBar, Tick); without a type, the latest
        of any (LEAN's ``GetData``: the trade bar first); None when there is none."""
        trade, quote = self._latest()
        if type is None:
            return trade if trade is not None else quote
        if type is TradeBar:
            return trade
        if type is QuoteBar:
            return quote
        if type is Tick:
            return None
        raise TypeError(
            f"cache.get_data({type!r}): the cache holds TradeBar and QuoteBar data (and no Tick)"
        )


def daily_trade_bar(symbol: Any, bar: DailyBar) -> TradeBar:
    """A session's bar as the TradeBar the cache holds: from the session's date (00:00) to
    its close, as daily bars reach the algorithm."""
    start = dt.datetime.combine(bar.start.date(), dt.time())
    return TradeBar(symbol, start, bar.end, bar.open, bar.high, bar.low, bar.close, bar.volume)


def no_data() -> tuple[None, None]:
    """The latest data of a security before any arrived."""
    return None, None


__all__ = ["SecurityCache", "Tick", "daily_trade_bar", "no_data"]
