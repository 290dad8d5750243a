"""MyLSTM as a scikit-learn estimator: fit/predict, get_params/set_params, clone, the target
interval (gap, horizon) and fit as one transaction."""

import numpy as np
import pytest
from sklearn.base import clone

from lstm_model import InsufficientDataError, MyLSTM, TrainingError

TINY = dict(lookback=5, units=3, layers=1, epochs=2, batch_size=16, seed=1)


def walk(n: int = 80, seed: int = 0) -> np.ndarray:
    return 100 * np.exp(np.cumsum(np.random.default_rng(seed).normal(0, 0.01, n)))


PRICES = walk()


def test_fit_returns_self_and_predict_gives_one_return_per_window():
    model = MyLSTM(**TINY)
    assert model.fit(PRICES) is model
    forecasts = model.predict(PRICES[-12:])
    assert forecasts.shape == (8,) and np.all(np.isfinite(forecasts))
    # With the post's target, predict is predict_from_model as a return on the last close.
    prices = model.predict_from_model(PRICES[-12:])
    np.testing.assert_allclose(prices, PRICES[-8:] * (1 + forecasts), rtol=1e-6)


def test_clone_gives_the_same_settings_unfitted_and_refits_to_the_same_numbers():
    model = MyLSTM(**TINY, gap=1, warm_start=True, retrain_windows=20).fit(PRICES)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert not twin.is_fitted
    twin.fit(PRICES)
    np.testing.assert_array_equal(twin.predict(PRICES), model.predict(PRICES))


def test_get_params_and_set_params():
    model = MyLSTM(**TINY)
    assert model.get_params(deep=True) == model.get_params(deep=False)
    assert model.set_params(epochs=3, warm_start=True) is model
    assert model.epochs == 3 and model.warm_start is True
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        model.set_params(epochs=0)
    assert model.epochs == 3  # a refused change changes nothing
    with pytest.raises(ValueError, match=r"Invalid parameter\(s\) \['epoch'\]"):
        model.set_params(epoch=3)
    model.fit(PRICES)
    model.set_params(warm_epochs=2)  # training settings keep the trained network
    assert model.is_fitted
    model.set_params(lookback=6)  # a new input shape discards it
    assert not model.is_fitted


def test_gap_one_labels_are_the_return_one_close_after_the_window():
    model = MyLSTM(lookback=3, gap=1)
    features, labels, _, _ = model.process_data(PRICES[:10], test_size=0)
    # Window i: closes i..i+2; its interval runs from close i+3 to close i+4.
    assert len(labels) == 10 - 3 - 1 - 1 + 1
    expected = PRICES[4:10] / PRICES[3:9] - 1
    np.testing.assert_allclose(labels, expected, rtol=1e-6)
    np.testing.assert_allclose(features[0, :, 0], PRICES[0:3] / PRICES[2] - 1, rtol=1e-6)
    with pytest.raises(InsufficientDataError, match="at least 5 prices"):
        model.process_data(PRICES[:4], test_size=0)


def test_a_forecast_uses_only_its_window():
    model = MyLSTM(**TINY, gap=1).fit(PRICES[:60])
    changed = PRICES.copy()
    changed[40:] *= 1.2
    np.testing.assert_array_equal(model.predict(PRICES[:40])[-1], model.predict(changed[:40])[-1])


def test_settings_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="'minmax' .* needs gap=0"):
        MyLSTM(normalization="minmax", gap=1)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        MyLSTM(horizon=0)
    with pytest.raises(ValueError, match="warm_start must be True or False"):
        MyLSTM(warm_start="yes")
    model = MyLSTM(**TINY, gap=1).fit(PRICES)
    with pytest.raises(ValueError, match="use predict"):
        model.predict_from_model(PRICES)


def test_a_warm_fit_continues_on_the_latest_windows():
    model = MyLSTM(**TINY, warm_start=True, warm_epochs=1, retrain_windows=10).fit(PRICES)
    before = model.model_.get_weights()
    model.fit(PRICES[5:])
    assert model.n_fits_ == 2 and len(model.loss_history_) == TINY["epochs"] + 1
    after = model.model_.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    # Without warm_start, a second fit starts afresh: the same as one fit on those prices.
    cold = MyLSTM(**TINY).fit(PRICES).fit(PRICES[5:])
    fresh = MyLSTM(**TINY).fit(PRICES[5:])
    np.testing.assert_array_equal(cold.predict(PRICES), fresh.predict(PRICES))


@pytest.mark.parametrize("warm_start", [True, False])
def test_a_failed_fit_leaves_the_model_as_it_was(warm_start):
    model = MyLSTM(**TINY, warm_start=warm_start).fit(PRICES)
    forecasts, losses = model.predict(PRICES), list(model.loss_history_)
    model.set_params(learning_rate=1e30)  # drives the loss to infinity
    with pytest.raises(TrainingError):
        model.fit(PRICES)
    np.testing.assert_array_equal(model.predict(PRICES), forecasts)
    assert model.loss_history_ == losses and model.n_fits_ == 1
    with pytest.raises(InsufficientDataError):
        model.fit(PRICES[:4])
    np.testing.assert_array_equal(model.predict(PRICES), forecasts)
