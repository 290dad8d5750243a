"""MassIndex, Wilder's swing indices and Beta: values worked out by hand from LEAN's formulas
(Indicators/MassIndex.cs, WilderSwingIndex.cs, WilderAccumulativeSwingIndex.cs, Beta.cs), and
cases of LEAN's Tests/Indicators/BetaIndicatorTests.cs."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from local_lean.indicators import (
    Beta,
    MassIndex,
    WilderAccumulativeSwingIndex,
    WilderSwingIndex,
)
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

SPY, AAPL, SPX = equity_symbol("SPY"), equity_symbol("AAPL"), equity_symbol("SPX")
REFERENCE = dt.datetime(2024, 1, 2)


def day_bar(symbol, day, open_=1.0, high=2.0, low=1.0, close=1.0) -> TradeBar:
    start = REFERENCE + dt.timedelta(days=day)
    return TradeBar(symbol, start, start + dt.timedelta(days=1), open_, high, low, close, 100)


# ----- MassIndex -------------------------------------------------------------------------------


def test_mass_index_sums_the_ratio_of_the_range_ema_to_its_ema():
    mass = MassIndex("MI", 2, 3)
    assert mass.warm_up_period == 2 * (2 - 1) + 3
    values = []
    for day, spread in enumerate([1, 3, 2, 4, 2]):
        mass.update(day_bar(SPY, day, high=10 + spread, low=10))
        values.append(mass.current.value)
    # EMA(2) of the ranges (k = 2/3): -, 2, 2, 10/3, 22/9; its EMA: -, -, 2, 26/9, 70/27
    # ratios from the third bar: 1, 15/13, 33/35; the sum is ready with the fifth
    assert values[:4] == [3, 3, 3, 3]  # the sum's period until it is ready
    assert mass.is_ready
    assert values[4] == pytest.approx(1 + 15 / 13 + 33 / 35)


def test_mass_index_of_a_constant_range_is_its_sum_period():
    mass = MassIndex(9, 25)
    assert mass.name == "MASS(9,25)"
    for day in range(mass.warm_up_period):
        assert not mass.is_ready
        mass.update(day_bar(SPY, day, high=12, low=10))
    assert mass.is_ready and mass.current.value == pytest.approx(25)
    mass.reset()
    assert not mass.is_ready and mass.samples == 0


# ----- Wilder's swing indices ------------------------------------------------------------------

FIRST = dict(open_=10, high=12, low=9, close=11)
# R from the high-low range: N 3.25, R 3.5 + 0.25, K 3 -> 50 * 13/15 * 3/8
WIDE = dict(open_=11, high=14, low=10.5, close=13)
# R from the high against the close before: N 4.25, R 4 - 0.5 + 0.25, K 4
GAP_UP = dict(open_=12, high=15, low=12, close=14)
# R from the low against the close before: N -4 - 1 + 0.25, R 5 - 0.5 + 0.25, K 5
GAP_DOWN = dict(open_=9, high=10, low=6, close=7)


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (WIDE, 16.25),
        (GAP_UP, 50 * (4.25 / 3.75) * (4 / 8)),
        (GAP_DOWN, 50 * (-4.75 / 4.75) * (5 / 8)),
    ],
)
def test_swing_index_of_a_bar_against_the_one_before(second, expected):
    swing = WilderSwingIndex("SI", -8)  # the limit move counts as its absolute value
    swing.update(day_bar(SPY, 0, **FIRST))
    assert not swing.is_ready and swing.current.value == 0
    swing.update(day_bar(SPY, 1, **second))
    assert swing.is_ready
    assert swing.current.value == pytest.approx(expected)


def test_a_zero_limit_move_gives_zero():
    swing = WilderSwingIndex(0)
    swing.update(day_bar(SPY, 0, **FIRST))
    swing.update(day_bar(SPY, 1, **WIDE))
    assert swing.current.value == 0


def test_the_accumulative_swing_index_adds_each_swing():
    accumulative = WilderAccumulativeSwingIndex("ASI", 8)
    for day, bar in enumerate([FIRST, WIDE, GAP_UP]):
        accumulative.update(day_bar(SPY, day, **bar))
    # bar 3 against bar 2 (close 13, open 11): N 1 + 1 + 0.5; the largest is high-low 3 ->
    # R 3 + 0.5; K max(2, 1) = 2
    second_swing = 50 * (2.5 / 3.5) * (2 / 8)
    assert accumulative.is_ready
    assert accumulative.current.value == pytest.approx(16.25 + second_swing)


# ----- Beta ------------------------------------------------------------------------------------


def test_beta_of_equal_returns_is_one():
    beta = Beta("testBetaIndicator", AAPL, SPX, 5)
    for day in range(3):
        beta.update(day_bar(AAPL, day + 1, close=day + 1))
        beta.update(day_bar(SPX, day + 1, close=day + 1))
    assert beta.current.value == pytest.approx(1, abs=1e-4)


def test_beta_pairs_bars_of_the_same_day_and_is_covariance_over_variance():
    bars = [
        (AAPL, 1, 10),
        (SPX, 1, 35),
        (AAPL, 2, 2),
        (AAPL, 2, 2),
        (AAPL, 3, 15),
        (SPX, 3, 80),
        (SPX, 4, 4),
        (SPX, 4, 4),
        (SPX, 5, 37),
        (AAPL, 5, 90),
        (AAPL, 6, 105),
        (SPX, 6, 302),
    ]  # LEAN's ValidateBetaCalculation: days 2 and 4 have one symbol only
    beta = Beta(AAPL, SPX, 3)
    assert beta.name == "B(3)"
    for symbol, day, close in bars:
        beta.update(day_bar(symbol, day, close=close))
    aapl = [10, 15, 90, 105]
    spx = [35, 80, 37, 302]
    aapl_returns = [b / a - 1 for a, b in zip(aapl, aapl[1:], strict=False)]
    spx_returns = [b / a - 1 for a, b in zip(spx, spx[1:], strict=False)]
    expected = statistics.covariance(aapl_returns, spx_returns) / statistics.variance(spx_returns)
    assert beta.is_ready
    assert beta.current.value == pytest.approx(expected)


def test_beta_takes_the_name_and_period_first_too_and_refuses_a_short_period():
    beta = Beta("Beta", 3, "AIG", "SPY")
    assert beta.name == "Beta" and beta.warm_up_period == 2 + 3 - 2 + 1
    with pytest.raises(ValueError, match="must be greater than 2"):
        Beta(AAPL, SPX, 1)
    with pytest.raises(ValueError, match="does not correspond"):
        beta.update(day_bar(AAPL, 1))


def test_bars_of_minutes_pair_when_they_end_in_the_same_minute():
    beta = Beta(AAPL, SPX, 2)
    start = dt.datetime(2013, 10, 7, 10, 0)

    def bar(symbol, minutes, seconds, close):
        end = start + dt.timedelta(minutes=minutes, seconds=seconds)
        return TradeBar(symbol, end - dt.timedelta(minutes=5), end, close, close, close, close, 1)

    # the first input's five-minute span sets minute resolution
    for minutes, closes in enumerate([(10, 20), (11, 22), (12, 21), (13, 22)]):
        beta.update(bar(AAPL, minutes, 10, closes[0]))
        beta.update(bar(SPX, minutes, 50, closes[1]))
    assert beta.is_ready  # every pair matched within its minute
    beta.reset()
    for minutes, closes in enumerate([(10, 20), (11, 22), (12, 21), (13, 22)]):
        beta.update(bar(AAPL, 2 * minutes, 10, closes[0]))
        beta.update(bar(SPX, 2 * minutes + 1, 10, closes[1]))  # other minutes: no pair
    assert not beta.is_ready
