# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's RiskParityPortfolioAlgorithm scenario (February-March 2021): SPY and AAPL, daily UP
insights, weighted so that both carry the same risk over the past year's daily returns."""

from AlgorithmImports import *


class RiskParityPortfolioScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 2, 21)
        self.set_end_date(2021, 3, 30)
        self.set_cash(100000)
        self.set_security_initializer(self.seed_price)
        for ticker in ("SPY", "AAPL"):
            self.add_equity(ticker, Resolution.DAILY)
        self.add_alpha(ConstantAlphaModel(InsightType.PRICE, InsightDirection.UP, timedelta(1)))
        self.set_portfolio_construction(RiskParityPortfolioConstructionModel())

    def seed_price(self, security: Security) -> None:
        security.set_market_price(self.get_last_known_price(security))
