"""Delisted securities, on LEAN's sample data: AAA.1 traded (in aaa.zip, by its map file) until
2007-05-18, its last trading day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import DelistingType, Resolution
from local_lean.orders import OrderStatus

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
pytestmark = pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN sample data absent")
T = dt.datetime


class WatchesADelisting(QCAlgorithm):
    """Buys AAA.1 with its first bar and holds it through the delisting."""

    def initialize(self) -> None:
        self.set_start_date(2007, 5, 15)
        self.set_end_date(2007, 5, 23)
        self.aaa = self.add_equity("AAA.1", Resolution.DAILY).symbol
        self.add_equity("SPY", Resolution.DAILY)
        self.events = []
        self.bar_symbols = []
        self.refused = None

    def on_data(self, data) -> None:
        if not self.portfolio.invested and self.transactions.orders_count == 0:
            self.set_holdings(self.aaa, 0.5)
        # LEAN's dictionaries yield KeyValuePairs in Python.
        self.bar_symbols.append(sorted(kvp.key.value for kvp in data.bars))
        for kvp in data.delistings:
            security = self.securities[kvp.key]
            self.events.append(
                (self.time, kvp.value.type, security.is_delisted, security.is_tradable)
            )
            if kvp.value.type == DelistingType.DELISTED:
                self.refused = self.market_order(self.aaa, 10)


def test_the_warning_comes_on_the_last_day_and_the_delisting_the_midnight_after():
    algorithm, outcome = run_algorithm(WatchesADelisting, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.events == [
        (T(2007, 5, 18), DelistingType.WARNING, False, True),
        (T(2007, 5, 19), DelistingType.DELISTED, True, False),
    ]
    # No AAA.1 bar after its last day; the midnight slices carry no bars.
    assert ["AAA.1", "SPY"] in algorithm.bar_symbols
    assert algorithm.bar_symbols[-1] == ["SPY"]
    assert algorithm.refused.status == OrderStatus.INVALID


def test_a_position_held_through_the_delisting_is_closed_at_the_last_price_without_fees():
    algorithm, outcome = run_algorithm(WatchesADelisting, data=LEAN_DATA)
    orders = outcome.record.orders
    closing = [o for o in orders if o.get("tag") == "Liquidate from delisting"]
    assert len(closing) == 1, orders
    (order,) = closing
    assert order["quantity"] < 0 and order["status"] == "filled"
    assert order["fill_price"] == pytest.approx(26.0)  # AAA.1's close of 2007-05-18
    assert not algorithm.portfolio[algorithm.aaa].invested


def test_a_ticker_whose_map_file_names_another_file_has_data():
    folder = LeanDataFolder(LEAN_DATA)
    assert not (LEAN_DATA / "equity" / "usa" / "daily" / "aaa.1.zip").exists()
    assert folder.has_ticker("AAA.1")
    bars = folder.daily_bars("AAA.1")
    assert bars.index[-1].date() == dt.date(2007, 5, 18)


class HandlesDelistings(WatchesADelisting):
    """The same, with LEAN's on_delistings handler."""

    def on_delistings(self, delistings) -> None:
        self.handled = getattr(self, "handled", [])
        self.handled.append((self.time, delistings[self.aaa].type, len(self.events)))


def test_on_delistings_gets_each_delisting_event_before_on_data():
    # AlgorithmManager calls OnDelistings with the slice's delistings, before OnData
    algorithm, outcome = run_algorithm(HandlesDelistings, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    seen_in_on_data = [(time, kind) for time, kind, _, _ in algorithm.events]
    assert [(time, kind) for time, kind, _ in algorithm.handled] == seen_in_on_data
    assert [kind for _, kind, _ in algorithm.handled] == [
        DelistingType.WARNING,
        DelistingType.DELISTED,
    ]
    # on_data had not yet seen the event when on_delistings ran
    assert [count for _, _, count in algorithm.handled] == [0, 1]
