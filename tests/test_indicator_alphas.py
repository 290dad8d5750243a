"""RsiAlphaModel and EmaCrossAlphaModel (LEAN's Algorithm.Framework/Alphas): the RSI's
states and the insights their changes make, the EMA cross, their names and periods, and their
consolidators leaving the subscriptions with removed securities."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, Resolution
from local_lean.framework.indicator_alphas import (
    EmaCrossAlphaModel,
    RsiAlphaModel,
    next_rsi_state,
)
from local_lean.framework.selection import ScheduledUniverseSelectionModel

UP, DOWN = InsightDirection.UP, InsightDirection.DOWN


@pytest.mark.parametrize(
    ("rsi", "previous", "expected"),
    [
        (70.1, "MIDDLE", "TRIPPED_HIGH"),
        (70.0, "MIDDLE", "MIDDLE"),  # strictly above 70 trips
        (29.9, "MIDDLE", "TRIPPED_LOW"),
        (30.0, "MIDDLE", "MIDDLE"),
        (34.0, "TRIPPED_LOW", "TRIPPED_LOW"),  # the bounce tolerance: back above 35 only
        (35.1, "TRIPPED_LOW", "MIDDLE"),
        (66.0, "TRIPPED_HIGH", "TRIPPED_HIGH"),  # back below 65 only
        (64.9, "TRIPPED_HIGH", "MIDDLE"),
        (75.0, "TRIPPED_LOW", "TRIPPED_HIGH"),
    ],
)
def test_the_rsi_trips_beyond_30_and_70_and_returns_past_the_bounce_tolerance(
    rsi, previous, expected
):
    from local_lean.framework.indicator_alphas import _RsiState

    assert next_rsi_state(rsi, _RsiState[previous]) is _RsiState[expected]


def test_names_and_insight_periods_are_leans():
    rsi = RsiAlphaModel(14, Resolution.HOUR)
    assert rsi.name == "RsiAlphaModel(14,Hour)"
    assert rsi.insight_period == dt.timedelta(hours=14)
    assert RsiAlphaModel().name == "RsiAlphaModel(14,Daily)"
    ema = EmaCrossAlphaModel()
    assert ema.name == "EmaCrossAlphaModel(12,26,Daily)"
    assert ema.prediction_interval == dt.timedelta(days=12)
    with pytest.raises(ValueError, match="period must be a whole number"):
        RsiAlphaModel(0)
    with pytest.raises(ValueError, match="bar resolution"):
        RsiAlphaModel(14, Resolution.TICK)
    with pytest.raises(ValueError, match="fast period"):
        EmaCrossAlphaModel(1.5)


TICKERS = ["SPY", "QQQ"]


class RsiOnAChangingUniverse(QCAlgorithm):
    """RSI(3) on daily bars; the universe drops both securities on 2021-03-15."""

    def initialize(self) -> None:
        self.set_start_date(2021, 2, 1)
        self.set_end_date(2021, 3, 19)
        self.universe_settings.resolution = Resolution.DAILY
        self.set_universe_selection(
            ScheduledUniverseSelectionModel(
                self.date_rules.every_day(), self.time_rules.midnight, self.select
            )
        )
        self.model = self.make_model()
        self.set_alpha(self.model)
        self.states: list[tuple[dt.datetime, str, float, bool]] = []
        self.generated: list[tuple[dt.datetime, str, InsightDirection]] = []
        self.consolidators: list[int] = []
        self.insights_generated += self.record_insights

    def make_model(self):
        return RsiAlphaModel(3, Resolution.DAILY)

    def select(self, utc_time: dt.datetime) -> list[str]:
        return TICKERS if utc_time.date() < dt.date(2021, 3, 15) else []

    def on_data(self, slice) -> None:
        # the alpha model runs right after on_data, with these values
        for symbol, data in self.model.symbol_data_by_symbol.items():
            rsi = getattr(data, "rsi", None)
            if rsi is not None:
                self.states.append((self.time, symbol.value, rsi.current.value, rsi.is_ready))

    def record_insights(self, algorithm, collection) -> None:
        for insight in collection.insights:
            self.generated.append((self.time, insight.symbol.value, insight.direction))

    def on_securities_changed(self, changes) -> None:
        subscriptions = self.subscription_manager.subscriptions
        self.consolidators.append(sum(s.consolidators.count for s in subscriptions))


def _expected_rsi_insights(states):
    """The states each symbol's RSI goes through, and an insight at each change while the
    RSI is ready (written out here from LEAN's thresholds)."""
    state: dict[str, str] = {}
    expected = []
    for time, ticker, value, ready in states:
        previous = state.get(ticker, "middle")
        current = previous
        if value > 70:
            current = "high"
        elif value < 30:
            current = "low"
        elif previous == "low" and value > 35 or previous == "high" and value < 65:
            current = "middle"
        if current != previous and ready and current != "middle":
            expected.append((time, ticker, UP if current == "low" else DOWN))
        state[ticker] = current
    return expected


def test_the_rsi_model_emits_at_each_trip_while_ready_and_removes_its_consolidators():
    algorithm, outcome = run_algorithm(RsiOnAChangingUniverse)

    assert outcome.runtime_error is None
    # warmed up from history: the RSI of 3 bars is ready at the first slice
    assert all(ready for _, _, _, ready in algorithm.states)
    got = algorithm.generated
    assert got == _expected_rsi_insights(algorithm.states)
    assert got, "the synthetic market trips the RSI at least once"
    # one consolidator per security while they are in the universe, none once removed
    assert algorithm.consolidators == [2, 0]
    assert algorithm.model.symbol_data_by_symbol == {}


class EmaCrossOnAChangingUniverse(RsiOnAChangingUniverse):
    def make_model(self):
        return EmaCrossAlphaModel(3, 8, Resolution.DAILY)

    def on_data(self, slice) -> None:
        for symbol, data in self.model.symbol_data_by_symbol.items():
            self.states.append(
                (self.time, symbol.value, data.fast.current.value, data.slow.current.value)
            )


def test_the_ema_cross_model_emits_at_each_cross_and_removes_its_consolidators():
    algorithm, outcome = run_algorithm(EmaCrossOnAChangingUniverse)

    assert outcome.runtime_error is None
    fast_was_over: dict[str, bool] = {}
    expected = []
    for time, ticker, fast, slow in algorithm.states:
        over = fast_was_over.get(ticker, False)
        if over and slow > fast:
            expected.append((time, ticker, DOWN))
        elif not over and fast > slow:
            expected.append((time, ticker, UP))
        fast_was_over[ticker] = fast > slow
    got = algorithm.generated
    assert got == expected and got
    # two consolidators (fast and slow) per security, then none
    assert algorithm.consolidators == [4, 0]
