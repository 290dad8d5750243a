"""What one market order costs when many are open: N orders placed in one scheduled event.

Each market order placed during the session becomes a MarketOnClose order and stays open until
the close, so the N-th order meets N - 1 open ones. The per-order cost must not grow with N.

    python bench/order_cost.py                    # 1000, 2000, 4000 orders
    python bench/order_cost.py --orders 500 2000

Prints a table (orders, seconds in the event, milliseconds per order, and the per-order cost
relative to the smallest N) and writes bench/results/order_cost.json with the machine's
description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.algorithm import QCAlgorithm  # noqa: E402
from local_lean.engine import BacktestEngine, BacktestOptions  # noqa: E402
from local_lean.enums import Resolution  # noqa: E402


class ManyMarketOrders(QCAlgorithm):
    """Places `orders` one-share market orders for SPY at 10:00 on one day."""

    orders = 1000

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.set_cash(100_000_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.schedule.on(
            self.date_rules.on(2021, 1, 6), self.time_rules.at(10, 0), self.place_orders
        )

    def place_orders(self) -> None:
        started = time.perf_counter()
        for _ in range(self.orders):
            self.market_order(self.spy, 1)
        self.seconds = time.perf_counter() - started


def measure(orders: int) -> dict[str, float]:
    algorithm = type("Run", (ManyMarketOrders,), {"orders": orders})()
    outcome = BacktestEngine(
        algorithm, BacktestOptions(log=lambda line: None, draw_charts=False)
    ).run()
    if not outcome.succeeded:
        raise SystemExit(outcome.runtime_error)
    return {"orders": orders, "seconds": round(algorithm.seconds, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args()
    rows = [measure(count) for count in sorted(args.orders)]
    base = rows[0]["seconds"] / rows[0]["orders"]
    print(f"{'orders':>8}{'seconds':>10}{'ms/order':>10}{'vs first':>10}")
    for row in rows:
        per_order = row["seconds"] / row["orders"]
        row["ms_per_order"] = round(per_order * 1000, 4)
        row["relative_to_first"] = round(per_order / base, 2)
        print(
            f"{row['orders']:>8}{row['seconds']:>10.2f}{row['ms_per_order']:>10.3f}"
            f"{row['relative_to_first']:>10.2f}"
        )
    report = {
        "benchmark": "order_cost",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": describe_machine("pandas", "numpy"),
        "rows": rows,
    }
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "order_cost.json").write_text(json.dumps(report, indent=2))
    print(f"Wrote {results / 'order_cost.json'}")


if __name__ == "__main__":
    main()
