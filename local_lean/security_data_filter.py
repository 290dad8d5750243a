"""LEAN's ``SecurityDataFilter`` (Common/Securities/SecurityDataFilter.cs): a security's filter
of its own data.

``security.set_data_filter(filter)`` gives the security an object whose
``filter(vehicle, data)`` says whether a data point reaches the algorithm. The default,
``SecurityDataFilter``, lets everything through. LEAN applies it in the data feed
(``SubscriptionFilterEnumerator``), after fill-forward and before the exchange-hours check: a
bar it refuses updates neither the security's prices nor the fills, and is not in the slice;
a time step left with no data calls no ``on_data`` (``Slice.HasData`` is false), while its
scheduled events still run. The runner applies it to minute and hour bars (trade and quote
bars alike) in ``intraday_clock.py``.
"""

from __future__ import annotations

from typing import Any


class SecurityDataFilter:
    """The default filter: every data point passes. Subclass it and override ``filter``."""

    def filter(self, vehicle: Any, data: Any) -> bool:
        return True


def check_data_filter(data_filter: Any) -> None:
    """A clear error unless `data_filter` has a callable ``filter(vehicle, data)``."""
    if not callable(getattr(data_filter, "filter", None)):
        raise TypeError(
            "set_data_filter takes a SecurityDataFilter (a subclass with filter(vehicle, data) "
            f"returning True to keep the data), got {data_filter!r}"
        )


def filtered_bars(bars: Any, securities: Any) -> Any:
    """`bars` (a TradeBars or QuoteBars, by Symbol) without those their security's data filter
    refuses; `bars` itself when no filter refuses any."""
    refused = []
    for symbol, bar in dict.items(bars):
        security = securities.get(symbol)
        data_filter = None if security is None else security.data_filter
        if type(data_filter) is SecurityDataFilter or data_filter is None:
            continue
        if not data_filter.filter(security, bar):
            refused.append(symbol)
    if not refused:
        return bars
    kept = type(bars)()
    for symbol, bar in dict.items(bars):
        if symbol not in refused:
            kept[symbol] = bar
    return kept


__all__ = ["SecurityDataFilter", "check_data_filter", "filtered_bars"]
