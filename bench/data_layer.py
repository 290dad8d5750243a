"""How long the data layer takes in a 10-year daily backtest over 30 tickers.

Times, in one run: building the NYSE calendar; creating the synthetic market and reading all of
its tickers; parsing the LEAN sample folder (when present); and the history frames a backtest
asks for, day by day over 10 years (`history_frame` against a plain pandas version that slices
the frames and builds the index with MultiIndex.from_arrays, the obvious way, over the first
year only, since it is far slower). Prints a table
and writes bench/results/data_layer.json with a description of the machine.

    python bench/data_layer.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.data import LeanDataFolder, SyntheticMarket  # noqa: E402
from local_lean.data.synthetic import LISTINGS  # noqa: E402
from local_lean.history import bar_end_times, history_frame  # noqa: E402
from local_lean.market_calendar import NyseCalendar, nyse_calendar  # noqa: E402
from local_lean.symbols import equity_symbol  # noqa: E402

LEAN_DATA = ROOT.parent / "shared" / "data" / "lean"
FIRST_DAY, LAST_DAY = datetime.date(2012, 1, 3), datetime.date(2021, 12, 31)


def plain_pandas_history(bars_by_symbol, end_before, bar_count) -> pd.DataFrame:
    """The obvious implementation, for comparison: pandas slicing and from_arrays."""
    parts = []
    for symbol, bars in bars_by_symbol.items():
        window = bars.loc[: pd.Timestamp(end_before) - pd.Timedelta(days=1)].iloc[-bar_count:]
        if len(window):
            index = pd.MultiIndex.from_arrays(
                [[symbol] * len(window), bar_end_times(window.index)], names=["symbol", "time"]
            )
            parts.append(window.set_axis(index))
    return pd.concat(parts)


def timed(function, *arguments) -> float:
    start = time.perf_counter()
    function(*arguments)
    return time.perf_counter() - start


def backtest_history_calls(history, bars, days) -> None:
    """What the strategy asks for: every day 60 bars of SPY and 1 bar of every ticker (prices);
    at each month end 1,280 bars of SPY (training)."""
    spy = {symbol: frame for symbol, frame in bars.items() if symbol == "SPY"}
    for today, tomorrow in zip(days, days[1:], strict=False):
        history(spy, today, 60)
        history(bars, today, 1)
        if tomorrow.month != today.month:
            history(spy, today, 1280)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "data_layer.json"
    )
    arguments = parser.parse_args()

    rows: dict[str, float] = {}
    rows["calendar build (1995..today+5y)"] = timed(
        NyseCalendar, datetime.date(1995, 1, 1), datetime.date(2031, 12, 31)
    )
    nyse_calendar()
    start = time.perf_counter()
    market = SyntheticMarket(seed=0)
    bars = {equity_symbol(ticker): market.daily_bars(ticker) for ticker in LISTINGS}
    rows[f"synthetic market, all {len(bars)} tickers"] = time.perf_counter() - start
    rows["synthetic, cached daily_bars x 30"] = timed(
        lambda: [market.daily_bars(ticker) for ticker in LISTINGS]
    )
    if (LEAN_DATA / "equity" / "usa" / "daily").is_dir():
        folder = LeanDataFolder(LEAN_DATA)
        rows["LEAN folder, parse SPY QQQ IWM AAPL"] = timed(
            lambda: [folder.daily_bars(ticker) for ticker in ("SPY", "QQQ", "IWM", "AAPL")]
        )
    days = nyse_calendar().session_dates(FIRST_DAY, LAST_DAY)
    rows[f"10-year history calls ({len(days)} days), history_frame"] = timed(
        backtest_history_calls, history_frame, bars, days
    )
    # The plain version is far slower: compare the two on the first year only.
    ours = timed(backtest_history_calls, history_frame, bars, days[:252])
    plain = timed(backtest_history_calls, plain_pandas_history, bars, days[:252])
    rows["1-year history calls, history_frame"] = ours
    rows["1-year history calls, plain pandas"] = plain

    width = max(map(len, rows))
    print(f"{'what':<{width}}  seconds")
    for name, seconds in rows.items():
        print(f"{name:<{width}}  {seconds:7.3f}")
    print(f"plain pandas / history_frame: {plain / ours:.1f}x")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(
            {
                "machine": describe_machine("numpy", "pandas"),
                "seconds": rows,
                "ratio_plain_to_ours": plain / ours,
            },
            indent=2,
        )
    )
    print(f"wrote {arguments.output}")


if __name__ == "__main__":
    main()
