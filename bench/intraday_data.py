"""How fast the intraday data layer delivers a month of SPY minute bars, beside the daily path.

A month is October 2013, 23 sessions. LEAN's sample data holds SPY's minute files of six of
them (2013-10-04 and 2013-10-07 to 10-11); the benchmark builds, in a temporary LEAN folder,
the month's 23 files from those six (the real days as they are, each other session a copy of
one of them under its own date), so that every day costs what a real SPY day costs. Factor
and map files are the sample's. Each row of the table is one way of reading the month, timed
end to end (zip, parsing, fill-forward, exchange hours, factors, the bar objects), the best of
`--repeats` runs:

- daily: SPY's daily zip read and adjusted (``LeanDataFolder.daily_bars``, the whole
  1998-2021 file, as the daily path reads it), then one TradeBar per session of the month, as
  the engine makes them;
- minute trades, regular hours (LEAN's default subscription), extended hours, quotes, and
  trades with quotes (what LEAN reads for a minute equity subscription);
- hour trades (from SPY's one hour file, 1998-2021, streamed to October 2013).

Prints seconds, bars delivered and bars per second, and writes
bench/results/intraday_data.json with a description of the machine.

    python bench/intraday_data.py                   # LEAN's sample data beside the project
    python bench/intraday_data.py --data ~/Lean/Data --repeats 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine_info import describe_machine  # noqa: E402  (beside this script)

from local_lean.data import LeanDataFolder  # noqa: E402
from local_lean.data.intraday_stream import IntradayBarStream  # noqa: E402
from local_lean.market_calendar import nyse_calendar  # noqa: E402
from local_lean.market_data import TradeBar  # noqa: E402
from local_lean.symbols import equity_symbol  # noqa: E402

LEAN_DATA = ROOT.parent / "shared" / "data" / "lean"
MONTH_START, MONTH_END = dt.datetime(2013, 10, 1), dt.datetime(2013, 10, 31, 23, 59, 59)


def build_month(sample: Path, target: Path) -> tuple[int, int]:
    """A LEAN folder under `target` with SPY minute files for every session of the month
    (real ones where the sample has them, copies of them elsewhere), the sample's daily, hour,
    factor and map files linked. Returns (real days, copied days)."""
    usa = target / "equity" / "usa"
    usa.mkdir(parents=True)
    for folder in ("daily", "hour", "factor_files", "map_files"):
        (usa / folder).symlink_to(sample / "equity" / "usa" / folder)
    source = sample / "equity" / "usa" / "minute" / "spy"
    minute = usa / "minute" / "spy"
    minute.mkdir(parents=True)
    sessions = nyse_calendar().session_dates(MONTH_START.date(), MONTH_END.date())
    real = sorted(
        day
        for day in sessions
        if (source / f"{day:%Y%m%d}_trade.zip").is_file()
        and (source / f"{day:%Y%m%d}_quote.zip").is_file()
    )
    if not real:
        raise SystemExit(f"{source} holds no SPY minute files of October 2013")
    for index, day in enumerate(sessions):
        origin = day if day in real else real[index % len(real)]
        for tick_type in ("trade", "quote"):
            shutil.copyfile(
                source / f"{origin:%Y%m%d}_{tick_type}.zip",
                minute / f"{day:%Y%m%d}_{tick_type}.zip",
            )
    return len(real), len(sessions) - len(real)


def daily_month(root: Path) -> int:
    """The daily path over the month: read and adjust SPY's daily file, one TradeBar a session."""
    folder = LeanDataFolder(root)
    symbol = equity_symbol("SPY", folder.map_file_resolver)
    frame = folder.daily_bars("SPY")
    month = frame.loc[MONTH_START : MONTH_END.date().isoformat()]
    values = month.to_numpy(dtype=np.float64)
    count = 0
    for session, row in zip(
        nyse_calendar().sessions(MONTH_START.date(), MONTH_END.date()), values, strict=False
    ):
        o, h, lo, c, v = row.tolist()
        TradeBar(
            symbol, dt.datetime.combine(session.date, dt.time()), session.close, o, h, lo, c, v
        )
        count += 1
    return count


def stream_month(root: Path, resolution: str, *tick_types: str, extended: bool = False) -> int:
    """Bars delivered by the intraday streams of SPY over the month."""
    folder = LeanDataFolder(root)
    count = 0
    for tick_type in tick_types:
        stream = IntradayBarStream(
            folder,
            "SPY",
            resolution,
            MONTH_START,
            MONTH_END,
            tick_type=tick_type,
            extended_market_hours=extended,
        )
        for _ in stream:
            count += 1
    return count


def best_of(repeats: int, function, *arguments, **options) -> tuple[float, float, int]:
    """(best seconds, median seconds, the function's result) over `repeats` runs."""
    times, result = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*arguments, **options)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=LEAN_DATA, help="LEAN's sample data folder")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results" / "intraday_data.json"
    )
    arguments = parser.parse_args()
    if not (arguments.data / "equity" / "usa" / "minute" / "spy").is_dir():
        parser.error(f"{arguments.data} has no equity/usa/minute/spy: pass LEAN's data folder")

    cases = [
        ("daily (reference)", daily_month, (), {}),
        ("minute trades, regular hours", stream_month, ("MINUTE", "trade"), {}),
        ("minute trades, extended hours", stream_month, ("MINUTE", "trade"), {"extended": True}),
        ("minute quotes, regular hours", stream_month, ("MINUTE", "quote"), {}),
        ("minute trades and quotes", stream_month, ("MINUTE", "trade", "quote"), {}),
        ("hour trades", stream_month, ("HOUR", "trade"), {}),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        real, copied = build_month(arguments.data, Path(folder))
        for name, function, positional, options in cases:
            best, median, bars = best_of(
                arguments.repeats, function, Path(folder), *positional, **options
            )
            rows.append(
                {
                    "path": name,
                    "bars": bars,
                    "best_seconds": round(best, 4),
                    "median_seconds": round(median, 4),
                    "bars_per_second": round(bars / best),
                }
            )

    print(f"SPY, October 2013 ({real} real days of minute files, {copied} copies of them)")
    print(f"{'path':32s} {'bars':>7s} {'best s':>8s} {'median s':>9s} {'bars/s':>10s}")
    for row in rows:
        print(
            f"{row['path']:32s} {row['bars']:7d} {row['best_seconds']:8.3f} "
            f"{row['median_seconds']:9.3f} {row['bars_per_second']:10,d}"
        )
    daily = rows[0]
    regular = rows[1]
    print(
        f"\nminute trades take {regular['best_seconds'] / daily['best_seconds']:.1f}x the daily "
        f"path's time for {regular['bars'] / daily['bars']:.0f}x its bars"
    )
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        json.dumps(
            {
                "month": "2013-10",
                "real_minute_days": real,
                "copied_minute_days": copied,
                "repeats": arguments.repeats,
                "rows": rows,
                "machine": describe_machine("numpy", "pandas"),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
