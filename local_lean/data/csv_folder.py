"""Daily bars from a folder of plain CSV files, one per ticker.

`<root>/<ticker>.csv` (file name in any case) with a header row naming the columns
`date, open, high, low, close, volume` (any order, any case; extra columns are ignored) and dates
as `YYYY-MM-DD` or `yyyyMMdd`. Prices are taken as given: they should already be adjusted for
splits and dividends, as LEAN's default ADJUSTED mode would present them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from local_lean.data.bars import BAR_COLUMNS
from local_lean.data.rows import bars_from_rows, decode_text
from local_lean.errors import MalformedDataError, MissingDataError

REQUIRED_COLUMNS = ["date", *BAR_COLUMNS]


class CsvFolder:
    """A PriceSource reading `<root>/<ticker>.csv`; parsed frames are cached."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise MissingDataError(f"{self.root} is not a folder of <ticker>.csv files")
        self.description = f"CSV folder {self.root}"
        self._cache: dict[str, pd.DataFrame] = {}
        self._files: dict[str, Path] | None = None

    def _files_by_ticker(self) -> dict[str, Path]:
        """Upper-case ticker -> file, listed once (the engine asks for every ticker each run)."""
        if self._files is None:
            self._files = {
                path.stem.upper(): path
                for path in self.root.iterdir()
                if path.suffix.lower() == ".csv" and path.is_file()
            }
        return self._files

    def has_ticker(self, ticker: str) -> bool:
        return ticker.strip().upper() in self._files_by_ticker()

    def daily_bars(self, ticker: str) -> pd.DataFrame:
        """All daily bars of `ticker`, prices as the file gives them."""
        key = ticker.strip().upper()
        if key not in self._cache:
            path = self._files_by_ticker().get(key)
            if path is None:
                raise MissingDataError(
                    f"no daily data for {key}: {self.root / (key + '.csv')} does not exist "
                    "(looked for <ticker>.csv in any case)"
                )
            self._cache[key] = read_bar_csv(path)
        return self._cache[key]


CSV_ROW_FORMAT = "a row of date (YYYY-MM-DD or yyyyMMdd),open,high,low,close,volume"


def read_bar_csv(path: Path) -> pd.DataFrame:
    """Read one `date,open,high,low,close,volume` file; errors name the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise MalformedDataError(f"{path}: cannot be read ({error})") from error
    return parse_bar_csv(raw, str(path))


def parse_bar_csv(raw: bytes, where: str) -> pd.DataFrame:
    """Bars from the bytes of a CSV file with a header row; errors name `where` and the line."""
    text = decode_text(raw, where)
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        # a row with text in any field ("".join: one C call instead of a generator per row)
        rows = [(reader.line_num, row) for row in reader if "".join(row).strip()]
    except csv.Error as error:
        raise MalformedDataError(f"{where}, line {reader.line_num}: {error}") from None
    if not rows:
        raise MalformedDataError(
            f"{where} is empty: the first row must name the columns date,open,high,low,close,volume"
        )
    header_line, header = rows[0]
    names = [field.strip().lower().lstrip("\ufeff") for field in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise MalformedDataError(
            f"{where}, line {header_line}: the header lacks {', '.join(missing)}; the first row "
            "must name the columns date,open,high,low,close,volume"
        )
    if not rows[1:]:
        raise MalformedDataError(f"{where} has a header but no rows of prices")
    positions = [names.index(column) for column in REQUIRED_COLUMNS]
    data = [row for _, row in rows[1:]]
    if min(map(len, data)) < len(names):
        for number, row in rows[1:]:
            if len(row) < len(names):
                raise MalformedDataError(
                    f"{where}, line {number}: {len(row)} fields, but the header names "
                    f"{len(names)}; expected {CSV_ROW_FORMAT}"
                )
    # The columns by position, in one transposition (every row has the header's fields).
    columns = list(zip(*data, strict=False))
    fields = [list(columns[position]) for position in positions]
    dates = [text.strip().replace("-", "") for text in fields[0]]
    return bars_from_rows(
        where, [number for number, _ in rows[1:]], dates, fields[1:], CSV_ROW_FORMAT
    )
