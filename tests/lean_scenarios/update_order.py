# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's UpdateOrderRegressionAlgorithm scenario: each month a new SPY order of the next type
(market, limit, stop market, stop limit, market on open, market on close, trailing stop), built
as a SubmitOrderRequest; between the 9th and 13th its quantity grows by 10 shares, between the
14th and 19th its prices move to 0.5% around the price, later in the month it is canceled if
still open. The sign of the quantity flips at each turn of the order types."""

from math import copysign

from AlgorithmImports import *

ORDER_TYPES = [
    OrderType.MARKET,
    OrderType.LIMIT,
    OrderType.STOP_MARKET,
    OrderType.STOP_LIMIT,
    OrderType.MARKET_ON_OPEN,
    OrderType.MARKET_ON_CLOSE,
    OrderType.TRAILING_STOP,
]


class UpdateOrderScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.month = None
        self.quantity = 100
        self.types = CircularQueue[OrderType](ORDER_TYPES)
        self.types.circle_completed += self.flip
        self.ticket = None

    def flip(self, sender, args) -> None:
        self.quantity = -self.quantity

    def on_data(self, data: Slice) -> None:
        if not data.bars.contains_key("SPY"):
            return
        bar = data["SPY"]
        if self.time.month != self.month:
            self.month = self.time.month
            self.ticket = self.transactions.add_order(self.request(self.types.dequeue(), bar))
            return
        ticket = self.ticket
        if ticket is None or ticket.status == OrderStatus.FILLED:
            return
        updates = len(ticket.update_requests)
        day = self.time.day
        if 8 < day < 14 and updates == 0:
            fields = UpdateOrderFields()
            fields.quantity = ticket.quantity + copysign(10, self.quantity)
            fields.tag = f"Change quantity: {day}"
            ticket.update(fields)
        elif 13 < day < 20 and updates == 1:
            price = self.spy.price
            fields = UpdateOrderFields()
            fields.limit_price = price * (1 - copysign(0.005, ticket.quantity))
            if ticket.order_type != OrderType.TRAILING_STOP:
                fields.stop_price = price * (1 + copysign(0.005, ticket.quantity))
            fields.tag = f"Change prices: {day}"
            ticket.update(fields)
        elif not 8 < day < 20 and updates == 2:
            ticket.cancel(f"{day} and is still open!")

    def request(self, order_type: OrderType, bar: TradeBar) -> SubmitOrderRequest:
        buying = self.quantity > 0
        stop = bar.high * 1.025 if buying else bar.low * 0.975
        limit = stop * 0.975 if buying else stop * 1.025
        if order_type == OrderType.LIMIT:
            limit = bar.low * 0.975 if buying else bar.high * 1.025
        return SubmitOrderRequest(
            order_type,
            SecurityType.EQUITY,
            "SPY",
            self.quantity,
            stop,
            limit,
            0,  # trigger price
            0.01,  # trailing amount: 1%
            True,  # trailing as a percentage
            self.utc_time,
            str(int(order_type)),
        )

    def on_order_event(self, order_event: OrderEvent) -> None:
        order = self.transactions.get_order_by_id(order_event.order_id)
        if order.status == OrderStatus.CANCELED and order.canceled_time != order_event.utc_time:
            raise AssertionError("a canceled order's canceled_time is its event's time")
        if order.status == OrderStatus.FILLED and order.last_fill_time != order_event.utc_time:
            raise AssertionError("a filled order's last_fill_time is its event's time")
        if order_event.status == OrderStatus.UPDATE_SUBMITTED and order.last_update_time is None:
            raise AssertionError("an updated order has a last_update_time")
