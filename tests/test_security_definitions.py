"""Industry-standard identifiers of a Symbol (LEAN's SecurityDefinitionSymbolResolver): read
from the data folder's symbol-properties/security-database.csv; None without it. Rows from
LEAN's Tests/Common/Securities/SecurityDefinitionSymbolResolverTests.cs."""

from __future__ import annotations

from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.security_definitions import definition_from_line, read_security_definitions
from local_lean.enums import Resolution
from local_lean.errors import MalformedDataError

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "aapl.zip").is_file(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)

DATABASE_LINES = [
    "AAPL R735QTJ8XC9X,03783310,BBG000B9XRY4,2046251,US0378331005,320193",
    "GOOG T1AZ164W5VTX,38259P50,BBG000BHSKN9,B020QX2,US38259P5089,",
    "GOOCV VP83T1ZUHROL,38259P70,BBG002W96FT9,BKM4JZ7,US38259P7069,",
    "QQQ RIWIV7K5Z9LX,73935A10,BBG000BSWKH7,BDQYP67,US46090E1038,",
]


def test_a_line_gives_each_identifier_and_an_empty_cik_is_none():
    aapl = definition_from_line(DATABASE_LINES[0])
    assert aapl.security_identifier == "AAPL R735QTJ8XC9X"
    assert (aapl.cusip, aapl.composite_figi, aapl.sedol, aapl.isin, aapl.cik) == (
        "03783310",
        "BBG000B9XRY4",
        "2046251",
        "US0378331005",
        320193,
    )
    assert definition_from_line(DATABASE_LINES[1]).cik is None
    assert definition_from_line("QQQ RIWIV7K5Z9LX,73935A10,,BDQYP67,US46090E1038").cik is None
    assert definition_from_line("QQQ RIWIV7K5Z9LX,,,BDQYP67,US46090E1038").cusip is None


def test_bad_lines_and_a_missing_file():
    with pytest.raises(MalformedDataError, match="SecurityIdentifier,CUSIP"):
        definition_from_line("AAPL R735QTJ8XC9X,03783310")
    with pytest.raises(MalformedDataError, match="CIK is a whole number"):
        definition_from_line("AAPL R735QTJ8XC9X,03783310,BBG000B9XRY4,2046251,US0378331005,x")
    assert read_security_definitions(Path("/nonexistent/security-database.csv")) == {}


def data_folder_with_database(tmp_path: Path) -> Path:
    """LEAN's sample data plus a security database (the sample has none)."""
    for child in LEAN_DATA.iterdir():
        (tmp_path / child.name).symlink_to(child)
    (tmp_path / "symbol-properties").mkdir()
    lines = ["# comment", "", *DATABASE_LINES]
    (tmp_path / "symbol-properties" / "security-database.csv").write_text("\n".join(lines))
    return tmp_path


class ReadsIdentifiers(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2014, 6, 5)
        self.set_end_date(2014, 6, 5)
        aapl = self.add_equity("AAPL", Resolution.DAILY).symbol
        spy = self.add_equity("SPY", Resolution.DAILY).symbol
        names = ("cusip", "composite_figi", "sedol", "isin", "cik")
        self.aapl = {name: getattr(aapl, name) for name in names}
        self.aapl_api = {name: getattr(self, name)(aapl) for name in names}
        self.spy = {name: getattr(spy, name) for name in names}


@needs_lean_data
def test_symbols_read_the_data_folders_database(tmp_path):
    algorithm, outcome = run_algorithm(ReadsIdentifiers, data=data_folder_with_database(tmp_path))
    assert outcome.runtime_error is None
    assert algorithm.aapl == {
        "cusip": "03783310",
        "composite_figi": "BBG000B9XRY4",
        "sedol": "2046251",
        "isin": "US0378331005",
        "cik": 320193,
    }
    assert algorithm.aapl_api == algorithm.aapl
    assert set(algorithm.spy.values()) == {None}  # no row for SPY


@needs_lean_data
def test_without_a_database_every_identifier_is_none():
    algorithm, outcome = run_algorithm(ReadsIdentifiers, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert set(algorithm.aapl.values()) == {None}


class IdentifierToSymbol(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2014, 6, 5)
        self.set_end_date(2014, 6, 5)
        self.cusip("03783310")


def test_identifier_to_symbol_is_refused_clearly():
    _, outcome = run_algorithm(IdentifierToSymbol)
    assert "QCAlgorithm.cusip('03783310') (from an identifier to its Symbol)" in (
        outcome.runtime_error
    )
