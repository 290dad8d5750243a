"""Execution models that wait for a favourable price (LEAN's Algorithm.Framework/Execution):
``SpreadExecutionModel``, ``StandardDeviationExecutionModel`` and
``VolumeWeightedAveragePriceExecutionModel``.

Each keeps its targets in a ``PortfolioTargetCollection`` and, at each call, goes through
those still to order (``order_by_margin_impact``): the part of a target not yet held or
ordered is sent as a market order only when the model likes the price, and the fulfilled
targets are forgotten.

- Spread: while the exchange is open (regular hours) and the quoted spread is at most
  `accepting_spread_percent` (0.5%) of the price.
- Standard deviation: buys when the bid is more than `deviations` (2) standard deviations
  below the `period`-bar (60) mean of the closes, sells when the ask is as far above; each
  order is worth at most `maximum_order_value` (20,000). The mean and deviation are warmed up
  from history. A target whose security the model does not watch ends the call (LEAN's).
- VWAP: buys when the bid is under the session's volume-weighted average price ((high + low
  + close) / 3 of each bar, weighted by volume, starting over each day), sells when the ask is
  over it; each order is at most 1% of the latest bar's volume. A target whose security the
  model does not watch ends the call (LEAN's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.enums import RESOLUTION_TIME_SPANS, Resolution
from local_lean.framework.execution import ExecutionModel
from local_lean.framework.indicator_alphas import history_trade_bars
from local_lean.framework.portfolio_targets import OrderSizing, PortfolioTargetCollection
from local_lean.indicators import SimpleMovingAverage, StandardDeviation


class _TargetKeepingExecution(ExecutionModel):
    """Targets kept until fulfilled; an order for each one whose price the model likes."""

    def __init__(self, asynchronous: bool = True) -> None:
        self.asynchronous = asynchronous
        self.targets_collection = PortfolioTargetCollection()

    def execute(self, algorithm: Any, targets: list[Any]) -> None:
        self.targets_collection.add_range(targets)
        if self.targets_collection.is_empty:
            return
        for target in self.targets_collection.order_by_margin_impact(algorithm):
            unordered = OrderSizing.get_unordered_quantity(algorithm, target)
            if not self._watches(target.symbol):
                return  # LEAN's models stop here, before clearing fulfilled targets
            quantity = self._order_quantity(algorithm, target.symbol, unordered)
            if quantity != 0:
                algorithm.market_order(target.symbol, quantity, self.asynchronous, target.tag)
        self.targets_collection.clear_fulfilled(algorithm)

    def _watches(self, symbol: Any) -> bool:
        return True

    def _order_quantity(self, algorithm: Any, symbol: Any, unordered: float) -> float:
        raise NotImplementedError


class SpreadExecutionModel(_TargetKeepingExecution):
    """Orders while the exchange is open and the spread is tight."""

    def __init__(self, accepting_spread_percent: float = 0.005, asynchronous: bool = True) -> None:
        super().__init__(asynchronous)
        self._accepting_spread_percent = abs(float(accepting_spread_percent))
        self._hours = UsEquityExchangeHours()
        self._now: dt.datetime | None = None

    def execute(self, algorithm: Any, targets: list[Any]) -> None:
        self._now = algorithm.time
        super().execute(algorithm, targets)

    def _order_quantity(self, algorithm: Any, symbol: Any, unordered: float) -> float:
        if unordered != 0 and self.price_is_favorable(algorithm.securities[symbol]):
            return unordered
        return 0.0

    def price_is_favorable(self, security: Any) -> bool:
        """The exchange is open now and (ask - bid) / price is within the accepted spread."""
        exchange_open = self._now is not None and self._hours.is_open(self._now, False)
        price, bid, ask = security.price, security.bid_price, security.ask_price
        return (
            exchange_open
            and price > 0
            and ask > 0
            and bid > 0
            and (ask - bid) / price <= self._accepting_spread_percent
        )


class _DeviationSymbolData:
    """A security's mean and standard deviation of `period` closes of `resolution`."""

    def __init__(self, algorithm: Any, security: Any, period: int, resolution: Any) -> None:
        symbol = security.symbol
        self.security = security
        self.consolidator = algorithm.resolve_consolidator(symbol, resolution)
        self.sma = SimpleMovingAverage(f"SMA{period}({symbol.value})", period)
        self.std = StandardDeviation(f"STD{period}({symbol.value})", period)
        algorithm.register_indicator(symbol, self.sma, self.consolidator)
        algorithm.register_indicator(symbol, self.std, self.consolidator)
        for bar in history_trade_bars(algorithm, [symbol], period, resolution):
            self.sma.update(bar.end_time, bar.close)
            self.std.update(bar.end_time, bar.close)


class StandardDeviationExecutionModel(_TargetKeepingExecution):
    """Orders, at most `maximum_order_value` each, when the price is `deviations` standard
    deviations from the mean in the trade's favour."""

    def __init__(
        self,
        period: int = 60,
        deviations: float = 2,
        resolution: Resolution = Resolution.MINUTE,
        asynchronous: bool = True,
    ) -> None:
        super().__init__(asynchronous)
        if isinstance(period, bool) or not isinstance(period, int) or period < 2:
            raise ValueError(f"the standard deviation period must be a whole number >= 2: {period}")
        if resolution not in RESOLUTION_TIME_SPANS:
            raise ValueError(
                f"StandardDeviationExecutionModel needs a bar resolution: {resolution}"
            )
        self._period = period
        self._deviations = float(deviations)
        self._resolution = Resolution(resolution)
        self._symbol_data: dict[Any, _DeviationSymbolData] = {}
        self.maximum_order_value = 20000.0

    def _watches(self, symbol: Any) -> bool:
        return symbol in self._symbol_data

    def _order_quantity(self, algorithm: Any, symbol: Any, unordered: float) -> float:
        data = self._symbol_data[symbol]
        if not data.std.is_ready or not self.price_is_favorable(data, unordered):
            return 0.0
        return OrderSizing.get_order_size_for_maximum_value(
            data.security, self.maximum_order_value, unordered
        )

    def price_is_favorable(self, data: _DeviationSymbolData, unordered_quantity: float) -> bool:
        deviations = self._deviations * data.std.current.value
        mean = data.sma.current.value
        if unordered_quantity > 0:
            return data.security.bid_price < mean - deviations
        return data.security.ask_price > mean + deviations

    def is_safe_to_remove(self, algorithm: Any, symbol: Any) -> bool:
        return in_no_universe(algorithm, symbol)

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for security in changes.added_securities:
            if security.symbol not in self._symbol_data:
                self._symbol_data[security.symbol] = _DeviationSymbolData(
                    algorithm, security, self._period, self._resolution
                )
        for security in changes.removed_securities:
            symbol = security.symbol
            if symbol in self._symbol_data and self.is_safe_to_remove(algorithm, symbol):
                data = self._symbol_data.pop(symbol)
                algorithm.subscription_manager.remove_consolidator(symbol, data.consolidator)


def in_no_universe(algorithm: Any, symbol: Any) -> bool:
    """No universe still holds the symbol (LEAN's ``IsSafeToRemove`` of these models)."""
    return not any(
        universe.contains_member(symbol) for universe in algorithm.universe_manager.values()
    )


class IntradayVwap:
    """The session's volume-weighted average price of trade bars, (high + low + close) / 3
    weighted by volume; it starts over with the first bar of each day. Fill-forward copies
    do not count."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.value = 0.0
        self._day: dt.date | None = None
        self._volume = 0.0
        self._price_volume = 0.0

    @property
    def is_ready(self) -> bool:
        return self._volume > 0

    def update(self, bar: Any) -> bool:
        if getattr(bar, "is_fill_forward", False):
            return self.is_ready
        day = bar.end_time.date()
        if day != self._day:
            self._day, self._volume, self._price_volume = day, 0.0, 0.0
        self._volume += float(bar.volume)
        self._price_volume += (bar.high + bar.low + bar.close) / 3 * float(bar.volume)
        self.value = self._price_volume / self._volume if self._volume else bar.close
        return self.is_ready


class _VwapSymbolData:
    def __init__(self, algorithm: Any, security: Any) -> None:
        self.security = security
        self.consolidator = algorithm.resolve_consolidator(security.symbol, None)
        self.vwap_indicator = IntradayVwap(f"VWAP({security.symbol.value})")
        self.consolidator.data_consolidated += self._on_bar
        algorithm.subscription_manager.add_consolidator(security.symbol, self.consolidator)

    def _on_bar(self, sender: Any, bar: Any) -> None:
        self.vwap_indicator.update(bar)

    @property
    def vwap(self) -> float:
        return self.vwap_indicator.value


class VolumeWeightedAveragePriceExecutionModel(_TargetKeepingExecution):
    """Orders of at most 1% of the bar's volume when the price is on the good side of the
    session's VWAP."""

    def __init__(self, asynchronous: bool = True) -> None:
        super().__init__(asynchronous)
        self._symbol_data: dict[Any, _VwapSymbolData] = {}
        self.maximum_order_quantity_percent_volume = 0.01

    def _watches(self, symbol: Any) -> bool:
        return symbol in self._symbol_data

    def _order_quantity(self, algorithm: Any, symbol: Any, unordered: float) -> float:
        data = self._symbol_data[symbol]
        if not self.price_is_favorable(data, unordered):
            return 0.0
        return OrderSizing.get_order_size_for_percent_volume(
            data.security, self.maximum_order_quantity_percent_volume, unordered
        )

    def price_is_favorable(self, data: _VwapSymbolData, unordered_quantity: float) -> bool:
        if unordered_quantity > 0:
            return data.security.bid_price < data.vwap
        return data.security.ask_price > data.vwap

    def is_safe_to_remove(self, algorithm: Any, symbol: Any) -> bool:
        return in_no_universe(algorithm, symbol)

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for security in changes.removed_securities:
            symbol = security.symbol
            if symbol in self._symbol_data and self.is_safe_to_remove(algorithm, symbol):
                data = self._symbol_data.pop(symbol)
                algorithm.subscription_manager.remove_consolidator(symbol, data.consolidator)
        for security in changes.added_securities:
            if security.symbol not in self._symbol_data:
                self._symbol_data[security.symbol] = _VwapSymbolData(algorithm, security)


__all__ = [
    "IntradayVwap",
    "SpreadExecutionModel",
    "StandardDeviationExecutionModel",
    "VolumeWeightedAveragePriceExecutionModel",
]
