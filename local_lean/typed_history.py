"""LEAN's typed history: ``self.history[TradeBar](symbol, 10, Resolution.DAILY)``.

QCAlgorithm's generic ``History<T>`` overloads bind in Python as ``self.history[T](...)``. With
one symbol they return the bars themselves, oldest first (``IEnumerable<T>``); with several, one
``DataDictionary<T>`` per time step, the bars of that time keyed by Symbol (here ``TradeBars``
or ``QuoteBars``). The window arguments are those of the DataFrame history (a bar count, a
timedelta, or a start and an end, then a resolution).

The bars are read from the same history frame as ``self.history(...)``, so both agree:
a ``TradeBar`` from the trade columns; a ``QuoteBar`` from the quote columns that a minute
request of an equity carries (hour and daily equity data hold trades only: a clear error).
A bar's ``time`` is its start: a daily bar's session date at 00:00 (the runner's daily bars),
an intraday bar's end less its resolution.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.market_data import TradeBar, TradeBars
from local_lean.quote_bars import Bar, QuoteBar, QuoteBars

BAR_PERIODS = {Resolution.MINUTE: dt.timedelta(minutes=1), Resolution.HOUR: dt.timedelta(hours=1)}
QUOTE_SIDES = ("bid", "ask")


class TypedHistory:
    """``self.history[T]``: a callable that returns bars of type `data_type` (TradeBar or
    QuoteBar) instead of a DataFrame. `frame_of(symbols, *args, **kwargs)` is the algorithm's
    DataFrame history; `resolution_of(symbols, resolution)` names the resolution it used."""

    def __init__(
        self,
        data_type: type,
        frame_of: Callable[..., pd.DataFrame],
        resolution_of: Callable[[Any, Any], Resolution],
    ) -> None:
        if data_type not in (TradeBar, QuoteBar):
            name = getattr(data_type, "__name__", repr(data_type))
            raise NotSupportedError(
                f"history[{name}]", "ask for history[TradeBar] or history[QuoteBar] of equities"
            )
        self.data_type = data_type
        self._frame_of = frame_of
        self._resolution_of = resolution_of

    def __call__(self, symbols: Any, *args: Any, **kwargs: Any) -> list:
        resolution = kwargs.get("resolution")
        if resolution is None:
            resolution = next((a for a in args[1:] if isinstance(a, Resolution)), None)
        resolution = self._resolution_of(symbols, resolution)
        frame = self._frame_of(symbols, *args, **kwargs)
        one_symbol = not isinstance(symbols, list | tuple | set)
        return bars_of_frame(frame, self.data_type, resolution, one_symbol)


def bars_of_frame(
    frame: pd.DataFrame, data_type: type, resolution: Resolution, one_symbol: bool
) -> list:
    """The bars of a history frame: a list of `data_type` bars, oldest first, for one symbol;
    else one ``TradeBars``/``QuoteBars`` per time, in time order."""
    if data_type is QuoteBar and len(frame) and "bidclose" not in frame.columns:
        raise NotSupportedError(
            f"history[QuoteBar] at Resolution.{resolution.name}",
            "equity quotes exist at minute resolution only: ask for Resolution.MINUTE or "
            "history[TradeBar]",
        )
    make = _trade_bar if data_type is TradeBar else _quote_bar
    bars = [
        make(symbol, _start_of(end, resolution), end.to_pydatetime(), row)
        for (symbol, end), row in zip(frame.index, frame.to_dict("records"), strict=True)
        if data_type is TradeBar or not _no_quote(row)
    ]
    bars.sort(key=lambda bar: bar.end_time)  # stable: symbols keep the frame's order per time
    if one_symbol:
        return bars
    steps: list = []
    collection = TradeBars if data_type is TradeBar else QuoteBars
    for bar in bars:
        if not steps or next(iter(dict.values(steps[-1]))).end_time != bar.end_time:
            steps.append(collection())
        dict.__setitem__(steps[-1], bar.symbol, bar)
    return steps


def _start_of(end: pd.Timestamp, resolution: Resolution) -> dt.datetime:
    if resolution in BAR_PERIODS:
        return end.to_pydatetime() - BAR_PERIODS[resolution]
    return dt.datetime.combine(end.date(), dt.time())


def _trade_bar(symbol: Any, start: dt.datetime, end: dt.datetime, row: dict) -> TradeBar:
    return TradeBar(
        symbol, start, end, row["open"], row["high"], row["low"], row["close"], row["volume"]
    )


def _side(row: dict, side: str) -> Bar | None:
    prices = [row[f"{side}{field}"] for field in ("open", "high", "low", "close")]
    if any(math.isnan(price) for price in prices):
        return None
    return Bar(*prices)


def _no_quote(row: dict) -> bool:
    return all(_side(row, side) is None for side in QUOTE_SIDES)


def _quote_bar(symbol: Any, start: dt.datetime, end: dt.datetime, row: dict) -> QuoteBar:
    bid, ask = _side(row, "bid"), _side(row, "ask")
    bid_size = 0.0 if math.isnan(row["bidsize"]) else row["bidsize"]
    ask_size = 0.0 if math.isnan(row["asksize"]) else row["asksize"]
    return QuoteBar(symbol, start, end, bid, bid_size, ask, ask_size)


__all__ = ["TypedHistory", "bars_of_frame"]
