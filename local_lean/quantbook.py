"""QuantBook for `research.ipynb` offline: the research API of QuantConnect, on local data.

It offers what the notebook uses, with LEAN's names (quantconnect-stubs,
QuantConnect/Research/__init__.pyi; QuantBook inherits `add_equity`, `history`, `securities`,
`object_store` from QCAlgorithm):

    qb = QuantBook()                       # data: LOCAL_LEAN_DATA, else the synthetic market
    spy = qb.add_equity("SPY").symbol
    history = qb.history(spy, 1280, Resolution.DAILY)   # same frame as an algorithm's history

Research sees everything up to "now": the end of `end_date` if given, whose bars are included;
otherwise the end of the last day the data has for the symbols asked for, no later than today,
as in QuantConnect's research (the synthetic market runs past today, and must not show
research a future).

Resolutions are LEAN's: `add_equity(ticker)` subscribes minute data on a LEAN data folder (as
LEAN's UniverseSettings do) and daily data on a source that has daily bars only;
`history(symbols, n | timedelta | start, end, resolution)` without a resolution uses each
security's. Minute and hour frames are the algorithm's (``intraday_history.py``: indexed by
(symbol, time), time each bar's end; a minute frame joins the quote bars' columns to the
trades', as LEAN's PandasConverter does; an hour frame holds trades only).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from local_lean.data import PriceSource, bars_in_mode, map_file_provider, open_price_source
from local_lean.data.intraday_files import last_intraday_day
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import DataNormalizationMode, Market, Resolution
from local_lean.errors import MissingDataError, NotSupportedError, UnknownSymbolError
from local_lean.history import empty_history, history_frame
from local_lean.intraday_history import intraday_history
from local_lean.lean_members import LeanMembers
from local_lean.object_store import ObjectStore
from local_lean.subscriptions import (
    INTRADAY,
    IntradaySubscription,
    has_hour_file,
    has_minute_files,
    subscription_resolution,
)
from local_lean.symbols import Symbol, equity_symbol

DATA_ENVIRONMENT_VARIABLE = "LOCAL_LEAN_DATA"
MAX_DAILY_BARS = 100_000  # more than any source holds: a span or range keeps them all


class _ResearchEquity:
    """The part of LEAN's Equity security that research code reads."""

    def __init__(self, symbol: Symbol, resolution: Resolution = Resolution.DAILY) -> None:
        self.symbol = symbol
        self.resolution = resolution
        self.data_normalization_mode = DataNormalizationMode.ADJUSTED

    def __repr__(self) -> str:
        return f"Equity({self.symbol.value})"


@dataclass
class _ResearchTime:
    """What ``intraday_history`` reads of an algorithm: the time, the data and the
    subscriptions' settings."""

    time: datetime.datetime
    source: PriceSource
    intraday_subscriptions: dict[Symbol, IntradaySubscription] = field(default_factory=dict)
    modes: dict[Symbol, DataNormalizationMode] = field(default_factory=dict)


class QuantBook(
    LeanMembers,
    lean_class="QuantConnect.Research.QuantBook",
    hint="the runner's QuantBook offers add_equity, history, securities and object_store "
    "(US equities: daily bars, and minute and hour bars of a LEAN data folder)",
):
    """Research access to bars: add_equity, history, securities, object_store."""

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
        self._subscriptions: dict[Symbol, IntradaySubscription] = {}

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
        """Add a US equity; returns its security, whose `.symbol` history accepts. Without a
        resolution it is minute on a LEAN data folder (LEAN's default), else daily."""
        if market not in (None, Market.USA):
            raise NotSupportedError(f"market {market!r}", "only Market.USA equities exist locally")
        _check_normalization(data_normalization_mode)
        symbol = equity_symbol(ticker, map_file_provider(self._source))
        if resolution is None:  # LEAN's default (minute) where the data can have it
            resolution = subscription_resolution(self._source, symbol.value, None, "add_equity")
        _check_resolution(self._source, resolution, "add_equity")
        if not self._has_any_bars(symbol.value):
            self._source.daily_bars(symbol.value)  # raises MissingDataError saying where it looked
            raise MissingDataError(
                f"no daily data for {symbol.value} in {self._source.description}"
            )
        security = self.securities.get(symbol) or _ResearchEquity(symbol, resolution)
        security.resolution = resolution
        if data_normalization_mode is not None:
            mode = DataNormalizationMode(data_normalization_mode)
            bars_in_mode(self._source, symbol.value, mode.name)  # a source without it says so
            security.data_normalization_mode = mode
        if resolution in INTRADAY:
            self._subscriptions[symbol] = IntradaySubscription(
                resolution, bool(extended_market_hours), bool(fill_forward)
            )
        else:
            self._subscriptions.pop(symbol, None)
        self.securities[symbol] = security
        return security

    def _has_any_bars(self, ticker: str) -> bool:
        """Whether the source has daily, minute or hour bars of `ticker`."""
        if self._source.has_ticker(ticker):
            return True
        return has_minute_files(self._source, ticker) or has_hour_file(self._source, ticker)

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
        """Each symbol's bars up to now, as LEAN's history frame: the last `periods` bars, those
        of the last `periods` (a timedelta), or those from a start to an end given as
        ``history(symbols, start, end, resolution)``."""
        window, resolution, fill_forward = _window(periods, resolution, fill_forward)
        _check_normalization(data_normalization_mode)
        symbols = [self._added_symbol(item) for item in _as_list(tickers)]
        if resolution is None:  # LEAN: the securities' own resolution
            resolution = self.securities[symbols[0]].resolution if symbols else Resolution.DAILY
        _check_resolution(self._source, resolution, "history")
        if resolution in INTRADAY:
            return self._intraday_history(
                symbols, window, resolution, fill_forward, extended_market_hours,
                data_normalization_mode,
            )  # fmt: skip
        bars = {}
        for symbol in symbols:  # the request's mode, else the security's (as LEAN's history)
            mode = data_normalization_mode
            if mode is None:
                mode = self.securities[symbol].data_normalization_mode
            name = DataNormalizationMode(mode).name
            bars[symbol] = bars_in_mode(self._source, symbol.value, name)
        end_before = self._end_before(bars.values())
        if window[0] == "count":
            return history_frame(bars, end_before, window[1])
        now = pd.Timestamp(end_before)  # the midnight after the last day research sees
        if window[0] == "span":
            start, end = now - window[1], now
        else:
            start, end = pd.Timestamp(window[1]), min(pd.Timestamp(window[2]), now)
        frame = history_frame(bars, end_before, MAX_DAILY_BARS)
        times = frame.index.get_level_values("time")
        return frame[(times > start) & (times <= end)]  # bars ending in (start, end], as LEAN

    def _intraday_history(
        self,
        symbols: list[Symbol],
        window: tuple,
        resolution: Resolution,
        fill_forward: bool | None,
        extended_market_hours: bool | None,
        mode: DataNormalizationMode | None,
    ) -> pd.DataFrame:
        """Minute or hour bars up to now, through the algorithm's intraday history."""
        subscriptions = {}
        for symbol in symbols:  # the request's settings, else the subscription's (LEAN's)
            own = self._subscriptions.get(symbol)
            extended = own.extended_market_hours if own else False
            filled = own.fill_forward if own else True
            if extended_market_hours is not None:
                extended = bool(extended_market_hours)
            if fill_forward is not None:
                filled = bool(fill_forward)
            subscriptions[symbol] = IntradaySubscription(resolution, extended, filled)
        now = self._intraday_now(symbols, resolution)
        if now is None:
            return empty_history()
        modes = {symbol: self.securities[symbol].data_normalization_mode for symbol in symbols}
        clock = _ResearchTime(now, self._source, subscriptions, modes)
        return intraday_history(clock, symbols, window, resolution, mode)

    def _intraday_now(
        self, symbols: list[Symbol], resolution: Resolution
    ) -> datetime.datetime | None:
        """The end of `end_date`, else of the last day with bars of the symbols (no later than
        today); None when the folder has no such bars for any of them."""
        if self._end_date is not None:
            last_day = self._end_date
        else:
            assert isinstance(self._source, LeanDataFolder)  # subscription_resolution checked
            days = [
                last_intraday_day(self._source.root, symbol.value, resolution.name)
                for symbol in symbols
            ]
            known = [day for day in days if day is not None]
            if not known:
                return None
            last_day = min(max(known), datetime.date.today() - datetime.timedelta(days=1))
        return datetime.datetime.combine(last_day, datetime.time.max)

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


def _check_resolution(source: PriceSource, resolution: object, where: str) -> None:
    """Daily bars from any source; minute and hour bars from a LEAN data folder."""
    if resolution == Resolution.DAILY:
        return
    if resolution not in INTRADAY:
        raise NotSupportedError(
            f"{where} with {resolution!r}",
            "local data has minute, hour and daily bars: pass one of those resolutions",
        )
    if not isinstance(source, LeanDataFolder):
        raise NotSupportedError(
            f"{where} with Resolution.{Resolution(resolution).name} on {source.description}",
            "that source has daily bars only: pass Resolution.DAILY, or open "
            "QuantBook(data=...) on a LEAN data folder with equity/usa/minute or hour files",
        )


def _window(periods: object, resolution: object, fill_forward: object) -> tuple:
    """(the window, the resolution, fill_forward) of LEAN's three history forms: a bar count,
    a timedelta, or a start and an end (whose resolution and fill-forward come one place
    later: ``history(symbols, start, end, resolution, fill_forward)``)."""
    if isinstance(periods, datetime.date):
        if not isinstance(resolution, datetime.date):
            raise TypeError(
                f"history from a start needs an end: history(symbols, start, end, resolution), "
                f"got {resolution!r} after the start"
            )
        if pd.Timestamp(resolution) < pd.Timestamp(periods):
            raise ValueError(f"history's end {resolution} is before its start {periods}")
        window = ("range", _as_datetime(periods), _as_datetime(resolution))
        return window, fill_forward, None
    if isinstance(periods, datetime.timedelta):
        if periods <= datetime.timedelta(0):
            raise ValueError(f"history needs a positive timedelta, got {periods}")
        return ("span", periods), resolution, fill_forward
    if not isinstance(periods, int) or isinstance(periods, bool) or periods < 0:
        raise ValueError(
            f"periods must be a whole number of bars, a timedelta or a start date, got {periods!r}"
        )
    return ("count", periods), resolution, fill_forward


def _as_datetime(value: datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time())


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
