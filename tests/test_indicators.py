"""The indicators against LEAN's reference values, plus LEAN's own unit-test cases.

`tests/fixtures/indicators/*.csv` hold the inputs and expected values of the SPY reference
files LEAN's indicator tests use (Tests/TestData in QuantConnect/Lean), copied column by column.
As LEAN's TestHelper does, each row's close (or bar) updates the indicator, and the expected
value is checked once the indicator is ready and the row has one, within LEAN's tolerance.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from local_lean.errors import NotSupportedError
from local_lean.indicators import (
    AverageTrueRange,
    BollingerBands,
    CompositeIndicator,
    Delay,
    ExponentialMovingAverage,
    Identity,
    IndicatorDataPoint,
    IndicatorExtensions,
    LinearWeightedMovingAverage,
    Maximum,
    Minimum,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    PythonIndicator,
    RateOfChange,
    RelativeStrengthIndex,
    RollingWindow,
    SimpleMovingAverage,
    StandardDeviation,
    Stochastic,
    Sum,
    TrueRange,
    Variance,
    WilderMovingAverage,
)
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
SPY = equity_symbol("SPY")
T0 = dt.datetime(2020, 1, 1)


def _rows(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, newline="") as handle:
        return list(csv.DictReader(handle))


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _bar(row: dict[str, str]) -> TradeBar:
    time = _time(row["date"])
    prices = (float(row[c]) for c in ("open", "high", "low", "close"))
    return TradeBar(SPY, time, time, *prices, 0.0)


def compare(
    indicator,
    fixture: str,
    column: str,
    value: Callable = lambda indicator: indicator.current.value,
    tolerance: float = 1e-3,
    bars: bool = False,
    expected: Callable[[float], float] = lambda x: x,
) -> int:
    """Feed the fixture's rows; check every ready row with a value. Returns rows checked."""
    checked = 0
    for row in _rows(fixture):
        if bars:
            indicator.update(_bar(row))
        else:
            indicator.update(_time(row["date"]), float(row["close"]))
        text = row[column].strip()
        if not indicator.is_ready or not text or text == "NaN":
            continue
        assert value(indicator) == pytest.approx(expected(float(text)), abs=tolerance), (
            f"{indicator.name} {column} on {row['date']}"
        )
        checked += 1
    return checked


# (indicator factory, fixture, column, what to read, tolerance, bars, expected transform,
#  rows LEAN checks). Tolerances are LEAN's own for these files (their precision).
REFERENCE_CASES = {
    "sma14": (lambda: SimpleMovingAverage(14), "spy_sma_rsi_macd.csv", "sma14", None, 1e-2),
    "ema14": (lambda: ExponentialMovingAverage(14), "spy_ema.csv", "ema14", None, 1e-6),
    "rsi14_wilders": (
        lambda: RelativeStrengthIndex(14),
        "spy_sma_rsi_macd.csv",
        "rsi14_wilders",
        None,
        1e-3,
    ),
    "rsi14_simple": (
        lambda: RelativeStrengthIndex("rsi", 14, MovingAverageType.SIMPLE),
        "spy_sma_rsi_macd.csv",
        "rsi14_simple",
        None,
        1e-3,
    ),
    "macd": (
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_macd.csv",
        "macd",
        None,
        1e-4,
    ),
    "macd_signal": (
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_macd.csv",
        "signal",
        lambda i: i.signal.current.value,
        1e-4,
    ),
    "macd_histogram": (
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_macd.csv",
        "histogram",
        lambda i: i.histogram.current.value,
        1e-4,
    ),
    "macd_long_file": (
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_sma_rsi_macd.csv",
        "macd_12_26_9",
        None,
        1e-3,
    ),
    "bb_lower": (
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.csv",
        "lower_band",
        lambda i: i.lower_band.current.value,
        1e-3,
    ),
    "bb_middle": (
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.csv",
        "middle_band",
        lambda i: i.middle_band.current.value,
        1e-3,
    ),
    "bb_upper": (
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.csv",
        "upper_band",
        lambda i: i.upper_band.current.value,
        1e-3,
    ),
    "bb_band_width": (
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.csv",
        "band_width",
        lambda i: i.band_width.current.value,
        1e-3,
    ),
    "bb_percent_b": (
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.csv",
        "percent_b",
        lambda i: i.percent_b.current.value,
        1e-3,
    ),
    "roc50": (
        lambda: RateOfChange(50),
        "spy_roc.csv",
        "roc50_percent",
        lambda i: i.current.value * 100,
        1e-3,
    ),
    "max5": (lambda: Maximum(5), "spy_max_min.csv", "max5", None, 1e-3),
    "min5": (lambda: Minimum(5), "spy_max_min.csv", "min5", None, 1e-3),
    "lwma6": (lambda: LinearWeightedMovingAverage(6), "spx_lwma.csv", "lwma6", None, 1e-3),
    "variance10": (lambda: Variance(10), "spy_variance.csv", "var10", None, 1e-6),
}


@pytest.mark.parametrize("case", sorted(REFERENCE_CASES))
def test_matches_leans_reference_values(case):
    factory, fixture, column, value, tolerance = REFERENCE_CASES[case]
    reader = value or (lambda indicator: indicator.current.value)
    checked = compare(factory(), fixture, column, reader, tolerance)
    assert checked > 10  # the comparison really ran over the file


def test_standard_deviation_is_the_root_of_leans_variance():
    checked = compare(StandardDeviation(10), "spy_variance.csv", "var10", expected=math.sqrt)
    assert checked == 491


@pytest.mark.parametrize(
    ("moving_average_type", "column"),
    [(MovingAverageType.WILDERS, "atr14_wilders"), (MovingAverageType.SIMPLE, "atr14_simple")],
)
def test_average_true_range_matches_leans_reference_values(moving_average_type, column):
    checked = compare(AverageTrueRange(14, moving_average_type), "spy_atr.csv", column, bars=True)
    assert checked > 480


@pytest.mark.parametrize(
    ("column", "part"),
    [("stoch_d_5", lambda sto: sto.stoch_d.current.value), ("stoch_k_12_3", None)],
)
def test_stochastic_matches_leans_reference_values(column, part):
    # LEAN's StochasticTests: Stochastic(12, 3, 5) on spy_with_stoch12k3.txt, %D and %K.
    read = part or (lambda sto: sto.stoch_k.current.value)
    checked = compare(Stochastic(12, 3, 5), "spy_stochastic.csv", column, read, bars=True)
    assert checked > 480


def test_stochastic_value_is_its_fast_stoch_and_it_warms_up_over_the_three_windows():
    stochastic = Stochastic("sto", 12, 3, 5)
    rows = _rows("spy_stochastic.csv")

    for count, row in enumerate(rows, start=1):
        stochastic.update(_bar(row))
        assert stochastic.current.value == stochastic.fast_stoch.current.value
        assert stochastic.is_ready == (count >= stochastic.warm_up_period)

    assert stochastic.warm_up_period == 12 + 3 + 5 - 2
    assert (stochastic.fast_stoch.name, stochastic.stoch_d.name) == ("sto_FastStoch", "sto_StochD")
    assert Stochastic(12, 3, 5).name == "STO(12,3,5)"


def test_stochastic_without_a_range_is_zero_and_resets_to_its_default_state():
    # LEAN's HandlesEqualMinAndMax and ResetsProperly.
    stochastic = Stochastic("sto", 2, 2, 2)
    for second in range(4):
        time = T0 + dt.timedelta(seconds=second)
        stochastic.update(TradeBar(SPY, time, time, 1, 1, 1, 1, 1))
        assert stochastic.current.value == 0

    stochastic.reset()

    for part in (stochastic, stochastic.fast_stoch, stochastic.stoch_k, stochastic.stoch_d):
        assert (part.samples, part.current.value, part.is_ready) == (0, 0.0, False)


@pytest.mark.parametrize("periods", [(0, 3, 3), (10, 0, 3), (10, 3, 1.5)])
def test_a_stochastic_period_that_is_not_a_whole_number_of_bars_is_refused(periods):
    with pytest.raises(ValueError, match="integer >= 1"):
        Stochastic(*periods)


# ----- LEAN's unit-test cases ---------------------------------------------------------------------


def feed(indicator, values, start=T0):
    for day, value in enumerate(values):
        indicator.update(start + dt.timedelta(days=day), value)
    return indicator


def test_maximum_tracks_periods_since_maximum():
    maximum = Maximum(3)
    expected = [(1, 1, 0), (-1, 1, 1), (0, 1, 2), (-2, 0, 1), (-2, 0, 2)]
    for day, (value, current, since) in enumerate(expected, start=1):
        maximum.update(T0 + dt.timedelta(days=day), value)
        assert (maximum.current.value, maximum.periods_since_maximum) == (current, since)


def test_minimum_tracks_periods_since_minimum():
    minimum = Minimum(3)
    expected = [(1, 1, 0), (2, 1, 1), (-1, -1, 0), (2, -1, 1), (0, -1, 2), (3, 0, 1), (2, 0, 2)]
    for day, (value, current, since) in enumerate(expected):
        minimum.update(T0 + dt.timedelta(days=day), value)
        assert (minimum.current.value, minimum.periods_since_minimum) == (current, since)


def test_momentum_is_the_change_over_the_period_and_ready_after_period_plus_one():
    momentum = feed(Momentum(5), [1, 2, 3, 4, 5])
    assert momentum.current.value == 4  # against the oldest input while not ready
    assert not momentum.is_ready
    feed(momentum, [6], T0 + dt.timedelta(days=5))
    assert momentum.is_ready and momentum.current.value == 5
    assert momentum.warm_up_period == 6


def test_delay_gives_the_input_period_updates_ago():
    delay = feed(Delay(2), [1, 2])
    assert delay.current.value == 1 and not delay.is_ready
    feed(delay, [3, 4], T0 + dt.timedelta(days=2))
    assert delay.current.value == 2 and delay.is_ready and delay.warm_up_period == 3


def test_simple_moving_average_is_a_partial_mean_before_ready():
    sma = feed(SimpleMovingAverage(3), [1, 2])
    assert sma.current.value == 1.5 and not sma.is_ready
    feed(sma, [3, 4], T0 + dt.timedelta(days=2))
    assert sma.current.value == 3 and sma.is_ready and sma.samples == 4
    assert sma.rolling_sum.current.value == 9


def test_ema_is_zero_until_ready_then_seeded_with_the_simple_mean():
    ema = feed(ExponentialMovingAverage(3), [1, 2])
    assert ema.current.value == 0
    feed(ema, [3], T0 + dt.timedelta(days=2))
    assert ema.current.value == 2
    feed(ema, [6], T0 + dt.timedelta(days=3))
    assert ema.current.value == pytest.approx(6 * 0.5 + 2 * 0.5)


def test_wilder_moving_average_smooths_with_one_over_period():
    wilder = feed(WilderMovingAverage(2), [2, 4, 8])
    assert wilder.current.value == pytest.approx(8 / 2 + 3 / 2)


def test_true_range_uses_the_previous_close():
    true_range = TrueRange()
    true_range.update(TradeBar(SPY, T0, T0, 10, 11, 9, 10, 0))
    assert true_range.current.value == 2 and not true_range.is_ready
    day2 = T0 + dt.timedelta(days=1)
    true_range.update(TradeBar(SPY, day2, day2, 14, 15, 14, 15, 0))
    assert true_range.current.value == 5 and true_range.is_ready


@pytest.mark.parametrize(
    ("indicator", "warm_up"),
    [
        (SimpleMovingAverage(5), 5),
        (ExponentialMovingAverage(5), 5),
        (WilderMovingAverage(5), 5),
        (LinearWeightedMovingAverage(5), 5),
        (RelativeStrengthIndex(5), 6),
        (MovingAverageConvergenceDivergence(3, 5, 2), 6),
        (BollingerBands(5, 2), 5),
        (RateOfChange(5), 6),
        (Momentum(5), 6),
        (StandardDeviation(5), 5),
        (Maximum(5), 5),
        (Minimum(5), 5),
        (Sum(5), 5),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, int) else str(value),
)
def test_ready_exactly_after_the_warm_up_period(indicator, warm_up):
    """LEAN's WarmsUpProperly: ready on the warm_up_period-th input, not before."""
    assert indicator.warm_up_period == warm_up
    for day in range(warm_up):
        indicator.update(T0 + dt.timedelta(days=day), 100 + (day % 3) * 1.5)
        assert indicator.is_ready == (day == warm_up - 1)
    assert indicator.samples == warm_up


def test_average_true_range_is_ready_after_its_period_of_bars():
    atr = AverageTrueRange(3)
    for day in range(3):
        time = T0 + dt.timedelta(days=day)
        atr.update(TradeBar(SPY, time, time, 10, 11 + day, 9, 10, 0))
        assert atr.is_ready == (day == 2)


def test_reset_returns_to_the_default_state():
    macd = feed(MovingAverageConvergenceDivergence(3, 5, 2), range(1, 20))
    assert macd.is_ready
    macd.reset()
    for part in (macd, macd.fast, macd.slow, macd.signal, macd.histogram):
        assert part.samples == 0 and not part.is_ready
        assert part.current.value == 0 and part.current.time == dt.datetime.min


def test_current_is_stamped_with_the_input_end_time_and_previous_kept():
    sma = SimpleMovingAverage(2)
    close = dt.datetime(2020, 1, 2, 16)
    sma.update(TradeBar(SPY, close.replace(hour=0), close, 1, 2, 0.5, 1.5, 10))
    assert sma.current.time == close and sma.current.symbol == SPY
    assert sma.current.value == 1.5  # a bar counts as its close
    sma.update(close + dt.timedelta(days=1), 2.5)
    assert sma.previous.value == 1.5 and sma[1].value == 1.5 and sma[0].value == 2.0


def test_inputs_older_than_the_previous_one_are_ignored():
    sma = feed(SimpleMovingAverage(2), [1, 2])
    sma.update(T0, 100)
    assert sma.samples == 2 and sma.current.value == 1.5


def test_updated_handlers_run_with_each_new_value():
    sma = SimpleMovingAverage(2)
    seen = []
    sma.updated += lambda sender, updated: seen.append((sender, updated.value))
    feed(sma, [1, 3])
    assert seen == [(sma, 1.0), (sma, 2.0)]


def test_indicators_compare_with_numbers_on_their_current_value():
    sma = feed(SimpleMovingAverage(1), [5])
    assert sma > 4 and sma < 6 and sma == 5 and float(sma) == 5.0
    assert sma.current > 4


# ----- IndicatorExtensions ---------------------------------------------------------------------


def test_composites_update_when_both_sides_did():
    left, right = Identity("a"), Identity("b")
    total = IndicatorExtensions.plus(left, right)
    left.update(T0, 2)
    assert total.samples == 0
    right.update(T0, 3)
    assert total.current.value == 5 and total.is_ready
    assert IndicatorExtensions.minus(left, right).name == "COMPOSE(a,b)"


def test_constants_and_division_by_zero_keep_the_last_value():
    source = Identity("x")
    doubled = IndicatorExtensions.times(source, 2)
    ratio = IndicatorExtensions.over(IndicatorExtensions.plus(source, 1), source)
    source.update(T0, 4)
    assert doubled.current.value == 8 and ratio.current.value == 1.25
    source.update(T0 + dt.timedelta(days=1), 0)
    assert doubled.current.value == 0 and ratio.current.value == 1.25  # LEAN's MathError


def test_of_feeds_an_indicator_from_another_once_it_is_ready():
    source = SimpleMovingAverage(2)
    average_of_source = IndicatorExtensions.sma(source, 2)
    every_value = IndicatorExtensions.of(Sum(10), source, False)
    feed(source, [1, 3, 5, 7])
    assert every_value.samples == 4
    assert average_of_source.samples == 3  # not fed while the first was not ready
    assert average_of_source.current.value == pytest.approx((4 + 6) / 2)
    assert average_of_source.name == "SMA2_Of_SMA(2)"


def test_ema_max_min_and_weighted_by_extensions():
    source = Identity("x")
    weight = Identity("w")
    maximum = IndicatorExtensions.max(source, 2)
    minimum = IndicatorExtensions.min(source, 2)
    ema = IndicatorExtensions.ema(source, 2)
    weighted = IndicatorExtensions.weighted_by(source, weight, 2)
    for day, (value, w) in enumerate([(1, 1), (3, 3)]):
        time = T0 + dt.timedelta(days=day)
        source.update(time, value)
        weight.update(time, w)
    assert (maximum.current.value, minimum.current.value) == (3, 1)
    assert ema.current.value == 2
    assert weighted.current.value == pytest.approx((1 * 1 + 3 * 3) / 4)
    assert isinstance(weighted, CompositeIndicator)


# ----- PythonIndicator ---------------------------------------------------------------------------


class Range(PythonIndicator):
    """An algorithm's own indicator, written as LEAN's docs write them (no super().__init__)."""

    def __init__(self, name):
        self.name = name
        self.value = 0
        self.warm_up_period = 2
        self.seen = 0

    def update(self, input):
        self.seen += 1
        self.value = input.high - input.low
        return self.seen >= 2


def test_python_indicators_run_through_leans_update_machinery_when_fed():
    from local_lean.indicators.base import feed

    custom = Range("range")
    smoothed = IndicatorExtensions.sma(custom, 2)
    for day, (high, low) in enumerate([(3, 1), (5, 1), (9, 3)]):
        time = T0 + dt.timedelta(days=day)
        feed(custom, TradeBar(SPY, time, time, low, high, low, high, 0))
    assert custom.samples == 3 and custom.is_ready and custom.current.value == 6
    assert custom.warm_up_period == 2 and custom.name == "range"
    assert smoothed.current.value == 5  # fed from the second value, once custom was ready


def test_a_python_indicator_calls_its_own_update_directly():
    custom = Range("range")
    assert custom.update(TradeBar(SPY, T0, T0, 1, 3, 1, 2, 0)) is False
    assert custom.value == 2 and custom.samples == 0  # no machinery, as in LEAN


def test_a_python_indicator_without_update_is_named():
    class Incomplete(PythonIndicator):
        pass

    from local_lean.indicators.base import feed

    with pytest.raises(NotImplementedError, match="update must be implemented"):
        feed(Incomplete(), IndicatorDataPoint(T0, 1.0))


# ----- RollingWindow -------------------------------------------------------------------------


def test_rolling_window_keeps_the_newest_first():
    window = RollingWindow[float](3)
    assert not window.is_ready and window.count == 0 and window[0] is None
    for value in (1, 2, 3, 4):
        window.add(value)
    assert list(window) == [4, 3, 2] and window[0] == 4 and window[-1] == 2
    assert window.is_ready and window.count == 3 and len(window) == 3 and window.samples == 4
    assert window.most_recently_removed == 1
    window.reset()
    assert window.count == 0 and window.samples == 0


def test_an_indicator_window_keeps_more_values_when_resized():
    sma = SimpleMovingAverage(1)
    sma.window.size = 4
    feed(sma, [1, 2, 3, 4, 5])
    assert [point.value for point in sma.window] == [5, 4, 3, 2]
    assert sma[3].value == 2 and sma.previous.value == 4


def test_rolling_window_grows_when_indexed_past_its_size():
    window = RollingWindow(2)
    window.add(1)
    assert window[4] is None and window.size == 5


# ----- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: SimpleMovingAverage(0),
        lambda: ExponentialMovingAverage(-1),
        lambda: RelativeStrengthIndex(0),
        lambda: BollingerBands(0, 2),
        lambda: AverageTrueRange(0),
        lambda: Maximum(1.5),
        lambda: MovingAverageConvergenceDivergence(0, 5, 2),
    ],
)
def test_a_period_below_one_is_refused(make):
    with pytest.raises(ValueError, match="integer >= 1"):
        make()


def test_macd_needs_fast_shorter_than_slow():
    with pytest.raises(ValueError, match="fast_period must be less than slow_period"):
        MovingAverageConvergenceDivergence(5, 5, 2)


def test_a_negative_window_size_is_refused():
    with pytest.raises(ValueError, match="integer >= 0"):
        RollingWindow(-1)


def test_moving_average_types_local_lean_lacks_are_named():
    with pytest.raises(NotSupportedError, match="MovingAverageType.HULL"):
        RelativeStrengthIndex(14, MovingAverageType.HULL)


def test_bar_indicators_refuse_plain_numbers():
    with pytest.raises(TypeError, match=r"update\(trade_bar\)"):
        AverageTrueRange(14).update(T0, 1.0)
    with pytest.raises(TypeError, match="expected a TradeBar"):
        AverageTrueRange(14).update(IndicatorDataPoint(T0, 1.0))


def test_non_finite_values_are_refused():
    with pytest.raises(ValueError, match="finite"):
        SimpleMovingAverage(3).update(T0, float("nan"))
