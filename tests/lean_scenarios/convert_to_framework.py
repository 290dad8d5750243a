# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's ConvertToFrameworkAlgorithm scenario (SPY, 2004 to 2015): MacdTrend's signal, long
or short the whole portfolio, each decision also emitted as a 12-day price insight."""

from AlgorithmImports import *
from macd import Macd

TOLERANCE = 0.0025
FAST_PERIOD = 12


class ConvertToFrameworkScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.macd = Macd(FAST_PERIOD, 26, 9)

    def on_data(self, slice: Slice) -> None:
        bar = slice.bars.get(self.spy)
        if bar is None:
            return
        self.macd.update(bar.close)
        if not self.macd.is_ready:
            return
        quantity = self.portfolio[self.spy].quantity
        period = timedelta(days=FAST_PERIOD)
        if quantity <= 0 and self.macd.signal_delta_percent > TOLERANCE:
            self.emit_insights(Insight.price(self.spy, period, InsightDirection.UP))
            self.set_holdings(self.spy, 1.0)
        elif quantity >= 0 and self.macd.signal_delta_percent < -TOLERANCE:
            self.emit_insights(Insight.price(self.spy, period, InsightDirection.DOWN))
            self.set_holdings(self.spy, -1.0)
