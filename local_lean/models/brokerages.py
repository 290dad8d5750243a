"""Brokerage models (LEAN's ``Common/Brokerages``): which orders a brokerage takes and the
fee, slippage, leverage and shortable models it gives the securities.

``set_brokerage_model(BrokerageName.X, AccountType.MARGIN)`` or ``set_brokerage_model(model)``
(a ``DefaultBrokerageModel`` subclass written in Python works: its ``can_submit_order`` and
``can_update_order`` return ``(allowed, BrokerageMessageEvent or None)``, as Python overrides
of LEAN's out parameters do). Cash accounts, whose buying power LEAN models differently, and
brokerages other than those below raise ``NotSupportedError``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from local_lean.conventions import decimal_text
from local_lean.enums import Market, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.models.benchmarks import FuncBenchmark
from local_lean.models.fees import (
    AlphaStreamsFeeModel,
    AxosFeeModel,
    ConstantFeeModel,
    InteractiveBrokersFeeModel,
)
from local_lean.models.shortable import LocalDiskShortableProvider, NullShortableProvider
from local_lean.models.slippage import AlphaStreamsSlippageModel, NullSlippageModel
from local_lean.orders import OrderType


class AccountType(IntEnum):
    MARGIN = 0
    CASH = 1


class BrokerageMessageType(IntEnum):
    INFORMATION = 0
    WARNING = 1
    ERROR = 2
    RECONNECT = 3
    DISCONNECT = 4
    ACTION_REQUIRED = 5


class BrokerageName(IntEnum):
    # The values of quantconnect-stubs (QUANT_CONNECT_BROKERAGE is DEFAULT, as in LEAN).
    DEFAULT = 0
    QUANT_CONNECT_BROKERAGE = 0
    INTERACTIVE_BROKERS_BROKERAGE = 2
    TRADIER_BROKERAGE = 3
    OANDA_BROKERAGE = 4
    FXCM_BROKERAGE = 5
    BITFINEX = 6
    BINANCE = 7
    GDAX = 12
    ALPACA = 9
    ALPHA_STREAMS = 10
    ZERODHA = 11
    SAMCO = 12
    ATREYU = 13
    TRADING_TECHNOLOGIES = 14
    KRAKEN = 15
    FTX = 16
    FTXUS = 17
    EXANTE = 18
    BINANCE_US = 19
    WOLVERINE = 20
    TD_AMERITRADE = 21
    BINANCE_FUTURES = 22
    BINANCE_COIN_FUTURES = 23
    RBI = 24
    BYBIT = 25
    EZE = 26
    AXOS = 27
    COINBASE = 28
    TRADE_STATION = 29
    TERMINAL_LINK = 30
    CHARLES_SCHWAB = 31
    TASTYTRADE = 32
    INTERACTIVE_BROKERS_FIX = 33
    DYDX = 34
    WEBULL = 35
    PUBLIC = 36
    BLOOMBERG_FIX = 37
    CLEAR_STREET = 38


class BrokerageMessageEvent:
    """A message from the brokerage (LEAN's ``BrokerageMessageEvent``)."""

    def __init__(self, type: BrokerageMessageType, code: Any, message: str) -> None:
        self.type = type
        self.code = "" if code is None else str(code)
        self.message = message

    def to_string(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"{_dotnet_name(self.type)} - Code: {self.code} - {self.message}"


class DefaultBrokerageModel:
    """LEAN's ``DefaultBrokerageModel`` for US equities: every order is accepted; Interactive
    Brokers' fees, no slippage, leverage 2 in a margin account."""

    DEFAULT_MARKET_MAP = {
        SecurityType.BASE: Market.USA,
        SecurityType.EQUITY: Market.USA,
        SecurityType.OPTION: Market.USA,
        SecurityType.FUTURE: Market.CME,
        SecurityType.FUTURE_OPTION: Market.CME,
        SecurityType.FOREX: Market.OANDA,
        SecurityType.CFD: Market.OANDA,
        SecurityType.CRYPTO: Market.COINBASE,
        SecurityType.CRYPTO_FUTURE: Market.BINANCE,
        SecurityType.INDEX: Market.USA,
        SecurityType.INDEX_OPTION: Market.USA,
    }

    def __init__(self, account_type: AccountType = AccountType.MARGIN) -> None:
        if not isinstance(account_type, AccountType):
            raise TypeError(f"account_type must be an AccountType, got {account_type!r}")
        self._account_type = account_type

    @property
    def account_type(self) -> AccountType:
        return self._account_type

    @property
    def default_markets(self) -> dict:
        return dict(self.DEFAULT_MARKET_MAP)

    @property
    def required_free_buying_power_percent(self) -> float:
        return 0.0

    def can_submit_order(self, security: Any, order: Any, message: Any = None) -> Any:
        return True, None

    def can_update_order(self, security: Any, order: Any, request: Any, message: Any = None):
        return True, None

    def can_execute_order(self, security: Any, order: Any) -> bool:
        return True

    def get_leverage(self, security: Any) -> float:
        return 1.0 if self.account_type == AccountType.CASH else 2.0

    def get_fee_model(self, security: Any) -> Any:
        return InteractiveBrokersFeeModel()

    def get_slippage_model(self, security: Any) -> Any:
        return NullSlippageModel.INSTANCE

    def get_shortable_provider(self, security: Any) -> Any:
        return NullShortableProvider.INSTANCE


class InteractiveBrokersBrokerageModel(DefaultBrokerageModel):
    """LEAN's ``InteractiveBrokersBrokerageModel`` for US equities: as the default model (the
    order types the runner has are all accepted), Interactive Brokers' fees."""


class AlphaStreamsBrokerageModel(DefaultBrokerageModel):
    """LEAN's ``AlphaStreamsBrokerageModel``: margin accounts only, leverage 1, Interactive
    Brokers' equity fees and 0.01% slippage."""

    def __init__(self, account_type: AccountType = AccountType.MARGIN) -> None:
        if account_type == AccountType.CASH:
            raise ValueError("The Alpha Streams brokerage does not currently support Cash trading.")
        super().__init__(account_type)

    def get_leverage(self, security: Any) -> float:
        return 1.0

    def get_fee_model(self, security: Any) -> Any:
        return AlphaStreamsFeeModel()

    def get_slippage_model(self, security: Any) -> Any:
        return AlphaStreamsSlippageModel()


class AxosClearingBrokerageModel(DefaultBrokerageModel):
    """LEAN's ``AxosClearingBrokerageModel``: US equities only; market, limit and
    market-on-close orders of whole shares; Axos' fee per share; shorts limited by the
    brokerage's shortable files (``LocalDiskShortableProvider("axos")``); no benchmark (a
    benchmark worth 0)."""

    SUPPORTED_ORDER_TYPES = (OrderType.LIMIT, OrderType.MARKET, OrderType.MARKET_ON_CLOSE)

    @property
    def default_markets(self) -> dict:
        return {SecurityType.EQUITY: Market.USA}

    def get_fee_model(self, security: Any) -> Any:
        return AxosFeeModel()

    def get_shortable_provider(self, security: Any) -> Any:
        return LocalDiskShortableProvider("axos")

    def get_benchmark(self, securities: Any) -> FuncBenchmark:
        return FuncBenchmark(lambda time: 0.0)

    def can_submit_order(self, security: Any, order: Any, message: Any = None) -> Any:
        name = type(self).__name__
        if security.symbol.security_type != SecurityType.EQUITY:
            return False, BrokerageMessageEvent(
                BrokerageMessageType.WARNING,
                "NotSupported",
                f"The {name} does not support "
                f"{_dotnet_name(security.symbol.security_type)} security type.",
            )
        if order.type not in self.SUPPORTED_ORDER_TYPES:
            supported = ",".join(_dotnet_name(kind) for kind in self.SUPPORTED_ORDER_TYPES)
            return False, BrokerageMessageEvent(
                BrokerageMessageType.WARNING,
                "NotSupported",
                f"The {name} does not support {_dotnet_name(order.type)} order type. "
                f"Only supports [{supported}]",
            )
        if abs(order.quantity) % 1 != 0:
            return False, BrokerageMessageEvent(
                BrokerageMessageType.WARNING,
                "NotSupported",
                f"Order Quantity must be Integer, but provided {decimal_text(order.quantity)}.",
            )
        return True, None

    def can_update_order(self, security: Any, order: Any, request: Any, message: Any = None):
        return True, None


_MODELS = {
    BrokerageName.DEFAULT: DefaultBrokerageModel,
    BrokerageName.INTERACTIVE_BROKERS_BROKERAGE: InteractiveBrokersBrokerageModel,
    BrokerageName.ALPHA_STREAMS: AlphaStreamsBrokerageModel,
    BrokerageName.AXOS: AxosClearingBrokerageModel,
}


def create_brokerage_model(brokerage: Any, account_type: Any = AccountType.MARGIN) -> Any:
    """The brokerage model ``set_brokerage_model`` installs (LEAN's ``BrokerageModel.Create``
    for a name; a model object as it is)."""
    if isinstance(brokerage, BrokerageName):
        model_class = _MODELS.get(brokerage)
        if model_class is None:
            supported = ", ".join(f"BrokerageName.{name.name}" for name in _MODELS)
            raise NotSupportedError(
                f"set_brokerage_model(BrokerageName.{brokerage.name})",
                f"local_lean models {supported} (QUANT_CONNECT_BROKERAGE is DEFAULT); pass "
                "one of them, or a DefaultBrokerageModel subclass with the fee model you need",
            )
        model = model_class(account_type)
    else:
        if not callable(getattr(brokerage, "can_submit_order", None)):
            raise TypeError(
                "set_brokerage_model takes a BrokerageName or a brokerage model (e.g. a "
                f"DefaultBrokerageModel subclass), got {brokerage!r}"
            )
        model = brokerage
    if getattr(model, "account_type", AccountType.MARGIN) == AccountType.CASH:
        raise NotSupportedError(
            "AccountType.CASH",
            "local_lean simulates margin accounts only (LEAN's SecurityMarginModel); use "
            "AccountType.MARGIN, with set_leverage(1) on each security for no leverage",
        )
    return model


def apply_brokerage_model(model: Any, security: Any, keep_leverage: bool) -> None:
    """Give `security` the brokerage model's fee, slippage and shortable models and, unless
    `keep_leverage` (LEAN keeps the leverage of securities added before the model was set, or
    given to ``add_equity``), its leverage."""
    if not keep_leverage:
        security.set_leverage(model.get_leverage(security))
    fee_model = model.get_fee_model(security)
    security.set_fee_model(ConstantFeeModel(0) if fee_model is None else fee_model)
    slippage_model = model.get_slippage_model(security)
    security.set_slippage_model(slippage_model or NullSlippageModel.INSTANCE)
    security.set_shortable_provider(
        model.get_shortable_provider(security) or NullShortableProvider.INSTANCE
    )


def brokerage_allows(answer: Any) -> tuple[bool, Any]:
    """A Python ``can_submit_order``/``can_update_order`` answer as (allowed, message): LEAN's
    Python overrides return ``(bool, message)``; a plain bool means no message."""
    if isinstance(answer, tuple):
        if len(answer) != 2:
            raise TypeError(
                f"can_submit_order/can_update_order must return (allowed, message), got {answer!r}"
            )
        return bool(answer[0]), answer[1]
    if isinstance(answer, bool):
        return answer, None
    raise TypeError(
        f"can_submit_order/can_update_order must return (allowed, message), got {answer!r}"
    )


def _dotnet_name(value: Any) -> str:
    """An enum member as .NET prints it: ``ACTION_REQUIRED`` -> ``ActionRequired``."""
    name = getattr(value, "name", None)
    if name is None:
        return str(value)
    return "".join(part.capitalize() for part in name.split("_"))


__all__ = [
    "AccountType",
    "AlphaStreamsBrokerageModel",
    "AxosClearingBrokerageModel",
    "BrokerageMessageEvent",
    "BrokerageMessageType",
    "BrokerageName",
    "DefaultBrokerageModel",
    "InteractiveBrokersBrokerageModel",
    "apply_brokerage_model",
    "brokerage_allows",
    "create_brokerage_model",
]
