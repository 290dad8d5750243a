"""QuoteBarConsolidator, BaseDataConsolidator and VolumeRenkoConsolidator: cases of LEAN's
Tests/Common/Data/QuoteBarConsolidatorTests.cs and VolumeRenkoConsolidatorTests.cs, and
``consolidate(QuoteBar | BaseData | VolumeRenkoBar, ...)`` on LEAN's sample minute data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.consolidators import (
    BaseDataConsolidator,
    QuoteBarConsolidator,
    TickType,
    TradeBarConsolidator,
    VolumeRenkoBar,
    VolumeRenkoConsolidator,
)
from local_lean.enums import Resolution
from local_lean.market_data import BaseData, TradeBar
from local_lean.quote_bars import Bar, QuoteBar
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")
TODAY = dt.datetime(2024, 1, 2)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


def quote(minute, bid, bid_size, ask, ask_size) -> QuoteBar:
    start = TODAY + minute * MINUTE
    return QuoteBar(SPY, start, start + MINUTE, bid, bid_size, ask, ask_size)


def collect(consolidator) -> list:
    bars: list = []
    consolidator.data_consolidated += lambda _, bar: bars.append(bar)
    return bars


# ----- QuoteBarConsolidator ---------------------------------------------------------------------


def test_a_count_of_quote_bars_merges_each_side():
    consolidator = QuoteBarConsolidator(4)
    bars = collect(consolidator)
    consolidator.update(quote(0, Bar(1, 2, 0.75, 1.25), 3, None, 0))
    consolidator.update(quote(1, Bar(1.1, 2.2, 0.9, 2.1), 3, Bar(2.2, 4.4, 3.3, 3.3), 0))
    consolidator.update(quote(2, Bar(1, 2, 0.5, 1.75), 3, None, 0))
    assert bars == []
    consolidator.update(quote(3, None, 0, Bar(1, 7, 0.5, 4.4), 4))
    (bar,) = bars
    assert isinstance(bar, QuoteBar)
    assert (bar.bid.open, bar.bid.high, bar.bid.low, bar.bid.close) == (1, 2.2, 0.5, 1.75)
    assert (bar.ask.open, bar.ask.high, bar.ask.low, bar.ask.close) == (2.2, 7, 0.5, 4.4)
    assert (bar.last_bid_size, bar.last_ask_size) == (3, 4)
    assert (bar.time, bar.end_time, bar.period) == (TODAY, TODAY + 4 * MINUTE, 4 * MINUTE)


def test_the_next_quote_bar_opens_each_side_at_the_previous_close():
    consolidator = QuoteBarConsolidator(dt.timedelta(minutes=2))
    bars = collect(consolidator)
    consolidator.update(quote(0, Bar(1, 2, 0.75, 1.25), 3, None, 0))
    consolidator.update(quote(1, None, 0, Bar(2.2, 4.4, 3.3, 3.3), 10))
    consolidator.update(quote(2, Bar(1, 2, 0.5, 1.75), 3, None, 0))  # fires the first bar
    assert len(bars) == 1
    consolidator.scan(TODAY + 4 * MINUTE)
    second = bars[-1]
    assert (second.end_time, second.period) == (TODAY + 4 * MINUTE, 2 * MINUTE)
    assert second.bid.open == 1.25  # the first bar's bid close
    assert second.ask.open == 3.3  # and its ask close
    assert (second.bid.high, second.bid.low, second.bid.close) == (2, 0.5, 1.75)


# ----- BaseDataConsolidator ---------------------------------------------------------------------


def test_base_data_bars_follow_the_inputs_value():
    consolidator = BaseDataConsolidator(3)
    bars = collect(consolidator)
    for minute, close in enumerate([10.0, 12.0, 9.0]):
        start = TODAY + minute * MINUTE
        consolidator.update(TradeBar(SPY, start, start + MINUTE, 1, 100, 0.5, close, 1000))
    (bar,) = bars
    assert type(bar) is TradeBar
    assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == (10, 12, 9, 9, 0)
    assert (bar.time, bar.end_time) == (TODAY, TODAY + 3 * MINUTE)


# ----- VolumeRenkoConsolidator ------------------------------------------------------------------


def hour_bar(hours, open_, high, low, close, volume) -> TradeBar:
    start = TODAY + hours * HOUR
    return TradeBar(SPY, start, start + HOUR, open_, high, low, close, volume)


def test_a_volume_brick_closes_when_its_volume_is_reached():
    consolidator = VolumeRenkoConsolidator(10)
    assert consolidator.output_type is VolumeRenkoBar
    bars = collect(consolidator)
    consolidator.update(hour_bar(0, 1, 2, 0.5, 1.5, 2))
    consolidator.update(hour_bar(1, 1.5, 3, 1, 3, 3))
    consolidator.update(hour_bar(2, 3, 3, 1, 2, 3))
    assert bars == []
    consolidator.update(hour_bar(3, 2, 4, 1.5, 2.5, 2))
    (brick,) = bars
    assert (brick.open, brick.high, brick.low, brick.close) == (1, 4, 0.5, 2.5)
    assert (brick.volume, brick.brick_size, brick.is_closed) == (10, 10, True)
    assert (brick.start, brick.end_time) == (TODAY, TODAY + 4 * HOUR)


def test_one_bar_may_fill_several_bricks_and_the_rest_opens_the_next():
    consolidator = VolumeRenkoConsolidator(10)
    bars = collect(consolidator)
    consolidator.update(hour_bar(0, 1, 2, 0.5, 1.5, 4))
    consolidator.update(hour_bar(1, 1.5, 3, 1, 3, 25))  # 6 fill the first, 10 the second
    assert [brick.volume for brick in bars] == [10, 10]
    second = bars[1]
    assert (second.open, second.start, second.close) == (3, TODAY + 2 * HOUR, 3)
    assert consolidator.working_data.volume == 9
    assert consolidator.working_data.open == 3


def test_volume_bricks_need_trade_data_and_a_positive_size():
    with pytest.raises(ValueError, match="TradeBar or Tick"):
        VolumeRenkoConsolidator(10).update(quote(0, Bar(1, 1, 1, 1), 1, Bar(1, 1, 1, 1), 1))
    with pytest.raises(ValueError, match="greater than zero"):
        VolumeRenkoConsolidator(0)


# ----- consolidate(type, ...) and quote subscriptions -------------------------------------------


@needs_sample
def test_consolidate_by_bar_type_feeds_quote_bars_to_quote_consolidators():
    class BySize(QCAlgorithm):
        def initialize(self):
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 7)
            self.add_equity("SPY", Resolution.MINUTE)
            self.got = {kind: [] for kind in ("quote", "base", "volume")}
            self.quotes = self.consolidate(QuoteBar, "SPY", 10, None, self.got["quote"].append)
            self.base = self.consolidate(BaseData, "SPY", 10, None, self.got["base"].append)
            self.volume = self.consolidate(
                VolumeRenkoBar, "SPY", 10000, None, self.got["volume"].append
            )

    algorithm, outcome = run_algorithm(BySize, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert type(algorithm.quotes) is QuoteBarConsolidator
    assert type(algorithm.base) is BaseDataConsolidator
    assert type(algorithm.volume) is VolumeRenkoConsolidator
    quotes = algorithm.got["quote"]
    assert len(quotes) >= 38 and all(type(bar) is QuoteBar for bar in quotes)
    assert all(bar.bid is not None and bar.ask is not None for bar in quotes)
    assert all(bar.end_time - bar.time == 10 * MINUTE for bar in quotes)
    assert len(algorithm.got["base"]) >= 38
    assert all(brick.volume == 10000 for brick in algorithm.got["volume"])


@needs_sample
def test_quote_consolidators_need_minute_data():
    class Hourly(QCAlgorithm):
        def initialize(self):
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 7)
            self.add_equity("SPY", Resolution.HOUR)
            self.subscription_manager.add_consolidator("SPY", QuoteBarConsolidator(2))

    _, outcome = run_algorithm(Hourly, data=LEAN_DATA)
    assert "does not support input type: QuoteBar" in outcome.runtime_error

    class HourlyTickType(Hourly):
        def initialize(self):
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 7)
            self.add_equity("SPY", Resolution.HOUR)
            consolidator = TradeBarConsolidator(2)
            self.subscription_manager.add_consolidator("SPY", consolidator, TickType.QUOTE)

    _, outcome = run_algorithm(HourlyTickType, data=LEAN_DATA)
    assert "No subscription with the requested Tick Type Quote" in outcome.runtime_error
    assert "Available Tick Types: Trade" in outcome.runtime_error
