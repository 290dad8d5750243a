# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's ClassicRenkoConsolidatorAlgorithm scenario: two $2.50 renko consolidators on SPY's
daily bars through 2012, one over the close (a brick buys), one over a weighted price (a brick
sells)."""

from AlgorithmImports import *


def weighted_price(bar: TradeBar) -> float:
    return (2 * bar.open + bar.high + bar.low + 3 * bar.close) / 7


class ClassicRenkoScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2012, 1, 1)
        self.set_end_date(2013, 1, 1)
        spy = self.add_equity("SPY", Resolution.DAILY).symbol

        on_close = ClassicRenkoConsolidator(2.5)
        on_close.data_consolidated += self.buy_on_brick
        self.subscription_manager.add_consolidator(spy, on_close)

        on_weighted = ClassicRenkoConsolidator(2.5, weighted_price, lambda bar: bar.volume)
        on_weighted.data_consolidated += self.sell_on_brick
        self.subscription_manager.add_consolidator(spy, on_weighted)

    def buy_on_brick(self, sender: object, brick: RenkoBar) -> None:
        if not self.portfolio.invested:
            self.set_holdings(brick.symbol, 1)

    def sell_on_brick(self, sender: object, brick: RenkoBar) -> None:
        if self.portfolio.invested:
            self.liquidate(brick.symbol)
