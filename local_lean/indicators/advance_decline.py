"""Market breadth over a set of stocks (LEAN's AdvanceDeclineIndicator.cs, AdvanceDeclineRatio.cs,
AdvanceDeclineVolumeRatio.cs and ArmsIndex.cs).

The indicator is fed the trade bars of every stock added with ``add(symbol)``. Bars are grouped
by their start time into periods; once every stock has a bar in the current period and the
previous period is known, each stock whose close rose from the previous period advances and
each whose close fell declines:

- ``AdvanceDeclineRatio``: advancing stocks / declining stocks (the advancing count when none
  declined);
- ``AdvanceDeclineVolumeRatio``: the advancing volume / the declining volume (likewise);
- ``ArmsIndex`` (TRIN): the first over the second, 0 while the volume ratio is 0.

A period that misses a stock produces no value. A bar that ends when the current period starts
arrives late for the previous period and counts there. Removing a stock (``remove``) drops it
from the next comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from local_lean.indicators.base import (
    IndicatorResult,
    IndicatorStatus,
    TradeBarIndicator,
)
from local_lean.symbol_conversion import as_symbol

Bars = Iterable[Any]


def _ratio(advancing: float, declining: float) -> float:
    return advancing if declining == 0 else advancing / declining


class AdvanceDeclineIndicator(TradeBarIndicator):
    """The breadth indicators' base: `sub_value` sums one side's bars, `main_value` combines
    the advancing and declining sums."""

    def __init__(
        self,
        name: str,
        sub_value: Callable[[Bars], float],
        main_value: Callable[[float, float], float],
    ) -> None:
        super().__init__(name)
        self._sub_value = sub_value
        self._main_value = main_value
        self._previous_period: dict[Any, Any] = {}
        self._current_period: dict[Any, Any] = {}
        self._current_period_time: dt.datetime | None = None

    def add(self, asset: Any) -> None:
        """Count `asset` (a Symbol or a ticker) among the stocks compared."""
        self._current_period.setdefault(as_symbol(asset), None)

    def add_stock(self, asset: Any) -> None:
        self.add(asset)

    def remove(self, asset: Any) -> None:
        """Stop counting `asset`."""
        self._current_period.pop(as_symbol(asset), None)

    def remove_stock(self, asset: Any) -> None:
        self.remove(asset)

    @property
    def is_ready(self) -> bool:
        return bool(self._previous_period)

    @property
    def warm_up_period(self) -> int:
        return 2

    def validate_and_compute_next_value(self, input: Any) -> IndicatorResult:
        self._enqueue(input)
        if not self._previous_period or any(b is None for b in self._current_period.values()):
            return IndicatorResult(0.0, IndicatorStatus.VALUE_NOT_READY)
        return IndicatorResult(self.compute_next_value(input))

    def compute_next_value(self, input: Any) -> float:
        advancing, declining = [], []
        for symbol, bar in self._current_period.items():
            before = self._previous_period.get(symbol)
            if before is None:
                continue
            if bar.close < before.close:
                declining.append(bar)
            elif bar.close > before.close:
                advancing.append(bar)
        return self._main_value(self._sub_value(advancing), self._sub_value(declining))

    def reset(self) -> None:
        self._previous_period.clear()
        for symbol in self._current_period:
            self._current_period[symbol] = None
        self._current_period_time = None
        super().reset()

    def _enqueue(self, input: Any) -> None:
        period_time = self._current_period_time
        if input.end_time == period_time:  # late: the bar of the period before
            self._previous_period[input.symbol] = input
            return
        if period_time is not None and input.time > period_time:  # a new period starts
            self._previous_period = dict(self._current_period)
            self._current_period = dict.fromkeys(self._current_period)
            self._current_period_time = period_time = input.time
        if input.symbol in self._current_period and (period_time in (None, input.time)):
            self._current_period[input.symbol] = input
            if period_time is None:
                self._current_period_time = input.time


class AdvanceDeclineRatio(AdvanceDeclineIndicator):
    """Advancing stocks over declining stocks."""

    def __init__(self, name: str = "A/D Ratio") -> None:
        super().__init__(name, lambda bars: float(len(list(bars))), _ratio)


class AdvanceDeclineVolumeRatio(AdvanceDeclineIndicator):
    """Advancing volume over declining volume."""

    def __init__(self, name: str = "A/D Volume Rate") -> None:
        super().__init__(name, lambda bars: float(sum(bar.volume for bar in bars)), _ratio)


class ArmsIndex(TradeBarIndicator):
    """TRIN: the advance/decline ratio over the advance/decline volume ratio
    (``ad_ratio``, ``adv_ratio`` are the two parts)."""

    def __init__(self, name: str = "TRIN") -> None:
        super().__init__(name)
        self.ad_ratio = AdvanceDeclineRatio(f"{name}_A/D Ratio")
        self.adv_ratio = AdvanceDeclineVolumeRatio(f"{name}_A/D Volume Ratio")

    @property
    def is_ready(self) -> bool:
        return self.ad_ratio.is_ready and self.adv_ratio.is_ready

    @property
    def warm_up_period(self) -> int:
        return max(self.ad_ratio.warm_up_period, self.adv_ratio.warm_up_period)

    def compute_next_value(self, input: Any) -> float:
        self.ad_ratio.update(input)
        self.adv_ratio.update(input)
        volume_ratio = self.adv_ratio.current.value
        if volume_ratio == 0:
            return 0.0
        return self.ad_ratio.current.value / volume_ratio

    def reset(self) -> None:
        self.ad_ratio.reset()
        self.adv_ratio.reset()
        super().reset()

    def add(self, asset: Any) -> None:
        self.ad_ratio.add(asset)
        self.adv_ratio.add(asset)

    def add_stock(self, asset: Any) -> None:
        self.add(asset)

    def remove(self, asset: Any) -> None:
        self.ad_ratio.remove(asset)
        self.adv_ratio.remove(asset)

    def remove_stock(self, asset: Any) -> None:
        self.remove(asset)


__all__ = [
    "AdvanceDeclineIndicator",
    "AdvanceDeclineRatio",
    "AdvanceDeclineVolumeRatio",
    "ArmsIndex",
]
