"""Data files as a careless or hostile folder holds them: bytes that are not UTF-8 in a map
file, a zip that inflates to gigabytes, a linked file that is not data, a zip whose entry is
another ticker's, and a year of bars missing."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.lean_folder import MAX_DAILY_FILE_BYTES
from local_lean.data.lean_folder import LeanDataFolder as LeanFolder
from local_lean.data.map_files import read_map_file
from local_lean.enums import Resolution
from local_lean.errors import MalformedDataError

ROWS = "".join(
    f"2021010{day} 00:00,1000000,1010000,990000,1005000,1000\n" for day in (4, 5, 6, 7, 8)
)


def lean_folder(root: Path, zips: dict[str, dict[str, str | bytes]]) -> LeanFolder:
    daily = root / "equity" / "usa" / "daily"
    daily.mkdir(parents=True, exist_ok=True)
    for ticker, members in zips.items():
        with zipfile.ZipFile(daily / f"{ticker}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)
    return LeanFolder(root)


def test_a_map_file_with_bytes_that_are_not_utf8_is_named(tmp_path):
    path = tmp_path / "spy.csv"
    path.write_bytes(b"19980102,spy,P\n20010101,sp\xff\xfey,P\n")
    with pytest.raises(MalformedDataError, match=r"spy\.csv, line 2: byte 0xff is not UTF-8"):
        read_map_file(path)


def test_a_zip_that_inflates_beyond_any_daily_file_is_refused_unread(tmp_path):
    # Zeros deflate about a thousand to one: 65 MiB of them make a zip of some 65 KB.
    source = lean_folder(tmp_path, {"spy": {"spy.csv": b"0" * (MAX_DAILY_FILE_BYTES + 1024)}})
    with pytest.raises(MalformedDataError, match=r"spy\.csv inflates to more than 64 MiB"):
        source.daily_bars("SPY")


def test_an_error_about_a_linked_file_does_not_quote_its_content(tmp_path):
    outside = tmp_path / "outside"
    private = lean_folder(outside, {"other": {"other.csv": "user=alice password=hunter2\n"}})
    del private
    data = tmp_path / "data"
    lean_folder(data, {"qqq": {"qqq.csv": ROWS}})
    (data / "equity/usa/daily/spy.zip").symlink_to(outside / "equity/usa/daily/other.zip")
    with pytest.raises(MalformedDataError) as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LeanFolder(data).daily_bars("SPY")
    assert "line 1" in str(raised.value) and "hunter2" not in str(raised.value)


def test_a_zip_whose_first_entry_is_another_tickers_is_read_with_a_warning(tmp_path):
    source = lean_folder(tmp_path, {"spy": {"aapl.csv": ROWS, "spy.csv": ROWS}})
    with pytest.warns(UserWarning, match=r"SPY: .*spy\.zip holds aapl\.csv \(of 2 .csv entries\)"):
        bars = source.daily_bars("SPY")
    assert len(bars) == 5  # read as LEAN reads it: the first entry


def test_a_zip_whose_entry_is_named_for_its_ticker_gives_no_warning(tmp_path):
    source = lean_folder(tmp_path, {"spy": {"spy.csv": ROWS}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=".*no factor file.*")
        assert len(source.daily_bars("SPY")) == 5


def test_a_year_of_missing_bars_is_named_once_in_the_log(tmp_path):
    data = tmp_path / "prices"
    data.mkdir()
    days = [d for d in (dt.date(2018, 1, 2) + dt.timedelta(n) for n in range(1200))
            if d.weekday() < 5 and not dt.date(2019, 3, 1) <= d < dt.date(2020, 3, 2)]  # fmt: skip
    rows = "".join(f"{d:%Y-%m-%d},100,101,99,100,1000\n" for d in days)
    (data / "spy.csv").write_text("date,open,high,low,close,volume\n" + rows)

    class HoldsSpy(QCAlgorithm):
        def initialize(self):
            self.set_start_date(2019, 1, 2)
            self.set_end_date(2020, 6, 30)
            self.add_equity("SPY", Resolution.DAILY)

    algorithm, outcome = run_algorithm(HoldsSpy, data=str(data))
    warnings_ = [line for line in outcome.record.logs if "has no bars between" in line]
    assert len(warnings_) == 1
    assert "SPY" in warnings_[0] and "2019-02-28 to 2020-03-02 (368 days)" in warnings_[0]
