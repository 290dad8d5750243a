"""Baselines for a risk-on / risk-off rotation, computed from daily closes on the strategy's own
timeline: a decision on session T is held from T's close to the next session's close (LEAN fills
daily market orders at the close of the session they are placed in).

Positions are a boolean series indexed by decision session (True: risk-on). A day's return is
that of the group held over it; each switch trades the whole portfolio once (risk-off cash) or
twice (out of one group into the other). No costs unless a cost is given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

TRADING_DAYS = 252


def group_returns(closes: pd.DataFrame, tickers: list[str]) -> pd.Series:
    """Close-to-close returns of an equal-weight group, rebalanced daily, indexed by the session
    whose close ends each interval (the first session: NaN); an empty group (cash) earns 0."""
    if not tickers:
        returns = pd.Series(0.0, index=closes.index)
    else:
        returns = closes[tickers].pct_change().mean(axis=1)
    returns.iloc[0] = np.nan
    return returns


def held_returns(risk_on: pd.Series, on_returns: pd.Series, off_returns: pd.Series) -> pd.Series:
    """The return of each holding interval: decision T (True: risk-on) earns the chosen group's
    return from T's close to the next session's close, indexed by that next session."""
    sessions = on_returns.index
    position = sessions.get_indexer(risk_on.index)
    if (position < 0).any():
        missing = list(risk_on.index[position < 0][:3])
        raise ValueError(f"decision sessions {missing} are not sessions of the closes")
    keep = position + 1 < len(sessions)
    ends = sessions[position[keep] + 1]
    chosen = np.where(risk_on.to_numpy()[keep], on_returns.loc[ends], off_returns.loc[ends])
    return pd.Series(chosen, index=ends)


def switch_count(risk_on) -> int:
    """Direction changes between consecutive decisions."""
    values = np.asarray(risk_on, dtype=bool)
    return int(np.sum(values[1:] != values[:-1]))


def random_directions(n: int, changes: int, draws: int, seed: int) -> np.ndarray:
    """`draws` random risk-on paths of n decisions, each with exactly `changes` direction
    changes at uniformly drawn places and a coin-flip start; draw i is seeded by (seed, i)."""
    if not 0 <= changes <= n - 1:
        raise ValueError(f"{changes} direction changes do not fit in {n} decisions")
    paths = np.empty((draws, n), dtype=bool)
    for draw in range(draws):
        rng = np.random.default_rng([seed, draw])
        flips = np.zeros(n, dtype=bool)
        flips[rng.choice(np.arange(1, n), size=changes, replace=False)] = True
        paths[draw] = np.logical_xor.accumulate(flips) ^ bool(rng.integers(2))
    return paths


def sharpe_ratio(returns) -> float:
    """Annualised mean over standard deviation of daily returns (risk-free rate 0)."""
    values = np.asarray(returns, dtype=np.float64)
    deviation = values.std(ddof=1) if len(values) > 1 else 0.0
    if deviation == 0:
        return math.nan
    return float(values.mean() / deviation * math.sqrt(TRADING_DAYS))


def annual_return(returns) -> float:
    """Compounded annual return of daily returns."""
    values = np.asarray(returns, dtype=np.float64)
    if len(values) == 0:
        return math.nan
    return float(np.prod(1 + values) ** (TRADING_DAYS / len(values)) - 1)


def max_drawdown(returns) -> float:
    """The largest fall from a peak of the compounded equity, as a positive fraction."""
    equity = np.cumprod(1 + np.asarray(returns, dtype=np.float64))
    peaks = np.maximum.accumulate(np.concatenate([[1.0], equity]))[1:]
    return float(np.max(1 - equity / peaks)) if len(equity) else math.nan


def percentile_of(value: float, distribution) -> float:
    """The share of `distribution` at or below `value`, in percent."""
    values = np.asarray(distribution, dtype=np.float64)
    return float(100 * np.mean(values <= value))


def turnover_per_switch(risk_off: list[str]) -> float:
    """Portfolio value traded by one switch: sell one side, and buy the other unless cash."""
    return 1.0 if not risk_off else 2.0


def break_even_cost_bps(
    edge_per_day: float, switches: int, days: int, traded_per_switch: float
) -> float:
    """The cost, in basis points of the value traded, at which a mean daily return edge over a
    baseline that never switches is spent on trading: edge x days / (switches x traded)."""
    if switches == 0:
        return math.inf if edge_per_day > 0 else math.nan
    return float(1e4 * edge_per_day * days / (switches * traded_per_switch))


@dataclass(frozen=True)
class Performance:
    """Summary figures of a daily return series."""

    sharpe: float
    annual_return: float
    total_return: float
    max_drawdown: float
    days: int

    @classmethod
    def of(cls, returns) -> Performance:
        values = np.asarray(returns, dtype=np.float64)
        return cls(
            sharpe=sharpe_ratio(values),
            annual_return=annual_return(values),
            total_return=float(np.prod(1 + values) - 1),
            max_drawdown=max_drawdown(values),
            days=len(values),
        )


__all__ = [
    "Performance",
    "annual_return",
    "break_even_cost_bps",
    "group_returns",
    "held_returns",
    "max_drawdown",
    "percentile_of",
    "random_directions",
    "sharpe_ratio",
    "switch_count",
    "turnover_per_switch",
]
