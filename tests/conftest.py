"""What several test modules share: one run of main.py's report backtest per session, and how
pytest-xdist's workers divide the modules (pyproject.toml's addopts start two of them)."""

from __future__ import annotations

from pathlib import Path

import pytest

# Modules that read one session fixture run in one worker, which makes that fixture once.
SHARED_WORKER = {
    "test_report.py": "report",  # tiny_main_report_folder
    "test_report_browser.py": "report",
}
# The modules that take longest (they train Keras models, run main.py or a Jupyter kernel, or
# start Python processes), longest first. Workers take modules in collection order, so these
# start first and the short modules fill in at the end, when otherwise one worker would still
# be training while the other waits.
LONGEST_FIRST = [
    "test_optimize_ray",
    "test_lstm_persistence",
    "test_lstm_model_cache",
    "test_lstm_estimator",
    "test_lstm_training",
    "test_lstm_walk_forward",
    "test_main_strategy",
    "test_notebook",
    "test_strategy_timeline",
    "test_report",
    "test_report_browser",
    "test_faults_models",
    "test_interrupts",
    "test_cli",
    "test_console",
    "test_lean_ml_examples",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each module's tests run in one worker (with --dist loadgroup), so that a module-scoped
    fixture (a backtest, a trained model, a Jupyter kernel) is made once, as in a serial run;
    the longest modules come first."""
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: files keep order
    for item in items:
        group = SHARED_WORKER.get(item.path.name, item.path.stem)
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def tiny_main_report_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main.py over January 2020 with a tiny model, run through the command line as users run
    it: its results folder, report.html written. Tests only read it."""
    from report_helpers import TINY_MAIN, backtest_folder

    return backtest_folder(tmp_path_factory.mktemp("main"), *TINY_MAIN)
