"""LEAN's quote bars: the bid and the ask over a span (``Common/Data/Market/QuoteBar.cs``).

A QuoteBar holds a bid Bar and an ask Bar (either may be None: the file left that side empty)
and the last sizes quoted. Its own open, high, low and close are LEAN's: the mid-point of bid
and ask where both are non-zero, else the side that is non-zero, else 0 (the close falls back
on the bar's value, which is its close).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from local_lean.market_data import BaseData, TradeBars


class Bar:
    """Open, high, low and close of one side of the book (LEAN's ``Bar``)."""

    __slots__ = ("open", "high", "low", "close")

    def __init__(self, open: float, high: float, low: float, close: float) -> None:
        self.open = open
        self.high = high
        self.low = low
        self.close = close

    def scaled(self, factor: float) -> Bar:
        """The same bar with its prices multiplied by `factor` (a price adjustment)."""
        return Bar(self.open * factor, self.high * factor, self.low * factor, self.close * factor)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bar):
            return NotImplemented
        return (self.open, self.high, self.low, self.close) == (
            other.open,
            other.high,
            other.low,
            other.close,
        )

    def __repr__(self) -> str:
        return f"<Bar O:{self.open:g} H:{self.high:g} L:{self.low:g} C:{self.close:g}>"


def _mid(bid: float | None, ask: float | None) -> float:
    """LEAN's QuoteBar price rule: both sides non-zero -> their mean, else the non-zero one."""
    if bid and ask:
        return (bid + ask) / 2
    return bid or ask or 0.0


class QuoteBar(BaseData):
    """Bid and ask over [time, end_time) (LEAN's ``QuoteBar``)."""

    __slots__ = (
        "symbol",
        "time",
        "end_time",
        "bid",
        "ask",
        "last_bid_size",
        "last_ask_size",
        "is_fill_forward",
    )

    def __init__(
        self,
        symbol: Any,
        time: dt.datetime,
        end_time: dt.datetime,
        bid: Bar | None,
        last_bid_size: float,
        ask: Bar | None,
        last_ask_size: float,
        is_fill_forward: bool = False,
    ) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = end_time
        self.bid = bid
        self.ask = ask
        self.last_bid_size = last_bid_size
        self.last_ask_size = last_ask_size
        self.is_fill_forward = is_fill_forward

    def _side(self, field: str) -> float:
        bid = getattr(self.bid, field) if self.bid is not None else None
        ask = getattr(self.ask, field) if self.ask is not None else None
        return _mid(bid, ask)

    @property
    def open(self) -> float:
        return self._side("open")

    @property
    def high(self) -> float:
        return self._side("high")

    @property
    def low(self) -> float:
        return self._side("low")

    @property
    def close(self) -> float:
        return self._side("close")

    @property
    def value(self) -> float:
        return self.close

    @property
    def price(self) -> float:
        return self.close

    @property
    def period(self) -> dt.timedelta:
        return self.end_time - self.time

    def __repr__(self) -> str:
        return (
            f"<QuoteBar {getattr(self.symbol, 'value', self.symbol)} "
            f"{self.end_time:%Y-%m-%d %H:%M} bid:{self.bid} ask:{self.ask}>"
        )


class QuoteBars(TradeBars):
    """Quote bars by Symbol (or ticker), as ``slice.quote_bars``."""
