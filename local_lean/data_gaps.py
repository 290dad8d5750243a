"""Long gaps in a security's daily bars, worth a warning: LEAN says nothing about them, yet over
a gap the price stays frozen in a backtest and a model trains across it as if the bars on
either side were consecutive."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# Calendar days between two consecutive bars beyond which bars are missing, not the market
# closed: the longest NYSE closure in modern data (September 2001) left seven.
LONG_GAP_DAYS = 14
# Gaps named in one warning; the rest are counted.
GAPS_NAMED = 3


def long_gaps(index: pd.DatetimeIndex) -> list[tuple[dt.date, dt.date]]:
    """(last bar before, first bar after) of each gap longer than LONG_GAP_DAYS."""
    if len(index) < 2:
        return []
    days = index.normalize()
    lengths = (days[1:] - days[:-1]).days
    return [
        (days[position].date(), days[position + 1].date())
        for position in (lengths > LONG_GAP_DAYS).nonzero()[0]
    ]


def long_gap_warning(ticker: str, gaps: list[tuple[dt.date, dt.date]]) -> str | None:
    """The log line for a ticker's long gaps, or None when it has none."""
    if not gaps:
        return None
    named = ", ".join(
        f"{before} to {after} ({(after - before).days} days)" for before, after in gaps[:GAPS_NAMED]
    )
    more = f" and {len(gaps) - GAPS_NAMED} more" if len(gaps) > GAPS_NAMED else ""
    return (
        f"WARNING: the data of {ticker} has no bars between {named}{more}, longer than any "
        "market closure: its price stays the same over such a gap, and history, indicators "
        "and models see the bars on either side as consecutive"
    )
