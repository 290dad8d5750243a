"""LEAN's time limits on scheduled events and training, checked offline.

A QuantConnect backtest is stopped with "Algorithm took longer than N minutes on a single time
loop" when one time step runs too long or when the scheduled-event time bucket runs dry. This
module charges every scheduled event (and every ``train`` call) the way LEAN does, using the
runner's own wall clock, and says when and where LEAN would have stopped the algorithm.

How LEAN does it (QuantConnect/Lean sources):

* ``Engine/AlgorithmManager.cs``: the constructor builds an ``AlgorithmTimeLimitManager`` with
  ``Config.GetDouble("algorithm-manager-time-loop-maximum", 20)`` minutes and a ``LeakyBucket``
  made from the job's ``LeakyBucketControlParameters`` (``CreateTokenBucket``). ``Run`` calls
  ``TimeLimit.StartNewTimeStep()`` at the top of each time slice, then fires the scheduled events
  that are due (``realtime.ScanPastEvents`` for events that passed with no data, e.g. 08:00 before
  the open in a daily backtest; ``realtime.SetTime`` for events at the slice time) and the data
  handlers. Everything between two slices shares one time loop.
* ``Engine/AlgorithmTimeLimitManager.cs``: a time loop may last ``time-loop-maximum`` minutes plus
  every minute bought from the bucket during that loop (``IsOutOfTime``). A purchase the bucket
  cannot pay marks the manager failed for good, and the isolator then stops the algorithm at
  once, with the same message (``GetErrorMessage``)::

      Algorithm took longer than {max} minutes on a single time loop.[ An additional {n} minutes
      were also allocated and consumed.] CurrentTimeStepElapsed: {elapsed:0.0} minutes

  where ``n`` is the minutes bought in this loop minus ``max`` (LEAN's own arithmetic; the clause
  appears only when positive).
* ``Engine/RealTime/BacktestingRealTimeHandler.cs``: every scheduled event, training or not, runs
  through ``IsolatorLimitProvider.Consume(scheduledEvent, time, TimeMonitor)``.
  ``Common/Scheduling/TimeMonitor.cs`` then asks for one more minute (``RequestAdditionalTime(1)``)
  when the event has run one minute, and again at each further whole minute. So an event of
  ``d`` minutes buys ``floor(d)`` minutes; an event under a minute costs nothing, though its time
  still counts toward the loop. ``train`` is an ordinary scheduled event
  (``Common/Scheduling/ScheduleManager.cs``, ``Training``/``TrainingNow``). Older releases
  (``IsolatorLimitResultProvider.ConsumeWhileExecuting``) bought the first minute after one
  second.
* ``Common/Util/RateLimit/LeakyBucket.cs`` and ``FixedIntervalRefillStrategy.cs``: the bucket
  starts full, holds whole minutes, and refills ``refill-amount`` minutes for each whole
  ``time-interval-minutes`` of *wall-clock* time (``RealTimeProvider``) since it was created,
  capped at capacity. Simulated time plays no part: a backtest that runs for an hour gets no
  refill at all with the defaults.
* ``Common/Packets/LeakyBucketControlParameters.cs``: defaults capacity 120
  (``scheduled-event-leaky-bucket-capacity``), interval 1440
  (``scheduled-event-leaky-bucket-time-interval-minutes``), refill ``ceil(120 / 7) = 18``
  (``scheduled-event-leaky-bucket-refill-amount``). The docs' "Local Quotas" table agrees
  (interval 1440, refill capacity / 7).

The documentation ("Training Models") says a time slice must finish within 10 minutes, the figure
QuantConnect Cloud's error messages show; the engine's own default, used here, is 20. Cloud
training quotas also depend on the node: set the options to match yours.

Stopping a running event: LEAN's isolator watches the algorithm from another thread and stops it
the moment the limit is reached, even inside a fit that would run for days. ``TimeBudget.run``
does the same: before the action starts it works out when, on the wall clock, LEAN would stop it
if it kept running (the next minute the bucket cannot pay, or the end of the time loop's
allowance), and a watchdog thread acts then. With ``enforce`` it raises an exception inside the
running thread (CPython's ``PyThreadState_SetAsyncExc``, delivered between two Python
instructions, so between two training batches of a Keras fit), which becomes
:class:`TimeLimitExceeded` with LEAN's message; without, it logs the warning at that moment. The
algorithm needs no cooperation: main.py imports nothing from local_lean and runs unchanged on
QuantConnect, where LEAN's own isolator does this job.

Time steps: the engine calls :meth:`TimeBudget.start_time_step` as it starts each slice (and
:meth:`TimeBudget.end_time_step` after the last); the events it runs in between share that step's
allowance, and time spent outside events (data handlers) counts too, as in LEAN. If it never calls
them, each event is treated as its own time step: only the events themselves are timed.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import dataclasses
import datetime
import heapq
import itertools
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from local_lean.errors import LocalLeanError

SECONDS_PER_MINUTE = 60.0

# LEAN's config keys, named in help texts and messages.
TIME_LOOP_MAXIMUM_KEY = "algorithm-manager-time-loop-maximum"
BUCKET_CAPACITY_KEY = "scheduled-event-leaky-bucket-capacity"
BUCKET_REFILL_AMOUNT_KEY = "scheduled-event-leaky-bucket-refill-amount"
BUCKET_INTERVAL_KEY = "scheduled-event-leaky-bucket-time-interval-minutes"

# Why LEAN stops: the loop outlived its allowance, or the bucket could not pay for a minute.
REASON_TIME_LOOP = "time_loop"
REASON_BUCKET_EMPTY = "bucket_empty"

# How far ahead a running event is watched (minutes); LEAN's bucket never lasts longer.
MAX_WATCHED_MINUTES = 100_000
# The watch acts this long after the computed deadline, so the accounting sees the overrun.
WATCH_MARGIN_SECONDS = 0.05

# Only this many violations are logged one by one; the summary counts them all.
MAX_LOGGED_VIOLATIONS = 10


@dataclass(frozen=True)
class TimeLimitSettings:
    """LEAN's time-limit settings, with LEAN's defaults.

    bucket_capacity_minutes: ``scheduled-event-leaky-bucket-capacity``, default ``2 * 60``
        (Common/Packets/LeakyBucketControlParameters.cs, ``DefaultCapacity``).
    refill_amount_minutes: ``scheduled-event-leaky-bucket-refill-amount``, default
        ``ceil(capacity / 7) = 18`` (same file, ``DefaultRefillAmount``).
    refill_interval_minutes: ``scheduled-event-leaky-bucket-time-interval-minutes``, default 1440
        of wall-clock time (same file, ``DefaultTimeInterval``).
    time_loop_maximum_minutes: ``algorithm-manager-time-loop-maximum``, default 20
        (Engine/AlgorithmManager.cs constructor); the docs say 10, as cloud errors show.
    free_minutes_per_event: how long an event runs before its first draw from the bucket; it then
        draws one minute per further minute (Common/Scheduling/TimeMonitor.cs:
        ``NextTimeRequest = now.AddMinutes(1)``). Not a LEAN config key.
    enforce: raise :class:`TimeLimitExceeded` where LEAN would stop, instead of warning.
    """

    bucket_capacity_minutes: float = 120
    refill_amount_minutes: float = 18
    refill_interval_minutes: float = 1440
    time_loop_maximum_minutes: float = 20
    free_minutes_per_event: float = 1
    enforce: bool = False

    def __post_init__(self) -> None:
        _check_minutes(self.bucket_capacity_minutes, "bucket_capacity_minutes", whole=True)
        _check_minutes(
            self.refill_amount_minutes, "refill_amount_minutes", whole=True, allow_zero=True
        )
        _check_minutes(self.refill_interval_minutes, "refill_interval_minutes", whole=True)
        _check_minutes(self.time_loop_maximum_minutes, "time_loop_maximum_minutes")
        _check_minutes(self.free_minutes_per_event, "free_minutes_per_event")


class TimeLimitSettingsError(LocalLeanError, ValueError):
    """A time-limit setting is out of range; the message names the option and the fix."""


class TimeLimitExceeded(LocalLeanError):  # noqa: N818 - the public name the engine imports
    """LEAN would have stopped the algorithm here.

    The message is LEAN's own error text, then the simulated time, the event and the bucket
    state. ``violation`` holds the same facts as data.
    """

    def __init__(self, violation: TimeLimitViolation) -> None:
        super().__init__(violation.describe())
        self.violation = violation


@dataclass(frozen=True)
class TimeLimitViolation:
    """One place where LEAN would have stopped the algorithm."""

    simulated_time: datetime.datetime
    event_name: str
    reason: str  # REASON_TIME_LOOP or REASON_BUCKET_EMPTY
    lean_message: str
    time_step_elapsed_minutes: float
    bucket_minutes_left: int
    bucket_capacity_minutes: int

    def describe(self) -> str:
        """LEAN's message, then where it happened and why, in this runner's words."""
        if self.reason == REASON_BUCKET_EMPTY:
            why = (
                "the scheduled-event time bucket could not pay for another minute "
                f"({self.bucket_minutes_left} of {self.bucket_capacity_minutes} minutes left)"
            )
        else:
            why = (
                "the time step ran past its allowance "
                f"(bucket: {self.bucket_minutes_left} of {self.bucket_capacity_minutes} "
                "minutes left)"
            )
        return (
            f"{self.lean_message}\n"
            f"LEAN would stop the algorithm at simulated time {self.simulated_time:%Y-%m-%d %H:%M}"
            f" in '{self.event_name}': {why}. Make the event faster or run it less often, or set "
            "--bucket-capacity/--time-loop-maximum to your QuantConnect node's quotas."
        )

    def to_json(self) -> dict:
        """A JSON-ready dict."""
        return {
            "simulated_time": self.simulated_time.isoformat(),
            "event": self.event_name,
            "reason": self.reason,
            "lean_message": self.lean_message,
            "time_step_elapsed_minutes": round(self.time_step_elapsed_minutes, 3),
            "bucket_minutes_left": self.bucket_minutes_left,
        }


def lean_time_loop_message(
    time_loop_maximum_minutes: float, additional_minutes: int, elapsed_minutes: float
) -> str:
    """LEAN's text (Engine/AlgorithmTimeLimitManager.cs, ``GetErrorMessage``), reproduced.

    ``additional_minutes`` are the minutes bought from the bucket in this time loop; LEAN prints
    them less the loop maximum, and only when that is positive.
    """
    message = (
        f"Algorithm took longer than {_dotnet_number(time_loop_maximum_minutes)} minutes "
        "on a single time loop."
    )
    minutes_above_standard_limit = additional_minutes - int(time_loop_maximum_minutes)
    if minutes_above_standard_limit > 0:
        message += (
            f" An additional {minutes_above_standard_limit} minutes were also allocated and "
            "consumed."
        )
    elapsed = Decimal(repr(elapsed_minutes)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{message} CurrentTimeStepElapsed: {elapsed} minutes"


# ----------------------------------------------------------------------------------------------
# Command-line options


def add_time_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the time-limit options (named after LEAN's config keys) to ``parser``."""
    defaults = TimeLimitSettings()
    group = parser.add_argument_group(
        "LEAN time limits",
        "Charge scheduled events and training as LEAN does and report where LEAN would stop "
        "the algorithm. Defaults are LEAN's engine defaults; QuantConnect Cloud's differ by node.",
    )
    group.add_argument(
        "--enforce-time-limits",
        action="store_true",
        help="stop with LEAN's error where LEAN would stop the algorithm (default: warn and go on)",
    )
    group.add_argument(
        "--time-loop-maximum",
        type=float,
        default=defaults.time_loop_maximum_minutes,
        metavar="MINUTES",
        help=f"LEAN's {TIME_LOOP_MAXIMUM_KEY}: minutes one time step may take before minutes "
        "bought from the bucket (default: %(default)s; the docs quote 10 for the cloud)",
    )
    group.add_argument(
        "--bucket-capacity",
        type=float,
        default=defaults.bucket_capacity_minutes,
        metavar="MINUTES",
        help=f"LEAN's {BUCKET_CAPACITY_KEY}: whole minutes the scheduled-event time bucket holds "
        "(default: %(default)s)",
    )
    group.add_argument(
        "--bucket-refill",
        type=float,
        default=defaults.refill_amount_minutes,
        metavar="MINUTES",
        help=f"LEAN's {BUCKET_REFILL_AMOUNT_KEY}: whole minutes added back each refill interval "
        "(default: %(default)s; 0 means no refill)",
    )
    group.add_argument(
        "--bucket-refill-interval",
        type=float,
        default=defaults.refill_interval_minutes,
        metavar="MINUTES",
        help=f"LEAN's {BUCKET_INTERVAL_KEY}: whole minutes of wall-clock time per refill "
        "(default: %(default)s)",
    )


def settings_from_arguments(args: argparse.Namespace) -> TimeLimitSettings:
    """Build settings from options parsed with :func:`add_time_limit_arguments`.

    Raises :class:`TimeLimitSettingsError` naming the option when a value is out of range.
    """
    _check_minutes(args.time_loop_maximum, "--time-loop-maximum", TIME_LOOP_MAXIMUM_KEY)
    _check_minutes(args.bucket_capacity, "--bucket-capacity", BUCKET_CAPACITY_KEY, whole=True)
    _check_minutes(
        args.bucket_refill, "--bucket-refill", BUCKET_REFILL_AMOUNT_KEY, whole=True, allow_zero=True
    )
    _check_minutes(
        args.bucket_refill_interval, "--bucket-refill-interval", BUCKET_INTERVAL_KEY, whole=True
    )
    return TimeLimitSettings(
        bucket_capacity_minutes=args.bucket_capacity,
        refill_amount_minutes=args.bucket_refill,
        refill_interval_minutes=args.bucket_refill_interval,
        time_loop_maximum_minutes=args.time_loop_maximum,
        enforce=bool(args.enforce_time_limits),
    )


def _check_minutes(
    value: float, name: str, lean_key: str = "", *, whole: bool = False, allow_zero: bool = False
) -> None:
    """Raise TimeLimitSettingsError unless ``value`` is a usable number of minutes."""
    source = f" (LEAN's {lean_key})" if lean_key else ""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TimeLimitSettingsError(f"{name}{source} must be a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise TimeLimitSettingsError(
            f"{name}{source} must be {bound} minutes, got {value!r}; leave it out to use LEAN's "
            "default"
        )
    if whole and value != int(value):
        raise TimeLimitSettingsError(
            f"{name}{source} must be a whole number of minutes (LEAN reads it as an integer), "
            f"got {value!r}"
        )


def _dotnet_number(value: float) -> str:
    """Format a double as .NET's default ToString does for these values: 20, 1.5, 0.05."""
    return str(int(value)) if value == int(value) else repr(float(value))


# ----------------------------------------------------------------------------------------------
# The bucket


class _LeakyBucket:
    """LEAN's LeakyBucket with its FixedIntervalRefillStrategy, on an injectable clock (seconds).

    Whole minutes as tokens; starts full; refills ``refill`` tokens per whole interval of clock
    time since creation, capped at capacity (Common/Util/RateLimit/LeakyBucket.cs, ``TryConsume``).
    """

    def __init__(self, capacity: int, refill: int, interval_seconds: float, now: float) -> None:
        self.capacity = capacity
        self.available = capacity
        self.refilled = 0
        self.refill = refill
        self.interval = interval_seconds
        self.next_refill = now + interval_seconds

    def refill_until(self, now: float) -> None:
        """Add the tokens of every whole interval that has passed by ``now``."""
        if now < self.next_refill:
            return
        intervals = 1 + int((now - self.next_refill) // self.interval)
        self.next_refill += self.interval * intervals
        added = min(self.capacity - self.available, self.refill * intervals)
        self.available += added
        self.refilled += added

    def try_consume(self, now: float) -> bool:
        """Take one minute if the bucket has one at ``now``."""
        self.refill_until(now)
        if self.available < 1:
            return False
        self.available -= 1
        return True


# ----------------------------------------------------------------------------------------------
# Accounting


@dataclass
class _EventStats:
    count: int = 0
    total_seconds: float = 0.0
    max_seconds: float = 0.0


@dataclass
class _TimeStep:
    simulated_time: datetime.datetime | None
    start: float  # clock reading
    event_seconds: float = 0.0  # seconds of events charged in this step
    bought_minutes: int = 0  # minutes bought from the bucket in this step
    checked: bool = False  # a time-loop violation was already recorded for this step
    explicit: bool = False  # opened by start_time_step


class TimeBudget:
    """Charges scheduled events and training as LEAN does; reports where LEAN would stop.

    ``clock`` returns seconds (wall clock); the bucket refills on it, as LEAN's does on real time.
    """

    def __init__(
        self,
        settings: TimeLimitSettings,
        *,
        clock: Callable[[], float] = time.perf_counter,
        log: Callable[[str], None] = print,
        watch_running_events: bool | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._log = log
        # The timer that stops a running event waits in wall-clock seconds: it needs the real
        # clock (tests that drive a fake clock replay durations instead).
        self._watch = (
            clock is time.perf_counter if watch_running_events is None else (watch_running_events)
        )
        self._created = clock()
        self._bucket = _LeakyBucket(
            capacity=int(settings.bucket_capacity_minutes),
            refill=int(settings.refill_amount_minutes),
            interval_seconds=settings.refill_interval_minutes * SECONDS_PER_MINUTE,
            now=self._created,
        )
        self._stats: dict[str, _EventStats] = {}
        self._largest: tuple[str, float, datetime.datetime] | None = None
        self._lowest_level = self._bucket.available
        self._lowest_at: datetime.datetime | None = None
        self._bought_total = 0
        self._minutes_short = 0
        self._violations: list[TimeLimitViolation] = []
        self._time_steps = 0
        self._step: _TimeStep | None = None

    # -- engine hooks ---------------------------------------------------------------------------

    def start_time_step(self, simulated_time: datetime.datetime) -> None:
        """Start a new time loop (LEAN: ``TimeLimit.StartNewTimeStep()`` at each slice).

        Optional. Closes the previous step, checking its whole length against its allowance, so
        time spent outside events (data handlers) counts as it does in LEAN.
        """
        now = self._clock()
        self._close_step(now)
        self._step = _TimeStep(simulated_time=simulated_time, start=now, explicit=True)
        self._time_steps += 1

    def end_time_step(self) -> None:
        """Close the current time step (optional; call after the last slice).

        Work after it, such as writing results, is not charged to any time loop.
        """
        self._close_step(self._clock())
        self._step = None

    def run(
        self, event_name: str, simulated_time: datetime.datetime, action: Callable[[], None]
    ) -> None:
        """Times `action` (a scheduled event or a train call) with the wall clock and charges it
        as LEAN does. Where LEAN would stop the algorithm: with settings.enforce, the action is
        stopped at that moment (even mid-fit) and TimeLimitExceeded raised; otherwise a warning
        is logged at that moment and the action goes on. Exceptions from `action` propagate
        unchanged (after accounting the time spent)."""
        start = self._clock()
        watch = self._start_watch(event_name, simulated_time, start)
        try:
            try:
                action()
            finally:
                if watch is not None:
                    watch.finish()
        except _EventStopped:
            violation = self._account(event_name, simulated_time, start, self._clock())
            raise TimeLimitExceeded(
                violation or self._stopped_violation(event_name, simulated_time, start)
            ) from None
        except BaseException:
            self._account(event_name, simulated_time, start, self._clock())
            raise
        violation = self._account(event_name, simulated_time, start, self._clock())
        self._raise_if_enforced(violation)

    @contextlib.contextmanager
    def watching_time_step(self) -> Iterator[None]:
        """Watch the whole time step, not only its events: with ``enforce``, whatever the
        algorithm does in it (an ``on_data`` stuck in a loop) is stopped once the step passes
        its allowance, as LEAN's isolator stops a time loop wherever the time goes. Without
        ``enforce``, the step's length is checked when it closes (a warning)."""
        step = self._step
        if not (self.settings.enforce and self._watch and step is not None and step.explicit):
            yield
            return
        watch = _StepWatch(lambda: self._step_seconds_left(step), stop_thread=threading.get_ident())
        try:
            yield
        except _EventStopped:
            elapsed = (self._clock() - step.start) / SECONDS_PER_MINUTE
            step.checked = True
            when = step.simulated_time or datetime.datetime.min
            violation = self._violation("(time step)", when, REASON_TIME_LOOP, step, elapsed)
            self._report(violation)
            raise TimeLimitExceeded(violation) from None
        finally:
            watch.finish()

    def _step_seconds_left(self, step: _TimeStep) -> float:
        """Seconds before `step` outlives its allowance (events may have bought more minutes)."""
        if step.checked:  # an event of the step was stopped, or reported, already
            return math.inf
        allowance = self.settings.time_loop_maximum_minutes + step.bought_minutes
        return allowance * SECONDS_PER_MINUTE - (self._clock() - step.start)

    def seconds_until_stop(self, start: float) -> float | None:
        """Seconds into an event starting at clock reading `start` after which LEAN would stop
        the algorithm if the event kept running; None if it never would (or already did in this
        time step). Replays the purchases of `_simulate_event` on copies: nothing is charged."""
        step = self._step
        if step is None or not step.explicit:
            step = _TimeStep(simulated_time=None, start=start)
        if step.checked:
            return None
        offset = max(start - step.start, step.event_seconds) / SECONDS_PER_MINUTE
        bought = step.bought_minutes
        purchase_at = self.settings.free_minutes_per_event
        maximum = self.settings.time_loop_maximum_minutes
        # The bucket's try_consume, on local copies of its state (run before every event).
        bucket = self._bucket
        available, next_refill = bucket.available, bucket.next_refill
        for _ in range(MAX_WATCHED_MINUTES):
            allowance = maximum + bought
            if offset + purchase_at > allowance:
                return max(0.0, allowance - offset) * SECONDS_PER_MINUTE
            now = start + purchase_at * SECONDS_PER_MINUTE
            if now >= next_refill:
                intervals = 1 + int((now - next_refill) // bucket.interval)
                next_refill += bucket.interval * intervals
                available += min(bucket.capacity - available, bucket.refill * intervals)
            if available < 1:
                return purchase_at * SECONDS_PER_MINUTE
            available -= 1
            bought += 1
            purchase_at += 1
        return None

    def charge(self, event_name: str, simulated_time: datetime.datetime, seconds: float) -> None:
        """The accounting of :meth:`run` for an event that has just taken ``seconds``.

        The event is taken to end at the clock's current reading. Raises TimeLimitExceeded under
        ``enforce`` where LEAN would stop.
        """
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        now = self._clock()
        violation = self._account(event_name, simulated_time, now - seconds, now)
        self._raise_if_enforced(violation)

    # -- reading the state ----------------------------------------------------------------------

    def bucket_level(self) -> int:
        """Whole minutes in the bucket now, after any refill due on the clock."""
        self._bucket.refill_until(self._clock())
        return self._bucket.available

    @property
    def violations(self) -> list[TimeLimitViolation]:
        """Every place LEAN would have stopped the algorithm (LEAN stops at the first)."""
        return list(self._violations)

    def summary(self) -> dict:
        """The results' "time budget" section; JSON-serialisable."""
        level = self.bucket_level()
        first = self._violations[0] if self._violations else None
        largest = None
        if self._largest is not None:
            name, seconds, when = self._largest
            largest = {"name": name, "seconds": round(seconds, 3), "simulated_time": _iso(when)}
        return {
            "settings": dataclasses.asdict(self.settings),
            "lean_config": {
                TIME_LOOP_MAXIMUM_KEY: self.settings.time_loop_maximum_minutes,
                BUCKET_CAPACITY_KEY: int(self.settings.bucket_capacity_minutes),
                BUCKET_REFILL_AMOUNT_KEY: int(self.settings.refill_amount_minutes),
                BUCKET_INTERVAL_KEY: int(self.settings.refill_interval_minutes),
            },
            "events": {
                name: {
                    "count": stats.count,
                    "total_seconds": round(stats.total_seconds, 3),
                    "max_seconds": round(stats.max_seconds, 3),
                }
                for name, stats in self._stats.items()
            },
            "event_count": sum(stats.count for stats in self._stats.values()),
            "total_event_seconds": round(self._total_event_seconds(), 3),
            "largest_event": largest,
            "time_steps": self._time_steps,
            "wall_clock_seconds": round(self._clock() - self._created, 3),
            "bucket": {
                "capacity_minutes": self._bucket.capacity,
                "level_minutes": level,
                "lowest_minutes": self._lowest_level,
                "lowest_at": _iso(self._lowest_at),
                "minutes_drawn": self._bought_total,
                "minutes_refilled": self._bucket.refilled,
                "minutes_short": self._minutes_short,
            },
            "lean_would_stop": first is not None,
            "first_violation": first.to_json() if first else None,
            "violation_count": len(self._violations),
        }

    def budget_line(self) -> str:
        """One line for the log and the README."""
        count = sum(stats.count for stats in self._stats.values())
        line = f"Time budget: {count} events, {self._total_event_seconds() / 60:.1f} min in events"
        if self._largest is not None:
            name, seconds, when = self._largest
            line += f", largest {seconds:.0f} s ({name} {when:%Y-%m-%d %H:%M})"
        line += f"; bucket lowest {self._lowest_level}/{self._bucket.capacity} min"
        if self._lowest_at is not None:
            line += f" on {self._lowest_at:%Y-%m-%d}"
        if self._violations:
            first = self._violations[0]
            line += (
                f"; LEAN would stop this algorithm on {first.simulated_time:%Y-%m-%d %H:%M} "
                f"({first.event_name}: {_reason_words(first.reason)})"
            )
        else:
            line += "; LEAN would not stop this algorithm"
        return line

    # -- internals ------------------------------------------------------------------------------

    def _start_watch(
        self, event_name: str, simulated_time: datetime.datetime, start: float
    ) -> _Watch | None:
        if not self._watch:
            return None
        seconds = self.seconds_until_stop(start)
        if seconds is None:
            return None
        if self.settings.enforce:
            return _Watch(seconds, stop_thread=threading.get_ident())

        def warn() -> None:
            minutes = (self._clock() - start) / SECONDS_PER_MINUTE
            self._log(
                f"WARNING: '{event_name}' (simulated time {simulated_time:%Y-%m-%d %H:%M}) has "
                f"run {minutes:.1f} minutes: LEAN would stop the algorithm now. It goes on "
                "because time limits are not enforced (--enforce-time-limits stops it here)"
            )

        return _Watch(seconds, on_time=warn)

    def _stopped_violation(
        self, event_name: str, simulated_time: datetime.datetime, start: float
    ) -> TimeLimitViolation:
        """The violation of an event stopped at its deadline whose replay, a hair short of it on
        the clock, found none: the same facts, at the deadline."""
        step = self._step or _TimeStep(simulated_time=simulated_time, start=start)
        elapsed = (self._clock() - step.start) / SECONDS_PER_MINUTE
        return self._violation(event_name, simulated_time, REASON_TIME_LOOP, step, elapsed)

    def _total_event_seconds(self) -> float:
        return sum(stats.total_seconds for stats in self._stats.values())

    def _raise_if_enforced(self, violation: TimeLimitViolation | None) -> None:
        if violation is not None and self.settings.enforce:
            raise TimeLimitExceeded(violation)

    def _account(
        self, name: str, simulated_time: datetime.datetime, start: float, end: float
    ) -> TimeLimitViolation | None:
        """Charge an event that ran on the clock from ``start`` to ``end``; return a violation."""
        seconds = max(0.0, end - start)
        self._record_stats(name, simulated_time, seconds)

        step = self._step
        if step is None or not step.explicit:
            # No engine-supplied time steps: the event is a time step of its own.
            step = _TimeStep(simulated_time=simulated_time, start=start)
            self._step = step
            self._time_steps += 1
        # Minutes of the step already gone when the event starts: clock time since the step
        # began, or the events charged so far if charge() was given durations the clock never saw.
        offset = max(start - step.start, step.event_seconds) / SECONDS_PER_MINUTE
        step.event_seconds += seconds

        violation = self._simulate_event(name, simulated_time, step, start, seconds, offset)
        if violation is not None:
            step.checked = True
            self._report(violation)
        return violation

    def _simulate_event(
        self,
        name: str,
        simulated_time: datetime.datetime,
        step: _TimeStep,
        start: float,
        seconds: float,
        offset: float,
    ) -> TimeLimitViolation | None:
        """Replay LEAN's per-minute purchases through the event; return the first stop, if any."""
        maximum = self.settings.time_loop_maximum_minutes
        duration = seconds / SECONDS_PER_MINUTE
        first: TimeLimitViolation | None = None
        # LEAN stops at the first violation. Past it (warning mode) purchases go on as if LEAN
        # had not stopped, so the bucket and the minutes it could not pay show the whole demand.
        purchase_at = self.settings.free_minutes_per_event  # minutes into the event
        while purchase_at <= duration:
            allowance = maximum + step.bought_minutes
            if first is None and not step.checked and offset + purchase_at > allowance:
                first = self._violation(
                    name, simulated_time, REASON_TIME_LOOP, step, max(offset, allowance)
                )
            if self._bucket.try_consume(start + purchase_at * SECONDS_PER_MINUTE):
                step.bought_minutes += 1
                self._bought_total += 1
                self._note_level(simulated_time)
            else:
                self._minutes_short += 1
                if first is None:
                    first = self._violation(
                        name, simulated_time, REASON_BUCKET_EMPTY, step, offset + purchase_at
                    )
            purchase_at += 1

        allowance = maximum + step.bought_minutes
        if first is None and not step.checked and offset + duration > allowance:
            first = self._violation(
                name, simulated_time, REASON_TIME_LOOP, step, max(offset, allowance)
            )
        return first

    def _close_step(self, now: float) -> None:
        """Check an engine-opened step's whole length (events and the time between them)."""
        step = self._step
        if step is None or not step.explicit or step.checked:
            return
        allowance = self.settings.time_loop_maximum_minutes + step.bought_minutes
        elapsed = max(now - step.start, step.event_seconds) / SECONDS_PER_MINUTE
        if elapsed > allowance:
            step.checked = True
            when = step.simulated_time or datetime.datetime.min
            self._report(self._violation("(time step)", when, REASON_TIME_LOOP, step, allowance))

    def _violation(
        self,
        name: str,
        simulated_time: datetime.datetime,
        reason: str,
        step: _TimeStep,
        elapsed_minutes: float,
    ) -> TimeLimitViolation:
        return TimeLimitViolation(
            simulated_time=simulated_time,
            event_name=name,
            reason=reason,
            lean_message=lean_time_loop_message(
                self.settings.time_loop_maximum_minutes, step.bought_minutes, elapsed_minutes
            ),
            time_step_elapsed_minutes=elapsed_minutes,
            bucket_minutes_left=self._bucket.available,
            bucket_capacity_minutes=self._bucket.capacity,
        )

    def _report(self, violation: TimeLimitViolation) -> None:
        self._violations.append(violation)
        count = len(self._violations)
        if self.settings.enforce:
            return  # the caller raises TimeLimitExceeded with the same text
        if count == 1:
            self._log(f"WARNING: {violation.describe()}")
        elif count <= MAX_LOGGED_VIOLATIONS:
            self._log(
                f"WARNING: LEAN time limit exceeded again at "
                f"{violation.simulated_time:%Y-%m-%d %H:%M} in '{violation.event_name}' "
                f"({_reason_words(violation.reason)})"
            )
            if count == MAX_LOGGED_VIOLATIONS:
                self._log("WARNING: further time-limit warnings are counted in the summary only")

    def _record_stats(self, name: str, simulated_time: datetime.datetime, seconds: float) -> None:
        stats = self._stats.setdefault(name, _EventStats())
        stats.count += 1
        stats.total_seconds += seconds
        stats.max_seconds = max(stats.max_seconds, seconds)
        if self._largest is None or seconds > self._largest[1]:
            self._largest = (name, seconds, simulated_time)

    def _note_level(self, simulated_time: datetime.datetime) -> None:
        if self._bucket.available < self._lowest_level:
            self._lowest_level = self._bucket.available
            self._lowest_at = simulated_time


class _EventStopped(BaseException):  # noqa: N818 - raised inside the event, never escapes run
    """Raised inside a running event where LEAN would stop it. A BaseException, so that the
    algorithm's `except Exception` cannot swallow it."""


class _Watchdog:
    """One daemon thread that calls each scheduled callback once its deadline passes, unless it
    was cancelled: the watches of every event and time step share it (a thread per event would
    cost more than most events). Cancelled entries stay in the heap until they reach its top,
    or until they are most of it."""

    def __init__(self) -> None:
        self.start_afresh()

    def start_afresh(self) -> None:
        """No thread and no entries yet (and after a fork: the child has not the thread, and the
        lock may have been held)."""
        self._condition = threading.Condition()
        self._heap: list[list[Any]] = []  # [deadline, sequence, callback or None if cancelled]
        self._sequence = itertools.count()
        self._cancelled = 0
        self._thread: threading.Thread | None = None

    def schedule(self, seconds: float, callback: Callable[[], None]) -> list[Any]:
        """Call `callback` in the watchdog's thread after `seconds`; returns the entry that
        cancel() takes."""
        entry = [time.monotonic() + seconds, next(self._sequence), callback]
        with self._condition:
            earliest = self._heap[0][0] if self._heap else math.inf
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="time-budget", daemon=True)
                self._thread.start()
            elif entry[0] < earliest:
                self._condition.notify()  # the thread sleeps until a later deadline
        return entry

    def cancel(self, entry: list[Any]) -> None:
        """The entry's callback will not be called (if it has not been already)."""
        with self._condition:
            if entry[2] is None:
                return
            entry[2] = None
            self._cancelled += 1
            if self._cancelled > 1000 and 2 * self._cancelled > len(self._heap):
                self._heap = [each for each in self._heap if each[2] is not None]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def _run(self) -> None:
        with self._condition:
            while True:
                while self._heap and self._heap[0][2] is None:
                    heapq.heappop(self._heap)
                    self._cancelled -= 1
                if not self._heap:
                    self._condition.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                entry = heapq.heappop(self._heap)
                callback, entry[2] = entry[2], None
                self._condition.release()
                try:
                    callback()
                except Exception:  # noqa: BLE001 - reported as a thread's error, the watchdog goes on
                    threading.excepthook(threading.ExceptHookArgs((*sys.exc_info(), None)))
                finally:
                    self._condition.acquire()


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.start_afresh)


class _Watch:
    """After `seconds`, calls `on_time` or raises _EventStopped in the thread `stop_thread`,
    unless finish() came first."""

    def __init__(
        self,
        seconds: float,
        *,
        stop_thread: int | None = None,
        on_time: Callable[[], None] | None = None,
    ) -> None:
        self._stop_thread = stop_thread
        self._on_time = on_time
        self._lock = threading.Lock()
        self._finished = False
        self._fired = False
        # A little past the deadline, so that the replay of the event finds the violation.
        self._entry = _WATCHDOG.schedule(seconds + WATCH_MARGIN_SECONDS, self._fire)

    def _fire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self._fired = True
            if self._stop_thread is not None:
                _raise_in_thread(self._stop_thread, _EventStopped)
        if self._on_time is not None:
            self._on_time()

    def finish(self) -> None:
        """The event is over: cancel the watch, and withdraw an exception not yet delivered."""
        with self._lock:
            self._finished = True
            _WATCHDOG.cancel(self._entry)
            if self._fired and self._stop_thread is not None:
                _raise_in_thread(self._stop_thread, None)


class _StepWatch:
    """A watch over a whole time step: when `seconds_left()` reaches zero it raises
    _EventStopped in the thread `stop_thread`; until then it looks again when the time left
    (which events buying minutes can lengthen) has passed. finish() ends it."""

    def __init__(self, seconds_left: Callable[[], float], *, stop_thread: int) -> None:
        self._seconds_left = seconds_left
        self._stop_thread = stop_thread
        self._lock = threading.Lock()
        self._finished = False
        self._fired = False
        self._entry: list[Any] | None = None
        self._arm()

    def _arm(self) -> None:
        with self._lock:
            if self._finished:
                return
            left = self._seconds_left()
            if left == math.inf:
                return
            if left > 0:
                self._entry = _WATCHDOG.schedule(left + WATCH_MARGIN_SECONDS, self._arm)
                return
            self._fired = True
            _raise_in_thread(self._stop_thread, _EventStopped)

    def finish(self) -> None:
        """The step is over: cancel the watch, and withdraw an exception not yet delivered."""
        with self._lock:
            self._finished = True
            if self._entry is not None:
                _WATCHDOG.cancel(self._entry)
            if self._fired:
                _raise_in_thread(self._stop_thread, None)


def _raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in the thread at its next Python instruction (None withdraws a pending
    one). CPython's documented C API: the only way to stop a thread that is busy in a loop it
    does not control (a Keras fit) without its cooperation."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


def _reason_words(reason: str) -> str:
    if reason == REASON_BUCKET_EMPTY:
        return "time bucket empty"
    return "time loop too long"


def _iso(when: datetime.datetime | None) -> str | None:
    return when.isoformat() if when is not None else None
