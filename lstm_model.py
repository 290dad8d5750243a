"""MyLSTM: return forecasts from a stacked Keras LSTM, as a scikit-learn estimator.

The model follows a QuantConnect forum post: `layers` LSTM layers of `units` units, each followed
by Dropout, then Dense(1); windows of `lookback` daily closes; Adam and mean squared error.

Normalisation ("normalization" below) decides what the network sees and learns:

- "minmax": the post's way. Closes are scaled to [0, 1] by a MinMaxScaler fitted on the training
  closes only; the target is the scaled next close. Prices that leave the training range give
  inputs outside [0, 1], which the network never saw.
- "last_close" (the default): scale-free. Each window is divided by its own last close, minus
  1; the target is the close ending the target interval over the close starting it, minus 1.
  Multiplying every price by a constant leaves every forecast return unchanged (with gap 0,
  last close x (1 + forecast) is a price forecast). On real SPY closes over four regimes, for
  the post's next-close target, its RMSE was 0.998 times the naive forecast's, against 1.86
  times for "minmax" (bench/normalisation.py, README.md): SPY's regimes, not a general
  result. The same ratios taken in percent (targets near 1 rather than 0.01) gave 1.03: the
  network then fits more of the noise.

The target is a return over a later interval: `gap` closes after a window's last close, for
`horizon` closes (the post's next close: gap 0, horizon 1). lstm_evaluation.py measures the
forecasts against the naive forecast, walk-forward, the way the strategy retrains.

This file is uploaded to QuantConnect beside main.py, so it depends only on numpy, pandas,
scikit-learn, Keras 3 (any backend) and the standard library.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import inspect
import io
import json
import math
import numbers
import os
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import MinMaxScaler

__all__ = [
    "FORMAT_VERSION",
    "LEARNED_STATE_VERSION",
    "NORMALIZATIONS",
    "InsufficientDataError",
    "InvalidPricesError",
    "MAX_SEED",
    "ModelFileError",
    "MyLSTM",
    "NotFittedError",
    "NETWORK_PARAMS",
    "TrainingError",
    "as_prices",
    "check_int",
    "require_length",
    "target_returns",
    "validate_params",
]

# Version of the saved-model layout (the .keras file plus its .json sidecar).
FORMAT_VERSION = 3  # 3: the sidecar holds the model file's SHA-256; 2: "last_close" in ratios
# Version of the learned-state file (save_learned_state: weights and optimizer in one .npz).
LEARNED_STATE_VERSION = 1
NORMALIZATIONS = ("minmax", "last_close")
MAX_SEED = 2**32 - 1  # the largest seed numpy (and so keras.utils.set_random_seed) accepts
# The settings a trained network is bound to: its shape, and what its inputs and outputs mean.
NETWORK_PARAMS = ("lookback", "units", "layers", "dropout", "normalization", "gap", "horizon")


class InsufficientDataError(ValueError):
    """Fewer prices than the operation needs."""


class InvalidPricesError(ValueError):
    """Prices that are missing, not finite, not positive or not one-dimensional."""


class TrainingError(RuntimeError):
    """Training produced a non-finite loss; the previous weights were kept."""


class ModelFileError(Exception):
    """A stored model is missing, truncated, corrupt or incompatible with this code."""


# ----- input checking --------------------------------------------------------------------------


def as_prices(prices: Any, name: str = "prices") -> np.ndarray:
    """`prices` (list, numpy array, pandas Series) as a 1-D float64 array, checked.

    Raises TypeError for non-numeric values and InvalidPricesError for missing, non-finite or
    non-positive prices, naming the positions at fault.
    """
    if isinstance(prices, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers, got a {type(prices).__name__}")
    if isinstance(prices, pd.DataFrame):
        if prices.shape[1] != 1:
            raise InvalidPricesError(
                f"{name} is a DataFrame with {prices.shape[1]} columns: pass one column of closes"
            )
        prices = prices.iloc[:, 0]
    if isinstance(prices, pd.Series):
        if pd.api.types.is_bool_dtype(prices.dtype):
            raise TypeError(f"{name} must hold numbers, not booleans")
        if pd.api.types.is_numeric_dtype(prices.dtype):
            values = prices.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = prices.to_numpy(dtype=object, na_value=np.nan)
    else:
        try:
            values = np.asarray(prices)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name} must be a sequence of numbers: {error}") from error
    if values.dtype.kind == "O":
        # Missing values (None, pd.NA) become NaN and are reported by position below.
        elements = [np.nan if v is None or v is pd.NA else v for v in values.flat]
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in elements):
            kinds = sorted({type(v).__name__ for v in elements if not isinstance(v, numbers.Real)})
            raise TypeError(f"{name} must hold numbers only; found {', '.join(kinds) or 'bool'}")
        values = np.array(elements, dtype=np.float64).reshape(values.shape)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got values of dtype {values.dtype}")
    values = values.astype(np.float64, copy=True)
    if values.ndim == 2 and 1 in values.shape:
        values = values.reshape(-1)
    if values.ndim != 1:
        raise InvalidPricesError(
            f"{name} must be one-dimensional (a series of closes), got shape {values.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise InvalidPricesError(
            f"{name} has {bad.size} missing or non-finite value(s) at position(s) "
            f"{_positions(bad)}: fill or drop them before forecasting"
        )
    bad = np.flatnonzero(values <= 0)
    if bad.size:
        raise InvalidPricesError(
            f"{name} has {bad.size} non-positive price(s) at position(s) {_positions(bad)}: "
            "closes must be greater than zero"
        )
    return values


def _positions(indexes: np.ndarray, shown: int = 10) -> str:
    text = ", ".join(str(int(i)) for i in indexes[:shown])
    return text + (f", ... ({indexes.size - shown} more)" if indexes.size > shown else "")


def require_length(values: np.ndarray, needed: int, what: str) -> None:
    if len(values) < needed:
        raise InsufficientDataError(
            f"{what} needs at least {needed} prices, but {len(values)} were given"
        )


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {number}")
    return number


def _check_fraction(name: str, value: Any, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    value = float(value)
    if not (0.0 <= value < 1.0) or (low_open and value == 0.0):
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def validate_params(params: dict[str, Any]) -> None:
    """Raise ValueError, naming the setting and what it accepts, for an unusable MyLSTM setting.

    `params` is MyLSTM's get_params(); the values are checked, not converted.
    """
    for name, minimum in (("lookback", 1), ("units", 1), ("layers", 1), ("epochs", 1)):
        check_int(name, params[name], minimum)
    check_int("batch_size", params["batch_size"], 1)
    _check_fraction("dropout", params["dropout"])
    learning_rate = params["learning_rate"]
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, numbers.Real)
        or not math.isfinite(learning_rate)
        or learning_rate <= 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    # keras.utils.set_random_seed seeds numpy, whose seeds stop at 2**32 - 1.
    check_int("seed", params["seed"], 0, MAX_SEED)
    if params["normalization"] not in NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {', '.join(NORMALIZATIONS)}; "
            f"got {params['normalization']!r}"
        )
    validation_fraction = _check_fraction("validation_fraction", params["validation_fraction"])
    if params["patience"] is not None:
        check_int("patience", params["patience"], 1)
        if validation_fraction == 0.0:
            raise ValueError(
                "patience needs a validation tail: set validation_fraction > 0 as well"
            )
    check_int("verbose", params["verbose"], 0)
    gap = check_int("gap", params["gap"], 0)
    check_int("horizon", params["horizon"], 1)
    if params["normalization"] == "minmax" and gap > 0:
        raise ValueError(
            "normalization 'minmax' forecasts a price level from the last close, so it needs "
            f"gap=0 (got gap={gap}): use normalization 'last_close' for a later interval"
        )
    if not isinstance(params["warm_start"], bool):
        raise ValueError(f"warm_start must be True or False, got {params['warm_start']!r}")
    check_int("warm_epochs", params["warm_epochs"], 1)
    check_int("retrain_windows", params["retrain_windows"], 0)
    if params["warm_batch_size"] is not None:
        check_int("warm_batch_size", params["warm_batch_size"], 1)
    if not (params["jit_compile"] == "auto" or isinstance(params["jit_compile"], bool)):
        raise ValueError(
            "jit_compile must be True, False or 'auto' (Keras' choice: False on a CPU with "
            f"TensorFlow), got {params['jit_compile']!r}"
        )


def target_returns(closes, origins, gap: int, horizon: int) -> np.ndarray:
    """The forecast target: for each origin k (the last close a forecast sees), the return
    closes[k + gap + horizon] / closes[k + gap] - 1, in float64.

    The one definition of what MyLSTM learns and forecasts; the strategy and the evaluation
    score forecasts with it too.
    """
    closes = np.asarray(closes, dtype=np.float64)
    origins = np.asarray(origins, dtype=np.intp)
    return closes[origins + gap + horizon] / closes[origins + gap] - 1.0


# ----- the model -------------------------------------------------------------------------------


class MyLSTM(BaseEstimator):
    """A stacked LSTM forecasting a return over a later interval from the last `lookback` closes.

    A scikit-learn estimator whose data is one series of daily closes:

        model = MyLSTM(lookback=60, gap=1).fit(closes)   # returns the fitted model
        returns = model.predict(closes)                   # one forecast per window of closes
        sklearn.base.clone(model)                         # same settings, not fitted

    The target (`target_returns`): for a window whose last close is closes[i], the return
    closes[i + gap + horizon] / closes[i + gap] - 1. The defaults (gap=0, horizon=1) are the
    forum post's target, the next close. A strategy that decides with closes through day T-1 and
    trades at T's close (LEAN's daily MarketOnClose fills) holds from close T to close T+1: gap=1.

    Retraining: `fit` from scratch by default; with warm_start=True a fitted model continues from
    its current weights for `warm_epochs` epochs on the latest `retrain_windows` windows (0: all),
    in batches of `warm_batch_size` (None: `batch_size`), the policy main.py,
    lstm_evaluation.walk_forward and bench/training_budget.py share. With validation_fraction > 0
    and patience, a fit from scratch stops once the loss on the latest windows (in time order)
    has not improved for `patience` epochs and keeps its best weights (warm retrains train on
    all their windows). `jit_compile` (True, False or
    Keras' "auto") is passed to Keras when a network is built, by a fit from scratch. A fit is
    one transaction: if it fails, the model is left as it was before it.

    Settings follow scikit-learn's rules: the constructor only stores its arguments; they are
    checked by `fit`, `set_params` and `check_params` (an unusable one raises ValueError naming
    it). `get_params` reads the constructor's signature (BaseEstimator's).

    The post's vocabulary stays on top: process_data, create_model, fit_model, predict_from_model.
    Learned state ends in "_" and holds its class default (None, 0, empty) before training:
    `model_` (the Keras model), `scaler_` (the MinMaxScaler for "minmax"), `network_params_`
    (the NETWORK_PARAMS the network was built with), `loss_history_` (per-epoch training losses
    across all fits), `val_loss_history_` (validation losses, when a validation tail is used)
    and `n_fits_`.
    """

    # Learned state before any training; fit and load set it on the instance.
    model_: keras.Model | None = None
    scaler_: MinMaxScaler | None = None
    network_params_: dict[str, Any] | None = None
    loss_history_: list[float] = []  # never mutated in place: fits assign new lists
    val_loss_history_: list[float] = []
    n_fits_ = 0
    _predict_function = None

    def __init__(
        self,
        lookback=60,
        units=50,
        layers=4,
        dropout=0.2,
        epochs=50,
        batch_size=32,
        learning_rate=0.001,
        seed=0,
        normalization="last_close",
        validation_fraction=0.0,
        patience=None,
        verbose=0,
        gap=0,
        horizon=1,
        warm_start=False,
        warm_epochs=5,
        retrain_windows=0,
        warm_batch_size=None,
        jit_compile="auto",
    ):
        self.lookback = lookback
        self.units = units
        self.layers = layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.seed = seed
        self.normalization = normalization
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.verbose = verbose
        self.gap = gap
        self.horizon = horizon
        self.warm_start = warm_start
        self.warm_epochs = warm_epochs
        self.retrain_windows = retrain_windows
        self.warm_batch_size = warm_batch_size
        self.jit_compile = jit_compile

    # ----- configuration ---------------------------------------------------------------------

    def check_params(self) -> MyLSTM:
        """Raise ValueError naming the first unusable setting; returns self when all are usable."""
        validate_params(self.get_params())
        return self

    def set_params(self, **params: Any) -> MyLSTM:
        """Change settings, checked as a whole first; returns self. A refused change changes
        nothing.

        As in scikit-learn, only the settings change: a trained network stays, and the next fit
        decides what happens to it. After a change to a setting in NETWORK_PARAMS (lookback,
        units, layers, dropout, normalization, gap, horizon) the trained network no longer
        matches the settings: forecasts raise NotFittedError naming the change, and the next fit
        starts from scratch, even with warm_start. Other settings (learning rate, epochs, the
        retrain policy) apply from the next fit on, which continues the network with
        warm_start.
        """
        valid = self.get_params()
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"Invalid parameter(s) {unknown} for MyLSTM; valid: {sorted(valid)}")
        validate_params({**valid, **params})
        return super().set_params(**params)

    def __repr__(self, n_char_max: int = 700) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_params().items())
        return f"MyLSTM({arguments})"

    def __sklearn_is_fitted__(self) -> bool:
        return self.is_fitted

    @property
    def is_fitted(self) -> bool:
        """True once a fit has succeeded (or a fitted model was loaded)."""
        return self.model_ is not None and self.n_fits_ > 0

    def next_fit_continues(self) -> bool:
        """True when the next `fit` continues from the current weights (a warm start)."""
        return self.warm_start and self.is_fitted and not self.changed_network_params()

    def changed_network_params(self) -> dict[str, tuple[Any, Any]]:
        """The NETWORK_PARAMS changed since the network was built: {name: (built, now)}; empty
        without a network or when none changed."""
        if self.network_params_ is None:
            return {}
        return {
            name: (built, getattr(self, name))
            for name, built in self.network_params_.items()
            if built != getattr(self, name)
        }

    # ----- data ------------------------------------------------------------------------------

    def process_data(self, prices, test_size=20):
        """Split closes, fit the normalisation on the training part, and build training windows.

        Returns (features_set, labels, training_data, test_data): training_data is
        prices[:-test_size] (all of them when test_size is 0) and test_data the last test_size
        prices. The scaler ("minmax") is fitted on training_data only and kept on self.
        features_set is float32 of shape (n, lookback, 1), n = len(training_data) - lookback
        - gap - horizon + 1: window i holds training closes i .. i + lookback - 1, normalised;
        labels is float32 of shape (n,): window i's normalised target (with the defaults, the
        close that follows it). Every label lies inside training_data.
        """
        self.check_params()
        test_size = check_int("test_size", test_size, 0)
        values = as_prices(prices)
        require_length(
            values,
            self.lookback + self.gap + self.horizon + test_size,
            f"process_data with lookback={self.lookback}, gap={self.gap}, "
            f"horizon={self.horizon} and test_size={test_size}",
        )
        training_data = values[: len(values) - test_size]
        test_data = values[len(values) - test_size :]
        if self.normalization == "minmax":
            scaler = MinMaxScaler(feature_range=(0, 1))
            scaler.fit(training_data.reshape(-1, 1))
            self.scaler_ = scaler
        ahead = self.gap + self.horizon
        windows = np.lib.stride_tricks.sliding_window_view(training_data, self.lookback)[:-ahead]
        # Window i ends at close i + lookback - 1, its origin; every label lies in training_data.
        origins = np.arange(self.lookback - 1, len(training_data) - ahead)
        features_set = self._normalise_windows(windows)
        labels = self._normalise_targets(training_data, origins)
        return features_set, labels, training_data, test_data

    def _normalise_windows(self, windows: np.ndarray) -> np.ndarray:
        """Windows of closes (n, lookback) -> network inputs (n, lookback, 1), float32."""
        if self.normalization == "minmax":
            scaled = self._scaler().transform(windows.reshape(-1, 1)).reshape(windows.shape)
        else:  # last_close
            scaled = windows / windows[:, -1:] - 1.0
        return scaled.astype(np.float32)[:, :, None]

    def _normalise_targets(self, closes: np.ndarray, origins: np.ndarray) -> np.ndarray:
        """The training labels of the windows ending at `origins`."""
        if self.normalization == "minmax":  # gap is 0: the scaled close ending the interval
            ends = closes[origins + self.horizon]
            scaled = self._scaler().transform(ends.reshape(-1, 1)).reshape(-1)
        else:
            scaled = target_returns(closes, origins, self.gap, self.horizon)
        return scaled.astype(np.float32)

    def _to_returns(self, outputs: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """Network outputs -> forecast returns over the target interval, in float64."""
        outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
        if self.normalization == "minmax":
            scaler = self._scaler()
            return (outputs - scaler.min_[0]) / scaler.scale_[0] / windows[:, -1] - 1.0
        return outputs

    def _to_prices(self, outputs: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """Network outputs -> forecast closes at the interval's end (gap 0 only), in float64."""
        if self.gap:
            raise ValueError(
                f"with gap={self.gap} the model forecasts a return between two future closes, "
                "not a close: use predict() for the returns"
            )
        return windows[:, -1] * (1.0 + self._to_returns(outputs, windows))

    def _scaler(self) -> MinMaxScaler:
        if self.scaler_ is None:
            raise NotFittedError(
                "The MinMax scaler is not fitted: call process_data (or load a saved model) first"
            )
        return self.scaler_

    # ----- network ---------------------------------------------------------------------------

    def create_model(self) -> keras.Model:
        """Build and compile a new stacked LSTM (seeded), store it in model_ and return it.

        The layers keep Keras's defaults (tanh/sigmoid, no recurrent dropout, no unrolling, with
        bias) so that a GPU uses the fused cuDNN kernel.
        """
        self.check_params()
        keras.utils.set_random_seed(self.seed)
        model = keras.Sequential(name="my_lstm")
        model.add(keras.Input(shape=(self.lookback, 1)))
        for layer in range(self.layers):
            model.add(keras.layers.LSTM(self.units, return_sequences=layer < self.layers - 1))
            model.add(keras.layers.Dropout(float(self.dropout)))
        model.add(keras.layers.Dense(1))
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=float(self.learning_rate)),
            loss="mean_squared_error",
            metrics=["mae"],
            jit_compile=self.jit_compile,
        )
        self._set_model(model)
        self.n_fits_ = 0
        return model

    def _set_model(self, model: keras.Model | None) -> None:
        """Install a network built with the current NETWORK_PARAMS (or none)."""
        self.model_ = model
        self.network_params_ = (
            None if model is None else {name: getattr(self, name) for name in NETWORK_PARAMS}
        )
        self._predict_function = None

    def fit_model(self, features_set, labels, epochs=None) -> dict[str, list[float]]:
        """Train on windows from process_data; returns this fit's per-epoch losses.

        Creates the model if there is none, or if a NETWORK_PARAMS setting changed since it was
        built; otherwise continues from its current weights (warm start). Seeded: the same seed,
        data and starting weights give the same weights. With validation_fraction > 0 the last
        fraction of windows (in time order) is held out for validation and, with patience,
        early stopping restores the best weights. A non-finite
        loss raises TrainingError and restores the weights from before this fit.
        """
        self.check_params()
        epochs = self.epochs if epochs is None else check_int("epochs", epochs, 1)
        features_set = np.asarray(features_set, dtype=np.float32)
        labels = np.asarray(labels, dtype=np.float32).reshape(-1)
        if features_set.ndim != 3 or features_set.shape[1:] != (self.lookback, 1):
            raise ValueError(
                f"features_set must have shape (n, {self.lookback}, 1), got {features_set.shape}"
            )
        if len(labels) != len(features_set):
            raise ValueError(
                f"labels ({len(labels)}) and features_set ({len(features_set)}) differ in length"
            )
        if len(labels) == 0:
            raise InsufficientDataError("fit_model needs at least 1 window, got 0")
        if not (np.all(np.isfinite(features_set)) and np.all(np.isfinite(labels))):
            raise InvalidPricesError("features_set and labels must be finite")

        validation_data = None
        callbacks: list[keras.callbacks.Callback] = [keras.callbacks.TerminateOnNaN()]
        validation_fraction = self.validation_fraction
        if validation_fraction > 0:
            n_validation = int(round(len(labels) * validation_fraction))
            if n_validation < 1 or n_validation >= len(labels):
                raise InsufficientDataError(
                    f"validation_fraction={validation_fraction} of {len(labels)} windows "
                    "leaves no validation or no training windows: pass more prices"
                )
            split = len(labels) - n_validation
            validation_data = (features_set[split:], labels[split:])
            features_set, labels = features_set[:split], labels[:split]
            if self.patience is not None:
                callbacks.append(
                    keras.callbacks.EarlyStopping(
                        monitor="val_loss", patience=self.patience, restore_best_weights=True
                    )
                )

        previous = (self.model_, self.network_params_, self.n_fits_)
        created_here = self.model_ is None or bool(self.changed_network_params())
        model = self.create_model() if created_here else self.model_
        assert model is not None
        saved_weights = model.get_weights()
        saved_optimizer = [np.array(v.numpy()) for v in model.optimizer.variables]

        # Reseed before every fit: dropout masks and the shuffling order repeat exactly.
        keras.utils.set_random_seed(self.seed)
        history = model.fit(
            features_set,
            labels,
            epochs=epochs,
            batch_size=self.batch_size,
            shuffle=True,
            validation_data=validation_data,
            callbacks=callbacks,
            verbose=self.verbose,
        )
        losses = [float(value) for value in history.history.get("loss", [])]
        val_losses = [float(value) for value in history.history.get("val_loss", [])]
        if not losses or not all(math.isfinite(value) for value in losses + val_losses):
            if created_here:  # put back the network from before, if any
                self._set_model(previous[0])
                self.network_params_, self.n_fits_ = previous[1], previous[2]
            else:
                model.set_weights(saved_weights)
                for variable, value in zip(
                    model.optimizer.variables, saved_optimizer, strict=False
                ):
                    variable.assign(value)
            raise TrainingError(
                f"training produced a non-finite loss (losses {losses}); the weights from before "
                "this fit were kept. Lower learning_rate or check the prices"
            )
        self.loss_history_ = [*self.loss_history_, *losses]
        self.val_loss_history_ = [*self.val_loss_history_, *val_losses]
        self.n_fits_ += 1
        result = {"loss": losses}
        if val_losses:
            result["val_loss"] = val_losses
        return result

    # ----- forecasts -------------------------------------------------------------------------

    def _check_fitted(self) -> keras.Model:
        if not self.is_fitted or self.model_ is None:
            raise NotFittedError(
                "This MyLSTM has no trained model yet: call process_data and fit_model "
                "(or MyLSTM.load) before forecasting"
            )
        changed = self.changed_network_params()
        if changed:
            described = ", ".join(
                f"{name} {old!r} -> {new!r}" for name, (old, new) in changed.items()
            )
            raise NotFittedError(
                f"The trained network was built for other settings ({described}): fit again "
                "with the new settings, or set them back"
            )
        if self.normalization == "minmax":
            self._scaler()
        return self.model_

    def _network_outputs(self, inputs: np.ndarray) -> np.ndarray:
        """Run the network on (n, lookback, 1) float32 inputs, through a compiled function."""
        model = self._check_fitted()
        if self._predict_function is None:
            self._predict_function = _compiled_forward(
                model, self.lookback, jit_compile=self.jit_compile is True
            )
        return np.asarray(self._predict_function(inputs)).reshape(-1)

    def predict_from_model(self, prices) -> np.ndarray:
        """One-step forecasts, in price units, for every window of `lookback` prices.

        out[j] forecasts the close that follows prices[j + lookback - 1]; len(out) is
        len(prices) - lookback + 1, and its last value forecasts the close after the last price.
        To forecast the test part of process_data: predict_from_model(
        prices[-(test_size + lookback):-1]).
        """
        self._check_fitted()
        values = as_prices(prices)
        require_length(values, self.lookback, f"a forecast with lookback={self.lookback}")
        windows = np.lib.stride_tricks.sliding_window_view(values, self.lookback)
        outputs = self._network_outputs(self._normalise_windows(windows))
        return self._to_prices(outputs, windows)

    def predict_next(self, prices) -> float:
        """The forecast of the close after the last price, from the last `lookback` prices."""
        self._check_fitted()
        values = as_prices(prices)
        require_length(values, self.lookback, f"a forecast with lookback={self.lookback}")
        window = values[-self.lookback :].reshape(1, -1)
        outputs = self._network_outputs(self._normalise_windows(window))
        return float(self._to_prices(outputs, window)[0])

    def predict(self, prices) -> np.ndarray:
        """Forecast returns over the target interval, one per window of `lookback` prices.

        out[j], made from prices[j] .. prices[j + lookback - 1], forecasts
        prices[j + lookback - 1 + gap + horizon] / prices[j + lookback - 1 + gap] - 1 (with the
        defaults, the next close over the last one, minus 1); len(out) is
        len(prices) - lookback + 1. The naive forecast of every such return is 0.
        """
        self._check_fitted()
        values = as_prices(prices)
        require_length(values, self.lookback, f"a forecast with lookback={self.lookback}")
        windows = np.lib.stride_tricks.sliding_window_view(values, self.lookback)
        outputs = self._network_outputs(self._normalise_windows(windows))
        return self._to_returns(outputs, windows)

    # ----- training as one transaction -------------------------------------------------------

    def fit(self, prices, y=None) -> MyLSTM:
        """Train on a series of daily closes (oldest first) and return self.

        The targets come from the closes themselves (`target_returns`): `y` exists for
        scikit-learn's fit(X, y) signature and must be None.

        Builds the windows and targets (normalisation fitted on these closes only), then trains:
        from scratch with `epochs`, or, with warm_start=True and a fitted model, from the current
        weights for `warm_epochs` epochs on the latest `retrain_windows` windows (0: all). One
        transaction: if anything fails (too few prices, a non-finite loss or forecast, an
        interruption), the model, scaler and histories are those from before the call.
        """
        self.check_params()
        if y is not None:
            raise ValueError(
                "MyLSTM learns its targets from the closes themselves: call fit(closes) without y"
            )
        values = as_prices(prices)
        continuing = self.next_fit_continues()
        before = self._snapshot(continuing)
        try:
            if not continuing:
                self._set_model(None)
                self.scaler_ = None
                self.loss_history_, self.val_loss_history_ = [], []
                self.n_fits_ = 0
            else:  # set_params may have changed the learning rate since the last fit
                self._check_fitted().optimizer.learning_rate = float(self.learning_rate)
            features_set, labels, _, _ = self.process_data(values, test_size=0)
            if continuing and self.retrain_windows:
                # Fine-tuning on the latest windows costs a fraction of a pass over all of them
                # and forecasts as well (bench/training_budget.py).
                features_set = features_set[-self.retrain_windows :]
                labels = labels[-self.retrain_windows :]
            if continuing:
                self._retrain(features_set, labels)
            else:
                self.fit_model(features_set, labels, epochs=self.epochs)
            check = self.predict(values[-self.lookback :])
            if not np.all(np.isfinite(check)):
                raise TrainingError(f"the trained model forecasts {check[0]}; the fit was undone")
        except BaseException:
            self._restore_snapshot(before)
            raise
        return self

    def _retrain(self, features_set: np.ndarray, labels: np.ndarray) -> None:
        """A warm retrain: `warm_epochs` passes over all the windows (no validation tail: early
        stopping is for the first fit) in a seeded random order, one compiled training step per
        batch. Keras' fit() builds a data pipeline and callbacks at every call, which cost more
        than the few steps a retrain runs. A non-finite loss raises TrainingError (fit() then
        puts the model back)."""
        model = self._check_fitted()
        batch_size = int(self.warm_batch_size or self.batch_size)
        keras.utils.set_random_seed(self.seed)  # dropout masks repeat exactly
        shuffler = np.random.default_rng(self.seed)
        losses = []
        for _ in range(self.warm_epochs):
            order = shuffler.permutation(len(labels))
            weighted_sum = 0.0
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                logs = model.train_on_batch(features_set[batch], labels[batch], return_dict=True)
                weighted_sum += float(logs["loss"]) * len(batch)
            losses.append(weighted_sum / len(order))  # the epoch's mean loss, as fit() reports
            if not math.isfinite(losses[-1]):
                raise TrainingError(
                    f"a warm retrain produced a non-finite loss (losses {losses}); the model "
                    "from before this fit was kept. Lower learning_rate or check the prices"
                )
        self.loss_history_ = [*self.loss_history_, *losses]
        self.n_fits_ += 1

    def _snapshot(self, in_place: bool) -> dict[str, Any]:
        """What fit() needs to undo itself: references, plus copies of what trains in place."""
        return {
            "model": self.model_,
            "network_params": self.network_params_,
            "scaler": self.scaler_,
            "loss_history": list(self.loss_history_),
            "val_loss_history": list(self.val_loss_history_),
            "n_fits": self.n_fits_,
            "learned": self.learned_state() if in_place else None,
        }

    def _restore_snapshot(self, snapshot: dict[str, Any]) -> None:
        if self.model_ is not snapshot["model"]:
            self._set_model(snapshot["model"])
        self.network_params_ = snapshot["network_params"]
        self.scaler_ = snapshot["scaler"]
        self.loss_history_ = snapshot["loss_history"]
        self.val_loss_history_ = snapshot["val_loss_history"]
        self.n_fits_ = snapshot["n_fits"]
        if snapshot["learned"] is not None:
            self.restore_state(snapshot["learned"])

    # ----- persistence -----------------------------------------------------------------------

    def _sidecar(self, model_sha256: str) -> dict[str, Any]:
        state: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "class": "MyLSTM",
            "config": self.get_params(),
            # Binds the sidecar to the one model file saved with it (checked on load).
            "model_sha256": model_sha256,
            "normalization_state": None,
            "loss_history": self.loss_history_,
            "val_loss_history": self.val_loss_history_,
            "n_fits": self.n_fits_,
            # Keras does not save them; the next warm retrain draws its dropout masks from them.
            "seed_generator_states": [
                [int(v) for v in state.ravel()] for state in _seed_generator_states(self.model_)
            ],
            "keras_version": keras.__version__,
            "backend": keras.backend.backend(),
        }
        if self.normalization == "minmax":
            state["normalization_state"] = _scaler_state(self._scaler())
        return state

    def save(self, path) -> None:
        """Write the model to `path` (ending in .keras) and its sidecar (same path, .json).

        Both files are written to temporary files first and moved into place, so a failure
        leaves no half-written model. The sidecar records the model file's SHA-256: `load`
        accepts only the pair written together.
        """
        path = Path(path)
        if path.suffix != ".keras":
            raise ValueError(f"path must end in .keras, got {str(path)!r}")
        self._save_files(path, path.with_suffix(".json"))

    def _save_files(self, model_path: Path, sidecar_path: Path) -> None:
        model = self._check_fitted()
        model_path.parent.mkdir(parents=True, exist_ok=True)
        sidecar_path.parent.mkdir(parents=True, exist_ok=True)
        temporary_model = _temporary_path(model_path, ".keras")
        temporary_sidecar = _temporary_path(sidecar_path, ".json")
        try:
            model.save(str(temporary_model))
            sidecar = self._sidecar(_sha256(temporary_model.read_bytes()))
            temporary_sidecar.write_text(json.dumps(sidecar, indent=1), encoding="utf-8")
            # The pair is published as one unit: saves to the folder take turns for the two
            # renames, so two saves at once never leave one's model with the other's sidecar,
            # and loads wait for a save's second rename (_read_pair checks the digest too).
            with _pair_lock(model_path.parent, exclusive=True):
                os.replace(temporary_model, model_path)
                os.replace(temporary_sidecar, sidecar_path)
        finally:
            for leftover in (temporary_model, temporary_sidecar):
                if leftover.exists():
                    leftover.unlink()

    @classmethod
    def load(cls, path) -> MyLSTM:
        """A MyLSTM saved with `save`: the same forecasts, bit for bit."""
        path = Path(path)
        return cls._load_files(path, path.with_suffix(".json"))

    @classmethod
    def _load_files(cls, model_path: Path, sidecar_path: Path) -> MyLSTM:
        with tempfile.TemporaryDirectory() as folder:
            # The model is loaded from a private copy: the file it was checked against.
            model_copy = Path(folder) / "model.keras"
            state = _read_pair(model_path, sidecar_path, model_copy)
            _require_every_setting(cls, state["config"], sidecar_path)
            try:
                instance = cls(**state["config"]).check_params()
            except (KeyError, TypeError, ValueError) as error:
                raise ModelFileError(
                    f"{sidecar_path} holds an unusable configuration: {error}"
                ) from error
            if instance.normalization == "minmax":
                instance.scaler_ = _scaler_from_state(
                    state.get("normalization_state"), sidecar_path
                )
            model = _load_keras_file(model_copy, model_path)
        _check_architecture(model, instance, model_path)
        _restore_seed_generator_states(model, state.get("seed_generator_states"), sidecar_path)
        instance._set_model(model)
        instance.loss_history_ = _losses(state, "loss_history", sidecar_path)
        instance.val_loss_history_ = _losses(state, "val_loss_history", sidecar_path)
        n_fits = state.get("n_fits", 1)
        if isinstance(n_fits, bool) or not isinstance(n_fits, int) or n_fits < 1:
            raise ModelFileError(
                f"{sidecar_path}: n_fits must be a whole number of at least 1, got {n_fits!r}; "
                "save the model again"
            )
        instance.n_fits_ = n_fits
        return instance

    def save_to_object_store(self, object_store, key: str) -> None:
        """Save into LEAN's ObjectStore: the model under `key` (ending in .keras), the sidecar
        under the same key ending in .json; both written at object_store.get_file_path(...)."""
        model_key, sidecar_key = _store_keys(key)
        self._save_files(
            Path(object_store.get_file_path(model_key)),
            Path(object_store.get_file_path(sidecar_key)),
        )

    @classmethod
    def load_from_object_store(cls, object_store, key: str) -> MyLSTM | None:
        """The model stored under `key`, or None when nothing is stored there.

        get_file_path registers a key, so an empty or missing file also counts as nothing
        stored. A stored model that cannot be read raises ModelFileError.
        """
        model_key, sidecar_key = _store_keys(key)
        if not object_store.contains_key(model_key):
            return None
        model_path = Path(object_store.get_file_path(model_key))
        if not model_path.is_file() or model_path.stat().st_size == 0:
            return None
        return cls._load_files(model_path, Path(object_store.get_file_path(sidecar_key)))

    def copy(self) -> MyLSTM:
        """An independent copy (weights, optimizer state, the dropout layers' random states,
        scaler, histories): trained on the same closes, it learns the same weights.

        The copy is a new Keras model, whose first fit traces its training step again (about
        two seconds for the post's model): to undo a failed retrain of this model, take
        learned_state() before it and restore_state() after, which costs nothing like that.
        """
        state = self.learned_state()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "copy.keras"
            self.save(path)
            twin = type(self).load(path)
        twin.restore_state(state)  # the random states too, which a .keras file leaves out
        return twin

    def learned_state(self) -> dict[str, Any]:
        """A copy of everything training and process_data change, for restore_state().

        "weights" are all the network's variables, the states of its dropout layers' random
        seed generators among them (Keras' get_weights leaves them out): a model restored
        without them would draw other dropout masks when it trains on.
        """
        model = self._check_fitted()
        return {
            "weights": [np.array(variable.numpy()) for variable in model.variables],
            "optimizer": [np.array(variable.numpy()) for variable in model.optimizer.variables],
            "scaler": copy.deepcopy(self.scaler_),
            "loss_history": list(self.loss_history_),
            "val_loss_history": list(self.val_loss_history_),
            "n_fits": self.n_fits_,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Put back what learned_state() returned: the same forecasts as when it was taken."""
        model = self._check_fitted()
        for variable, value in zip(model.variables, state["weights"], strict=True):
            variable.assign(value)
        for variable, value in zip(model.optimizer.variables, state["optimizer"], strict=False):
            variable.assign(value)
        self.scaler_ = copy.deepcopy(state["scaler"])
        self.loss_history_ = list(state["loss_history"])
        self.val_loss_history_ = list(state["val_loss_history"])
        self.n_fits_ = state["n_fits"]

    def save_learned_state(self, path) -> None:
        """Write learned_state() to `path` (ending in .npz): weights, optimizer variables,
        normalisation, histories, with the settings the network was built with.

        Unlike `save`, no Keras model is written, and `load_learned_state` puts the state back
        into this model's own network, whose compiled training step and forecast call stay: a
        new Keras model traces both again. Written to a temporary file and moved into place.
        """
        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"path must end in .npz, got {str(path)!r}")
        state = self.learned_state()
        meta = {
            "format_version": LEARNED_STATE_VERSION,
            "network_params": self.network_params_,
            "weights": len(state["weights"]),
            "optimizer": len(state["optimizer"]),
            "normalization_state": None if self.scaler_ is None else _scaler_state(self.scaler_),
            "loss_history": state["loss_history"],
            "val_loss_history": state["val_loss_history"],
            "n_fits": state["n_fits"],
        }
        arrays = {f"weight_{i}": value for i, value in enumerate(state["weights"])}
        arrays.update({f"optimizer_{i}": value for i, value in enumerate(state["optimizer"])})
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_path(path, ".npz")
        try:
            with temporary.open("wb") as file:
                np.savez(file, meta=np.array(json.dumps(meta)), **arrays)
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()

    def load_learned_state(self, path) -> MyLSTM:
        """Put the state `save_learned_state` wrote into this model and return it: the same
        forecasts, bit for bit, as the model that wrote it.

        The network stays when it has the settings the state was saved with (only its weights
        change, so nothing is traced again); without one, one is built. Raises ModelFileError,
        leaving the model as it was, for a missing, damaged or incompatible file.
        """
        self.check_params()
        path = Path(path)
        meta, weights, optimizer = _read_learned_state(path)
        built_for = {name: getattr(self, name) for name in NETWORK_PARAMS}
        if meta.get("network_params") != built_for:
            raise ModelFileError(
                f"{path} holds a network built for {meta.get('network_params')}, not for this "
                f"model's {built_for}: fit this model instead"
            )
        scaler = None
        if self.normalization == "minmax":
            scaler = _scaler_from_state(meta.get("normalization_state"), path)
        losses = _losses(meta, "loss_history", path)
        val_losses = _losses(meta, "val_loss_history", path)
        n_fits = meta.get("n_fits")
        if isinstance(n_fits, bool) or not isinstance(n_fits, int) or n_fits < 1:
            raise ModelFileError(f"{path}: n_fits must be a whole number of at least 1")
        before = self._snapshot(self.is_fitted and not self.changed_network_params())
        try:
            if self.model_ is None or self.changed_network_params():
                self.create_model()
            model = self.model_
            assert model is not None
            if not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)
            _check_shapes(path, "variables", model.variables, weights)
            _check_shapes(path, "optimizer variables", model.optimizer.variables, optimizer)
            for variable, value in zip(model.variables, weights, strict=True):
                variable.assign(value)
            for variable, value in zip(model.optimizer.variables, optimizer, strict=True):
                variable.assign(value)
            self.scaler_ = scaler
            self.loss_history_, self.val_loss_history_ = losses, val_losses
            self.n_fits_ = n_fits
        except BaseException:
            self._restore_snapshot(before)
            raise
        return self


# ----- helpers for the model -------------------------------------------------------------------


def _seed_generator_variables(model: keras.Model) -> list:
    """The states of the random seed generators of the model's layers (dropout's), in layer
    order: each advances with every training step."""
    return [v for v in model.non_trainable_variables if v.path.endswith("seed_generator_state")]


def _seed_generator_states(model: keras.Model) -> list[np.ndarray]:
    return [np.array(variable.numpy()) for variable in _seed_generator_variables(model)]


def _restore_seed_generator_states(
    model: keras.Model, states: list | None, sidecar_path: Path | None
) -> None:
    """Put back saved seed generator states, so that a loaded model's next warm retrain draws
    the dropout masks the saved model's would have. None: a file saved without them."""
    if states is None:
        return
    variables = _seed_generator_variables(model)
    if len(states) != len(variables):
        raise ModelFileError(
            f"{sidecar_path} holds {len(states)} seed generator states for a model with "
            f"{len(variables)}: save the model again"
        )
    for variable, value in zip(variables, states, strict=True):
        variable.assign(np.asarray(value, dtype=variable.dtype).reshape(variable.shape))


def _compiled_forward(model: keras.Model, lookback: int, jit_compile: bool):
    """A compiled inference call: one graph for any batch of windows.

    On TensorFlow a tf.function over model(x, training=False) (traced once), compiled by XLA
    when `jit_compile` (XLA turns the LSTM's loop over the window into one native loop, several
    times faster per call than TensorFlow's graph of small ops); on other backends
    predict_on_batch, which avoids model.predict's per-call data pipeline.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # the backend in use: present whenever this branch runs

        @tf.function(
            input_signature=[tf.TensorSpec(shape=(None, lookback, 1), dtype=tf.float32)],
            reduce_retracing=True,
            jit_compile=jit_compile,
        )
        def forward(inputs):
            return model(inputs, training=False)

        return lambda inputs: forward(tf.constant(inputs, dtype=tf.float32)).numpy()
    return model.predict_on_batch


# Temporary files start with the prefix every object store listing skips (LEAN's included).
TEMPORARY_PREFIX = ".tmp-"


def _temporary_path(target: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{target.stem}-", suffix=suffix, dir=target.parent
    )
    os.close(handle)
    os.unlink(name)  # Keras writes the file itself; only a fresh unique name is needed
    return Path(name)


@contextlib.contextmanager
def _pair_lock(folder: Path, exclusive: bool) -> Iterator[None]:
    """Model pairs in `folder` are replaced under an exclusive lock and read under a shared
    one (an advisory lock on the folder itself, so no lock file is left behind). Where the
    system has no such locks (Windows), the digest check of _read_pair is the only guard."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _store_keys(key: str) -> tuple[str, str]:
    if not isinstance(key, str) or not key.endswith(".keras"):
        raise ValueError(f"key must end with '.keras', got {key!r}")
    return key, key[: -len(".keras")] + ".json"


def _sha256(contents: bytes) -> str:
    return hashlib.sha256(contents).hexdigest()


# A writer replaces the model file, then its sidecar: a reader that falls between the two renames
# reads again after a pause. Far longer than the gap between two renames.
PAIR_READ_ATTEMPTS = 20
PAIR_READ_PAUSE_SECONDS = 0.05


def _read_pair(model_path: Path, sidecar_path: Path, model_copy: Path) -> dict[str, Any]:
    """The sidecar's state, with the model file it was saved with copied to `model_copy`.

    Raises ModelFileError when a file is missing or unreadable, or when the model file is not
    the one the sidecar was written with (another save's file, or a pair a writer left halfway).
    """
    for attempt in range(PAIR_READ_ATTEMPTS):
        with _pair_lock(model_path.parent, exclusive=False):
            state = _read_sidecar(model_path, sidecar_path)
            try:
                contents = model_path.read_bytes()
            except FileNotFoundError:
                contents = b""
        if not contents:
            raise ModelFileError(f"No stored model at {model_path} (missing or empty file)")
        if _sha256(contents) == state["model_sha256"]:
            model_copy.write_bytes(contents)
            return state
        if attempt + 1 < PAIR_READ_ATTEMPTS:
            time.sleep(PAIR_READ_PAUSE_SECONDS)
    if not zipfile.is_zipfile(io.BytesIO(contents)):
        raise ModelFileError(
            f"{model_path} is not a .keras archive (truncated or corrupt): retrain the model"
        )
    raise ModelFileError(
        f"The model at {model_path} is not the one its sidecar {sidecar_path} was saved with "
        "(its SHA-256 differs: a file from another save, or a changed file): save the model again"
    )


def _read_sidecar(model_path: Path, sidecar_path: Path) -> dict[str, Any]:
    if not model_path.is_file() or model_path.stat().st_size == 0:
        raise ModelFileError(f"No stored model at {model_path} (missing or empty file)")
    if not sidecar_path.is_file():
        raise ModelFileError(
            f"The model at {model_path} has no sidecar {sidecar_path}: save it again"
        )
    try:
        state = json.loads(sidecar_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"The sidecar {sidecar_path} is unreadable: {error}") from error
    if not isinstance(state, dict) or state.get("format_version") != FORMAT_VERSION:
        version = state.get("format_version") if isinstance(state, dict) else None
        raise ModelFileError(
            f"{sidecar_path} has format version {version!r}; this code reads version "
            f"{FORMAT_VERSION}: retrain and save the model again"
        )
    if not isinstance(state.get("model_sha256"), str) or not isinstance(state.get("config"), dict):
        raise ModelFileError(
            f"{sidecar_path} lacks the model's digest or configuration: save the model again"
        )
    return state


def _require_every_setting(cls: type, config: dict[str, Any], sidecar_path: Path) -> None:
    """A sidecar must hold every constructor setting: a missing one would take its default
    (normalization "last_close" for a "minmax" model) and change the forecasts silently."""
    settings = list(inspect.signature(cls).parameters)  # the constructor's
    missing = [name for name in settings if name not in config]
    if missing:
        raise ModelFileError(
            f"{sidecar_path} lacks the setting(s) {', '.join(missing)} of its model; a default "
            "in their place could change the forecasts: save the model again"
        )


def _losses(state: dict[str, Any], name: str, sidecar_path: Path) -> list[float]:
    values = state.get(name, [])
    if not isinstance(values, list) or not all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in values
    ):
        raise ModelFileError(
            f"{sidecar_path}: {name} must be a list of numbers, got {values!r}; save the model "
            "again"
        )
    return [float(value) for value in values]


def _load_keras_file(readable: Path, model_path: Path) -> keras.Model:
    """Load the .keras archive at `readable`, a copy of `model_path` (named in errors)."""
    if not zipfile.is_zipfile(readable):
        raise ModelFileError(
            f"{model_path} is not a .keras archive (truncated or corrupt): retrain the model"
        )
    try:
        return keras.models.load_model(str(readable), compile=True)
    except Exception as error:  # Keras raises many types for a bad archive
        raise ModelFileError(
            f"Cannot load the Keras model at {model_path}: {type(error).__name__}: {error}"
        ) from error


def _check_architecture(model: keras.Model, instance: MyLSTM, model_path: Path) -> None:
    lstm_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    shape = tuple(model.input_shape)
    problems = []
    if shape[1:] != (instance.lookback, 1):
        problems.append(f"input shape {shape[1:]} but lookback={instance.lookback}")
    if len(lstm_layers) != instance.layers:
        problems.append(f"{len(lstm_layers)} LSTM layers but layers={instance.layers}")
    if any(layer.units != instance.units for layer in lstm_layers):
        problems.append(
            f"LSTM units {[layer.units for layer in lstm_layers]} but units={instance.units}"
        )
    if problems:
        raise ModelFileError(
            f"The model at {model_path} does not match its sidecar configuration: "
            + "; ".join(problems)
        )


def _scaler_state(scaler: MinMaxScaler) -> dict[str, Any]:
    state: dict[str, Any] = {
        name: [float(v) for v in getattr(scaler, name)]
        for name in ("min_", "scale_", "data_min_", "data_max_", "data_range_")
    }
    state["n_samples_seen_"] = int(scaler.n_samples_seen_)
    return state


def _read_learned_state(path: Path) -> tuple[dict[str, Any], list, list]:
    """(meta, weights, optimizer variables) of a save_learned_state file, or ModelFileError."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            if not isinstance(meta, dict) or meta.get("format_version") != LEARNED_STATE_VERSION:
                version = meta.get("format_version") if isinstance(meta, dict) else None
                raise ModelFileError(
                    f"{path} has learned-state version {version!r}; this code reads version "
                    f"{LEARNED_STATE_VERSION}: fit the model again"
                )
            weights = [archive[f"weight_{i}"] for i in range(int(meta["weights"]))]
            optimizer = [archive[f"optimizer_{i}"] for i in range(int(meta["optimizer"]))]
    except ModelFileError:
        raise
    except (OSError, EOFError, KeyError, TypeError, ValueError, zipfile.BadZipFile) as error:
        raise ModelFileError(
            f"{path} is not a readable learned state ({type(error).__name__}: {error}): fit "
            "the model again"
        ) from error
    return meta, weights, optimizer


def _check_shapes(path: Path, what: str, variables, values: list) -> None:
    expected = [tuple(variable.shape) for variable in variables]
    found = [tuple(np.shape(value)) for value in values]
    if expected != found:
        raise ModelFileError(
            f"{path} holds {what} of shapes {found}, this network's are {expected}: fit the "
            "model again"
        )


def _scaler_from_state(state: Any, sidecar_path: Path) -> MinMaxScaler:
    try:
        scaler = MinMaxScaler(feature_range=(0, 1))
        for name in ("min_", "scale_", "data_min_", "data_max_", "data_range_"):
            values = np.asarray(state[name], dtype=np.float64)
            if values.shape != (1,) or not np.all(np.isfinite(values)):
                raise ValueError(f"{name} must be one finite number")
            setattr(scaler, name, values)
        scaler.n_samples_seen_ = int(state["n_samples_seen_"])
        scaler.n_features_in_ = 1
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(
            f"{sidecar_path} lacks a usable MinMax scaler state: {error}"
        ) from error
    return scaler
