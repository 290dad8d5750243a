"""LEAN's auxiliary-data providers for algorithms (``QuantConnect.Data.Auxiliary``).

Algorithms build them as LEAN's regression algorithms do::

    data_provider = DefaultDataProvider()
    map_file_provider = LocalDiskMapFileProvider()
    map_file_provider.initialize(data_provider)
    factor_file_provider = LocalDiskFactorFileProvider()
    factor_file_provider.initialize(map_file_provider, data_provider)
    factor_file = factor_file_provider.get(symbol)   # a CorporateFactorProvider
    factor_file.get_price_factor(day, DataNormalizationMode.ADJUSTED)

LEAN's providers read its configured data folder; here that is the folder of the running
backtest (``use_data_source``, called by the engine), which must be a LEAN data folder.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pandas as pd

from local_lean.data.lean_folder import LeanDataFolder, factor_on
from local_lean.data.security_definitions import definitions_lookup
from local_lean.enums import DataNormalizationMode
from local_lean.errors import NotSupportedError
from local_lean.symbols import use_security_definitions

_ACTIVE_SOURCE: ContextVar[Any] = ContextVar("local_lean_data_source", default=None)


def use_data_source(source: Any) -> None:
    """The price source the providers read (the backtest's, set when it starts), and whose
    security database gives Symbols their CUSIP, ISIN... (data/security_definitions.py)."""
    _ACTIVE_SOURCE.set(source)
    root = source.root if isinstance(source, LeanDataFolder) else None
    use_security_definitions(definitions_lookup(root))


def active_data_root() -> Path | None:
    """The root of the running backtest's LEAN data folder (None: no backtest runs, or its
    prices come from another source)."""
    source = _ACTIVE_SOURCE.get()
    return source.root if isinstance(source, LeanDataFolder) else None


def _lean_folder() -> LeanDataFolder:
    source = _ACTIVE_SOURCE.get()
    if not isinstance(source, LeanDataFolder):
        where = "no backtest is running" if source is None else source.description
        raise NotSupportedError(
            f"factor and map file providers without a LEAN data folder ({where})",
            "run the backtest on a LEAN data folder (--data) that holds factor and map files",
        )
    return source


class DefaultDataProvider:
    """LEAN's data provider: reads the backtest's data folder."""


class LocalDiskMapFileProvider:
    """LEAN's map file provider: the map files of the backtest's data folder."""

    def __init__(self) -> None:
        self._data_provider: Any = None

    def initialize(self, data_provider: Any) -> None:
        self._data_provider = data_provider


class LocalDiskFactorFileProvider:
    """LEAN's factor file provider: ``get(symbol)`` gives the symbol's factor file, named by
    its map file (the permtick), as a CorporateFactorProvider."""

    def __init__(self) -> None:
        self._initialized = False

    def initialize(self, map_file_provider: Any, data_provider: Any) -> None:
        self._initialized = True

    def get(self, symbol: Any) -> CorporateFactorProvider:
        if not self._initialized:
            raise RuntimeError(
                "LocalDiskFactorFileProvider.get before initialize: call "
                "initialize(map_file_provider, data_provider) first"
            )
        folder = _lean_folder()
        ticker = getattr(symbol, "value", symbol)
        if not isinstance(ticker, str) or not ticker.strip():
            raise TypeError(f"get needs a Symbol or a ticker, got {symbol!r}")
        factors = folder.factors(ticker)
        return CorporateFactorProvider(folder.permtick(ticker), factors)


class CorporateFactorProvider:
    """One security's factor file (LEAN's ``CorporateFactorProvider``); an empty one, for a
    security without a factor file, gives a factor of 1."""

    def __init__(self, permtick: str, factors: pd.DataFrame | None) -> None:
        self.permtick = permtick
        self._factors = factors

    def get_price_factor(
        self,
        search_date: Any,
        data_normalization_mode: Any,
        data_mapping_mode: Any = None,
        contract_offset: int = 0,
    ) -> float:
        """The factor that normalises a raw price of `search_date`: that of the first row
        dated on or after it (1 after the last); 0 for RAW, as LEAN returns."""
        mode = DataNormalizationMode(data_normalization_mode)
        if mode == DataNormalizationMode.RAW:
            return 0.0
        if not isinstance(search_date, dt.date):
            raise TypeError(f"get_price_factor needs a date, got {search_date!r}")
        if self._factors is None:
            return 1.0
        column = {
            DataNormalizationMode.ADJUSTED: "scale",
            DataNormalizationMode.SCALED_RAW: "scale",
            DataNormalizationMode.SPLIT_ADJUSTED: "split_factor",
            DataNormalizationMode.TOTAL_RETURN: "split_factor",
        }[mode]
        return factor_on(self._factors, pd.Timestamp(search_date), column)


__all__ = [
    "active_data_root",
    "CorporateFactorProvider",
    "DefaultDataProvider",
    "LocalDiskFactorFileProvider",
    "LocalDiskMapFileProvider",
    "use_data_source",
]
