"""LEAN's ``Field`` (Common/Field.cs): the selectors that pick one number from a data point,
given to indicator helpers and ``register_indicator`` in place of a lambda
(``self.min("SPY", 20, Resolution.DAILY, Field.LOW)``).

Each selector reads its field when the data has it and falls back to the data's ``value``
otherwise, as LEAN's ``DataTypePropertyOrValue`` does: a bar field (open, high, low and the
averages) from any bar, ``VOLUME`` from a trade bar, the bid and ask fields from a quote bar;
``BID_PRICE`` and ``ASK_PRICE`` also take a quote bar's closing bid or ask. ``CLOSE`` is the
value itself (a bar's close). ``Field.HIGH`` is a read-only class attribute, as LEAN's static
properties are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from local_lean.market_data import TradeBar
from local_lean.quote_bars import QuoteBar

Selector = Callable[[Any], float]


def _is_bar(data: Any) -> bool:
    """Whether `data` is a bar (LEAN's IBaseDataBar): it has an open, a high, a low, a close."""
    return all(hasattr(data, name) for name in ("open", "high", "low", "close"))


def _value(data: Any) -> float:
    return data.value


def _of_bar(pick: Callable[[Any], float]) -> Selector:
    def select(data: Any) -> float:
        return pick(data) if _is_bar(data) else data.value

    return select


def _of_quote(side: str, field: str) -> Selector:
    def select(data: Any) -> float:
        if isinstance(data, QuoteBar):
            return getattr(getattr(data, side), field)
        return data.value

    return select


def _volume(data: Any) -> float:
    return data.volume if isinstance(data, TradeBar) else data.value


_SELECTORS: dict[str, Selector] = {
    "BID_CLOSE": _of_quote("bid", "close"),
    "BID_OPEN": _of_quote("bid", "open"),
    "BID_LOW": _of_quote("bid", "low"),
    "BID_HIGH": _of_quote("bid", "high"),
    "ASK_CLOSE": _of_quote("ask", "close"),
    "ASK_OPEN": _of_quote("ask", "open"),
    "ASK_LOW": _of_quote("ask", "low"),
    "ASK_HIGH": _of_quote("ask", "high"),
    "ASK_PRICE": _of_quote("ask", "close"),
    "BID_PRICE": _of_quote("bid", "close"),
    "OPEN": _of_bar(lambda bar: bar.open),
    "HIGH": _of_bar(lambda bar: bar.high),
    "LOW": _of_bar(lambda bar: bar.low),
    "CLOSE": _value,
    "AVERAGE": _of_bar(lambda bar: (bar.open + bar.high + bar.low + bar.close) / 4),
    "MEDIAN": _of_bar(lambda bar: (bar.high + bar.low) / 2),
    "TYPICAL": _of_bar(lambda bar: (bar.high + bar.low + bar.close) / 3),
    "WEIGHTED": _of_bar(lambda bar: (bar.high + bar.low + 2 * bar.close) / 4),
    "SEVEN_BAR": _of_bar(lambda bar: (2 * bar.open + bar.high + bar.low + 3 * bar.close) / 7),
    "VOLUME": _volume,
}


class _FieldSelectors(type):
    """Read-only class attributes: ``Field.HIGH = ...`` is refused, as LEAN's getters are."""

    def __getattr__(cls, name: str) -> Selector:
        try:
            return _SELECTORS[name]
        except KeyError:
            raise AttributeError(
                f"Field has no selector {name!r}: use one of {', '.join(_SELECTORS)}"
            ) from None

    def __setattr__(cls, name: str, value: Any) -> None:
        raise AttributeError(f"Field.{name} is read-only")

    def __dir__(cls) -> list[str]:
        return sorted(_SELECTORS)


class Field(metaclass=_FieldSelectors):
    """LEAN's data field selectors: ``Field.CLOSE``, ``Field.HIGH``, ``Field.VOLUME``..."""


__all__ = ["Field", "Selector"]
