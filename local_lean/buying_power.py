"""Buying power as the security's buying power model decides it (``models/margin.py`` holds
LEAN's ``SecurityMarginModel`` rules and the model classes).

The runner asks the model only where a Python subclass overrides LEAN's method, so that the
default model costs no parameter objects:

- ``insufficient_buying_power``: may an order be placed (``has_sufficient_buying_power_for_order``);
- ``target_order_quantity``: the shares that size ``set_holdings`` and ``PortfolioTarget.percent``
  (``get_maximum_order_quantity_for_target_buying_power``), from the percentage less the free
  buffer, over the leverage, as LEAN's ``PortfolioTarget.Percent`` asks it.
"""

from __future__ import annotations

from local_lean.models.margin import (
    GetMaximumOrderQuantityForTargetBuyingPowerParameters,
    GetMaximumOrderQuantityResult,
    HasSufficientBuyingPowerForOrderParameters,
    above_minimum_order_margin,
    buying_power_shortfall,
    initial_margin,
    maximum_order_quantity,
    overrides,
    zero_price_message,
)
from local_lean.orders import Order
from local_lean.portfolio import SecurityPortfolioManager, value_less_free_buffer
from local_lean.securities import Security, custom_buying_power_model


def insufficient_buying_power(
    portfolio: SecurityPortfolioManager, security: Security, order: Order
) -> str:
    """'' when `order` may be placed now, else the reason ("Id: 1, Initial Margin: ...")."""
    model = custom_buying_power_model(security)
    if model is None or not overrides(model, "has_sufficient_buying_power_for_order"):
        return buying_power_shortfall(portfolio, security, order)
    parameters = HasSufficientBuyingPowerForOrderParameters(portfolio, security, order)
    result = model.has_sufficient_buying_power_for_order(parameters)
    if result.is_sufficient:
        return ""
    return result.reason or f"Id: {order.id}, insufficient buying power"


def target_order_quantity(
    portfolio: SecurityPortfolioManager,
    security: Security,
    percent: float,
    minimum_order_margin_percentage: float,
) -> tuple[float, str]:
    """Shares to order so that `security` is `percent` of the portfolio, as LEAN's
    ``PortfolioTarget.Percent`` sizes the delta. Returns (quantity, reason); reason is ''
    unless no order can be sized (the security has no price)."""
    total = portfolio.total_portfolio_value
    if total <= 0 < security.price:
        return 0.0, ""
    adjusted = percent * value_less_free_buffer(portfolio, total) / total if total > 0 else 0.0
    target_buying_power = adjusted / security.leverage
    model = custom_buying_power_model(security)
    if model is None or not overrides(model, "get_maximum_order_quantity_for_target_buying_power"):
        return maximum_order_quantity(
            portfolio, security, target_buying_power, minimum_order_margin_percentage, total
        )
    parameters = GetMaximumOrderQuantityForTargetBuyingPowerParameters(
        portfolio, security, target_buying_power, minimum_order_margin_percentage, True
    )
    result = model.get_maximum_order_quantity_for_target_buying_power(parameters)
    if not isinstance(result, GetMaximumOrderQuantityResult):
        raise TypeError(
            f"{type(model).__name__}.get_maximum_order_quantity_for_target_buying_power must "
            f"return a GetMaximumOrderQuantityResult, got {result!r}"
        )
    return result.quantity, result.reason if result.is_error else ""


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


__all__ = [
    "BuyingPowerModelExtensions",
    "above_minimum_order_margin",
    "initial_margin",
    "insufficient_buying_power",
    "target_order_quantity",
    "zero_price_message",
]
