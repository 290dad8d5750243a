"""Cases of LEAN's ``Tests/Common/Securities/SecurityPortfolioManagerTests.cs`` for US equities.

Fills applied with ``process_fills`` (cash and quantity after a sale from flat, long and short),
the margin as the price moves at leverage 1 and 2 (margin used, margin remaining, the total
value, and whether a further order has the buying power, which the runner checks with
``buying_power.insufficient_buying_power`` where LEAN's test asks the security's buying-power
model), ``NormalizationModeDoesNotChangeNetProfit`` (profit, dividends and fees add up to the
portfolio's totals) and ``GetsMarginRemainingForSecurity`` for equities (LEAN's
``GetMarginRemaining(symbol, direction)``, which ``get_buying_power`` returns). LEAN's
margin-call, forex, crypto, future, CFD, option, settlement and account-currency cases are
outside the runner's scope.
"""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.buying_power import insufficient_buying_power
from local_lean.enums import OrderStatus, Resolution
from local_lean.market_data import TradeBar
from local_lean.models.fees import ConstantFeeModel
from local_lean.orders import Order, OrderDirection, OrderEvent, OrderType
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.securities import Security, SecurityManager
from local_lean.symbols import equity_symbol

AAPL = equity_symbol("AAPL")
START = dt.datetime(2021, 1, 4, 16)


def account(cash: float, leverage: float = 2.0) -> tuple[SecurityPortfolioManager, Security]:
    securities = SecurityManager()
    security = Security(AAPL, Resolution.DAILY, True)
    securities.add(security)
    security.set_leverage(leverage)
    portfolio = SecurityPortfolioManager(securities, cash)
    return portfolio, security


def set_price(security: Security, price: float, day: int = 0) -> None:
    end = START + dt.timedelta(days=day)
    start = end.replace(hour=0)
    security.set_market_price(TradeBar(AAPL, start, end, price, price, price, price, 1))


def fill(quantity: float, price: float) -> OrderEvent:
    return OrderEvent(
        order_id=1,
        symbol=AAPL,
        utc_time=START,
        status=OrderStatus.FILLED,
        quantity=quantity,
        fill_price=price,
        fill_quantity=quantity,
    )


def has_buying_power(portfolio: SecurityPortfolioManager, security: Security, quantity) -> bool:
    order = Order(id=2, symbol=AAPL, quantity=quantity, type=OrderType.MARKET, time=START)
    return insufficient_buying_power(portfolio, security, order) == ""


@pytest.mark.parametrize(
    ("name", "holding", "expected_quantity"),
    [
        ("SellingShortFromZeroAddsToCash", None, -100),
        ("SellingShortFromLongAddsToCash", (100, 100), 0),
        ("SellingShortFromShortAddsToCash", (100, -100), -200),
    ],
)
def test_selling_adds_to_cash(name, holding, expected_quantity):
    portfolio, security = account(0)
    if holding is not None:
        security.holdings.set_holdings(*holding)
    portfolio.process_fills([fill(-100, 100)])
    assert portfolio.cash == 100 * 100
    assert security.holdings.quantity == expected_quantity


def test_compute_margin_properly_as_security_price_fluctuates():
    quantity = 1000
    portfolio, security = account(quantity, leverage=1)
    set_price(security, 1)
    portfolio.process_fills([fill(quantity, 1)])
    assert portfolio.margin_remaining == 0
    assert portfolio.total_margin_used == quantity
    assert portfolio.total_portfolio_value == quantity
    assert not has_buying_power(portfolio, security, 1)

    set_price(security, 2, day=1)  # the stock doubles: leverage 1 leaves no margin free
    assert portfolio.margin_remaining == 0
    assert portfolio.total_margin_used == quantity * 2
    assert portfolio.total_portfolio_value == quantity * 2
    assert not has_buying_power(portfolio, security, 1)

    set_price(security, 0.5, day=2)  # it plummets: still no margin free
    assert portfolio.margin_remaining == 0
    assert portfolio.total_margin_used == quantity / 2
    assert portfolio.total_portfolio_value == quantity / 2


def test_compute_margin_properly_long_sell_zero_short():
    amount, leverage = 1000, 2
    quantity = amount * leverage
    portfolio, security = account(amount, leverage=leverage)
    set_price(security, 1)
    portfolio.process_fills([fill(quantity, 1)])
    assert not has_buying_power(portfolio, security, 1)  # no new purchase
    assert has_buying_power(portfolio, security, -quantity)  # a sale to zero

    set_price(security, 0.5, day=1)  # negative margin remaining now
    assert has_buying_power(portfolio, security, -quantity)  # still a sale to zero
    assert not has_buying_power(portfolio, security, -quantity - 1)  # but not to a short


def test_compute_margin_properly_short_cover_zero_long():
    amount, leverage = 1000, 2
    quantity = amount * leverage
    portfolio, security = account(amount, leverage=leverage)
    set_price(security, 1)
    portfolio.process_fills([fill(-quantity, 1)])
    assert not has_buying_power(portfolio, security, -1)  # no further short
    assert has_buying_power(portfolio, security, quantity)  # covering to zero

    set_price(security, 2, day=1)  # the stock doubles against the short
    assert has_buying_power(portfolio, security, quantity)  # still covering to zero
    assert not has_buying_power(portfolio, security, quantity + 1)  # but not to a long


@pytest.mark.parametrize(
    ("mode", "profit_loss", "dividend_payment"),
    [("ADJUSTED", 200, 0), ("RAW", 100, 100), ("SPLIT_ADJUSTED", 100, 100)],
)
def test_normalization_mode_does_not_change_net_profit(mode, profit_loss, dividend_payment):
    """LEAN's case applies the dividend with ``Portfolio.ApplyDividend``; here the holding is
    credited with it (``add_new_dividend``, what the runner's dividend handling calls for raw
    and split-adjusted prices): the totals are LEAN's."""
    fee = 1
    portfolio, security = account(100_000)
    set_price(security, 100)
    security.holdings.set_holdings(100, 100)
    security.holdings.add_new_fee(fee)
    security.holdings.add_new_profit(profit_loss)
    security.holdings.add_new_dividend(dividend_payment)
    assert portfolio.total_profit == profit_loss + dividend_payment
    assert portfolio.total_net_profit == profit_loss + dividend_payment - fee


@pytest.mark.parametrize(
    ("initial_quantity", "direction"),
    [
        (0, OrderDirection.BUY),
        (0, OrderDirection.SELL),
        (100, OrderDirection.BUY),
        (100, OrderDirection.SELL),
        (-100, OrderDirection.BUY),
        (-100, OrderDirection.SELL),
    ],
)
def test_gets_margin_remaining_for_security(initial_quantity, direction):
    portfolio, security = account(1_000_000)
    security.set_fee_model(ConstantFeeModel(0))
    set_price(security, 100)
    security.holdings.set_holdings(security.price, initial_quantity)
    holding = security.holdings
    same_direction = (holding.is_long and direction == OrderDirection.BUY) or (
        holding.is_short and direction == OrderDirection.SELL
    )
    margin_remaining = portfolio.get_buying_power(AAPL, direction)
    if same_direction:
        assert margin_remaining == portfolio.margin_remaining
    else:
        maintenance = holding.absolute_holdings_value / security.leverage
        initial = abs(security.price * holding.quantity / security.leverage)
        assert margin_remaining == portfolio.margin_remaining + maintenance + initial
