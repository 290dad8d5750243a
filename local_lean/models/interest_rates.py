"""Risk-free interest rate models (LEAN's ``IRiskFreeInterestRateModel``).

LEAN's statistics use the algorithm's model (``set_risk_free_interest_rate_model``): the mean of
its rates on the dates of the equity samples (``GetAverageRiskFreeRate``). The default is the
primary credit rate (:mod:`local_lean.risk_free_rate`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any


class FuncRiskFreeRateInterestRateModel:
    """A rate given by a function of the date (LEAN's ``FuncRiskFreeRateInterestRateModel``)."""

    def __init__(self, get_interest_rate_func: Callable[[dt.datetime], float]) -> None:
        if not callable(get_interest_rate_func):
            raise TypeError(
                "FuncRiskFreeRateInterestRateModel needs a function of a datetime returning the "
                f"rate (e.g. lambda time: 0.02), got {get_interest_rate_func!r}"
            )
        self._function = get_interest_rate_func

    def get_interest_rate(self, date: dt.datetime | dt.date) -> float:
        if not isinstance(date, dt.datetime):
            date = dt.datetime(date.year, date.month, date.day)
        return self._function(date)


class _AverageOfModel:
    """Adapts an algorithm's model to what the statistics ask: the mean rate over dates."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def average_rate(self, days: Iterable[dt.date]) -> Decimal:
        rates = [self._rate(day) for day in days]
        return sum(rates, Decimal(0)) / len(rates) if rates else Decimal(0)

    def _rate(self, day: dt.date) -> Decimal:
        rate = self._model.get_interest_rate(dt.datetime(day.year, day.month, day.day))
        if isinstance(rate, bool) or not isinstance(rate, int | float | Decimal):
            raise TypeError(
                f"{type(self._model).__name__}.get_interest_rate must return a number, got {rate!r}"
            )
        if not math.isfinite(float(rate)):
            raise ValueError(f"the risk-free rate must be finite, got {rate!r}")
        return Decimal(str(rate))


def statistics_rate_model(model: Any) -> Any:
    """The statistics' view of an algorithm's risk-free rate model (None: the default)."""
    if model is None or isinstance(model, InterestRateProvider):
        return None  # the statistics' own exact (decimal) primary credit rate
    return _AverageOfModel(model)


class InterestRateProvider:
    """LEAN's default model: the primary credit rate on each date (a fraction)."""

    def get_interest_rate(self, date: dt.datetime | dt.date) -> float:
        from local_lean.risk_free_rate import primary_credit_rate

        day = date.date() if isinstance(date, dt.datetime) else date
        return float(primary_credit_rate().rate_on(day))


class MarginInterestRateParameters:
    """What a margin interest rate model is given: the security, and the algorithm's time
    (LEAN's ``MarginInterestRateParameters``)."""

    def __init__(self, security: Any, time: dt.datetime) -> None:
        self.security = security
        self.time = time


class NullMarginInterestRateModel:
    """No margin interest (LEAN's ``MarginInterestRateModel.Null``, the equities' default)."""

    def apply_margin_interest_rate(self, parameters: MarginInterestRateParameters) -> None:
        return None


class MarginInterestRateModel:
    """LEAN's holder of the null margin interest rate model."""

    NULL = NullMarginInterestRateModel()


class ShortMarginInterestRateModel:
    """LEAN's ``ShortMarginInterestRateModel``: once a day a short position pays the shortable
    provider's fee rate, and a long one earns its rebate rate, on the holding's value over 360
    days, for the days since the last charge; ``amount`` sums what was charged (negative:
    paid)."""

    def __init__(self) -> None:
        self.amount = 0.0
        self._is_short = False
        self._previous_time: dt.datetime | None = None

    def apply_margin_interest_rate(self, parameters: MarginInterestRateParameters) -> None:
        security = parameters.security
        holdings = security.holdings
        if not holdings.hold_stock:
            self._previous_time = None  # no position: the clock stops
            return
        if self._previous_time is None or self._is_short != holdings.is_short:
            # the clock starts with the position, or again when it changes sides
            self._is_short = holdings.is_short
            self._previous_time = parameters.time
            return
        if parameters.time.date() == self._previous_time.date():
            return  # charged once a day
        provider = security.shortable_provider
        local_time = security.local_time or parameters.time
        day = dt.datetime.combine(local_time.date(), dt.time())
        if self._is_short:
            rate = provider.fee_rate(security.symbol, day)
        else:
            rate = provider.rebate_rate(security.symbol, day)
        if not rate:
            self._previous_time = None
            return
        days = (parameters.time.date() - self._previous_time.date()).days
        fee = rate * holdings.holdings_value / 360 * days
        self.amount += fee
        security.quote_currency.add_amount(fee)
        self._previous_time = parameters.time


def apply_margin_interest_rates(securities: Iterable[Any], time: dt.datetime) -> None:
    """LEAN's hourly scan of the security models (``AlgorithmManager``): each security's
    margin interest rate model applies its interest at `time`."""
    for security in securities:
        model = security.margin_interest_rate_model
        if model is not MarginInterestRateModel.NULL:
            model.apply_margin_interest_rate(MarginInterestRateParameters(security, time))


__all__ = [
    "FuncRiskFreeRateInterestRateModel",
    "InterestRateProvider",
    "MarginInterestRateModel",
    "MarginInterestRateParameters",
    "NullMarginInterestRateModel",
    "ShortMarginInterestRateModel",
    "apply_margin_interest_rates",
    "statistics_rate_model",
]
