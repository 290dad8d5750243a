"""The runner against backtrader, as a user meets both: whole processes on the same CSV files.

The work: the synthetic market's 29 tickers written as CSV files, ten years of sessions, equal
weight over every ticker with data, rebalanced every session at 09:35 and filled at that
session's close, LEAN's Interactive Brokers equity fees, LEAN's sizing (the previous close, the
0.25% free buffer, leverage 2) and LEAN's minimum order margin (an order under 0.1% of the
portfolio in margin is skipped) in both engines, so that they place the same orders. local_lean
runs it twice: with ``set_holdings`` and with LEAN's framework (insights, equal weighting,
immediate execution). Each engine runs as its own process (start-up, data, loop and results
included), and the CPU time of the process is measured; the engines alternate, `--repeats`
times, and the medians are compared.

    pip install -r bench/requirements.txt   # backtrader, pinned (not a project dependency)
    python bench/runner_vs_backtrader.py                  # 2011-2020, 3 repeats
    python bench/runner_vs_backtrader.py --years 2 --repeats 1

Without backtrader (or with another version) it prints why and skips. Prints a table (orders,
CPU seconds, bars per CPU second, the ratio backtrader / engine) and writes
bench/results/runner_vs_backtrader.json with the machine's description.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
# The comparison engine, pinned for this benchmark only (not a project dependency).
BENCH_REQUIREMENTS = ROOT / "bench" / "requirements.txt"
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

# The same strategy in backtrader, doing the same work as local_lean's set_holdings variant: at
# each session the targets are sized as LEAN sizes them at 09:35 (the previous close as the price,
# the value less LEAN's 0.25% free buffer, whole shares under the target once the fee is paid, in
# a margin account of leverage 2, orders under 0.1% of the value in margin skipped) and filled at
# that session's close (cheat-on-close, as LEAN's MarketOnClose conversion fills them). backtrader's
# commission scheme gets the same leverage; an order refused for cash fails the run.
BACKTRADER_SCRIPT = """
import datetime as dt
import math
import sys

import backtrader as bt

folder, tickers, start, end = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4]
LEVERAGE = 2.0
FREE_BUFFER = 0.0025
MINIMUM_ORDER_MARGIN = {margin}
LAST_SESSION = dt.date.fromisoformat(end)


def ib_fee(quantity, price):
    fee = 0.005 * abs(quantity)
    if fee < 1.0:
        return 1.0
    return min(fee, 0.005 * abs(quantity) * price)


class InteractiveBrokers(bt.CommInfoBase):
    params = (
        ("stocklike", True), ("commtype", bt.CommInfoBase.COMM_FIXED), ("leverage", LEVERAGE)
    )

    def _getcommission(self, size, price, pseudoexec):
        return ib_fee(size, price)


def amount_to_order(held, target_margin, unit_margin):
    size = -held + target_margin / unit_margin
    size = math.floor(size) if target_margin > 0 else math.ceil(size)
    while (target_margin < 0 and (size + held) * unit_margin < target_margin) or (
        target_margin > 0 and (size + held) * unit_margin > target_margin
    ):
        size += 1 if target_margin < 0 else -1
    return size


def lean_order_quantity(total, percent, price, held):
    target_buying_power = percent * (total - total * FREE_BUFFER) / total / LEVERAGE
    target_margin = target_buying_power * total
    unit_margin = price / LEVERAGE
    if total * MINIMUM_ORDER_MARGIN > abs(target_margin - held * unit_margin):
        return 0
    last = None
    while True:
        quantity = amount_to_order(held, target_margin, unit_margin)
        if quantity == 0:
            return 0
        final_margin = (quantity + held) * unit_margin
        target_margin = (total - ib_fee(quantity, price)) * target_buying_power
        if last == quantity or abs(final_margin) <= abs(target_margin):
            return quantity
        last = quantity


class EqualWeight(bt.Strategy):
    def __init__(self):
        self.refused = 0

    def prenext(self):
        self.next()

    def next(self):
        today = max(d.datetime.date(0) for d in self.datas if len(d))
        if today > LAST_SESSION:
            return  # the bars after the backtest only fill the orders of its last session
        live = [d for d in self.datas if len(d) >= 2 and d.datetime.date(0) == today]
        held = {{d: self.getposition(d).size for d in live}}
        # The value at the previous closes, as LEAN values the portfolio at 09:35.
        total = self.broker.getvalue() - sum(held[d] * (d.close[0] - d.close[-1]) for d in live)
        orders = []
        for data in live:
            quantity = lean_order_quantity(total, 1 / len(live), data.close[-1], held[data])
            if quantity:
                orders.append((data, quantity))
        for data, quantity in orders:
            (self.buy if quantity > 0 else self.sell)(data, size=abs(quantity))

    def notify_order(self, order):
        if order.status in (order.Margin, order.Rejected):
            self.refused += 1


cerebro = bt.Cerebro(stdstats=False)
cerebro.broker.setcash(1_000_000)
cerebro.broker.set_coc(True)
cerebro.broker.addcommissioninfo(InteractiveBrokers())
for ticker in tickers:
    feed = bt.feeds.GenericCSVData(
        dataname=f"{{folder}}/{{ticker}}.csv", dtformat="%Y-%m-%d", datetime=0, open=1, high=2,
        low=3, close=4, volume=5, openinterest=-1, headers=True,
        fromdate=dt.datetime.fromisoformat(start),
    )
    cerebro.adddata(feed, name=ticker)
cerebro.addstrategy(EqualWeight)
strategy = cerebro.run()[0]
if strategy.refused:
    sys.exit(f"backtrader refused {{strategy.refused}} orders for cash: the work differs")
print("orders", len({{o.ref for o in strategy._orders if o.status == o.Completed}}))
print("value", cerebro.broker.getvalue())
"""


def write_csv_folder(folder: Path, start: str, end: str) -> tuple[list[str], int]:
    """The synthetic market's bars from `start` to two weeks past `end` as <ticker>.csv files
    (backtrader fills an order at a bar's close in its next cycle: the orders of `end` need the
    bars after it). Returns the tickers and the bars from `start` to `end`, the work simulated."""
    market = SyntheticMarket(seed=0)
    tickers, bars_simulated = [], 0
    last_file_day = (dt.date.fromisoformat(end) + dt.timedelta(days=14)).isoformat()
    for ticker in SyntheticMarket.tickers():
        bars = market.daily_bars(ticker)
        bars = bars[(bars.index >= start) & (bars.index <= last_file_day)]
        if bars.empty:
            continue
        frame = bars[["open", "high", "low", "close", "volume"]].copy()
        frame.index = frame.index.strftime("%Y-%m-%d")
        frame.to_csv(folder / f"{ticker}.csv", index_label="date")
        tickers.append(ticker)
        bars_simulated += int((bars.index <= end).sum())
    return tickers, bars_simulated


def cpu_seconds_of(command: list[str], cwd: Path) -> tuple[float, str]:
    """Run `command` to its end; the CPU seconds (user + system) it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{completed.stdout}\n{completed.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, completed.stdout


def _lean_orders(output: Path) -> int:
    """Total Orders of the latest local_lean run written under `output`."""
    summaries = sorted(output.rglob("*-summary.json"))
    statistics_ = json.loads(summaries[-1].read_text())["statistics"]
    return int(statistics_["Total Orders"])


def backtrader_missing() -> str | None:
    """Why the comparison cannot run here (None: backtrader is installed, as pinned)."""
    try:
        import backtrader
    except ImportError:
        return f"backtrader is not installed: pip install -r {BENCH_REQUIREMENTS.relative_to(ROOT)}"
    pinned = BENCH_REQUIREMENTS.read_text().split("backtrader==")[1].split()[0]
    if backtrader.__version__ != pinned:
        return f"backtrader {backtrader.__version__} is installed; the comparison pins {pinned}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if (reason := backtrader_missing()) is not None:
        print(f"skipped: {reason}")
        return
    start, end = f"{2021 - args.years}-01-01", "2020-12-31"
    work = Path(tempfile.mkdtemp(prefix="runner-vs-backtrader-"))
    data = work / "data"
    data.mkdir()
    tickers, bars = write_csv_folder(data, start, end)
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
    outputs: dict[str, str] = {}
    for _ in range(args.repeats):
        for name, command in scripts.items():  # the engines alternate
            cpu, outputs[name] = cpu_seconds_of(command, ROOT)
            seconds[name].append(cpu)
    orders = {
        name: _lean_orders(work / Path(scripts[name][3]).stem)
        for name in scripts
        if name != "backtrader"
    }
    orders["backtrader"] = int(outputs["backtrader"].split()[1])
    base = statistics.median(seconds["backtrader"])
    rows = []
    print(f"{len(tickers)} tickers, {start}..{end}, {bars} bars, {args.repeats} repeats, CPU s")
    print(
        f"{'engine':24} {'orders':>7} {'median s':>9} {'bars/CPU s':>11} {'runs':>22} "
        f"{'backtrader/engine':>18}"
    )
    for name, values in seconds.items():
        median = statistics.median(values)
        ratio = base / median
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(
            f"{name:24} {orders[name]:7d} {median:9.2f} {bars / median:11.0f} {runs:>22} "
            f"{ratio:18.2f}"
        )
        rows.append(
            {
                "engine": name,
                "orders": orders[name],
                "cpu_seconds": values,
                "median": median,
                "bars_per_cpu_second": bars / median,
                "backtrader_over_engine": ratio,
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": describe_machine(),
                "tickers": len(tickers),
                "bars": bars,
                "start": start,
                "end": end,
                "backtrader": BENCH_REQUIREMENTS.read_text().split("backtrader==")[1].split()[0],
                "rows": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
