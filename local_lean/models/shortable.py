"""Shortable providers (LEAN's ``Common/Data/Shortable``) and LEAN's check of short orders.

A provider tells how many shares of a symbol may be shorted at a time (None: no limit), and
the borrowing fee and rebate rates. LEAN asks the security's provider when a sell order is
submitted (``QCAlgorithm.Shortable``); a backtest refuses one that would short more.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from local_lean.data.auxiliary import active_data_root


class NullShortableProvider:
    """Every symbol is shortable without limit, at no cost (LEAN's default for equities)."""

    def fee_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        return 0.0

    def rebate_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        return 0.0

    def shortable_quantity(self, symbol: Any, local_time: dt.datetime) -> int | None:
        return None


NullShortableProvider.INSTANCE = NullShortableProvider()


class LocalDiskShortableProvider:
    """The shortable quantities and rates of a brokerage's files in the LEAN data folder
    (LEAN's ``LocalDiskShortableProvider``): ``equity/usa/shortable/<brokerage>/symbols/
    <ticker>.csv``, one line a day ``yyyyMMdd,quantity[,rebate %[,fee %]]``. A day the file
    lacks (or a missing file) is shortable without limit, at rates 0, as in LEAN."""

    def __init__(self, brokerage: str) -> None:
        if not isinstance(brokerage, str) or not brokerage.strip():
            raise TypeError(
                f"LocalDiskShortableProvider takes the brokerage's folder name, got {brokerage!r}"
            )
        self._brokerage = brokerage.lower()
        self._ticker: str | None = None
        self._by_date: dict[dt.date, tuple[int | None, float, float]] = {}

    def fee_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        entry = self._entry(symbol, local_time)
        return 0.0 if entry is None else entry[2]

    def rebate_rate(self, symbol: Any, local_time: dt.datetime) -> float:
        entry = self._entry(symbol, local_time)
        return 0.0 if entry is None else entry[1]

    def shortable_quantity(self, symbol: Any, local_time: dt.datetime) -> int | None:
        entry = self._entry(symbol, local_time)
        return None if entry is None else entry[0]

    def _entry(self, symbol: Any, local_time: dt.datetime) -> tuple | None:
        if symbol is None:
            return None
        ticker = symbol.value
        if ticker != self._ticker:  # LEAN keeps one ticker's file at a time
            self._ticker = ticker
            self._by_date = read_shortable_file(self.symbol_file(symbol))
        return self._by_date.get(local_time.date())

    def symbol_file(self, symbol: Any) -> Path | None:
        """The file of `symbol` in the running backtest's data folder (None: no LEAN folder)."""
        root = active_data_root()
        if root is None:
            return None
        market = getattr(getattr(symbol, "id", None), "market", "usa")
        return (
            root / "equity" / market / "shortable" / self._brokerage / "symbols"
            / f"{symbol.value.lower()}.csv"
        )  # fmt: skip


def read_shortable_file(path: Path | None) -> dict[dt.date, tuple[int | None, float, float]]:
    """A shortable file's lines by date: (quantity or None, rebate rate, fee rate), the rates
    as fractions (the file has percentages). Empty and ``#`` lines are skipped; a missing file
    has no lines."""
    entries: dict[dt.date, tuple[int | None, float, float]] = {}
    if path is None or not path.is_file():
        return entries
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split(",")
        try:
            day = dt.datetime.strptime(fields[0], "%Y%m%d").date()
            quantity = int(fields[1]) if len(fields) > 1 and fields[1] else None
            rebate = float(fields[2]) if len(fields) > 2 and fields[2] else 0.0
            fee = float(fields[3]) if len(fields) > 3 and fields[3] else 0.0
        except ValueError as error:
            raise ValueError(
                f"{path}, line {number}: a shortable line is yyyyMMdd,quantity[,rebate %"
                f"[,fee %]], got {line!r} ({error})"
            ) from error
        entries[day] = (quantity, rebate / 100, fee / 100)
    return entries


def shortable_quantity(security: Any, local_time: dt.datetime) -> int | None:
    """What the security's provider says may be shorted now (None: no limit)."""
    quantity = security.shortable_provider.shortable_quantity(security.symbol, local_time)
    if quantity is None:
        return None
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise TypeError(
            f"{type(security.shortable_provider).__name__}.shortable_quantity must return a "
            f"number of shares or None, got {quantity!r}"
        )
    return int(quantity)


def is_shortable(
    security: Any, quantity: float, open_quantity: float, local_time: dt.datetime
) -> bool:
    """LEAN's ``Shortable(symbol, quantity)``: whether selling `quantity` more keeps the holding
    plus the open orders (`open_quantity`, signed) within the shortable quantity."""
    limit = shortable_quantity(security, local_time)
    if limit is None:
        return True
    held = security.holdings.quantity
    # Already at the limit: even a zero quantity is refused.
    if held + open_quantity <= -limit:
        return False
    return held - abs(quantity) + open_quantity >= -limit


def shortable_error_message(security: Any, quantity: float, local_time: dt.datetime) -> str:
    """LEAN's message for a refused short order (its closing parenthesis included)."""
    limit = shortable_quantity(security, local_time) or 0
    return (
        f"Order exceeds shortable quantity {limit} for Symbol {security.symbol.value} "
        f"requested {quantity:g})"
    )


__all__ = [
    "LocalDiskShortableProvider",
    "NullShortableProvider",
    "is_shortable",
    "read_shortable_file",
    "shortable_error_message",
    "shortable_quantity",
]
