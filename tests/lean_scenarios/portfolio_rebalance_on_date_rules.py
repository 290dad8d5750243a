# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's PortfolioRebalanceOnDateRulesRegressionAlgorithm scenario (2015-2016): four equities
from a custom universe, short-lived UP insights every day, and an equal-weighting portfolio
that rebalances only on Wednesdays (a date rule), with no minimum order size."""

from AlgorithmImports import *

TICKERS = ["AAPL", "IBM", "FB", "SPY"]


class PortfolioRebalanceOnDateRulesScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.universe_settings.resolution = Resolution.DAILY
        self.set_start_date(2015, 1, 1)
        self.set_end_date(2017, 1, 1)
        self.settings.minimum_order_margin_portfolio_percentage = 0
        self.settings.rebalance_portfolio_on_insight_changes = False
        self.settings.rebalance_portfolio_on_security_changes = False
        self.set_universe_selection(CustomUniverseSelectionModel("Fixed", self.select_tickers))
        self.set_alpha(
            ConstantAlphaModel(
                InsightType.PRICE, InsightDirection.UP, TimeSpan.from_minutes(20), 0.025, None
            )
        )
        wednesdays = self.date_rules.every(DayOfWeek.WEDNESDAY)
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel(wednesdays))
        self.set_execution(ImmediateExecutionModel())

    def select_tickers(self, time: datetime) -> list[str]:
        return TICKERS

    def on_order_event(self, order_event: OrderEvent) -> None:
        # Orders only ever come from the Wednesday rebalance.
        if order_event.status == OrderStatus.SUBMITTED and self.utc_time.weekday() != 2:
            raise AssertionError(f"order submitted on {self.utc_time:%A}: {order_event}")
