# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's MACDTrendAlgorithm scenario (SPY, 2004 to 2015): all in when MACD(12, 26, 9) is
0.25% of the fast average above its signal, out when as far below; at most once a day."""

from AlgorithmImports import *

TOLERANCE = 0.0025


class MacdTrendScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.trend = self.macd(self.spy, 12, 26, 9, MovingAverageType.EXPONENTIAL, Resolution.DAILY)
        self.last_decision = datetime.min

    def on_data(self, slice: Slice) -> None:
        # Every slice counts, a dividend's midnight slice included, as in LEAN's algorithm.
        if not self.trend.is_ready or self.last_decision.date() == self.time.date():
            return
        delta = (self.trend.current.value - self.trend.signal.current.value) / (
            self.trend.fast.current.value
        )
        quantity = self.portfolio[self.spy].quantity
        if quantity <= 0 and delta > TOLERANCE:
            self.set_holdings(self.spy, 1.0)
        elif quantity >= 0 and delta < -TOLERANCE:
            self.liquidate(self.spy)
        self.last_decision = self.time
