"""``security.exchange`` (LEAN's ``SecurityExchange``) and its ``hours``
(``SecurityExchangeHours``) for US equities: NYSE sessions, with LEAN's extended segments
(pre-market 04:00-09:30, post-market 16:00-20:00; ``data/exchange_hours.py``).

- ``hours.get_next_market_open(local_date_time, extended_market_hours)``: the first open
  strictly after the time (LEAN's ``GetNextMarketOpen``); a date counts as its midnight.
- ``hours.get_next_market_close(local_date_time, extended_market_hours)``: the first close
  strictly after it (``GetNextMarketClose``).
- ``hours.is_open(local_date_time, extended_market_hours)`` and ``is_date_open(date)``.
- ``exchange.hours``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from local_lean.conventions import NEW_YORK
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.lean_members import LeanMembers


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError(f"expected a date or datetime (New York time), got {value!r}")


class SecurityExchangeHours(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityExchangeHours",
    hint="the runner offers get_next_market_open, get_next_market_close, is_open and "
    "is_date_open (NYSE sessions)",
):
    """When US equities trade (naive New York times)."""

    def __init__(self, hours: UsEquityExchangeHours | None = None) -> None:
        self._hours = hours or UsEquityExchangeHours()

    def get_next_market_open(self, local_date_time: Any, extended_market_hours: bool) -> Any:
        return self._hours.next_market_open(_as_datetime(local_date_time), extended_market_hours)

    def get_next_market_close(self, local_date_time: Any, extended_market_hours: bool) -> Any:
        """The first close strictly after the time (20:00 with extended hours, 16:00 or the
        early close without); contiguous segments close once, at their end."""
        time = _as_datetime(local_date_time)
        day = time.date()
        while True:
            segments = [s for s in self._hours.segments(day) if s[2] or extended_market_hours]
            for _start, end, _regular in segments[-1:]:
                if end > time:
                    return end
            day = self._hours.calendar.next_session(day)

    def is_open(self, local_date_time: Any, extended_market_hours: bool) -> bool:
        return self._hours.is_open(_as_datetime(local_date_time), extended_market_hours)

    def is_date_open(self, local_date_time: Any, extended_market_hours: bool = False) -> bool:
        return bool(self._hours.segments(_as_datetime(local_date_time).date()))


class SecurityExchange(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityExchange",
    hint="the runner offers hours (use self.is_market_open(symbol) for whether it is open now)",
):
    """A US equity's exchange: its hours, in New York's time zone."""

    def __init__(self) -> None:
        self.hours = SecurityExchangeHours()

    @property
    def time_zone(self) -> ZoneInfo:
        return NEW_YORK


__all__ = ["SecurityExchange", "SecurityExchangeHours"]
