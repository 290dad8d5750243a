"""The Correlation indicator (``self.c``) against LEAN's reference values and its test cases
(Tests/Indicators/CorrelationPearsonTests.cs and CorrelationSpearmanTests.cs; the reference
file is Tests/TestData/spy_qqq_corr.csv, its first 650 days copied column by column into
tests/fixtures/indicators/spy_qqq_correlation.csv)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.indicators.correlation import Correlation, CorrelationType
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

FIXTURE = Path(__file__).parent / "fixtures" / "indicators" / "spy_qqq_correlation.csv"
SPY, QQQ, IBM = equity_symbol("SPY"), equity_symbol("QQQ"), equity_symbol("IBM")
REFERENCE = dt.datetime(2020, 1, 1)


def daily_bar(symbol, day: dt.datetime, close: float) -> TradeBar:
    return TradeBar(symbol, day, day + dt.timedelta(days=1), close, close, close, close, 100)


@pytest.mark.parametrize(
    ("kind", "column"),
    [(CorrelationType.PEARSON, "pearson"), (CorrelationType.SPEARMAN, "spearman")],
)
def test_matches_leans_reference_values(kind, column):
    # ComparesAgainstExternalData: Correlation(SPY, QQQ, 252), checked once ready after each
    # QQQ bar (LEAN's TestHelper skips the rows before the indicator is ready)
    indicator = Correlation("testCorrelationIndicator", SPY, QQQ, 252, kind)
    checked = 0
    with open(FIXTURE, newline="") as handle:
        for row in csv.DictReader(handle):
            symbol = SPY if row["symbol"] == "SPY" else QQQ
            day = dt.datetime.strptime(row["date"], "%Y%m%d")
            indicator.update(daily_bar(symbol, day, float(row["close"])))
            if indicator.is_ready and row[column]:
                # LEAN checks within 1e-3; the same arithmetic agrees to 1e-13
                assert indicator.current.value == pytest.approx(float(row[column]), abs=1e-12)
                checked += 1
    assert checked == 650 - 251  # from the 252nd day


@pytest.mark.parametrize("kind", list(CorrelationType))
def test_time_moves_forward(kind):
    # TimeMovesForward: bars going back in time are refused, so only the first two count
    indicator = Correlation("testCorrelationIndicator", IBM, SPY, 5, kind)
    for i in range(10, 0, -1):
        day = REFERENCE + dt.timedelta(days=1 + i)
        indicator.update(daily_bar(IBM, day, 500))
        indicator.update(daily_bar(SPY, day, 500))
    assert indicator.samples == 2


@pytest.mark.parametrize("kind", list(CorrelationType))
def test_warms_up_properly(kind):
    # WarmsUpProperly: the warm-up period's pairs of bars are all samples, and make it ready
    indicator = Correlation("testCorrelationIndicator", IBM, SPY, 5, kind)
    for i in range(indicator.warm_up_period):
        day = REFERENCE + dt.timedelta(days=1 + i)
        indicator.update(daily_bar(IBM, day, 500))
        indicator.update(daily_bar(SPY, day, 500))
    assert indicator.samples == 2 * indicator.warm_up_period
    assert indicator.is_ready
    assert indicator.current.value == 0  # constant closes: NaN, which LEAN gives as 0


def test_bad_arguments_and_inputs_are_refused_with_leans_messages():
    with pytest.raises(ValueError, match="must be greater than 2 but was 1"):
        Correlation(SPY, QQQ, 1)
    indicator = Correlation(SPY, QQQ, 5)
    assert indicator.name == "Correlation(5)"
    indicator.update(daily_bar(SPY, REFERENCE, 1))
    with pytest.raises(ValueError, match="does not correspond to any of the symbols"):
        indicator.update(daily_bar(IBM, REFERENCE, 1))


class CorrelatesSpyAndQqq(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 31)
        self.add_equity("SPY", Resolution.DAILY)
        self.add_equity("QQQ", Resolution.DAILY)
        self.pearson = self.c("SPY", "QQQ", 10)
        self.spearman = self.c("SPY", "QQQ", 10, CorrelationType.SPEARMAN, Resolution.DAILY)
        self.bars = []

    def on_data(self, data) -> None:
        self.bars.append((data.bars["SPY"], data.bars["QQQ"]))


def test_the_c_helper_updates_with_both_symbols_bars():
    # QCAlgorithm.C registers the indicator for the target's and the reference's data
    algorithm, outcome = run_algorithm(CorrelatesSpyAndQqq)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.pearson.name == "C(10)" and algorithm.spearman.name == "C(10,day)"
    expected = Correlation("check", algorithm.bars[0][0].symbol, algorithm.bars[0][1].symbol, 10)
    for spy, qqq in algorithm.bars:
        expected.update(spy)
        expected.update(qqq)
    assert algorithm.pearson.is_ready and algorithm.pearson.samples == expected.samples
    assert algorithm.pearson.current.value == pytest.approx(expected.current.value)
    assert -1 <= algorithm.spearman.current.value <= 1 and algorithm.spearman.is_ready
