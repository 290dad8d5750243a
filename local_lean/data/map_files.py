"""LEAN's map files: which security a ticker names, and that security's first ticker and date.

A map file (`<root>/equity/usa/map_files/<permtick>.csv`) lists, for one security, the dates on
which its ticker changed: rows `yyyymmdd,ticker[,exchange]`, each row's ticker being the one
used up to and including that date. LEAN's SecurityIdentifier for an equity carries the
security's first ticker and the first date of its map file, so that "GOOG" (once "GOOCV") and
"GOOGL" (once "GOOG") get different, permanent identifiers.

The lookup follows LEAN's `MapFileResolver.ResolveMapFile` and `MapFile`
(Common/Data/Auxiliary): every row of every map file is indexed by the ticker it maps to; asked
for a ticker on a date, the resolver takes the security of the first row for that ticker dated
on or after the date (the last row when the date is after all of them), or else the map file
named like the ticker ("VXX.1"). The first ticker loses a ".<digits>" suffix, as in LEAN.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from pathlib import Path

from local_lean.data.rows import decode_text
from local_lean.errors import MalformedDataError
from local_lean.symbols import DEFAULT_DATE


@dataclass(frozen=True)
class MapFile:
    """One security's ticker history: `rows` are (date, upper-case ticker), oldest first."""

    permtick: str
    rows: tuple[tuple[datetime.date, str], ...]

    @property
    def first_date(self) -> datetime.date:
        return self.rows[0][0]

    @property
    def first_ticker(self) -> str:
        """The ticker of the first row, without a ".<digits>" suffix (LEAN's FirstTicker)."""
        ticker = self.rows[0][1]
        stem, dot, number = ticker.rpartition(".")
        if dot and stem and number.isdigit():
            return stem
        return ticker


def read_map_file(path: Path) -> MapFile:
    """One map file; blank lines are skipped, a row that is not `yyyymmdd,ticker,...` is an
    error naming the file and line."""
    rows: set[tuple[datetime.date, str]] = set()
    for number, line in enumerate(decode_text(path.read_bytes(), str(path)).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.strip().split(",")
        try:
            day = _parse_yyyymmdd(fields[0])
            ticker = fields[1].strip().upper()
        except (ValueError, IndexError) as error:
            raise MalformedDataError(
                f"{path}, line {number}: not a map file row; expected "
                "yyyymmdd,ticker[,exchange] (fix or delete the file)"
            ) from error
        if not ticker:
            raise MalformedDataError(f"{path}, line {number}: the row has an empty ticker")
        rows.add((day, ticker))
    if not rows:
        raise MalformedDataError(f"{path} has no rows; a map file lists yyyymmdd,ticker rows")
    return MapFile(path.stem.upper(), tuple(sorted(rows)))


def _parse_yyyymmdd(text: str) -> datetime.date:
    # Several times faster than strptime, which matters for folders of ~20,000 map files.
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"{text!r} is not a yyyymmdd date")
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


class MapFileResolver:
    """All map files of a folder, indexed by the tickers they map to (LEAN's MapFileResolver)."""

    def __init__(self, map_files: list[MapFile]) -> None:
        self._by_permtick = {map_file.permtick: map_file for map_file in map_files}
        # ticker -> sorted (date, permtick) of every row mapping to that ticker; when two files
        # share a (date, ticker) row the first file in name order keeps it, deterministically.
        entries: dict[str, dict[datetime.date, str]] = {}
        for map_file in sorted(map_files, key=lambda m: m.permtick):
            for day, ticker in map_file.rows:
                entries.setdefault(ticker, {}).setdefault(day, map_file.permtick)
        self._by_ticker = {ticker: sorted(by_date.items()) for ticker, by_date in entries.items()}

    @classmethod
    def from_folder(cls, folder: Path) -> MapFileResolver:
        """The map files (`*.csv`) in `folder`; none when the folder does not exist (LEAN's
        resolver is empty then, and every equity gets LEAN's default date)."""
        if not folder.is_dir():
            return cls([])
        return cls([read_map_file(path) for path in sorted(folder.glob("*.csv"))])

    def resolve_map_file(self, ticker: str, date: datetime.date) -> MapFile | None:
        """The map file of the security trading as `ticker` on `date`; None when none does."""
        permtick = ticker.strip().upper()
        entries = self._by_ticker.get(permtick)
        if entries:
            dates = [day for day, _ in entries]
            index = min(bisect.bisect_left(dates, date), len(entries) - 1)
            permtick = entries[index][1]
        map_file = self._by_permtick.get(permtick)
        if map_file is None or (map_file.first_date > date and date != DEFAULT_DATE):
            return None
        return map_file
