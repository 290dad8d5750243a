"""Date and time rules on the real NYSE calendar, alone and inside a running backtest."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.errors import NotSupportedError
from local_lean.market_calendar import nyse_calendar
from local_lean.scheduling import DateRules, ScheduleManager, TimeRules

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


def test_on_fires_only_on_sessions():
    times = fired(date_rules.on(2021, 7, 6), time_rules.at(9, 0), D(2021, 7, 1), D(2021, 7, 31))
    assert times == [T(2021, 7, 6, 9, 0)]
    assert (
        fired(date_rules.on(2021, 7, 5), time_rules.at(9, 0), D(2021, 7, 1), D(2021, 7, 31)) == []
    )


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


def test_every_day_of_week_picks_those_sessions_and_refuses_weekends():
    from local_lean.enums import DayOfWeek

    sessions = nyse_calendar().sessions(dt.date(2021, 1, 1), dt.date(2021, 1, 31))
    rule = DateRules().every(DayOfWeek.MONDAY, [DayOfWeek.FRIDAY])
    dates = sorted(rule._dates_for(sessions))
    assert all(d.weekday() in (0, 4) for d in dates)
    # Martin Luther King Day (Monday 18th) is no session, so no event, and the 1st is a holiday.
    assert dt.date(2021, 1, 18) not in dates and dt.date(2021, 1, 1) not in dates
    assert dt.date(2021, 1, 4) in dates and dt.date(2021, 1, 29) in dates
    with pytest.raises(NotSupportedError, match="trading sessions only"):
        DateRules().every(DayOfWeek.SUNDAY)
    with pytest.raises(TypeError, match="DayOfWeek"):
        DateRules().every("Monday")
