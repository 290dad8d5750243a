"""A security's trading session bars (LEAN's ``Security.Session``: ``Common/Data/Market/
Session.cs``, ``SessionBar.cs``, ``Common/Data/Consolidators/SessionConsolidator.cs``).

``security.session`` is a rolling window of session bars, off until its ``size`` is set (LEAN
tracks nothing at size 0; an algorithm sets it, often in a security initializer:
``security.session.size = 3``). Then:

- ``session.open/high/low/close/volume`` are those of the current session so far (0 before
  its first bar): the first open, the highest high, the lowest low, the last close and the
  summed volume of the trade bars that overlap the regular market hours of the day;
  ``open_interest`` is 0 (equities have none).
- ``session[0]`` is the current session's bar; when the algorithm's time reaches a new date
  (LEAN scans the session as the local time moves on), the bar is closed and a new one starts,
  so ``session[1]`` is the previous session and so on, ``size`` of them kept.

The runner feeds sessions from minute and hour trade bars (``intraday_clock.py``); a daily
security's session stays empty, and asking for one raises NotSupportedError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.indicators.rolling_window import RollingWindow

_HOURS = UsEquityExchangeHours()


class SessionBar:
    """One session's OHLCV (LEAN's SessionBar of trade data); ``time`` is its date."""

    def __init__(self, symbol: Any, time: dt.datetime | None = None) -> None:
        self.symbol = symbol
        self.time = time  # the session's date (None until its first bar)
        self.open = self.high = self.low = self.close = 0.0
        self.volume = 0.0
        self.open_interest = 0.0
        self._last_volume_end: dt.datetime | None = None

    @property
    def end_time(self) -> dt.datetime | None:
        return None if self.time is None else self.time + dt.timedelta(days=1)

    def update(self, bar: Any) -> None:
        if self._last_volume_end is None or self._last_volume_end <= bar.time:
            self._last_volume_end = bar.end_time
            self.volume += bar.volume
        if self.open == 0:
            self.open, self.high, self.low = bar.open, bar.high, bar.low
        self.high = max(self.high, bar.high)
        self.low = min(self.low, bar.low)
        self.close = bar.close

    def __repr__(self) -> str:
        return (
            f"<SessionBar {getattr(self.symbol, 'value', self.symbol)} {self.time:%Y-%m-%d} "
            f"O:{self.open:g} H:{self.high:g} L:{self.low:g} C:{self.close:g} V:{self.volume:g}>"
            if self.time is not None
            else "<SessionBar (no data yet)>"
        )


class Session(RollingWindow):
    """``security.session``: the current and past session bars, newest first."""

    def __init__(self, symbol: Any, intraday: bool) -> None:
        super().__init__(0)
        self._symbol = symbol
        self._intraday = intraday
        self._working: SessionBar | None = None

    @property
    def size(self) -> int:
        return RollingWindow.size.fget(self)  # type: ignore[attr-defined]

    @size.setter
    def size(self, value: int) -> None:
        from local_lean.errors import NotSupportedError

        if value and not self._intraday:
            raise NotSupportedError(
                "Security.session on daily data",
                "local_lean tracks sessions from minute and hour bars: add the equity at "
                "Resolution.MINUTE or Resolution.HOUR",
            )
        RollingWindow.size.fset(self, value)  # type: ignore[attr-defined]
        if value > 0 and self._working is None:
            self._working = SessionBar(self._symbol)
            self.add(self._working)

    @property
    def symbol(self) -> Any:
        return self._symbol

    def _current(self, field: str) -> float:
        return 0.0 if self._working is None else getattr(self._working, field)

    @property
    def open(self) -> float:
        return self._current("open")

    @property
    def high(self) -> float:
        return self._current("high")

    @property
    def low(self) -> float:
        return self._current("low")

    @property
    def close(self) -> float:
        return self._current("close")

    @property
    def volume(self) -> float:
        return self._current("volume")

    @property
    def open_interest(self) -> float:
        return self._current("open_interest")

    @property
    def end_time(self) -> dt.datetime | None:
        return None if self._working is None else self._working.end_time

    def update(self, bar: Any) -> None:
        """A trade bar of the security: counted when it overlaps the regular market hours."""
        working = self._working
        if working is None:
            return
        if working.time is None:
            working.time = dt.datetime.combine(bar.time.date(), dt.time())
        if _HOURS.is_open_during_bar(bar.time, bar.end_time, False):
            working.update(bar)

    def scan(self, local_time: dt.datetime) -> None:
        """The algorithm's time moved on: on a new date the session closes and a new one
        starts (dated the next trading day)."""
        working = self._working
        if working is None or working.time is None or local_time.date() == working.time.date():
            return
        next_day = _HOURS.calendar.next_session(working.time.date())
        self._working = SessionBar(self._symbol, dt.datetime.combine(next_day, dt.time()))
        self.add(self._working)

    def reset(self) -> None:
        super().reset()
        if self._working is not None:
            self._working = SessionBar(self._symbol)
            self.add(self._working)

    def __repr__(self) -> str:
        return repr(self._working) if self._working is not None else ""


def feed_sessions(securities: Any, trades: Any, time: dt.datetime) -> None:
    """The intraday clock's call at each time step, before the bars reach the securities: each
    tracked session is scanned at the step's time, then gets its security's trade bar (not a
    fill-forward copy)."""
    for security in securities.values():
        session = security.session
        if session.size == 0:
            continue
        session.scan(time)
        bar = dict.get(trades, security.symbol)
        if bar is not None and not bar.is_fill_forward:
            session.update(bar)


__all__ = ["Session", "SessionBar", "feed_sessions"]
