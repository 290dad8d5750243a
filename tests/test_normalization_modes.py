"""DataNormalizationMode for daily equities, as LEAN: RAW prices from the files the map file
names, SPLIT_ADJUSTED and SCALED_RAW factors, split events (a warning, then the split), RAW
holdings changed by splits, dividends paid in cash to RAW holdings, LEAN's factor file
providers, and clear errors for what is not simulated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data import bars_in_mode
from local_lean.data.auxiliary import (
    CorporateFactorProvider,
    LocalDiskFactorFileProvider,
    use_data_source,
)
from local_lean.data.lean_folder import LeanDataFolder, split_rows
from local_lean.data.synthetic import SyntheticMarket
from local_lean.enums import DataNormalizationMode, Resolution, SplitType
from local_lean.errors import NotSupportedError

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "googl.zip").is_file(),
    reason="LEAN sample data absent",
)


# ----- prices in each mode ----------------------------------------------------------------------


@needs_lean_data
def test_raw_googl_reads_goog_zip_until_the_map_file_changes_its_ticker():
    folder = LeanDataFolder(LEAN_DATA)
    raw = folder.bars_in_mode("GOOGL", "RAW")["close"]
    # goog.zip up to 2014-04-02 (GOOGL traded as "goog"), googl.zip from 2014-04-03.
    assert raw[dt.datetime(2014, 4, 2)] == 1135.10
    assert raw[dt.datetime(2014, 4, 3)] == 571.50
    assert raw.index[0] == dt.datetime(2004, 8, 19)


@needs_lean_data
def test_adjusted_and_split_adjusted_prices_use_the_first_factor_row_on_or_after_the_day():
    folder = LeanDataFolder(LEAN_DATA)
    day = dt.datetime(2014, 4, 2)
    # GOOGL's row 2014-04-02: price factor 1, split factor 0.5.
    assert folder.bars_in_mode("GOOGL", "ADJUSTED")["close"][day] == pytest.approx(567.55)
    assert folder.bars_in_mode("GOOGL", "SPLIT_ADJUSTED")["close"][day] == pytest.approx(567.55)
    # AAPL before a dividend: SPLIT_ADJUSTED leaves the dividend factor out.
    aapl_day = dt.datetime(2014, 2, 5)
    adjusted = folder.bars_in_mode("AAPL", "ADJUSTED")["close"][aapl_day]
    split_only = folder.bars_in_mode("AAPL", "SPLIT_ADJUSTED")["close"][aapl_day]
    raw = folder.bars_in_mode("AAPL", "RAW")["close"][aapl_day]
    assert split_only == pytest.approx(raw * 0.0357143)
    assert adjusted == pytest.approx(raw * 0.0357143 * 0.8908440)


@needs_lean_data
def test_scaled_raw_prices_are_raw_on_the_reference_date_and_continuous_before():
    folder = LeanDataFolder(LEAN_DATA)
    scaled = folder.bars_in_mode("AAPL", "SCALED_RAW", dt.date(2014, 6, 9))["close"]
    raw = folder.bars_in_mode("AAPL", "RAW")["close"]
    assert scaled[dt.datetime(2014, 6, 9)] == raw[dt.datetime(2014, 6, 9)]
    # The 7-for-1 split of 2014-06-09 is no jump: the day before is divided by 7.
    assert scaled[dt.datetime(2014, 6, 6)] == pytest.approx(raw[dt.datetime(2014, 6, 6)] / 7, 1e-6)
    with pytest.raises(ValueError, match="need the date"):
        folder.bars_in_mode("AAPL", "SCALED_RAW")


@needs_lean_data
def test_split_rows_are_changes_of_the_split_factor():
    folder = LeanDataFolder(LEAN_DATA)
    assert split_rows(folder.factors("GOOGL")) == [(dt.date(2014, 4, 2), 1135.1, 0.5)]
    aapl = {day: factor for day, _, factor in folder.splits("AAPL")}
    assert aapl[dt.date(2014, 6, 6)] == 0.1428572  # 0.0357143 / 0.25, in decimals


def test_sources_without_raw_prices_refuse_other_modes():
    market = SyntheticMarket(seed=0)
    assert len(bars_in_mode(market, "SPY", "ADJUSTED")) > 0
    with pytest.raises(NotSupportedError, match="pass a LEAN data folder"):
        bars_in_mode(market, "SPY", "RAW")


# ----- the algorithm's API ------------------------------------------------------------------


class AddsInMode(QCAlgorithm):
    mode = DataNormalizationMode.RAW

    def initialize(self) -> None:
        self.set_start_date(2014, 4, 1)
        self.set_end_date(2014, 4, 4)
        self.googl = self.add_equity("GOOGL", Resolution.DAILY, data_normalization_mode=self.mode)
        self.closes = []
        self.history_close = self.history(self.googl.symbol, 1)["close"].iloc[-1]

    def on_data(self, slice) -> None:
        if slice.bars.contains_key("GOOGL"):
            self.closes.append(slice.bars["GOOGL"].close)


@needs_lean_data
def test_a_raw_subscription_delivers_raw_bars_and_raw_history():
    algorithm, outcome = run_algorithm(AddsInMode, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.googl.data_normalization_mode == DataNormalizationMode.RAW
    # The subscription reports the security's mode, as LEAN's SubscriptionDataConfig does.
    configs = algorithm.subscription_manager.subscriptions
    assert [c.data_normalization_mode for c in configs] == [DataNormalizationMode.RAW]
    assert algorithm.closes == [1134.89, 1135.10, 571.50, 545.25]
    assert algorithm.history_close == 1114.51  # 2014-03-31, raw


class HistoryInAnotherMode(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2014, 4, 7)
        self.set_end_date(2014, 4, 7)
        googl = self.add_equity("GOOGL", Resolution.DAILY).symbol
        frame = self.history(
            googl, 4, Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
        )
        self.raw = list(frame["close"])
        self.adjusted = list(self.history(googl, 4, Resolution.DAILY)["close"])


@needs_lean_data
def test_history_takes_a_mode_of_its_own():
    algorithm, outcome = run_algorithm(HistoryInAnotherMode, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.raw == [1134.89, 1135.10, 571.50, 545.25]
    assert algorithm.adjusted == pytest.approx([567.445, 567.55, 571.50, 545.25])


class TotalReturn(AddsInMode):
    mode = DataNormalizationMode.TOTAL_RETURN


class NotAMode(AddsInMode):
    mode = "RAW"


@needs_lean_data
def test_modes_outside_the_simulation_fail_clearly():
    _, outcome = run_algorithm(TotalReturn, data=LEAN_DATA)
    assert "data_normalization_mode=TOTAL_RETURN is not supported" in outcome.runtime_error
    _, outcome = run_algorithm(NotAMode, data=LEAN_DATA)
    assert "expected a DataNormalizationMode, got 'RAW'" in outcome.runtime_error


class RawOnSynthetic(AddsInMode):
    def initialize(self) -> None:
        self.set_start_date(2014, 4, 1)
        self.set_end_date(2014, 4, 4)
        self.add_equity("SPY", Resolution.DAILY, data_normalization_mode=self.mode)


def test_raw_prices_need_a_lean_data_folder():
    _, outcome = run_algorithm(RawOnSynthetic)
    assert "DataNormalizationMode.RAW with built-in synthetic market" in outcome.runtime_error


class SetModeLater(AddsInMode):
    def initialize(self) -> None:
        super().initialize()
        self.googl.set_data_normalization_mode(DataNormalizationMode.ADJUSTED)


@needs_lean_data
def test_changing_the_mode_after_adding_names_the_fix():
    _, outcome = run_algorithm(SetModeLater, data=LEAN_DATA)
    assert "pass data_normalization_mode to add_equity" in outcome.runtime_error


# ----- splits and dividends -------------------------------------------------------------------


class HoldsThroughSplit(QCAlgorithm):
    mode = DataNormalizationMode.RAW

    def initialize(self) -> None:
        self.set_start_date(2014, 3, 31)
        self.set_end_date(2014, 4, 4)
        self.set_cash(100000)
        self.googl = self.add_equity(
            "GOOGL", Resolution.DAILY, data_normalization_mode=self.mode
        ).symbol
        self.splits = []
        self.holdings = []

    def on_data(self, slice) -> None:
        if not self.portfolio.invested:
            self.market_order(self.googl, 10)
        for split in slice.splits.values():
            holding = self.portfolio[self.googl]
            self.splits.append((self.time, split.type, split.split_factor, split.reference_price))
            self.holdings.append((holding.quantity, holding.average_price, slice[self.googl]))


@needs_lean_data
def test_a_split_warns_the_session_before_and_doubles_a_raw_holding():
    algorithm, outcome = run_algorithm(HoldsThroughSplit, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.splits == [
        # The warning carries the last raw close (04-01), the split the factor file's price.
        (dt.datetime(2014, 4, 2), SplitType.WARNING, 0.5, 1134.89),
        (dt.datetime(2014, 4, 3), SplitType.SPLIT_OCCURRED, 0.5, 1135.1),
    ]
    # Bought at the 2014-04-01 open (1120.27); the split makes 20 shares at half the price.
    assert algorithm.holdings[0][:2] == (10, 1120.27)
    assert algorithm.holdings[1][:2] == (20, pytest.approx(560.135))
    assert algorithm.holdings[1][2] is None  # a symbol with only a split has no bar
    assert algorithm.securities["GOOGL"].price == 545.25


class HoldsThroughSplitAdjusted(HoldsThroughSplit):
    mode = DataNormalizationMode.ADJUSTED


@needs_lean_data
def test_adjusted_holdings_are_left_alone_by_a_split():
    algorithm, outcome = run_algorithm(HoldsThroughSplitAdjusted, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert [split[1] for split in algorithm.splits] == [
        SplitType.WARNING,
        SplitType.SPLIT_OCCURRED,
    ]
    assert algorithm.holdings[1][0] == 10


class OrdersBeforeSplit(HoldsThroughSplit):
    def on_data(self, slice) -> None:
        if self.time.date() == dt.date(2014, 4, 2) and slice.bars.contains_key(self.googl):
            self.market_order(self.googl, 10)  # fills at the open after the split


@needs_lean_data
def test_an_open_order_through_a_raw_split_is_refused_clearly():
    _, outcome = run_algorithm(OrdersBeforeSplit, data=LEAN_DATA)
    assert "a split of GOOGL with open orders on RAW data is not supported" in (
        outcome.runtime_error
    )


class CollectsDividend(QCAlgorithm):
    mode = DataNormalizationMode.RAW

    def initialize(self) -> None:
        self.set_start_date(2014, 2, 3)
        self.set_end_date(2014, 2, 7)
        self.set_cash(100000)
        self.aapl = self.add_equity(
            "AAPL", Resolution.DAILY, data_normalization_mode=self.mode
        ).symbol
        self.cash_around_dividend = []

    def on_data(self, slice) -> None:
        if not self.portfolio.invested and slice.bars.contains_key(self.aapl):
            self.market_order(self.aapl, 100)
        if slice.dividends.contains_key(self.aapl):
            self.cash_around_dividend.append(
                (self.portfolio.cash, slice.dividends[self.aapl].distribution)
            )


class CollectsNoDividend(CollectsDividend):
    mode = DataNormalizationMode.ADJUSTED


class CollectsSplitAdjustedDividend(CollectsDividend):
    mode = DataNormalizationMode.SPLIT_ADJUSTED


@needs_lean_data
@pytest.mark.parametrize(
    "algorithm_class", [CollectsDividend, CollectsNoDividend, CollectsSplitAdjustedDividend]
)
def test_raw_and_split_adjusted_holdings_are_paid_dividends_in_cash(algorithm_class):
    algorithm, outcome = run_algorithm(algorithm_class, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    ((cash_then, distribution),) = algorithm.cash_around_dividend
    fill = algorithm.transactions.get_order_by_id(1)
    paid_for = 100 * algorithm.transactions.get_order_ticket(1).average_fill_price + 1.0
    cash_modes = (DataNormalizationMode.RAW, DataNormalizationMode.SPLIT_ADJUSTED)
    paid = 100 * distribution if algorithm_class.mode in cash_modes else 0.0
    assert fill is not None and distribution == 3.05
    assert cash_then == pytest.approx(100000 - paid_for + paid)


# ----- LEAN's factor file providers -----------------------------------------------------------


@needs_lean_data
def test_the_factor_file_provider_reads_the_permticks_factor_file():
    use_data_source(LeanDataFolder(LEAN_DATA))
    provider = LocalDiskFactorFileProvider()
    provider.initialize(None, None)
    factor_file = provider.get("GOOGL")
    assert factor_file.permtick == "GOOGL"
    day = dt.datetime(2014, 3, 25)
    assert factor_file.get_price_factor(day, DataNormalizationMode.ADJUSTED) == 0.5
    assert factor_file.get_price_factor(day, DataNormalizationMode.SPLIT_ADJUSTED) == 0.5
    assert factor_file.get_price_factor(day, DataNormalizationMode.RAW) == 0
    assert factor_file.get_price_factor(dt.datetime(2060, 1, 1), 1) == 1.0


def test_factor_providers_need_initialize_and_a_lean_folder():
    provider = LocalDiskFactorFileProvider()
    with pytest.raises(RuntimeError, match="before initialize"):
        provider.get("SPY")
    provider.initialize(None, None)
    use_data_source(SyntheticMarket(seed=0))
    with pytest.raises(NotSupportedError, match="without a LEAN data folder"):
        provider.get("SPY")
    empty = CorporateFactorProvider("SPY", None)
    assert empty.get_price_factor(dt.date(2020, 1, 1), DataNormalizationMode.ADJUSTED) == 1.0
    with pytest.raises(TypeError, match="needs a date"):
        empty.get_price_factor("2020-01-01", DataNormalizationMode.ADJUSTED)


# ----- research -----------------------------------------------------------------------------


@needs_lean_data
def test_quantbook_history_in_the_securitys_mode_or_the_requests(tmp_path):
    from local_lean.quantbook import QuantBook

    qb = QuantBook(data=LEAN_DATA, storage=tmp_path)
    # daily: without a resolution LEAN's QuantBook subscribes minute bars (GOOGL has none here)
    googl = qb.add_equity(
        "GOOGL", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
    ).symbol
    raw = qb.history(googl, 100_000).loc["GOOGL"]["close"]
    adjusted = qb.history(googl, 100_000, data_normalization_mode=DataNormalizationMode.ADJUSTED)
    closes = adjusted.loc["GOOGL"]["close"]
    # history's rows are stamped at each bar's end (16:00)
    assert raw[dt.datetime(2014, 4, 2, 16)] == 1135.10
    assert closes[dt.datetime(2014, 4, 2, 16)] == pytest.approx(567.55)
    with pytest.raises(NotSupportedError, match="TOTAL_RETURN"):
        qb.history(googl, 5, data_normalization_mode=DataNormalizationMode.TOTAL_RETURN)


class HistoryBeforeAdding(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2014, 4, 3)
        self.set_end_date(2014, 4, 3)
        self.before = self.history("GOOGL", 1, Resolution.DAILY)["close"].iloc[-1]
        self.add_equity(
            "GOOGL", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
        )
        self.after = self.history("GOOGL", 1, Resolution.DAILY)["close"].iloc[-1]


@needs_lean_data
def test_history_before_adding_does_not_change_the_subscriptions_mode():
    algorithm, outcome = run_algorithm(HistoryBeforeAdding, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.before == pytest.approx(567.55)  # ADJUSTED, the default
    assert algorithm.after == 1135.10  # the RAW subscription's


class HoldsRawSpy(QCAlgorithm):
    """Subscribes to SPY in RAW prices over its 2005-03-18 dividend; SPY is also the benchmark."""

    def initialize(self) -> None:
        self.set_start_date(2005, 3, 14)
        self.set_end_date(2005, 3, 24)
        self.add_equity("SPY", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW)


def test_the_benchmark_is_its_own_adjusted_security_whatever_the_algorithms_subscription():
    # SecurityService.CreateBenchmarkSecurity: an internal feed in the default (ADJUSTED)
    # normalisation, not the algorithm's RAW subscription
    _, outcome = run_algorithm(HoldsRawSpy, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    benchmark = outcome.record.benchmark
    folder = LeanDataFolder(LEAN_DATA)
    adjusted = folder.bars_in_mode("SPY", "ADJUSTED")["close"]
    raw = folder.bars_in_mode("SPY", "RAW")["close"]
    days = [pd.Timestamp(stamp.date()) for stamp in benchmark.index]
    assert list(benchmark.to_numpy()) == pytest.approx([adjusted[day] for day in days])
    assert list(benchmark.to_numpy()) != pytest.approx([raw[day] for day in days])
