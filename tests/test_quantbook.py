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
    qb.add_equity("ABC")
    with pytest.warns(UserWarning, match="no factor file"):
        history = qb.history("ABC", 5)
    assert history.loc["ABC"]["close"].tolist() == [10.5]


def test_non_daily_resolutions_are_not_supported():
    qb = QuantBook()
    with pytest.raises(NotSupportedError, match="MINUTE"):
        qb.add_equity("SPY", Resolution.MINUTE)
    spy = qb.add_equity("SPY").symbol
    with pytest.raises(NotSupportedError, match="HOUR.*Resolution.DAILY"):
        qb.history(spy, 10, Resolution.HOUR)
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
