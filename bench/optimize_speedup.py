"""Speed-up of an optimisation on Ray over running its parameter sets one after another.

The grid of the README's example (retrain-epochs 1 5 2 x lookback 20 60 20: nine sets) of
main.py with a small model over one month, run twice:

- sequential: one process runs the sets one after another through ``local_lean.run_backtest``
  (TensorFlow imported once and free to use every core): the best a single process does;
- Ray: ``run_optimization`` on a local Ray instance with one worker per core, twice: cold
  (the workers start and import TensorFlow) and warm (the same workers again, as on a running
  cluster); Ray's own start is timed apart. Summary files and the heatmap are included.

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
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up notices

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

    import ray

    started = time.perf_counter()
    ray.init(address="local", num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
    ray_start_seconds = time.perf_counter() - started
    runs = []
    for name in ("cold", "warm"):  # cold: workers start and import TensorFlow; warm: reused
        started = time.perf_counter()
        optimisation = run_optimization(
            OptimizationSettings(
                algorithm=ROOT / "main.py",
                strategy=GRID_SEARCH,
                target=parse_target("Sharpe Ratio", "max"),
                parameters=parameters,
                output=scratch / f"ray-{name}",
                fixed_parameters=dict(SMALL_MODEL),
                backtest_options=options,
                target_label="Sharpe Ratio",
            ),
            progress=False,
            say=lambda line: None,
        )
        seconds = time.perf_counter() - started
        ordered = sorted(optimisation.results, key=lambda r: r.id)
        if [_statistics(r.folder) for r in ordered] != sequential:
            raise SystemExit("Ray and sequential runs gave different statistics: not comparable")
        runs.append((name, seconds, [round(r.seconds, 2) for r in ordered], optimisation))
    ray.shutdown()

    (_, cold_seconds, cold_sets, _), (_, warm_seconds, warm_sets, optimisation) = runs
    end_to_end = ray_start_seconds + cold_seconds
    rows = [
        ("sequential, one process", sequential_seconds, 1.0),
        ("Ray start (ray.init)", ray_start_seconds, None),
        (f"Ray, {args.workers} workers, cold", cold_seconds, None),
        ("Ray end to end (start + cold)", end_to_end, sequential_seconds / end_to_end),
        (f"Ray, {args.workers} workers, warm", warm_seconds, sequential_seconds / warm_seconds),
    ]
    print(f"{len(sets)} parameter sets, main.py with {SMALL_MODEL}, {args.start}..{args.end}")
    print(f"{'run':<32} {'seconds':>8} {'speed-up':>9}")
    for name, seconds, speedup in rows:
        shown = "" if speedup is None else f"{speedup:.2f}x"
        print(f"{name:<32} {seconds:>8.1f} {shown:>9}")
    dsr = optimisation.summary.get("deflatedSharpe") or {}
    print(
        f"Each set on Ray (warm): {min(warm_sets):.1f}-{max(warm_sets):.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the winner's deflated Sharpe "
        f"ratio {dsr.get('value')}"
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
        "ray_workers": args.workers,
        "ray_start_seconds": round(ray_start_seconds, 2),
        "ray_cold_seconds": round(cold_seconds, 2),
        "ray_warm_seconds": round(warm_seconds, 2),
        "speedup_end_to_end": round(sequential_seconds / end_to_end, 3),
        "speedup_warm": round(sequential_seconds / warm_seconds, 3),
        "ray_cold_set_seconds": cold_sets,
        "ray_warm_set_seconds": warm_sets,
        "winner": optimisation.summary.get("best", {}).get("parameters"),
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
