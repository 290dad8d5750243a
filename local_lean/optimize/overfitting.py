"""Two questions about a search over many parameter sets, from their daily returns alone.

**Is the selection overfit?** The probability of backtest overfitting (Bailey, Borwein, Lopez de
Prado and Zhu, "The Probability of Backtest Overfitting", Journal of Computational Finance,
2017) by combinatorially symmetric cross-validation (CSCV). The T x N matrix of daily returns
(T days, N sets) is cut into S blocks of consecutive days; each of the C(S, S/2) ways to take
half the blocks as in-sample (the rest, out-of-sample) picks the set with the best in-sample
Sharpe ratio and ranks it out-of-sample. With w its relative rank, rank / (N + 1), the logit
log(w / (1 - w)) is at or below 0 when the in-sample winner lands at or below the
out-of-sample median; PBO is the share of combinations where it does. Skill-less sets give
about 0.5 (selection is a coin toss); a set whose edge is real keeps winning: PBO near 0.
The same combinations give the performance degradation: the winner's out-of-sample Sharpe
ratio against its in-sample one (a regression line, and how often it loses out-of-sample).

**Does any set beat a benchmark, given that many were tried?** Hansen's test of Superior
Predictive Ability ("A Test for Superior Predictive Ability", Journal of Business & Economic
Statistics, 2005) with White's Reality Check ("A Reality Check for Data Snooping",
Econometrica, 2000) beside it, on a stationary bootstrap of the daily return differences,
computed by the ``arch`` package. The null hypothesis is that no set beats the benchmark; a
small p-value says that the best one does, even after the search.

Both are pure functions of a returns matrix: days in rows, sets in columns, no look-ahead
involved (they judge returns already realised). Bad input raises OverfittingInputError, whose
message names the problem and the fix; no number is computed from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

DEFAULT_BLOCKS = 16
#: C(20, 10) = 184,756 combinations; C(22, 11) is four times more, for little more precision.
MAX_BLOCKS = 20
#: A Sharpe ratio needs two returns; in-sample halves then hold at least S days.
MIN_DAYS_PER_BLOCK = 2
#: Below this many days no test tells skill from luck.
MIN_DAYS = 20
DEFAULT_BOOTSTRAP_REPS = 1000
#: Daily returns whose standard deviation is below this do not vary (a set that holds cash):
#: their Sharpe ratio is taken as 0, not as the ratio of two rounding errors.
FLAT_STD = 1e-12


class OverfittingInputError(ValueError):
    """Returns the statistics cannot be computed from; the message says why and what to do."""


@dataclass(frozen=True)
class BacktestOverfitting:
    probability: float  # PBO: the share of combinations whose in-sample winner is at or below
    # the out-of-sample median
    blocks: int  # S
    combinations: int  # C(S, S/2)
    sets: int  # N
    days: int  # T
    logits: np.ndarray  # one per combination: log(w / (1 - w)) of the winner's rank
    winner_in_sample: np.ndarray  # the winner's daily Sharpe ratio in-sample, per combination
    winner_out_of_sample: np.ndarray  # ... and out-of-sample
    degradation_slope: float  # out-of-sample Sharpe ~ intercept + slope x in-sample Sharpe
    degradation_intercept: float
    probability_of_loss: float  # share of combinations where the winner's OOS Sharpe is < 0

    def to_json(self) -> dict[str, object]:
        return {
            "probability": self.probability,
            "blocks": self.blocks,
            "combinations": self.combinations,
            "sets": self.sets,
            "days": self.days,
            "logitMedian": float(np.median(self.logits)),
            "degradationSlope": self.degradation_slope,
            "degradationIntercept": self.degradation_intercept,
            "probabilityOfLoss": self.probability_of_loss,
            "winnerInSampleSharpeMean": float(self.winner_in_sample.mean()),
            "winnerOutOfSampleSharpeMean": float(self.winner_out_of_sample.mean()),
        }


@dataclass(frozen=True)
class SuperiorPredictiveAbility:
    spa_p_value: float  # Hansen's consistent p-value
    spa_lower_p_value: float  # Hansen's bounds around it
    spa_upper_p_value: float
    reality_check_p_value: float  # White's: unstudentised differences, the upper p-value
    best_mean_excess: float  # the best set's mean daily return above the benchmark's
    best_set: int  # its column
    sets: int
    days: int
    block_length: float
    reps: int
    seed: int

    def to_json(self) -> dict[str, object]:
        return {
            "spaPValue": self.spa_p_value,
            "spaLowerPValue": self.spa_lower_p_value,
            "spaUpperPValue": self.spa_upper_p_value,
            "realityCheckPValue": self.reality_check_p_value,
            "bestMeanDailyExcess": self.best_mean_excess,
            "bestSet": self.best_set,
            "sets": self.sets,
            "days": self.days,
            "blockLength": self.block_length,
            "bootstrapReps": self.reps,
            "seed": self.seed,
        }


def check_returns(
    returns: np.ndarray | Sequence[Sequence[float]], names: Sequence[str]
) -> np.ndarray:
    """The days x sets matrix as floats, or OverfittingInputError naming what is wrong with it.

    ``names`` label the columns in messages (e.g. "parameter set 3")."""
    matrix = np.asarray(returns, dtype=float)
    if matrix.ndim != 2:
        raise OverfittingInputError(
            f"the daily returns must be a table of days x sets, got {matrix.ndim} dimension(s)"
        )
    days, sets = matrix.shape
    if len(names) != sets:
        raise OverfittingInputError(f"{sets} columns of returns but {len(names)} names")
    if sets < 2:
        raise OverfittingInputError(
            f"{sets} parameter set(s) with daily returns: judging a selection needs at least 2; "
            "search over more values"
        )
    if days < MIN_DAYS:
        raise OverfittingInputError(
            f"{days} days of returns: at least {MIN_DAYS} are needed to tell skill from luck; "
            "lengthen the backtest (--start/--end)"
        )
    bad_rows, bad_columns = np.nonzero(~np.isfinite(matrix))
    if bad_rows.size:
        which = sorted({names[c] for c in bad_columns})
        raise OverfittingInputError(
            f"{bad_rows.size} daily return(s) are NaN or infinite ({', '.join(which[:5])}, "
            f"first on day {int(bad_rows.min())}): a gap or a zero equity in the results; "
            "fix or drop those sets before judging them"
        )
    return matrix


def probability_of_backtest_overfitting(
    returns: np.ndarray | Sequence[Sequence[float]],
    blocks: int = DEFAULT_BLOCKS,
    names: Sequence[str] | None = None,
) -> BacktestOverfitting:
    """PBO by CSCV over ``blocks`` blocks of consecutive days (see the module's docstring).

    T need not be a multiple of S: the blocks' lengths then differ by one day, so that no day
    is dropped. Ties go as the optimiser breaks them: the first set wins in-sample, and
    out-of-sample a tied set shares the average rank."""
    names = list(names) if names is not None else _default_names(returns)
    matrix = check_returns(returns, names)
    days, sets = matrix.shape
    _check_blocks(blocks, days)
    if np.all(matrix == matrix[:, :1]):
        raise OverfittingInputError(
            "every set has the same daily returns (did any trade?): there is no selection to judge"
        )
    # Each combination's mean and variance come from per-block sums, so that 12,870
    # combinations cost a matrix product, not 12,870 passes over the returns.
    edges = np.array_split(np.arange(days), blocks)
    centred = matrix - matrix.mean(axis=0)  # smaller sums, less cancellation in the variance
    block_sum = np.array([centred[index].sum(axis=0) for index in edges])
    block_squares = np.array([(centred[index] ** 2).sum(axis=0) for index in edges])
    block_days = np.array([len(index) for index in edges], dtype=float)
    in_sample = np.zeros((math.comb(blocks, blocks // 2), blocks))
    for row, chosen in enumerate(combinations(range(blocks), blocks // 2)):
        in_sample[row, list(chosen)] = 1.0
    out_of_sample = 1.0 - in_sample
    is_sharpe = _sharpe(in_sample, block_sum, block_squares, block_days, matrix.mean(axis=0))
    oos_sharpe = _sharpe(out_of_sample, block_sum, block_squares, block_days, matrix.mean(axis=0))

    winner = np.argmax(is_sharpe, axis=1)  # the first of tied sets, as the optimiser picks
    rows = np.arange(len(winner))
    winner_oos = oos_sharpe[rows, winner]
    below = (oos_sharpe < winner_oos[:, None]).sum(axis=1)
    tied = (oos_sharpe == winner_oos[:, None]).sum(axis=1)  # the winner included
    rank = below + (tied + 1) / 2  # 1 = worst, N = best; average rank among ties
    relative = rank / (sets + 1)
    logits = np.log(relative / (1 - relative))
    winner_is = is_sharpe[rows, winner]
    slope, intercept = _degradation(winner_is, winner_oos)
    return BacktestOverfitting(
        probability=float(np.mean(logits <= 0)),
        blocks=blocks,
        combinations=len(winner),
        sets=sets,
        days=days,
        logits=logits,
        winner_in_sample=winner_is,
        winner_out_of_sample=winner_oos,
        degradation_slope=slope,
        degradation_intercept=intercept,
        probability_of_loss=float(np.mean(winner_oos < 0)),
    )


def superior_predictive_ability(
    returns: np.ndarray | Sequence[Sequence[float]],
    benchmark: np.ndarray | Sequence[float],
    block_length: float | None = None,
    reps: int = DEFAULT_BOOTSTRAP_REPS,
    seed: int = 0,
    names: Sequence[str] | None = None,
) -> SuperiorPredictiveAbility:
    """Hansen's SPA p-values and White's Reality Check p-value of the sets (columns) against
    the benchmark's daily returns on the same days, on a stationary bootstrap with mean block
    length ``block_length`` (default: the square root of T, as ``arch`` takes it) and ``reps``
    draws seeded by ``seed``. A return is a gain, so each loss is the negative return."""
    from arch.bootstrap import SPA

    names = list(names) if names is not None else _default_names(returns)
    matrix = check_returns(returns, names)
    days, sets = matrix.shape
    reference = np.asarray(benchmark, dtype=float)
    if reference.shape != (days,):
        raise OverfittingInputError(
            f"the benchmark has {reference.size} daily returns for {days} days of the sets: "
            "give it the same days"
        )
    if not np.all(np.isfinite(reference)):
        raise OverfittingInputError(
            f"the benchmark has a NaN or infinite daily return (day "
            f"{int(np.argmax(~np.isfinite(reference)))}): a gap in its data; give it a return "
            "for every day"
        )
    length = math.sqrt(days) if block_length is None else float(block_length)
    if not 1 <= length <= days / 2:
        raise OverfittingInputError(
            f"a bootstrap block length of {block_length} for {days} days: give a mean block "
            f"length from 1 to {days // 2} days"
        )
    if reps < 100:
        raise OverfittingInputError(
            f"{reps} bootstrap draws give p-values to no better than 1/{reps}; use 100 or more"
        )
    excess = matrix - reference[:, None]
    if np.all(np.abs(excess).max(axis=0) == 0):
        raise OverfittingInputError(
            "every set's daily returns equal the benchmark's: there is nothing to test"
        )

    def p_values(studentize: bool) -> dict[str, float]:
        test = SPA(
            -reference,
            -matrix,
            block_size=length,
            reps=reps,
            bootstrap="stationary",
            studentize=studentize,
            seed=seed,
        )
        test.compute()
        return {key: float(value) for key, value in test.pvalues.items()}

    spa = p_values(studentize=True)
    # White's Reality Check: differences not studentised, every set re-centred (the "upper"
    # p-value), as in White (2000).
    reality_check = p_values(studentize=False)["upper"]
    means = excess.mean(axis=0)
    best = int(np.argmax(means))
    return SuperiorPredictiveAbility(
        spa_p_value=spa["consistent"],
        spa_lower_p_value=spa["lower"],
        spa_upper_p_value=spa["upper"],
        reality_check_p_value=reality_check,
        best_mean_excess=float(means[best]),
        best_set=best,
        sets=sets,
        days=days,
        block_length=length,
        reps=reps,
        seed=seed,
    )


def check_blocks(blocks: int) -> None:
    """S must be even (two halves) and at most MAX_BLOCKS (the combinations grow fourfold with
    each step of 2); this needs no returns, so a command can check it before any backtest."""
    if (
        isinstance(blocks, bool)
        or not isinstance(blocks, int)
        or blocks < 2
        or blocks % 2
        or blocks > MAX_BLOCKS
    ):
        most = math.comb(MAX_BLOCKS, MAX_BLOCKS // 2)
        raise OverfittingInputError(
            f"S = {blocks} blocks (--pbo-blocks): CSCV splits the blocks into two halves, so S "
            f"must be an even number from 2 to {MAX_BLOCKS} ({most:,} combinations; default "
            f"{DEFAULT_BLOCKS})"
        )


def _check_blocks(blocks: int, days: int) -> None:
    check_blocks(blocks)
    if days < blocks * MIN_DAYS_PER_BLOCK:
        raise OverfittingInputError(
            f"{days} days are too few for S = {blocks} blocks of at least {MIN_DAYS_PER_BLOCK} "
            f"days; use at most S = {_largest_even(days // MIN_DAYS_PER_BLOCK)} or a longer "
            "backtest"
        )


def _largest_even(limit: int) -> int:
    return min(MAX_BLOCKS, limit - limit % 2)


def _sharpe(
    chosen: np.ndarray,
    block_sum: np.ndarray,
    block_squares: np.ndarray,
    block_days: np.ndarray,
    offset: np.ndarray,
) -> np.ndarray:
    """Daily Sharpe ratio (mean / sample standard deviation) of every set over the blocks each
    row of ``chosen`` selects; sums are of returns less ``offset``, each column's mean."""
    days = chosen @ block_days
    total = chosen @ block_sum
    squares = chosen @ block_squares
    mean = total / days[:, None]
    variance = np.maximum(squares - days[:, None] * mean**2, 0.0) / (days[:, None] - 1)
    deviation = np.sqrt(variance)
    flat = deviation < FLAT_STD
    return np.where(flat, 0.0, (mean + offset) / np.where(flat, 1.0, deviation))


def _degradation(in_sample: np.ndarray, out_of_sample: np.ndarray) -> tuple[float, float]:
    """Least-squares line of out-of-sample on in-sample Sharpe ratios: (slope, intercept)."""
    if np.ptp(in_sample) == 0:
        return 0.0, float(out_of_sample.mean())
    slope, intercept = np.polyfit(in_sample, out_of_sample, 1)
    return float(slope), float(intercept)


def _default_names(returns: np.ndarray | Sequence[Sequence[float]]) -> list[str]:
    matrix = np.asarray(returns, dtype=float)
    columns = matrix.shape[1] if matrix.ndim == 2 else 1
    return [f"set {index}" for index in range(columns)]
