"""Risk management models: the last word on portfolio targets (LEAN's ``RiskManagementModel``).

``manage_risk(algorithm, targets)`` returns targets that override the portfolio construction
model's for their symbols (LEAN's ``ProcessInsights``). The default changes nothing.
"""

from __future__ import annotations

from typing import Any

from local_lean.framework.portfolio_construction import PortfolioTarget
from local_lean.lean_members import LeanMembers


class RiskManagementModel(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Risk.RiskManagementModel",
    hint="see local_lean/README.md for the framework models the runner offers",
):
    """Base: no adjustment."""

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        return []

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        """Called with the securities the algorithm added since the last call."""


class NullRiskManagementModel(RiskManagementModel):
    """LEAN's default: changes no target."""


class MaximumDrawdownPercentPerSecurity(RiskManagementModel):
    """Liquidates a holding whose unrealised loss exceeds `maximum_drawdown_percent` of its
    cost and cancels its insights (LEAN's model: the loss as a fraction of the holding's cost,
    5% by default)."""

    def __init__(self, maximum_drawdown_percent: float = 0.05) -> None:
        self._limit = -abs(float(maximum_drawdown_percent))

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        overrides = []
        for security in algorithm.securities.values():
            holding = security.holdings
            if not holding.invested or not holding.holdings_cost:
                continue
            # LEAN's UnrealizedProfitPercent: the closing fee taken off, over the cost.
            if holding.unrealized_profit_percent < self._limit:
                # LEAN cancels the symbol's insights too, so that portfolio construction
                # does not buy the position back at its next rebalance.
                algorithm.insights.cancel([security.symbol])
                overrides.append(PortfolioTarget(security.symbol, 0))
        return overrides


class MaximumUnrealizedProfitPercentPerSecurity(RiskManagementModel):
    """Takes the profit of a holding whose unrealised profit exceeds
    `maximum_unrealized_profit_percent` of its cost (5% by default): a zero target, and its
    insights cancelled so that portfolio construction does not buy it back."""

    def __init__(self, maximum_unrealized_profit_percent: float = 0.05) -> None:
        self._limit = abs(float(maximum_unrealized_profit_percent))

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        overrides = []
        for security in algorithm.securities.values():
            if not security.invested:
                continue
            if security.holdings.unrealized_profit_percent > self._limit:
                algorithm.insights.cancel([security.symbol])
                overrides.append(PortfolioTarget(security.symbol, 0))
        return overrides


class MaximumDrawdownPercentPortfolio(RiskManagementModel):
    """Liquidates the targets' symbols when the portfolio value falls more than
    `maximum_drawdown_percent` (5% by default) below its value at the first call (or, with
    `is_trailing`, below its highest value since); their insights are cancelled and the
    reference value is taken again at the next call."""

    def __init__(self, maximum_drawdown_percent: float = 0.05, is_trailing: bool = False) -> None:
        self._limit = -abs(float(maximum_drawdown_percent))
        self._is_trailing = bool(is_trailing)
        self._portfolio_high = 0.0
        self._initialised = False

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        value = algorithm.portfolio.total_portfolio_value
        if not self._initialised:
            self._portfolio_high = value
            self._initialised = True
        if self._is_trailing and self._portfolio_high < value:
            self._portfolio_high = value
            return []  # a new high: no drawdown
        drawdown = value / self._portfolio_high - 1.0 if self._portfolio_high else 0.0
        if drawdown >= self._limit or not targets:
            return []
        self._initialised = False  # start again from the value at the next call
        overrides = []
        for target in targets:
            algorithm.insights.cancel([target.symbol])
            overrides.append(PortfolioTarget(target.symbol, 0))
        return overrides


class CompositeRiskManagementModel(RiskManagementModel):
    """Several risk models in turn (what ``add_risk_management`` builds)."""

    def __init__(self, *risk_models: RiskManagementModel) -> None:
        self._models = list(risk_models)

    def add_risk_management(self, risk_management_model: RiskManagementModel) -> None:
        self._models.append(risk_management_model)

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        """Each model in turn sees the targets as the models before it left them; a model's
        targets replace those of the same symbols (LEAN's composite)."""
        targets = list(targets)
        for model in self._models:
            adjusted = list(model.manage_risk(algorithm, targets) or [])
            targets = newest_target_per_symbol(adjusted + targets)
        return targets

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for model in self._models:
            model.on_securities_changed(algorithm, changes)


def newest_target_per_symbol(targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
    """The first target of each symbol, in order (LEAN's ``DistinctBy(symbol)``)."""
    seen: set[Any] = set()
    kept = []
    for target in targets:
        if target.symbol not in seen:
            seen.add(target.symbol)
            kept.append(target)
    return kept


__all__ = [
    "CompositeRiskManagementModel",
    "MaximumDrawdownPercentPerSecurity",
    "MaximumDrawdownPercentPortfolio",
    "MaximumUnrealizedProfitPercentPerSecurity",
    "newest_target_per_symbol",
    "NullRiskManagementModel",
    "RiskManagementModel",
]
