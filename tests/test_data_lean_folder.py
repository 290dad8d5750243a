"""LEAN data folders: zip parsing, factor-file adjustment as LEAN does it, and bad input."""

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from local_lean.data import LeanDataFolder, open_price_source
from local_lean.errors import MalformedDataError, MissingDataError

SHARED_LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"


def write_daily_zip(root: Path, ticker: str, rows: list[str]) -> Path:
    folder = root / "equity" / "usa" / "daily"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ticker.lower()}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{ticker.lower()}.csv", "\n".join(rows) + "\n")
    return path


def write_factor_file(root: Path, ticker: str, rows: list[str]) -> None:
    folder = root / "equity" / "usa" / "factor_files"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ticker.lower()}.csv").write_text("\n".join(rows) + "\n")


# A 2-for-1 split effective on 2020-01-06: the row dated on the last day before it (2020-01-03)
# carries split factor 0.5 for every day up to that date. A dividend going ex on 2020-01-02 puts
# price factor 0.98 on the row dated the day before (2019-12-31), as LEAN's factor files do.
RAW_ROWS = [
    "20191231 00:00,1000000,1010000,990000,1000000,1000",  # 100.00
    "20200102 00:00,1000000,1030000,1000000,1020000,2000",  # 102.00
    "20200103 00:00,1020000,1040000,1010000,1030000,3000",  # 103.00
    "20200106 00:00,515000,525000,510000,520000,8000",  # 52.00 after the split
    "20200107 00:00,520000,530000,515000,525000,9000",  # 52.50
]
FACTOR_ROWS = [
    "19980102,0.98,0.5,0",
    "20191231,0.98,0.5,100",
    "20200103,1,0.5,103",
    "20501231,1,1,0",
]


@pytest.fixture
def lean_root(tmp_path):
    write_daily_zip(tmp_path, "ABC", RAW_ROWS)
    write_factor_file(tmp_path, "ABC", FACTOR_ROWS)
    return tmp_path


def test_prices_are_divided_by_10000_and_adjusted_with_the_first_factor_row_on_or_after(lean_root):
    bars = LeanDataFolder(lean_root).daily_bars("abc")
    # By hand: 2019-12-31 uses the row dated 2019-12-31 (0.98 x 0.5); 01-02 and 01-03 use the
    # row dated 2020-01-03 (1 x 0.5); after the split the last row (1 x 1).
    assert bars["close"].tolist() == pytest.approx([49.0, 51.0, 51.5, 52.0, 52.5])
    assert bars["open"].tolist() == pytest.approx([49.0, 50.0, 51.0, 51.5, 52.0])
    assert bars.loc["2020-01-06", "high"] == pytest.approx(52.5)
    # Volume is divided by the same factor (LEAN scales it by 1/factor and rounds).
    assert bars["volume"].tolist() == [round(1000 / 0.49), 4000, 6000, 8000, 9000]


def test_the_frame_has_the_shared_shape(lean_root):
    bars = LeanDataFolder(lean_root).daily_bars("ABC")
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]
    assert bars.index.name == "date"
    assert bars.index.tz is None
    assert (bars.index == bars.index.normalize()).all()
    assert bars.index.is_monotonic_increasing and bars.index.is_unique
    assert all(dtype == np.float64 for dtype in bars.dtypes)


def test_bars_after_the_last_factor_row_use_a_factor_of_one(tmp_path):
    write_daily_zip(tmp_path, "ABC", RAW_ROWS)
    write_factor_file(tmp_path, "ABC", ["19980102,0.9,0.5,0", "20200102,0.9,0.5,100"])
    bars = LeanDataFolder(tmp_path).daily_bars("ABC")
    assert bars["close"].tolist() == pytest.approx([45.0, 45.9, 103.0, 52.0, 52.5])


def test_a_missing_factor_file_gives_unadjusted_prices_and_a_warning(tmp_path):
    write_daily_zip(tmp_path, "ABC", RAW_ROWS)
    source = LeanDataFolder(tmp_path)
    with pytest.warns(UserWarning, match="no factor file"):
        bars = source.daily_bars("ABC")
    assert bars["close"].tolist() == pytest.approx([100.0, 102.0, 103.0, 52.0, 52.5])
    assert source.unadjusted_tickers == {"ABC"}
    assert source.description.endswith("(no factor file, prices not adjusted: ABC)")


def test_a_missing_zip_names_the_path(lean_root):
    source = LeanDataFolder(lean_root)
    assert not source.has_ticker("XYZ")
    with pytest.raises(MissingDataError, match=r"XYZ.*equity/usa/daily/xyz\.zip"):
        source.daily_bars("XYZ")


def test_a_malformed_row_names_the_file_and_line(tmp_path):
    rows = [*RAW_ROWS[:2], "20200103 00:00,1020000,abc,1010000,1030000,3000", *RAW_ROWS[3:]]
    write_daily_zip(tmp_path, "ABC", rows)
    write_factor_file(tmp_path, "ABC", FACTOR_ROWS)
    with pytest.raises(MalformedDataError, match=r"abc\.zip:abc\.csv, line 3: a high"):
        LeanDataFolder(tmp_path).daily_bars("ABC")


def test_a_bad_date_names_the_line(tmp_path):
    rows = [RAW_ROWS[0], "2020-01-02,1000000,1030000,1000000,1020000,2000"]
    write_daily_zip(tmp_path, "ABC", rows)
    write_factor_file(tmp_path, "ABC", FACTOR_ROWS)
    with pytest.raises(MalformedDataError, match="line 2: a date"):
        LeanDataFolder(tmp_path).daily_bars("ABC")


@pytest.mark.parametrize("bad_price", ["0", "-1000000", "nan"])
def test_non_positive_or_missing_prices_are_refused(tmp_path, bad_price):
    rows = [RAW_ROWS[0], f"20200102 00:00,1000000,1030000,1000000,{bad_price},2000"]
    write_daily_zip(tmp_path, "ABC", rows)
    write_factor_file(tmp_path, "ABC", FACTOR_ROWS)
    with pytest.raises(MalformedDataError, match="2020-01-02|line 2"):
        LeanDataFolder(tmp_path).daily_bars("ABC")


def test_a_malformed_factor_row_names_the_line(tmp_path):
    write_daily_zip(tmp_path, "ABC", RAW_ROWS)
    write_factor_file(tmp_path, "ABC", ["19980102,0.98,0.5,0", "2020x,1,1,0"])
    with pytest.raises(MalformedDataError, match=r"abc\.csv, line 2"):
        LeanDataFolder(tmp_path).daily_bars("ABC")


def test_a_corrupt_zip_is_a_malformed_data_error(tmp_path):
    folder = tmp_path / "equity" / "usa" / "daily"
    folder.mkdir(parents=True)
    (folder / "abc.zip").write_bytes(b"not a zip")
    with pytest.raises(MalformedDataError, match="not a readable zip"):
        LeanDataFolder(tmp_path).daily_bars("ABC")


def test_parsed_frames_are_cached(lean_root):
    source = LeanDataFolder(lean_root)
    assert source.daily_bars("ABC") is source.daily_bars("abc")


def test_open_price_source_recognises_a_lean_folder(lean_root):
    source = open_price_source(lean_root)
    assert isinstance(source, LeanDataFolder)
    assert str(lean_root.resolve()) in source.description


needs_shared_data = pytest.mark.skipif(
    not (SHARED_LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file(),
    reason="LEAN sample data not present",
)


@needs_shared_data
def test_real_spy_adjusted_close_is_plausible():
    bars = LeanDataFolder(SHARED_LEAN_DATA).daily_bars("SPY")
    # SPY closed at 321.86 on 2019-12-31; dividends since then shrink the adjusted value a bit.
    assert 290 < bars.loc["2019-12-31", "close"] < 322
    assert bars.index[0] == pd.Timestamp("1998-01-02")


@needs_shared_data
@pytest.mark.parametrize(
    ("before", "after", "raw_ratio"),
    [("2014-06-06", "2014-06-09", 7.0), ("2020-08-28", "2020-08-31", 4.0)],
)
def test_real_aapl_splits_do_not_show_as_jumps(before, after, raw_ratio):
    source = LeanDataFolder(SHARED_LEAN_DATA)
    adjusted = source.daily_bars("AAPL")["close"]
    assert abs(adjusted[after] / adjusted[before] - 1) < 0.1
    zip_path = SHARED_LEAN_DATA / "equity" / "usa" / "daily" / "aapl.zip"
    from local_lean.data.lean_folder import read_daily_zip

    raw = read_daily_zip(zip_path, "AAPL")["close"]
    assert raw[before] / raw[after] == pytest.approx(raw_ratio, rel=0.1)  # the split is real
