"""bench/trading_baselines.py: the baselines the strategy's trading is measured against."""

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from trading_baselines import (  # noqa: E402
    Performance,
    break_even_cost_bps,
    group_returns,
    held_returns,
    max_drawdown,
    percentile_of,
    random_directions,
    sharpe_ratio,
    switch_count,
    turnover_per_switch,
)

DAYS = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-08"])
CLOSES = pd.DataFrame(
    {"QQQ": [100.0, 110.0, 99.0, 99.0, 108.9], "IWM": [50.0, 50.0, 55.0, 49.5, 49.5]},
    index=DAYS,
)


def test_group_returns_are_equal_weight_and_cash_earns_nothing():
    on = group_returns(CLOSES, ["QQQ", "IWM"])
    assert list(on.index) == list(DAYS) and math.isnan(on.iloc[0])
    np.testing.assert_allclose(on.iloc[1:].to_numpy(), [0.05, 0.0, -0.05, 0.05], atol=1e-12)
    assert (group_returns(CLOSES, []).iloc[1:] == 0).all()


def test_a_decision_earns_the_next_sessions_close_to_close_return():
    on = group_returns(CLOSES, ["QQQ"])  # +10%, -10%, 0, +10%
    off = group_returns(CLOSES, [])
    decisions = pd.Series([True, False, True, True], index=DAYS[:4])
    held = held_returns(decisions, on, off)
    # Decided on the 2nd (held 2nd close -> 3rd close): +10%; the 3rd: cash; ...
    assert list(held.index) == list(DAYS[1:])
    np.testing.assert_allclose(held.to_numpy(), [0.10, 0.0, 0.0, 0.10])
    # The last session's decision has no next close in the data: it is left out.
    assert len(held_returns(pd.Series([True], index=DAYS[4:]), on, off)) == 0
    with pytest.raises(ValueError, match="not sessions"):
        held_returns(pd.Series([True], index=pd.to_datetime(["2020-01-04"])), on, off)


def test_random_directions_keep_the_number_of_changes_and_repeat_with_the_seed():
    paths = random_directions(50, 7, draws=30, seed=3)
    assert paths.shape == (30, 50)
    assert all(switch_count(path) == 7 for path in paths)
    np.testing.assert_array_equal(paths, random_directions(50, 7, draws=30, seed=3))
    assert not np.array_equal(paths, random_directions(50, 7, draws=30, seed=4))
    assert len({path.tobytes() for path in paths}) > 25  # draws differ from each other
    with pytest.raises(ValueError, match="do not fit"):
        random_directions(5, 5, draws=1, seed=0)


def test_performance_figures():
    returns = np.array([0.01, -0.02, 0.03, 0.0])
    expected = returns.mean() / returns.std(ddof=1) * math.sqrt(252)
    assert sharpe_ratio(returns) == pytest.approx(expected)
    assert math.isnan(sharpe_ratio([0.01, 0.01]))
    assert max_drawdown([0.10, -0.50, 0.20]) == pytest.approx(0.5)
    figures = Performance.of(returns)
    assert figures.total_return == pytest.approx(1.01 * 0.98 * 1.03 - 1)
    assert figures.days == 4
    assert percentile_of(1.0, [0.0, 1.0, 2.0, 3.0]) == 50.0


def test_break_even_cost_spends_the_edge_on_trading():
    # 1 bp a day over 100 days = 100 bps, over 10 switches trading 1x the value: 10 bps each.
    assert break_even_cost_bps(1e-4, 10, 100, turnover_per_switch([])) == pytest.approx(10)
    assert break_even_cost_bps(1e-4, 10, 100, turnover_per_switch(["TLT"])) == pytest.approx(5)
    assert break_even_cost_bps(-1e-4, 10, 100, 1.0) < 0  # no edge before costs
