"""The New York Stock Exchange calendar, as LEAN's market-hours database describes US equities.

Sessions come from `exchange_calendars` ("XNYS"), which keeps NYSE holidays, early closes and
historical closures (for example 2001-09-11 to 09-14, 2012-10-29/30) up to date; no holiday list
is written by hand here. Times are naive New York times, LEAN's default algorithm time zone:
regular sessions run 09:30-16:00, early closes end at 13:00.

Building the calendar costs `exchange_calendars` about a second, more than a daily backtest's
loop: the sessions it gives are kept in a file of the user's cache folder
(``$LOCAL_LEAN_CACHE``, else ``$XDG_CACHE_HOME/local_lean``, else ``~/.cache/local_lean``), named
by the library's version and the span, and read from there by later runs. A folder that cannot
be written only means the calendar is built each time.
"""

from __future__ import annotations

import bisect
import datetime
import importlib.metadata
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from local_lean.conventions import NEW_YORK

FIRST_COVERED_DAY = datetime.date(1995, 1, 1)
YEARS_COVERED_AHEAD = 5


@dataclass(frozen=True)
class TradingSession:
    """One NYSE trading day with its open and close in naive New York time."""

    date: datetime.date
    open: datetime.datetime
    close: datetime.datetime


class NyseCalendar:
    """NYSE sessions between `first_day` and `last_day`; asking outside that span is an error."""

    def __init__(self, first_day: datetime.date, last_day: datetime.date) -> None:
        self.first_day = first_day
        self.last_day = last_day
        self._sessions = cached_sessions(first_day, last_day)
        self._dates: list[datetime.date] = [session.date for session in self._sessions]
        self._date_set = frozenset(self._dates)

    def _check_covered(self, day: datetime.date) -> None:
        if not isinstance(day, datetime.date):
            raise TypeError(f"expected a datetime.date, got {day!r}")
        day = _as_date(day)
        if not self.first_day <= day <= self.last_day:
            raise ValueError(
                f"{day} is outside the NYSE calendar's span {self.first_day}..{self.last_day}; "
                "use dates inside it"
            )

    def sessions(self, start: datetime.date, end: datetime.date) -> list[TradingSession]:
        """The sessions from `start` to `end`, both inclusive, oldest first."""
        self._check_covered(start)
        self._check_covered(end)
        low = bisect.bisect_left(self._dates, _as_date(start))
        high = bisect.bisect_right(self._dates, _as_date(end))
        return self._sessions[low:high]

    def session_dates(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The session dates from `start` to `end`, both inclusive, oldest first."""
        return [session.date for session in self.sessions(start, end)]

    def is_session(self, day: datetime.date) -> bool:
        """True when the NYSE trades on `day`."""
        self._check_covered(day)
        return _as_date(day) in self._date_set

    def previous_session(self, day: datetime.date) -> datetime.date:
        """The last session strictly before `day`."""
        self._check_covered(day)
        index = bisect.bisect_left(self._dates, _as_date(day)) - 1
        if index < 0:
            raise ValueError(f"no NYSE session before {day} within the calendar's span")
        return self._dates[index]

    def next_session(self, day: datetime.date) -> datetime.date:
        """The first session strictly after `day`."""
        self._check_covered(day)
        index = bisect.bisect_right(self._dates, _as_date(day))
        if index >= len(self._dates):
            raise ValueError(f"no NYSE session after {day} within the calendar's span")
        return self._dates[index]

    # -- exchange hours at a moment (LEAN's SecurityExchangeHours) --------------------------------

    def session_on(self, day: datetime.date) -> TradingSession | None:
        """The session on `day`, or None when the exchange does not trade that day."""
        self._check_covered(day)
        index = bisect.bisect_left(self._dates, _as_date(day))
        if index < len(self._dates) and self._dates[index] == _as_date(day):
            return self._sessions[index]
        return None

    def is_open(self, time: datetime.datetime) -> bool:
        """True from a session's open up to (not including) its close."""
        session = self.session_on(time.date())
        return session is not None and session.open <= time < session.close

    def next_close_after(self, time: datetime.datetime) -> datetime.datetime:
        """The first market close strictly after `time`."""
        session = self.session_on(time.date())
        if session is not None and time < session.close:
            return session.close
        following = self.next_session(time.date())
        return self._sessions[bisect.bisect_left(self._dates, following)].close


def xnys_sessions(first_day: datetime.date, last_day: datetime.date) -> list[TradingSession]:
    """The sessions `exchange_calendars` gives for the NYSE from `first_day` to `last_day`."""
    import exchange_calendars
    import pandas as pd

    calendar = exchange_calendars.get_calendar(
        "XNYS", start=pd.Timestamp(first_day), end=pd.Timestamp(last_day)
    )
    schedule = calendar.schedule
    opens = schedule["open"].dt.tz_convert(NEW_YORK).dt.tz_localize(None)
    closes = schedule["close"].dt.tz_convert(NEW_YORK).dt.tz_localize(None)
    return [
        TradingSession(day.date(), open_.to_pydatetime(), close.to_pydatetime())
        for day, open_, close in zip(schedule.index, opens, closes, strict=True)
    ]


def calendar_cache_folder() -> Path:
    """Where the built calendars are kept (see the module's docstring)."""
    if folder := os.environ.get("LOCAL_LEAN_CACHE"):
        return Path(folder).expanduser()
    if folder := os.environ.get("XDG_CACHE_HOME"):
        return Path(folder).expanduser() / "local_lean"
    return Path.home() / ".cache" / "local_lean"


def cached_sessions(first_day: datetime.date, last_day: datetime.date) -> list[TradingSession]:
    """`xnys_sessions`, read from the cache file when a run built them with the same version
    of `exchange_calendars` (written there otherwise)."""
    version = importlib.metadata.version("exchange_calendars")
    path = calendar_cache_folder() / f"xnys-{version}-{first_day}-{last_day}.csv"
    try:
        return [_session_from_line(line) for line in path.read_text().splitlines()]
    except (OSError, ValueError):
        pass  # not built yet here, or not readable: build it
    sessions = xnys_sessions(first_day, last_day)
    lines = "".join(
        f"{s.date.isoformat()},{s.open.isoformat()},{s.close.isoformat()}\n" for s in sessions
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as file:
            file.write(lines)
        os.replace(file.name, path)  # whole or not at all, even with runs side by side
    except OSError:
        pass  # a folder that cannot be written: the calendar is built each time
    return sessions


def _session_from_line(line: str) -> TradingSession:
    day, open_, close = line.split(",")
    return TradingSession(
        datetime.date.fromisoformat(day),
        datetime.datetime.fromisoformat(open_),
        datetime.datetime.fromisoformat(close),
    )


def _as_date(day: datetime.date) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day


@lru_cache(maxsize=1)
def nyse_calendar() -> NyseCalendar:
    """The shared NYSE calendar from 1995 to the end of the year five years from today."""
    last_day = datetime.date(datetime.date.today().year + YEARS_COVERED_AHEAD, 12, 31)
    return NyseCalendar(FIRST_COVERED_DAY, last_day)


class CachedCalendar:
    """The NYSE calendar with next_session remembered (asked once per insight)."""

    def __init__(self, calendar: Any) -> None:
        self._calendar = calendar
        self._next: dict[datetime.date, datetime.date] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._calendar, name)

    def next_session(self, day: datetime.date) -> datetime.date:
        following = self._next.get(day)
        if following is None:
            following = self._next[day] = self._calendar.next_session(day)
        return following
