"""Which bars a security added with ``add_equity`` gets: daily, hour or minute.

LEAN subscribes ``add_equity("SPY")`` at its ``UniverseSettings.Resolution``, minute by default.
On a LEAN data folder so does the runner, whether or not the folder has the ticker's minute
files: LEAN reads no bars from files that are missing (its data monitor lists them), so such a
security gets no prices and no fills, while ``history`` at daily resolution still reads its
daily file. Sources with daily bars only (a CSV folder, the built-in synthetic market) give
daily bars instead, and the algorithm is told. A universe's securities get
``universe_settings.resolution`` on the same terms. Asking for minute or hour bars from a
source without them stops with an error naming the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError

INTRADAY = (Resolution.MINUTE, Resolution.HOUR)
PERIODS = {Resolution.MINUTE: dt.timedelta(minutes=1), Resolution.HOUR: dt.timedelta(hours=1)}


@dataclass(frozen=True)
class IntradaySubscription:
    """A security's minute or hour subscription (LEAN's SubscriptionDataConfig, the parts used)."""

    resolution: Resolution
    extended_market_hours: bool
    fill_forward: bool

    @property
    def period(self) -> dt.timedelta:
        return PERIODS[self.resolution]

    @property
    def has_quotes(self) -> bool:
        """LEAN keeps only trades for equities at hour (and daily) resolution."""
        return self.resolution == Resolution.MINUTE


def has_minute_files(source: Any, ticker: str) -> bool:
    """Whether `source` is a LEAN data folder with minute files for `ticker`."""
    if not isinstance(source, LeanDataFolder):
        return False
    folder = source.root / "equity" / "usa" / "minute" / ticker.lower()
    return folder.is_dir() and any(folder.glob("*_trade.zip"))


def has_hour_file(source: Any, ticker: str) -> bool:
    """Whether `source` is a LEAN data folder with an hour file for `ticker`."""
    if not isinstance(source, LeanDataFolder):
        return False
    return (source.root / "equity" / "usa" / "hour" / f"{ticker.lower()}.zip").is_file()


def universe_resolution(source: Any, ticker: str, resolution: Any) -> Resolution:
    """The resolution a universe's security gets: ``universe_settings.resolution`` on a LEAN
    data folder (as LEAN, with no bars where its files are missing), else daily."""
    if resolution in INTRADAY and isinstance(source, LeanDataFolder):
        return resolution
    return Resolution.DAILY


def subscription_resolution(source: Any, ticker: str, resolution: Any, where: str) -> Resolution:
    """The resolution a subscription gets (None: LEAN's default, minute, on a LEAN data folder,
    else daily); NotSupportedError for minute or hour bars from a source without them."""
    if resolution is None:
        return Resolution.MINUTE if isinstance(source, LeanDataFolder) else Resolution.DAILY
    if not isinstance(resolution, Resolution):
        raise TypeError(f"{where}: expected a Resolution, got {resolution!r}")
    if resolution == Resolution.DAILY:
        return resolution
    if resolution not in INTRADAY:
        raise NotSupportedError(
            f"{where} with Resolution.{resolution.name}",
            "local_lean reads minute, hour and daily bars: pass one of those resolutions",
        )
    if not isinstance(source, LeanDataFolder):
        raise NotSupportedError(
            f"{where} with Resolution.{resolution.name} on {source.description}",
            "that source has daily bars only: pass Resolution.DAILY, or run with --data a LEAN "
            "data folder that has equity/usa/minute or equity/usa/hour files",
        )
    return resolution


__all__ = [
    "INTRADAY",
    "IntradaySubscription",
    "has_hour_file",
    "has_minute_files",
    "subscription_resolution",
    "universe_resolution",
]
