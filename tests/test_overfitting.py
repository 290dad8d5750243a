"""PBO by CSCV and the SPA / Reality Check p-values on returns with a known answer, against a
direct computation, and their refusals of returns they cannot judge."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from local_lean.optimize.overfitting import (
    OverfittingInputError,
    probability_of_backtest_overfitting,
    superior_predictive_ability,
)

DAYS, SETS = 500, 10


def noise(seed: int, days: int = DAYS, sets: int = SETS) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 0.01, size=(days, sets))


def planted_edge(seed: int) -> np.ndarray:
    """Noise, but set 4 earns 0.2% a day more: a daily Sharpe ratio of 0.2 (3.2 a year), which
    250 days tell from the noise sets' luck (their best reaches about 0.1)."""
    returns = noise(seed)
    returns[:, 4] += 0.002
    return returns


def direct_pbo(returns: np.ndarray, blocks: int) -> float:
    """CSCV written out, one combination at a time, with numpy's own mean and std."""
    pieces = np.array_split(returns, blocks)
    below = 0
    splits = list(combinations(range(blocks), blocks // 2))
    for chosen in splits:
        inside = np.vstack([pieces[i] for i in chosen])
        outside = np.vstack([pieces[i] for i in range(blocks) if i not in chosen])
        winner = int(np.argmax(inside.mean(0) / inside.std(0, ddof=1)))
        oos = outside.mean(0) / outside.std(0, ddof=1)
        rank = 1 + np.sum(oos < oos[winner])
        relative = rank / (returns.shape[1] + 1)
        below += math.log(relative / (1 - relative)) <= 0
    return below / len(splits)


def test_pbo_equals_cscv_computed_combination_by_combination():
    returns = noise(7, days=203, sets=6)  # 203 days: blocks of unequal length
    result = probability_of_backtest_overfitting(returns, blocks=8)
    assert result.combinations == 70
    assert result.probability == pytest.approx(direct_pbo(returns, 8), abs=1e-12)


def test_pure_noise_gives_pbo_near_one_half():
    # One noise matrix's PBO varies widely (its combinations share days); the average over
    # many matrices is 0.5 for an even number of sets.
    values = [probability_of_backtest_overfitting(noise(seed), blocks=10).probability
              for seed in range(30)]  # fmt: skip
    assert 0.4 < np.mean(values) < 0.6
    assert min(values) > 0.05 and max(values) < 0.95


def test_a_planted_edge_gives_pbo_near_zero_and_the_winner_keeps_its_edge_out_of_sample():
    result = probability_of_backtest_overfitting(planted_edge(3))
    assert result.blocks == 16 and result.combinations == 12_870
    assert result.probability < 0.05
    assert result.probability_of_loss < 0.05
    assert np.mean(result.winner_out_of_sample) > 0.05


def test_pure_noise_degrades_out_of_sample():
    # In-sample luck does not carry over: the winner's out-of-sample Sharpe ratio falls as its
    # in-sample one rises (halves of a fixed sample are negatively related).
    result = probability_of_backtest_overfitting(noise(11))
    assert result.degradation_slope < 0
    assert result.winner_in_sample.mean() > result.winner_out_of_sample.mean()


def test_noise_gives_spa_p_values_that_are_not_small():
    # Under the null a p-value is as likely small as a p-value of a fair test; over 20 noise
    # matrices, few are below 0.05 and the typical one is far from it.
    spa, reality_check = [], []
    for seed in range(20):
        returns, benchmark = noise(seed), np.random.default_rng(100 + seed).normal(0, 0.01, DAYS)
        result = superior_predictive_ability(returns, benchmark, block_length=5, reps=200)
        assert result.spa_lower_p_value <= result.spa_p_value <= result.spa_upper_p_value
        spa.append(result.spa_p_value)
        reality_check.append(result.reality_check_p_value)
    assert np.median(spa) > 0.25 and np.median(reality_check) > 0.25
    assert sum(p < 0.05 for p in spa) <= 3 and sum(p < 0.05 for p in reality_check) <= 3


def test_a_planted_edge_gives_a_small_spa_p_value_and_names_the_set():
    returns, benchmark = planted_edge(5), np.random.default_rng(99).normal(0, 0.01, DAYS)
    result = superior_predictive_ability(returns, benchmark, block_length=5, reps=500, seed=1)
    assert result.spa_p_value < 0.05
    assert result.reality_check_p_value < 0.05
    assert result.best_set == 4


def test_fixed_seeds_give_the_same_numbers():
    returns, benchmark = noise(2), np.random.default_rng(3).normal(0, 0.01, DAYS)
    first = superior_predictive_ability(returns, benchmark, reps=300, seed=8)
    again = superior_predictive_ability(returns, benchmark, reps=300, seed=8)
    other = superior_predictive_ability(returns, benchmark, reps=300, seed=9)
    assert first == again
    assert first.to_json() != other.to_json()
    pbo = probability_of_backtest_overfitting(returns, blocks=8)
    assert pbo.to_json() == probability_of_backtest_overfitting(returns, blocks=8).to_json()


@pytest.mark.parametrize(
    ("returns", "blocks", "message"),
    [
        (noise(0, sets=1), 16, "at least 2"),
        (noise(0, days=5), 16, "5 days of returns"),
        (noise(0, days=25), 16, "too few for S = 16 blocks"),
        (noise(0), 15, "S must be an even number"),
        (noise(0), 0, "S must be an even number"),
        (noise(0), 24, "even number from 2 to 20"),
        (np.zeros((100, 4)), 16, "same daily returns"),
        (noise(0)[0], 16, "table of days x sets"),
    ],
)
def test_returns_pbo_cannot_judge_are_refused_with_the_fix(returns, blocks, message):
    with pytest.raises(OverfittingInputError, match=message):
        probability_of_backtest_overfitting(returns, blocks=blocks)


def test_nan_returns_are_refused_naming_the_set_and_day():
    returns = noise(0)
    returns[37, 2] = np.nan
    with pytest.raises(OverfittingInputError, match=r"NaN or infinite \(set 2, first on day 37"):
        probability_of_backtest_overfitting(returns)
    with pytest.raises(OverfittingInputError, match="NaN or infinite"):
        superior_predictive_ability(returns, np.zeros(DAYS))
    with pytest.raises(OverfittingInputError, match="benchmark has a NaN"):
        superior_predictive_ability(noise(0), np.full(DAYS, np.nan))


@pytest.mark.parametrize(
    ("reference", "options", "message"),
    [
        (np.zeros(DAYS - 1), {}, "499 daily returns for 500 days"),
        (np.zeros(DAYS), {"block_length": 0.5}, "block length"),
        (np.zeros(DAYS), {"block_length": 400}, "block length"),
        (np.zeros(DAYS), {"reps": 10}, "100 or more"),
    ],
)
def test_spa_refuses_a_benchmark_or_bootstrap_it_cannot_use(reference, options, message):
    with pytest.raises(OverfittingInputError, match=message):
        superior_predictive_ability(noise(0), reference, **options)


def test_spa_refuses_sets_that_are_the_benchmark():
    returns = noise(0)
    with pytest.raises(OverfittingInputError, match="equal the benchmark"):
        superior_predictive_ability(returns[:, [1, 1]], returns[:, 1])
