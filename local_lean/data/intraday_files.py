"""LEAN's minute and hour US-equity files: where they are and what their rows hold.

Paths (``Common/Util/LeanData.cs``, ``GenerateZipFilePath`` and ``GenerateZipFileName``):

- minute: ``equity/usa/minute/<ticker>/<yyyymmdd>_trade.zip`` and ``_quote.zip``, one trading
  day each, holding ``<yyyymmdd>_<ticker>_minute_<trade|quote>.csv``;
- hour: ``equity/usa/hour/<ticker>.zip`` holding ``<ticker>.csv``, every hour bar of the
  ticker (LEAN keeps no quote files for equities at hour resolution).

Rows (``Common/Data/Market/TradeBar.cs`` and ``QuoteBar.cs``, their equity ``Reader``):

- a minute row starts with the bar's start in milliseconds since midnight, New York time
  (US equities' data time zone is their exchange's); an hour row with ``yyyyMMdd HH:mm``;
- trades: open, high, low, close (prices x10,000), volume;
- quotes: bid open, high, low, close, last bid size, ask open, high, low, close, last ask
  size; a side whose four prices are empty is absent (LEAN sets ``Bid`` or ``Ask`` to null).

A row is a bar that starts at its time and lasts the file's resolution; LEAN stamps it at its
end (``EndTime = Time + Period``). Rows must go forward in time: LEAN's reader silently drops a
row that does not end after the previous one, which would hide a damaged file, so here a row
out of order or repeated is an error naming the file and line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from local_lean.data.lean_folder import ZIP_ERRORS
from local_lean.errors import MalformedDataError

PRICE_SCALE = 10_000.0
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
MILLISECONDS_PER_DAY = 86_400_000

TRADE_FORMAT = "milliseconds since midnight,open,high,low,close,volume with prices x10000"
QUOTE_FORMAT = (
    "milliseconds since midnight,bid open,bid high,bid low,bid close,last bid size,"
    "ask open,ask high,ask low,ask close,last ask size with prices x10000"
)
HOUR_FORMAT = "yyyyMMdd HH:mm,open,high,low,close,volume with prices x10000"

# A trade row's values: open, high, low, close, volume.
TradeValues = tuple[float, float, float, float, float]
# A quote row's values: bid (open, high, low, close) or None, last bid size, ask or None,
# last ask size.
QuoteValues = tuple[
    tuple[float, float, float, float] | None, float, tuple[float, float, float, float] | None, float
]


def minute_path(root: Path, ticker: str, day: dt.date, tick_type: str) -> Path:
    """`<root>/equity/usa/minute/<ticker>/<yyyymmdd>_<tick_type>.zip` (tick_type: trade, quote)."""
    return root / "equity" / "usa" / "minute" / ticker.lower() / f"{day:%Y%m%d}_{tick_type}.zip"


def hour_path(root: Path, ticker: str) -> Path:
    """`<root>/equity/usa/hour/<ticker>.zip`."""
    return root / "equity" / "usa" / "hour" / f"{ticker.lower()}.zip"


def last_intraday_day(root: Path, ticker: str, resolution_name: str) -> dt.date | None:
    """The last day with `ticker`'s bars at "MINUTE" (the latest ``<yyyymmdd>_trade.zip``) or
    "HOUR" (the hour file's last row) resolution; None when there are none."""
    if resolution_name == "MINUTE":
        folder = root / "equity" / "usa" / "minute" / ticker.lower()
        days = [path.name[:8] for path in folder.glob("*_trade.zip")] if folder.is_dir() else []
        dated = [day for day in days if day.isdigit()]
        return dt.datetime.strptime(max(dated), "%Y%m%d").date() if dated else None
    path = hour_path(root, ticker)
    if not path.is_file():
        return None
    last = b""
    with _opened_member(path) as (_, member):
        for line in member:
            if line.strip():
                last = line
    try:
        return dt.datetime.strptime(last[:8].decode("ascii"), "%Y%m%d").date() if last else None
    except (ValueError, UnicodeDecodeError):
        raise MalformedDataError(
            f"{path}: its last row {last[:100]!r} is not a row of {HOUR_FORMAT}"
        ) from None


@dataclass(frozen=True)
class DayRows:
    """One day of a file: bar start times (naive New York time), oldest first, and values."""

    day: dt.date
    times: list[dt.datetime]
    values: list[TradeValues] | list[QuoteValues]


def read_minute_day(path: Path, day: dt.date, tick_type: str) -> DayRows:
    """The rows of one minute zip, prices divided by 10,000. A damaged zip, text that is not
    UTF-8, a malformed row and rows out of order raise MalformedDataError naming the file
    and the line."""
    where, raw = _zip_member(path)
    return parse_minute_rows(raw, where, day, tick_type)


def parse_minute_rows(raw: bytes, where: str, day: dt.date, tick_type: str) -> DayRows:
    """The rows of a minute file's bytes (`where` names it in errors). Well-formed files, the
    usual case, are parsed in bulk by numpy; any file the bulk checks do not pass is read
    line by line (``parse_minute_rows_line_by_line``), which names the problem, so both give
    the same rows and the same errors."""
    rows = _parse_in_bulk(raw, day, tick_type)
    if rows is None:
        rows = parse_minute_rows_line_by_line(raw, where, day, tick_type)
    return rows


def parse_minute_rows_line_by_line(raw: bytes, where: str, day: dt.date, tick_type: str) -> DayRows:
    """The rows of a minute file's bytes, one line at a time, each checked."""
    midnight = dt.datetime.combine(day, dt.time())
    parse = _trade_values if tick_type == "trade" else _quote_values
    row_format = TRADE_FORMAT if tick_type == "trade" else QUOTE_FORMAT
    times: list[dt.datetime] = []
    values: list = []
    previous = -1
    for number, line in enumerate(raw.split(b"\n"), 1):
        text = _decode(line, where, number).strip()
        if not text:
            continue
        fields = text.split(",")
        try:
            milliseconds = int(fields[0])
            row = parse(fields)
        except (ValueError, IndexError):
            raise MalformedDataError(
                f"{where}, line {number}: {text[:100]!r} is not a row of {row_format}"
            ) from None
        if not 0 <= milliseconds < MILLISECONDS_PER_DAY:
            raise MalformedDataError(
                f"{where}, line {number}: {milliseconds} milliseconds is not a time of the day "
                f"(0 to {MILLISECONDS_PER_DAY - 1}); expected {row_format}"
            )
        if milliseconds <= previous:
            raise _out_of_order(where, number, midnight, previous, milliseconds)
        previous = milliseconds
        times.append(midnight + dt.timedelta(milliseconds=milliseconds))
        values.append(row)
    return DayRows(day, times, values)


# Bytes other than these send a file to the line-by-line reader (signs, decimals, letters,
# spaces: all legal or not, it decides).
NOT_PLAIN_DIGITS = re.compile(rb"[^0-9,\r\n]")


def _parse_in_bulk(raw: bytes, day: dt.date, tick_type: str) -> DayRows | None:
    """The rows, when every line holds only digits and commas, has the format's number of
    fields and passes the line-by-line reader's checks; None otherwise."""
    if NOT_PLAIN_DIGITS.search(raw):
        return None
    lines = raw.split()
    columns = 6 if tick_type == "trade" else 11
    fields = b",".join(lines).split(b",")
    if not lines or len(fields) != len(lines) * columns:
        return None
    numbers = np.array([field or b"nan" for field in fields], dtype=np.float64)
    table = numbers.reshape(len(lines), columns)
    milliseconds = table[:, 0]
    if not (np.all(milliseconds < MILLISECONDS_PER_DAY) and np.all(np.diff(milliseconds) > 0)):
        return None
    times = (
        np.datetime64(day, "ms") + milliseconds.astype(np.int64).astype("timedelta64[ms]")
    ).tolist()
    if tick_type == "trade":
        if np.isnan(numbers).any() or not np.all(table[:, 1:5] > 0):
            return None
        values = np.column_stack((table[:, 1:5] / PRICE_SCALE, table[:, 5]))
        return DayRows(day, times, list(map(tuple, values.tolist())))
    sides = []
    for prices, sizes in ((table[:, 1:5], table[:, 5]), (table[:, 6:10], table[:, 10])):
        present = ~np.isnan(prices).all(axis=1)
        if not np.all(prices[present] > 0):  # NaN (an empty field) in a present side fails
            return None
        sizes = np.where(present & ~np.isnan(sizes), sizes, 0.0)
        scaled = (prices / PRICE_SCALE).tolist()
        sides.append(
            (
                [tuple(row) if shown else None for row, shown in zip(scaled, present, strict=True)],
                sizes.tolist(),
            )
        )
    (bids, bid_sizes), (asks, ask_sizes) = sides
    return DayRows(day, times, list(zip(bids, bid_sizes, asks, ask_sizes, strict=True)))


def stream_hour_days(path: Path, first_day: dt.date, last_day: dt.date) -> Iterator[DayRows]:
    """The trade rows of an hour zip from `first_day` to `last_day`, one day at a time, read
    as a stream (the file holds the ticker's whole history: it is never loaded whole); rows
    before `first_day` are only compared, not parsed."""
    first, last = f"{first_day:%Y%m%d}", f"{last_day:%Y%m%d}"
    day_text = ""
    times: list[dt.datetime] = []
    values: list = []
    previous = ""
    with _opened_member(path) as (where, member):
        for number, line in enumerate(member, 1):
            text = _decode(line, where, number).strip()
            if not text:
                continue
            stamp = text[:14]
            if stamp <= previous:
                raise MalformedDataError(
                    f"{where}, line {number}: the bar of {stamp!r} comes after the bar of "
                    f"{previous!r}; rows must go forward in time, each time once (re-download "
                    "the file)"
                )
            previous = stamp
            if stamp[:8] < first:
                continue
            if stamp[:8] > last:
                break
            fields = text.split(",")
            try:
                time = dt.datetime.strptime(fields[0], "%Y%m%d %H:%M")
                row = _trade_values(fields)
            except (ValueError, IndexError):
                raise MalformedDataError(
                    f"{where}, line {number}: {text[:100]!r} is not a row of {HOUR_FORMAT}"
                ) from None
            if stamp[:8] != day_text and times:
                yield DayRows(times[0].date(), times, values)
                times, values = [], []
            day_text = stamp[:8]
            times.append(time)
            values.append(row)
    if times:
        yield DayRows(times[0].date(), times, values)


def _trade_values(fields: list[str]) -> TradeValues:
    if len(fields) != 6:
        raise ValueError(f"{len(fields)} fields")
    open_, high, low, close = (_price(field) for field in fields[1:5])
    return open_, high, low, close, _size(fields[5])


def _quote_values(fields: list[str]) -> QuoteValues:
    if len(fields) != 11:
        raise ValueError(f"{len(fields)} fields")
    # LEAN reads a side's size only when the side is there
    bid, ask = _side(fields[1:5]), _side(fields[6:10])
    bid_size = _size(fields[5]) if bid is not None else 0.0
    ask_size = _size(fields[10]) if ask is not None else 0.0
    return bid, bid_size, ask, ask_size


def _side(fields: list[str]) -> tuple[float, float, float, float] | None:
    """One side of a quote; None when its four prices are empty (LEAN: no Bid, or no Ask)."""
    if not any(fields):
        return None
    open_, high, low, close = (_price(field) for field in fields)
    return open_, high, low, close


def _price(field: str) -> float:
    value = float(field) / PRICE_SCALE
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"price {field!r}")
    return value


def _size(field: str) -> float:
    value = float(field) if field else 0.0
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"size {field!r}")
    return value


def _decode(line: bytes, where: str, number: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedDataError(
            f"{where}, line {number}: byte {line[error.start]:#04x} is not UTF-8 text; data files "
            "hold plain text (ASCII): re-export or re-download the file"
        ) from None


def _out_of_order(
    where: str, number: int, midnight: dt.datetime, previous: int, milliseconds: int
) -> MalformedDataError:
    def clock(ms: int) -> str:
        return f"{midnight + dt.timedelta(milliseconds=ms):%H:%M:%S}"

    return MalformedDataError(
        f"{where}, line {number}: the bar of {clock(milliseconds)} comes after the bar of "
        f"{clock(previous)}; rows must go forward in time, each time once (re-download the file)"
    )


def _unreadable(path: Path, error: BaseException) -> MalformedDataError:
    return MalformedDataError(
        f"{path} is not a readable zip file ({type(error).__name__}: {error}); download it again"
    )


@contextlib.contextmanager
def _opened_member(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(where, the zip's csv as a binary stream); a damaged zip raises MalformedDataError."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if not members:
                raise MalformedDataError(f"{path} holds no .csv file; expected one of LEAN's")
            with archive.open(members[0]) as member:
                yield f"{path}:{members[0]}", member
    except (*ZIP_ERRORS, NotImplementedError, RuntimeError) as error:
        raise _unreadable(path, error) from error


def _zip_member(path: Path) -> tuple[str, bytes]:
    with _opened_member(path) as (where, member):
        return where, member.read()
