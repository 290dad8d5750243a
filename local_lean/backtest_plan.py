"""The sessions a backtest runs, and the checks that refuse a backtest before any work.

The engine asks here which NYSE sessions the algorithm's dates span (and which sessions come
before them to warm up), and checks, before the first training and again once ``initialize``
has run, that the data covers the dates: a mistake in dates or data then costs no training.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from local_lean.errors import LocalLeanError


class BacktestSetupError(LocalLeanError, ValueError):
    """The backtest cannot start: bad dates, cash or data (a usage error, exit status 2)."""


def session_span(calendar: Any, start: dt.date, end: dt.date) -> list:
    """The NYSE sessions from `start` to `end`; BacktestSetupError if there are none."""
    if end < start:
        raise BacktestSetupError(
            f"the end date {end} is before the start date {start}: set an end date on or "
            "after the start date"
        )
    first, last = calendar.first_day, calendar.last_day
    if start < first or end > last:
        raise BacktestSetupError(
            f"dates {start}..{end} are outside the NYSE calendar's span {first}..{last}"
        )
    sessions = calendar.sessions(start, end)
    if not sessions:
        raise BacktestSetupError(
            f"there is no NYSE session between {start} and {end} (weekends and holidays "
            "only): widen the dates"
        )
    return sessions


def warm_up_sessions(calendar: Any, start: dt.date, period: int | dt.timedelta | None) -> list:
    """The sessions before `start` that a warm-up of `period` (bars or a time span) covers."""
    if not period:
        return []
    if isinstance(period, dt.timedelta):
        first = (dt.datetime.combine(start, dt.time()) - period).date()
        first = max(first, calendar.first_day)
        return [s for s in calendar.sessions(first, start) if s.date < start]
    dates: list = []
    day = start
    for _ in range(period):
        day = calendar.previous_session(day)
        dates.append(day)
    return calendar.sessions(dates[-1], dates[0]) if dates else []


def check_data_covers_dates(
    bars: dict[Any, Any],
    sessions: list,
    source_description: str,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Refuse a backtest whose securities' data (`bars`, by Symbol) all end before it starts;
    with `warn`, say which securities' data end before the backtest does."""
    first_session, last_session = sessions[0].date, sessions[-1].date
    last_bars = {
        symbol.value: frame.index[-1].date() for symbol, frame in bars.items() if len(frame)
    }
    ended = {ticker: day for ticker, day in last_bars.items() if day < first_session}
    if last_bars and len(ended) == len(last_bars):
        listed = ", ".join(f"{ticker} on {day}" for ticker, day in sorted(ended.items()))
        raise BacktestSetupError(
            f"the data ends before the backtest starts on {first_session}: {listed} "
            f"({source_description}). Choose dates within the data, or add newer data"
        )
    if warn is None:
        return
    for ticker, day in sorted(last_bars.items()):
        if day < last_session:
            warn(
                f"WARNING: the data of {ticker} ends on {day}, before the backtest's last "
                f"session {last_session}: {ticker} has no prices after {day}"
            )


def unread_parameters_warning(unread: list[str]) -> str | None:
    """The log line for parameters the algorithm never read (likely misspelt), if any."""
    if not unread:
        return None
    names = ", ".join(f"'{name}'" for name in unread)
    return (
        f"WARNING: parameter(s) {names} (config.json or --parameter) were never read by "
        "the algorithm's initialize: check the spelling against its get_parameter names"
    )


__all__ = [
    "BacktestSetupError",
    "check_data_covers_dates",
    "session_span",
    "unread_parameters_warning",
    "warm_up_sessions",
]
