"""Cases of LEAN's ``Tests/Common/Securities/SecurityHoldingTests.cs``.

``ComputesUnrealizedProfit``: LEAN's unrealized profit is ``TotalCloseProfit()``, what closing
the position now would gain, less the market order's fee (LEAN's test: $1 for 100 shares at
$100, Interactive Brokers' minimum), at the bid for a long and the ask for a short. Daily trade
bars carry no bid or ask, so LEAN takes the last price there, as here.
``Raises_QuantityChanged_WhenSetHoldingsCalled``: ``set_holdings`` sets the average price and
the quantity, as in LEAN; the ``quantity_changed`` event is not emulated and says so.
``TotalCloseProfit``'s parameters are checked by hand: LEAN's tests reach them only through
``UnrealizedProfit``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.market_data import TradeBar
from local_lean.securities import Security
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")


def spy_at(price: float) -> Security:
    security = Security(SPY, Resolution.DAILY, True)
    start = dt.datetime(2021, 1, 4)
    end = dt.datetime(2021, 1, 4, 16)
    security.set_market_price(TradeBar(SPY, start, end, price, price, price, price, 0))
    return security


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (100, -1.0),  # LEAN: (bid - last) * 100 - fee, with no quote the bid is the last price
        (-100, -1.0),  # LEAN: (ask - last) * -100 - fee
    ],
    ids=["long", "short"],
)
def test_computes_unrealized_profit(quantity, expected):
    security = spy_at(100)
    holding = security.holdings
    holding.set_holdings(100, quantity)
    assert holding.unrealized_profit == expected


def test_unrealized_profit_percent_is_over_the_absolute_holdings_cost():
    """LEAN's ``UnrealizedProfitPercent``: unrealized profit over the absolute holdings cost, 0
    without a position."""
    security = spy_at(100)
    holding = security.holdings
    assert holding.unrealized_profit_percent == 0
    for average_price, quantity in ((90, 100), (110, -100)):
        holding.set_holdings(average_price, quantity)
        expected = holding.unrealized_profit / abs(average_price * quantity)
        assert holding.unrealized_profit_percent == expected != 0


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({}, 100 * (100 - 90) - 1),  # the holding's quantity at the latest price, less the fee
        ({"include_fees": False}, 100 * (100 - 90)),
        ({"exit_price": 95}, 100 * (95 - 90) - 1),
        ({"entry_price": 80, "include_fees": False}, 100 * (100 - 80)),
        ({"quantity": 10}, 10 * (100 - 90) - 1),  # IB's minimum fee
    ],
)
def test_total_close_profit(arguments, expected):
    """LEAN's ``TotalCloseProfit(includeFees, exitPrice, entryPrice, quantity)``."""
    security = spy_at(100)
    security.holdings.set_holdings(90, 100)
    assert security.holdings.total_close_profit(**arguments) == expected


def test_set_holdings_sets_average_price_and_quantity():
    security = spy_at(100)
    holding = security.holdings
    holding.set_holdings(100, 100)  # LEAN's int overload
    assert (holding.average_price, holding.quantity) == (100, 100)
    holding.set_holdings(101, 200)  # and its decimal one
    assert (holding.average_price, holding.quantity) == (101, 200)
    assert holding.holdings_cost == 101 * 200
    assert holding.absolute_holdings_cost == 101 * 200
    assert holding.unlevered_holdings_cost == 101 * 200 / security.leverage
    assert holding.invested and holding.hold_stock


def test_quantity_changed_is_not_emulated():
    holding = spy_at(100).holdings
    with pytest.raises(
        NotSupportedError, match=r"SecurityHolding\.quantity_changed .*on_order_event"
    ):
        holding.quantity_changed  # noqa: B018 - the read itself must raise
