"""QuantBook offline: LEAN's research names, the history frame, and clear errors."""

import ast
import datetime
import inspect
import site
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from local_lean.data import SyntheticMarket
from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.errors import MissingDataError, NotSupportedError, UnknownSymbolError
from local_lean.history import history_frame
from local_lean.quantbook import QuantBook
from local_lean.symbols import Symbol, equity_symbol

MINUTE = datetime.timedelta(minutes=1)

ALGORITHM_STUB = Path(site.getsitepackages()[0]) / "QuantConnect" / "Algorithm" / "__init__.pyi"


def stub_parameter_lists(class_name: str, method: str) -> list[list[str]]:
    tree = ast.parse(ALGORITHM_STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return [
                [argument.arg for argument in item.args.args[1:]]
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name == method
            ]
    return []


def test_public_names_and_parameters_are_leans():
    public = {name for name in dir(QuantBook) if not name.startswith("_")}
    assert public == {"add_equity", "history", "object_store"}
    add_equity = list(inspect.signature(QuantBook.add_equity).parameters)[1:]
    assert add_equity in stub_parameter_lists("QCAlgorithm", "add_equity")
    history = list(inspect.signature(QuantBook.history).parameters)[1:]
    assert history in stub_parameter_lists("_QCAlgorithm_History", "__call__")
    assert stub_parameter_lists("QCAlgorithm", "object_store")
    assert stub_parameter_lists("QCAlgorithm", "securities")


def test_history_matches_the_algorithm_frame_and_ends_before_today():
    qb = QuantBook(seed=4)
    spy = qb.add_equity("SPY").symbol
    assert isinstance(spy, Symbol) and spy == "SPY"
    history = qb.history(spy, 1280, Resolution.DAILY)
    market = SyntheticMarket(seed=4)
    bars = market.daily_bars("SPY")
    # The synthetic market runs years past today; research sees only what exists by now.
    today = datetime.date.today()
    assert bars.index[-1].date() > today
    expected = history_frame({spy: bars}, today, 1280)
    pd.testing.assert_frame_equal(history, expected)
    assert len(history.loc["SPY"]) == 1280
    assert history.loc["SPY"].index[-1].date() < today


def test_history_ends_at_the_last_bar_of_data_that_ends_earlier(tmp_path):
    prices = "date,open,high,low,close,volume\n" + "".join(
        f"2021-03-{day:02d},10,11,9,10.5,1000\n" for day in (29, 30, 31)
    )
    (tmp_path / "abc.csv").write_text(prices)
    qb = QuantBook(data=tmp_path)
    abc = qb.add_equity("ABC").symbol
    history = qb.history(abc, 10, Resolution.DAILY)
    assert [time.date() for time in history.loc[abc].index] == [
        datetime.date(2021, 3, day) for day in (29, 30, 31)
    ]


def test_several_symbols_tickers_and_lists():
    qb = QuantBook(seed=1, end_date="2020-06-30")
    qb.add_equity("SPY")
    qb.add_equity("tlt", Resolution.DAILY)
    history = qb.history(["SPY", equity_symbol("TLT")], 5)
    assert set(history.index.get_level_values("symbol")) == {"SPY", "TLT"}
    assert history.loc["TLT"].index[-1] == pd.Timestamp("2020-06-30 16:00")
    assert len(qb.history("TLT", 3)) == 3


def test_end_date_excludes_later_bars():
    qb = QuantBook(seed=1, end_date=datetime.date(2019, 12, 31))
    qb.add_equity("SPY")
    assert qb.history("SPY", 10).loc["SPY"].index[-1] == pd.Timestamp("2019-12-31 16:00")


def test_reads_the_data_folder_from_the_environment(tmp_path, monkeypatch):
    daily = tmp_path / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    with zipfile.ZipFile(daily / "abc.zip", "w") as archive:
        archive.writestr("abc.csv", "20240102 00:00,100000,110000,90000,105000,10\n")
    monkeypatch.setenv("LOCAL_LEAN_DATA", str(tmp_path))
    qb = QuantBook()
    qb.add_equity("ABC", Resolution.DAILY)
    with pytest.warns(UserWarning, match="no factor file"):
        history = qb.history("ABC", 5)
    assert history.loc["ABC"]["close"].tolist() == [10.5]


def test_intraday_resolutions_need_a_lean_data_folder():
    qb = QuantBook()  # the synthetic market: daily bars only
    with pytest.raises(NotSupportedError, match=r"MINUTE.*QuantBook\(data=\.\.\.\)"):
        qb.add_equity("SPY", Resolution.MINUTE)
    spy = qb.add_equity("SPY")
    assert spy.resolution == Resolution.DAILY and repr(spy) == "Equity(SPY)"
    with pytest.raises(NotSupportedError, match="HOUR.*Resolution.DAILY"):
        qb.history(spy.symbol, 10, Resolution.HOUR)
    with pytest.raises(NotSupportedError, match="minute, hour and daily bars"):
        qb.history(spy.symbol, 10, Resolution.TICK)
    spy = spy.symbol
    with pytest.raises(NotSupportedError, match="RAW"):
        qb.history(spy, 10, data_normalization_mode=DataNormalizationMode.RAW)


def test_a_ticker_not_added_or_without_data_is_a_clear_error():
    qb = QuantBook()
    with pytest.raises(UnknownSymbolError, match=r"call qb.add_equity\('QQQ'\)"):
        qb.history("QQQ", 10)
    with pytest.raises(MissingDataError, match="no ticker MSFT"):
        qb.add_equity("MSFT")


def test_object_store_lives_in_the_given_storage_folder(tmp_path):
    qb = QuantBook(storage=tmp_path / "storage")
    qb.object_store.save("k.txt", "v")
    assert (tmp_path / "storage" / "k.txt").read_text() == "v"


# ----- minute and hour bars of LEAN's sample data folder ------------------------------------

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_minute_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy" / "20131008_trade.zip").is_file(),
    reason="LEAN's sample data folder (with SPY's minute files) is absent",
)
TRADE_COLUMNS = ["open", "high", "low", "close", "volume"]
QUOTE_COLUMNS = [f"{side}{part}" for side in ("ask", "bid")
                 for part in ("open", "high", "low", "close", "size")]  # fmt: skip


def raw_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        (name,) = archive.namelist()
        return [line.split(",") for line in archive.read(name).decode().splitlines()]


@needs_lean_minute_data
def test_add_equity_without_a_resolution_is_minute_on_a_lean_folder_as_in_lean():
    qb = QuantBook(data=LEAN_DATA, end_date="2013-10-08")
    spy = qb.add_equity("SPY", data_normalization_mode=DataNormalizationMode.RAW)
    assert spy.resolution == Resolution.MINUTE
    history = qb.history(spy.symbol, 10)  # the security's resolution
    assert history.index.names == ["symbol", "time"]
    assert list(history.columns) == QUOTE_COLUMNS + TRADE_COLUMNS  # LEAN's join of the two
    times = history.loc["SPY"].index
    # the last ten regular-hours minutes of the end date, each stamped at its end
    assert list(times) == list(pd.date_range("2013-10-08 15:51", "2013-10-08 16:00", freq="min"))
    rows = raw_rows(LEAN_DATA / "equity/usa/minute/spy/20131008_trade.zip")
    last = next(row for row in rows if row[0] == str((15 * 60 + 59) * 60_000))  # starts 15:59
    assert history.loc["SPY"]["close"].iloc[-1] == int(last[4]) / 10_000
    assert history.loc["SPY"]["volume"].iloc[-1] == int(last[5])
    quotes = history.loc["SPY"]
    assert (quotes["bidclose"] <= quotes["askclose"]).all()


@needs_lean_minute_data
def test_hour_history_holds_trades_only_ending_on_the_hour():
    qb = QuantBook(data=LEAN_DATA, end_date=datetime.date(2013, 10, 8))
    spy = qb.add_equity("SPY", Resolution.HOUR, data_normalization_mode=DataNormalizationMode.RAW)
    history = qb.history(spy.symbol, 7)
    assert list(history.columns) == TRADE_COLUMNS
    times = history.loc["SPY"].index
    assert list(times) == list(pd.date_range("2013-10-08 10:00", "2013-10-08 16:00", freq="h"))
    rows = {row[0]: row for row in raw_rows(LEAN_DATA / "equity/usa/hour/spy.zip")}
    assert history.loc["SPY"]["close"].tolist() == [
        int(rows[f"20131008 {hour:02d}:00"][4]) / 10_000 for hour in range(9, 16)
    ]


@needs_lean_minute_data
def test_minute_history_by_timedelta_and_by_start_and_end():
    qb = QuantBook(data=LEAN_DATA, end_date="2013-10-08")
    spy = qb.add_equity("SPY", Resolution.DAILY).symbol
    # "now" is the end of the end date: a span reaches back from midnight
    evening = qb.history(spy, datetime.timedelta(hours=8, minutes=30), Resolution.MINUTE)
    expected = pd.date_range("2013-10-08 15:30", "2013-10-08 16:00", freq="min")
    assert list(evening.loc["SPY"].index) == list(expected)
    start, end = datetime.datetime(2013, 10, 7, 9, 55), datetime.datetime(2013, 10, 7, 10, 0)
    window = qb.history(spy, start, end, Resolution.MINUTE)
    # bars ending after the start, up to the end
    assert list(window.loc["SPY"].index) == list(pd.date_range("2013-10-07 09:56", end, freq="min"))
    by_count = qb.history(spy, 800, Resolution.MINUTE).loc["SPY"]
    pd.testing.assert_frame_equal(window.loc["SPY"], by_count.loc[start + MINUTE : end])
    daily = qb.history(spy, datetime.date(2013, 10, 7), datetime.date(2013, 10, 9))
    assert list(daily.loc["SPY"].index) == [pd.Timestamp("2013-10-07 16:00"),
                                            pd.Timestamp("2013-10-08 16:00")]  # fmt: skip


@needs_lean_minute_data
def test_without_an_end_date_intraday_history_ends_with_the_last_minute_file():
    qb = QuantBook(data=LEAN_DATA)
    spy = qb.add_equity("SPY").symbol
    last_day = max(
        path.name[:8] for path in (LEAN_DATA / "equity/usa/minute/spy").glob("*_trade.zip")
    )
    history = qb.history(spy, 3)
    assert history.loc["SPY"].index[-1] == pd.Timestamp(f"{last_day} 16:00")


@needs_lean_minute_data
def test_history_forms_with_bad_arguments_say_what_to_pass():
    qb = QuantBook(data=LEAN_DATA, end_date="2013-10-08")
    spy = qb.add_equity("SPY").symbol
    with pytest.raises(TypeError, match="history from a start needs an end"):
        qb.history(spy, datetime.datetime(2013, 10, 7), Resolution.MINUTE)
    with pytest.raises(ValueError, match="before its start"):
        qb.history(spy, datetime.date(2013, 10, 8), datetime.date(2013, 10, 7))
    with pytest.raises(ValueError, match="positive timedelta"):
        qb.history(spy, datetime.timedelta(0))


@needs_lean_minute_data
def test_extended_market_hours_come_from_the_request_else_the_subscription():
    qb = QuantBook(data=LEAN_DATA, end_date="2013-10-08")
    spy = qb.add_equity("SPY").symbol
    assert qb.history(spy, 1).loc["SPY"].index[-1] == pd.Timestamp("2013-10-08 16:00")
    late = qb.history(spy, 1, extended_market_hours=True).loc["SPY"].index[-1]
    assert late == pd.Timestamp("2013-10-08 20:00")  # the file's last bar starts at 19:59
    qb.add_equity("SPY", extended_market_hours=True)
    assert qb.history(spy, 1).loc["SPY"].index[-1] == pd.Timestamp("2013-10-08 20:00")
