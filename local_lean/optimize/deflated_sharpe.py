"""The Deflated Sharpe Ratio (Bailey and Lopez de Prado, "The Deflated Sharpe Ratio", 2014).

The best of N backtests has a Sharpe ratio biased upward: even N strategies with no skill
give a best Sharpe ratio above zero. The DSR is the probability that the winner's true Sharpe
ratio is above the best one that N skill-less trials would be expected to reach:

    SR0 = sqrt(V) * ((1 - g) * Z(1 - 1/N) + g * Z(1 - 1/(N e)))      (expected maximum)
    DSR = Phi((SR - SR0) * sqrt(T - 1) / sqrt(1 - skew * SR + (kurtosis - 1) / 4 * SR^2))

with V the variance of the N trials' Sharpe ratios, g the Euler-Mascheroni constant, Z the
standard normal quantile, Phi its distribution, and SR, T, skew and kurtosis (not excess) those
of the winner's daily returns. Sharpe ratios here are per day (not annualised), as the formula
needs them. One trial (N = 1) gives SR0 = 0: the DSR is then the probabilistic Sharpe ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

EULER_MASCHERONI = 0.5772156649015329
STANDARD_NORMAL = NormalDist()
TRADING_DAYS_PER_YEAR = 252


@dataclass(frozen=True)
class DeflatedSharpe:
    value: float | None  # the probability, None when it cannot be computed (see note)
    sharpe_daily: float | None  # the winner's
    sharpe_annual: float | None  # x sqrt(252), for reading only
    expected_max_sharpe_daily: float | None  # SR0
    trials: int
    trial_sharpe_variance: float | None
    observations: int
    skewness: float | None
    kurtosis: float | None
    note: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def daily_sharpe(returns: Sequence[float]) -> float | None:
    """mean / sample standard deviation; None with fewer than two returns or no variation."""
    values = np.asarray(returns, dtype=float)
    if values.size < 2:
        return None
    deviation = values.std(ddof=1)
    if not np.isfinite(deviation) or deviation == 0:
        return None
    return float(values.mean() / deviation)


def expected_maximum_sharpe(trials: int, variance: float) -> float:
    """SR0: the Sharpe ratio the best of ``trials`` skill-less trials is expected to reach."""
    if trials < 2 or variance <= 0:
        return 0.0
    quantile = STANDARD_NORMAL.inv_cdf
    return math.sqrt(variance) * (
        (1 - EULER_MASCHERONI) * quantile(1 - 1 / trials)
        + EULER_MASCHERONI * quantile(1 - 1 / (trials * math.e))
    )


def deflated_sharpe(
    winner_returns: Sequence[float], trial_sharpes: Sequence[float | None]
) -> DeflatedSharpe:
    """The winner's DSR given every trial's daily Sharpe ratio (None for a trial without one:
    counted as a trial, left out of the variance)."""
    trials = len(trial_sharpes)
    defined = [s for s in trial_sharpes if s is not None]
    variance = float(np.var(defined, ddof=1)) if len(defined) >= 2 else None
    returns = np.asarray(winner_returns, dtype=float)
    sharpe = daily_sharpe(returns)
    empty = DeflatedSharpe(
        None, sharpe, None, None, trials, variance, int(returns.size), None, None, ""
    )
    if sharpe is None:
        note = (
            "the winner's daily returns do not vary (no trades?), so it has no Sharpe ratio "
            "to deflate"
        )
        return DeflatedSharpe(**{**asdict(empty), "note": note})
    if returns.size < 3:
        note = "fewer than three daily returns"
        return DeflatedSharpe(**{**asdict(empty), "note": note})
    skewness, kurtosis = _moments(returns)
    threshold = expected_maximum_sharpe(trials, variance or 0.0)
    spread = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe**2
    if spread <= 0:
        value = None
        note = "the returns' skewness and kurtosis leave no valid standard error"
    else:
        z = (sharpe - threshold) * math.sqrt(returns.size - 1) / math.sqrt(spread)
        value = STANDARD_NORMAL.cdf(z)
        note = f"{trials} trials" + ("" if variance else "; their Sharpe ratios do not vary")
    return DeflatedSharpe(
        value=value,
        sharpe_daily=sharpe,
        sharpe_annual=sharpe * math.sqrt(TRADING_DAYS_PER_YEAR),
        expected_max_sharpe_daily=threshold,
        trials=trials,
        trial_sharpe_variance=variance,
        observations=int(returns.size),
        skewness=skewness,
        kurtosis=kurtosis,
        note=note,
    )


def _moments(returns: np.ndarray) -> tuple[float, float]:
    """Skewness and kurtosis (not excess: 3 for a normal distribution), population moments."""
    centred = returns - returns.mean()
    variance = float(np.mean(centred**2))
    return (
        float(np.mean(centred**3) / variance**1.5),
        float(np.mean(centred**4) / variance**2),
    )
