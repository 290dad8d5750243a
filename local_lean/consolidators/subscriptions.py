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
from enum import IntEnum
from typing import Any

from local_lean.enums import DataNormalizationMode, Resolution, SecurityType
from local_lean.market_data import TradeBar
from local_lean.symbols import Symbol


class TickType(IntEnum):
    """LEAN's TickType: daily equity subscriptions are TRADE data."""

    TRADE = 0
    QUOTE = 1
    OPEN_INTEREST = 2


class SubscriptionDataConfig:
    """One data subscription (LEAN's SubscriptionDataConfig): a daily TradeBar feed of an
    equity, and the consolidators it updates."""

    def __init__(self, symbol: Symbol) -> None:
        self._symbol = symbol
        self._consolidators: list[Any] = []

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
        return DataNormalizationMode.ADJUSTED

    @property
    def consolidators(self) -> list[Any]:
        """The consolidators this subscription updates, in the order they were added."""
        return self._consolidators

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

    def __init__(self, securities: Any) -> None:
        self._securities = securities
        self._configs: dict[Symbol, SubscriptionDataConfig] = {}
        self._service = SubscriptionDataConfigService(self)

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
        """Give `consolidator` each daily bar of `symbol` from now on, before ``on_data``."""
        _check_consolidator(consolidator)
        if tick_type is not None and tick_type != TickType.TRADE:
            raise ValueError(
                f"No subscription with the requested Tick Type {tick_type} was found. Available "
                "Tick Types: Trade"
            )
        config = self._config(symbol)
        if config is None:
            raise ValueError(
                "Please subscribe to this symbol before adding a consolidator for it. Symbol: "
                f"{_ticker(symbol)}"
            )
        config.consolidators.append(consolidator)

    def remove_consolidator(self, symbol: Any, consolidator: Any) -> None:
        """Stop updating `consolidator` and drop its handlers (LEAN disposes it)."""
        configs = [self._config(symbol)] if symbol is not None else self.subscriptions
        for config in configs:
            if config is not None and consolidator in config.consolidators:
                config.consolidators.remove(consolidator)
        dispose = getattr(consolidator, "dispose", None)
        if callable(dispose):
            dispose()

    def _config(self, symbol: Any) -> SubscriptionDataConfig | None:
        security = self._securities.get(_key(symbol))
        if security is None:
            return None
        config = self._configs.get(security.symbol)
        if config is None:
            config = self._configs[security.symbol] = SubscriptionDataConfig(security.symbol)
        return config

    def _feed(self, bars: dict[Symbol, TradeBar], local_time: dt.datetime) -> None:
        for symbol, config in list(self._configs.items()):
            bar = bars.get(symbol)
            if bar is None:
                continue
            for consolidator in list(config.consolidators):
                consolidator.update(bar)
                # LEAN scans each consolidator once the data is through it.
                consolidator.scan(local_time)


def feed_consolidators(algorithm: Any, daily_bars: dict[Symbol, Any]) -> None:
    """The engine's one call at each close, right after the registered indicators: each
    consolidator gets its symbol's bar of the session that just closed (a
    local_lean.fills.DailyBar), spanning the session as LEAN's daily bars do (09:30 to the
    close)."""
    manager = algorithm.__dict__.get("_subscription_manager")
    if manager is None or not manager._configs:
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


def _check_consolidator(consolidator: Any) -> None:
    for member in ("update", "scan", "data_consolidated"):
        if not hasattr(consolidator, member):
            raise TypeError(
                f"{consolidator!r} is not a consolidator: pass one such as "
                "TradeBarConsolidator(5), ClassicRenkoConsolidator(2.5) or RangeConsolidator(100)"
            )


def _key(symbol: Any) -> Any:
    inner = getattr(symbol, "symbol", None)  # a Security
    if isinstance(inner, Symbol):
        return inner
    if isinstance(symbol, Symbol | str):
        return symbol
    raise TypeError(f"expected a ticker, a Symbol or a Security, got {symbol!r}")


def _ticker(symbol: Any) -> str:
    return symbol.value if isinstance(symbol, Symbol) else str(symbol)
