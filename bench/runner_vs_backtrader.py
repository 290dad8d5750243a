"""The runner against backtrader, as a user meets both: whole processes on the same CSV files.

The work: the synthetic market's 29 tickers written as CSV files, ten years of sessions, equal
weight over every ticker with data, rebalanced every session and filled at that session's
close, LEAN's Interactive Brokers equity fees and LEAN's minimum order margin (an order under
0.1% of the portfolio is skipped) in both engines. local_lean runs it twice: with
``set_holdings`` and with LEAN's framework (insights, equal weighting, immediate execution).
Each engine runs as its own process (start-up, data, loop and results included), and the CPU
time of the process is measured; the engines alternate, `--repeats` times.

    pip install backtrader==1.9.78.123      # the comparison engine (not a project dependency)
    python bench/runner_vs_backtrader.py                  # 2011-2020, 3 repeats
    python bench/runner_vs_backtrader.py --years 2 --repeats 1

Prints a table (CPU seconds per engine, orders, the ratio to backtrader) and writes
bench/results/runner_vs_backtrader.json with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.data.synthetic import SyntheticMarket  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "runner_vs_backtrader.json"
MINIMUM_ORDER_MARGIN = 0.001  # LEAN's minimum_order_margin_portfolio_percentage default

# The algorithm local_lean runs (a LEAN algorithm, as a user writes one); FRAMEWORK picks the
# variant. Dates come from the command line.
LEAN_ALGORITHM = """
from AlgorithmImports import *

FRAMEWORK = {framework}


class EqualWeightEverySession(QCAlgorithm):
    def initialize(self):
        self.set_cash(1_000_000)
        self.symbols = [self.add_equity(t, Resolution.DAILY).symbol for t in {tickers!r}]
        spy = self.symbols[self.symbols.index("SPY")]
        if FRAMEWORK:
            self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
            self.set_execution(ImmediateExecutionModel())
        self.schedule.on(
            self.date_rules.every_day(spy), self.time_rules.after_market_open(spy, 5), self.trade
        )

    def trade(self):
        live = [s for s in self.symbols if self.securities[s].has_data]
        if FRAMEWORK:
            self.emit_insights(
                [Insight.price(s, timedelta(days=1), InsightDirection.UP) for s in live]
            )
        else:
            self.set_holdings([PortfolioTarget(s, 1 / len(live)) for s in live])
"""

# The same strategy in backtrader: rebalance in next() and fill at that bar's close
# (cheat-on-close), IB's per-share fee with its minimum and cap, LEAN's minimum order margin.
BACKTRADER_SCRIPT = """
import datetime as dt
import sys

import backtrader as bt

folder, tickers, start, end = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4]


class InteractiveBrokers(bt.CommInfoBase):
    params = (("stocklike", True), ("commtype", bt.CommInfoBase.COMM_FIXED))

    def _getcommission(self, size, price, pseudoexec):
        per_share = 0.005 * abs(size)
        return 1.0 if per_share < 1.0 else min(per_share, 0.005 * abs(size) * price)


class EqualWeight(bt.Strategy):
    def next(self):
        live = [d for d in self.datas if len(d)]
        value = self.broker.getvalue()
        for data in live:
            target = value / len(live)
            held = self.getposition(data).size * data.close[0]
            if abs(target - held) >= {margin} * value:
                self.order_target_percent(data, target=1 / len(live))


cerebro = bt.Cerebro(stdstats=False)
cerebro.broker.setcash(1_000_000)
cerebro.broker.set_coc(True)
cerebro.broker.addcommissioninfo(InteractiveBrokers())
for ticker in tickers:
    feed = bt.feeds.GenericCSVData(
        dataname=f"{{folder}}/{{ticker}}.csv", dtformat="%Y-%m-%d", datetime=0, open=1, high=2,
        low=3, close=4, volume=5, openinterest=-1, headers=True,
        fromdate=dt.datetime.fromisoformat(start), todate=dt.datetime.fromisoformat(end),
    )
    cerebro.adddata(feed, name=ticker)
cerebro.addstrategy(EqualWeight)
strategy = cerebro.run()[0]
print("orders", len({{o.ref for o in strategy._orders if o.status == o.Completed}}))
print("value", cerebro.broker.getvalue())
"""


def write_csv_folder(folder: Path, start: str, end: str) -> list[str]:
    """The synthetic market's bars from `start` to `end` as <ticker>.csv files."""
    market = SyntheticMarket(seed=0)
    tickers = []
    for ticker in SyntheticMarket.tickers():
        bars = market.daily_bars(ticker)
        bars = bars[(bars.index >= start) & (bars.index <= end)]
        if bars.empty:
            continue
        frame = bars[["open", "high", "low", "close", "volume"]].copy()
        frame.index = frame.index.strftime("%Y-%m-%d")
        frame.to_csv(folder / f"{ticker}.csv", index_label="date")
        tickers.append(ticker)
    return tickers


def cpu_seconds_of(command: list[str], cwd: Path) -> tuple[float, str]:
    """Run `command` to its end; the CPU seconds (user + system) it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{completed.stdout}\n{completed.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, completed.stdout


def _lean_orders(output: Path) -> int | None:
    """Total Orders of the latest local_lean run written under `output` (None: not local_lean)."""
    summaries = sorted(output.rglob("*-summary.json"))
    if not summaries:
        return None
    statistics_ = json.loads(summaries[-1].read_text())["statistics"]
    return int(statistics_["Total Orders"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    try:
        import backtrader  # noqa: F401
    except ImportError:
        sys.exit("backtrader is not installed: pip install backtrader==1.9.78.123")
    start, end = f"{2021 - args.years}-01-01", "2020-12-31"
    work = Path(tempfile.mkdtemp(prefix="runner-vs-backtrader-"))
    data = work / "data"
    data.mkdir()
    tickers = write_csv_folder(data, start, end)
    scripts = {}
    for name, framework in (("local_lean set_holdings", False), ("local_lean framework", True)):
        path = work / f"{name.split()[-1]}.py"
        path.write_text(LEAN_ALGORITHM.format(framework=framework, tickers=tickers))
        scripts[name] = [
            sys.executable, "-m", "local_lean", str(path), "--data", str(data), "--start", start,
            "--end", end, "--output", str(work / path.stem), "--no-report", "--no-charts",
            "--no-progress", "--quiet",
        ]  # fmt: skip
    backtrader_script = work / "backtrader_equal_weight.py"
    backtrader_script.write_text(BACKTRADER_SCRIPT.format(margin=MINIMUM_ORDER_MARGIN))
    scripts["backtrader"] = [
        sys.executable, str(backtrader_script), str(data), ",".join(tickers), start, end,
    ]  # fmt: skip
    seconds: dict[str, list[float]] = {name: [] for name in scripts}
    for _ in range(args.repeats):
        for name, command in scripts.items():  # the engines alternate
            cpu, _ = cpu_seconds_of(command, ROOT)
            seconds[name].append(cpu)
    orders = {name: _lean_orders(work / Path(command[3]).stem) for name, command in scripts.items()}
    _, backtrader_output = cpu_seconds_of(scripts["backtrader"], ROOT)
    orders["backtrader"] = int(backtrader_output.split()[1])
    base = statistics.median(seconds["backtrader"])
    rows = []
    print(f"{len(tickers)} tickers, {start}..{end}, {args.repeats} repeats, CPU seconds")
    print(f"{'engine':28} {'orders':>7} {'median':>8} {'runs':>24} {'backtrader / engine':>20}")
    for name, values in seconds.items():
        median = statistics.median(values)
        ratio = base / median
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:28} {orders[name]!s:>7} {median:8.2f} {runs:>24} {ratio:20.2f}")
        rows.append(
            {
                "engine": name,
                "orders": orders[name],
                "cpu_seconds": values,
                "median": median,
                "backtrader_over_engine": ratio,
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": describe_machine(),
                "tickers": len(tickers),
                "start": start,
                "end": end,
                "rows": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
