"""Run LEAN's own daily-equity Python regression algorithms, unchanged, and compare statistics.

LEAN publishes, in each C# regression algorithm (``Algorithm.CSharp/<Name>.cs``), the statistics
LEAN must produce (``ExpectedStatistics``); those whose ``Languages`` include Python have a
Python twin (``Algorithm.Python/<Name>.py``) expected to give the same strings. This script
runs each twin, as it is in a LEAN clone, with this runner on LEAN's sample data, and compares
every published statistic, OrderListHash (the MD5 of the orders as LEAN serializes them) too.
As LEAN's regression tests, each algorithm gets the "parameters" of the clone's
Launcher/config.json (ParameterizedAlgorithm's statistics depend on them).

    python bench/lean_regressions.py --lean ~/Lean --data ~/Lean/Data
    python bench/lean_regressions.py --lean ~/Lean --data ~/Lean/Data BasicTemplateDailyAlgorithm

The algorithms are the ones in LEAN whose C# twin lists Python and publishes statistics, and
whose Python file subscribes only to US equities at daily resolution with data in LEAN's
sample folder (no options, futures, crypto, forex, custom data or fundamental universes); see
DAILY_EQUITY_ALGORITHMS (27). MINUTE_DATA_IN_LEAN lists three that look daily but whose
universes LEAN runs on minute data. `--listed minute` (or hour, daily, all) runs instead the
algorithms bench/lean_intraday_regressions.py finds in the clone at that resolution. Prints one
row per algorithm (matched statistics, the first difference or the error), then the count of
algorithms each statistic (or an error, a timeout) keeps from matching, and writes
bench/results/lean_regressions.json (bench/results/lean_listed_regressions.json with --listed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "lean_regressions.json"
# --listed runs: kept apart from the daily list's results
LISTED_RESULTS = ROOT / "bench" / "results" / "lean_listed_regressions.json"

DAILY_EQUITY_ALGORITHMS = [
    "AddAlphaModelAlgorithm",
    "AddUniverseSelectionModelAlgorithm",
    "AutoRegressiveIntegratedMovingAverageRegressionAlgorithm",
    "BasicTemplateDailyAlgorithm",
    "ClassicRenkoConsolidatorAlgorithm",
    "ConvertToFrameworkAlgorithm",
    "CustomBrokerageModelRegressionAlgorithm",
    "CustomShortableProviderRegressionAlgorithm",
    "DelistingEventsAlgorithm",
    "DisplacedMovingAverageRibbon",
    "FuncRiskFreeRateInterestRateModelWithPythonLambda",
    "IndicatorHistoryAlgorithm",
    "IndicatorHistoryRegressionAlgorithm",
    "IndicatorVolatilityModelAlgorithm",
    "InsightTagAlphaRegressionAlgorithm",
    "MACDTrendAlgorithm",
    "MarketImpactSlippageModelRegressionAlgorithm",
    "NamedArgumentsRegression",
    "PortfolioRebalanceOnCustomFuncRegressionAlgorithm",
    "PortfolioRebalanceOnDateRulesRegressionAlgorithm",
    "QuitAfterInitializationRegressionAlgorithm",
    "QuitInInitializationRegressionAlgorithm",
    "RangeConsolidatorAlgorithm",
    "RawDataRegressionAlgorithm",
    "RiskParityPortfolioAlgorithm",
    "StopLimitOrderRegressionAlgorithm",
    "UpdateOrderRegressionAlgorithm",
]

# Their C# twins list Python and they ask for daily bars somewhere, but their universes use
# LEAN's default minute resolution, so LEAN's published statistics come from minute data
# (the twins count thousands of data points in a week). Run with --minute-data to see them.
MINUTE_DATA_IN_LEAN = [
    "InsightScoringRegressionAlgorithm",
    "LongOnlyAlphaStreamAlgorithm",
    "PearsonCorrelationPairsTradingAlphaModelFrameworkAlgorithm",
]

# LEAN's regression tests run with the launcher's config.json, whose "parameters" reach every
# algorithm's get_parameter (Queues/JobQueue.cs puts them in the job; ParameterizedAlgorithm's
# published statistics come from its "ema-fast" 10 and "ema-slow" 20, not the defaults)
LAUNCHER_CONFIG = Path("Launcher") / "config.json"

IGNORED: set[str] = set()  # statistics left out of the comparison (none)
STATISTIC = re.compile(r'\{\s*"([^"]+)"\s*,\s*"([^"]*)"\s*\}')


def published_statistics(csharp_file: Path) -> dict[str, str]:
    """The ExpectedStatistics dictionary of a C# regression algorithm, less IGNORED entries."""
    text = csharp_file.read_text(encoding="utf-8", errors="replace")
    start = text.find("ExpectedStatistics")
    if start < 0:
        raise ValueError(f"{csharp_file} publishes no ExpectedStatistics")
    block = text[start : text.find("};", start)]
    return {name: value for name, value in STATISTIC.findall(block) if name not in IGNORED}


def without_comments(text: str) -> str:
    """`text` (JSON with // line comments, as LEAN's config.json) without its comments."""
    kept, in_string, index = [], False, 0
    while index < len(text):
        char = text[index]
        if in_string:
            kept.append(char)
            if char == "\\":
                kept.append(text[index + 1 : index + 2])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            kept.append(char)
        elif text.startswith("//", index):
            index = text.find("\n", index)
            if index < 0:
                break
            continue
        else:
            kept.append(char)
        index += 1
    return "".join(kept)


def launcher_parameters(lean: Path) -> dict[str, str] | None:
    """The "parameters" of the clone's Launcher/config.json as the string values LEAN's job
    gives get_parameter (None when the clone has no such file)."""
    config = lean / LAUNCHER_CONFIG
    if not config.is_file():
        return None
    parameters = json.loads(without_comments(config.read_text(encoding="utf-8")))["parameters"]
    return {name: _as_job_string(value) for name, value in parameters.items()}


def _as_job_string(value: object) -> str:
    """A config value as Json.NET reads it into the job's string dictionary: numbers as
    written, booleans as .NET prints them ("True")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    return json.dumps(value)


def run_one(
    lean: Path, data: Path, name: str, timeout: int, parameters: dict[str, str] | None = None
) -> dict[str, object]:
    """Run Algorithm.Python/<name>.py with the runner, given `parameters`; compare with the C#
    twin's statistics."""
    published = published_statistics(lean / "Algorithm.CSharp" / f"{name}.cs")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as output:
        command = [
            sys.executable,
            "-m",
            "local_lean",
            str(lean / "Algorithm.Python" / f"{name}.py"),
            "--data",
            str(data),
            "--output",
            output,
            "--no-charts",
            "--no-report",
            "--no-progress",
            "--quiet",
        ]
        for parameter, value in (parameters or {}).items():
            command += ["--parameter", parameter, value]
        environment = dict(os.environ, PYTHONPATH=str(ROOT))
        try:
            process = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, env=environment
            )
        except subprocess.TimeoutExpired:
            return {"name": name, "status": "timeout", "seconds": timeout}
        seconds = round(time.perf_counter() - started, 1)
        summaries = list(Path(output).glob("backtests/*/*-summary.json"))
        if process.returncode != 0 or not summaries:
            lines = (process.stderr or process.stdout).strip().splitlines()
            error = next(
                (line for line in reversed(lines) if line.strip() and not line.startswith(" ")),
                f"exit {process.returncode}",
            )
            return {"name": name, "status": "error", "error": error[:300], "seconds": seconds}
        produced = json.loads(summaries[0].read_text(encoding="utf-8"))["statistics"]
    differences = {
        statistic: {"published": value, "produced": produced.get(statistic)}
        for statistic, value in published.items()
        if produced.get(statistic) != value
    }
    return {
        "name": name,
        "status": "match" if not differences else "differs",
        "matched": len(published) - len(differences),
        "published": len(published),
        "differences": differences,
        "seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lean", type=Path, required=True, help="a clone of QuantConnect/Lean")
    parser.add_argument("--data", type=Path, required=True, help="LEAN's data folder")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per algorithm")
    parser.add_argument(
        "--minute-data",
        action="store_true",
        help="also run the algorithms whose published statistics come from minute data",
    )
    parser.add_argument(
        "--listed",
        choices=["daily", "hour", "minute", "all"],
        help="run the algorithms bench/lean_intraday_regressions.py lists from the clone whose "
        "finest resolution is this one (all: every one it lists) instead of the daily list",
    )
    parser.add_argument("names", nargs="*", help="algorithms to run (default: all listed)")
    arguments = parser.parse_args()

    names = arguments.names or DAILY_EQUITY_ALGORITHMS
    if arguments.minute_data and not arguments.names:
        names = names + MINUTE_DATA_IN_LEAN
    if arguments.listed and not arguments.names:
        from lean_intraday_regressions import classify  # beside this script

        kept, _ = classify(arguments.lean, arguments.data)
        names = [
            row["name"]
            for row in kept
            if arguments.listed == "all" or row["finest_resolution"] == arguments.listed.upper()
        ]
    parameters = launcher_parameters(arguments.lean)
    if parameters is None:
        print(f"{LAUNCHER_CONFIG} absent from {arguments.lean}: algorithms get no parameters")
    rows = []
    for name in names:
        row = run_one(arguments.lean, arguments.data, name, arguments.timeout, parameters)
        rows.append(row)
        if row["status"] in ("match", "differs"):
            detail = ", ".join(
                f"{k}: {v['produced']} vs {v['published']}"
                for k, v in list(row["differences"].items())[:2]
            )
            outcome = f"{row['matched']}/{row['published']}  {detail}"
        else:
            outcome = row.get("error", row["status"])
        print(f"{name:60s} {row['status']:8s} {row['seconds']:6.1f}s  {outcome}", flush=True)

    matches = sum(row["status"] == "match" for row in rows)
    print(f"\n{matches} of {len(rows)} match every published statistic, OrderListHash included")
    causes: dict[str, int] = {}
    for row in rows:
        if row["status"] == "differs":
            for statistic in row["differences"]:
                causes[statistic] = causes.get(statistic, 0) + 1
        elif row["status"] != "match":
            causes[row["status"]] = causes.get(row["status"], 0) + 1
    if causes:
        ranked = sorted(causes.items(), key=lambda item: -item[1])
        print("not matched, by cause: " + ", ".join(f"{name} {count}" for name, count in ranked))
    print(f"{time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    results = LISTED_RESULTS if arguments.listed and not arguments.names else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    summary = {"listed": arguments.listed, "matches": matches, "algorithms": len(rows)}
    results.write_text(
        json.dumps({**summary, "causes": causes, "rows": rows}, indent=2) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
