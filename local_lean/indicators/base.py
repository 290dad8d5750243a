"""The indicator base classes, with LEAN's update semantics (Indicators/IndicatorBase.cs).

An indicator is fed one input at a time (``update(bar)`` or ``update(time, value)``):

- ``samples`` counts the inputs accepted; an input older than the previous one of the same
  symbol is ignored (LEAN's indicators are forward only);
- ``compute_next_value(input)`` gives the new value; ``current`` becomes an IndicatorDataPoint
  stamped with the input's end time, and the ``updated`` handlers run with it;
- ``is_ready`` says whether enough inputs arrived; before that ``current.value`` is whatever
  the formula gives (often 0), as in LEAN.

Data-point indicators (``Indicator``) take numbers: a bar given to them counts as its close
(``bar.value``). Bar indicators (``BarIndicator``, ``TradeBarIndicator``) need bars.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import Any

from local_lean.indicators.rolling_window import RollingWindow

MIN_TIME = dt.datetime.min  # LEAN's DateTime.MinValue: the time of a value never computed

_log = logging.getLogger("local_lean.indicators")


class IndicatorDataPoint:
    """A value at a time: what indicators produce (``current``) and what data-point
    indicators consume. ``IndicatorDataPoint()``, ``(time, value)`` or
    ``(symbol, time, value)``, as LEAN's constructors."""

    __slots__ = ("symbol", "time", "value")

    def __init__(self, *args: Any) -> None:
        if len(args) == 0:
            symbol, time, value = None, MIN_TIME, 0.0
        elif len(args) == 2:
            symbol, (time, value) = None, args
        elif len(args) == 3:
            symbol, time, value = args
        else:
            raise TypeError(
                "IndicatorDataPoint takes (), (time, value) or (symbol, time, value), "
                f"got {len(args)} arguments"
            )
        self.symbol = symbol
        self.time = _as_datetime(time)
        self.value = _as_number(value)

    @property
    def end_time(self) -> dt.datetime:
        """A data point is instantaneous: it ends when it starts."""
        return self.time

    @property
    def price(self) -> float:
        return self.value

    def __float__(self) -> float:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IndicatorDataPoint):
            return other.time == self.time and other.value == self.value
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.time, self.value))

    def __lt__(self, other: Any) -> bool:
        return self.value < _value_of(other)

    def __le__(self, other: Any) -> bool:
        return self.value <= _value_of(other)

    def __gt__(self, other: Any) -> bool:
        return self.value > _value_of(other)

    def __ge__(self, other: Any) -> bool:
        return self.value >= _value_of(other)

    def __str__(self) -> str:
        return f"{self.time:%Y%m%d %H:%M:%S} - {self.value}"

    def __repr__(self) -> str:
        return f"<IndicatorDataPoint {self}>"


class IndicatorStatus(IntEnum):
    SUCCESS = 0
    INVALID_INPUT = 1
    MATH_ERROR = 2
    VALUE_NOT_READY = 3


class IndicatorResult:
    """A computed value and whether it counts: only SUCCESS values become ``current``."""

    def __init__(self, value: float, status: IndicatorStatus = IndicatorStatus.SUCCESS) -> None:
        self._value = float(value)
        self._status = status

    @property
    def value(self) -> float:
        return self._value

    @property
    def status(self) -> IndicatorStatus:
        return self._status


class IndicatorUpdatedEvent:
    """``indicator.updated``: handlers ``(sender, updated)`` added with ``+=``, removed
    with ``-=``, called each time the indicator produces a value (LEAN's Updated event)."""

    def __init__(self) -> None:
        self._handlers: list[Callable[[Any, IndicatorDataPoint], Any]] = []

    def __iadd__(self, handler: Callable[[Any, IndicatorDataPoint], Any]) -> IndicatorUpdatedEvent:
        if not callable(handler):
            raise TypeError(
                f"updated handlers must be callables (sender, updated), got {handler!r}"
            )
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Callable[[Any, IndicatorDataPoint], Any]) -> IndicatorUpdatedEvent:
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def __call__(self, sender: Any, updated: IndicatorDataPoint) -> None:
        for handler in list(self._handlers):
            handler(sender, updated)

    def __len__(self) -> int:
        return len(self._handlers)


class IndicatorBase:
    """What every indicator shares: name, samples, current/previous values, the window of
    its last values, the updated event, update and reset. Subclasses define ``is_ready`` and
    ``compute_next_value``."""

    # True for indicators computed from bars (high, low, close...), False for numbers.
    _takes_bars = False
    # True for indicators that take any input as it is (PythonIndicator).
    _passes_input_through = False

    def __init__(self, name: str = "") -> None:
        self._name = name
        self._samples = 0
        self._window = RollingWindow(2)  # LEAN's WindowBase.DefaultWindowSize
        self._window.add(IndicatorDataPoint(MIN_TIME, 0.0))
        self._updated = IndicatorUpdatedEvent()
        self._previous_input: dict[Any, Any] = {}
        self._warned_backwards = False

    # ----- state ----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def samples(self) -> int:
        """How many inputs the indicator accepted since it was created or reset."""
        return self._samples

    @property
    def is_ready(self) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must define is_ready")

    @property
    def current(self) -> IndicatorDataPoint:
        return self._window[0]

    @current.setter
    def current(self, value: IndicatorDataPoint) -> None:
        self._window.add(value)

    @property
    def previous(self) -> IndicatorDataPoint:
        previous = self._window[1] if self._window.count > 1 else None
        return previous if previous is not None else IndicatorDataPoint(MIN_TIME, 0.0)

    @property
    def window(self) -> RollingWindow:
        """The indicator's own last values, newest first (2 by default; set ``window.size``
        to keep more)."""
        return self._window

    @property
    def updated(self) -> IndicatorUpdatedEvent:
        return self._updated

    @updated.setter
    def updated(self, value: IndicatorUpdatedEvent) -> None:
        # `indicator.updated += handler` assigns the event back: accept only that.
        if value is not self._updated:
            raise TypeError("add handlers with `indicator.updated += handler`")

    # ----- updating -------------------------------------------------------------------------

    def update(self, *args: Any, **kwargs: Any) -> bool:
        """``update(input)`` with a bar or an IndicatorDataPoint, or ``update(time, value)``;
        returns ``is_ready``."""
        data = self._input_from(args, kwargs)
        key = getattr(data, "symbol", None)
        previous = self._previous_input.get(key)
        if previous is not None and data.end_time < previous.end_time:
            if not self._warned_backwards:
                self._warned_backwards = True
                _log.error(
                    "%s is a forward only indicator: input at %s is before the previous one "
                    "(%s); it is ignored",
                    self._name,
                    data.end_time,
                    previous.end_time,
                )
            return self.is_ready
        if data is previous:
            return self.is_ready
        self._samples += 1
        self._previous_input[key] = data
        result = self.validate_and_compute_next_value(data)
        if result.status == IndicatorStatus.SUCCESS:
            self.current = IndicatorDataPoint(data.symbol, data.end_time, result.value)
            self.on_updated(self.current)
        return self.is_ready

    def _input_from(self, args: tuple, kwargs: dict) -> Any:
        if kwargs:
            if args or set(kwargs) - {"input", "time", "value"}:
                raise TypeError("update takes input=<bar or data point> or time=..., value=...")
            args = (kwargs["input"],) if "input" in kwargs else (kwargs["time"], kwargs["value"])
        if len(args) == 2:
            if self._takes_bars:
                raise TypeError(
                    f"{type(self).__name__} does not support the `update(time, value)` method: "
                    "it needs bars, use update(trade_bar)"
                )
            return IndicatorDataPoint(None, *args)
        if len(args) != 1:
            raise TypeError("update takes one bar or data point, or (time, value)")
        data = args[0]
        if self._passes_input_through:
            return data
        if self._takes_bars:
            if isinstance(data, IndicatorDataPoint) or not hasattr(data, "high"):
                raise TypeError(
                    f"{type(self).__name__}.update expected a TradeBar (open, high, low, "
                    f"close), got {type(data).__name__}"
                )
            return data
        if isinstance(data, IndicatorDataPoint):
            return data
        if not hasattr(data, "end_time") or not hasattr(data, "value"):
            raise TypeError(
                f"{type(self).__name__}.update expected a bar or an IndicatorDataPoint, got "
                f"{data!r}: pass update(time, value) for plain numbers"
            )
        # LEAN turns other data into a data point of its value (a bar's close).
        return IndicatorDataPoint(data.symbol, data.end_time, data.value)

    def validate_and_compute_next_value(self, input: Any) -> IndicatorResult:
        """Compute the next value; a status other than SUCCESS leaves ``current`` as it was."""
        return IndicatorResult(self.compute_next_value(input))

    def compute_next_value(self, input: Any) -> float:
        raise NotImplementedError(f"{type(self).__name__} must define compute_next_value")

    def on_updated(self, consolidated: IndicatorDataPoint) -> None:
        self._updated(self, consolidated)

    def reset(self) -> None:
        """Back to the state of a new indicator (handlers stay attached)."""
        self._samples = 0
        self._previous_input.clear()
        self._window.reset()
        self.current = IndicatorDataPoint(MIN_TIME, 0.0)

    # ----- comparisons and conversions, on the current value (LEAN's operators) --------------

    def __float__(self) -> float:
        return self.current.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IndicatorBase):
            return other is self
        if isinstance(other, int | float) and not isinstance(other, bool):
            return self.current.value == other
        return NotImplemented

    __hash__ = object.__hash__

    def __lt__(self, other: Any) -> bool:
        return self.current.value < _value_of(other)

    def __le__(self, other: Any) -> bool:
        return self.current.value <= _value_of(other)

    def __gt__(self, other: Any) -> bool:
        return self.current.value > _value_of(other)

    def __ge__(self, other: Any) -> bool:
        return self.current.value >= _value_of(other)

    def __getitem__(self, i: int) -> IndicatorDataPoint:
        return self._window[i]

    def __iter__(self) -> Iterator[IndicatorDataPoint]:
        return iter(self._window)

    def __str__(self) -> str:
        text = f"{self.current.value:.5f}".rstrip("0")
        return text + "0" if text.endswith(".") else text

    def __repr__(self) -> str:
        state = "" if self.is_ready else " (not ready)"
        return f"<{type(self).__name__} {self._name}: {self}{state}>"


class Indicator(IndicatorBase):
    """An indicator of numbers (IndicatorDataPoint inputs; a bar counts as its close)."""


class BarIndicator(IndicatorBase):
    """An indicator of bars (open, high, low, close)."""

    _takes_bars = True


class TradeBarIndicator(IndicatorBase):
    """An indicator of trade bars (with volume)."""

    _takes_bars = True


class WindowIndicator(IndicatorBase):
    """An indicator computed over a RollingWindow of its last `period` inputs: subclasses
    define ``compute_next_value(window, input)`` (LEAN's WindowIndicator)."""

    def __init__(self, name: str, period: int) -> None:
        super().__init__(name)
        check_period(period, type(self).__name__)
        self._inputs = RollingWindow(period)

    @property
    def period(self) -> int:
        return self._inputs.size

    @property
    def is_ready(self) -> bool:
        return self._inputs.is_ready

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, *args: Any) -> float:
        if len(args) == 2:
            return self._compute_from_window(*args)
        (input,) = args
        self._inputs.add(input)
        return self._compute_from_window(self._inputs, input)

    def _compute_from_window(self, window: RollingWindow, input: Any) -> float:
        raise NotImplementedError(f"{type(self).__name__} must compute from its window")

    def reset(self) -> None:
        super().reset()
        self._inputs.reset()


# ----- helpers shared by the indicator modules -------------------------------------------------


def feed(indicator: IndicatorBase, input: Any) -> bool:
    """Update `indicator` through LEAN's machinery (samples, current, updated handlers), even
    when it is a PythonIndicator whose own ``update`` is the algorithm's computation."""
    return IndicatorBase.update(indicator, input)


def check_period(period: Any, owner: str, what: str = "period") -> int:
    """A period must be a whole number of bars, at least 1."""
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise ValueError(
            f"{owner} needs a {what} that is an integer >= 1, got {period!r}: pass the "
            "number of bars to look back over"
        )
    return period


def bind_overload(
    owner: str,
    args: tuple,
    kwargs: dict,
    parameters: tuple[str, ...],
    defaults: dict[str, Any] | None = None,
) -> tuple[str | None, dict[str, Any]]:
    """LEAN's constructors come in pairs, ``(name, ...)`` and ``(...)``: split off a leading
    name (a string), then bind the rest to `parameters` by position or keyword."""
    kwargs = dict(kwargs)
    if args and isinstance(args[0], str):
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("name", None)
    if len(args) > len(parameters):
        raise TypeError(f"{owner} takes at most {len(parameters)} arguments after the name")
    values = dict(zip(parameters, args, strict=False))
    for key, value in kwargs.items():
        if key not in parameters:
            raise TypeError(f"{owner} got an unexpected argument {key!r}")
        if key in values:
            raise TypeError(f"{owner} got {key!r} twice")
        values[key] = value
    for key in parameters:
        if key not in values:
            if defaults is None or key not in defaults:
                raise TypeError(f"{owner} needs the argument {key!r}")
            values[key] = defaults[key]
    return name, values


def _as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"indicator values are numbers, got {value!r}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(
            f"indicator values must be finite numbers, got {value!r}: drop or fill missing "
            "prices before updating the indicator"
        )
    return value


def _as_datetime(time: Any) -> dt.datetime:
    if isinstance(time, dt.datetime):
        return time
    if isinstance(time, dt.date):
        return dt.datetime(time.year, time.month, time.day)
    if hasattr(time, "to_pydatetime"):  # a pandas Timestamp
        return time.to_pydatetime()
    raise TypeError(f"indicator times are datetimes, got {time!r}")


def _value_of(other: Any) -> float:
    if isinstance(other, IndicatorBase):
        return other.current.value
    if isinstance(other, IndicatorDataPoint):
        return other.value
    return other


def indicator_input(indicator: IndicatorBase, bar: Any, selector: Any) -> Any:
    """What `indicator` gets from `bar`: the selector's result (a number becomes a data point
    stamped with the bar's end), else the bar (data-point indicators read its close)."""
    if selector is None:
        return bar
    selected = selector(bar)
    if isinstance(selected, int | float) and not isinstance(selected, bool):
        return IndicatorDataPoint(bar.symbol, bar.end_time, selected)
    if hasattr(selected, "end_time") and hasattr(selected, "value"):
        return selected
    raise TypeError(
        f"the selector of {indicator.name} returned {selected!r}: return a number (e.g. "
        "lambda bar: bar.high) or a bar"
    )
