"""The bars the timeless consolidators produce: RenkoBar, VolumeRenkoBar and RangeBar (LEAN's
Common/Data/Market/RenkoBar.cs, VolumeRenkoBar.cs and RangeBar.cs).

LEAN computes them in .NET decimals; the arithmetic here is done in ``Decimal`` too, so a brick
edge such as 137.5 + 2.5 or a range of exactly 1.00 is exact and a price that touches an edge
closes the bar as it does in LEAN. Values come in as floats (bars, Python selectors) and are
read with 15 significant digits, as .NET converts a double to a decimal; the bar's fields are
floats again for the algorithm.
"""

from __future__ import annotations

import datetime as dt
import numbers
from decimal import Decimal
from enum import IntEnum
from typing import Any

from local_lean.market_data import TradeBar
from local_lean.symbols import Symbol

# .NET's DateTime.MinValue: the time of a bar whose start LEAN never sets (RangeBar).
MIN_TIME = dt.datetime(1, 1, 1)


def to_decimal(value: Any) -> Decimal:
    """A number as .NET's ``(decimal)double`` reads it: 15 significant digits."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"expected a number, got {value!r}")
    return Decimal(format(float(value), ".15g"))


class RenkoType(IntEnum):
    """LEAN's RenkoType: CLASSIC bricks (ClassicRenkoConsolidator) or WICKED ones."""

    CLASSIC = 0
    WICKED = 1


class BarDirection(IntEnum):
    """LEAN's BarDirection of a renko bar."""

    RISING = 0
    NO_DELTA = 1
    FALLING = 2


class RenkoBar(TradeBar):
    """A renko brick: it opens at `open` and closes once the value moves a whole brick
    (``brick_size``) up or down; ``time`` is its first update, ``end_time`` its last."""

    __slots__ = ("brick_size", "is_closed", "type")

    def __init__(
        self,
        symbol: Symbol,
        time: dt.datetime,
        brick_size: float,
        open: float,
        volume: float,
    ) -> None:
        super().__init__(symbol, time, time, open, open, open, open, volume)
        self.brick_size = brick_size
        self.is_closed = False
        self.type = RenkoType.CLASSIC

    @property
    def start(self) -> dt.datetime:
        return self.time

    @property
    def end(self) -> dt.datetime:
        return self.end_time

    @property
    def direction(self) -> BarDirection:
        if self.open < self.close:
            return BarDirection.RISING
        if self.open > self.close:
            return BarDirection.FALLING
        return BarDirection.NO_DELTA

    @property
    def spread(self) -> float:
        return abs(self.close - self.open)

    def update(
        self, time: dt.datetime, current_value: float, volume_since_last_update: float
    ) -> bool:
        """Move the brick's close toward `current_value` (within one brick of the open);
        returns whether the brick is now closed. A closed brick no longer changes."""
        if self.type == RenkoType.WICKED:
            raise ValueError('A "Wicked" RenkoBar cannot be updated!')
        if self.is_closed:
            return True
        self.end_time = time
        value = to_decimal(current_value)
        brick, opened = to_decimal(self.brick_size), to_decimal(self.open)
        low_close, high_close = opened - brick, opened + brick
        close = min(high_close, max(low_close, value))
        self.close = float(close)
        self.volume += volume_since_last_update
        if value <= low_close or value >= high_close:
            self.is_closed = True
        if close > to_decimal(self.high):
            self.high = float(close)
        if close < to_decimal(self.low):
            self.low = float(close)
        return self.is_closed

    def clone(self) -> RenkoBar:
        copy = RenkoBar(self.symbol, self.time, self.brick_size, self.open, self.volume)
        copy.end_time, copy.high, copy.low, copy.close = (
            self.end_time,
            self.high,
            self.low,
            self.close,
        )
        copy.is_closed, copy.type = self.is_closed, self.type
        return copy

    def __repr__(self) -> str:
        return (
            f"<RenkoBar {self.symbol.value} {self.end_time:%Y-%m-%d %H:%M} O:{self.open:g} "
            f"C:{self.close:g} brick:{self.brick_size:g}>"
        )


class RangeBar(TradeBar):
    """A bar whose high and low are ``range_size`` apart once closed. As in LEAN only its
    ``end_time`` is set (its ``time`` is .NET's DateTime.MinValue, year 1)."""

    __slots__ = ("range_size", "is_closed")

    def __init__(
        self,
        symbol: Symbol,
        end_time: dt.datetime,
        range_size: float,
        open: float,
        high: float | None = None,
        low: float | None = None,
        close: float | None = None,
        volume: float = 0.0,
    ) -> None:
        super().__init__(
            symbol,
            MIN_TIME,
            end_time,
            open,
            open if high is None else high,
            open if low is None else low,
            open if close is None else close,
            volume,
        )
        self.range_size = range_size
        self.is_closed = False

    def update(
        self, time: dt.datetime, current_value: float, volume_since_last_update: float
    ) -> None:
        """Widen the bar to `current_value`; a value beyond ``range_size`` from the other end
        closes it at exactly that distance (the volume is then left for the next bar)."""
        self.end_time = time
        value, size = to_decimal(current_value), to_decimal(self.range_size)
        high, low = to_decimal(self.high), to_decimal(self.low)
        if value < low:
            if high - value > size:
                self.is_closed = True
                self.low = self.close = float(high - size)
                return
            self.low = float(value)
        elif value > high:
            if value - low > size:
                self.is_closed = True
                self.high = self.close = float(low + size)
                return
            self.high = float(value)
        self.volume += volume_since_last_update

    def clone(self) -> RangeBar:
        copy = RangeBar(
            self.symbol,
            self.end_time,
            self.range_size,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
        )
        copy.is_closed = self.is_closed
        return copy

    def __repr__(self) -> str:
        return (
            f"<RangeBar {self.symbol.value} {self.end_time:%Y-%m-%d %H:%M} O:{self.open:g} "
            f"H:{self.high:g} L:{self.low:g} C:{self.close:g}>"
        )


def wicked_renko_bar(
    symbol: Symbol,
    start: dt.datetime,
    end_time: dt.datetime,
    brick_size: float,
    prices: tuple[float, ...],
) -> RenkoBar:
    """A finished WICKED brick (RenkoConsolidator's): open, high, low, close; no volume."""
    open, high, low, close = prices
    bar = RenkoBar(symbol, start, brick_size, open, 0.0)
    bar.end_time, bar.high, bar.low, bar.close = end_time, high, low, close
    bar.type = RenkoType.WICKED
    return bar


class VolumeRenkoBar(TradeBar):
    """A brick of traded volume: it closes once its volume reaches ``brick_size`` (LEAN's
    VolumeRenkoBar); ``time`` is its start, ``end_time`` its last update."""

    __slots__ = ("brick_size", "type")

    def __init__(
        self,
        symbol: Symbol,
        start: dt.datetime,
        end_time: dt.datetime,
        brick_size: float,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float,
    ) -> None:
        super().__init__(symbol, start, end_time, open, high, low, close, volume)
        self.brick_size = brick_size
        self.type = RenkoType.CLASSIC

    @property
    def start(self) -> dt.datetime:
        return self.time

    @property
    def is_closed(self) -> bool:
        return self.volume >= self.brick_size

    def update(
        self, time: dt.datetime, high: float, low: float, close: float, volume: float
    ) -> float:
        """Add an input's prices and `volume` (up to the brick's size); returns the volume
        beyond the brick (negative while the brick is not full; 0 for a closed brick)."""
        if self.is_closed:
            return 0.0
        self.end_time = time
        excess = self.volume + volume - self.brick_size
        self.volume = self.brick_size if excess > 0 else self.volume + volume
        self.close = close
        self.high = max(self.high, high)
        self.low = min(self.low, low)
        return excess

    def rollover(self) -> VolumeRenkoBar:
        """The next brick: it opens at this one's close, when this one ended, with no volume."""
        close, end = self.close, self.end_time
        return VolumeRenkoBar(
            self.symbol, end, end, self.brick_size, close, close, close, close, 0.0
        )
