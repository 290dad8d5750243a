"""AutoRegressiveIntegratedMovingAverage (LEAN's ARIMA indicator) and its time-series helpers,
on series whose fits are exact, so LEAN's conventions show: the window is newest first, and
each value is regressed on its newer neighbour."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.indicators import AutoRegressiveIntegratedMovingAverage, TimeSeriesIndicator
from tests.runner_helpers import run_algorithm

T0 = dt.datetime(2020, 1, 1, 16)


def feed(indicator, values):
    for day, value in enumerate(values):
        indicator.update(T0 + dt.timedelta(days=day), value)
    return indicator


def test_differencing_lagging_and_summing_as_lean():
    differenced, heads = TimeSeriesIndicator.difference_series(1, [6.0, 5.0, 3.0, 0.0])
    assert (differenced, heads) == ([1.0, 2.0, 3.0], [0.0])
    twice, heads = TimeSeriesIndicator.difference_series(2, [6.0, 5.0, 3.0, 0.0])
    assert (twice, heads) == ([-1.0, -1.0], [0.0, 3.0])
    assert TimeSeriesIndicator.difference_series(0, [1.0]) == (None, [])
    # Undoing: the forecast first, then the differences, each head summed from the oldest end.
    assert TimeSeriesIndicator.inverse_differenced_series([4.0, 1.0, 2.0, 3.0], [0.0]) == [
        10.0,
        6.0,
        5.0,
        3.0,
        0.0,
    ]
    assert TimeSeriesIndicator.lagged_series(2, [1.0, 2.0, 3.0, 4.0]) == [[2.0, 1.0], [3.0, 2.0]]
    assert TimeSeriesIndicator.lagged_series(1, [1.0, 2.0, 3.0], include_t=True) == [
        [2.0, 1.0],
        [3.0, 2.0],
    ]
    assert TimeSeriesIndicator.cumulative_sum([1.0, 2.0, 3.0], reverse=True) == [6.0, 5.0, 3.0]


def test_an_ar_fit_regresses_each_value_on_its_newer_neighbour():
    # Oldest to newest 1, 2, 4, 8, 16: newest first each value is half the one before it, so
    # LEAN's AR(1) coefficient is 0.5 and its forecast half the newest value.
    arima = feed(AutoRegressiveIntegratedMovingAverage(1, 0, 0, 5, True), [1, 2, 4, 8, 16])

    assert arima.is_ready and arima.samples == 5 and arima.warm_up_period == 5
    assert arima.ar_parameters == pytest.approx([0.5])
    assert arima.current.value == pytest.approx(8.0)
    assert arima.ar_residual_error == pytest.approx(0.0)


def test_differencing_adds_the_forecast_difference_to_the_newest_value():
    arima = AutoRegressiveIntegratedMovingAverage("trend", 1, 1, 0, 6)

    feed(arima, [1, 2, 3, 4, 5])
    assert not arima.is_ready and arima.current.value == 0.0
    arima.update(T0 + dt.timedelta(days=5), 6)

    assert arima.name == "trend"
    assert arima.ar_parameters == pytest.approx([1.0])
    assert arima.current.value == pytest.approx(7.0)


def test_a_singular_fit_gives_zero_parameters_and_the_newest_value():
    arima = feed(AutoRegressiveIntegratedMovingAverage(1, 1, 1, 5, True), [3, 3, 3, 3, 3])

    assert arima.ar_parameters == [0.0] and arima.ma_parameters == [0.0]
    assert arima.intercept == 0.0
    assert arima.current.value == 3.0


def test_reset_empties_the_window():
    arima = feed(AutoRegressiveIntegratedMovingAverage(1, 0, 0, 3, True), [1, 2, 4])

    arima.reset()

    assert not arima.is_ready and arima.samples == 0 and arima.current.value == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1, 1, 10, True), "arOrder \\(p\\) must be greater than zero"),
        ((-1, 1, 1, 10, True), "AR/MA orders cannot be negative"),
        ((1, 1, -1, 10, True), "AR/MA orders cannot be negative"),
        ((3, 1, 1, 2, True), "Period must exceed both arOrder and maOrder"),
        ((1, -1, 0, 10, True), "diff_order cannot be negative"),
    ],
)
def test_bad_orders_are_refused_with_leans_messages(args, message):
    with pytest.raises(ValueError, match=message):
        AutoRegressiveIntegratedMovingAverage(*args)


def test_orders_must_be_whole_numbers():
    with pytest.raises(TypeError, match="period must be a whole number"):
        AutoRegressiveIntegratedMovingAverage(1, 1, 1, 10.5)
    with pytest.raises(TypeError, match="needs period"):
        AutoRegressiveIntegratedMovingAverage(1, 1, 1)


class ArimaHelperAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 6, 30)
        self.add_equity("SPY", Resolution.DAILY)
        self.model = self.arima("SPY", 1, 1, 1, 20)
        self.no_intercept = self.arima("SPY", 2, 1, 0, 20, False)
        self.ready_at = None

    def on_data(self, slice):
        if self.model.is_ready and self.ready_at is None:
            self.ready_at = self.time


def test_the_helper_names_registers_and_feeds_the_indicator():
    algorithm, outcome = run_algorithm(ArimaHelperAlgorithm)

    assert outcome.runtime_error is None
    assert algorithm.model.name == "ARIMA(1,1,1,20,SPY_day)"
    assert algorithm.model.samples == outcome.sessions
    assert algorithm.ready_at is not None and len(algorithm.no_intercept.ar_parameters) == 2
    assert algorithm.model.current.value != 0.0
