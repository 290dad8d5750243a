"""MyLSTM's configuration checks, windows, labels and normalisation (no training needed)."""

import numpy as np
import pandas as pd
import pytest

from lstm_model import InsufficientDataError, InvalidPricesError, MyLSTM


def rising_prices(n: int = 40) -> np.ndarray:
    return 100.0 + np.arange(n, dtype=np.float64)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("lookback", 0),
        ("lookback", 2.5),
        ("units", 0),
        ("layers", 0),
        ("layers", True),
        ("dropout", 1.0),
        ("dropout", -0.1),
        ("epochs", 0),
        ("batch_size", 0),
        ("learning_rate", 0.0),
        ("learning_rate", float("nan")),
        ("seed", -1),
        ("normalization", "zscore"),
        ("validation_fraction", 1.0),
        ("patience", 0),
        ("verbose", -1),
    ],
)
def test_bad_configuration_names_the_parameter(parameter, value):
    # As scikit-learn asks: the constructor stores; fit, process_data and set_params refuse.
    model = MyLSTM(**{parameter: value})
    assert model.get_params()[parameter] is value
    with pytest.raises(ValueError, match=parameter):
        model.check_params()
    with pytest.raises(ValueError, match=parameter):
        model.fit(rising_prices(80))
    assert not model.is_fitted
    with pytest.raises(ValueError, match=parameter):
        model.process_data(rising_prices(), test_size=0)
    good = MyLSTM()
    with pytest.raises(ValueError, match=parameter):
        good.set_params(**{parameter: value})
    assert good.get_params() == MyLSTM().get_params()  # a refused change changes nothing


def test_patience_needs_a_validation_tail():
    with pytest.raises(ValueError, match="patience"):
        MyLSTM(patience=3).check_params()
    assert MyLSTM(patience=3, validation_fraction=0.2).check_params().patience == 3


def test_windows_and_labels_line_up_with_the_closes():
    model = MyLSTM(lookback=5, normalization="minmax")
    prices = rising_prices(30)
    features, labels, training, test = model.process_data(prices, test_size=4)
    assert features.dtype == np.float32 and labels.dtype == np.float32
    assert features.shape == (len(training) - 5, 5, 1) == (21, 5, 1)
    assert labels.shape == (21,)
    np.testing.assert_array_equal(training, prices[:-4])
    np.testing.assert_array_equal(test, prices[-4:])
    # Undo the scaling: window i is training[i:i+5], label i the close right after it.
    scaler = model.scaler_
    windows = scaler.inverse_transform(features.reshape(-1, 1).astype(np.float64))
    windows = windows.reshape(21, 5)
    next_closes = scaler.inverse_transform(labels.reshape(-1, 1).astype(np.float64)).ravel()
    for i in range(21):
        np.testing.assert_allclose(windows[i], training[i : i + 5], rtol=1e-5)
        np.testing.assert_allclose(next_closes[i], training[i + 5], rtol=1e-5)


def test_test_size_zero_uses_every_price_for_training():
    model = MyLSTM(lookback=5)
    features, labels, training, test = model.process_data(rising_prices(12), test_size=0)
    assert len(training) == 12 and len(test) == 0
    assert len(features) == len(labels) == 7


def test_minmax_scaler_is_fitted_on_the_training_part_only():
    model = MyLSTM(lookback=5, normalization="minmax")
    prices = rising_prices(30)
    model.process_data(prices, test_size=10)
    assert model.scaler_.data_min_[0] == prices[0]
    assert model.scaler_.data_max_[0] == prices[19]  # not the larger test closes


@pytest.mark.parametrize("normalization", ["minmax", "last_close"])
def test_prices_after_the_training_part_change_nothing(normalization):
    prices = 100 + np.cumsum(np.random.default_rng(1).normal(0, 1, 60))
    altered = prices.copy()
    altered[-10:] *= 3.0  # the test part moves a lot
    first, second = (
        MyLSTM(lookback=8, normalization=normalization),
        MyLSTM(lookback=8, normalization=normalization),
    )
    a = first.process_data(prices, test_size=10)
    b = second.process_data(altered, test_size=10)
    for left, right in zip(a[:3], b[:3], strict=True):
        np.testing.assert_array_equal(left, right)
    if normalization == "minmax":
        assert first.scaler_.min_ == second.scaler_.min_
        assert first.scaler_.scale_ == second.scaler_.scale_


def test_last_close_windows_are_relative_to_their_last_close():
    model = MyLSTM(lookback=3, normalization="last_close")
    features, labels, _, _ = model.process_data([100.0, 110.0, 125.0, 150.0], test_size=0)
    np.testing.assert_allclose(features[0, :, 0], [-0.2, -0.12, 0.0], rtol=1e-6)
    np.testing.assert_allclose(labels[0], 0.2, rtol=1e-6)


def test_last_close_windows_do_not_depend_on_the_price_level():
    prices = 100 + np.cumsum(np.random.default_rng(2).normal(0, 1, 50))
    a = MyLSTM(lookback=10, normalization="last_close").process_data(prices, test_size=5)
    b = MyLSTM(lookback=10, normalization="last_close").process_data(prices * 10, test_size=5)
    np.testing.assert_allclose(a[0], b[0], atol=1e-4)
    np.testing.assert_allclose(a[1], b[1], atol=1e-4)


@pytest.mark.parametrize("normalization", ["minmax", "last_close"])
def test_a_flat_series_gives_finite_windows(normalization):
    features, labels, _, _ = MyLSTM(lookback=5, normalization=normalization).process_data(
        [50.0] * 20, test_size=2
    )
    assert np.all(np.isfinite(features)) and np.all(np.isfinite(labels))


def test_lists_arrays_and_series_give_the_same_windows():
    prices = rising_prices(20)
    index = pd.date_range("2020-01-01", periods=20, freq="B")
    results = [
        MyLSTM(lookback=5).process_data(given, test_size=3)[0]
        for given in (list(prices), prices, pd.Series(prices, index=index))
    ]
    for result in results[1:]:
        np.testing.assert_array_equal(results[0], result)


def test_too_few_prices_says_how_many_are_needed():
    with pytest.raises(InsufficientDataError, match=r"at least 26 prices, but 25 were given"):
        MyLSTM(lookback=5).process_data(rising_prices(25), test_size=20)
    assert issubclass(InsufficientDataError, ValueError)


@pytest.mark.parametrize(
    ("prices", "message"),
    [
        ([1.0, 2.0, float("nan"), 4.0, float("inf")] + [5.0] * 10, r"position\(s\) 2, 4"),
        (pd.Series([1.0, None, 3.0] + [4.0] * 12), r"position\(s\) 1"),
        (pd.Series([1.0, 2.0, pd.NA] + [4.0] * 12, dtype="Float64"), r"position\(s\) 2"),
        ([1.0, 0.0, -3.0] + [4.0] * 12, r"non-positive.*1, 2"),
        (np.ones((15, 2)), "one-dimensional"),
    ],
)
def test_bad_prices_are_rejected_with_their_positions(prices, message):
    with pytest.raises(InvalidPricesError, match=message):
        MyLSTM(lookback=5).process_data(prices, test_size=0)


@pytest.mark.parametrize(
    "prices",
    [
        ["1.0", "x", "3"] + ["4"] * 12,
        ["1.5"] * 15,
        pd.Series(["1.5", None] * 8),
        [1.0, "2"] * 8,
        "123456",
        [True] * 15,
        pd.Series([True] * 15),
    ],
)
def test_non_numeric_prices_raise_type_error(prices):
    with pytest.raises(TypeError, match="prices must"):
        MyLSTM(lookback=5).process_data(prices, test_size=0)


def test_bad_test_size_is_rejected():
    with pytest.raises(ValueError, match="test_size"):
        MyLSTM(lookback=5).process_data(rising_prices(), test_size=-1)
