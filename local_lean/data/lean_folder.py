"""Daily US-equity bars from a LEAN data folder, adjusted as LEAN's default ADJUSTED mode does.

Layout (the one `lean init` and LEAN's repository use):

- `<root>/equity/usa/daily/<ticker>.zip` holds one CSV (`<ticker>.csv`), one row per day:
  `yyyyMMdd HH:mm,open,high,low,close,volume`, prices as integers scaled by 10,000.
- `<root>/equity/usa/factor_files/<ticker>.csv`, rows
  `yyyymmdd,price_factor,split_factor,reference_price`.

Adjustment follows LEAN's `CorporateFactorProvider.GetPriceFactor`: walking the factor rows from
the newest back, it keeps the row of the oldest date that is still on or after the bar's date, so
a bar uses the FIRST factor row dated on or after its day, and a bar after the last row uses 1.
The ADJUSTED price is raw x price_factor x split_factor of that row. Volume is divided by the same
factor and rounded: LEAN scales TradeBar volume by the inverse of the price factor it applies
since PR #5525 ("Adjust Volume for Splits", fixing issue #5221), so that a pre-split day's volume
is counted in post-split shares.

A ticker without a factor file is served unadjusted (LEAN does the same: no factors means a
factor of 1) with a warning. Map files (`<root>/equity/usa/map_files`) give securities their
LEAN identifiers (`map_file_resolver`, see `map_files.py`) and, as LEAN's data reader follows
them, say which file holds each day: GOOGL traded as "goog" until 2014-04-02, so its bars up to
that day come from goog.zip and later ones from googl.zip. Its factor file is named by the map
file (the permtick). A ticker without a map file reads its own zip.

Other normalisation modes (`bars_in_mode`, LEAN's `GetPriceFactor`): RAW is the zip's prices,
SPLIT_ADJUSTED uses the row's split factor only, and SCALED_RAW (history for volatility models)
divides the ADJUSTED factor by the factor of a reference date, so prices are raw as of that
date and continuous before it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from local_lean.data.bars import PRICE_COLUMNS
from local_lean.data.map_files import MapFileResolver
from local_lean.data.rows import EIGHT_DIGIT_DATE, bars_from_rows, decode_text, numbered_lines
from local_lean.errors import MalformedDataError, MissingDataError

PRICE_SCALE = 10_000.0


# A map file's last date for a security still trading (LEAN's open end).
STILL_LISTED = dt.date(2050, 12, 31)


class LeanDataFolder:
    """A PriceSource reading `<root>/equity/usa/{daily,factor_files}`; parsed frames are cached."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.daily_folder = self.root / "equity" / "usa" / "daily"
        self.factor_folder = self.root / "equity" / "usa" / "factor_files"
        if not self.daily_folder.is_dir():
            raise MissingDataError(
                f"{self.daily_folder} does not exist: a LEAN data folder holds equity/usa/daily/"
                "<ticker>.zip files; pass the folder that contains 'equity'"
            )
        self.map_folder = self.root / "equity" / "usa" / "map_files"
        if not any(path.suffix.lower() == ".zip" for path in self.daily_folder.iterdir()):
            raise MissingDataError(
                f"{self.daily_folder} holds no <ticker>.zip files: download data with "
                "`lean data download`, or pass another data folder"
            )
        self.unadjusted_tickers: set[str] = set()
        self._cache: dict[str, pd.DataFrame] = {}
        self._raw_cache: dict[str, pd.DataFrame] = {}
        self._factor_cache: dict[Path, pd.DataFrame | None] = {}
        self._map_file_resolver: MapFileResolver | None = None

    @property
    def description(self) -> str:
        """The folder, and the tickers read so far without a factor file (not adjusted)."""
        text = f"LEAN data folder {self.root}"
        if self.unadjusted_tickers:
            missing = ", ".join(sorted(self.unadjusted_tickers))
            text += f" (no factor file, prices not adjusted: {missing})"
        return text

    def has_ticker(self, ticker: str) -> bool:
        """Whether the folder has daily bars of `ticker`: its own zip, or one its map file
        names (LEAN's AAA.1 trades in aaa.zip until it was delisted)."""
        if self._zip_path(ticker).is_file():
            return True
        segments = self._mapped_segments(ticker.strip().upper()) or []
        return any(self._zip_path(file_ticker).is_file() for file_ticker, _, _ in segments)

    @property
    def map_file_resolver(self) -> MapFileResolver:
        """The folder's map files, read once on first use (none when the folder has none)."""
        if self._map_file_resolver is None:
            self._map_file_resolver = MapFileResolver.from_folder(self.map_folder)
        return self._map_file_resolver

    def daily_bars(self, ticker: str) -> pd.DataFrame:
        """All daily bars of `ticker`, adjusted for splits and dividends (see the module doc)."""
        key = ticker.strip().upper()
        if key not in self._cache:
            raw = self.raw_daily_bars(key)
            factors = self.factors(key)
            if factors is not None:
                bars = adjust_bars(raw, factors)
            else:
                self.unadjusted_tickers.add(key)
                warnings.warn(
                    f"{key}: no factor file at {self._factor_path(key)}; its prices are not "
                    "adjusted for splits and dividends (LEAN uses a factor of 1 in that case too)",
                    stacklevel=2,
                )
                bars = raw
            self._cache[key] = bars
        return self._cache[key]

    def raw_daily_bars(self, ticker: str) -> pd.DataFrame:
        """The unadjusted bars of `ticker`, each day read from the file its map file names."""
        key = ticker.strip().upper()
        if key not in self._raw_cache:
            parts = []
            for file_ticker, after, until in self._mapped_segments(key) or []:
                if not self._zip_path(file_ticker).is_file():
                    continue  # LEAN has no data for those days either
                frame = read_daily_zip(self._zip_path(file_ticker), file_ticker)
                keep = np.ones(len(frame), dtype=bool)
                if after is not None:
                    keep &= frame.index > pd.Timestamp(after)
                if until is not None:
                    keep &= frame.index <= pd.Timestamp(until)
                parts.append(frame[keep])
            if parts:
                self._raw_cache[key] = pd.concat(parts).sort_index()
            else:  # no map file names it: the ticker's own file
                self._raw_cache[key] = read_daily_zip(self._zip_path(key), key)
        return self._raw_cache[key]

    def factors(self, ticker: str) -> pd.DataFrame | None:
        """The factor rows of `ticker`'s factor file (see ``read_factor_file``); None without."""
        path = self._factor_path(ticker)
        if path not in self._factor_cache:
            self._factor_cache[path] = read_factor_file(path) if path.is_file() else None
        return self._factor_cache[path]

    def bars_in_mode(
        self, ticker: str, mode: str, reference_date: dt.date | None = None
    ) -> pd.DataFrame:
        """The bars of `ticker` normalised as `mode` ("RAW", "ADJUSTED", "SPLIT_ADJUSTED",
        "SCALED_RAW"; the last needs `reference_date`), as LEAN's ``GetPriceScale``."""
        if mode == "ADJUSTED":
            return self.daily_bars(ticker)
        raw = self.raw_daily_bars(ticker)
        factors = self.factors(ticker)
        if mode == "RAW" or factors is None:
            return raw
        if mode == "SPLIT_ADJUSTED":
            return adjust_bars(raw, factors, column="split_factor")
        if mode == "SCALED_RAW":
            if reference_date is None:
                raise ValueError("SCALED_RAW prices need the date they are scaled to")
            return adjust_bars(
                raw, factors, divisor=factor_on(factors, pd.Timestamp(reference_date))
            )
        raise ValueError(f"unknown normalisation mode {mode!r}")

    def lean_decimal_close(self, ticker: str, day: dt.date, mode: str) -> Decimal | None:
        """The close of `ticker` on `day` in `mode` ("RAW", "ADJUSTED", "SPLIT_ADJUSTED") as
        the decimal LEAN computes: the file's integer times 0.0001, times the factor of the
        factor file's first row dated on or after `day` parsed from its text (so "1" has no
        decimals and "0.8893653" seven). None when the day has no bar or the mode is another."""
        raw = self.raw_daily_bars(ticker)
        stamp = pd.Timestamp(day)
        if stamp not in raw.index or mode not in ("RAW", "ADJUSTED", "SPLIT_ADJUSTED"):
            return None
        close = Decimal(round(float(raw.loc[stamp, "close"]) * PRICE_SCALE)) * Decimal("0.0001")
        factor = self.lean_decimal_factor(ticker, day, mode)
        return close if factor is None else close * factor

    def lean_decimal_factor(self, ticker: str, day: dt.date, mode: str) -> Decimal | None:
        """The factor LEAN multiplies `ticker`'s file prices by on `day` in `mode`, parsed from
        the factor file's text as LEAN parses it; None for RAW prices or without a factor file."""
        path = self._factor_path(ticker)
        if mode == "RAW" or not path.is_file():
            return None
        factor = Decimal(1)
        for line in reversed(decode_text(path.read_bytes(), str(path)).splitlines()):
            fields = line.strip().split(",")
            if len(fields) < 3 or not EIGHT_DIGIT_DATE.fullmatch(fields[0]):
                continue
            if dt.datetime.strptime(fields[0], "%Y%m%d").date() < day:
                break
            split_factor = Decimal(fields[2])
            factor = split_factor if mode == "SPLIT_ADJUSTED" else Decimal(fields[1]) * split_factor
        return factor

    def dividends(self, ticker: str) -> list[tuple[dt.date, float, float]]:
        """The ticker's dividends from its factor file (see ``dividend_rows``); [] without one."""
        factors = self.factors(ticker)
        return dividend_rows(factors) if factors is not None else []

    def splits(self, ticker: str) -> list[tuple[dt.date, float, float]]:
        """The ticker's splits from its factor file (see ``split_rows``); [] without one."""
        factors = self.factors(ticker)
        return split_rows(factors) if factors is not None else []

    def _mapped_segments(
        self, ticker: str
    ) -> list[tuple[str, dt.date | None, dt.date | None]] | None:
        """(file ticker, after, until) spans of the security trading as `ticker` today, from
        its map file: each row's ticker holds the days after the previous row up to its date.
        The first span is left open, and the last one too unless the security was delisted,
        so a file's days outside its map file are kept.
        None when no map file names the ticker."""
        map_file = self.map_file_resolver.resolve_map_file(ticker, dt.date.today())
        if map_file is None:
            return None
        spans: list[tuple[str, dt.date | None, dt.date | None]] = []
        previous: dt.date | None = None
        for day, file_ticker in map_file.rows:
            if spans and spans[-1][0] == file_ticker:
                spans[-1] = (file_ticker, spans[-1][1], day)
            else:
                spans.append((file_ticker, previous, day))
            previous = day
        first = spans[0]
        spans[0] = (first[0], None, first[2])
        last = spans[-1]
        if map_file.rows[-1][0] >= STILL_LISTED:
            spans[-1] = (last[0], last[1], None)
        # else the security was delisted on its map file's last date: no later day is its
        # (AAA.1's file, aaa.zip, goes on with another company's bars from 2020)
        return spans

    def permtick(self, ticker: str) -> str:
        """The name of the ticker's map file (how LEAN names factor files), else the ticker."""
        map_file = self.map_file_resolver.resolve_map_file(ticker, dt.date.today())
        return map_file.permtick if map_file is not None else ticker.strip().upper()

    def _factor_path(self, ticker: str) -> Path:
        return self.factor_folder / f"{self.permtick(ticker).lower()}.csv"

    def _zip_path(self, ticker: str) -> Path:
        return self.daily_folder / f"{ticker.strip().lower()}.zip"


LEAN_ROW_FORMAT = "yyyyMMdd HH:mm,open,high,low,close,volume with prices x10000"
LEAN_TIME = re.compile(r"(\d{8})(?: \d{2}:\d{2})?")
# What a damaged zip can raise while it is opened or read.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError)


def read_daily_zip(path: Path, ticker: str) -> pd.DataFrame:
    """The raw (unadjusted) bars of one LEAN daily zip, prices divided by 10,000."""
    if not path.is_file():
        raise MissingDataError(
            f"no daily data for {ticker}: {path} does not exist; download it with "
            f"`lean data download` or put {ticker.lower()}.zip there"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if not members:
                raise MalformedDataError(
                    f"{path} holds no .csv file; expected {ticker.lower()}.csv"
                )
            raw = _read_member(archive, members[0], path)
    except (*ZIP_ERRORS, NotImplementedError, RuntimeError) as error:  # e.g. encrypted
        raise MalformedDataError(
            f"{path} is not a readable zip file ({type(error).__name__}: {error}); download it "
            "again"
        ) from error
    if Path(members[0]).stem.lower() != ticker.strip().lower():
        # LEAN reads the first entry whatever its name; a wrong name is worth a word.
        others = f" (of {len(members)} .csv entries)" if len(members) > 1 else ""
        warnings.warn(
            f"{ticker.upper()}: {path} holds {members[0]}{others}, not {ticker.lower()}.csv; "
            f"its prices are read as {ticker.upper()}'s, as LEAN reads the first entry",
            stacklevel=2,
        )
    return parse_daily_csv(raw, f"{path}:{members[0]}")


# A century of daily rows is under 3 MB; far more is not a daily file (e.g. a zip bomb).
MAX_DAILY_FILE_BYTES = 64 * 1024 * 1024


def _read_member(archive: zipfile.ZipFile, member: str, path: Path) -> bytes:
    """The member's bytes, read no further than MAX_DAILY_FILE_BYTES whatever its header says."""
    with archive.open(member) as stream:
        raw = stream.read(MAX_DAILY_FILE_BYTES + 1)
    if len(raw) > MAX_DAILY_FILE_BYTES:
        raise MalformedDataError(
            f"{path}:{member} inflates to more than {MAX_DAILY_FILE_BYTES // 2**20} MiB, far "
            "beyond any daily price file (a century of rows is under 3 MB): download it again"
        )
    return raw


def parse_daily_csv(raw: bytes, where: str) -> pd.DataFrame:
    """Bars from the bytes of a LEAN daily CSV; errors name `where` and the line."""
    lines = numbered_lines(decode_text(raw, where))
    if not lines:
        raise MalformedDataError(f"{where} is empty: it holds no rows of {LEAN_ROW_FORMAT}")
    rows = [line.strip().split(",") for _, line in lines]
    for (number, _), fields in zip(lines, rows, strict=True):
        time = LEAN_TIME.fullmatch(fields[0].strip())
        if len(fields) != 6 or time is None:
            # The row's text is not quoted: a file that is not data (a link to another file)
            # must not show its content in a message.
            problem = (
                f"{len(fields)} fields instead of 6"
                if len(fields) != 6
                else "a date that is not yyyyMMdd HH:mm in the first field"
            )
            raise MalformedDataError(
                f"{where}, line {number}: {problem}; expected {LEAN_ROW_FORMAT}"
            )
    times, *columns = (list(column) for column in zip(*rows, strict=True))
    dates = [time.strip()[:8] for time in times]
    return bars_from_rows(
        where, [number for number, _ in lines], dates, columns, LEAN_ROW_FORMAT, PRICE_SCALE
    )


def read_factor_file(path: Path) -> pd.DataFrame:
    """Factor rows as a frame indexed by date: `scale` (price x split factor), `price_factor`,
    `split_factor` and `reference_price` (the raw close of that date; 0 where the file gives
    none)."""
    dates: list[pd.Timestamp] = []
    rows: list[tuple[float, float, float, float]] = []
    for number, line in numbered_lines(decode_text(path.read_bytes(), str(path))):
        fields = line.strip().split(",")
        try:
            if not EIGHT_DIGIT_DATE.fullmatch(fields[0]):
                raise ValueError(f"{fields[0]!r} is not yyyymmdd")
            day = pd.Timestamp(int(fields[0][:4]), int(fields[0][4:6]), int(fields[0][6:]))
            price_factor, split_factor = float(fields[1]), float(fields[2])
            reference = float(fields[3]) if len(fields) > 3 and fields[3] else 0.0
        except (ValueError, IndexError) as error:
            raise MalformedDataError(
                f"{path}, line {number}: the row is not "
                "yyyymmdd,price_factor,split_factor,reference_price"
            ) from error
        scale = price_factor * split_factor
        if not (math.isfinite(scale) and scale > 0 and math.isfinite(reference)):
            raise MalformedDataError(
                f"{path}, line {number} ({fields[0]}): factors must be positive and finite"
            )
        dates.append(day)
        rows.append((scale, price_factor, split_factor, reference))
    factors = pd.DataFrame(
        rows,
        columns=["scale", "price_factor", "split_factor", "reference_price"],
        index=pd.DatetimeIndex(dates, name="date"),
    )
    return factors.sort_index()


def dividend_rows(factors: pd.DataFrame) -> list[tuple[dt.date, float, float]]:
    """(last day before the ex-date, reference price, price factor ratio) for each dividend: a
    factor row whose price factor differs from the next row's (LEAN's
    ``HasDividendEventOnNextTradingDay``); the ex-date is the next trading day."""
    events = []
    price_factors = factors["price_factor"].to_numpy()
    references = factors["reference_price"].to_numpy()
    for row in range(len(factors) - 1):
        ratio = price_factors[row] / price_factors[row + 1]
        if ratio != 1.0:
            events.append((factors.index[row].date(), float(references[row]), float(ratio)))
    return events


def split_rows(factors: pd.DataFrame) -> list[tuple[dt.date, float, float]]:
    """(last day before the split, reference price, split factor) for each split: a factor row
    whose split factor differs from the next row's (LEAN's ``HasSplitEventOnNextTradingDay``;
    the factor is this row's over the next one's, 0.5 for a 2-for-1 split)."""
    events = []
    split_factors = factors["split_factor"].to_numpy()
    references = factors["reference_price"].to_numpy()
    for row in range(len(factors) - 1):
        if split_factors[row] != split_factors[row + 1]:
            # In decimals, as LEAN divides them: 0.0357143 / 0.25 is exactly 0.1428572.
            ratio = Decimal(repr(float(split_factors[row]))) / Decimal(
                repr(float(split_factors[row + 1]))
            )
            factor = float(ratio)
            events.append((factors.index[row].date(), float(references[row]), float(factor)))
    return events


def factor_on(factors: pd.DataFrame, day: pd.Timestamp, column: str = "scale") -> float:
    """The factor of the first row dated on or after `day` (1 after the last row), as LEAN's
    ``CorporateFactorProvider.GetPriceFactor``."""
    position = int(factors.index.searchsorted(day.normalize(), side="left"))
    return float(factors[column].iloc[position]) if position < len(factors) else 1.0


def adjust_bars(
    raw: pd.DataFrame, factors: pd.DataFrame, column: str = "scale", divisor: float = 1.0
) -> pd.DataFrame:
    """Apply the factor (`column` over `divisor`) of the first factor row dated on or after
    each bar's day; volume is divided by it and rounded, as LEAN scales volume."""
    factor_dates = factors.index.to_numpy()
    position = np.searchsorted(factor_dates, raw.index.to_numpy(), side="left")
    scale_with_default = np.append(factors[column].to_numpy(), 1.0)
    scale = scale_with_default[position] / divisor
    adjusted = raw.copy()
    adjusted[PRICE_COLUMNS] = raw[PRICE_COLUMNS].to_numpy() * scale[:, None]
    adjusted["volume"] = np.round(raw["volume"].to_numpy() / scale)
    return adjusted
