"""Search strategies (LEAN's grid and Euler search), the winner's choice and the deflated Sharpe
ratio, without Ray: the strategies are driven as the executor drives them."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from local_lean.optimize.deflated_sharpe import (
    EULER_MASCHERONI,
    daily_sharpe,
    deflated_sharpe,
    expected_maximum_sharpe,
)
from local_lean.optimize.objectives import parse_target
from local_lean.optimize.records import COMPLETED, FAILED, SetResult, best_result
from local_lean.optimize.space import StaticParameter, parameter_from_config, step_parameter
from local_lean.optimize.strategies import EulerSearch, GridSearch, ParameterSet


def drive(strategy, score):
    """Run a strategy to its end one set at a time, the best so far as the executor computes it
    (the first strictly best); returns the sets in the order they were handed out."""
    visited: list[ParameterSet] = []
    best: tuple[Decimal, ParameterSet] | None = None
    while (parameter_set := strategy.next_set(0, best[1] if best else None)) is not None:
        visited.append(parameter_set)
        value = score(parameter_set.values)
        if best is None or value > best[0]:
            best = (value, parameter_set)
    return visited


def test_grid_search_hands_out_every_set_once_with_ids_from_one():
    strategy = GridSearch([step_parameter("a", "1", "3", "1"), StaticParameter("b", "x")])
    visited = drive(strategy, lambda values: Decimal(values["a"]))
    assert [(s.id, s.values) for s in visited] == [
        (1, {"a": "1", "b": "x"}),
        (2, {"a": "2", "b": "x"}),
        (3, {"a": "3", "b": "x"}),
    ]
    assert str(visited[0]) == "a:1,b:x"  # LEAN's ParameterSet text, names sorted


def test_euler_search_narrows_around_the_best_as_leans_does():
    # LEAN's rule, by hand: segments 4, step 2 -> max(0.5, 2/4) = 0.5; range best +- 0.5 x 2.
    parameter = step_parameter("a", "0", "8", "2", "0.5")
    strategy = EulerSearch([parameter, StaticParameter("b", "x")], segments=4)
    visited = drive(strategy, lambda values: -((Decimal(values["a"]) - Decimal("5.4")) ** 2))
    assert [s.values["a"] for s in visited] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "5",
        "5.5",
        "6",
        "6.5",
        "7",
    ]
    assert [s.id for s in visited] == list(range(1, 11))
    assert all(s.values["b"] == "x" for s in visited)


def test_euler_search_without_a_step_uses_leans_segments_and_tenth():
    # No step: step = range / 10 and min-step = step / 10 (LEAN's CalculateStep); Euler then
    # narrows once with segments 10 to the best +- 0.1 x 5.
    parameter = parameter_from_config({"name": "a", "min": 0, "max": 10}, segments=10)
    strategy = EulerSearch([parameter], segments=10)
    visited = drive(strategy, lambda values: -abs(Decimal(values["a"]) - Decimal("3.02")))
    first = [str(n) for n in range(11)]
    second = ["2.5", "2.6", "2.7", "2.8", "2.9", "3", "3.1", "3.2", "3.3", "3.4", "3.5"]
    assert [s.values["a"] for s in visited] == first + second


def test_euler_search_keeps_the_narrowed_range_inside_the_previous_one():
    strategy = EulerSearch([step_parameter("a", "0", "8", "2", "0.5")], segments=4)
    visited = drive(strategy, lambda values: Decimal(values["a"]))  # best at the top edge
    assert [s.values["a"] for s in visited][5:] == ["7", "7.5", "8"]


def test_euler_search_with_steps_at_their_minimum_is_a_grid_search():
    # What `lean optimize --strategy "Euler Search" --parameter a 0 8 2` configures: no min-step.
    strategy = EulerSearch([step_parameter("a", "0", "8", "2")], segments=10)
    assert [s.values["a"] for s in drive(strategy, lambda v: Decimal(v["a"]))] == [
        "0",
        "2",
        "4",
        "6",
        "8",
    ]


def test_euler_search_stops_when_no_set_of_a_round_counts():
    strategy = EulerSearch([step_parameter("a", "0", "8", "2", "0.5")], segments=4)
    for _ in range(5):
        assert strategy.next_set(0, None) is not None
    assert strategy.next_set(0, None) is None  # no best: LEAN's Target.Current is unset


def _result(set_id, target, *, status=COMPLETED, met=True):
    value = None if target is None else Decimal(target)
    return SetResult(
        ParameterSet(set_id, {"a": str(set_id)}), status, 1.0, target=value, constraints_met=met
    )


def test_the_winner_is_the_first_strictly_best_set_that_counts():
    target = parse_target("Sharpe Ratio", "max")
    results = [
        _result(3, "2.0"),
        _result(1, "1.0"),
        _result(2, "2.0"),
        _result(4, "9.0", met=False),
        _result(5, None, status=FAILED),
    ]
    assert best_result(results, target).id == 2
    assert best_result(results, parse_target("Drawdown", "min")).id == 1
    assert best_result([_result(1, "1", met=False)], target) is None


def test_expected_maximum_sharpe_follows_the_papers_formula():
    trials, variance = 100, 0.5 / 252
    by_hand = math.sqrt(variance) * (
        (1 - EULER_MASCHERONI) * stats.norm.ppf(1 - 1 / trials)
        + EULER_MASCHERONI * stats.norm.ppf(1 - 1 / (trials * math.e))
    )
    assert expected_maximum_sharpe(trials, variance) == pytest.approx(by_hand)
    assert expected_maximum_sharpe(1, variance) == 0.0


def test_deflated_sharpe_matches_the_formula_and_falls_with_more_trials():
    returns = np.random.default_rng(7).normal(0.001, 0.01, 500)
    trial_sharpes = [0.02, 0.05, 0.08, 0.11]
    result = deflated_sharpe(returns, trial_sharpes)
    sharpe = returns.mean() / returns.std(ddof=1)
    threshold = expected_maximum_sharpe(4, float(np.var(trial_sharpes, ddof=1)))
    skew, kurt = stats.skew(returns), stats.kurtosis(returns, fisher=False)
    z = (
        (sharpe - threshold)
        * math.sqrt(499)
        / math.sqrt(1 - skew * sharpe + (kurt - 1) / 4 * sharpe**2)
    )
    assert result.value == pytest.approx(stats.norm.cdf(z))
    assert result.sharpe_daily == pytest.approx(sharpe)
    more_trials = deflated_sharpe(returns, trial_sharpes * 25)
    assert more_trials.value < result.value
    # One trial: nothing was selected, so the DSR is the probabilistic Sharpe ratio against 0.
    single = deflated_sharpe(returns, [sharpe])
    assert single.expected_max_sharpe_daily == 0.0 and single.value > result.value


def test_deflated_sharpe_is_undefined_without_variation():
    result = deflated_sharpe([0.0] * 20, [None, None])
    assert result.value is None and "do not vary" in result.note
    assert daily_sharpe([0.01]) is None
