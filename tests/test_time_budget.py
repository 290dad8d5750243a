"""LEAN's time loop and scheduled-event bucket, charged on a fake wall clock."""

from __future__ import annotations

import argparse
import datetime
import json

import pytest

from local_lean.errors import LocalLeanError
from local_lean.time_budget import (
    MAX_LOGGED_VIOLATIONS,
    REASON_BUCKET_EMPTY,
    REASON_TIME_LOOP,
    TimeBudget,
    TimeLimitExceeded,
    TimeLimitSettings,
    TimeLimitSettingsError,
    add_time_limit_arguments,
    lean_time_loop_message,
    settings_from_arguments,
)

MINUTE = 60.0
TRAIN_TIME = datetime.datetime(2021, 1, 29, 8, 0)

# The last trading day of each month of 2021 (NYSE), the strategy's training days.
MONTH_ENDS_2021 = [
    datetime.datetime(2021, 1, 29, 8),
    datetime.datetime(2021, 2, 26, 8),
    datetime.datetime(2021, 3, 31, 8),
    datetime.datetime(2021, 4, 30, 8),
    datetime.datetime(2021, 5, 28, 8),
    datetime.datetime(2021, 6, 30, 8),
]


class FakeClock:
    """A wall clock in seconds that moves only when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def taking(self, seconds: float):
        """An action that 'runs' for ``seconds`` of wall-clock time."""

        def action() -> None:
            self.advance(seconds)

        return action


def make_budget(**settings) -> tuple[TimeBudget, FakeClock, list[str]]:
    clock = FakeClock()
    logged: list[str] = []
    budget = TimeBudget(TimeLimitSettings(**settings), clock=clock, log=logged.append)
    return budget, clock, logged


# -- LEAN's error text -------------------------------------------------------------------------


def test_lean_message_matches_texts_lean_prints() -> None:
    # As printed by a LEAN backtest stopped at 26.1 minutes with the engine default of 20.
    assert lean_time_loop_message(20, 0, 26.1) == (
        "Algorithm took longer than 20 minutes on a single time loop. "
        "CurrentTimeStepElapsed: 26.1 minutes"
    )
    # LEAN's own SingleTimeLoopTimeoutRuntimeErrorAnalysisTests: 40 minutes bought, limit 10.
    assert lean_time_loop_message(10, 40, 40.1) == (
        "Algorithm took longer than 10 minutes on a single time loop. An additional 30 minutes "
        "were also allocated and consumed. CurrentTimeStepElapsed: 40.1 minutes"
    )
    # Fractional limits print as .NET prints doubles; elapsed rounds half away from zero.
    assert lean_time_loop_message(1.5, 0, 1.55).startswith(
        "Algorithm took longer than 1.5 minutes on a single time loop."
    )
    assert lean_time_loop_message(1.5, 0, 1.55).endswith("CurrentTimeStepElapsed: 1.6 minutes")


# -- what an event costs -----------------------------------------------------------------------


def test_event_under_a_minute_costs_nothing() -> None:
    budget, clock, logged = make_budget()
    budget.run("predict", TRAIN_TIME, clock.taking(59.0))
    assert budget.bucket_level() == 120
    assert budget.summary()["bucket"]["minutes_drawn"] == 0
    assert not budget.violations
    assert logged == []


@pytest.mark.parametrize(("seconds", "drawn"), [(60.0, 1), (119.9, 1), (150.0, 2), (600.0, 10)])
def test_each_whole_minute_of_an_event_draws_one_minute(seconds: float, drawn: int) -> None:
    budget, clock, _ = make_budget()
    budget.run("train", TRAIN_TIME, clock.taking(seconds))
    assert budget.bucket_level() == 120 - drawn


def test_event_longer_than_the_loop_maximum_passes_while_the_bucket_pays() -> None:
    # LEAN extends the time loop by every minute bought: 45 minutes fit in 20 + 45.
    budget, clock, logged = make_budget()
    budget.run("train", TRAIN_TIME, clock.taking(45 * MINUTE))
    assert budget.bucket_level() == 75
    assert not budget.violations
    assert logged == []


def test_event_past_the_bucket_warns_and_continues_by_default() -> None:
    budget, clock, logged = make_budget(bucket_capacity_minutes=10)
    finished = []
    budget.run("train", TRAIN_TIME, lambda: (clock.advance(30 * MINUTE), finished.append(1)))
    budget.run("predict", TRAIN_TIME + datetime.timedelta(hours=2), clock.taking(1.0))

    assert finished == [1]
    # Ten minutes bought at minutes 1..10; the purchase at minute 11 fails and LEAN stops.
    violation = budget.violations[0]
    assert violation.reason == REASON_BUCKET_EMPTY
    assert violation.simulated_time == TRAIN_TIME
    assert violation.lean_message == (
        "Algorithm took longer than 20 minutes on a single time loop. "
        "CurrentTimeStepElapsed: 11.0 minutes"
    )
    assert len(logged) == 1
    assert logged[0].startswith("WARNING: Algorithm took longer than 20 minutes")
    assert "2021-01-29 08:00" in logged[0]
    assert "0 of 10 minutes left" in logged[0]
    summary = budget.summary()
    assert summary["lean_would_stop"] is True
    assert summary["first_violation"]["reason"] == REASON_BUCKET_EMPTY
    assert summary["bucket"]["minutes_short"] == 20  # minutes 11..30 went unpaid
    assert summary["events"]["predict"]["count"] == 1


def test_enforce_raises_lean_text_after_the_action_returns() -> None:
    budget, clock, logged = make_budget(bucket_capacity_minutes=120, enforce=True)
    finished = []
    with pytest.raises(TimeLimitExceeded) as raised:
        budget.run("train", TRAIN_TIME, lambda: (clock.advance(130 * MINUTE), finished.append(1)))

    assert finished == [1]
    assert isinstance(raised.value, LocalLeanError)
    message = str(raised.value)
    # 120 minutes bought, LEAN prints 120 - 20 of them; stopped at minute 121.
    assert message.startswith(
        "Algorithm took longer than 20 minutes on a single time loop. An additional 100 minutes "
        "were also allocated and consumed. CurrentTimeStepElapsed: 121.0 minutes\n"
    )
    assert "simulated time 2021-01-29 08:00" in message
    assert "in 'train'" in message
    assert "0 of 120 minutes left" in message
    assert raised.value.violation.time_step_elapsed_minutes == pytest.approx(121.0)
    assert logged == []


def test_charge_accounts_a_known_duration() -> None:
    budget, _, _ = make_budget()
    budget.charge("train", TRAIN_TIME, 125.0)
    assert budget.bucket_level() == 118
    assert budget.summary()["events"]["train"] == {
        "count": 1,
        "total_seconds": 125.0,
        "max_seconds": 125.0,
    }
    with pytest.raises(ValueError, match="seconds"):
        budget.charge("train", TRAIN_TIME, -1.0)


def test_charge_raises_under_enforce() -> None:
    budget, _, _ = make_budget(bucket_capacity_minutes=1, enforce=True)
    with pytest.raises(TimeLimitExceeded, match="CurrentTimeStepElapsed: 2.0 minutes"):
        budget.charge("train", TRAIN_TIME, 150.0)


# -- time steps --------------------------------------------------------------------------------


def test_events_of_one_time_step_share_its_allowance() -> None:
    # 25 events of 50 s each draw nothing from the bucket, but together pass 20 minutes.
    budget, clock, _ = make_budget()
    budget.start_time_step(TRAIN_TIME)
    for index in range(25):
        budget.run(f"event {index}", TRAIN_TIME, clock.taking(50.0))
        if index < 24:
            assert not budget.violations, f"24 x 50 s is exactly 20 minutes; failed at {index}"
    violation = budget.violations[0]
    assert violation.reason == REASON_TIME_LOOP
    assert violation.event_name == "event 24"
    assert violation.lean_message.endswith("CurrentTimeStepElapsed: 20.0 minutes")


def test_without_time_steps_each_event_is_its_own_loop() -> None:
    budget, clock, _ = make_budget()
    for index in range(25):
        budget.run(f"event {index}", TRAIN_TIME, clock.taking(50.0))
    assert not budget.violations


def test_time_between_events_counts_in_the_time_step() -> None:
    budget, clock, _ = make_budget()
    budget.start_time_step(TRAIN_TIME)
    budget.run("predict", TRAIN_TIME, clock.taking(5.0))
    clock.advance(21 * MINUTE)  # data handlers, outside any event
    next_day = TRAIN_TIME + datetime.timedelta(days=1)
    budget.start_time_step(next_day)
    violation = budget.violations[0]
    assert violation.reason == REASON_TIME_LOOP
    assert violation.simulated_time == TRAIN_TIME
    assert violation.lean_message.endswith("CurrentTimeStepElapsed: 20.0 minutes")
    budget.start_time_step(next_day + datetime.timedelta(days=1))
    assert len(budget.violations) == 1  # a short step is fine


def test_loop_can_run_out_inside_an_event_before_its_first_purchase() -> None:
    # 19.5 minutes of data handling, then a training: the loop passes 20 minutes half a minute
    # into the training, before the training's first purchase at its minute 1.
    budget, clock, _ = make_budget()
    budget.start_time_step(TRAIN_TIME)
    clock.advance(19.5 * MINUTE)
    budget.run("train", TRAIN_TIME, clock.taking(3 * MINUTE))
    violation = budget.violations[0]
    assert violation.reason == REASON_TIME_LOOP
    assert violation.event_name == "train"
    assert violation.time_step_elapsed_minutes == pytest.approx(20.0)
    assert violation.bucket_minutes_left == 120


def test_end_time_step_checks_the_last_step_and_frees_what_follows() -> None:
    budget, clock, _ = make_budget()
    budget.start_time_step(TRAIN_TIME)
    budget.run("predict", TRAIN_TIME, clock.taking(5.0))
    clock.advance(19 * MINUTE)
    budget.end_time_step()
    assert not budget.violations  # 19 minutes and 5 seconds: inside 20

    budget.start_time_step(TRAIN_TIME + datetime.timedelta(days=1))
    clock.advance(25 * MINUTE)
    budget.end_time_step()
    clock.advance(100 * MINUTE)  # writing results: outside any time step
    summary = budget.summary()
    assert summary["violation_count"] == 1
    assert summary["first_violation"]["simulated_time"] == "2021-01-30T08:00:00"
    assert summary["first_violation"]["event"] == "(time step)"


# -- draining and refilling --------------------------------------------------------------------


def test_monthly_training_drains_the_bucket_on_the_predicted_date() -> None:
    """Monthly 30.5-minute trainings with 12 hours of other work between them.

    By hand (wall-clock minutes; training k starts at 750.5 k and buys minutes 1..30 of it;
    the bucket gains 18 at each whole 1440 minutes since it was created):
      k=0 Jan at    0.0: 120 - 30 = 90
      k=1 Feb at  750.5:  90 - 30 = 60
      k=2 Mar at 1501.0:  60 + 18 (1440 passed) - 30 = 48
      k=3 Apr at 2251.5:  48 - 30 = 18
      k=4 May at 3002.0:  18 + 18 (2880 passed) - 30 = 6
      k=5 Jun at 3752.5:   6 left, minute 7 cannot be paid: LEAN stops on 2021-06-30.
    The clock ends at 6 x 750.5 = 4503 minutes, past a third refill at 4320: 54 refilled.
    """
    budget, clock, _ = make_budget()
    for month_end in MONTH_ENDS_2021:
        budget.run("train_models", month_end, clock.taking(30.5 * MINUTE))
        clock.advance(12 * 60 * MINUTE)

    first = budget.violations[0]
    assert first.simulated_time == datetime.datetime(2021, 6, 30, 8)
    assert first.reason == REASON_BUCKET_EMPTY
    assert first.time_step_elapsed_minutes == pytest.approx(7.0)
    summary = budget.summary()
    assert summary["bucket"]["minutes_refilled"] == 54
    assert summary["bucket"]["lowest_minutes"] == 0
    assert summary["bucket"]["lowest_at"] == "2021-06-30T08:00:00"
    assert summary["first_violation"]["simulated_time"] == "2021-06-30T08:00:00"
    assert "LEAN would stop this algorithm on 2021-06-30 08:00" in budget.budget_line()


def test_bucket_refills_on_the_wall_clock_in_whole_intervals() -> None:
    budget, clock, _ = make_budget()
    budget.run("train", TRAIN_TIME, clock.taking(50.5 * MINUTE))
    assert budget.bucket_level() == 70

    clock.now = 1439.9 * MINUTE  # just short of one interval since the bucket was created
    assert budget.bucket_level() == 70
    clock.now = 1440 * MINUTE
    assert budget.bucket_level() == 88
    clock.now = 3 * 1440 * MINUTE  # two more intervals: 88 + 36, capped at capacity
    assert budget.bucket_level() == 120
    assert budget.summary()["bucket"]["minutes_refilled"] == 50


def test_zero_refill_never_refills() -> None:
    budget, clock, _ = make_budget(refill_amount_minutes=0)
    budget.run("train", TRAIN_TIME, clock.taking(10 * MINUTE))
    clock.advance(100 * 1440 * MINUTE)
    assert budget.bucket_level() == 110


# -- exceptions, logs, summary -----------------------------------------------------------------


def test_exception_from_the_action_propagates_and_its_time_is_charged() -> None:
    budget, clock, _ = make_budget()

    def failing_training() -> None:
        clock.advance(90.0)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        budget.run("train", TRAIN_TIME, failing_training)
    assert budget.summary()["events"]["train"]["total_seconds"] == 90.0
    assert budget.bucket_level() == 119


def test_exception_propagates_unchanged_even_past_the_limit_under_enforce() -> None:
    budget, clock, _ = make_budget(bucket_capacity_minutes=1, enforce=True)

    def failing_training() -> None:
        clock.advance(150.0)
        raise KeyError("model")

    with pytest.raises(KeyError):
        budget.run("train", TRAIN_TIME, failing_training)
    assert budget.violations[0].reason == REASON_BUCKET_EMPTY


def test_repeated_warnings_are_capped() -> None:
    budget, clock, logged = make_budget(bucket_capacity_minutes=1)
    for day in range(30):
        budget.run("train", TRAIN_TIME + datetime.timedelta(days=day), clock.taking(150.0))
    assert len(budget.violations) == 30
    assert len(logged) == MAX_LOGGED_VIOLATIONS + 1
    assert budget.summary()["violation_count"] == 30


def test_summary_is_json_and_budget_line_reads_well() -> None:
    budget, clock, _ = make_budget()
    budget.start_time_step(TRAIN_TIME)
    budget.run("train_models", TRAIN_TIME, clock.taking(71.0))
    budget.run("predict", TRAIN_TIME, clock.taking(2.0))

    summary = json.loads(json.dumps(budget.summary()))
    assert summary["settings"]["bucket_capacity_minutes"] == 120
    assert summary["lean_config"]["algorithm-manager-time-loop-maximum"] == 20
    assert summary["event_count"] == 2
    assert summary["total_event_seconds"] == 73.0
    assert summary["largest_event"] == {
        "name": "train_models",
        "seconds": 71.0,
        "simulated_time": "2021-01-29T08:00:00",
    }
    assert summary["bucket"]["lowest_minutes"] == 119
    assert summary["lean_would_stop"] is False
    assert summary["first_violation"] is None
    assert budget.budget_line() == (
        "Time budget: 2 events, 1.2 min in events, largest 71 s (train_models 2021-01-29 08:00); "
        "bucket lowest 119/120 min on 2021-01-29; LEAN would not stop this algorithm"
    )


def test_real_clock_quick_event_costs_nothing() -> None:
    budget = TimeBudget(TimeLimitSettings(), log=lambda _: None)
    budget.run("noop", TRAIN_TIME, lambda: None)
    assert budget.bucket_level() == 120
    assert budget.summary()["events"]["noop"]["count"] == 1


# -- settings and options ----------------------------------------------------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="local_lean")
    add_time_limit_arguments(parser)
    return parser.parse_args(list(argv))


def test_options_default_to_lean_defaults() -> None:
    assert settings_from_arguments(parse()) == TimeLimitSettings()
    assert TimeLimitSettings() == TimeLimitSettings(
        bucket_capacity_minutes=120,
        refill_amount_minutes=18,
        refill_interval_minutes=1440,
        time_loop_maximum_minutes=20,
        free_minutes_per_event=1,
        enforce=False,
    )


def test_options_parse() -> None:
    args = parse(
        "--enforce-time-limits",
        "--time-loop-maximum",
        "10",
        "--bucket-capacity",
        "60",
        "--bucket-refill",
        "0",
        "--bucket-refill-interval",
        "720",
    )
    assert settings_from_arguments(args) == TimeLimitSettings(
        bucket_capacity_minutes=60,
        refill_amount_minutes=0,
        refill_interval_minutes=720,
        time_loop_maximum_minutes=10,
        enforce=True,
    )


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--time-loop-maximum", "0", "more than zero"),
        ("--time-loop-maximum", "-5", "more than zero"),
        ("--bucket-capacity", "-1", "more than zero"),
        ("--bucket-capacity", "0", "more than zero"),
        ("--bucket-capacity", "120.5", "whole number"),
        ("--bucket-refill", "-18", "zero or more"),
        ("--bucket-refill-interval", "0", "more than zero"),
        ("--bucket-refill-interval", "nan", "finite"),
    ],
)
def test_bad_option_values_name_the_option(option: str, value: str, expected: str) -> None:
    with pytest.raises(TimeLimitSettingsError, match=expected) as raised:
        settings_from_arguments(parse(option, value))
    assert option in str(raised.value)
    assert "scheduled-event-leaky-bucket" in str(raised.value) or "time-loop" in str(raised.value)


def test_non_numeric_option_is_refused_by_the_parser(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        parse("--bucket-capacity", "lots")
    assert "--bucket-capacity" in capsys.readouterr().err


def test_help_names_leans_config_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # keep argparse from wrapping inside the keys
    parser = argparse.ArgumentParser(prog="local_lean")
    add_time_limit_arguments(parser)
    help_text = parser.format_help()
    for key in (
        "algorithm-manager-time-loop-maximum",
        "scheduled-event-leaky-bucket-capacity",
        "scheduled-event-leaky-bucket-refill-amount",
        "scheduled-event-leaky-bucket-time-interval-minutes",
    ):
        assert key in help_text


def test_settings_refuse_bad_values_directly() -> None:
    with pytest.raises(TimeLimitSettingsError, match="bucket_capacity_minutes"):
        TimeLimitSettings(bucket_capacity_minutes=-1)
    with pytest.raises(TimeLimitSettingsError, match="time_loop_maximum_minutes"):
        TimeLimitSettings(time_loop_maximum_minutes=0)
