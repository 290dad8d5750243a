"""Alpha models driven by one indicator per security (LEAN's ``RsiAlphaModel`` and
``EmaCrossAlphaModel``, Algorithm.Framework/Alphas).

Each security the model learns about gets its indicators, fed through a consolidator of the
model's resolution (``resolve_consolidator``) that is attached to the security's subscription;
a removed security's consolidators leave the subscription.

- RsiAlphaModel(period=14, resolution=DAILY): Wilder's RSI, warmed up with `period` bars of
  history pushed through the consolidator. The RSI above 70 trips it high (a DOWN insight),
  below 30 low (UP); it returns to the middle above 35 after a low, below 65 after a high.
  An insight is emitted when the state changes and the RSI is ready, over `period` bars of
  `resolution` (LEAN's ``resolution.ToTimeSpan() * period``).
- EmaCrossAlphaModel(fast_period=12, slow_period=26, resolution=DAILY): two EMAs, warmed up
  from history (``warm_up_indicator``); when the fast one crosses below the slow one, a DOWN
  insight, above it an UP one, over `fast_period` bars of `resolution`.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from local_lean.enums import RESOLUTION_TIME_SPANS, InsightDirection, Resolution
from local_lean.framework.alpha import AlphaModel
from local_lean.framework.insights import Insight
from local_lean.indicators import (
    ExponentialMovingAverage,
    MovingAverageType,
    RelativeStrengthIndex,
)
from local_lean.market_data import TradeBar


def resolution_span(resolution: Any, model: str) -> dt.timedelta:
    """LEAN's ``Resolution.ToTimeSpan()`` for a bar resolution; an error for anything else."""
    if isinstance(resolution, bool) or resolution not in RESOLUTION_TIME_SPANS:
        raise ValueError(
            f"{model} needs a bar resolution (Resolution.DAILY, HOUR, MINUTE or SECOND), got "
            f"{resolution!r}"
        )
    return RESOLUTION_TIME_SPANS[Resolution(resolution)]


def _check_period(period: Any, what: str) -> int:
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise ValueError(f"{what} must be a whole number >= 1, got {period!r}")
    return period


def history_trade_bars(
    algorithm: Any, symbols: list[Any], count: int, resolution: Resolution
) -> list[TradeBar]:
    """The last `count` bars of `resolution` of each symbol before now, oldest first (all
    symbols' bars of one time together, as LEAN's history slices give them)."""
    frame = algorithm.history(symbols, count, resolution)
    if frame.empty:
        return []
    span = RESOLUTION_TIME_SPANS[resolution]
    by_symbol = {symbol.value: symbol for symbol in symbols}
    bars = []
    for (ticker, end_time), row in frame.iterrows():
        symbol = by_symbol.get(getattr(ticker, "value", ticker), ticker)
        end = end_time.to_pydatetime()
        start = end - span if resolution != Resolution.DAILY else end.replace(hour=9, minute=30)
        bars.append(
            TradeBar(symbol, start, end, row.open, row.high, row.low, row.close, row.volume)
        )
    bars.sort(key=lambda bar: bar.end_time)  # stable: symbols keep their order within a time
    return bars


class _RsiState(Enum):
    TRIPPED_LOW = 0
    MIDDLE = 1
    TRIPPED_HIGH = 2


class _RsiSymbolData:
    """A security's RSI, the consolidator feeding it, and the model's last state for it."""

    def __init__(self, algorithm: Any, symbol: Any, period: int, resolution: Resolution) -> None:
        self._algorithm = algorithm
        self.symbol = symbol
        self.state = _RsiState.MIDDLE
        self.rsi = RelativeStrengthIndex(period, MovingAverageType.WILDERS)
        self.consolidator = algorithm.resolve_consolidator(symbol, resolution)
        algorithm.register_indicator(symbol, self.rsi, self.consolidator)

    def update(self, bar: TradeBar) -> None:
        self.consolidator.update(bar)

    def dispose(self) -> None:
        self._algorithm.subscription_manager.remove_consolidator(self.symbol, self.consolidator)


def next_rsi_state(rsi: float, previous: _RsiState) -> _RsiState:
    """Trips above 70 and below 30; back to the middle above 35 after a low, below 65 after a
    high (the bounce tolerance); otherwise the state stays."""
    if rsi > 70:
        return _RsiState.TRIPPED_HIGH
    if rsi < 30:
        return _RsiState.TRIPPED_LOW
    if previous is _RsiState.TRIPPED_LOW and rsi > 35:
        return _RsiState.MIDDLE
    if previous is _RsiState.TRIPPED_HIGH and rsi < 65:
        return _RsiState.MIDDLE
    return previous


class RsiAlphaModel(AlphaModel):
    """Insights when Wilder's RSI crosses 30 (UP) or 70 (DOWN)."""

    def __init__(self, period: int = 14, resolution: Resolution = Resolution.DAILY) -> None:
        super().__init__()
        self.period = _check_period(period, "RsiAlphaModel's period")
        self.insight_period = resolution_span(resolution, "RsiAlphaModel") * period
        self.resolution = Resolution(resolution)
        self.symbol_data_by_symbol: dict[Any, _RsiSymbolData] = {}
        self._name = f"RsiAlphaModel({period},{self.resolution.name.capitalize()})"

    def update(self, algorithm: Any, data: Any) -> list[Insight]:
        insights = []
        for symbol, symbol_data in self.symbol_data_by_symbol.items():
            rsi = symbol_data.rsi
            previous = symbol_data.state
            state = next_rsi_state(rsi.current.value, previous)
            if state is not previous and rsi.is_ready:
                if state is _RsiState.TRIPPED_LOW:
                    direction = InsightDirection.UP
                    insights.append(Insight.price(symbol, self.insight_period, direction))
                elif state is _RsiState.TRIPPED_HIGH:
                    direction = InsightDirection.DOWN
                    insights.append(Insight.price(symbol, self.insight_period, direction))
            symbol_data.state = state
        return insights

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for security in changes.removed_securities:
            symbol_data = self.symbol_data_by_symbol.pop(security.symbol, None)
            if symbol_data is not None:
                symbol_data.dispose()
        added = []
        for security in changes.added_securities:
            if security.symbol not in self.symbol_data_by_symbol:
                self.symbol_data_by_symbol[security.symbol] = _RsiSymbolData(
                    algorithm, security.symbol, self.period, self.resolution
                )
                added.append(security.symbol)
        if added:
            # warm the RSIs up: the history's bars go through the consolidators
            for bar in history_trade_bars(algorithm, added, self.period, self.resolution):
                self.symbol_data_by_symbol[bar.symbol].update(bar)


class _EmaCrossSymbolData:
    """A security's fast and slow EMAs, their consolidators, and which one was above."""

    def __init__(
        self, algorithm: Any, symbol: Any, fast_period: int, slow_period: int, resolution: Any
    ) -> None:
        self._algorithm = algorithm
        self.symbol = symbol
        self.fast = ExponentialMovingAverage(symbol.value, fast_period)
        self.slow = ExponentialMovingAverage(symbol.value, slow_period)
        self.consolidators = []
        for indicator in (self.fast, self.slow):
            consolidator = algorithm.resolve_consolidator(symbol, resolution)
            algorithm.register_indicator(symbol, indicator, consolidator)
            self.consolidators.append(consolidator)
        for indicator in (self.fast, self.slow):
            algorithm.warm_up_indicator(symbol, indicator, resolution)
        self.fast_is_over_slow = False

    def remove_consolidators(self) -> None:
        for consolidator in self.consolidators:
            self._algorithm.subscription_manager.remove_consolidator(self.symbol, consolidator)
        self.consolidators.clear()


class EmaCrossAlphaModel(AlphaModel):
    """Insights when the fast EMA crosses the slow one (UP above, DOWN below)."""

    def __init__(
        self,
        fast_period: int = 12,
        slow_period: int = 26,
        resolution: Resolution = Resolution.DAILY,
    ) -> None:
        super().__init__()
        self.fast_period = _check_period(fast_period, "EmaCrossAlphaModel's fast period")
        self.slow_period = _check_period(slow_period, "EmaCrossAlphaModel's slow period")
        self.prediction_interval = resolution_span(resolution, "EmaCrossAlphaModel") * fast_period
        self.resolution = Resolution(resolution)
        self.symbol_data_by_symbol: dict[Any, _EmaCrossSymbolData] = {}
        self._name = (
            f"EmaCrossAlphaModel({fast_period},{slow_period},{self.resolution.name.capitalize()})"
        )

    def update(self, algorithm: Any, data: Any) -> list[Insight]:
        insights = []
        for symbol_data in self.symbol_data_by_symbol.values():
            fast, slow = symbol_data.fast, symbol_data.slow
            if fast.is_ready and slow.is_ready:
                if symbol_data.fast_is_over_slow:
                    if slow.current.value > fast.current.value:
                        insights.append(
                            Insight.price(
                                symbol_data.symbol,
                                self.prediction_interval,
                                InsightDirection.DOWN,
                            )
                        )
                elif fast.current.value > slow.current.value:
                    insights.append(
                        Insight.price(
                            symbol_data.symbol, self.prediction_interval, InsightDirection.UP
                        )
                    )
            symbol_data.fast_is_over_slow = fast.current.value > slow.current.value
        return insights

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for security in changes.added_securities:
            symbol_data = self.symbol_data_by_symbol.get(security.symbol)
            if symbol_data is None:
                self.symbol_data_by_symbol[security.symbol] = _EmaCrossSymbolData(
                    algorithm,
                    security.symbol,
                    self.fast_period,
                    self.slow_period,
                    self.resolution,
                )
            else:  # added again: the indicators start over
                symbol_data.fast.reset()
                symbol_data.slow.reset()
        for security in changes.removed_securities:
            symbol_data = self.symbol_data_by_symbol.pop(security.symbol, None)
            if symbol_data is not None:
                symbol_data.remove_consolidators()


__all__ = ["EmaCrossAlphaModel", "RsiAlphaModel", "history_trade_bars", "next_rsi_state"]
