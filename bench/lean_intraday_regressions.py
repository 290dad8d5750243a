"""List LEAN's Python regression algorithms on US equities at minute, hour or daily resolution.

LEAN publishes, in each C# regression algorithm (``Algorithm.CSharp/<Name>.cs``), the statistics
LEAN must produce (``ExpectedStatistics``); those whose ``Languages`` include Python have a
Python twin (``Algorithm.Python/<Name>.py``) expected to give the same strings. This script
reads every such twin in a LEAN clone, without running it, and keeps those that subscribe only
to US equities at minute, hour or daily resolution with the data of their span in a LEAN data
folder (LEAN's sample folder: ``<Lean>/Data``):

    python bench/lean_intraday_regressions.py --lean ~/Lean --data ~/Lean/Data
    python bench/lean_intraday_regressions.py --lean ~/Lean --data ~/Lean/Data --excluded

It reads each Python file's syntax tree (``ast``), as a reader would the source:

- subscriptions: ``add_equity(ticker, resolution)``, ``add_security(SecurityType.EQUITY, ...)``,
  ``Symbol.create(ticker, SecurityType.EQUITY, Market.USA)`` and the tickers of
  ``ManualUniverseSelectionModel`` and ``CustomUniverseSelectionModel``; a subscription
  without a resolution takes ``universe_settings.resolution`` when the file sets it, else
  LEAN's default, minute;
- the span: ``set_start_date`` and ``set_end_date`` (years, months, days or a ``datetime``);
- refused, with the cause: other security types and markets, ``Resolution.TICK`` and
  ``SECOND``, option, future, forex, crypto, CFD, index and custom data (``add_data``,
  ``PythonData``), fundamental and ETF universes (``add_universe``, ``Fundamental...``,
  ``ETFConstituents...``), tickers that are not literals, and data missing from the folder
  (a minute ticker needs a ``<yyyymmdd>_trade.zip`` within the span, an hour or daily one its
  ``<ticker>.zip``).

Prints the algorithms kept, grouped by the finest resolution they use, with their tickers and
number of published statistics; ``--excluded`` also prints each refused one with its cause.
Writes bench/results/lean_intraday_regressions.json: every kept algorithm with its resolutions,
tickers, span and published statistics (OrderListHash included), and every refused one with
its cause.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import functools
import json
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "lean_intraday_regressions.json"

RESOLUTIONS = ("DAILY", "HOUR", "MINUTE")  # coarsest first
DEFAULT_RESOLUTION = "MINUTE"  # LEAN's UniverseSettings.Resolution

# Methods that subscribe to something other than US equities (QCAlgorithm's PEP8 names).
OTHER_ASSET_METHODS = {
    "add_option": "options",
    "add_option_contract": "options",
    "add_index_option": "index options",
    "add_index_option_contract": "index options",
    "add_future": "futures",
    "add_future_contract": "futures",
    "add_future_option": "future options",
    "add_future_option_contract": "future options",
    "add_forex": "forex",
    "add_crypto": "crypto",
    "add_crypto_future": "crypto futures",
    "add_cfd": "CFDs",
    "add_index": "indexes",
    "add_data": "custom data",
    "add_universe": "a universe (fundamental, ETF or custom data)",
    "add_universe_options": "option universes",
    "add_chain": "option or future chains",
    "option_chain": "option chains",
    "future_chain_provider": "future chains",
}
# Names whose presence means data outside US-equity bars: universes over fundamental or
# ETF data, custom data types, tick or second data.
OTHER_DATA_NAMES = {
    "PythonData": "custom data",
    "Fundamental": "fundamental data",
    "FundamentalUniverseSelectionModel": "a fundamental universe",
    "CoarseFundamentalUniverseSelectionModel": "a fundamental universe",
    "FineFundamentalUniverseSelectionModel": "a fundamental universe",
    "QC500UniverseSelectionModel": "a fundamental universe",
    "ETFConstituentsUniverseSelectionModel": "an ETF constituents universe",
    "ETFConstituentUniverse": "an ETF constituents universe",
    "OptionUniverseSelectionModel": "an option universe",
    "FutureUniverseSelectionModel": "a future universe",
    "OpenInterestFutureUniverseSelectionModel": "a future universe",
    "EmaCrossUniverseSelectionModel": "a fundamental universe",
    "LiquidETFUniverse": "a universe model (LiquidETFUniverse)",
}
# A base class's declaration, which its subclasses fill in (BaseFrameworkRegressionAlgorithm).
ABSTRACT_STATISTICS = re.compile(r"abstract\s+Dictionary<string,\s*string>\s+ExpectedStatistics")
TICKER = re.compile(r"[A-Z][A-Z0-9]{0,5}(?:\.\d+)?")


@dataclass
class Reading:
    """What one Python regression algorithm subscribes to, read from its source."""

    tickers: dict[str, set[str]] = field(default_factory=dict)  # ticker -> resolutions
    start: dt.date | None = None
    end: dt.date | None = None
    causes: list[str] = field(default_factory=list)  # why it is not kept; empty if kept

    def subscribe(self, ticker: str, resolution: str) -> None:
        self.tickers.setdefault(ticker, set()).add(resolution)


def call_name(node: ast.Call) -> str:
    """`add_equity` for self.add_equity(...) or add_equity(...); '' for other callees."""
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return ""


def enum_member(node: ast.AST | None, enum: str) -> str | None:
    """'MINUTE' for Resolution.MINUTE (or Resolution.Minute) when enum is 'Resolution'."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == enum
    ):
        return node.attr.upper()
    return None


def argument(node: ast.Call, position: int, keyword: str) -> ast.AST | None:
    """The call's argument at `position`, or given as `keyword=`."""
    if len(node.args) > position and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def string_values(node: ast.AST | None, assignments: dict[str, list[ast.AST]]) -> list[str] | None:
    """The strings `node` stands for: a literal, or a name only ever assigned literals (or
    looped over a literal list); None when they cannot be read from the source."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in assignments:
        values: list[str] = []
        for value in assignments[node.id]:
            if isinstance(value, ast.List | ast.Tuple):
                items = [string_values(item, {}) for item in value.elts]
            else:
                items = [string_values(value, {})]
            if any(item is None for item in items):
                return None
            values += [text for item in items for text in item]
        return values
    return None


def collect_assignments(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """name -> the values assigned to it anywhere (`x = ...`, `self.x = ...`) or the
    sequences a `for x in ...` loop runs over (as one list node)."""
    assignments: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                name = target.id if isinstance(target, ast.Name) else None
                if isinstance(target, ast.Attribute):
                    name = target.attr
                if name:
                    assignments.setdefault(name, []).append(node.value)
        elif isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name):
            assignments.setdefault(node.target.id, []).append(node.iter)
    return assignments


def returned_resolutions(tree: ast.AST) -> dict[str, str]:
    """method name -> the Resolution member it returns, for methods whose every return is
    one literal member (RangeConsolidatorAlgorithm's get_resolution)."""
    methods = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            returned = {
                enum_member(child.value, "Resolution")
                for child in ast.walk(node)
                if isinstance(child, ast.Return)
            }
            if len(returned) == 1 and None not in returned:
                methods[node.name] = returned.pop()
    return methods


def date_of(node: ast.Call) -> dt.date | None:
    """The date of set_start_date(2013, 10, 7) or set_start_date(datetime(2013, 10, 7))."""
    numbers = node.args
    if len(numbers) == 1 and isinstance(numbers[0], ast.Call):
        numbers = numbers[0].args
    try:
        values = [ast.literal_eval(number) for number in numbers[:3]]
        return dt.date(*values) if len(values) == 3 else None
    except (ValueError, TypeError):
        return None


def read_algorithm(source: str) -> Reading:
    """The subscriptions, span and refusals of one Python regression algorithm."""
    reading = Reading()
    tree = ast.parse(source)
    assignments = collect_assignments(tree)

    universe_resolution = DEFAULT_RESOLUTION
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            target = node.targets[0]
            if isinstance(target, ast.Attribute) and target.attr == "resolution":
                resolution = enum_member(node.value, "Resolution")
                if resolution and "universe_settings" in ast.unparse(target):
                    universe_resolution = resolution

    methods = returned_resolutions(tree)

    def resolution_of(node: ast.AST | None) -> str | None:
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            return universe_resolution
        if isinstance(node, ast.Call) and call_name(node) in methods and not node.args:
            return methods[call_name(node)]
        return enum_member(node, "Resolution")

    def subscribe(ticker_node: ast.AST | None, resolution_node: ast.AST | None, what: str) -> None:
        tickers = string_values(ticker_node, assignments)
        resolution = resolution_of(resolution_node)
        if tickers is None:
            reading.causes.append(f"{what} with a ticker that is not a literal")
        elif resolution is None:
            reading.causes.append(f"{what} with a resolution that is not a literal")
        else:
            for ticker in tickers:
                reading.subscribe(ticker.upper(), resolution)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            # a security type or market given to a call subscribes to it (one named in a
            # comparison or a brokerage model's dictionary does not)
            for given in [*node.args, *(k.value for k in node.keywords)]:
                member = enum_member(given, "SecurityType")
                if member and member != "EQUITY":
                    reading.causes.append(f"SecurityType.{member}")
                member = enum_member(given, "Market")
                if member and member != "USA":
                    reading.causes.append(f"Market.{member}")
        if isinstance(node, ast.Attribute):
            member = enum_member(node, "Resolution")
            if member in ("TICK", "SECOND"):
                reading.causes.append(f"Resolution.{member}")
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in OTHER_DATA_NAMES:
                reading.causes.append(OTHER_DATA_NAMES[name])
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if ast.unparse(base) in ("PythonData", "BaseData"):
                    reading.causes.append("custom data")
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        if name in OTHER_ASSET_METHODS:
            reading.causes.append(OTHER_ASSET_METHODS[name])
        elif name == "add_equity":
            subscribe(argument(node, 0, "ticker"), argument(node, 1, "resolution"), name)
        elif name == "add_security":
            kind = enum_member(argument(node, 0, "security_type"), "SecurityType")
            if kind == "EQUITY":
                subscribe(argument(node, 1, "ticker"), argument(node, 2, "resolution"), name)
            elif kind is None:
                reading.causes.append("add_security with a security type that is not a literal")
        elif name == "create" and ast.unparse(node.func) == "Symbol.create":
            subscribe(argument(node, 0, "ticker"), None, "Symbol.create")
        elif name == "CustomUniverseSelectionModel":
            literals = [
                child.value
                for child in ast.walk(node)
                if isinstance(child, ast.Constant) and isinstance(child.value, str)
            ]
            for ticker in literals[1:] if len(node.args) > 1 else literals:
                if TICKER.fullmatch(ticker):
                    reading.subscribe(ticker, universe_resolution)
        elif name in ("set_start_date", "set_end_date"):
            day = date_of(node)
            setattr(reading, "start" if name == "set_start_date" else "end", day)

    if not reading.tickers and not reading.causes:
        reading.causes.append("no US-equity subscription found in the source")
    return reading


def has_data(
    data: Path, ticker: str, resolution: str, start: dt.date | None, end: dt.date | None
) -> bool:
    """Whether the data folder has `ticker`'s files at `resolution` for the span."""
    equity = data / "equity" / "usa"
    # the files a security's data is in: its own, and those its map file names (AAA.1's
    # data is in aaa.zip, VXX.1's in vxx.zip)
    names = {ticker.lower()}
    map_file = equity / "map_files" / f"{ticker.lower()}.csv"
    if map_file.is_file():
        rows = map_file.read_text(encoding="utf-8", errors="replace").splitlines()
        names |= {row.split(",")[1].strip().lower() for row in rows if row.count(",") >= 1}
    for name in names:
        if resolution == "MINUTE":
            days = [
                dt.datetime.strptime(path.name[:8], "%Y%m%d").date()
                for path in (equity / "minute" / name).glob("*_trade.zip")
            ]
            if any((start is None or start <= day) and (end is None or day <= end) for day in days):
                return True
        else:
            path = equity / ("hour" if resolution == "HOUR" else "daily") / f"{name}.zip"
            first, last = days_in_zip(path)
            covered = first is not None and (end is None or first <= end)
            if covered and (start is None or last >= start):
                return True
    return False


@functools.cache
def days_in_zip(path: Path) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of an hour or daily zip (rows start yyyyMMdd); None, None when
    the file is absent or unreadable."""
    try:
        with zipfile.ZipFile(path) as archive:
            lines = archive.read(archive.namelist()[0]).decode("ascii").split()
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, IndexError):
        return None, None
    rows = [line for line in lines if line[:8].isdigit()]
    if not rows:
        return None, None
    return tuple(dt.datetime.strptime(row[:8], "%Y%m%d").date() for row in (rows[0], rows[-1]))


def published_statistics(csharp: str) -> dict[str, str] | None:
    """The ExpectedStatistics of a C# regression algorithm's source; None without."""
    start = csharp.find("ExpectedStatistics")
    if start < 0:
        return None
    block = csharp[start : csharp.find("};", start)]
    return dict(re.findall(r'\{\s*"([^"]+)"\s*,\s*"([^"]*)"\s*\}', block))


def classify(lean: Path, data: Path) -> tuple[list[dict], list[dict]]:
    """(kept, refused): every Python twin of a C# regression algorithm that lists Python and
    publishes statistics, kept when it reads as US equities with data in the folder."""
    kept, refused = [], []
    for csharp_path in sorted((lean / "Algorithm.CSharp").glob("*.cs")):
        python_path = lean / "Algorithm.Python" / f"{csharp_path.stem}.py"
        if not python_path.is_file():
            continue
        csharp = csharp_path.read_text(encoding="utf-8", errors="replace")
        statistics = published_statistics(csharp)
        if statistics is None or "Language.Python" not in csharp:
            continue
        name = csharp_path.stem
        if ABSTRACT_STATISTICS.search(csharp):
            refused.append({"name": name, "cause": "an abstract base class: no statistics"})
            continue
        try:
            reading = read_algorithm(python_path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError as error:
            refused.append({"name": name, "cause": f"Python syntax error: {error.msg}"})
            continue
        causes = list(dict.fromkeys(reading.causes))
        missing = [
            f"{ticker} {resolution.lower()}"
            for ticker, resolutions in sorted(reading.tickers.items())
            for resolution in sorted(resolutions)
            if not has_data(data, ticker, resolution, reading.start, reading.end)
        ]
        if missing and not causes:
            causes.append("no data in the folder for " + ", ".join(missing))
        if causes:
            refused.append({"name": name, "cause": "; ".join(causes)})
            continue
        used = {
            resolution for resolutions in reading.tickers.values() for resolution in resolutions
        }
        kept.append(
            {
                "name": name,
                "finest_resolution": max(used, key=RESOLUTIONS.index),
                "resolutions": sorted(used, key=RESOLUTIONS.index),
                "tickers": {
                    t: sorted(r, key=RESOLUTIONS.index) for t, r in sorted(reading.tickers.items())
                },
                "start": str(reading.start) if reading.start else None,
                "end": str(reading.end) if reading.end else None,
                "statistics": statistics,
            }
        )
    return kept, refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lean", type=Path, required=True, help="a clone of QuantConnect/Lean")
    parser.add_argument("--data", type=Path, required=True, help="LEAN's data folder")
    parser.add_argument("--excluded", action="store_true", help="also print the refused ones")
    arguments = parser.parse_args()
    for folder in (arguments.lean / "Algorithm.CSharp", arguments.lean / "Algorithm.Python"):
        if not folder.is_dir():
            parser.error(f"{folder} does not exist: --lean takes a clone of QuantConnect/Lean")
    if not (arguments.data / "equity" / "usa").is_dir():
        parser.error(f"{arguments.data} holds no equity/usa folder: pass LEAN's Data folder")

    kept, refused = classify(arguments.lean, arguments.data)
    counts = {}
    for resolution in reversed(RESOLUTIONS):
        rows = [row for row in kept if row["finest_resolution"] == resolution]
        counts[resolution.lower()] = len(rows)
        print(f"\n{resolution.lower()} ({len(rows)}): finest resolution used")
        for row in rows:
            tickers = ", ".join(
                f"{ticker} {'/'.join(r.lower() for r in resolutions)}"
                for ticker, resolutions in row["tickers"].items()
            )
            print(f"  {row['name']:62s} {len(row['statistics']):3d} statistics  {tickers}")
    if arguments.excluded:
        print(f"\nrefused ({len(refused)}):")
        for row in refused:
            print(f"  {row['name']:62s} {row['cause'][:120]}")
    intraday = counts["minute"] + counts["hour"]
    print(
        f"\n{len(kept)} kept ({intraday} minute or hour, {counts['daily']} daily only) of "
        f"{len(kept) + len(refused)} Python regression algorithms with published statistics"
    )
    print(f"{time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"counts": counts, "kept": kept, "refused": refused}, indent=2) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
