"""The NYSE calendar: sessions, early closes, closures and the covered span."""

import datetime

import pytest

from local_lean.market_calendar import (
    TradingSession,
    cached_sessions,
    nyse_calendar,
    xnys_sessions,
)

D = datetime.date


def test_thanksgiving_week_has_a_holiday_and_an_early_close():
    sessions = nyse_calendar().sessions(D(2024, 11, 25), D(2024, 11, 29))
    assert [session.date for session in sessions] == [
        D(2024, 11, 25),
        D(2024, 11, 26),
        D(2024, 11, 27),
        D(2024, 11, 29),
    ]
    assert sessions[0] == TradingSession(
        D(2024, 11, 25),
        datetime.datetime(2024, 11, 25, 9, 30),
        datetime.datetime(2024, 11, 25, 16, 0),
    )
    assert sessions[-1].close == datetime.datetime(2024, 11, 29, 13, 0)
    assert sessions[-1].open.tzinfo is None


@pytest.mark.parametrize(
    "closed_day",
    [
        D(2001, 9, 11),  # attacks on the World Trade Center
        D(2001, 9, 14),
        D(2012, 10, 29),  # Hurricane Sandy
        D(2012, 10, 30),
        D(2018, 12, 5),  # national day of mourning, George H. W. Bush
        D(2025, 1, 9),  # national day of mourning, Jimmy Carter
        D(2024, 12, 25),
        D(2024, 11, 30),  # a Saturday
    ],
)
def test_closures_are_not_sessions(closed_day):
    assert not nyse_calendar().is_session(closed_day)


def test_a_year_has_about_252_sessions():
    assert len(nyse_calendar().sessions(D(2024, 1, 1), D(2024, 12, 31))) == 252
    assert len(nyse_calendar().sessions(D(2024, 1, 2), D(2024, 1, 2))) == 1  # inclusive


def test_previous_and_next_session_are_strict():
    calendar = nyse_calendar()
    assert calendar.previous_session(D(2024, 12, 2)) == D(2024, 11, 29)  # Monday -> Friday
    assert calendar.previous_session(D(2024, 11, 29)) == D(2024, 11, 27)  # skips Thanksgiving
    assert calendar.next_session(D(2024, 11, 27)) == D(2024, 11, 29)
    assert calendar.next_session(D(2024, 11, 30)) == D(2024, 12, 2)  # from a Saturday
    assert calendar.next_session(D(2024, 12, 2)) == D(2024, 12, 3)


def test_the_calendar_is_built_once():
    assert nyse_calendar() is nyse_calendar()


def test_the_span_covers_1995_to_five_years_ahead():
    calendar = nyse_calendar()
    five_years_ahead = D(datetime.date.today().year + 5, 6, 1)
    assert calendar.sessions(D(1995, 1, 1), D(1995, 1, 31))[0].date == D(1995, 1, 3)
    assert calendar.sessions(five_years_ahead, five_years_ahead + datetime.timedelta(days=10))


def test_a_date_outside_the_span_is_a_clear_error():
    with pytest.raises(ValueError, match="outside the NYSE calendar's span"):
        nyse_calendar().is_session(D(1990, 1, 2))
    with pytest.raises(ValueError, match="outside the NYSE calendar's span"):
        nyse_calendar().sessions(D(2020, 1, 1), D(2200, 1, 1))


def test_the_cached_calendar_is_exchange_calendars_own_and_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCAL_LEAN_CACHE", str(tmp_path))
    built = cached_sessions(D(2020, 1, 1), D(2021, 12, 31))
    assert built == xnys_sessions(D(2020, 1, 1), D(2021, 12, 31))
    (cache_file,) = tmp_path.iterdir()
    assert "2020-01-01-2021-12-31" in cache_file.name
    # Read back from the file: a session removed there is missing from the next read.
    lines = cache_file.read_text().splitlines()
    cache_file.write_text("\n".join(lines[1:]) + "\n")
    assert cached_sessions(D(2020, 1, 1), D(2021, 12, 31)) == built[1:]


def test_a_damaged_cache_file_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCAL_LEAN_CACHE", str(tmp_path))
    built = cached_sessions(D(2020, 1, 1), D(2020, 3, 31))
    (cache_file,) = tmp_path.iterdir()
    cache_file.write_text("2020-01-02,not a time\n")
    assert cached_sessions(D(2020, 1, 1), D(2020, 3, 31)) == built
    assert cached_sessions(D(2020, 1, 1), D(2020, 3, 31)) == built  # rewritten whole


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("LOCAL_LEAN_CACHE", str(blocked))
    sessions = cached_sessions(D(2020, 1, 1), D(2020, 3, 31))
    assert sessions == xnys_sessions(D(2020, 1, 1), D(2020, 3, 31))
