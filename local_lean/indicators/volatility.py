"""Dispersion and range indicators, as LEAN computes them (Indicators/*.cs).

- ``Variance(period)``: population variance of the last `period` inputs (fewer before ready),
  from rolling sums; ``StandardDeviation(period)`` is its square root.
- ``BollingerBands(period, k, moving_average_type=SIMPLE)``: ``middle_band`` the average,
  ``upper_band`` / ``lower_band`` k standard deviations away, ``band_width`` and ``percent_b``.
- ``TrueRange()``: max(high - low, |previous close - high|, |previous close - low|).
- ``AverageTrueRange(period, moving_average_type=WILDERS)``: the average of the true range.
"""

from __future__ import annotations

import math
from typing import Any

from local_lean.indicators.base import (
    BarIndicator,
    Indicator,
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorResult,
    IndicatorStatus,
    WindowIndicator,
    bind_overload,
    check_period,
)
from local_lean.indicators.composition import IndicatorExtensions
from local_lean.indicators.identity import ConstantIndicator, Identity
from local_lean.indicators.moving_averages import MovingAverageType, moving_average
from local_lean.indicators.rolling_window import RollingWindow


class Variance(WindowIndicator):
    """Population variance of the last `period` inputs; 0 after a single input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(type(self).__name__, args, kwargs, ("period",))
        period = values["period"]
        super().__init__(name or self._default_name(period), period)
        self._sum = 0.0
        self._sum_of_squares = 0.0

    @staticmethod
    def _default_name(period: int) -> str:
        return f"VAR({period})"

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        self._sum += input.value
        self._sum_of_squares += input.value * input.value
        if self.samples < 2:
            return 0.0
        n = min(self.period, self.samples)
        mean = self._sum / n
        mean_of_squares = self._sum_of_squares / n
        if n == self.period:
            # The oldest input leaves the sums before the next one arrives.
            oldest = window[self.period - 1].value
            self._sum -= oldest
            self._sum_of_squares -= oldest * oldest
        return max(0.0, mean_of_squares - mean * mean)

    def reset(self) -> None:
        self._sum = 0.0
        self._sum_of_squares = 0.0
        super().reset()


class StandardDeviation(Variance):
    """The square root of the Variance."""

    @staticmethod
    def _default_name(period: int) -> str:
        return f"STD({period})"

    def _compute_from_window(self, window: RollingWindow, input: IndicatorDataPoint) -> float:
        return math.sqrt(super()._compute_from_window(window, input))


class BollingerBands(Indicator):
    """The moving average and bands k standard deviations above and below it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(
            "BollingerBands",
            args,
            kwargs,
            ("period", "k", "moving_average_type"),
            {"moving_average_type": MovingAverageType.SIMPLE},
        )
        period = check_period(values["period"], "BollingerBands")
        k = float(values["k"])
        kind = values["moving_average_type"]
        name = name or f"BB({period},{k:g})"
        super().__init__(name)
        self._warm_up_period = period
        self._moving_average_type = kind
        plus, minus = IndicatorExtensions.plus, IndicatorExtensions.minus
        over, times = IndicatorExtensions.over, IndicatorExtensions.times
        # Built as LEAN builds them, so the bands update in the same order from the events.
        self._standard_deviation = StandardDeviation(name + "_StandardDeviation", period)
        self._middle_band = moving_average(kind, name + "_MiddleBand", period)
        self._lower_band = minus(
            self._middle_band, times(self._standard_deviation, k), name + "_LowerBand"
        )
        self._upper_band = plus(
            self._middle_band, times(self._standard_deviation, k), name + "_UpperBand"
        )
        upper_minus_lower = minus(self._upper_band, self._lower_band)
        self._band_width = times(
            over(upper_minus_lower, self._middle_band),
            ConstantIndicator("ct", 100.0),
            name + "_BandWidth",
        )
        self._price = Identity(name + "_Close")
        self._percent_b = over(
            minus(self._price, self._lower_band), upper_minus_lower, name + "_%B"
        )

    @property
    def moving_average_type(self) -> MovingAverageType:
        return self._moving_average_type

    @property
    def standard_deviation(self) -> StandardDeviation:
        return self._standard_deviation

    @property
    def middle_band(self) -> IndicatorBase:
        return self._middle_band

    @property
    def upper_band(self) -> IndicatorBase:
        return self._upper_band

    @property
    def lower_band(self) -> IndicatorBase:
        return self._lower_band

    @property
    def band_width(self) -> IndicatorBase:
        return self._band_width

    @property
    def percent_b(self) -> IndicatorBase:
        return self._percent_b

    @property
    def price(self) -> Identity:
        return self._price

    @property
    def is_ready(self) -> bool:
        parts = (
            self._middle_band,
            self._upper_band,
            self._lower_band,
            self._band_width,
            self._percent_b,
        )
        return all(part.is_ready for part in parts)

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._standard_deviation.update(input)
        self._middle_band.update(input)
        self._price.update(input)
        return input.value

    def validate_and_compute_next_value(self, input: IndicatorDataPoint) -> IndicatorResult:
        value = self.compute_next_value(input)
        if self.is_ready and self._standard_deviation.current.value == 0:
            return IndicatorResult(value, IndicatorStatus.MATH_ERROR)
        return IndicatorResult(value)

    def reset(self) -> None:
        parts = (
            self._standard_deviation,
            self._middle_band,
            self._upper_band,
            self._lower_band,
            self._band_width,
            self._percent_b,
        )
        for part in parts:
            part.reset()
        super().reset()


class TrueRange(BarIndicator):
    """The bar's range, widened to the previous close; ready from the second bar."""

    def __init__(self, name: str = "TR") -> None:
        super().__init__(name)
        self._previous: Any = None

    @property
    def is_ready(self) -> bool:
        return self.samples > 1

    @property
    def warm_up_period(self) -> int:
        return 2

    def compute_next_value(self, input: Any) -> float:
        greatest = input.high - input.low
        if self.is_ready:
            close = self._previous.close
            greatest = max(greatest, abs(close - input.high), abs(close - input.low))
        self._previous = input
        return greatest

    def reset(self) -> None:
        self._previous = None
        super().reset()


class AverageTrueRange(BarIndicator):
    """The moving average of the TrueRange (Wilder's by default)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, values = bind_overload(
            "AverageTrueRange",
            args,
            kwargs,
            ("period", "moving_average_type"),
            {"moving_average_type": MovingAverageType.WILDERS},
        )
        period = check_period(values["period"], "AverageTrueRange")
        kind = values["moving_average_type"]
        name = name or f"ATR({period})"
        super().__init__(name)
        self._warm_up_period = period
        self._true_range = TrueRange(name)
        # Every true range is averaged, the first bar's (high - low) included.
        self._smoother = IndicatorExtensions.of(
            moving_average(kind, f"{name}_{lean_type_name(kind)}", period),
            self._true_range,
            False,
        )

    @property
    def true_range(self) -> TrueRange:
        return self._true_range

    @property
    def is_ready(self) -> bool:
        return self._smoother.is_ready

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    def compute_next_value(self, input: Any) -> float:
        self._true_range.update(input)
        return self._smoother.current.value

    def reset(self) -> None:
        self._smoother.reset()
        self._true_range.reset()
        super().reset()


def lean_type_name(kind: MovingAverageType) -> str:
    """LEAN's C# member name (WILDERS -> Wilders), used in its indicator names."""
    if kind == MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE:
        return "LinearWeightedMovingAverage"
    return kind.name.title().replace("_", "")
