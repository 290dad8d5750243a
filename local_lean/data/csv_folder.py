"""Daily bars from a folder of plain CSV files, one per ticker.

`<root>/<ticker>.csv` (file name in any case) with a header row naming the columns
`date, open, high, low, close, volume` (any order, any case; extra columns are ignored) and dates
as `YYYY-MM-DD` or `yyyyMMdd`. Prices are taken as given: they should already be adjusted for
splits and dividends, as LEAN's default ADJUSTED mode would present them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from local_lean.data.bars import BAR_COLUMNS, check_bar_frame, make_bar_frame
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


def read_bar_csv(path: Path) -> pd.DataFrame:
    """Read one `date,open,high,low,close,volume` file; errors name the file and line."""
    try:
        table = pd.read_csv(path, dtype={"date": str}, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise MalformedDataError(f"{path}: cannot be read as CSV ({error})") from error
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise MalformedDataError(
            f"{path}: the header lacks {', '.join(missing)}; the first row must name the columns "
            "date,open,high,low,close,volume"
        )
    text = table["date"].astype(str).str.strip().str.replace("-", "", regex=False)
    dates = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    _reject_first(dates.isna(), path, table, "a date that is not YYYY-MM-DD or yyyyMMdd")
    for column in BAR_COLUMNS:
        numbers = pd.to_numeric(table[column], errors="coerce")
        _reject_first(numbers.isna(), path, table, f"a {column} that is not a number")
        table[column] = numbers
    frame = make_bar_frame(pd.DatetimeIndex(dates), table[BAR_COLUMNS].to_numpy())
    return check_bar_frame(frame, str(path))


def _reject_first(bad: pd.Series, path: Path, table: pd.DataFrame, problem: str) -> None:
    if not bad.any():
        return
    row = int(bad.to_numpy().argmax())
    # pandas drops blank lines; count lines in the file to report the true line number.
    line_number = _data_line_number(path, row)
    values = ",".join(str(value) for value in table.iloc[row].tolist())
    raise MalformedDataError(f"{path}, line {line_number}: {problem}: {values!r}")


def _data_line_number(path: Path, row: int) -> int:
    seen = -1
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if line.strip():
            seen += 1
            if seen == row:
                return number
    return row + 2
