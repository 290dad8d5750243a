# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's InsightTagAlphaRegressionAlgorithm scenario: AddAlphaModel's trades, with the
framework models imported from LEAN's Python module paths, each insight tagged, and the
insights_generated event checking the tags."""

from AlgorithmImports import *
from Execution.ImmediateExecutionModel import ImmediateExecutionModel
from Portfolio.EqualWeightingPortfolioConstructionModel import (
    EqualWeightingPortfolioConstructionModel,
)
from Selection.ManualUniverseSelectionModel import ManualUniverseSelectionModel


def tag_for(symbol: Symbol) -> str:
    return f"first call for {symbol.value}"


class TaggedOnceAlpha(AlphaModel):
    def __init__(self, symbol: Symbol) -> None:
        super().__init__()
        self.target = symbol
        self.done = False

    def update(self, algorithm: QCAlgorithm, data: Slice) -> list[Insight]:
        if self.done:
            return []
        self.done = True
        insight = Insight.price(
            self.target, Resolution.DAILY, 1, InsightDirection.DOWN, tag=tag_for(self.target)
        )
        return [insight]


class InsightTagAlphaScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.universe_settings.resolution = Resolution.DAILY
        self.symbols = [
            Symbol.create(t, SecurityType.EQUITY, Market.USA) for t in ("SPY", "FB", "IBM")
        ]
        self.set_universe_selection(ManualUniverseSelectionModel(self.symbols))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())
        for symbol in self.symbols:
            self.add_alpha(TaggedOnceAlpha(symbol))
        self.seen: list[Symbol] = []
        self.insights_generated += self.check_tags

    def check_tags(self, algorithm: IAlgorithm, generated: GeneratedInsightsCollection) -> None:
        for insight in generated.insights:
            if insight.tag != tag_for(insight.symbol):
                raise AssertionError(f"unexpected tag {insight.tag!r}")
            self.seen.append(insight.symbol)

    def on_end_of_algorithm(self) -> None:
        if sorted(self.seen) != sorted(self.symbols):
            raise AssertionError(f"tagged insights seen for {self.seen}")
