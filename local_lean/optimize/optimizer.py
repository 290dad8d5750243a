"""An optimisation from start to end: plan, run on Ray, record, judge the winner, report.

1. The output folder gets ``optimizer-config.json`` (LEAN's format) and ``code/`` (the
   project's files), as lean optimize writes them.
2. The strategy hands out parameter sets; the executor runs them on Ray; each finished set is
   written to ``<output>/<backtest id>/`` at once, and the summary files are rewritten. The
   first finished set's time gives the estimate of the whole run.
3. The winner (the best target among sets that met the constraints) gets its deflated Sharpe
   ratio; the selection gets its probability of backtest overfitting and the sets their test
   of Superior Predictive Ability against a benchmark (``selection_bias``). With ``seeds`` the
   winner is run again over that many seeds of the ``seed`` parameter: the target's mean and
   standard deviation across seeds (in ``<output>/seeds/``).
4. The table sorted by target, the heatmap for two parameters, the overfitting figure, and the
   best set's statistics.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from local_lean.optimize.deflated_sharpe import daily_sharpe, deflated_sharpe
from local_lean.optimize.execution import BacktestJob, RayExecutor, TaskOutcome
from local_lean.optimize.objectives import Constraint, Target
from local_lean.optimize.records import SetResult, best_result, failed_set, save_set
from local_lean.optimize.report import (
    HEATMAP_PNG,
    OVERFITTING_PNG,
    draw_heatmap,
    draw_overfitting,
    ranking_table,
    statistics_table,
    write_summary,
)
from local_lean.optimize.selection_bias import (
    SelectionTestSettings,
    run_selection_tests,
    selection_text,
)
from local_lean.optimize.space import Parameter, describe
from local_lean.optimize.strategies import (
    BAYESIAN_SEARCH,
    EULER_SEARCH,
    BayesianSearch,
    EulerSearch,
    GridSearch,
    ParameterSet,
)

#: lean optimize's class names for the strategies it runs, in optimizer-config.json.
_LEAN_STRATEGY_CLASS = {
    "Grid Search": "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy",
    "Euler Search": "QuantConnect.Optimizer.Strategies.EulerSearchOptimizationStrategy",
}
#: Project files copied to ``<output>/code`` (lean optimize copies the project's code).
_CODE_PATTERNS = ("*.py", "*.ipynb", "config.json")


@dataclass
class OptimizationSettings:
    algorithm: Path
    strategy: str
    target: Target
    parameters: list[Parameter]
    output: Path
    constraints: list[Constraint] = field(default_factory=list)
    fixed_parameters: dict[str, str] = field(default_factory=dict)
    backtest_options: dict[str, Any] = field(default_factory=dict)  # run_backtest's options
    address: str | None = None
    workers: int | None = None
    max_concurrent: int | None = None
    segments: int = 0  # Euler's segment amount (0: LEAN's default)
    trials: int = 20  # Bayesian search
    search_seed: int = 0  # Bayesian search's sampler
    seeds: int = 0
    seed_parameter: str = "seed"
    target_label: str = ""  # the target as the user wrote it
    selection: SelectionTestSettings = field(default_factory=SelectionTestSettings)
    # Object store key prefixes kept in one folder for every set (execution.RayExecutor).
    shared_storage: list[str] = field(default_factory=list)


@dataclass
class OptimizationOutcome:
    output: Path
    results: list[SetResult]
    best: SetResult | None
    summary: dict[str, Any]
    seed_results: list[SetResult]


class _Progress:
    """A progress bar over parameter sets with the best target so far (tqdm), and the log."""

    def __init__(self, enabled: bool, say: Callable[[str], None], total: int) -> None:
        self._say = say
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="set", desc="Parameter sets")

    def say(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line)
        else:
            self._say(line)

    def advance(self, total: int, best: Decimal | None) -> None:
        if self._bar is None:
            return
        self._bar.total = total
        self._bar.set_postfix_str("best -" if best is None else f"best {float(best):.6g}")
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run_optimization(
    settings: OptimizationSettings,
    *,
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> OptimizationOutcome:
    output = settings.output

    def log(line: str) -> None:
        """A line of ``log.txt``, written at once (an interrupted run keeps its log)."""
        stamped = f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}"
        with (output / "log.txt").open("a", encoding="utf-8") as file:
            file.write(stamped + "\n")

    strategy = _make_strategy(settings)
    executor = RayExecutor(
        BacktestJob(
            # A cluster's workers run in the uploaded project folder; local ones read it here.
            settings.algorithm.name if settings.address else str(settings.algorithm.resolve()),
            settings.fixed_parameters,
            settings.backtest_options,
        ),
        address=settings.address,
        workers=settings.workers,
        max_concurrent=settings.max_concurrent,
        project_folder=settings.algorithm.resolve().parent,
        shared_storage=settings.shared_storage,
    )
    # Ray is up: from here on the optimisation writes its folder.
    output.mkdir(parents=True, exist_ok=True)
    _write_lean_config(settings)
    _copy_code(settings.algorithm, output / "code")
    bar = _Progress(progress, say, strategy.planned)
    results: list[SetResult] = []
    started = time.perf_counter()
    summary: dict[str, Any] = _summary_header(settings, executor.max_concurrent)
    label = settings.target_label or settings.target.path
    log(f"Optimization started: {settings.strategy}, {strategy.planned} parameter sets planned")

    def best_now() -> SetResult | None:
        return best_result(results, settings.target)

    def next_set(in_flight: int) -> ParameterSet | None:
        best = best_now()
        return strategy.next_set(in_flight, best.parameter_set if best else None)

    def on_outcome(outcome: TaskOutcome) -> None:
        result = _record(outcome, output, settings)
        results.append(result)
        strategy.record(result.parameter_set, result.target if result.counts else None)
        log(_describe(result))
        if len(results) == 1:
            estimate = _estimate(strategy.planned, result.seconds, executor.max_concurrent)
            summary["estimate"] = estimate
            bar.say(estimate["text"])
            log(estimate["text"])
        if result.status != "completed":
            bar.say(f"Parameter set {result.id} failed: {_first_line(result.error)}")
        best = best_now()
        summary["elapsedSeconds"] = round(time.perf_counter() - started, 3)
        write_summary(output, summary, results)
        bar.advance(strategy.planned, best.target if best else None)

    def target_reached() -> bool:
        best = best_now()
        return settings.target.reached(best.target if best else None)

    try:
        executor.run(next_set, on_outcome, target_reached)
        bar.close()
        best = best_now()
        summary["elapsedSeconds"] = round(time.perf_counter() - started, 3)
        summary["best"] = _best_json(best, results, output)
        summary["deflatedSharpe"] = _deflated_sharpe_json(best, results)
        selection = run_selection_tests(
            results,
            settings.selection,
            settings.backtest_options.get("data"),
            settings.backtest_options.get("seed") or 0,
        )
        summary["probabilityOfBacktestOverfitting"] = selection.overfitting_json
        summary["superiorPredictiveAbility"] = selection.spa_json
        seed_results: list[SetResult] = []
        if best is not None and settings.seeds > 0:
            say(f"Running the best set over {settings.seeds} seeds ...")
            seed_results = _run_seeds(executor, best, settings, output / "seeds")
            summary["seeds"] = _seeds_json(seed_results, settings, output)
        if best is not None:
            log(
                "Optimization has ended. Result for "
                f"{settings.target.path} ({settings.target.direction}): was reached using "
                f"ParameterSet: ({best.parameter_set}) backtestId '{best.backtest_id}'"
            )
        else:
            log("Optimization has ended. Result was not reached")
        write_summary(output, summary, results)
        heatmap = draw_heatmap(results, settings.target, label, output / HEATMAP_PNG)
        say(ranking_table(results, settings.target, label))
        if heatmap is not None:
            say(f"Heatmap: {heatmap}")
        if selection.overfitting is not None:
            say(f"Overfitting: {draw_overfitting(selection.overfitting, output / OVERFITTING_PNG)}")
        say(_winner_text(best, summary))
        say(f"Results: {output}")
        return OptimizationOutcome(output, results, best, summary, seed_results)
    finally:
        bar.close()
        executor.shutdown()


def _make_strategy(settings: OptimizationSettings) -> GridSearch | EulerSearch | BayesianSearch:
    if settings.strategy == EULER_SEARCH:
        return EulerSearch(settings.parameters, settings.segments)
    if settings.strategy == BAYESIAN_SEARCH:
        return BayesianSearch(
            settings.parameters,
            settings.trials,
            settings.target.direction,
            settings.search_seed,
        )
    return GridSearch(settings.parameters)


def _record(outcome: TaskOutcome, output: Path, settings: OptimizationSettings) -> SetResult:
    if not outcome.files:
        return failed_set(outcome.parameter_set, outcome.error or "no results", outcome.seconds)
    return save_set(
        output,
        outcome.parameter_set,
        outcome.files,
        outcome.error,
        outcome.seconds,
        settings.target,
        settings.constraints,
    )


def _run_seeds(
    executor: RayExecutor, best: SetResult, settings: OptimizationSettings, folder: Path
) -> list[SetResult]:
    folder.mkdir(parents=True, exist_ok=True)
    pending = [
        ParameterSet(seed + 1, {**best.parameter_set.values, settings.seed_parameter: str(seed)})
        for seed in range(settings.seeds)
    ]
    finished: list[SetResult] = []

    def next_set(in_flight: int) -> ParameterSet | None:
        return pending.pop(0) if pending else None

    def on_outcome(outcome: TaskOutcome) -> None:
        finished.append(_record(outcome, folder, settings))

    executor.run(next_set, on_outcome)
    return sorted(finished, key=lambda r: r.id)


def _seeds_json(
    results: Sequence[SetResult], settings: OptimizationSettings, output: Path
) -> dict[str, Any]:
    targets = [float(r.target) for r in results if r.status == "completed" and r.target is not None]
    return {
        "parameter": settings.seed_parameter,
        "values": [r.parameter_set.values[settings.seed_parameter] for r in results],
        "targets": [None if r.target is None else float(r.target) for r in results],
        "mean": statistics.fmean(targets) if targets else None,
        "std": statistics.stdev(targets) if len(targets) >= 2 else None,
        "failed": sum(1 for r in results if r.status != "completed"),
        "folders": [str(r.folder.relative_to(output)) if r.folder else None for r in results],
    }


def _deflated_sharpe_json(best: SetResult | None, results: Sequence[SetResult]) -> Any:
    if best is None:
        return None
    # Each distinct parameter set tried is one trial (Euler search may run a set twice).
    trials: dict[tuple[tuple[str, str], ...], float | None] = {}
    for result in sorted(results, key=lambda r: r.id):
        if result.status == "completed":
            key = tuple(sorted(result.parameter_set.values.items()))
            trials.setdefault(key, daily_sharpe(result.daily_returns))
    return deflated_sharpe(best.daily_returns, list(trials.values())).to_json()


def _estimate(planned: int, first_seconds: float, concurrent: int) -> dict[str, Any]:
    total = planned * first_seconds / concurrent
    return {
        "parameterSets": planned,
        "firstSetSeconds": round(first_seconds, 3),
        "concurrentBacktests": concurrent,
        "estimatedSeconds": round(total, 1),
        "text": (
            f"Estimate: {planned} parameter sets x {first_seconds:.1f} s (the first) / "
            f"{concurrent} at a time = about {_duration(total)} in all"
        ),
    }


def _summary_header(settings: OptimizationSettings, concurrent: int) -> dict[str, Any]:
    options = {key: _jsonable(value) for key, value in settings.backtest_options.items()}
    return {
        "algorithm": str(settings.algorithm),
        "strategy": settings.strategy,
        "target": {
            "name": settings.target_label or settings.target.path,
            "path": settings.target.path,
            "direction": settings.target.direction,
        },
        "constraints": [str(c) for c in settings.constraints],
        "parameters": [describe(p) for p in settings.parameters],
        "fixedParameters": settings.fixed_parameters,
        "backtestOptions": options,
        "maximumConcurrentBacktests": concurrent,
    }


def _best_json(
    best: SetResult | None, results: Sequence[SetResult], output: Path
) -> dict[str, Any] | None:
    if best is None:
        return None
    # Sets with the winner's very target: the winner is then only the first of them.
    tied = [r.id for r in results if r.counts and r.target == best.target and r is not best]
    return {
        "id": best.id,
        "parameters": best.parameter_set.values,
        "backtestId": best.backtest_id,
        "folder": str(best.folder.relative_to(output)) if best.folder else None,
        "target": float(best.target) if best.target is not None else None,
        "statistics": best.statistics,
        "tiedWith": sorted(tied),
    }


def _winner_text(best: SetResult | None, summary: dict[str, Any]) -> str:
    if best is None:
        return "No parameter set completed within the constraints: there is no winner."
    lines = [f"Best parameter set {best.id}: ({best.parameter_set})"]
    tied = (summary.get("best") or {}).get("tiedWith") or []
    if tied:
        lines.append(
            f"{len(tied)} other set(s) reached the same target ({float(best.target):.6g}): this "
            "one wins only by coming first, so the search does not tell them apart"
        )
    lines.append(statistics_table(best.statistics))
    dsr = summary.get("deflatedSharpe") or {}
    if dsr.get("value") is not None:
        lines.append(
            f"Deflated Sharpe ratio: {dsr['value']:.3f} (the probability that its Sharpe ratio "
            f"beats the best of {dsr['trials']} trials without skill; daily Sharpe "
            f"{dsr['sharpe_daily']:.4f} against {dsr['expected_max_sharpe_daily']:.4f} expected)"
        )
    elif dsr:
        lines.append(f"Deflated Sharpe ratio: not defined ({dsr.get('note')})")
    if "probabilityOfBacktestOverfitting" in summary:
        lines.extend(
            selection_text(
                summary["probabilityOfBacktestOverfitting"], summary["superiorPredictiveAbility"]
            )
        )
    seeds = summary.get("seeds")
    if seeds and seeds.get("mean") is not None:
        spread = "n/a" if seeds["std"] is None else f"{seeds['std']:.6g}"
        lines.append(
            f"Across {len(seeds['values'])} seeds: target mean {seeds['mean']:.6g}, "
            f"standard deviation {spread}"
        )
    return "\n".join(lines)


def _write_lean_config(settings: OptimizationSettings) -> None:
    config: dict[str, Any] = {
        "optimization-strategy": _LEAN_STRATEGY_CLASS.get(settings.strategy, settings.strategy),
        "optimization-strategy-settings": {
            "$type": "QuantConnect.Optimizer.Strategies.StepBaseOptimizationStrategySettings, "
            "QuantConnect.Optimizer",
            "default-segment-amount": settings.segments or 10,
        },
        "optimization-criterion": {
            "target": settings.target.path,
            "extremum": settings.target.direction,
        },
        "parameters": [describe(p) for p in settings.parameters],
        "constraints": [c.to_config() for c in settings.constraints],
    }
    if settings.target.target_value is not None:
        config["optimization-criterion"]["target-value"] = float(settings.target.target_value)
    if settings.max_concurrent:
        config["maximum-concurrent-backtests"] = settings.max_concurrent
    path = settings.output / "optimizer-config.json"
    path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")


def _copy_code(algorithm: Path, destination: Path) -> None:
    folder = algorithm.resolve().parent
    destination.mkdir(parents=True, exist_ok=True)
    for pattern in _CODE_PATTERNS:
        for path in folder.glob(pattern):
            if path.is_file():
                shutil.copy2(path, destination / path.name)


def _describe(result: SetResult) -> str:
    text = f"ParameterSet {result.id} ({result.parameter_set}): {result.status}"
    if result.backtest_id:
        text += f", backtestId '{result.backtest_id}'"
    if result.target is not None:
        text += f", target {result.target}"
    if result.error:
        text += f", error: {_first_line(result.error)}"
    return text


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return str(value)
