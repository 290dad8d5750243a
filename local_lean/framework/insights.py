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

from local_lean.conventions import from_utc, to_utc
from local_lean.enums import (
    RESOLUTION_TIME_SPANS,
    InsightDirection,
    InsightScoreType,
    InsightType,
    Resolution,
)
from local_lean.errors import NotSupportedError
from local_lean.lean_members import LeanMembers
from local_lean.symbol_conversion import as_symbol
from local_lean.symbols import Symbol

_ids = itertools.count(1)
_group_ids = itertools.count(1)  # deterministic group ids, as the insight ids


class Insight(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Alphas.Insight",
    hint="see local_lean/README.md for the insights the runner offers",
):
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
        self._symbol = as_symbol(symbol, "an Insight needs a Symbol or a ticker")
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
        self._close_time_utc: dt.datetime | None = None  # converted once: checked at each step
        self.reference_value = 0.0
        self.reference_value_final = 0.0
        self.estimated_value = 0.0
        self.score = InsightScore()

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
    def price(symbol: Any, *args: Any, **kwargs: Any) -> Insight:
        """A price insight. LEAN's overloads:
        ``price(symbol, period: timedelta, direction, ...)``,
        ``price(symbol, resolution, bar_count, direction, ...)``,
        ``price(symbol, close_time_local: datetime, direction, ...)``,
        ``price(symbol, expiry_func, direction, ...)``; each then takes ``magnitude``,
        ``confidence``, ``source_model``, ``weight`` and ``tag``, by position or by name."""
        if not kwargs and len(args) == 2 and isinstance(args[0], dt.timedelta):
            # The common call, price(symbol, period, direction): nothing else to bind.
            return Insight(symbol, args[0], InsightType.PRICE, args[1])
        values = _bind_price_overload(args, kwargs)
        period = values.pop("period")
        if isinstance(period, Resolution):
            bar_count = values.pop("bar_count")
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
            values["direction"],
            values["magnitude"],
            values["confidence"],
            values["source_model"],
            values["weight"],
            values["tag"] or "",
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
        return self._close_time_utc

    def is_active(self, utc_time: dt.datetime) -> bool:
        """True up to and including the close time (LEAN compares UTC times)."""
        close = self._close_time_utc
        return close is not None and utc_time <= close

    def is_expired(self, utc_time: dt.datetime) -> bool:
        """True once the close time has passed: at the close time itself the insight is still
        active, as in LEAN (so a one-day insight is still traded on at its last bar)."""
        close = self._close_time_utc
        return close is not None and utc_time > close

    def expire(self, utc_time: dt.datetime) -> None:
        """Close an active insight now: its close time becomes one second before `utc_time`
        (LEAN's ``Expire``), so it is expired at `utc_time`."""
        if self._close_time is None or not self.is_active(utc_time):
            return
        self._set_close_time(from_utc(utc_time - dt.timedelta(seconds=1)))
        assert self._generated_time is not None
        self._period = self._close_time - self._generated_time

    def cancel(self, utc_time: dt.datetime) -> None:
        """LEAN's ``Cancel``: the same as ``expire``."""
        self.expire(utc_time)

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

    def _set_times(self, generated: dt.datetime, calendar: Any) -> None:
        """Stamp the generated time and compute the close time (naive New York times)."""
        self._generated_time = generated
        close_time = close_time_for(self._period_spec, generated, calendar)
        self._set_close_time(close_time)
        self._period = close_time - generated

    def _set_close_time(self, close_time: dt.datetime) -> None:
        """The close time (naive New York time) and its UTC twin."""
        self._close_time = close_time
        self._close_time_utc = to_utc(close_time)

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


# The arguments after the second of LEAN's Insight.price overloads, in order; the second is
# named after the overload (period, resolution, close_time_local or expiry_func).
_PRICE_TAIL = ("direction", "magnitude", "confidence", "source_model", "weight", "tag")
_PRICE_DEFAULTS = {"magnitude": None, "confidence": None, "source_model": None, "weight": None}
_PERIOD_NAMES = ("period", "resolution", "close_time_local", "expiry_func")


def _bind_price_overload(args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Map Insight.price's arguments (after the symbol) onto the overload they call, as
    Python.NET does: a Resolution second argument selects (resolution, bar_count, direction,
    ...), anything else (period | close_time_local | expiry_func, direction, ...)."""
    kwargs = dict(kwargs)
    given = [name for name in _PERIOD_NAMES if name in kwargs]
    if args and given or len(given) > 1:
        raise TypeError(f"Insight.price got its period twice ({', '.join(given)})")
    period = args[0] if args else (kwargs.pop(given[0]) if given else None)
    if period is None:
        raise TypeError("Insight.price needs a period, resolution, close time or expiry function")
    by_bars = isinstance(period, Resolution)
    names = (("bar_count",) if by_bars else ()) + _PRICE_TAIL
    rest = args[1:]
    if len(rest) > len(names):
        raise TypeError(f"Insight.price takes at most {len(names) + 2} positional arguments")
    values: dict[str, Any] = dict(zip(names, rest, strict=False))
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError(f"Insight.price got an unexpected argument {name!r}")
        if name in values:
            raise TypeError(f"Insight.price got {name!r} twice")
        values[name] = value
    missing = [name for name in names[: 2 if by_bars else 1] if name not in values]
    if missing:
        raise TypeError(f"Insight.price is missing {', '.join(missing)}")
    values = {**_PRICE_DEFAULTS, "tag": "", **values}
    values["period"] = period
    return values


class InsightScore:
    """An insight's scores (LEAN's ``InsightScore``): direction and magnitude in [0, 1], set by
    an insight score function until it is final."""

    def __init__(
        self, direction: float = 0.0, magnitude: float = 0.0, updated_time_utc: Any = None
    ) -> None:
        self._direction = float(direction)
        self._magnitude = float(magnitude)
        self._updated_time_utc = updated_time_utc or dt.datetime.min
        self._is_final_score = False

    @property
    def direction(self) -> float:
        return self._direction

    @property
    def magnitude(self) -> float:
        return self._magnitude

    @property
    def updated_time_utc(self) -> dt.datetime:
        return self._updated_time_utc

    @property
    def is_final_score(self) -> bool:
        return self._is_final_score

    def set_score(self, type: InsightScoreType, value: float, algorithm_utc_time: Any) -> None:
        """Set one score, clamped to [0, 1]; a final score no longer changes (as in LEAN)."""
        if self._is_final_score:
            return
        kind = InsightScoreType(type)
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"an insight score must be a number, got {value!r}")
        self._updated_time_utc = algorithm_utc_time
        clamped = max(0.0, min(1.0, value))
        if kind == InsightScoreType.DIRECTION:
            self._direction = clamped
        else:
            self._magnitude = clamped

    def finalize(self, algorithm_utc_time: Any) -> None:
        self._is_final_score = True
        self._updated_time_utc = algorithm_utc_time

    def get_score(self, type: InsightScoreType) -> float:
        kind = InsightScoreType(type)
        return self._direction if kind == InsightScoreType.DIRECTION else self._magnitude

    def __repr__(self) -> str:
        return (
            f"Direction: {self._direction:.4f} Magnitude: {self._magnitude:.4f} "
            f"Final: {self._is_final_score}"
        )


class GeneratedInsightsCollection:
    """The insights generated at one time step, as ``insights_generated`` handlers get them."""

    def __init__(self, date_time_utc: dt.datetime, insights: list[Insight]) -> None:
        self._date_time_utc = date_time_utc
        self._insights = list(insights)

    @property
    def date_time_utc(self) -> dt.datetime:
        return self._date_time_utc

    @property
    def insights(self) -> list[Insight]:
        return self._insights


class InsightsGeneratedEvent:
    """``self.insights_generated``: handlers ``(algorithm, generated_insights_collection)``
    added with ``+=`` (removed with ``-=``), called each time the algorithm generates insights
    (LEAN's InsightsGenerated event)."""

    def __init__(self) -> None:
        self._handlers: list[Callable[[Any, GeneratedInsightsCollection], Any]] = []

    def __iadd__(self, handler: Callable[[Any, GeneratedInsightsCollection], Any]) -> Any:
        if not callable(handler):
            raise TypeError(
                "insights_generated handlers must be callables (algorithm, insights_collection),"
                f" got {handler!r}"
            )
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Callable[[Any, GeneratedInsightsCollection], Any]) -> Any:
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def __call__(self, algorithm: Any, collection: GeneratedInsightsCollection) -> None:
        for handler in list(self._handlers):
            handler(algorithm, collection)

    def __len__(self) -> int:
        return len(self._handlers)


def emitted_times(insight: Insight) -> tuple[dt.datetime, dt.datetime]:
    """An emitted insight's generated and close times, in naive New York time."""
    close = insight._closes_at()
    assert insight._generated_time is not None
    return insight._generated_time, close


def close_time_for(spec: Any, generated: dt.datetime, calendar: Any) -> dt.datetime:
    """When an insight generated at `generated` closes, given its period specification and the
    exchange calendar (``next_session(day)``, ``session_on(day)``), as LEAN's
    ``Insight.ComputeCloseTime`` steps bars through exchange hours."""
    if isinstance(spec, tuple) and spec[0] == "close":
        close = spec[1]
    elif isinstance(spec, tuple) and spec[0] == "function":
        close = spec[1](generated)
        if not isinstance(close, dt.datetime):
            raise TypeError(f"the insight's expiry function returned {close!r}, not a datetime")
    elif isinstance(spec, tuple):
        resolution, bar_count = spec
        if resolution == Resolution.DAILY:
            close = _step_sessions(generated, bar_count, calendar.next_session)
        elif resolution in RESOLUTION_TIME_SPANS:
            # Hours are stepped as 60 minutes each (LEAN: the open is at 9:30, not on the hour).
            span = RESOLUTION_TIME_SPANS[resolution] * bar_count
            bar = _ONE_SECOND if resolution == Resolution.SECOND else _ONE_MINUTE
            close = _step_market_bars(generated, bar, span // bar, calendar)
        else:
            raise NotSupportedError(f"Insight periods in {resolution.name} bars")
    else:
        close = _close_after_period(spec, generated, calendar)
    if close <= generated:
        raise ValueError(f"the insight closes at {close}, not after it was generated ({generated})")
    return close


# LEAN's exchange hours give US equities 6.5 regular hours a day: a fraction of a day in a
# period of more than a day is that fraction of 6.5 hours of trading.
_REGULAR_MARKET_DURATION = dt.timedelta(hours=6, minutes=30)
_ONE_DAY = dt.timedelta(days=1)
_ONE_MINUTE = dt.timedelta(minutes=1)
_ONE_SECOND = dt.timedelta(seconds=1)


def _close_after_period(period: dt.timedelta, generated: dt.datetime, calendar: Any) -> dt.datetime:
    """The close of a timedelta period (see _step_period); the latest answer is kept, as the
    insights emitted together share their period and generated time."""
    latest = _latest_close_after_period
    if latest and latest[0] is calendar and latest[1] == period and latest[2] == generated:
        return latest[3]
    close = _step_period(period, generated, calendar)
    latest[:] = [calendar, period, generated, close]
    return close


_latest_close_after_period: list[Any] = []  # [calendar, period, generated time, close time]


def _step_period(period: dt.timedelta, generated: dt.datetime, calendar: Any) -> dt.datetime:
    """A timedelta period counts bars of the largest whole size in it (days, else minutes for
    periods of a minute or more, else seconds), in exchange hours; the rest of a period of
    days counts as a fraction of a trading day, in minutes (LEAN's ComputeCloseTime). What is
    left under one bar is dropped, as LEAN drops it."""
    if period >= _ONE_DAY:
        days = period // _ONE_DAY
        close = _step_sessions(generated, int(days), calendar.next_session)
        remainder = (period - days * _ONE_DAY) / _ONE_DAY * _REGULAR_MARKET_DURATION
        minutes = int(remainder // _ONE_MINUTE)
        if minutes > 0:
            close = _step_market_bars(close, _ONE_MINUTE, minutes, calendar)
        return close
    bar = _ONE_MINUTE if period >= _ONE_MINUTE else _ONE_SECOND
    # Under a second: LEAN steps one second bar.
    return _step_market_bars(generated, bar, max(1, period // bar), calendar)


def _step_sessions(
    start: dt.datetime, bar_count: int, next_session: Callable[[dt.date], dt.date]
) -> dt.datetime:
    day = start.date()
    for _ in range(bar_count):
        day = next_session(day)
    return dt.datetime.combine(day, start.time())


def _step_market_bars(
    start: dt.datetime, bar: dt.timedelta, count: int, calendar: Any
) -> dt.datetime:
    """The end of the `count`-th bar of size `bar` after `start` that overlaps regular trading
    hours, bars stepping from `start` (LEAN's ``Time.GetEndTimeForTradeBars``: bars outside
    the session are skipped, not counted)."""
    remaining = count
    current = start
    day = start.date()
    while True:
        session = calendar.session_on(day)
        if session is None or current >= session.close:
            day = calendar.next_session(day)
            continue
        # Bar j = 1, 2, ... spans (current + (j-1)*bar, current + j*bar); those overlapping
        # [open, close) count.
        first = max(1, (session.open - current) // bar + 1)
        last = -((current - session.close) // bar)  # ceil((close - current) / bar)
        counted = last - first + 1
        if counted >= remaining:
            return current + bar * (first + remaining - 1)
        remaining -= counted
        current += bar * last
        day = calendar.next_session(day)


_DIRECTION_WORDS = {InsightDirection.UP: "up", InsightDirection.DOWN: "down"}


def direction_word(direction: InsightDirection) -> str:
    return _DIRECTION_WORDS.get(direction, "flat")


def stamp_emitted_insight(insight: Insight, generated: dt.datetime, calendar: Any) -> None:
    """An insight the algorithm emits now: its generated time and its close time (naive New
    York times; the period steps through `calendar`'s sessions)."""
    insight._set_times(generated, calendar)


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
    "stamp_emitted_insight",
    "GeneratedInsightsCollection",
    "Insight",
    "InsightScore",
    "InsightsGeneratedEvent",
    "InsightDirection",
    "InsightType",
    "close_time_for",
    "emitted_times",
    "insight_outcome",
]
