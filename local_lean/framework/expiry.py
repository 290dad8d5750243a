"""LEAN's ``Expiry``: functions from an insight's generated time to its close time.

``Insight.price(symbol, Expiry.END_OF_DAY, direction)`` closes at the next midnight, so a
daily decision's insight has expired by the next morning's decision (a ``timedelta(days=1)``
insight stays active until that decision's own time and expires during the day after it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

ExpiryFunction = Callable[[dt.datetime], dt.datetime]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _add_months(time: dt.datetime, months: int) -> dt.datetime:
    # .NET's AddMonths keeps the day, clamped to the target month's length.
    index = time.month - 1 + months
    year, month = time.year + index // 12, index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return time.replace(year=year, month=month, day=min(time.day, last_day))


def _end_of_week(time: dt.datetime) -> dt.datetime:
    # The next Monday's midnight (.NET: 8 - DayOfWeek days ahead, one day from a Sunday).
    days = 8 - (time.isoweekday() % 7)
    return _midnight(time.date() + dt.timedelta(days=1 if days == 8 else days))


def _end_of_quarter(time: dt.datetime) -> dt.datetime:
    first_month = (time.month - 1) // 3 * 3 + 1
    return _add_months(dt.datetime(time.year, first_month, 1), 3)


class Expiry:
    """LEAN's ``QuantConnect.Expiry`` members (each a function of the generated time)."""

    ONE_MONTH: ExpiryFunction = staticmethod(lambda time: _add_months(time, 1))
    ONE_QUARTER: ExpiryFunction = staticmethod(lambda time: _add_months(time, 3))
    ONE_YEAR: ExpiryFunction = staticmethod(lambda time: _add_months(time, 12))
    END_OF_DAY: ExpiryFunction = staticmethod(
        lambda time: _midnight(time.date() + dt.timedelta(days=1))
    )
    END_OF_WEEK: ExpiryFunction = staticmethod(_end_of_week)
    END_OF_MONTH: ExpiryFunction = staticmethod(
        lambda time: _add_months(dt.datetime(time.year, time.month, 1), 1)
    )
    END_OF_QUARTER: ExpiryFunction = staticmethod(_end_of_quarter)
    END_OF_YEAR: ExpiryFunction = staticmethod(lambda time: dt.datetime(time.year + 1, 1, 1))
