"""LEAN's history DataFrame of minute and hour bars, read from a LEAN data folder.

``self.history(symbol, 10, Resolution.MINUTE)`` in LEAN returns the last 10 minute bars that
ended at or before the algorithm's time, as one DataFrame indexed by (symbol, time), ``time``
each bar's end (naive New York time), oldest first. A minute request of an equity also holds
its quote bars' columns (``askopen`` ... ``asksize``, ``bidopen`` ... ``bidsize``) beside the
trade columns, joined on the time, as LEAN's pandas converter joins the two; an hour request has
trades only. Bars come from ``data/intraday_stream.py`` with the subscription's settings
(fill-forward, extended hours) and the requested price normalisation: a count of bars counts
fill-forward bars too, as LEAN's history does.

Windows: a count of bars (read back one session more than the count needs, at most 10 years),
a timedelta before now, or a start and an end (capped at now: no look-ahead).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.data.intraday_stream import IntradayBarStream
from local_lean.enums import Resolution
from local_lean.history import empty_history
from local_lean.symbols import Symbol

TRADE_COLUMNS = ["open", "high", "low", "close", "volume"]
QUOTE_COLUMNS = [
    "askopen",
    "askhigh",
    "asklow",
    "askclose",
    "asksize",
    "bidopen",
    "bidhigh",
    "bidlow",
    "bidclose",
    "bidsize",
]
BARS_PER_SESSION = {Resolution.MINUTE: 390, Resolution.HOUR: 7}
LONGEST_LOOK_BACK_DAYS = 3660


def intraday_history(
    context: Any,
    symbols: list[Symbol],
    window: tuple,
    resolution: Resolution,
    mode: Any,
    hours: UsEquityExchangeHours | None = None,
) -> pd.DataFrame:
    """The history frame of `symbols` at minute or hour `resolution` over `window` ("count",
    n), ("span", timedelta) or ("range", start, end), ending at the algorithm's time."""
    hours = hours or UsEquityExchangeHours()
    now = context.time
    if window[0] == "count":
        sessions = math.ceil(window[1] / BARS_PER_SESSION[resolution]) + 1
        start = _sessions_back(hours, now.date(), sessions)
        end = now
    elif window[0] == "span":
        start, end = now - window[1], now
    else:
        start = _as_datetime(window[1])
        end = min(_as_datetime(window[2]), now)
    parts = []
    for symbol in symbols:
        subscription = context.intraday_subscriptions.get(symbol)
        extended = subscription.extended_market_hours if subscription else False
        fill_forward = subscription.fill_forward if subscription else True
        mode_name = getattr(mode, "name", None) or _mode_of(context, symbol)
        settings = dict(
            normalization=mode_name,
            extended_market_hours=extended,
            fill_forward=fill_forward,
            hours=hours,
        )
        trades = _bars(context, symbol, resolution, start, end, "trade", settings)
        if window[0] == "count":
            trades = trades[-window[1] :] if window[1] else []
        if not trades:
            continue
        frame = pd.DataFrame(
            [[bar.open, bar.high, bar.low, bar.close, bar.volume] for bar in trades],
            index=pd.DatetimeIndex([bar.end_time for bar in trades], name="time"),
            columns=TRADE_COLUMNS,
        )
        if resolution == Resolution.MINUTE:
            first = trades[0].time
            quotes = _bars(context, symbol, resolution, first, end, "quote", settings)
            frame = _with_quotes(frame, quotes)
        frame.index = pd.MultiIndex.from_arrays(
            [pd.Index([symbol] * len(frame), dtype=object), frame.index], names=["symbol", "time"]
        )
        parts.append(frame)
    if not parts:
        return empty_history()
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def last_known_intraday_bars(
    context: Any, symbol: Symbol, resolution: Resolution, bar_count: int
) -> list:
    """LEAN's ``GetLastKnownPrices`` at minute or hour resolution: the latest trade bar and
    (minute data) quote bar among the last `bar_count` bars ending by the algorithm's time,
    trade first; an empty list when there are none."""
    hours = UsEquityExchangeHours()
    now = context.time
    sessions = math.ceil(bar_count / BARS_PER_SESSION[resolution]) + 1
    start = _sessions_back(hours, now.date(), sessions)
    subscription = context.intraday_subscriptions.get(symbol)
    settings = dict(
        normalization=_mode_of(context, symbol),
        extended_market_hours=subscription.extended_market_hours if subscription else False,
        fill_forward=subscription.fill_forward if subscription else True,
        hours=hours,
    )
    trades = _bars(context, symbol, resolution, start, now, "trade", settings)[-bar_count:]
    if not trades:
        return []
    last = [trades[-1]]
    if resolution == Resolution.MINUTE:
        quotes = _bars(context, symbol, resolution, start, now, "quote", settings)[-bar_count:]
        last += quotes[-1:]
    return last


def _bars(
    context: Any,
    symbol: Symbol,
    resolution: Resolution,
    start: dt.datetime,
    end: dt.datetime,
    tick_type: str,
    settings: dict,
) -> list:
    if end <= start:
        return []
    stream = IntradayBarStream(
        context.source, symbol, resolution, start, end, tick_type=tick_type, **settings
    )
    return [bar for bar in stream if start < bar.end_time <= end]


def _with_quotes(frame: pd.DataFrame, quotes: list) -> pd.DataFrame:
    """The trade frame with the quote bars' columns on the same end times (LEAN's join)."""
    if not quotes:
        return frame
    rows = []
    for quote in quotes:
        ask, bid = quote.ask, quote.bid
        rows.append(
            [
                *((ask.open, ask.high, ask.low, ask.close) if ask is not None else (math.nan,) * 4),
                quote.last_ask_size,
                *((bid.open, bid.high, bid.low, bid.close) if bid is not None else (math.nan,) * 4),
                quote.last_bid_size,
            ]
        )
    quote_frame = pd.DataFrame(
        rows,
        index=pd.DatetimeIndex([quote.end_time for quote in quotes], name="time"),
        columns=QUOTE_COLUMNS,
    )
    joined = quote_frame.join(frame, how="outer")
    return joined[QUOTE_COLUMNS + TRADE_COLUMNS].loc[frame.index.union(quote_frame.index)]


def _sessions_back(hours: UsEquityExchangeHours, day: dt.date, sessions: int) -> dt.datetime:
    """Midnight of the session `sessions` sessions before `day` (at most ten years back)."""
    earliest = day - dt.timedelta(days=LONGEST_LOOK_BACK_DAYS)
    dates = hours.calendar.session_dates(earliest, day - dt.timedelta(days=1))
    first = dates[-sessions] if len(dates) >= sessions else (dates[0] if dates else day)
    return dt.datetime.combine(first, dt.time())


def _mode_of(context: Any, symbol: Symbol) -> str:
    mode = context.modes.get(symbol)
    return getattr(mode, "name", "ADJUSTED") if mode is not None else "ADJUSTED"


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


__all__ = ["QUOTE_COLUMNS", "TRADE_COLUMNS", "intraday_history"]
