"""remove_security as LEAN's QCAlgorithm.RemoveSecurity, and removed securities still found by
``securities[symbol]`` as in LEAN's SecurityManager (its complete collection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, Resolution
from local_lean.framework.insights import from_utc


class RemovesSpy(QCAlgorithm):
    """Buys SPY and places a limit order it never fills, then removes SPY the next day."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 10)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.add_equity("QQQ", Resolution.DAILY)
        self.changes = []
        self.removed_answer = None

    def on_data(self, data) -> None:
        if self.time.date() == dt.date(2021, 3, 1):
            self.market_order(self.spy, 10)
            self.limit = self.limit_order(self.spy, 10, 1.0)
        elif self.time.date() == dt.date(2021, 3, 3) and self.removed_answer is None:
            self.removed_answer = self.remove_security(self.spy)
            self.unknown_answer = self.remove_security("IBM")
            self.tradable_after = self.securities[self.spy].is_tradable

    def on_securities_changed(self, changes) -> None:
        self.changes.append(
            (
                self.time,
                sorted(s.symbol.value for s in changes.added_securities),
                sorted(s.symbol.value for s in changes.removed_securities),
            )
        )
        if changes.removed_securities:
            self.listed_at_removal = sorted(symbol.value for symbol in self.securities)
            self.found_at_removal = self.securities[self.spy].symbol


def test_remove_security_cancels_liquidates_and_removes_once_flat():
    # RemoveSecurity: cancel the open orders and liquidate with the tag "Removed", mark the
    # security not tradable; it leaves (and is reported removed) once it holds nothing
    algorithm, outcome = run_algorithm(RemovesSpy)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.removed_answer is True and algorithm.unknown_answer is False
    assert algorithm.tradable_after is False
    assert algorithm.limit.status == OrderStatus.CANCELED
    liquidation = algorithm.transactions.get_orders()[-1]
    assert liquidation.tag == "Removed" and liquidation.quantity == -10
    assert liquidation.status == OrderStatus.FILLED
    removals = [(time, removed) for time, _, removed in algorithm.changes if removed]
    assert len(removals) == 1 and removals[0][1] == ["SPY"]
    assert removals[0][0] > from_utc(liquidation.last_fill_time)  # once the liquidation filled
    assert algorithm.listed_at_removal == ["QQQ"]  # no longer listed...
    assert algorithm.found_at_removal == algorithm.spy  # ...but still found by its symbol
    assert algorithm.portfolio[algorithm.spy].quantity == 0


class ReadsSecuritiesAfterRemoval(RemovesSpy):
    """Reads every view of ``self.securities`` once SPY has left the algorithm."""

    def on_securities_changed(self, changes) -> None:
        super().on_securities_changed(changes)
        if changes.removed_securities:
            securities = self.securities
            self.views = {
                "contains_key": securities.contains_key(self.spy),
                "in": self.spy in securities,
                "ticker in": "SPY" in securities,
                "get": securities.get(self.spy),
                "len": len(securities),
                "count": securities.count,
                "iteration": [symbol.value for symbol in securities],
                "keys": [symbol.value for symbol in list(securities.keys())],
                "values": [security.symbol.value for security in securities.values()],
                "items": [symbol.value for symbol, _ in securities.items()],
                "total": sorted(security.symbol.value for security in securities.total),
                "portfolio contains": self.portfolio.contains_key(self.spy),
            }


def test_a_removed_security_is_found_but_not_listed_as_in_leans_security_manager():
    # Common/Securities/SecurityManager.cs keeps two dictionaries: ContainsKey, TryGetValue
    # (Python's `in`, `contains_key`, `get`) and the indexer read the complete collection,
    # which keeps removed securities; Count, Keys, Values and the enumerator (`len`, `count`,
    # iteration, `keys`, `values`, `items`) read the active one, which Remove leaves.
    algorithm, outcome = run_algorithm(ReadsSecuritiesAfterRemoval)
    assert outcome.succeeded, outcome.runtime_error
    views = algorithm.views
    assert views["contains_key"] is True and views["in"] is True and views["ticker in"] is True
    assert views["get"] is algorithm.securities[algorithm.spy]
    assert views["portfolio contains"] is True  # the portfolio asks the SecurityManager
    assert views["len"] == views["count"] == 1
    assert views["iteration"] == views["keys"] == views["values"] == views["items"] == ["QQQ"]
    assert views["total"] == ["QQQ", "SPY"]
    # remove_security of a security already removed: LEAN finds it, so True
    assert algorithm.remove_security(algorithm.spy) is True


LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"


class RemovesAigAtTheOpen(QCAlgorithm):
    """Minute data: buys AIG at the first bar, removes it at the first bar of the next day and
    notes which securities each later slice brings."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 9)
        self.aig = self.add_equity("AIG").symbol
        self.add_equity("BAC")
        self.removed_at = None
        self.after_removal: list[tuple[dt.datetime, list[str]]] = []

    def on_data(self, data) -> None:
        if not self.portfolio.invested and self.removed_at is None:
            self.market_order(self.aig, 100)
        elif self.time.date() == dt.date(2013, 10, 8) and self.removed_at is None:
            self.remove_security(self.aig)
            self.removed_at = self.time
        elif self.removed_at is not None:
            self.after_removal.append((self.time, sorted(kvp.key.value for kvp in data.bars)))


@pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "aig").is_dir(),
    reason="LEAN's minute sample data (AIG, BAC) absent",
)
def test_a_removed_security_brings_no_more_bars():
    algorithm, outcome = run_algorithm(RemovesAigAtTheOpen, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.removed_at == dt.datetime(2013, 10, 8, 9, 31)
    assert algorithm.portfolio["AIG"].quantity == 0  # liquidated when removed
    later = algorithm.after_removal
    assert later and later[0][0] == dt.datetime(2013, 10, 8, 9, 32)
    # the next minute and the next day: BAC's bars only
    assert {tuple(tickers) for _, tickers in later} == {("BAC",)}
    assert later[-1][0].date() == dt.date(2013, 10, 9)
