"""Helpers for the runner's tests: run an algorithm class and keep the instance."""

from __future__ import annotations

from typing import Any

from local_lean.engine import BacktestEngine, BacktestOptions, BacktestOutcome

# main.py's parameters for a model small enough to train in a test.
TINY_STRATEGY = {
    "history-bars": "200",
    "test-size": "10",
    "lookback": "10",
    "units": "4",
    "layers": "1",
    "epochs": "2",
    "retrain-epochs": "1",
    "batch-size": "32",
}
# main.py's default compiles each new network's training step and forecast with XLA, which costs
# a model this small about twice its training and trading. Tests whose checks do not concern the
# compiled step add this; test_main_strategy's quarter and test_optimize_ray's seed grid keep
# the default, end to end.
WITHOUT_XLA = {"jit-compile": "false"}


def run_algorithm(algorithm_class: type, **options: Any) -> tuple[Any, BacktestOutcome]:
    """Run `algorithm_class` on the synthetic market (unless data= is given), quietly, and
    return the algorithm instance with the outcome."""
    options.setdefault("log", lambda line: None)
    options.setdefault("draw_charts", False)
    algorithm = algorithm_class()
    outcome = BacktestEngine(algorithm, BacktestOptions(**options)).run()
    return algorithm, outcome
