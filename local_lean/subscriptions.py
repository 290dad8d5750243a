"""``self.subscription_manager``: the algorithm's data subscriptions, as far as algorithms
inspect them (LEAN's ``SubscriptionManager.subscriptions``).

Every security the algorithm holds has one daily subscription. Each indicator registered
for automatic updates counts as one consolidator of its symbol's subscription, as LEAN's
``register_indicator`` attaches a consolidator; unregistering removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError


class _Consolidators:
    """A subscription's consolidators (.NET's set: iterable, with ``count``)."""

    def __init__(self, items: list[Any]) -> None:
        self._items = list(items)

    @property
    def count(self) -> int:
        return len(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)


class SubscriptionDataConfig:
    """One security's daily data subscription."""

    def __init__(self, symbol: Any, consolidators: list[Any]) -> None:
        self.symbol = symbol
        self.resolution = Resolution.DAILY
        self.consolidators = _Consolidators(consolidators)

    def __repr__(self) -> str:
        return f"<SubscriptionDataConfig {self.symbol.value} Daily>"


class SubscriptionManager:
    """The subscriptions of the algorithm's securities, read when asked."""

    def __init__(self, algorithm: Any) -> None:
        self._algorithm = algorithm

    @property
    def subscriptions(self) -> list[SubscriptionDataConfig]:
        registry = self._algorithm.__dict__.get("_indicator_registry")
        registered = registry._by_symbol if registry is not None else {}
        return [
            SubscriptionDataConfig(symbol, [r.indicator for r in registered.get(symbol, [])])
            for symbol in self._algorithm.securities
        ]

    @property
    def count(self) -> int:
        return len(self._algorithm.securities)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: LEAN's other members are not simulated.
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotSupportedError(
            f"SubscriptionManager.{name}",
            "local_lean offers subscription_manager.subscriptions (daily, one per security) "
            "and count only",
        )


__all__ = ["SubscriptionDataConfig", "SubscriptionManager"]
