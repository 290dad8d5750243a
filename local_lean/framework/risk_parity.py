"""Risk parity portfolio construction (LEAN's ``RiskParityPortfolioConstructionModel`` and
``RiskParityPortfolioOptimizer``, Algorithm.Framework/Portfolio).

Each symbol's daily returns (a ``RateOfChange`` of ``lookback`` bars, the last ``period``
values, warmed up from history when the symbol is added) form a covariance matrix; the
optimizer finds the long-only weights whose risk contributions are equal (Spinu 2013:
minimise 1/2 x'Sx - b'log(x) by Newton's method, then normalise and clip).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import pandas as pd

from local_lean.enums import PortfolioBias, Resolution
from local_lean.framework.insights import Insight
from local_lean.framework.portfolio_construction import PortfolioConstructionModel
from local_lean.indicators import RateOfChange, RollingWindow


class RiskParityPortfolioOptimizer:
    """Weights in [lower, upper] that equalise the assets' risk contributions."""

    def __init__(self, lower: float | None = None, upper: float | None = None) -> None:
        self._lower = 1e-05 if lower is None else float(lower)
        self._upper = sys.float_info.max if upper is None else float(upper)
        if self._lower < 0 or self._upper < self._lower:
            raise ValueError(
                f"RiskParityPortfolioOptimizer needs 0 <= lower <= upper, got {lower}, {upper}"
            )

    def optimize(
        self, historical_returns: Any, expected_returns: Any = None, covariance: Any = None
    ) -> np.ndarray:
        """Weights for the columns of `historical_returns` (rows: dates; columns: assets).
        `expected_returns` is the risk budget (equal by default)."""
        returns = np.asarray(historical_returns, dtype=float)
        if returns.ndim != 2:
            raise ValueError("historical_returns must be a 2-D table: dates x assets")
        if covariance is None:
            covariance = np.cov(returns, rowvar=False, ddof=1)
        covariance = np.atleast_2d(np.asarray(covariance, dtype=float))
        size = covariance.shape[0]
        budget = (
            np.full(size, 1.0 / size)
            if expected_returns is None
            else np.asarray(expected_returns, dtype=float)
        )
        solution = _newton_risk_parity(size, covariance, budget)
        solution = solution / solution.sum()
        return np.clip(solution, self._lower, self._upper)


def _newton_risk_parity(
    size: int,
    covariance: np.ndarray,
    budget: np.ndarray,
    tolerance: float = 1e-11,
    maximum_iterations: int = 15000,
) -> np.ndarray:
    """Newton's method on f(x) = 1/2 x'Sx - b'log(x) from equal weights, until the objective
    changes by at most `tolerance` (LEAN's stopping rule)."""
    if size < 1 or size > 1000:
        raise ValueError(
            'Argument "numberOfVariables" must be a positive integer between 1 and 1000'
        )
    if size == 1:
        return np.array([1.0])
    weight = np.full(size, 1.0 / size)
    new_objective, old_objective = -sys.float_info.max, sys.float_info.max
    iterations = 0
    while abs(new_objective - old_objective) > tolerance and iterations < maximum_iterations:
        old_objective = new_objective
        hessian = covariance + np.diag(budget / (weight * weight))
        gradient = covariance @ weight - budget / weight
        weight = weight - np.linalg.inv(hessian) @ gradient
        with np.errstate(invalid="ignore", divide="ignore"):
            new_objective = float(0.5 * (weight @ covariance @ weight) - budget @ np.log(weight))
        if math.isnan(new_objective):
            break  # a weight went negative: LEAN's loop would also stop (NaN compares false)
        iterations += 1
    return weight


class _ReturnsSymbolData:
    """A symbol's last `period` returns over `lookback` bars, keyed by their end time."""

    def __init__(self, symbol: Any, lookback: int, period: int) -> None:
        self.symbol = symbol
        self.roc = RateOfChange(f"{symbol}.ROC({lookback})", lookback)
        self.window = RollingWindow(period)
        self.roc.updated += self._on_rate_of_change_updated

    def update(self, time: Any, value: float) -> None:
        self.roc.update(time, value)

    def _on_rate_of_change_updated(self, sender: Any, updated: Any) -> None:
        if not self.roc.is_ready:
            return
        # A history bar repeated (filled forward) would add the same time twice.
        if self.window.samples > 0 and self.window[0].end_time == updated.end_time:
            return
        self.window.add(updated)

    def returns(self) -> dict[Any, float]:
        return {point.end_time: float(point.value) for point in self.window}


def _returns_matrix(returns_by_symbol: list[dict[Any, float]], longest: int) -> np.ndarray:
    """LEAN's ``FormReturnsMatrix``: rows by date when the symbols' dates agree, else by
    position; rows whose absolute returns sum to zero (or NaN) are dropped."""
    dates: list[Any] = []
    for returns in returns_by_symbol:
        dates.extend(d for d in returns if d not in dates)
    if longest == len(dates):
        rows = [[returns.get(d, math.nan) for returns in returns_by_symbol] for d in dates]
    else:
        columns = [list(returns.values()) for returns in returns_by_symbol]
        rows = [
            [column[i] if i < len(column) else math.nan for column in columns]
            for i in range(longest)
        ]
    kept = []
    for row in rows:
        total = sum(abs(value) for value in row)
        if not (math.isnan(total) or total == 0):
            kept.append(row)
    return np.array(kept, dtype=float).reshape(len(kept), len(returns_by_symbol))


class RiskParityPortfolioConstructionModel(PortfolioConstructionModel):
    """Targets from the risk parity weights of the symbols with active insights."""

    def __init__(
        self,
        rebalance: Any = Resolution.DAILY,
        portfolio_bias: PortfolioBias = PortfolioBias.LONG_SHORT,
        lookback: int = 1,
        period: int = 252,
        resolution: Resolution = Resolution.DAILY,
        optimizer: Any = None,
    ) -> None:
        super().__init__(rebalance)
        if PortfolioBias(portfolio_bias) == PortfolioBias.SHORT:
            raise ValueError(
                "Long position must be allowed in RiskParityPortfolioConstructionModel."
            )
        for name, value in (("lookback", lookback), ("period", period)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"RiskParityPortfolioConstructionModel's {name} must be >= 1")
        if resolution != Resolution.DAILY:
            raise ValueError(
                "RiskParityPortfolioConstructionModel: local_lean has daily data only, "
                "pass resolution=Resolution.DAILY"
            )
        self._lookback = lookback
        self._period = period
        self._resolution = resolution
        self._optimizer = optimizer if optimizer is not None else RiskParityPortfolioOptimizer()
        self._symbol_data: dict[Any, _ReturnsSymbolData] = {}

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        targets: dict[Insight, float] = {}
        if not active_insights:
            return targets
        symbols = [insight.symbol for insight in active_insights]
        known = [s for s in symbols if s in self._symbol_data]
        longest = max((len(d.window) for d in self._symbol_data.values()), default=0)
        matrix = _returns_matrix([self._symbol_data[s].returns() for s in known], longest)
        columns = [str(symbol) for symbol in known]
        weights = self._optimizer.optimize(pd.DataFrame(matrix, columns=columns))
        for index, symbol in enumerate(known):
            insight = next(i for i in active_insights if i.symbol == symbol)
            targets[insight] = float(weights[index])
        return targets

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        super().on_securities_changed(algorithm, changes)
        for removed in changes.removed_securities:
            data = self._symbol_data.pop(removed.symbol, None)
            if data is not None:
                algorithm.unregister_indicator(data.roc)
        added = [security.symbol for security in changes.added_securities]
        if not added:
            return
        for symbol in added:
            if symbol not in self._symbol_data:
                data = _ReturnsSymbolData(symbol, self._lookback, self._period)
                self._symbol_data[symbol] = data
                algorithm.register_indicator(symbol, data.roc, self._resolution)
        # Warm the returns up with the bars before now.
        history = algorithm.history(added, self._lookback * self._period, self._resolution)
        if history.empty:
            return
        for symbol in added:
            if symbol not in history.index.get_level_values(0):
                continue
            data = self._symbol_data[symbol]
            for time, close in history.loc[symbol]["close"].items():
                data.update(time, float(close))


__all__ = ["RiskParityPortfolioConstructionModel", "RiskParityPortfolioOptimizer"]
