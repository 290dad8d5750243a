# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""Buys SPY with half the cash on the first day and holds it."""

from AlgorithmImports import *


class BuyAndHoldAlgorithm(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 29)
        self.set_cash(50000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol

    def on_data(self, data: Slice) -> None:
        if not self.portfolio.invested and data.bars.contains_key(self.spy):
            self.set_holdings(self.spy, 0.5)
