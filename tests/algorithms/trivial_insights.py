# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""A small framework algorithm: daily history, one-day insights, equal weighting, month-end
training, a plot and the object store. Used by the runner's tests."""

from AlgorithmImports import *


class TrivialInsightsAlgorithm(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 3, 31)
        self.set_cash(100000)
        self.lookback = self.get_parameter("lookback", 5)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.sectors = [
            self.add_equity(s.value, Resolution.DAILY).symbol
            for s in LiquidETFUniverse.SP_500_SECTORS.long[:3]
        ]
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())
        self.trainings = 0
        self.train(self.fit)
        self.train(self.date_rules.month_end(self.spy), self.time_rules.at(8, 0), self.fit)
        self.schedule.on(
            self.date_rules.every_day(self.spy),
            self.time_rules.after_market_open(self.spy, 5),
            self.predict,
        )

    def fit(self) -> None:
        self.trainings += 1
        self.log(f"fit number {self.trainings}")

    def predict(self) -> None:
        history = self.history([self.spy], self.lookback, Resolution.DAILY)
        closes = history.loc[self.spy]["close"]
        self.plot("Signal", "Last close", float(closes.iloc[-1]))
        up = closes.iloc[-1] > closes.mean()
        direction = InsightDirection.UP if up else InsightDirection.FLAT
        self.emit_insights(
            [Insight.price(symbol, timedelta(days=1), direction) for symbol in self.sectors]
        )

    def on_end_of_algorithm(self) -> None:
        self.object_store.save("trivial/trainings.txt", str(self.trainings))
