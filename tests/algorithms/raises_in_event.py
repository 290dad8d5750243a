# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""Buys SPY, then raises inside a scheduled event on 2021-02-01 (LEAN's runtime error)."""

from AlgorithmImports import *


class RaisesInEventAlgorithm(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 3, 31)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.schedule.on(
            self.date_rules.every_day(self.spy),
            self.time_rules.after_market_open(self.spy, 5),
            self.trade,
        )

    def trade(self) -> None:
        if not self.portfolio.invested:
            self.set_holdings(self.spy, 0.5)
        if self.time.date() >= date(2021, 2, 1):
            raise ValueError("deliberate failure in trade")
