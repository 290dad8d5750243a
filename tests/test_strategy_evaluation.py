"""bench/strategy_evaluation.py on a short real backtest: the baselines line up with it."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN's sample data is absent")

TINY = ["epochs", "2", "units", "4", "layers", "1", "history-bars", "200", "lookback", "10"]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    import strategy_evaluation

    output = tmp_path_factory.mktemp("evaluation")
    parameters = [arg for pair in zip(["--parameter"] * 5, TINY[::2], TINY[1::2], strict=True)
                  for arg in pair]  # fmt: skip
    strategy_evaluation.main(
        ["--data", str(LEAN_DATA), "--start", "2020-02-01", "--end", "2020-04-30",
         "--draws", "40", "--output", str(output), *parameters]
    )  # fmt: skip
    return json.loads((output / "strategy_evaluation.json").read_text())


def test_the_strategys_positions_on_closes_reproduce_the_backtest(evaluated):
    # Same timeline, same closes: the paper returns follow the backtest's day by day (fees,
    # whole shares and the cash buffer make the difference).
    assert evaluated["backtest_vs_closes_correlation"] > 0.98
    backtest, paper = evaluated["strategy_backtest"], evaluated["strategy_on_closes"]
    assert abs(backtest["total_return"] - paper["total_return"]) < 0.02
    assert evaluated["settings"]["target"] == ["holding"]


def test_baselines_and_significance_figures_are_all_there(evaluated):
    random = evaluated["random_direction"]
    assert random["draws"] == 40
    assert random["switches"] == evaluated["strategy_on_closes"]["switches"]
    assert random["sharpe_p05"] <= random["sharpe_median"] <= random["sharpe_p95"]
    assert 0 <= random["strategy_percentile"] <= 100
    forecast = evaluated["forecast"]
    assert forecast["steps_ahead"] == 2  # closes through T-1, interval T -> T+1
    assert forecast["n"] >= 55
    assert forecast["direction_ci"][0] <= forecast["direction"] <= forecast["direction_ci"][1]
    assert 0 < forecast["dm_p_value"] <= 1 and np.isfinite(forecast["dm_statistic"])
    # The spring of 2020: buy and hold SPY lost money over these sessions.
    assert evaluated["buy_and_hold_benchmark"]["total_return"] < 0
    assert evaluated["period"]["first"] == "2020-02-04"  # the day after the first decision


def test_the_variants_are_tested_against_buy_and_hold(evaluated):
    spa = evaluated["superior_predictive_ability"]
    assert spa["variants"] == ["strategy (backtest)", "strategy on closes", "always risk-on"]
    assert spa["bestVariant"] in spa["variants"]
    assert spa["days"] == evaluated["period"]["days"]  # every scored session
    assert 0 <= spa["spaLowerPValue"] <= spa["spaPValue"] <= spa["spaUpperPValue"] <= 1
    assert 0 <= spa["realityCheckPValue"] <= 1
    assert spa["bootstrapReps"] == 1000 and spa["seed"] == 0
