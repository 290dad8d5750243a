# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's RawDataRegressionAlgorithm scenario: GOOGL held through its 2014-04-03 split with
raw prices.

Raw prices come from the map file's files (goog.zip up to 2014-04-02, googl.zip after); the
split doubles the holding and halves its average price, so the equity has no jump. The closes
are checked against the raw closes LEAN's algorithm expects, and the factor file (read with
LEAN's providers, through the QuantConnect namespaces) tells whether a wrong close was the
adjusted one.
"""

from AlgorithmImports import *
from QuantConnect.Data.Auxiliary import LocalDiskFactorFileProvider, LocalDiskMapFileProvider
from QuantConnect.Lean.Engine.DataFeeds import DefaultDataProvider

RAW_CLOSES = [1158.72, 1131.97, 1114.28, 1120.15, 1114.51, 1134.89, 1135.1, 571.50, 545.25, 540.63]


class RawDataScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2014, 3, 25)
        self.set_end_date(2014, 4, 7)
        self.set_cash(100000)
        self.universe_settings.data_normalization_mode = DataNormalizationMode.RAW
        self.googl = self.add_equity("GOOGL", Resolution.DAILY).symbol
        provider = DefaultDataProvider()
        map_files = LocalDiskMapFileProvider()
        map_files.initialize(provider)
        factor_files = LocalDiskFactorFileProvider()
        factor_files.initialize(map_files, provider)
        self.factor_file = factor_files.get(self.googl)
        self.closes_seen = 0
        self.splits_seen = []

    def on_data(self, slice: Slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings(self.googl, 1)
        if slice.splits.contains_key(self.googl):
            self.splits_seen.append(slice.splits[self.googl].type)
        if not slice.bars.contains_key(self.googl):
            return
        close = slice.bars[self.googl].close
        expected = RAW_CLOSES[self.closes_seen]
        self.closes_seen += 1
        if close != expected:
            factor = self.factor_file.get_price_factor(self.time, DataNormalizationMode.ADJUSTED)
            adjusted = round(close / factor, 2) == expected
            raise RegressionTestException(
                f"close {close} on {self.time:%Y-%m-%d} is not the raw {expected}"
                + (" (it is the adjusted price)" if adjusted else "")
            )

    def on_end_of_algorithm(self) -> None:
        if self.closes_seen != len(RAW_CLOSES):
            raise RegressionTestException(f"{self.closes_seen} closes seen")
        if self.splits_seen != [SplitType.WARNING, SplitType.SPLIT_OCCURRED]:
            raise RegressionTestException(f"splits seen: {self.splits_seen}")
        if self.portfolio[self.googl].quantity != 172:
            raise RegressionTestException("the split should have made 86 shares 172")
