"""TradeBarConsolidator (count, timedelta and calendar periods), ``consolidate`` and
``register_indicator`` through a consolidator: the bars, and when the engine delivers them
(LEAN's PeriodCountConsolidatorBase and ConsolidatorWrapper scan schedule)."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.algorithm import QCAlgorithm
from local_lean.consolidators import Calendar, CalendarInfo, TradeBarConsolidator
from local_lean.consolidators.period import consolidator_start_time
from local_lean.enums import Resolution
from local_lean.indicators import SimpleMovingAverage
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol
from tests.runner_helpers import run_algorithm

SPY = equity_symbol("SPY")
MINUTE = dt.timedelta(minutes=1)


def daily(day: dt.date, close: float, volume: float = 1.0, symbol=SPY) -> TradeBar:
    """A daily bar as the engine gives consolidators: the session, 09:30 to 16:00."""
    start, end = dt.datetime.combine(day, dt.time(9, 30)), dt.datetime.combine(day, dt.time(16))
    return TradeBar(symbol, start, end, close - 1, close + 2, close - 2, close, volume)


def weekdays(first: dt.date, count: int) -> list[dt.date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def collect(consolidator) -> list:
    produced = []
    consolidator.data_consolidated += lambda sender, bar: produced.append(bar)
    return produced


# ----- the consolidator alone ------------------------------------------------------------------


def test_a_count_makes_a_bar_of_every_n_inputs_with_the_nth():
    consolidator = TradeBarConsolidator(3)
    bars = collect(consolidator)
    days = weekdays(dt.date(2020, 1, 6), 7)

    for number, day in enumerate(days):
        consolidator.update(daily(day, 100 + number, volume=number))

    assert len(bars) == 2
    first = bars[0]
    assert (first.time, first.end_time) == (
        dt.datetime(2020, 1, 6, 9, 30),
        dt.datetime(2020, 1, 8, 16, 0),
    )
    assert (first.open, first.high, first.low, first.close, first.volume) == (
        99,
        104,
        98,
        102,
        0 + 1 + 2,
    )
    assert consolidator.working_bar.close == 106  # the 7th input waits for two more


def test_a_weekly_calendar_bar_spans_monday_to_monday_and_fires_on_the_next_week():
    consolidator = TradeBarConsolidator(Calendar.WEEKLY)
    bars = collect(consolidator)

    for day in weekdays(dt.date(2020, 1, 6), 5):  # Monday to Friday
        consolidator.update(daily(day, 100))
    assert bars == []
    consolidator.update(daily(dt.date(2020, 1, 13), 101))  # the next Monday

    (week,) = bars
    assert (week.time, week.end_time) == (dt.datetime(2020, 1, 6), dt.datetime(2020, 1, 13))
    assert week.close == 100 and week.volume == 5
    assert consolidator.working_bar.time == dt.datetime(2020, 1, 13)


def test_scan_completes_a_calendar_bar_once_its_period_passed():
    consolidator = TradeBarConsolidator(Calendar.MONTHLY)
    bars = collect(consolidator)
    for day in weekdays(dt.date(2020, 1, 2), 21):  # January's sessions (and more weekdays)
        if day.month == 1:
            consolidator.update(daily(day, 100))

    consolidator.scan(dt.datetime(2020, 1, 31, 23, 59))
    assert bars == []
    consolidator.scan(dt.datetime(2020, 2, 1))

    (month,) = bars
    assert (month.time, month.end_time) == (dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1))
    assert consolidator.working_data is None


def test_a_period_over_a_day_starts_at_the_first_input_unrounded():
    consolidator = TradeBarConsolidator(dt.timedelta(days=3))
    bars = collect(consolidator)

    for day in weekdays(dt.date(2020, 1, 6), 4):  # Monday to Thursday
        consolidator.update(daily(day, 100))

    (bar,) = bars  # Thursday 09:30 is three days after Monday 09:30
    assert (bar.time, bar.end_time) == (
        dt.datetime(2020, 1, 6, 9, 30),
        dt.datetime(2020, 1, 9, 9, 30),
    )
    assert bar.volume == 3


def test_a_custom_calendar_function_sets_each_bar():
    def two_weeks(time: dt.datetime) -> CalendarInfo:
        start = dt.datetime(2020, 1, 6) + dt.timedelta(
            days=(time - dt.datetime(2020, 1, 6)).days // 14 * 14
        )
        return CalendarInfo(start, dt.timedelta(days=14))

    consolidator = TradeBarConsolidator(two_weeks)
    bars = collect(consolidator)
    for day in weekdays(dt.date(2020, 1, 6), 11):
        consolidator.update(daily(day, 100))

    (bar,) = bars
    assert (bar.time, bar.end_time, bar.volume) == (
        dt.datetime(2020, 1, 6),
        dt.datetime(2020, 1, 20),
        10,
    )


def test_bad_periods_and_inputs_are_refused_with_the_fix():
    with pytest.raises(TypeError, match="Unable to create a consolidator period"):
        TradeBarConsolidator("weekly")
    with pytest.raises(ValueError, match="max_count cannot be negative"):
        TradeBarConsolidator(-1)
    with pytest.raises(TypeError, match="start_time must be a timedelta"):
        TradeBarConsolidator(dt.timedelta(days=7), "09:00")
    with pytest.raises(ValueError, match="Should never return a time later"):
        TradeBarConsolidator(
            lambda time: CalendarInfo(time + dt.timedelta(days=1), dt.timedelta(1))
        )
    with pytest.raises(TypeError, match="return a CalendarInfo"):
        TradeBarConsolidator(lambda time: time)
    hourly = TradeBarConsolidator(dt.timedelta(hours=1))
    with pytest.raises(ValueError, match="can not consolidate bars of period: 1:00:00"):
        hourly.update(daily(dt.date(2020, 1, 6), 100))
    counted = TradeBarConsolidator(2)
    counted.update(daily(dt.date(2020, 1, 6), 100))
    with pytest.raises(ValueError, match="can only be used with a single symbol"):
        counted.update(daily(dt.date(2020, 1, 7), 100, symbol=equity_symbol("QQQ")))


# ----- in a backtest ---------------------------------------------------------------------------


class WeeklyAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 6)
        self.set_end_date(2020, 2, 28)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.weeks = []  # (algorithm time, bar)
        self.days = []
        self.opens = {}
        self.tickets = []
        self.consolidate(self.spy, Calendar.WEEKLY, self.on_week)
        self.consolidate(self.spy, timedelta_one_day(), lambda bar: self.days.append(self.time))
        self.sma = SimpleMovingAverage(2)
        self.register_indicator(self.spy, self.sma, TradeBarConsolidator(Calendar.WEEKLY))

    def on_week(self, bar):
        self.weeks.append((self.time, bar))
        quantity = 1 if len(self.weeks) % 2 else -1
        self.tickets.append(self.market_order(self.spy, quantity))

    def on_data(self, slice):
        self.opens[self.time.date()] = slice[self.spy].open


def timedelta_one_day() -> dt.timedelta:
    return dt.timedelta(days=1)


def test_weekly_bars_arrive_at_monday_midnight_and_orders_fill_at_mondays_open():
    algorithm, outcome = run_algorithm(WeeklyAlgorithm)

    assert outcome.runtime_error is None
    # Scanned before Monday's bar, at the time the week ended (LEAN sets the clock back).
    times = [time for time, _ in algorithm.weeks]
    assert times == [dt.datetime(2020, 1, 13) + dt.timedelta(weeks=n) for n in range(7)]
    for time, week in algorithm.weeks:
        assert week.end_time == time and week.time == time - dt.timedelta(days=7)
    # A market order placed then is a market-on-open order: it fills at Monday's open (at
    # Tuesday's after the Monday holidays, 20 January and 17 February).
    for (time, _), ticket in zip(algorithm.weeks, algorithm.tickets, strict=True):
        session = min(day for day in algorithm.opens if day >= time.date())
        assert (session - time.date()).days == (1 if time.day in (20, 17) else 0)
        assert ticket.average_fill_price == pytest.approx(algorithm.opens[session])
    # A one-day period passes each daily bar through, at its close.
    assert len(algorithm.days) == len(algorithm.opens) and algorithm.days[0].hour == 16
    # The indicator got each weekly close.
    closes = [week.close for _, week in algorithm.weeks[-2:]]
    assert algorithm.sma.samples == 7
    assert algorithm.sma.current.value == pytest.approx(sum(closes) / 2)


class DaylightSavingAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 21)
        self.set_end_date(2013, 11, 15)
        self.add_equity("SPY", Resolution.DAILY)
        self.times = []
        self.consolidate("SPY", Calendar.WEEKLY, lambda bar: self.times.append(self.time))


def test_a_scan_a_week_later_in_utc_misses_monday_midnight_after_the_clocks_change():
    # LEAN schedules the next scan a bar span after the last bar's end, in UTC: after the
    # clocks went back on Sunday 3 November 2013 that is Sunday 23:00, too early; the week
    # then ends with Monday's bar, at its close.
    algorithm, outcome = run_algorithm(DaylightSavingAlgorithm)

    assert outcome.runtime_error is None
    assert algorithm.times == [
        dt.datetime(2013, 10, 28),
        dt.datetime(2013, 11, 4, 16),
        dt.datetime(2013, 11, 11),
    ]


class BadConsolidateAlgorithm(QCAlgorithm):
    period: object = dt.timedelta(hours=1)
    ticker = "SPY"

    def initialize(self):
        self.set_start_date(2020, 1, 6)
        self.set_end_date(2020, 1, 10)
        self.add_equity("SPY", Resolution.DAILY)
        self.consolidate(self.ticker, self.period, lambda bar: None)


class HourlyAlgorithm(BadConsolidateAlgorithm):
    period = Resolution.HOUR


class NotAddedAlgorithm(BadConsolidateAlgorithm):
    period = Calendar.WEEKLY
    ticker = "QQQ"


class NotAPeriodAlgorithm(BadConsolidateAlgorithm):
    period = "1W"


@pytest.mark.parametrize(
    ("algorithm_class", "message"),
    [
        (BadConsolidateAlgorithm, "Consolidators require higher resolution data"),
        (HourlyAlgorithm, "Consolidators require higher resolution data"),
        (NotAddedAlgorithm, "Please register to receive data for symbol 'QQQ'"),
        (NotAPeriodAlgorithm, "pass a timedelta, a Resolution or a calendar function"),
    ],
)
def test_consolidate_refuses_what_daily_data_cannot_give(algorithm_class, message):
    _, outcome = run_algorithm(algorithm_class)

    assert outcome.runtime_error is not None and message in outcome.runtime_error


class WeeklyHelperAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 6)
        self.set_end_date(2020, 1, 10)
        self.add_equity("SPY", Resolution.DAILY)
        self.sma("SPY", 3, dt.timedelta(days=7))


def test_an_indicator_helper_over_a_longer_period_names_the_consolidator_fix():
    _, outcome = run_algorithm(WeeklyHelperAlgorithm)

    assert "register_indicator(symbol, indicator, TradeBarConsolidator(" in outcome.runtime_error


class AddsInHandlerAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 6)
        self.set_end_date(2020, 2, 28)
        self.add_equity("SPY", Resolution.DAILY)
        self.monthly = []
        self.consolidate("SPY", Calendar.WEEKLY, self.on_week)

    def on_week(self, bar):
        if not hasattr(self, "added"):
            self.added = self.consolidate("SPY", Calendar.MONTHLY, self.monthly.append)


def test_a_consolidator_added_by_a_handler_is_scanned_from_the_next_slice():
    algorithm, outcome = run_algorithm(AddsInHandlerAlgorithm)

    assert outcome.runtime_error is None
    # Added on 13 January: its first month is the rest of January, ended on 1 February.
    (january,) = algorithm.monthly
    assert (january.time, january.end_time) == (dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1))


def plain(time: dt.datetime, span: dt.timedelta) -> TradeBar:
    return TradeBar(SPY, time, time + span, 1.0, 1.0, 1.0, 1.0, 1.0)


def test_leans_count_and_period_cases_with_daily_inputs():
    day = dt.timedelta(days=1)
    monday = dt.datetime(2015, 4, 13)
    # A count of 0 fires with every input (LEAN's identity).
    every = TradeBarConsolidator(0)
    fired = collect(every)
    every.update(plain(monday, day))
    assert len(fired) == 1
    # Two daily bars make a bar of two days.
    pairs = TradeBarConsolidator(2)
    made = collect(pairs)
    for n in range(4):
        pairs.update(plain(monday + n * day, day))
    assert [b.period for b in made] == [2 * day, 2 * day]
    # A two-day period fires with the third day's bar, and with a scan at its end.
    two_days = TradeBarConsolidator(2 * day)
    made = collect(two_days)
    for n in range(3):
        two_days.update(plain(monday + n * day, day))
    assert [(b.time, b.period) for b in made] == [(monday, 2 * day)]
    scanned = TradeBarConsolidator(2 * day)
    made = collect(scanned)
    scanned.update(plain(monday, day))
    scanned.scan(monday + 2 * day)
    assert [b.time for b in made] == [monday]
    # A one-day period over one-day bars completes on a scan at the bar's end.
    same = TradeBarConsolidator(day)
    made = collect(same)
    same.update(plain(monday, day))
    assert made == []
    same.scan(monday + day)
    assert [(b.time, b.period) for b in made] == [(monday, day)]


# ----- start_time: bars anchored at a time of day (LEAN's LeanData.GetConsolidatorStartTime) --


@pytest.mark.parametrize(
    ("period", "anchor", "time", "expected"),
    [  # LEAN's Tests/Common/Util/LeanDataTests.cs ConsolidatorStarTime cases
        (
            dt.timedelta(minutes=4),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 09:29:01",
            "2025-10-13 09:26:00",
        ),
        (
            dt.timedelta(minutes=4),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 09:30:01",
            "2025-10-13 09:30:00",
        ),
        (
            dt.timedelta(minutes=4),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 09:35:00",
            "2025-10-13 09:34:00",
        ),
        (
            dt.timedelta(minutes=5),
            dt.timedelta(hours=9),
            "2025-10-13 09:35:00",
            "2025-10-13 09:35:00",
        ),
        (
            dt.timedelta(hours=2),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 11:30:01",
            "2025-10-13 11:30:00",
        ),
        (
            dt.timedelta(hours=2),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 09:30:01",
            "2025-10-13 09:30:00",
        ),
        (
            dt.timedelta(hours=2),
            dt.timedelta(hours=9, minutes=30),
            "2025-10-13 08:30:01",
            "2025-10-13 07:30:00",
        ),
        (dt.timedelta(days=10), dt.timedelta(0), "2025-10-13 11:30:01", "2025-10-11 00:00:00"),
        (dt.timedelta(days=10), dt.timedelta(0), "2025-10-07 11:30:01", "2025-10-01 00:00:00"),
    ],
)
def test_consolidator_start_time_anchors_bars_on_the_day_or_the_month(
    period, anchor, time, expected
):
    start = consolidator_start_time(period, anchor, dt.datetime.fromisoformat(time))
    assert start == dt.datetime.fromisoformat(expected)


def test_hour_bars_anchored_at_the_open_start_at_half_past():
    consolidator = TradeBarConsolidator(
        dt.timedelta(hours=1), start_time=dt.timedelta(hours=9, minutes=30)
    )
    bars = []
    consolidator.data_consolidated += lambda _, bar: bars.append(bar)
    open_ = dt.datetime(2013, 10, 4, 9, 30)
    for minute in range(121):  # 09:30 .. 11:30
        start = open_ + dt.timedelta(minutes=minute)
        consolidator.update(TradeBar(SPY, start, start + MINUTE, 1.0, 2.0, 0.5, 1.5, 10))
    assert [(bar.time, bar.end_time) for bar in bars] == [
        (open_, open_ + dt.timedelta(hours=1)),
        (open_ + dt.timedelta(hours=1), open_ + dt.timedelta(hours=2)),
    ]
    assert bars[0].volume == 600  # the 60 minutes of 09:30 .. 10:29
    # without the anchor, the same minutes make bars on the hour
    plain = TradeBarConsolidator(dt.timedelta(hours=1))
    plain.update(TradeBar(SPY, open_, open_ + MINUTE, 1.0, 2.0, 0.5, 1.5, 10))
    assert plain.working_bar.time == dt.datetime(2013, 10, 4, 9)


@pytest.mark.parametrize("args", [(5,), (Calendar.WEEKLY,), (3, dt.timedelta(hours=1))])
def test_start_time_without_a_time_period_is_a_clear_error(args):
    with pytest.raises(TypeError, match="start_time"):
        TradeBarConsolidator(*args, start_time=dt.timedelta(hours=9))
