# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""Holds SPY at the "weight" parameter from the first session: a fast algorithm whose statistics
depend on its parameters. Other parameters make one weight fail, pause it so that a test can
kill the worker process running it, or make one scheduled event slow."""

import os
from pathlib import Path
from time import sleep

from AlgorithmImports import *


class OptimizableAlgorithm(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 2, 26)
        self.set_cash(100000)
        weight = self.get_parameter("weight", "0.5")
        self.weight = float(weight)
        if weight == self.get_parameter("fail-when-weight", ""):
            raise ValueError(f"weight {weight} is set to fail")
        if weight == self.get_parameter("pause-when-weight", ""):
            self._pause_for_kill()
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.event_seconds = float(self.get_parameter("event-seconds", "0"))
        if self.event_seconds:
            self.schedule.on(self.date_rules.every_day(), self.time_rules.at(10, 0), self._slow)

    def on_data(self, data: Slice) -> None:
        if self.weight and not self.portfolio.invested and data.bars.contains_key(self.spy):
            self.set_holdings(self.spy, self.weight)

    def _slow(self) -> None:
        """A scheduled event that takes "event-seconds" once (for the time-limit verdict)."""
        if self.event_seconds:
            sleep(self.event_seconds)
            self.event_seconds = 0

    def _pause_for_kill(self) -> None:
        """The first "pause-attempts" runs write their process id to "pause-folder" and wait
        to be killed; later runs go on."""
        folder = Path(self.get_parameter("pause-folder", ""))
        attempts = int(self.get_parameter("pause-attempts", "1"))
        started = sorted(folder.glob("pid-*"))
        if len(started) >= attempts:
            return
        (folder / f"pid-{len(started)}").write_text(str(os.getpid()))
        sleep(300)
