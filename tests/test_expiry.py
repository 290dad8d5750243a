"""LEAN's Expiry functions, and insights that close with them."""

from __future__ import annotations

import datetime as dt

from local_lean.framework.expiry import Expiry

T = dt.datetime


def test_expiry_functions_follow_leans_dates():
    friday_morning = T(2021, 1, 29, 9, 35)
    sunday = T(2021, 1, 31, 9, 35)
    assert Expiry.END_OF_DAY(friday_morning) == T(2021, 1, 30)
    # End of week: the next Monday's midnight, also from a Sunday (.NET counts it day 0).
    assert Expiry.END_OF_WEEK(friday_morning) == T(2021, 2, 1)
    assert Expiry.END_OF_WEEK(sunday) == T(2021, 2, 1)
    assert Expiry.END_OF_WEEK(T(2021, 2, 1, 10)) == T(2021, 2, 8)
    assert Expiry.END_OF_MONTH(friday_morning) == T(2021, 2, 1)
    assert Expiry.END_OF_QUARTER(T(2021, 5, 15)) == T(2021, 7, 1)
    assert Expiry.END_OF_YEAR(friday_morning) == T(2022, 1, 1)
    # One month keeps the time and clamps the day, as .NET's AddMonths.
    assert Expiry.ONE_MONTH(sunday) == T(2021, 2, 28, 9, 35)
    assert Expiry.ONE_QUARTER(T(2021, 11, 30)) == T(2022, 2, 28)
    assert Expiry.ONE_YEAR(T(2020, 2, 29)) == T(2021, 2, 28)
