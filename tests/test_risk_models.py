"""Risk management models (LEAN's Algorithm.Framework/Risk): the portfolio drawdown model
(cases from LEAN's MaximumDrawdownPercentPortfolioTests), the per-security profit taker, and
the composite passing each model the targets the ones before it left."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from local_lean.framework import PortfolioTarget
from local_lean.framework.risk import (
    CompositeRiskManagementModel,
    MaximumDrawdownPercentPortfolio,
    MaximumUnrealizedProfitPercentPerSecurity,
    RiskManagementModel,
)
from local_lean.symbols import equity_symbol

AAPL, SPY = equity_symbol("AAPL"), equity_symbol("SPY")


class _Algorithm:
    """What the risk models read and do: the portfolio's value, the securities' holdings,
    and the insights they cancel."""

    def __init__(self, value: float = 100_000.0) -> None:
        self.portfolio = SimpleNamespace(total_portfolio_value=value)
        self.securities: dict = {}
        self.cancelled: list[str] = []
        self.insights = SimpleNamespace(
            cancel=lambda symbols: self.cancelled.extend(s.value for s in symbols)
        )

    def hold(self, symbol, profit_percent: float) -> None:
        self.securities[symbol] = SimpleNamespace(
            symbol=symbol,
            invested=True,
            holdings=SimpleNamespace(unrealized_profit_percent=profit_percent),
        )


@pytest.mark.parametrize(
    ("loss", "liquidates"), [(0, False), (1_000, False), (10_000, False), (10_001, True)]
)
def test_the_portfolio_drawdown_model_liquidates_beyond_its_limit(loss, liquidates):
    algorithm = _Algorithm()
    model = MaximumDrawdownPercentPortfolio(0.1)
    assert model.manage_risk(algorithm, [PortfolioTarget(AAPL, 10)]) == []
    algorithm.portfolio.total_portfolio_value -= loss
    targets = model.manage_risk(algorithm, [PortfolioTarget(AAPL, 10)])
    assert targets == ([PortfolioTarget(AAPL, 0)] if liquidates else [])
    assert algorithm.cancelled == (["AAPL"] if liquidates else [])


def test_after_liquidating_the_drawdown_counts_from_the_next_value():
    algorithm = _Algorithm()
    model = MaximumDrawdownPercentPortfolio(0.1)
    model.manage_risk(algorithm, [PortfolioTarget(AAPL, 10)])
    algorithm.portfolio.total_portfolio_value = 89_999
    assert model.manage_risk(algorithm, [PortfolioTarget(AAPL, 10)]) == [PortfolioTarget(AAPL, 0)]
    assert model.manage_risk(algorithm, [PortfolioTarget(AAPL, 10)]) == []
    # no targets to liquidate: nothing, even far below
    algorithm.portfolio.total_portfolio_value = 10_000
    assert model.manage_risk(algorithm, []) == []


def test_every_target_is_liquidated_and_the_trailing_model_follows_new_highs():
    algorithm = _Algorithm()
    model = MaximumDrawdownPercentPortfolio(0.05, is_trailing=True)
    targets = [PortfolioTarget(AAPL, 10), PortfolioTarget(SPY, 100)]
    assert model.manage_risk(algorithm, targets) == []
    algorithm.portfolio.total_portfolio_value = 120_000  # a new high
    assert model.manage_risk(algorithm, targets) == []
    algorithm.portfolio.total_portfolio_value = 110_000  # 8.3% below the high
    assert model.manage_risk(algorithm, targets) == [
        PortfolioTarget(AAPL, 0),
        PortfolioTarget(SPY, 0),
    ]
    assert MaximumDrawdownPercentPortfolio(-0.05).manage_risk(_Algorithm(), targets) == []


def test_the_profit_taker_liquidates_holdings_above_their_limit():
    algorithm = _Algorithm()
    algorithm.hold(AAPL, 0.0101)
    algorithm.hold(SPY, 0.01)  # not above the limit
    model = MaximumUnrealizedProfitPercentPerSecurity(-0.01)  # the sign is ignored
    assert model.manage_risk(algorithm, []) == [PortfolioTarget(AAPL, 0)]
    assert algorithm.cancelled == ["AAPL"]


class _Doubler(RiskManagementModel):
    """Doubles every target it is given (to see what the composite passes on)."""

    def __init__(self) -> None:
        self.seen: list[list[float]] = []

    def manage_risk(self, algorithm, targets):
        self.seen.append([t.quantity for t in targets])
        return [PortfolioTarget(t.symbol, t.quantity * 2) for t in targets]


def test_the_composite_passes_each_model_the_targets_the_ones_before_it_left():
    algorithm = _Algorithm()
    algorithm.hold(SPY, 0.5)
    first, second = MaximumUnrealizedProfitPercentPerSecurity(0.1), _Doubler()
    composite = CompositeRiskManagementModel(first, second)
    targets = composite.manage_risk(algorithm, [PortfolioTarget(AAPL, 10), PortfolioTarget(SPY, 5)])
    # the profit taker's zero for SPY came first; the doubler saw it, then the original AAPL
    assert second.seen == [[0, 10]]
    assert [(t.symbol.value, t.quantity) for t in targets] == [("SPY", 0), ("AAPL", 20)]
