"""Custom and scheduled universe selection: when the selectors run, what they get, which
securities are added and removed, and the errors for bad selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, InsightType, Resolution
from local_lean.framework import EqualWeightingPortfolioConstructionModel
from local_lean.framework.alpha import ConstantAlphaModel
from local_lean.framework.selection import (
    CustomUniverseSelectionModel,
    InceptionDateUniverseSelectionModel,
    ScheduledUniverseSelectionModel,
    selected_symbols,
)
from local_lean.scheduling import DateRules, TimeRules

T = dt.datetime


class CustomUniverse(QCAlgorithm):
    """SPY and QQQ from a custom universe; records the selector's times and the changes."""

    def initialize(self) -> None:
        self.universe_settings.resolution = Resolution.DAILY
        self.set_start_date(2021, 7, 3)  # a Saturday: the first selection is still then
        self.set_end_date(2021, 7, 9)
        self.times: list[dt.datetime] = []
        self.changes: list[tuple[dt.datetime, list[str], list[str]]] = []
        self.set_universe_selection(CustomUniverseSelectionModel("Two", self.select))

    def select(self, time: dt.datetime) -> list[str]:
        self.times.append(time)
        return ["SPY", "QQQ"]

    def on_securities_changed(self, changes) -> None:
        self.changes.append(
            (
                self.time,
                sorted(s.symbol.value for s in changes.added_securities),
                sorted(s.symbol.value for s in changes.removed_securities),
            )
        )


def test_a_custom_universe_selects_at_the_start_then_at_each_sessions_midnight():
    algorithm, outcome = run_algorithm(CustomUniverse)

    assert outcome.runtime_error is None
    # Start on Saturday 07-03; sessions 07-06..07-09 (07-05 is a holiday).
    assert algorithm.times == [
        T(2021, 7, 3),
        T(2021, 7, 6),
        T(2021, 7, 7),
        T(2021, 7, 8),
        T(2021, 7, 9),
    ]
    assert sorted(s.value for s in algorithm.securities) == ["QQQ", "SPY"]
    assert algorithm.changes == [(T(2021, 7, 3), ["QQQ", "SPY"], [])]


class ScheduledRotation(QCAlgorithm):
    """A scheduled universe that holds SPY and QQQ, then only SPY from 07-08 on; equal
    weights of daily UP insights trade what it holds."""

    def initialize(self) -> None:
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 13)
        self.utc_times: list[dt.datetime] = []
        self.changes: list[tuple[dt.date, list[str], list[str]]] = []
        self.add_universe_selection(
            ScheduledUniverseSelectionModel(
                self.date_rules.every_day(), self.time_rules.at(9, 0), self.select
            )
        )
        self.set_alpha(ConstantAlphaModel(InsightType.PRICE, InsightDirection.UP, dt.timedelta(1)))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())

    def select(self, utc_time: dt.datetime) -> list[str]:
        self.utc_times.append(utc_time)
        return ["SPY"] if utc_time.day >= 8 else ["SPY", "QQQ"]

    def on_securities_changed(self, changes) -> None:
        self.changes.append(
            (
                self.time.date(),
                sorted(s.symbol.value for s in changes.added_securities),
                sorted(s.symbol.value for s in changes.removed_securities),
            )
        )


def test_a_scheduled_universe_selects_when_its_rules_fire_with_the_utc_time():
    algorithm, outcome = run_algorithm(ScheduledRotation, fee_bps=0)

    assert outcome.runtime_error is None
    assert algorithm.utc_times[0] == T(2021, 7, 1, 13, 0)  # 09:00 New York (EDT)
    assert len(algorithm.utc_times) == 8  # the sessions from 07-01 to 07-13
    assert algorithm.changes == [
        (dt.date(2021, 7, 1), ["QQQ", "SPY"], []),
        (dt.date(2021, 7, 8), [], ["QQQ"]),
    ]
    # QQQ's insights ended with its removal: it was sold, then left the algorithm.
    orders = outcome.record.orders
    qqq = [o for o in orders if o["symbol"] == "QQQ"]
    assert qqq[0]["quantity"] > 0 and sum(o["quantity"] for o in qqq) == 0
    # LEAN's SecurityManager: no longer listed, still found (its complete collection)
    assert "QQQ" not in list(algorithm.securities.keys()) and "QQQ" in algorithm.securities
    assert algorithm.portfolio["SPY"].quantity > 0


class KeepsAddedEquity(ScheduledRotation):
    """QQQ is also added with add_equity: the universe's removal does not take it away."""

    def initialize(self) -> None:
        super().initialize()
        self.add_equity("QQQ", Resolution.DAILY)


def test_a_security_added_with_add_equity_stays_after_the_universe_drops_it():
    algorithm, outcome = run_algorithm(KeepsAddedEquity, fee_bps=0)

    assert outcome.runtime_error is None
    assert (dt.date(2021, 7, 8), [], ["QQQ"]) in algorithm.changes
    assert "QQQ" in algorithm.securities


def test_the_selectors_results_must_be_symbols():
    model = CustomUniverseSelectionModel("Bad", lambda time: None)
    with pytest.raises(TypeError, match="returned None"):
        selected_symbols(model, None, T(2021, 7, 1))
    model = CustomUniverseSelectionModel("Bad", lambda time: [42])
    with pytest.raises(TypeError, match="tickers or Symbols"):
        selected_symbols(model, None, T(2021, 7, 1))
    assert [
        s.value
        for s in selected_symbols(
            CustomUniverseSelectionModel("One", lambda t: "SPY"), None, T(2021, 7, 1)
        )
    ] == ["SPY"]


def test_bad_models_are_refused_with_the_reason():
    with pytest.raises(TypeError, match="callable"):
        CustomUniverseSelectionModel("Bad", "SPY")
    with pytest.raises(TypeError, match=r"\(name, selector\)"):
        CustomUniverseSelectionModel(lambda time: ["SPY"])
    with pytest.raises(ValueError, match="not a function"):
        ScheduledUniverseSelectionModel(DateRules().every_day(), TimeRules().midnight, ["SPY"])
    with pytest.raises(TypeError, match="date_rules"):
        ScheduledUniverseSelectionModel(None, TimeRules().midnight, lambda t: [])


class UnknownModel(QCAlgorithm):
    def initialize(self) -> None:
        self.set_universe_selection(object())


def test_an_unsimulated_universe_model_is_refused():
    _, outcome = run_algorithm(UnknownModel)

    assert "NotSupportedError" in outcome.runtime_error
    assert "CustomUniverseSelectionModel" in outcome.runtime_error


class WarmedUpUniverse(CustomUniverse):
    def initialize(self) -> None:
        super().initialize()
        self.set_warm_up(2)


def test_a_universe_selects_while_warming_up_and_reports_its_securities_after():
    algorithm, outcome = run_algorithm(WarmedUpUniverse)

    assert outcome.runtime_error is None
    # Warm-up sessions 07-01 and 07-02 select too; the securities reach on_securities_changed
    # at the first time step after the warm-up.
    assert algorithm.times[:2] == [T(2021, 7, 1), T(2021, 7, 2)]
    assert [(added, removed) for _, added, removed in algorithm.changes] == [(["QQQ", "SPY"], [])]
    assert algorithm.changes[0][0] >= T(2021, 7, 3)


class LeveragedUniverse(CustomUniverse):
    """The same universe, with leverage 4 in the universe settings."""

    leverage = 4.0

    def initialize(self) -> None:
        super().initialize()
        self.universe_settings.leverage = self.leverage


class DefaultUniverse(CustomUniverse):
    pass


def test_a_universe_creates_its_securities_with_the_universe_settings():
    # UniverseSelection.GetOrCreateSecurity passes UniverseSettings.Leverage (and the rest)
    # to SecurityService.CreateSecurity
    algorithm, outcome = run_algorithm(LeveragedUniverse)
    assert outcome.runtime_error is None
    for ticker in ("SPY", "QQQ"):
        assert algorithm.securities[ticker].leverage == 4.0


def test_the_default_universe_leverage_is_the_brokerage_models():
    # UniverseSettings.Leverage defaults to Security.NullLeverage: the brokerage model's 2
    algorithm, _ = run_algorithm(DefaultUniverse)
    assert algorithm.universe_settings.leverage == 0
    assert algorithm.securities["SPY"].leverage == 2.0


class InceptionDates(CustomUniverse):
    """QQQ from 2021-07-07 and SPY from 2021-07-06, in that order: SPY waits for QQQ."""

    def initialize(self) -> None:
        self.universe_settings.resolution = Resolution.DAILY
        self.set_start_date(2021, 7, 3)
        self.set_end_date(2021, 7, 9)
        self.changes = []
        self.add_universe_selection(
            InceptionDateUniverseSelectionModel(
                "inception", {"QQQ": dt.datetime(2021, 7, 7), "SPY": dt.date(2021, 7, 6)}
            )
        )


def test_an_inception_date_universe_adds_each_ticker_from_its_date_in_order_and_keeps_it():
    algorithm, outcome = run_algorithm(InceptionDates)

    assert outcome.runtime_error is None
    assert algorithm.changes == [(T(2021, 7, 7), ["QQQ", "SPY"], [])]
    model = InceptionDateUniverseSelectionModel("m", {"SPY": dt.datetime(2021, 7, 6)})
    assert model.select(None, T(2021, 7, 5)) == []
    assert model.select(None, T(2021, 7, 6)) == ["SPY"]
    assert model.select(None, T(2021, 7, 7)) == ["SPY"]  # kept (LEAN: unchanged)
    with pytest.raises(TypeError, match="dict of tickers"):
        InceptionDateUniverseSelectionModel("m", ["SPY"])
    with pytest.raises(TypeError, match="must be a date"):
        InceptionDateUniverseSelectionModel("m", {"SPY": "2021-07-06"})


class TwoUniversesAtOnce(CustomUniverse):
    """Two custom universes that select at the same times: one change notice for both."""

    def initialize(self) -> None:
        super().initialize()
        self.add_universe_selection(CustomUniverseSelectionModel("Other", lambda time: ["IWM"]))


def test_universes_selecting_at_the_same_time_report_their_changes_together():
    algorithm, outcome = run_algorithm(TwoUniversesAtOnce)

    assert outcome.runtime_error is None
    assert algorithm.changes == [(T(2021, 7, 3), ["IWM", "QQQ", "SPY"], [])]
