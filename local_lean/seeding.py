"""LEAN's last known price of a security, and when a new security is seeded with it.

A new security starts with no price (0) until its first bar arrives, unless
`settings.seed_initial_prices` is set when it is added (`Common/AlgorithmSettings.cs`, false by
default; `Common/Securities/SecurityService.cs` `InitializeSecurity` and
`Engine/DataFeeds/UniverseSelection.cs` `SeedAddedSecurities` check it as the security is
created). An order for a security with no price is refused: `SECURITY_PRICE_ZERO`, "The
security does not have an accurate price as it has not yet received a bar of data..."
(`QCAlgorithm.Trading.cs` PreOrderChecks).

The seed is LEAN's `GetLastKnownPrices` (`QCAlgorithm.History.cs`): a history request of the
last 5 bars, then, for symbols it found nothing for, of the last 10 daily bars, then of the last
min(60, 5 x 10) = 50 daily bars. On daily data that is the latest bar among the last 50
sessions before the algorithm's time: a security whose last bar is older gets no seed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

# QCAlgorithm.History.cs: "seed-lookback-period" 5, "seed-retry-daily-lookback-period" 10, and
# the last try's Math.Min(60, 5 * 10) daily bars.
SEED_LOOKBACK_BARS = 5
SEED_RETRY_DAILY_LOOKBACK_BARS = 10
SEED_LAST_TRY_DAILY_BARS = min(60, 5 * SEED_RETRY_DAILY_LOOKBACK_BARS)


def last_known_row(index: pd.DatetimeIndex, visible_until: dt.date, calendar: Any) -> int | None:
    """The row of `index` (daily bars, oldest first, one per session) holding the last known
    price at a time when bars dated before `visible_until` are known: the latest of them within
    the last SEED_LAST_TRY_DAILY_BARS sessions, else None."""
    known = int(index.searchsorted(pd.Timestamp(visible_until), side="left"))
    if known == 0:
        return None
    earliest = _first_session_of_window(visible_until, SEED_LAST_TRY_DAILY_BARS, calendar)
    if index[known - 1].date() < earliest:
        return None
    return known - 1


def _first_session_of_window(visible_until: dt.date, sessions: int, calendar: Any) -> dt.date:
    """The first of the last `sessions` sessions before `visible_until` (the calendar's first
    day when it holds fewer)."""
    # 50 sessions span about 73 calendar days; twice that leaves room for any holidays.
    start = max(calendar.first_day, visible_until - dt.timedelta(days=3 * sessions))
    end = visible_until - dt.timedelta(days=1)
    if end < start:
        return start
    dates = calendar.session_dates(start, end)
    return dates[-sessions] if len(dates) >= sessions else start
