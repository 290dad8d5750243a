"""How long a backtest's report takes to build, and how large it is.

Reads a results folder (default: the newest under backtests/, the main job's after
`python -m local_lean main.py`), then times each step of building report.html, several times:
reading the results files, computing and drawing the page, writing it. Prints a table and
writes bench/results/report_build.json with a description of the machine.

    python bench/report_build.py [backtests/<yyyy-mm-dd_hh-mm-ss>] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.report import REPORT_FILE  # noqa: E402
from local_lean.report.page import render_report  # noqa: E402
from local_lean.report.results_folder import read_results_folder  # noqa: E402


def newest_backtest() -> Path | None:
    runs = sorted(path for path in (ROOT / "backtests").glob("*") if path.is_dir())
    return runs[-1] if runs else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="a backtest's results folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "report_build.json"
    )
    arguments = parser.parse_args()
    folder = arguments.folder or newest_backtest()
    if folder is None or not folder.is_dir():
        parser.error("no results folder: run `python -m local_lean main.py` or give a folder")

    steps: dict[str, list[float]] = {"read": [], "compute and draw": [], "write": []}
    cpu_seconds = []  # this process's CPU time: steadier than wall clock on a shared machine
    for _ in range(arguments.repeat):
        cpu_started = time.process_time()
        started = time.perf_counter()
        results = read_results_folder(folder)
        read = time.perf_counter()
        page = render_report(results)
        rendered = time.perf_counter()
        (folder / REPORT_FILE).write_text(page, encoding="utf-8")
        written = time.perf_counter()
        steps["read"].append(read - started)
        steps["compute and draw"].append(rendered - read)
        steps["write"].append(written - rendered)
        cpu_seconds.append(time.process_time() - cpu_started)
    totals = [sum(times) for times in zip(*steps.values(), strict=True)]
    steps["total"] = totals

    result_files = sum(p.stat().st_size for p in folder.glob("*.json"))
    size = (folder / REPORT_FILE).stat().st_size
    orders = len(results.result.get("orders") or {})
    insights = len(results.insights or [])
    print(f"{folder}: {orders} orders, {insights} insights, results {result_files / 1024:.0f} KiB")
    print(f"{'step':<18}  median s  min s")
    for name, times in steps.items():
        print(f"{name:<18}  {statistics.median(times):8.3f}  {min(times):5.3f}")
    print(
        f"{'total, CPU time':<18}  {statistics.median(cpu_seconds):8.3f}  {min(cpu_seconds):5.3f}"
    )
    print(f"report.html: {size / 1024:.0f} KiB")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(
            {
                "machine": describe_machine("pandas", "matplotlib", "jinja2"),
                "folder": folder.name,
                "orders": orders,
                "insights": insights,
                "results_json_bytes": result_files,
                "report_bytes": size,
                "seconds": {name: times for name, times in steps.items()},
                "cpu_seconds": cpu_seconds,
            },
            indent=2,
        )
    )
    print(f"wrote {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
