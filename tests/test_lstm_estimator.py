"""MyLSTM as a scikit-learn estimator: fit/predict, get_params/set_params, clone, the target
interval (gap, horizon) and fit as one transaction."""

import numpy as np
import pytest
from sklearn.base import clone

from lstm_model import InsufficientDataError, MyLSTM, NotFittedError, TrainingError, target_returns

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
    network = model.model_
    model.set_params(lookback=6)  # only the setting changes, as in scikit-learn...
    assert model.is_fitted and model.model_ is network
    # ...but the network was built for lookback 5: forecasts refuse, naming the change,
    with pytest.raises(NotFittedError, match="lookback 5 -> 6"):
        model.predict(PRICES)
    model.set_params(lookback=5)  # setting it back makes the network usable again,
    assert np.all(np.isfinite(model.predict(PRICES)))
    model.set_params(lookback=6).fit(PRICES)  # and a fit starts afresh, even warm_start=True
    assert model.model_ is not network and model.n_fits_ == 1
    assert model.model_.input_shape == (None, 6, 1)
    np.testing.assert_array_equal(
        model.predict(PRICES),
        MyLSTM(**{**TINY, "epochs": 3, "lookback": 6}).fit(PRICES).predict(PRICES),
    )


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
        MyLSTM(normalization="minmax", gap=1).fit(PRICES)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        MyLSTM(horizon=0).fit(PRICES)
    with pytest.raises(ValueError, match="warm_start must be True or False"):
        MyLSTM(warm_start="yes").fit(PRICES)
    with pytest.raises(ValueError, match="without y"):
        MyLSTM(**TINY).fit(PRICES, PRICES)
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


def test_target_returns_is_the_formula_the_labels_use():
    origins = np.array([4, 10, 30])
    np.testing.assert_array_equal(
        target_returns(PRICES, origins, gap=2, horizon=3),
        PRICES[origins + 5] / PRICES[origins + 2] - 1,
    )
    model = MyLSTM(lookback=5, gap=2, horizon=3)
    _, labels, _, _ = model.process_data(PRICES, test_size=0)
    every_origin = np.arange(4, len(PRICES) - 5)
    np.testing.assert_array_equal(
        labels, target_returns(PRICES, every_origin, 2, 3).astype(np.float32)
    )


def test_fit_leaves_the_settings_as_given():
    given = {**TINY, "batch_size": np.int64(16), "dropout": 0}  # numpy and int, as given
    model = MyLSTM(**given).fit(PRICES)
    assert model.get_params() == MyLSTM(**given).get_params()
    assert type(model.batch_size) is np.int64 and type(model.dropout) is int


def test_a_failed_fresh_fit_after_a_network_change_keeps_the_trained_network():
    model = MyLSTM(**TINY).fit(PRICES)
    forecasts = model.predict(PRICES)
    model.set_params(lookback=6, learning_rate=1e30)
    with pytest.raises(TrainingError):
        model.fit(PRICES)
    model.set_params(lookback=5, learning_rate=TINY.get("learning_rate", 0.001))
    np.testing.assert_array_equal(model.predict(PRICES), forecasts)


# scikit-learn's checks that fit an estimator whose data is one series of closes. The others feed
# fit(X, y) a table of features and a separate target (MyLSTM learns its target from the closes,
# so it refuses y), or sparse, complex or negative tables, which are not prices.
APPLICABLE_SKLEARN_CHECKS = {
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_estimators_unfitted",
    "check_mixin_order",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
}
# Refused on purpose: the project checks settings in set_params, so that a bad value is refused
# at the call that made it and changes nothing (scikit-learn defers every check to fit).
NOT_APPLIED_SKLEARN_CHECKS = {"check_do_not_raise_errors_in_init_or_set_params"}


# check_set_params warns at each setting set_params refuses: the refusal is the point.
@pytest.mark.filterwarnings("ignore:ValueError occurred during set_params:UserWarning")
def test_scikit_learn_estimator_checks_that_fit_a_series_of_closes_pass():
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(MyLSTM(**TINY), on_fail=None, on_skip=None)
    status = {result["check_name"]: result["status"] for result in results}
    assert set(status) >= APPLICABLE_SKLEARN_CHECKS, "scikit-learn renamed a check"
    assert {name: status[name] for name in APPLICABLE_SKLEARN_CHECKS} == dict.fromkeys(
        APPLICABLE_SKLEARN_CHECKS, "passed"
    )
    assert {name: status[name] for name in NOT_APPLIED_SKLEARN_CHECKS} == dict.fromkeys(
        NOT_APPLIED_SKLEARN_CHECKS, "failed"
    )


def test_early_stopping_is_for_the_first_fit_and_warm_retrains_have_their_batch_size():
    model = MyLSTM(
        **{**TINY, "epochs": 4},
        validation_fraction=0.2,
        patience=1,
        warm_start=True,
        warm_epochs=2,
        warm_batch_size=8,
    ).fit(PRICES)
    first_epochs = len(model.loss_history_)
    assert len(model.val_loss_history_) == first_epochs <= 4
    model.fit(PRICES[3:])
    # The retrain trains on all its windows for warm_epochs: no validation tail, no stopping.
    assert len(model.loss_history_) == first_epochs + 2
    assert len(model.val_loss_history_) == first_epochs
    with pytest.raises(ValueError, match="warm_batch_size must be at least 1"):
        model.set_params(warm_batch_size=0)


def test_jit_compile_reaches_keras_and_bad_values_are_refused():
    assert MyLSTM(**TINY, jit_compile=True).create_model().jit_compile is True
    assert MyLSTM(**TINY, jit_compile=False).create_model().jit_compile is False
    with pytest.raises(ValueError, match="jit_compile must be True, False or 'auto'"):
        MyLSTM(**TINY, jit_compile="yes").check_params()
    with pytest.raises(ValueError, match="jit_compile"):
        MyLSTM(**TINY, jit_compile=1).check_params()
