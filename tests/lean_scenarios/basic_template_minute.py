# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's BasicTemplateAlgorithm scenario: all in SPY on the first minute bar, then hold."""

from AlgorithmImports import *


class BasicTemplateMinuteScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol

    def on_data(self, slice: Slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings(self.spy, 1)
