"""Dividends reach on_data as LEAN sends them: at midnight of the ex-date, in a slice of their
own, with LEAN's distribution (from the factor file); adjusted prices move no cash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.lean_folder import dividend_rows, read_factor_file
from local_lean.enums import DataNormalizationMode, Resolution, SplitType

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
pytestmark = pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN sample data absent")


class RecordsSlices(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2005, 3, 15)
        self.set_end_date(2005, 3, 22)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.slices = []

    def on_data(self, slice) -> None:
        self.slices.append((self.time, dict(slice.dividends), len(slice.bars)))


def test_the_ex_date_brings_a_midnight_slice_with_the_dividend_alone():
    algorithm, outcome = run_algorithm(RecordsSlices, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    with_dividends = [(time, d, bars) for time, d, bars in algorithm.slices if d]
    assert len(with_dividends) == 1
    time, dividends, bar_count = with_dividends[0]
    # The factor file's row 2005-03-17 (0.7239778, reference 119.41) and the next (0.7268203):
    # LEAN's distribution is 119.41 - 119.41 x 0.7239778 / 0.7268203, to the cent.
    assert time == dt.datetime(2005, 3, 18, 0, 0) and bar_count == 0
    dividend = dividends[algorithm.spy]
    assert dividend.distribution == 0.47 and dividend.reference_price == 119.41
    # Every other slice is a session's bars, at its close.
    assert all(t.time() == dt.time(16) for t, d, _ in algorithm.slices if not d)


class ReadsSlicesAsDictionaries(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2005, 3, 16)
        self.set_end_date(2005, 3, 21)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.seen = []

    def on_data(self, data) -> None:
        missing = None
        try:
            data["IBM"]
        except KeyError as error:
            missing = str(error)
        self.seen.append(
            (self.time, self.spy in data, data[self.spy], list(data.keys()), data.count, missing)
        )


def test_a_symbol_with_only_a_dividend_is_a_key_whose_value_is_none():
    # LEAN's Slice holds every symbol with data, events included; its indexer gives the
    # missing TradeBar (None) for a symbol that only has a dividend, so LEAN's
    # DisplacedMovingAverageRibbon's `if not data[spy]: return` skips the midnight.
    algorithm, outcome = run_algorithm(ReadsSlicesAsDictionaries, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    by_time = {seen[0]: seen[1:] for seen in algorithm.seen}
    contains, value, keys, count, missing = by_time[dt.datetime(2005, 3, 18, 0, 0)]
    assert contains and value is None and keys == [algorithm.spy] and count == 1
    contains, value, keys, count, missing = by_time[dt.datetime(2005, 3, 18, 16, 0)]
    assert contains and value.close > 0 and keys == [algorithm.spy] and count == 1
    # A symbol with no data at all is still a KeyError that says how to check first.
    assert "wasn't found in the Slice" in missing and "contains_key" in missing


def test_dividend_rows_are_the_changes_of_the_price_factor():
    factors = read_factor_file(LEAN_DATA / "equity" / "usa" / "factor_files" / "spy.csv")
    rows = {day: (reference, ratio) for day, reference, ratio in dividend_rows(factors)}
    reference, ratio = rows[dt.date(2005, 3, 17)]
    assert reference == 119.41 and ratio == pytest.approx(0.7239778 / 0.7268203)
    assert dt.date(1998, 1, 2) not in rows  # the same factor as the next row: no dividend


class StartsOnAnExDate(RecordsSlices):
    def initialize(self) -> None:
        super().initialize()
        self.set_start_date(2005, 3, 18)


def test_a_subscriptions_first_day_brings_no_dividend():
    # LEAN learns of a dividend on the trading day before its ex-date, so a backtest that
    # starts on the ex-date never gets it (LEAN's DelistingEventsAlgorithm starts so on AAA.1).
    algorithm, outcome = run_algorithm(StartsOnAnExDate, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.slices and not any(d for _, d, _ in algorithm.slices)


class HoldsRawSpyOverADividend(QCAlgorithm):
    """Holds 100 RAW SPY shares over the 2005-03-18 dividend and records the event handlers."""

    def initialize(self) -> None:
        self.set_start_date(2005, 3, 15)
        self.set_end_date(2005, 3, 22)
        self.spy = self.add_equity(
            "SPY", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
        ).symbol
        self.calls = []

    def on_data(self, slice) -> None:
        if not self.portfolio.invested:
            self.market_order(self.spy, 100)
        if slice.dividends:
            self.calls.append(("on_data", self.time))

    def on_dividends(self, dividends) -> None:
        holding = self.portfolio[self.spy]
        self.calls.append(("on_dividends", self.time, dividends[self.spy].distribution))
        self.paid_when_called = holding.total_dividends


def test_on_dividends_comes_before_on_data_and_the_dividend_counts_as_profit():
    # AlgorithmManager calls OnDividends (after paying it) before OnData; SecurityHolding's
    # Profit is its realised profit plus its dividends, NetProfit that less fees
    algorithm, outcome = run_algorithm(HoldsRawSpyOverADividend, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    midnight = dt.datetime(2005, 3, 18)
    assert algorithm.calls == [("on_dividends", midnight, 0.47), ("on_data", midnight)]
    holding = algorithm.portfolio[algorithm.spy]
    assert algorithm.paid_when_called == holding.total_dividends == pytest.approx(47.0)
    assert holding.profit == pytest.approx(47.0)  # nothing closed: the dividend alone
    assert holding.net_profit == pytest.approx(47.0 - holding.total_fees)
    assert algorithm.portfolio.total_profit == pytest.approx(47.0)
    assert algorithm.portfolio.total_net_profit == pytest.approx(47.0 - holding.total_fees)


class RecordsSplits(QCAlgorithm):
    """AAPL's split of 2014-06-09 (and its warning) reach on_splits before on_data."""

    def initialize(self) -> None:
        self.set_start_date(2014, 6, 5)
        self.set_end_date(2014, 6, 10)
        self.aapl = self.add_equity("AAPL", Resolution.DAILY).symbol
        self.calls = []

    def on_data(self, slice) -> None:
        if slice.splits:
            self.calls.append(("on_data", self.time))

    def on_splits(self, splits) -> None:
        self.calls.append(("on_splits", self.time, splits[self.aapl].type))


def test_on_splits_comes_before_on_data_with_each_split_event():
    algorithm, outcome = run_algorithm(RecordsSplits, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    warned, split = dt.datetime(2014, 6, 6), dt.datetime(2014, 6, 9)
    assert algorithm.calls == [
        ("on_splits", warned, SplitType.WARNING),
        ("on_data", warned),
        ("on_splits", split, SplitType.SPLIT_OCCURRED),
        ("on_data", split),
    ]
