"""Pairs trading alpha models: the ratio bands and grouped insights of a pair, the Pearson
model's choice of pair, and their consolidators leaving with removed securities."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, Resolution
from local_lean.framework import Insight
from local_lean.framework.pairs_trading import (
    BasePairsTradingAlphaModel,
    PearsonCorrelationPairsTradingAlphaModel,
    _Pair,
)
from local_lean.framework.selection import ScheduledUniverseSelectionModel
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.symbols import equity_symbol

UP, DOWN = InsightDirection.UP, InsightDirection.DOWN


class _Registrations:
    """Stands in for the algorithm: records the consolidators the pair registers its
    indicators with, and those it removes from the subscriptions."""

    def __init__(self) -> None:
        self.registered: list = []
        self.subscription_manager = self

    def resolve_consolidator(self, symbol, resolution):
        assert resolution is None  # the subscription's own resolution, as LEAN's pair asks
        return object()

    def register_indicator(self, symbol, indicator, consolidator) -> None:
        self.registered.append((symbol, consolidator))

    def remove_consolidator(self, symbol, consolidator) -> None:
        self.registered.remove((symbol, consolidator))


def _feed(pair: _Pair, time: dt.datetime, price1: float, price2: float) -> list[Insight]:
    pair.asset1_price.update(time, price1)
    pair.asset2_price.update(time, price2)
    return pair.get_insight_group()


def test_a_pair_waits_for_its_mean_then_trades_the_ratio_leaving_its_bands():
    registrations = _Registrations()
    a, b = equity_symbol("AAA"), equity_symbol("BBB")
    pair = _Pair(registrations, a, b, dt.timedelta(days=5), threshold=1)
    assert len(registrations.registered) == 2
    start = dt.datetime(2020, 1, 1, 16)
    for day in range(499):
        assert _feed(pair, start + dt.timedelta(days=day), 100.0, 100.0) == []
    assert not pair.mean.is_ready
    # The 500th ratio readies the mean; a ratio 5% above it shorts AAA and buys BBB.
    group = _feed(pair, start + dt.timedelta(days=499), 105.0, 100.0)
    assert [(i.symbol.value, i.direction) for i in group] == [("AAA", DOWN), ("BBB", UP)]
    assert group[0].group_id is not None and group[0].group_id == group[1].group_id
    assert group[0].period == dt.timedelta(days=5)
    # The same direction is not repeated; the opposite one is.
    assert _feed(pair, start + dt.timedelta(days=500), 106.0, 100.0) == []
    group = _feed(pair, start + dt.timedelta(days=501), 90.0, 100.0)
    assert [(i.symbol.value, i.direction) for i in group] == [("AAA", UP), ("BBB", DOWN)]
    pair.dispose()
    assert registrations.registered == []


def test_insight_group_shares_one_id():
    first = Insight.price("SPY", dt.timedelta(days=1), UP)
    second = Insight.price("QQQ", dt.timedelta(days=1), DOWN)
    grouped = Insight.group(first, second)
    assert grouped == [first, second] and first.group_id == second.group_id
    other = Insight.group([Insight.price("IWM", dt.timedelta(days=1), UP)])
    assert other[0].group_id != first.group_id
    with pytest.raises(ValueError, match="already belongs"):
        Insight.group(first)
    with pytest.raises(ValueError, match="at least one"):
        Insight.group()
    with pytest.raises(TypeError, match="insights"):
        Insight.group("SPY")


def test_bad_model_arguments_are_refused():
    with pytest.raises(ValueError, match="lookback"):
        BasePairsTradingAlphaModel(0)
    with pytest.raises(ValueError, match="resolution"):
        BasePairsTradingAlphaModel(1, "daily")
    model = PearsonCorrelationPairsTradingAlphaModel(252, Resolution.DAILY)
    assert model.name == "PearsonCorrelationPairsTradingAlphaModel(252,Daily,1)"
    assert model.prediction_interval == dt.timedelta(days=252)


TICKERS = ["SPY", "QQQ", "IWM"]


class PearsonOverAScheduledUniverse(QCAlgorithm):
    """Three equities from a scheduled universe until 07-08, then none; the Pearson model
    picks the best-correlated pair of the three."""

    def initialize(self) -> None:
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 13)
        self.set_universe_selection(
            ScheduledUniverseSelectionModel(
                self.date_rules.every_day(), self.time_rules.midnight, self.select
            )
        )
        self.model = PearsonCorrelationPairsTradingAlphaModel(60, Resolution.DAILY)
        self.set_alpha(self.model)
        self.pairs_seen: list[list[tuple[str, str]]] = []
        self.consolidators: list[int] = []

    def select(self, utc_time: dt.datetime) -> list[str]:
        return TICKERS if utc_time.day < 8 else []

    def on_securities_changed(self, changes) -> None:
        self.pairs_seen.append([(a.value, b.value) for a, b in self.model.pairs])
        subscriptions = self.subscription_manager.subscriptions
        self.consolidators.append(sum(s.consolidators.count for s in subscriptions))


def test_the_pearson_model_trades_the_best_correlated_pair_until_it_leaves():
    algorithm, outcome = run_algorithm(PearsonOverAScheduledUniverse)

    assert outcome.runtime_error is None
    # The correlations of the three's daily log returns over the 60 bars before the start.
    closes = algorithm.history(TICKERS, dt.datetime(2021, 3, 1), dt.datetime(2021, 7, 1))
    closes = closes["close"].unstack(level=0).iloc[-60:]
    returns = np.log(closes).diff().dropna()
    correlations = returns.corr()
    best = max(
        ((a, b) for i, a in enumerate(sorted(TICKERS)) for b in sorted(TICKERS)[i + 1 :]),
        key=lambda pair: correlations.loc[pair[0], pair[1]],
    )
    assert algorithm.pairs_seen[0] == [best]
    assert algorithm.consolidators == [2, 0]  # the pair's two Identity indicators, then none
    assert algorithm.pairs_seen[-1] == []
    assert len(algorithm.securities) == 0


def test_a_manual_universe_keeps_its_securities_when_another_universe_drops_them():
    class Both(PearsonOverAScheduledUniverse):
        def initialize(self) -> None:
            super().initialize()
            self.add_universe_selection(ManualUniverseSelectionModel(["SPY"]))

    algorithm, outcome = run_algorithm(Both)

    assert outcome.runtime_error is None
    assert [s.value for s in algorithm.securities] == ["SPY"]
