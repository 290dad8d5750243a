"""LEAN's daily history DataFrame, built from price-source bars.

`self.history(symbols, n, Resolution.DAILY)` in LEAN returns one DataFrame indexed by
(symbol, time), columns open high low close volume, oldest first. `time` is the bar's END time in
exchange time: with `Settings.daily_precise_end_time` (True by default in LEAN's AlgorithmSettings
since 2024) a daily US-equity bar ends at the session's close, 16:00 New York, or 13:00 on early
closes, not at midnight of the next day as in older LEAN versions.

During day T an algorithm sees bars through T-1 only: `end_before` is exclusive.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from local_lean.data.bars import BAR_COLUMNS
from local_lean.market_calendar import nyse_calendar
from local_lean.symbols import Symbol

REGULAR_CLOSE = pd.Timedelta(hours=16)


def history_frame(
    bars_by_symbol: Mapping[Symbol, pd.DataFrame], end_before: datetime.date, bar_count: int
) -> pd.DataFrame:
    """LEAN's daily history: for each symbol, its last `bar_count` bars dated strictly before
    `end_before` (during day T an algorithm sees bars through T-1), as one DataFrame with a
    MultiIndex (symbol, time): the symbol level holds Symbol objects, time is the bar's end (the
    session's close in naive New York time), columns open high low close volume, oldest first.
    A symbol with no rows before `end_before` contributes none, so `history.loc[symbol]` raises
    KeyError as in LEAN. No rows at all: an empty DataFrame with the same columns and index levels.
    """
    if bar_count < 0:
        raise ValueError(f"bar_count must be zero or more, got {bar_count}")
    cutoff = pd.Timestamp(_as_date(end_before))
    symbols: list[Symbol] = []
    times: list[pd.DatetimeIndex] = []
    blocks: list[np.ndarray] = []
    for symbol, bars in bars_by_symbol.items():
        stop = int(bars.index.searchsorted(cutoff, side="left"))
        start = max(0, stop - bar_count)
        if stop <= start:
            continue
        window = bars.iloc[start:stop]
        symbols.extend([symbol] * len(window))
        times.append(bar_end_times(window.index))
        blocks.append(window[BAR_COLUMNS].to_numpy(dtype="float64"))
    if not blocks:
        return empty_history()
    index = pd.MultiIndex.from_arrays(
        [pd.Index(symbols, dtype=object), times[0].append(times[1:])], names=["symbol", "time"]
    )
    return pd.DataFrame(np.vstack(blocks), index=index, columns=BAR_COLUMNS)


def empty_history() -> pd.DataFrame:
    """A history frame with no rows, LEAN's columns and index level names."""
    index = pd.MultiIndex.from_arrays(
        [pd.Index([], dtype=object), pd.DatetimeIndex([])], names=["symbol", "time"]
    )
    return pd.DataFrame(np.empty((0, len(BAR_COLUMNS))), index=index, columns=BAR_COLUMNS)


def bar_end_times(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each session date's close (16:00, or 13:00 on NYSE early closes), naive New York time."""
    closes = _session_close_offsets()
    offsets = closes.reindex(dates.normalize())
    # Dates the calendar does not know (a CSV row on a non-session day) close at 16:00.
    offsets = offsets.fillna(REGULAR_CLOSE)
    result = pd.DatetimeIndex(dates.normalize() + pd.TimedeltaIndex(offsets.to_numpy()))
    result.name = "time"
    return result


@lru_cache(maxsize=1)
def _session_close_offsets() -> pd.Series:
    calendar = nyse_calendar()
    sessions = calendar.sessions(calendar.first_day, calendar.last_day)
    dates = pd.DatetimeIndex([session.date for session in sessions])
    closes = pd.DatetimeIndex([session.close for session in sessions])
    return pd.Series(closes - dates, index=dates)


def _as_date(day: datetime.date) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day
