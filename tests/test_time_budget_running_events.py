"""Events that would run for ever are stopped (or warned about) at the moment LEAN would stop
the algorithm, on the real clock, not after they return."""

from __future__ import annotations

import datetime
import threading
import time
from pathlib import Path

import pytest

from local_lean.engine import run_backtest
from local_lean.time_budget import TimeBudget, TimeLimitExceeded, TimeLimitSettings

TRAIN_TIME = datetime.datetime(2021, 1, 29, 8, 0)
MAIN = Path(__file__).resolve().parent.parent / "main.py"
# A time loop of 0.02 minutes (1.2 s) and a bucket that is never reached.
SHORT_LOOP = {"time_loop_maximum_minutes": 0.02, "free_minutes_per_event": 1}


def spin_until(condition, limit_seconds: float) -> float:
    """Busy Python work (as a training loop is) until `condition()` or the limit; seconds run."""
    started = time.perf_counter()
    while not condition() and time.perf_counter() - started < limit_seconds:
        sum(range(1000))
    return time.perf_counter() - started


def test_seconds_until_stop_follows_the_time_loop_and_the_bucket():
    assert TimeBudget(TimeLimitSettings(**SHORT_LOOP)).seconds_until_stop(0.0) == pytest.approx(1.2)
    # Loop of 20 minutes, a bucket of 3: the fourth purchase, at 4 minutes, cannot be paid.
    small_bucket = TimeLimitSettings(bucket_capacity_minutes=3)
    assert TimeBudget(small_bucket).seconds_until_stop(0.0) == pytest.approx(240)
    assert TimeBudget(TimeLimitSettings()).seconds_until_stop(0.0) == pytest.approx(120 * 60 + 60)


def test_an_endless_event_is_stopped_at_the_limit_with_leans_message():
    budget = TimeBudget(TimeLimitSettings(**SHORT_LOOP, enforce=True), log=lambda _: None)
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded) as raised:
        budget.run("Train fit (now)", TRAIN_TIME, lambda: spin_until(lambda: False, 60))
    assert 1.2 <= time.perf_counter() - started < 10
    assert str(raised.value).startswith("Algorithm took longer than 0.02 minutes on a single")
    assert "at simulated time 2021-01-29 08:00 in 'Train fit (now)'" in str(raised.value)
    assert budget.summary()["lean_would_stop"] is True


def test_an_event_that_swallows_exceptions_is_stopped_all_the_same():
    def stubborn() -> None:
        try:
            spin_until(lambda: False, 60)
        except Exception:  # noqa: BLE001 - the algorithm's own broad handler
            spin_until(lambda: False, 60)

    budget = TimeBudget(TimeLimitSettings(**SHORT_LOOP, enforce=True), log=lambda _: None)
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded):
        budget.run("stubborn", TRAIN_TIME, stubborn)
    assert time.perf_counter() - started < 10, "stopped at the limit, not when it returned"


def test_without_enforcement_the_warning_comes_while_the_event_runs():
    logged: list[str] = []
    budget = TimeBudget(TimeLimitSettings(**SHORT_LOOP), log=logged.append)
    warned_while_running = []

    def event() -> None:
        spin_until(lambda: bool(logged), 20)
        warned_while_running.append(bool(logged))

    budget.run("Train fit (now)", TRAIN_TIME, event)
    assert warned_while_running == [True]
    assert "'Train fit (now)' (simulated time 2021-01-29 08:00) has run 0.0" in logged[0]
    assert "LEAN would stop the algorithm now" in logged[0]
    assert any(line.startswith("WARNING: Algorithm took longer") for line in logged[1:])


def test_an_event_that_ends_in_time_is_not_disturbed_later():
    budget = TimeBudget(TimeLimitSettings(**SHORT_LOOP, enforce=True), log=lambda _: None)
    budget.run("quick", TRAIN_TIME, lambda: None)
    time.sleep(1.5)  # past the deadline the quick event would have had: nothing is raised
    assert budget.summary()["lean_would_stop"] is False


def test_events_share_one_watchdog_thread_and_a_late_short_deadline_still_fires():
    """A thousand events start no thread each; an event with a shorter deadline than the ones
    already watched is still stopped on time."""
    relaxed = TimeBudget(TimeLimitSettings(), log=lambda _: None)
    relaxed.run("first", TRAIN_TIME, lambda: None)  # the watchdog's thread starts here
    threads = threading.active_count()
    peak = [threads]
    for _ in range(1000):
        relaxed.run("quick", TRAIN_TIME, lambda: peak.append(threading.active_count()))
    assert max(peak) == threads
    # The relaxed budget's next deadline is minutes away; this one's is 1.2 s away.
    budget = TimeBudget(TimeLimitSettings(**SHORT_LOOP, enforce=True), log=lambda _: None)
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded):
        budget.run("endless", TRAIN_TIME, lambda: spin_until(lambda: False, 20))
    assert time.perf_counter() - started < 10


def test_main_py_with_a_fit_of_100_million_epochs_stops_at_the_limit(tmp_path):
    # patience 0: no early stopping, so the fit really runs until the limit stops it.
    parameters = {"epochs": "100000000", "patience": "0", "units": "4", "layers": "1",
                  "history-bars": "200", "lookback": "10", "test-size": "10"}  # fmt: skip
    started = time.perf_counter()
    outcome = run_backtest(
        MAIN,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 1, 31),
        parameters=parameters,
        output=tmp_path,
        draw_charts=False,
        log=lambda line: None,
        time_limits=TimeLimitSettings(time_loop_maximum_minutes=0.1, enforce=True),
    )
    assert time.perf_counter() - started < 120
    assert "Algorithm took longer than 0.1 minutes on a single time loop" in outcome.runtime_error
    assert "in 'Train train_models (now)'" in outcome.runtime_error
