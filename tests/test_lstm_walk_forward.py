"""lstm_evaluation: walk-forward forecasts block by block, scored against the naive forecast,
and the measures (Wilson interval, direction, Diebold-Mariano)."""

import math

import numpy as np
import pandas as pd
import pytest

from lstm_evaluation import (
    diebold_mariano,
    directional_accuracy,
    forecast_metrics,
    naive_forecast,
    walk_forward,
    wilson_interval,
)
from lstm_model import InsufficientDataError, MyLSTM

TINY = dict(lookback=5, units=3, layers=1, epochs=1, batch_size=32, seed=2)


def noisy_walk(n: int, seed: int = 0) -> pd.Series:
    steps = np.random.default_rng(seed).normal(0, 0.01, n)
    index = pd.bdate_range("2019-01-01", periods=n)
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=index, name="close")


def test_a_small_model_beats_the_naive_forecast_on_a_noisy_sine():
    days = np.arange(260)
    prices = 100 + 10 * np.sin(2 * np.pi * days / 20) + np.random.default_rng(0).normal(0, 0.5, 260)
    params = dict(
        lookback=10,
        units=8,
        layers=1,
        epochs=20,
        learning_rate=0.01,
        normalization="last_close",
        warm_start=True,
        warm_epochs=5,
    )
    result = walk_forward(prices, params, train_size=160, block_size=50, n_blocks=2)
    assert result.rmse_ratio < 0.8
    assert result.metrics.loc["model", "mae"] < 0.8 * result.metrics.loc["naive", "mae"]
    assert result.metrics.loc["model", "direction_ci_low"] > 0.5  # a sine's turns are learnable
    # Far better than the naive forecast: the Diebold-Mariano test says so.
    assert result.metrics.loc["model", "dm_statistic"] < 0
    assert result.metrics.loc["model", "dm_p_value"] < 0.01


def test_the_holding_period_target_skips_a_day_and_still_beats_naive_on_a_sine():
    days = np.arange(260)
    prices = 100 + 10 * np.sin(2 * np.pi * days / 20) + np.random.default_rng(0).normal(0, 0.5, 260)
    params = dict(lookback=10, units=8, layers=1, epochs=20, learning_rate=0.01, gap=1)
    result = walk_forward(prices, params, train_size=160, block_size=50, n_blocks=1)
    forecasts = result.forecasts
    # Origin k = 159 .. 208 forecasts close[k + 2] / close[k + 1] - 1.
    origins = np.arange(159, 209)
    assert list(forecasts.index) == list(origins + 2)
    np.testing.assert_allclose(forecasts["actual"], prices[origins + 2] / prices[origins + 1] - 1)
    np.testing.assert_array_equal(forecasts["origin_close"], prices[origins])
    assert result.rmse_ratio < 0.9 and result.metrics.loc["model", "dm_p_value"] < 0.05


PRICES = noisy_walk(47)


@pytest.fixture(scope="module")
def result():
    """Blocks of 10 days after 20 training closes: the last block holds only 7 days."""
    return walk_forward(PRICES, TINY, train_size=20, block_size=10)


def test_the_result_lines_up_days_and_baselines(result):
    forecasts = result.forecasts
    assert list(forecasts.columns) == ["origin_close", "actual", "model", "naive"]
    assert forecasts.index.equals(PRICES.index[20:])  # the Series' dates are kept
    np.testing.assert_allclose(forecasts["actual"], PRICES.pct_change().iloc[20:])
    np.testing.assert_array_equal(forecasts["origin_close"], PRICES.iloc[19:-1])
    assert (forecasts["naive"] == 0).all()
    assert np.all(np.isfinite(forecasts["model"]))
    assert len(result.training_seconds) == 3 and all(s > 0 for s in result.training_seconds)

    metrics = result.metrics
    assert list(metrics.index) == ["model", "naive", "always up"]
    error = forecasts["model"] - forecasts["actual"]
    assert metrics.loc["model", "rmse"] == pytest.approx(math.sqrt(np.mean(error**2)))
    assert metrics.loc["model", "mae"] == pytest.approx(np.mean(np.abs(error)))
    assert math.isnan(metrics.loc["naive", "directional_accuracy"])  # no direction
    ups = np.mean(forecasts["actual"] > 0)
    assert metrics.loc["always up", "directional_accuracy"] == pytest.approx(ups)
    assert (metrics["n"] == 27).all()
    assert "| always up |" in result.to_markdown()


def test_arrays_get_positions_and_the_same_forecasts(result):
    from_list = walk_forward(list(PRICES.to_numpy()), TINY, train_size=20, block_size=10)
    assert list(from_list.forecasts.index) == list(range(20, 47))
    np.testing.assert_array_equal(from_list.forecasts["model"], result.forecasts["model"])


def test_a_forecast_never_uses_its_own_day_or_later(result):
    changed = PRICES.copy()
    changed.iloc[33:] *= 1.3  # from the 4th day of the second block on
    second = walk_forward(changed, TINY, train_size=20, block_size=10)
    same = result.forecasts.index[:14]  # every forecast day before the change
    pd.testing.assert_series_equal(
        result.forecasts.loc[same, "model"], second.forecasts.loc[same, "model"]
    )
    assert not np.allclose(result.forecasts["model"].iloc[14:], second.forecasts["model"].iloc[14:])


def test_scratch_retraining_fits_a_new_model_on_each_window_only():
    prices = noisy_walk(41)
    result = walk_forward(prices, TINY, train_size=20, block_size=10, n_blocks=2)
    fresh = MyLSTM(**TINY).fit(prices.iloc[10:30])
    expected = fresh.predict(prices.iloc[25:39])
    np.testing.assert_array_equal(result.forecasts["model"].iloc[10:], expected)


def test_warm_retraining_is_the_models_own_policy():
    """walk_forward's retrain is MyLSTM.fit with warm_start: the same numbers as calling it."""
    prices = noisy_walk(41)
    params = TINY | {"warm_start": True, "warm_epochs": 2, "retrain_windows": 4}
    result = walk_forward(prices, params, train_size=20, block_size=10, n_blocks=2)
    model = MyLSTM(**params).fit(prices.iloc[:20]).fit(prices.iloc[10:30])
    assert model.n_fits_ == 2 and len(model.loss_history_) == TINY["epochs"] + 2
    np.testing.assert_array_equal(
        result.forecasts["model"].iloc[10:], model.predict(prices.iloc[25:39])
    )


def test_bad_walk_forward_arguments():
    prices = noisy_walk(40)
    with pytest.raises(InsufficientDataError, match="at least 60 prices, but 40"):
        walk_forward(prices, TINY, train_size=20, block_size=10, n_blocks=4)
    with pytest.raises(InsufficientDataError, match="train_size=6 is too small"):
        walk_forward(prices, TINY | {"gap": 1}, train_size=6, block_size=10)
    with pytest.raises(InsufficientDataError, match="train_size=5"):
        walk_forward(prices, TINY, train_size=5, block_size=10)
    with pytest.raises(ValueError, match="units"):
        walk_forward(prices, TINY | {"units": 0}, train_size=20)
    with pytest.raises(ValueError, match="position"):
        walk_forward(prices.where(prices.index != prices.index[3]), TINY, train_size=20)


def test_wilson_interval_matches_known_values():
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.40383, abs=1e-5) and high == pytest.approx(0.59617, abs=1e-5)
    low, high = wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.27754, abs=1e-5)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_directional_accuracy_and_naive_forecast():
    previous = np.array([10.0, 10.0, 10.0, 10.0])
    actual = np.array([11.0, 9.0, 12.0, 10.0])
    forecast = np.array([10.5, 10.5, 9.0, 11.0])
    assert directional_accuracy(forecast, actual, previous) == (0.25, 1, 4)
    assert directional_accuracy(forecast - previous, actual - previous) == (0.25, 1, 4)
    np.testing.assert_array_equal(naive_forecast([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])


def test_diebold_mariano_matches_a_hand_computation():
    errors = np.array([0.5, -1.0, 0.2, 0.8, -0.3, 0.1])
    reference = np.array([1.0, -1.2, 0.6, 0.7, -0.9, 0.4])
    d = errors**2 - reference**2
    n, mean = len(d), d.mean()
    gamma0 = np.mean((d - mean) ** 2)
    gamma1 = np.sum((d[1:] - mean) * (d[:-1] - mean)) / n
    dm = mean / math.sqrt((gamma0 + 2 * gamma1) / n)
    hln = dm * math.sqrt((n + 1 - 4 + 2 / n) / n)  # h = 2
    test = diebold_mariano(errors, reference, steps_ahead=2)
    assert test.statistic == pytest.approx(hln)
    assert test.p_value == pytest.approx(2 * stats_t_sf(abs(hln), n - 1))
    assert test.mean_loss_difference == pytest.approx(mean) and test.n == 6


def stats_t_sf(value, df):
    from scipy import stats

    return stats.t.sf(value, df)


def test_diebold_mariano_size_and_power_on_simulated_forecasts():
    rng = np.random.default_rng(5)
    actual = rng.normal(0, 1, 400)
    # Equal skill: two independent noisy forecasts of the same quality.
    first, second = rng.normal(0, 1, 400), rng.normal(0, 1, 400)
    assert diebold_mariano(first - actual, second - actual).p_value > 0.05
    # A clearly better forecast.
    better = actual + rng.normal(0, 0.3, 400)
    test = diebold_mariano(better - actual, second - actual)
    assert test.statistic < -5 and test.p_value < 1e-6
    with pytest.raises(InsufficientDataError, match="more than"):
        diebold_mariano([0.1, 0.2], [0.2, 0.1])
    with pytest.raises(ValueError, match="same length"):
        diebold_mariano([0.1, 0.2, 0.3], [0.2, 0.1])


def test_forecast_metrics_scores_returns_against_zero():
    actual = np.array([0.01, -0.02, 0.03, 0.01, -0.01, 0.02, -0.03, 0.01])
    forecast = np.array([0.005, -0.01, 0.01, -0.002, -0.004, 0.01, -0.01, 0.002])
    table = forecast_metrics(forecast, actual)
    assert table.loc["naive", "rmse"] == pytest.approx(math.sqrt(np.mean(actual**2)))
    assert table.loc["model", "directional_accuracy"] == pytest.approx(7 / 8)
    assert table.loc["always up", "directional_accuracy"] == pytest.approx(5 / 8)
    assert table.loc["model", "dm_statistic"] < 0
