"""Bar-range indicators (LEAN's MassIndex.cs, WilderSwingIndex.cs, WilderAccumulativeSwingIndex.cs).

- ``MassIndex([name,] ema_period=9, sum_period=25)``: the sum over `sum_period` bars of
  EMA(high - low) / EMA(EMA(high - low)), both EMAs of `ema_period`; the outer EMA takes the
  inner one's values once it is ready, and the sum takes the ratio once the outer EMA is ready
  (a zero divisor gives 0). Until the sum is ready the value is `sum_period`.
- ``WilderSwingIndex([name,] limit_move)``: 50 * N / R * K / T of the bar and the one before,
  T the absolute limit move (0 when R or T is 0; 0 for the first bar).
- ``WilderAccumulativeSwingIndex([name,] limit_move)``: the running sum of the swing index.
"""

from __future__ import annotations

from typing import Any

from local_lean.indicators.base import TradeBarIndicator, check_period
from local_lean.indicators.moving_averages import ExponentialMovingAverage, Sum


class MassIndex(TradeBarIndicator):
    """The Mass Index of the bars' ranges."""

    def __init__(self, *args: Any) -> None:
        name = args[0] if args and isinstance(args[0], str) else None
        periods = args[1:] if name is not None else args
        if len(periods) > 2:
            raise TypeError("MassIndex takes ([name,] ema_period=9, sum_period=25)")
        ema_period = periods[0] if periods else 9
        sum_period = periods[1] if len(periods) > 1 else 25
        check_period(ema_period, "MassIndex", "ema_period")
        check_period(sum_period, "MassIndex", "sum_period")
        super().__init__(name or f"MASS({ema_period},{sum_period})")
        self._ema1 = ExponentialMovingAverage(ema_period)
        self._ema2 = ExponentialMovingAverage(ema_period)
        self._sum = Sum(sum_period)
        self.warm_up_period = 2 * (ema_period - 1) + sum_period

    @property
    def is_ready(self) -> bool:
        return self._sum.is_ready

    def compute_next_value(self, input: Any) -> float:
        self._ema1.update(input.end_time, input.high - input.low)
        if self._ema1.is_ready:  # LEAN's ema1.EMA(period): fed once the first is ready
            self._ema2.update(self._ema1.current)
        if self._ema2.is_ready:
            divisor = self._ema2.current.value
            ratio = self._ema1.current.value / divisor if divisor != 0 else 0.0
            self._sum.update(input.end_time, ratio)
        if not self._sum.is_ready:
            return float(self._sum.period)
        return self._sum.current.value

    def reset(self) -> None:
        super().reset()
        self._ema1.reset()
        self._ema2.reset()
        self._sum.reset()


def _limit_move_arguments(owner: str, default_name: str, args: tuple) -> tuple[str, float]:
    if len(args) == 2 and isinstance(args[0], str):
        name, limit_move = args
    elif len(args) == 1:
        name, limit_move = default_name, args[0]
    else:
        raise TypeError(f"{owner} takes ([name,] limit_move)")
    if isinstance(limit_move, bool) or not isinstance(limit_move, int | float):
        raise TypeError(f"{owner} needs a number for limit_move, got {limit_move!r}")
    return name, abs(float(limit_move))


class WilderSwingIndex(TradeBarIndicator):
    """Wilder's Swing Index of each bar against the one before."""

    def __init__(self, *args: Any) -> None:
        name, self._limit_move = _limit_move_arguments("WilderSwingIndex", "SI", args)
        super().__init__(name)
        self._bar: Any = None
        self._bar_before: Any = None
        self.warm_up_period = 2

    @property
    def is_ready(self) -> bool:
        return self.samples > 1

    def compute_next_value(self, input: Any) -> float:
        if not self.is_ready:
            self._bar = input
            return 0.0
        self._bar_before, self._bar = self._bar, input
        n, r, k = self._n_value(), self._r_value(), self._k_value()
        if r == 0 or self._limit_move == 0:
            return 0.0
        return 50 * (n / r) * (k / self._limit_move)

    def reset(self) -> None:
        super().reset()
        self._bar = self._bar_before = None

    def _n_value(self) -> float:
        now, before = self._bar, self._bar_before
        return (
            (now.close - before.close)
            + 0.5 * (now.close - now.open)
            + 0.25 * (before.close - before.open)
        )

    def _r_value(self) -> float:
        now, before = self._bar, self._bar_before
        high_to_close = abs(now.high - before.close)
        low_to_close = abs(now.low - before.close)
        high_to_low = abs(now.high - now.low)
        body_before = abs(0.25 * (before.close - before.open))
        largest = max(high_to_close, low_to_close, high_to_low)
        if largest == high_to_close:  # the first of the largest, as LEAN's IndexOf
            return high_to_close - abs(0.5 * (now.low - before.close)) + body_before
        if largest == low_to_close:
            return low_to_close - abs(0.5 * (now.high - before.close)) + body_before
        return high_to_low + body_before

    def _k_value(self) -> float:
        now, before = self._bar, self._bar_before
        return max(abs(now.high - before.close), abs(now.low - before.close))


class WilderAccumulativeSwingIndex(TradeBarIndicator):
    """The running sum of Wilder's Swing Index."""

    def __init__(self, *args: Any) -> None:
        name, limit_move = _limit_move_arguments("WilderAccumulativeSwingIndex", "ASI", args)
        super().__init__(name)
        self._swing_index = WilderSwingIndex(limit_move)
        self.warm_up_period = 2

    @property
    def is_ready(self) -> bool:
        return self.samples > 1

    def compute_next_value(self, input: Any) -> float:
        if not self._swing_index.update(input):
            return 0.0
        swing = self._swing_index.current.value
        return self.current.value + swing if self.is_ready else swing

    def reset(self) -> None:
        self._swing_index.reset()
        super().reset()


__all__ = ["MassIndex", "WilderAccumulativeSwingIndex", "WilderSwingIndex"]
