"""How much time the runner itself takes: a trivial algorithm over ten years of sessions.

The algorithm adds every ticker of the synthetic market (29), and each session 5 minutes after
the open reads 60 days of history for all of them and either emits one-day insights for all of
them (equal weighting, immediate execution) or calls set_holdings for each. Its own work is a
mean of closes per symbol, so nearly all the time measured is the runner's: clock, events,
history frames, framework, orders, results.

    python bench/runner_overhead.py                 # 2011-2020, both variants
    python bench/runner_overhead.py --years 2       # shorter

Prints a table (sessions, seconds, per session, where the time goes) and writes
bench/results/runner_overhead.json with the machine's description.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.algorithm import QCAlgorithm  # noqa: E402
from local_lean.data.synthetic import SyntheticMarket  # noqa: E402
from local_lean.engine import BacktestEngine, BacktestOptions  # noqa: E402
from local_lean.enums import InsightDirection, Resolution  # noqa: E402
from local_lean.framework import (  # noqa: E402
    EqualWeightingPortfolioConstructionModel,
    ImmediateExecutionModel,
    Insight,
)

HISTORY_BARS = 60


class TrivialDailyAlgorithm(QCAlgorithm):
    """History for every ticker each morning, then insights or set_holdings for each."""

    use_insights = True
    start = dt.date(2011, 1, 1)
    end = dt.date(2020, 12, 31)

    def initialize(self) -> None:
        self.set_start_date(self.start)
        self.set_end_date(self.end)
        self.set_cash(1_000_000)
        self.tickers = [
            self.add_equity(t, Resolution.DAILY).symbol for t in SyntheticMarket.tickers()
        ]
        if self.use_insights:
            self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
            self.set_execution(ImmediateExecutionModel())
        spy = self.tickers[self.tickers.index("SPY")]
        self.history_seconds = 0.0  # in self.history
        self.api_seconds = 0.0  # in emit_insights / set_holdings (the runner's framework, orders)
        self.event_seconds = 0.0  # the whole scheduled event
        self.schedule.on(
            self.date_rules.every_day(spy), self.time_rules.after_market_open(spy, 5), self.trade
        )

    def trade(self) -> None:
        started = time.perf_counter()
        self._trade()
        self.event_seconds += time.perf_counter() - started

    def _trade(self) -> None:
        started = time.perf_counter()
        history = self.history(self.tickers, HISTORY_BARS, Resolution.DAILY)
        self.history_seconds += time.perf_counter() - started
        closes = history["close"].unstack(level=0)
        up = (closes.iloc[-1] > closes.mean()).to_dict()  # only ETFs listed by now
        started = time.perf_counter()
        if self.use_insights:
            self.emit_insights(
                [
                    Insight.price(
                        symbol,
                        dt.timedelta(days=1),
                        InsightDirection.UP if rising else InsightDirection.FLAT,
                    )
                    for symbol, rising in up.items()
                ]
            )
        else:
            chosen = [symbol for symbol, rising in up.items() if rising]
            for symbol in up:
                self.set_holdings(symbol, 1 / len(chosen) if symbol in chosen else 0)
        self.api_seconds += time.perf_counter() - started


class TrivialSetHoldings(TrivialDailyAlgorithm):
    use_insights = False


def run(algorithm_class: type, output: Path, profile: bool) -> dict:
    algorithm = algorithm_class()
    options = BacktestOptions(output=output, log=lambda line: None, draw_charts=False)
    engine = BacktestEngine(algorithm, options)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    outcome = engine.run()
    if profiler:
        profiler.disable()
    total = time.perf_counter() - started
    assert outcome.succeeded, outcome.runtime_error
    own = algorithm.event_seconds - algorithm.history_seconds - algorithm.api_seconds
    result = {
        "sessions": outcome.sessions,
        "seconds_total": round(total, 3),
        "ms_per_session": round(1000 * total / outcome.sessions, 3),
        "seconds_initialize": round(outcome.timings["initialize"], 3),
        "seconds_loop": round(outcome.timings["loop"], 3),
        "seconds_history_calls": round(algorithm.history_seconds, 3),
        # The algorithm's own pandas work (everything in its event but runner calls).
        "seconds_algorithm_code": round(own, 3),
        # Everything in the loop that is not the algorithm's own code.
        "seconds_runner_loop": round(outcome.timings["loop"] - own, 3),
        "seconds_results": round(outcome.timings["results"], 3),
        "orders": len(outcome.record.orders),
        "insights": len(outcome.record.insights),
    }
    if profiler:
        result["top_functions"] = _top_functions(profiler)
    return result


def _top_functions(profiler: cProfile.Profile, count: int = 12) -> list[dict]:
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((own, cumulative, calls, f"{Path(file).name}:{line}({name})"))
    rows.sort(reverse=True)
    return [
        {
            "function": where,
            "own_seconds": round(own, 3),
            "cumulative": round(cum, 3),
            "calls": calls,
        }
        for own, cum, calls, where in rows[:count]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10, help="backtest length (default 10)")
    parser.add_argument("--profile", action="store_true", help="add cProfile's top functions")
    args = parser.parse_args()
    TrivialDailyAlgorithm.start = dt.date(2021 - args.years, 1, 1)
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, cls in (
            ("insights", TrivialDailyAlgorithm),
            ("set_holdings", TrivialSetHoldings),
        ):
            rows[name] = run(cls, Path(folder) / name, args.profile)
    header = (
        f"{'variant':<13}{'sessions':>9}{'total s':>9}{'ms/session':>11}{'init s':>8}"
        f"{'loop s':>8}{'algo code s':>12}{'runner s':>9}{'(history s)':>12}"
        f"{'results s':>10}{'orders':>8}"
    )
    print(header)
    for name, row in rows.items():
        print(
            f"{name:<13}{row['sessions']:>9}{row['seconds_total']:>9.2f}"
            f"{row['ms_per_session']:>11.2f}{row['seconds_initialize']:>8.2f}"
            f"{row['seconds_loop']:>8.2f}{row['seconds_algorithm_code']:>12.2f}"
            f"{row['seconds_runner_loop']:>9.2f}{row['seconds_history_calls']:>12.2f}"
            f"{row['seconds_results']:>10.2f}{row['orders']:>8}"
        )
    print(
        "loop = algo code (the algorithm's own pandas work) + runner (clock, events, history, "
        "framework, orders); results = writing the lean CLI's files"
    )
    for name, row in rows.items():
        for top in row.get("top_functions", [])[:8]:
            print(
                f"  {name}: {top['own_seconds']:>7.3f} s own, {top['calls']:>8} calls  "
                f"{top['function']}"
            )
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": describe_machine("numpy", "pandas"),
        "years": args.years,
        "tickers": len(SyntheticMarket.tickers()),
        "history_bars": HISTORY_BARS,
        "variants": rows,
    }
    (results / "runner_overhead.json").write_text(json.dumps(report, indent=2))
    print(f"Wrote {results / 'runner_overhead.json'}")


if __name__ == "__main__":
    main()
