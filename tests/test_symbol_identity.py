"""A security's identity across a ticker change, as LEAN's: `add_equity(ticker)` makes the
Symbol with `Symbol.Create` -> `SecurityIdentifier.GenerateEquity(ticker, market)`
(Common/SecurityIdentifier.cs), which resolves the ticker through the map files
(`MapFileResolver.ResolveMapFile(ticker, DateTime.Today)`, Common/Data/Auxiliary) to the
security's first ticker and first date. Two tickers of one security are one SecurityIdentifier,
and LEAN's SecurityManager, keyed by it, holds one security (QCAlgorithm.AddToUserDefinedUniverse
finds it with TryGetValue)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution

SAMPLE_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "lean"


class AddsBothTickers(QCAlgorithm):
    old_ticker, new_ticker = "QQQQ", "QQQ"

    def initialize(self) -> None:
        self.set_start_date(2012, 1, 3)
        self.set_end_date(2012, 1, 6)
        self.set_benchmark(self.new_ticker)
        self.old = self.add_equity(self.old_ticker, Resolution.DAILY)
        self.new = self.add_equity(self.new_ticker, Resolution.DAILY)
        self.count = len(self.securities)
        self.bought = False

    def on_data(self, data) -> None:
        # LEAN's SymbolCache: either ticker finds the one security, in every collection
        self.found_in_slice = data.bars.contains_key(self.new_ticker)
        if not self.bought:
            self.bought = self.market_order(self.new_ticker, 3) is not None


@pytest.mark.skipif(not SAMPLE_DATA.is_dir(), reason="LEAN's sample data is not here")
def test_either_ticker_of_one_security_finds_it_everywhere():
    algorithm, outcome = run_algorithm(AddsBothTickers, data=SAMPLE_DATA)
    assert outcome.succeeded, outcome.runtime_error
    for ticker in ("QQQ", "QQQQ"):
        assert algorithm.securities[ticker] is algorithm.old
        assert ticker in algorithm.securities
        assert algorithm.portfolio[ticker].quantity == 3
    assert algorithm.found_in_slice
    orders = algorithm.transactions.get_orders()
    assert [(order.symbol, order.quantity) for order in orders] == [(algorithm.old.symbol, 3)]


@pytest.mark.skipif(not SAMPLE_DATA.is_dir(), reason="LEAN's sample data is not here")
def test_the_old_and_the_new_ticker_of_one_security_are_one_security():
    # qqq.csv: QQQ until 2004-11-30, QQQQ until 2011-03-22, QQQ since; first row 1999-03-10
    algorithm, outcome = run_algorithm(AddsBothTickers, data=SAMPLE_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.old is algorithm.new
    assert algorithm.count == 1
    # LEAN's "QQQ RIWIV7K5Z9LX": first ticker QQQ, first date 1999-03-10
    assert str(algorithm.new.symbol.id) == "QQQ RIWIV7K5Z9LX"
    assert algorithm.new.symbol.id.date == dt.datetime(1999, 3, 10)


def _write_lean_folder(root: Path) -> None:
    """A tiny LEAN folder: security OLDCO renamed NEWCO on 2020-01-10 (map file newco.csv)."""
    maps = root / "equity" / "usa" / "map_files"
    maps.mkdir(parents=True)
    (maps / "newco.csv").write_text("20200102,oldco,Q\n20200109,oldco,Q\n20501231,newco,Q\n")
    daily = root / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    for ticker, days in (("oldco", range(2, 10)), ("newco", range(10, 17))):
        rows = "".join(f"202001{day:02d} 00:00,100000,110000,90000,100000,1000\n" for day in days)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{ticker}.csv", rows)
        (daily / f"{ticker}.zip").write_bytes(buffer.getvalue())


class AddsRenamedTickers(AddsBothTickers):
    old_ticker, new_ticker = "OLDCO", "NEWCO"

    def initialize(self) -> None:
        self.set_start_date(2020, 1, 13)
        self.set_end_date(2020, 1, 15)
        self.set_benchmark(self.new_ticker)
        self.old = self.add_equity(self.old_ticker, Resolution.DAILY)
        self.new = self.add_equity(self.new_ticker, Resolution.DAILY)
        self.count = len(self.securities)
        self.bought = False


def test_a_rename_in_a_map_file_written_here_gives_one_identifier(tmp_path):
    _write_lean_folder(tmp_path)
    algorithm, outcome = run_algorithm(AddsRenamedTickers, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.old is algorithm.new and algorithm.count == 1
    # the first ticker and the first date of the map file: OLDCO, 2020-01-02
    assert algorithm.new.symbol.id.symbol == "OLDCO"
    assert algorithm.new.symbol.id.date == dt.datetime(2020, 1, 2)


# Renames (LEAN's MappingEventProvider, Engine/DataFeeds/Enumerators: the subscription's
# ticker is mapped at its start, then at each new tradable date; a change is a
# SymbolChangedEvent(symbol, date, old, new), keyed by the symbol as added
# (TimeSliceFactory); AlgorithmManager calls on_symbol_changed_events, then cancels the
# security's open orders with "Open order cancelled on symbol changed event").
class WatchesRenames(QCAlgorithm):
    start = dt.date(2020, 1, 6)

    def initialize(self) -> None:
        self.set_start_date(self.start.year, self.start.month, self.start.day)
        self.set_end_date(2020, 1, 15)
        self.set_benchmark("NEWCO")
        self.settings.seed_initial_prices = True
        self.symbol = self.add_equity("NEWCO", Resolution.DAILY).symbol
        self.renames, self.slices_with_renames, self.ticket = [], [], None

    def on_data(self, data) -> None:
        if data.symbol_changed_events.count:
            self.slices_with_renames.append((self.time, data.contains_key(self.symbol)))
        if self.ticket is None and self.securities[self.symbol].price > 0:
            self.ticket = self.limit_order(self.symbol, 10, 1.0)  # far below: stays open

    def on_symbol_changed_events(self, symbols_changed) -> None:
        for kvp in symbols_changed:
            event = kvp.value
            self.renames.append((self.time, kvp.key, event.old_symbol, event.new_symbol))


def test_a_rename_reaches_the_algorithm_and_cancels_open_orders(tmp_path):
    _write_lean_folder(tmp_path)  # OLDCO until 2020-01-09, NEWCO from 2020-01-10
    algorithm, outcome = run_algorithm(WatchesRenames, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    midnight = dt.datetime(2020, 1, 10)
    assert algorithm.renames == [(midnight, algorithm.symbol, "OLDCO", "NEWCO")]
    assert algorithm.slices_with_renames == [(midnight, True)]
    ticket = algorithm.ticket
    assert ticket is not None and ticket.status.name == "CANCELED"
    # cancelled at the rename's time step (the order's times are UTC: 05:00 is midnight in NY)
    order = algorithm.transactions.get_order_by_id(ticket.order_id)
    assert order.canceled_time == dt.datetime(2020, 1, 10, 5)


class SubscribesAfterTheRename(WatchesRenames):
    start = dt.date(2020, 1, 10)


def test_no_rename_event_for_a_subscription_that_starts_under_the_new_ticker(tmp_path):
    _write_lean_folder(tmp_path)
    algorithm, outcome = run_algorithm(SubscribesAfterTheRename, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.renames == [] and algorithm.slices_with_renames == []


class WatchesQqqRename(WatchesRenames):
    def initialize(self) -> None:
        self.set_start_date(2011, 3, 14)
        self.set_end_date(2011, 3, 31)
        self.symbol = self.add_equity("QQQ", Resolution.DAILY).symbol
        self.renames, self.slices_with_renames, self.ticket = [], [], None


@pytest.mark.skipif(not SAMPLE_DATA.is_dir(), reason="LEAN's sample data is not here")
def test_the_qqqq_to_qqq_rename_of_the_sample_data():
    algorithm, outcome = run_algorithm(WatchesQqqRename, data=SAMPLE_DATA)
    assert outcome.succeeded, outcome.runtime_error
    # qqq.csv: "20110322,qqqq": QQQ's first session under its new ticker is 2011-03-23
    assert algorithm.renames == [(dt.datetime(2011, 3, 23), algorithm.symbol, "QQQQ", "QQQ")]
