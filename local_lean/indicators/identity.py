"""The simplest indicators: Identity (each input passed through) and ConstantIndicator (one
value, always ready), the building blocks of composed indicators and of MACD's histogram."""

from __future__ import annotations

from typing import Any

from local_lean.indicators.base import MIN_TIME, Indicator, IndicatorDataPoint


class Identity(Indicator):
    """Passes each input through; ready after one."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)

    @property
    def is_ready(self) -> bool:
        return self.samples > 0

    @property
    def warm_up_period(self) -> int:
        return 1

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        return input.value


class ConstantIndicator(Indicator):
    """Always `value`, always ready: the right side of ``indicator.times(2)``."""

    def __init__(self, name: str, value: float) -> None:
        super().__init__(name)
        self._value = float(value)
        self.current = IndicatorDataPoint(MIN_TIME, self._value)

    def __class_getitem__(cls, item: Any) -> type[ConstantIndicator]:
        return cls  # LEAN's generic form ConstantIndicator[IndicatorDataPoint]("c", 1)

    @property
    def is_ready(self) -> bool:
        return True

    def compute_next_value(self, input: Any) -> float:
        return self._value

    def reset(self) -> None:
        super().reset()
        self.current = IndicatorDataPoint(MIN_TIME, self._value)


__all__ = ["ConstantIndicator", "Identity"]
