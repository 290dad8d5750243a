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
from local_lean.symbol_conversion import symbol_key
from local_lean.symbols import Symbol
from local_lean.volatility import VolatilityModel

# How many times a price or a quantity changed, in any security: a portfolio keeps its holdings'
# total value until then (it is asked for at every order and every target).
_holdings_value_changes = [0]


def mark_holdings_value_changed() -> None:
    """A price or a quantity changed: holdings' values must be summed again."""
    _holdings_value_changes[0] += 1


def holdings_value_changes() -> int:
    """The count of price and quantity changes so far (see mark_holdings_value_changed)."""
    return _holdings_value_changes[0]


class SecurityHolding:
    """A position: LEAN's ``SecurityHolding`` (quantity, average price, value, profit)."""

    def __init__(self, security: Security) -> None:
        self._security = security
        self.quantity: float = 0.0
        self.average_price: float = 0.0
        self.total_fees: float = 0.0
        self.total_dividends: float = 0.0  # paid to (or, short, by) this holding
        self._realized_profit = 0.0  # of the quantity closed, before fees (LEAN's _profit)

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
        """The profit of closing the position now: a long sells at the bid, a short buys at
        the ask (the price itself without quotes), as LEAN's ``TotalCloseProfit``."""
        security = self._security
        exit_price = security.bid_price if self.quantity > 0 else security.ask_price
        return (exit_price - self.average_price) * self.quantity

    @property
    def profit(self) -> float:
        """Realised profit and dividends (LEAN's ``Profit``), before fees."""
        return self._realized_profit + self.total_dividends

    @property
    def net_profit(self) -> float:
        """``profit`` less the fees paid (LEAN's ``NetProfit``)."""
        return self.profit - self.total_fees

    def add_new_dividend(self, dividend: float) -> None:
        """Count a dividend paid to this holding (LEAN's ``AddNewDividend``)."""
        self.total_dividends += float(dividend)

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
            self._realized_profit += closed * direction * (price - self.average_price)
            if new == 0:
                self.average_price = 0.0
            elif (new > 0) != (old > 0):  # flipped through zero: the rest opens at this price
                self.average_price = price
        self.quantity = new
        self.total_fees += fee
        mark_holdings_value_changed()

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
        self._bid_price = self._ask_price = 0.0  # the latest quote bar's (minute data has them)
        self.local_time: dt.datetime | None = None  # end time of the latest bar
        self.is_tradable = True
        self.is_delisted = False  # set when LEAN's Delisted event arrives
        # LEAN's default brokerage model: US equities in a margin account get leverage 2.
        self.leverage = 2.0
        # Reality models (local_lean/models). No fee model: the portfolio's default applies.
        self._fee_model: Any = None
        self._slippage_model: Any = None
        self._shortable_provider: Any = None
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
    def bid_price(self) -> float:
        """The latest quoted bid, or the price without quotes (LEAN's ``BidPrice``)."""
        return self._bid_price or self.price

    @property
    def ask_price(self) -> float:
        """The latest quoted ask, or the price without quotes (LEAN's ``AskPrice``)."""
        return self._ask_price or self.price

    @property
    def has_data(self) -> bool:
        """True once a bar has been seen (LEAN: ``HasData``)."""
        return self.local_time is not None

    @property
    def invested(self) -> bool:
        return self.holdings.invested

    def set_market_price(self, data: Any) -> None:
        """Take the price of `data` (a bar); None changes nothing, as in LEAN."""
        if data is None:
            return
        if not hasattr(data, "close") or not hasattr(data, "end_time"):
            raise TypeError(f"set_market_price takes a TradeBar, got {data!r}")
        self._set_bar(data.end_time, data.open, data.high, data.low, data.close, data.volume)

    # ----- reality models (LEAN's Security.set_*_model) ----------------------------------------

    @property
    def fee_model(self) -> Any:
        """The fee model set for this security (None: the runner's default fee model)."""
        return self._fee_model

    def set_fee_model(self, feel_model: Any) -> None:
        # LEAN's parameter name is spelled "feel_model"; keyword callers must use it.
        fee_model = feel_model
        if not callable(getattr(fee_model, "get_order_fee", None)):
            raise TypeError(
                "set_fee_model takes a fee model with get_order_fee(parameters) (e.g. "
                f"ConstantFeeModel(1) or a FeeModel subclass), got {fee_model!r}"
            )
        self._fee_model = fee_model

    @property
    def slippage_model(self) -> Any:
        from local_lean.models.slippage import NullSlippageModel

        return self._slippage_model or NullSlippageModel.INSTANCE

    def set_slippage_model(self, slippage_model: Any) -> None:
        if not callable(getattr(slippage_model, "get_slippage_approximation", None)):
            raise TypeError(
                "set_slippage_model takes a slippage model with get_slippage_approximation("
                f"asset, order) (e.g. ConstantSlippageModel(0.001)), got {slippage_model!r}"
            )
        self._slippage_model = slippage_model

    @property
    def shortable_provider(self) -> Any:
        from local_lean.models.shortable import NullShortableProvider

        return self._shortable_provider or NullShortableProvider.INSTANCE

    def set_shortable_provider(self, shortable_provider: Any) -> None:
        if not callable(getattr(shortable_provider, "shortable_quantity", None)):
            raise TypeError(
                "set_shortable_provider takes a provider with shortable_quantity(symbol, "
                f"local_time) (e.g. a NullShortableProvider subclass), got {shortable_provider!r}"
            )
        self._shortable_provider = shortable_provider

    @property
    def buying_power_model(self) -> Any:
        """LEAN's margin model at this security's leverage."""
        from local_lean.models.margin import SecurityMarginModel

        return SecurityMarginModel(self.leverage)

    def set_buying_power_model(self, buying_power_model: Any) -> None:
        """``SecurityMarginModel(leverage)`` sets the leverage; other models raise
        NotSupportedError."""
        from local_lean.models.margin import apply_buying_power_model

        apply_buying_power_model(self, buying_power_model)

    def set_leverage(self, leverage: float) -> None:
        """LEAN's ``Security.SetLeverage``: the margin of a holding is its value over this."""
        if isinstance(leverage, bool) or not isinstance(leverage, int | float):
            raise TypeError(f"leverage must be a number, got {leverage!r}")
        if not 1 <= leverage < float("inf"):
            raise ValueError(f"leverage must be a finite number >= 1, got {leverage}")
        self.leverage = float(leverage)

    def _set_bar(self, end_time: dt.datetime, o: float, h: float, lo: float, c: float, v: float):
        self.open, self.high, self.low, self.close, self.volume = o, h, lo, c, v
        self.local_time = end_time
        mark_holdings_value_changed()

    def __repr__(self) -> str:
        return f"<Security {self.symbol.value} price={self.price:g}>"


class SecurityManager:
    """LEAN's ``self.securities``: securities by Symbol (or ticker string)."""

    def __init__(self) -> None:
        self._by_symbol: dict[Symbol, Security] = {}  # the active securities
        self._removed: dict[Symbol, Security] = {}  # those that left the algorithm

    def add(self, security: Security) -> None:
        self._by_symbol[security.symbol] = security
        self._removed.pop(security.symbol, None)

    def _remove(self, symbol: Symbol) -> None:
        """A security that left every universe (the engine removes it): no longer listed, but
        still found by ``securities[symbol]``, as in LEAN's complete collection."""
        security = self._by_symbol.pop(symbol, None)
        if security is not None:
            self._removed[symbol] = security

    def __getitem__(self, symbol: Any) -> Security:
        key = symbol_key(symbol)
        security = self._by_symbol.get(key) or self._removed.get(key)
        if security is None:
            raise KeyError(
                f"'{key}' was not found in securities: add it first with self.add_equity('{key}')"
            )
        return security

    @property
    def total(self) -> list[Security]:
        """Every security the algorithm had, removed ones included (LEAN's ``Total``)."""
        return [*self._by_symbol.values(), *self._removed.values()]

    def __contains__(self, symbol: Any) -> bool:
        return symbol_key(symbol) in self._by_symbol

    def contains_key(self, key: Any) -> bool:
        return key in self

    def get(self, key: Any, default_value: Any = None) -> Any:
        return self._by_symbol.get(symbol_key(key), default_value)

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


def update_quote(security: Security, bid: float, ask: float) -> None:
    """A new quote bar's closing bid and ask for `security` (0: that side was not quoted, and
    the previous one stays, as in LEAN's SecurityCache)."""
    if bid:
        security._bid_price = bid
    if ask:
        security._ask_price = ask


def apply_fill(holding: SecurityHolding, quantity: float, price: float, fee: float) -> None:
    """A fill of `quantity` shares at `price` (paying `fee`) changes `holding`: its quantity,
    average price and realised profit."""
    holding._apply_fill(quantity, price, fee)


def remove_security(securities: SecurityManager, symbol: Symbol) -> None:
    """A security that left every universe leaves the algorithm's securities."""
    securities._remove(symbol)
