"""QuantBook for `research.ipynb` offline: the research API of QuantConnect, on local data.

It offers what the notebook uses, with LEAN's names (quantconnect-stubs,
QuantConnect/Research/__init__.pyi; QuantBook inherits `add_equity`, `history`, `securities`,
`object_store` from QCAlgorithm):

    qb = QuantBook()                       # data: LOCAL_LEAN_DATA, else the synthetic market
    spy = qb.add_equity("SPY").symbol
    history = qb.history(spy, 1280, Resolution.DAILY)   # same frame as an algorithm's history

Research sees everything up to "now": `end_date` if given, whose bar is included; otherwise the
bars dated before today, as in QuantConnect's research (the synthetic market runs past today,
and must not show research a future).
Only daily US equities with adjusted prices exist locally; other options raise NotSupportedError.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from local_lean.data import PriceSource, bars_in_mode, map_file_provider, open_price_source
from local_lean.enums import DataNormalizationMode, Market, Resolution
from local_lean.errors import MissingDataError, NotSupportedError, UnknownSymbolError
from local_lean.history import history_frame
from local_lean.lean_members import LeanMembers
from local_lean.object_store import ObjectStore
from local_lean.symbols import Symbol, equity_symbol

DATA_ENVIRONMENT_VARIABLE = "LOCAL_LEAN_DATA"


class _ResearchEquity:
    """The part of LEAN's Equity security that research code reads."""

    def __init__(self, symbol: Symbol) -> None:
        self.symbol = symbol
        self.resolution = Resolution.DAILY
        self.data_normalization_mode = DataNormalizationMode.ADJUSTED

    def __repr__(self) -> str:
        return f"Equity({self.symbol.value})"


class QuantBook(
    LeanMembers,
    lean_class="QuantConnect.Research.QuantBook",
    hint="the runner's QuantBook offers add_equity, history, securities and object_store "
    "(daily US equities)",
):
    """Research access to daily bars: add_equity, history, securities, object_store."""

    def __init__(
        self,
        data: str | Path | None = None,
        seed: int = 0,
        end_date: datetime.date | str | None = None,
        storage: str | Path | None = None,
    ) -> None:
        if data is None:
            data = os.environ.get(DATA_ENVIRONMENT_VARIABLE) or None
        self._source: PriceSource = open_price_source(data, seed=seed)
        self._end_date = None if end_date is None else pd.Timestamp(end_date).date()
        self._storage_root = Path(storage) if storage is not None else Path.cwd() / "storage"
        self._object_store: ObjectStore | None = None
        self.securities: dict[Symbol, _ResearchEquity] = {}

    @property
    def object_store(self) -> ObjectStore:
        """The project's object store (`./storage`, where the lean CLI keeps it)."""
        if self._object_store is None:
            self._object_store = ObjectStore(self._storage_root)
        return self._object_store

    def add_equity(
        self,
        ticker: str,
        resolution: Resolution | None = None,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
        extended_market_hours: bool = False,
        data_normalization_mode: DataNormalizationMode | None = None,
    ) -> _ResearchEquity:
        """Add a US equity; returns its security, whose `.symbol` history accepts."""
        if resolution not in (None, Resolution.DAILY):
            raise NotSupportedError(
                f"resolution {Resolution(resolution).name}",
                "local data is daily; use Resolution.DAILY",
            )
        if market not in (None, Market.USA):
            raise NotSupportedError(f"market {market!r}", "only Market.USA equities exist locally")
        _check_normalization(data_normalization_mode)
        symbol = equity_symbol(ticker, map_file_provider(self._source))
        if not self._source.has_ticker(symbol.value):
            self._source.daily_bars(symbol.value)  # raises MissingDataError saying where it looked
            raise MissingDataError(
                f"no daily data for {symbol.value} in {self._source.description}"
            )
        security = self.securities.get(symbol) or _ResearchEquity(symbol)
        if data_normalization_mode is not None:
            mode = DataNormalizationMode(data_normalization_mode)
            bars_in_mode(self._source, symbol.value, mode.name)  # a source without it says so
            security.data_normalization_mode = mode
        self.securities[symbol] = security
        return security

    def history(
        self,
        tickers: Symbol | str | Iterable[Symbol | str],
        periods: int,
        resolution: Resolution | None = None,
        fill_forward: bool | None = None,
        extended_market_hours: bool | None = None,
        data_mapping_mode: object = None,
        data_normalization_mode: DataNormalizationMode | None = None,
        contract_depth_offset: int | None = None,
        flatten: bool = False,
    ) -> pd.DataFrame:
        """The last `periods` daily bars of each symbol up to now, as LEAN's history frame."""
        if resolution not in (None, Resolution.DAILY):
            raise NotSupportedError(
                f"history at resolution {Resolution(resolution).name}",
                "local data is daily; use Resolution.DAILY",
            )
        _check_normalization(data_normalization_mode)
        if not isinstance(periods, int) or periods < 0:
            raise ValueError(f"periods must be a whole number of bars, got {periods!r}")
        symbols = [self._added_symbol(item) for item in _as_list(tickers)]
        bars = {}
        for symbol in symbols:  # the request's mode, else the security's (as LEAN's history)
            mode = data_normalization_mode
            if mode is None:
                mode = self.securities[symbol].data_normalization_mode
            name = DataNormalizationMode(mode).name
            bars[symbol] = bars_in_mode(self._source, symbol.value, name)
        return history_frame(bars, self._end_before(bars.values()), periods)

    def _added_symbol(self, item: Symbol | str) -> Symbol:
        if not isinstance(item, str):
            raise TypeError(f"history takes a Symbol, a ticker or a list of them, got {item!r}")
        symbol = item if isinstance(item, Symbol) else equity_symbol(item)
        if symbol not in self.securities:
            raise UnknownSymbolError(
                f"{symbol.value} was not added: call qb.add_equity({symbol.value!r}) before "
                "asking for its history"
            )
        return symbol

    def _end_before(self, frames: Iterable[pd.DataFrame]) -> datetime.date:
        if self._end_date is not None:
            return self._end_date + datetime.timedelta(days=1)
        last_days = [frame.index[-1].date() for frame in frames if len(frame)]
        after_last_bar = max(last_days, default=datetime.date(1900, 1, 1))
        return min(after_last_bar + datetime.timedelta(days=1), datetime.date.today())


def _as_list(tickers: Symbol | str | Iterable[Symbol | str]) -> list[Symbol | str]:
    if isinstance(tickers, str):
        return [tickers]
    return list(tickers)


def _check_normalization(mode: DataNormalizationMode | None) -> None:
    """None or a mode local prices can give (RAW and SPLIT_ADJUSTED need a LEAN folder)."""
    simulated = (
        DataNormalizationMode.RAW,
        DataNormalizationMode.ADJUSTED,
        DataNormalizationMode.SPLIT_ADJUSTED,
    )
    if mode is not None and mode not in simulated:
        raise NotSupportedError(
            f"data_normalization_mode {DataNormalizationMode(mode).name}",
            "local_lean gives RAW, ADJUSTED (the default) and SPLIT_ADJUSTED prices",
        )
