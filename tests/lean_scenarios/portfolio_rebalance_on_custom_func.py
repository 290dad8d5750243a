# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's PortfolioRebalanceOnCustomFuncRegressionAlgorithm scenario (2015-2017): seven
equities from a custom universe, short-lived UP insights every day, and an equal-weighting
portfolio whose rebalance function looks on Mondays only and rebalances when the holdings
drift 1.5% (summed) from equal shares of the portfolio."""

from AlgorithmImports import *

TICKERS = ["AAPL", "IBM", "FB", "SPY", "AIG", "BAC", "BNO"]
DRIFT = 0.015


class PortfolioRebalanceOnCustomFuncScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.universe_settings.resolution = Resolution.DAILY
        self.set_start_date(2015, 1, 1)
        self.set_end_date(2018, 1, 1)
        self.settings.rebalance_portfolio_on_insight_changes = False
        self.settings.rebalance_portfolio_on_security_changes = False
        self.set_universe_selection(CustomUniverseSelectionModel("Fixed", lambda time: TICKERS))
        self.set_alpha(
            ConstantAlphaModel(
                InsightType.PRICE, InsightDirection.UP, TimeSpan.from_minutes(20), 0.025, None
            )
        )
        self.set_portfolio_construction(
            EqualWeightingPortfolioConstructionModel(self.next_rebalance)
        )
        self.set_execution(ImmediateExecutionModel())
        self.rebalanced_at = None

    def next_rebalance(self, utc_time: datetime) -> datetime | None:
        if utc_time.weekday() != 0:
            return None
        if self.rebalanced_at is None:  # the first Monday: build the portfolio
            self.rebalanced_at = utc_time
            return utc_time
        invested = [s for s in self.securities.values() if s.invested]
        if not invested:
            return None
        self.rebalanced_at = utc_time
        share = self.portfolio.total_portfolio_value / len(invested)
        drift = 0.0
        for security in invested:
            model = security.buying_power_model
            reserved = model.get_reserved_buying_power_for_position(
                ReservedBuyingPowerForPositionParameters(security)
            ).absolute_used_buying_power
            drift += (share - reserved * model.get_leverage(security)) / share
        return utc_time if drift >= DRIFT else None

    def on_order_event(self, order_event: OrderEvent) -> None:
        if order_event.status == OrderStatus.SUBMITTED and self.utc_time != self.rebalanced_at:
            raise AssertionError(f"order outside a rebalance at {self.utc_time}: {order_event}")
