"""Risk parity: the optimizer's weights, the returns matrix LEAN forms, the model's checks,
and the security initializer that seeds prices (get_last_known_price, set_market_price)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import InsightDirection, InsightType, PortfolioBias, Resolution
from local_lean.framework import Insight
from local_lean.framework.alpha import ConstantAlphaModel
from local_lean.framework.risk_parity import (
    RiskParityPortfolioConstructionModel,
    RiskParityPortfolioOptimizer,
    _returns_matrix,
)


def _risk_contributions(weights: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    return weights * (covariance @ weights)


def test_uncorrelated_assets_get_weights_inverse_to_their_volatility():
    rng = np.random.default_rng(7)
    returns = rng.standard_normal((500, 2)) * [0.01, 0.03]
    weights = RiskParityPortfolioOptimizer().optimize(pd.DataFrame(returns, columns=["A", "B"]))
    covariance = np.cov(returns, rowvar=False)
    volatility = np.sqrt(np.diag(covariance))
    assert weights.sum() == pytest.approx(1.0)
    contributions = _risk_contributions(weights, covariance)
    assert contributions[0] == pytest.approx(contributions[1], rel=1e-6)
    assert weights[0] / weights[1] == pytest.approx(volatility[1] / volatility[0], rel=0.05)


def test_three_correlated_assets_carry_equal_risk():
    covariance = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, 0.02], [0.0, 0.02, 0.16]])
    weights = RiskParityPortfolioOptimizer().optimize(np.zeros((3, 3)), covariance=covariance)
    contributions = _risk_contributions(weights, covariance)
    assert np.allclose(contributions, contributions.mean(), rtol=1e-8)


def test_one_asset_takes_everything_and_bounds_clip():
    assert RiskParityPortfolioOptimizer().optimize(np.ones((5, 1)) * 0.01).tolist() == [1.0]
    covariance = np.diag([0.01, 1.0])
    capped = RiskParityPortfolioOptimizer(0.2, 0.6).optimize(np.zeros((2, 2)), None, covariance)
    # Unbounded: 10/11 and 1/11 (inverse volatilities); then clipped into [0.2, 0.6].
    assert capped.tolist() == pytest.approx([0.6, 0.2])
    with pytest.raises(ValueError, match="lower <= upper"):
        RiskParityPortfolioOptimizer(0.5, 0.1)
    with pytest.raises(ValueError, match="2-D"):
        RiskParityPortfolioOptimizer().optimize(np.ones(3))


def test_the_returns_matrix_aligns_dates_and_drops_empty_rows():
    a = {1: 0.01, 2: 0.0, 3: -0.02}
    b = {1: 0.02, 2: 0.0, 3: 0.01}
    matrix = _returns_matrix([a, b], 3)
    assert matrix.tolist() == [[0.01, 0.02], [-0.02, 0.01]]
    # Different dates: by position (LEAN assumes they are the same points in time).
    shifted = _returns_matrix([{1: 0.01, 2: 0.02}, {5: 0.03, 6: 0.04}], 2)
    assert shifted.tolist() == [[0.01, 0.03], [0.02, 0.04]]


def test_the_model_refuses_what_lean_refuses():
    with pytest.raises(ValueError, match="Long position must be allowed"):
        RiskParityPortfolioConstructionModel(portfolio_bias=PortfolioBias.SHORT)
    with pytest.raises(ValueError, match="period"):
        RiskParityPortfolioConstructionModel(period=0)
    with pytest.raises(ValueError, match="daily"):
        RiskParityPortfolioConstructionModel(resolution=Resolution.MINUTE)
    assert RiskParityPortfolioConstructionModel().determine_target_percent([]) == {}


class RiskParityOnTwo(QCAlgorithm):
    """SPY and QQQ with daily UP insights, weighted by risk parity; prices seeded when added."""

    def initialize(self) -> None:
        self.set_start_date(2021, 7, 1)
        self.set_end_date(2021, 7, 30)
        self.seeded: dict[str, dt.datetime] = {}
        self.set_security_initializer(self.seed)
        for ticker in ("SPY", "QQQ"):
            self.add_equity(ticker, Resolution.DAILY)
        self.add_alpha(ConstantAlphaModel(InsightType.PRICE, InsightDirection.UP, dt.timedelta(1)))
        self.model = RiskParityPortfolioConstructionModel(period=60)
        self.set_portfolio_construction(self.model)

    def seed(self, security) -> None:
        bar = self.get_last_known_price(security)
        security.set_market_price(bar)
        self.seeded[security.symbol.value] = bar.end_time
        assert security.price == bar.close


def test_a_backtest_holds_both_assets_in_risk_parity_proportions():
    algorithm, outcome = run_algorithm(RiskParityOnTwo, fee_bps=0)

    assert outcome.runtime_error is None
    # Seeded in initialize with the last bar before the start: 2021-06-30's.
    assert algorithm.seeded == {
        "SPY": dt.datetime(2021, 6, 30, 16),
        "QQQ": dt.datetime(2021, 6, 30, 16),
    }
    symbols = {s.value: s for s in algorithm.securities}
    data = algorithm.model._symbol_data
    assert all(len(data[symbols[t]].window) == 60 for t in ("SPY", "QQQ"))
    insights = [
        Insight.price(symbols[t], dt.timedelta(days=1), InsightDirection.UP) for t in ("SPY", "QQQ")
    ]
    weights = algorithm.model.determine_target_percent(insights)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(algorithm.portfolio[s].quantity > 0 for s in symbols.values())
