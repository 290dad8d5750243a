"""Monthly retraining within LEAN's time limits: the forum post's way against cheaper ways.

Every strategy below retrains one model of the post's architecture at each "month" (a block of
21 sessions) on the latest `--history-bars` closes, then forecasts each day of the next month one
step ahead. All strategies see the same prices in the same run, so their ratios are comparable
even on a shared, noisy machine.

    python bench/training_budget.py            # 6 monthly retrains on real SPY closes
    python bench/training_budget.py --strategies warm-5-recent-250,es-jit-warm-2-recent-250
    python bench/training_budget.py --quick    # a tiny model and 2 retrains, for CI-sized runs

Prints a table and writes bench/results/training_budget.json.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass, field
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


# Settings that shape only the warm retrains; the rest decide the first (from-scratch) fit.
WARM_SETTINGS = ("warm_start", "warm_epochs", "retrain_windows", "warm_batch_size")


@dataclass(frozen=True)
class RetrainStrategy:
    """How the first model is fitted and each month's model produced from last month's: the
    MyLSTM settings beside the model's own (the ones main.py sets from config.json)."""

    name: str
    settings: dict = field(default_factory=dict)
    description: str = ""

    def first_fit_key(self) -> tuple:
        """Strategies with equal keys fit the same first model (same seed, same closes)."""
        return tuple(sorted((k, v) for k, v in self.settings.items() if k not in WARM_SETTINGS))


WARM_5_RECENT_250 = {"warm_start": True, "warm_epochs": 5, "retrain_windows": 250}
# Early stopping on the latest tenth of the windows (in time order), best weights restored.
EARLY_STOPPING = {"validation_fraction": 0.1, "patience": 3}

STRATEGIES = [
    RetrainStrategy("post", {}, "from scratch, 50 epochs, every month"),
    RetrainStrategy("warm-5", {"warm_start": True, "warm_epochs": 5}, "warm, 5 epochs, all"),
    RetrainStrategy(
        "warm-3", {"warm_start": True, "warm_epochs": 3}, "warm start, 3 epochs on all windows"
    ),
    RetrainStrategy(
        "warm-5-recent-250", WARM_5_RECENT_250, "warm start, 5 epochs on the latest 250 windows"
    ),
    RetrainStrategy(
        "es-warm-5-recent-250",
        {**EARLY_STOPPING, **WARM_5_RECENT_250},
        "first fit stopped early; warm 5 epochs, latest 250 windows",
    ),
    RetrainStrategy(
        "es-warm-2-recent-250",
        {**EARLY_STOPPING, **WARM_5_RECENT_250, "warm_epochs": 2},
        "first fit stopped early; warm 2 epochs, latest 250 windows",
    ),
    RetrainStrategy(
        "es-warm-1-recent-250",
        {**EARLY_STOPPING, **WARM_5_RECENT_250, "warm_epochs": 1},
        "first fit stopped early; warm 1 epoch, latest 250 windows",
    ),
    RetrainStrategy(
        "es-warm-3-recent-250-b64",
        {**EARLY_STOPPING, **WARM_5_RECENT_250, "warm_epochs": 3, "warm_batch_size": 64},
        "first fit stopped early; warm 3 epochs of batch 64, latest 250 windows",
    ),
    RetrainStrategy(
        "es-jit-warm-3-recent-250-b64",
        {
            **EARLY_STOPPING,
            **WARM_5_RECENT_250,
            "warm_epochs": 3,
            "warm_batch_size": 64,
            "jit_compile": True,
        },
        "as es-warm-3-recent-250-b64, training step compiled by XLA",
    ),
    RetrainStrategy(
        "es-jit-warm-2-recent-250",
        {**EARLY_STOPPING, **WARM_5_RECENT_250, "warm_epochs": 2, "jit_compile": True},
        "as es-warm-2-recent-250, training step compiled by XLA (the default)",
    ),
    # Half the default's 16 retrain steps, three ways.
    RetrainStrategy(
        "es-jit-warm-1-recent-250",
        {**EARLY_STOPPING, **WARM_5_RECENT_250, "warm_epochs": 1, "jit_compile": True},
        "as the default, 1 warm epoch",
    ),
    RetrainStrategy(
        "es-jit-warm-2-recent-128",
        {
            **EARLY_STOPPING,
            **WARM_5_RECENT_250,
            "warm_epochs": 2,
            "retrain_windows": 128,
            "jit_compile": True,
        },
        "as the default, the latest 128 windows",
    ),
    RetrainStrategy(
        "es-jit-warm-2-recent-256-b64",
        {
            **EARLY_STOPPING,
            **WARM_5_RECENT_250,
            "warm_epochs": 2,
            "retrain_windows": 256,
            "warm_batch_size": 64,
            "jit_compile": True,
        },
        "as the default, the latest 256 windows in batches of 64",
    ),
]
# The strategy the "/today" column compares with: config.json's defaults.
TODAY = "es-jit-warm-2-recent-250"


def run_strategy(
    strategy: RetrainStrategy, closes: np.ndarray, model_settings: dict, args, first_fits: dict
) -> dict:
    """Monthly retrains and the one-step forecasts of each following month.

    Strategies whose first fits are the same (same settings, seed and closes) share it through
    `first_fits`: it is made once and each of them is charged its measured seconds.
    """
    model = MyLSTM(**model_settings, **strategy.settings)
    warm_settings = {k: v for k, v in model.get_params().items() if k in WARM_SETTINGS}
    first_fit = first_fits.setdefault(strategy.first_fit_key(), {})
    seconds, forecasts, actuals, previous = [], [], [], []
    first_forecast_day = args.history_bars
    for month in range(args.retrains):
        start = first_forecast_day + month * SESSIONS_PER_MONTH
        training = closes[start - args.history_bars : start]
        if month == 0 and "model" in first_fit:
            model = first_fit["model"].copy().set_params(**warm_settings)
            seconds.append(first_fit["seconds"])
        else:
            began = time.perf_counter()
            model.fit(training)
            seconds.append(time.perf_counter() - began)
            if month == 0:
                first_fit.update(model=model.copy(), seconds=seconds[0])

        if month == 0:
            first_epochs = len(model.loss_history_)  # fewer than `epochs` if stopped early
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
        "settings": strategy.settings,
        "first_fit_epochs": first_epochs,
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


def post_projection_minutes(results: list[dict], first_fits: dict) -> float:
    """The post's ten-year projection: measured when "post" ran, otherwise 120 times the
    50-epoch fit from scratch that the strategies with the post's first fit shared (each of the
    post's retrains is such a fit, on as many closes)."""
    post = next((r for r in results if r["strategy"] == "post"), None)
    if post is not None:
        return post["projected_10y_minutes"]
    if () not in first_fits:  # neither ran: the "x post" column is left empty
        return math.nan
    return first_fits[()]["seconds"] * RETRAINS_IN_TEN_YEARS / 60


def print_table(results: list[dict], post_minutes: float) -> None:
    """One row per strategy. "10y x post": the post's ten-year projection over this one's
    (empty without "post" or the post's first fit); "/today": RMSE over that of config.json's
    default (TODAY; the first row when it did not run)."""
    post = next((r for r in results if r["strategy"] == "post"), None)
    today = next((r for r in results if r["strategy"] == TODAY), results[0])
    header = (
        f"{'strategy':<30}{'1st s':>7}{'1st ep':>7}{'later s':>8}{'10y min':>8}{'10y x post':>11}"
        f"{'RMSE':>9}{'/naive':>8}{'/post':>7}{'/today':>7}{'dir %':>7}{'next ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        later = statistics.median(r["retrain_seconds"][1:] or r["retrain_seconds"])
        print(
            f"{r['strategy']:<30}{r['retrain_seconds'][0]:>7.1f}{r['first_fit_epochs']:>7}"
            f"{later:>8.2f}{r['projected_10y_minutes']:>8.1f}"
            f"{post_minutes / r['projected_10y_minutes']:>11.1f}"
            f"{r['rmse']:>9.4f}{r['rmse'] / r['naive_rmse']:>8.4f}"
            f"{r['rmse'] / post['rmse'] if post else math.nan:>7.4f}"
            f"{r['rmse'] / today['rmse']:>7.4f}{100 * r['directional_accuracy']:>7.1f}"
            f"{r['predict_next_ms']:>8.2f}"
        )
    print(f"the post's way over ten years: {post_minutes:.1f} min")
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
    first_fits: dict = {}
    results = [
        run_strategy(strategy, closes, model_settings, args, first_fits) for strategy in chosen
    ]
    post_minutes = post_projection_minutes(results, first_fits)
    print_table(results, post_minutes)

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": describe_machine("keras", "numpy"),
        "settings": {**vars(args), "model": model_settings},
        "goal": {"retrains_in_ten_years": RETRAINS_IN_TEN_YEARS, "minutes": TRAINING_GOAL_MINUTES},
        "post_projected_10y_minutes": post_minutes,
        "results": results,
    }
    output.write_text(json.dumps(report, indent=2))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
