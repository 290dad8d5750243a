# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's DisplacedMovingAverageRibbon scenario (SPY, 2009 to 2015).

LEAN's ribbon is six ``Delay`` indicators (5, 10, ..., 30 bars) registered on SPY's daily
closes; the moving average it pipes into them is never updated, so each ribbon line is the close
that many bars ago. All in when the ribbon is ordered newest-highest, out when newest-lowest.
"""

from collections import deque

from AlgorithmImports import *

RIBBON_DELAYS = [5, 10, 15, 20, 25, 30]


class DisplacedMovingAverageRibbonScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2009, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        # A Delay(n) indicator is ready after n + 1 values.
        self.closes: deque[float] = deque(maxlen=max(RIBBON_DELAYS) + 1)

    def on_data(self, slice: Slice) -> None:
        bar = slice.bars.get(self.spy)
        if bar is None:
            return
        self.closes.append(bar.close)
        if len(self.closes) < self.closes.maxlen:
            return
        ribbon = [self.closes[-1 - delay] for delay in RIBBON_DELAYS]
        quantity = self.portfolio[self.spy].quantity
        if quantity <= 0 and _never_rising(ribbon):
            self.set_holdings(self.spy, 1.0)
        elif quantity > 0 and _never_falling(ribbon):
            self.liquidate(self.spy)


def _never_rising(values: list[float]) -> bool:
    return all(earlier >= later for earlier, later in zip(values, values[1:], strict=False))


def _never_falling(values: list[float]) -> bool:
    return all(earlier <= later for earlier, later in zip(values, values[1:], strict=False))
