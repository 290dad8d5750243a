"""Data files as users meet them: bad bytes, empty files, empty folders, and arbitrary rows.

Property-based tests (hypothesis) feed the LEAN zip and CSV readers arbitrary bytes and rows:
each gives either bars or a MalformedDataError naming the file (and the line, for a bad row),
never another exception.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_lean.cli import EXIT_USAGE, main
from local_lean.data import LeanDataFolder
from local_lean.data.csv_folder import parse_bar_csv, read_bar_csv
from local_lean.data.lean_folder import parse_daily_csv, read_daily_zip
from local_lean.errors import DataError, MalformedDataError

ALGORITHMS = Path(__file__).resolve().parent / "algorithms"
GOOD_ROW = "20200102 00:00,1000000,1030000,1000000,1020000,2000"
# Bounded and without deadlines: the machine may be loaded, and a flaky test is a defect.
QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


def write_zip(folder: Path, ticker: str, contents: bytes) -> Path:
    daily = folder / "equity" / "usa" / "daily"
    daily.mkdir(parents=True, exist_ok=True)
    path = daily / f"{ticker}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{ticker}.csv", contents)
    return path


def test_a_byte_that_is_not_utf8_names_the_zip_the_file_and_the_line(tmp_path):
    path = write_zip(
        tmp_path, "abc", f"{GOOD_ROW}\n2020010\xff 00:00,1,1,1,1,1\n".encode("latin-1")
    )
    with pytest.raises(MalformedDataError, match=r"abc\.zip:abc\.csv, line 2: byte 0xff"):
        read_daily_zip(path, "ABC")


def test_an_empty_csv_in_a_zip_is_refused(tmp_path):
    path = write_zip(tmp_path, "abc", b"\n\n")
    with pytest.raises(MalformedDataError, match=r"abc\.zip:abc\.csv is empty"):
        read_daily_zip(path, "ABC")


def test_an_empty_daily_folder_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "equity" / "usa" / "daily").mkdir(parents=True)
    with pytest.raises(DataError, match="holds no <ticker>.zip files"):
        LeanDataFolder(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main([str(ALGORITHMS / "buy_and_hold.py"), "--data", str(tmp_path), "--no-progress"])
    assert exit_info.value.code == EXIT_USAGE
    assert "holds no <ticker>.zip files" in capsys.readouterr().err


def test_infinite_prices_are_refused_with_the_line():
    with pytest.raises(MalformedDataError, match="x.csv, line 2: a close that is not a positive"):
        parse_bar_csv(b"date,open,high,low,close,volume\n2020-01-02,1,1,1,inf,5\n", "x.csv")


# ----- properties --------------------------------------------------------------------------------


def assert_clear(error: MalformedDataError, where: str) -> None:
    assert str(error).startswith(where), str(error)


@QUICK
@given(st.binary(max_size=300))
def test_arbitrary_bytes_in_a_lean_csv_give_bars_or_a_clear_error(raw):
    try:
        bars = parse_daily_csv(raw, "spy.zip:spy.csv")
    except MalformedDataError as error:
        assert_clear(error, "spy.zip:spy.csv")
    else:
        assert len(bars) > 0 and bars.index.is_monotonic_increasing


@QUICK
@given(st.binary(max_size=300))
def test_arbitrary_bytes_in_a_csv_file_give_bars_or_a_clear_error(raw):
    try:
        bars = parse_bar_csv(raw, "spy.csv")
    except MalformedDataError as error:
        assert_clear(error, "spy.csv")
    else:
        assert len(bars) > 0 and bars.index.is_monotonic_increasing


@QUICK
@given(st.binary(max_size=200))
def test_arbitrary_bytes_as_a_zip_file_give_a_clear_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("zip") / "spy.zip"
    path.write_bytes(raw)
    with pytest.raises(MalformedDataError) as raised:
        read_daily_zip(path, "SPY")
    assert_clear(raised.value, str(path))


FIELD = st.one_of(
    st.integers(-5, 2_000_000).map(str),
    st.sampled_from(["", " ", "nan", "inf", "-0", "1e400", "x", "1,5", '"3"', "\t7"]),
    st.text(max_size=6),
)
TIME = st.one_of(
    st.dates().map(lambda day: f"{day:%Y%m%d} 00:00"),
    st.sampled_from(["20200230 00:00", "2020-01-02", "20200102", "", "99999999 00:00"]),
    st.text(max_size=10),
)


@QUICK
@given(st.lists(st.tuples(TIME, FIELD, FIELD, FIELD, FIELD, FIELD), min_size=1, max_size=8))
def test_arbitrary_lean_rows_give_bars_or_an_error_naming_the_file_and_line(rows):
    text = "\n".join(",".join(row) for row in rows)
    try:
        bars = parse_daily_csv(text.encode("utf-8"), "spy.zip:spy.csv")
    except MalformedDataError as error:
        assert_clear(error, "spy.zip:spy.csv")
    else:
        assert 0 < len(bars) <= len(rows)
        assert np.isfinite(bars.to_numpy()).all() and (bars["close"] > 0).all()


@QUICK
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
            *[st.integers(1, 10**9)] * 4,
            st.integers(0, 10**9),
        ),
        min_size=1,
        max_size=20,
        unique_by=lambda row: row[0],
    )
)
def test_valid_lean_rows_give_exactly_their_bars(rows):
    text = "\n".join(f"{day:%Y%m%d} 00:00,{o},{h},{lo},{c},{v}" for day, o, h, lo, c, v in rows)
    bars = parse_daily_csv(text.encode(), "spy.zip:spy.csv")
    expected = sorted(rows)
    assert [day for day in bars.index.date] == [row[0] for row in expected]
    np.testing.assert_allclose(bars["close"], [row[4] / 10_000 for row in expected])
    np.testing.assert_array_equal(bars["volume"], [float(row[5]) for row in expected])


@QUICK
@given(st.lists(st.tuples(TIME, FIELD, FIELD, FIELD, FIELD, FIELD), min_size=0, max_size=8))
def test_arbitrary_csv_rows_give_bars_or_an_error_naming_the_file(rows):
    text = "date,open,high,low,close,volume\n" + "\n".join(",".join(row) for row in rows)
    try:
        bars = parse_bar_csv(text.encode("utf-8"), "spy.csv")
    except MalformedDataError as error:
        assert_clear(error, "spy.csv")
    else:
        assert 0 < len(bars) <= len(rows)


def test_a_csv_file_that_cannot_be_read_names_it(tmp_path):
    with pytest.raises(MalformedDataError, match="cannot be read"):
        read_bar_csv(tmp_path)  # a folder, not a file


def test_zip_reading_uses_the_same_rules_as_the_text_parser(tmp_path):
    path = write_zip(tmp_path, "abc", (GOOD_ROW + "\n").encode())
    assert len(read_daily_zip(path, "ABC")) == 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("abc.csv", GOOD_ROW)
    (path.parent / "abc.zip").write_bytes(buffer.getvalue()[:-10])  # cut off its directory
    with pytest.raises(MalformedDataError, match="is not a readable zip file"):
        read_daily_zip(path, "ABC")
