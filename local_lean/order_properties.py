"""LEAN's order properties and time in force (``Common/Orders/OrderProperties.cs``,
``TimeInForce.cs`` and ``TimeInForces/``).

An order's time in force says how long it keeps working: good till canceled (LEAN's default),
for the day (it expires at the market close that follows its submission), or good till a date
(it expires at that date's market close). LEAN's backtesting brokerage checks it before each
fill; an expired order is canceled with the message "The order has expired.". The runner
trades US equities, so the closes are the NYSE's.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from local_lean.conventions import from_utc
from local_lean.lean_members import LeanMembers
from local_lean.market_calendar import nyse_calendar

EXPIRED_MESSAGE = "The order has expired."


class TimeInForce(
    LeanMembers,
    lean_class="QuantConnect.Orders.TimeInForce",
    hint="use TimeInForce.GOOD_TIL_CANCELED, TimeInForce.DAY or TimeInForce.GOOD_TIL_DATE(date)",
):
    """How long an order keeps working before it is canceled (LEAN's ``TimeInForce``)."""

    # LEAN's three kinds; set below, once their classes exist.
    GOOD_TIL_CANCELED: TimeInForce
    DAY: TimeInForce

    @staticmethod
    def GOOD_TIL_DATE(expiry: dt.datetime) -> GoodTilDateTimeInForce:  # noqa: N802 (LEAN's name)
        """An order that expires at the market close of `expiry`'s date."""
        return GoodTilDateTimeInForce(expiry)

    def is_order_expired(self, security: Any, order: Any) -> bool:
        """Whether `order` has expired at `security`'s local time (LEAN's ``IsOrderExpired``)."""
        if security.local_time is None:
            return False
        return order_expired(self, order, security.local_time)

    def is_fill_valid(self, security: Any, order: Any, fill: Any) -> bool:
        """Every fill of an order that has not expired is valid, whatever its time in force."""
        return True


class GoodTilCanceledTimeInForce(
    TimeInForce, lean_class="QuantConnect.Orders.TimeInForces.GoodTilCanceledTimeInForce"
):
    """The order works until it fills or the algorithm cancels it (LEAN's default)."""

    def __repr__(self) -> str:
        return "GoodTilCanceledTimeInForce()"


class DayTimeInForce(TimeInForce, lean_class="QuantConnect.Orders.TimeInForces.DayTimeInForce"):
    """The order expires at the first market close after its submission."""

    def __repr__(self) -> str:
        return "DayTimeInForce()"


class GoodTilDateTimeInForce(
    TimeInForce, lean_class="QuantConnect.Orders.TimeInForces.GoodTilDateTimeInForce"
):
    """The order expires at the market close of its expiry date."""

    def __init__(self, expiry: dt.datetime | dt.date) -> None:
        if not isinstance(expiry, dt.date):
            raise TypeError(
                f"TimeInForce.GOOD_TIL_DATE takes the expiry date as a datetime, got {expiry!r}"
            )
        if not isinstance(expiry, dt.datetime):
            expiry = dt.datetime(expiry.year, expiry.month, expiry.day)
        self._expiry = expiry

    @property
    def expiry(self) -> dt.datetime:
        """The date whose market close ends the order."""
        return self._expiry

    def __repr__(self) -> str:
        return f"GoodTilDateTimeInForce({self._expiry!r})"


TimeInForce.GOOD_TIL_CANCELED = GoodTilCanceledTimeInForce()
TimeInForce.DAY = DayTimeInForce()


def expiry_time(time_in_force: TimeInForce, submitted: dt.datetime) -> dt.datetime | None:
    """The local time from which an order submitted at `submitted` (naive New York time) has
    expired; None when it never expires. LEAN's ``GetLastDailyMarketClose``: the first regular
    close strictly after the order's time (DAY) or after the expiry date's midnight (GTD)."""
    if isinstance(time_in_force, DayTimeInForce):
        return nyse_calendar().next_close_after(submitted)
    if isinstance(time_in_force, GoodTilDateTimeInForce):
        return nyse_calendar().next_close_after(
            dt.datetime.combine(time_in_force.expiry.date(), dt.time())
        )
    return None


def order_expired(time_in_force: TimeInForce, order: Any, now: dt.datetime) -> bool:
    """Whether `order` (its ``time`` naive UTC) has expired at `now` (naive New York time)."""
    if isinstance(time_in_force, GoodTilCanceledTimeInForce):
        return False
    expiry = expiry_time(time_in_force, from_utc(order.time))
    return expiry is not None and now >= expiry


class OrderProperties(LeanMembers, lean_class="QuantConnect.Orders.OrderProperties"):
    """An order's settings beyond its prices (LEAN's ``OrderProperties``): its time in force,
    good till canceled unless set."""

    def __init__(self, exchange: Any = None) -> None:
        self._time_in_force: TimeInForce = TimeInForce.GOOD_TIL_CANCELED
        self._exchange = exchange

    @property
    def time_in_force(self) -> TimeInForce:
        return self._time_in_force

    @time_in_force.setter
    def time_in_force(self, value: TimeInForce) -> None:
        if not isinstance(value, TimeInForce):
            raise TypeError(
                "time_in_force takes TimeInForce.GOOD_TIL_CANCELED, TimeInForce.DAY or "
                f"TimeInForce.GOOD_TIL_DATE(date), got {value!r}"
            )
        self._time_in_force = value

    @property
    def exchange(self) -> Any:
        """The exchange to route the order to (None: the brokerage's choice)."""
        return self._exchange

    @exchange.setter
    def exchange(self, value: Any) -> None:
        self._exchange = value

    def clone(self) -> OrderProperties:
        """A copy holding the same time in force (LEAN's memberwise ``Clone``)."""
        return copy.copy(self)

    def __repr__(self) -> str:
        return f"OrderProperties(time_in_force={self._time_in_force!r})"


def require_order_properties(properties: Any, what: str) -> None:
    """Refuse what is neither None (the default properties) nor an ``OrderProperties``."""
    if properties is not None and not isinstance(properties, OrderProperties):
        raise TypeError(
            f"{what} takes an OrderProperties (or None for the algorithm's "
            f"default_order_properties), got {properties!r}"
        )


def properties_json(properties: Any) -> str:
    """The order's properties as LEAN's results serialise them (``TimeInForceJsonConverter``:
    the type for all but good till canceled, then the kind's own properties)."""
    time_in_force = getattr(properties, "time_in_force", TimeInForce.GOOD_TIL_CANCELED)
    if isinstance(time_in_force, DayTimeInForce):
        return '{"timeInForce":{"$type":"QuantConnect.Orders.TimeInForces.DayTimeInForce"}}'
    if isinstance(time_in_force, GoodTilDateTimeInForce):
        expiry = time_in_force.expiry.strftime("%Y-%m-%dT%H:%M:%S")
        return (
            '{"timeInForce":{"$type":"QuantConnect.Orders.TimeInForces.GoodTilDateTimeInForce",'
            f'"Expiry":"{expiry}"}}}}'
        )
    return '{"timeInForce":{}}'


__all__ = [
    "EXPIRED_MESSAGE",
    "DayTimeInForce",
    "GoodTilCanceledTimeInForce",
    "GoodTilDateTimeInForce",
    "OrderProperties",
    "TimeInForce",
    "expiry_time",
    "order_expired",
    "properties_json",
    "require_order_properties",
]
