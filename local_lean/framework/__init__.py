"""LEAN's algorithm framework, as far as daily-equity algorithms use it: insights, portfolio
construction, execution, and the LiquidETFUniverse groupings."""

from local_lean.framework.execution import ExecutionModel, ImmediateExecutionModel
from local_lean.framework.insights import Insight, InsightDirection, InsightType
from local_lean.framework.portfolio_construction import (
    EqualWeightingPortfolioConstructionModel,
    NullPortfolioConstructionModel,
    PortfolioConstructionModel,
    PortfolioTarget,
)
from local_lean.framework.universe import LiquidETFUniverse

__all__ = [
    "EqualWeightingPortfolioConstructionModel",
    "ExecutionModel",
    "ImmediateExecutionModel",
    "Insight",
    "InsightDirection",
    "InsightType",
    "LiquidETFUniverse",
    "NullPortfolioConstructionModel",
    "PortfolioConstructionModel",
    "PortfolioTarget",
]
