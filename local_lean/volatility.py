"""Volatility models: LEAN's ``Common/Securities/Volatility/`` for daily equities.

A security's ``volatility_model`` (``VolatilityModel.NULL`` until ``set_volatility_model``)
gets every daily bar of its security at the close, before ``on_data``, as LEAN's
``Security.UpdateConsumersMarketPrice`` does; split and dividend events do not reach it.

Warm-up (``VolatilityModelExtensions.warm_up``, and the engine's own call at the start and, for
RAW securities, after each split and dividend) feeds the model the bars its
``get_history_requirements`` asks for, the last ones known now. For RAW data LEAN warms up with
SCALED_RAW prices (raw prices scaled to today's), so that a split in the window is no jump.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.errors import NotSupportedError
from local_lean.market_data import TradeBar
from local_lean.symbols import Symbol

# LEAN's BaseVolatilityModel asks for daily bars when no resolution is given.
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class _BarsRequest:
    """What a model's warm-up needs: the last `bar_count` daily bars of `symbol`."""

    symbol: Symbol
    bar_count: int


class BaseVolatilityModel:
    """LEAN's base volatility model: volatility 0, updates ignored, no history needed."""

    @property
    def volatility(self) -> float:
        return 0.0

    def update(self, security: Any, data: Any) -> None:
        """A new bar of `security` (override)."""

    def get_history_requirements(
        self, security: Any, utc_time: dt.datetime, resolution: Any = None, bar_count: Any = None
    ) -> list[_BarsRequest]:
        """The bars a warm-up needs: none, or `bar_count` daily bars when given (LEAN's
        overload with a resolution and a bar count)."""
        if bar_count is None:
            return []
        _check_daily(resolution)
        return [_BarsRequest(security.symbol, _bar_count(bar_count))]


class VolatilityModel:
    """LEAN's holder of the null model (volatility 0): every security's default."""

    NULL = BaseVolatilityModel()


class IndicatorVolatilityModel(BaseVolatilityModel):
    """Volatility is an indicator's current value; `indicator_update(security, data,
    indicator)`, when given, is called with each bar (without it the indicator is updated
    elsewhere, e.g. registered with the algorithm)."""

    def __init__(
        self, indicator: Any, indicator_update: Callable[[Any, Any, Any], Any] | None = None
    ) -> None:
        if not hasattr(indicator, "current"):
            raise TypeError(f"IndicatorVolatilityModel needs an indicator, got {indicator!r}")
        if indicator_update is not None and not callable(indicator_update):
            raise TypeError(
                "indicator_update must be a function (security, data, indicator), got "
                f"{indicator_update!r}"
            )
        self._indicator = indicator
        self._indicator_update = indicator_update

    @property
    def volatility(self) -> float:
        return float(self._indicator.current.value)

    def update(self, security: Any, data: Any) -> None:
        if self._indicator_update is not None:
            self._indicator_update(security, data, self._indicator)


class StandardDeviationOfReturnsVolatilityModel(BaseVolatilityModel):
    """The sample standard deviation of the last `periods` returns, annualised by sqrt(252).
    A return is taken when a bar ends at least `update_frequency` (default: the resolution's
    period, one day) after the previous one. ``(resolution)`` alone takes 30 periods for daily
    data, as LEAN."""

    def __init__(
        self, periods: Any = None, resolution: Any = None, update_frequency: Any = None
    ) -> None:
        if isinstance(periods, Resolution):  # LEAN's (resolution, update_frequency) overload
            periods, resolution, update_frequency = _periods_in(periods), periods, resolution
        if periods is None:
            raise TypeError(
                "StandardDeviationOfReturnsVolatilityModel needs periods or a resolution"
            )
        periods = _bar_count(periods)
        if periods < 2:
            raise ValueError(f"'periods' must be greater than or equal to 2, got {periods}")
        _check_daily(resolution)
        self._resolution = resolution
        self._period_span = _as_span(update_frequency)
        self._window: deque[float] = deque(maxlen=periods)
        self._reset()

    def _reset(self) -> None:
        self._window.clear()
        self._last_update: dt.datetime | None = None
        self._last_price = 0.0

    @property
    def volatility(self) -> float:
        if len(self._window) < 2:
            return 0.0
        return statistics.stdev(self._window) * math.sqrt(252.0)

    def update(self, security: Any, data: Any) -> None:
        price = float(data.price)
        since = None if self._last_update is None else data.end_time - self._last_update
        if (since is None or since >= self._period_span) and price > 0:
            if self._last_price > 0:
                self._window.append(price / self._last_price - 1.0)
            self._last_update = data.end_time
            self._last_price = price

    def get_history_requirements(
        self, security: Any, utc_time: dt.datetime, resolution: Any = None, bar_count: Any = None
    ) -> list[_BarsRequest]:
        """LEAN resets the model here: the warm-up that follows refills it."""
        if bar_count is not None:
            return super().get_history_requirements(security, utc_time, resolution, bar_count)
        self._reset()
        return [_BarsRequest(security.symbol, self._window.maxlen + 1)]


class RelativeStandardDeviationVolatilityModel(BaseVolatilityModel):
    """The sample standard deviation of the last `periods` prices over their mean's absolute
    value; a price is taken when a bar ends at least `period_span` after the previous one."""

    def __init__(self, period_span: Any, periods: Any) -> None:
        periods = _bar_count(periods)
        if periods < 2:
            raise ValueError(f"'periods' must be greater than or equal to 2, got {periods}")
        self._period_span = _as_span(period_span)
        self._window: deque[float] = deque(maxlen=periods)
        self._last_update: dt.datetime | None = None

    @property
    def volatility(self) -> float:
        if len(self._window) < 2:
            return 0.0
        mean = abs(statistics.fmean(self._window))
        return statistics.stdev(self._window) / mean if mean != 0 else 0.0

    def update(self, security: Any, data: Any) -> None:
        since = None if self._last_update is None else data.end_time - self._last_update
        if (since is None or since >= self._period_span) and float(data.price) > 0:
            self._window.append(float(data.price))
            self._last_update = data.end_time

    def get_history_requirements(
        self, security: Any, utc_time: dt.datetime, resolution: Any = None, bar_count: Any = None
    ) -> list[_BarsRequest]:
        if bar_count is not None:
            return super().get_history_requirements(security, utc_time, resolution, bar_count)
        self._window.clear()
        self._last_update = None
        return [_BarsRequest(security.symbol, self._window.maxlen + 1)]


class VolatilityModelExtensions:
    """LEAN's ``VolatilityModelExtensions.warm_up``: the form algorithms call is
    ``warm_up(model, algorithm, security, resolution, bar_count, data_normalization_mode)``; the
    bars come from the algorithm's ``history_provider``, as in LEAN."""

    @staticmethod
    def warm_up(
        volatility_model: Any,
        algorithm: Any,
        security: Any = None,
        resolution: Any = None,
        bar_count: Any = None,
        data_normalization_mode: Any = None,
        *more: Any,
    ) -> None:
        provider = getattr(algorithm, "history_provider", None)
        if more or not isinstance(provider, KnownBarsProvider):
            raise NotSupportedError(
                "VolatilityModelExtensions.warm_up with a history provider",
                "call warm_up(model, self, security, resolution, bar_count, "
                "data_normalization_mode) with the algorithm",
            )
        if bar_count is None:
            raise TypeError("warm_up needs a bar count (the number of past bars to feed)")
        warm_up_volatility_model(
            volatility_model,
            provider,
            security,
            volatility_model.get_history_requirements(
                security, algorithm.utc_time, resolution, bar_count
            ),
            data_normalization_mode,
        )


@runtime_checkable
class KnownBarsProvider(Protocol):
    """What a volatility model's warm-up reads: the daily bars known at the algorithm's time."""

    def known_trade_bars(self, symbol: Symbol, mode: Any, count: int) -> list[TradeBar]: ...


def warm_up_volatility_model(
    model: Any,
    provider: KnownBarsProvider,
    security: Any,
    requests: list[_BarsRequest],
    mode: Any = None,
) -> None:
    """Feed `model` the bars `requests` ask for: the last ones known now, in the security's
    normalisation mode, or SCALED_RAW prices when `mode` is RAW (LEAN's warm-up)."""
    if model is VolatilityModel.NULL or not requests:
        return
    if mode is None:
        mode = security.data_normalization_mode
    if mode == DataNormalizationMode.RAW:
        mode = DataNormalizationMode.SCALED_RAW
    for request in requests:
        for bar in provider.known_trade_bars(request.symbol, mode, request.bar_count):
            model.update(security, bar)


def _check_daily(resolution: Any) -> None:
    if resolution is not None and resolution != Resolution.DAILY:
        raise NotSupportedError(
            f"a volatility model with Resolution.{getattr(resolution, 'name', resolution)}",
            "local_lean has daily data only: pass Resolution.DAILY",
        )


def _bar_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise TypeError(f"a number of bars must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"a number of bars must be >= 0, got {value}")
    return int(value)


def _periods_in(resolution: Resolution) -> int:
    _check_daily(resolution)
    return 30  # LEAN's PeriodsInResolution for daily data


def _as_span(value: Any) -> dt.timedelta:
    if value is None or value == Resolution.DAILY:
        return _DAY
    if isinstance(value, dt.timedelta):
        if value <= dt.timedelta(0):
            raise ValueError(f"an update period must be positive, got {value}")
        return value
    raise TypeError(f"expected a timedelta, got {value!r}")


__all__ = [
    "BaseVolatilityModel",
    "IndicatorVolatilityModel",
    "RelativeStandardDeviationVolatilityModel",
    "StandardDeviationOfReturnsVolatilityModel",
    "VolatilityModel",
    "KnownBarsProvider",
    "VolatilityModelExtensions",
    "warm_up_volatility_model",
]
