"""What ``on_data`` receives: a Slice of the daily TradeBars that closed at this time, or of
the dividends and splits of this midnight (LEAN sends those in a slice of their own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from local_lean.conventions import to_utc
from local_lean.enums import DelistingType, SplitType
from local_lean.key_value import KeyValuePair
from local_lean.lean_members import LeanMembers
from local_lean.symbol_conversion import symbol_key
from local_lean.symbols import Symbol


class BaseData:
    """LEAN's BaseData, the base of every data point: TradeBar and QuoteBar are BaseData, and
    ``consolidate(BaseData, symbol, count, tick_type, handler)`` names the subscription's own
    data by it. (Custom data types, LEAN's BaseData subclasses with a reader, are not
    supported by this runner.) A data filter's ``data: BaseData`` names it too."""

    __slots__ = ()


class TradeBar(
    BaseData,
    LeanMembers,
    lean_class="QuantConnect.Data.Market.TradeBar",
    hint="a daily TradeBar offers symbol, time, end_time, open, high, low, close, volume, "
    "value, price, period, is_fill_forward",
):
    """One bar of trades: open, high, low, close, volume; `time` is its start and `end_time`
    its end (a daily bar: the session's date at 00:00 and its close; a minute bar: 09:30 and
    09:31). `is_fill_forward` marks a copy of an earlier bar that LEAN's fill-forward sends
    where no trade happened (LEAN's ``BaseData.IsFillForward``)."""

    __slots__ = (
        "symbol",
        "time",
        "end_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "is_fill_forward",
    )

    def __init__(
        self,
        symbol: Symbol,
        time: dt.datetime,
        end_time: dt.datetime,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float,
        is_fill_forward: bool = False,
    ) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = end_time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.is_fill_forward = is_fill_forward

    @property
    def value(self) -> float:
        return self.close

    @property
    def price(self) -> float:
        return self.close

    @property
    def period(self) -> dt.timedelta:
        return self.end_time - self.time

    def __repr__(self) -> str:
        intraday = self.period <= dt.timedelta(hours=1)
        when = f"{self.end_time:%Y-%m-%d %H:%M}" if intraday else f"{self.end_time:%Y-%m-%d}"
        return (
            f"<TradeBar {self.symbol.value} {when} O:{self.open:g} "
            f"H:{self.high:g} L:{self.low:g} C:{self.close:g} V:{self.volume:g}>"
        )


class TradeBars(dict):
    """Bars by Symbol (a ticker string finds the same entry). Iterating it yields
    ``KeyValuePair``s (``kvp.key``, ``kvp.value``), as LEAN's dictionaries do in Python."""

    def __iter__(self) -> Iterator[KeyValuePair]:  # type: ignore[override]
        return (KeyValuePair(key, value) for key, value in dict.items(self))

    def contains_key(self, key: Any) -> bool:
        return _key(key) in self

    def __contains__(self, symbol: object) -> bool:
        return dict.__contains__(self, _key(symbol))

    def __getitem__(self, symbol: Any) -> TradeBar:
        try:
            return dict.__getitem__(self, _key(symbol))
        except KeyError:
            raise KeyError(
                f"'{_key(symbol)}' has no bar in this slice: check data.bars.contains_key first"
            ) from None

    def get(self, key: Any, default_value: Any = None) -> Any:
        return dict.get(self, _key(key), default_value)

    @property
    def count(self) -> int:
        return len(self)


class Dividend(
    LeanMembers,
    lean_class="QuantConnect.Data.Market.Dividend",
    hint="a corporate event of daily US-equity data (see local_lean/README.md)",
):
    """A cash dividend going ex on `time`'s date (LEAN's ``Dividend``): ``distribution`` per
    share, ``reference_price`` the raw close of the day before."""

    def __init__(
        self, symbol: Symbol, time: dt.datetime, distribution: float, reference_price: float
    ) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.distribution = distribution
        self.reference_price = reference_price

    @property
    def value(self) -> float:
        return self.distribution

    @property
    def price(self) -> float:
        """LEAN's ``BaseData.Price``: the value, here the distribution."""
        return self.distribution

    def __repr__(self) -> str:
        return f"<Dividend {self.symbol.value} {self.time:%Y-%m-%d} {self.distribution:g}>"


class Dividends(TradeBars):
    """Dividends by Symbol (or ticker), as ``slice.dividends``."""


class Split(
    LeanMembers,
    lean_class="QuantConnect.Data.Market.Split",
    hint="a corporate event of daily US-equity data (see local_lean/README.md)",
):
    """A split of `symbol` (LEAN's ``Split``): a WARNING at the midnight of the session before
    it, then SPLIT_OCCURRED at the midnight of its first session. ``split_factor`` is new shares
    per old share inverted (0.5 for a 2-for-1 split); ``reference_price`` the raw close before."""

    def __init__(
        self,
        symbol: Symbol,
        time: dt.datetime,
        price: float,
        split_factor: float,
        type: SplitType,
    ) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.reference_price = price
        self.split_factor = split_factor
        self.type = type

    @property
    def value(self) -> float:
        return self.reference_price

    @property
    def price(self) -> float:
        return self.reference_price

    def __repr__(self) -> str:
        kind = "warning" if self.type == SplitType.WARNING else "occurred"
        return f"<Split {self.symbol.value} {self.time:%Y-%m-%d} {self.split_factor:g} {kind}>"


class Splits(TradeBars):
    """Splits by Symbol (or ticker), as ``slice.splits``."""


class Delisting(
    LeanMembers,
    lean_class="QuantConnect.Data.Market.Delisting",
    hint="a corporate event of daily US-equity data (see local_lean/README.md)",
):
    """A delisting of `symbol` (LEAN's ``Delisting``): a WARNING at the midnight of its last
    trading day, then DELISTED at the following midnight. ``price`` is the last close."""

    def __init__(
        self, symbol: Symbol, time: dt.datetime, price: float, type: DelistingType
    ) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.price = price
        self.type = type

    @property
    def value(self) -> float:
        return self.price

    def __repr__(self) -> str:
        kind = "Delisting Warning" if self.type == DelistingType.WARNING else "Delisted"
        return f"<{kind} {self.symbol.value} {self.time:%Y-%m-%d}>"


class Delistings(TradeBars):
    """Delistings by Symbol (or ticker), as ``slice.delistings``."""


class SymbolChangedEvent(
    LeanMembers,
    lean_class="QuantConnect.Data.Market.SymbolChangedEvent",
    hint="a rename of a US equity, from its map file (see local_lean/README.md)",
):
    """A security's ticker changed (LEAN's ``SymbolChangedEvent``): `symbol` is the security's
    symbol as the algorithm added it, `old_symbol` and `new_symbol` the tickers before and from
    `time`, the midnight of the first session under the new ticker."""

    def __init__(self, symbol: Symbol, time: dt.datetime, old_symbol: str, new_symbol: str) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.old_symbol = old_symbol
        self.new_symbol = new_symbol

    @property
    def value(self) -> float:
        return 0.0  # LEAN's BaseData.Value, which a rename does not set

    @property
    def price(self) -> float:
        return 0.0

    def __str__(self) -> str:
        return f"{self.time:%m/%d/%Y %H:%M:%S} {self.old_symbol}->{self.new_symbol}"

    def __repr__(self) -> str:
        return f"<SymbolChangedEvent {self.time:%Y-%m-%d} {self.old_symbol}->{self.new_symbol}>"


class SymbolChangedEvents(TradeBars):
    """Renames by Symbol (or ticker), as ``slice.symbol_changed_events``."""


class Slice(
    LeanMembers,
    lean_class="QuantConnect.Data.Slice",
    alternatives={
        "ticks": "tick data is not simulated: use slice.bars or slice.quote_bars",
        "option_chains": "options are not simulated",
        "future_chains": "futures are not simulated",
        "futures_chains": "futures are not simulated",
        "margin_interest_rates": "margin interest is not simulated",
        "get": "use slice.get(symbol) or slice.bars",
    },
    hint="a Slice offers bars, quote bars, dividends, splits, delistings, symbol changed "
    "events, time and dictionary access",
):
    """The data arriving at one time: the daily bars of the session that just closed, a time
    step's minute or hour trade and quote bars, or the dividends and splits of a midnight."""

    def __init__(
        self,
        time: dt.datetime,
        bars: TradeBars,
        dividends: Dividends | None = None,
        splits: Splits | None = None,
        delistings: Delistings | None = None,
        quote_bars: TradeBars | None = None,
        symbol_changed_events: SymbolChangedEvents | None = None,
    ) -> None:
        self._time = time
        self._bars = bars
        self._quote_bars = quote_bars if quote_bars is not None else TradeBars()
        self._dividends = dividends if dividends is not None else Dividends()
        self._splits = splits if splits is not None else Splits()
        self._delistings = delistings if delistings is not None else Delistings()
        self._symbol_changed_events = (
            symbol_changed_events if symbol_changed_events is not None else SymbolChangedEvents()
        )

    @property
    def dividends(self) -> Dividends:
        return self._dividends

    @property
    def splits(self) -> Splits:
        return self._splits

    @property
    def delistings(self) -> Delistings:
        return self._delistings

    @property
    def symbol_changed_events(self) -> SymbolChangedEvents:
        return self._symbol_changed_events

    @property
    def time(self) -> dt.datetime:
        return self._time

    @property
    def utc_time(self) -> dt.datetime:
        """The slice's time in UTC (naive, as the runner's UTC times are)."""
        return to_utc(self._time)

    @property
    def bars(self) -> TradeBars:
        return self._bars

    @property
    def quote_bars(self) -> TradeBars:
        """The quote bars of this time step (minute equity data has them), by Symbol."""
        return self._quote_bars

    @property
    def has_data(self) -> bool:
        return any(self._events())

    # LEAN's slice is a dictionary of every symbol with data at this time, bars or events: a
    # symbol that only has a dividend or split is a key whose value is None (LEAN's Slice
    # indexer returns the missing TradeBar), so `if not data[symbol]: return` skips it.
    def _symbols(self) -> list[Symbol]:
        symbols = list(dict.keys(self._bars))
        for events in self._events()[1:]:
            symbols += [s for s in dict.keys(events) if s not in symbols]
        return symbols

    @property
    def count(self) -> int:
        return len(self._symbols())

    def contains_key(self, key: Any) -> bool:
        return key in self

    def __contains__(self, symbol: object) -> bool:
        return any(symbol in events for events in self._events())

    def _events(self) -> tuple[TradeBars, ...]:
        return (
            self._bars,
            self._dividends,
            self._splits,
            self._delistings,
            self._symbol_changed_events,
        )

    def __getitem__(self, symbol: Any) -> TradeBar | None:
        if symbol in self._bars:
            return self._bars[symbol]
        if symbol in self:
            return None
        raise KeyError(
            f"'{_key(symbol)}' wasn't found in the Slice object, likely because there was no-data "
            "at this moment in time: check data.contains_key(symbol) first, or use "
            "data.get(symbol)"
        )

    def get(self, key: Any, default_value: Any = None) -> Any:
        return self._bars.get(key, None if key in self else default_value)

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._symbols())

    def __len__(self) -> int:
        return len(self._symbols())

    def keys(self) -> list[Symbol]:
        return self._symbols()

    def values(self) -> list[TradeBar | None]:
        return [self._bars.get(symbol) for symbol in self._symbols()]

    def items(self) -> list[tuple[Symbol, TradeBar | None]]:
        return [(symbol, self._bars.get(symbol)) for symbol in self._symbols()]

    def get_keys(self) -> list[Symbol]:
        return self.keys()

    def get_values(self) -> list[TradeBar]:
        return self.values()


def _key(symbol: Any) -> Any:
    """A Symbol, a Security or a ticker as the key of a bar; anything else is looked up as it
    is (and is not found)."""
    try:
        return symbol_key(symbol)
    except TypeError:
        return symbol
