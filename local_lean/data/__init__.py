"""Price sources: where daily bars come from.

Every source returns the same frame (see `PriceSource.daily_bars`), so the engine, the history
frames and the QuantBook do not care whether prices came from a LEAN data folder, a folder of
CSV files or the built-in synthetic market.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from local_lean.data.bars import BAR_COLUMNS
from local_lean.data.csv_folder import CsvFolder
from local_lean.data.lean_folder import STILL_LISTED, LeanDataFolder
from local_lean.data.map_files import MapFileResolver
from local_lean.data.synthetic import SyntheticMarket
from local_lean.errors import DataError, NotSupportedError

__all__ = [
    "BAR_COLUMNS",
    "CsvFolder",
    "LeanDataFolder",
    "MapFileResolver",
    "PriceSource",
    "SyntheticMarket",
    "bars_in_mode",
    "delisting_date_of",
    "dividend_rows_of",
    "lean_decimal_price_of",
    "map_file_provider",
    "ticker_changes_of",
    "open_price_source",
    "split_rows_of",
]


@runtime_checkable
class PriceSource(Protocol):
    """Where daily bars come from."""

    @property
    def description(self) -> str:
        """What the prices are, for logs and reports: e.g. "LEAN data folder /path" or
        "built-in synthetic market (seed 7)"."""
        ...

    def daily_bars(self, ticker: str) -> pd.DataFrame:
        """All daily bars of `ticker` (case-insensitive): DatetimeIndex named "date" of session
        dates at midnight (tz-naive, ascending, unique), columns open, high, low, close, volume as
        float64; prices adjusted for splits and dividends (LEAN's default ADJUSTED normalisation).
        Raises MissingDataError naming the ticker and what was looked for (path)."""
        ...

    def has_ticker(self, ticker: str) -> bool:
        """True when `daily_bars(ticker)` has data to return."""
        ...


def open_price_source(data: str | Path | PriceSource | None, seed: int = 0) -> PriceSource:
    """The source for `data`: None -> the synthetic market; a LEAN data folder (one holding
    equity/usa/daily) -> LeanDataFolder; a folder of *.csv files -> CsvFolder; a source already
    open -> itself (a process that runs many backtests reads the files once)."""
    if isinstance(data, PriceSource):
        return data
    if data is None:
        return SyntheticMarket(seed=seed)
    root = Path(data).expanduser()
    if (root / "equity" / "usa" / "daily").is_dir():
        return LeanDataFolder(root)
    if root.is_dir() and any(path.suffix.lower() == ".csv" for path in root.iterdir()):
        return CsvFolder(root)
    found = "does not exist" if not root.exists() else "holds neither"
    raise DataError(
        f"{root} {found}: expected a LEAN data folder (one containing equity/usa/daily/"
        "<ticker>.zip, as `lean init` creates) or a folder of <ticker>.csv files with columns "
        "date,open,high,low,close,volume; or leave the data option out for the synthetic market"
    )


def lean_decimal_close_of(
    source: PriceSource, ticker: str, day: dt.date, mode: str
) -> Decimal | None:
    """The ticker's close on `day` in `mode` as the decimal LEAN computes from a LEAN folder
    (see ``LeanDataFolder.lean_decimal_close``); None from other sources."""
    if isinstance(source, LeanDataFolder):
        return source.lean_decimal_close(ticker, day, mode)
    return None


def lean_decimal_price_of(
    source: PriceSource, ticker: str, day: dt.date, mode: str, price: float
) -> Decimal | None:
    """An intraday bar's `price` (a file integer times 0.0001, times the factor of `day` in
    `mode`) as the decimal LEAN computes it from a LEAN folder; None from other sources."""
    if not isinstance(source, LeanDataFolder) or mode not in ("RAW", "ADJUSTED", "SPLIT_ADJUSTED"):
        return None
    factor = source.lean_decimal_factor(ticker, day, mode)
    scale = 1.0 if factor is None else float(factor)
    raw = Decimal(round(price / scale * 10_000)) * Decimal("0.0001")
    return raw if factor is None else raw * factor


def dividend_rows_of(source: PriceSource, ticker: str) -> list[tuple[dt.date, float, float]]:
    """The ticker's dividends as (last day before the ex-date, reference price, price factor
    ratio): from a LEAN folder's factor files; other sources have none."""
    if isinstance(source, LeanDataFolder):
        return source.dividends(ticker)
    return []


def delisting_date_of(source: PriceSource, ticker: str) -> dt.date | None:
    """The last trading day of a security that was delisted: its map file's last date, when
    that is before LEAN's open-ended 2050-12-31 (only LEAN data folders have map files)."""
    if not isinstance(source, LeanDataFolder):
        return None
    map_file = source.map_file_resolver.resolve_map_file(ticker, dt.date.today())
    if map_file is None:
        return None
    last = map_file.rows[-1][0]
    return last if last < STILL_LISTED else None


def ticker_changes_of(source: PriceSource, ticker: str) -> list[tuple[dt.date, str, str]]:
    """The renames of the security trading as `ticker` today, from its map file, as (the last
    day of the old ticker, old ticker, new ticker); none for sources without map files."""
    if not isinstance(source, LeanDataFolder):
        return []
    map_file = source.map_file_resolver.resolve_map_file(ticker, dt.date.today())
    if map_file is None:
        return []
    rows = map_file.rows
    return [
        (last_day, old, new)
        for (last_day, old), (_, new) in zip(rows, rows[1:], strict=False)
        if old != new
    ]


def map_file_provider(source: PriceSource) -> MapFileResolver | None:
    """The map files that give `source`'s equities their first ticker and date (LEAN's
    SecurityIdentifier): a LEAN data folder's; None for sources without map files (the CSV
    folder, the synthetic market), whose equities get LEAN's default date, as in LEAN."""
    if isinstance(source, LeanDataFolder):
        return source.map_file_resolver
    return None


def split_rows_of(source: PriceSource, ticker: str) -> list[tuple[dt.date, float, float]]:
    """The ticker's splits as (last day before the split, reference price, split factor): from
    a LEAN folder's factor files; other sources have none (their prices are adjusted)."""
    if isinstance(source, LeanDataFolder):
        return source.splits(ticker)
    return []


def bars_in_mode(
    source: PriceSource, ticker: str, mode: str, reference_date: dt.date | None = None
) -> pd.DataFrame:
    """The ticker's bars normalised as LEAN's DataNormalizationMode `mode` (its name: "RAW",
    "ADJUSTED", "SPLIT_ADJUSTED", "SCALED_RAW"). Only a LEAN data folder has the raw prices
    and factor files the modes other than ADJUSTED need."""
    if mode == "ADJUSTED":
        return source.daily_bars(ticker)
    if isinstance(source, LeanDataFolder):
        return source.bars_in_mode(ticker, mode, reference_date)
    raise NotSupportedError(
        f"DataNormalizationMode.{mode} with {source.description}",
        "its prices are already adjusted; pass a LEAN data folder (--data, with its factor "
        "files) to get raw prices",
    )
