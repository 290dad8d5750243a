# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's CustomShortableProviderRegressionAlgorithm scenario: a short sale of 1001 SPY placed
at Friday's close in a backtest that ends on Sunday, so it never fills.

LEAN's algorithm asks a custom shortable provider how much SPY may be shorted: 10 shares
before 2013-10-04 16:00, 1001 from then on; it sells that quantity once it exceeds 1000.
"""

from AlgorithmImports import *

PROVIDER_CHANGES_AT = datetime(2013, 10, 4, 16, 0)


def shortable_quantity(local_time: datetime) -> int:
    return 10 if local_time < PROVIDER_CHANGES_AT else 1001


class CustomShortableProviderScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 4)
        self.set_end_date(2013, 10, 6)
        self.set_cash(10000000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol

    def on_data(self, slice: Slice) -> None:
        quantity = shortable_quantity(self.time)
        if quantity > 1000:
            self.market_order(self.spy, -quantity)
