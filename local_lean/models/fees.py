"""Fee models (LEAN's ``Common/Orders/Fees``) and how a fill's fee is found.

An algorithm sets one per security (``security.set_fee_model``), or gets the one of its
brokerage model. A fee model is an object with ``get_order_fee(parameters)`` returning an
``OrderFee``, as in LEAN, so a Python subclass of ``FeeModel`` works too. Without either, the
portfolio's fee model applies (the runner's default: Interactive Brokers' fees, or
``--fee-bps``).
"""

from __future__ import annotations

import math
from typing import Any

from local_lean.orders import CashAmount, OrderDirection, OrderFee, OrderType


class OrderFeeParameters:
    """What a fee model is given: the security and the order (LEAN's ``OrderFeeParameters``)."""

    def __init__(self, security: Any, order: Any) -> None:
        self.security = security
        self.order = order


class FeeModel:
    """LEAN's ``FeeModel`` base class: no fee. Subclasses override ``get_order_fee``."""

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(0.0))


class ConstantFeeModel(FeeModel):
    """The same fee for every order (LEAN's ``ConstantFeeModel``)."""

    def __init__(self, fee: float, currency: str = "USD") -> None:
        if isinstance(fee, bool) or not isinstance(fee, int | float) or not math.isfinite(fee):
            raise ValueError(f"ConstantFeeModel needs a finite fee, got {fee!r}")
        if currency != "USD":
            raise ValueError(f"fees are in USD (the account currency), got {currency!r}")
        self._fee = float(fee)

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(abs(self._fee)))


class InteractiveBrokersFeeModel(FeeModel):
    """Interactive Brokers' US equity fee (LEAN's ``InteractiveBrokersFeeModel``, LEAN's default
    for US equities): $0.005 a share, at least $1, at most 0.5% of the order's value."""

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(_per_share_fee(parameters)))


class AlphaStreamsFeeModel(FeeModel):
    """The fee of LEAN's Alpha Streams brokerage model (``AlphaStreamsFeeModel``): for US
    equities, Interactive Brokers' $0.005 a share, at least $1, at most 0.5% of the value."""

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(_per_share_fee(parameters)))


class AxosFeeModel(FeeModel):
    """The Axos clearing fee (LEAN's ``AxosFeeModel``): a fee per share, $0.0035 unless given,
    with no minimum."""

    def __init__(self, fees_per_share: float | None = None) -> None:
        if fees_per_share is not None and (
            isinstance(fees_per_share, bool)
            or not isinstance(fees_per_share, int | float)
            or not math.isfinite(fees_per_share)
        ):
            raise ValueError(f"AxosFeeModel needs a finite fee per share, got {fees_per_share!r}")
        self._fees_per_share = 0.0035 if fees_per_share is None else float(fees_per_share)

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(self._fees_per_share * abs(parameters.order.quantity)))


class BasisPointsFeeModel(FeeModel):
    """A fee proportional to the order's value (0 bps: no fees): the runner's ``--fee-bps``,
    for studies of trading costs; LEAN has no such model."""

    def __init__(self, basis_points: float) -> None:
        if not math.isfinite(basis_points) or basis_points < 0:
            raise ValueError(f"fee basis points must be a number >= 0, got {basis_points!r}")
        self.basis_points = basis_points
        self.description = f"{basis_points:g} basis points of each order's value"

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        value = abs(parameters.order.quantity) * _order_price(parameters)
        return OrderFee(CashAmount(value * self.basis_points / 10_000))


def _per_share_fee(parameters: OrderFeeParameters) -> float:
    """LEAN's equity fee rule shared by both models: the per-share fee, raised to the minimum
    or else capped at the rate of the order's value."""
    order = parameters.order
    quantity = abs(order.quantity)
    value = abs(quantity * _order_price(parameters))
    fee = 0.005 * quantity
    if fee < 1.0:
        fee = 1.0
    elif fee > 0.005 * value:
        fee = 0.005 * value
    # LEAN computes in decimals: round away the binary noise of 0.005 x shares.
    return round(abs(fee), 10)


def _order_price(parameters: OrderFeeParameters) -> float:
    """The price the fee is computed at: the fill's price when one is being charged."""
    price = getattr(parameters.order, "_fee_price", None)
    return parameters.security.price if price is None else price


class _PricedOrder:
    """The order a fee model sees while sizing or filling: LEAN's order fields plus the price
    the fee is computed at. While sizing there is no order yet: a market order of the
    security is described."""

    def __init__(self, order: Any, symbol: Any, quantity: float, price: float) -> None:
        self._order = order
        self.symbol = symbol
        self.quantity = quantity
        self._fee_price = price

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def direction(self) -> OrderDirection:
        if self.quantity > 0:
            return OrderDirection.BUY
        return OrderDirection.SELL if self.quantity < 0 else OrderDirection.HOLD

    @property
    def type(self) -> OrderType:
        return OrderType.MARKET if self._order is None else self._order.type

    @property
    def id(self) -> int:
        """The order's id; 0 while sizing, as the MarketOrder LEAN's buying power model
        builds to estimate fees has (never submitted, so never given an id)."""
        return 0 if self._order is None else self._order.id

    def __getattr__(self, name: str) -> Any:
        if self._order is None:
            raise AttributeError(f"the order being sized has no {name!r}")
        return getattr(self._order, name)


def fee_of(
    portfolio: Any, security: Any, quantity: float, price: float, order: Any = None
) -> float:
    """The fee of `quantity` shares of `security` at `price`: the security's fee model when
    it has one (set by the algorithm or its brokerage model), else the portfolio's."""
    return order_fee_of(security.fee_model or portfolio.fee_model, security, quantity, price, order)


def order_fee_of(
    model: Any, security: Any, quantity: float, price: float, order: Any = None
) -> float:
    """The fee `model` charges for `quantity` shares of `security` at `price` (a market order
    when no `order` is given, as LEAN's ``GetMarketOrderFees``)."""
    parameters = OrderFeeParameters(security, _PricedOrder(order, security.symbol, quantity, price))
    fee = model.get_order_fee(parameters)
    amount = getattr(getattr(fee, "value", None), "amount", None)
    if amount is None or not math.isfinite(float(amount)):
        raise TypeError(
            f"{type(model).__name__}.get_order_fee must return an OrderFee "
            f"(OrderFee(CashAmount(amount, 'USD'))), got {fee!r}"
        )
    return float(amount)


def fee_models_description(default_model: Any, securities: Any) -> str:
    """The fee models of a run, for its summary: the default one, and those securities have
    of their own (set_fee_model or the brokerage model)."""
    own = sorted(
        f"{security.symbol.value}: {type(security.fee_model).__name__}"
        for security in securities.values()
        if security.fee_model is not None
    )
    default = _description(default_model)
    return f"{default}; per security: {', '.join(own)}" if own else default


def _description(model: Any) -> str:
    if type(model) is InteractiveBrokersFeeModel:
        return "Interactive Brokers ($0.005/share, min $1, max 0.5% of value; LEAN's default)"
    return getattr(model, "description", type(model).__name__)


__all__ = [
    "AlphaStreamsFeeModel",
    "AxosFeeModel",
    "BasisPointsFeeModel",
    "ConstantFeeModel",
    "FeeModel",
    "InteractiveBrokersFeeModel",
    "OrderFeeParameters",
    "fee_models_description",
    "fee_of",
    "order_fee_of",
]
