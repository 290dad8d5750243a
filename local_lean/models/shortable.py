"""Shortable providers (LEAN's ``Common/Data/Shortable``) and LEAN's check of short orders.

A provider tells how many shares of a symbol may be shorted at a time (None: no limit), and
the borrowing fee and rebate rates. LEAN asks the security's provider when a sell order is
submitted (``QCAlgorithm.Shortable``); a backtest refuses one that would short more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class NullShortableProvider:
    """Every symbol is shortable without limit, at no cost (LEAN's default for equities)."""

    def fee_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        return 0.0

    def rebate_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        return 0.0

    def shortable_quantity(self, symbol: Any, local_time: dt.datetime) -> int | None:
        return None


NullShortableProvider.INSTANCE = NullShortableProvider()


def shortable_quantity(security: Any, local_time: dt.datetime) -> int | None:
    """What the security's provider says may be shorted now (None: no limit)."""
    quantity = security.shortable_provider.shortable_quantity(security.symbol, local_time)
    if quantity is None:
        return None
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise TypeError(
            f"{type(security.shortable_provider).__name__}.shortable_quantity must return a "
            f"number of shares or None, got {quantity!r}"
        )
    return int(quantity)


def is_shortable(
    security: Any, quantity: float, open_quantity: float, local_time: dt.datetime
) -> bool:
    """LEAN's ``Shortable(symbol, quantity)``: whether selling `quantity` more keeps the holding
    plus the open orders (`open_quantity`, signed) within the shortable quantity."""
    limit = shortable_quantity(security, local_time)
    if limit is None:
        return True
    held = security.holdings.quantity
    # Already at the limit: even a zero quantity is refused.
    if held + open_quantity <= -limit:
        return False
    return held - abs(quantity) + open_quantity >= -limit


def shortable_error_message(security: Any, quantity: float, local_time: dt.datetime) -> str:
    """LEAN's message for a refused short order (its closing parenthesis included)."""
    limit = shortable_quantity(security, local_time) or 0
    return (
        f"Order exceeds shortable quantity {limit} for Symbol {security.symbol.value} "
        f"requested {quantity:g})"
    )


__all__ = ["NullShortableProvider", "is_shortable", "shortable_error_message", "shortable_quantity"]
