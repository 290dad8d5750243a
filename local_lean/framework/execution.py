"""Execution: turn portfolio targets into market orders."""

from __future__ import annotations

import math
from typing import Any

from local_lean.framework.portfolio_construction import PortfolioTarget

# LEAN's Settings.MinimumOrderMarginPortfolioPercentage: orders worth less than this share of
# the portfolio are skipped (unless they close a position), so daily rebalancing does not churn.
MINIMUM_ORDER_PORTFOLIO_PERCENTAGE = 0.001


class ExecutionModel:
    """Base of the execution models."""

    def execute(self, algorithm: Any, targets: list[PortfolioTarget]) -> None:
        raise NotImplementedError


class ImmediateExecutionModel(ExecutionModel):
    """Orders the difference between each target and what is held or already ordered, at
    once, as whole shares; orders that reduce positions go first (LEAN: by margin impact)."""

    def execute(self, algorithm: Any, targets: list[PortfolioTarget]) -> None:
        portfolio = algorithm.portfolio
        minimum_value = portfolio.total_portfolio_value * MINIMUM_ORDER_PORTFOLIO_PERCENTAGE
        orders: list[tuple[bool, Any, float]] = []
        for target in targets:
            security = algorithm.securities[target.symbol]
            held = security.holdings.quantity + portfolio._open_quantity(security.symbol)
            quantity = math.trunc(target.quantity - held)
            if quantity == 0:
                continue
            closes_position = target.quantity == 0
            if not closes_position and abs(quantity) * security.price < minimum_value:
                continue
            adds_exposure = abs(held + quantity) > abs(held)
            orders.append((adds_exposure, security.symbol, quantity))
        # Orders that free cash go first; the sort is stable, so targets keep their order.
        orders.sort(key=lambda item: item[0])
        for _, symbol, quantity in orders:
            algorithm.market_order(symbol, quantity)
