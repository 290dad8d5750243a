"""Speed-up of an optimisation on Ray over running its parameter sets one after another.

The grid of the README's example (retrain-epochs 1 5 2 x lookback 20 60 20: nine sets) of
main.py with a small model over one month, run twice:

- sequential: one process runs the sets one after another through ``local_lean.run_backtest``
  (TensorFlow imported once and free to use every core): the best a single process does;
- Ray: ``run_optimization`` on a local Ray instance with one worker per core, timed from the
  start of Ray to the last result (start-up, worker imports and the summary included).

Both runs must give the same statistics per set, or the benchmark stops.

    python bench/optimize_speedup.py                    # the synthetic market (its ETFs trade)
    python bench/optimize_speedup.py --data ../shared/data/lean
    python bench/optimize_speedup.py --quick            # a 2 x 2 grid

Prints a table and writes bench/results/optimize_speedup.json with the machine's description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean import run_backtest  # noqa: E402
from local_lean.optimize import OptimizationSettings, run_optimization  # noqa: E402
from local_lean.optimize.objectives import parse_target  # noqa: E402
from local_lean.optimize.space import grid, step_parameter  # noqa: E402
from local_lean.optimize.strategies import GRID_SEARCH  # noqa: E402

SMALL_MODEL = {"epochs": "2", "units": "4", "layers": "1", "history-bars": "200"}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="a LEAN data folder (default: the synthetic market)")
    parser.add_argument("--start", default="2020-01-02")
    parser.add_argument("--end", default="2020-01-31")
    parser.add_argument("--quick", action="store_true", help="a 2 x 2 grid instead of 3 x 3")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "optimize_speedup.json")
    )
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    parameters = (
        [
            step_parameter("retrain-epochs", "1", "5", "4"),
            step_parameter("lookback", "20", "40", "20"),
        ]
        if args.quick
        else [
            step_parameter("retrain-epochs", "1", "5", "2"),
            step_parameter("lookback", "20", "60", "20"),
        ]
    )
    options = {
        "data": args.data,
        "start": dt.date.fromisoformat(args.start),
        "end": dt.date.fromisoformat(args.end),
        "draw_charts": False,
    }
    sets = list(grid(parameters))
    scratch = Path(tempfile.mkdtemp(prefix="optimize-speedup-"))

    started = time.perf_counter()
    sequential: list[dict] = []
    for index, values in enumerate(sets):
        outcome = run_backtest(
            ROOT / "main.py",
            parameters={**SMALL_MODEL, **values},
            output=scratch / "sequential" / str(index),
            log=lambda line: None,
            **options,
        )
        sequential.append(_statistics(outcome.results_path))
    sequential_seconds = time.perf_counter() - started

    started = time.perf_counter()
    optimisation = run_optimization(
        OptimizationSettings(
            algorithm=ROOT / "main.py",
            strategy=GRID_SEARCH,
            target=parse_target("Sharpe Ratio", "max"),
            parameters=parameters,
            output=scratch / "ray",
            fixed_parameters=dict(SMALL_MODEL),
            backtest_options=options,
            workers=args.workers,
            target_label="Sharpe Ratio",
        ),
        progress=False,
        say=lambda line: None,
    )
    ray_seconds = time.perf_counter() - started
    on_ray = [_statistics(r.folder) for r in sorted(optimisation.results, key=lambda r: r.id)]
    if on_ray != sequential:
        raise SystemExit("Ray and sequential runs gave different statistics: not comparable")

    per_set = [round(r.seconds, 2) for r in sorted(optimisation.results, key=lambda r: r.id)]
    rows = [
        ("sequential (one process)", len(sets), sequential_seconds, 1.0),
        (
            f"Ray, {args.workers} workers",
            len(sets),
            ray_seconds,
            sequential_seconds / ray_seconds,
        ),
    ]
    print(f"{'run':<28} {'sets':>4} {'seconds':>8} {'speed-up':>8}")
    for name, count, seconds, speedup in rows:
        print(f"{name:<28} {count:>4} {seconds:>8.1f} {speedup:>7.2f}x")
    dsr = optimisation.summary.get("deflatedSharpe") or {}
    print(
        f"Each set on Ray: {min(per_set):.1f}-{max(per_set):.1f} s (one TensorFlow thread); "
        f"the winner's deflated Sharpe ratio: {dsr.get('value')}"
    )
    report = {
        "machine": describe_machine("ray", "tensorflow", "keras"),
        "load_average": os.getloadavg(),
        "grid": [p.name for p in parameters],
        "sets": len(sets),
        "data": args.data or "synthetic",
        "span": [args.start, args.end],
        "fixed_parameters": SMALL_MODEL,
        "sequential_seconds": round(sequential_seconds, 2),
        "ray_seconds": round(ray_seconds, 2),
        "ray_workers": args.workers,
        "speedup": round(sequential_seconds / ray_seconds, 3),
        "ray_set_seconds": per_set,
        "deflated_sharpe": dsr,
        "statistics_equal": True,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2))
    print(f"Wrote {output}")


def _statistics(folder: Path) -> dict:
    result = next(p for p in Path(folder).glob("*.json") if p.stem.isdigit())
    return json.loads(result.read_text())["statistics"]


if __name__ == "__main__":
    main()
