"""The risk-free rate: the US primary credit rate by date, as LEAN's InterestRateProvider reads
and looks it up (its numbers from LEAN's Tests/Common/Data/InterestRateProviderTests.cs)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from local_lean.risk_free_rate import (
    PRIMARY_CREDIT_RATE_FILE,
    PrimaryCreditRate,
    RiskFreeRateError,
    primary_credit_rate,
)

LEAN_RATES = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "lean"
    / "alternative"
    / "interest-rate"
    / "usa"
    / "interest-rate.csv"
)


def _rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",") for line in lines if line.strip()]


@pytest.mark.skipif(not LEAN_RATES.exists(), reason="LEAN's data folder is absent")
def test_the_shipped_series_equals_leans_file_row_for_row():
    assert _rows(PRIMARY_CREDIT_RATE_FILE) == _rows(LEAN_RATES)


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (datetime.date(1970, 3, 6), "0.0225"),  # before the series: its first rate
        (datetime.date(2020, 3, 6), "0.0175"),
        (datetime.date(2020, 3, 7), "0.0175"),
        (datetime.date(2020, 3, 8), "0.0175"),
        (datetime.date(2020, 3, 10), "0.0175"),
        (datetime.date(2050, 12, 31), "0.055"),  # far future: the latest rate
    ],
)
def test_rates_equal_leans_provider_test(day, rate):
    assert primary_credit_rate().rate_on(day) == Decimal(rate)


def test_rates_are_looked_up_by_the_change_in_force():
    rates = primary_credit_rate()

    assert rates.rate_on(datetime.date(2013, 10, 8)) == Decimal("0.0075")
    assert rates.rate_on(datetime.date(2010, 2, 18)) == Decimal("0.005")
    assert rates.rate_on(datetime.date(2010, 2, 19)) == Decimal("0.0075")  # the day it changed
    assert rates.rate_on(datetime.date(2020, 3, 16)) == Decimal("0.0025")
    # Before the series: its first rate; after it: its latest.
    assert rates.rate_on(datetime.date(1998, 1, 1)) == Decimal("0.0225")
    assert rates.rate_on(datetime.date(2030, 1, 1)) == Decimal("0.055")


def test_the_average_rate_is_the_mean_of_each_dates_rate():
    rates = primary_credit_rate()
    days = [datetime.date(2010, 2, 18), datetime.date(2010, 2, 19), datetime.date(2010, 2, 20)]

    assert rates.average_rate(days) == (Decimal("0.005") + 2 * Decimal("0.0075")) / 3
    assert rates.average_rate([]) == 0


def test_percent_rows_become_fractions_as_lean_parses_them(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("effective_date,rate_percent\n2020-01-01,2.5\n2021-01-04,2.00\n")

    rates = PrimaryCreditRate.from_csv(path)

    assert rates.changes() == [
        (datetime.date(2020, 1, 1), Decimal("0.025")),
        (datetime.date(2021, 1, 4), Decimal("0.0200")),
    ]
    assert rates.rate_on(datetime.date(2021, 6, 1)) == Decimal("0.02")


def test_a_malformed_row_is_named_with_its_line(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("effective_date,rate_percent\n2020-01-02,2.00\n2021/01/04,five\n")

    with pytest.raises(RiskFreeRateError, match=r"rates.csv, line 3: expected 'yyyy-mm-dd,"):
        PrimaryCreditRate.from_csv(path)


def test_a_missing_or_empty_file_is_an_error(tmp_path):
    with pytest.raises(RiskFreeRateError, match="cannot read the primary credit rate file"):
        PrimaryCreditRate.from_csv(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("effective_date,rate_percent\n")
    with pytest.raises(RiskFreeRateError, match="no rows"):
        PrimaryCreditRate.from_csv(empty)
