"""Indicators built from indicators: CompositeIndicator and
LEAN's IndicatorExtensions (``of``, ``plus``, ``minus``, ``times``, ``over``, ``sma``, ``ema``,
``max``, ``min``, ``weighted_by``).

Composition runs on the ``updated`` events, as in LEAN: ``a.plus(b)`` updates once both `a`
and `b` produced a new value (at once if one of them is a constant); ``sma.of(a)`` feeds
each new value of `a` to the SMA, by default only once `a` is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from local_lean.indicators.base import (
    Indicator,
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorResult,
    IndicatorStatus,
    feed,
)
from local_lean.indicators.identity import ConstantIndicator
from local_lean.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage
from local_lean.indicators.oscillators import Maximum, Minimum
from local_lean.indicators.rolling_window import RollingWindow

Composer = Callable[[IndicatorBase, IndicatorBase], Any]


class CompositeIndicator(Indicator):
    """``composer(left, right)`` each time both sides produced a new value.

    ``CompositeIndicator([name,] left, right, composer)``; the composer returns a number or
    an IndicatorResult (a status other than SUCCESS leaves the value unchanged).
    """

    def __init__(self, *args: Any) -> None:
        if len(args) == 4:
            name, left, right, composer = args
        elif len(args) == 3:
            name, (left, right, composer) = None, args
        else:
            raise TypeError("CompositeIndicator takes ([name,] left, right, composer)")
        for side in (left, right):
            if not isinstance(side, IndicatorBase):
                raise TypeError(f"CompositeIndicator composes indicators, got {side!r}")
        if not callable(composer):
            raise TypeError(f"the composer must be a function (left, right), got {composer!r}")
        super().__init__(name or f"COMPOSE({left.name},{right.name})")
        self._left = left
        self._right = right
        self._composer = composer
        self._wire_events()

    @property
    def left(self) -> IndicatorBase:
        return self._left

    @property
    def right(self) -> IndicatorBase:
        return self._right

    @property
    def is_ready(self) -> bool:
        return self._left.is_ready and self._right.is_ready

    def validate_and_compute_next_value(self, input: IndicatorDataPoint) -> IndicatorResult:
        result = self._composer(self._left, self._right)
        return result if isinstance(result, IndicatorResult) else IndicatorResult(result)

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        return self.validate_and_compute_next_value(input).value

    def reset(self) -> None:
        self._left.reset()
        self._right.reset()
        super().reset()

    def _wire_events(self) -> None:
        left_is_constant = isinstance(self._left, ConstantIndicator)
        right_is_constant = isinstance(self._right, ConstantIndicator)
        fresh = {"left": False, "right": False}

        def on_side(side: str, other_is_constant: bool, updated: IndicatorDataPoint) -> None:
            fresh[side] = True
            other = "right" if side == "left" else "left"
            if fresh[other] or other_is_constant:
                time = max(updated.time, self._left.current.time, self._right.current.time)
                self.update(IndicatorDataPoint(time, 0.0))
                fresh["left"] = fresh["right"] = False

        self._left.updated += lambda sender, updated: on_side("left", right_is_constant, updated)
        self._right.updated += lambda sender, updated: on_side("right", left_is_constant, updated)


def _over(left: IndicatorBase, right: IndicatorBase) -> IndicatorResult:
    if right.current.value == 0:
        return IndicatorResult(0.0, IndicatorStatus.MATH_ERROR)
    return IndicatorResult(left.current.value / right.current.value)


def _constant(value: float) -> ConstantIndicator:
    return ConstantIndicator(f"{float(value):g}", value)


def _right_side(right: Any) -> IndicatorBase:
    if isinstance(right, IndicatorBase):
        return right
    if isinstance(right, int | float) and not isinstance(right, bool):
        return _constant(right)
    raise TypeError(f"expected an indicator or a number, got {right!r}")


def _left_side(left: Any) -> IndicatorBase:
    if not isinstance(left, IndicatorBase):
        raise TypeError(f"expected an indicator, got {left!r}")
    return left


class _Of:
    """``IndicatorExtensions.of(second, first, wait_for_first_to_ready=True)``."""

    def __call__(
        self, second: Any, first: Any, wait_for_first_to_ready: bool = True
    ) -> IndicatorBase:
        second, first = _left_side(second), _left_side(first)

        def forward(sender: Any, updated: IndicatorDataPoint) -> None:
            if not wait_for_first_to_ready or first.is_ready:
                feed(second, updated)

        first.updated += forward
        return second

    def __getitem__(self, item: Any) -> _Of:
        return self  # LEAN's generic form IndicatorExtensions.of[T](...)


class IndicatorExtensions:
    """LEAN's indicator algebra as static functions; indicators also have them as methods
    (``sma.plus(ema)``), as LEAN's Python binding gives."""

    of = _Of()

    @staticmethod
    def plus(left: Any, right: Any, name: str | None = None) -> CompositeIndicator:
        return CompositeIndicator(
            name,
            _left_side(left),
            _right_side(right),
            lambda a, b: a.current.value + b.current.value,
        )

    @staticmethod
    def minus(left: Any, right: Any, name: str | None = None) -> CompositeIndicator:
        return CompositeIndicator(
            name,
            _left_side(left),
            _right_side(right),
            lambda a, b: a.current.value - b.current.value,
        )

    @staticmethod
    def times(left: Any, right: Any, name: str | None = None) -> CompositeIndicator:
        return CompositeIndicator(
            name,
            _left_side(left),
            _right_side(right),
            lambda a, b: a.current.value * b.current.value,
        )

    @staticmethod
    def over(left: Any, right: Any, name: str | None = None) -> CompositeIndicator:
        """left / right; a zero right side leaves the value unchanged (LEAN's MathError)."""
        return CompositeIndicator(name, _left_side(left), _right_side(right), _over)

    @staticmethod
    def sma(left: Any, period: int, wait_for_first_to_ready: bool = True) -> SimpleMovingAverage:
        left = _left_side(left)
        average = SimpleMovingAverage(f"SMA{period}_Of_{left.name}", period)
        return IndicatorExtensions.of(average, left, wait_for_first_to_ready)

    @staticmethod
    def ema(
        left: Any,
        period: int,
        smoothing_factor: float | None = None,
        wait_for_first_to_ready: bool = True,
    ) -> ExponentialMovingAverage:
        left = _left_side(left)
        average = ExponentialMovingAverage(f"EMA{period}_Of_{left.name}", period, smoothing_factor)
        return IndicatorExtensions.of(average, left, wait_for_first_to_ready)

    @staticmethod
    def max(left: Any, period: int, wait_for_first_to_ready: bool = True) -> IndicatorBase:
        left = _left_side(left)
        maximum = Maximum(f"MAX{period}_Of_{left.name}", period)
        return IndicatorExtensions.of(maximum, left, wait_for_first_to_ready)

    @staticmethod
    def min(left: Any, period: int, wait_for_first_to_ready: bool = True) -> IndicatorBase:
        left = _left_side(left)
        minimum = Minimum(f"MIN{period}_Of_{left.name}", period)
        return IndicatorExtensions.of(minimum, left, wait_for_first_to_ready)

    @staticmethod
    def weighted_by(value: Any, weight: Any, period: int) -> CompositeIndicator:
        """The `weight`-weighted mean of `value` over `period` updates of both."""
        from local_lean.indicators.moving_averages import Sum

        value, weight = _left_side(value), _left_side(weight)
        values, weights = RollingWindow(period), RollingWindow(period)
        numerator = Sum("Sum_xy", period)
        denominator = Sum("Sum_y", period)

        def on_value(sender: Any, updated: IndicatorDataPoint) -> None:
            values.add(updated)
            if values.samples == weights.samples:
                numerator.update(updated.time, updated.value * weights[0].value)

        def on_weight(sender: Any, updated: IndicatorDataPoint) -> None:
            weights.add(updated)
            if values.samples == weights.samples:
                numerator.update(updated.time, updated.value * values[0].value)
            denominator.update(updated)

        value.updated += on_value
        weight.updated += on_weight
        return CompositeIndicator(numerator, denominator, _over)
