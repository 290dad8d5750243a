"""LEAN's SecurityIdentifier: the encoding, the map-file lookup, and the identifiers LEAN
publishes (the "Lowest Capacity Asset" values of its regression algorithms)."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data import (
    LeanDataFolder,
    MapFileResolver,
    map_file_provider,
    open_price_source,
)
from local_lean.enums import SecurityType
from local_lean.errors import MalformedDataError, NotSupportedError
from local_lean.quantbook import QuantBook
from local_lean.symbols import (
    DEFAULT_DATE,
    SecurityIdentifier,
    Symbol,
    decode_base36,
    encode_base36,
    equity_symbol,
)

SHARED_LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_shared_data = pytest.mark.skipif(
    not (SHARED_LEAN_DATA / "equity" / "usa" / "map_files").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is absent",
)


# --- the encoding -----------------------------------------------------------------------------


def test_spy_from_its_first_date_is_leans_identifier():
    sid = SecurityIdentifier.generate_equity(datetime.date(1998, 1, 2), "spy", "usa")
    assert str(sid) == sid.to_string() == "SPY R735QTJ8XC9X"
    assert sid.symbol == "SPY"
    assert sid.date == datetime.datetime(1998, 1, 2)
    assert sid.market == "usa"
    assert sid.security_type == SecurityType.EQUITY


def test_the_default_date_encodes_only_market_and_type():
    # LEAN prints SHY without a map file as "SHY 2T": 2T is 101 (market 1, type 1) in base 36.
    sid = SecurityIdentifier.generate_equity("SHY", "usa")
    assert str(sid) == "SHY 2T"
    assert sid.date == SecurityIdentifier.DEFAULT_DATE == datetime.datetime(1899, 12, 30)
    assert decode_base36("2T") == 101


def test_symbol_create_uses_the_default_date_and_compares_as_the_ticker():
    symbol = Symbol.create("aapl", SecurityType.EQUITY, "usa")
    assert str(symbol.id) == "AAPL 2T"
    assert symbol == "AAPL" and hash(symbol) == hash("AAPL")


@pytest.mark.parametrize(
    "number, text", [(0, ""), (35, "Z"), (36, "10"), (101, "2T"), (36**12 - 1, "Z" * 12)]
)
def test_base36_round_trips(number, text):
    assert encode_base36(number) == text
    assert decode_base36(text) == number


@pytest.mark.parametrize(
    "value",
    [
        "GOOCV VP83T1ZUHROL",
        "GOOG T1AZ164W5VTX",
        "FB V6OIPNZEM8V9",
        "VXX U9R0H3K6HVMT",
        "AAA SEVKGI6HF885",
        "SHY 2T",
    ],
)
def test_parse_round_trips_published_identifiers(value):
    sid = SecurityIdentifier.parse(value)
    assert sid.to_string() == value
    assert SecurityIdentifier.generate_equity(sid.date, sid.symbol, sid.market) == sid


def test_parsed_dates_are_the_first_dates_of_the_map_files():
    assert SecurityIdentifier.parse("GOOCV VP83T1ZUHROL").date == datetime.datetime(2014, 3, 27)
    assert SecurityIdentifier.parse("VXX U9R0H3K6HVMT").date == datetime.datetime(2009, 1, 30)


@pytest.mark.parametrize("value", ["SPY", "SPY R735 QTJ", "SPY 2U|SPY R735QTJ8XC9X", "SPY r735"])
def test_parse_rejects_what_is_not_an_equity_identifier(value):
    with pytest.raises(ValueError, match="not"):
        SecurityIdentifier.parse(value)


def test_bad_generate_arguments_are_named():
    with pytest.raises(ValueError, match="market 'fxcm'"):
        SecurityIdentifier.generate_equity(datetime.date(2000, 1, 3), "EURUSD", "fxcm")
    with pytest.raises(ValueError, match="on or after 1899-12-30"):
        SecurityIdentifier.generate_equity(datetime.date(1800, 1, 1), "SPY", "usa")
    with pytest.raises(ValueError, match="cannot contain"):
        SecurityIdentifier("S P", 101)
    with pytest.raises(ValueError, match="security type 99"):
        SecurityIdentifier("SPY", 199)
    with pytest.raises(NotSupportedError, match="US equities only"):
        Symbol.create("SPY", SecurityType.BASE, "usa")


# --- map files --------------------------------------------------------------------------------


def write_map_files(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def test_a_renamed_security_keeps_its_first_ticker_and_date(tmp_path):
    # Time Warner traded as AOL until 2003 (LEAN's own test: TWX -> AOL, 1998-01-02).
    folder = write_map_files(
        tmp_path,
        {"twx": "19980102,aol,N\n20031015,aol,N\n20180615,twx,N\n", "spy": "19980102,spy,P\n"},
    )
    resolver = MapFileResolver.from_folder(folder)
    assert str(equity_symbol("TWX", resolver).id) == "AOL R735QTJ8XC9X"
    assert str(equity_symbol("AOL", resolver).id) == "AOL R735QTJ8XC9X"


def test_a_reused_ticker_resolves_by_date(tmp_path):
    # FB named another company from 1999 to 2003 (fb.1.csv) before Facebook (fb.csv).
    folder = write_map_files(
        tmp_path,
        {"fb": "20120518,fb,Q\n20501231,fb,Q\n", "fb.1": "19990929,fb\n20030328,fb\n"},
    )
    resolver = MapFileResolver.from_folder(folder)
    today = SecurityIdentifier.generate_equity("FB", "usa", map_file_provider=resolver)
    in_2001 = SecurityIdentifier.generate_equity(
        "FB", "usa", map_file_provider=resolver, mapping_resolve_date=datetime.date(2001, 1, 2)
    )
    assert today.to_string() == "FB V6OIPNZEM8V9"
    assert in_2001.symbol == "FB" and in_2001.date == datetime.datetime(1999, 9, 29)


def test_a_permtick_with_a_number_names_its_file_and_loses_the_number(tmp_path):
    folder = write_map_files(tmp_path, {"vxx.1": "20090130,vxx,P\n20190129,vxx,P\n"})
    sid = equity_symbol("VXX.1", MapFileResolver.from_folder(folder)).id
    assert sid.to_string() == "VXX U9R0H3K6HVMT"


def test_a_security_not_listed_yet_on_the_resolve_date_gets_the_default_date(tmp_path):
    folder = write_map_files(tmp_path, {"new": "20200102,new,Q\n20501231,new,Q\n"})
    sid = SecurityIdentifier.generate_equity(
        "NEW",
        "usa",
        map_file_provider=MapFileResolver.from_folder(folder),
        mapping_resolve_date=datetime.date(2019, 1, 2),
    )
    assert sid.to_string() == "NEW 2T"


def test_no_map_file_or_no_folder_gives_the_default_date(tmp_path):
    resolver = MapFileResolver.from_folder(tmp_path / "absent")
    assert equity_symbol("SPY", resolver).id.date.date() == DEFAULT_DATE
    assert str(equity_symbol("QQQ", write_resolver(tmp_path)).id) == "QQQ 2T"


def write_resolver(tmp_path: Path) -> MapFileResolver:
    return MapFileResolver.from_folder(write_map_files(tmp_path / "m", {"spy": "19980102,spy\n"}))


@pytest.mark.parametrize(
    "text, problem",
    [("19980102,spy\n1998-01-05,spy\n", "line 2"), ("19980102\n", "line 1"), ("\n", "no rows")],
)
def test_a_malformed_map_file_is_named(tmp_path, text, problem):
    folder = write_map_files(tmp_path, {"spy": text})
    with pytest.raises(MalformedDataError, match=problem) as error:
        MapFileResolver.from_folder(folder)
    assert "spy.csv" in str(error.value)


def test_only_a_lean_folder_provides_map_files(tmp_path):
    root = tmp_path / "lean"
    daily = root / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    with zipfile.ZipFile(daily / "spy.zip", "w") as archive:  # a data folder holds prices
        archive.writestr("spy.csv", "20200102 00:00,3200000,3210000,3190000,3205000,1000\n")
    write_map_files(root / "equity" / "usa" / "map_files", {"spy": "19980102,spy,P\n"})
    source = open_price_source(root)
    assert isinstance(source, LeanDataFolder)
    assert str(equity_symbol("SPY", map_file_provider(source)).id) == "SPY R735QTJ8XC9X"
    assert map_file_provider(open_price_source(None)) is None


# --- LEAN's published identifiers, from LEAN's sample map files --------------------------------

# (ticker as the regression algorithm adds it, its "Lowest Capacity Asset" in Algorithm.CSharp)
PUBLISHED = [
    ("SPY", "SPY R735QTJ8XC9X"),  # BasicTemplateDailyAlgorithm and 100+ others
    ("AAPL", "AAPL R735QTJ8XC9X"),
    ("IBM", "IBM R735QTJ8XC9X"),
    ("AIG", "AIG R735QTJ8XC9X"),
    ("BAC", "NB R735QTJ8XC9X"),
    ("TWX", "AOL R735QTJ8XC9X"),
    ("GOOG", "GOOCV VP83T1ZUHROL"),
    ("GOOGL", "GOOG T1AZ164W5VTX"),
    ("GOOAV", "GOOAV VP83T1ZUHROL"),
    ("FB", "FB V6OIPNZEM8V9"),
    ("BNO", "BNO UN3IMQ2JU1YD"),
    ("SPWR", "SPWR TDQZFPKOZ5UT"),  # HourResolutionMappingEventRegressionAlgorithm
    ("VXX.1", "VXX U9R0H3K6HVMT"),  # HourReverseSplitRegressionAlgorithm
    ("AAA.1", "AAA SEVKGI6HF885"),  # DelistingEventsAlgorithm
    ("SHY", "SHY 2T"),  # FillForwardEnumeratorOutOfOrderBarRegressionAlgorithm: no map file
]


@needs_shared_data
@pytest.mark.parametrize("ticker, published", PUBLISHED)
def test_published_identifiers_from_leans_map_files(ticker, published):
    source = open_price_source(SHARED_LEAN_DATA)
    assert equity_symbol(ticker, map_file_provider(source)).id.to_string() == published


class AddsSpy(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.spy = self.add_equity("SPY").symbol


@needs_shared_data
def test_add_equity_gives_the_identifier_from_the_data_folder():
    algorithm, outcome = run_algorithm(AddsSpy, data=SHARED_LEAN_DATA)
    assert outcome.succeeded
    assert str(algorithm.spy.id) == "SPY R735QTJ8XC9X"
    assert algorithm.securities["SPY"].symbol.id == algorithm.spy.id


def test_add_equity_on_the_synthetic_market_gets_the_default_date():
    algorithm, outcome = run_algorithm(AddsSpy)
    assert outcome.succeeded
    assert str(algorithm.spy.id) == "SPY 2T"


@needs_shared_data
def test_quantbook_add_equity_gives_the_identifier_from_the_data_folder(tmp_path):
    qb = QuantBook(data=SHARED_LEAN_DATA, storage=tmp_path)
    assert str(qb.add_equity("GOOG").symbol.id) == "GOOCV VP83T1ZUHROL"
