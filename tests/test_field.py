"""LEAN's Field selectors (Common/Field.cs): the field of a bar, or the data's value where the
data has no such field."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.field import Field
from local_lean.indicators import IndicatorDataPoint
from local_lean.market_data import TradeBar
from local_lean.quote_bars import Bar, QuoteBar
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")
START = dt.datetime(2013, 10, 7, 9, 30)
END = START + dt.timedelta(minutes=1)
TRADE = TradeBar(SPY, START, END, 2.0, 8.0, 1.0, 3.0, 500)
QUOTE = QuoteBar(SPY, START, END, Bar(10, 14, 9, 12), 3, Bar(11, 15, 10, 13), 4)
POINT = IndicatorDataPoint(SPY, START, 42.0)


@pytest.mark.parametrize(
    ("selector", "trade", "quote"),
    [
        (Field.OPEN, 2.0, 10.5),
        (Field.HIGH, 8.0, 14.5),
        (Field.LOW, 1.0, 9.5),
        (Field.CLOSE, 3.0, 12.5),
        (Field.AVERAGE, (2 + 8 + 1 + 3) / 4, (10.5 + 14.5 + 9.5 + 12.5) / 4),
        (Field.MEDIAN, (8 + 1) / 2, (14.5 + 9.5) / 2),
        (Field.TYPICAL, (8 + 1 + 3) / 3, (14.5 + 9.5 + 12.5) / 3),
        (Field.WEIGHTED, (8 + 1 + 2 * 3) / 4, (14.5 + 9.5 + 2 * 12.5) / 4),
        (Field.SEVEN_BAR, (2 * 2 + 8 + 1 + 3 * 3) / 7, (2 * 10.5 + 14.5 + 9.5 + 3 * 12.5) / 7),
    ],
)
def test_bar_fields_of_trade_and_quote_bars_and_the_value_of_a_point(selector, trade, quote):
    assert selector(TRADE) == pytest.approx(trade)
    assert selector(QUOTE) == pytest.approx(quote)  # a quote bar's fields are the mid's
    assert selector(POINT) == 42.0


def test_volume_of_a_trade_bar_else_the_value():
    assert Field.VOLUME(TRADE) == 500
    assert Field.VOLUME(QUOTE) == QUOTE.value == 12.5
    assert Field.VOLUME(POINT) == 42.0


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (Field.BID_OPEN, 10),
        (Field.BID_HIGH, 14),
        (Field.BID_LOW, 9),
        (Field.BID_CLOSE, 12),
        (Field.ASK_OPEN, 11),
        (Field.ASK_HIGH, 15),
        (Field.ASK_LOW, 10),
        (Field.ASK_CLOSE, 13),
        (Field.BID_PRICE, 12),
        (Field.ASK_PRICE, 13),
    ],
)
def test_quote_fields_read_one_side_and_fall_back_to_the_value(selector, expected):
    assert selector(QUOTE) == expected
    assert selector(TRADE) == TRADE.close
    assert selector(POINT) == 42.0


def test_fields_are_read_only_and_an_unknown_one_names_the_choices():
    with pytest.raises(AttributeError, match="read-only"):
        Field.HIGH = lambda data: 0.0
    with pytest.raises(AttributeError, match="HIGH"):
        _ = Field.HIGHEST
