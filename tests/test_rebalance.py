"""When portfolio construction rebalances: a period, a function of the UTC time, or a date
rule (LEAN's ``SetRebalancingFunc`` and ``IDateRule.ToFunc``); and the helpers LEAN's
rebalance functions use (TimeSpan, the margin model's reserved buying power)."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.enums import DayOfWeek, Resolution
from local_lean.errors import NotSupportedError
from local_lean.framework import EqualWeightingPortfolioConstructionModel
from local_lean.framework.portfolio_construction import END_OF_TIME, _rebalancing_function
from local_lean.models.margin import (
    ReservedBuyingPowerForPositionParameters,
    SecurityMarginModel,
)
from local_lean.scheduling import DateRules
from local_lean.securities import Security, apply_fill
from local_lean.symbols import equity_symbol
from local_lean.timespan import TimeSpan

T = dt.datetime


def test_a_period_rebalances_that_much_later():
    assert _rebalancing_function(Resolution.DAILY)(T(2021, 7, 1, 20)) == T(2021, 7, 2, 20)
    assert _rebalancing_function(dt.timedelta(hours=3))(T(2021, 7, 1, 20)) == T(2021, 7, 1, 23)
    assert _rebalancing_function(None) is None
    assert _rebalancing_function(dt.timedelta(0)) is None  # LEAN ignores a zero span


def test_a_date_rule_gives_its_next_date_and_moves_on_once_reached():
    wednesdays = _rebalancing_function(DateRules().every(DayOfWeek.WEDNESDAY))
    # Friday 2015-01-02: the next Wednesday, at midnight.
    assert wednesdays(T(2015, 1, 2, 21)) == T(2015, 1, 7)
    assert wednesdays(T(2015, 1, 6, 21)) == T(2015, 1, 7)
    # Once the time reaches it, the following one.
    assert wednesdays(T(2015, 1, 7, 21)) == T(2015, 1, 14)


def test_a_date_rule_on_weekdays_keeps_market_holidays_as_lean_does():
    # Wednesday 2014-12-24 is a session, Thursday 2014-12-25 a holiday: LEAN's rule still
    # yields the holiday (the rebalance happens at the next time step).
    thursdays = _rebalancing_function(DateRules().every(DayOfWeek.THURSDAY))
    assert thursdays(T(2014, 12, 22, 21)) == T(2014, 12, 25)


def test_a_session_date_rule_rebalances_on_its_sessions():
    month_starts = _rebalancing_function(DateRules().month_start("SPY"))
    # 2021-07-01 is the first session of July; 2021-08-02 (a Monday) that of August.
    assert month_starts(T(2021, 6, 30, 20)) == T(2021, 7, 1)
    assert month_starts(T(2021, 7, 1, 20)) == T(2021, 8, 2)
    # A first call on the rule's own date already looks past it (LEAN's enumerator).
    late = _rebalancing_function(DateRules().month_start("SPY"))
    assert late(T(2021, 7, 1, 1)) == T(2021, 8, 2)
    # Without a symbol the rule counts calendar days: August starts on Sunday the 1st.
    calendar_starts = _rebalancing_function(DateRules().month_start())
    assert calendar_starts(T(2021, 7, 1, 20)) == T(2021, 8, 1)


def test_a_date_rule_past_its_last_date_never_rebalances_again():
    once = _rebalancing_function(DateRules().on(2021, 7, 1))
    assert once(T(2021, 6, 30)) == T(2021, 7, 1)
    assert once(T(2021, 7, 1, 20)) == END_OF_TIME


def test_a_function_is_the_rebalancing_function():
    calls = []

    def mondays(utc_time: dt.datetime):
        calls.append(utc_time)
        return utc_time if utc_time.weekday() == 0 else None

    function = _rebalancing_function(mondays)
    assert function(T(2021, 7, 12, 20)) == T(2021, 7, 12, 20)
    assert function(T(2021, 7, 13, 20)) is None
    assert calls == [T(2021, 7, 12, 20), T(2021, 7, 13, 20)]
    model = EqualWeightingPortfolioConstructionModel(mondays)
    assert model._rebalancing_function is not None


def test_bad_rebalance_values_are_refused():
    with pytest.raises(NotSupportedError, match="date rule"):
        _rebalancing_function("weekly")
    with pytest.raises(TypeError, match="datetime or None"):
        _rebalancing_function(lambda utc_time: "soon")(T(2021, 7, 1))
    with pytest.raises(NotSupportedError):
        _rebalancing_function(Resolution.TICK)


def test_set_rebalancing_func_replaces_the_schedule():
    model = EqualWeightingPortfolioConstructionModel()
    model.set_rebalancing_func(dt.timedelta(days=7))
    assert model._rebalancing_function(T(2021, 7, 1)) == T(2021, 7, 8)
    model.set_rebalancing_func(None)
    assert model._rebalancing_function is None


def test_timespan_factories_are_timedeltas():
    assert TimeSpan.from_minutes(20) == dt.timedelta(minutes=20)
    assert TimeSpan.from_days(1.5) == dt.timedelta(hours=36)
    assert TimeSpan.from_hours(2) == dt.timedelta(hours=2)
    assert TimeSpan.from_seconds(30) == dt.timedelta(seconds=30)
    assert dt.timedelta(0) == TimeSpan.ZERO
    with pytest.raises(ValueError, match="finite number"):
        TimeSpan.from_minutes(float("nan"))
    with pytest.raises(ValueError, match="finite number"):
        TimeSpan.from_days("1")
    with pytest.raises(TypeError, match="timedelta"):
        TimeSpan()


def test_reserved_buying_power_is_the_positions_value_over_the_leverage():
    security = Security(equity_symbol("SPY"), Resolution.DAILY, True)
    security._set_bar(T(2021, 7, 1, 16), 100.0, 101.0, 99.0, 100.0, 1e6)
    apply_fill(security.holdings, -30, 100.0, 0.0)
    model = security.buying_power_model
    assert isinstance(model, SecurityMarginModel)
    reserved = model.get_reserved_buying_power_for_position(
        ReservedBuyingPowerForPositionParameters(security)
    )
    assert reserved.absolute_used_buying_power == pytest.approx(1500.0)
    assert model.get_leverage(security) == 2.0
    model.set_leverage(security, 4)
    assert security.leverage == 4.0
    with pytest.raises(ValueError, match="leverage"):
        model.set_leverage(security, 0.5)
    with pytest.raises(TypeError, match="ReservedBuyingPowerForPositionParameters"):
        model.get_reserved_buying_power_for_position(security)
