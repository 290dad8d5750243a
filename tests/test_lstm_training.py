"""Training and forecasting with real (tiny) Keras models: seeding, warm start, failures."""

import numpy as np
import pytest

from lstm_model import MAX_SEED, MyLSTM, NotFittedError, TrainingError

TINY = dict(lookback=6, units=4, layers=1, epochs=2, batch_size=16, seed=3)


def noisy_walk(n: int = 80, seed: int = 0, start: float = 100.0) -> np.ndarray:
    steps = np.random.default_rng(seed).normal(0.0005, 0.01, n)
    return start * np.exp(np.cumsum(steps))


def fitted(prices, **overrides) -> MyLSTM:
    model = MyLSTM(**(TINY | overrides))
    features, labels, _, _ = model.process_data(prices, test_size=0)
    model.fit_model(features, labels)
    return model


PRICES = noisy_walk(90)


@pytest.fixture(scope="module")
def trained():
    """One fitted model per normalisation on PRICES, shared by tests that only forecast."""
    return {name: fitted(PRICES, normalization=name) for name in ("minmax", "last_close")}


def test_create_model_builds_the_stacked_architecture():
    model = MyLSTM(lookback=6, units=4, layers=3, dropout=0.1)
    network = model.create_model()
    assert network is model.model_
    kinds = [type(layer).__name__ for layer in network.layers]
    assert kinds == ["LSTM", "Dropout"] * 3 + ["Dense"]
    lstms = network.layers[0::2][:3]
    assert [layer.return_sequences for layer in lstms] == [True, True, False]
    # Defaults that keep the fused cuDNN kernel eligible on a GPU.
    for layer in lstms:
        assert layer.units == 4 and layer.recurrent_dropout == 0 and not layer.unroll
        assert layer.use_bias
    assert network.input_shape == (None, 6, 1) and network.output_shape == (None, 1)
    assert network.loss == "mean_squared_error"
    assert not model.is_fitted


def test_fit_returns_this_fits_losses_and_records_history(trained):
    model = trained["minmax"]
    losses = model.loss_history_
    assert len(losses) == TINY["epochs"] and all(np.isfinite(losses))
    assert model.n_fits_ == 1 and model.is_fitted and model.val_loss_history_ == []


@pytest.mark.parametrize("normalization", ["minmax", "last_close"])
def test_same_seed_and_data_give_identical_forecasts(trained, normalization):
    first = trained[normalization]
    second = fitted(PRICES, normalization=normalization)
    np.testing.assert_array_equal(
        first.predict_from_model(PRICES), second.predict_from_model(PRICES)
    )
    assert first.loss_history_ == second.loss_history_


def test_a_stacked_model_is_repeatable_and_the_seed_matters():
    prices = noisy_walk(40)
    first, second = (fitted(prices, layers=2, epochs=1) for _ in range(2))
    np.testing.assert_array_equal(
        first.predict_from_model(prices), second.predict_from_model(prices)
    )
    same_seed = MyLSTM(**(TINY | {"layers": 2})).create_model().get_weights()
    other_seed = MyLSTM(**(TINY | {"layers": 2, "seed": 4})).create_model().get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(same_seed, other_seed, strict=True))
    again = MyLSTM(**(TINY | {"layers": 2})).create_model().get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(same_seed, again, strict=True))


def test_forecast_alignment_and_length(trained):
    prices = noisy_walk(50, seed=9)
    model = trained["minmax"]
    forecasts = model.predict_from_model(prices)
    assert forecasts.shape == (50 - 6 + 1,) and forecasts.dtype == np.float64
    # out[j] uses prices[j : j + lookback]; its last value is the forecast after the last price.
    np.testing.assert_allclose(forecasts[-1], model.predict_next(prices), rtol=1e-5)
    np.testing.assert_allclose(forecasts[10], model.predict_next(prices[:16]), rtol=1e-5)
    # predict_next reads only the last `lookback` prices.
    assert model.predict_next(prices) == model.predict_next(prices[-6:])


def test_forecasting_does_not_change_the_model(trained):
    prices = PRICES
    model = trained["minmax"]
    weights = model.model_.get_weights()
    before = model.predict_from_model(prices)
    model.predict_next(prices * 2)
    after = model.predict_from_model(prices)
    np.testing.assert_array_equal(before, after)
    for old, new in zip(weights, model.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_warm_start_continues_from_the_previous_weights():
    prices = noisy_walk(120)
    # Scaled prices, as the post's minmax gives them, are smooth enough to learn in 15 epochs.
    model = MyLSTM(**(TINY | {"epochs": 15, "learning_rate": 0.01, "normalization": "minmax"}))
    features, labels, _, _ = model.process_data(prices, test_size=0)
    initial = [w.copy() for w in model.create_model().get_weights()]
    network = model.model_
    first = model.fit_model(features, labels)
    assert len(first["loss"]) == 15 and model.n_fits_ == 1
    after_first = model.model_.get_weights()
    second = model.fit_model(features, labels, epochs=1)
    assert len(second["loss"]) == 1 and model.n_fits_ == 2
    assert model.loss_history_ == first["loss"] + second["loss"]
    after_second = model.model_.get_weights()
    assert model.model_ is network  # not rebuilt
    # The second fit starts where the first ended: its loss continues the first fit's curve,
    # far below the loss of the first epoch from fresh weights.
    assert second["loss"][0] < 0.5 * model.loss_history_[0]

    def distance(a, b):
        return sum(float(np.sum((x - y) ** 2)) for x, y in zip(a, b, strict=True))

    assert distance(after_second, after_first) < distance(after_second, initial)


def test_a_non_finite_loss_raises_and_keeps_the_previous_weights():
    prices = noisy_walk(40)
    model = fitted(prices)
    weights = model.model_.get_weights()
    forecasts = model.predict_from_model(prices)
    features, labels, _, _ = model.process_data(prices, test_size=0)
    huge = np.full_like(labels, 1e30)  # squared, overflows float32
    with pytest.raises(TrainingError, match="non-finite"):
        model.fit_model(features, huge)
    for old, new in zip(weights, model.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    np.testing.assert_array_equal(forecasts, model.predict_from_model(prices))
    assert model.n_fits_ == 1


def test_a_failed_first_fit_leaves_no_model():
    model = MyLSTM(**TINY)
    features, labels, _, _ = model.process_data(noisy_walk(), test_size=0)
    with pytest.raises(TrainingError):
        model.fit_model(features, np.full_like(labels, 1e30))
    assert model.model_ is None and not model.is_fitted


def test_early_stopping_uses_a_chronological_validation_tail():
    prices = noisy_walk(100)
    model = MyLSTM(**(TINY | {"epochs": 12, "validation_fraction": 0.25, "patience": 1}))
    features, labels, _, _ = model.process_data(prices, test_size=0)
    losses = model.fit_model(features, labels)
    assert len(losses["val_loss"]) == len(losses["loss"]) <= 12
    assert model.val_loss_history_ == losses["val_loss"]
    # The tail is held out, not shuffled in: the kept weights score the best val loss seen.
    split = len(labels) - round(len(labels) * 0.25)
    kept = model.model_.evaluate(features[split:], labels[split:], verbose=0)[0]
    assert kept == pytest.approx(min(losses["val_loss"]), rel=1e-4)


def test_fit_rejects_mismatched_inputs():
    model = MyLSTM(**TINY)
    features, labels, _, _ = model.process_data(noisy_walk(), test_size=0)
    with pytest.raises(ValueError, match="shape"):
        model.fit_model(features[:, :-1], labels)
    with pytest.raises(ValueError, match="length"):
        model.fit_model(features, labels[:-1])
    with pytest.raises(ValueError, match="epochs"):
        model.fit_model(features, labels, epochs=0)


def test_forecasting_before_fitting_raises_not_fitted():
    model = MyLSTM(**TINY)
    with pytest.raises(NotFittedError, match="fit_model"):
        model.predict_next(noisy_walk())
    model.create_model()
    with pytest.raises(NotFittedError):
        model.predict_from_model(noisy_walk())


def test_forecasting_needs_a_full_window(trained):
    model = trained["last_close"]
    from lstm_model import InsufficientDataError

    with pytest.raises(InsufficientDataError, match="at least 6 prices, but 5 were given"):
        model.predict_next(noisy_walk(5))


def test_scale_free_forecasts_scale_with_the_prices(trained):
    prices = PRICES
    model = trained["last_close"]
    ten_times = fitted(prices * 10, normalization="last_close")
    np.testing.assert_allclose(
        ten_times.predict_from_model(prices * 10), 10 * model.predict_from_model(prices), rtol=1e-4
    )
    # Also one model applied to prices ten times higher.
    np.testing.assert_allclose(
        model.predict_from_model(prices * 10), 10 * model.predict_from_model(prices), rtol=1e-4
    )


def test_scale_free_forecasts_follow_prices_out_of_the_training_range():
    training = noisy_walk(150, seed=5)
    later = noisy_walk(40, seed=6, start=training.max() * 2)  # far above the training range
    for normalization in ("minmax", "last_close"):
        model = fitted(training, normalization=normalization, epochs=5)
        forecasts = model.predict_from_model(later)
        if normalization == "last_close":
            # Each forecast stays near its own last close, far above the training maximum.
            np.testing.assert_allclose(forecasts, later[5:], rtol=0.05)
        else:
            # The post's scaling: forecasts stay far below the prices they follow.
            assert np.all(forecasts < 0.8 * later[5:])


@pytest.mark.parametrize("normalization", ["minmax", "last_close"])
def test_restore_state_undoes_process_data_and_a_fit(normalization):
    prices = noisy_walk(60)
    model = fitted(prices, normalization=normalization)
    state = model.learned_state()
    before = model.predict_from_model(prices)
    # A retrain on higher prices refits the minmax scaler and moves the weights...
    features, labels, _, _ = model.process_data(prices * 1.5, test_size=0)
    model.fit_model(features, labels, epochs=3)
    assert not np.array_equal(model.predict_from_model(prices), before)
    # ...and restoring the saved state gives back the same forecasts, bit for bit.
    model.restore_state(state)
    np.testing.assert_array_equal(model.predict_from_model(prices), before)
    assert model.n_fits_ == 1 and len(model.loss_history_) == TINY["epochs"]


def test_the_largest_seed_trains_and_one_more_is_refused_before_training():
    # keras.utils.set_random_seed seeds numpy, which takes seeds below 2**32 only.
    assert fitted(PRICES, seed=MAX_SEED, epochs=1).is_fitted
    with pytest.raises(ValueError, match="seed must be at most 4294967295"):
        MyLSTM(**(TINY | {"seed": MAX_SEED + 1})).fit(PRICES)
