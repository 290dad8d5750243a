"""Buying power models (LEAN's ``Common/Securities``): US equities use ``SecurityMarginModel``.

LEAN's ``SecurityMarginModel`` rules for US equities, with no required free buying power:

- an order that adds exposure needs an initial margin of its value over the leverage plus its
  fee, out of the margin remaining (total value less the margin of every holding; a position
  being reversed frees its own margin first). Orders that only reduce a position always pass.
  Open orders reserve nothing, as in LEAN;
- sizing (``set_holdings``, ``PortfolioTarget.percent``) takes the whole shares that bring a
  holding's margin to the target, stepped down until the order's own fee fits
  (``GetMaximumOrderQuantityForTargetBuyingPower``);
- orders whose margin is under ``settings.minimum_order_margin_portfolio_percentage`` of the
  portfolio (0.1%) are skipped by sizing and execution.

``security.set_buying_power_model(model)`` takes ``SecurityMarginModel(leverage)`` or a Python
``BuyingPowerModel`` subclass: the methods it overrides
(``get_maximum_order_quantity_for_target_buying_power``,
``has_sufficient_buying_power_for_order``, ``get_maintenance_margin``,
``get_reserved_buying_power_for_position``) replace these rules, the others stay LEAN's.
"""

from __future__ import annotations

import math
from typing import Any

from local_lean.errors import NotSupportedError
from local_lean.models.fees import fee_of


class ReservedBuyingPowerForPositionParameters:
    """The security whose position's reserved buying power is asked for."""

    def __init__(self, security: Any) -> None:
        self.security = security

    def result_in_account_currency(
        self, reserved_buying_power: float
    ) -> ReservedBuyingPowerForPosition:
        """The answer of ``get_reserved_buying_power_for_position``, in dollars."""
        return ReservedBuyingPowerForPosition(reserved_buying_power)


class ReservedBuyingPowerForPosition:
    """The buying power a position holds, in the account currency."""

    def __init__(self, reserved_buying_power_for_position: float) -> None:
        self.absolute_used_buying_power = abs(float(reserved_buying_power_for_position))


class GetMaximumOrderQuantityForTargetBuyingPowerParameters:
    """What sizing an order asks of a buying power model: the margin the security's position
    should use, as a fraction of the portfolio's value (LEAN's parameters of
    ``GetMaximumOrderQuantityForTargetBuyingPower``)."""

    def __init__(
        self,
        portfolio: Any,
        security: Any,
        target_buying_power: float,
        minimum_order_margin_portfolio_percentage: float,
        silence_non_error_reasons: bool = False,
    ) -> None:
        self.portfolio = portfolio
        self.security = security
        self.target_buying_power = float(target_buying_power)
        self.minimum_order_margin_portfolio_percentage = float(
            minimum_order_margin_portfolio_percentage
        )
        self.silence_non_error_reasons = bool(silence_non_error_reasons)


class GetMaximumOrderQuantityResult:
    """Shares to order, and why none when so (an error unless said otherwise)."""

    def __init__(self, quantity: float, reason: str | None = None, is_error: bool | None = None):
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise TypeError(f"GetMaximumOrderQuantityResult needs a quantity, got {quantity!r}")
        self.quantity = float(quantity)
        self.reason = reason or ""
        self.is_error = bool(self.reason) if is_error is None else bool(is_error)


class HasSufficientBuyingPowerForOrderParameters:
    """The order whose buying power is checked, with its security and the portfolio."""

    def __init__(self, portfolio: Any, security: Any, order: Any) -> None:
        self.portfolio = portfolio
        self.security = security
        self.order = order


class HasSufficientBuyingPowerForOrderResult:
    """Whether an order may be placed, and LEAN's reason when not."""

    def __init__(self, is_sufficient: bool, reason: str | None = None) -> None:
        self.is_sufficient = bool(is_sufficient)
        self.reason = reason or ""


class MaintenanceMarginParameters:
    """A quantity of a security whose maintenance margin is asked for."""

    def __init__(self, security: Any, quantity: float) -> None:
        self.security = security
        self.quantity = float(quantity)

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def absolute_holdings_value(self) -> float:
        """The quantity's value at the security's price (a US equity: multiplier 1)."""
        return abs(self.security.price * self.quantity)

    @staticmethod
    def for_current_holdings(security: Any) -> MaintenanceMarginParameters:
        return MaintenanceMarginParameters(security, security.holdings.quantity)


class MaintenanceMargin:
    """The margin a position needs to stay open, in dollars."""

    def __init__(self, value: float) -> None:
        self.value = float(value)


class BuyingPowerModel:
    """LEAN's ``BuyingPowerModel`` with a leverage (margin = value / leverage). Python
    subclasses may override its methods, as in LEAN; the others keep LEAN's rules."""

    def __init__(self, leverage: float = 2.0, required_free_buying_power_percent: float = 0.0):
        if isinstance(leverage, bool) or not isinstance(leverage, int | float):
            raise TypeError(f"leverage must be a number, got {leverage!r}")
        if not 1 <= leverage < math.inf:
            raise ValueError(f"Leverage must be greater than or equal to 1, got {leverage}")
        if required_free_buying_power_percent != 0:
            raise NotSupportedError(
                "required_free_buying_power_percent",
                "local_lean's margin model keeps no free buying power per security; use "
                "settings.free_portfolio_value_percentage for a portfolio-wide buffer",
            )
        self._leverage = float(leverage)

    @property
    def required_free_buying_power_percent(self) -> float:
        return 0.0

    def get_leverage(self, security: Any) -> float:
        return self._leverage

    def set_leverage(self, security: Any, leverage: float) -> None:
        security.set_leverage(leverage)
        self._leverage = security.leverage

    def get_reserved_buying_power_for_position(
        self, parameters: ReservedBuyingPowerForPositionParameters
    ) -> ReservedBuyingPowerForPosition:
        """The position's maintenance margin: its absolute value over the leverage."""
        if not isinstance(parameters, ReservedBuyingPowerForPositionParameters):
            raise TypeError(
                "get_reserved_buying_power_for_position takes "
                f"ReservedBuyingPowerForPositionParameters(security), got {parameters!r}"
            )
        security = parameters.security
        return parameters.result_in_account_currency(
            security.holdings.absolute_holdings_value / security.leverage
        )

    def get_maintenance_margin(self, parameters: MaintenanceMarginParameters) -> MaintenanceMargin:
        """The quantity's absolute value over the security's leverage."""
        return MaintenanceMargin(parameters.absolute_holdings_value / parameters.security.leverage)

    def get_maximum_order_quantity_for_target_buying_power(
        self, parameters: GetMaximumOrderQuantityForTargetBuyingPowerParameters
    ) -> GetMaximumOrderQuantityResult:
        """Whole shares that take the position's margin to the target (see
        :func:`maximum_order_quantity`)."""
        quantity, reason = maximum_order_quantity(
            parameters.portfolio,
            parameters.security,
            parameters.target_buying_power,
            parameters.minimum_order_margin_portfolio_percentage,
        )
        return GetMaximumOrderQuantityResult(quantity, reason)

    def has_sufficient_buying_power_for_order(
        self, parameters: HasSufficientBuyingPowerForOrderParameters
    ) -> HasSufficientBuyingPowerForOrderResult:
        """Whether the order's initial margin and fee fit the buying power left (see
        :func:`buying_power_shortfall`)."""
        reason = buying_power_shortfall(parameters.portfolio, parameters.security, parameters.order)
        return HasSufficientBuyingPowerForOrderResult(not reason, reason)


class SecurityMarginModel(BuyingPowerModel):
    """LEAN's margin model for equities: leverage 2 by default."""


def apply_buying_power_model(security: Any, model: Any) -> None:
    """Give `security` `model` and its leverage (LEAN's ``SetBuyingPowerModel``)."""
    if not isinstance(model, BuyingPowerModel):
        raise NotSupportedError(
            f"set_buying_power_model({type(model).__name__})",
            "pass SecurityMarginModel(leverage), or a BuyingPowerModel subclass that overrides "
            "the methods it changes",
        )
    security.set_leverage(model.get_leverage(security))


def overrides(model: Any, method: str) -> bool:
    """Whether `model`'s class replaces BuyingPowerModel's `method` (a Python subclass's)."""
    return getattr(type(model), method, None) is not getattr(BuyingPowerModel, method)


def used_buying_power(security: Any, model: Any) -> float:
    """The buying power `security`'s position uses as LEAN's capacity estimate reads it: the
    model's reserved buying power times the leverage (the holding's absolute value, unless
    a Python model overrides ``get_reserved_buying_power_for_position``)."""
    if model is None or not overrides(model, "get_reserved_buying_power_for_position"):
        return security.holdings.absolute_holdings_value
    reserved = model.get_reserved_buying_power_for_position(
        ReservedBuyingPowerForPositionParameters(security)
    )
    return reserved.absolute_used_buying_power * security.leverage


# ----- LEAN's rules (SecurityMarginModel, US equities) --------------------------------------------


def initial_margin(security: Any, quantity: float) -> float:
    """The margin `quantity` shares need at the security's current price (signed)."""
    return security.price * quantity / security.leverage


def buying_power_shortfall(portfolio: Any, security: Any, order: Any) -> str:
    """'' when `order` may be placed now, else LEAN's reason ("Id: 1, Initial Margin: ...")."""
    held = security.holdings.quantity
    if order.quantity == 0 or (held * order.quantity < 0 and abs(held) >= abs(order.quantity)):
        return ""  # closes or reduces a position: always allowed
    free_margin = portfolio.get_buying_power(security.symbol, order.direction)
    margin = initial_margin(security, order.quantity)
    fee = fee_of(portfolio, security, order.quantity, security.price, order)
    required = margin + math.copysign(fee, margin) if margin else 0.0
    if abs(required) > free_margin:
        return (
            f"Id: {order.id}, Initial Margin: {_normalized(required)}, "
            f"Free Margin: {_normalized(free_margin)}"
        )
    return ""


def maximum_order_quantity(
    portfolio: Any,
    security: Any,
    target_buying_power: float,
    minimum_order_margin_percentage: float,
    total_portfolio_value: float | None = None,
) -> tuple[float, str]:
    """LEAN's ``GetMaximumOrderQuantityForTargetBuyingPower``: whole shares that bring the
    position's margin to `target_buying_power` of the portfolio's value, stepped down until
    the order's own fee fits. Returns (quantity, reason); reason is '' unless no order can be
    sized (the security has no price)."""
    price = security.price
    if price <= 0:
        return 0.0, zero_price_message(security.symbol)
    total = (
        portfolio.total_portfolio_value if total_portfolio_value is None else total_portfolio_value
    )
    if total <= 0:
        return 0.0, ""
    target_margin = target_buying_power * total
    held = security.holdings.quantity
    if target_margin == 0:
        return -held, ""
    # initial_margin's arithmetic, with the price and leverage read once (sized per target)
    leverage = security.leverage
    current_margin = price * held / leverage
    unit_margin = abs(price / leverage)
    change = abs(target_margin - current_margin)
    if not above_minimum_order_margin(portfolio, change, minimum_order_margin_percentage, total):
        return 0.0, ""
    last_quantity: float | None = None
    while True:
        quantity = _amount_to_order(held, target_margin, unit_margin)
        if quantity == 0:
            return 0.0, ""
        final_margin = (quantity + held) * unit_margin
        fee = fee_of(portfolio, security, quantity, price)
        target_margin = (total - fee) * target_buying_power
        if last_quantity == quantity or abs(final_margin) <= abs(target_margin):
            return quantity, ""
        last_quantity = quantity


def above_minimum_order_margin(
    portfolio: Any,
    margin: float,
    minimum_percentage: float,
    total_portfolio_value: float | None = None,
) -> bool:
    """LEAN's ``AboveMinimumOrderMarginPortfolioPercentage``: orders worth less margin than
    that share of the portfolio (0.1% by default) are skipped, unless the margin remaining is
    not positive. `total_portfolio_value`: the portfolio's, when the caller knows it already."""
    if minimum_percentage == 0:
        return True
    total = total_portfolio_value
    if total is None:
        total = portfolio.total_portfolio_value
    minimum = total * minimum_percentage
    return not (minimum > abs(margin) and portfolio.get_margin_remaining(total) > 0)


def zero_price_message(symbol: Any) -> str:
    """LEAN's ``GetZeroPriceMessage``: why an order for a security without a price is refused."""
    return (
        f"{symbol.value}: The security does not have an accurate price as it has not yet "
        "received a bar of data. Before placing a trade (or using SetHoldings) warm up your "
        "algorithm with SetWarmup, or use slice.Contains(symbol) to confirm the Slice object "
        "has price before using the data. Data does not necessarily all arrive at the same "
        "time so your algorithm should confirm the data is ready before using it. In live "
        "trading this can mean you do not have an active subscription to the asset class "
        "you're trying to trade. If using custom data make sure you've set the 'Value' "
        "property."
    )


def _amount_to_order(held: float, target_margin: float, unit_margin: float) -> float:
    """Whole shares that take the holding to at most `target_margin` (LEAN's
    ``GetAmountToOrder``: rounded toward zero exposure, then stepped back under the target)."""
    size = -held + target_margin / unit_margin
    size = math.floor(size) if target_margin > 0 else math.ceil(size)
    difference = (size + held) * unit_margin - target_margin
    while (target_margin < 0 and difference < 0) or (target_margin > 0 and difference > 0):
        # One share at a time, as LEAN steps; more where a share is below a double's
        # precision at this size (cash near decimal's maximum), so that the loop ends.
        step = max(1, math.ceil(abs(difference) / unit_margin) - 1)
        size += step if target_margin < 0 else -step
        difference = (size + held) * unit_margin - target_margin
    return float(size)


def _normalized(value: float) -> str:
    """A decimal as .NET's ``Normalize()`` prints it: no trailing zeros."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


__all__ = [
    "BuyingPowerModel",
    "GetMaximumOrderQuantityForTargetBuyingPowerParameters",
    "GetMaximumOrderQuantityResult",
    "HasSufficientBuyingPowerForOrderParameters",
    "HasSufficientBuyingPowerForOrderResult",
    "MaintenanceMargin",
    "MaintenanceMarginParameters",
    "ReservedBuyingPowerForPosition",
    "ReservedBuyingPowerForPositionParameters",
    "SecurityMarginModel",
    "above_minimum_order_margin",
    "apply_buying_power_model",
    "buying_power_shortfall",
    "initial_margin",
    "maximum_order_quantity",
    "overrides",
    "used_buying_power",
    "zero_price_message",
]
