"""The forecast panel's data: main.py's held-out reports, read back from the log.

At each (re)training main.py logs, for example::

    2020-01-31 08:00:00 Trained Bull (SPY) at 2020-01-31 08:00:00 on 1260 closes (warm start,
    5 epochs on the latest 250 windows); held-out 18 returns RMSE 0.01234 vs naive 0.01201
    (ratio 1.027)

(one line): the model's RMSE on the forecasts whose intervals lie in the closes it did not
train on, against the naive forecast on the same intervals (a return of 0; earlier versions
compared price forecasts, "held-out 20 days", with "tomorrow's close = today's close").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

_NUMBER = r"[-+0-9.eE]+|nan|inf"
HELD_OUT_REPORT = re.compile(
    r"Trained (?P<key>\S+) \((?P<ticker>[^)]+)\) at (?P<time>\S+ \S+) on (?P<closes>\d+) closes"
    r" \((?P<mode>[^)]*)\); held-out (?P<days>\d+) (?:days|returns)"
    rf" RMSE (?P<rmse>{_NUMBER}) vs naive (?P<naive>{_NUMBER})"
)


@dataclass(frozen=True)
class HeldOutReport:
    time: str
    key: str
    ticker: str
    mode: str
    closes: int
    days: int
    rmse: float
    naive_rmse: float

    @property
    def ratio(self) -> float:
        """Model RMSE / naive RMSE: below 1 beats repeating the last close."""
        return self.rmse / self.naive_rmse if self.naive_rmse > 0 else math.nan


def held_out_reports(log_lines: Iterable[str]) -> list[HeldOutReport]:
    """Every held-out report in the log, in log order."""
    reports = []
    for line in log_lines:
        match = HELD_OUT_REPORT.search(line)
        if match is None:
            continue
        reports.append(
            HeldOutReport(
                time=match["time"],
                key=match["key"],
                ticker=match["ticker"],
                mode=match["mode"],
                closes=int(match["closes"]),
                days=int(match["days"]),
                rmse=float(match["rmse"]),
                naive_rmse=float(match["naive"]),
            )
        )
    return reports
