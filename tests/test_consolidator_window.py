"""The rolling window every consolidator keeps of the bars it produced (LEAN's ConsolidatorBase
on WindowBase): cases of LEAN's Tests/Common/Data/ConsolidatorBaseTests.cs."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.consolidators import (
    ClassicRenkoConsolidator,
    IdentityDataConsolidator,
    RenkoConsolidator,
    TradeBarConsolidator,
)
from local_lean.indicators import IndicatorDataPoint
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")
REFERENCE = dt.datetime(2015, 4, 13)
MINUTE = dt.timedelta(minutes=1)


def minute_bar(minutes: int, close: float) -> TradeBar:
    start = REFERENCE + minutes * MINUTE
    return TradeBar(SPY, start, start + MINUTE, close, close, close, close, 0)


@pytest.mark.parametrize(
    "consolidator", [TradeBarConsolidator(1), IdentityDataConsolidator()], ids=type
)
def test_the_window_holds_the_last_two_bars_newest_first(consolidator):
    for minutes, close in enumerate([5.0, 10.0, 20.0]):
        consolidator.update(minute_bar(minutes, close))
    assert consolidator.window.count == 2
    assert [bar.close for bar in consolidator.window] == [20.0, 10.0]
    assert consolidator.window[0] is consolidator.consolidated is consolidator.current
    assert consolidator[0].value == 20.0
    assert consolidator.previous.value == 10.0 and consolidator[1] is consolidator.previous
    assert [bar.close for bar in consolidator] == [20.0, 10.0]


def test_inside_a_handler_the_window_has_the_new_bar_and_consolidated_the_previous():
    consolidator = IdentityDataConsolidator()
    seen = []
    consolidator.data_consolidated += lambda _, bar: seen.append(
        (bar, consolidator[0], consolidator.current, consolidator.consolidated)
    )
    first, second = minute_bar(0, 10.0), minute_bar(1, 20.0)
    consolidator.update(first)
    consolidator.update(second)
    assert seen == [(first, first, first, None), (second, second, second, first)]
    assert consolidator.consolidated is second


def test_a_renko_brick_is_in_the_window_when_its_handler_runs():
    consolidator = RenkoConsolidator(1.0)
    checked = []

    def handler(sender, brick):
        checked.append(brick is consolidator[0] is consolidator.current)

    consolidator.data_consolidated += handler
    consolidator.update(IndicatorDataPoint(SPY, REFERENCE, 10.0))
    consolidator.update(IndicatorDataPoint(SPY, REFERENCE + MINUTE, 12.1))
    assert checked and all(checked)


def test_an_out_of_order_bar_leaves_the_window_as_it_was():
    consolidator = TradeBarConsolidator(1)
    consolidator.update(minute_bar(0, 10.0))
    consolidator.update(minute_bar(1, 20.0))
    consolidator.update(minute_bar(-5, 30.0))
    assert [bar.close for bar in consolidator.window] == [20.0, 10.0]


def test_current_and_previous_are_none_before_the_first_bar_and_after_reset():
    consolidator = ClassicRenkoConsolidator(10)
    assert (consolidator.current, consolidator.previous, consolidator[0]) == (None, None, None)
    assert consolidator.window.count == 0
    consolidator = TradeBarConsolidator(1)
    consolidator.update(minute_bar(0, 10.0))
    consolidator.update(minute_bar(1, 20.0))
    consolidator.reset()
    assert consolidator.window.count == 0
    assert (consolidator.consolidated, consolidator.current, consolidator.previous) == (None,) * 3


def test_a_resized_window_keeps_more_bars():
    consolidator = TradeBarConsolidator(1)
    consolidator.window.size = 3
    for minutes in range(4):
        consolidator.update(minute_bar(minutes, 10.0 + minutes))
    assert [bar.close for bar in consolidator] == [13.0, 12.0, 11.0]
