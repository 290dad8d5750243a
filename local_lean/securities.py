"""Securities: what ``self.securities[symbol]`` and ``self.portfolio[symbol]`` hold.

A Security knows its symbol, its latest daily bar (the one before today, until today's close
arrives) and its holding. SecurityManager is keyed by Symbol; since a Symbol hashes and compares
as its ticker, ``securities["SPY"]`` and ``securities[spy_symbol]`` find the same entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from local_lean.enums import DataNormalizationMode
from local_lean.errors import NotSupportedError
from local_lean.symbols import Symbol
from local_lean.volatility import VolatilityModel


class SecurityHolding:
    """A position: LEAN's ``SecurityHolding`` (quantity, average price, value, profit)."""

    def __init__(self, security: Security) -> None:
        self._security = security
        self.quantity: float = 0.0
        self.average_price: float = 0.0
        self.total_fees: float = 0.0
        self.net_profit: float = 0.0  # realised profit of closed quantity, less fees

    @property
    def symbol(self) -> Symbol:
        return self._security.symbol

    @property
    def price(self) -> float:
        return self._security.price

    @property
    def invested(self) -> bool:
        return self.quantity != 0

    @property
    def is_long(self) -> bool:
        return self.quantity > 0

    @property
    def is_short(self) -> bool:
        return self.quantity < 0

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def holdings_value(self) -> float:
        """Quantity times the latest price (signed)."""
        return self.quantity * self._security.price

    @property
    def absolute_holdings_value(self) -> float:
        return abs(self.holdings_value)

    @property
    def holdings_cost(self) -> float:
        return self.quantity * self.average_price

    @property
    def unrealized_profit(self) -> float:
        return (self._security.price - self.average_price) * self.quantity

    @property
    def profit(self) -> float:
        return self.net_profit

    def _apply_fill(self, quantity: float, price: float, fee: float) -> None:
        """Update quantity, average price and realised profit for a fill."""
        old = self.quantity
        new = old + quantity
        if old == 0 or (old > 0) == (quantity > 0):
            # Opening or adding: the average price blends.
            self.average_price = (old * self.average_price + quantity * price) / new
        else:
            closed = min(abs(quantity), abs(old))
            direction = 1 if old > 0 else -1
            self.net_profit += closed * direction * (price - self.average_price)
            if new == 0:
                self.average_price = 0.0
            elif (new > 0) != (old > 0):  # flipped through zero: the rest opens at this price
                self.average_price = price
        self.quantity = new
        self.total_fees += fee
        self.net_profit -= fee

    def __repr__(self) -> str:
        return f"<SecurityHolding {self.symbol.value}: {self.quantity:g} @ {self.average_price:g}>"


class Security:
    """An equity added with ``add_equity``: its symbol, latest bar and holding."""

    def __init__(self, symbol: Symbol, resolution: Any, _has_source_data: bool) -> None:
        self.symbol = symbol
        self.resolution = resolution
        self._has_source_data = _has_source_data
        self.holdings = SecurityHolding(self)
        self.open = self.high = self.low = self.close = 0.0
        self.volume = 0.0
        self.local_time: dt.datetime | None = None  # end time of the latest bar
        self.is_tradable = True
        # LEAN's default brokerage model: US equities in a margin account get leverage 2.
        self.leverage = 2.0
        self._data_normalization_mode = DataNormalizationMode.ADJUSTED  # set by add_equity
        self.volatility_model: Any = VolatilityModel.NULL

    @property
    def data_normalization_mode(self) -> DataNormalizationMode:
        """How this security's prices are normalised (add_equity's data_normalization_mode)."""
        return self._data_normalization_mode

    def set_data_normalization_mode(self, mode: Any) -> None:
        raise NotSupportedError(
            "Security.set_data_normalization_mode",
            "pass data_normalization_mode to add_equity (or set "
            "universe_settings.data_normalization_mode before adding the equity)",
        )

    def set_volatility_model(self, volatility_model: Any) -> None:
        """The model whose ``volatility`` this security reports; it gets each daily bar."""
        if not hasattr(volatility_model, "update") or not hasattr(volatility_model, "volatility"):
            raise TypeError(
                "set_volatility_model needs a volatility model (with update and volatility), "
                f"got {volatility_model!r}"
            )
        self.volatility_model = volatility_model

    @property
    def price(self) -> float:
        """The latest close known to the algorithm (0 before the first bar)."""
        return self.close

    @property
    def has_data(self) -> bool:
        """True once a bar has been seen (LEAN: ``HasData``)."""
        return self.local_time is not None

    @property
    def invested(self) -> bool:
        return self.holdings.invested

    def _set_bar(self, end_time: dt.datetime, o: float, h: float, lo: float, c: float, v: float):
        self.open, self.high, self.low, self.close, self.volume = o, h, lo, c, v
        self.local_time = end_time

    def __repr__(self) -> str:
        return f"<Security {self.symbol.value} price={self.price:g}>"


class SecurityManager:
    """LEAN's ``self.securities``: securities by Symbol (or ticker string)."""

    def __init__(self) -> None:
        self._by_symbol: dict[Symbol, Security] = {}

    def add(self, security: Security) -> None:
        self._by_symbol[security.symbol] = security

    def __getitem__(self, symbol: Any) -> Security:
        key = _key(symbol)
        try:
            return self._by_symbol[key]
        except KeyError:
            raise KeyError(
                f"'{key}' was not found in securities: add it first with self.add_equity('{key}')"
            ) from None

    def __contains__(self, symbol: Any) -> bool:
        return _key(symbol) in self._by_symbol

    def contains_key(self, key: Any) -> bool:
        return key in self

    def get(self, key: Any, default_value: Any = None) -> Any:
        return self._by_symbol.get(_key(key), default_value)

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._by_symbol)

    def __len__(self) -> int:
        return len(self._by_symbol)

    def keys(self) -> list[Symbol]:
        return list(self._by_symbol)

    def values(self) -> list[Security]:
        return list(self._by_symbol.values())

    def items(self) -> list[tuple[Symbol, Security]]:
        return list(self._by_symbol.items())

    @property
    def count(self) -> int:
        return len(self._by_symbol)


def update_price(
    security: Security, end_time: dt.datetime, o: float, h: float, lo: float, c: float, v: float
) -> None:
    """A new daily bar for `security`, which reached the algorithm at `end_time`."""
    security._set_bar(end_time, o, h, lo, c, v)


def _key(symbol: Any) -> Any:
    """A Security or a ticker becomes the key that finds its Symbol (tickers are upper case)."""
    if isinstance(symbol, Security):
        return symbol.symbol
    if isinstance(symbol, Symbol):
        return symbol
    if isinstance(symbol, str):
        return symbol.strip().upper()
    raise TypeError(f"expected a Symbol or a ticker string, got {symbol!r}")
