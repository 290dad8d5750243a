"""Scheduled events: LEAN's DateRules, TimeRules and ScheduleManager at daily resolution.

A date rule picks days; a time rule turns a day into a New York time of day. The engine asks
the ScheduleManager which events fall on each session, and on the calendar days between
sessions, and runs them in time order. As in LEAN, a rule given a symbol counts that symbol's
trading sessions (NYSE for US equities), and a rule without one counts calendar days (LEAN's
"always open" schedule), so it can fire on a weekend or a holiday:

- ``every_day(symbol)`` fires on every session, ``every_day()`` on every calendar day;
  ``month_start``/``month_end`` on the first/last session of each calendar month (``days_offset``
  sessions later/earlier), or without a symbol the 1st/last calendar day (offset in days);
  ``week_start``/``week_end`` likewise per calendar week (Monday/Friday without a symbol);
  ``every(DayOfWeek...)`` and ``on(dates)`` on those calendar days.
- On a day that is not a session, only fixed times (``at``, ``midnight``, ``noon``) fire: there
  is no open or close to count from.
- ``at(h, m, s)`` is that time of day; ``after_market_open(symbol, n)`` is the session's open plus
  n minutes; ``before_market_close(symbol, n)`` is the real close minus n minutes (13:00 on early
  closes); ``midnight`` is 00:00 and ``noon`` 12:00.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from local_lean.enums import DayOfWeek
from local_lean.errors import NotSupportedError
from local_lean.lean_members import LeanMembers


class Session(Protocol):
    """What the rules need of a trading session (see market_calendar.TradingSession)."""

    date: dt.date
    open: dt.datetime
    close: dt.datetime


def _group_edges(
    sessions: Sequence[Session], key: Callable[[dt.date], Any], last: bool, offset: int
) -> set[dt.date]:
    """The first (or last) session of each group of sessions sharing `key`, moved `offset`
    sessions inside the group (LEAN: never past the group's other end)."""
    groups: dict[Any, list[dt.date]] = {}
    for session in sessions:
        groups.setdefault(key(session.date), []).append(session.date)
    chosen = set()
    for dates in groups.values():
        index = min(offset, len(dates) - 1)
        chosen.add(dates[-1 - index] if last else dates[index])
    return chosen


def _week_days(days: Sequence[Any], always_open: bool, last: bool) -> Sequence[Any]:
    """Without a symbol LEAN's week ends on Friday whatever the calendar (and starts on
    Monday, the first day of an ISO week anyway), so week ends count back from Friday."""
    if always_open and last:
        return [d for d in days if d.date.weekday() <= 4]
    return days


@dataclass(frozen=True)
class CalendarDay:
    """A calendar day as a rule sees it: a date, with an open and close only on sessions."""

    date: dt.date
    open: dt.datetime | None = None
    close: dt.datetime | None = None


def calendar_days(sessions: Sequence[Session]) -> list[CalendarDay]:
    """Every calendar day of the months the sessions span, sessions keeping their hours."""
    if not sessions:
        return []
    by_date = {s.date: s for s in sessions}
    first = sessions[0].date.replace(day=1)
    last = sessions[-1].date.replace(day=1) + dt.timedelta(days=31)
    last = last.replace(day=1) - dt.timedelta(days=1)
    days = []
    for number in range((last - first).days + 1):
        date = first + dt.timedelta(days=number)
        session = by_date.get(date)
        days.append(
            CalendarDay(date, session.open, session.close) if session else CalendarDay(date)
        )
    return days


class DateRule:
    """Which days an event fires on. ``name`` reads like LEAN's (e.g. 'MonthEnd: SPY').
    ``calendar``: the rule counts calendar days (LEAN's rules without a symbol), not sessions."""

    def __init__(
        self,
        name: str,
        select: Callable[[Sequence[Session]], set[dt.date]],
        calendar: bool = False,
    ) -> None:
        self.name = name
        self._select = select
        self._calendar = calendar

    def _dates_for(self, sessions: Sequence[Session]) -> set[dt.date]:
        """The dates this rule fires on, given `sessions` (complete calendar months/weeks)."""
        return self._select(calendar_days(sessions) if self._calendar else sessions)

    def _dates_between(self, calendar: Any, start: dt.date, end: dt.date) -> set[dt.date]:
        """The rule's dates from `start` to `end`, as LEAN's ``GetDates`` gives them (for a
        portfolio model's rebalance and a scheduled universe); rules see whole months."""
        around = max(calendar.first_day, start - dt.timedelta(days=40))
        until = min(calendar.last_day, end + dt.timedelta(days=40))
        return {d for d in self._dates_for(calendar.sessions(around, until)) if start <= d <= end}

    def __repr__(self) -> str:
        return f"DateRule({self.name})"


class TimeRule:
    """When in a session an event fires, as a naive New York datetime."""

    def __init__(self, name: str, time_on: Callable[[Session], dt.datetime]) -> None:
        self.name = name
        self._time_on = time_on

    def _time_on_session(self, session: Session) -> dt.datetime:
        return self._time_on(session)

    def __repr__(self) -> str:
        return f"TimeRule({self.name})"


def _check_offset(days_offset: int) -> int:
    if not isinstance(days_offset, int) or days_offset < 0:
        raise ValueError(
            f"days_offset must be a whole number of sessions >= 0, got {days_offset!r}"
        )
    return days_offset


def _symbol_label(symbol: Any) -> str:
    return "" if symbol is None else f": {getattr(symbol, 'symbol', symbol)}"


class DateRules(
    LeanMembers,
    lean_class="QuantConnect.Scheduling.DateRules",
    alternatives={
        "year_start": "use date_rules.month_start() and check self.time.month == 1",
        "year_end": "use date_rules.month_end() and check self.time.month == 12",
        "quarter_start": "use date_rules.month_start() and check self.time.month in (1, 4, 7, 10)",
        "quarter_end": "use date_rules.month_end() and check self.time.month in (3, 6, 9, 12)",
        "today": "use date_rules.on(self.time.date())",
        "tomorrow": "use date_rules.on(self.time.date() + timedelta(days=1))",
        "set_default_time_zone": "rules run in New York time, the exchange's",
    },
    hint="see local_lean/README.md for the date rules the runner offers",
):
    """LEAN's ``self.date_rules``. Every rule counts NYSE sessions (US equities only)."""

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._clock = clock  # the algorithm's time, for ``today`` and ``tomorrow``

    @property
    def today(self) -> DateRule:
        """The algorithm's current date (LEAN's ``DateRules.Today``)."""
        return self.on(self._now().date())

    @property
    def tomorrow(self) -> DateRule:
        """The day after the algorithm's current date (LEAN's ``DateRules.Tomorrow``)."""
        return self.on(self._now().date() + dt.timedelta(days=1))

    def _now(self) -> dt.datetime:
        if self._clock is None:
            raise RuntimeError("date_rules.today needs the algorithm's clock: use self.date_rules")
        return self._clock()

    def every_day(self, symbol: Any = None, extended_market_hours: bool = False) -> DateRule:
        """Every trading session."""
        return DateRule(
            f"EveryDay{_symbol_label(symbol)}",
            lambda days: {d.date for d in days},
            calendar=symbol is None,
        )

    def month_start(
        self, symbol: Any = None, days_offset: int = 0, extended_market_hours: bool = True
    ) -> DateRule:
        """The first session of each month, plus `days_offset` sessions."""
        symbol, days_offset = _shift_symbol_offset(symbol, days_offset)
        offset = _check_offset(days_offset)
        return DateRule(
            f"MonthStart{_symbol_label(symbol)}",
            lambda days: _group_edges(days, lambda d: (d.year, d.month), False, offset),
            calendar=symbol is None,
        )

    def month_end(
        self, symbol: Any = None, days_offset: int = 0, extended_market_hours: bool = True
    ) -> DateRule:
        """The last session of each month, minus `days_offset` sessions."""
        symbol, days_offset = _shift_symbol_offset(symbol, days_offset)
        offset = _check_offset(days_offset)
        return DateRule(
            f"MonthEnd{_symbol_label(symbol)}",
            lambda days: _group_edges(days, lambda d: (d.year, d.month), True, offset),
            calendar=symbol is None,
        )

    def week_start(
        self, symbol: Any = None, days_offset: int = 0, extended_market_hours: bool = True
    ) -> DateRule:
        """The first session of each calendar week (Monday to Sunday), plus `days_offset`."""
        symbol, days_offset = _shift_symbol_offset(symbol, days_offset)
        offset = _check_offset(days_offset)
        return DateRule(
            f"WeekStart{_symbol_label(symbol)}",
            lambda days: _group_edges(
                _week_days(days, symbol is None, False),
                lambda d: d.isocalendar()[:2],
                False,
                offset,
            ),
            calendar=symbol is None,
        )

    def week_end(
        self, symbol: Any = None, days_offset: int = 0, extended_market_hours: bool = True
    ) -> DateRule:
        """The last session of each calendar week, minus `days_offset` sessions."""
        symbol, days_offset = _shift_symbol_offset(symbol, days_offset)
        offset = _check_offset(days_offset)
        return DateRule(
            f"WeekEnd{_symbol_label(symbol)}",
            lambda days: _group_edges(
                _week_days(days, symbol is None, True), lambda d: d.isocalendar()[:2], True, offset
            ),
            calendar=symbol is None,
        )

    def every(self, *days: Any) -> DateRule:
        """``every(DayOfWeek.MONDAY, ...)``: every calendar day that falls on those days of the
        week, weekends and holidays included, as LEAN's."""
        wanted: set[DayOfWeek] = set()
        for item in days:
            items = item if isinstance(item, Iterable) and not isinstance(item, str) else [item]
            for day in items:
                if not isinstance(day, DayOfWeek):
                    raise TypeError(f"date_rules.every takes DayOfWeek values, got {day!r}")
                wanted.add(day)
        if not wanted:
            raise ValueError("date_rules.every needs at least one DayOfWeek")
        # Python's weekday(): Monday 0 .. Sunday 6; .NET's DayOfWeek: Sunday 0 .. Saturday 6.
        python_days = {(int(day) - 1) % 7 for day in wanted}
        label = ",".join(d.name.capitalize() for d in sorted(wanted))
        return DateRule(
            f"Every: {label}",
            lambda days: {d.date for d in days if d.date.weekday() in python_days},
            calendar=True,
        )

    def on(self, *dates: Any) -> DateRule:
        """``on(year, month, day)`` or ``on(date, ...)``: those calendar dates."""
        if len(dates) == 3 and all(isinstance(part, int) for part in dates):
            wanted = {dt.date(*dates)}
        else:
            wanted = set()
            for item in dates:
                items = item if isinstance(item, Iterable) and not isinstance(item, str) else [item]
                for when in items:
                    if not isinstance(when, dt.date):
                        raise TypeError(f"date_rules.on takes dates or datetimes, got {when!r}")
                    wanted.add(when.date() if isinstance(when, dt.datetime) else when)
        label = ",".join(sorted(d.isoformat() for d in wanted))
        return DateRule(
            f"On: {label}", lambda days: {d.date for d in days if d.date in wanted}, calendar=True
        )


def _shift_symbol_offset(symbol: Any, days_offset: int) -> tuple[Any, int]:
    """``month_end(2)`` is LEAN's ``month_end(days_offset=2)`` overload, not a symbol."""
    if isinstance(symbol, int) and not isinstance(symbol, bool):
        return None, symbol
    return symbol, days_offset


def _minutes(value: float, name: str) -> dt.timedelta:
    if not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name} must be a number of minutes >= 0, got {value!r}")
    return dt.timedelta(minutes=value)


class TimeRules(
    LeanMembers,
    lean_class="QuantConnect.Scheduling.TimeRules",
    alternatives={
        "every": "schedule several time_rules.at(...) events (daily data: one bar a session)",
        "now": "call the function now, or use time_rules.at at the next time",
        "set_default_time_zone": "rules run in New York time, the exchange's",
    },
    hint="see local_lean/README.md for the time rules the runner offers",
):
    """LEAN's ``self.time_rules`` (New York time, the exchange's and the algorithm's zone)."""

    def at(self, hour: Any, minute: int = 0, second: int = 0) -> TimeRule:
        """A fixed time of day: ``at(hour, minute, second=0)`` or ``at(timedelta)``."""
        if isinstance(hour, dt.timedelta):
            offset = hour
        else:
            if not all(isinstance(part, int) for part in (hour, minute, second)):
                raise TypeError(
                    f"time_rules.at takes whole numbers, got {hour}, {minute}, {second}"
                )
            if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
                raise ValueError(f"time_rules.at({hour}, {minute}, {second}) is not a time of day")
            offset = dt.timedelta(hours=hour, minutes=minute, seconds=second)
        if not dt.timedelta(0) <= offset < dt.timedelta(days=1):
            raise ValueError(f"time_rules.at({offset}) is not a time of day")
        clock = (dt.datetime.min + offset).time()
        return TimeRule(
            f"At: {clock:%H:%M:%S}", lambda session: dt.datetime.combine(session.date, clock)
        )

    def after_market_open(
        self, symbol: Any = None, minutes_after_open: float = 0, extended_market_open: bool = False
    ) -> TimeRule:
        """The session's open (09:30) plus `minutes_after_open`."""
        if isinstance(symbol, int | float) and not isinstance(symbol, bool):
            symbol, minutes_after_open = None, symbol
        if extended_market_open:
            raise NotSupportedError("extended_market_open=True", "daily data has no pre-market")
        delay = _minutes(minutes_after_open, "minutes_after_open")
        return TimeRule(
            f"AfterMarketOpen{_symbol_label(symbol)} +{minutes_after_open:g} min",
            lambda session: None if session.open is None else session.open + delay,
        )

    def before_market_close(
        self,
        symbol: Any = None,
        minutes_before_close: float = 0,
        extended_market_close: bool = False,
    ) -> TimeRule:
        """The session's real close (16:00, or 13:00 on early closes) less the minutes."""
        if isinstance(symbol, int | float) and not isinstance(symbol, bool):
            symbol, minutes_before_close = None, symbol
        if extended_market_close:
            raise NotSupportedError("extended_market_close=True", "daily data has no after-hours")
        advance = _minutes(minutes_before_close, "minutes_before_close")
        return TimeRule(
            f"BeforeMarketClose{_symbol_label(symbol)} -{minutes_before_close:g} min",
            lambda session: None if session.close is None else session.close - advance,
        )

    def before_market_open(
        self, symbol: Any = None, minutes_before_open: float = 0, extended_market_open: bool = False
    ) -> TimeRule:
        """The session's open (09:30) less `minutes_before_open` (LEAN's: ``after_market_open``
        with the minutes negated)."""
        if isinstance(symbol, int | float) and not isinstance(symbol, bool):
            symbol, minutes_before_open = None, symbol
        if extended_market_open:
            raise NotSupportedError("extended_market_open=True", "daily data has no pre-market")
        advance = _minutes(minutes_before_open, "minutes_before_open")
        return TimeRule(
            f"BeforeMarketOpen{_symbol_label(symbol)} -{minutes_before_open:g} min",
            lambda session: None if session.open is None else session.open - advance,
        )

    def after_market_close(
        self,
        symbol: Any = None,
        minutes_after_close: float = 0,
        extended_market_close: bool = False,
    ) -> TimeRule:
        """The session's real close (16:00, or 13:00 on early closes) plus the minutes (LEAN's:
        ``before_market_close`` with the minutes negated)."""
        if isinstance(symbol, int | float) and not isinstance(symbol, bool):
            symbol, minutes_after_close = None, symbol
        if extended_market_close:
            raise NotSupportedError("extended_market_close=True", "daily data has no after-hours")
        delay = _minutes(minutes_after_close, "minutes_after_close")
        return TimeRule(
            f"AfterMarketClose{_symbol_label(symbol)} +{minutes_after_close:g} min",
            lambda session: None if session.close is None else session.close + delay,
        )

    @property
    def midnight(self) -> TimeRule:
        """00:00 at the start of the session's date."""
        return self.at(0, 0)

    @property
    def noon(self) -> TimeRule:
        """12:00 on the session's date."""
        return self.at(12, 0)


@dataclass
class ScheduledEvent:
    """One registered event: its rules, its callback and a readable name."""

    name: str
    date_rule: DateRule
    time_rule: TimeRule
    callback: Callable[[], Any]
    is_training: bool = False
    order: int = 0


@dataclass(frozen=True)
class DueEvent:
    """An event due at one simulated time on one session."""

    time: dt.datetime
    event: ScheduledEvent


class ScheduleManager(
    LeanMembers,
    lean_class="QuantConnect.Scheduling.ScheduleManager",
    alternatives={
        "event": "use schedule.on(date_rule, time_rule, callback)",
        "add": "use schedule.on(date_rule, time_rule, callback)",
        "remove": "schedule.on returns the event; the runner keeps every event to the end",
        "training": "use self.train(date_rule, time_rule, action)",
        "training_now": "use self.train(action)",
        "set_event_schedule": "events run on the runner's clock",
        "date_rules": "use self.date_rules",
        "time_rules": "use self.time_rules",
    },
    hint="use schedule.on(date_rule, time_rule, callback)",
):
    """LEAN's ``self.schedule``: registers events and tells the engine which are due each day."""

    def __init__(self) -> None:
        self._events: list[ScheduledEvent] = []
        self._dates: dict[int, set[dt.date]] = {}
        self._sessions: Sequence[Session] | None = None

    def on(self, date_rule: DateRule, time_rule: TimeRule, callback: Callable[[], Any]) -> Any:
        """Run `callback()` on the sessions of `date_rule` at the time of `time_rule`."""
        return self._add(date_rule, time_rule, callback, is_training=False)

    def _add(
        self, date_rule: Any, time_rule: Any, callback: Any, is_training: bool
    ) -> ScheduledEvent:
        if not isinstance(date_rule, DateRule):
            raise TypeError(f"expected a rule from self.date_rules, got {date_rule!r}")
        if not isinstance(time_rule, TimeRule):
            raise TypeError(f"expected a rule from self.time_rules, got {time_rule!r}")
        if not callable(callback):
            raise TypeError(f"the scheduled callback must be callable, got {callback!r}")
        label = getattr(callback, "__name__", type(callback).__name__)
        kind = "Train" if is_training else "Event"
        event = ScheduledEvent(
            name=f"{kind} {label} ({date_rule.name}; {time_rule.name})",
            date_rule=date_rule,
            time_rule=time_rule,
            callback=callback,
            is_training=is_training,
            order=len(self._events),
        )
        self._events.append(event)
        if self._sessions is not None:
            self._dates[id(event)] = date_rule._dates_for(self._sessions)
        return event

    def _prepare(self, sessions: Sequence[Session]) -> None:
        """Evaluate every date rule once over `sessions` (whole months around the backtest)."""
        self._sessions = sessions
        self._dates = {id(event): event.date_rule._dates_for(sessions) for event in self._events}

    def _due_on(self, day: Session | CalendarDay) -> list[DueEvent]:
        """The events that fire on `day` (a session, or a calendar day without one), in time
        order (registration order on ties); rules timed from an open or close skip days
        without a session."""
        if self._sessions is None:
            raise RuntimeError("prepare_schedule must run before events_due")
        due = []
        for event in self._events:
            if day.date in self._dates[id(event)]:
                time = event.time_rule._time_on_session(day)
                if time is not None:
                    due.append(DueEvent(time, event))
        due.sort(key=lambda item: (item.time, item.event.order))
        return due


def prepare_schedule(schedule: ScheduleManager, sessions: Sequence[Session]) -> None:
    """Evaluate the schedule's date rules over `sessions` before the backtest runs."""
    schedule._prepare(sessions)


def events_due(schedule: ScheduleManager, session: Session) -> list[DueEvent]:
    """The scheduled events that fire on `session`, in time order."""
    return schedule._due_on(session)


def events_due_between(
    schedule: ScheduleManager, after: dt.date, before: dt.date
) -> list[DueEvent]:
    """The events that fire on the calendar days strictly between two sessions (weekends,
    holidays), in time order."""
    due = []
    for number in range(1, (before - after).days):
        due.extend(schedule._due_on(CalendarDay(after + dt.timedelta(days=number))))
    return due


def rule_dates(rule: DateRule, calendar: Any, start: dt.date, end: dt.date) -> set[dt.date]:
    """A date rule's dates from `start` to `end` (a portfolio model's rebalance dates, a
    scheduled universe's selection dates)."""
    return rule._dates_between(calendar, start, end)


def rule_time(rule: TimeRule, session: Any) -> dt.datetime:
    """A time rule's time on `session` (New York time)."""
    return rule._time_on_session(session)


def add_training(schedule: ScheduleManager, date_rule: Any, time_rule: Any, action: Any) -> Any:
    """``train(date_rule, time_rule, action)``: a scheduled event that trains."""
    return schedule._add(date_rule, time_rule, action, is_training=True)


# LEAN's ScheduledEvent.SecurityEndOfDayDelta: OnEndOfDay runs this long before the close.
END_OF_DAY_DELTA = dt.timedelta(minutes=10)


def end_of_day_step(
    algorithm: Any, session: Any, run_timed: Callable[[str, Callable[[], Any]], None]
) -> tuple[dt.datetime, Callable[[], None]]:
    """The time and action of LEAN's end-of-day events on `session` for an algorithm that
    defines ``on_end_of_day``: with a symbol parameter, once per security; without, once.
    Each call runs through `run_timed` (the engine's time limits)."""
    per_symbol = len(inspect.signature(algorithm.on_end_of_day).parameters) > 0

    def run() -> None:
        if not per_symbol:
            run_timed("OnEndOfDay", algorithm.on_end_of_day)
            return
        for symbol in list(algorithm.securities.keys()):
            run_timed(f"OnEndOfDay {symbol.value}", partial(algorithm.on_end_of_day, symbol))

    return session.close - END_OF_DAY_DELTA, run
