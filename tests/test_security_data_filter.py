"""A security's data filter (LEAN's SecurityDataFilter, applied by SubscriptionFilterEnumerator
in the data feed): refused bars reach neither the security nor the slice, and a time step with
no data left calls no on_data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.market_data import BaseData, TradeBar
from local_lean.quote_bars import QuoteBar
from local_lean.security_data_filter import SecurityDataFilter

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)

CUTOFF = dt.datetime(2013, 10, 7, 9, 35)


class BeforeCutoff(SecurityDataFilter):
    def __init__(self):
        self.seen = []

    def filter(self, vehicle, data):
        self.seen.append(type(data))
        return data.time < CUTOFF


class FiltersMinutes(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.spy = self.add_equity("SPY", Resolution.MINUTE)
        self.data_filter = BeforeCutoff()
        self.spy.set_data_filter(self.data_filter)
        self.on_data_times = []
        self.noon_prices = []
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(12, 0), self.at_noon)

    def at_noon(self):
        self.noon_prices.append(self.spy.price)

    def on_data(self, data):
        self.on_data_times.append(self.time)
        self.last_bar = data.bars["SPY"]


@needs_sample
def test_refused_bars_reach_neither_the_slice_nor_the_security():
    algorithm, outcome = run_algorithm(FiltersMinutes, data=LEAN_DATA)
    assert outcome.runtime_error is None
    # Bars starting 09:30 to 09:34 pass: on_data at their ends, 09:31 to 09:35, then never.
    assert algorithm.on_data_times == [dt.datetime(2013, 10, 7, 9, m) for m in range(31, 36)]
    # The security keeps the last bar that passed; scheduled events still run.
    assert algorithm.noon_prices == [algorithm.last_bar.close]
    assert algorithm.spy.local_time == dt.datetime(2013, 10, 7, 9, 35)
    # Trade and quote bars both go through the filter, as BaseData.
    assert {TradeBar, QuoteBar} <= set(algorithm.data_filter.seen)
    assert all(issubclass(kind, BaseData) for kind in algorithm.data_filter.seen)


def test_the_default_filter_passes_everything():
    assert SecurityDataFilter().filter(None, None) is True


class BadFilter(QCAlgorithm):
    data_filter: object = object()
    resolution = Resolution.MINUTE

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.add_equity("SPY", self.resolution).set_data_filter(self.data_filter)


class DailyFilter(BadFilter):
    data_filter = SecurityDataFilter()
    resolution = Resolution.DAILY


@needs_sample
def test_bad_filters_and_daily_filters_fail_clearly():
    _, outcome = run_algorithm(BadFilter, data=LEAN_DATA)
    assert "set_data_filter takes a SecurityDataFilter" in outcome.runtime_error
    _, outcome = run_algorithm(DailyFilter, data=LEAN_DATA)
    assert "Security.set_data_filter on daily data is not supported" in outcome.runtime_error
