"""LEAN's daily history DataFrame, built from price-source bars.

`self.history(symbols, n, Resolution.DAILY)` in LEAN returns one DataFrame indexed by
(symbol, time), columns open high low close volume, oldest first. `time` is the bar's END time in
exchange time: with `Settings.daily_precise_end_time` (True by default in LEAN's AlgorithmSettings
since 2024) a daily US-equity bar ends at the session's close, 16:00 New York, or 13:00 on early
closes, not at midnight of the next day as in older LEAN versions.

During day T an algorithm sees bars through T-1 only: `end_before` is exclusive. Rows are grouped
by symbol in ticker order, each symbol's bars oldest first.
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from local_lean.data.bars import BAR_COLUMNS
from local_lean.enums import DataNormalizationMode
from local_lean.errors import NotSupportedError
from local_lean.market_calendar import nyse_calendar
from local_lean.market_data import TradeBar
from local_lean.symbols import Symbol

REGULAR_CLOSE_NS = pd.Timedelta(hours=16).value


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
    cutoff = pd.Timestamp(_as_date(end_before)).as_unit("ns").value
    symbols: list[Symbol] = []
    lengths: list[int] = []
    days: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    for symbol in sorted(bars_by_symbol):
        dates, values = _arrays_of(bars_by_symbol[symbol])
        stop = int(np.searchsorted(dates, cutoff, side="left"))
        start = max(0, stop - bar_count)
        if stop <= start:
            continue
        symbols.append(symbol)
        lengths.append(stop - start)
        days.append(dates[start:stop])
        blocks.append(values[start:stop])
    if not blocks:
        return empty_history()
    times = bar_end_nanoseconds(np.concatenate(days))
    # Build the MultiIndex from levels and codes: much faster than from_arrays on every call.
    symbol_level = pd.Index(symbols, dtype=object)
    symbol_codes = np.repeat(np.arange(len(symbols)), lengths)
    time_level, time_codes = np.unique(times, return_inverse=True)
    index = pd.MultiIndex(
        levels=[symbol_level, pd.DatetimeIndex(time_level.astype("datetime64[ns]"))],
        codes=[symbol_codes, time_codes.reshape(-1)],
        names=["symbol", "time"],
        verify_integrity=False,
    )
    return pd.DataFrame(np.vstack(blocks), index=index, columns=list(BAR_COLUMNS))


def empty_history() -> pd.DataFrame:
    """A history frame with no rows, LEAN's columns and index level names."""
    index = pd.MultiIndex.from_arrays(
        [pd.Index([], dtype=object), pd.DatetimeIndex([])], names=["symbol", "time"]
    )
    return pd.DataFrame(np.empty((0, len(BAR_COLUMNS))), index=index, columns=list(BAR_COLUMNS))


def bar_end_times(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each session date's close (16:00, or 13:00 on NYSE early closes), naive New York time."""
    ends = bar_end_nanoseconds(_day_nanoseconds(pd.DatetimeIndex(dates).normalize()))
    return pd.DatetimeIndex(ends.astype("datetime64[ns]"), name="time")


def bar_end_nanoseconds(days: np.ndarray) -> np.ndarray:
    """Close times (int64 nanoseconds) of session dates given as int64 nanoseconds at midnight."""
    session_days, close_offsets = _session_closes()
    position = np.clip(np.searchsorted(session_days, days), 0, len(session_days) - 1)
    known = session_days[position] == days
    # Dates the calendar does not know (a CSV row on a non-session day) close at 16:00.
    return days + np.where(known, close_offsets[position], REGULAR_CLOSE_NS)


def _day_nanoseconds(index: pd.Index) -> np.ndarray:
    return pd.DatetimeIndex(index).as_unit("ns").asi8


# Price sources cache their frames, so the same frame comes back every simulated day: keep its
# dates and values as arrays (dropped when the frame is garbage collected). Bar frames are
# treated as read-only; a changed copy is a new frame and gets its own arrays.
_arrays_cache: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}


def _arrays_of(bars: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    cached = _arrays_cache.get(id(bars))
    if cached is not None and cached[0]() is bars:
        return cached[1], cached[2]
    dates = _day_nanoseconds(bars.index)
    values = bars[BAR_COLUMNS].to_numpy(dtype="float64", copy=True)
    values.flags.writeable = False
    key = id(bars)
    _arrays_cache[key] = (weakref.ref(bars, lambda _: _arrays_cache.pop(key, None)), dates, values)
    return dates, values


@lru_cache(maxsize=1)
def _session_closes() -> tuple[np.ndarray, np.ndarray]:
    calendar = nyse_calendar()
    sessions = calendar.sessions(calendar.first_day, calendar.last_day)
    days = pd.DatetimeIndex([session.date for session in sessions]).as_unit("ns").asi8
    closes = pd.DatetimeIndex([session.close for session in sessions]).as_unit("ns").asi8
    return days, closes - days


def _as_date(day: datetime.date) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day


class LocalHistoryProvider:
    """The algorithm's ``history_provider``: the daily bars the algorithm may see now.

    LEAN's warm-ups (volatility models, indicators) read history through the algorithm's
    provider; the runner's reads the algorithm's context (its price source, clock and
    calendar). Requests in LEAN's own form (``get_history``) are not simulated."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def known_trade_bars(self, symbol: Symbol, mode: Any, count: int) -> list[TradeBar]:
        """The last `count` daily bars of `symbol` known now, normalised as `mode` (SCALED_RAW
        is scaled to today), each ending at its session's close."""
        context = self._context
        mode = DataNormalizationMode(mode)
        bars = context.bars_in_mode(symbol, mode, context.time.date())
        if bars is None:
            return []
        known = int(bars.index.searchsorted(pd.Timestamp(context.visible_until), side="left"))
        first = max(0, known - count)
        found = []
        for day, row in zip(bars.index[first:known], bars.to_numpy()[first:known], strict=True):
            start = day.to_pydatetime()
            o, h, lo, c, v = (float(x) for x in row[:5])
            found.append(TradeBar(symbol, start, context.close_of(start.date()), o, h, lo, c, v))
        return found

    def subscription_bars_known(
        self, symbol: Symbol, first_day: datetime.date
    ) -> pd.DataFrame | None:
        """The daily bars of `symbol`'s subscription (its normalisation) from `first_day` that
        are known now (None: the data has no such ticker)."""
        context = self._context
        bars = context.load_bars(symbol)
        if bars is None:
            return None
        start = bars.index.searchsorted(pd.Timestamp(first_day), side="left")
        stop = bars.index.searchsorted(pd.Timestamp(context.visible_until), side="left")
        return bars.iloc[start:stop]

    def get_history(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError(
            "history_provider.get_history", "use self.history(symbols, bars, Resolution.DAILY)"
        )
