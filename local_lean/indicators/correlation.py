"""LEAN's Correlation indicator (``Indicators/Correlation.cs``): Pearson or Spearman correlation
of two symbols' closes over a rolling period.

It is one of LEAN's multi-symbol indicators (``multi_symbol.MultiSymbolIndicator``): each input
is a bar of one of its two symbols; a pair of bars enters the rolling windows once both symbols
have a bar ending at the same time (the same UTC day for daily bars, the same minute for minute
bars), and the value is recomputed then. The first input only sets the data's resolution (LEAN
returns 0 for it). The correlations are
MathNet's: Pearson's running sums, Spearman's Pearson of average ranks; NaN becomes 0.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any

from local_lean.indicators.multi_symbol import MultiSymbolIndicator


class CorrelationType(IntEnum):
    PEARSON = 0
    SPEARMAN = 1


class Correlation(MultiSymbolIndicator):
    """``Correlation([name,] target, reference, period, correlation_type=PEARSON)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name, target, reference, period, kind = _arguments(args, kwargs)
        super().__init__(name, [target, reference], period)
        self._target, self._reference = self._symbols
        self._type = CorrelationType(kind)

    def compute_indicator(self) -> float:
        target = [float(bar.close) for bar in self.data_points(self._target)]
        reference = [float(bar.close) for bar in self.data_points(self._reference)]
        if self._type == CorrelationType.SPEARMAN:
            target, reference = average_ranks(target), average_ranks(reference)
        value = pearson(target, reference)
        return 0.0 if math.isnan(value) or value == 0 else value


def pearson(a: list[float], b: list[float]) -> float:
    """MathNet's ``Correlation.Pearson``: running means and co-moments; NaN when a series is
    constant."""
    r = mean_a = mean_b = var_a = var_b = 0.0
    for n, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        delta_a, delta_b = x - mean_a, y - mean_b
        scale_a, scale_b = delta_a / n, delta_b / n
        mean_a += scale_a
        mean_b += scale_b
        var_a += scale_a * delta_a * (n - 1)
        var_b += scale_b * delta_b * (n - 1)
        r += delta_a * delta_b * (n - 1) / n
    denominator = math.sqrt(var_a * var_b)
    return r / denominator if denominator else math.nan


def average_ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given the average of their ranks (MathNet's RankDefinition.Average)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _arguments(args: tuple, kwargs: dict) -> tuple[str, Any, Any, int, Any]:
    names = ("target_symbol", "reference_symbol", "period", "correlation_type")
    if args and isinstance(args[0], str) and len(args) >= 4:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("name", None)
    values = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names or key in values:
            raise TypeError(f"Correlation got an unexpected or repeated argument {key!r}")
        values[key] = value
    missing = [key for key in names[:3] if key not in values]
    if missing:
        raise TypeError(
            "Correlation takes ([name,] target_symbol, reference_symbol, period[, "
            f"correlation_type]); missing {', '.join(missing)}"
        )
    period = values["period"]
    if isinstance(period, bool) or not isinstance(period, int) or period < 2:
        raise ValueError(
            f"Period parameter for Correlation indicator must be greater than 2 but was {period}"
        )
    kind = values.get("correlation_type", CorrelationType.PEARSON)
    return (
        name or f"Correlation({period})",
        values["target_symbol"],
        values["reference_symbol"],
        period,
        kind,
    )
