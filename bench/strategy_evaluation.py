"""Trading and forecast skill of main.py on real prices, against baselines, in one run.

The strategy's own figures come from a real local_lean backtest of main.py (LEAN's default fee
model, Interactive Brokers'); the baselines are computed from the same real closes on the same
timeline (a decision on session T is held from T's close to the next session's close):

- buy and hold the benchmark (SPY);
- always risk-on (the risk-on group, equal weight);
- a random direction with as many direction changes as the strategy made, drawn `--draws`
  times with seeds: the distribution of its Sharpe ratio and the strategy's percentile in it;
- the forecasts recorded in the insights' tags against the naive forecast (a return of 0):
  RMSE, MAE, directional accuracy with its Wilson interval, and the Diebold-Mariano test;
- the break-even cost: basis points of the value traded at which the strategy's edge over
  always risk-on (before costs) is spent;
- Hansen's test of Superior Predictive Ability, with White's Reality Check p-value beside it,
  of the variants compared (the backtest, its positions on closes, always risk-on) against
  buy and hold of the benchmark: does any of them beat it, given that several were tried?

    python bench/strategy_evaluation.py --data ../shared/data/lean   # 2008-2021, default model
    python bench/strategy_evaluation.py --data DIR --results DIR      # score an existing backtest
    python bench/strategy_evaluation.py --data DIR --quick            # tiny model, 2019-2020

Prints the table and writes bench/results/strategy_evaluation.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)
from trading_baselines import (  # noqa: E402
    Performance,
    break_even_cost_bps,
    group_returns,
    held_returns,
    percentile_of,
    random_directions,
    sharpe_ratio,
    switch_count,
    turnover_per_switch,
)

from local_lean.data import open_price_source  # noqa: E402
from local_lean.optimize.overfitting import (  # noqa: E402
    DEFAULT_BOOTSTRAP_REPS,
    OverfittingInputError,
    superior_predictive_ability,
)
from lstm_evaluation import forecast_metrics  # noqa: E402

NEW_YORK = ZoneInfo("America/New_York")
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "lean"
TAG = re.compile(
    r"forecast (?P<forecast>[+-]\d+\.\d+) of (?P<ticker>\S+) from the close of "
    r"(?P<start>\d{4}-\d\d-\d\d) for (?P<sessions>\d+) session\(s\); closes through "
    r"(?P<through>\d{4}-\d\d-\d\d); target (?P<target>\S+)$"
)
TINY_MODEL = {
    "epochs": "2",
    "units": "4",
    "layers": "1",
    "history-bars": "200",
    "lookback": "10",
    "retrain-epochs": "1",
}


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a LEAN data folder")
    parser.add_argument("--start", default="2008-01-01")
    parser.add_argument("--end", default="2021-03-31")
    parser.add_argument("--macro", default="SPY", help="the macro symbol (and benchmark)")
    parser.add_argument("--risk-on", default="QQQ, IWM")
    parser.add_argument("--risk-off", default="", help="tickers, or empty for cash")
    parser.add_argument("--draws", type=int, default=1000, help="random-direction draws")
    parser.add_argument("--seed", type=int, default=0, help="seeds the random directions")
    parser.add_argument("--results", type=Path, help="score this backtest folder, not a new run")
    parser.add_argument(
        "--spa-block-length",
        type=float,
        help="the SPA test's mean bootstrap block in days (default: square root of the days)",
    )
    parser.add_argument("--spa-reps", type=int, default=DEFAULT_BOOTSTRAP_REPS)
    parser.add_argument("--quick", action="store_true", help="tiny model over 2019-2020")
    parser.add_argument(
        "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE")
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.start, arguments.end = "2019-01-01", "2020-12-31"
        arguments.draws = min(arguments.draws, 200)
    return arguments


def strategy_parameters(arguments) -> dict[str, str]:
    parameters = {
        "start-date": arguments.start,
        "end-date": arguments.end,
        "macro-symbols": f"Bull: {arguments.macro}",
        "risk-on": arguments.risk_on,
        "risk-off": arguments.risk_off,
    }
    if arguments.quick:
        parameters.update(TINY_MODEL)
    parameters.update(dict(arguments.parameter))
    return parameters


def run_strategy(arguments) -> tuple[Path, float]:
    """A local_lean backtest of main.py; returns its results folder and wall seconds."""
    from local_lean.engine import run_backtest

    began = time.perf_counter()
    outcome = run_backtest(
        ROOT / "main.py",
        data=arguments.data,
        start=dt.date.fromisoformat(arguments.start),
        end=dt.date.fromisoformat(arguments.end),
        parameters=strategy_parameters(arguments),
        output=arguments.output / "strategy",
        draw_charts=False,
        log=lambda line: None,
    )
    if not outcome.succeeded:
        raise SystemExit(f"The backtest of main.py failed: {outcome.runtime_error}")
    return outcome.results_path, time.perf_counter() - began


def read_results(folder: Path) -> tuple[dict, list[dict]]:
    insights_file = next(folder.glob("*-insights.json"))
    main_file = insights_file.with_name(insights_file.name.replace("-insights", ""))
    return json.loads(main_file.read_text()), json.loads(insights_file.read_text())


def new_york_date(seconds: float) -> pd.Timestamp:
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(NEW_YORK)
    return pd.Timestamp(moment.date())


def decisions_from_insights(insights: list[dict], risk_on: list[str]) -> pd.DataFrame:
    """One row per decision session: risk_on (bool), the forecast and its interval (tag)."""
    rows = {}
    for insight in insights:
        if insight["symbol"] not in risk_on:
            continue
        match = TAG.match(insight.get("tag", ""))
        if match is None:
            raise SystemExit(f"An insight without a forecast tag: {insight}")
        day = new_york_date(insight["generatedTime"])
        rows[day] = {
            "risk_on": insight["direction"] == "up",
            "forecast": float(match["forecast"]),
            "start": pd.Timestamp(match["start"]),
            "sessions": int(match["sessions"]),
            "through": pd.Timestamp(match["through"]),
            "target": match["target"],
        }
    return pd.DataFrame.from_dict(rows, orient="index").sort_index()


def equity_returns(record: dict) -> pd.Series:
    """The backtest's daily returns from its equity chart (sampled at each session's close)."""
    values = record["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    equity = pd.Series(
        [point[-1] for point in values], index=[new_york_date(point[0]) for point in values]
    )
    equity = equity[~equity.index.duplicated(keep="last")]
    return equity.pct_change().dropna()


def forecast_skill(decisions: pd.DataFrame, closes: pd.Series) -> tuple[pd.DataFrame, int]:
    """The tags' forecasts against the realised returns of the intervals they name."""
    sessions = closes.index
    starts = sessions.get_indexer(decisions["start"])
    through = sessions.get_indexer(decisions["through"])
    ends = starts + decisions["sessions"].to_numpy()
    keep = (starts >= 0) & (through >= 0) & (ends < len(sessions))
    actual = closes.to_numpy()[ends[keep]] / closes.to_numpy()[starts[keep]] - 1
    steps_ahead = int(np.max(ends[keep] - through[keep]))
    metrics = forecast_metrics(decisions["forecast"].to_numpy()[keep], actual, steps_ahead)
    return metrics, steps_ahead


def variants_against_benchmark(
    variants: pd.DataFrame, benchmark: pd.Series, arguments
) -> dict[str, object]:
    """SPA and Reality Check p-values of the variants (columns) against the benchmark's daily
    returns on the same days; a note instead when they cannot be computed."""
    try:
        result = superior_predictive_ability(
            variants.to_numpy(),
            benchmark.loc[variants.index].to_numpy(),
            block_length=arguments.spa_block_length,
            reps=arguments.spa_reps,
            seed=arguments.seed,
            names=list(variants.columns),
        )
    except OverfittingInputError as error:
        return {"variants": list(variants.columns), "spaPValue": None, "note": str(error)}
    return {
        "variants": list(variants.columns),
        **result.to_json(),
        "bestVariant": variants.columns[result.best_set],
        "note": "",
    }


def evaluate(arguments) -> dict:
    wall = None
    folder = arguments.results
    if folder is None:
        folder, wall = run_strategy(arguments)
    record, insights = read_results(folder)
    risk_on = [t.strip().upper() for t in arguments.risk_on.split(",") if t.strip()]
    risk_off = [t.strip().upper() for t in arguments.risk_off.split(",") if t.strip()]
    decisions = decisions_from_insights(insights, risk_on)

    source = open_price_source(arguments.data)
    tickers = sorted({arguments.macro, *risk_on, *risk_off})
    closes = pd.DataFrame({ticker: source.daily_bars(ticker)["close"] for ticker in tickers})
    closes = closes.loc[: arguments.end]
    # Sessions where some ticker has no close (LEAN's sample QQQ stops from 2004 to 2011) can
    # not be scored: the evaluation starts after the last such gap.
    incomplete = closes.index[closes.isna().any(axis=1)]
    closes = closes.loc[closes.index > incomplete[-1]] if len(incomplete) else closes
    on = group_returns(closes, risk_on)
    off = group_returns(closes, risk_off)
    benchmark = closes[arguments.macro].pct_change()

    # Every session from the first decision on: a session without a decision holds cash, as
    # the backtest does when insights expire.
    first = max(decisions.index[0], closes.index[0])
    sessions = closes.index[(closes.index >= first)]
    directions = decisions["risk_on"].reindex(sessions[:-1], fill_value=False).astype(bool)
    held = held_returns(directions, on, off)
    days = held.index
    backtest = equity_returns(record).reindex(days).dropna()

    switches = switch_count(directions)
    paths = random_directions(len(directions), switches, arguments.draws, arguments.seed)
    random_sharpes = np.array(
        [
            sharpe_ratio(held_returns(pd.Series(path, index=directions.index), on, off))
            for path in paths
        ]
    )
    paper = Performance.of(held)
    always_on = Performance.of(on.loc[days])
    traded = turnover_per_switch(risk_off)
    edge_per_day = float(held.mean() - on.loc[days].mean())
    variants = pd.DataFrame(
        {
            "strategy (backtest)": backtest,
            "strategy on closes": held.loc[backtest.index],
            "always risk-on": on.loc[backtest.index],
        }
    )
    against_benchmark = variants_against_benchmark(variants, benchmark, arguments)
    macro_closes = source.daily_bars(arguments.macro)["close"].loc[: arguments.end]
    metrics, steps_ahead = forecast_skill(decisions.loc[days[0] :], macro_closes)
    model = metrics.loc["model"]

    return {
        "benchmark": "strategy_evaluation",
        "machine": describe_machine("keras", "tensorflow", "numpy", "pandas", "scipy"),
        "backtest_folder": str(folder),
        "backtest_wall_seconds": wall,
        "settings": {
            "start": arguments.start,
            "end": arguments.end,
            "macro": arguments.macro,
            "risk_on": risk_on,
            "risk_off": risk_off or "cash",
            "parameters": strategy_parameters(arguments),
            "draws": arguments.draws,
            "seed": arguments.seed,
            "target": sorted(set(decisions["target"])),
        },
        "period": {"first": str(days[0].date()), "last": str(days[-1].date()), "days": len(days)},
        "strategy_backtest": {
            **Performance.of(backtest).__dict__,
            "lean_statistics": {
                name: record["statistics"].get(name)
                for name in (
                    "Sharpe Ratio",
                    "Compounding Annual Return",
                    "Drawdown",
                    "Net Profit",
                    "Total Fees",
                    "Total Orders",
                    "Portfolio Turnover",
                )
            },
        },
        "strategy_on_closes": {**paper.__dict__, "switches": switches},
        "backtest_vs_closes_correlation": float(
            np.corrcoef(backtest, held.loc[backtest.index])[0, 1]
        ),
        "buy_and_hold_benchmark": Performance.of(benchmark.loc[days]).__dict__,
        "always_risk_on": always_on.__dict__,
        "random_direction": {
            "draws": arguments.draws,
            "switches": switches,
            "sharpe_median": float(np.nanmedian(random_sharpes)),
            "sharpe_p05": float(np.nanpercentile(random_sharpes, 5)),
            "sharpe_p95": float(np.nanpercentile(random_sharpes, 95)),
            "strategy_percentile": percentile_of(paper.sharpe, random_sharpes),
        },
        "superior_predictive_ability": against_benchmark,
        "costs": {
            "edge_over_always_risk_on_per_day": edge_per_day,
            "traded_per_switch": traded,
            "break_even_bps": break_even_cost_bps(edge_per_day, switches, len(days), traded),
        },
        "forecast": {
            "steps_ahead": steps_ahead,
            "n": int(model["n"]),
            "rmse": float(model["rmse"]),
            "naive_rmse": float(metrics.loc["naive", "rmse"]),
            "rmse_ratio": float(model["rmse"] / metrics.loc["naive", "rmse"]),
            "mae": float(model["mae"]),
            "naive_mae": float(metrics.loc["naive", "mae"]),
            "direction": float(model["directional_accuracy"]),
            "direction_ci": [float(model["direction_ci_low"]), float(model["direction_ci_high"])],
            "always_up": float(metrics.loc["always up", "directional_accuracy"]),
            "dm_statistic": float(model["dm_statistic"]),
            "dm_p_value": float(model["dm_p_value"]),
        },
    }


def format_table(result: dict) -> str:
    def row(name, figures, note=""):
        return (
            f"| {name} | {figures['sharpe']:.2f} | {100 * figures['annual_return']:.1f}% | "
            f"{100 * figures['max_drawdown']:.1f}% | {100 * figures['total_return']:.0f}% | "
            f"{note} |"
        )

    random = result["random_direction"]
    costs = result["costs"]
    spa = result["superior_predictive_ability"]
    forecast = result["forecast"]
    edge = costs["edge_over_always_risk_on_per_day"]
    statistics = result["strategy_backtest"]["lean_statistics"]
    period = result["period"]
    lines = [
        f"Trading, {period['first']} to {period['last']} ({period['days']} sessions), "
        f"risk-on {', '.join(result['settings']['risk_on'])}, "
        f"risk-off {result['settings']['risk_off']}",
        "",
        "| | Sharpe (rf 0) | annual return | max drawdown | total return | note |",
        "|---|---|---|---|---|---|",
        row(
            "strategy: local_lean backtest of main.py",
            result["strategy_backtest"],
            f"LEAN fees {statistics['Total Fees']}, {statistics['Total Orders']} orders; "
            f"LEAN's Sharpe {statistics['Sharpe Ratio']}",
        ),
        row(
            "strategy's positions on closes, no costs",
            result["strategy_on_closes"],
            f"{result['strategy_on_closes']['switches']} switches; daily returns correlate "
            f"{result['backtest_vs_closes_correlation']:.3f} with the backtest's",
        ),
        row(f"buy and hold {result['settings']['macro']}", result["buy_and_hold_benchmark"]),
        row("always risk-on", result["always_risk_on"]),
        f"| random direction, {random['switches']} switches ({random['draws']} draws) | "
        f"median {random['sharpe_median']:.2f} [5%: {random['sharpe_p05']:.2f}, 95%: "
        f"{random['sharpe_p95']:.2f}] | | | | the strategy's Sharpe (no costs) is at "
        f"percentile {random['strategy_percentile']:.0f} |",
        "",
        (
            f"Break-even cost against always risk-on: {costs['break_even_bps']:.2f} bps of the "
            f"value traded (edge before costs {1e4 * edge:.2f} bps a day)"
            if edge > 0
            else f"Break-even cost against always risk-on: none; the strategy trails it before "
            f"costs ({1e4 * edge:.2f} bps a day), so no cost level leaves it an edge"
        ),
        "",
        (
            f"Does any of {', '.join(spa['variants'])} beat buy and hold "
            f"{result['settings']['macro']}? Hansen's SPA p = {spa['spaPValue']:.3f}, White's "
            f"Reality Check p = {spa['realityCheckPValue']:.3f} (best: {spa['bestVariant']}, "
            f"{1e4 * spa['bestMeanDailyExcess']:.2f} bps a day above it; {spa['days']} days, "
            f"{spa['bootstrapReps']} stationary-bootstrap draws, mean block "
            f"{spa['blockLength']:.1f} days)"
            if spa["spaPValue"] is not None
            else f"Superior Predictive Ability against buy and hold: not computed ({spa['note']})"
        ),
        "",
        f"Forecasts ({forecast['steps_ahead']} steps ahead, n={forecast['n']}): RMSE "
        f"{forecast['rmse']:.5f} vs naive {forecast['naive_rmse']:.5f} (ratio "
        f"{forecast['rmse_ratio']:.3f}); MAE {forecast['mae']:.5f} vs {forecast['naive_mae']:.5f}; "
        f"direction {100 * forecast['direction']:.1f}% [{100 * forecast['direction_ci'][0]:.1f}%, "
        f"{100 * forecast['direction_ci'][1]:.1f}%], always up {100 * forecast['always_up']:.1f}%; "
        f"Diebold-Mariano (HLN) {forecast['dm_statistic']:.2f}, p = {forecast['dm_p_value']:.3f}",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    arguments = parse_arguments(argv)
    began = time.perf_counter()
    result = evaluate(arguments)
    result["wall_seconds"] = time.perf_counter() - began
    print(format_table(result))
    arguments.output.mkdir(parents=True, exist_ok=True)
    name = "strategy_evaluation_quick.json" if arguments.quick else "strategy_evaluation.json"
    path = arguments.output / name
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nWrote {path} ({result['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
