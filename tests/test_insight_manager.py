"""LEAN's insight manager API (``self.insights``), insight scores, the insights_generated
event, Insight.price's overloads by keyword, and when insights open and close."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, InsightScoreType, InsightType, Resolution
from local_lean.framework import EqualWeightingPortfolioConstructionModel, Insight
from local_lean.framework.alpha import AlphaModel, ConstantAlphaModel
from local_lean.framework.insight_manager import InsightManager, symbols_with_active_insights
from local_lean.framework.insights import InsightScore, close_time_for
from local_lean.framework.risk import MaximumDrawdownPercentPerSecurity
from local_lean.market_calendar import nyse_calendar

T = dt.datetime
UP, DOWN = InsightDirection.UP, InsightDirection.DOWN


def emitted(period, generated: dt.datetime, ticker: str = "SPY") -> Insight:
    periods = period if isinstance(period, tuple) else (period,)
    insight = Insight.price(ticker, *periods, UP)
    insight._set_times(generated, nyse_calendar())
    return insight


# -- when insights close ------------------------------------------------------------------------


def close_time(period, generated: dt.datetime) -> dt.datetime:
    return emitted(period, generated)._closes_at()


def test_minutes_count_only_inside_market_hours():
    # Generated at the close: 20 minutes are the first 20 of the next session.
    assert close_time(dt.timedelta(minutes=20), T(2013, 10, 8, 16)) == T(2013, 10, 9, 9, 50)
    # Friday's close: Monday morning.
    assert close_time(dt.timedelta(minutes=20), T(2013, 10, 11, 16)) == T(2013, 10, 14, 9, 50)
    # Ten minutes before the close: ten today, ten tomorrow.
    assert close_time(dt.timedelta(minutes=20), T(2013, 10, 8, 15, 50)) == T(2013, 10, 9, 9, 40)
    # The day after Thanksgiving closes at 13:00.
    assert close_time(dt.timedelta(minutes=20), T(2013, 11, 29, 12, 50)) == T(2013, 12, 2, 9, 40)


def test_hours_are_counted_as_minutes_and_a_days_fraction_as_a_fraction_of_the_session():
    assert close_time((Resolution.HOUR, 1), T(2013, 10, 8, 9, 0)) == T(2013, 10, 8, 10, 30)
    # One day, then half of 6.5 trading hours.
    assert close_time(dt.timedelta(days=1.5), T(2013, 10, 8, 16)) == T(2013, 10, 10, 12, 45)
    assert close_time(dt.timedelta(seconds=30), T(2013, 10, 8, 16)) == T(2013, 10, 9, 9, 30, 30)


def test_close_time_for_takes_the_calendar():
    generated = T(2013, 10, 8, 16)
    assert close_time_for(dt.timedelta(days=1), generated, nyse_calendar()) == T(2013, 10, 9, 16)


def test_an_insight_is_active_at_its_close_time_and_expired_after_it():
    insight = emitted((Resolution.DAILY, 1), T(2013, 10, 7, 16))
    close = insight.close_time_utc
    assert insight.is_active(close) and not insight.is_expired(close)
    later = close + dt.timedelta(seconds=1)
    assert insight.is_expired(later) and not insight.is_active(later)


def test_expire_closes_one_second_before_now():
    insight = emitted((Resolution.DAILY, 2), T(2013, 10, 7, 16))
    now = insight.generated_time_utc + dt.timedelta(hours=1)
    insight.expire(now)
    assert insight.close_time_utc == now - dt.timedelta(seconds=1)
    assert insight.is_expired(now)
    assert insight.period == dt.timedelta(minutes=59, seconds=59)


# -- Insight.price by keyword -------------------------------------------------------------------


def test_price_binds_each_overloads_arguments_by_position_or_name():
    tagged = Insight.price("SPY", Resolution.DAILY, 1, DOWN, tag="why")
    assert (tagged.direction, tagged.tag, tagged.weight) == (DOWN, "why", None)
    by_name = Insight.price(
        symbol="SPY", resolution=Resolution.DAILY, bar_count=2, direction=UP, weight=0.5
    )
    assert by_name._period_spec == (Resolution.DAILY, 2) and by_name.weight == 0.5
    positional = Insight.price("SPY", dt.timedelta(days=1), UP, 0.1, 0.2, "model", 0.3, "t")
    assert (positional.magnitude, positional.confidence, positional.source_model) == (
        0.1,
        0.2,
        "model",
    )
    assert (positional.weight, positional.tag) == (0.3, "t")


def test_price_refuses_arguments_that_fit_no_overload():
    with pytest.raises(TypeError, match="unexpected argument 'colour'"):
        Insight.price("SPY", dt.timedelta(days=1), UP, colour="red")
    with pytest.raises(TypeError, match="missing bar_count, direction"):
        Insight.price("SPY", Resolution.DAILY)
    with pytest.raises(TypeError, match="period twice"):
        Insight.price("SPY", dt.timedelta(days=1), UP, period=dt.timedelta(days=2))
    with pytest.raises(TypeError, match="'direction' twice"):
        Insight.price("SPY", dt.timedelta(days=1), UP, direction=DOWN)


# -- scores -------------------------------------------------------------------------------------


def test_scores_are_clamped_to_zero_one_and_stop_changing_once_final():
    score = InsightScore()
    now = T(2013, 10, 7, 20)
    score.set_score(InsightScoreType.DIRECTION, 3.5, now)
    score.set_score(InsightScoreType.MAGNITUDE, -2, now)
    assert (score.direction, score.magnitude, score.updated_time_utc) == (1.0, 0.0, now)
    score.finalize(now)
    score.set_score(InsightScoreType.DIRECTION, 0.25, now + dt.timedelta(days=1))
    assert score.is_final_score and score.get_score(InsightScoreType.DIRECTION) == 1.0


def test_a_score_must_be_a_known_type_and_a_number():
    with pytest.raises(ValueError):
        InsightScore().set_score(7, 0.5, T(2013, 10, 7))
    with pytest.raises(ValueError, match="number"):
        InsightScore().set_score(InsightScoreType.DIRECTION, float("nan"), T(2013, 10, 7))


# -- the manager --------------------------------------------------------------------------------


def test_the_manager_keeps_every_insight_and_the_open_ones_apart():
    manager = InsightManager()
    first = emitted((Resolution.DAILY, 1), T(2013, 10, 7, 16))
    second = emitted((Resolution.DAILY, 3), T(2013, 10, 7, 16), "IBM")
    manager.add_range([first, second])
    after_first = first.close_time_utc + dt.timedelta(seconds=1)
    assert manager.get_active_insights(after_first) == [second]
    assert manager.remove_expired_insights(after_first) == [first]
    assert not manager.contains(first) and manager.contains(second)
    assert manager.contains_key("IBM") and not manager.contains_key("SPY")
    assert manager.try_get_value("IBM") == (True, [second])
    assert manager.get_insights() == [first, second] and manager.total_count == 2
    assert manager.count == 1  # LEAN's Count: the open insights only
    assert manager.get_insights(lambda i: i.symbol.value == "SPY") == [first]
    manager.remove_insights(lambda i: i.symbol.value == "SPY")
    assert manager.get_insights() == [second]
    manager.clear(["IBM"])
    assert manager.get_next_expiry_time() is None


def test_the_manager_refuses_what_is_not_an_insight_or_a_score_function():
    manager = InsightManager()
    with pytest.raises(TypeError, match="Insight objects"):
        manager.add("SPY")
    with pytest.raises(TypeError, match="score\\(insight_manager, utc_time\\)"):
        manager.set_insight_score_function(lambda manager, time: None)
    with pytest.raises(TypeError, match="function of an insight"):
        manager.get_insights("all")
    with pytest.raises(RuntimeError, match="no clock"):
        manager.expire(["SPY"])


class Scorer:
    def __init__(self) -> None:
        self.calls: list[tuple[int, dt.datetime]] = []

    def score(self, insight_manager, utc_time) -> None:
        self.calls.append((len(insight_manager.get_active_insights(utc_time)), utc_time))
        for insight in insight_manager.get_active_insights(utc_time):
            insight.score.set_score(InsightScoreType.DIRECTION, 1, utc_time)
            if insight.is_expired(utc_time + dt.timedelta(days=1)):
                insight.score.finalize(utc_time)


class ScoredConstantUp(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.universe_settings.resolution = Resolution.DAILY
        self.add_equity("SPY", Resolution.DAILY)
        self.set_alpha(ConstantAlphaModel(InsightType.PRICE, UP, dt.timedelta(days=1)))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.scorer = Scorer()
        self.insights.set_insight_score_function(self.scorer)
        self.batches = []
        self.insights_generated += self.collect

    def collect(self, algorithm, generated) -> None:
        self.batches.append((generated.date_time_utc, [i.symbol.value for i in generated.insights]))


def test_the_score_function_scores_at_each_slice_before_the_alpha_and_the_event_fires():
    algorithm, outcome = run_algorithm(ScoredConstantUp)
    assert outcome.succeeded, outcome.runtime_error
    # One call per daily slice (UTC 21:00 in March before DST), before that slice's insights.
    assert [time for _, time in algorithm.scorer.calls] == [
        T(2021, 3, day, 21) for day in range(1, 6)
    ]
    assert algorithm.scorer.calls[0][0] == 0 and algorithm.scorer.calls[1][0] == 1
    insights = algorithm.insights.get_insights()
    assert all(i.score.direction == 1 for i in insights[:-1])
    assert sum(i.score.is_final_score for i in insights) >= 3
    assert algorithm.batches[0] == (T(2021, 3, 1, 21), ["SPY"])
    assert len(algorithm.batches) == len(insights)


class OneTagged(AlphaModel):
    def update(self, algorithm, data):
        return [Insight.price("SPY", Resolution.DAILY, 1, DOWN, tag="x")]


def test_insights_generated_takes_handlers_with_plus_equals_only():
    algorithm = QCAlgorithm()
    with pytest.raises(TypeError, match="callables"):
        algorithm.insights_generated += "not a function"
    with pytest.raises(TypeError, match="is an event"):
        algorithm.insights_generated = print

    def handler(algorithm, generated):
        return None

    algorithm.insights_generated += handler
    assert len(algorithm.insights_generated) == 1
    algorithm.insights_generated -= handler
    assert len(algorithm.insights_generated) == 0


def test_an_alpha_model_without_super_init_is_named_after_its_class():
    class Bare(AlphaModel):
        def __init__(self) -> None:
            self.ready = True

    assert Bare().name == "Bare"
    named = Bare()
    named.name = "mine"
    assert named.name == "mine"


class ShortStopped(QCAlgorithm):
    """Short SPY through the framework in a rising market; the risk model closes it."""

    def initialize(self) -> None:
        self.set_start_date(2020, 4, 1)
        self.set_end_date(2020, 6, 30)
        self.add_equity("SPY", Resolution.DAILY)
        period = dt.timedelta(days=200)
        self.set_alpha(ConstantAlphaModel(InsightType.PRICE, DOWN, period))
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_risk_management(MaximumDrawdownPercentPerSecurity(0.01))


def test_the_drawdown_risk_model_cancels_the_insights_so_the_position_stays_closed():
    algorithm, outcome = run_algorithm(ShortStopped)
    assert outcome.succeeded, outcome.runtime_error
    orders = outcome.record.orders
    # The short, then its liquidation, and nothing after: the insight was cancelled.
    assert [o["quantity"] > 0 for o in orders] == [False, True]
    (insight,) = algorithm.insights.get_insights()
    assert insight.close_time_utc < algorithm.utc_time


def test_symbols_with_active_insights_are_those_has_active_insights_accepts():
    manager = InsightManager()
    generated = T(2013, 10, 8, 16)
    manager.add_range(
        [
            emitted(dt.timedelta(days=1), generated, "SPY"),
            emitted(dt.timedelta(days=3), generated, "AAPL"),
            emitted(dt.timedelta(days=1), generated, "AAPL"),
        ]
    )
    for when in (T(2013, 10, 9, 12), T(2013, 10, 10, 12), T(2013, 10, 14, 12)):
        utc = when + dt.timedelta(hours=4)
        expected = {s for s in ("SPY", "AAPL", "IBM") if manager.has_active_insights(s, utc)}
        assert symbols_with_active_insights(manager, utc) == expected
    # UTC times: the one-day insights close at 2013-10-09 16:00 New York time (20:00 UTC), the
    # three-day one at 2013-10-11 16:00.
    assert symbols_with_active_insights(manager, T(2013, 10, 9, 20)) == {"SPY", "AAPL"}
    assert symbols_with_active_insights(manager, T(2013, 10, 10, 20)) == {"AAPL"}
    assert symbols_with_active_insights(manager, T(2013, 10, 14, 20)) == set()
