"""Date and time rules on the real NYSE calendar, alone and inside a running backtest."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import DayOfWeek
from local_lean.errors import NotSupportedError
from local_lean.market_calendar import nyse_calendar
from local_lean.scheduling import DateRules, ScheduleManager, TimeRules, events_due_between

D = dt.date
T = dt.datetime


def fired(date_rule, time_rule, start: dt.date, end: dt.date) -> list[dt.datetime]:
    """When an event with these rules fires on each session from start to end."""
    calendar = nyse_calendar()
    schedule = ScheduleManager()
    schedule.on(date_rule, time_rule, lambda: None)
    # Rules see whole months, as the engine gives them.
    schedule._prepare(
        calendar.sessions(
            D(start.year, start.month, 1) - dt.timedelta(days=7), end + dt.timedelta(days=40)
        )
    )
    return [
        due.time for session in calendar.sessions(start, end) for due in schedule._due_on(session)
    ]


def fired_on_calendar(date_rule, time_rule, start: dt.date, end: dt.date) -> list[dt.datetime]:
    """When an event fires from start to end, on sessions and on the days between them, as
    the engine asks."""
    calendar = nyse_calendar()
    schedule = ScheduleManager()
    schedule.on(date_rule, time_rule, lambda: None)
    schedule._prepare(
        calendar.sessions(
            D(start.year, start.month, 1) - dt.timedelta(days=7), end + dt.timedelta(days=40)
        )
    )
    times, previous = [], start - dt.timedelta(days=1)
    for session in calendar.sessions(start, end + dt.timedelta(days=7)):
        between = events_due_between(schedule, previous, session.date)
        on_session = schedule._due_on(session) if session.date <= end else []
        times += [due.time for due in between + on_session if due.time.date() <= end]
        previous = session.date
    return times


date_rules, time_rules = DateRules(), TimeRules()


def test_month_end_is_the_last_session_when_the_month_ends_on_a_weekend():
    # January 2021 ends on Sunday the 31st: the last session is Friday the 29th.
    times = fired(date_rules.month_end("SPY"), time_rules.at(8, 0), D(2021, 1, 1), D(2021, 2, 28))
    assert times == [T(2021, 1, 29, 8, 0), T(2021, 2, 26, 8, 0)]


def test_month_end_is_the_last_session_when_the_month_ends_on_a_holiday():
    # 2024-03-29 is Good Friday (NYSE closed), then a weekend: Thursday the 28th is the last.
    times = fired(date_rules.month_end("SPY"), time_rules.at(8, 0), D(2024, 3, 1), D(2024, 3, 31))
    assert times == [T(2024, 3, 28, 8, 0)]


def test_month_end_days_offset_counts_sessions_back():
    times = fired(
        date_rules.month_end("SPY", 2), time_rules.at(8, 0), D(2024, 3, 1), D(2024, 3, 31)
    )
    assert times == [T(2024, 3, 26, 8, 0)]


def test_month_start_skips_new_years_day():
    times = fired(date_rules.month_start("SPY"), time_rules.midnight, D(2021, 1, 1), D(2021, 2, 5))
    assert times == [T(2021, 1, 4, 0, 0), T(2021, 2, 1, 0, 0)]


def test_week_start_and_end_around_a_monday_holiday():
    # Monday 2021-07-05 is the Independence Day holiday (observed).
    starts = fired(date_rules.week_start("SPY"), time_rules.noon, D(2021, 7, 5), D(2021, 7, 11))
    ends = fired(date_rules.week_end("SPY"), time_rules.noon, D(2021, 6, 28), D(2021, 7, 4))
    assert starts == [T(2021, 7, 6, 12, 0)]
    assert ends == [T(2021, 7, 2, 12, 0)]


def test_every_day_skips_weekends_and_holidays():
    times = fired(date_rules.every_day("SPY"), time_rules.at(10, 0), D(2021, 7, 1), D(2021, 7, 7))
    assert [t.date() for t in times] == [D(2021, 7, 1), D(2021, 7, 2), D(2021, 7, 6), D(2021, 7, 7)]


def test_after_market_open_adds_minutes_to_the_open():
    times = fired(
        date_rules.every_day("SPY"),
        time_rules.after_market_open("SPY", 5),
        D(2021, 3, 1),
        D(2021, 3, 1),
    )
    assert times == [T(2021, 3, 1, 9, 35)]


def test_before_market_close_uses_the_early_close():
    # The day after Thanksgiving 2021 closed at 13:00.
    times = fired(
        date_rules.every_day("SPY"),
        time_rules.before_market_close("SPY", 10),
        D(2021, 11, 24),
        D(2021, 11, 29),
    )
    assert times == [T(2021, 11, 24, 15, 50), T(2021, 11, 26, 12, 50), T(2021, 11, 29, 15, 50)]


def test_before_market_open_and_after_market_close_shift_the_session_hours():
    """LEAN's ``BeforeMarketOpen`` and ``AfterMarketClose``: the open less, the close (early
    close included) plus, the minutes."""
    before_open = fired(
        date_rules.every_day("SPY"),
        time_rules.before_market_open("SPY", 30),
        D(2021, 11, 24),
        D(2021, 11, 26),
    )
    assert before_open == [T(2021, 11, 24, 9, 0), T(2021, 11, 26, 9, 0)]
    after_close = fired(
        date_rules.every_day("SPY"),
        time_rules.after_market_close("SPY", 30),
        D(2021, 11, 24),
        D(2021, 11, 26),
    )
    assert after_close == [T(2021, 11, 24, 16, 30), T(2021, 11, 26, 13, 30)]


def test_on_fires_on_calendar_dates_holidays_included():
    times = fired_on_calendar(
        date_rules.on(2021, 7, 6), time_rules.at(9, 0), D(2021, 7, 1), D(2021, 7, 31)
    )
    assert times == [T(2021, 7, 6, 9, 0)]
    # Independence Day (observed) is no session; LEAN's On() still fires on it.
    holiday = fired_on_calendar(
        date_rules.on(2021, 7, 5), time_rules.at(9, 0), D(2021, 7, 1), D(2021, 7, 31)
    )
    assert holiday == [T(2021, 7, 5, 9, 0)]


def test_rules_without_a_symbol_count_calendar_days_as_leans():
    # LEAN's rules without a symbol use an always-open schedule.
    every_day = fired_on_calendar(
        date_rules.every_day(), time_rules.at(10, 0), D(2021, 7, 1), D(2021, 7, 7)
    )
    assert [t.date() for t in every_day] == [D(2021, 7, day) for day in range(1, 8)]
    # May 2021 starts on a Saturday and ends on a Monday holiday (Memorial Day).
    starts = fired_on_calendar(
        date_rules.month_start(), time_rules.midnight, D(2021, 5, 1), D(2021, 6, 30)
    )
    ends = fired_on_calendar(
        date_rules.month_end(), time_rules.at(8, 0), D(2021, 5, 1), D(2021, 6, 30)
    )
    assert starts == [T(2021, 5, 1, 0, 0), T(2021, 6, 1, 0, 0)]
    assert ends == [T(2021, 5, 31, 8, 0), T(2021, 6, 30, 8, 0)]
    # Without a symbol a week starts on Monday and ends on Friday, holiday or not.
    week_starts = fired_on_calendar(
        date_rules.week_start(), time_rules.noon, D(2021, 7, 5), D(2021, 7, 11)
    )
    week_ends = fired_on_calendar(
        date_rules.week_end(), time_rules.noon, D(2021, 3, 29), D(2021, 4, 4)
    )
    assert week_starts == [T(2021, 7, 5, 12, 0)]
    assert week_ends == [T(2021, 4, 2, 12, 0)]  # Good Friday, NYSE closed


def test_times_from_the_open_or_close_skip_days_without_a_session():
    times = fired_on_calendar(
        date_rules.every_day(),
        time_rules.after_market_open("SPY", 5),
        D(2021, 7, 1),
        D(2021, 7, 7),
    )
    assert [t.date() for t in times] == [D(2021, 7, 1), D(2021, 7, 2), D(2021, 7, 6), D(2021, 7, 7)]


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="time of day"):
        time_rules.at(25, 0)
    with pytest.raises(ValueError, match="minutes_after_open"):
        time_rules.after_market_open("SPY", -5)
    with pytest.raises(ValueError, match="days_offset"):
        date_rules.month_end("SPY", -1)
    with pytest.raises(NotSupportedError, match="not supported by local_lean"):
        time_rules.after_market_open("SPY", 0, True)
    with pytest.raises(TypeError, match="date_rules"):
        ScheduleManager().on("every day", time_rules.noon, lambda: None)


class RecordsEventTimes(QCAlgorithm):
    """Schedules one event of each kind and records the simulated times they ran at."""

    def initialize(self) -> None:
        self.set_start_date(2021, 11, 22)
        self.set_end_date(2021, 12, 3)
        spy = self.add_equity("SPY").symbol
        self.seen: list[tuple[str, dt.datetime]] = []
        self.train(self.date_rules.month_end(spy), self.time_rules.at(8, 0), self.record("train"))
        self.schedule.on(
            self.date_rules.every_day(spy),
            self.time_rules.after_market_open(spy, 5),
            self.record("open+5"),
        )
        self.schedule.on(
            self.date_rules.every_day(spy),
            self.time_rules.before_market_close(spy, 0),
            self.record("close"),
        )

    def record(self, label):
        def callback() -> None:
            self.seen.append((label, self.time))

        callback.__name__ = label
        return callback


def test_events_run_in_time_order_on_sessions_in_a_backtest():
    algorithm, outcome = run_algorithm(RecordsEventTimes)
    assert outcome.succeeded, outcome.runtime_error
    days = sorted({t.date() for _, t in algorithm.seen})
    assert D(2021, 11, 25) not in days  # Thanksgiving
    assert ("close", T(2021, 11, 26, 13, 0)) in algorithm.seen  # early close
    assert ("train", T(2021, 11, 30, 8, 0)) in algorithm.seen
    assert [label for label, t in algorithm.seen if t.date() == D(2021, 11, 30)] == [
        "train",
        "open+5",
        "close",
    ]
    assert sum(1 for label, _ in algorithm.seen if label == "train") == 1
    assert times_are_sorted([t for _, t in algorithm.seen])


def times_are_sorted(times: list[dt.datetime]) -> bool:
    return all(a <= b for a, b in zip(times, times[1:], strict=False))


def test_every_day_of_week_fires_on_those_calendar_days():
    from local_lean.enums import DayOfWeek

    times = fired_on_calendar(
        date_rules.every(DayOfWeek.MONDAY, [DayOfWeek.SUNDAY]),
        time_rules.at(8, 0),
        D(2021, 1, 1),
        D(2021, 1, 31),
    )
    dates = [t.date() for t in times]
    assert all(d.weekday() in (0, 6) for d in dates) and len(dates) == 9
    # Martin Luther King Day (Monday 18th) is a holiday and Sundays are closed: LEAN fires on
    # both, as it does for its TrainingExampleAlgorithm's Sunday training.
    assert D(2021, 1, 18) in dates and D(2021, 1, 3) in dates
    with pytest.raises(TypeError, match="DayOfWeek"):
        DateRules().every("Monday")


class TrainsOnSundays(QCAlgorithm):
    """LEAN's TrainingExampleAlgorithm's shape: train now, then every Sunday at 08:00."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 16)
        self.spy = self.add_equity("SPY").symbol
        self.trained = []
        self.train(self.fit)
        self.train(self.date_rules.every(DayOfWeek.SUNDAY), self.time_rules.at(8, 0), self.fit)

    def fit(self) -> None:
        last_bar = self.history(self.spy, 1).index[-1][1]
        self.trained.append((self.time, last_bar))


def test_a_sunday_event_runs_on_sunday_and_sees_fridays_close():
    algorithm, outcome = run_algorithm(TrainsOnSundays)
    assert outcome.succeeded, outcome.runtime_error
    assert [time for time, _ in algorithm.trained] == [
        T(2021, 3, 1, 0, 0),
        T(2021, 3, 7, 8, 0),
        T(2021, 3, 14, 8, 0),
    ]
    # On Sunday the newest bar is Friday's (its end time is Friday 16:00).
    assert algorithm.trained[1][1].date() in (D(2021, 3, 5), D(2021, 3, 6))
