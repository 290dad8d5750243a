"""Pairs trading alpha models (LEAN's ``BasePairsTradingAlphaModel`` and
``PearsonCorrelationPairsTradingAlphaModel``, Algorithm.Framework/Alphas).

Every pair of the universe's securities that passes ``has_passed_test`` is watched: the ratio
of their closes (Identity indicators updated with each bar), its 500-sample exponential mean,
and bands ``threshold`` percent around the mean. When the ratio crosses above the upper band
the model shorts the first asset and buys the second (a group of two insights over
``lookback`` bars of ``resolution``); below the lower band, the reverse; a direction is not
repeated until the other one happens.

The Pearson model passes only the pair whose daily log returns over ``lookback`` bars of
history correlate best (at least ``minimum_correlation``), chosen again at each universe
change.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import Enum
from typing import Any

import numpy as np

from local_lean.enums import RESOLUTION_TIME_SPANS, InsightDirection, Resolution
from local_lean.framework.alpha import AlphaModel
from local_lean.framework.insights import Insight
from local_lean.indicators import (
    ConstantIndicator,
    ExponentialMovingAverage,
    Identity,
    IndicatorDataPoint,
    IndicatorExtensions,
)


def _sorted_symbols(securities: Any) -> list:
    """Symbols in LEAN's order (by their security identifier's text)."""
    return sorted((security.symbol for security in securities), key=lambda s: str(s.id))


def _number_text(value: float) -> str:
    """A number as LEAN's ``normalize_to_str`` prints it (no trailing zeros)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


class _PairState(Enum):
    SHORT_RATIO = -1
    FLAT_RATIO = 0
    LONG_RATIO = 1


class _Pair:
    """Two assets' price ratio, its mean and bands, and the last direction emitted."""

    def __init__(
        self,
        algorithm: Any,
        asset1: Any,
        asset2: Any,
        prediction_interval: dt.timedelta,
        threshold: float,
    ) -> None:
        self._algorithm = algorithm
        self.asset1 = asset1
        self.asset2 = asset2
        self.state = _PairState.FLAT_RATIO
        self._prediction_interval = prediction_interval
        self._consolidators: list[tuple[Any, Any]] = []
        self.asset1_price = self._identity(asset1)
        self.asset2_price = self._identity(asset2)
        self.ratio = IndicatorExtensions.over(self.asset1_price, self.asset2_price)
        self.mean = IndicatorExtensions.of(ExponentialMovingAverage(500), self.ratio)
        upper = ConstantIndicator[IndicatorDataPoint]("ct", 1 + threshold / 100)
        lower = ConstantIndicator[IndicatorDataPoint]("ct", 1 - threshold / 100)
        self.upper_threshold = IndicatorExtensions.times(self.mean, upper)
        self.lower_threshold = IndicatorExtensions.times(self.mean, lower)

    def _identity(self, symbol: Any) -> Identity:
        """The asset's close at its subscription's own resolution (LEAN takes the finest of
        the symbol's subscriptions), through a consolidator kept for ``dispose``."""
        identity = Identity(f"{symbol.value}_close")
        consolidator = self._algorithm.resolve_consolidator(symbol, None)
        self._algorithm.register_indicator(symbol, identity, consolidator)
        self._consolidators.append((symbol, consolidator))
        return identity

    def dispose(self) -> None:
        """Stop updating the pair's prices: their consolidators leave the subscriptions."""
        for symbol, consolidator in self._consolidators:
            self._algorithm.subscription_manager.remove_consolidator(symbol, consolidator)
        self._consolidators.clear()

    def get_insight_group(self) -> list[Insight]:
        if not self.mean.is_ready:
            return []
        ratio = self.ratio.current.value
        if self.state is not _PairState.LONG_RATIO and ratio > self.upper_threshold.current.value:
            self.state = _PairState.LONG_RATIO
            return Insight.group(
                Insight.price(self.asset1, self._prediction_interval, InsightDirection.DOWN),
                Insight.price(self.asset2, self._prediction_interval, InsightDirection.UP),
            )
        if self.state is not _PairState.SHORT_RATIO and ratio < self.lower_threshold.current.value:
            self.state = _PairState.SHORT_RATIO
            return Insight.group(
                Insight.price(self.asset1, self._prediction_interval, InsightDirection.UP),
                Insight.price(self.asset2, self._prediction_interval, InsightDirection.DOWN),
            )
        return []


class BasePairsTradingAlphaModel(AlphaModel):
    """Trades every pair of the universe's securities that passes ``has_passed_test``."""

    def __init__(
        self, lookback: int = 1, resolution: Resolution = Resolution.DAILY, threshold: float = 1
    ) -> None:
        super().__init__()
        if isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 1:
            raise ValueError(
                f"the pairs model's lookback must be a whole number >= 1: {lookback!r}"
            )
        if resolution not in RESOLUTION_TIME_SPANS:
            raise ValueError(f"the pairs model needs a bar resolution, got {resolution!r}")
        self.lookback = lookback
        self.resolution = Resolution(resolution)
        self.threshold = threshold
        self.prediction_interval = RESOLUTION_TIME_SPANS[self.resolution] * lookback
        self.pairs: dict[tuple, _Pair] = {}
        self.securities: list[Any] = []  # LEAN keeps a set; a list keeps runs reproducible
        resolution_name = self.resolution.name.capitalize()
        self._name = (
            f"{type(self).__name__}({lookback},{resolution_name},{_number_text(threshold)})"
        )

    def update(self, algorithm: Any, data: Any) -> list[Insight]:
        insights: list[Insight] = []
        for pair in self.pairs.values():
            insights.extend(pair.get_insight_group())
        return insights

    def _track(self, changes: Any) -> None:
        for security in changes.added_securities:
            if security not in self.securities:
                self.securities.append(security)
        for security in changes.removed_securities:
            if security in self.securities:
                self.securities.remove(security)

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        self._track(changes)
        self.update_pairs(algorithm)
        for security in changes.removed_securities:
            for key in [k for k in self.pairs if security.symbol in k]:
                self.pairs.pop(key).dispose()

    def update_pairs(self, algorithm: Any) -> None:
        """Watch each new pair (in symbol order) that passes the test."""
        for asset_i, asset_j in itertools.combinations(_sorted_symbols(self.securities), 2):
            if (asset_i, asset_j) in self.pairs or (asset_j, asset_i) in self.pairs:
                continue
            if not self.has_passed_test(algorithm, asset_i, asset_j):
                continue
            self.pairs[(asset_i, asset_j)] = _Pair(
                algorithm, asset_i, asset_j, self.prediction_interval, self.threshold
            )

    def has_passed_test(self, algorithm: Any, asset1: Any, asset2: Any) -> bool:
        """Whether the pair should be traded (every pair, unless a subclass tests it)."""
        return True


class PearsonCorrelationPairsTradingAlphaModel(BasePairsTradingAlphaModel):
    """Trades the pair whose log returns correlate best (Pearson), when they correlate at
    least ``minimum_correlation``."""

    def __init__(
        self,
        lookback: int = 15,
        resolution: Resolution = Resolution.MINUTE,
        threshold: float = 1,
        minimum_correlation: float = 0.5,
    ) -> None:
        super().__init__(lookback, resolution, threshold)
        self.minimum_correlation = minimum_correlation
        self.best_pair: tuple = ()

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        self._track(changes)
        symbols = _sorted_symbols(self.securities)
        if len(symbols) >= 2:
            history = algorithm.history(symbols, self.lookback, self.resolution)
            if not history.empty:
                self._choose_best_pair(symbols, history)
        super().on_securities_changed(algorithm, changes)

    def _choose_best_pair(self, symbols: list, history: Any) -> None:
        closes = history["close"].unstack(level=0)
        columns = [s for s in symbols if s in closes.columns]
        log_prices = np.log(closes[columns])
        returns = (log_prices - log_prices.shift(1)).dropna()
        best: tuple[float, tuple] | None = None
        for i, j in itertools.combinations(range(len(columns)), 2):
            correlation = float(np.corrcoef(returns.iloc[:, i], returns.iloc[:, j])[0, 1])
            # The highest correlation wins; a tie keeps the later pair (LEAN's stable sort).
            if best is None or correlation >= best[0]:
                best = (correlation, (columns[i], columns[j]))
        if best is not None and best[0] >= self.minimum_correlation:
            self.best_pair = best[1]

    def has_passed_test(self, algorithm: Any, asset1: Any, asset2: Any) -> bool:
        return len(self.best_pair) == 2 and self.best_pair == (asset1, asset2)


__all__ = ["BasePairsTradingAlphaModel", "PearsonCorrelationPairsTradingAlphaModel"]
