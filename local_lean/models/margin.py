"""Buying power models (LEAN's ``Common/Securities``): US equities use ``SecurityMarginModel``.

The runner's buying-power rules (local_lean/buying_power.py) are LEAN's ``SecurityMarginModel``
with no required free buying power; what a security's model can change is its leverage.
``security.set_buying_power_model(SecurityMarginModel(leverage))`` sets it; other models, whose
rules the runner does not simulate, raise ``NotSupportedError``.
"""

from __future__ import annotations

import math
from typing import Any

from local_lean.errors import NotSupportedError


class ReservedBuyingPowerForPositionParameters:
    """The security whose position's reserved buying power is asked for."""

    def __init__(self, security: Any) -> None:
        self.security = security


class ReservedBuyingPowerForPosition:
    """The buying power a position holds, in the account currency."""

    def __init__(self, reserved_buying_power_for_position: float) -> None:
        self.absolute_used_buying_power = abs(float(reserved_buying_power_for_position))


class BuyingPowerModel:
    """LEAN's ``BuyingPowerModel`` with a leverage (margin = value / leverage)."""

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
        return ReservedBuyingPowerForPosition(
            security.holdings.absolute_holdings_value / security.leverage
        )


class SecurityMarginModel(BuyingPowerModel):
    """LEAN's margin model for equities: leverage 2 by default."""


def apply_buying_power_model(security: Any, model: Any) -> None:
    """Give `security` the leverage of `model` (LEAN's ``SetBuyingPowerModel``)."""
    if type(model) not in (BuyingPowerModel, SecurityMarginModel):
        raise NotSupportedError(
            f"set_buying_power_model({type(model).__name__})",
            "local_lean simulates LEAN's SecurityMarginModel only: pass "
            "SecurityMarginModel(leverage), or call security.set_leverage(leverage)",
        )
    security.set_leverage(model.get_leverage(security))


__all__ = [
    "BuyingPowerModel",
    "ReservedBuyingPowerForPosition",
    "ReservedBuyingPowerForPositionParameters",
    "SecurityMarginModel",
    "apply_buying_power_model",
]
