# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's AddAlphaModelAlgorithm scenario (SPY, FB and IBM, 2013-10-07 to 2013-10-11): three
alpha models, added one by one, each predict once that their stock falls over the next daily
bar; the portfolio is split equally among the predictions, then flattened once they expire."""

from AlgorithmImports import *


class FallsOnceAlpha(AlphaModel):
    # No super().__init__(): LEAN's Python alpha models may skip it.
    def __init__(self, symbol: Symbol) -> None:
        self.target = symbol
        self.done = False

    def update(self, algorithm: QCAlgorithm, data: Slice) -> list[Insight]:
        if self.done:
            return []
        self.done = True
        return [Insight.price(self.target, Resolution.DAILY, 1, InsightDirection.DOWN)]


class AddAlphaModelScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.universe_settings.resolution = Resolution.DAILY
        tickers = ["SPY", "FB", "IBM"]
        symbols = [Symbol.create(t, SecurityType.EQUITY, Market.USA) for t in tickers]
        self.set_universe_selection(ManualUniverseSelectionModel(symbols))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())
        for symbol in symbols:
            self.add_alpha(FallsOnceAlpha(symbol))

    def on_end_of_algorithm(self) -> None:
        models = {insight.source_model for insight in self.insights.get_insights()}
        if models != {"FallsOnceAlpha"} or self.insights.total_count != 3:
            raise AssertionError(f"expected 3 insights from FallsOnceAlpha, got {models}")
