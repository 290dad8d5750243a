"""Securities: what ``self.securities[symbol]`` and ``self.portfolio[symbol]`` hold.

A Security knows its symbol, its latest daily bar (the one before today, until today's close
arrives) and its holding. SecurityManager is keyed by Symbol; since a Symbol hashes and compares
as its ticker, ``securities["SPY"]`` and ``securities[spy_symbol]`` find the same entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from local_lean.cash_book import ConvertibleCashAmount
from local_lean.enums import DataNormalizationMode, Resolution, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.lean_members import LeanMembers, lean_names_of
from local_lean.models.fees import InteractiveBrokersFeeModel, order_fee_of
from local_lean.models.interest_rates import MarginInterestRateModel
from local_lean.security_cache import SecurityCache, no_data
from local_lean.security_data_filter import SecurityDataFilter, check_data_filter
from local_lean.security_exchange import SecurityExchange
from local_lean.security_properties import CustomProperties, GenericMethod
from local_lean.security_session import Session
from local_lean.symbol_conversion import symbol_key
from local_lean.symbols import Symbol
from local_lean.volatility import VolatilityModel

# How many times a price, a quantity or a leverage changed, in any security: a portfolio keeps its
# holdings' total value and margin until then (they are asked for at every order and target).
_holdings_value_changes = [0]


def mark_holdings_value_changed() -> None:
    """A price, a quantity or a leverage changed: holdings' values and margins must be summed
    again."""
    _holdings_value_changes[0] += 1


def holdings_value_changes() -> int:
    """The count of price, quantity and leverage changes so far (mark_holdings_value_changed)."""
    return _holdings_value_changes[0]


class SecurityHolding(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityHolding",
    alternatives={
        "security": "use self.securities[holding.symbol]",
        "target": "the framework's targets are the portfolio construction model's output",
        "quantity_changed": "use on_order_event, which sees every fill",
        "on_quantity_changed": "use on_order_event, which sees every fill",
        "update_market_price": "prices come from the security's bars (security.set_market_price)",
    },
    hint="see local_lean/README.md for the holding's members",
):
    """A position: LEAN's ``SecurityHolding`` (quantity, average price, value, profit)."""

    def __init__(self, security: Security) -> None:
        self._security = security
        self.quantity: float = 0.0
        self.average_price: float = 0.0
        self.total_fees: float = 0.0
        self.total_dividends: float = 0.0  # paid to (or, short, by) this holding
        self._realized_profit = 0.0  # of the quantity closed, before fees (LEAN's _profit)
        self._total_sale_volume = 0.0  # the absolute value of every fill
        self._last_trade_profit = 0.0  # of the latest fill that closed shares, before fees

    @property
    def symbol(self) -> Symbol:
        return self._security.symbol

    def get_quantity_value(self, quantity: float, price: float | None = None):
        """`quantity` shares at `price` (the security's price when None), in the security's
        quote currency (the account's dollars)."""
        value = float(quantity) * (self._security.price if price is None else float(price))
        return ConvertibleCashAmount(value, self._security.quote_currency)

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
        """What closing the position now would gain, less the closing order's fee (LEAN's
        ``UnrealizedProfit``, its ``TotalCloseProfit()``)."""
        return self.total_close_profit()

    def total_close_profit(
        self,
        include_fees: bool = True,
        exit_price: float | None = None,
        entry_price: float | None = None,
        quantity: float | None = None,
    ) -> float:
        """LEAN's ``TotalCloseProfit``: the value of `quantity` shares (the holding's, by
        default; 0 when it holds none) at `exit_price` (by default the bid for a long, the ask
        for a short, the price without quotes) less their value at `entry_price` (the average
        price), less the fee of a market order that closes them."""
        if quantity is None:
            if not self.invested:
                return 0.0
            quantity = self.quantity
        fee = self._closing_fee(quantity) if include_fees else 0.0
        if exit_price is None:
            # A long sells at the bid, a short buys at the ask; without quotes, at the price.
            security = self._security
            exit_price = security.bid_price if self.quantity > 0 else security.ask_price
        exit_value = quantity * exit_price
        entry_value = quantity * (self.average_price if entry_price is None else entry_price)
        return exit_value - entry_value - fee

    def _closing_fee(self, quantity: float) -> float:
        model = self._security.fee_model
        if model is None:  # the portfolio's, or LEAN's default for equities outside one
            default = self._security._default_fee_model
            model = default() if default is not None else InteractiveBrokersFeeModel()
        return order_fee_of(model, self._security, -quantity, self._security.price)

    @property
    def profit(self) -> float:
        """Realised profit and dividends (LEAN's ``Profit``), before fees."""
        return self._realized_profit + self.total_dividends

    @property
    def net_profit(self) -> float:
        """``profit`` less the fees paid (LEAN's ``NetProfit``)."""
        return self.profit - self.total_fees

    @property
    def absolute_holdings_cost(self) -> float:
        return abs(self.holdings_cost)

    @property
    def leverage(self) -> float:
        return self._security.leverage

    @property
    def unlevered_holdings_cost(self) -> float:
        return self.holdings_cost / self.leverage

    @property
    def unlevered_absolute_holdings_cost(self) -> float:
        return abs(self.unlevered_holdings_cost)

    @property
    def unrealized_profit_percent(self) -> float:
        """``unrealized_profit`` over ``absolute_holdings_cost`` (0 without a position)."""
        cost = self.absolute_holdings_cost
        return self.unrealized_profit / cost if cost else 0.0

    @property
    def hold_stock(self) -> bool:
        return self.invested

    @property
    def type(self) -> SecurityType:
        return SecurityType.EQUITY

    @property
    def total_sale_volume(self) -> float:
        """The absolute value of every fill (LEAN's ``TotalSaleVolume``)."""
        return self._total_sale_volume

    @property
    def last_trade_profit(self) -> float:
        """The profit, before fees, of the latest fill that closed shares."""
        return self._last_trade_profit

    def add_new_dividend(self, dividend: float) -> None:
        """Count a dividend paid to this holding (LEAN's ``AddNewDividend``)."""
        self.total_dividends += float(dividend)

    def add_new_fee(self, new_fee: float) -> None:
        self.total_fees += float(new_fee)

    def add_new_profit(self, profit_loss: float) -> None:
        self._realized_profit += float(profit_loss)

    def add_new_sale(self, sale_value: float) -> None:
        self._total_sale_volume += float(sale_value)

    def set_last_trade_profit(self, last_trade_profit: float) -> None:
        self._last_trade_profit = float(last_trade_profit)

    def set_holdings(self, average_price: float, quantity: float) -> None:
        """LEAN's ``SetHoldings``: the position's average price and quantity, as given (the
        portfolio's cash does not change)."""
        self.average_price = float(average_price)
        self.quantity = float(quantity)
        mark_holdings_value_changed()

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
            self._last_trade_profit = closed * direction * (price - self.average_price)
            self._realized_profit += self._last_trade_profit
            if new == 0:
                self.average_price = 0.0
            elif (new > 0) != (old > 0):  # flipped through zero: the rest opens at this price
                self.average_price = price
        self.quantity = new
        self.total_fees += fee
        self._total_sale_volume += abs(quantity) * price
        mark_holdings_value_changed()

    def __repr__(self) -> str:
        return f"<SecurityHolding {self.symbol.value}: {self.quantity:g} @ {self.average_price:g}>"


class Security(
    LeanMembers,
    lean_class="QuantConnect.Securities.Security",
    alternatives={
        "margin_model": "use security.buying_power_model",
        "set_margin_model": "use security.set_buying_power_model(SecurityMarginModel(leverage))",
        "get_last_data": "use security.price, .open, .high, .low, .close, .volume",
        "data": "use self.current_slice or self.history",
        "fundamentals": "fundamental data is not simulated: use prices only",
        "symbol_properties": "US equities: lot size 1, minimum price variation 0.01, USD",
    },
    hint="local_lean simulates daily US equities (see local_lean/README.md)",
):
    """An equity added with ``add_equity``: its symbol, latest bar and holding."""

    # LEAN's Security.NullLeverage: "use the brokerage model's default".
    NULL_LEVERAGE = 0.0

    def __init__(self, symbol: Symbol, resolution: Any, _has_source_data: bool) -> None:
        self.symbol = symbol
        self.resolution = resolution
        self._has_source_data = _has_source_data
        self.holdings = SecurityHolding(self)
        self.open = self.high = self.low = self.close = 0.0
        self.volume = 0.0
        self._bid_price = self._ask_price = 0.0  # the latest quote bar's (minute data has them)
        self._bid_size = self._ask_size = 0.0  # the latest quote bar's last sizes
        self.local_time: dt.datetime | None = None  # end time of the latest bar
        self.is_tradable = True
        self.is_delisted = False  # set when LEAN's Delisted event arrives
        # LEAN's default brokerage model: US equities in a margin account get leverage 2.
        self._leverage = 2.0
        # Reality models (local_lean/models). No fee model: the portfolio's default applies.
        self._fee_model: Any = None
        # The fee model that applies without one of its own (the portfolio's), as a function.
        self._default_fee_model: Any = None
        self._slippage_model: Any = None
        self._shortable_provider: Any = None
        self._fill_model: Any = None  # the algorithm's (None: the runner's own fills)
        self._buying_power_model: Any = None  # the algorithm's (None: LEAN's margin model)
        self._cache = SecurityCache(no_data)
        self._data_normalization_mode = DataNormalizationMode.ADJUSTED  # set by add_equity
        self.volatility_model: Any = VolatilityModel.NULL
        self._margin_interest_rate_model: Any = MarginInterestRateModel.NULL
        self._quote_currency: Any = None  # the account's Cash, once the algorithm added it
        self._data_filter: Any = SecurityDataFilter()  # LEAN's default: everything passes
        self._session = Session(symbol, resolution in (Resolution.MINUTE, Resolution.HOUR))
        self._exchange = SecurityExchange()
        # Last: every public name set from here on that the security does not use itself is a
        # custom property (LEAN's dynamic members).
        self._custom_properties = CustomProperties(self.__dict__, _own_names(self))

    @property
    def leverage(self) -> float:
        """The holding's margin is its absolute value over this (2: LEAN's margin account)."""
        return self._leverage

    @leverage.setter
    def leverage(self, leverage: float) -> None:
        self._leverage = leverage
        mark_holdings_value_changed()  # the portfolio's margin used depends on it

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

    @property
    def session(self) -> Session:
        """The current and past trading sessions' bars (local_lean/security_session.py)."""
        return self._session

    @property
    def exchange(self) -> SecurityExchange:
        """The exchange and its hours (local_lean/security_exchange.py)."""
        return self._exchange

    @property
    def data_filter(self) -> Any:
        """The filter of this security's data (local_lean/security_data_filter.py)."""
        return self._data_filter

    def set_data_filter(self, data_filter: Any) -> None:
        """Filter this security's minute or hour bars: ``data_filter.filter(security, bar)``
        False drops the bar before the algorithm sees it, as LEAN's data feed does."""
        if self.resolution not in (Resolution.MINUTE, Resolution.HOUR):
            raise NotSupportedError(
                "Security.set_data_filter on daily data",
                "local_lean applies data filters to minute and hour bars: add the equity at "
                "Resolution.MINUTE or Resolution.HOUR",
            )
        check_data_filter(data_filter)
        self._data_filter = data_filter

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

    @property
    def hold_stock(self) -> bool:
        return self.holdings.invested

    @property
    def type(self) -> SecurityType:
        return SecurityType.EQUITY

    @property
    def is_custom_data(self) -> bool:
        return False

    @property
    def is_extended_market_hours(self) -> bool:
        return False  # extended hours raise NotSupportedError when asked for

    @property
    def is_fill_data_forward(self) -> bool:
        return True  # LEAN's default; the feed fills missing sessions forward

    # LEAN's cache keeps the latest quote bar's closing bid and ask; trade bars (daily data)
    # set neither, so they stay 0 there until a quote arrives, and the security's BidPrice and
    # AskPrice then give its price (Security.cs: Cache.BidPrice == 0 ? Price : Cache.BidPrice).
    @property
    def bid_price(self) -> float:
        """The latest quoted bid, or the price while no bid was quoted (LEAN's ``BidPrice``)."""
        return self._bid_price or self.price

    @property
    def ask_price(self) -> float:
        """The latest quoted ask, or the price while no ask was quoted (LEAN's ``AskPrice``)."""
        return self._ask_price or self.price

    @property
    def bid_size(self) -> float:
        """The latest quote bar's last bid size (0 before a quote)."""
        return self._bid_size

    @property
    def ask_size(self) -> float:
        """The latest quote bar's last ask size (0 before a quote)."""
        return self._ask_size

    @property
    def open_interest(self) -> float:
        return 0.0

    def set_market_price(self, data: Any) -> None:
        """Take the price of `data` (a bar); None changes nothing, as in LEAN."""
        if data is None:
            return
        if hasattr(data, "bid") and hasattr(data, "ask") and hasattr(data, "last_bid_size"):
            # A quote bar: an equity's OHLC come from its trades only (LEAN's default data
            # type); the quote gives the bid, the ask and their sizes.
            bid, ask = data.bid, data.ask
            update_quote(
                self,
                bid.close if bid is not None else 0.0,
                ask.close if ask is not None else 0.0,
                data.last_bid_size,
                data.last_ask_size,
            )
            return
        if not hasattr(data, "close") or not hasattr(data, "end_time"):
            raise TypeError(f"set_market_price takes a TradeBar or a QuoteBar, got {data!r}")
        self._set_bar(data.end_time, data.open, data.high, data.low, data.close, data.volume)

    # ----- reality models (LEAN's Security.set_*_model) ----------------------------------------

    @property
    def quote_currency(self) -> Any:
        """The cash the security is quoted in: the account's dollars."""
        if self._quote_currency is None:
            raise RuntimeError(
                f"{self.symbol.value} has no quote currency yet: add it with self.add_equity"
            )
        return self._quote_currency

    @property
    def margin_interest_rate_model(self) -> Any:
        """The model charging or paying interest on the position (LEAN's equities: none)."""
        return self._margin_interest_rate_model

    @margin_interest_rate_model.setter
    def margin_interest_rate_model(self, margin_interest_rate_model: Any) -> None:
        self.set_margin_interest_rate_model(margin_interest_rate_model)

    def set_margin_interest_rate_model(self, margin_interest_rate_model: Any) -> None:
        """LEAN applies it hourly, before the fills and ``on_data`` of the time step."""
        model = margin_interest_rate_model
        if self.resolution not in (Resolution.MINUTE, Resolution.HOUR):
            raise NotSupportedError(
                f"Security.set_margin_interest_rate_model on {self.symbol.value}'s daily data",
                "local_lean applies margin interest on minute and hour data: add the equity "
                "with Resolution.MINUTE or Resolution.HOUR",
            )
        if not callable(getattr(model, "apply_margin_interest_rate", None)):
            raise TypeError(
                "set_margin_interest_rate_model takes a model with "
                f"apply_margin_interest_rate(parameters), got {model!r}"
            )
        self._margin_interest_rate_model = model

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
    def fill_model(self) -> Any:
        """The security's fill model: the algorithm's, else LEAN's EquityFillModel (the
        runner's own fills)."""
        if self._fill_model is not None:
            return self._fill_model
        from local_lean.user_fill_models import EquityFillModel

        return EquityFillModel()

    @fill_model.setter
    def fill_model(self, fill_model: Any) -> None:
        self.set_fill_model(fill_model)

    def set_fill_model(self, fill_model: Any) -> None:
        if not callable(getattr(fill_model, "fill", None)):
            raise TypeError(
                "set_fill_model takes a fill model with fill(parameters) (e.g. an "
                f"EquityFillModel subclass), got {fill_model!r}"
            )
        self._fill_model = fill_model

    @property
    def cache(self) -> SecurityCache:
        """The security's latest data by type (LEAN's ``SecurityCache``)."""
        return self._cache

    @property
    def buying_power_model(self) -> Any:
        """The model set with ``set_buying_power_model``, else LEAN's margin model at this
        security's leverage."""
        model = self._buying_power_model
        if model is not None:
            return model
        from local_lean.models.margin import SecurityMarginModel

        return SecurityMarginModel(self.leverage)

    def set_buying_power_model(self, buying_power_model: Any) -> None:
        """``SecurityMarginModel(leverage)`` sets the leverage; a ``BuyingPowerModel``
        subclass also replaces the rules it overrides (``models/margin.py``)."""
        from local_lean.models.margin import BuyingPowerModel, apply_buying_power_model

        apply_buying_power_model(self, buying_power_model)
        plain = type(buying_power_model).__module__ == BuyingPowerModel.__module__
        self._buying_power_model = None if plain else buying_power_model

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

    # ----- custom properties (LEAN's DynamicObject members; local_lean/security_properties.py)

    def add(self, key: str, value: Any) -> None:
        """Store a custom property (LEAN's ``Security.Add``; ``set`` is the same)."""
        self._custom_properties.set(key, value)

    def set(self, key: str, value: Any) -> None:
        self._custom_properties.set(key, value)

    @property
    def get(self) -> GenericMethod:
        """``get[T](key)``: the custom property `key` as a T (KeyError when absent)."""
        return GenericMethod(self._custom_properties.get, "Security.get")

    @property
    def try_get(self) -> GenericMethod:
        """``try_get[T](key)``: ``(True, value)``, or ``(False, None)`` when absent."""
        return GenericMethod(self._custom_properties.try_get, "Security.try_get")

    @property
    def remove(self) -> GenericMethod:
        """``remove(key)``: True when it was there; ``remove[T](key)``: ``(removed, value)``."""
        return GenericMethod(self._custom_properties.remove, "Security.remove")

    def clear(self) -> None:
        """Remove every custom property."""
        self._custom_properties.clear()

    def __getitem__(self, key: str) -> Any:
        return self._custom_properties.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._custom_properties.set(key, value)


def user_fill_model(security: Security) -> Any:
    """The fill model the algorithm gave `security`, or None (the runner's own fills)."""
    return security._fill_model


def bind_cache(security: Security, latest: Any) -> None:
    """`latest()` gives `security`'s latest (trade bar, quote bar), which its cache reads."""
    security._cache = SecurityCache(latest)


def attach_quote_currency(security: Security, cash: Any) -> None:
    """The account's cash becomes `security`'s quote currency (when the algorithm adds it)."""
    security._quote_currency = cash


def custom_buying_power_model(security: Security) -> Any:
    """The algorithm's own buying power model of `security` (a Python subclass), or None when
    LEAN's margin model at the security's leverage applies."""
    return security._buying_power_model


class SecurityManager(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityManager",
    alternatives={
        "add": "use self.add_equity(ticker)",
        "remove": "use self.remove_security(symbol)",
        "clear": "use self.remove_security(symbol) for each symbol",
        "create_security": "use self.add_equity(ticker)",
        "create_benchmark_security": "use self.set_benchmark(ticker)",
        "pop": "use self.remove_security(symbol)",
        "popitem": "use self.remove_security(symbol)",
        "setdefault": "use self.add_equity(ticker)",
        "update": "use self.add_equity(ticker)",
        "utc_time": "use self.utc_time",
    },
    hint="see local_lean/README.md for what self.securities offers",
):
    """LEAN's ``self.securities`` (Common/Securities/SecurityManager.cs): securities by Symbol
    (or ticker string). As in LEAN it holds two collections: the active securities, which
    ``len``, ``count``, iteration, ``keys``, ``values`` and ``items`` list, and the complete
    collection (the active ones and those that left the algorithm), which ``securities[symbol]``,
    ``in``, ``contains_key``, ``get`` and ``total`` look in."""

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

    def _active(self, symbol: Any) -> Security | None:
        return self._by_symbol.get(symbol_key(symbol))

    def _find(self, symbol: Any) -> Security | None:
        key = symbol_key(symbol)
        return self._by_symbol.get(key) or self._removed.get(key)

    def __getitem__(self, symbol: Any) -> Security:
        # Asked for every order and target: a Symbol is its own key (symbol_key's first case).
        if type(symbol) is Symbol:
            security = self._by_symbol.get(symbol) or self._removed.get(symbol)
        else:
            security = self._find(symbol)
        if security is None:
            key = symbol_key(symbol)
            raise KeyError(
                f"'{key}' was not found in securities: add it first with self.add_equity('{key}')"
            )
        return security

    @property
    def total(self) -> list[Security]:
        """Every security the algorithm had, removed ones included (LEAN's ``Total``)."""
        return [*self._by_symbol.values(), *self._removed.values()]

    def __contains__(self, symbol: Any) -> bool:
        """LEAN's ``ContainsKey``: true for a removed security too (the complete collection)."""
        return self._find(symbol) is not None

    def contains_key(self, key: Any) -> bool:
        return key in self

    def get(self, key: Any, default_value: Any = None) -> Any:
        """LEAN's ``get`` (``TryGetValue``): a removed security is found too."""
        security = self._find(key)
        return default_value if security is None else security

    def __iter__(self) -> Iterator[Symbol]:
        return iter(list(self._by_symbol))

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


def _own_names(security: Security) -> frozenset[str]:
    """The names a Security uses itself: its attributes, its class's and LEAN's members."""
    cls = type(security)
    names = cls.__dict__.get("_OWN_NAMES")
    if names is None:
        names = frozenset(security.__dict__) | frozenset(dir(cls)) | lean_names_of(cls)
        cls._OWN_NAMES = names
    return names


def update_quote(
    security: Security, bid: float, ask: float, bid_size: float = 0.0, ask_size: float = 0.0
) -> None:
    """A new quote bar's closing bid and ask, and its last bid and ask sizes, for `security`
    (0: not quoted, and the previous value stays, as in LEAN's SecurityCache)."""
    if bid:
        security._bid_price = bid
    if ask:
        security._ask_price = ask
    if bid_size:
        security._bid_size = bid_size
    if ask_size:
        security._ask_size = ask_size


def apply_fill(holding: SecurityHolding, quantity: float, price: float, fee: float) -> None:
    """A fill of `quantity` shares at `price` (paying `fee`) changes `holding`: its quantity,
    average price and realised profit."""
    holding._apply_fill(quantity, price, fee)


def use_default_fee_model(security: Security, default_fee_model: Any) -> None:
    """`default_fee_model()` gives the fee model that applies to `security` while it has none
    of its own (the portfolio's): its holding's unrealized profit takes the closing fee off."""
    security._default_fee_model = default_fee_model


def remove_security(securities: SecurityManager, symbol: Symbol) -> None:
    """A security that left every universe leaves the algorithm's securities."""
    securities._remove(symbol)


def active_security(securities: SecurityManager, symbol: Any) -> Security | None:
    """The security of `symbol` while it is in the algorithm (not removed), else None; what
    the runner's own bookkeeping asks, where an algorithm's ``in`` and ``get`` also find
    removed securities."""
    return securities._active(symbol)
