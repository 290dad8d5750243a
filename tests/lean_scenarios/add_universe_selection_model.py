# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's AddUniverseSelectionModelAlgorithm scenario (2013-10-08 to 2013-10-11): one manual
universe set and two added (SPY, then AAPL, then SPY again with FB), a constant 20-minute up
prediction for every security, equal weights."""

from AlgorithmImports import *


def equity(ticker: str) -> Symbol:
    return Symbol.create(ticker, SecurityType.EQUITY, Market.USA)


class AddUniverseSelectionModelScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.universe_settings.resolution = Resolution.DAILY
        twenty_minutes = timedelta(minutes=20)
        self.set_alpha(
            ConstantAlphaModel(InsightType.PRICE, InsightDirection.UP, twenty_minutes, 0.025)
        )
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())
        self.set_universe_selection(ManualUniverseSelectionModel([equity("SPY")]))
        self.add_universe_selection(ManualUniverseSelectionModel([equity("AAPL")]))
        # Two symbols as two arguments; SPY again adds no second SPY security.
        self.add_universe_selection(ManualUniverseSelectionModel(equity("SPY"), equity("FB")))

    def on_end_of_algorithm(self) -> None:
        if self.universe_manager.count != 3:
            raise AssertionError(f"{self.universe_manager.count} universes, expected 3")
        active = self.universe_manager.active_securities
        tickers = {symbol.value for symbol in active}
        if active.count != 3 or tickers != {"SPY", "AAPL", "FB"}:
            raise AssertionError(f"active securities: {tickers}")
