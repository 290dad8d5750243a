"""How fast a whole backtest runs on a month of SPY minute bars, beside the same month daily.

The month is October 2013 (23 sessions), built as ``bench/intraday_data.py`` builds it: LEAN's
sample SPY minute files where they exist, copies of them under the other sessions' dates. The
algorithm is trivial, LEAN's BasicTemplateAlgorithm (all in SPY at the first bar, then hold),
so the table shows the runner's own cost per bar: the clock, slices, prices, fills, ``on_data``,
equity samples and the capacity estimate. Rows, each the best of `--repeats` runs of
``run_backtest`` (initialize to results, no files written), alternated so that both see the
same machine load:

- daily: ``add_equity("SPY", Resolution.DAILY)``, one trade bar a session;
- hour: ``Resolution.HOUR``, trade bars only (LEAN keeps no hour quotes for equities);
- minute: ``Resolution.MINUTE``, a trade and a quote bar each minute of regular hours.

Prints seconds, bars sent to the algorithm (trade plus quote bars) and bars per second, the
ratios to the daily row, and writes bench/results/intraday_backtest.json with the machine.

    python bench/intraday_backtest.py
    python bench/intraday_backtest.py --data ~/Lean/Data --repeats 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intraday_data import LEAN_DATA, build_month  # noqa: E402  (beside this script)
from machine_info import describe_machine  # noqa: E402

from local_lean.algorithm import QCAlgorithm  # noqa: E402
from local_lean.engine import BacktestEngine, BacktestOptions  # noqa: E402
from local_lean.enums import Resolution  # noqa: E402

RESOLUTIONS = {"daily": Resolution.DAILY, "hour": Resolution.HOUR, "minute": Resolution.MINUTE}


def month_algorithm(resolution: Resolution) -> type:
    class AllInSpy(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2013, 10, 1)
            self.set_end_date(2013, 10, 31)
            self.set_cash(100000)
            self.spy = self.add_equity("SPY", resolution).symbol

        def on_data(self, data) -> None:
            if not self.portfolio.invested:
                self.set_holdings(self.spy, 1)

    return AllInSpy


def run_once(root: Path, resolution: Resolution) -> tuple[float, int, str]:
    """(seconds, bars sent, end equity) of one backtest of the month."""
    algorithm = month_algorithm(resolution)()
    started = time.perf_counter()
    engine = BacktestEngine(
        algorithm, BacktestOptions(data=root, draw_charts=False, log=lambda line: None)
    )
    outcome = engine.run()
    seconds = time.perf_counter() - started
    if outcome.runtime_error is not None:
        raise SystemExit(f"{resolution.name}: {outcome.runtime_error}")
    bars = engine.intraday.bars_sent if resolution != Resolution.DAILY else engine.sessions_run
    return seconds, bars, f"{algorithm.portfolio.total_portfolio_value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=LEAN_DATA, help="LEAN's sample data folder")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "intraday_backtest.json"
    )
    arguments = parser.parse_args()
    if not (arguments.data / "equity" / "usa" / "minute" / "spy").is_dir():
        parser.error(f"{arguments.data} has no equity/usa/minute/spy: pass LEAN's Data folder")

    times: dict[str, list[float]] = {name: [] for name in RESOLUTIONS}
    bars: dict[str, int] = {}
    equity: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        real, copied = build_month(arguments.data, Path(folder))
        for _ in range(arguments.repeats):
            for name, resolution in RESOLUTIONS.items():  # alternated, same load for each
                seconds, count, end = run_once(Path(folder), resolution)
                times[name].append(seconds)
                bars[name], equity[name] = count, end

    rows = []
    daily_best = min(times["daily"])
    repeats = arguments.repeats
    print(f"October 2013, SPY: {real} real minute days, {copied} copied; best of {repeats}")
    header = ("path", "seconds", "median", "bars", "bars/s", "x daily")
    print("{:8s} {:>9s} {:>9s} {:>8s} {:>10s} {:>8s}".format(*header))
    for name in RESOLUTIONS:
        best = min(times[name])
        rate = bars[name] / best
        rows.append(
            {
                "path": name,
                "best_seconds": round(best, 3),
                "median_seconds": round(statistics.median(times[name]), 3),
                "bars": bars[name],
                "bars_per_second": round(rate, 1),
                "seconds_vs_daily": round(best / daily_best, 2),
                "end_equity": equity[name],
            }
        )
        print(
            f"{name:8s} {best:9.2f} {statistics.median(times[name]):9.2f} {bars[name]:8d} "
            f"{rate:10.0f} {best / daily_best:8.1f}"
        )
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(
            {
                "month": "2013-10",
                "real_minute_days": real,
                "copied_minute_days": copied,
                "repeats": arguments.repeats,
                "rows": rows,
                "machine": describe_machine(),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
