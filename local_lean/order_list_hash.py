"""LEAN's OrderListHash: the MD5 of every order as LEAN's JSON serializer writes it.

LEAN adds "OrderListHash" to a backtest's statistics (``Messaging.Send`` of the final result,
``Extensions.GetHash`` over the transaction handler's orders): the orders, by id, each written by
Newtonsoft.Json with no settings and joined with ",", after ``SmartRounding`` of the order's
price and of its limit, stop, trigger prices and trailing amount. A matching hash therefore
means the same orders: ids, types, quantities, times, statuses, tags, fill prices, and the
security's prices when each was submitted.

What the JSON holds, and why it is written here the way it is:

- Members in the order .NET reflection gives them: the order class's own first (a limit order's
  ``limitPrice``, then ``type``), then ``Order``'s; null times left out, as their attributes ask.
- Numbers are .NET decimals: their scale shows (``145.2900`` is not ``145.29``) and a whole
  number gets ".0". Prices LEAN smart-rounds come out the same from a float; the price the
  security had at submission (``orderSubmissionData.lastPrice``) is not rounded, so the caller
  gives it as LEAN computed it (the file's integer times 0.0001 times the factor-file text).
- Enumerations are their integer values; times are UTC with a "Z".
- An order refused before the transaction handler took it has no submission data and the RAW
  price adjustment mode (0); an order never filled has price 0.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from local_lean.conventions import normalize, smart_rounding
from local_lean.data import lean_decimal_close_of, lean_decimal_price_of
from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.order_properties import properties_json
from local_lean.orders import Order, OrderDirection, OrderType

EQUITY_SECURITY_TYPE = 1  # LEAN's SecurityType.Equity


@dataclass(frozen=True)
class OrderSubmission:
    """What the transaction handler knew of an order when it took it: the security's bid, ask
    and last prices (LEAN's ``OrderSubmissionData``; None for an order LEAN opens itself, the
    liquidation of a delisted security), the normalisation mode of its subscription (the
    order's ``PriceAdjustmentMode``), and whether the algorithm requested it (LEAN then sets
    its currency)."""

    prices: tuple[Decimal, Decimal, Decimal] | None
    price_adjustment_mode: int
    requested: bool = True


# An order refused before the transaction handler took it (LEAN's ``AddOrder``).
REFUSED = OrderSubmission(prices=None, price_adjustment_mode=0)


def submission_of(security: Any, *, last_price: Decimal | None = None) -> OrderSubmission:
    """An order's submission record from its security: bid, ask and last all its close (daily
    trade bars bring no quotes, and LEAN's ``Security.BidPrice`` and ``AskPrice`` fall back on
    the price), given as LEAN's decimal or else taken from the float."""
    last = last_price if last_price is not None else to_decimal(security.close)
    return OrderSubmission(
        prices=(last, last, last),
        price_adjustment_mode=int(security.data_normalization_mode),
    )


def lean_submission_of(source: Any, security: Any) -> OrderSubmission:
    """An order's submission record, its last price the decimal LEAN holds for the security's
    latest bar when the data is a LEAN folder (`source`) and that bar is the file's; with
    minute or hour data, its bid, ask and last prices as LEAN's decimals."""
    if security.local_time is None:
        return submission_of(security)
    day = (security.local_time - dt.timedelta(microseconds=1)).date()  # the bar's day
    mode = DataNormalizationMode(security.data_normalization_mode).name
    if int(security.resolution) < int(Resolution.DAILY):
        ticker = security.symbol.value
        prices = [
            lean_decimal_price_of(source, ticker, day, mode, price)
            for price in (security.bid_price, security.ask_price, security.close)
        ]
        if None in prices:
            prices = [
                to_decimal(price)
                for price in (security.bid_price, security.ask_price, security.close)
            ]
        return OrderSubmission(
            prices=tuple(prices), price_adjustment_mode=int(security.data_normalization_mode)
        )
    close = lean_decimal_close_of(source, security.symbol.value, day, mode)
    if close is None or not math.isclose(float(close), security.close, rel_tol=1e-9):
        return submission_of(security)
    return submission_of(security, last_price=close)


def order_list_hash(orders: Iterable[Order], submissions: Mapping[int, OrderSubmission]) -> str:
    """LEAN's OrderListHash of `orders` (32 hexadecimal digits; that of "" without orders).

    `submissions` holds, by order id, what the transaction handler knew of each order it took
    (absent: refused before, as LEAN's ``AddOrder`` refuses)."""
    joined = ",".join(
        order_json(order, submissions.get(order.id, REFUSED))
        for order in sorted(orders, key=lambda order: order.id)
    )
    return hashlib.md5(joined.encode("utf-8")).hexdigest()


def order_json(order: Order, submission: OrderSubmission) -> str:
    """One order as Newtonsoft.Json writes LEAN's ``Order`` with no settings (compact)."""
    members: list[tuple[str, str]] = _own_members(order)
    filled = order.last_fill_time is not None
    price = smart_rounding(to_decimal(order.price)) if filled else Decimal(0)
    quantity = normalize(to_decimal(order.quantity))
    time = _iso_utc(order.time)
    members += [
        ("id", str(order.id)),
        ("contingentId", "0"),
        ("brokerId", json.dumps(order.broker_id)),
        ("symbol", _symbol_json(order)),
        ("price", decimal_json(price)),
        # LEAN sets the currency when the handler takes an order, not when it opens one itself
        ("priceCurrency", json.dumps("USD" if submission.requested else "")),
        ("time", time),
        ("createdTime", time),
    ]
    for name, value in (
        ("lastFillTime", order.last_fill_time),
        ("lastUpdateTime", order.last_update_time),
        ("canceledTime", order.canceled_time),
    ):
        if value is not None:
            members.append((name, _iso_utc(value)))
    members += [
        ("quantity", decimal_json(quantity)),
        ("status", str(int(order.status))),
        ("tag", json.dumps(order.tag, ensure_ascii=False)),
        ("properties", properties_json(order.properties)),
        ("securityType", str(EQUITY_SECURITY_TYPE)),
        ("direction", str(int(_direction(quantity)))),
        ("value", decimal_json(quantity * price)),
        ("orderSubmissionData", _prices_json(submission.prices)),
        ("isMarketable", _is_marketable(order, quantity, submission.prices)),
        ("priceAdjustmentMode", str(submission.price_adjustment_mode)),
    ]
    return "{" + ",".join(f'"{name}":{value}' for name, value in members) + "}"


# --- .NET decimals ------------------------------------------------------------------------------


def to_decimal(value: float) -> Decimal:
    """The decimal a float stands for: its shortest round-trip text (0.1 is 0.1)."""
    if not math.isfinite(value):
        raise ValueError(f"an order holds a price or quantity that is not a number: {value!r}")
    return Decimal(repr(float(value)))


def decimal_json(value: Decimal) -> str:
    """Newtonsoft.Json's text of a decimal: every digit of its scale, ".0" when it has none."""
    if value == 0 and value.as_tuple().exponent >= 0:
        return "0.0"
    text = format(value, "f")
    return text if "." in text else text + ".0"


# --- members ------------------------------------------------------------------------------------


def _own_members(order: Order) -> list[tuple[str, str]]:
    """The members the order's own class declares, before ``Order``'s, in LEAN's order."""
    kind = order.type
    type_member = ("type", str(int(kind)))
    if kind == OrderType.LIMIT:
        return [("limitPrice", _rounded(order.limit_price)), type_member]
    if kind == OrderType.STOP_MARKET:
        return [("stopPrice", _rounded(order.stop_price)), type_member]
    if kind == OrderType.STOP_LIMIT:
        return [
            ("stopPrice", _rounded(order.stop_price)),
            ("stopTriggered", _bool(order.stop_triggered)),
            ("limitPrice", _rounded(order.limit_price)),
            type_member,
        ]
    if kind == OrderType.TRAILING_STOP:
        # TrailingStopOrder derives from StopMarketOrder: its members, then the stop price
        return [
            ("trailingAmount", _rounded(order.trailing_amount)),
            ("trailingAsPercentage", _bool(order.trailing_as_percentage)),
            type_member,
            ("stopPrice", _rounded(order.stop_price)),
        ]
    if kind == OrderType.LIMIT_IF_TOUCHED:
        return [
            type_member,
            ("triggerPrice", _rounded(order.trigger_price)),
            ("limitPrice", _rounded(order.limit_price)),
            ("triggerTouched", _bool(order.trigger_touched)),
        ]
    return [type_member]


def _rounded(price: float) -> str:
    return decimal_json(smart_rounding(to_decimal(price)))


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _symbol_json(order: Order) -> str:
    """LEAN's ``SymbolJsonConverter``: value, identifier, and the value again as permtick."""
    value = json.dumps(order.symbol.value)
    return f'{{"value":{value},"id":{json.dumps(str(order.symbol.id))},"permtick":{value}}}'


def _direction(quantity: Decimal) -> OrderDirection:
    if quantity > 0:
        return OrderDirection.BUY
    if quantity < 0:
        return OrderDirection.SELL
    return OrderDirection.HOLD


def _prices_json(prices: tuple[Decimal, Decimal, Decimal] | None) -> str:
    if prices is None:
        return "null"
    bid, ask, last = (decimal_json(price) for price in prices)
    return f'{{"bidPrice":{bid},"askPrice":{ask},"lastPrice":{last}}}'


def _is_marketable(
    order: Order, quantity: Decimal, prices: tuple[Decimal, Decimal, Decimal] | None
) -> str:
    """LEAN's ``Order.IsMarketable``: a limit order whose limit crosses the submission quote,
    or a market order."""
    if order.type == OrderType.LIMIT:
        if prices is None:
            return "false"
        bid, ask, _ = prices
        limit = smart_rounding(to_decimal(order.limit_price))
        direction = _direction(quantity)
        return _bool(
            (direction == OrderDirection.BUY and limit >= ask)
            or (direction == OrderDirection.SELL and limit <= bid)
        )
    return _bool(order.type in (OrderType.MARKET, OrderType.COMBO_MARKET))


def _iso_utc(time: dt.datetime) -> str:
    """A UTC time as Newtonsoft.Json writes a UTC DateTime: seconds, then only the fraction's
    significant digits, then "Z"."""
    text = time.strftime("%Y-%m-%dT%H:%M:%S")
    if time.microsecond:
        text += "." + f"{time.microsecond:06d}".rstrip("0")
    return json.dumps(text + "Z")
