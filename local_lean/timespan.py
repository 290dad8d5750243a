"""``TimeSpan``: .NET's time span, which LEAN's Python algorithms build with
``TimeSpan.from_minutes(20)`` and the like. In Python (as pythonnet converts it) a span is
a ``datetime.timedelta``; these factories return one."""

from __future__ import annotations

import datetime as dt
import math


def _span(value: float, unit: str) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"TimeSpan.from_{unit} needs a finite number, got {value!r}")
    return dt.timedelta(**{unit: value})


class TimeSpan:
    """Factories of ``datetime.timedelta`` under .NET's names."""

    ZERO = dt.timedelta(0)

    @staticmethod
    def from_days(value: float) -> dt.timedelta:
        return _span(value, "days")

    @staticmethod
    def from_hours(value: float) -> dt.timedelta:
        return _span(value, "hours")

    @staticmethod
    def from_minutes(value: float) -> dt.timedelta:
        return _span(value, "minutes")

    @staticmethod
    def from_seconds(value: float) -> dt.timedelta:
        return _span(value, "seconds")

    @staticmethod
    def from_milliseconds(value: float) -> dt.timedelta:
        return _span(value, "milliseconds")

    def __init__(self) -> None:
        raise TypeError(
            "TimeSpan is .NET's timedelta: use TimeSpan.from_minutes(...) (or a timedelta)"
        )
