"""Order properties and time in force as LEAN's ``OrderProperties`` and ``TimeInForce``
(cases from LEAN's Tests/Common/Orders/TimeInForces/TimeInForceTests.cs)."""

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.conventions import to_utc
from local_lean.enums import OrderStatus, Resolution
from local_lean.order_list_hash import REFUSED, order_json
from local_lean.order_properties import (
    DayTimeInForce,
    GoodTilDateTimeInForce,
    OrderProperties,
    TimeInForce,
    expiry_time,
    order_expired,
)
from local_lean.orders import OrderType
from local_lean.priced_orders import LimitOrder
from local_lean.securities import Security
from local_lean.symbols import equity_symbol

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)
SPY = equity_symbol("SPY")


def limit_order(placed_local: dt.datetime, time_in_force: TimeInForce) -> LimitOrder:
    properties = OrderProperties()
    properties.time_in_force = time_in_force
    return LimitOrder(
        id=1,
        symbol=SPY,
        quantity=10,
        type=OrderType.LIMIT,
        time=to_utc(placed_local),
        limit_price=100,
        properties=properties,
    )


def security_at(local_time: dt.datetime) -> Security:
    security = Security(SPY, Resolution.MINUTE, True)
    security.local_time = local_time
    return security


def test_order_properties_default_to_good_til_canceled_and_clone_independently():
    properties = OrderProperties()
    assert properties.time_in_force is TimeInForce.GOOD_TIL_CANCELED
    properties.time_in_force = TimeInForce.DAY
    copy = properties.clone()
    assert copy.time_in_force is TimeInForce.DAY
    copy.time_in_force = TimeInForce.GOOD_TIL_CANCELED
    assert properties.time_in_force is TimeInForce.DAY


def test_bad_time_in_force_values_name_the_accepted_ones():
    with pytest.raises(TypeError, match="TimeInForce.DAY"):
        OrderProperties().time_in_force = "DAY"
    with pytest.raises(TypeError, match="expiry date as a datetime"):
        TimeInForce.GOOD_TIL_DATE("2018-05-01")


def test_good_til_canceled_never_expires():
    order = limit_order(dt.datetime(2018, 4, 27, 10), TimeInForce.GOOD_TIL_CANCELED)
    assert not TimeInForce.GOOD_TIL_CANCELED.is_order_expired(
        security_at(dt.datetime(2030, 1, 1)), order
    )
    assert TimeInForce.GOOD_TIL_CANCELED.is_fill_valid(None, order, None)


def test_a_day_order_expires_at_the_market_close():
    placed = dt.datetime(2018, 4, 27, 10)  # LEAN's case: a Friday, 10:00 in New York
    order = limit_order(placed, TimeInForce.DAY)
    day = TimeInForce.DAY
    assert not day.is_order_expired(security_at(placed), order)
    assert not day.is_order_expired(security_at(placed + dt.timedelta(hours=6, seconds=-1)), order)
    assert day.is_order_expired(security_at(placed + dt.timedelta(hours=6)), order)


def test_a_day_order_placed_after_the_close_works_through_the_next_session():
    # after Friday's close: Monday's close (2018-04-30 16:00)
    assert expiry_time(TimeInForce.DAY, dt.datetime(2018, 4, 27, 17)) == dt.datetime(
        2018, 4, 30, 16
    )
    # the day after Thanksgiving closes at 13:00
    assert expiry_time(TimeInForce.DAY, dt.datetime(2013, 11, 29, 10)) == dt.datetime(
        2013, 11, 29, 13
    )


def test_a_good_til_date_order_expires_at_the_close_of_its_date():
    placed = dt.datetime(2018, 4, 27, 10)
    gtd = TimeInForce.GOOD_TIL_DATE(dt.datetime(2018, 5, 1))
    assert isinstance(gtd, GoodTilDateTimeInForce)
    assert gtd.expiry == dt.datetime(2018, 5, 1)
    order = limit_order(placed, gtd)
    for not_yet in (
        placed + dt.timedelta(hours=6, seconds=-1),
        placed + dt.timedelta(hours=6),
        placed + dt.timedelta(days=4),
        placed + dt.timedelta(days=4, hours=6, seconds=-1),
    ):
        assert not order_expired(gtd, order, not_yet)
    assert order_expired(gtd, order, placed + dt.timedelta(days=4, hours=6))
    # a holiday's date: the next session's close
    christmas = TimeInForce.GOOD_TIL_DATE(dt.datetime(2013, 12, 25))
    assert expiry_time(christmas, placed) == dt.datetime(2013, 12, 26, 16)


def test_the_order_list_hash_writes_the_time_in_force_as_lean():
    day = order_json(limit_order(dt.datetime(2013, 10, 7, 10), TimeInForce.DAY), REFUSED)
    assert '"properties":{"timeInForce":{"$type":"QuantConnect.Orders.TimeInForces.' in day
    assert "DayTimeInForce" in day
    gtd = TimeInForce.GOOD_TIL_DATE(dt.datetime(2013, 10, 10))
    text = order_json(limit_order(dt.datetime(2013, 10, 7, 10), gtd), REFUSED)
    assert '"Expiry":"2013-10-10T00:00:00"}}' in text
    gtc = order_json(limit_order(dt.datetime(2013, 10, 7, 10), DayTimeInForce()), REFUSED)
    assert gtc == day
    plain = limit_order(dt.datetime(2013, 10, 7, 10), TimeInForce.GOOD_TIL_CANCELED)
    assert '"properties":{"timeInForce":{}}' in order_json(plain, REFUSED)


class DayAndDefaultOrders(QCAlgorithm):
    """Far limit orders: one for the day, one good till 10/9, one with the default (GTC)."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.tickets: list = []
        self.events: list = []

    def on_data(self, data) -> None:
        if self.tickets:
            return
        day = OrderProperties()
        day.time_in_force = TimeInForce.DAY
        self.tickets.append(self.limit_order(self.spy, 10, 100, order_properties=day))
        self.default_order_properties.time_in_force = TimeInForce.GOOD_TIL_DATE(
            dt.datetime(2013, 10, 9)
        )
        self.tickets.append(self.limit_order(self.spy, 10, 100))
        self.default_order_properties = OrderProperties()
        self.tickets.append(self.limit_order(self.spy, 10, 100))

    def on_order_event(self, order_event) -> None:
        self.events.append((self.time, order_event.order_id, order_event.status))


@needs_sample
def test_expired_orders_are_canceled_at_their_close_with_leans_message():
    algorithm, outcome = run_algorithm(DayAndDefaultOrders, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    day, gtd, gtc = algorithm.tickets
    assert day.submit_request.order_properties.time_in_force is TimeInForce.DAY
    canceled = [(t, i) for t, i, s in algorithm.events if s == OrderStatus.CANCELED]
    # LEAN's scan meets the order at the first time step at or after its close
    assert canceled == [(dt.datetime(2013, 10, 7, 16), 1), (dt.datetime(2013, 10, 9, 16), 2)]
    assert day.order_events[-1].message == "The order has expired."
    assert gtc.status == OrderStatus.SUBMITTED
    assert algorithm.transactions.get_order_by_id(1).canceled_time == dt.datetime(2013, 10, 7, 20)


class BadProperties(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 2)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol

    def on_data(self, slice) -> None:
        self.limit_order(self.spy, 1, 10.0, order_properties=object())


def test_order_properties_of_another_type_are_refused_with_the_fix():
    _, outcome = run_algorithm(BadProperties)
    assert "order_properties takes an OrderProperties" in outcome.runtime_error
