"""Market breadth indicators: cases of LEAN's Tests/Indicators/AdvanceDeclineRatioTests.cs and
ArmsIndexTests.cs, and ``self.trin`` on LEAN's sample minute data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.indicators import AdvanceDeclineRatio, AdvanceDeclineVolumeRatio, ArmsIndex
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

AAPL, IBM, GOOG, MSFT = (equity_symbol(t) for t in ("AAPL", "IBM", "GOOG", "MSFT"))
REFERENCE = dt.datetime(2024, 1, 2)
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"


def bar(symbol, minute: int, close: float, volume: float = 100) -> TradeBar:
    start = REFERENCE + dt.timedelta(minutes=minute)
    return TradeBar(
        symbol, start, start + dt.timedelta(minutes=1), close, close, close, close, volume
    )


def of_three(indicator_type):
    indicator = indicator_type("test_name")
    for symbol in (AAPL, IBM, GOOG):
        indicator.add(symbol)
    return indicator


def feed(indicator, minute, closes, volumes=None):
    symbols = [AAPL, IBM, GOOG, MSFT]
    for symbol, close, volume in zip(symbols, closes, volumes or [100] * 4, strict=False):
        if close is not None:
            indicator.update(bar(symbol, minute, close, volume))


def test_the_ratio_counts_advancing_over_declining_stocks_and_ignores_removed_ones():
    adr = of_three(AdvanceDeclineRatio)
    feed(adr, 1, [1, 1, 1])
    assert adr.current.value == 0 and not adr.is_ready
    feed(adr, 2, [2, 0.5, 3])
    assert adr.current.value == 2 and adr.is_ready  # two up, one down
    adr.reset()
    adr.remove(GOOG)
    feed(adr, 1, [1, 1, 1])
    feed(adr, 2, [2, 0.5, 3])
    assert adr.current.value == 1


def test_a_period_that_misses_a_stock_gives_no_value():
    adr = of_three(AdvanceDeclineRatio)
    adr.add(MSFT)
    feed(adr, 1, [1, 1, 1, 1])
    feed(adr, 2, [2, 0.5, 3])  # MSFT missing
    assert adr.current.value == 0
    feed(adr, 3, [3, 1, 2, 1])
    assert adr.current.value == 2
    feed(adr, 4, [1, 2, 1, 2])
    assert adr.current.value == 1
    feed(adr, 5, [2, 3, None, 1])
    feed(adr, 6, [2, None, 4, 5])
    assert adr.current.value == 1


def test_the_volume_ratio_sums_volumes():
    advr = of_three(AdvanceDeclineVolumeRatio)
    feed(advr, 1, [1, 1, 1], [1, 1, 1])
    feed(advr, 2, [2, 0.5, 3], [60, 10, 40])
    assert advr.current.value == 10  # (60 + 40) / 10


def test_trin_is_the_ratio_over_the_volume_ratio():
    trin = of_three(ArmsIndex)
    feed(trin, 1, [1, 1, 1])
    assert not trin.is_ready and trin.current.value == 0
    feed(trin, 2, [2, 0.5, 3], [60, 10, 40])
    assert trin.is_ready
    assert trin.current.value == pytest.approx(0.2)  # (2 / 1) / (100 / 10)


def test_a_late_bar_counts_for_the_period_before():
    trin = of_three(ArmsIndex)  # LEAN's WarmsUpProperly: each stock's two bars in turn
    for symbol, closes, volumes in [
        (AAPL, (1, 2), (1, 60)),
        (IBM, (1, 0.5), (1, 10)),
        (GOOG, (1, 3), (1, 40)),
    ]:
        trin.update(bar(symbol, 1, closes[0], volumes[0]))
        trin.update(bar(symbol, 2, closes[1], volumes[1]))
    assert trin.is_ready and trin.samples == 6
    assert trin.current.value == pytest.approx(0.2)


def test_removed_stocks_change_trin():
    trin = of_three(ArmsIndex)
    feed(trin, 1, [1, 1, 1])
    feed(trin, 2, [2, 0.5, 3])
    assert trin.current.value == 1  # (2 / 1) / (200 / 100)
    trin.reset()
    trin.remove(IBM)
    feed(trin, 1, [1, 1, 1])
    assert trin.current.value == 0
    feed(trin, 2, [2, 0.5, 3])
    assert trin.current.value == pytest.approx(2 / 200)


def test_trin_of_a_missing_period_keeps_its_value():
    trin = of_three(ArmsIndex)
    trin.add(MSFT)
    feed(trin, 1, [1, 1, 1, 1])
    feed(trin, 2, [2, 0.5, 3])
    assert trin.current.value == 0
    feed(trin, 3, [3, 1, 1, 1], [100, 100, 200, 100])
    assert trin.current.value == 2  # one up, one down; 100 up, 200... over 100 down
    feed(trin, 4, [1, 2, 2, 2], [100, 250, 100, 150])
    assert trin.current.value == pytest.approx(3 / 5)
    feed(trin, 5, [2, None, 5, 1], [140, 0, 110, 150])
    assert trin.current.value == pytest.approx(3 / 5)


@pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "ibm").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)
def test_the_trin_helper_is_fed_by_every_symbol_and_named_by_resolution():
    class Breadth(QCAlgorithm):
        def initialize(self):
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 7)
            symbols = [self.add_equity(t).symbol for t in ("SPY", "IBM")]
            self.minute_trin = self.trin(symbols)
            self.hour_trin = self.trin(symbols, Resolution.HOUR)
            self.ready_at = None
            self.values = []
            self.minute_trin.updated += lambda _, point: self.values.append(point.value)

        def on_data(self, data):
            if self.ready_at is None and self.hour_trin.is_ready:
                self.ready_at = self.time

    algorithm, outcome = run_algorithm(Breadth, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert (algorithm.minute_trin.name, algorithm.hour_trin.name) == ("TRIN(min)", "TRIN(hr)")
    assert algorithm.minute_trin.samples > 2 * 300  # both symbols' minute bars
    assert any(value > 0 for value in algorithm.values)
    assert algorithm.values[0] == 0  # not ready at the first minute: no comparison yet
    # hour bars 09:00-10:00 (emitted at 10:00), then 10:00-11:00: ready when the second starts
    assert algorithm.ready_at == dt.datetime(2013, 10, 7, 11, 0)


def test_trin_needs_a_list_of_symbols():
    class One(QCAlgorithm):
        def initialize(self):
            self.add_equity("SPY", Resolution.DAILY)
            self.trin("SPY")

    _, outcome = run_algorithm(One)
    assert "TRIN needs a list of symbols" in outcome.runtime_error
