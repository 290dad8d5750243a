# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's AutoRegressiveIntegratedMovingAverageRegressionAlgorithm scenario: ARIMA(1,1,1) and
ARIMA(1,1,0) forecasts of SPY over 50 days, warmed up automatically; one share is bought or
sold whenever the two forecasts differ by more than $1, by the direction of the ARMA one."""

from AlgorithmImports import *


class ArimaScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 1, 7)
        self.set_end_date(2013, 12, 11)
        self.settings.automatic_indicator_warm_up = True
        self.add_equity("SPY", Resolution.DAILY)
        self.arma = self.arima("SPY", 1, 1, 1, 50)
        self.ar_only = self.arima("SPY", 1, 1, 0, 50)
        self.previous_forecast = None

    def on_data(self, data: Slice) -> None:
        if not self.arma.is_ready:
            return
        forecast = self.arma.current.value
        if abs(forecast - self.ar_only.current.value) > 1:
            self.market_order("SPY", 1 if forecast > self.previous_forecast else -1)
        self.previous_forecast = forecast
