"""Cases of LEAN's ``Tests/Algorithm/AlgorithmTradingTests.cs``: ``calculate_order_quantity``.

Each case is LEAN's: an equity at $25 in a $100,000 account (fee model ``ConstantFeeModel`` of
0, 1 or 10,000 dollars; leverage 1, 2 or 100), the cash and holding LEAN's test sets with
``portfolio.set_cash`` and ``holding.set_holdings``, a new price for the "price rise" cases
(which also fix ``settings.free_portfolio_value`` at the buffer of the new value, as LEAN's
test does), then the target and the quantity LEAN expects. The inputs are applied with the
same members, during a real backtest (SPY of the synthetic market, its bar replaced by LEAN's
flat bar), and every quantity is computed there.

LEAN's "DifferentMargins" cases use ``SecurityMarginModel(0.5, 0.25)``: initial margin 50%,
maintenance 25%. The runner's margin model has one leverage; the quantity depends on the
initial margin only, so they run at leverage 2 (50%). LEAN's tests also ask the buying-power
model whether each order fits; the runner checks that when an order is placed, not through a
public method, so that assertion is not ported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.market_data import TradeBar
from local_lean.models.fees import ConstantFeeModel

LEVERAGES = (1, 2, 100)  # LEAN's TestParameters
FEES = (0, 1, 10_000)  # no fee, _SmallConstantFeeStructure, _HighConstantFeeStructure


@dataclass(frozen=True)
class Case:
    name: str
    fee: float
    target: float
    expected: float
    cash: float | None = None
    holding: tuple[float, float] | None = None  # average price, quantity
    new_price: float | None = None  # the "price rise" and "price fall" cases
    price: float = 25.0
    leverage: float = 2.0
    minimum_order_margin: float = 0.0  # LEAN's first GetAlgorithm sets 0
    free_portfolio_value: float | None = None  # set before the holding, where LEAN's test does

    @property
    def id(self) -> str:
        return f"{self.name}-fee{self.fee:g}-leverage{self.leverage:g}"


def by_fee(name: str, target: float, expected: tuple[float, float, float], **setup) -> list:
    """One LEAN test per fee structure, each run at LEAN's three leverages."""
    return [
        Case(name, fee, target, quantity, leverage=leverage, **setup)
        for fee, quantity in zip(FEES, expected, strict=True)
        for leverage in LEVERAGES
    ]


HALF_LONG = {"cash": 50_000, "holding": (25, 2000)}
THREE_QUARTERS_LONG = {"cash": 25_000, "holding": (25, 3000)}
SHORT = {"cash": 150_000, "holding": (25, -2000)}
DIFFERENT_MARGINS = {"leverage": 2, "minimum_order_margin": 0.001}  # LEAN's second GetAlgorithm

CASES = [
    *by_fee("SetHoldings_ZeroToLong", 0.5, (1995, 1994, 1795)),
    *by_fee("SetHoldings_ZeroToShort", -0.5, (-1995, -1994, -1795)),
    *by_fee("SetHoldings_LongToLonger", 0.75, (992, 992, 693), **HALF_LONG),
    *by_fee("SetHoldings_LongerToLong", 0.5, (-1005, -1006, -1205), **THREE_QUARTERS_LONG),
    *by_fee("SetHoldings_LongToZero", 0, (-2000, -2000, -2000), **HALF_LONG),
    *by_fee("SetHoldings_LongToShort", -0.5, (-3995, -3994, -3795), **HALF_LONG),
    *by_fee("SetHoldings_HalfLongToFullShort", -1, (-5990, -5989, -5591), **HALF_LONG),
    *by_fee("SetHoldings_ShortToZero", 0, (2000, 2000, 2000), **SHORT),
    *by_fee("SetHoldings_ShortToShorter", -0.75, (-992, -992, -693), **SHORT),
    *by_fee("SetHoldings_ShortToLong", 0.5, (3995, 3994, 3795), **SHORT),
    *[
        Case(
            f"SetHoldings_HalfLongToHalfShort_DifferentMargins-{f}",
            f,
            -0.5,
            q,
            **HALF_LONG,
            **DIFFERENT_MARGINS,
        )
        for f, q in zip(FEES, (-3995, -3994, -3795), strict=True)
    ],
    *[
        Case(
            f"SetHoldings_HalfLongToFullShort_DifferentMargins-{f}",
            f,
            -1,
            q,
            **HALF_LONG,
            **DIFFERENT_MARGINS,
        )
        for f, q in zip(FEES, (-5990, -5989, -5591), strict=True)
    ],
    *[
        Case(
            f"SetHoldings_HalfLongToFull2xShort_DifferentMargins-{f}",
            f,
            -2,
            q,
            **HALF_LONG,
            **DIFFERENT_MARGINS,
        )
        for f, q in zip(FEES, (-9980, -9979, -9182), strict=True)
    ],
    Case("SetHoldings_ZeroToFullShort_DifferentMargins", 10_000, -2, -7182, **DIFFERENT_MARGINS),
    Case(
        "SetHoldings_ZeroToAlmostFullShort_DifferentMargins",
        10_000,
        -1.5,
        -5386,
        **DIFFERENT_MARGINS,
    ),
    Case("SetHoldings_ZeroToFullLong_DifferentMargins", 10_000, 2, 7182, **DIFFERENT_MARGINS),
    Case(
        "SetHoldings_ZeroToAlmostFullLong_DifferentMargins", 10_000, 1.5, 5386, **DIFFERENT_MARGINS
    ),
    *by_fee("SetHoldings_LongFixed_PriceRise", 0.5, (-504, -504, -604), new_price=50, **HALF_LONG),
    *by_fee("SetHoldings_LongToLonger_PriceRise", 0.75, (244, 244, 94), new_price=50, **HALF_LONG),
    *[
        Case(name, 0, target, expected, leverage=leverage, new_price=new_price, **setup)
        for name, target, expected, new_price, setup in [
            ("SetHoldings_LongerToLong_PriceRise", 0.5, -1255, 50, THREE_QUARTERS_LONG),
            ("SetHoldings_LongToShort_PriceRise", -0.5, -3496, 50, HALF_LONG),
            ("SetHoldings_ShortToShorter_PriceRise", -0.75, 1252, 50, SHORT),
            ("SetHoldings_ShortToLong_PriceRise", 0.5, 2498, 50, SHORT),
            ("SetHoldings_ShortFixed_PriceFall", -0.5, -2987, 12.5, SHORT),
        ]
        for leverage in LEVERAGES
    ],
    Case(
        "PrecisionFailureAdjustment",
        0,
        0.4987458298843655153385005142 * 2,
        1684,
        cash=112_302.5,
        holding=(66.5, -190),
        price=66.5,
        free_portfolio_value=0,
    ),
]


class CalculatesLeanCases(QCAlgorithm):
    """Sets each case's account up during the session of 2021-01-05 and sizes its target."""

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 6)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY").symbol
        self.quantities: dict[str, float] = {}
        self.schedule.on(self.date_rules.on(2021, 1, 5), self.time_rules.at(10, 0), self.size)

    def size(self) -> None:
        security = self.securities[self.spy]
        holding = self.portfolio[self.spy]
        for case in CASES:
            self.settings.minimum_order_margin_portfolio_percentage = case.minimum_order_margin
            self.settings.free_portfolio_value = None
            security.set_fee_model(ConstantFeeModel(case.fee))
            security.set_leverage(case.leverage)
            self.portfolio.set_cash(100_000)
            holding.set_holdings(0, 0)
            self.update(case.price)
            if case.cash is not None:
                self.portfolio.set_cash(case.cash)
            if case.free_portfolio_value is not None:
                self.settings.free_portfolio_value = case.free_portfolio_value
            if case.holding is not None:
                holding.set_holdings(*case.holding)
            if case.new_price is not None:
                self.update(case.new_price)
                self.settings.free_portfolio_value = (
                    self.portfolio.total_portfolio_value
                    * self.settings.free_portfolio_value_percentage
                )
            self.quantities[case.id] = self.calculate_order_quantity(self.spy, case.target)
        # Leave the account as it was, for the rest of the backtest.
        self.settings.free_portfolio_value = None
        holding.set_holdings(0, 0)
        self.portfolio.set_cash(100_000)

    def update(self, close: float) -> None:
        """LEAN's test's Update: a bar whose open, high, low and close are `close`."""
        start = dt.datetime.combine(self.time.date(), dt.time())
        bar = TradeBar(self.spy, start, self.time, close, close, close, close, 0)
        self.securities[self.spy].set_market_price(bar)


@pytest.fixture(scope="module")
def quantities() -> dict[str, float]:
    algorithm, outcome = run_algorithm(CalculatesLeanCases)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm.quantities


# LEAN sizes in .NET decimals: the target margin, percent x value x 0.5 with the percent
# 0.99749165976873103067700102840 x 2 of the test, comes to 49708.749999999999999999999999
# (29 significant digits), a hair under 1,495 shares' margin, so LEAN orders 1,684; in doubles
# it is exactly 49708.75, and the runner orders 1,685 (to 1,495 shares).
DIFFERS = {
    "PrecisionFailureAdjustment-fee0-leverage2": "LEAN's decimal arithmetic leaves the target "
    "margin a hair under 1,495 shares (1684); the runner's doubles reach it exactly (1685)"
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(reason=DIFFERS[case.id], strict=True))
        if case.id in DIFFERS
        else case
        for case in CASES
    ],
    ids=[case.id for case in CASES],
)
def test_calculate_order_quantity_as_lean(quantities, case):
    assert quantities[case.id] == case.expected
