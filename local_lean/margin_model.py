"""``security.buying_power_model``: LEAN's ``SecurityMarginModel`` as algorithms query it.

Algorithms read a position's reserved margin and the leverage from it (LEAN's regression
algorithms weigh positions this way). Orders are checked by local_lean/buying_power.py; this
is the read-only view of the same numbers: a holding reserves its absolute value over the
security's leverage (LEAN's maintenance margin of an equity).
"""

from __future__ import annotations

import math
from typing import Any


class ReservedBuyingPowerForPositionParameters:
    """The security whose position's reserved buying power is asked for."""

    def __init__(self, security: Any) -> None:
        self.security = security


class ReservedBuyingPowerForPosition:
    """The buying power a position holds, in the account currency."""

    def __init__(self, reserved_buying_power_for_position: float) -> None:
        self.absolute_used_buying_power = abs(float(reserved_buying_power_for_position))


class SecurityMarginModel:
    """LEAN's margin model of an equity: the leverage is the security's (2 by default)."""

    def get_leverage(self, security: Any) -> float:
        return float(security.leverage)

    def set_leverage(self, security: Any, leverage: float) -> None:
        if not isinstance(leverage, int | float) or not math.isfinite(leverage) or leverage < 1:
            raise ValueError(f"leverage must be a finite number >= 1, got {leverage!r}")
        security.leverage = float(leverage)

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


__all__ = [
    "ReservedBuyingPowerForPosition",
    "ReservedBuyingPowerForPositionParameters",
    "SecurityMarginModel",
]
