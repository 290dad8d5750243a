"""Seeding a minute security with LEAN's GetLastKnownPrices (its latest trade and quote bars),
and the quote sizes a security keeps (LEAN's SecurityCache: BidSize, AskSize)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.intraday_stream import IntradayBarStream
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import Resolution
from local_lean.security_initializers import BrokerageModelSecurityInitializer, FuncSecuritySeeder

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


def last_bar_of_2013_10_07(tick_type: str):
    stream = IntradayBarStream(
        LeanDataFolder(LEAN_DATA),
        "SPY",
        Resolution.MINUTE,
        dt.datetime(2013, 10, 7),
        dt.datetime(2013, 10, 8),
        tick_type=tick_type,
    )
    return [bar for bar in stream if bar.end_time <= dt.datetime(2013, 10, 8)][-1]


class SeedsMinuteSpy(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 8)
        self.set_security_initializer(
            BrokerageModelSecurityInitializer(
                self.brokerage_model, FuncSecuritySeeder(self.get_last_known_prices)
            )
        )
        self.spy = self.add_equity("SPY", Resolution.MINUTE)
        s = self.spy
        self.seeded = (s.local_time, s.close, s.volume, s.bid_price, s.ask_price)
        self.seeded_sizes = (s.bid_size, s.ask_size)
        self.first_step = None

    def on_data(self, data):
        if self.first_step is None:
            quote = data.quote_bars["SPY"]
            self.first_step = (quote, self.spy.bid_size, self.spy.ask_size)


@needs_sample
def test_a_minute_security_is_seeded_with_its_last_trade_and_quote_bars():
    algorithm, outcome = run_algorithm(SeedsMinuteSpy, data=LEAN_DATA)
    assert outcome.runtime_error is None
    trade, quote = last_bar_of_2013_10_07("trade"), last_bar_of_2013_10_07("quote")
    assert algorithm.seeded == (
        dt.datetime(2013, 10, 7, 16, 0),
        trade.close,
        trade.volume,
        quote.bid.close,
        quote.ask.close,
    )
    assert algorithm.seeded_sizes == (quote.last_bid_size, quote.last_ask_size)
    assert all(algorithm.seeded_sizes)
    # Each quote bar then gives the security its sizes.
    first_quote, bid_size, ask_size = algorithm.first_step
    assert (bid_size, ask_size) == (first_quote.last_bid_size, first_quote.last_ask_size)
