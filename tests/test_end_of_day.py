"""on_end_of_day as LEAN calls it: 10 minutes before each close (12:50 on an early close), once
per security when the override takes a symbol, once a day when it takes none."""

from __future__ import annotations

import datetime as dt

from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution


class PerSymbol(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 11, 24)
        self.set_end_date(2021, 11, 26)  # the day after Thanksgiving closes at 13:00
        self.add_equity("SPY", Resolution.DAILY)
        self.add_equity("QQQ", Resolution.DAILY)
        self.calls = []

    def on_end_of_day(self, symbol) -> None:
        self.calls.append((self.time, symbol.value))


class OncePerDay(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 11, 24)
        self.set_end_date(2021, 11, 26)
        self.add_equity("SPY", Resolution.DAILY)
        self.calls = []

    def on_end_of_day(self) -> None:
        self.calls.append(self.time)


def test_on_end_of_day_runs_per_security_ten_minutes_before_the_close():
    algorithm, outcome = run_algorithm(PerSymbol)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.calls == [
        (dt.datetime(2021, 11, 24, 15, 50), "SPY"),
        (dt.datetime(2021, 11, 24, 15, 50), "QQQ"),
        (dt.datetime(2021, 11, 26, 12, 50), "SPY"),
        (dt.datetime(2021, 11, 26, 12, 50), "QQQ"),
    ]


def test_on_end_of_day_without_a_symbol_runs_once_a_day():
    algorithm, outcome = run_algorithm(OncePerDay)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.calls == [dt.datetime(2021, 11, 24, 15, 50), dt.datetime(2021, 11, 26, 12, 50)]
