"""``python -m local_lean report <backtest folder>``: write the folder's report.html."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from local_lean.report import REPORT_FILE, ReportInputError, write_report


def build_parser(prog: str = "python -m local_lean report") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"Write {REPORT_FILE}, a self-contained HTML report, into a backtest's "
        "results folder (backtests/<yyyy-mm-dd_hh-mm-ss>), from its results files alone.",
    )
    parser.add_argument("folder", type=Path, help="the backtest's results folder")
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m local_lean report") -> int:
    """Exit status 0 when the report was written, 2 when the folder holds no usable results."""
    args = build_parser(prog).parse_args(argv)
    started = time.perf_counter()
    try:
        path = write_report(args.folder)
    except ReportInputError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    size = path.stat().st_size
    print(f"Report: {path} ({size / 1024:.0f} KiB, {time.perf_counter() - started:.1f} s)")
    return 0
