# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's NamedArgumentsRegression scenario: BasicTemplateDaily's trade, with keyword arguments."""

from AlgorithmImports import *


class NamedArgumentsScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(year=2013, month=10, day=8)
        self.set_end_date(year=2013, month=10, day=17)
        self.set_cash(starting_cash=100000)
        spy = self.add_equity(ticker="SPY", resolution=Resolution.DAILY).symbol
        service = self.subscription_manager.subscription_data_config_service
        configs = service.get_subscription_data_configs(symbol=spy)
        if [config.resolution for config in configs] != [Resolution.DAILY]:
            raise AssertionError(f"SPY's subscriptions are not one daily feed: {configs}")

    def on_data(self, slice: Slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings(symbol="SPY", percentage=1)
