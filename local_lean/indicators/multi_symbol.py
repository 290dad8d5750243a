"""Indicators of several symbols at once (LEAN's MultiSymbolIndicator.cs, DualSymbolIndicator.cs
and Beta.cs).

Each input is a bar of one of the indicator's symbols. The first input only fixes the data's
resolution from its span (over an hour: daily; else the finest resolution the span reaches:
minute for a span under an hour, second under a minute, tick under a second) and is kept as
its symbol's current input; the value is 0. From then on, each input becomes its symbol's
current input, and when every symbol's current input ends at the same time (in UTC, truncated
to that resolution: the same day for daily data, the same minute for minute data) the inputs
enter the symbols' rolling windows and the value is recomputed; otherwise the value stays.

``Beta([name,] target, reference, period)`` (or ``(name, period, target, reference)``): the
covariance of the target's returns with the reference's over the last `period` returns, over
the variance of the reference's (sample statistics, as MathNet's; a variance that is NaN or 0
counts as 1, a covariance that is NaN or 0 as 0).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from local_lean.conventions import to_utc
from local_lean.enums import Resolution
from local_lean.indicators.base import IndicatorBase
from local_lean.indicators.rolling_window import RollingWindow
from local_lean.symbol_conversion import as_symbol

_ONE_SECOND = dt.timedelta(seconds=1)
_ONE_MINUTE = dt.timedelta(minutes=1)
_ONE_HOUR = dt.timedelta(hours=1)


def resolution_of_span(span: dt.timedelta) -> Resolution:
    """The resolution a multi-symbol indicator takes from its first input's span."""
    if span > _ONE_HOUR:
        return Resolution.DAILY
    if span < _ONE_SECOND:
        return Resolution.TICK
    if span < _ONE_MINUTE:
        return Resolution.SECOND
    return Resolution.MINUTE


def truncated_to(time: dt.datetime, resolution: Resolution) -> Any:
    """`time` to the precision of `resolution` (a day, an hour, a minute; else exact)."""
    if resolution == Resolution.DAILY:
        return time.date()
    if resolution == Resolution.HOUR:
        return time.replace(minute=0, second=0, microsecond=0)
    if resolution == Resolution.MINUTE:
        return time.replace(second=0, microsecond=0)
    return time


class MultiSymbolIndicator(IndicatorBase):
    """The shared bookkeeping: one rolling window of `period` inputs per symbol; subclasses
    define ``compute_indicator()`` over ``data_points(symbol)``."""

    _takes_bars = True

    def __init__(self, name: str, symbols: list[Any], period: int) -> None:
        super().__init__(name)
        self._symbols = [as_symbol(symbol) for symbol in symbols]
        self._windows = {symbol: RollingWindow(period) for symbol in self._symbols}
        self._current_inputs: dict[Any, Any] = {}
        self._resolution = Resolution.DAILY
        self._indicator_value = 0.0
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        return all(window.is_ready for window in self._windows.values())

    def data_points(self, symbol: Any) -> RollingWindow:
        return self._windows[symbol]

    def compute_next_value(self, input: Any) -> float:
        if input.symbol not in self._windows:
            raise ValueError(
                f"Input symbol {input.symbol} does not correspond to any of the symbols this "
                f"indicator works on ({', '.join(str(s) for s in self._symbols)})"
            )
        if self.samples == 1:
            self._resolution = resolution_of_span(input.end_time - input.time)
            self._current_inputs[input.symbol] = input
            return 0.0
        self._current_inputs[input.symbol] = input
        ends = {self._end_key(self._current_inputs.get(symbol)) for symbol in self._symbols}
        if len(ends) == 1 and None not in ends:
            for symbol in self._symbols:
                self._windows[symbol].add(self._current_inputs[symbol])
            self._indicator_value = self.compute_indicator()
        return self._indicator_value

    def compute_indicator(self) -> float:
        raise NotImplementedError(f"{type(self).__name__} must define compute_indicator")

    def reset(self) -> None:
        self._indicator_value = 0.0
        for window in self._windows.values():
            window.reset()
        self._current_inputs.clear()
        super().reset()

    def _end_key(self, data: Any) -> Any:
        if data is None:
            return None
        return truncated_to(to_utc(data.end_time), self._resolution)


class Beta(MultiSymbolIndicator):
    """The target's beta to the reference over `period` returns."""

    def __init__(self, *args: Any) -> None:
        name, target, reference, period = _beta_arguments(args)
        if isinstance(period, bool) or not isinstance(period, int) or period < 2:
            raise ValueError(
                f"Period parameter for Beta indicator must be greater than 2 but was {period}."
            )
        super().__init__(name or f"B({period})", [target, reference], 2)
        self._target, self._reference = self._symbols
        self._target_returns = RollingWindow(period)
        self._reference_returns = RollingWindow(period)
        self.warm_up_period += period - 2 + 1

    @property
    def is_ready(self) -> bool:
        return self._target_returns.is_ready and self._reference_returns.is_ready

    def compute_indicator(self) -> float:
        for symbol, returns in (
            (self._target, self._target_returns),
            (self._reference, self._reference_returns),
        ):
            window = self.data_points(symbol)
            if window.is_ready:
                previous = window[1].close
                returns.add((window[0].close / previous if previous else 0.0) - 1)
        variance = _sample_covariance(list(self._reference_returns), list(self._reference_returns))
        covariance = _sample_covariance(list(self._target_returns), list(self._reference_returns))
        variance = 1.0 if math.isnan(variance) or variance == 0 else variance
        covariance = 0.0 if math.isnan(covariance) or covariance == 0 else covariance
        return covariance / variance

    def reset(self) -> None:
        self._target_returns.reset()
        self._reference_returns.reset()
        super().reset()


def _sample_covariance(a: list[float], b: list[float]) -> float:
    """MathNet's sample covariance (n - 1); NaN for fewer than two pairs."""
    if len(a) != len(b):
        raise ValueError("All vectors must have the same dimensionality.")
    n = len(a)
    if n < 2:
        return math.nan
    mean_a, mean_b = sum(a) / n, sum(b) / n
    return sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True)) / (n - 1)


def _beta_arguments(args: tuple) -> tuple[str | None, Any, Any, Any]:
    """LEAN's overloads: (name, target, reference, period), (target, reference, period),
    (name, period, target, reference)."""
    if len(args) == 4 and isinstance(args[1], int) and not isinstance(args[1], bool):
        name, period, target, reference = args
        return name, target, reference, period
    if len(args) == 4:
        return args[0], args[1], args[2], args[3]
    if len(args) == 3:
        return None, args[0], args[1], args[2]
    raise TypeError(
        "Beta takes ([name,] target_symbol, reference_symbol, period) or (name, period, "
        "target_symbol, reference_symbol)"
    )


__all__ = ["Beta", "MultiSymbolIndicator", "resolution_of_span", "truncated_to"]
