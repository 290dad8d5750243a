# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's StopLimitOrderRegressionAlgorithm scenario: one stop limit purchase of SPY when a fast
EMA rises above a slow one, 10% above the day's high (limit 11% above); one stop limit sale when
the trend turns, 1% below the day's low (limit 2% below)."""

from AlgorithmImports import *


class StopLimitOrderScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 1, 1)
        self.set_end_date(2017, 1, 1)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.fast = self.ema(self.spy, 30, Resolution.DAILY)
        self.slow = self.ema(self.spy, 60, Resolution.DAILY)
        self.entry = None
        self.exit = None

    def on_data(self, slice: Slice) -> None:
        if not (self.fast.is_ready and self.slow.is_ready):
            return
        spread = self.fast.current.value / self.slow.current.value - 1
        bar = self.securities[self.spy]
        if self.entry is None:
            if spread > 0.001:
                self.entry = self.stop_limit_order(
                    self.spy, 100, stop_price=bar.high * 1.10, limit_price=bar.high * 1.11
                )
        elif self.entry.status == OrderStatus.FILLED and self.exit is None and spread < 0.001:
            self.exit = self.stop_limit_order(
                self.spy, -100, stop_price=bar.low * 0.99, limit_price=bar.low * 0.98
            )

    def on_order_event(self, order_event: OrderEvent) -> None:
        if order_event.status != OrderStatus.FILLED:
            return
        order = self.transactions.get_order_by_id(order_event.order_id)
        if not order.stop_triggered:
            raise AssertionError("a stop limit order fills only once its stop triggered")
        ticket = self.entry if order_event.direction == OrderDirection.BUY else self.exit
        limit = ticket.get(OrderField.LIMIT_PRICE)
        worse = order_event.fill_price - limit
        if order_event.direction == OrderDirection.SELL:
            worse = -worse
        if worse > 0:
            raise AssertionError(f"filled at {order_event.fill_price}, beyond the limit {limit}")
