"""Momentum-style indicators, as LEAN computes them (Indicators/*.cs).

- ``Momentum(period)``: x - x[period ago]; ``RateOfChange(period)``: (x - x0) / x0, 0 when
  x0 is 0. Both are ready after period + 1 inputs and use the oldest input held before that.
- ``Delay(period)``: the input `period` updates ago (the oldest one held before that).
- ``Maximum(period)`` / ``Minimum(period)``: the extreme of the last `period` inputs, with
  ``periods_since_maximum`` / ``periods_since_minimum``.
- ``RelativeStrengthIndex(period, moving_average_type=WILDERS)``: 100 - 100 / (1 + gain/loss),
  gains and losses averaged by the moving average type; 100 while the average loss is 0.
- ``MovingAverageConvergenceDivergence(fast, slow, signal, type=EXPONENTIAL)``: fast - slow,
  its ``signal`` average (fed once fast and slow are ready) and ``histogram`` (macd - signal).
- ``Stochastic(period, k_period, d_period)`` (bars): ``fast_stoch`` = (close - lowest low) /
  (highest high - lowest low) x 100 over `period` bars (0 without a range), ``stoch_k`` the
  mean of the last `k_period` fast values x 100, ``stoch_d`` the mean of the last `d_period`
  %K values; each is 0 until its window is full. Its value is the fast one; ready when %D is,
  after period + k_period + d_period - 2 bars.
"""

from __future__ import annotations

from typing import Any

from local_lean.indicators.base import (
    BarIndicator,
    Indicator,
    IndicatorDataPoint,
    WindowIndicator,
    bind_overload,
    check_period,
)
from local_lean.indicators.identity import Identity
from local_lean.indicators.moving_averages import MovingAverageType, Sum, moving_average
from local_lean.indicators.rolling_window import RollingWindow


def _oldest_input(window: RollingWindow) -> IndicatorDataPoint:
    """The input `period` updates ago, or the first one while fewer arrived."""
    if window.samples <= window.size:
        return window[window.count - 1]
    return window.most_recently_removed


class Momentum(WindowIndicator):
    """The change over `period` inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Momentum", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"MOM({period})", period)

    @property
    def is_ready(self) -> bool:
        return self.samples > self.period

    @property
    def warm_up_period(self) -> int:
        return self.period + 1

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        return input.value - _oldest_input(window).value


class Delay(WindowIndicator):
    """The input `period` updates ago; ready after period + 1 inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Delay", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"DELAY({period})", period)

    @property
    def is_ready(self) -> bool:
        return self.samples > self.period

    @property
    def warm_up_period(self) -> int:
        return self.period + 1

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        return _oldest_input(window).value


class RateOfChange(WindowIndicator):
    """The relative change over `period` inputs (0.05 is 5%)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("RateOfChange", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"ROC({period})", period)

    @property
    def is_ready(self) -> bool:
        return self.samples > self.period

    @property
    def warm_up_period(self) -> int:
        return self.period + 1

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        denominator = _oldest_input(window).value
        if denominator == 0:
            return 0.0
        return (input.value - denominator) / denominator


class Maximum(WindowIndicator):
    """The largest of the last `period` inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Maximum", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"MAX({period})", period)
        self._periods_since = 0

    @property
    def periods_since_maximum(self) -> int:
        return self._periods_since

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        if self.samples == 1 or input.value >= self.current.value:
            self._periods_since = 0
            return input.value
        if self._periods_since >= self.period - 1:
            # The maximum leaves the window: search it again (the newest of equal values).
            index = max(range(window.count), key=lambda i: (window[i].value, -i))
            self._periods_since = index
            return window[index].value
        self._periods_since += 1
        return self.current.value

    def reset(self) -> None:
        self._periods_since = 0
        super().reset()


class Minimum(WindowIndicator):
    """The smallest of the last `period` inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Minimum", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"MIN({period})", period)
        self._periods_since = 0

    @property
    def periods_since_minimum(self) -> int:
        return self._periods_since

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        if self.samples == 1 or input.value <= self.current.value:
            self._periods_since = 0
            return input.value
        if self._periods_since >= self.period - 1:
            index = min(range(window.count), key=lambda i: (window[i].value, i))
            self._periods_since = index
            return window[index].value
        self._periods_since += 1
        return self.current.value

    def reset(self) -> None:
        self._periods_since = 0
        super().reset()


class RelativeStrengthIndex(Indicator):
    """Average gain against average loss, 0 to 100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(
            "RelativeStrengthIndex",
            args,
            kwargs,
            ("period", "moving_average_type"),
            {"moving_average_type": MovingAverageType.WILDERS},
        )
        period = check_period(values["period"], "RelativeStrengthIndex")
        kind = values["moving_average_type"]
        name = name or f"RSI({period})"
        super().__init__(name)
        self._moving_average_type = kind
        self._average_gain = moving_average(kind, name + "Up", period)
        self._average_loss = moving_average(kind, name + "Down", period)
        self._warm_up_period = period + 1
        self._previous: IndicatorDataPoint | None = None

    @property
    def moving_average_type(self) -> MovingAverageType:
        return self._moving_average_type

    @property
    def average_gain(self) -> Indicator:
        return self._average_gain

    @property
    def average_loss(self) -> Indicator:
        return self._average_loss

    @property
    def is_ready(self) -> bool:
        return self._average_gain.is_ready and self._average_loss.is_ready

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        previous = self._previous
        if previous is not None:
            change = input.value - previous.value
            self._average_gain.update(input.end_time, max(change, 0.0))
            self._average_loss.update(input.end_time, max(-change, 0.0))
        self._previous = input
        loss = max(self._average_loss.current.value, 0.0)
        gain = max(self._average_gain.current.value, 0.0)
        if round(loss, 10) == 0:
            return 100.0
        return 100.0 - 100.0 / (1 + gain / loss)

    def reset(self) -> None:
        self._previous = None
        self._average_gain.reset()
        self._average_loss.reset()
        super().reset()


class MovingAverageConvergenceDivergence(Indicator):
    """fast average - slow average, with its ``signal`` average and ``histogram``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(
            "MovingAverageConvergenceDivergence",
            args,
            kwargs,
            ("fast_period", "slow_period", "signal_period", "type"),
            {"type": MovingAverageType.EXPONENTIAL},
        )
        owner = "MovingAverageConvergenceDivergence"
        fast = check_period(values["fast_period"], owner, "fast_period")
        slow = check_period(values["slow_period"], owner, "slow_period")
        signal = check_period(values["signal_period"], owner, "signal_period")
        if fast >= slow:
            raise ValueError(
                f"{owner}: fast_period must be less than slow_period, got {fast} and {slow}"
            )
        kind = values["type"]
        name = name or f"MACD({fast},{slow},{signal})"
        super().__init__(name)
        self._fast = moving_average(kind, name + "_Fast", fast)
        self._slow = moving_average(kind, name + "_Slow", slow)
        self._signal = moving_average(kind, name + "_Signal", signal)
        self._histogram = Identity(name + "_Histogram")
        self._warm_up_period = slow + signal - 1

    @property
    def fast(self) -> Indicator:
        return self._fast

    @property
    def slow(self) -> Indicator:
        return self._slow

    @property
    def signal(self) -> Indicator:
        return self._signal

    @property
    def histogram(self) -> Identity:
        return self._histogram

    @property
    def is_ready(self) -> bool:
        return self._signal.is_ready

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        fast_ready = self._fast.update(input)
        slow_ready = self._slow.update(input)
        macd = self._fast.current.value - self._slow.current.value
        if fast_ready and slow_ready and self._signal.update(input.end_time, macd):
            self._histogram.update(input.end_time, macd - self._signal.current.value)
        return macd

    def reset(self) -> None:
        for part in (self._fast, self._slow, self._signal, self._histogram):
            part.reset()
        super().reset()


class _StochasticPart(BarIndicator):
    """One of a Stochastic's three values (LEAN's ``FunctionalIndicator``): computed by the
    Stochastic's function for it, ready when the window that feeds it is full."""

    def __init__(self, name: str, compute: Any, ready: Any) -> None:
        super().__init__(name)
        self._compute = compute
        self._ready = ready

    @property
    def is_ready(self) -> bool:
        return bool(self._ready())

    def compute_next_value(self, input: Any) -> float:
        return self._compute(input)


class Stochastic(BarIndicator):
    """LEAN's Stochastic (Indicators/Stochastic.cs): the fast %K, the slow %K and %D of bars."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Stochastic", args, kwargs, ("period", "k_period", "d_period"))
        period = check_period(values["period"], "Stochastic")
        k_period = check_period(values["k_period"], "Stochastic", "k_period")
        d_period = check_period(values["d_period"], "Stochastic", "d_period")
        name = name or f"STO({period},{k_period},{d_period})"
        super().__init__(name)
        self._k_period, self._d_period = k_period, d_period
        self._maximum = Maximum(f"{name}_Max", period)
        self._minimum = Minimum(f"{name}_Min", period)
        self._sum_fast_k = Sum(f"{name}_SumFastK", k_period)
        self._sum_slow_k = Sum(f"{name}_SumD", d_period)
        self._fast_stoch = _StochasticPart(
            f"{name}_FastStoch", self._next_fast_stoch, lambda: self._maximum.is_ready
        )
        self._stoch_k = _StochasticPart(
            f"{name}_StochK", self._next_stoch_k, lambda: self._sum_fast_k.is_ready
        )
        self._stoch_d = _StochasticPart(
            f"{name}_StochD", self._next_stoch_d, lambda: self._sum_slow_k.is_ready
        )
        # The first fast value comes after `period` bars; each smoothing adds its period - 1.
        self._warm_up_period = period + k_period + d_period - 2

    @property
    def fast_stoch(self) -> BarIndicator:
        return self._fast_stoch

    @property
    def stoch_k(self) -> BarIndicator:
        return self._stoch_k

    @property
    def stoch_d(self) -> BarIndicator:
        return self._stoch_d

    @property
    def is_ready(self) -> bool:
        return self._fast_stoch.is_ready and self._stoch_k.is_ready and self._stoch_d.is_ready

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    def compute_next_value(self, input: Any) -> float:
        self._maximum.update(input.end_time, input.high)
        self._minimum.update(input.end_time, input.low)
        self._fast_stoch.update(input)
        self._stoch_k.update(input)
        self._stoch_d.update(input)
        return self._fast_stoch.current.value

    def _next_fast_stoch(self, input: Any) -> float:
        if not self._maximum.is_ready:
            return 0.0
        low = self._minimum.current.value
        denominator = self._maximum.current.value - low
        if denominator == 0:
            return 0.0  # no range: LEAN gives 0 and feeds nothing to the %K sum
        fast = (input.close - low) / denominator
        self._sum_fast_k.update(input.end_time, fast)
        return fast * 100

    def _next_stoch_k(self, input: Any) -> float:
        if not self._sum_fast_k.is_ready:
            return 0.0
        slow_k = self._sum_fast_k.current.value / self._k_period
        self._sum_slow_k.update(input.end_time, slow_k)
        return slow_k * 100

    def _next_stoch_d(self, input: Any) -> float:
        if not self._sum_slow_k.is_ready:
            return 0.0
        return self._sum_slow_k.current.value / self._d_period * 100

    def reset(self) -> None:
        for part in (
            self._fast_stoch,
            self._stoch_k,
            self._stoch_d,
            self._maximum,
            self._minimum,
            self._sum_fast_k,
            self._sum_slow_k,
        ):
            part.reset()
        super().reset()
