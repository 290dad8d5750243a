"""Consolidators whose bars end on price moves, not on time (LEAN's
BaseTimelessConsolidator.cs, ClassicRenkoConsolidator.cs and RangeConsolidator.cs):

- ``ClassicRenkoConsolidator(bar_size, selector=None, volume_selector=None, even_bars=True)``:
  renko bricks of `bar_size` over the selected value (the bar's close by default).
- ``RenkoConsolidator(bar_size)``: LEAN's "wicked" renko bricks over the price.
- ``VolumeRenkoConsolidator(bar_size)``: bricks of `bar_size` traded volume.
- ``RangeConsolidator(range, selector=None, volume_selector=None)``: bars whose high and low
  end `range` minimum price variations apart (a cent for US equities: 100 is $1.00).

Each input updates the open bar; when that closes, ``data_consolidated`` fires and the next
bar starts (several range bars may close on one input that jumps several ranges).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any

from local_lean.consolidators.bars import (
    BarDirection,
    RangeBar,
    RenkoBar,
    RenkoType,
    VolumeRenkoBar,
    to_decimal,
    wicked_renko_bar,
)
from local_lean.consolidators.base import ConsolidatorBase

Selector = Callable[[Any], float] | None

# LEAN's Extensions.GetDecimalEpsilon(): the smallest brick a renko consolidator accepts.
DECIMAL_EPSILON = Decimal("1e-28")

# The minimum price variation of US equities in LEAN's symbol properties database.
EQUITY_MINIMUM_PRICE_VARIATION = Decimal("0.01")


def _default_volume(data: Any) -> float:
    # LEAN: a trade bar's volume (a tick's quantity), 0 for anything else.
    volume = getattr(data, "volume", None)
    return 0.0 if volume is None else float(volume)


def _checked_selector(selector: Any, name: str) -> Selector:
    if selector is not None and not callable(selector):
        raise TypeError(
            f"Unable to convert parameter {name} to delegate type Func<IBaseData, decimal>: "
            f"pass a function of the bar, e.g. lambda bar: bar.close (got {selector!r})"
        )
    return selector


def _selected(selector: Callable[[Any], Any], data: Any, name: str) -> float:
    value = selector(data)
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise TypeError(f"the {name} returned {value!r}: it must return a number")
    if not math.isfinite(float(value)):
        raise ValueError(f"the {name} returned {value!r}: it must return a finite number")
    return float(value)


class BaseTimelessConsolidator(ConsolidatorBase):
    """Feeds the selected value and volume of each input to the open bar and starts a new
    bar when there is none (LEAN's BaseTimelessConsolidator)."""

    def __init__(self, selector: Selector = None, volume_selector: Selector = None) -> None:
        super().__init__()
        self._selector = _checked_selector(selector, "selector") or (lambda data: data.value)
        self._volume_selector = (
            _checked_selector(volume_selector, "volume_selector") or _default_volume
        )
        self._current_bar: Any = None

    def update(self, data: Any) -> None:
        value = _selected(self._selector, data, "selector")
        volume = _selected(self._volume_selector, data, "volume selector")
        if self._current_bar is not None:
            self._update_bar(data.time, value, volume)
        # Updating may have closed the bar: then this input also opens the next one.
        if self._current_bar is None:
            self._create_new_bar(data, value, volume)

    @property
    def working_data(self) -> Any:
        return None if self._current_bar is None else self._current_bar.clone()

    def reset(self) -> None:
        super().reset()
        self._current_bar = None

    def _update_bar(self, time: dt.datetime, value: float, volume: float) -> None:
        raise NotImplementedError

    def _create_new_bar(self, data: Any, value: float, volume: float) -> None:
        raise NotImplementedError


class ClassicRenkoConsolidator(BaseTimelessConsolidator):
    """Classic renko bricks of `bar_size`. With `even_bars` the first brick opens at the next
    multiple of `bar_size` at or above the first value; each later brick opens where the
    previous one closed."""

    def __init__(
        self,
        bar_size: float,
        selector: Any = None,
        volume_selector: Selector = None,
        even_bars: bool = True,
    ) -> None:
        if isinstance(selector, RenkoType):  # LEAN's obsolete (bar_size, type) overload
            if selector != RenkoType.CLASSIC:
                raise ValueError(
                    "Please use the new RenkoConsolidator type if RenkoType is not Classic"
                )
            selector = None
        if isinstance(selector, bool):  # (bar_size, even_bars)
            selector, even_bars = None, selector
        super().__init__(selector, volume_selector)
        if isinstance(bar_size, bool) or not isinstance(bar_size, int | float | Decimal):
            raise TypeError(f"bar_size must be a number, got {bar_size!r}")
        if not math.isfinite(float(bar_size)) or to_decimal(bar_size) < DECIMAL_EPSILON:
            raise ValueError(
                f"RenkoConsolidator bar size must be positve and greater than 1e-28, got "
                f"{bar_size!r}"
            )
        self._bar_size = float(bar_size)
        self._even_bars = bool(even_bars)
        self._last_close_value: float | None = None

    @property
    def type(self) -> RenkoType:
        return RenkoType.CLASSIC

    @property
    def output_type(self) -> type:
        return RenkoBar

    def reset(self) -> None:
        super().reset()
        self._last_close_value = None

    def _update_bar(self, time: dt.datetime, value: float, volume: float) -> None:
        bar = self._current_bar
        bar.update(time, value, volume)
        if bar.is_closed:
            self._last_close_value = bar.close
            self.on_data_consolidated(bar)
            self._current_bar = None

    def _create_new_bar(self, data: Any, value: float, volume: float) -> None:
        if self._last_close_value is not None:
            opened = self._last_close_value
        elif self._even_bars:
            size = to_decimal(self._bar_size)
            bricks = (to_decimal(value) / size).to_integral_value(rounding=ROUND_CEILING)
            opened = float(bricks * size)
        else:
            opened = value
        self._current_bar = RenkoBar(data.symbol, data.time, self._bar_size, opened, volume)


class RangeConsolidator(BaseTimelessConsolidator):
    """Range bars of `range` minimum price variations. The first bar opens at the next
    multiple of the range size at or above the first value; a bar that closes rising opens
    the next a cent above its high, one that closes falling a cent below its low."""

    def __init__(
        self, range: int, selector: Selector = None, volume_selector: Selector = None
    ) -> None:
        super().__init__(selector, volume_selector)
        if isinstance(range, bool) or not isinstance(range, int) or range < 1:
            raise ValueError(
                f"range must be a whole number of minimum price variations, at least 1 (100 "
                f"is $1.00 for a US equity), got {range!r}"
            )
        self._range = range
        self._range_size = Decimal(0)
        self._minimum_price_variation = Decimal(0)
        self._first_tick = True

    @property
    def range(self) -> int:
        return self._range

    @property
    def range_size(self) -> float:
        """The bars' high-low distance in price (0 until the first input)."""
        return float(self._range_size)

    @property
    def output_type(self) -> type:
        return RangeBar

    def reset(self) -> None:
        super().reset()
        self._first_tick = True
        self._minimum_price_variation = Decimal(0)
        self._range_size = Decimal(0)

    def _update_bar(self, time: dt.datetime, value: float, volume: float) -> None:
        bar = self._current_bar
        rising = False
        if value > bar.high:
            rising = True
        elif value < bar.low:
            rising = False
        bar.update(time, value, volume)
        step = self._minimum_price_variation
        while bar.is_closed:
            self.on_data_consolidated(bar)
            edge = to_decimal(bar.high) + step if rising else to_decimal(bar.low) - step
            bar = self._current_bar = RangeBar(
                bar.symbol, bar.end_time, float(self._range_size), float(edge)
            )
            # The bars a jump skips over (LEAN's phantom bars) get no volume.
            gap = abs(to_decimal(bar.low) - to_decimal(value))
            bar.update(time, value, 0.0 if gap > self._range_size else volume)

    def _create_new_bar(self, data: Any, value: float, volume: float) -> None:
        opened = to_decimal(value)
        if self._first_tick:
            self._minimum_price_variation = EQUITY_MINIMUM_PRICE_VARIATION
            self._range_size = self._minimum_price_variation * self._range
            bricks = (opened / self._range_size).to_integral_value(rounding=ROUND_CEILING)
            opened = bricks * self._range_size
            self._first_tick = False
        self._current_bar = RangeBar(
            data.symbol, data.time, float(self._range_size), float(opened), volume=volume
        )


class RenkoConsolidator(ConsolidatorBase):
    """LEAN's "wicked" renko consolidator over the price (a bar's close): the first price is
    rounded to the nearest multiple of `bar_size`; a brick closes each time the price passes
    a whole brick beyond the last one, keeping the high or low reached on the way (its wick).
    A reversal needs a brick beyond the last brick's open."""

    def __init__(self, bar_size: float) -> None:
        super().__init__()
        if isinstance(bar_size, bool) or not isinstance(bar_size, int | float | Decimal):
            raise TypeError(f"bar_size must be a number, got {bar_size!r}")
        if not math.isfinite(float(bar_size)) or float(bar_size) <= 0:
            raise ValueError("Renko consolidator BarSize must be strictly greater than zero")
        self._bar_size = to_decimal(bar_size)
        self.reset()

    @property
    def type(self) -> RenkoType:
        return RenkoType.WICKED

    @property
    def output_type(self) -> type:
        return RenkoBar

    @property
    def working_data(self) -> Any:
        return None if self._current_bar is None else self._current_bar.clone()

    @staticmethod
    def get_closest_multiple(price: float, bar_size: float) -> float:
        """`price` rounded to the nearest multiple of `bar_size` (halves to even, as .NET)."""
        size, value = to_decimal(bar_size), to_decimal(price)
        if size <= 0:
            raise ValueError("BarSize must be strictly greater than zero")
        floor = (value / size).to_integral_value(rounding=ROUND_FLOOR)
        modulus = value - size * floor
        rounded = (modulus / size).to_integral_value(rounding=ROUND_HALF_EVEN)
        return float(size * (floor + rounded))

    def reset(self) -> None:
        super().reset()
        self._first_tick = True
        self._last_wicko: RenkoBar | None = None
        self._current_bar: RenkoBar | None = None
        self._open_on: dt.datetime | None = None
        self._close_on: dt.datetime | None = None
        self._open_rate = self._high_rate = self._low_rate = self._close_rate = Decimal(0)

    def update(self, data: Any) -> None:
        rate = to_decimal(data.close if hasattr(data, "close") else data.value)
        if self._first_tick:
            self._first_tick = False
            rate = to_decimal(self.get_closest_multiple(float(rate), float(self._bar_size)))
            self._open_on = self._close_on = data.time
            self._open_rate = self._high_rate = self._low_rate = self._close_rate = rate
            return
        self._close_on = data.time
        self._high_rate = max(self._high_rate, rate)
        self._low_rate = min(self._low_rate, rate)
        self._close_rate = rate
        last = self._last_wicko
        if self._close_rate > self._open_rate:
            if last is None or last.direction == BarDirection.RISING:
                self._rising(data)
                return
            limit = to_decimal(last.open) + self._bar_size
            if self._close_rate > limit:
                self._emit(data, to_decimal(last.open), limit, self._low_rate, limit)
                self._open_rate = self._low_rate = limit
                self._rising(data)
        elif self._close_rate < self._open_rate:
            if last is None or last.direction == BarDirection.FALLING:
                self._falling(data)
                return
            limit = to_decimal(last.open) - self._bar_size
            if self._close_rate < limit:
                self._emit(data, to_decimal(last.open), self._high_rate, limit, limit)
                self._open_rate = self._high_rate = limit
                self._falling(data)

    def _rising(self, data: Any) -> None:
        while self._close_rate > (limit := self._open_rate + self._bar_size):
            self._emit(data, self._open_rate, limit, self._low_rate, limit)
            self._open_rate = self._low_rate = limit

    def _falling(self, data: Any) -> None:
        while self._close_rate < (limit := self._open_rate - self._bar_size):
            self._emit(data, self._open_rate, self._high_rate, limit, limit)
            self._open_rate = self._high_rate = limit

    def _emit(self, data: Any, *prices: Decimal) -> None:
        brick = wicked_renko_bar(
            data.symbol,
            self._open_on,
            self._close_on,
            float(self._bar_size),
            tuple(float(p) for p in prices),
        )
        self._last_wicko = brick
        self.on_data_consolidated(brick)
        self._current_bar = brick  # LEAN's working data is the last brick
        self._open_on = self._close_on


class VolumeRenkoConsolidator(ConsolidatorBase):
    """Bricks of `bar_size` traded volume (LEAN's VolumeRenkoConsolidator): each trade bar adds
    its volume to the open brick; a brick that fills fires, and the next one, opening at its
    close, takes the volume left over (one bar may fill several bricks)."""

    def __init__(self, bar_size: float) -> None:
        super().__init__()
        if isinstance(bar_size, bool) or not isinstance(bar_size, int | float | Decimal):
            raise TypeError(f"bar_size must be a number of shares, got {bar_size!r}")
        if not math.isfinite(float(bar_size)) or float(bar_size) <= 0:
            raise ValueError("VolumeRenkoConsolidator bar_size must be strictly greater than zero")
        self._bar_size = float(bar_size)
        self._current_bar: VolumeRenkoBar | None = None

    @property
    def output_type(self) -> type:
        return VolumeRenkoBar

    @property
    def working_data(self) -> Any:
        return self._current_bar

    def update(self, data: Any) -> None:
        if not all(hasattr(data, name) for name in ("open", "high", "low", "volume")):
            raise ValueError(
                f"{type(self).__name__} must be used with TradeBar or Tick data, got "
                f"{type(data).__name__}"
            )
        close = data.close
        if self._current_bar is None:
            self._current_bar = VolumeRenkoBar(
                data.symbol, data.time, data.end_time, self._bar_size,
                data.open, data.high, data.low, close, 0.0,
            )  # fmt: skip
        left_over = self._current_bar.update(data.end_time, data.high, data.low, close, data.volume)
        while left_over >= 0:
            self.on_data_consolidated(self._current_bar)
            self._current_bar = self._current_bar.rollover()
            left_over = self._current_bar.update(
                data.end_time, data.high, data.low, close, left_over
            )

    def reset(self) -> None:
        super().reset()
        self._current_bar = None
