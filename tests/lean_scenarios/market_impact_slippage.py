# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's MarketImpactSlippageModelRegressionAlgorithm scenario: half the portfolio long SPY and
half short AAPL, re-targeted every day, each security with its own MarketImpactSlippageModel,
so every fill is moved against the order by its estimated market impact.
"""

from AlgorithmImports import *


class MarketImpactSlippageScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 13)
        self.set_cash(10_000_000)
        for ticker in ("SPY", "AAPL"):
            security = self.add_equity(ticker, Resolution.DAILY)
            security.set_slippage_model(MarketImpactSlippageModel(self))

    def on_data(self, slice: Slice) -> None:
        self.set_holdings("SPY", 0.5)
        self.set_holdings("AAPL", -0.5)

    def on_order_event(self, order_event: OrderEvent) -> None:
        if order_event.status != OrderStatus.FILLED:
            return
        open_price = self.securities[order_event.symbol].open
        worse = (
            order_event.fill_price >= open_price
            if order_event.fill_quantity > 0
            else (order_event.fill_price <= open_price)
        )
        if not worse:
            raise AssertionError(f"slippage should move the fill against the order: {order_event}")
