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


class CompositeRiskManagementModel(RiskManagementModel):
    """Several risk models in turn (what ``add_risk_management`` builds)."""

    def __init__(self, *risk_models: RiskManagementModel) -> None:
        self._models = list(risk_models)

    def add_risk_management(self, risk_management_model: RiskManagementModel) -> None:
        self._models.append(risk_management_model)

    def manage_risk(self, algorithm: Any, targets: list[PortfolioTarget]) -> list[PortfolioTarget]:
        overrides: list[PortfolioTarget] = []
        for model in self._models:
            overrides.extend(model.manage_risk(algorithm, targets) or [])
        return overrides

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        for model in self._models:
            model.on_securities_changed(algorithm, changes)


__all__ = [
    "CompositeRiskManagementModel",
    "MaximumDrawdownPercentPerSecurity",
    "NullRiskManagementModel",
    "RiskManagementModel",
]
