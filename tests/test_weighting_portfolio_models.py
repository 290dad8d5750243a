"""Portfolio construction models that weigh insights (LEAN's Algorithm.Framework/Portfolio):
InsightWeighting (by weight), ConfidenceWeighted (by confidence) and AccumulativeInsight
(each insight adds a step), as LEAN's unit tests state them."""

from __future__ import annotations

import datetime as dt

import pytest

from local_lean.enums import InsightDirection, InsightType, PortfolioBias
from local_lean.framework import Insight
from local_lean.framework.portfolio_construction import (
    AccumulativeInsightPortfolioConstructionModel,
    ConfidenceWeightedPortfolioConstructionModel,
    InsightWeightingPortfolioConstructionModel,
)

UP, DOWN, FLAT = InsightDirection.UP, InsightDirection.DOWN, InsightDirection.FLAT


def insight(ticker: str, direction, weight=None, confidence=None) -> Insight:
    return Insight(
        ticker, dt.timedelta(days=1), InsightType.PRICE, direction, None, confidence, weight=weight
    )


def by_ticker(percents: dict) -> dict[str, float]:
    return {i.symbol.value: round(p, 10) for i, p in percents.items()}


def test_insight_weighting_gives_each_insight_its_weight_in_its_direction():
    model = InsightWeightingPortfolioConstructionModel()
    insights = [insight("SPY", UP, 0.25), insight("IBM", DOWN, -0.25), insight("AIG", FLAT, 0.1)]
    assert by_ticker(model.determine_target_percent(insights)) == {
        "SPY": 0.25,
        "IBM": -0.25,  # the weight's sign is ignored; the direction gives it
        "AIG": 0.0,
    }
    assert not model.should_create_target_for_insight(insight("SPY", UP))
    assert model.should_create_target_for_insight(insight("SPY", UP, 0.0))


def test_weights_summing_past_one_are_scaled_to_one_and_the_bias_filters():
    model = InsightWeightingPortfolioConstructionModel()
    insights = [insight("SPY", UP, 1.5), insight("IBM", DOWN, 0.5)]
    assert by_ticker(model.determine_target_percent(insights)) == {"SPY": 0.75, "IBM": -0.25}
    long_only = InsightWeightingPortfolioConstructionModel(portfolio_bias=PortfolioBias.LONG)
    # the short insight's weight counts for neither the sum nor a target
    assert by_ticker(long_only.determine_target_percent(insights)) == {"SPY": 1.0, "IBM": 0.0}


def test_confidence_weighting_uses_the_confidence_in_place_of_the_weight():
    model = ConfidenceWeightedPortfolioConstructionModel()
    insights = [insight("SPY", UP, weight=0.9, confidence=0.25), insight("IBM", DOWN, None, 0.5)]
    assert by_ticker(model.determine_target_percent(insights)) == {"SPY": 0.25, "IBM": -0.5}
    assert not model.should_create_target_for_insight(insight("SPY", UP, weight=0.5))


@pytest.mark.parametrize(
    ("directions", "expected"),
    [
        ([DOWN], -0.03),
        ([DOWN, UP], 0.0),  # a new insight cancels the long-term one
        ([UP, UP], 0.06),  # and accumulates with one of the same direction
        ([DOWN, DOWN], -0.06),
        ([UP, UP, FLAT], 0.03),  # a flat one undoes a step
        ([UP, UP, FLAT, FLAT], 0.0),
        ([FLAT], 0.0),
    ],
)
def test_accumulative_insights_add_a_step_each_and_flat_ones_take_one_back(directions, expected):
    model = AccumulativeInsightPortfolioConstructionModel()
    insights = [insight("SPY", direction) for direction in directions]
    percents = model.determine_target_percent(insights)
    assert list(percents) == [insights[0]]  # one target per symbol, on its oldest insight
    assert round(percents[insights[0]], 10) == expected


def test_accumulative_percent_and_bias():
    model = AccumulativeInsightPortfolioConstructionModel(None, PortfolioBias.LONG, -0.1)
    percents = model.determine_target_percent([insight("SPY", UP), insight("IBM", DOWN)])
    assert by_ticker(percents) == {"SPY": 0.1, "IBM": 0.0}
