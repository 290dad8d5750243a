"""Benchmarks a brokerage model may give (LEAN's ``Common/Benchmarks``).

LEAN takes the algorithm's benchmark from ``set_benchmark``, else from its brokerage model's
``get_benchmark``: SPY for the default model; a model may give a function of the time instead
(``FuncBenchmark``), as the Axos clearing model gives a benchmark worth 0 at all times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable


class FuncBenchmark:
    """A benchmark whose value at a time a function gives (LEAN's ``FuncBenchmark``)."""

    def __init__(self, benchmark: Callable[[dt.datetime], float]) -> None:
        if not callable(benchmark):
            raise TypeError(
                f"FuncBenchmark takes a function of the time returning a value, got {benchmark!r}"
            )
        self._benchmark = benchmark

    def evaluate(self, time: dt.datetime) -> float:
        """The benchmark's value at `time`."""
        return float(self._benchmark(time))


__all__ = ["FuncBenchmark"]
