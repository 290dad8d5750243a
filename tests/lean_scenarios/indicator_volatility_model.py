# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's IndicatorVolatilityModelAlgorithm scenario: an indicator as AAPL's volatility model
over 2014 with raw prices, through a 7-for-1 split and four dividends; nothing is traded.

The model's indicator is the 7-day standard deviation of the close over its 7-day mean, fed
by the model's update callback. On each split or dividend event the indicator is reset and
warmed up again with VolatilityModelExtensions.warm_up, which feeds raw prices scaled to the
event's date, so the split is no jump: the volatility stays in (0, 0.05] at every end of day.
"""

from AlgorithmImports import *
from QuantConnect.Securities import IndicatorVolatilityModel
from QuantConnect.Securities.Volatility import VolatilityModelExtensions

PERIOD = 7
LARGEST_VOLATILITY = 0.05


class IndicatorVolatilityModelScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2014, 1, 1)
        self.set_end_date(2014, 12, 31)
        self.set_cash(100000)
        equity = self.add_equity(
            "AAPL", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
        )
        self.aapl = equity.symbol
        self.deviation = StandardDeviation(PERIOD)
        self.mean = SimpleMovingAverage(PERIOD)
        self.relative = IndicatorExtensions.over(self.deviation, self.mean)
        self.model = IndicatorVolatilityModel(self.relative, self.feed)
        equity.set_volatility_model(self.model)
        self.events = 0
        self.checks = 0

    def feed(self, security: Security, data: TradeBar, indicator: IndicatorBase) -> None:
        if data.price > 0:
            self.deviation.update(data.time, data.price)
            self.mean.update(data.time, data.price)

    def on_data(self, slice: Slice) -> None:
        if slice.splits.contains_key(self.aapl) or slice.dividends.contains_key(self.aapl):
            self.events += 1
            self.relative.reset()
            security = self.securities[self.aapl]
            VolatilityModelExtensions.warm_up(
                self.model, self, security, security.resolution, PERIOD, DataNormalizationMode.RAW
            )

    def on_end_of_day(self, symbol: Symbol) -> None:
        if symbol != self.aapl or not self.relative.is_ready:
            return
        self.checks += 1
        volatility = self.securities[self.aapl].volatility_model.volatility
        if not 0 < volatility <= LARGEST_VOLATILITY:
            raise RegressionTestException(f"volatility {volatility} on {self.time:%Y-%m-%d}")

    def on_end_of_algorithm(self) -> None:
        # The split (its warning and the split itself) and four dividends.
        if self.events != 6 or self.checks == 0:
            raise RegressionTestException(f"{self.events} events, {self.checks} checks")
