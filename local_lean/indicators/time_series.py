"""Time-series model indicators (LEAN's Indicators/TimeSeriesIndicator.cs and
AutoRegressiveIntegratedMovingAverage.cs).

``AutoRegressiveIntegratedMovingAverage(ar_order, diff_order, ma_order, period, intercept)``
(``self.arima(symbol, p, d, q, period)``) refits an ARIMA(p, d, q) model to the last `period`
inputs at each update and gives its one-step forecast, as LEAN does:

- the window is newest first; it is differenced `d` times (``difference_series``);
- the AR step regresses each value on its `p` neighbours in that order (``lagged_series``),
  by least squares through the normal equations without an intercept (MathNet's
  ``Fit.MultiDim``); its residuals feed the MA step, which regresses the values on those
  neighbours and `q` lagged residuals, with an intercept when asked;
- the forecast sums the AR terms over the newest values, the MA terms over LEAN's residuals
  (from index ``q + 1``) and the intercept, then undoes the differencing.

A fit whose normal equations are singular gives zero parameters (LEAN catches MathNet's
error and logs it once). The forecast is read as .NET's ``(decimal)double`` (15 significant
digits), as LEAN stores it.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from local_lean.indicators.base import Indicator, IndicatorDataPoint
from local_lean.indicators.rolling_window import RollingWindow

_log = logging.getLogger("local_lean")


class TimeSeriesIndicator(Indicator):
    """Base of the time-series model indicators: differencing and lagging helpers."""

    @property
    def warm_up_period(self) -> int:
        raise NotImplementedError

    @staticmethod
    def difference_series(
        d: int, series: list[float], diff_heads: Any = None
    ) -> tuple[list[float] | None, list[float]]:
        """(the series differenced `d` times, newest first, and the heads: the oldest value
        before each differencing). As in LEAN, None for d == 0. `diff_heads` is LEAN's out
        parameter: from Python, as with pythonnet, pass anything and read the tuple."""
        heads = [0.0] * d
        if d == 0:
            return None, heads
        local = list(series)
        for j in range(d):
            heads[j] = local[-1]
            local = [local[i] - local[i + 1] for i in range(len(local) - 1)]
        return local, heads

    @staticmethod
    def inverse_differenced_series(series: list[float], diff_heads: list[float]) -> list[float]:
        """Undo ``difference_series``: each head, last first, is appended and the series
        summed from its oldest end."""
        local = list(series)
        for head in reversed(diff_heads):
            local.append(head)
            local = TimeSeriesIndicator.cumulative_sum(local, True)
        return local

    @staticmethod
    def lagged_series(p: int, series: list[float], include_t: bool = False) -> list[list[float]]:
        """For each value from index `p` on, its `p` predecessors in the array (and itself
        first with `include_t`)."""
        first = 0 if include_t else 1
        return [[series[t - j] for j in range(first, p + 1)] for t in range(p, len(series))]

    @staticmethod
    def cumulative_sum(series: list[float], reverse: bool = False) -> list[float]:
        values = list(reversed(series)) if reverse else list(series)
        sums, total = [], 0.0
        for value in values:
            total += value
            sums.append(total)
        return list(reversed(sums)) if reverse else sums


class AutoRegressiveIntegratedMovingAverage(TimeSeriesIndicator):
    """LEAN's ARIMA indicator; see the module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], str):
            name, args = args[0], args[1:]
        else:
            name = kwargs.pop("name", None)
        ar_order, diff_order, ma_order, period, intercept = _arima_arguments(args, kwargs)
        if name is None:
            name = f"ARIMA(({ar_order}, {diff_order}, {ma_order}), {period}, {intercept})"
        super().__init__(name)
        for label, value in (
            ("ar_order", ar_order),
            ("diff_order", diff_order),
            ("ma_order", ma_order),
            ("period", period),
        ):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{label} must be a whole number, got {value!r}")
        if ar_order < 0 or ma_order < 0:
            raise ValueError("AR/MA orders cannot be negative.")
        if ar_order == 0:
            raise ValueError(
                "arOrder (p) must be greater than zero for all currently available fitting methods."
            )
        if diff_order < 0:
            raise ValueError(f"diff_order cannot be negative, got {diff_order}")
        if period < max(ar_order, ma_order):
            raise ValueError("Period must exceed both arOrder and maOrder")
        self._ar_order, self._diff_order, self._ma_order = ar_order, diff_order, ma_order
        self._period = period
        self._intercept = bool(intercept)
        self._rolling = RollingWindow(period)
        self._residuals: list[float] = []
        self._ar_parameters: list[float] = []
        self._ma_parameters: list[float] = []
        self._intercept_value = 0.0
        self._ar_residual_error = 0.0
        self._ma_residual_error = 0.0
        self._logged: set[str] = set()
        self.handle_exceptions = True

    @property
    def is_ready(self) -> bool:
        return self._rolling.is_ready

    @property
    def warm_up_period(self) -> int:
        return self._period

    @property
    def ar_parameters(self) -> list[float]:
        return list(self._ar_parameters)

    @property
    def ma_parameters(self) -> list[float]:
        return list(self._ma_parameters)

    @property
    def intercept(self) -> float:
        return self._intercept_value

    @property
    def ar_residual_error(self) -> float:
        return self._ar_residual_error

    @property
    def ma_residual_error(self) -> float:
        return self._ma_residual_error

    def reset(self) -> None:
        super().reset()
        self._rolling.reset()

    def compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._rolling.add(float(input.value))
        if not self._rolling.is_ready:
            return 0.0
        data = [self._rolling[i] for i in range(self._rolling.count)]  # newest first
        heads: list[float] = []
        if self._diff_order > 0:
            data, heads = self.difference_series(self._diff_order, data)
        self._two_step_fit(data)
        forecast = 0.0
        for i in range(self._ar_order):
            forecast += self._ar_parameters[i] * data[i]
        for i in range(self._ma_order):
            forecast += self._ma_parameters[i] * self._residuals[self._ma_order + i + 1]
        forecast += self._intercept_value
        if self._diff_order > 0:
            forecast = self.inverse_differenced_series([forecast, *data], heads)[0]
        return _as_decimal(forecast)

    # ----- the two-step fit ------------------------------------------------------------------

    def _two_step_fit(self, series: list[float]) -> None:
        self._residuals = []
        lags = self.lagged_series(self._ar_order, series)
        self._auto_regressive_step(lags, series)
        if self._ma_order > 0:
            self._moving_average_step(lags, series)

    def _fit(self, rows: list[list[float]], values: list[float], intercept: bool, step: str):
        try:
            return _normal_equations(rows, values, intercept)
        except ValueError as error:
            if not self.handle_exceptions:
                raise
            if step not in self._logged:
                self._logged.add(step)
                _log.error("AutoRegressiveIntegratedMovingAverage.%s(): %s", step, error)
            return [0.0] * (len(rows[0]) + (1 if intercept else 0))

    def _auto_regressive_step(self, lags: list[list[float]], data: list[float]) -> None:
        p = self._ar_order
        fits = self._fit(lags, data[p:], False, "AutoRegressiveStep")
        error = 0.0
        for i in range(len(data)):
            if i < p:
                self._residuals.append(0.0)  # LEAN pads the first p residuals with zeros
                continue
            residual = data[i] - _dot(lags[i - p], fits)
            error += residual**2
            self._residuals.append(residual)
        self._ar_residual_error = error / (len(data) - p - 1)
        if self._ma_order == 0:
            self._ar_parameters = fits

    def _moving_average_step(self, lags: list[list[float]], data: list[float]) -> None:
        p, q = self._ar_order, self._ma_order
        lagged_errors = self.lagged_series(q, self._residuals)
        rows = [lags[i] + lagged_errors[i] for i in range(len(lagged_errors))]
        fits = self._fit(rows, data[q:], self._intercept, "MovingAverageStep")
        parameters = fits[1:] if self._intercept else fits
        error = 0.0
        for i in range(q, len(data)):
            residual = data[i] - _dot(rows[i - q], parameters)
            error += residual**2
        self._ma_residual_error = error / (len(data) - max(p, q) - 1)
        self._ma_parameters = parameters[p:]
        self._ar_parameters = parameters[:p]
        if self._intercept:
            self._intercept_value = fits[0]


def _arima_arguments(args: tuple, kwargs: dict) -> tuple:
    names = ("ar_order", "diff_order", "ma_order", "period", "intercept")
    values = dict(zip(names, args, strict=False))
    if len(args) > len(names):
        raise TypeError(
            "AutoRegressiveIntegratedMovingAverage(ar_order, diff_order, ma_order, period, "
            "intercept=True)"
        )
    for key, value in kwargs.items():
        if key not in names or key in values:
            raise TypeError(f"unexpected or repeated argument {key!r}")
        values[key] = value
    missing = [name for name in names[:4] if name not in values]
    if missing:
        raise TypeError(f"AutoRegressiveIntegratedMovingAverage needs {', '.join(missing)}")
    values.setdefault("intercept", True)
    return tuple(values[name] for name in names)


def _dot(row: list[float], parameters: list[float]) -> float:
    total = 0.0
    for x, b in zip(row, parameters, strict=True):
        total += x * b
    return total


def _normal_equations(rows: list[list[float]], values: list[float], intercept: bool) -> list[float]:
    """Least squares by MathNet's normal equations: solve (X'X) b = X'y by Cholesky; X gets a
    leading column of ones with `intercept`. ValueError when X'X is not positive definite."""
    x = [[1.0, *row] for row in rows] if intercept else [list(row) for row in rows]
    n = len(x[0])
    if n > len(values):
        raise ValueError("A regression of the requested order requires at least as many samples")
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(n)] for i in range(n)]
    xty = [sum(r[i] * y for r, y in zip(x, values, strict=True)) for i in range(n)]
    lower = [[0.0] * n for _ in range(n)]
    for j in range(n):
        diagonal = xtx[j][j] - sum(lower[j][k] ** 2 for k in range(j))
        if not diagonal > 0.0:
            raise ValueError("Matrix must be positive definite.")
        lower[j][j] = math.sqrt(diagonal)
        for i in range(j + 1, n):
            lower[i][j] = (xtx[i][j] - sum(lower[i][k] * lower[j][k] for k in range(j))) / lower[j][
                j
            ]
    forward = [0.0] * n
    for i in range(n):
        forward[i] = (xty[i] - sum(lower[i][k] * forward[k] for k in range(i))) / lower[i][i]
    solution = [0.0] * n
    for i in reversed(range(n)):
        solution[i] = (
            forward[i] - sum(lower[k][i] * solution[k] for k in range(i + 1, n))
        ) / lower[i][i]
    return solution


def _as_decimal(value: float) -> float:
    # LEAN returns (decimal)summants: 15 significant digits (.NET cannot convert NaN).
    if not math.isfinite(value):
        raise ValueError(f"the ARIMA forecast is {value}: the inputs or the fit are not finite")
    return float(format(value, ".15g"))
