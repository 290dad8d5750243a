"""A security's session bars (LEAN's Security.Session, SessionConsolidator), its exchange
hours (SecurityExchangeHours) and add_security_initializer (CompositeSecurityInitializer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.market_data import TradeBar
from local_lean.security_exchange import SecurityExchangeHours
from local_lean.security_session import Session
from local_lean.symbols import equity_symbol

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "hour" / "spy.zip").is_file(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)
SPY = equity_symbol("SPY")


def hour_bar(day: dt.date, end_hour: int, o: float, h: float, lo: float, c: float, v: float):
    end = dt.datetime.combine(day, dt.time(end_hour))
    return TradeBar(SPY, end - dt.timedelta(hours=1), end, o, h, lo, c, v)


def test_a_session_tracks_nothing_until_it_has_a_size():
    session = Session(SPY, intraday=True)
    session.update(hour_bar(dt.date(2013, 10, 7), 11, 1, 2, 0.5, 1.5, 100))
    assert (session.open, session.high, session.low, session.close, session.volume) == (0,) * 5
    assert session.count == 0


def test_a_session_bar_sums_the_days_market_hour_bars_and_rolls_on_a_new_date():
    session = Session(SPY, intraday=True)
    session.size = 3
    assert (session.open, session.close, session.volume, session.open_interest) == (0,) * 4
    monday, tuesday = dt.date(2013, 10, 7), dt.date(2013, 10, 8)
    session.update(hour_bar(monday, 9, 9, 9, 9, 9, 999))  # 08:00-09:00: before the open
    session.update(hour_bar(monday, 10, 10.0, 11.0, 9.5, 10.5, 100))
    session.update(hour_bar(monday, 11, 10.5, 12.0, 10.0, 11.5, 50))
    assert (session.open, session.high, session.low, session.close, session.volume) == (
        10.0,
        12.0,
        9.5,
        11.5,
        150,
    )
    session.scan(dt.datetime.combine(monday, dt.time(16, 1)))  # the same date: nothing closes
    assert session.close == 11.5
    session.scan(dt.datetime.combine(tuesday, dt.time(0, 0)))
    assert session.volume == 0 and session[0].time == dt.datetime(2013, 10, 8)
    previous = session[1]
    assert (previous.open, previous.high, previous.low, previous.close, previous.volume) == (
        10.0,
        12.0,
        9.5,
        11.5,
        150,
    )
    assert session.size == 3


def test_a_daily_security_has_no_session_to_track():
    with pytest.raises(NotSupportedError, match="Security.session on daily data"):
        Session(SPY, intraday=False).size = 2


def test_exchange_hours_next_open_and_close():
    hours = SecurityExchangeHours()
    monday = dt.date(2013, 10, 7)
    assert hours.get_next_market_open(monday, False) == dt.datetime(2013, 10, 7, 9, 30)
    assert hours.get_next_market_close(monday, False) == dt.datetime(2013, 10, 7, 16, 0)
    assert hours.get_next_market_open(monday, True) == dt.datetime(2013, 10, 7, 4, 0)
    assert hours.get_next_market_close(monday, True) == dt.datetime(2013, 10, 7, 20, 0)
    after_close = dt.datetime(2013, 10, 7, 16, 0)
    assert hours.get_next_market_close(after_close, False) == dt.datetime(2013, 10, 8, 16, 0)
    # The day after Thanksgiving closes at 13:00 (no post-market).
    assert hours.get_next_market_close(dt.date(2013, 11, 29), True) == dt.datetime(
        2013, 11, 29, 13, 0
    )
    assert not hours.is_date_open(dt.date(2013, 10, 5))  # a Saturday
    assert hours.is_open(dt.datetime(2013, 10, 7, 10, 0), False)


class TracksSessions(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.initialized = []
        self.set_security_initializer(lambda security: self.initialized.append("first"))
        self.add_security_initializer(self.track_sessions)
        self.spy = self.add_equity("SPY", Resolution.HOUR)
        self.bars = []
        self.at_close = []
        self.previous_at_next_open = None
        self.schedule.on(
            self.date_rules.every_day(),
            self.time_rules.after_market_close(self.spy.symbol, 1),
            lambda: self.at_close.append(self.snapshot(self.spy.session)),
        )

    def track_sessions(self, security):
        self.initialized.append("second")
        security.session.size = 2

    @staticmethod
    def snapshot(bar):
        return (bar.open, bar.high, bar.low, bar.close, bar.volume)

    def on_data(self, data):
        if self.time.date() == dt.date(2013, 10, 8) and self.previous_at_next_open is None:
            self.previous_at_next_open = self.snapshot(self.spy.session[1])
        if self.time.date() == dt.date(2013, 10, 7):
            self.bars.append(data.bars["SPY"])


@needs_sample
def test_a_backtest_feeds_the_session_from_the_days_bars():
    algorithm, outcome = run_algorithm(TracksSessions, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert algorithm.initialized == ["first", "second"]
    bars = algorithm.bars
    expected = (
        bars[0].open,
        max(b.high for b in bars),
        min(b.low for b in bars),
        bars[-1].close,
        sum(b.volume for b in bars),
    )
    assert algorithm.at_close[0] == pytest.approx(expected)
    assert algorithm.previous_at_next_open == algorithm.at_close[0]
