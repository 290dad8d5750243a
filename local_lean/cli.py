"""The command line: ``python -m local_lean <algorithm.py> [options]``.

The same as the ``local-lean`` console script, whose subcommands are ``backtest`` (the default:
``python -m local_lean main.py`` is ``local-lean backtest main.py``), ``optimize`` (the
``local_lean.optimize`` package, when installed) and ``report`` (``local_lean.report``).

Exit status: 0 when the backtest ran to the end; 1 when the algorithm raised (LEAN's runtime
error: the traceback and the simulated time are printed, partial results are written); 2 for a
bad command line (argparse's convention), with a message naming the option and the fix; 130 or
143 when Ctrl-C or SIGTERM stopped it (partial results are written, as for a runtime error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import signal
import sys
import traceback
from pathlib import Path

from local_lean.conventions import money_limit_problem
from local_lean.errors import DataError, LocalLeanError
from local_lean.interrupts import BacktestInterrupted, signals_as_interrupts
from local_lean.time_budget import add_time_limit_arguments, settings_from_arguments

EXIT_OK = 0
EXIT_RUNTIME_ERROR = 1
EXIT_USAGE = 2


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def _cash(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an amount of dollars") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"cash must be a positive amount, got '{text}'")
    if problem := money_limit_problem(value):
        raise argparse.ArgumentTypeError(f"cash {problem}")
    return value


def _basis_points(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of basis points") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"fee basis points must be >= 0, got '{text}'")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_lean",
        description="Backtest a LEAN Python algorithm offline (daily US equities), with no "
        "Docker, .NET or QuantConnect account.",
        epilog="Other commands: `python -m local_lean report <backtest folder>` writes a "
        "backtest's report.html; `python -m local_lean optimize ...` searches parameters. "
        "The local-lean console script takes the same commands (local-lean backtest main.py).",
    )
    parser.add_argument("algorithm", type=Path, help="the algorithm file, e.g. main.py")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="a LEAN data folder (with equity/usa/daily) or a folder of <ticker>.csv files "
        "(default: the built-in synthetic market)",
    )
    parser.add_argument(
        "--start", type=_date, metavar="YYYY-MM-DD", help="overrides the algorithm's set_start_date"
    )
    parser.add_argument(
        "--end", type=_date, metavar="YYYY-MM-DD", help="overrides the algorithm's set_end_date"
    )
    parser.add_argument("--cash", type=_cash, metavar="N", help="overrides set_cash")
    parser.add_argument(
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (overrides config.json's); repeat for several",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="results go to DIR/backtests/<timestamp>/ (default: the algorithm's folder, "
        "as the lean CLI)",
    )
    parser.add_argument(
        "--storage",
        type=Path,
        metavar="DIR",
        help="the object store folder (default: DIR/storage for the output folder DIR, as the "
        "lean CLI's <workspace>/storage)",
    )
    parser.add_argument(
        "--fee-bps",
        type=_basis_points,
        metavar="N",
        help="charge N basis points of each order's value instead of LEAN's default "
        "Interactive Brokers fees ($0.005/share, min $1, max 0.5%%); 0 means no fees",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic market")
    parser.add_argument(
        "--no-model-cache",
        action="store_true",
        help="train every model: sets the parameter model-cache-mb to 0 (main.py's model cache)",
    )
    parser.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    parser.add_argument("--no-report", action="store_true", help="skip report.html")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--quiet", action="store_true", help="don't echo the algorithm's log")
    add_time_limit_arguments(parser)
    return parser


# --- subcommands -------------------------------------------------------------------------------
SUBCOMMANDS = ("backtest", "optimize", "report")


def main(argv: list[str] | None = None) -> int:
    """``[backtest|optimize|report] ...``; without a subcommand, ``backtest``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "backtest"
    arguments = argv[1:] if argv and argv[0] in SUBCOMMANDS else argv
    if command == "report":
        from local_lean.report.command import main as report_main

        return report_main(arguments)
    if command == "optimize":
        return _optimize(arguments)
    return backtest(arguments)


def _optimize(argv: list[str]) -> int:
    """``optimize ...``: parameter optimisation on Ray (local_lean/optimize)."""
    import importlib

    return importlib.import_module("local_lean.optimize").main(argv)


def _write_report(folder: Path) -> None:
    """The report after a backtest; results it cannot read are reported, not fatal: the
    backtest's own exit status stands."""
    from local_lean.report import ReportInputError, write_report

    try:
        print(f"Report: {write_report(folder)}")
    except ReportInputError as error:
        print(f"No report: {error}", file=sys.stderr)


# --- backtest ----------------------------------------------------------------------------------


def backtest(argv: list[str] | None = None) -> int:
    """Run a backtest from the command line; returns the exit status."""
    with signals_as_interrupts():
        try:
            return _run(argv)
        except BacktestInterrupted as interrupted:  # before or after the backtest itself
            print(
                f"Interrupted by {interrupted.signal_name} outside the simulation (while loading "
                "or reporting)",
                file=sys.stderr,
            )
            return interrupted.exit_status


# A backtest keeps its orders, order events and insights to its end: the garbage collector's
# scans of them find little to free and cost about 8% of a long backtest's CPU. The objects of
# the start-up (modules, the algorithm's code) are set aside, never scanned again, and the
# youngest objects are collected after this many allocations instead of Python's 700.
GARBAGE_COLLECTION_THRESHOLDS = (50_000, 20, 100)


def collect_garbage_less_often() -> None:
    """For the backtest this process runs: see GARBAGE_COLLECTION_THRESHOLDS."""
    gc.freeze()
    gc.set_threshold(*GARBAGE_COLLECTION_THRESHOLDS)


def _run(argv: list[str] | None) -> int:
    from local_lean.engine import BacktestEngine, BacktestOptions, BacktestSetupError
    from local_lean.loader import (
        AlgorithmLoadError,
        ConfigError,
        load_algorithm_class,
        read_project_parameters,
    )

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.start and args.end and args.end < args.start:
        parser.error(f"--end {args.end} is before --start {args.start}: swap them")
    try:
        time_limits = settings_from_arguments(args)
    except (LocalLeanError, ValueError) as error:
        parser.error(str(error))
    algorithm_path: Path = args.algorithm
    if not algorithm_path.is_file():
        parser.error(f"algorithm file {algorithm_path} does not exist")
    if args.data is not None and not Path(args.data).expanduser().is_dir():
        parser.error(
            f"--data {args.data}: no such folder; give a LEAN data folder or a CSV folder, or "
            "leave --data out for the synthetic market"
        )
    try:
        parameters = read_project_parameters(algorithm_path)
    except ConfigError as error:
        parser.error(str(error))
    parameters.update({name: value for name, value in args.parameter})
    if args.no_model_cache:
        parameters["model-cache-mb"] = "0"
    try:
        algorithm_class = load_algorithm_class(algorithm_path)
    except AlgorithmLoadError as error:
        parser.error(str(error))
    except Exception:  # noqa: BLE001 - the algorithm's module failed to import
        print(f"The algorithm {algorithm_path} failed to import:", file=sys.stderr)
        traceback.print_exc()
        return EXIT_RUNTIME_ERROR

    output = args.output or algorithm_path.resolve().parent
    options = BacktestOptions(
        data=args.data,
        start=args.start,
        end=args.end,
        cash=args.cash,
        parameters=parameters,
        output=output,
        storage=args.storage,
        fee_bps=args.fee_bps,
        seed=args.seed,
        time_limits=time_limits,
        progress=not (args.no_progress or args.quiet),
        draw_charts=not args.no_charts,
        log=(lambda line: None) if args.quiet else print,
    )
    collect_garbage_less_often()
    try:
        engine = BacktestEngine(algorithm_class(), options)
        outcome = engine.run()
    except DataError as error:
        parser.error(f"--data: {error}")
    except BacktestSetupError as error:
        parser.error(str(error))

    from local_lean.results import summarize

    print(summarize(outcome.record))
    print(outcome.budget_line)
    if outcome.results_path is not None:
        print(f"Results: {outcome.results_path}")
    if outcome.results_problem is not None:
        print(outcome.results_problem, file=sys.stderr)
    if outcome.interrupted_by is not None:  # stop promptly: no report
        print(outcome.runtime_error, file=sys.stderr)
        return BacktestInterrupted(getattr(signal, outcome.interrupted_by)).exit_status
    if outcome.results_path is not None and not args.no_report:
        _write_report(outcome.results_path)
    if outcome.runtime_error is not None:
        print(outcome.runtime_error, file=sys.stderr)
        return EXIT_RUNTIME_ERROR
    return EXIT_OK


# The argument types `python -m local_lean optimize` shares with this command.
date_argument = _date
cash_argument = _cash
basis_points_argument = _basis_points
