"""One security's minute or hour bars from a LEAN data folder, a day at a time, as LEAN sends them.

The steps follow LEAN's subscription pipeline (``Engine/DataFeeds``), in its order:

1. read: each trading day from the start to the end, the file of the ticker the security
   traded as that day (its map file; a delisted security's data ends on the map file's last
   date, fill-forward included, and starts no earlier than its first), one day in memory at a
   time (an hour file is
   read as a stream); rows ending before the start are skipped and the first row starting
   after the end stops the reading (``SubscriptionDataReader``);
2. quotes: a side missing from a quote bar takes the previous bar's
   (``QuoteBarFillForwardEnumerator``);
3. fill-forward of missing bars (``fill_forward.py``, LEAN's ``FillForwardEnumerator``);
4. exchange hours: a bar is kept when its span overlaps the hours asked for, regular or
   extended (``SubscriptionFilterEnumerator``), and the stream stops at the first bar starting
   after the end;
5. prices normalised with the factor of the bar's day, as for daily bars: ADJUSTED (price and
   split factors), SPLIT_ADJUSTED, or RAW; volume and quote sizes are divided by the factor
   and rounded (``Extensions.Normalize``/``Scale``). A fill-forward trade bar has the last
   bar's prices and no volume (``TradeBar.Clone(fillForward)``); a quote bar keeps its sizes.

A trading day without a file is what LEAN does with one: nothing is read, fill-forward covers
the session with copies of the last bar, and the file is listed in ``missing_files``; a
warning names them when the stream ends, as LEAN's data monitor reports missing files at the
end of a backtest. A damaged file (not a zip, truncated, not UTF-8, a malformed row, rows out
of order) stops the stream with a MalformedDataError naming the file and the line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.data.fill_forward import fill_forward
from local_lean.data.intraday_files import (
    HOUR,
    MINUTE,
    DayRows,
    hour_path,
    minute_path,
    read_minute_day,
    stream_hour_days,
)
from local_lean.data.lean_folder import STILL_LISTED, LeanDataFolder, factor_on
from local_lean.errors import MissingDataWarning, NotSupportedError
from local_lean.market_data import TradeBar
from local_lean.quote_bars import Bar, QuoteBar
from local_lean.symbols import Symbol, equity_symbol

RESOLUTIONS = {"MINUTE": MINUTE, "HOUR": HOUR}
NORMALIZATION_COLUMNS = {"ADJUSTED": "scale", "SPLIT_ADJUSTED": "split_factor", "RAW": None}


class IntradayBarStream:
    """The bars of one subscription (iterate it); `missing_files` lists the trading days'
    files that were not there, once read."""

    def __init__(
        self,
        folder: LeanDataFolder,
        symbol: Any,
        resolution: Any,
        start: dt.datetime,
        end: dt.datetime,
        tick_type: str = "trade",
        normalization: Any = "ADJUSTED",
        extended_market_hours: bool = False,
        fill_forward: bool = True,
        hours: UsEquityExchangeHours | None = None,
    ) -> None:
        """`symbol`: a Symbol or ticker (bars carry it); `resolution`: Resolution.MINUTE or
        HOUR (or its name); `start`, `end`: naive New York times (LEAN's subscription start
        and end); `tick_type`: "trade" (TradeBars) or "quote" (QuoteBars, minute only);
        `normalization`: a DataNormalizationMode or its name."""
        resolution = getattr(resolution, "name", resolution)
        normalization = getattr(normalization, "name", normalization)
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution {resolution!r}: use one of {sorted(RESOLUTIONS)}")
        if tick_type not in ("trade", "quote"):
            raise ValueError(f"tick_type {tick_type!r}: use 'trade' or 'quote'")
        if tick_type == "quote" and resolution == "HOUR":
            raise NotSupportedError(
                "quote bars of US equities at hour resolution",
                "LEAN keeps only trades for equities at hour and daily resolution",
            )
        if normalization not in NORMALIZATION_COLUMNS:
            raise NotSupportedError(
                f"DataNormalizationMode.{normalization} for intraday bars",
                f"use one of {', '.join(NORMALIZATION_COLUMNS)}",
            )
        if end < start:
            raise ValueError(f"the end {end} is before the start {start}")
        self.folder = folder
        if not isinstance(symbol, Symbol):  # a ticker: its Symbol from the folder's map files
            symbol = equity_symbol(symbol, folder.map_file_resolver)
        self.symbol = symbol
        self.ticker = symbol.value
        self.resolution = resolution
        self.period = RESOLUTIONS[resolution]
        self.start = start
        self.end = end
        self.tick_type = tick_type
        self.normalization = normalization
        self.extended_market_hours = extended_market_hours
        self.fill_forward = fill_forward
        self.hours = hours or UsEquityExchangeHours()
        self.missing_files: list[Path] = []

    def __iter__(self) -> Iterator[TradeBar | QuoteBar]:
        self.missing_files = []
        rows = self._rows()
        if self.tick_type == "quote":
            rows = _carry_quote_sides(rows)
        if self.fill_forward:
            marked = fill_forward(
                rows, self.period, self.hours, self.extended_market_hours, self._data_end()
            )
        else:
            marked = ((time, values, False) for time, values in rows)
        make = self._trade_bar if self.tick_type == "trade" else self._quote_bar
        factors = self.folder.factors(self.ticker)
        column = NORMALIZATION_COLUMNS[self.normalization]
        factor_day, factor = None, 1.0
        extended = self.extended_market_hours
        open_days: dict[dt.date, tuple] = {}
        for time, values, is_fill_forward in marked:
            end_time = time + self.period
            if time > self.end:
                break
            day = time.date()
            if day not in open_days:
                open_days[day] = tuple(
                    (start, stop)
                    for start, stop, regular in self.hours.segments(day)
                    if regular or extended
                )
            # LEAN's SubscriptionFilterEnumerator: the bar's span overlaps the hours asked for
            if not any(start < end_time and stop > time for start, stop in open_days[day]):
                continue
            if day != factor_day:
                factor_day = day
                factor = 1.0
                if factors is not None and column is not None:
                    factor = factor_on(factors, pd.Timestamp(day), column)
            yield make(time, end_time, values, factor, is_fill_forward)
        self._warn_missing()

    def _rows(self) -> Iterator[tuple[dt.datetime, Any]]:
        """(start time, values) of the raw rows from the start to the end, a day at a time."""
        for day_rows in self._days():
            for time, values in zip(day_rows.times, day_rows.values, strict=True):
                if time + self.period < self.start:
                    continue
                if time > self.end:
                    return
                yield time, values

    def _days(self) -> Iterator[DayRows]:
        first_day, last_day = self._span()
        if last_day < first_day:
            return
        if self.resolution == "HOUR":
            # a rename splits the span between files; each is read over its own days, in order
            trading_days = self._trading_days(first_day, last_day)
            for file_ticker, run in itertools.groupby(trading_days, key=self._file_ticker):
                days = list(run)
                path = hour_path(self.folder.root, file_ticker)
                if not path.is_file():
                    self.missing_files.append(path)
                    continue
                wanted = set(days)
                for day_rows in stream_hour_days(path, days[0], days[-1]):
                    if day_rows.day in wanted:
                        yield day_rows
            return
        for day in self._trading_days(first_day, last_day):
            path = minute_path(self.folder.root, self._file_ticker(day), day, self.tick_type)
            if not path.is_file():
                self.missing_files.append(path)
                continue
            yield read_minute_day(path, day, self.tick_type)

    def _trading_days(self, first_day: dt.date, last_day: dt.date) -> list[dt.date]:
        return self.hours.calendar.session_dates(first_day, last_day)

    def _span(self) -> tuple[dt.date, dt.date]:
        """The days to read: the subscription's, within the map file's (LEAN moves the start
        to the map file's first date and ends a delisted security's data on its last)."""
        first_day, last_day = self.start.date(), self.end.date()
        map_file = self._map_file()
        if map_file is not None:
            first_day = max(first_day, map_file.first_date)
            if map_file.rows[-1][0] < STILL_LISTED:
                last_day = min(last_day, map_file.rows[-1][0])
        return first_day, last_day

    def _data_end(self) -> dt.datetime:
        """The subscription's end, or the midnight after a delisted security's last day: LEAN
        sends its Delisted event then and fills forward no further."""
        map_file = self._map_file()
        if map_file is not None and map_file.rows[-1][0] < STILL_LISTED:
            delisted = dt.datetime.combine(map_file.rows[-1][0], dt.time()) + dt.timedelta(days=1)
            return min(self.end, delisted)
        return self.end

    def _map_file(self):
        # the security trading as the ticker today, as the daily path and equity Symbols read it
        return self.folder.map_file_resolver.resolve_map_file(self.ticker, dt.date.today())

    def _file_ticker(self, day: dt.date) -> str:
        """The ticker whose files hold `day`: the first map file row dated on or after it."""
        map_file = self._map_file()
        if map_file is None:
            return self.ticker
        for row_day, ticker in map_file.rows:
            if row_day >= day:
                return ticker
        return map_file.rows[-1][1]

    def _trade_bar(
        self,
        time: dt.datetime,
        end_time: dt.datetime,
        values: tuple,
        factor: float,
        is_fill_forward: bool,
    ) -> TradeBar:
        open_, high, low, close, volume = values
        if is_fill_forward:
            volume = 0.0  # LEAN's TradeBar.Clone(fillForward): no volume traded in a copy
        if factor != 1.0:
            open_, high, low, close = open_ * factor, high * factor, low * factor, close * factor
            volume = round(volume / factor)
        return TradeBar(
            self.symbol, time, end_time, open_, high, low, close, volume, is_fill_forward
        )

    def _quote_bar(
        self,
        time: dt.datetime,
        end_time: dt.datetime,
        values: tuple,
        factor: float,
        is_fill_forward: bool,
    ) -> QuoteBar:
        bid, bid_size, ask, ask_size = values
        bid_bar = Bar(*bid) if bid is not None else None
        ask_bar = Bar(*ask) if ask is not None else None
        if factor != 1.0:
            bid_bar = bid_bar.scaled(factor) if bid_bar is not None else None
            ask_bar = ask_bar.scaled(factor) if ask_bar is not None else None
            bid_size, ask_size = round(bid_size / factor), round(ask_size / factor)
        return QuoteBar(
            self.symbol, time, end_time, bid_bar, bid_size, ask_bar, ask_size, is_fill_forward
        )

    def _warn_missing(self) -> None:
        if not self.missing_files:
            return
        count = len(self.missing_files)
        warnings.warn(
            f"{self.ticker}: {count} {self.resolution.lower()} {self.tick_type} file(s) of "
            f"trading days from {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d} are missing "
            f"(first: {self.missing_files[0]}); as LEAN does, those days have no bars of "
            "their own and fill-forward repeats the last bar; download them with `lean data "
            "download` for real prices",
            MissingDataWarning,
            stacklevel=2,
        )


def _carry_quote_sides(rows: Iterator[tuple[dt.datetime, Any]]) -> Iterator[tuple]:
    """A quote row without a bid or an ask takes the previous row's side, prices only (as
    LEAN's QuoteBarFillForwardEnumerator does: the last size stays the row's own, 0)."""
    previous_bid = previous_ask = None
    for time, (bid, bid_size, ask, ask_size) in rows:
        bid = previous_bid if bid is None else bid
        ask = previous_ask if ask is None else ask
        previous_bid, previous_ask = bid, ask
        yield time, (bid, bid_size, ask, ask_size)
