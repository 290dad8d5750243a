"""``self.subscription_manager`` (LEAN's Common/Data/SubscriptionManager.cs): the data
subscriptions of the algorithm's securities and the consolidators attached to them.

Every security here has one subscription: daily trade bars, adjusted prices, as ``add_equity``
makes them (LEAN subscribes a daily US equity to trade bars only). ``add_consolidator(symbol,
consolidator)`` attaches a consolidator to it; the engine then gives each consolidator its
symbol's daily bar at the close, before ``on_data`` (``feed_consolidators``), as LEAN updates
consolidators before the slice reaches the algorithm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from local_lean.conventions import from_utc, to_utc
from local_lean.enums import DataNormalizationMode, Resolution, SecurityType
from local_lean.market_data import TradeBar
from local_lean.quote_bars import QuoteBar
from local_lean.symbol_conversion import symbol_key, ticker_of
from local_lean.symbols import Symbol

# A daily subscription's increment: LEAN's least scan interval for its consolidators.
_DATA_INCREMENT = dt.timedelta(days=1)
_ONE_DAY = dt.timedelta(days=1)


class TickType(IntEnum):
    """LEAN's TickType: daily equity subscriptions are TRADE data."""

    TRADE = 0
    QUOTE = 1
    OPEN_INTEREST = 2


class ConsolidatorSet:
    """A subscription's consolidators as LEAN's Python sees its .NET set: iterable, ``len``,
    ``count`` and ``in``; a read-only view (add through the subscription manager)."""

    def __init__(self, items: list[Any]) -> None:
        self._items = items

    @property
    def count(self) -> int:
        return len(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Any:
        return iter(list(self._items))

    def __contains__(self, item: object) -> bool:
        return item in self._items


class SubscriptionDataConfig:
    """One data subscription (LEAN's SubscriptionDataConfig): a daily TradeBar feed of an
    equity, and the consolidators it updates."""

    def __init__(
        self,
        symbol: Symbol,
        registered_indicators: Callable[[], list[Any]] = lambda: [],
        normalization_mode: Callable[[], DataNormalizationMode] = (
            lambda: DataNormalizationMode.ADJUSTED
        ),
    ) -> None:
        self._symbol = symbol
        self._consolidators: list[Any] = []
        self._registered_indicators = registered_indicators
        self._normalization_mode = normalization_mode

    @property
    def symbol(self) -> Symbol:
        return self._symbol

    @property
    def type(self) -> type:
        return TradeBar

    @property
    def resolution(self) -> Resolution:
        return Resolution.DAILY

    @property
    def increment(self) -> dt.timedelta:
        return dt.timedelta(days=1)

    @property
    def tick_type(self) -> TickType:
        return TickType.TRADE

    @property
    def security_type(self) -> SecurityType:
        return SecurityType.EQUITY

    @property
    def market(self) -> str:
        return "usa"

    @property
    def fill_data_forward(self) -> bool:
        return True

    @property
    def extended_market_hours(self) -> bool:
        return False

    @property
    def is_internal_feed(self) -> bool:
        return False

    @property
    def is_custom_data(self) -> bool:
        return False

    @property
    def data_normalization_mode(self) -> DataNormalizationMode:
        """The security's mode (add_equity's data_normalization_mode)."""
        return self._normalization_mode()

    @property
    def consolidators(self) -> ConsolidatorSet:
        """The consolidators this subscription updates, in the order they were added."""
        return ConsolidatorSet(self._consolidators + self._registered_indicators())

    def __repr__(self) -> str:
        return f"TradeBar,{self._symbol.value},Daily,Trade,Adjusted"

    def to_string(self) -> str:
        return repr(self)


class SubscriptionDataConfigService:
    """``subscription_manager.subscription_data_config_service``: looks subscriptions up."""

    def __init__(self, manager: SubscriptionManager) -> None:
        self._manager = manager

    def get_subscription_data_configs(
        self, symbol: Any = None, include_internal_configs: bool = False
    ) -> list[SubscriptionDataConfig]:
        """The subscriptions of `symbol` (a Symbol, ticker or Security; all when None);
        an empty list for a symbol that was not added, as in LEAN."""
        if symbol is None:
            return self._manager.subscriptions
        config = self._manager._config(symbol)
        return [] if config is None else [config]


class SubscriptionManager:
    """LEAN's ``self.subscription_manager``: subscriptions and their consolidators."""

    def __init__(
        self,
        securities: Any,
        clock: Callable[[], dt.datetime | None] = lambda: None,
        registered_indicators: Callable[[Symbol], list[Any]] = lambda symbol: [],
    ) -> None:
        self._securities = securities
        # LEAN's register_indicator attaches a consolidator to the subscription: each
        # indicator registered for automatic updates counts as one.
        self._registered_indicators = registered_indicators
        self._configs: dict[Symbol, SubscriptionDataConfig] = {}
        self._service = SubscriptionDataConfigService(self)
        self._clock = clock  # the algorithm's time; None while it initializes
        self._schedules: dict[int, _ScanSchedule] = {}  # by id(consolidator)
        self._quote_consolidators: dict[Symbol, list[Any]] = {}  # fed the quote bars
        self._now_utc: dt.datetime | None = None

    @property
    def subscription_data_config_service(self) -> SubscriptionDataConfigService:
        return self._service

    @property
    def subscriptions(self) -> list[SubscriptionDataConfig]:
        """Every subscription: one per security added, in the order they were added."""
        return [c for c in (self._config(s) for s in list(self._securities)) if c is not None]

    @property
    def count(self) -> int:
        return len(self.subscriptions)

    def add_consolidator(self, symbol: Any, consolidator: Any, tick_type: Any = None) -> None:
        """Give `consolidator` each bar of `symbol` from now on, before ``on_data``: its trade
        bars, or its quote bars for a consolidator of quote bars (or ``TickType.QUOTE``), which
        minute equity subscriptions have."""
        _check_consolidator(consolidator)
        config = self._config(symbol)
        if config is None:
            raise ValueError(
                "Please subscribe to this symbol before adding a consolidator for it. Symbol: "
                f"{ticker_of(symbol)}"
            )
        wants_quotes = tick_type == TickType.QUOTE or (
            tick_type is None and getattr(consolidator, "input_type", None) is QuoteBar
        )
        available = [TickType.TRADE] + ([TickType.QUOTE] if self._has_quotes(config) else [])
        if tick_type is not None and tick_type not in available:
            raise ValueError(
                f"No subscription with the requested Tick Type {_tick_type_name(tick_type)} was "
                "found. Available Tick Types: " + ", ".join(_tick_type_name(t) for t in available)
            )
        if wants_quotes and TickType.QUOTE not in available:
            raise ValueError(
                "Type mismatch found between consolidator and symbol. Symbol: "
                f"{ticker_of(symbol)} does not support input type: QuoteBar. Supported types: "
                "TradeBar."
            )
        if wants_quotes:
            self._quote_consolidators.setdefault(config.symbol, []).append(consolidator)
        else:
            config._consolidators.append(consolidator)
        added_at = self._clock()
        self._schedules[id(consolidator)] = _ScanSchedule(
            self, consolidator, None if added_at is None else to_utc(added_at)
        )

    def remove_consolidator(self, symbol: Any, consolidator: Any) -> None:
        """Stop updating `consolidator` and drop its handlers (LEAN disposes it)."""
        configs = [self._config(symbol)] if symbol is not None else self.subscriptions
        for config in configs:
            if config is not None and consolidator in config._consolidators:
                config._consolidators.remove(consolidator)
            quoted = self._quote_consolidators.get(config.symbol, []) if config else []
            if consolidator in quoted:
                quoted.remove(consolidator)
        schedule = self._schedules.pop(id(consolidator), None)
        if schedule is not None:
            schedule.disposed = True
        dispose = getattr(consolidator, "dispose", None)
        if callable(dispose):
            dispose()

    def _config(self, symbol: Any) -> SubscriptionDataConfig | None:
        security = self._securities.get(symbol_key(symbol))
        if security is None:
            return None
        config = self._configs.get(security.symbol)
        if config is None:
            config = self._configs[security.symbol] = SubscriptionDataConfig(
                security.symbol,
                lambda: self._registered_indicators(security.symbol),
                lambda: security.data_normalization_mode,
            )
        return config

    def _scan_past(self, slice_time: dt.datetime, set_time: Callable[[dt.datetime], None]) -> None:
        """LEAN's ScanPastConsolidators: before a slice's data, scan each consolidator whose
        scan time is before the slice, at that time (the algorithm's clock is set to it), in
        the order of their scan times."""
        slice_utc = to_utc(slice_time)
        for schedule in list(self._schedules.values()):
            if schedule.scan_utc is None:  # added since the last slice
                if schedule.added_utc is None:  # in initialize: the chain runs at midnights
                    midnight = dt.datetime.combine(slice_time.date(), dt.time())
                    schedule.added_utc = to_utc(midnight - _ONE_DAY)
                self._now_utc = schedule.added_utc
                schedule.advance()
        while True:
            # (consolidators added by a handler meanwhile wait for the next slice, as in LEAN)
            due = [
                s
                for s in self._schedules.values()
                if s.scan_utc is not None and s.scan_utc < slice_utc
            ]
            if not due:
                return
            schedule = min(due, key=lambda s: (s.scan_utc, s.number))
            self._now_utc = schedule.scan_utc
            local = from_utc(schedule.scan_utc)
            set_time(local)
            schedule.consolidator.scan(local)
            if not schedule.disposed:
                schedule.advance()

    def _has_quotes(self, config: SubscriptionDataConfig) -> bool:
        """Whether the symbol's data has quote bars: minute equity data does (LEAN subscribes
        minute equities to trades and quotes), hour and daily data has trades only."""
        security = self._securities.get(config.symbol)
        return getattr(security, "resolution", Resolution.DAILY) == Resolution.MINUTE

    def _feed(
        self, bars: dict[Symbol, TradeBar], local_time: dt.datetime, quotes: Any = None
    ) -> None:
        self._now_utc = to_utc(local_time)
        for symbol, config in list(self._configs.items()):
            fed = [(bars.get(symbol), config._consolidators)]
            if quotes is not None:
                fed.append((quotes.get(symbol), self._quote_consolidators.get(symbol, [])))
            for bar, consolidators in fed:
                if bar is None:
                    continue
                for consolidator in list(consolidators):
                    consolidator.update(bar)
                    # LEAN scans each consolidator once the data is through it.
                    consolidator.scan(local_time)


class _ScanSchedule:
    """When the engine next scans one consolidator (LEAN's ConsolidatorWrapper): at the end
    of the bar it is building, then one bar span after each bar it produces; a day after now
    when it has nothing to go by. Times are UTC, as LEAN keeps them (so a span of whole days
    crosses a daylight-saving change an hour off in New York time, as in LEAN)."""

    _count = 0

    def __init__(
        self, manager: SubscriptionManager, consolidator: Any, added_utc: dt.datetime | None
    ) -> None:
        _ScanSchedule._count += 1
        self.number = _ScanSchedule._count  # ties scan in the order consolidators were added
        self.manager = manager
        self.consolidator = consolidator
        self.added_utc = added_utc
        self.scan_utc: dt.datetime | None = None
        self.bar_span: dt.timedelta | None = None
        self.disposed = False
        consolidator.data_consolidated += self._on_consolidated

    def _on_consolidated(self, sender: Any, consolidated: Any) -> None:
        self.advance(consolidated)

    def advance(self, consolidated: Any = None) -> None:
        now = self.manager._now_utc
        if now is None:  # a bar consolidated outside the engine's feed (a model's warm-up)
            local = self.manager._clock()
            now = None if local is None else to_utc(local)
        if consolidated is None and (now is None or (self.scan_utc or now) > now):
            return
        if self.bar_span is not None:
            reference = now if consolidated is None else to_utc(consolidated.end_time)
            self.scan_utc = reference + self.bar_span
        elif consolidated is not None:
            self.bar_span = max(consolidated.end_time - consolidated.time, _DATA_INCREMENT)
            self.scan_utc = to_utc(consolidated.end_time) + self.bar_span
        else:
            working = self.consolidator.working_data
            end = None if working is None else to_utc(working.end_time)
            self.scan_utc = end if end is not None and end > now else now + _DATA_INCREMENT


def scan_past_consolidators(
    manager: SubscriptionManager, context: Any, slice_time: dt.datetime
) -> None:
    """The engine's call at the start of each slice (a close, a dividend midnight), before
    prices and fills: time-based consolidators whose bar ended before `slice_time` fire, at
    the time they were due (the algorithm's clock, `context.time`, shows it while their
    handlers run)."""
    if not manager._schedules:
        return
    try:
        manager._scan_past(slice_time, lambda local: setattr(context, "time", local))
    finally:
        context.time = slice_time


def feed_consolidators(manager: SubscriptionManager, daily_bars: dict[Symbol, Any]) -> None:
    """The engine's one call at each close, right after the registered indicators: each
    consolidator gets its symbol's bar of the session that just closed (a
    local_lean.fills.DailyBar), spanning the session as LEAN's daily bars do (09:30 to the
    close)."""
    if not manager._configs:
        return
    bars = {
        symbol: TradeBar(
            symbol,
            daily.start,
            daily.end,
            daily.open,
            daily.high,
            daily.low,
            daily.close,
            daily.volume,
        )
        for symbol, daily in daily_bars.items()
    }
    end = max((daily.end for daily in daily_bars.values()), default=None)
    if end is not None:
        manager._feed(bars, end)


def feed_intraday_consolidators(
    manager: SubscriptionManager,
    bars: dict[Symbol, Any],
    time: dt.datetime,
    quotes: dict[Symbol, Any] | None = None,
) -> None:
    """The intraday clock's call at each time step with minute or hour trade bars (and minute
    quote bars), before ``on_data``: each consolidator of a symbol gets its bar as it
    arrived, the trade consolidators the trade bar, the quote consolidators the quote bar."""
    if manager._configs and (bars or quotes):
        manager._feed(bars, time, quotes)


def _tick_type_name(tick_type: Any) -> str:
    return getattr(tick_type, "name", str(tick_type)).capitalize()


def _check_consolidator(consolidator: Any) -> None:
    for member in ("update", "scan", "data_consolidated"):
        if not hasattr(consolidator, member):
            raise TypeError(
                f"{consolidator!r} is not a consolidator: pass one such as "
                "TradeBarConsolidator(5), ClassicRenkoConsolidator(2.5) or RangeConsolidator(100)"
            )


def subscription_config(manager: SubscriptionManager, symbol: Any) -> SubscriptionDataConfig | None:
    """The daily TradeBar subscription of `symbol` in `manager` (None: not subscribed)."""
    return manager._config(symbol)
