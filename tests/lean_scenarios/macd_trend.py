# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's MACDTrendAlgorithm scenario (SPY, 2004 to 2015): all in when MACD(12, 26, 9) is
0.25% of the fast average above its signal, out when as far below."""

from AlgorithmImports import *
from macd import Macd

TOLERANCE = 0.0025


class MacdTrendScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.macd = Macd(12, 26, 9)

    def on_data(self, slice: Slice) -> None:
        bar = slice.bars.get(self.spy)
        if bar is None:
            return
        self.macd.update(bar.close)
        if not self.macd.is_ready:
            return
        quantity = self.portfolio[self.spy].quantity
        if quantity <= 0 and self.macd.signal_delta_percent > TOLERANCE:
            self.set_holdings(self.spy, 1.0)
        elif quantity >= 0 and self.macd.signal_delta_percent < -TOLERANCE:
            self.liquidate(self.spy)
