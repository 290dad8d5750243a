"""Cases of LEAN's ``Tests/Algorithm/AlgorithmSetHoldingsTests.cs``: every quantity that
``calculate_order_quantity`` sizes fits the buying power.

LEAN's test runs every permutation of an initial position (flat, long 100%, short 100%), a
different final one, four fee models (none, $1, $100, Interactive Brokers'), five price
movements between the two (none, to 161, 159, 165 or 155 from 160) and leverage 1 or 100: 240
cases. In each, the quantity for the target is sized, its order must need no more margin (fees
included) than remains for its direction, and it is filled at the price. Here the same happens
during a real backtest (SPY of the synthetic market, LEAN's flat bars in place of its bar), the
fills applied with ``portfolio.process_fills``; whether the order fits is the runner's buying
power check (``buying_power.insufficient_buying_power``, LEAN's
``HasSufficientBuyingPowerForOrder``, which also accepts an order that reduces a position).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.buying_power import insufficient_buying_power
from local_lean.enums import OrderStatus
from local_lean.market_data import TradeBar
from local_lean.models.fees import ConstantFeeModel, InteractiveBrokersFeeModel, fee_of
from local_lean.orders import CashAmount, Order, OrderEvent, OrderFee, OrderType

POSITIONS = {"Zero": 0, "Long": 1, "Short": -1}
FEES = {
    "None": lambda: ConstantFeeModel(0),
    "Small": lambda: ConstantFeeModel(1),
    "Large": lambda: ConstantFeeModel(100),
    "InteractiveBrokers": InteractiveBrokersFeeModel,
}
BASE_PRICE = 160.0
PRICE_MOVES = {
    "Static": None,
    "RisingSmall": 161.0,
    "FallingSmall": 159.0,
    "RisingLarge": 165.0,
    "FallingLarge": 155.0,
}
LEVERAGES = (1, 100)

CASES = [
    (initial, final, fee, move, leverage)
    for initial, final, fee, move, leverage in itertools.product(
        POSITIONS, POSITIONS, FEES, PRICE_MOVES, LEVERAGES
    )
    if initial != final
]


def case_id(case: tuple) -> str:
    initial, final, fee, move, leverage = case
    return f"{initial}-to-{final}-fee{fee}-{move}-leverage{leverage}"


class SetsHoldingsInEveryCase(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 6)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY").symbol
        self.problems: dict[str, list[str]] = {}
        self.schedule.on(self.date_rules.on(2021, 1, 5), self.time_rules.at(10, 0), self.run_all)

    def run_all(self) -> None:
        security = self.securities[self.spy]
        for case in CASES:
            initial, final, fee, move, leverage = case
            security.set_fee_model(FEES[fee]())
            security.set_leverage(leverage)
            self.portfolio.set_cash(100_000)
            security.holdings.set_holdings(0, 0)
            self.update(BASE_PRICE)
            problems = []
            if POSITIONS[initial] != 0:
                problems += self.size_and_fill(POSITIONS[initial])
                if PRICE_MOVES[move] is not None:
                    self.update(PRICE_MOVES[move])
            problems += self.size_and_fill(POSITIONS[final])
            self.problems[case_id(case)] = problems
        security.set_fee_model(InteractiveBrokersFeeModel())
        security.set_leverage(2)
        security.holdings.set_holdings(0, 0)
        self.portfolio.set_cash(100_000)

    def size_and_fill(self, target: float) -> list[str]:
        """Size `target`, check the order fits, and fill it at the price (as LEAN's test)."""
        security = self.securities[self.spy]
        quantity = self.calculate_order_quantity(self.spy, target)
        order = Order(1, self.spy, quantity, OrderType.MARKET, self.utc_time)
        problem = insufficient_buying_power(self.portfolio, security, order)
        fee = fee_of(self.portfolio, security, quantity, security.price)
        fill = OrderEvent(
            order_id=1,
            symbol=self.spy,
            utc_time=self.utc_time,
            status=OrderStatus.FILLED,
            quantity=quantity,
            fill_price=security.price,
            fill_quantity=quantity,
            order_fee=OrderFee(CashAmount(fee)),
        )
        self.portfolio.process_fills([fill])
        return [f"{quantity:g} shares for {target:+.0%}: {problem}"] if problem else []

    def update(self, close: float) -> None:
        start = dt.datetime.combine(self.time.date(), dt.time())
        bar = TradeBar(self.spy, start, self.time, close, close, close, close, 0)
        self.securities[self.spy].set_market_price(bar)


@pytest.fixture(scope="module")
def problems() -> dict[str, list[str]]:
    algorithm, outcome = run_algorithm(SetsHoldingsInEveryCase)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm.problems


def test_there_are_leans_240_cases():
    assert len(CASES) == 240


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_the_sized_order_fits_the_buying_power(problems, case):
    assert problems[case_id(case)] == []
