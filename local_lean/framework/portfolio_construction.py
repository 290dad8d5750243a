"""Portfolio construction: turn active insights into target holdings.

- NullPortfolioConstructionModel (LEAN's default): no targets; emitted insights trade nothing.
- EqualWeightingPortfolioConstructionModel: each symbol with an active non-flat insight (the
  latest one per symbol) gets an equal share of the portfolio's value, signed by its direction
  (filtered by the portfolio bias); symbols whose insights turned flat or expired get a target
  of zero, which liquidates them.

The engine asks for targets when insights are emitted, when one expires, and once a day at the
first time step of each session (LEAN's default daily rebalance).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from local_lean.enums import InsightDirection, PortfolioBias, Resolution
from local_lean.errors import NotSupportedError
from local_lean.framework.insights import Insight, _as_symbol
from local_lean.symbols import Symbol

# LEAN's Settings.FreePortfolioValuePercentage: value left in cash so fills at a different
# price than the one used to size the order still fit.
FREE_PORTFOLIO_VALUE_PERCENTAGE = 0.0025


class PortfolioTarget:
    """A target quantity of one symbol."""

    def __init__(self, symbol: Any, quantity: float, tag: str = "") -> None:
        self.symbol: Symbol = _as_symbol(symbol)
        if isinstance(quantity, InsightDirection):
            raise NotSupportedError("PortfolioTarget(symbol, insight_direction)")
        self.quantity = float(quantity)
        self.tag = tag or ""

    @staticmethod
    def percent(algorithm: Any, symbol: Any, percent: float, tag: str = "") -> PortfolioTarget:
        """The whole-share quantity worth `percent` of the portfolio at the latest price
        (LEAN sizes on total value less the free-value buffer, truncating toward zero)."""
        if not math.isfinite(percent):
            raise ValueError(f"target percent must be finite, got {percent!r}")
        value = algorithm.portfolio.total_portfolio_value
        return _percent_target(algorithm.securities[symbol], percent, value, tag)

    def __repr__(self) -> str:
        return f"<PortfolioTarget {self.symbol.value}: {self.quantity:g}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PortfolioTarget)
            and other.symbol == self.symbol
            and other.quantity == self.quantity
        )

    __hash__ = None  # type: ignore[assignment]


def _percent_target(security: Any, percent: float, portfolio_value: float, tag: str = ""):
    """PortfolioTarget.percent with the portfolio's value computed once by the caller."""
    price = security.price
    if price <= 0:
        return PortfolioTarget(security.symbol, 0.0, tag)
    value = portfolio_value * (1 - FREE_PORTFOLIO_VALUE_PERCENTAGE)
    return PortfolioTarget(security.symbol, math.trunc(percent * value / price), tag)


class PortfolioConstructionModel:
    """Base: the latest active insight per symbol; targets as fractions of the portfolio."""

    def __init__(self, rebalance: Any = Resolution.DAILY) -> None:
        if rebalance is None or isinstance(rebalance, Resolution | dt.timedelta):
            self._rebalance = rebalance
        else:
            raise NotSupportedError(
                f"rebalance={rebalance!r}",
                "use a Resolution, a timedelta or None (rebalance on insight changes only)",
            )

    def create_targets(self, algorithm: Any, insights: list[Insight]) -> list[PortfolioTarget]:
        """Targets for `insights`, the latest active insight of each symbol."""
        raise NotImplementedError

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        raise NotImplementedError


class NullPortfolioConstructionModel(PortfolioConstructionModel):
    """Makes no targets: insights are recorded and nothing is traded (LEAN's default)."""

    def __init__(self) -> None:
        super().__init__(None)

    def create_targets(self, algorithm: Any, insights: list[Insight]) -> list[PortfolioTarget]:
        return []


class EqualWeightingPortfolioConstructionModel(PortfolioConstructionModel):
    """Equal shares of the portfolio value to every symbol with an active non-flat insight."""

    def __init__(
        self,
        rebalance: Any = Resolution.DAILY,
        portfolio_bias: PortfolioBias = PortfolioBias.LONG_SHORT,
    ) -> None:
        super().__init__(rebalance)
        self._portfolio_bias = PortfolioBias(portfolio_bias)

    def _respects_bias(self, insight: Insight) -> bool:
        return self._portfolio_bias == PortfolioBias.LONG_SHORT or int(insight.direction) == int(
            self._portfolio_bias
        )

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        """Fraction of the portfolio per insight: 1/n for the n non-flat ones, signed."""
        counted = [
            insight
            for insight in active_insights
            if insight.direction != InsightDirection.FLAT and self._respects_bias(insight)
        ]
        share = 1.0 / len(counted) if counted else 0.0
        return {
            insight: (
                int(insight.direction) * share
                if insight.direction != InsightDirection.FLAT and self._respects_bias(insight)
                else 0.0
            )
            for insight in active_insights
        }

    def create_targets(self, algorithm: Any, insights: list[Insight]) -> list[PortfolioTarget]:
        percents = self.determine_target_percent(insights)
        value = algorithm.portfolio.total_portfolio_value
        return [
            _percent_target(algorithm.securities[insight.symbol], percent, value)
            for insight, percent in percents.items()
        ]


def latest_active_insights(insights: list[Insight], utc_time: dt.datetime) -> list[Insight]:
    """The most recently generated active insight of each symbol (LEAN's active insights)."""
    latest: dict[Symbol, Insight] = {}
    for insight in insights:
        if not insight.is_active(utc_time):
            continue
        kept = latest.get(insight.symbol)
        if kept is None or (insight._generated_time, insight.id) >= (kept._generated_time, kept.id):
            latest[insight.symbol] = insight
    return list(latest.values())
