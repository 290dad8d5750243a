"""Ctrl-C and SIGTERM during a backtest: stop at once, keep what was simulated.

While :func:`signals_as_interrupts` is active, SIGINT (Ctrl-C) and SIGTERM raise
:class:`BacktestInterrupted` in the main thread, wherever it is (inside a Keras fit too: Python
runs signal handlers between two steps of its loop). The engine catches it like a runtime error:
it writes the results up to the last completed time step and says where the run stopped; the
command line then exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), the
shell's convention. Further signals while the results are written are ignored, so a second
Ctrl-C cannot lose them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class BacktestInterrupted(KeyboardInterrupt):
    """The backtest was stopped by a signal (a KeyboardInterrupt, so `except Exception` in an
    algorithm does not swallow it)."""

    def __init__(self, signal_number: int = signal.SIGINT) -> None:
        self.signal_number = int(signal_number)
        super().__init__(f"interrupted by {self.signal_name}")

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signal_number).name

    @property
    def exit_status(self) -> int:
        """The shell's status for a process ended by this signal: 128 + its number."""
        return 128 + self.signal_number


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into BacktestInterrupted in this block (main thread only: signal
    handlers cannot be set elsewhere, and there the block does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def interrupt(signal_number: int, frame: object) -> None:
        if received:
            return  # already stopping: let the results be written
        received.append(signal_number)
        raise BacktestInterrupted(signal_number)

    previous = {number: signal.signal(number, interrupt) for number in HANDLED_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def as_interruption(exc: KeyboardInterrupt) -> BacktestInterrupted:
    """The interruption a KeyboardInterrupt stands for: a plain one (no handler installed, e.g.
    in a notebook) is a Ctrl-C."""
    return exc if isinstance(exc, BacktestInterrupted) else BacktestInterrupted()
