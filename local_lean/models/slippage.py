"""Slippage models (LEAN's ``Common/Orders/Slippage``) and how fills apply them.

A slippage model's ``get_slippage_approximation(asset, order)`` gives a price amount; LEAN's
equity fill model adds it to a buy's fill price and subtracts it from a sell's. The security's
latest bar (``asset.price``, ``asset.volume``) is the one that fills the order. LEAN's default
for US equities is no slippage (``NullSlippageModel``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from local_lean.models.dotnet_random import DotNetRandom


class NullSlippageModel:
    """No slippage (LEAN's default for US equities)."""

    def get_slippage_approximation(self, asset: Any, order: Any) -> float:
        return 0.0


NullSlippageModel.INSTANCE = NullSlippageModel()


class ConstantSlippageModel:
    """A constant share of the latest price (LEAN's ``ConstantSlippageModel``)."""

    def __init__(self, slippage_percent: float) -> None:
        self._percent = _finite(slippage_percent, "slippage_percent")

    def get_slippage_approximation(self, asset: Any, order: Any) -> float:
        return asset.price * self._percent if asset.has_data else 0.0


class AlphaStreamsSlippageModel:
    """The slippage of LEAN's Alpha Streams brokerage model: 0.01% of the latest price."""

    def get_slippage_approximation(self, asset: Any, order: Any) -> float:
        return asset.price * 0.0001 if asset.has_data else 0.0


class VolumeShareSlippageModel:
    """Slippage growing with the square of the order's share of the bar's volume, capped at
    `volume_limit` (LEAN's ``VolumeShareSlippageModel``)."""

    def __init__(self, volume_limit: float = 0.025, price_impact: float = 0.1) -> None:
        self._volume_limit = _finite(volume_limit, "volume_limit")
        self._price_impact = _finite(price_impact, "price_impact")

    def get_slippage_approximation(self, asset: Any, order: Any) -> float:
        if not asset.has_data:
            return 0.0
        # No volume: the most slippage, since any quantity's impact is unbounded.
        share = self._volume_limit
        if asset.volume > 0:
            share = min(abs(order.quantity) / asset.volume, self._volume_limit)
        return share * share * self._price_impact * asset.price


class MarketImpactSlippageModel:
    """LEAN's ``MarketImpactSlippageModel``: the Almgren-Chriss market impact of an order, from
    the daily volatility and average volume of the security, with seeded noise.

    The first approximation reads a year (370 days) of daily history; later bars join it as they
    arrive: the last 252 closes give the volatility (sample standard deviation) of daily
    returns, the last 10 volumes the average volume. No fundamental data here, so LEAN's
    liquidity adjustment (shares outstanding) is 1. One model serves one security, as in LEAN
    (it keeps the data of the first security it is asked about).

    LEAN builds this data when the first fill asks for it, inside the time step's fill
    processing (``AlgorithmManager``: fills come before the step's consolidator updates): the
    history request ends at the algorithm time, so its last bar is the bar of this step, and
    the consolidator, registered on the subscription, then receives that same bar again from
    the step's data. Both fall in the same one-day bar, so that day's volume is counted twice
    (its close is unchanged); from the next day on, the average volume includes it.
    """

    def __init__(
        self,
        algorithm: Any,
        non_negative: bool = True,
        latency: float = 0.075,
        impact_time: float = 1800.0,
        alpha: float = 0.891,
        beta: float = 0.600,
        gamma: float = 0.314,
        eta: float = 0.142,
        delta: float = 0.267,
        random_seed: int = 50,
    ) -> None:
        if not latency > 0:
            raise ValueError("Latency cannot be less than or equal to 0.")
        if not impact_time > 0:
            raise ValueError("impactTime cannot be less than or equal to 0.")
        self._algorithm = algorithm
        self._non_negative = bool(non_negative)
        self._latency = float(latency)
        self._impact_time = float(impact_time)
        self._alpha, self._beta, self._gamma = float(alpha), float(beta), float(gamma)
        self._eta, self._delta = float(eta), float(delta)
        self._random = DotNetRandom(random_seed)
        self._symbol = None
        self._first_day: dt.date | None = None
        self._volume_counted_twice: pd.Timestamp | None = None

    def get_slippage_approximation(self, asset: Any, order: Any) -> float:
        if self._symbol is None:
            self._symbol = asset.symbol
            self._first_day = self._algorithm.time.date() - dt.timedelta(days=370)
            self._volume_counted_twice = self._bar_of_this_step()
        sigma, average_volume = self._statistics()
        execution_time, impact_time = self._times()
        if average_volume == 0:
            return 0.0
        nu = abs(order.quantity) / execution_time / average_volume
        # No fundamental data (shares outstanding) here: LEAN's liquidity adjustment is then 1.
        noise = sigma * math.sqrt(impact_time)
        permanent = sigma * execution_time * self._gamma * nu**self._alpha
        permanent += self._gaussian() * noise
        temporary = sigma * self._eta * nu**self._beta + self._gaussian() * noise
        realized = temporary + permanent * 0.5
        slippage = min(realized * self._random.next_double(), 1.0)
        if self._non_negative:
            slippage = max(0.0, slippage)
        return slippage * asset.price

    def _times(self) -> tuple[float, float]:
        """The execution time (the latency) and the impact's span, in regular trading days."""
        day_length = 6.5 / 24  # a regular session, in days
        execution = self._latency / 86_400 / day_length
        return execution, execution + self._impact_time / 86_400 / day_length

    def _statistics(self) -> tuple[float, float]:
        """(sigma, average volume) of the bars known now, as LEAN's rolling windows hold them.

        LEAN feeds the bars through a one-day consolidator, which emits a bar once the next one
        begins: the latest bar (the one filling the order) is still being built, so it is left
        out.
        """
        bars = _known_bars(self._algorithm, self._symbol, self._first_day).iloc[:-1]
        closes = bars["close"].to_numpy()[-252:]
        volume = bars["volume"]
        if self._volume_counted_twice is not None and self._volume_counted_twice in volume.index:
            volume = volume.copy()
            volume[self._volume_counted_twice] *= 2
        volumes = volume.to_numpy()[-10:]
        if len(closes) < 2:
            return 0.0, float(volumes.mean()) if len(volumes) else 0.0
        previous = closes[:-1]
        returns = np.where(
            previous != 0, (closes[1:] - previous) / np.where(previous, previous, 1), 0
        )
        sigma = math.sqrt(float(np.var(returns, ddof=1))) if len(returns) > 1 else math.nan
        return sigma, float(volumes.mean())

    def _bar_of_this_step(self) -> pd.Timestamp | None:
        """The day of the bar this time step delivers (the latest known bar, when it is
        today's), which LEAN's consolidator receives twice; None when the step has no bar of
        the security."""
        bars = _known_bars(self._algorithm, self._symbol, self._first_day)
        if len(bars) and bars.index[-1].date() == self._algorithm.time.date():
            return bars.index[-1]
        return None

    def _gaussian(self) -> float:
        """A standard normal draw by Box-Muller, as LEAN's ``SampleGaussian``."""
        first = 1 - self._random.next_double()
        second = 1 - self._random.next_double()
        return math.sqrt(-2.0 * math.log(first)) * math.cos(2.0 * math.pi * second)


def _known_bars(algorithm: Any, symbol: Any, first_day: dt.date) -> pd.DataFrame:
    """The symbol's daily bars from `first_day` that the algorithm knows now (no look-ahead)."""
    bars = algorithm.history_provider.subscription_bars_known(symbol, first_day)
    return pd.DataFrame({"close": [], "volume": []}) if bars is None else bars


def slipped_price(security: Any, order: Any, price: float) -> float:
    """The fill price once the security's slippage model moved it against the order."""
    model = security.slippage_model
    if model is NullSlippageModel.INSTANCE:
        return price
    slippage = model.get_slippage_approximation(security, order)
    if slippage is None or not math.isfinite(float(slippage)):
        raise TypeError(
            f"{type(model).__name__}.get_slippage_approximation must return a number, "
            f"got {slippage!r}"
        )
    return price + float(slippage) if order.quantity > 0 else price - float(slippage)


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


__all__ = [
    "AlphaStreamsSlippageModel",
    "ConstantSlippageModel",
    "MarketImpactSlippageModel",
    "NullSlippageModel",
    "VolumeShareSlippageModel",
    "slipped_price",
]
