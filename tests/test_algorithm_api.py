"""The QCAlgorithm API inside a running backtest: history, prices, parameters, names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm, lean_qcalgorithm_names
from local_lean.data import open_price_source
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.market_calendar import nyse_calendar

D = dt.date
T = dt.datetime


class LooksAtHistory(QCAlgorithm):
    """At 09:35 and in on_data, record what history and prices show."""

    def initialize(self) -> None:
        self.settings.seed_initial_prices = True  # prices on the first morning, as LEAN seeds
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 9)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.qqq = self.add_equity("QQQ", Resolution.DAILY).symbol
        self.morning: list[tuple[dt.datetime, pd.DataFrame, float]] = []
        self.evening: list[tuple[dt.datetime, pd.DataFrame, float]] = []
        self.initial = self.history(self.spy, 3, Resolution.DAILY)
        self.schedule.on(
            self.date_rules.every_day(self.spy),
            self.time_rules.after_market_open(self.spy, 5),
            self.look,
        )

    def look(self) -> None:
        frame = self.history([self.spy, self.qqq], 10, Resolution.DAILY)
        self.morning.append((self.time, frame, self.securities[self.spy].price))

    def on_data(self, data) -> None:
        assert data.bars.contains_key(self.spy) and data.contains_key("SPY")
        frame = self.history(self.spy, 2)
        self.evening.append((self.time, frame, data.bars[self.spy].close))


@pytest.fixture(scope="module")
def looked():
    algorithm, outcome = run_algorithm(LooksAtHistory)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm


def spy_bars() -> pd.DataFrame:
    return open_price_source(None).daily_bars("SPY")


def test_history_has_leans_shape(looked):
    _, frame, _ = looked.morning[0]
    assert list(frame.columns) == ["open", "high", "low", "close", "volume"]
    assert frame.index.names == ["symbol", "time"]
    assert len(frame.loc[looked.spy]) == 10 and len(frame.loc["QQQ"]) == 10
    assert frame.loc[looked.spy].index.is_monotonic_increasing
    # Daily bars end at the session's close.
    assert all(t.hour == 16 for t in frame.loc[looked.spy].index)


def test_history_at_0935_ends_with_the_previous_session(looked):
    calendar = nyse_calendar()
    bars = spy_bars()
    for time, frame, price in looked.morning:
        previous = calendar.previous_session(time.date())
        last = frame.loc[looked.spy].index[-1]
        assert last == T(previous.year, previous.month, previous.day, 16, 0), time
        assert price == pytest.approx(bars.loc[pd.Timestamp(previous), "close"])
        assert frame.loc[looked.spy]["close"].iloc[-1] == pytest.approx(price)
    # 2021-07-06 follows the July 5 holiday and a weekend: the last bar is Friday's.
    tuesday = [f for t, f, _ in looked.morning if t.date() == D(2021, 7, 6)][0]
    assert tuesday.loc[looked.spy].index[-1] == T(2021, 7, 2, 16, 0)


def test_history_in_on_data_includes_the_session_that_just_closed(looked):
    bars = spy_bars()
    for time, frame, close in looked.evening:
        assert time.hour == 16
        assert frame.loc[looked.spy].index[-1] == time
        assert close == pytest.approx(bars.loc[pd.Timestamp(time.date()), "close"])


def test_history_in_initialize_ends_before_the_start(looked):
    assert looked.initial.loc[looked.spy].index[-1] == T(2021, 6, 30, 16, 0)


class Parameters(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 5)
        self.values = {
            "int": self.get_parameter("count", 1),
            "float": self.get_parameter("rate", 1.0),
            "text": self.get_parameter("name"),
            "text_default": self.get_parameter("missing", "fallback"),
            "int_missing": self.get_parameter("missing", 3),
            "bad_int": self.get_parameter("bad", 4),
            "count_as_text": self.get_parameter("count"),
            "none": self.get_parameter("missing"),
        }


def test_get_parameter_converts_to_the_defaults_type():
    parameters = {"count": "7", "rate": "2.5", "name": "hello", "bad": "abc"}
    algorithm, outcome = run_algorithm(Parameters, parameters=parameters)
    assert outcome.succeeded
    values = algorithm.values
    assert values["int"] == 7 and isinstance(values["int"], int)
    assert values["float"] == 2.5 and isinstance(values["float"], float)
    assert values["text"] == "hello"
    assert values["text_default"] == "fallback"
    assert values["int_missing"] == 3
    assert values["bad_int"] == 4  # LEAN falls back to the default ...
    assert any("parameter 'bad'" in line for line in outcome.record.logs)  # ... we say so
    assert values["count_as_text"] == "7"
    assert values["none"] is None


class UsesOutOfScope(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 5)
        self.add_forex("EURUSD")


def test_a_lean_name_outside_scope_raises_not_supported():
    assert "add_forex" in lean_qcalgorithm_names()
    algorithm, outcome = run_algorithm(UsesOutOfScope)
    assert not outcome.succeeded
    assert "NotSupportedError" in outcome.runtime_error
    assert "QCAlgorithm.add_forex is not supported by local_lean" in outcome.runtime_error
    with pytest.raises(NotSupportedError):
        algorithm.add_crypto  # noqa: B018 - the attribute access itself must raise


def test_a_name_lean_does_not_have_raises_attribute_error():
    algorithm = QCAlgorithm()
    assert "add_equityy" not in lean_qcalgorithm_names()
    with pytest.raises(AttributeError, match="add_equityy"):
        algorithm.add_equityy("SPY")
    assert not hasattr(algorithm, "my_own_attribute")


class MinuteData(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 5)
        self.add_equity("SPY", Resolution.MINUTE)


def test_minute_bars_from_a_daily_only_source_are_refused_naming_the_fix():
    _, outcome = run_algorithm(MinuteData)
    error = outcome.runtime_error or ""
    assert "add_equity with Resolution.MINUTE on built-in synthetic market" in error
    assert "pass Resolution.DAILY, or run with --data a LEAN data folder" in error


class MissingTicker(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.ghost = self.add_equity("NOSUCHTICKER")
        self.prices: list[float] = []
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(10, 0), self.check)

    def check(self) -> None:
        self.prices.append(self.securities["NOSUCHTICKER"].price)
        self.frame = self.history(["NOSUCHTICKER"], 5)
        self.ticket = self.market_order("NOSUCHTICKER", 10)


def test_a_ticker_without_data_is_added_without_prices_and_cannot_trade():
    algorithm, outcome = run_algorithm(MissingTicker)
    assert outcome.succeeded, outcome.runtime_error
    assert any("no data for NOSUCHTICKER" in line for line in outcome.record.logs)
    assert not algorithm.ghost.has_data and set(algorithm.prices) == {0.0}
    assert algorithm.frame.empty
    # LEAN's pre-order checks refuse it: an invalid ticket, no order, the reason in the log.
    assert algorithm.ticket.status.name == "INVALID"
    assert algorithm.ticket.get_most_recent_order_response().error_code.name == (
        "SECURITY_PRICE_ZERO"
    )
    assert outcome.record.orders == []
    assert any(
        "NOSUCHTICKER: The security does not have an accurate price" in line
        for line in outcome.record.logs
    )


class PlotsAndLogs(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.set_warm_up(3)
        self.spy = self.add_equity("SPY").symbol
        self.warm_times: list[dt.datetime] = []
        self.schedule.on(self.date_rules.every_day(self.spy), self.time_rules.noon, self.noon)

    def noon(self) -> None:
        if self.is_warming_up:
            self.warm_times.append(self.time)
            self.market_order(self.spy, 1)  # refused while warming up
            return
        self.plot("Custom", "Price", self.securities[self.spy].price)
        self.debug("noon")


def test_plot_log_and_warm_up():
    algorithm, outcome = run_algorithm(PlotsAndLogs)
    assert outcome.succeeded, outcome.runtime_error
    assert [t.date() for t in algorithm.warm_times] == [
        D(2020, 12, 29),
        D(2020, 12, 30),
        D(2020, 12, 31),
    ]
    points = outcome.record.charts["Custom"]["Price"]
    assert [t for t, _ in points][0] == T(2021, 1, 4, 12, 0) and len(points) == 5
    assert "2021-01-04 12:00:00 noon" in outcome.record.logs
    # Orders while warming up are refused before they become orders (LEAN's pre-order checks).
    assert outcome.record.orders == []
    assert any(
        "not allowed in initialize or during warm up" in line for line in outcome.record.logs
    )
    assert outcome.record.equity.index[0] == pd.Timestamp("2021-01-04 16:00")


class ChangesStartLate(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 6)
        self.schedule.on(self.date_rules.every_day(), self.time_rules.noon, self.late)

    def late(self) -> None:
        self.set_start_date(2020, 1, 1)


def test_set_start_date_outside_initialize_is_refused():
    _, outcome = run_algorithm(ChangesStartLate)
    assert "set_start_date can only be called in initialize" in outcome.runtime_error


class HistoryWindows(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 7, 12)
        self.set_end_date(2021, 7, 12)
        self.spy = self.add_equity("SPY").symbol
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(10, 0), self.look)

    def look(self) -> None:
        self.by_span = self.history(self.spy, dt.timedelta(days=7))
        self.by_dates = self.history(["SPY"], dt.date(2021, 7, 1), dt.date(2021, 7, 31))
        self.none_before_listing = self.history(["SPY"], dt.date(1990, 1, 1), dt.date(1990, 2, 1))


def test_history_by_timespan_and_by_dates_stops_before_today():
    algorithm, outcome = run_algorithm(HistoryWindows)
    assert outcome.succeeded, outcome.runtime_error
    span_days = [t.date() for t in algorithm.by_span.loc["SPY"].index]
    assert span_days == [D(2021, 7, 6), D(2021, 7, 7), D(2021, 7, 8), D(2021, 7, 9)]
    date_days = [t.date() for t in algorithm.by_dates.loc["SPY"].index]
    assert date_days[0] == D(2021, 7, 1) and date_days[-1] == D(2021, 7, 9)  # not 07-12
    assert algorithm.none_before_listing.empty


class TradesAndLiquidates(QCAlgorithm):
    def initialize(self) -> None:
        self.settings.seed_initial_prices = True  # prices on the first morning, as LEAN seeds
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 8)
        self.symbols = [self.add_equity(t).symbol for t in ("SPY", "QQQ")]
        self.schedule.on(self.date_rules.on(2021, 7, 1), self.time_rules.at(10, 0), self.buy)
        self.schedule.on(
            self.date_rules.on(dt.datetime(2021, 7, 7)), self.time_rules.at(10, 0), self.sell
        )
        self.bars_seen: list[tuple[dt.datetime, list[str], float]] = []

    def buy(self) -> None:
        for symbol in self.symbols:
            self.set_holdings(symbol, 0.25)

    def sell(self) -> None:
        self.liquidate()

    def on_data(self, data) -> None:
        self.bars_seen.append((data.time, sorted(map(str, data.keys())), data["SPY"].close))


def test_liquidate_sells_everything_and_on_data_gets_each_sessions_bars():
    algorithm, outcome = run_algorithm(TradesAndLiquidates)
    assert outcome.succeeded, outcome.runtime_error
    assert not algorithm.portfolio.invested
    sells = [o for o in outcome.record.orders if o["quantity"] < 0]
    assert {o["symbol"] for o in sells} == {"SPY", "QQQ"}
    assert all(o["tag"] == "Liquidated" and o["time"] == T(2021, 7, 7, 10, 0) for o in sells)
    closes = open_price_source(None).daily_bars("SPY")["close"]
    assert [t for t, _, _ in algorithm.bars_seen] == [T(2021, 7, d, 16, 0) for d in (1, 2, 6, 7, 8)]
    assert all(keys == ["QQQ", "SPY"] for _, keys, _ in algorithm.bars_seen)
    assert [c for _, _, c in algorithm.bars_seen] == [
        pytest.approx(closes[pd.Timestamp(t.date())]) for t, _, _ in algorithm.bars_seen
    ]
