"""Monthly retraining within LEAN's time limits: the forum post's way against cheaper ways.

Every strategy below retrains one model of the post's architecture at each "month" (a block of
21 sessions) on the latest `--history-bars` closes, then forecasts each day of the next month one
step ahead. All strategies see the same prices in the same run, so their ratios are comparable
even on a shared, noisy machine.

    python bench/training_budget.py            # 6 monthly retrains on real SPY closes
    python bench/training_budget.py --quick    # a tiny model and 2 retrains, for CI-sized runs

Prints a table and writes bench/results/training_budget.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.data import open_price_source  # noqa: E402
from lstm_model import MyLSTM  # noqa: E402

SESSIONS_PER_MONTH = 21
# LEAN's scheduled-event bucket (lean.json's scheduled-event-leaky-bucket-*): a 10-year
# backtest has 120 month ends, and the goal is to spend at most a tenth of the 120-minute
# bucket training.
RETRAINS_IN_TEN_YEARS = 120
TRAINING_GOAL_MINUTES = 12.0


@dataclass(frozen=True)
class RetrainStrategy:
    """How each month's model is produced from last month's."""

    name: str
    retrain_epochs: int | None  # None: from scratch with the full epochs every month
    recent_windows: int | None = None  # warm start on only the latest windows
    description: str = ""


STRATEGIES = [
    RetrainStrategy("post", None, description="from scratch, 50 epochs, every month"),
    RetrainStrategy("warm-5", 5, description="warm start, 5 epochs on all windows"),
    RetrainStrategy("warm-3", 3, description="warm start, 3 epochs on all windows"),
    RetrainStrategy(
        "warm-5-recent-250", 5, 250, description="warm start, 5 epochs on the latest 250 windows"
    ),
]


def run_strategy(
    strategy: RetrainStrategy, closes: np.ndarray, model_settings: dict, args, first_fit: dict
) -> dict:
    """Monthly retrains and the one-step forecasts of each following month.

    The first month's fit is the same for every strategy (same seed, same closes): it is made
    once and shared through `first_fit`, and each strategy is charged its measured seconds.
    """
    # The strategy's retrain policy, as MyLSTM's own settings (the ones main.py sets).
    policy = {
        "warm_start": strategy.retrain_epochs is not None,
        "warm_epochs": strategy.retrain_epochs or 1,
        "retrain_windows": strategy.recent_windows or 0,
    }
    model = MyLSTM(**model_settings, **policy)
    seconds, forecasts, actuals, previous = [], [], [], []
    first_forecast_day = args.history_bars
    for month in range(args.retrains):
        start = first_forecast_day + month * SESSIONS_PER_MONTH
        training = closes[start - args.history_bars : start]
        if month == 0 and "model" in first_fit:
            model = first_fit["model"].copy().set_params(**policy)
            seconds.append(first_fit["seconds"])
        else:
            began = time.perf_counter()
            model.fit(training)
            seconds.append(time.perf_counter() - began)
            if month == 0:
                first_fit.update(model=model.copy(), seconds=seconds[0])

        month_end = min(start + SESSIONS_PER_MONTH, len(closes))
        inputs = closes[start - model.lookback : month_end - 1]
        forecasts.extend(model.predict_from_model(inputs))
        actuals.extend(closes[start:month_end])
        previous.extend(closes[start - 1 : month_end - 1])
        print(f"  {strategy.name}: retrain {month + 1}/{args.retrains} {seconds[-1]:.1f} s")

    latency = forecast_latency_ms(model, closes[-model.lookback :])
    return {
        "strategy": strategy.name,
        "description": strategy.description,
        "retrain_seconds": seconds,
        **forecast_errors(np.array(forecasts), np.array(actuals), np.array(previous)),
        **latency,
        "projected_10y_minutes": projected_minutes(seconds),
    }


def projected_minutes(seconds: list[float]) -> float:
    """First fit plus the median later retrain for the other 119 month ends."""
    later = statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]
    return (seconds[0] + later * (RETRAINS_IN_TEN_YEARS - 1)) / 60


def forecast_errors(forecasts, actuals, previous) -> dict:
    def direction_hits(predicted_change):
        return float(np.mean(np.sign(predicted_change) == np.sign(actuals - previous)))

    return {
        "rmse": float(np.sqrt(np.mean((forecasts - actuals) ** 2))),
        "mae": float(np.mean(np.abs(forecasts - actuals))),
        "directional_accuracy": direction_hits(forecasts - previous),
        "naive_rmse": float(np.sqrt(np.mean((previous - actuals) ** 2))),
        "naive_mae": float(np.mean(np.abs(previous - actuals))),
        "forecast_days": len(actuals),
    }


def forecast_latency_ms(model: MyLSTM, window: np.ndarray, calls: int = 50) -> dict:
    """The daily call (predict_next) against Keras' full predict pipeline, one window each."""
    model.predict_next(window)  # the first call traces the compiled function
    began = time.perf_counter()
    for _ in range(calls):
        model.predict_next(window)
    predict_next_ms = (time.perf_counter() - began) / calls * 1000

    batch = model.predict_from_model(window)  # warm the full pipeline too
    began = time.perf_counter()
    for _ in range(calls):
        batch = model.predict_from_model(window)
    predict_from_model_ms = (time.perf_counter() - began) / calls * 1000
    del batch
    return {"predict_next_ms": predict_next_ms, "predict_from_model_ms": predict_from_model_ms}


def print_table(results: list[dict]) -> None:
    post = next((r for r in results if r["strategy"] == "post"), results[0])
    post_seconds = sum(post["retrain_seconds"])
    header = (
        f"{'strategy':<20}{'train s':>9}{'x post':>8}{'1st s':>8}{'later s':>9}{'10y min':>9}"
        f"{'RMSE':>9}{'/naive':>8}{'/post':>7}{'dir %':>7}{'next ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        total = sum(r["retrain_seconds"])
        later = statistics.median(r["retrain_seconds"][1:] or r["retrain_seconds"])
        print(
            f"{r['strategy']:<20}{total:>9.1f}{total / post_seconds:>8.3f}"
            f"{r['retrain_seconds'][0]:>8.1f}{later:>9.1f}{r['projected_10y_minutes']:>9.1f}"
            f"{r['rmse']:>9.4f}{r['rmse'] / r['naive_rmse']:>8.3f}{r['rmse'] / post['rmse']:>7.3f}"
            f"{100 * r['directional_accuracy']:>7.1f}{r['predict_next_ms']:>9.2f}"
        )
    print(
        f"naive forecast: RMSE {results[0]['naive_rmse']:.4f}, "
        f"MAE {results[0]['naive_mae']:.4f} over {results[0]['forecast_days']} days"
    )


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, 2 retrains (CI-sized)")
    parser.add_argument(
        "--data",
        default=str(ROOT.parent / "shared" / "data" / "lean"),
        help="LEAN data folder; the built-in synthetic market if it is absent",
    )
    parser.add_argument("--ticker", default="SPY")
    parser.add_argument(
        "--first-forecast",
        default="2015-01-02",
        help="first forecast day (YYYY-MM-DD); training uses the closes before it",
    )
    parser.add_argument("--retrains", type=int, default=6)
    parser.add_argument("--history-bars", type=int, default=1260)
    parser.add_argument("--normalization", default=MyLSTM().normalization)
    parser.add_argument("--strategies", default=",".join(s.name for s in STRATEGIES))
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "training_budget.json")
    )
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    model_settings = {"normalization": args.normalization, "seed": 0}
    if args.quick:
        args.retrains = min(args.retrains, 2)
        model_settings.update(lookback=10, units=8, layers=1, epochs=3)

    data = args.data if Path(args.data).exists() else None
    bars = open_price_source(data).daily_bars(args.ticker)
    start = int(np.searchsorted(bars.index, np.datetime64(args.first_forecast)))
    if start < args.history_bars:
        raise SystemExit(
            f"{args.ticker} has {start} closes before {args.first_forecast}; "
            f"{args.history_bars} are needed: choose a later --first-forecast"
        )
    span = args.history_bars + args.retrains * SESSIONS_PER_MONTH
    closes = bars["close"].to_numpy(dtype=float)[
        start - args.history_bars : start - args.history_bars + span
    ]

    chosen = [s for s in STRATEGIES if s.name in args.strategies.split(",")]
    print(
        f"{args.ticker} from {'the LEAN folder ' + data if data else 'the synthetic market'}, "
        f"{args.retrains} monthly retrains, normalization {args.normalization}"
    )
    first_fit: dict = {}
    results = [
        run_strategy(strategy, closes, model_settings, args, first_fit) for strategy in chosen
    ]
    print_table(results)

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": describe_machine("keras", "numpy"),
        "settings": {**vars(args), "model": model_settings},
        "goal": {"retrains_in_ten_years": RETRAINS_IN_TEN_YEARS, "minutes": TRAINING_GOAL_MINUTES},
        "results": results,
    }
    output.write_text(json.dumps(report, indent=2))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
