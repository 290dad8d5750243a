"""Runs that never ended: an ``on_data`` stuck in a loop under ``--enforce-time-limits`` (LEAN
stops a time loop wherever its time goes), and many market orders (each order's cost must not
grow with the orders before it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from local_lean.algorithm import QCAlgorithm
from local_lean.engine import BacktestEngine, BacktestOptions
from local_lean.enums import Resolution
from local_lean.market_calendar import NyseCalendar

ROOT = Path(__file__).resolve().parent.parent


def test_an_endless_loop_in_on_data_is_stopped_at_the_time_loop_limit(tmp_path):
    algorithm = tmp_path / "algorithm.py"
    algorithm.write_text(
        textwrap.dedent(
            """
            from AlgorithmImports import *


            class LoopsForever(QCAlgorithm):
                def initialize(self):
                    self.set_start_date(2021, 1, 4)
                    self.set_end_date(2021, 1, 15)
                    self.add_equity("SPY", Resolution.DAILY)

                def on_data(self, data):
                    if self.time.day == 6:
                        while True:
                            pass
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "local_lean", str(algorithm), "--output", str(tmp_path),
         "--enforce-time-limits", "--time-loop-maximum", "0.05",
         "--no-progress", "--no-report", "--no-charts"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Algorithm took longer than 0.05 minutes on a single time loop" in result.stderr
    assert "2021-01-06 16:00" in result.stderr
    assert list((tmp_path / "backtests").iterdir())  # partial results written


class PlacesManyOrders(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.set_cash(10_000_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.schedule.on(self.date_rules.on(2021, 1, 6), self.time_rules.at(10, 0), self.trade)

    def trade(self):
        for _ in range(ORDERS):
            self.market_order(self.spy, 1)


ORDERS = 400


def test_each_market_order_costs_the_same_however_many_are_open(monkeypatch):
    # Each order placed during the session stays open until the close (MarketOnClose). The
    # work per order is counted (never timed): how often the open orders are looked at, each
    # look asking the calendar whether the exchange is open.
    looks = [0]
    is_open = NyseCalendar.is_open

    def counted_is_open(calendar, time):
        looks[0] += 1
        return is_open(calendar, time)

    monkeypatch.setattr(NyseCalendar, "is_open", counted_is_open)
    algorithm = PlacesManyOrders()
    engine = BacktestEngine(algorithm, BacktestOptions(log=lambda line: None, draw_charts=False))
    outcome = engine.run()
    assert outcome.succeeded, outcome.runtime_error
    filled = [order for order in outcome.record.orders if order["status"] == "filled"]
    assert len(filled) == ORDERS  # all filled at the close, as before
    assert looks[0] < 4 * ORDERS  # every order looked at every open one: ORDERS**2 / 2
