"""Which normalisation forecasts real closes better: the post's MinMax scaling or a scale-free one?

For each ticker and each regime (a forecast span starting at a given date), a walk-forward
evaluation trains on the 1,260 closes before each 20-day block and forecasts each day of the
block one step ahead, as the forum post's protocol does; the first block trains from scratch,
later blocks continue from the previous weights for a few epochs (as the strategy's monthly
retraining does). Every normalisation sees the same prices in the same run, against the naive
forecast ("tomorrow's close = today's close") and, for direction, "always up".

    python bench/normalisation.py            # SPY, 4 regimes, the post's model: ~40 min on 2 cores
    python bench/normalisation.py --quick    # a tiny model, one regime, seconds
    python bench/normalisation.py --tickers SPY QQQ IWM

Also times the daily forecast call (one window) in its alternatives. Prints tables and writes
bench/results/normalisation.json with a description of the machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.data.lean_folder import LeanDataFolder  # noqa: E402
from lstm_evaluation import walk_forward, wilson_interval  # noqa: E402
from lstm_model import NORMALIZATIONS, MyLSTM  # noqa: E402

DATA_FOLDER = ROOT.parent / "shared" / "data" / "lean"
RESULTS = ROOT / "bench" / "results" / "normalisation.json"
# Forecast spans starting in different markets: the 2008 crash, the 2011 range, the 2016
# rally, the 2020 crash and rebound.
REGIMES = ("2008-01-01", "2011-01-01", "2016-01-01", "2020-01-01")
POST_MODEL = dict(lookback=60, units=50, layers=4, dropout=0.2, epochs=50, batch_size=32, seed=0)
QUICK_MODEL = dict(lookback=20, units=4, layers=1, dropout=0.0, epochs=3, batch_size=64, seed=0)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, one regime, 2 blocks")
    parser.add_argument("--data", type=Path, default=DATA_FOLDER, help="LEAN data folder")
    parser.add_argument("--tickers", nargs="+", default=["SPY"])
    parser.add_argument("--regimes", nargs="+", default=None, help="forecast start dates")
    parser.add_argument("--blocks", type=int, default=None, help="20-day blocks per regime")
    parser.add_argument("--warm-epochs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


def regime_closes(closes: pd.Series, start: str, train_size: int, span: int) -> pd.Series:
    """The train_size closes before the first session on or after `start`, then `span` more."""
    first = int(closes.index.searchsorted(pd.Timestamp(start)))
    if first < train_size or first + span > len(closes):
        raise ValueError(
            f"{start}: needs {train_size} closes before and {span} after; the data holds "
            f"{first} before and {len(closes) - first} from then on"
        )
    return closes.iloc[first - train_size : first + span]


def time_forecast_calls(model: MyLSTM, closes: np.ndarray, repeats: int) -> dict[str, float]:
    """Median milliseconds of one daily forecast (one window) through each call."""
    window = model._normalise_windows(closes[-model.lookback :].reshape(1, -1))
    calls = {
        "model.predict": lambda: model.model_.predict(window, verbose=0),
        "predict_on_batch": lambda: model.model_.predict_on_batch(window),
        "eager model(x)": lambda: model.model_(window, training=False),
        "MyLSTM.predict_next": lambda: model.predict_next(closes),
    }
    timings = {}
    for name, call in calls.items():
        call()  # first call traces or builds; not counted
        samples = []
        for _ in range(repeats):
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        timings[name] = 1000 * float(np.median(samples))
    return timings


def main() -> None:
    arguments = parse_arguments()
    model_params = QUICK_MODEL if arguments.quick else POST_MODEL
    regimes = arguments.regimes or (REGIMES[-1:] if arguments.quick else REGIMES)
    n_blocks = arguments.blocks or (2 if arguments.quick else 6)
    train_size, block_size = (300, 10) if arguments.quick else (1260, 20)
    warm_epochs = 1 if arguments.quick else arguments.warm_epochs
    source = LeanDataFolder(arguments.data)

    rows = []
    began_all = time.perf_counter()
    last_model_closes = None
    for ticker in arguments.tickers:
        closes = source.daily_bars(ticker)["close"]
        for start in regimes:
            prices = regime_closes(closes, start, train_size, n_blocks * block_size)
            for normalization in NORMALIZATIONS:
                result = walk_forward(
                    prices,
                    # The first block from scratch, later ones warm-started on all windows.
                    model_params=model_params
                    | {
                        "normalization": normalization,
                        "warm_start": True,
                        "warm_epochs": warm_epochs,
                        "retrain_windows": 0,
                    },
                    train_size=train_size,
                    block_size=block_size,
                    n_blocks=n_blocks,
                )
                model_row = result.metrics.loc["model"]
                naive_row = result.metrics.loc["naive"]
                up_row = result.metrics.loc["always up"]
                rows.append(
                    {
                        "ticker": ticker,
                        "regime": start,
                        "first_forecast": f"{result.forecasts.index[0]:%Y-%m-%d}",
                        "last_forecast": f"{result.forecasts.index[-1]:%Y-%m-%d}",
                        "normalization": normalization,
                        "n": int(model_row["n"]),
                        "rmse": float(model_row["rmse"]),
                        "naive_rmse": float(naive_row["rmse"]),
                        "rmse_ratio": result.rmse_ratio,
                        "mae": float(model_row["mae"]),
                        "naive_mae": float(naive_row["mae"]),
                        "direction": float(model_row["directional_accuracy"]),
                        "direction_ci_low": float(model_row["direction_ci_low"]),
                        "direction_ci_high": float(model_row["direction_ci_high"]),
                        "always_up": float(up_row["directional_accuracy"]),
                        "training_seconds": result.total_training_seconds,
                    }
                )
                print(
                    f"{ticker} {start} {normalization:>10}: RMSE ratio {result.rmse_ratio:.3f}, "
                    f"direction {model_row['directional_accuracy']:.3f}, "
                    f"training {result.total_training_seconds:.0f} s",
                    flush=True,
                )
            last_model_closes = prices.to_numpy()

    table = pd.DataFrame(rows)
    pooled = (
        table.assign(
            squared=table["rmse"] ** 2 * table["n"],
            naive_squared=table["naive_rmse"] ** 2 * table["n"],
            hits=table["direction"] * table["n"],
        )
        .groupby("normalization")[["squared", "naive_squared", "hits", "n"]]
        .sum()
    )
    pooled["rmse_ratio"] = np.sqrt(pooled["squared"] / pooled["naive_squared"])
    pooled["direction"] = pooled["hits"] / pooled["n"]
    intervals = [
        wilson_interval(int(round(h)), int(n))
        for h, n in zip(pooled["hits"], pooled["n"], strict=True)
    ]
    pooled["direction_ci_low"] = [low for low, _ in intervals]
    pooled["direction_ci_high"] = [high for _, high in intervals]

    # Timing of the daily forecast call, on a model of the benchmark's size.
    timing_model = MyLSTM(**model_params)
    features, labels, _, _ = timing_model.process_data(last_model_closes, test_size=0)
    timing_model.fit_model(features, labels, epochs=1)
    call_ms = time_forecast_calls(
        timing_model, last_model_closes, repeats=20 if arguments.quick else 50
    )

    shown = table[
        [
            "ticker",
            "regime",
            "normalization",
            "n",
            "rmse",
            "naive_rmse",
            "rmse_ratio",
            "mae",
            "naive_mae",
            "direction",
            "direction_ci_low",
            "direction_ci_high",
            "always_up",
            "training_seconds",
        ]
    ]
    print()
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print()
    print("Pooled over all regimes (RMSE ratio = sqrt(sum of squared errors / naive's)):")
    print(
        pooled[["n", "rmse_ratio", "direction", "direction_ci_low", "direction_ci_high"]].to_string(
            float_format=lambda v: f"{v:.4f}"
        )
    )
    print()
    print("Daily forecast call, one window (median ms):")
    for name, ms in call_ms.items():
        print(f"  {name:>22}: {ms:8.2f} ms")
    print(f"\nTotal {time.perf_counter() - began_all:.0f} s")

    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(
            {
                "machine": describe_machine("keras", "numpy", "pandas", "sklearn"),
                "settings": {
                    "quick": arguments.quick,
                    "model": model_params,
                    "train_size": train_size,
                    "block_size": block_size,
                    "blocks_per_regime": n_blocks,
                    "warm_epochs": warm_epochs,
                    "tickers": arguments.tickers,
                    "regimes": list(regimes),
                    "data": str(arguments.data),
                },
                "results": rows,
                "pooled": pooled.reset_index().to_dict(orient="records"),
                "forecast_call_ms": call_ms,
                "total_seconds": time.perf_counter() - began_all,
            },
            indent=1,
        )
    )
    print(f"Wrote {arguments.output}")


if __name__ == "__main__":
    main()
