"""The framework's path from insights to orders (LEAN's ``QCAlgorithm.ProcessInsights``).

insights -> portfolio construction (targets, when a rebalance is due) -> risk management
(targets that override those of their symbols) -> execution (orders). It runs when the
algorithm emits insights and at each slice of data after ``on_data`` with the alpha model's
insights (LEAN's ``OnFrameworkData``), so that expiries and the daily rebalance are acted on.
"""

from __future__ import annotations

from typing import Any

from local_lean.framework.insights import Insight


def process_insights(algorithm: Any, insights: list[Insight]) -> None:
    """Let the portfolio construction model make targets, the risk model override them, and
    the execution model trade them."""
    targets = list(algorithm.portfolio_construction.create_targets(algorithm, insights))
    overrides = list(algorithm.risk_management.manage_risk(algorithm, targets) or [])
    if overrides:
        overridden = {target.symbol for target in overrides}
        targets = overrides + [t for t in targets if t.symbol not in overridden]
    algorithm.execution.execute(algorithm, targets)


def notify_security_changes(algorithm: Any, changes: Any) -> None:
    """Tell the algorithm and its framework models which securities were added."""
    for model in (
        algorithm.alpha,
        algorithm.portfolio_construction,
        algorithm.risk_management,
        algorithm.execution,
    ):
        handler = getattr(model, "on_securities_changed", None)
        if handler is not None:
            handler(algorithm, changes)
    algorithm.on_securities_changed(changes)


__all__ = ["notify_security_changes", "process_insights"]
