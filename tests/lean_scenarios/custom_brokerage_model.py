# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""LEAN's CustomBrokerageModelRegressionAlgorithm scenario: a brokerage model written in Python
refuses every AIG order and every order update, so only the SPY order fills.

The algorithm buys 100 SPY and 100 AIG while it holds nothing, and asks to add 10 shares to
its first order as soon as that order is submitted. It checks LEAN's messages at the end.
"""

from AlgorithmImports import *

REFUSED_SUBMIT = (
    "BrokerageModel declared unable to submit order: [2] Information - Code:  - "
    "AIG orders are refused"
)
REFUSED_UPDATE = "OrderID: 1 Information - Code:  - no updates"


class NoAigNoUpdates(DefaultBrokerageModel):
    def can_submit_order(self, security, order, message):
        if security.symbol.value == "AIG":
            return False, BrokerageMessageEvent(
                BrokerageMessageType.INFORMATION, "", "AIG orders are refused"
            )
        return True, None

    def can_update_order(self, security, order, request, message):
        return False, BrokerageMessageEvent(BrokerageMessageType.INFORMATION, "", "no updates")


class CustomBrokerageModelScenario(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_brokerage_model(NoAigNoUpdates())
        self.add_equity("SPY", Resolution.DAILY)
        self.add_equity("AIG", Resolution.DAILY)
        self.first_ticket = None
        self.aig_ticket = None

    def on_data(self, slice: Slice) -> None:
        if not self.portfolio.invested:
            self.market_order("SPY", 100)
            self.aig_ticket = self.market_order("AIG", 100)

    def on_order_event(self, order_event: OrderEvent) -> None:
        if self.first_ticket is None:
            self.first_ticket = self.transactions.get_order_ticket(order_event.order_id)
            fields = UpdateOrderFields()
            fields.quantity = self.first_ticket.quantity + 10
            self.first_ticket.update(fields)

    def on_end_of_algorithm(self) -> None:
        submitted = self.aig_ticket.submit_request.response.error_message
        if submitted != REFUSED_SUBMIT:
            raise AssertionError(f"unexpected submit response: {submitted}")
        updated = self.first_ticket.update_requests[0].response.error_message
        if updated != REFUSED_UPDATE:
            raise AssertionError(f"unexpected update response: {updated}")
        if self.portfolio["SPY"].quantity != 100 or self.portfolio["AIG"].invested:
            raise AssertionError("only the 100 SPY shares should have filled")
