"""Cases of LEAN's ``Tests/Common/Orders/OrderTests.cs`` for US equities.

``GetValueTest``: each order type's value at a security price of 1.2345 (a purchase at the lower
of its price and the market's, a sale at the higher); ``TrailingStopOrder_CalculatesStopPrice``
and ``TrailingStopOrder_UpdatesStopPriceIfNecessary``: the trailing stop's price and when it
moves. LEAN's forex, CFD and option cases are out of the runner's scope (US equities only).
"""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.enums import Resolution
from local_lean.market_data import TradeBar
from local_lean.orders import Order, OrderDirection, OrderType
from local_lean.priced_orders import (
    LimitIfTouchedOrder,
    LimitOrder,
    StopLimitOrder,
    StopMarketOrder,
    TrailingStopOrder,
)
from local_lean.securities import Security
from local_lean.symbols import equity_symbol

DELTA = 1.0
PRICE = 1.2345
QUANTITY = 100
PLUS = PRICE + DELTA
MINUS = PRICE - DELTA
TIME = dt.datetime(2016, 2, 4, 21, 0)  # 16:00 New York, in UTC
SPY = equity_symbol("SPY")


def order(kind: type, quantity: float, **prices: float) -> Order:
    order_type = {
        Order: OrderType.MARKET,
        LimitOrder: OrderType.LIMIT,
        StopMarketOrder: OrderType.STOP_MARKET,
        StopLimitOrder: OrderType.STOP_LIMIT,
        TrailingStopOrder: OrderType.TRAILING_STOP,
        LimitIfTouchedOrder: OrderType.LIMIT_IF_TOUCHED,
    }[kind]
    return kind(id=1, symbol=SPY, quantity=quantity, type=order_type, time=TIME, **prices)


# LEAN's equity cases: name, order, expected value.
GET_VALUE_CASES = [
    ("EquityLongMarketOrder", order(Order, QUANTITY), QUANTITY * PRICE),
    ("EquityShortMarketOrder", order(Order, -QUANTITY), -QUANTITY * PRICE),
    ("EquityLongLimitOrder", order(LimitOrder, QUANTITY, limit_price=MINUS), QUANTITY * MINUS),
    ("EquityShortLimitOrder", order(LimitOrder, -QUANTITY, limit_price=PLUS), -QUANTITY * PLUS),
    (
        "EquityLongStopLimitOrder",
        order(StopLimitOrder, QUANTITY, stop_price=0.5 * MINUS, limit_price=MINUS),
        QUANTITY * MINUS,
    ),
    (
        "EquityShortStopLimitOrder",
        order(StopLimitOrder, -QUANTITY, stop_price=1.5 * PLUS, limit_price=PLUS),
        -QUANTITY * PLUS,
    ),
    (
        "EquityLongStopMarketOrder-below",
        order(StopMarketOrder, QUANTITY, stop_price=MINUS),
        QUANTITY * MINUS,
    ),
    (
        "EquityLongStopMarketOrder-above",
        order(StopMarketOrder, QUANTITY, stop_price=PLUS),
        QUANTITY * PRICE,
    ),
    (
        "EquityShortStopMarketOrder-above",
        order(StopMarketOrder, -QUANTITY, stop_price=PLUS),
        -QUANTITY * PLUS,
    ),
    (
        "EquityShortStopMarketOrder-below",
        order(StopMarketOrder, -QUANTITY, stop_price=MINUS),
        -QUANTITY * PRICE,
    ),
    (
        "EquityLongTrailingStopOrderPriceMinusDelta",
        order(
            TrailingStopOrder,
            QUANTITY,
            stop_price=MINUS,
            trailing_amount=0.1,
            trailing_as_percentage=True,
        ),
        QUANTITY * MINUS,
    ),
    (
        "EquityLongTrailingStopOrderPricePlusDelta",
        order(
            TrailingStopOrder,
            QUANTITY,
            stop_price=PLUS,
            trailing_amount=0.1,
            trailing_as_percentage=True,
        ),
        QUANTITY * PRICE,
    ),
    (
        "EquityShortTrailingStopOrderPricePlusDelta",
        order(
            TrailingStopOrder,
            -QUANTITY,
            stop_price=PLUS,
            trailing_amount=0.1,
            trailing_as_percentage=True,
        ),
        -QUANTITY * PLUS,
    ),
    (
        "EquityShortTrailingStopOrderPriceMinusDelta",
        order(
            TrailingStopOrder,
            -QUANTITY,
            stop_price=MINUS,
            trailing_amount=0.1,
            trailing_as_percentage=True,
        ),
        -QUANTITY * PRICE,
    ),
    (
        "EquityLongLimitIfTouchedOrder",
        order(LimitIfTouchedOrder, QUANTITY, trigger_price=1.5 * PLUS, limit_price=MINUS),
        QUANTITY * MINUS,
    ),
    (
        "EquityShortLimitIfTouchedOrder",
        order(LimitIfTouchedOrder, -QUANTITY, trigger_price=0.5 * MINUS, limit_price=PLUS),
        -QUANTITY * PLUS,
    ),
]


@pytest.fixture
def equity() -> Security:
    security = Security(SPY, Resolution.MINUTE, True)
    start = dt.datetime(2016, 2, 4, 15, 59)
    bar = TradeBar(SPY, start, start + dt.timedelta(minutes=1), PRICE, PRICE, PRICE, PRICE, 0)
    security.set_market_price(bar)
    return security


@pytest.mark.parametrize(
    ("name", "an_order", "expected"), GET_VALUE_CASES, ids=[c[0] for c in GET_VALUE_CASES]
)
def test_get_value(equity, name, an_order, expected):
    assert an_order.get_value(equity) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("direction", "market_price", "trailing_amount", "as_percentage", "expected"),
    [
        (OrderDirection.SELL, 300, 0.1, True, 270),
        (OrderDirection.SELL, 300, 30, False, 270),
        (OrderDirection.BUY, 300, 0.1, True, 330),
        (OrderDirection.BUY, 300, 30, False, 330),
    ],
)
def test_trailing_stop_order_calculates_stop_price(
    direction, market_price, trailing_amount, as_percentage, expected
):
    stop = TrailingStopOrder.calculate_stop_price(
        market_price, trailing_amount, as_percentage, direction
    )
    assert stop == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("direction", "current_stop", "market_price", "trailing_amount", "as_percentage", "expected"),
    [
        (OrderDirection.SELL, 269, 300, 0.1, True, 270),
        (OrderDirection.SELL, 270, 300, 0.1, True, None),
        (OrderDirection.SELL, 269, 300, 30, False, 270),
        (OrderDirection.SELL, 270, 300, 30, False, None),
        (OrderDirection.BUY, 331, 300, 0.1, True, 330),
        (OrderDirection.BUY, 330, 300, 0.1, True, None),
        (OrderDirection.BUY, 331, 300, 30, False, 330),
        (OrderDirection.BUY, 330, 300, 30, False, None),
    ],
)
def test_trailing_stop_order_updates_stop_price_if_necessary(
    direction, current_stop, market_price, trailing_amount, as_percentage, expected
):
    updated, stop = TrailingStopOrder.try_update_stop_price(
        market_price, current_stop, trailing_amount, as_percentage, direction, None
    )
    assert updated == (expected is not None)
    if expected is not None:
        assert stop == pytest.approx(expected, rel=1e-15)
