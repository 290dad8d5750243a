# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's FuncRiskFreeRateInterestRateModelWithPythonLambda scenario: an algorithm that adds SPY,
never trades, and asks a FuncRiskFreeRateInterestRateModel built on a Python function for
the rate each day (it does not install it, so the statistics use LEAN's default rate).
"""

from AlgorithmImports import *


def one_percent_after_the_start(time: datetime) -> float:
    return 0.0 if time.date() == date(2020, 5, 28) else 0.01


class FuncRiskFreeRateScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2020, 5, 28)
        self.set_end_date(2020, 6, 28)
        self.add_equity("SPY", Resolution.DAILY)
        self.model = FuncRiskFreeRateInterestRateModel(one_percent_after_the_start)

    def on_data(self, slice: Slice) -> None:
        rate = self.model.get_interest_rate(self.time)
        expected = 0.0 if self.time.date() == date(2020, 5, 28) else 0.01
        if rate != expected:
            raise AssertionError(f"the model gave {rate} on {self.time}, expected {expected}")
