"""The framework's path from insights to orders (LEAN's ``QCAlgorithm.ProcessInsights``).

insights -> portfolio construction (targets, when a rebalance is due) -> execution (orders).
It runs when the algorithm emits insights and at each daily bar, after ``on_data`` (LEAN's
``OnFrameworkData``), so that expiries and the daily rebalance are acted on. LEAN's default
risk management model (none) changes no target, so it has no step here.
"""

from __future__ import annotations

from typing import Any

from local_lean.framework.insights import Insight


def process_insights(algorithm: Any, insights: list[Insight]) -> None:
    """Let the portfolio construction model make targets and the execution model trade them."""
    targets = list(algorithm.portfolio_construction.create_targets(algorithm, insights))
    algorithm.execution.execute(algorithm, targets)


__all__ = ["process_insights"]
