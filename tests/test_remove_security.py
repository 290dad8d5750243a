"""remove_security as LEAN's QCAlgorithm.RemoveSecurity, and removed securities still found by
``securities[symbol]`` as in LEAN's SecurityManager (its complete collection)."""

from __future__ import annotations

import datetime as dt

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
