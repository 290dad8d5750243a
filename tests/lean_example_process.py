"""Run one of LEAN's example algorithm files, unchanged, in a process of its own, and print
what the tests check as JSON: the outcome, the orders, the log and the values of the
algorithm's attributes named on the command line.

A process of its own because some examples change a library's global state for good
(``tensorflow.compat.v1.disable_v2_behavior()`` turns eager execution off in the whole
process), which would leak into the tests that run after them.

    python tests/lean_example_process.py ALGORITHM.py DATA STORAGE [--start D] [--end D]
        [--attribute NAME]...
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local_lean.engine import BacktestEngine, BacktestOptions  # noqa: E402
from local_lean.loader import load_algorithm_class  # noqa: E402


def plain(value: Any) -> Any:
    """`value` as JSON: a dictionary keyed by ticker, numbers (numpy's and torch's one-element
    tensors included) as floats, a Keras model as its class and the optimiser's step count."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if hasattr(value, "get_weights") and hasattr(value, "optimizer"):
        return {
            "model": type(value).__name__,
            "optimizer_steps": int(value.optimizer.iterations.numpy()),
        }
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().numpy()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("algorithm")
    parser.add_argument("data")
    parser.add_argument("storage")
    parser.add_argument("--start", type=dt.date.fromisoformat)
    parser.add_argument("--end", type=dt.date.fromisoformat)
    parser.add_argument("--attribute", action="append", default=[])
    arguments = parser.parse_args()
    algorithm = load_algorithm_class(arguments.algorithm)()
    options = BacktestOptions(
        data=arguments.data,
        start=arguments.start,
        end=arguments.end,
        storage=Path(arguments.storage),
        draw_charts=False,
        log=lambda line: None,
    )
    outcome = BacktestEngine(algorithm, options).run()
    report = {
        "runtime_error": outcome.runtime_error,
        "sessions": outcome.sessions,
        "orders": outcome.record.orders,
        "logs": outcome.record.logs,
        "attributes": {name: plain(getattr(algorithm, name, None)) for name in arguments.attribute},
    }
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
