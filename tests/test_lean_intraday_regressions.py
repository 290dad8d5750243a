"""bench/lean_intraday_regressions.py: which LEAN regression algorithms it keeps, and why not."""

import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from lean_intraday_regressions import classify, read_algorithm  # noqa: E402

HEADER = "from AlgorithmImports import *\nclass A(QCAlgorithm):\n    def initialize(self):\n"


def reading_of(body: str):
    return read_algorithm(HEADER + "".join(f"        {line}\n" for line in body.splitlines()))


def test_resolutions_come_from_the_call_the_universe_settings_or_leans_default():
    reading = reading_of(
        "self.set_start_date(2013, 10, 7)\nself.set_end_date(datetime(2013, 10, 11))\n"
        'self.add_equity("SPY", Resolution.HOUR)\nself.add_equity("IBM")\n'
        'self.add_security(SecurityType.EQUITY, "AIG", resolution=Resolution.DAILY)'
    )
    assert reading.tickers == {"SPY": {"HOUR"}, "IBM": {"MINUTE"}, "AIG": {"DAILY"}}
    assert (str(reading.start), str(reading.end)) == ("2013-10-07", "2013-10-11")
    assert reading.causes == []

    reading = reading_of(
        "self.universe_settings.resolution = Resolution.DAILY\n"
        'symbols = [Symbol.create(t, SecurityType.EQUITY, Market.USA) for t in ["SPY", "FB"]]\n'
        "self.set_universe_selection(ManualUniverseSelectionModel(symbols))"
    )
    assert reading.tickers == {"SPY": {"DAILY"}, "FB": {"DAILY"}}


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ('self.add_option("SPY")', "options"),
        ('self.add_equity("SPY", Resolution.TICK)', "Resolution.TICK"),
        ('Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)', "SecurityType.FOREX"),
        ("self.add_universe(self.select)", "a universe"),
        ("self.add_equity(self.pick_ticker())", "not a literal"),
        ("self.set_cash(1000)", "no US-equity subscription"),
    ],
)
def test_other_assets_and_unreadable_subscriptions_are_refused_with_their_cause(body, cause):
    assert any(cause in text for text in reading_of(body).causes)


def test_a_brokerage_models_dictionary_of_markets_subscribes_to_nothing():
    reading = reading_of(
        'self.add_equity("SPY", Resolution.DAILY)\n'
        "markets = {SecurityType.EQUITY: Market.USA, SecurityType.CRYPTO: Market.BINANCE}"
    )
    assert reading.causes == []


def write_twins(lean: Path, name: str, python_body: str, languages: str) -> None:
    (lean / "Algorithm.CSharp").mkdir(parents=True, exist_ok=True)
    (lean / "Algorithm.Python").mkdir(parents=True, exist_ok=True)
    (lean / "Algorithm.CSharp" / f"{name}.cs").write_text(
        f"public List<Language> Languages {{ get; }} = new() {{ {languages} }};\n"
        "public Dictionary<string, string> ExpectedStatistics => new Dictionary<string, string>\n"
        '{\n    {"Total Orders", "1"},\n    {"OrderListHash", "abc"}\n};\n'
    )
    (lean / "Algorithm.Python" / f"{name}.py").write_text(
        HEADER + "".join(f"        {line}\n" for line in python_body.splitlines())
    )


def test_kept_only_with_a_python_twin_and_the_data_of_the_span(tmp_path):
    lean, data = tmp_path / "Lean", tmp_path / "Data"
    minute = data / "equity" / "usa" / "minute" / "spy"
    minute.mkdir(parents=True)
    with zipfile.ZipFile(minute / "20131007_trade.zip", "w") as archive:
        archive.writestr("20131007_spy_minute_trade.csv", "34260000,1,1,1,1,1\n")
    span = "self.set_start_date(2013, 10, 7)\nself.set_end_date(2013, 10, 8)\n"
    write_twins(lean, "Kept", span + 'self.add_equity("SPY")', "Language.CSharp, Language.Python")
    write_twins(lean, "CSharpOnly", span + 'self.add_equity("SPY")', "Language.CSharp")
    write_twins(lean, "NoData", span + 'self.add_equity("IBM")', "Language.CSharp, Language.Python")
    late = "self.set_start_date(2014, 1, 6)\nself.set_end_date(2014, 1, 7)\n"
    write_twins(lean, "Late", late + 'self.add_equity("SPY")', "Language.CSharp, Language.Python")

    (lean / "Algorithm.CSharp" / "Base.cs").write_text(
        "public List<Language> Languages { get; } = new() { Language.Python };\n"
        "public abstract Dictionary<string, string> ExpectedStatistics { get; }\n"
    )
    (lean / "Algorithm.Python" / "Base.py").write_text(HEADER + '        self.add_equity("SPY")\n')

    kept, refused = classify(lean, data)

    assert [row["name"] for row in kept] == ["Kept"]
    assert kept[0]["statistics"] == {"Total Orders": "1", "OrderListHash": "abc"}
    assert kept[0]["finest_resolution"] == "MINUTE"
    causes = {row["name"]: row["cause"] for row in refused}
    assert causes == {
        "Base": "an abstract base class: no statistics",
        "Late": "no data in the folder for SPY minute",
        "NoData": "no data in the folder for IBM minute",
    }
