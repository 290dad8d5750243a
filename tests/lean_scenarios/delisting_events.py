# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's DelistingEventsAlgorithm scenario: AAA.1 (in LEAN's sample data until its delisting
on 2007-05-18) is bought with the first bar, sold at the delisting warning, and a buy after the
delisting is refused because the security is no longer tradable."""

from AlgorithmImports import *


class DelistingEventsScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2007, 5, 15)
        self.set_end_date(2007, 5, 25)
        self.set_cash(100000)
        self.delisted = self.add_equity("AAA.1", Resolution.DAILY).symbol
        self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, data: Slice) -> None:
        if self.transactions.orders_count == 0:
            self.set_holdings(self.delisted, 1)
        for symbol, delisting in data.delistings.items():
            if delisting.type == DelistingType.WARNING:
                self.set_holdings(symbol, 0)
            else:
                self.set_holdings(symbol, 1)  # refused: a delisted security cannot be traded
