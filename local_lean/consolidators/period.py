"""Consolidators whose bars end on a count of inputs or on time (LEAN's
PeriodCountConsolidatorBase.cs, TradeBarConsolidator.cs, IdentityDataConsolidator.cs and
Calendar.cs):

- ``TradeBarConsolidator(5)``: a bar of every 5 inputs, fired with the 5th.
- ``TradeBarConsolidator(timedelta(days=7))``: bars of 7 days from the first input's time
  (periods of a day or less start on a multiple of the period, e.g. midnight).
- ``TradeBarConsolidator(Calendar.WEEKLY)`` (``MONTHLY``, ``QUARTERLY``, ``YEARLY``, or any
  function of a datetime returning a ``CalendarInfo(start, period)``): calendar bars.
- ``TradeBarConsolidator(3, timedelta(days=7))``: 3 inputs, or 7 days, whichever first.
- ``TradeBarConsolidator(timedelta(hours=1), start_time=timedelta(hours=9, minutes=30))``:
  bars anchored at 09:30 each day (each month for periods of 7 days or more) instead of on
  multiples of the period.

A time bar fires when an input arrives past its period, or when the engine scans it after its
end (``scan``; the subscription manager schedules the scans as LEAN's ConsolidatorWrapper does,
see subscriptions.py). Daily bars span their session (09:30 to the close), so a bar of one day
starts at midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from local_lean.consolidators.base import ConsolidatorBase
from local_lean.enums import RESOLUTION_TIME_SPANS, Resolution
from local_lean.market_data import TradeBar
from local_lean.quote_bars import Bar, QuoteBar

# .NET's DateTime.MinValue: rounding down to a period counts from it.
_MIN_TIME = dt.datetime(1, 1, 1)
_ONE_DAY = dt.timedelta(days=1)
_ONE_SECOND = dt.timedelta(seconds=1)


class CalendarInfo:
    """A calendar bar's ``start`` and ``period`` (``end`` is their sum)."""

    def __init__(self, start: dt.datetime, period: dt.timedelta) -> None:
        self._start = start
        self._period = period

    @property
    def start(self) -> dt.datetime:
        return self._start

    @property
    def period(self) -> dt.timedelta:
        return self._period

    @property
    def end(self) -> dt.datetime:
        return self._start + self._period

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CalendarInfo) and (self._start, self._period) == (
            other._start,
            other._period,
        )

    def __hash__(self) -> int:
        return hash((self._start, self._period))

    def __repr__(self) -> str:
        return f"{self._start} {self._period}"


def _next_month(day: dt.datetime) -> dt.datetime:
    return dt.datetime(day.year + day.month // 12, day.month % 12 + 1, 1)


def _weekly(time: dt.datetime) -> CalendarInfo:
    # LEAN's weeks run from Monday 00:00 to the next Monday 00:00.
    monday = dt.datetime(time.year, time.month, time.day) - dt.timedelta(days=time.weekday())
    return CalendarInfo(monday, dt.timedelta(days=7))


def _monthly(time: dt.datetime) -> CalendarInfo:
    start = dt.datetime(time.year, time.month, 1)
    return CalendarInfo(start, _next_month(start) - start)


def _quarterly(time: dt.datetime) -> CalendarInfo:
    start = dt.datetime(time.year, (time.month - 1) // 3 * 3 + 1, 1)
    end = _next_month(_next_month(_next_month(start)))
    return CalendarInfo(start, end - start)


def _yearly(time: dt.datetime) -> CalendarInfo:
    start = dt.datetime(time.year, 1, 1)
    return CalendarInfo(start, dt.datetime(time.year + 1, 1, 1) - start)


class _CalendarProperties(type):
    # LEAN's Calendar.Weekly... are static properties that return a function: read-only
    # properties of the class itself.
    @property
    def WEEKLY(cls) -> Callable[[dt.datetime], CalendarInfo]:  # noqa: N802 - LEAN's name
        return _weekly

    @property
    def MONTHLY(cls) -> Callable[[dt.datetime], CalendarInfo]:  # noqa: N802 - LEAN's name
        return _monthly

    @property
    def QUARTERLY(cls) -> Callable[[dt.datetime], CalendarInfo]:  # noqa: N802 - LEAN's name
        return _quarterly

    @property
    def YEARLY(cls) -> Callable[[dt.datetime], CalendarInfo]:  # noqa: N802 - LEAN's name
        return _yearly


class Calendar(metaclass=_CalendarProperties):
    """LEAN's calendar periods (``Calendar.WEEKLY``, ``MONTHLY``, ``QUARTERLY``, ``YEARLY``):
    functions of a time giving the ``CalendarInfo`` (start, period) of its bar."""


# ----- how a bar's start and period are found ----------------------------------------------------


class _Count:
    period: dt.timedelta | None = None

    def rounded_start(self, time: dt.datetime) -> dt.datetime:
        return time


class _Mixed(_Count):
    def __init__(self, period: dt.timedelta) -> None:
        self.period = period


class _Span:
    def __init__(self, period: dt.timedelta, start_time: dt.timedelta | None = None) -> None:
        self.period: dt.timedelta | None = period
        self.start_time = start_time

    def rounded_start(self, time: dt.datetime) -> dt.datetime:
        assert self.period is not None
        if self.start_time is not None:
            return consolidator_start_time(self.period, self.start_time, time)
        if self.period > _ONE_DAY:  # longer periods start at the first input, unrounded
            return time
        return time - (time - _MIN_TIME) % self.period


def consolidator_start_time(
    period: dt.timedelta, start_time: dt.timedelta, time: dt.datetime
) -> dt.datetime:
    """The start of the bar of `period` that holds `time`, bars anchored at `start_time` after
    midnight of `time`'s day (after the 1st of its month for periods of 7 days or more): LEAN's
    ``LeanData.GetConsolidatorStartTime``. A time before the anchor falls in the bar before it."""
    midnight = dt.datetime.combine(time.date(), dt.time())
    if period >= dt.timedelta(days=7):
        midnight = midnight.replace(day=1)
    reference = midnight + start_time
    return reference + ((time - reference) // period) * period


class _Function:
    # LEAN checks the function once on this time: a bar cannot start after its input.
    _VERIFICATION = dt.datetime(2022, 1, 3, 10, 10, 10)

    def __init__(self, function: Callable[[dt.datetime], Any]) -> None:
        self._function = function
        self.period: dt.timedelta | None = None
        if self._info(self._VERIFICATION).start > self._VERIFICATION:
            raise ValueError(
                "FuncPeriodSpecification: Please use a function that computes the start of the "
                "bar associated with the given date time. Should never return a time later than "
                "the one passed in."
            )

    def _info(self, time: dt.datetime) -> CalendarInfo:
        info = self._function(time)
        if not isinstance(info, CalendarInfo):
            raise TypeError(
                f"the consolidation function returned {info!r}: return a CalendarInfo(start, "
                "period), e.g. CalendarInfo(time.replace(hour=0, minute=0), timedelta(days=1))"
            )
        return info

    def rounded_start(self, time: dt.datetime) -> dt.datetime:
        info = self._info(time)
        self.period = info.period
        return info.start


def _specification(args: tuple, start_time: Any = None) -> tuple[Any, int | None]:
    """LEAN's constructor overloads: (count), (count, period), (period), (period, start_time),
    (function)."""
    if start_time is not None:
        if len(args) != 1 or not isinstance(args[0], dt.timedelta):
            raise TypeError(
                f"start_time={start_time!r} anchors bars of a time period: pass it with a "
                "timedelta period, e.g. TradeBarConsolidator(timedelta(hours=1), "
                "start_time=timedelta(hours=9, minutes=30))"
            )
        args = (args[0], start_time)
    if len(args) == 1:
        (value,) = args
        if isinstance(value, Resolution):
            return _Span(_resolution_span(value)), None
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if value < 0:  # LEAN's 0 fires with every input; below that is a mistake
                raise ValueError(f"max_count cannot be negative, got {value}")
            return _Count(), value
        elif isinstance(value, dt.timedelta):
            return _Span(value), None
        elif callable(value):
            return _Function(value), None
    elif len(args) == 2:
        count, second = args
        if isinstance(count, int) and not isinstance(count, bool):
            if isinstance(second, dt.timedelta):
                if count < 0:
                    raise ValueError(f"max_count cannot be negative, got {count}")
                return _Mixed(second), count
        elif isinstance(count, dt.timedelta) and isinstance(second, dt.timedelta):
            return _Span(count, second), None
        elif isinstance(count, dt.timedelta) and second is not None:
            raise TypeError(f"start_time must be a timedelta after midnight, got {second!r}")
    raise TypeError(
        f"Unable to create a consolidator period from {args!r}: pass a bar count (5), a "
        "timedelta (timedelta(days=7)), a count and a timedelta, or a calendar function "
        "(Calendar.WEEKLY)"
    )


def _resolution_span(resolution: Resolution) -> dt.timedelta:
    if resolution not in RESOLUTION_TIME_SPANS:
        raise ValueError(f"Resolution.{resolution.name} has no period")
    return RESOLUTION_TIME_SPANS[resolution]


class PeriodCountConsolidatorBase(ConsolidatorBase):
    """Bars of a count of inputs, a time period or a calendar period (see the module), LEAN's
    PeriodCountConsolidatorBase: subclasses say how an input starts a bar (``_new_bar``) and
    how it adds to one (``_add_to_bar``)."""

    def __init__(self, *args: Any, start_time: dt.timedelta | None = None) -> None:
        super().__init__()
        self._specification, self._max_count = _specification(args, start_time)
        self._period = self._specification.period
        self._current_count = 0
        self._working_bar: Any = None
        self._last_emit: dt.datetime | None = None
        self._symbol: Any = None
        self._checked_span = False

    @property
    def working_data(self) -> Any:
        return None if self._working_bar is None else self._copy(self._working_bar)

    @property
    def working_bar(self) -> Any:
        return self.working_data

    def _new_bar(self, data: Any, start: dt.datetime, end: dt.datetime) -> Any:
        raise NotImplementedError

    def _add_to_bar(self, working: Any, data: Any) -> None:
        raise NotImplementedError

    def _copy(self, bar: Any) -> Any:
        raise NotImplementedError

    @property
    def _is_time_based(self) -> bool:
        return self._max_count is None

    def update(self, data: Any) -> None:
        if self._symbol is None:
            self._symbol = data.symbol
        elif data.symbol != self._symbol:
            raise ValueError(
                "Consolidators can only be used with a single symbol. The previous consolidated "
                f"SecurityIdentifier ({self._symbol.id}) is not the same as in the current data "
                f"({data.symbol.id})."
            )
        if not self._checked_span and isinstance(self._specification, _Span):
            self._checked_span = True
            length = data.end_time - data.time
            if length > self._period:
                raise ValueError(
                    f"For Symbol {data.symbol.value} can not consolidate bars of period: "
                    f"{self._period}, using data of the same or higher period: {length}"
                )
        fire = False
        aggregate_first = self._max_count is not None  # count mode aggregates, then fires
        if self._max_count is not None:
            self._current_count += 1
            if self._current_count >= self._max_count:
                self._current_count = 0
                fire = True
        if self._last_emit is None:
            self._last_emit = _MIN_TIME if self._is_time_based else data.time
        if self._period is not None:
            working = self._working_bar
            if (
                working is not None
                and data.time - working.time >= self._period
                and self._rounded_input_start(data) > self._last_emit
            ):
                fire = True
            if self._period == dt.timedelta(0):
                fire = aggregate_first = True
        if aggregate_first and data.time >= self._last_emit:
            self._aggregate(data)
            if self._max_count is not None:
                self._working_bar.end_time = data.end_time
        if fire:
            working = self._working_bar
            if working is not None and self._period is not None:
                working.end_time = working.time + self._period
            self._last_emit = (
                working.end_time if self._is_time_based and working is not None else data.time
            )
            self._emit()
        if not aggregate_first and data.time >= self._last_emit:
            self._aggregate(data)

    def scan(self, current_local_time: dt.datetime) -> None:
        working = self._working_bar
        if (
            working is not None
            and self._period is not None
            and self._period != dt.timedelta(0)
            and current_local_time - working.time >= self._period
            and self._rounded_start(current_local_time) > self._last_emit
        ):
            self._last_emit = working.end_time
            self._emit()

    def reset(self) -> None:
        super().reset()
        self._symbol = None
        self._current_count = 0
        self._working_bar = None
        self._last_emit = None
        self._checked_span = False

    def _emit(self) -> None:
        bar, self._working_bar = self._working_bar, None
        self.on_data_consolidated(bar)

    def _rounded_start(self, time: dt.datetime) -> dt.datetime:
        start = self._specification.rounded_start(time)
        if self._working_bar is None:  # a new bar takes the period of its own start
            self._period = self._specification.period
        return start

    def _rounded_input_start(self, data: Any) -> dt.datetime:
        start = self._rounded_start(data.time)
        if self._period is not None and start + self._period < data.end_time:
            # The input ends after the bar would: the bar starts with the input instead.
            start = data.time
        return start

    def _aggregate(self, data: Any) -> None:
        working = self._working_bar
        if working is None:
            start = self._rounded_input_start(data)
            span = (
                self._period
                if self._is_time_based and self._period is not None
                else data.end_time - data.time
            )
            self._working_bar = self._new_bar(data, start, start + span)
            return
        self._add_to_bar(working, data)


class TradeBarConsolidator(PeriodCountConsolidatorBase):
    """Trade bars of trade bars: open, high, low, close and the summed volume."""

    @staticmethod
    def from_resolution(resolution: Resolution) -> TradeBarConsolidator:
        return TradeBarConsolidator(_resolution_span(resolution))

    @property
    def output_type(self) -> type:
        return TradeBar

    def _new_bar(self, data: Any, start: dt.datetime, end: dt.datetime) -> TradeBar:
        return TradeBar(
            data.symbol, start, end, data.open, data.high, data.low, data.close, data.volume
        )

    def _add_to_bar(self, working: TradeBar, data: Any) -> None:
        working.close = data.close
        working.volume += data.volume
        working.low = min(working.low, data.low)
        working.high = max(working.high, data.high)

    def _copy(self, bar: TradeBar) -> TradeBar:
        return _copy(bar)


class BaseDataConsolidator(PeriodCountConsolidatorBase):
    """Trade bars of any data's value (LEAN's BaseDataConsolidator): the bar's open, high, low
    and close follow the inputs' ``value`` (a trade bar's close); the volume stays 0."""

    @property
    def input_type(self) -> type:
        return object

    @property
    def output_type(self) -> type:
        return TradeBar

    def _new_bar(self, data: Any, start: dt.datetime, end: dt.datetime) -> TradeBar:
        value = data.value
        return TradeBar(data.symbol, start, end, value, value, value, value, 0.0)

    def _add_to_bar(self, working: TradeBar, data: Any) -> None:
        value = data.value
        working.close = value
        working.low = min(working.low, value)
        working.high = max(working.high, value)

    def _copy(self, bar: TradeBar) -> TradeBar:
        return _copy(bar)


class QuoteBarConsolidator(PeriodCountConsolidatorBase):
    """Quote bars of quote bars (LEAN's QuoteBarConsolidator): each side's open, high, low and
    close, and the last sizes. A bar after the first opens each side at the previous bar's
    close (with its last sizes), then takes the inputs."""

    @property
    def input_type(self) -> type:
        return QuoteBar

    @property
    def output_type(self) -> type:
        return QuoteBar

    def _new_bar(self, data: Any, start: dt.datetime, end: dt.datetime) -> QuoteBar:
        working = QuoteBar(data.symbol, start, end, None, 0.0, None, 0.0)
        previous = self.consolidated
        if previous is not None:
            bid_close = previous.bid.close if previous.bid is not None else 0.0
            ask_close = previous.ask.close if previous.ask is not None else 0.0
            if bid_close:
                working.bid = Bar(bid_close, bid_close, bid_close, bid_close)
            if ask_close:
                working.ask = Bar(ask_close, ask_close, ask_close, ask_close)
            working.last_bid_size = previous.last_bid_size
            working.last_ask_size = previous.last_ask_size
        self._add_to_bar(working, data)
        return working

    def _add_to_bar(self, working: QuoteBar, data: Any) -> None:
        if data.bid is not None:
            working.last_bid_size = data.last_bid_size
            working.bid = _merged(working.bid, data.bid)
        if data.ask is not None:
            working.last_ask_size = data.last_ask_size
            working.ask = _merged(working.ask, data.ask)

    def _copy(self, bar: QuoteBar) -> QuoteBar:
        def side(b: Bar | None) -> Bar | None:
            return None if b is None else Bar(b.open, b.high, b.low, b.close)

        return QuoteBar(
            bar.symbol,
            bar.time,
            bar.end_time,
            side(bar.bid),
            bar.last_bid_size,
            side(bar.ask),
            bar.last_ask_size,
        )


def _merged(side: Bar | None, data: Bar) -> Bar:
    """One side of a working quote bar after an input's side: a new side takes the input's
    prices, an existing one its close and any new high or low."""
    if side is None:
        return Bar(data.open, data.high, data.low, data.close)
    side.close = data.close
    side.high = max(side.high, data.high)
    side.low = min(side.low, data.low)
    return side


class SessionBarConsolidator(TradeBarConsolidator):
    """Daily bars of minute or hour bars, each spanning its session's regular hours (09:30 to
    the close) and fired with the bar that ends at the close (LEAN's
    MarketHourAwareConsolidator for a day, with daily precise end times); bars outside regular
    hours are left out."""

    def __init__(self, hours: Any) -> None:
        self._hours = hours

        def session_of(time: dt.datetime) -> CalendarInfo:
            regular = [(start, end) for start, end, is_regular in hours.segments(time.date())]
            open_, close = regular[1] if len(regular) > 1 else (time, time + _ONE_DAY)
            return CalendarInfo(open_, close - open_)

        super().__init__(session_of)

    def update(self, data: Any) -> None:
        if not self._hours.is_open_during_bar(data.time, data.end_time, False):
            return
        super().update(data)
        working = self.working_bar
        if working is not None and data.end_time >= working.end_time:
            self.scan(data.end_time)


class IdentityDataConsolidator(ConsolidatorBase):
    """Passes each input through as it arrives (what ``consolidate`` uses for a period equal
    to the data's own, one day)."""

    def __init__(self) -> None:
        super().__init__()
        self._last: Any = None

    @property
    def output_type(self) -> type:
        return TradeBar

    @property
    def working_data(self) -> Any:
        return None if self._last is None else _copy(self._last)

    def update(self, data: Any) -> None:
        # LEAN skips an input that is not newer than the last one.
        if self._last is None or data.end_time != self._last.end_time:
            self._last = data
            self.on_data_consolidated(data)

    def reset(self) -> None:
        super().reset()
        self._last = None


def _copy(bar: TradeBar) -> TradeBar:
    return TradeBar(
        bar.symbol, bar.time, bar.end_time, bar.open, bar.high, bar.low, bar.close, bar.volume
    )
