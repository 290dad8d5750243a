"""``python -m local_lean optimize <algorithm.py> [options]``: lean optimize's vocabulary, offline.

Everything is checked before a backtest runs: the parameters (names from config.json, ranges,
steps, the grid's size), the target, the constraints, the optimizer config file. A bad one
exits with status 2 and a message that names it and the fix.

Exit status: 0 when every parameter set completed; 1 when a set failed (the others' results
are kept, and the summary says which failed and why), or none completed; 2 for bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from local_lean.cli import (
    EXIT_OK,
    EXIT_RUNTIME_ERROR,
    EXIT_USAGE,
    basis_points_argument,
    cash_argument,
    date_argument,
)
from local_lean.errors import LocalLeanError
from local_lean.optimize.execution import RayUnavailableError, check_reachable
from local_lean.optimize.objectives import (
    constraint_from_config,
    parse_constraint,
    parse_target,
    target_from_config,
)
from local_lean.optimize.optimizer import OptimizationSettings, run_optimization
from local_lean.optimize.overfitting import (
    DEFAULT_BLOCKS,
    DEFAULT_BOOTSTRAP_REPS,
    MAX_BLOCKS,
    OverfittingInputError,
    check_blocks,
)
from local_lean.optimize.selection_bias import ALGORITHM_BENCHMARK, CASH, SelectionTestSettings
from local_lean.optimize.space import (
    OptimizationInputError,
    Parameter,
    check_names,
    choice_parameter,
    grid_size,
    parameter_from_config,
    read_config_file,
    step_parameter,
)
from local_lean.optimize.strategies import (
    BAYESIAN_SEARCH,
    EULER_SEARCH,
    LEAN_CLASS_NAMES,
    STRATEGY_NAMES,
)
from local_lean.time_budget import add_time_limit_arguments, settings_from_arguments

#: More parameter sets than this need --yes (each is a whole backtest).
DEFAULT_MAX_BACKTESTS = 100
#: Where main.py's model cache (model_cache.py) keeps its entries in the object store.
MODEL_CACHE_PREFIX = "lstm-macro/model-cache"
#: A key prefix the sets may share: folder names LEAN's object store accepts, no dots.
SHARED_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_\-#$= ]+(?:/[A-Za-z0-9_\-#$= ]+)*")


def _strategy_name(text: str) -> str:
    for name in STRATEGY_NAMES:
        if text.strip().lower() == name.lower():
            return name
    raise argparse.ArgumentTypeError(
        f"'{text}' is not a strategy; choose " + ", ".join(f'"{n}"' for n in STRATEGY_NAMES)
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_optimize_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_lean optimize",
        description="Search an algorithm's config.json parameters offline, on a local Ray "
        "instance or a Ray cluster, with lean optimize's options.",
    )
    parser.add_argument("algorithm", type=Path, help="the algorithm file, e.g. main.py")
    search = parser.add_argument_group("the search (lean optimize's options)")
    search.add_argument(
        "--strategy",
        type=_strategy_name,
        help='"Grid Search", "Euler Search" (LEAN\'s), or "Bayesian Search" (Optuna TPE)',
    )
    search.add_argument("--target", help='the statistic to optimise, e.g. "Sharpe Ratio"')
    search.add_argument("--target-direction", choices=["min", "max"], type=str.lower)
    search.add_argument(
        "--parameter",
        nargs="+",
        action="append",
        default=[],
        metavar="ARG",
        help="NAME MIN MAX STEP [MIN_STEP]: a range to search; NAME VALUE: a fixed value "
        "(overrides config.json's); repeat for several",
    )
    search.add_argument(
        "--choice",
        nargs="+",
        action="append",
        default=[],
        metavar="ARG",
        help="NAME VALUE VALUE ...: a parameter that takes one of the values (e.g. "
        "--choice normalization last_close minmax)",
    )
    search.add_argument(
        "--constraint",
        action="append",
        default=[],
        help='"<statistic> <operator> <value>", e.g. "Drawdown < 0.25"; repeatable',
    )
    search.add_argument(
        "--optimizer-config",
        type=Path,
        metavar="FILE",
        help="LEAN's optimizer config.json (Optimizer.Launcher's format) instead of "
        "--strategy/--target/--parameter/--constraint",
    )
    search.add_argument(
        "--trials", type=_positive_int, default=20, help="Bayesian search: parameter sets to try"
    )
    search.add_argument(
        "--search-seed", type=int, default=0, help="Bayesian search: the sampler's seed"
    )
    search.add_argument(
        "--max-backtests",
        type=_positive_int,
        default=DEFAULT_MAX_BACKTESTS,
        help=f"refuse more parameter sets than this without --yes (default "
        f"{DEFAULT_MAX_BACKTESTS})",
    )
    search.add_argument("--yes", action="store_true", help="run a search above --max-backtests")
    honesty = parser.add_argument_group("the winner")
    honesty.add_argument(
        "--seeds",
        type=int,
        default=0,
        metavar="N",
        help="run the best set again with the seed parameter 0..N-1: the target's mean and "
        "standard deviation across seeds",
    )
    honesty.add_argument("--seed-parameter", default="seed", help="(default: seed)")
    honesty.add_argument(
        "--pbo-blocks",
        type=int,
        default=DEFAULT_BLOCKS,
        metavar="S",
        help="blocks of days for the probability of backtest overfitting (CSCV): an even "
        f"number from 2 to {MAX_BLOCKS} (default {DEFAULT_BLOCKS})",
    )
    honesty.add_argument(
        "--spa-benchmark",
        default=ALGORITHM_BENCHMARK,
        metavar="BENCHMARK",
        help="what the test of Superior Predictive Ability compares the sets with: "
        f"'{ALGORITHM_BENCHMARK}' (the algorithm's benchmark, bought and held; default), "
        f"'{CASH}' (a return of 0), or a ticker of the data (bought and held)",
    )
    honesty.add_argument(
        "--spa-block-length",
        type=float,
        metavar="DAYS",
        help="the stationary bootstrap's mean block length (default: the square root of the "
        "number of days)",
    )
    honesty.add_argument(
        "--spa-reps",
        type=int,
        default=DEFAULT_BOOTSTRAP_REPS,
        metavar="N",
        help=f"bootstrap draws (default {DEFAULT_BOOTSTRAP_REPS})",
    )
    honesty.add_argument("--spa-seed", type=int, default=0, help="the bootstrap's seed")
    where = parser.add_argument_group("where it runs")
    where.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="default: <project>/optimizations/<yyyy-mm-dd_hh-mm-ss>/",
    )
    where.add_argument(
        "--max-concurrent-backtests",
        type=_positive_int,
        metavar="N",
        help="backtests at a time (default: the Ray instance's CPUs)",
    )
    where.add_argument(
        "--address",
        help="an existing Ray cluster (e.g. ray://head:10001 or auto); default: a local one",
    )
    where.add_argument(
        "--workers",
        type=_positive_int,
        help=f"CPUs of the local Ray instance (default: all, {os.cpu_count()} here)",
    )
    where.add_argument("--no-progress", action="store_true", help="no progress bar")
    data = parser.add_argument_group("each backtest (as python -m local_lean)")
    data.add_argument(
        "--data", metavar="DIR", help="a LEAN data folder or a CSV folder (default: synthetic)"
    )
    data.add_argument("--start", type=date_argument, metavar="YYYY-MM-DD")
    data.add_argument("--end", type=date_argument, metavar="YYYY-MM-DD")
    data.add_argument("--cash", type=cash_argument, metavar="N")
    data.add_argument(
        "--fee-bps", type=basis_points_argument, metavar="N", help="as python -m local_lean"
    )
    data.add_argument("--seed", type=int, default=0, help="seed of the synthetic market")
    data.add_argument("--no-charts", action="store_true", help="skip each backtest's PNG charts")
    data.add_argument(
        "--share-storage",
        action="append",
        metavar="PREFIX",
        help="object store keys under PREFIX live in one folder for every set, for entries whose "
        "keys say all they depend on (repeatable; default: main.py's model cache, "
        f"{MODEL_CACHE_PREFIX}, so a model one set trained is served to the others)",
    )
    data.add_argument(
        "--no-shared-storage",
        action="store_true",
        help="every set keeps its whole object store to itself",
    )
    add_time_limit_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_optimize_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
    except (OptimizationInputError, OverfittingInputError, LocalLeanError, ValueError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcome = run_optimization(settings, progress=not args.no_progress)
    except RayUnavailableError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    failed = [r for r in outcome.results if r.status != "completed"]
    if failed:
        ids = ", ".join(str(r.id) for r in failed)
        print(f"{len(failed)} parameter set(s) failed ({ids}): see the summary", file=sys.stderr)
        return EXIT_RUNTIME_ERROR
    return EXIT_OK if outcome.results else EXIT_RUNTIME_ERROR


def settings_from(args: argparse.Namespace) -> OptimizationSettings:
    """Every check that needs no backtest; raises OptimizationInputError naming the problem."""
    from local_lean.loader import read_project_parameters

    algorithm: Path = args.algorithm
    if not algorithm.is_file():
        raise OptimizationInputError(f"algorithm file {algorithm} does not exist")
    _check_compiles(algorithm)
    project_parameters = read_project_parameters(algorithm)
    if args.address:
        check_reachable(args.address)
    if args.data is not None and not Path(args.data).expanduser().is_dir():
        raise OptimizationInputError(f"--data {args.data}: no such folder")
    if args.start and args.end and args.end < args.start:
        raise OptimizationInputError(f"--end {args.end} is before --start {args.start}")

    fixed: dict[str, str] = {}
    ranges: list[Parameter] = []
    for values in args.parameter:
        if len(values) == 2:
            fixed[values[0]] = values[1]
        elif len(values) in (4, 5):
            ranges.append(step_parameter(*values))
        else:
            raise OptimizationInputError(
                f"--parameter {' '.join(values)}: give NAME MIN MAX STEP (a range) or NAME VALUE "
                "(a fixed value)"
            )
    for values in args.choice:
        if len(values) < 2:
            raise OptimizationInputError(f"--choice {' '.join(values)}: give NAME VALUE ...")
        ranges.append(choice_parameter(values[0], values[1:]))

    segments = 0
    if args.optimizer_config is not None:
        if args.strategy or args.target or args.constraint or ranges:
            raise OptimizationInputError(
                "--optimizer-config and --strategy/--target/--parameter ranges/--constraint "
                "are mutually exclusive (as in lean optimize): use one or the other"
            )
        config = read_config_file(args.optimizer_config)
        strategy, target, constraints, ranges, segments, concurrent = _from_config(config)
        label = target.path
    else:
        missing = [
            option
            for option, value in (
                ("--strategy", args.strategy),
                ("--target", args.target),
                ("--target-direction", args.target_direction),
                ("--parameter NAME MIN MAX STEP", ranges),
            )
            if not value
        ]
        if missing:
            raise OptimizationInputError(
                "give " + ", ".join(missing) + " (or --optimizer-config FILE)"
            )
        strategy = args.strategy
        target = parse_target(args.target, args.target_direction)
        constraints = [parse_constraint(text) for text in args.constraint]
        label = args.target
        concurrent = None
    check_names(ranges, project_parameters)
    for name in fixed:
        if name not in project_parameters:
            check_names([choice_parameter(name, [fixed[name]])], project_parameters)
        if any(parameter.name == name for parameter in ranges):
            raise OptimizationInputError(
                f"parameter '{name}' is given both a fixed value and a range; keep one"
            )
    planned = args.trials if strategy == BAYESIAN_SEARCH else grid_size(ranges)
    if planned > args.max_backtests and not args.yes:
        raise OptimizationInputError(
            f"the search has {planned} parameter sets, above the limit of {args.max_backtests} "
            "backtests; add --yes to run them all, raise --max-backtests, or widen the steps"
        )
    if args.seeds < 0:
        raise OptimizationInputError(f"--seeds must be 0 or more, got {args.seeds}")
    if args.seeds and args.seed_parameter not in project_parameters:
        raise OptimizationInputError(
            f"--seeds needs the parameter '{args.seed_parameter}' in config.json to vary the "
            "seed; add it, or name the seed parameter with --seed-parameter"
        )
    selection = _selection_settings(args)
    if strategy == EULER_SEARCH and not ranges:
        raise OptimizationInputError("Euler search needs at least one range to search")

    output = args.output or (
        algorithm.resolve().parent
        / "optimizations"
        / dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    )
    if output.exists() and any(output.iterdir()):
        raise OptimizationInputError(
            f"--output {output} exists and is not empty; name a new folder so that no earlier "
            "results are overwritten"
        )
    options: dict[str, Any] = {
        # Workers run in other folders (or machines): the data folder's absolute path.
        "data": None if args.data is None else str(Path(args.data).expanduser().resolve()),
        "start": args.start,
        "end": args.end,
        "cash": args.cash,
        "fee_bps": args.fee_bps,
        "seed": args.seed,
        "time_limits": settings_from_arguments(args),
        "draw_charts": not args.no_charts,
    }
    return OptimizationSettings(
        algorithm=algorithm,
        strategy=strategy,
        target=target,
        parameters=ranges,
        output=output,
        constraints=constraints,
        fixed_parameters=fixed,
        backtest_options=options,
        address=args.address,
        workers=args.workers,
        max_concurrent=args.max_concurrent_backtests or concurrent,
        segments=segments,
        trials=args.trials,
        search_seed=args.search_seed,
        seeds=args.seeds,
        seed_parameter=args.seed_parameter,
        target_label=label,
        selection=selection,
        shared_storage=_shared_storage(args),
    )


def _shared_storage(args: argparse.Namespace) -> list[str]:
    """The object store key prefixes the sets share, each checked: folder names of letters,
    digits, spaces and _ - # $ = separated by "/"."""
    if args.no_shared_storage:
        if args.share_storage:
            raise OptimizationInputError(
                "--share-storage and --no-shared-storage contradict each other: give one"
            )
        return []
    prefixes = [prefix.strip("/") for prefix in args.share_storage or [MODEL_CACHE_PREFIX]]
    for prefix in prefixes:
        if not SHARED_PREFIX_PATTERN.fullmatch(prefix):
            raise OptimizationInputError(
                f"--share-storage {prefix!r} is not an object store folder: use names of "
                "letters, digits, spaces and _ - # $ = separated by '/', e.g. "
                f"{MODEL_CACHE_PREFIX}"
            )
    return prefixes


def _selection_settings(args: argparse.Namespace) -> SelectionTestSettings:
    """--pbo-blocks and the --spa-* options, checked before any backtest runs."""
    check_blocks(args.pbo_blocks)
    if args.spa_reps < 100:
        raise OptimizationInputError(
            f"--spa-reps {args.spa_reps}: p-values need 100 bootstrap draws or more"
        )
    if args.spa_block_length is not None and args.spa_block_length < 1:
        raise OptimizationInputError(
            f"--spa-block-length {args.spa_block_length}: the mean block is at least 1 day"
        )
    benchmark = args.spa_benchmark.strip()
    if benchmark.lower() in (ALGORITHM_BENCHMARK, CASH):
        benchmark = benchmark.lower()
    else:
        from local_lean.data import open_price_source

        if not open_price_source(args.data, args.seed).has_ticker(benchmark):
            where = args.data or "the synthetic market"
            raise OptimizationInputError(
                f"--spa-benchmark {benchmark}: no daily data for it in {where}; give a ticker "
                f"of the data, '{ALGORITHM_BENCHMARK}' or '{CASH}'"
            )
    return SelectionTestSettings(
        blocks=args.pbo_blocks,
        benchmark=benchmark,
        block_length=args.spa_block_length,
        reps=args.spa_reps,
        seed=args.spa_seed,
    )


def _from_config(config: dict[str, Any]) -> tuple:
    class_name = str(config.get("optimization-strategy", ""))
    strategy = LEAN_CLASS_NAMES.get(class_name)
    if strategy is None:
        known = ", ".join(LEAN_CLASS_NAMES)
        raise OptimizationInputError(
            f'"optimization-strategy" {class_name!r} is not one LEAN runs locally; use {known}'
        )
    strategy_settings = config.get("optimization-strategy-settings") or {}
    if not isinstance(strategy_settings, dict):
        raise OptimizationInputError(
            '"optimization-strategy-settings" must be an object such as '
            '{"default-segment-amount": 10}, got ' + _shown(strategy_settings)
        )
    segments = _whole_number(strategy_settings, "default-segment-amount", "10") or 0
    criterion = config.get("optimization-criterion")
    if not isinstance(criterion, dict):
        raise OptimizationInputError('the optimizer config has no "optimization-criterion"')
    target = target_from_config(criterion)
    entries = config.get("parameters")
    if not isinstance(entries, list) or not entries:
        raise OptimizationInputError('the optimizer config has no "parameters" to optimise')
    ranges = [parameter_from_config(entry, segments or 10) for entry in entries]
    constraint_entries = config.get("constraints") or []
    if not isinstance(constraint_entries, list):
        raise OptimizationInputError(
            '"constraints" must be a list of objects such as {"target": "Drawdown", '
            '"operator": "less", "target-value": 0.25}, got ' + _shown(constraint_entries)
        )
    for entry in constraint_entries:
        if not isinstance(entry, dict):
            raise OptimizationInputError(
                'each of "constraints" must be an object such as {"target": "Drawdown", '
                '"operator": "less", "target-value": 0.25}, got ' + _shown(entry)
            )
    constraints = [constraint_from_config(entry) for entry in constraint_entries]
    concurrent = _whole_number(config, "maximum-concurrent-backtests", "4")
    return strategy, target, constraints, ranges, segments, concurrent


def _whole_number(section: dict[str, Any], key: str, example: str) -> int | None:
    """A positive whole number of the config file (None when absent), or an error naming it."""
    value = section.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptimizationInputError(
            f'"{key}" must be a whole number of at least 1, such as {example}, got ' + _shown(value)
        )
    return value


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {json.dumps(value)[:60]}"


def _check_compiles(algorithm: Path) -> None:
    try:
        compile(algorithm.read_text(encoding="utf-8"), str(algorithm), "exec")
    except SyntaxError as error:
        raise OptimizationInputError(
            f"{algorithm} line {error.lineno}: {error.msg}; fix it before optimising"
        ) from None
