"""LEAN's history DataFrame: shape, index, no look-ahead."""

import datetime

import numpy as np
import pandas as pd
import pytest

from local_lean.data import SyntheticMarket
from local_lean.history import history_frame
from local_lean.symbols import Symbol, equity_symbol

D = datetime.date
SPY, TLT, SPTS = equity_symbol("SPY"), equity_symbol("TLT"), equity_symbol("SPTS")


@pytest.fixture(scope="module")
def bars():
    market = SyntheticMarket(seed=2)
    return {symbol: market.daily_bars(symbol.value) for symbol in (SPY, TLT, SPTS)}


def test_shape_index_and_columns(bars):
    history = history_frame(bars, D(2024, 12, 2), 10)
    assert list(history.columns) == ["open", "high", "low", "close", "volume"]
    assert history.index.names == ["symbol", "time"]
    assert len(history) == 30
    assert all(isinstance(symbol, Symbol) for symbol in history.index.get_level_values("symbol"))
    times = history.loc[SPY].index
    assert times.is_monotonic_increasing
    assert times[-1] == pd.Timestamp("2024-11-29 13:00")  # the day after Thanksgiving closes early
    assert times[-2] == pd.Timestamp("2024-11-27 16:00")  # bars end at the close


def test_loc_by_symbol_and_by_ticker_string(bars):
    history = history_frame(bars, D(2024, 12, 2), 5)
    pd.testing.assert_frame_equal(history.loc[SPY], history.loc["SPY"])
    assert isinstance(history.loc["SPY"].close, pd.Series)
    expected = bars[SPY]["close"].loc[:"2024-11-29"].iloc[-5:].to_numpy()
    np.testing.assert_array_equal(history.loc["SPY"]["close"].to_numpy(), expected)


def test_end_before_is_exclusive(bars):
    history = history_frame(bars, D(2024, 11, 27), 3)
    assert history.loc[SPY].index[-1] == pd.Timestamp("2024-11-26 16:00")


def test_no_look_ahead(bars):
    end_before = D(2020, 3, 16)
    before = history_frame(bars, end_before, 60)
    tampered = {}
    for symbol, frame in bars.items():
        frame = frame.copy()
        frame.loc[frame.index >= pd.Timestamp(end_before), ["open", "close"]] = 1e9
        tampered[symbol] = frame
    pd.testing.assert_frame_equal(history_frame(tampered, end_before, 60), before)
    assert (before["close"] < 1e9).all()


def test_a_late_listed_symbol_gives_fewer_rows_and_an_unlisted_one_none(bars):
    history = history_frame(bars, D(2011, 12, 15), 20)
    assert len(history.loc[SPY]) == 20
    assert 0 < len(history.loc[SPTS]) < 20  # SPTS started trading at the end of November 2011
    early = history_frame(bars, D(2005, 1, 3), 20)
    with pytest.raises(KeyError):
        early.loc[SPTS]


def test_no_rows_gives_an_empty_frame_with_the_columns(bars):
    empty = history_frame(bars, D(1990, 1, 1), 10)
    assert empty.empty
    assert list(empty.columns) == ["open", "high", "low", "close", "volume"]
    assert empty.index.names == ["symbol", "time"]
    assert history_frame({}, D(2020, 1, 2), 5).empty
    assert history_frame(bars, D(2020, 1, 2), 0).empty


def test_negative_bar_count_is_refused(bars):
    with pytest.raises(ValueError, match="bar_count"):
        history_frame(bars, D(2020, 1, 2), -1)


def test_rows_are_grouped_by_symbol_in_ticker_order(bars):
    history = history_frame({TLT: bars[TLT], SPY: bars[SPY]}, D(2024, 12, 2), 3)
    assert list(history.index.get_level_values("symbol")) == ["SPY"] * 3 + ["TLT"] * 3
    assert history.index.is_monotonic_increasing
    assert history.loc[("TLT", pd.Timestamp("2024-11-29 13:00")), "close"] == pytest.approx(
        bars[TLT].loc["2024-11-29", "close"]
    )


def test_columns_in_another_order_are_read_by_name(bars):
    shuffled = bars[SPY][["volume", "close", "low", "high", "open"]]
    pd.testing.assert_frame_equal(
        history_frame({SPY: shuffled}, D(2024, 12, 2), 4),
        history_frame({SPY: bars[SPY]}, D(2024, 12, 2), 4),
    )
