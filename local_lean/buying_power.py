"""Buying power as LEAN's ``SecurityMarginModel`` computes it for US equities.

LEAN's default brokerage model trades US equities in a margin account with leverage 2:

- an order that adds exposure needs an initial margin of its value over the leverage plus its
  fee, out of the margin remaining (total value less the margin of every holding; a position
  being reversed frees its own margin first). Orders that only reduce a position always pass.
  Open orders reserve nothing, as in LEAN;
- ``target_order_quantity`` sizes ``set_holdings`` and ``PortfolioTarget.percent``: the whole
  shares that bring a holding to a percentage of the value less the free buffer, stepped down
  until the order's own fee fits (``GetMaximumOrderQuantityForTargetBuyingPower``);
- orders whose margin is under ``settings.minimum_order_margin_portfolio_percentage`` of the
  portfolio (0.1%) are skipped by sizing and execution.
"""

from __future__ import annotations

import math

from local_lean.models.fees import fee_of
from local_lean.orders import Order
from local_lean.portfolio import SecurityPortfolioManager, value_less_free_buffer
from local_lean.securities import Security
from local_lean.symbols import Symbol


def initial_margin(security: Security, quantity: float) -> float:
    """The margin `quantity` shares need at the security's current price (signed)."""
    return security.price * quantity / security.leverage


def insufficient_buying_power(
    portfolio: SecurityPortfolioManager, security: Security, order: Order
) -> str:
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


def target_order_quantity(
    portfolio: SecurityPortfolioManager,
    security: Security,
    percent: float,
    minimum_order_margin_percentage: float,
) -> tuple[float, str]:
    """Shares to order so that `security` is `percent` of the portfolio, as LEAN's
    ``PortfolioTarget.Percent`` sizes the delta. Returns (quantity, reason); reason is ''
    unless no order can be sized (the security has no price)."""
    price = security.price
    if price <= 0:
        return 0.0, zero_price_message(security.symbol)
    total = portfolio.total_portfolio_value
    if total <= 0:
        return 0.0, ""
    adjusted = percent * value_less_free_buffer(portfolio, total) / total
    target_buying_power = adjusted / security.leverage
    target_margin = target_buying_power * total
    held = security.holdings.quantity
    if target_margin == 0:
        return -held, ""
    current_margin = initial_margin(security, held)
    unit_margin = abs(initial_margin(security, 1))
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
    portfolio: SecurityPortfolioManager,
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


class BuyingPowerModelExtensions:
    """LEAN's ``BuyingPowerModelExtensions`` (static): whether an order's margin reaches the
    minimum share of the portfolio (``settings.minimum_order_margin_portfolio_percentage``)."""

    @staticmethod
    def above_minimum_order_margin_portfolio_percentage(*args: float | object) -> bool:
        """``(model, security, quantity, portfolio_manager, minimum_percentage)``: the order's
        initial margin at the security's price; or ``(portfolio_manager, minimum_percentage,
        abs_final_order_margin)``. False when the margin is under the minimum while margin
        remains (an order that frees margin passes)."""
        if len(args) == 5:
            _model, security, quantity, portfolio, minimum = args
            margin = initial_margin(security, float(quantity))  # type: ignore[arg-type]
        elif len(args) == 3:
            portfolio, minimum, margin = args
        else:
            raise TypeError(
                "above_minimum_order_margin_portfolio_percentage takes (model, security, "
                "quantity, portfolio_manager, minimum_percentage) or (portfolio_manager, "
                "minimum_percentage, abs_final_order_margin)"
            )
        return above_minimum_order_margin(portfolio, float(margin), float(minimum))  # type: ignore[arg-type]


def zero_price_message(symbol: Symbol) -> str:
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
    "above_minimum_order_margin",
    "initial_margin",
    "insufficient_buying_power",
    "target_order_quantity",
    "zero_price_message",
]
