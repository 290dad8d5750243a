"""Which decision time should the strategy use? Two timelines that LEAN's daily fills allow:

- "09:35, MarketOnClose": decide with closes through T-1; the order fills at T's close; the
  position is held from T's close to T+1's close. Target: close(T+1) / close(T) - 1.
- "16:00, MarketOnOpen": decide when T's bar arrives, with closes through T; the order fills at
  T+1's open; the position is held from T+1's open to T+2's open.
  Target: open(T+2) / open(T+1) - 1.

Any time between the open and 15:44 sees the same daily data as 09:35, and from 15:44:30 an
order becomes MarketOnOpen, as at 16:00, so these are the only two distinct choices.

How predictable is each target from the closes known at its decision? A walk-forward ridge
regression on the last `--lags` daily close-to-close returns (refitted every 20 sessions on the
last 1,260), scored against the naive forecast (0) with the Diebold-Mariano test: a cheap
upper-bound check of what a model could find, for each timeline on the same days.

    python bench/decision_time.py [--data DIR] [--tickers SPY QQQ IWM]

Prints a table and writes bench/results/decision_time.json.
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

from local_lean.data import open_price_source  # noqa: E402
from lstm_evaluation import forecast_metrics  # noqa: E402

TRAIN, BLOCK = 1260, 20


def targets(bars: pd.DataFrame) -> dict[str, pd.Series]:
    """Each timeline's target, indexed by the last session whose close the decision knows."""
    close, open_ = bars["close"], bars["open"]
    return {
        # Known through T-1 (index T-1): close(T+1) / close(T) - 1.
        "09:35, MarketOnClose": (close.shift(-2) / close.shift(-1) - 1),
        # Known through T (index T): open(T+2) / open(T+1) - 1.
        "16:00, MarketOnOpen": (open_.shift(-2) / open_.shift(-1) - 1),
    }


def ridge_walk_forward(returns: pd.Series, target: pd.Series, lags: int, alpha: float):
    """Forecasts of `target` from the last `lags` returns known at each origin."""
    features = pd.concat({lag: returns.shift(lag) for lag in range(lags)}, axis=1)
    frame = pd.concat({"y": target}, axis=1).join(features).dropna()
    x = frame.drop(columns="y").to_numpy()
    y = frame["y"].to_numpy()
    forecasts, actual = [], []
    for start in range(TRAIN, len(frame), BLOCK):
        # Training rows must have targets known at the block's first origin: a target ends two
        # sessions after its origin, so rows up to start - 3 are safe (one spare row).
        x_train, y_train = x[start - TRAIN : start - 2], y[start - TRAIN : start - 2]
        mean_x, mean_y = x_train.mean(axis=0), y_train.mean()
        xc = x_train - mean_x
        coefficients = np.linalg.solve(
            xc.T @ xc + alpha * len(xc) * np.eye(lags), xc.T @ (y_train - mean_y)
        )
        block = slice(start, min(start + BLOCK, len(frame)))
        forecasts.extend((x[block] - mean_x) @ coefficients + mean_y)
        actual.extend(y[block])
    return np.array(forecasts), np.array(actual)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "lean"))
    parser.add_argument("--tickers", nargs="+", default=["SPY", "QQQ", "IWM"])
    parser.add_argument("--lags", type=int, default=20)
    parser.add_argument("--alpha", type=float, default=1e-4, help="ridge penalty per row")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "decision_time.json"))
    args = parser.parse_args()
    began = time.perf_counter()
    source = open_price_source(args.data)
    rows = []
    print(f"{'ticker':<6} {'timeline':<22} {'n':>5} {'RMSE/naive':>10} {'direction':>22} "
          f"{'always up':>9} {'DM':>6} {'p':>6}")  # fmt: skip
    for ticker in args.tickers:
        bars = source.daily_bars(ticker)
        returns = bars["close"].pct_change()
        for name, target in targets(bars).items():
            forecasts, actual = ridge_walk_forward(returns, target, args.lags, args.alpha)
            metrics = forecast_metrics(forecasts, actual, steps_ahead=2)
            model, naive = metrics.loc["model"], metrics.loc["naive"]
            row = {
                "ticker": ticker,
                "timeline": name,
                "n": int(model["n"]),
                "rmse_ratio": float(model["rmse"] / naive["rmse"]),
                "direction": float(model["directional_accuracy"]),
                "direction_ci": [
                    float(model["direction_ci_low"]),
                    float(model["direction_ci_high"]),
                ],
                "always_up": float(metrics.loc["always up", "directional_accuracy"]),
                "dm_statistic": float(model["dm_statistic"]),
                "dm_p_value": float(model["dm_p_value"]),
            }
            rows.append(row)
            print(
                f"{ticker:<6} {name:<22} {row['n']:>5} {row['rmse_ratio']:>10.4f} "
                f"{100 * row['direction']:>6.1f}% [{100 * row['direction_ci'][0]:.1f}, "
                f"{100 * row['direction_ci'][1]:.1f}] {100 * row['always_up']:>8.1f}% "
                f"{row['dm_statistic']:>6.2f} {row['dm_p_value']:>6.3f}"
            )
    result = {
        "benchmark": "decision_time",
        "machine": describe_machine("numpy", "pandas"),
        "settings": {"lags": args.lags, "alpha": args.alpha, "train": TRAIN, "block": BLOCK},
        "rows": rows,
        "wall_seconds": time.perf_counter() - began,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {output} ({result['wall_seconds']:.1f} s)")


if __name__ == "__main__":
    main()
