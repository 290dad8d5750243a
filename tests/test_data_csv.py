"""CSV folders and the choice of price source."""

import pandas as pd
import pytest

from local_lean.data import CsvFolder, SyntheticMarket, open_price_source
from local_lean.errors import DataError, MalformedDataError, MissingDataError

GOOD = (
    "date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,200\n"
)


def test_reads_iso_dates_and_any_case_file_name(tmp_path):
    (tmp_path / "Spy.CSV").write_text(GOOD)
    source = CsvFolder(tmp_path)
    assert source.has_ticker("spy") and source.has_ticker("SPY")
    bars = source.daily_bars("spy")
    assert list(bars.index) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert bars.index.name == "date"
    assert bars["close"].tolist() == [10.5, 11.0]
    assert bars["volume"].dtype == "float64"


def test_reads_compact_dates_columns_in_any_order_and_sorts(tmp_path):
    text = (
        "Close,Date,Volume,Open,High,Low,extra\n"
        "11,20240103,200,10.5,12,10,x\n"
        "10.5,20240102,100,10,11,9,y\n"
    )
    (tmp_path / "abc.csv").write_text(text)
    bars = CsvFolder(tmp_path).daily_bars("ABC")
    assert bars["close"].tolist() == [10.5, 11.0]
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]


def test_a_missing_ticker_names_the_path(tmp_path):
    (tmp_path / "spy.csv").write_text(GOOD)
    with pytest.raises(MissingDataError, match=r"QQQ.*QQQ\.csv"):
        CsvFolder(tmp_path).daily_bars("QQQ")


def test_a_missing_column_is_named(tmp_path):
    (tmp_path / "spy.csv").write_text("date,open,high,low,close\n2024-01-02,10,11,9,10.5\n")
    with pytest.raises(MalformedDataError, match="lacks volume"):
        CsvFolder(tmp_path).daily_bars("SPY")


def test_a_bad_value_names_the_file_line(tmp_path):
    (tmp_path / "spy.csv").write_text(GOOD + "\n2024-01-04,11,12,x,11.5,300\n")
    with pytest.raises(MalformedDataError, match=r"spy\.csv, line 5: a low"):
        CsvFolder(tmp_path).daily_bars("SPY")


def test_a_bad_date_is_refused(tmp_path):
    (tmp_path / "spy.csv").write_text(GOOD + "01/04/2024,11,12,10,11.5,300\n")
    with pytest.raises(MalformedDataError, match="line 4: a date"):
        CsvFolder(tmp_path).daily_bars("SPY")


def test_duplicate_dates_and_non_positive_prices_are_refused(tmp_path):
    (tmp_path / "dup.csv").write_text(GOOD + "2024-01-03,10.5,12,10,11,200\n")
    (tmp_path / "neg.csv").write_text(GOOD + "2024-01-04,10.5,12,10,-1,200\n")
    with pytest.raises(MalformedDataError, match="2024-01-03 appears more than once"):
        CsvFolder(tmp_path).daily_bars("DUP")
    with pytest.raises(MalformedDataError, match="neg.csv, line 4: a close that is not a positive"):
        CsvFolder(tmp_path).daily_bars("NEG")


def test_open_price_source_picks_the_source(tmp_path):
    assert isinstance(open_price_source(None, seed=3), SyntheticMarket)
    assert "seed 3" in open_price_source(None, seed=3).description
    (tmp_path / "spy.csv").write_text(GOOD)
    assert isinstance(open_price_source(tmp_path), CsvFolder)
    assert isinstance(open_price_source(str(tmp_path)), CsvFolder)


def test_open_price_source_explains_what_it_expected(tmp_path):
    with pytest.raises(DataError, match="holds neither.*equity/usa/daily"):
        open_price_source(tmp_path)
    with pytest.raises(DataError, match="does not exist"):
        open_price_source(tmp_path / "nowhere")
