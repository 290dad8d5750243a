"""What judging an optimisation's selection costs: PBO by CSCV and the SPA test, by size.

For each size (sets x days of noise returns), side by side in one run:

- PBO as ``local_lean.optimize.overfitting`` computes it (per-block sums, one matrix product
  for all combinations) and as written out, one combination at a time with numpy's mean and
  std over the stacked blocks; both must give the same PBO, or the benchmark stops;
- the SPA test with the Reality Check (two ``arch`` stationary bootstraps).

    python bench/overfitting_cost.py          # 9 x 124 (the README's grid) to 100 x 2,520
    python bench/overfitting_cost.py --quick  # the first size only

Prints a table and writes bench/results/overfitting_cost.json with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.optimize.overfitting import (  # noqa: E402
    probability_of_backtest_overfitting,
    superior_predictive_ability,
)

SIZES = ((9, 124), (50, 1260), (100, 2520))


def pbo_one_combination_at_a_time(returns: np.ndarray, blocks: int) -> float:
    pieces = np.array_split(returns, blocks)
    sets = returns.shape[1]
    below, splits = 0, 0
    for chosen in combinations(range(blocks), blocks // 2):
        inside = np.vstack([pieces[i] for i in chosen])
        outside = np.vstack([pieces[i] for i in range(blocks) if i not in chosen])
        winner = int(np.argmax(inside.mean(0) / inside.std(0, ddof=1)))
        oos = outside.mean(0) / outside.std(0, ddof=1)
        relative = (1 + np.sum(oos < oos[winner])) / (sets + 1)
        below += math.log(relative / (1 - relative)) <= 0
        splits += 1
    return below / splits


def timed(function, *args, **options):
    began = time.perf_counter()
    value = function(*args, **options)
    return value, time.perf_counter() - began


def measure(sets: int, days: int, blocks: int, reps: int) -> dict[str, object]:
    rng = np.random.default_rng(0)
    returns = rng.normal(0, 0.01, size=(days, sets))
    benchmark = rng.normal(0, 0.01, size=days)
    fast, fast_seconds = timed(probability_of_backtest_overfitting, returns, blocks)
    direct, direct_seconds = timed(pbo_one_combination_at_a_time, returns, blocks)
    if abs(fast.probability - direct) > 1e-12:
        raise SystemExit(f"{sets} x {days}: PBO {fast.probability} against {direct} written out")
    spa, spa_seconds = timed(superior_predictive_ability, returns, benchmark, reps=reps)
    return {
        "sets": sets,
        "days": days,
        "blocks": blocks,
        "combinations": fast.combinations,
        "pbo": fast.probability,
        "pbo_seconds": fast_seconds,
        "pbo_one_at_a_time_seconds": direct_seconds,
        "speed_up": direct_seconds / fast_seconds,
        "spa_p_value": spa.spa_p_value,
        "reality_check_p_value": spa.reality_check_p_value,
        "spa_seconds": spa_seconds,
        "reps": reps,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=16)
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="the first size only")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "overfitting_cost.json"
    )
    arguments = parser.parse_args(argv)
    sizes = SIZES[:1] if arguments.quick else SIZES
    # arch's import and first bootstrap are paid once per process, not per test: apart.
    rng = np.random.default_rng(1)
    _, first_call = timed(
        superior_predictive_ability, rng.normal(size=(30, 2)), rng.normal(size=30), reps=100
    )
    rows = [measure(sets, days, arguments.blocks, arguments.reps) for sets, days in sizes]
    print(
        "| sets x days | combinations | PBO (s) | one at a time (s) | ratio | SPA + RC, "
        f"{arguments.reps} draws (s) |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['sets']} x {row['days']:,} | {row['combinations']:,} | "
            f"{row['pbo_seconds']:.2f} | {row['pbo_one_at_a_time_seconds']:.2f} | "
            f"{row['speed_up']:.0f}x | {row['spa_seconds']:.2f} |"
        )
    print(f"\narch's import and first call (before the table): {first_call:.2f} s")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "overfitting_cost",
        "machine": describe_machine("numpy", "arch"),
        "arch_first_call_seconds": first_call,
        "rows": rows,
    }
    arguments.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {arguments.output}")


if __name__ == "__main__":
    main()
