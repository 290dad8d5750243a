"""Fill-forward of missing intraday bars, as LEAN's ``FillForwardEnumerator`` does it.

(``Engine/DataFeeds/Enumerators/FillForwardEnumerator.cs``, for a subscription filled forward
at its own resolution, minute or hour, without daily strict end times.) Bars are given as
(start time, values); each lasts `resolution`. Where the next bar starts more than one
`resolution` after the previous one, LEAN emits copies of the previous bar, one per period,
marked fill-forward, at each period that

- ends before the next bar ends, and
- overlaps the exchange's hours (regular only, unless extended hours are asked for);

the candidate periods being the one right after the previous bar and the one starting at the
next market open (``GetReferenceDateIntervals``), the first that ends too late stopping the
search. So a missing minute inside the session is copied, a night or a weekend is not, and a
day without a file is copied through its session. After the last bar, the same rule runs up to
the subscription's end, and a last copy is sent for the period holding the end when the
exchange is open then (LEAN's "end of subscription" bar).

The exchange-hours filter that LEAN applies after fill-forward (``SubscriptionFilterEnumerator``:
a bar is kept when its span overlaps the hours asked for) is applied by the caller, as in LEAN:
fill-forward sees the pre- and post-market bars even of a regular-hours subscription.

Times are naive New York times; LEAN compares them in UTC, which differs only across a
daylight-saving change, at 02:00 on a Sunday, when US equities do not trade.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from local_lean.data.exchange_hours import UsEquityExchangeHours

# (start time, values, is_fill_forward)
Row = tuple[dt.datetime, Any, bool]


def round_down(time: dt.datetime, period: dt.timedelta) -> dt.datetime:
    """`time` rounded down to a multiple of `period` since midnight (minutes and hours)."""
    since_midnight = time - dt.datetime.combine(time.date(), dt.time())
    return time - since_midnight % period


def fill_forward(
    rows: Iterable[tuple[dt.datetime, Any]],
    resolution: dt.timedelta,
    hours: UsEquityExchangeHours,
    extended_market_hours: bool,
    subscription_end: dt.datetime,
) -> Iterator[Row]:
    """The rows with LEAN's fill-forward copies between them and up to `subscription_end`."""

    def next_copy(previous: dt.datetime, next_end: dt.datetime) -> dt.datetime | None:
        """The start of the copy to send after the bar that started at `previous`, before a
        bar ending at `next_end`; None when none is due."""
        previous_end = previous + resolution
        candidates = []
        if hours.is_open_during_bar(previous_end, previous_end + resolution, extended):
            candidates.append(previous_end)
        candidates.append(hours.next_market_open(previous_end, extended))
        for candidate in candidates:
            start = round_down(candidate, resolution)
            end = start + resolution
            if end >= next_end:
                break
            if hours.is_open_during_bar(start, end, extended):
                return start
        return None

    extended = extended_market_hours
    previous: Row | None = None
    for time, values in rows:
        if previous is not None:
            while time - previous[0] > resolution:
                copy_start = next_copy(previous[0], time + resolution)
                if copy_start is None:
                    break
                if previous[0] + resolution >= subscription_end:
                    return
                previous = (copy_start, previous[1], True)
                yield previous
        previous = (time, values, False)
        yield previous

    if previous is None:
        return
    last_start = round_down(subscription_end, resolution)
    last_end = last_start + resolution
    while previous[0] + resolution < subscription_end:
        copy_start = None
        if last_start - previous[0] > resolution:
            copy_start = next_copy(previous[0], last_end)
        if copy_start is not None:
            previous = (copy_start, previous[1], True)
            yield previous
            continue
        if not hours.is_open_during_bar(last_start, last_end, extended):
            return
        if previous[0] + resolution == last_end:
            return
        yield (last_start, previous[1], True)
        return
