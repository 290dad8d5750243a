"""LEAN's security seeders and the brokerage model's security initializer.

`set_security_initializer(BrokerageModelSecurityInitializer(self.brokerage_model,
FuncSecuritySeeder(self.get_last_known_prices)))` is how a LEAN algorithm seeds each new
security with its last known price through an initializer (the other way being
`settings.seed_initial_prices`, see `seeding.py`):

- `FuncSecuritySeeder(function)` (`Common/Securities/FuncSecuritySeeder.cs`): `seed_security`
  calls the function with the security and gives the security each bar it returns (one bar or
  a list; None gives nothing), True when there was one. LEAN logs and swallows an error in the
  function; here it stops the run, so that a mistake in the algorithm is not hidden.
- `SecuritySeeder.NULL`: seeds nothing.
- `BrokerageModelSecurityInitializer(brokerage_model, security_seeder)`
  (`Common/Securities/BrokerageModelSecurityInitializer.cs`): the brokerage model's leverage,
  fee, slippage and shortable models, then the seeder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from local_lean.models.brokerages import DefaultBrokerageModel, apply_brokerage_model


class FuncSecuritySeeder:
    """Seeds a security with what a function of the security returns."""

    def __init__(self, seed_function: Callable[[Any], Any]) -> None:
        if not callable(seed_function):
            raise TypeError(
                "FuncSecuritySeeder takes a function of the security returning its last known "
                f"bar(s), e.g. self.get_last_known_prices; got {seed_function!r}"
            )
        self._seed_function = seed_function

    def seed_security(self, security: Any) -> bool:
        seed = self._seed_function(security)
        if seed is None:
            return False
        bars = list(seed) if isinstance(seed, Iterable) else [seed]
        for bar in bars:
            security.set_market_price(bar)
        return bool(bars)


class _NullSecuritySeeder:
    def seed_security(self, security: Any) -> bool:
        return True


class SecuritySeeder:
    """LEAN's `SecuritySeeder.NULL`, the seeder that seeds nothing."""

    NULL = _NullSecuritySeeder()


class BrokerageModelSecurityInitializer:
    """Gives each new security the brokerage model's models, then seeds it."""

    def __init__(self, brokerage_model: Any = None, security_seeder: Any = None) -> None:
        if security_seeder is not None and not callable(
            getattr(security_seeder, "seed_security", None)
        ):
            raise TypeError(
                "BrokerageModelSecurityInitializer takes a security seeder (an object with "
                "seed_security(security), e.g. FuncSecuritySeeder(self.get_last_known_prices) "
                f"or SecuritySeeder.NULL), got {security_seeder!r}"
            )
        self._brokerage_model = brokerage_model or DefaultBrokerageModel()
        self._security_seeder = security_seeder or SecuritySeeder.NULL

    def initialize(self, security: Any) -> None:
        apply_brokerage_model(self._brokerage_model, security, keep_leverage=False)
        self._security_seeder.seed_security(security)


__all__ = ["BrokerageModelSecurityInitializer", "FuncSecuritySeeder", "SecuritySeeder"]
