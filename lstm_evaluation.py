"""How good are MyLSTM's forecasts? Walk-forward evaluation against the naive forecast.

A forecast here is a return over a later interval (MyLSTM's target: with gap g and horizon h,
the window ending at close k forecasts close[k + g + h] / close[k + g] - 1). The naive
forecast of every such return is 0 ("prices do not move", the random walk's best guess; with the
defaults it is "tomorrow's close = today's close"). Measures:

- RMSE and MAE of the forecast returns, beside the naive forecast's;
- directional accuracy (the sign of the forecast against the sign of the return) with its 95%
  Wilson interval, beside "always up";
- the Diebold-Mariano test of equal squared error against the naive forecast, with its
  long-run variance from autocovariances up to lag g + h - 1 (the forecast is g + h steps
  ahead) and the Harvey-Leybourne-Newbold small-sample correction, read against Student's t
  with n - 1 degrees of freedom.

`walk_forward` retrains the way the strategy does: the model's own `fit` (from scratch, or warm
start on the latest windows, as MyLSTM's settings say), then forecasts each day of the next block
from the closes before it, then moves on.

Beside lstm_model.py; it needs numpy, pandas and scipy (all in LEAN's image).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from lstm_model import (
    InsufficientDataError,
    MyLSTM,
    as_prices,
    check_int,
    require_length,
    target_returns,
)

__all__ = [
    "DieboldMariano",
    "WalkForwardResult",
    "diebold_mariano",
    "directional_accuracy",
    "forecast_metrics",
    "naive_forecast",
    "walk_forward",
    "wilson_interval",
]


def naive_forecast(prices) -> np.ndarray:
    """The naive one-step price forecast: each close forecasts the next (out[j] = prices[j])."""
    return as_prices(prices).copy()


def wilson_interval(successes: int, trials: int, z: float = 1.959963984540054):
    """The Wilson score interval of a binomial proportion (95% by default); NaN when trials=0."""
    if trials <= 0:
        return math.nan, math.nan
    share = successes / trials
    denominator = 1.0 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    return centre - half / denominator, centre + half / denominator


def directional_accuracy(forecast, actual, previous_close=None) -> tuple[float, int, int]:
    """Share of forecasts whose sign matches the actual move's; returns (accuracy, hits, n).

    With previous_close, forecast and actual are prices and the moves are their differences
    from it; without, both are returns (or moves) already.
    """
    forecast, actual = (np.asarray(a, dtype=np.float64) for a in (forecast, actual))
    if previous_close is not None:
        previous = np.asarray(previous_close, dtype=np.float64)
        forecast, actual = forecast - previous, actual - previous
    hits = int(np.sum(np.sign(forecast) == np.sign(actual)))
    days = len(actual)
    return (hits / days if days else math.nan), hits, days


@dataclass(frozen=True)
class DieboldMariano:
    """The Diebold-Mariano test of equal squared error (HLN-corrected).

    statistic < 0: the first forecast's squared errors are smaller. p_value is two-sided.
    mean_loss_difference: mean of (first error^2 - second error^2).
    """

    statistic: float
    p_value: float
    mean_loss_difference: float
    n: int
    steps_ahead: int


def diebold_mariano(errors, reference_errors, steps_ahead: int = 1) -> DieboldMariano:
    """Test whether `errors` and `reference_errors` (same targets) have equal squared error.

    The loss difference d = e^2 - e_ref^2; its mean's variance is the long-run variance from
    the autocovariances up to lag steps_ahead - 1 (Diebold and Mariano, 1995; Newey-West
    weights when that sum is not positive), over n. The statistic is multiplied by
    sqrt((n + 1 - 2h + h(h - 1) / n) / n), h = steps_ahead (Harvey, Leybourne and Newbold,
    1997), and read against Student's t with n - 1 degrees of freedom.
    """
    errors = np.asarray(errors, dtype=np.float64)
    reference_errors = np.asarray(reference_errors, dtype=np.float64)
    if errors.shape != reference_errors.shape or errors.ndim != 1:
        raise ValueError("errors and reference_errors must be 1-D arrays of the same length")
    steps = check_int("steps_ahead", steps_ahead, 1)
    n = len(errors)
    if n < 3 or n <= 2 * steps:
        raise InsufficientDataError(
            f"the Diebold-Mariano test needs more than max(2, 2 x steps_ahead) = "
            f"{max(2, 2 * steps)} forecasts, got {n}"
        )
    loss = errors**2 - reference_errors**2
    mean = float(loss.mean())
    centred = loss - mean
    autocovariances = [float(centred[lag:] @ centred[: n - lag]) / n for lag in range(steps)]
    variance = autocovariances[0] + 2 * sum(autocovariances[1:])
    if variance <= 0:  # a truncated sum can be negative; Bartlett weights cannot
        variance = autocovariances[0] + 2 * sum(
            (1 - lag / steps) * autocovariances[lag] for lag in range(1, steps)
        )
    if variance <= 0:  # identical losses: no evidence either way
        return DieboldMariano(math.nan, math.nan, mean, n, steps)
    statistic = mean / math.sqrt(variance / n)
    statistic *= math.sqrt((n + 1 - 2 * steps + steps * (steps - 1) / n) / n)
    p_value = float(2 * stats.t.sf(abs(statistic), df=n - 1))
    return DieboldMariano(float(statistic), p_value, mean, n, steps)


def forecast_metrics(forecast, actual, steps_ahead: int = 1) -> pd.DataFrame:
    """RMSE, MAE and direction of forecast returns against the naive forecast (0) and
    "always up"; the model row also carries the Diebold-Mariano test against the naive one.

    Rows "model", "naive", "always up"; columns rmse, mae, directional_accuracy,
    direction_ci_low, direction_ci_high (95% Wilson), dm_statistic, dm_p_value, n.
    """
    forecast = np.asarray(forecast, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    n = len(actual)
    naive = np.zeros_like(actual)
    rows = {}
    for name, values in (("model", forecast), ("naive", naive)):
        error = values - actual
        accuracy, low, high = math.nan, math.nan, math.nan
        statistic, p_value = math.nan, math.nan
        if name == "model":  # the naive forecast has no direction
            accuracy, hits, _ = directional_accuracy(forecast, actual)
            low, high = wilson_interval(hits, n)
            if n > max(2, 2 * steps_ahead):
                test = diebold_mariano(error, naive - actual, steps_ahead)
                statistic, p_value = test.statistic, test.p_value
        rows[name] = {
            "rmse": float(np.sqrt(np.mean(error**2))),
            "mae": float(np.mean(np.abs(error))),
            "directional_accuracy": accuracy,
            "direction_ci_low": low,
            "direction_ci_high": high,
            "dm_statistic": statistic,
            "dm_p_value": p_value,
            "n": n,
        }
    ups = int(np.sum(actual > 0))
    low, high = wilson_interval(ups, n)
    rows["always up"] = {
        "rmse": math.nan,
        "mae": math.nan,
        "directional_accuracy": ups / n if n else math.nan,
        "direction_ci_low": low,
        "direction_ci_high": high,
        "dm_statistic": math.nan,
        "dm_p_value": math.nan,
        "n": n,
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass
class WalkForwardResult:
    """What walk_forward measured.

    forecasts: one row per forecast (indexed by the date, or position, of the close that ends
    its interval), columns origin_close (the last close the forecast saw), actual (the
    interval's return), model (the forecast return), naive (0). metrics: forecast_metrics'
    table. training_seconds: the wall-clock seconds of each fit.
    """

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    training_seconds: list[float] = field(default_factory=list)

    @property
    def total_training_seconds(self) -> float:
        return float(sum(self.training_seconds))

    @property
    def rmse_ratio(self) -> float:
        """The model's RMSE over the naive forecast's (below 1: the model is better)."""
        return float(self.metrics.loc["model", "rmse"] / self.metrics.loc["naive", "rmse"])

    def to_markdown(self, digits: int = 4) -> str:
        """The metrics as a Markdown table."""
        columns = list(self.metrics.columns)
        lines = [
            "| | " + " | ".join(columns) + " |",
            "|---|" + "---|" * len(columns),
        ]
        for name, row in self.metrics.iterrows():
            cells = [
                str(int(row[c]))
                if c == "n"
                else ("-" if pd.isna(row[c]) else f"{row[c]:.{digits}f}")
                for c in columns
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def walk_forward(
    prices,
    model_params: Mapping[str, Any] | None = None,
    train_size=1260,
    block_size=20,
    n_blocks=None,
) -> WalkForwardResult:
    """Walk-forward evaluation of MyLSTM(**model_params) against the naive forecast.

    For each block: fit one model (the same instance throughout, so `warm_start`,
    `warm_epochs` and `retrain_windows` in model_params retrain as the strategy does) on the
    `train_size` closes before the block, then forecast from each of the block's `block_size`
    origins (the day before each block day) the return over the model's target interval, and
    move forward by `block_size`. n_blocks=None uses every block the prices allow (the last
    one may be shorter). A pandas Series keeps its index in the result.
    """
    params = dict(model_params or {})
    train_size = check_int("train_size", train_size, 2)
    block_size = check_int("block_size", block_size, 1)
    values = as_prices(prices)
    index = prices.index if isinstance(prices, pd.Series) else pd.RangeIndex(len(values))
    model = MyLSTM(**params).check_params()  # an unusable setting stops before any training
    ahead = model.gap + model.horizon
    if train_size < model.lookback + ahead:
        raise InsufficientDataError(
            f"train_size={train_size} is too small for lookback={model.lookback}, "
            f"gap={model.gap}, horizon={model.horizon}: at least "
            f"{model.lookback + ahead} closes are needed"
        )
    # Origin k (the last close a forecast sees) needs close k + ahead to score it.
    last_origin = len(values) - 1 - ahead
    available = last_origin - (train_size - 1) + 1
    if n_blocks is None:
        require_length(values, train_size + ahead, "walk_forward")
        n_blocks = math.ceil(available / block_size)
    else:
        n_blocks = check_int("n_blocks", n_blocks, 1)
        require_length(
            values,
            train_size + (n_blocks - 1) * block_size + block_size + ahead - 1,
            f"walk_forward of {n_blocks} blocks",
        )

    training_seconds: list[float] = []
    frames = []
    for block in range(n_blocks):
        start = block * block_size
        first_origin = start + train_size - 1  # the last training close
        origins = np.arange(first_origin, min(first_origin + block_size, last_origin + 1))
        began = time.perf_counter()
        model.fit(values[start : start + train_size])
        training_seconds.append(time.perf_counter() - began)
        # Origin k's forecast sees closes k - lookback + 1 .. k: never a later one.
        forecasts = model.predict(values[origins[0] - model.lookback + 1 : origins[-1] + 1])
        frames.append(
            pd.DataFrame(
                {
                    "origin_close": values[origins],
                    "actual": target_returns(values, origins, model.gap, model.horizon),
                    "model": forecasts,
                    "naive": 0.0,
                },
                index=index[origins + ahead],
            )
        )
    forecasts_frame = pd.concat(frames)
    return WalkForwardResult(
        forecasts=forecasts_frame,
        metrics=forecast_metrics(forecasts_frame["model"], forecasts_frame["actual"], ahead),
        training_seconds=training_seconds,
    )
