"""LEAN's ``self.settings`` (``AlgorithmSettings``): the options daily-equity algorithms set.

Defaults are LEAN's. The ones this runner acts on: ``free_portfolio_value`` and
``free_portfolio_value_percentage`` (the buffer ``set_holdings`` and ``PortfolioTarget.percent``
leave aside), ``minimum_order_margin_portfolio_percentage`` (orders too small to place),
``rebalance_portfolio_on_insight_changes`` and ``rebalance_portfolio_on_security_changes``
(portfolio construction), ``liquidate_enabled``, ``automatic_indicator_warm_up``. The others
are kept for algorithms that read them; changing them changes nothing here.
"""

from __future__ import annotations

import datetime as dt

from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.lean_members import LeanMembers


class AlgorithmSettings(
    LeanMembers,
    lean_class="QuantConnect.AlgorithmSettings",
    hint="see local_lean/settings.py for the settings the runner keeps",
):
    """The algorithm's settings, with LEAN's names and defaults."""

    def __init__(self) -> None:
        self.automatic_indicator_warm_up = False
        self.daily_precise_end_time = True
        self.daily_consolidation_use_extended_market_hours = False
        self.data_subscription_limit = 2**31 - 1
        self.free_portfolio_value: float | None = None
        self.free_portfolio_value_percentage = 0.0025
        self.liquidate_enabled = True
        self.max_absolute_portfolio_target_percentage = 1_000_000_000.0
        self.min_absolute_portfolio_target_percentage = 0.000_000_000_1
        self.minimum_order_margin_portfolio_percentage = 0.001
        self.rebalance_portfolio_on_insight_changes = True
        self.rebalance_portfolio_on_security_changes = True
        self.seed_initial_prices = False
        self.stale_price_time_span = dt.timedelta(hours=1)
        self.trading_days_per_year = 252
        self.warmup_resolution: Resolution | None = None

    @property
    def warm_up_resolution(self) -> Resolution | None:
        return self.warmup_resolution

    @warm_up_resolution.setter
    def warm_up_resolution(self, value: Resolution | None) -> None:
        self.warmup_resolution = value


def free_portfolio_value(settings: AlgorithmSettings, total_portfolio_value: float) -> float:
    """The value kept aside: ``free_portfolio_value`` when set, else the percentage of it."""
    if settings.free_portfolio_value is not None:
        return float(settings.free_portfolio_value)
    return total_portfolio_value * settings.free_portfolio_value_percentage


class UniverseSettings(
    LeanMembers,
    lean_class="QuantConnect.Data.UniverseSelection.UniverseSettings",
    hint="see local_lean/settings.py for the universe settings the runner keeps",
):
    """LEAN's ``universe_settings``: what securities a universe adds are created with (their
    leverage, normalisation mode, extended hours); they get daily bars whatever the resolution."""

    def __init__(self) -> None:
        self.resolution = Resolution.MINUTE  # LEAN's default; universes get daily bars here
        self.leverage = 0.0  # LEAN's Security.NullLeverage: the brokerage model's default
        self.fill_forward = True
        self.extended_market_hours = False
        self.data_normalization_mode = DataNormalizationMode.ADJUSTED
        # How long a universe keeps a security it stopped selecting (LEAN's default: a day).
        self.minimum_time_in_universe = dt.timedelta(days=1)


__all__ = ["AlgorithmSettings", "UniverseSettings", "free_portfolio_value"]
