"""QCAlgorithm's indicator helpers inside real backtests on LEAN's sample SPY data.

Each daily bar updates the registered indicators before ``on_data`` sees it, with LEAN's
default selectors; the values equal those of the same indicator fed the bars directly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from local_lean.algorithm import QCAlgorithm
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import Resolution
from local_lean.indicators import (
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorExtensions,
    Maximum,
    Minimum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    PythonIndicator,
    RelativeStrengthIndex,
    SimpleMovingAverage,
)
from local_lean.market_data import TradeBar
from local_lean.symbols import equity_symbol
from tests.runner_helpers import run_algorithm

SHARED_LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
pytestmark = pytest.mark.skipif(
    not (SHARED_LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file(),
    reason="LEAN's sample data folder is not available",
)

START, END = dt.date(2013, 10, 7), dt.date(2013, 12, 31)


def spy_bars(first: dt.date, last: dt.date) -> list[TradeBar]:
    """SPY's daily bars from the data folder, as the runner adjusts them."""
    frame = LeanDataFolder(SHARED_LEAN_DATA).daily_bars("SPY")
    frame = frame[(frame.index >= pd.Timestamp(first)) & (frame.index <= pd.Timestamp(last))]
    spy = equity_symbol("SPY")
    return [
        TradeBar(spy, day, day + dt.timedelta(hours=16), *row)
        for day, row in zip(
            frame.index.to_pydatetime(),
            frame[["open", "high", "low", "close", "volume"]].itertuples(index=False),
            strict=True,
        )
    ]


class HelpersAlgorithm(QCAlgorithm):
    """Creates each helper and records, in on_data, what the indicators hold."""

    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(END)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.indicators = {
            "sma": self.sma(self.spy, 10),
            "ema": self.ema("SPY", 10),
            "macd": self.macd(self.spy, 5, 12, 4),
            "bb": self.bb(self.spy, 10, 2),
            "rsi": self.rsi(self.spy, 7),
            "atr": self.atr(self.spy, 7),
            "max": self.max(self.spy, 5),
            "min": self.min(self.spy, 5),
            "roc": self.roc(self.spy, 5),
            "mom": self.mom(self.spy, 5),
            "std": self.std(self.spy, 5),
            "lwma": self.lwma(self.spy, 5),
            "high_sma": self.sma(self.spy, 3, selector=lambda bar: bar.high),
            "identity": self.identity(self.spy),
            "volume": self.identity(self.spy, Resolution.DAILY, lambda bar: bar.volume, "volume"),
        }
        self.seen = []

    def on_data(self, slice):
        bar = slice[self.spy]  # None at an ex-dividend date's midnight: only the dividend
        if bar is None:
            return
        self.seen.append(
            {
                "time": slice.time,
                "close": bar.close,
                **{name: (ind.current.value, ind.current.time, ind.is_ready, ind.samples)
                   for name, ind in self.indicators.items()},
            }
        )  # fmt: skip


@pytest.fixture(scope="module")
def helpers_run():
    algorithm, outcome = run_algorithm(HelpersAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm


def direct(indicator, bars, selector=None):
    """Feed `indicator` the bars directly; its value after each bar."""
    values = []
    for bar in bars:
        if selector is None:
            indicator.update(bar)
        else:
            indicator.update(bar.end_time, selector(bar))
        values.append(indicator.current.value)
    return values


def test_each_bar_updates_the_indicators_before_on_data(helpers_run):
    seen = helpers_run.seen
    assert len(seen) == len(spy_bars(START, END))
    for number, row in enumerate(seen, start=1):
        value, time, ready, samples = row["sma"]
        assert time == row["time"]  # stamped with the bar on_data receives
        assert samples == number
        assert ready == (number >= 10)


@pytest.mark.parametrize(
    ("name", "make", "selector"),
    [
        ("sma", lambda: SimpleMovingAverage(10), None),
        ("ema", lambda: ExponentialMovingAverage(10), None),
        ("macd", lambda: MovingAverageConvergenceDivergence(5, 12, 4), None),
        ("bb", lambda: BollingerBands(10, 2), None),
        ("rsi", lambda: RelativeStrengthIndex(7), None),
        ("atr", lambda: AverageTrueRange(7, MovingAverageType.SIMPLE), None),  # LEAN's helper
        ("max", lambda: Maximum(5), lambda bar: bar.high),  # LEAN's helper: the highs
        ("min", lambda: Minimum(5), lambda bar: bar.low),
        ("high_sma", lambda: SimpleMovingAverage(3), lambda bar: bar.high),
    ],
)
def test_helper_values_equal_the_indicator_fed_directly(helpers_run, name, make, selector):
    expected = direct(make(), spy_bars(START, END), selector)
    recorded = [row[name][0] for row in helpers_run.seen]
    assert recorded == pytest.approx(expected, abs=1e-9)


def test_helpers_are_named_as_lean_names_them(helpers_run):
    names = {key: ind.name for key, ind in helpers_run.indicators.items()}
    assert names["sma"] == "SMA(10,SPY_day)"
    assert names["macd"] == "MACD(5,12,4,SPY_day)"
    assert names["rsi"] == "RSI(7,Wilders,SPY_day)"
    assert names["bb"] == "BB(10,2,SPY_day)"
    assert names["identity"] == "close(SPY_day)" and names["volume"] == "volume(SPY_day)"


def test_identity_gives_the_selected_value_of_each_bar(helpers_run):
    bars = spy_bars(START, END)
    assert [row["identity"][0] for row in helpers_run.seen] == [bar.close for bar in bars]
    assert [row["volume"][0] for row in helpers_run.seen] == [bar.volume for bar in bars]


class WarmUpAlgorithm(QCAlgorithm):
    """warm_up_indicator in initialize; set_warm_up feeds helpers before the start."""

    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(START + dt.timedelta(days=10))
        spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.manual = SimpleMovingAverage(10)
        self.warm_up_indicator(spy, self.manual)
        self.ready_after_initialize = self.manual.is_ready
        self.value_after_initialize = self.manual.current.value
        self.history_frame = self.indicator_history(
            MovingAverageConvergenceDivergence(5, 12, 4), spy, 20
        )
        self.set_warm_up(30)
        self.warmed = self.rsi(spy, 14)
        self.ready_at_start = None

    def on_warmup_finished(self):
        self.ready_at_start = self.warmed.is_ready


@pytest.fixture(scope="module")
def warm_up_run():
    algorithm, outcome = run_algorithm(WarmUpAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm


def test_warm_up_indicator_feeds_the_bars_before_the_start(warm_up_run):
    before_start = spy_bars(dt.date(2013, 9, 1), START - dt.timedelta(days=1))[-10:]
    assert warm_up_run.ready_after_initialize
    mean = sum(bar.close for bar in before_start) / 10
    assert warm_up_run.value_after_initialize == pytest.approx(mean)


def test_set_warm_up_readies_helpers_before_the_start(warm_up_run):
    assert warm_up_run.ready_at_start is True


def test_indicator_history_returns_the_last_period_values_as_lean_frames_them(warm_up_run):
    history = warm_up_run.history_frame
    frame = history.data_frame
    assert len(frame) == 20 and history.count == 20
    assert list(frame.columns) == ["current", "fast", "histogram", "signal", "slow"]
    # LEAN fetches period + warm_up_period - 1 bars: exactly `period` ready values.
    bars = spy_bars(dt.date(2013, 6, 1), START - dt.timedelta(days=1))[-(20 + 15 - 1) :]
    expected = direct(MovingAverageConvergenceDivergence(5, 12, 4), bars)[-20:]
    assert frame["current"].tolist() == pytest.approx(expected)
    assert frame.index[-1] == bars[-1].end_time
    assert [p.value for p in history["signal"]] == pytest.approx(frame["signal"].tolist())
    last = list(history)[-1]
    assert last.current.value == last["current"].value == frame["current"].iloc[-1]
    assert last.signal is last["signal"] and last == last.current.value


class HistoryOverloadsAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(START + dt.timedelta(days=3))
        spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.qqq = self.add_equity("QQQ", Resolution.DAILY).symbol
        self.by_span = self.indicator_history(SimpleMovingAverage(5), spy, dt.timedelta(days=30))
        self.by_dates = self.indicator_history(
            SimpleMovingAverage(5), spy, dt.datetime(2013, 9, 3), dt.datetime(2013, 10, 1)
        )
        self.both = SimpleMovingAverage(4)
        self.warm_up_indicator([spy, self.qqq], self.both)


def test_indicator_history_spans_and_dates_and_warm_up_of_several_symbols():
    algorithm, outcome = run_algorithm(HistoryOverloadsAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    closes = [bar.close for bar in spy_bars(dt.date(2013, 9, 3), dt.date(2013, 9, 30))]
    frame = algorithm.by_dates.data_frame
    assert len(frame) == len(closes) - 4
    assert frame["current"].iloc[-1] == pytest.approx(sum(closes[-5:]) / 5)
    assert algorithm.by_span.count > 10
    # warm_up_period bars of each symbol, interleaved in time order.
    assert algorithm.both.samples == 8 and algorithm.both.is_ready


class AutomaticWarmUpAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(START + dt.timedelta(days=3))
        self.settings.automatic_indicator_warm_up = True  # LEAN's setting
        self.average = self.sma(self.add_equity("SPY", Resolution.DAILY).symbol, 5)
        self.ready_in_initialize = self.average.is_ready


def test_helpers_warm_up_automatically_when_the_settings_ask():
    algorithm, outcome = run_algorithm(AutomaticWarmUpAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.ready_in_initialize


class PlotAndRegisterAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(START + dt.timedelta(days=14))
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.custom = SimpleMovingAverage("custom", 3)
        self.register_indicator(self.spy, self.custom, Resolution.DAILY, lambda bar: bar.open)
        self.plot_indicator("Indicators", True, self.custom)
        self.composite = IndicatorExtensions.plus(SimpleMovingAverage(2), 1)
        self.warm_up_indicator(self.spy, self.composite)  # no warm_up_period: a warning only
        self.dropped = SimpleMovingAverage(3)
        self.register_indicator(self.spy, self.dropped)
        self.unregister_indicator(self.dropped)


def test_register_plot_and_unregister():
    algorithm, outcome = run_algorithm(PlotAndRegisterAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    bars = spy_bars(START, START + dt.timedelta(days=14))
    assert algorithm.custom.current.value == pytest.approx(sum(bar.open for bar in bars[-3:]) / 3)
    points = outcome.record.charts["Indicators"]["custom"]
    assert len(points) == len(bars) - 2  # plotted once ready
    assert algorithm.dropped.samples == 0
    assert algorithm.composite.samples == 0
    assert any("will not be warmed up" in line for line in outcome.record.logs)


class CustomAverage(PythonIndicator):
    """A custom indicator as LEAN's documentation writes one: the mean of the last closes."""

    def __init__(self, name, period):
        super().__init__()
        self.name = name
        self.value = 0
        self.closes = []
        self.period = period
        self.warm_up_period = period

    def update(self, input):
        self.closes = ([input.close] + self.closes)[: self.period]
        self.value = sum(self.closes) / len(self.closes)
        return len(self.closes) == self.period


class CustomIndicatorAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(START)
        self.set_end_date(START + dt.timedelta(days=14))
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.custom = CustomAverage("custom", 5)
        self.register_indicator(self.spy, self.custom, Resolution.DAILY)
        self.warm_up_indicator(self.spy, self.custom, Resolution.DAILY)
        self.ready_in_initialize = self.custom.is_ready
        self.reference = self.sma(self.spy, 5)
        self.warm_up_indicator(self.spy, self.reference)


def test_python_indicators_register_and_warm_up_as_leans():
    algorithm, outcome = run_algorithm(CustomIndicatorAlgorithm, data=SHARED_LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.ready_in_initialize
    assert algorithm.custom.samples == algorithm.reference.samples
    assert algorithm.custom.current.value == pytest.approx(algorithm.reference.current.value)
    assert algorithm.custom.current.time == algorithm.reference.current.time


# ----- bad input ----------------------------------------------------------------------------------


def _failing(body):
    class Failing(QCAlgorithm):
        def initialize(self):
            self.set_start_date(START)
            self.set_end_date(START + dt.timedelta(days=3))
            self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
            body(self)

    _, outcome = run_algorithm(Failing, data=SHARED_LEAN_DATA)
    assert not outcome.succeeded
    return outcome.runtime_error


def test_a_resolution_finer_than_the_subscriptions_is_not_supported():
    error = _failing(lambda self: self.sma(self.spy, 10, Resolution.MINUTE))
    assert "NotSupportedError" in error and "Resolution.MINUTE" in error
    assert "subscribe the security at Resolution.MINUTE" in error


def test_a_symbol_never_added_is_named():
    error = _failing(lambda self: self.ema("QQQ", 10))
    assert "add_equity('QQQ')" in error


def test_a_bad_period_is_named():
    error = _failing(lambda self: self.rsi(self.spy, 0))
    assert "integer >= 1" in error


def test_a_period_other_than_a_day_is_not_supported():
    error = _failing(
        lambda self: self.warm_up_indicator(self.spy, SimpleMovingAverage(3), dt.timedelta(hours=1))
    )
    assert "NotSupportedError" in error and "does not consolidate" in error


def test_indicator_history_needs_a_positive_bar_count():
    error = _failing(lambda self: self.indicator_history(SimpleMovingAverage(3), self.spy, 0))
    assert "bar count >= 1" in error


def test_register_indicator_needs_an_indicator():
    error = _failing(lambda self: self.register_indicator(self.spy, 14))
    assert "register_indicator needs an indicator" in error
