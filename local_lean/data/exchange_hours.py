"""US-equity exchange hours with LEAN's extended segments, for intraday bars.

LEAN's market-hours database (``Data/market-hours/market-hours-database.json``, entry
``Equity-usa-[*]``) gives every US-equity trading day three contiguous segments in New York
time: pre-market 04:00-09:30, market 09:30-16:00, post-market 16:00-20:00. On an early close
(13:00) LEAN's ``SecurityExchangeHours.GetMarketHours`` cuts the segment holding the close time
and drops every later one, so such a day has no post-market. Holidays and early closes come
from the NYSE calendar (``market_calendar``), which agrees with LEAN's database on every
holiday since 1998.

The questions asked here are LEAN's, with its boundary conventions:

- ``is_open_during_bar(start, end, extended)``: ``SecurityExchangeHours.IsOpen(start, end,
  extended)``: does any segment (regular only, unless `extended`) overlap [start, end)?
  Segments overlap a span when ``segment.start < end and segment.end > start``
  (``MarketHoursSegment.Overlaps``); a span that starts and ends at one instant asks whether
  that instant is in a segment, start included, end excluded.
- ``next_market_open(time, extended)``: ``GetNextMarketOpen``: the first open strictly after
  `time`. Contiguous segments are one opening (``IsContinuousMarketOpen``), so with extended
  hours a day opens once, at 04:00.
"""

from __future__ import annotations

import datetime as dt

from local_lean.market_calendar import NyseCalendar, nyse_calendar

PRE_MARKET_OPEN = dt.time(4, 0)
POST_MARKET_CLOSE = dt.time(20, 0)


class UsEquityExchangeHours:
    """When US equities trade, regular and extended, day by day (naive New York times)."""

    def __init__(self, calendar: NyseCalendar | None = None) -> None:
        self.calendar = calendar or nyse_calendar()
        self._cache: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime, bool], ...]] = {}

    def segments(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime, bool], ...]:
        """The day's open segments as (start, end, is_regular), oldest first; () when the
        exchange is closed all day."""
        if day not in self._cache:
            session = self.calendar.session_on(day)
            if session is None:
                self._cache[day] = ()
            else:
                pre = (dt.datetime.combine(day, PRE_MARKET_OPEN), session.open, False)
                regular = (session.open, session.close, True)
                post_close = dt.datetime.combine(day, POST_MARKET_CLOSE)
                is_early_close = session.close.time() < dt.time(16, 0)
                post = () if is_early_close else ((session.close, post_close, False),)
                self._cache[day] = (pre, regular, *post)
        return self._cache[day]

    def is_open(self, time: dt.datetime, extended: bool) -> bool:
        """Whether a segment holds `time` (start included, end excluded)."""
        return any(
            start <= time < end and (regular or extended)
            for start, end, regular in self.segments(time.date())
        )

    def is_open_during_bar(self, start: dt.datetime, end: dt.datetime, extended: bool) -> bool:
        """Whether any segment overlaps [start, end), day by day (LEAN's IsOpen over a span)."""
        if start == end:
            return self.is_open(start, extended)
        day = start.date()
        while dt.datetime.combine(day, dt.time()) < end:
            for segment_start, segment_end, regular in self.segments(day):
                if (regular or extended) and segment_start < end and segment_end > start:
                    return True
            day += dt.timedelta(days=1)
        return False

    def next_market_open(self, time: dt.datetime, extended: bool) -> dt.datetime:
        """The first market open strictly after `time` (04:00 with extended hours)."""
        day = time.date()
        while True:
            segments = self.segments(day)
            if segments:
                open_ = segments[0][0] if extended else segments[1][0]
                if open_ > time:
                    return open_
            day = self.calendar.next_session(day)
