"""set_holdings with a list of PortfolioTarget (LEAN's ``SetHoldings(List<PortfolioTarget>)``)
and the order it places targets in (LEAN's ``OrderTargetsByMarginImpact``, cases ported from
LEAN's Tests/Common/OrderTargetsByMarginImpactTests.cs), on LEAN's minute sample data."""

from __future__ import annotations

from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.framework import PortfolioTarget
from local_lean.framework.execution import order_targets_by_margin_impact
from local_lean.orders import OrderStatus

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
pytestmark = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "ibm").is_dir(),
    reason="LEAN's minute sample data (SPY, IBM) absent",
)


class HoldsTwoSpyShares(QCAlgorithm):
    """Buys 2 SPY at the first minute, then at the next records how targets are ordered."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.ibm = self.add_equity("IBM", Resolution.MINUTE).symbol
        self.orderings: dict[str, list[tuple[str, float]]] = {}

    def on_data(self, data) -> None:
        if not self.portfolio.invested:
            self.market_order(self.spy, 2)
            return
        if self.orderings:
            return
        spy, ibm = self.spy, self.ibm
        cases = {
            "reducing first": ([PortfolioTarget(ibm, 5), PortfolioTarget(spy, 1)], False),
            "reducing first, delta": ([PortfolioTarget(ibm, 5), PortfolioTarget(spy, -1)], True),
            "delta effect": ([PortfolioTarget(ibm, 5), PortfolioTarget(spy, -2.5)], True),
            "no delta effect": ([PortfolioTarget(ibm, 5), PortfolioTarget(spy, -2.5)], False),
            "largest first": ([PortfolioTarget(spy, 1), PortfolioTarget(ibm, 5)], True),
            "under a share, delta": ([PortfolioTarget(spy, 2.9)], True),
            "under a share": ([PortfolioTarget(spy, 2.9)], False),
            "under a share, not held": ([PortfolioTarget(ibm, 0.9)], True),
        }
        for name, (targets, target_is_delta) in cases.items():
            ordered = order_targets_by_margin_impact(self, targets, target_is_delta)
            self.orderings[name] = [(t.symbol.value, t.quantity) for t in ordered]


def test_targets_reducing_a_position_come_first_then_the_largest_orders():
    algorithm, outcome = run_algorithm(HoldsTwoSpyShares, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.portfolio["SPY"].quantity == 2
    orderings = algorithm.orderings
    assert orderings["reducing first"] == [("SPY", 1), ("IBM", 5)]
    assert orderings["reducing first, delta"] == [("SPY", -1), ("IBM", 5)]
    # a delta of -2.5 shares sells the 2 held (a reduction); a target of -2.5 shares goes from
    # 2 to -2, no reduction, and IBM's 5 shares are the larger order
    assert orderings["delta effect"] == [("SPY", -2.5), ("IBM", 5)]
    assert orderings["no delta effect"] == [("IBM", 5), ("SPY", -2.5)]
    assert orderings["largest first"] == [("IBM", 5), ("SPY", 1)]
    # the target keeps its fractional quantity; one whole share of order is needed
    assert orderings["under a share, delta"] == [("SPY", 2.9)]
    assert orderings["under a share"] == []
    assert orderings["under a share, not held"] == []


class RotatesWithLeverageOne(QCAlgorithm):
    """LEAN's SetHoldingsMultipleTargetsRegressionAlgorithm's first two minutes: 80% SPY and
    20% IBM, then 20% SPY and 80% IBM, with leverage 1 so the purchase needs the sale's margin."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.spy = self.add_equity("SPY", Resolution.MINUTE, leverage=1).symbol
        self.ibm = self.add_equity("IBM", Resolution.MINUTE, leverage=1).symbol
        self.rotated_tickets = None

    def on_data(self, data) -> None:
        if not self.portfolio.invested:
            self.set_holdings([PortfolioTarget(self.spy, 0.8), PortfolioTarget(self.ibm, 0.2)])
        elif self.rotated_tickets is None:
            self.rotated_tickets = self.set_holdings(
                [PortfolioTarget(self.ibm, 0.8), PortfolioTarget(self.spy, 0.2)]
            )


def test_set_holdings_with_targets_sells_before_it_buys():
    algorithm, outcome = run_algorithm(RotatesWithLeverageOne, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    tickets = algorithm.rotated_tickets
    # the SPY sale is placed first although IBM's target came first
    assert [ticket.symbol.value for ticket in tickets] == ["SPY", "IBM"]
    assert tickets[0].quantity < 0 < tickets[1].quantity
    assert all(ticket.status == OrderStatus.FILLED for ticket in tickets)
    invalid = algorithm.transactions.get_orders(lambda o: o.status == OrderStatus.INVALID)
    assert list(invalid) == []
    value = algorithm.portfolio.total_portfolio_value
    assert algorithm.portfolio["IBM"].holdings_value / value == pytest.approx(0.8, abs=0.01)
    assert algorithm.portfolio["SPY"].holdings_value / value == pytest.approx(0.2, abs=0.01)
