"""What QCAlgorithm adds for consolidators (mixed into QCAlgorithm, as LEAN's
QCAlgorithm.Indicators.cs and QCAlgorithm.Python.cs define them):

- ``subscription_manager``: the subscriptions and their consolidators.
- ``consolidate(symbol, period, handler)``: a consolidator of `symbol`'s bars (daily, hour
  or minute, as subscribed), its ``handler(bar)`` (one argument, as in LEAN) called with each
  bar. `period` is a timedelta, a Resolution or a calendar function (``Calendar.WEEKLY``...);
  the subscription's own period passes each bar through, one day of minute or hour bars
  makes the session's bar. ``consolidate(RenkoBar, symbol, size, tick_type, handler)``
  (also RangeBar, TradeBar: a count) makes LEAN's consolidator of that size.
- ``register_indicator(symbol, indicator, consolidator, selector)`` feeds an indicator the
  consolidator's bars (indicators/helpers.py hands such calls over to
  ``_register_indicator_with_consolidator``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from local_lean.consolidators.bars import RangeBar, RenkoBar, VolumeRenkoBar
from local_lean.consolidators.period import (
    BaseDataConsolidator,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    SessionBarConsolidator,
    TradeBarConsolidator,
)
from local_lean.consolidators.subscriptions import (
    SubscriptionManager,
    TickType,
    subscription_config,
)
from local_lean.consolidators.timeless import (
    RangeConsolidator,
    RenkoConsolidator,
    VolumeRenkoConsolidator,
)
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.indicators.base import feed, indicator_input
from local_lean.market_data import BaseData, TradeBar
from local_lean.quote_bars import QuoteBar

_ONE_DAY = dt.timedelta(days=1)
RESOLUTION_PERIODS = {
    Resolution.MINUTE: dt.timedelta(minutes=1),
    Resolution.HOUR: dt.timedelta(hours=1),
    Resolution.DAILY: _ONE_DAY,
}


class QCAlgorithmConsolidators:
    """QCAlgorithm's consolidator members."""

    @property
    def subscription_manager(self) -> SubscriptionManager:
        """The subscriptions of the securities added and their consolidators."""
        manager = self.__dict__.get("_subscription_manager")
        if manager is None:
            manager = self.__dict__["_subscription_manager"] = SubscriptionManager(
                self.securities,  # type: ignore[attr-defined]
                self._consolidator_clock,
                self._indicator_registry.indicators_of,  # type: ignore[attr-defined]
            )
        return manager

    def _consolidator_clock(self) -> dt.datetime | None:
        context = self.__dict__.get("_context")
        if context is None or context.initializing:
            return None
        return context.time

    def consolidate(self, symbol: Any, period: Any, *args: Any) -> Any:
        """``consolidate(symbol, period, [tick_type,] handler)``: a consolidator of `symbol`'s
        daily bars for `period`, registered with ``handler(bar)``; returns it."""
        if isinstance(symbol, type):  # consolidate(bar type, symbol, size, tick_type, handler)
            bar_type, symbol, size = symbol, period, args[0] if args else None
            period = _SizedPeriod(bar_type, size)
            args = args[1:]
        tick_type = None
        if len(args) == 2:
            tick_type, handler = args
            if tick_type is not None and not isinstance(tick_type, TickType):
                raise TypeError(f"consolidate's tick_type must be a TickType, got {tick_type!r}")
        elif len(args) == 1:
            (handler,) = args
        else:
            raise TypeError("consolidate(symbol, period, [tick_type,] handler)")
        if handler is not None and not callable(handler):
            raise TypeError(f"the handler must be a function of the bar, got {handler!r}")
        subscribed, consolidator = self._consolidator_over(symbol, period)
        if handler is not None:
            consolidator.data_consolidated += _one_argument(handler)
            self.subscription_manager.add_consolidator(subscribed, consolidator, tick_type)
        return consolidator

    def resolve_consolidator(self, symbol: Any, resolution: Any, data_type: Any = None) -> Any:
        """LEAN's ``ResolveConsolidator``: a new consolidator of `symbol`'s bars for a
        Resolution or a timedelta (None: the subscription's own, each bar passed through),
        not yet attached to the subscription (``register_indicator`` or
        ``subscription_manager.add_consolidator`` attach it)."""
        if data_type is not None and data_type is not TradeBar:
            raise NotSupportedError(
                f"resolve_consolidator(..., {getattr(data_type, '__name__', data_type)})",
                "equity subscriptions here consolidate TradeBar data: pass TradeBar or None",
            )
        if resolution is None:
            config = subscription_config(self.subscription_manager, symbol)
            if config is not None:
                resolution = self.securities[config.symbol].resolution  # type: ignore[attr-defined]
        return self._consolidator_over(symbol, resolution)[1]

    def _consolidator_over(self, symbol: Any, period: Any) -> tuple[Any, Any]:
        """(the subscribed Symbol, a consolidator of `period` over its bars), or LEAN's error
        for a symbol without a subscription."""
        config = subscription_config(self.subscription_manager, symbol)
        if config is None:
            raise ValueError(
                f"Please register to receive data for symbol '{symbol}' using the "
                "AddSecurity() function."
            )
        resolution = self.securities[config.symbol].resolution  # type: ignore[attr-defined]
        return config.symbol, _consolidator_for(config.symbol, period, resolution)

    def _register_indicator_with_consolidator(
        self, symbol: Any, indicator: Any, consolidator: Any, selector: Any
    ) -> None:
        """LEAN's ``register_indicator(symbol, indicator, consolidator | timedelta,
        selector)``: each bar the consolidator produces updates the indicator."""
        if isinstance(consolidator, dt.timedelta):
            _, consolidator = self._consolidator_over(symbol, consolidator)

        def update(sender: Any, bar: Any) -> None:
            feed(indicator, indicator_input(indicator, bar, selector))

        consolidator.data_consolidated += update
        self.subscription_manager.add_consolidator(symbol, consolidator)
        self._consolidators_of_indicators().setdefault(id(indicator), []).append(consolidator)

    def _consolidators_of_indicators(self) -> dict[int, list[Any]]:
        """The consolidators each indicator was registered with (LEAN's
        ``IndicatorBase.Consolidators``), by the indicator's id."""
        return self.__dict__.setdefault("_indicator_consolidators", {})

    def _remove_indicator_consolidators(self, indicator: Any) -> None:
        """LEAN's ``DeregisterIndicator``: the consolidators `indicator` was registered with
        leave the subscription manager, so they are neither updated nor counted."""
        for consolidator in self._consolidators_of_indicators().pop(id(indicator), []):
            self.subscription_manager.remove_consolidator(None, consolidator)


class _SizedPeriod:
    """consolidate's (bar type, size) form: LEAN's CreateConsolidator(symbol, size, type)."""

    def __init__(self, bar_type: type, size: Any) -> None:
        if isinstance(size, bool) or not isinstance(size, int | float):
            raise TypeError(
                f"consolidate({bar_type.__name__}, symbol, size, ...): size must be a number"
            )
        self.bar_type, self.size = bar_type, size

    def consolidator(self) -> Any:
        if self.bar_type is RenkoBar:
            return RenkoConsolidator(self.size)
        if self.bar_type is RangeBar:
            return RangeConsolidator(int(self.size))
        if self.bar_type is VolumeRenkoBar:
            return VolumeRenkoConsolidator(self.size)
        if self.bar_type is TradeBar:
            return TradeBarConsolidator(int(self.size))
        if self.bar_type is QuoteBar:
            return QuoteBarConsolidator(int(self.size))
        if self.bar_type is BaseData:
            return BaseDataConsolidator(int(self.size))
        raise NotSupportedError(
            f"consolidate({self.bar_type.__name__}, ...)",
            "equity data consolidates into RenkoBar, VolumeRenkoBar, RangeBar, TradeBar, "
            "QuoteBar (minute data) or BaseData bars",
        )


def _consolidator_for(symbol: Any, period: Any, resolution: Any = Resolution.DAILY) -> Any:
    """LEAN's CreateConsolidator for a TradeBar subscription at `resolution`: the data's own
    period passes each bar through, a longer one consolidates (a day of minute or hour bars:
    the session's bar, ending at the close), a shorter one is refused."""
    if isinstance(period, _SizedPeriod):
        return period.consolidator()
    own = RESOLUTION_PERIODS.get(resolution, _ONE_DAY)
    name = getattr(resolution, "name", "DAILY").capitalize()
    too_fine = ValueError(
        f"Unable to create {symbol.value} consolidator because {symbol.value} is registered "
        f"for {name} data. Consolidators require higher resolution data to produce lower "
        "resolution data."
    )
    if isinstance(period, Resolution):
        if period not in RESOLUTION_PERIODS:
            raise too_fine
        period = RESOLUTION_PERIODS[period]
    if isinstance(period, dt.timedelta):
        if period < own:
            raise too_fine
        if period == own:
            return IdentityDataConsolidator()
        if period == _ONE_DAY:
            return SessionBarConsolidator(UsEquityExchangeHours())
        return TradeBarConsolidator(period)
    if callable(period):
        return TradeBarConsolidator(period)
    raise TypeError(
        f"Unable to create a consolidator period from {period!r}: pass a timedelta, a "
        "Resolution or a calendar function (Calendar.WEEKLY)"
    )


def _one_argument(handler: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    # consolidate's handlers take the bar alone; data_consolidated passes (sender, bar).
    def call(sender: Any, bar: Any) -> None:
        handler(bar)

    return call
