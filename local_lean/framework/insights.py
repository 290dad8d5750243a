"""Insights: LEAN's predictions of a symbol's direction over a period.

An Insight is created by the algorithm (``Insight.price(symbol, timedelta(days=1), UP)``) and
timed when emitted: its generated time is the algorithm's time then, and its close time steps
whole daily bars through NYSE sessions, as LEAN's ``Time.GetEndTimeForTradeBars`` does for a
one-day bar size: Friday 09:35 + 1 day closes Monday 09:35 (weekends and holidays skipped).
Periods shorter than a day close `period` later in plain clock time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from local_lean.enums import InsightDirection, InsightType, Resolution
from local_lean.errors import NotSupportedError
from local_lean.securities import Security
from local_lean.symbols import Symbol, equity_symbol

NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC

_RESOLUTION_SPAN = {
    Resolution.SECOND: dt.timedelta(seconds=1),
    Resolution.MINUTE: dt.timedelta(minutes=1),
    Resolution.HOUR: dt.timedelta(hours=1),
    Resolution.DAILY: dt.timedelta(days=1),
}

_ids = itertools.count(1)
_group_ids = itertools.count(1)  # deterministic group ids, as the insight ids


def to_utc(local: dt.datetime) -> dt.datetime:
    """Naive New York time -> naive UTC time (LEAN's *_utc properties are naive UTC)."""
    return local.replace(tzinfo=NEW_YORK).astimezone(UTC).replace(tzinfo=None)


def _as_symbol(symbol: Any) -> Symbol:
    if isinstance(symbol, Security):
        return symbol.symbol
    if isinstance(symbol, Symbol):
        return symbol
    if isinstance(symbol, str):
        return equity_symbol(symbol)
    raise TypeError(f"an Insight needs a Symbol or a ticker, got {symbol!r}")


class Insight:
    """A price (or volatility) insight: symbol, direction, period and optional estimates."""

    def __init__(
        self,
        symbol: Any,
        period: Any,
        type: InsightType,
        direction: InsightDirection,
        magnitude: float | None = None,
        confidence: float | None = None,
        source_model: str | None = None,
        weight: float | None = None,
        tag: str = "",
    ) -> None:
        if not isinstance(direction, InsightDirection):
            if direction in (-1, 0, 1) and not isinstance(direction, bool):
                direction = InsightDirection(direction)
            else:
                raise TypeError(f"direction must be an InsightDirection, got {direction!r}")
        self._symbol = _as_symbol(symbol)
        self._type = InsightType(type)
        self._direction = direction
        self._magnitude = magnitude
        self._confidence = confidence
        self._weight = weight
        self.source_model = source_model or ""
        self.tag = tag or ""
        self.id = next(_ids)
        self.group_id = None
        # What decides the close time: a timedelta, (Resolution, bar count), a close time, or
        # a function of the generated time.
        self._period_spec: Any = period
        self._period = period if isinstance(period, dt.timedelta) else None
        if isinstance(period, dt.timedelta) and period <= dt.timedelta(0):
            raise ValueError(f"an Insight's period must be positive, got {period}")
        self._generated_time: dt.datetime | None = None  # naive New York time
        self._close_time: dt.datetime | None = None
        self.reference_value = 0.0
        self.reference_value_final = 0.0
        self.estimated_value = 0.0

    # -- LEAN's factory ------------------------------------------------------------------------

    @staticmethod
    def group(*insights: Any) -> list[Insight]:
        """Mark insights as one group (a shared ``group_id``) and return them as a list;
        ``group(insight, ...)`` or ``group([insights])``, as LEAN's ``Insight.Group``."""
        flat: list[Insight] = []
        for item in insights:
            flat.extend(item if isinstance(item, list | tuple) else [item])
        if not flat:
            raise ValueError("Insight.group needs at least one insight")
        for insight in flat:
            if not isinstance(insight, Insight):
                raise TypeError(f"Insight.group takes insights, got {insight!r}")
            if insight.group_id is not None:
                raise ValueError(f"{insight!r} already belongs to a group")
        group_id = next(_group_ids)
        for insight in flat:
            insight.group_id = group_id
        return flat

    @staticmethod
    def price(
        symbol: Any,
        period: Any,
        direction: Any,
        magnitude: Any = None,
        confidence: Any = None,
        source_model: Any = None,
        weight: Any = None,
        tag: Any = "",
    ) -> Insight:
        """A price insight. LEAN's overloads:
        ``price(symbol, period: timedelta, direction, ...)``,
        ``price(symbol, resolution, bar_count, direction, ...)``,
        ``price(symbol, close_time_local: datetime, direction, ...)``,
        ``price(symbol, expiry_func, direction, ...)``."""
        if isinstance(period, Resolution):
            # (symbol, resolution, bar_count, direction, magnitude, confidence, source, weight, tag)
            bar_count, direction, magnitude, confidence, source_model, weight, tag = (
                direction,
                magnitude,
                confidence,
                source_model,
                weight,
                tag,
                "",
            )
            if not isinstance(bar_count, int) or bar_count < 1:
                raise ValueError(f"bar_count must be a whole number >= 1, got {bar_count!r}")
            period = (Resolution(period), bar_count)
        elif isinstance(period, dt.datetime):
            period = ("close", period)
        elif callable(period) and not isinstance(period, dt.timedelta):
            period = ("function", period)
        elif not isinstance(period, dt.timedelta):
            raise TypeError(
                "Insight.price takes a timedelta period, a Resolution and a bar count, a close "
                f"time or an expiry function; got {period!r}"
            )
        return Insight(
            symbol,
            period,
            InsightType.PRICE,
            direction,
            magnitude,
            confidence,
            source_model,
            weight,
            tag or "",
        )

    # -- LEAN's properties -----------------------------------------------------------------------

    @property
    def symbol(self) -> Symbol:
        return self._symbol

    @property
    def type(self) -> InsightType:
        return self._type

    @property
    def direction(self) -> InsightDirection:
        return self._direction

    @property
    def magnitude(self) -> float | None:
        return self._magnitude

    @property
    def confidence(self) -> float | None:
        return self._confidence

    @property
    def weight(self) -> float | None:
        return self._weight

    @property
    def period(self) -> dt.timedelta | None:
        """The period; known once emitted for insights built from bars or a close time."""
        return self._period

    @property
    def generated_time_utc(self) -> dt.datetime | None:
        return None if self._generated_time is None else to_utc(self._generated_time)

    @property
    def close_time_utc(self) -> dt.datetime | None:
        return None if self._close_time is None else to_utc(self._close_time)

    def is_active(self, utc_time: dt.datetime) -> bool:
        """True until the close time (LEAN compares UTC times)."""
        close = self.close_time_utc
        return close is not None and utc_time < close

    def is_expired(self, utc_time: dt.datetime) -> bool:
        close = self.close_time_utc
        return close is not None and utc_time >= close

    def expire(self, utc_time: dt.datetime) -> None:
        """End an active insight now: its close time becomes a second before `utc_time`
        (LEAN's ``Expire``, used when its security leaves the universe)."""
        if not self.is_active(utc_time) or self._generated_time is None:
            return
        closed = utc_time.replace(tzinfo=UTC).astimezone(NEW_YORK).replace(tzinfo=None)
        self._close_time = closed - dt.timedelta(seconds=1)
        self._period = self._close_time - self._generated_time

    def clone(self) -> Insight:
        copy = Insight(
            self._symbol,
            self._period_spec,
            self._type,
            self._direction,
            self._magnitude,
            self._confidence,
            self.source_model,
            self._weight,
            self.tag,
        )
        return copy

    # -- timing (done by the engine when the insight is emitted) --------------------------------

    def _set_times(
        self, generated: dt.datetime, next_session: Callable[[dt.date], dt.date]
    ) -> None:
        """Stamp the generated time and compute the close time (naive New York times)."""
        self._generated_time = generated
        self._close_time = close_time_for(self._period_spec, generated, next_session)
        self._period = self._close_time - generated

    def _closes_at(self) -> dt.datetime:
        """The close time of an emitted insight."""
        if self._close_time is None:
            raise RuntimeError(f"{self!r} was not emitted: it has no close time yet")
        return self._close_time

    def __repr__(self) -> str:
        return (
            f"<Insight {self._symbol.value} {self._direction.name} "
            f"{self._generated_time} -> {self._close_time}>"
        )


def emitted_times(insight: Insight) -> tuple[dt.datetime, dt.datetime]:
    """An emitted insight's generated and close times, in naive New York time."""
    close = insight._closes_at()
    assert insight._generated_time is not None
    return insight._generated_time, close


def close_time_for(
    spec: Any, generated: dt.datetime, next_session: Callable[[dt.date], dt.date]
) -> dt.datetime:
    """When an insight generated at `generated` closes, given its period specification."""
    if isinstance(spec, tuple) and spec[0] == "close":
        close = spec[1]
    elif isinstance(spec, tuple) and spec[0] == "function":
        close = spec[1](generated)
        if not isinstance(close, dt.datetime):
            raise TypeError(f"the insight's expiry function returned {close!r}, not a datetime")
    elif isinstance(spec, tuple):
        resolution, bar_count = spec
        if resolution == Resolution.DAILY:
            close = _step_sessions(generated, bar_count, next_session)
        elif resolution in _RESOLUTION_SPAN:
            close = generated + _RESOLUTION_SPAN[resolution] * bar_count
        else:
            raise NotSupportedError(f"Insight periods in {resolution.name} bars")
    else:
        period: dt.timedelta = spec
        whole_days = period // dt.timedelta(days=1)
        if whole_days >= 1:
            # LEAN: a period of one day or more counts daily bars (whole days only).
            close = _step_sessions(generated, int(whole_days), next_session)
        else:
            close = generated + period
    if close <= generated:
        raise ValueError(f"the insight closes at {close}, not after it was generated ({generated})")
    return close


def _step_sessions(
    start: dt.datetime, bar_count: int, next_session: Callable[[dt.date], dt.date]
) -> dt.datetime:
    day = start.date()
    for _ in range(bar_count):
        day = next_session(day)
    return dt.datetime.combine(day, start.time())


def direction_word(direction: InsightDirection) -> str:
    return {InsightDirection.UP: "up", InsightDirection.DOWN: "down"}.get(direction, "flat")


def insight_outcome(direction: InsightDirection, reference: float, final: float) -> str:
    """'correct' when the price moved the insight's way, 'incorrect' otherwise; 'flat' for flat
    insights (LEAN scores no direction for them)."""
    if direction == InsightDirection.FLAT:
        return "flat"
    if not (math.isfinite(reference) and math.isfinite(final)) or reference <= 0:
        return "open"
    moved = final - reference
    return "correct" if moved * int(direction) > 0 else "incorrect"


__all__ = [
    "Insight",
    "InsightDirection",
    "InsightType",
    "close_time_for",
    "emitted_times",
    "insight_outcome",
]
