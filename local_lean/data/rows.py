"""Text rows to daily bars, for the file readers: every problem is reported with the file and
the line, so a bad byte or row in a data file is found without opening a debugger."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from local_lean.data.bars import BAR_COLUMNS, check_bar_frame, make_bar_frame
from local_lean.errors import MalformedDataError

EIGHT_DIGIT_DATE = re.compile(r"\d{8}")


def decode_text(raw: bytes, where: str) -> str:
    """The bytes of a data file as text (UTF-8, which includes ASCII, LEAN's own encoding)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise MalformedDataError(
            f"{where}, line {line}: byte {raw[error.start]:#04x} is not UTF-8 text; data files "
            "hold plain text (ASCII): re-export or re-download the file"
        ) from None


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines with their 1-based line numbers."""
    return [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def bars_from_rows(
    where: str,
    line_numbers: list[int],
    dates: list[str],
    columns: list[list[str]],
    row_format: str,
    price_scale: float = 1.0,
) -> pd.DataFrame:
    """Bars from text fields: `dates` as yyyyMMdd, `columns` the open, high, low, close and
    volume fields of each row (line_numbers[i] is row i's line). Prices are divided by
    `price_scale`. A field that is not a date or a number, a price that is not finite and
    positive, a volume that is negative and a date given twice raise MalformedDataError naming
    the file, the line and `row_format` (what a row should look like)."""

    def refuse(row: int, problem: str) -> None:
        raise MalformedDataError(
            f"{where}, line {line_numbers[row]}: {problem}; expected {row_format}"
        )

    for row, text in enumerate(dates):
        if not EIGHT_DIGIT_DATE.fullmatch(text):
            refuse(row, f"a date that is not yyyyMMdd: {text!r}")
    days = pd.to_datetime(dates, format="%Y%m%d", errors="coerce")
    if days.isna().any():
        row = int(np.argmax(days.isna()))
        refuse(row, f"a date that is not a calendar day of 1678..2261: {dates[row]!r}")

    values = np.empty((len(dates), len(BAR_COLUMNS)), dtype="float64")
    for index, (name, texts) in enumerate(zip(BAR_COLUMNS, columns, strict=True)):
        numbers = _numbers(texts)
        usable = np.isfinite(numbers) & ((numbers >= 0) if name == "volume" else (numbers > 0))
        if not usable.all():
            row = int(np.argmin(usable))
            wanted = "a number >= 0" if name == "volume" else "a positive number"
            refuse(row, f"a {name} that is not {wanted}: {texts[row].strip()!r}")
        values[:, index] = numbers
    values[:, :4] /= price_scale

    index = pd.DatetimeIndex(days)
    repeated = index.duplicated()
    if repeated.any():
        row = int(repeated.argmax())
        first = int(np.flatnonzero(index == index[row])[0])
        refuse(
            row,
            f"the date {index[row].date()} appears more than once (also on line "
            f"{line_numbers[first]}); keep one row",
        )
    return check_bar_frame(make_bar_frame(index, values), where)


def _numbers(texts: list[str]) -> np.ndarray:
    """The fields as float64, NaN where a field is not a number."""
    try:
        return np.array(texts, dtype="float64")  # one C loop in the usual case
    except ValueError:
        numbers = pd.to_numeric(pd.Series(texts, dtype=object).str.strip(), errors="coerce")
        return numbers.to_numpy(dtype="float64", na_value=np.nan)
