"""Speed-up of an optimisation on Ray over running its parameter sets one after another, and
the model fits a grid shares.

The grid of the README's example (retrain-epochs 1 5 2 x lookback 20 60 20: nine sets) of
main.py with a small model over one month:

- sequential: one process runs the sets one after another through ``local_lean.run_backtest``
  (TensorFlow imported once and free to use every core), each with its own object store, as
  separate backtests run: the best a single process does without sharing;
- Ray: ``run_optimization`` on a local Ray instance with one long-lived worker per core, the
  sets sharing main.py's model cache (``--share-storage``, the command's default), and again
  with nothing shared; Ray's own start is timed apart and counted in the end-to-end ratio.
  Summary files and the heatmap are included.

Every run must give the same statistics per set, or the benchmark stops. Each set's log says
for each model whether it was trained or served by the cache: the table counts both.

Then a grid over trading-only parameters (risk-on x risk-off: what is traded, not what the
models see) on Ray with the shared cache: its fits, read from the sets' logs, against the models
one set needs (each should be trained once in the whole grid).

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
from local_lean.optimize.space import choice_parameter, grid, step_parameter  # noqa: E402
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


MODEL_CACHE = "lstm-macro/model-cache"
#: Trading-only parameters: which ETFs are held, not which closes the models learn from.
TRADING_ONLY = [
    choice_parameter("risk-on", ["XLK, XLF", "XLE, XLU"]),
    choice_parameter("risk-off", ["TLT", "IEF, SHY"]),
]


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
    sequential_fits = [0, 0]
    for index, values in enumerate(sets):
        outcome = run_backtest(
            ROOT / "main.py",
            parameters={**SMALL_MODEL, **values},
            output=scratch / "sequential" / str(index),
            log=lambda line: None,
            **options,
        )
        sequential.append(_statistics(outcome.results_path))
        sequential_fits = _added(sequential_fits, _fits(Path(outcome.results_path)))
    sequential_seconds = time.perf_counter() - started

    import ray

    started = time.perf_counter()
    ray.init(address="local", num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
    ray_start_seconds = time.perf_counter() - started

    def optimise(name: str, grid_parameters, shared: list[str]):
        started = time.perf_counter()
        optimisation = run_optimization(
            OptimizationSettings(
                algorithm=ROOT / "main.py",
                strategy=GRID_SEARCH,
                target=parse_target("Sharpe Ratio", "max"),
                parameters=grid_parameters,
                output=scratch / name,
                fixed_parameters=dict(SMALL_MODEL),
                backtest_options=options,
                target_label="Sharpe Ratio",
                shared_storage=shared,
            ),
            progress=False,
            say=lambda line: None,
        )
        seconds = time.perf_counter() - started
        ordered = sorted(optimisation.results, key=lambda r: r.id)
        fits = [0, 0]
        for result in ordered:
            fits = _added(fits, _fits(result.folder))
        return seconds, ordered, fits, optimisation

    shared_seconds, shared_sets, shared_fits, optimisation = optimise(
        "ray-shared", parameters, [MODEL_CACHE]
    )
    alone_seconds, alone_sets, alone_fits, _ = optimise("ray-alone", parameters, [])
    for ordered in (shared_sets, alone_sets):
        if [_statistics(r.folder) for r in ordered] != sequential:
            raise SystemExit("Ray and sequential runs gave different statistics: not comparable")
    trading_seconds, trading_sets, trading_fits, _ = optimise(
        "ray-trading-only", TRADING_ONLY, [MODEL_CACHE]
    )
    ray.shutdown()
    models_per_set = [sum(_fits(r.folder)) for r in trading_sets]
    if len(set(models_per_set)) != 1:
        raise SystemExit(f"the trading-only sets need different models: {models_per_set}")

    rows = [
        ("sequential, one process", sequential_seconds, 1.0, sequential_fits),
        ("Ray start (ray.init)", ray_start_seconds, None, None),
        (
            f"Ray, {args.workers} workers, shared cache",
            shared_seconds,
            sequential_seconds / shared_seconds,
            shared_fits,
        ),
        (
            "  end to end (start + run)",
            ray_start_seconds + shared_seconds,
            sequential_seconds / (ray_start_seconds + shared_seconds),
            None,
        ),
        (
            f"Ray, {args.workers} workers, nothing shared",
            alone_seconds,
            sequential_seconds / alone_seconds,
            alone_fits,
        ),
    ]
    print(f"{len(sets)} parameter sets, main.py with {SMALL_MODEL}, {args.start}..{args.end}")
    print(f"{'run':<36} {'seconds':>8} {'speed-up':>9} {'trained':>8} {'served':>7}")
    for name, seconds, speedup, fits in rows:
        shown = "" if speedup is None else f"{speedup:.2f}x"
        trained, served = ("", "") if fits is None else fits
        print(f"{name:<36} {seconds:>8.1f} {shown:>9} {trained:>8} {served:>7}")
    print(
        f"Trading-only grid ({' x '.join(p.name for p in TRADING_ONLY)}, {len(trading_sets)} "
        f"sets) on Ray, shared cache: {trading_seconds:.1f} s; models a set needs "
        f"{models_per_set[0]}, trained {trading_fits[0]}, served by the cache {trading_fits[1]}"
    )
    set_seconds = [round(r.seconds, 2) for r in shared_sets]
    dsr = optimisation.summary.get("deflatedSharpe") or {}
    print(
        f"Each set on Ray (shared cache): {min(set_seconds):.1f}-{max(set_seconds):.1f} s; load "
        f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the winner's deflated "
        f"Sharpe ratio {dsr.get('value')}"
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
        "sequential_fits": {"trained": sequential_fits[0], "served": sequential_fits[1]},
        "ray_workers": args.workers,
        "ray_start_seconds": round(ray_start_seconds, 2),
        "ray_shared_seconds": round(shared_seconds, 2),
        "ray_shared_fits": {"trained": shared_fits[0], "served": shared_fits[1]},
        "ray_not_shared_seconds": round(alone_seconds, 2),
        "ray_not_shared_fits": {"trained": alone_fits[0], "served": alone_fits[1]},
        "speedup_shared": round(sequential_seconds / shared_seconds, 3),
        "speedup_shared_end_to_end": round(
            sequential_seconds / (ray_start_seconds + shared_seconds), 3
        ),
        "speedup_not_shared": round(sequential_seconds / alone_seconds, 3),
        "ray_shared_set_seconds": set_seconds,
        "trading_only_grid": {
            "parameters": {p.name: p.values() for p in TRADING_ONLY},
            "sets": len(trading_sets),
            "seconds": round(trading_seconds, 2),
            "models_per_set": models_per_set[0],
            "trained": trading_fits[0],
            "served": trading_fits[1],
        },
        "winner": optimisation.summary.get("best", {}).get("parameters"),
        "deflated_sharpe": dsr,
        "statistics_equal": True,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2))
    print(f"Wrote {output}")


def _fits(folder: Path) -> list[int]:
    """[models trained, models served by the cache] in a backtest's log.txt."""
    lines = [
        line
        for line in (Path(folder) / "log.txt").read_text().splitlines()
        if "Trained " in line and " closes (" in line
    ]
    served = sum("from the model cache, nothing trained" in line for line in lines)
    return [len(lines) - served, served]


def _added(total: list[int], more: list[int]) -> list[int]:
    return [a + b for a, b in zip(total, more, strict=True)]


def _statistics(folder: Path) -> dict:
    result = next(p for p in Path(folder).glob("*.json") if p.stem.isdigit())
    return json.loads(result.read_text())["statistics"]


if __name__ == "__main__":
    main()
