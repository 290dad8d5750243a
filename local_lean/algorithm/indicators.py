"""What QCAlgorithm adds for indicators (Algorithm/QCAlgorithm.Indicators.cs in LEAN).

- The helpers (``self.sma(symbol, period)``, ``self.ema``, ``self.macd``, ``self.bb``,
  ``self.rsi``, ``self.atr``, ``self.roc``, ``self.std``, ``self.mom``, ``self.max``,
  ``self.min``, ``self.lwma``, ``self.sum``, ``self.var``) create an indicator named as LEAN
  names it (``SMA(14,SPY_day)``) and register it for automatic updates.
- ``register_indicator(symbol, indicator, resolution=None, selector=None)``: from then on each
  daily bar of `symbol` updates the indicator before ``on_data`` sees the slice (the engine calls
  ``feed_registered_indicators`` at each close). The default selector, as LEAN's: the bar's
  close (``bar.value``) for indicators of numbers, the bar itself for bar indicators.
- ``warm_up_indicator`` feeds an indicator its ``warm_up_period`` of past daily bars (the bars
  the algorithm may already see); ``indicator_history`` resets an indicator, runs it over past
  bars and returns its values (``.data_frame``, ``.current``, ``["fast"]``...).
- ``plot_indicator(chart, [wait_for_ready,] *indicators)`` plots each new value.

Only daily data exists here: another resolution raises NotSupportedError, as elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from local_lean.consolidators.base import is_consolidator
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.indicators.advance_decline import (
    AdvanceDeclineRatio,
    AdvanceDeclineVolumeRatio,
    ArmsIndex,
)
from local_lean.indicators.base import (
    MIN_TIME,
    IndicatorBase,
    IndicatorDataPoint,
    feed,
    indicator_input,
)
from local_lean.indicators.correlation import Correlation, CorrelationType
from local_lean.indicators.identity import Identity
from local_lean.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    MovingAverageType,
    SimpleMovingAverage,
    Sum,
)
from local_lean.indicators.oscillators import (
    Maximum,
    Minimum,
    Momentum,
    MovingAverageConvergenceDivergence,
    RateOfChange,
    RelativeStrengthIndex,
)
from local_lean.indicators.time_series import AutoRegressiveIntegratedMovingAverage
from local_lean.indicators.volatility import (
    AverageTrueRange,
    BollingerBands,
    StandardDeviation,
    Variance,
    lean_type_name,
)
from local_lean.market_data import TradeBar
from local_lean.symbols import Symbol

Selector = Callable[[TradeBar], Any] | None

# ----- automatic updates -----------------------------------------------------------------------


class _Registration:
    """One indicator fed by one symbol's bars through a selector."""

    __slots__ = ("indicator", "selector")

    def __init__(self, indicator: IndicatorBase, selector: Selector) -> None:
        self.indicator = indicator
        self.selector = selector

    def update(self, bar: TradeBar) -> None:
        feed(self.indicator, indicator_input(self.indicator, bar, self.selector))


class IndicatorRegistry:
    """The indicators registered for automatic updates, by symbol, in registration order."""

    def __init__(self) -> None:
        self._by_symbol: dict[Symbol, list[_Registration]] = {}

    def register(self, symbol: Symbol, indicator: IndicatorBase, selector: Selector) -> None:
        self._by_symbol.setdefault(symbol, []).append(_Registration(indicator, selector))

    def unregister(self, indicator: IndicatorBase) -> bool:
        found = False
        for symbol, registrations in list(self._by_symbol.items()):
            kept = [r for r in registrations if r.indicator is not indicator]
            found = found or len(kept) < len(registrations)
            self._by_symbol[symbol] = kept
        return found

    def indicators_of(self, symbol: Symbol) -> list[IndicatorBase]:
        """The indicators registered on `symbol`, in registration order."""
        return [registration.indicator for registration in self._by_symbol.get(symbol, [])]

    def feed(self, bars: dict[Symbol, TradeBar]) -> None:
        for symbol, registrations in self._by_symbol.items():
            bar = bars.get(symbol)
            if bar is not None:
                for registration in registrations:
                    registration.update(bar)

    def __bool__(self) -> bool:
        return any(self._by_symbol.values())


def feed_registered_indicators(algorithm: Any, daily_bars: dict[Symbol, Any]) -> None:
    """The engine's one call at each close, before ``on_data``: each registered indicator gets
    its symbol's bar of the session that just closed (a local_lean.fills.DailyBar)."""
    registry = algorithm.__dict__.get("_indicator_registry")
    if not registry:
        return
    bars = {}
    for symbol, daily in daily_bars.items():
        start = daily.start.replace(hour=0, minute=0, second=0, microsecond=0)
        bars[symbol] = TradeBar(
            symbol, start, daily.end, daily.open, daily.high, daily.low, daily.close, daily.volume
        )
    registry.feed(bars)


def feed_indicators_with_bars(algorithm: Any, bars: dict[Symbol, TradeBar]) -> None:
    """The intraday clock's call at each time step, before ``on_data``: each registered
    indicator gets its symbol's minute or hour trade bar."""
    registry = algorithm.__dict__.get("_indicator_registry")
    if registry and bars:
        registry.feed(bars)


# ----- indicator history -------------------------------------------------------------------------

# Members that are not values over time (LEAN's PandasConverter skips the same ones).
_NOT_HISTORY = {
    "consolidators",
    "current",
    "previous",
    "name",
    "samples",
    "is_ready",
    "window",
    "warm_up_period",
    "period",
    "updated",
}


class IndicatorDataPoints:
    """One time of an indicator history: the indicator's values then, by name
    (``points["middle_band"]``, ``points.upper_band``, ``points.current``)."""

    def __init__(self, points: dict[str, IndicatorDataPoint]) -> None:
        self._points = points

    @property
    def current(self) -> IndicatorDataPoint:
        return self._points["current"]

    @property
    def value(self) -> float:
        return self.current.value

    @property
    def time(self) -> dt.datetime:
        return self.current.time

    @property
    def end_time(self) -> dt.datetime:
        return self.current.end_time

    def __getitem__(self, name: str) -> IndicatorDataPoint | None:
        return self._points.get(_column(name))

    def __getattr__(self, name: str) -> IndicatorDataPoint:
        if not name.startswith("_") and _column(name) in self._points:
            return self._points[_column(name)]
        raise AttributeError(f"no indicator value named {name!r}: use one of {list(self._points)}")

    def __float__(self) -> float:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int | float) and not isinstance(other, bool):
            return self.value == other
        return self is other

    __hash__ = object.__hash__

    def __str__(self) -> str:
        points = sorted(self._points.items())
        values = ", ".join(f"{name}: {point.value:g}" for name, point in points)
        return f"{self.end_time} {values}"


class IndicatorHistory:
    """What ``indicator_history`` returns: the indicator's values at each time it was ready.

    ``data_frame`` has one column per indicator value (``current``, and e.g. ``fast``,
    ``signal``... named as LEAN's pandas columns: the property name lower-cased without
    underscores), indexed by the values' end times; ``current`` and ``["signal"]`` are lists of
    IndicatorDataPoint; iterating gives an IndicatorDataPoints per time.
    """

    def __init__(self, rows: list[IndicatorDataPoints], frame: pd.DataFrame) -> None:
        self._rows = rows
        self._frame = frame

    @property
    def data_frame(self) -> pd.DataFrame:
        return self._frame

    @property
    def data(self) -> list[IndicatorDataPoints]:
        return list(self._rows)

    @property
    def count(self) -> int:
        return len(self._rows)

    @property
    def current(self) -> list[IndicatorDataPoint]:
        return [row.current for row in self._rows]

    def __getitem__(self, name: str) -> list[IndicatorDataPoint]:
        if self._rows and self._rows[0][name] is None:
            raise KeyError(f"no indicator values named {name!r}: use one of {list(self._frame)}")
        return [row[name] for row in self._rows]

    def __iter__(self) -> Any:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __str__(self) -> str:
        return f"{self.count} indicator values"


def _column(name: str) -> str:
    return name.replace("_", "").lower()


def _history_members(indicator: IndicatorBase) -> list[str]:
    names = []
    for klass in type(indicator).__mro__:
        for name, member in vars(klass).items():
            if isinstance(member, property) and not name.startswith("_") and name not in names:
                names.append(name)
    return [name for name in names if name not in _NOT_HISTORY]


def run_indicator_history(indicator: IndicatorBase, inputs: Iterable[Any]) -> IndicatorHistory:
    """Reset `indicator`, feed it `inputs` and collect its values each time it is ready."""
    indicator.reset()
    members = _history_members(indicator)
    rows: list[IndicatorDataPoints] = []
    other_values: dict[str, list[tuple[dt.datetime, Any]]] = {}
    series: dict[str, dict[dt.datetime, float]] = {"current": {}}

    def record(sender: Any, updated: IndicatorDataPoint) -> None:
        if not indicator.is_ready or (rows and rows[-1].time == updated.time):
            return
        row = {"current": updated}
        series["current"][updated.end_time] = updated.value
        for name in members:
            value = getattr(indicator, name)
            column = _column(name)
            if isinstance(value, IndicatorBase):
                point = value.current
                row[column] = point
                if point.time != MIN_TIME:  # the latest value at its own time wins
                    series.setdefault(column, {})[point.end_time] = point.value
            else:
                text = lean_type_name(value) if isinstance(value, MovingAverageType) else value
                other_values.setdefault(column, []).append((updated.end_time, text))
        rows.append(IndicatorDataPoints(row))

    indicator.updated += record
    try:
        for item in inputs:
            feed(indicator, item)
    finally:
        indicator.updated -= record
    columns = {name: pd.Series(values, dtype="float64") for name, values in series.items()}
    for name, entries in other_values.items():
        columns[name] = pd.Series(dict(entries))
    frame = pd.DataFrame(columns)
    frame = frame[sorted(frame.columns)]
    return IndicatorHistory(rows, frame)


# ----- the QCAlgorithm side ---------------------------------------------------------------------


class QCAlgorithmIndicators:
    """QCAlgorithm's indicator methods (mixed into QCAlgorithm)."""

    @property
    def _indicator_registry(self) -> IndicatorRegistry:
        registry = self.__dict__.get("_indicator_registry")
        if registry is None:
            registry = self.__dict__["_indicator_registry"] = IndicatorRegistry()
        return registry

    # ----- helpers that create and register an indicator ----------------------------------------

    def arima(
        self,
        symbol: Any,
        ar_order: int,
        diff_order: int,
        ma_order: int,
        period: int,
        *args: Any,
        **kwargs: Any,
    ) -> AutoRegressiveIntegratedMovingAverage:
        """``arima(symbol, p, d, q, period, [intercept=True,] resolution=None,
        selector=None)``: an ARIMA(p, d, q) forecast refitted on the last `period` values."""
        intercept = True
        if args and isinstance(args[0], bool):
            intercept, args = args[0], args[1:]
        intercept = kwargs.pop("intercept", intercept)
        resolution = kwargs.pop("resolution", args[0] if args else None)
        selector = kwargs.pop("selector", args[1] if len(args) > 1 else None)
        if kwargs or len(args) > 2:
            raise TypeError(
                "arima(symbol, ar_order, diff_order, ma_order, period, [intercept,] "
                "resolution=None, selector=None)"
            )
        kind = f"ARIMA({ar_order},{diff_order},{ma_order},{period})"
        name = self._indicator_name(symbol, kind, resolution)
        indicator = AutoRegressiveIntegratedMovingAverage(
            name, ar_order, diff_order, ma_order, period, intercept
        )
        return self._initialize(indicator, symbol, resolution, selector)

    def sma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> SimpleMovingAverage:
        name = self._indicator_name(symbol, f"SMA({period})", resolution)
        return self._initialize(SimpleMovingAverage(name, period), symbol, resolution, selector)

    def ema(self, symbol: Any, period: int, *args: Any, **kwargs: Any) -> ExponentialMovingAverage:
        """``ema(symbol, period, [smoothing_factor,] resolution=None, selector=None)``."""
        smoothing_factor, resolution, selector = _ema_arguments(args, kwargs)
        name = self._indicator_name(symbol, f"EMA({period})", resolution)
        indicator = ExponentialMovingAverage(name, period, smoothing_factor)
        return self._initialize(indicator, symbol, resolution, selector)

    def macd(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        signal_period: int,
        type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Selector = None,
    ) -> MovingAverageConvergenceDivergence:
        periods = f"{fast_period},{slow_period},{signal_period}"
        name = self._indicator_name(symbol, f"MACD({periods})", resolution)
        indicator = MovingAverageConvergenceDivergence(
            name, fast_period, slow_period, signal_period, type
        )
        return self._initialize(indicator, symbol, resolution, selector)

    def bb(
        self,
        symbol: Any,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Selector = None,
    ) -> BollingerBands:
        name = self._indicator_name(symbol, f"BB({period},{k})", resolution)
        indicator = BollingerBands(name, period, k, moving_average_type)
        return self._initialize(indicator, symbol, resolution, selector)

    def rsi(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        resolution: Any = None,
        selector: Selector = None,
    ) -> RelativeStrengthIndex:
        kind = lean_type_name(moving_average_type)
        name = self._indicator_name(symbol, f"RSI({period},{kind})", resolution)
        indicator = RelativeStrengthIndex(name, period, moving_average_type)
        return self._initialize(indicator, symbol, resolution, selector)

    def atr(
        self,
        symbol: Any,
        period: int,
        type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Selector = None,
    ) -> AverageTrueRange:
        """LEAN's helper averages simply by default (the AverageTrueRange class: Wilder's)."""
        name = self._indicator_name(symbol, f"ATR({period})", resolution)
        return self._initialize(AverageTrueRange(name, period, type), symbol, resolution, selector)

    def roc(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> RateOfChange:
        name = self._indicator_name(symbol, f"ROC({period})", resolution)
        return self._initialize(RateOfChange(name, period), symbol, resolution, selector)

    def c(
        self,
        target: Any,
        reference: Any,
        period: int,
        correlation_type: CorrelationType = CorrelationType.PEARSON,
        resolution: Any = None,
        selector: Selector = None,
    ) -> Correlation:
        """LEAN's ``C``: the correlation of `target`'s and `reference`'s closes, updated with
        both symbols' bars."""
        _check_daily(resolution, "c")
        name = f"C({period})" if resolution is None else f"C({period},day)"
        symbols = [self._indicator_symbol(target), self._indicator_symbol(reference)]
        indicator = Correlation(name, symbols[0], symbols[1], period, correlation_type)
        for symbol in symbols:  # LEAN's InitializeIndicator registers it for each symbol
            self.register_indicator(symbol, indicator, resolution, selector)
        if self._automatic_indicator_warm_up():
            self.warm_up_indicator(symbols, indicator, resolution, selector)
        return indicator

    def std(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> StandardDeviation:
        name = self._indicator_name(symbol, f"STD({period})", resolution)
        return self._initialize(StandardDeviation(name, period), symbol, resolution, selector)

    def var(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> Variance:
        name = self._indicator_name(symbol, f"VAR({period})", resolution)
        return self._initialize(Variance(name, period), symbol, resolution, selector)

    def mom(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> Momentum:
        name = self._indicator_name(symbol, f"MOM({period})", resolution)
        return self._initialize(Momentum(name, period), symbol, resolution, selector)

    def max(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> Maximum:
        """The highest high by default (LEAN's helper selects the bar's high)."""
        name = self._indicator_name(symbol, f"MAX({period})", resolution)
        selector = selector or (lambda bar: bar.high)
        return self._initialize(Maximum(name, period), symbol, resolution, selector)

    def min(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> Minimum:
        """The lowest low by default (LEAN's helper selects the bar's low)."""
        name = self._indicator_name(symbol, f"MIN({period})", resolution)
        selector = selector or (lambda bar: bar.low)
        return self._initialize(Minimum(name, period), symbol, resolution, selector)

    def lwma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> LinearWeightedMovingAverage:
        name = self._indicator_name(symbol, f"LWMA({period})", resolution)
        indicator = LinearWeightedMovingAverage(name, period)
        return self._initialize(indicator, symbol, resolution, selector)

    def sum(
        self, symbol: Any, period: int, resolution: Any = None, selector: Selector = None
    ) -> Sum:
        name = self._indicator_name(symbol, f"SUM({period})", resolution)
        return self._initialize(Sum(name, period), symbol, resolution, selector)

    def identity(self, symbol: Any, *args: Any, **kwargs: Any) -> Identity:
        """``identity(symbol, [resolution,] selector=None, field_name=None)``: the selected
        value of each bar (the close by default), named after `field_name`."""
        args = list(args)
        resolution = kwargs.pop("resolution", None)
        if resolution is None and args and isinstance(args[0], Resolution | dt.timedelta):
            resolution = args.pop(0)
        names = ["selector", "field_name"]
        if len(args) > len(names) or set(kwargs) - set(names):
            raise TypeError("identity takes (symbol, [resolution,] selector, field_name)")
        values = {**dict(zip(names, args, strict=False)), **kwargs}
        field_name = values.get("field_name") or "close"
        name = self._indicator_name(symbol, field_name, resolution)
        return self._initialize(Identity(name), symbol, resolution, values.get("selector"))

    def trin(self, symbols: Any, resolution: Any = None, selector: Selector = None) -> ArmsIndex:
        """The Arms Index of `symbols` (a list), registered on each of them."""
        return self._breadth(ArmsIndex, "TRIN", symbols, resolution, selector)

    def adr(
        self, symbols: Any, resolution: Any = None, selector: Selector = None
    ) -> AdvanceDeclineRatio:
        """The advance/decline ratio of `symbols` (a list), registered on each of them."""
        return self._breadth(AdvanceDeclineRatio, "A/D Ratio", symbols, resolution, selector)

    def advr(
        self, symbols: Any, resolution: Any = None, selector: Selector = None
    ) -> AdvanceDeclineVolumeRatio:
        """The advance/decline volume ratio of `symbols` (a list), registered on each."""
        kind = "A/D Volume Rate"
        return self._breadth(AdvanceDeclineVolumeRatio, kind, symbols, resolution, selector)

    def _breadth(
        self, indicator_type: type, kind: str, symbols: Any, resolution: Any, selector: Selector
    ) -> Any:
        """LEAN's breadth helpers: named without a symbol ('TRIN(min)'), fed by every symbol."""
        if not isinstance(symbols, list | tuple) or not symbols:
            raise TypeError(f"{kind} needs a list of symbols, got {symbols!r}")
        symbols = self._indicator_symbols(symbols)
        named = resolution or self._subscription_resolution(symbols[0])
        indicator = indicator_type(f"{kind}({_RESOLUTION_SUFFIXES.get(named, 'day')})")
        for symbol in symbols:
            indicator.add(symbol)
            self.register_indicator(symbol, indicator, resolution, selector)
        if self._automatic_indicator_warm_up():
            self.warm_up_indicator(symbols, indicator, resolution, selector)
        return indicator

    # ----- registration, warm-up, history, plotting ------------------------------------------

    def register_indicator(
        self, symbol: Any, indicator: Any, resolution: Any = None, selector: Selector = None
    ) -> None:
        """Update `indicator` with each daily bar of `symbol`, before ``on_data``; with a
        consolidator (or a period over a day) in place of the resolution, with its bars."""
        _check_indicator(indicator, "register_indicator")
        if _through_consolidator(resolution):
            _check_selector(selector)
            self._register_indicator_with_consolidator(symbol, indicator, resolution, selector)
            return
        _check_selector(selector)
        own = self._subscription_resolution(symbol)
        if own != Resolution.DAILY and resolution is not None:
            # a coarser resolution than the data's goes through a consolidator (LEAN's
            # ResolveConsolidator); the data's own passes each bar
            period = _resolution_period(resolution, "register_indicator")
            if period != _resolution_period(own, "register_indicator"):
                self._register_indicator_with_consolidator(symbol, indicator, period, selector)
                return
        elif own == Resolution.DAILY:
            _check_daily(resolution, "register_indicator")
        self._indicator_registry.register(self._indicator_symbol(symbol), indicator, selector)

    def unregister_indicator(self, indicator: Any) -> None:
        """Stop the automatic updates of `indicator`, and remove the consolidators it was
        registered with (LEAN's ``DeregisterIndicator``)."""
        self._indicator_registry.unregister(indicator)
        self._remove_indicator_consolidators(indicator)

    def deregister_indicator(self, indicator: Any) -> None:
        self.unregister_indicator(indicator)

    def warm_up_indicator(
        self, symbol: Any, indicator: Any, resolution: Any = None, selector: Selector = None
    ) -> None:
        """Feed `indicator` its ``warm_up_period`` of daily bars before now (`symbol` may be a
        list). `resolution` may also be LEAN's bar period, a timedelta of one day."""
        _check_indicator(indicator, "warm_up_indicator")
        _check_daily(resolution, "warm_up_indicator")
        _check_selector(selector)
        period = getattr(indicator, "warm_up_period", None)
        if period is None:
            self.debug(
                "Warning: the 'WarmUpIndicator' feature only works with indicators which "
                "inherit from 'IIndicatorWarmUpPeriodProvider' and define a warm up period, "
                "setting property 'WarmUpPeriod' with a value > 0. The provided indicator of "
                f"type '{type(indicator).__name__}' will not be warmed up."
            )
            return
        if period <= 0:
            return
        symbols = self._indicator_symbols(symbol)
        bars = self._daily_bars(symbols, period)
        for bar in bars:
            feed(indicator, indicator_input(indicator, bar, selector))

    def indicator_history(
        self, indicator: Any, symbol: Any, *args: Any, **kwargs: Any
    ) -> IndicatorHistory:
        """``indicator_history(indicator, symbol(s), period | span | start, end,
        resolution=None, selector=None)``: reset `indicator`, run it over past daily bars and
        return its values, the last `period` of them for a bar count."""
        _check_indicator(indicator, "indicator_history")
        when, resolution, selector = _history_arguments(args, kwargs)
        _check_daily(resolution, "indicator_history")
        _check_selector(selector)
        symbols = self._indicator_symbols(symbol)
        if isinstance(when, int):
            warm_up = getattr(indicator, "warm_up_period", 0) or 0
            count = when + (warm_up - 1 if warm_up > 0 and when > 0 else 0)
            bars = self._daily_bars(symbols, count)
        else:
            bars = self._daily_bars(symbols, when)
        inputs = (indicator_input(indicator, bar, selector) for bar in bars)
        return run_indicator_history(indicator, inputs)

    def plot_indicator(self, chart: str, *indicators: Any) -> None:
        """``plot_indicator(chart, [wait_for_ready,] *indicators)``: plot each new value
        (series named after the indicator); by default from the first value, as LEAN."""
        wait_for_ready = False
        if indicators and isinstance(indicators[0], bool):
            wait_for_ready, indicators = indicators[0], indicators[1:]
        flat: list[IndicatorBase] = []
        for item in indicators:
            if item is None:
                continue
            if isinstance(item, Iterable) and not isinstance(item, IndicatorBase):
                flat.extend(item)
            else:
                flat.append(item)
        for indicator in flat:
            _check_indicator(indicator, "plot_indicator")
            indicator.updated += self._plotter(chart, indicator, wait_for_ready)

    # ----- internals ----------------------------------------------------------------------

    def _plotter(self, chart: str, indicator: IndicatorBase, wait: bool) -> Callable:
        def plot(sender: Any, updated: IndicatorDataPoint) -> None:
            if not wait or indicator.is_ready:
                self.plot(chart, indicator.name, indicator.current.value)

        return plot

    def _initialize(
        self, indicator: IndicatorBase, symbol: Any, resolution: Any, selector: Selector
    ) -> Any:
        self.register_indicator(symbol, indicator, resolution, selector)
        if self._automatic_indicator_warm_up():
            self.warm_up_indicator(symbol, indicator, resolution, selector)
        return indicator

    def _automatic_indicator_warm_up(self) -> bool:
        """LEAN's ``settings.automatic_indicator_warm_up`` (False by default), where the
        algorithm has settings."""
        try:
            settings = self.settings
        except (AttributeError, NotSupportedError):
            return False
        return bool(getattr(settings, "automatic_indicator_warm_up", False))

    def _indicator_name(self, symbol: Any, kind: str, resolution: Any) -> str:
        """LEAN's CreateIndicatorName: 'SMA(14)' for SPY daily is 'SMA(14,SPY_day)', for SPY
        minute 'SMA(14,SPY_min)'."""
        own = self._subscription_resolution(symbol)
        if own == Resolution.DAILY:
            _check_daily(resolution, kind.split("(")[0].lower())
        else:
            _resolution_period(resolution or own, kind.split("(")[0].lower())
        suffix = _RESOLUTION_SUFFIXES.get(resolution or own, "day")
        return f"{kind}({self._indicator_symbol(symbol).value}_{suffix})".replace(")(", ",")

    def _subscription_resolution(self, symbol: Any) -> Resolution:
        """The resolution of the security's data (daily for a security not added yet)."""
        key = symbol.symbol if hasattr(symbol, "symbol") and not isinstance(symbol, str) else symbol
        security = self.securities.get(key) if isinstance(key, Symbol | str) else None
        resolution = getattr(security, "resolution", Resolution.DAILY)
        return resolution if isinstance(resolution, Resolution) else Resolution.DAILY

    def _indicator_symbol(self, symbol: Any) -> Symbol:
        key = symbol.symbol if hasattr(symbol, "symbol") and not isinstance(symbol, str) else symbol
        if not isinstance(key, Symbol | str):
            raise TypeError(f"expected a ticker, a Symbol or a Security, got {symbol!r}")
        return self.securities[key].symbol  # a clear error when it was never added

    def _indicator_symbols(self, symbol: Any) -> list[Symbol]:
        if isinstance(symbol, list | tuple):
            return [self._indicator_symbol(each) for each in symbol]
        return [self._indicator_symbol(symbol)]

    def _daily_bars(self, symbols: list[Symbol], when: Any) -> list[TradeBar]:
        """The daily bars the algorithm can see now (a count, a timedelta or (start, end)),
        all symbols merged in time order, as LEAN pushes history slices."""
        args = when if isinstance(when, tuple) else (when,)
        frame = self.history(symbols, *args, Resolution.DAILY)
        bars = []
        order = {symbol: number for number, symbol in enumerate(symbols)}
        for (symbol, end), row in zip(frame.index, frame.itertuples(index=False), strict=True):
            end = end.to_pydatetime()
            start = end.replace(hour=0, minute=0, second=0, microsecond=0)
            bars.append(
                TradeBar(symbol, start, end, row.open, row.high, row.low, row.close, row.volume)
            )
        bars.sort(key=lambda bar: (bar.end_time, order.get(bar.symbol, 0)))
        return bars


def _ema_arguments(args: tuple, kwargs: dict) -> tuple[float | None, Any, Selector]:
    """``ema``'s two overloads: (resolution, selector) or (smoothing_factor, resolution,
    selector); a number first is the smoothing factor."""
    args = list(args)
    factor = kwargs.pop("smoothing_factor", None)
    if factor is None and args and isinstance(args[0], float):
        factor = args.pop(0)
    names = ["resolution", "selector"]
    if len(args) > len(names):
        raise TypeError("ema takes (symbol, period, [smoothing_factor,] resolution, selector)")
    values = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names or key in values:
            raise TypeError(f"ema got an unexpected or repeated argument {key!r}")
        values[key] = value
    return factor, values.get("resolution"), values.get("selector")


def _history_arguments(args: tuple, kwargs: dict) -> tuple[Any, Any, Selector]:
    """indicator_history's overloads after (indicator, symbol): period | span | start, end."""
    args, kwargs = list(args), dict(kwargs)
    if "period" in kwargs or "span" in kwargs:
        when = kwargs.pop("period", None) or kwargs.pop("span")
    elif "start" in kwargs:
        when = (kwargs.pop("start"), kwargs.pop("end", None))
    elif len(args) >= 2 and isinstance(args[0], dt.date) and isinstance(args[1], dt.date):
        when = (args.pop(0), args.pop(0))
    elif args:
        when = args.pop(0)
    else:
        raise TypeError("indicator_history needs a bar count, a timedelta or start and end")
    if isinstance(when, bool) or not isinstance(when, int | dt.timedelta | tuple):
        raise TypeError(
            f"indicator_history needs a bar count, a timedelta or start and end, got {when!r}"
        )
    if isinstance(when, int) and when < 1:
        raise ValueError(f"indicator_history needs a bar count >= 1, got {when}")
    resolution = kwargs.pop("resolution", args.pop(0) if args else None)
    selector = kwargs.pop("selector", args.pop(0) if args else None)
    if args or kwargs:
        raise TypeError(f"indicator_history got unexpected arguments {args or list(kwargs)}")
    return when, resolution, selector


def _check_daily(resolution: Any, where: str) -> None:
    if resolution is None or resolution == Resolution.DAILY:
        return
    if resolution == dt.timedelta(days=1):
        return  # LEAN's bar period of one day: the daily bars themselves
    if isinstance(resolution, Resolution):
        raise NotSupportedError(
            f"{where} with Resolution.{resolution.name} of a daily subscription",
            "leave resolution out or pass Resolution.DAILY, or subscribe the security at "
            f"Resolution.{resolution.name} (add_equity) on a LEAN data folder with such bars",
        )
    if isinstance(resolution, dt.timedelta) and resolution > dt.timedelta(days=1):
        raise NotSupportedError(
            f"{where} with a {resolution} period",
            "create the indicator and feed it longer bars through a consolidator: "
            f"self.register_indicator(symbol, indicator, TradeBarConsolidator({resolution!r}))",
        )
    if isinstance(resolution, dt.timedelta):
        raise NotSupportedError(
            f"{where} with a {resolution} period",
            "local_lean has daily bars only and does not consolidate them",
        )
    raise TypeError(f"{where}: expected a Resolution, got {resolution!r}")


_RESOLUTION_SUFFIXES = {Resolution.MINUTE: "min", Resolution.HOUR: "hr", Resolution.DAILY: "day"}
_RESOLUTION_PERIODS = {
    Resolution.MINUTE: dt.timedelta(minutes=1),
    Resolution.HOUR: dt.timedelta(hours=1),
    Resolution.DAILY: dt.timedelta(days=1),
}


def _resolution_period(resolution: Any, where: str) -> dt.timedelta:
    """The bar period of a minute, hour or daily resolution (or a period given as such)."""
    if isinstance(resolution, dt.timedelta):
        return resolution
    if resolution in _RESOLUTION_PERIODS:
        return _RESOLUTION_PERIODS[resolution]
    if isinstance(resolution, Resolution):
        raise NotSupportedError(
            f"{where} with Resolution.{resolution.name}", "pass MINUTE, HOUR or DAILY"
        )
    raise TypeError(f"{where}: expected a Resolution, got {resolution!r}")


def _through_consolidator(resolution: Any) -> bool:
    """A consolidator, or a period longer than the daily bars: register_indicator then feeds
    the consolidated bars (local_lean/algorithm/consolidators.py)."""
    if isinstance(resolution, dt.timedelta):
        return resolution > dt.timedelta(days=1)
    return is_consolidator(resolution)


def _check_indicator(indicator: Any, where: str) -> None:
    if not isinstance(indicator, IndicatorBase):
        raise TypeError(
            f"{where} needs an indicator (e.g. SimpleMovingAverage(14)), got {indicator!r}"
        )


def _check_selector(selector: Any) -> None:
    if selector is not None and not callable(selector):
        raise TypeError(
            f"a selector is a function of the bar (e.g. lambda bar: bar.high), got {selector!r}"
        )
