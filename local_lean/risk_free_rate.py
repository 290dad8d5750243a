"""The risk-free rate LEAN's statistics use: the US primary credit rate by date.

LEAN's default ``IRiskFreeInterestRateModel`` is ``InterestRateProvider``
(``Common/Data/InterestRateProvider.cs``): it reads the Federal Reserve's primary credit rate
(the discount window's rate, in percent, one row per change) and fills every calendar day from
1998-01-01 with the rate last set. Days before the first change get the first rate; days after
today get the latest one. ``PortfolioStatistics`` uses the average of the rates of the dates of
all equity samples (``GetAverageRiskFreeRate``), in decimal arithmetic.

The runner ships the series itself in ``primary_credit_rate.csv`` (``effective_date``,
``rate_percent``: the public series as LEAN's data folder carries it, same values and digits).
"""

from __future__ import annotations

import bisect
import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

#: The series shipped with the runner.
PRIMARY_CREDIT_RATE_FILE = Path(__file__).with_name("primary_credit_rate.csv")


class RiskFreeRateError(ValueError):
    """The rate file is missing, empty or malformed."""


class PrimaryCreditRate:
    """The primary credit rate (a fraction: 0.0075 for 0.75%) on any date, as LEAN looks it up."""

    def __init__(self, changes: Iterable[tuple[datetime.date, Decimal]]) -> None:
        ordered = sorted(changes)
        if not ordered:
            raise RiskFreeRateError("the primary credit rate series has no rows")
        self._dates = [day for day, _ in ordered]
        self._rates = [rate for _, rate in ordered]

    @classmethod
    def from_csv(cls, path: Path = PRIMARY_CREDIT_RATE_FILE) -> PrimaryCreditRate:
        """Read ``effective_date,rate_percent`` rows (rates in percent, as the Fed publishes)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            message = f"cannot read the primary credit rate file {path}: {error}"
            raise RiskFreeRateError(message) from error
        changes = []
        rows = csv.reader(text.splitlines())
        next(rows, None)  # the header
        for number, row in enumerate(rows, start=2):
            if not row or not "".join(row).strip():
                continue
            try:
                day = datetime.date.fromisoformat(row[0].strip())
                percent = Decimal(row[1].strip())
            except (IndexError, ValueError, InvalidOperation):
                raise RiskFreeRateError(
                    f"{path}, line {number}: expected 'yyyy-mm-dd,rate_percent', got {row!r}"
                ) from None
            changes.append((day, percent / 100))  # LEAN converts from percent on reading
        return cls(changes)

    def rate_on(self, day: datetime.date) -> Decimal:
        """The rate in force on ``day`` (the first rate before the series starts)."""
        position = bisect.bisect_right(self._dates, day) - 1
        return self._rates[max(position, 0)]

    def average_rate(self, days: Iterable[datetime.date]) -> Decimal:
        """The mean of the rates on ``days`` (0 when there are none), LEAN's
        ``GetAverageRiskFreeRate``."""
        rates = [self.rate_on(day) for day in days]
        return sum(rates, Decimal(0)) / len(rates) if rates else Decimal(0)

    def changes(self) -> list[tuple[datetime.date, Decimal]]:
        """The (date, rate) rows, oldest first."""
        return list(zip(self._dates, self._rates, strict=True))


@lru_cache(maxsize=1)
def primary_credit_rate() -> PrimaryCreditRate:
    """The series shipped with the runner (read once)."""
    return PrimaryCreditRate.from_csv()


__all__ = [
    "PRIMARY_CREDIT_RATE_FILE",
    "PrimaryCreditRate",
    "RiskFreeRateError",
    "primary_credit_rate",
]
