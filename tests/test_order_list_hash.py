"""LEAN's OrderListHash: the orders written as LEAN's JSON serializer writes them, then MD5.

The expected hashes are the ones LEAN publishes for its regression algorithms (the
``OrderListHash`` entry of ``ExpectedStatistics``); the decimal cases are LEAN's own
(``Tests/Common/Util/ExtensionsTests.cs``) or follow from .NET's decimal rules.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import OrderStatus, Resolution, SecurityType
from local_lean.order_list_hash import (
    REFUSED,
    OrderSubmission,
    decimal_json,
    normalize,
    order_json,
    order_list_hash,
    smart_rounding,
    to_decimal,
)
from local_lean.order_requests import SubmitOrderRequest
from local_lean.orders import Order, OrderType
from local_lean.priced_orders import LimitOrder
from local_lean.symbols import SecurityIdentifier, Symbol

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file(),
    reason="LEAN's sample data folder is absent",
)

SPY = Symbol(SecurityIdentifier.parse("SPY R735QTJ8XC9X"), "SPY")
# SPY's close on 2013-10-08 as LEAN holds it: 1654800 x 0.0001 x the factor row 0.8646266
SPY_CLOSE_2013_10_08 = Decimal("165.4800") * Decimal("0.8646266")


def basic_template_daily_order() -> Order:
    """The one order of LEAN's BasicTemplateDailyAlgorithm: set_holdings at the close of
    2013-10-08 becomes a MarketOnOpen order, filled with the next day's bar at its open."""
    order = Order(
        id=1,
        symbol=SPY,
        quantity=697.0,
        type=OrderType.MARKET_ON_OPEN,
        time=dt.datetime(2013, 10, 8, 20),  # UTC: 16:00 in New York
        status=OrderStatus.FILLED,
        price=165.82 * 0.8646266,
        broker_id=["1"],
    )
    order.last_fill_time = dt.datetime(2013, 10, 9, 20)
    return order


def adjusted(close: Decimal) -> OrderSubmission:
    return OrderSubmission(prices=(close, close, close), price_adjustment_mode=1)


def test_the_published_hash_of_basic_template_daily_algorithm():
    order = basic_template_daily_order()

    hashed = order_list_hash([order], {1: adjusted(SPY_CLOSE_2013_10_08)})

    assert hashed == "70f21e930175a2ec9d465b21edc1b6d9"


def test_no_orders_hash_the_empty_string_as_lean_publishes_for_algorithms_without_orders():
    assert order_list_hash([], {}) == "d41d8cd98f00b204e9800998ecf8427e"


def test_the_json_of_an_order_keeps_lean_members_order_and_decimal_scales():
    text = order_json(basic_template_daily_order(), adjusted(SPY_CLOSE_2013_10_08))
    members = json.loads(text)

    assert list(members)[:4] == ["type", "id", "contingentId", "brokerId"]
    assert members["time"] == "2013-10-08T20:00:00Z"  # UTC, with its Z
    assert '"quantity":697.0,' in text  # a whole decimal gets ".0"
    assert '"price":143.3724,' in text  # smart-rounded to 7 significant digits
    assert '"lastPrice":143.07840976800}' in text  # the scale of 4 + 7 decimals kept
    assert '"properties":{"timeInForce":{}}' in text
    assert "lastUpdateTime" not in members and "canceledTime" not in members


def test_a_limit_order_writes_its_limit_first_and_is_marketable_when_it_crosses_the_price():
    order = LimitOrder(
        id=2,
        symbol=SPY,
        quantity=-10.0,
        type=OrderType.LIMIT,
        time=dt.datetime(2013, 10, 8, 20),
        status=OrderStatus.SUBMITTED,
        limit_price=140.0,
    )
    text = order_json(order, adjusted(Decimal("143.07840976800")))
    members = json.loads(text)

    assert list(members)[:2] == ["limitPrice", "type"]
    assert members["isMarketable"] is True  # sell limit below the price
    assert '"price":0.0,' in text  # never filled: LEAN's price stays 0
    assert members["direction"] == 1


def test_an_order_refused_before_the_handler_took_it_has_no_broker_id_nor_submission_data():
    order = basic_template_daily_order()
    order.status, order.last_fill_time, order.broker_id = OrderStatus.INVALID, None, []

    members = json.loads(order_json(order, REFUSED))

    assert members["brokerId"] == []
    assert members["orderSubmissionData"] is None
    assert members["priceAdjustmentMode"] == 0
    assert members["priceCurrency"] == "USD"


def test_an_order_lean_opens_itself_has_no_currency_nor_submission_data():
    submission = OrderSubmission(prices=None, price_adjustment_mode=1, requested=False)

    members = json.loads(order_json(basic_template_daily_order(), submission))

    assert members["priceCurrency"] == ""
    assert members["orderSubmissionData"] is None


@pytest.mark.parametrize(
    ("value", "text"),
    # LEAN's NormalizeDecimalReturnsNoTrailingZeros cases, then a negative zero
    [("1.200", "1.2"), ("1200", "1200"), ("123.456", "123.456"), ("-0.000", "0")],
)
def test_normalize_as_dotnet(value, text):
    assert format(normalize(Decimal(value)), "f") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("143.372382"), "143.3724"),  # 7 significant digits
        (Decimal("1234.56789"), "1234.5679"),  # above 1000: 4 decimals
        (Decimal("1234.99999"), "1235.0000"),  # Math.Round keeps the rounding's zeros
        (Decimal("1234.5"), "1234.5"),
        (Decimal("0.0000123456789"), "0.00001234568"),
        (Decimal("2.50000005"), "2.5"),  # 7 significant digits, then normalised
    ],
)
def test_smart_rounding_as_lean(value, text):
    assert format(smart_rounding(value), "f") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("697"), "697.0"), (Decimal("0"), "0.0"), (Decimal("-1.50"), "-1.50")],
)
def test_decimals_written_as_newtonsoft_writes_them(value, text):
    assert decimal_json(value) == text


def test_a_price_that_is_not_a_number_is_refused_with_its_value():
    with pytest.raises(ValueError, match="not a number: nan"):
        to_decimal(math.nan)


@needs_lean_data
def test_the_lean_folder_gives_closes_as_lean_decimals():
    folder = LeanDataFolder(LEAN_DATA)
    day = dt.date(2013, 10, 8)

    assert format(folder.lean_decimal_close("SPY", day, "ADJUSTED"), "f") == "143.07840976800"
    assert format(folder.lean_decimal_close("SPY", day, "RAW"), "f") == "165.4800"
    assert folder.lean_decimal_close("SPY", dt.date(2013, 10, 5), "RAW") is None  # a Saturday
    assert folder.lean_decimal_close("SPY", day, "TOTAL_RETURN") is None


class SubmitsByTicker(QCAlgorithm):
    """Adds SPY, then submits an order request naming it by its ticker."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 9)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.order_symbol = None

    def on_data(self, data) -> None:
        if self.order_symbol is None:
            request = SubmitOrderRequest(
                OrderType.MARKET, SecurityType.EQUITY, "SPY", 10, 0, 0, self.utc_time, "by ticker"
            )
            ticket = self.transactions.add_order(request)
            self.order_symbol = self.transactions.get_order_by_id(ticket.order_id).symbol


@needs_lean_data
def test_an_order_request_naming_a_ticker_trades_the_added_security_and_its_identifier():
    algorithm, outcome = run_algorithm(SubmitsByTicker, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert str(algorithm.order_symbol.id) == str(algorithm.spy.symbol.id) == "SPY R735QTJ8XC9X"
