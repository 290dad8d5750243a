# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's RangeConsolidatorAlgorithm scenario: $1.00 range bars (100 cents) over SPY's daily
closes for a week; no trades. Each bar's high and low must end exactly a range apart."""

from AlgorithmImports import *


class RangeConsolidatorScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.DAILY)
        self.bars: list[RangeBar] = []
        consolidator = RangeConsolidator(100)
        consolidator.data_consolidated += self.on_range_bar
        self.subscription_manager.add_consolidator("SPY", consolidator)

    def on_range_bar(self, sender: object, bar: RangeBar) -> None:
        if round(bar.high - bar.low, 2) != 1.0:
            raise AssertionError(f"a range bar spans {bar.high - bar.low}, not 1.00")
        self.bars.append(bar)

    def on_end_of_algorithm(self) -> None:
        if not self.bars:
            raise AssertionError("no range bar was consolidated")
