"""walk_forward: one-step forecasts block by block, scored against the naive forecast."""

import math

import numpy as np
import pandas as pd
import pytest

from lstm_model import (
    InsufficientDataError,
    MyLSTM,
    directional_accuracy,
    naive_forecast,
    walk_forward,
    wilson_interval,
)

TINY = dict(lookback=5, units=3, layers=1, epochs=1, batch_size=32, seed=2)


def noisy_walk(n: int, seed: int = 0) -> pd.Series:
    steps = np.random.default_rng(seed).normal(0, 0.01, n)
    index = pd.bdate_range("2019-01-01", periods=n)
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=index, name="close")


def test_a_small_model_beats_the_naive_forecast_on_a_noisy_sine():
    days = np.arange(260)
    prices = 100 + 10 * np.sin(2 * np.pi * days / 20) + np.random.default_rng(0).normal(0, 0.5, 260)
    params = dict(
        lookback=10, units=8, layers=1, epochs=20, learning_rate=0.01, normalization="last_close"
    )
    result = walk_forward(
        prices, params, train_size=160, block_size=50, n_blocks=2, retrain="warm", warm_epochs=5
    )
    assert result.rmse_ratio < 0.8
    assert result.metrics.loc["model", "mae"] < 0.8 * result.metrics.loc["naive", "mae"]
    assert result.metrics.loc["model", "direction_ci_low"] > 0.5  # a sine's turns are learnable


PRICES = noisy_walk(47)


@pytest.fixture(scope="module")
def result():
    """Blocks of 10 days after 20 training closes: the last block holds only 7 days."""
    return walk_forward(PRICES, TINY, train_size=20, block_size=10)


def test_the_result_lines_up_days_and_baselines(result):
    forecasts = result.forecasts
    assert list(forecasts.columns) == ["previous_close", "actual", "model", "naive"]
    assert forecasts.index.equals(PRICES.index[20:])  # the Series' dates are kept
    np.testing.assert_array_equal(forecasts["actual"], PRICES.iloc[20:])
    np.testing.assert_array_equal(forecasts["previous_close"], PRICES.iloc[19:-1])
    np.testing.assert_array_equal(forecasts["naive"], forecasts["previous_close"])
    assert np.all(np.isfinite(forecasts["model"]))
    assert len(result.training_seconds) == 3 and all(s > 0 for s in result.training_seconds)

    metrics = result.metrics
    assert list(metrics.index) == ["model", "naive", "always up"]
    error = forecasts["model"] - forecasts["actual"]
    assert metrics.loc["model", "rmse"] == pytest.approx(math.sqrt(np.mean(error**2)))
    assert metrics.loc["model", "mae"] == pytest.approx(np.mean(np.abs(error)))
    assert math.isnan(metrics.loc["naive", "directional_accuracy"])  # no direction
    ups = np.mean(forecasts["actual"] > forecasts["previous_close"])
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
    prices = noisy_walk(40)
    result = walk_forward(prices, TINY, train_size=20, block_size=10, n_blocks=2, retrain="scratch")
    fresh = MyLSTM(**TINY)
    features, labels, _, _ = fresh.process_data(prices.iloc[10:30], test_size=0)
    fresh.fit_model(features, labels)
    expected = fresh.predict_from_model(prices.iloc[25:39])
    np.testing.assert_array_equal(result.forecasts["model"].iloc[10:], expected)


def test_bad_walk_forward_arguments():
    prices = noisy_walk(40)
    with pytest.raises(InsufficientDataError, match="at least 60 prices, but 40"):
        walk_forward(prices, TINY, train_size=20, block_size=10, n_blocks=4)
    with pytest.raises(ValueError, match="retrain"):
        walk_forward(prices, TINY, train_size=20, block_size=10, retrain="sometimes")
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
    np.testing.assert_array_equal(naive_forecast([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])
