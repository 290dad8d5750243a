"""Moving averages and the rolling sum, as LEAN computes them (Indicators/*.cs).

- ``Sum(period)``: the sum of the last `period` inputs (fewer before it is ready).
- ``SimpleMovingAverage(period)``: that sum over the inputs held (a partial mean before ready).
- ``ExponentialMovingAverage(period[, smoothing_factor])``: 0 until `period` inputs, then
  seeded with their simple mean, then ``k * x + (1 - k) * previous`` (k = 2 / (period + 1)).
- ``WilderMovingAverage(period)``: the partial simple mean until ready, then k = 1 / period.
- ``LinearWeightedMovingAverage(period)``: 0 until ready, then weights period..1, newest first.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from local_lean.errors import NotSupportedError
from local_lean.indicators.base import (
    Indicator,
    IndicatorDataPoint,
    WindowIndicator,
    bind_overload,
    check_period,
)
from local_lean.indicators.rolling_window import RollingWindow


class MovingAverageType(IntEnum):
    """LEAN's moving-average kinds (values as in LEAN); local_lean computes the first four."""

    SIMPLE = 0
    EXPONENTIAL = 1
    WILDERS = 2
    LINEAR_WEIGHTED_MOVING_AVERAGE = 3
    DOUBLE_EXPONENTIAL = 4
    TRIPLE_EXPONENTIAL = 5
    TRIANGULAR = 6
    T_3 = 7
    KAMA = 8
    HULL = 9
    ALMA = 10
    ZLEMA = 11
    MGD = 12


class Sum(WindowIndicator):
    """The rolling sum of the last `period` inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("Sum", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"SUM({period})", period)
        self._sum = 0.0

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        self._sum += input.value
        if window.samples > window.size:
            self._sum -= window.most_recently_removed.value
        return self._sum

    def reset(self) -> None:
        self._sum = 0.0
        super().reset()


class SimpleMovingAverage(WindowIndicator):
    """The mean of the last `period` inputs; ``rolling_sum`` is their Sum."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("SimpleMovingAverage", args, kwargs, ("period",))
        period = values["period"]
        name = name or f"SMA({period})"
        super().__init__(name, period)
        self._rolling_sum = Sum(name + "_Sum", period)

    @property
    def rolling_sum(self) -> Sum:
        return self._rolling_sum

    @property
    def is_ready(self) -> bool:
        return self._rolling_sum.is_ready

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        self._rolling_sum.update(input.end_time, input.value)
        return self._rolling_sum.current.value / window.count

    def reset(self) -> None:
        self._rolling_sum.reset()
        super().reset()


class ExponentialMovingAverage(Indicator):
    """0 until `period` inputs arrived, then seeded with their simple mean and smoothed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(
            "ExponentialMovingAverage",
            args,
            kwargs,
            ("period", "smoothing_factor"),
            {"smoothing_factor": None},
        )
        period = check_period(values["period"], "ExponentialMovingAverage")
        factor = values["smoothing_factor"]
        if factor is None:
            factor = self.smoothing_factor_default(period)
            name = name or f"EMA({period})"
        else:
            factor = float(factor)
            name = name or f"EMA({period},{factor:g})"
        super().__init__(name)
        self._period = period
        self._k = factor
        self._initial_sma = SimpleMovingAverage(period)

    @staticmethod
    def smoothing_factor_default(period: int) -> float:
        return 2.0 / (1 + period)

    @property
    def warm_up_period(self) -> int:
        return self._period

    @property
    def is_ready(self) -> bool:
        return self.samples >= self._period

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        if self.samples <= self._period:
            self._initial_sma.update(input)
        if not self.is_ready:
            return 0.0
        if self.samples == self._period:
            return self._initial_sma.current.value
        return input.value * self._k + self.current.value * (1 - self._k)

    def reset(self) -> None:
        super().reset()
        self._initial_sma.reset()


class WilderMovingAverage(Indicator):
    """Wilder's smoothing: the running simple mean until ready, then k = 1 / period."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("WilderMovingAverage", args, kwargs, ("period",))
        period = check_period(values["period"], "WilderMovingAverage")
        name = name or f"WWMA{period}"
        super().__init__(name)
        self._period = period
        self._k = 1.0 / period
        self._sma = SimpleMovingAverage(name + "_SMA", period)

    @property
    def is_ready(self) -> bool:
        return self.samples >= self._period

    @property
    def warm_up_period(self) -> int:
        return self._period

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        if not self.is_ready:
            self._sma.update(input)
            return self._sma.current.value
        return input.value * self._k + self.current.value * (1 - self._k)

    def reset(self) -> None:
        self._sma.reset()
        super().reset()


class LinearWeightedMovingAverage(WindowIndicator):
    """Weights period, period - 1, ..., 1 from the newest input; 0 until ready."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload("LinearWeightedMovingAverage", args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or f"LWMA({period})", period)
        self._denominator = period * (period + 1) // 2

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        if not self.is_ready:
            return 0.0
        weights = range(window.size, 0, -1)
        return sum(w * point.value for w, point in zip(weights, window, strict=False)) / (
            self._denominator
        )


# The kinds local_lean computes; LEAN's MovingAverageTypeExtensions.AsIndicator.
_MOVING_AVERAGES = {
    MovingAverageType.SIMPLE: SimpleMovingAverage,
    MovingAverageType.EXPONENTIAL: ExponentialMovingAverage,
    MovingAverageType.WILDERS: WilderMovingAverage,
    MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE: LinearWeightedMovingAverage,
}


def moving_average(kind: Any, name: str, period: int) -> Indicator | WindowIndicator:
    """A new moving average of `kind` (a MovingAverageType) named `name`."""
    if not isinstance(kind, MovingAverageType):
        raise TypeError(f"expected a MovingAverageType, got {kind!r}")
    factory = _MOVING_AVERAGES.get(kind)
    if factory is None:
        supported = ", ".join(k.name for k in _MOVING_AVERAGES)
        raise NotSupportedError(f"MovingAverageType.{kind.name}", f"use one of {supported}")
    check_period(period, f"a {kind.name} moving average")
    return factory(name, period)
