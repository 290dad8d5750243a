"""An order for a ticker string the algorithm never added: LEAN converts the string to a
custom-data Symbol (SymbolCache misses), adds it for the order and refuses the order, as its
data never comes (QCAlgorithm.Trading.cs GetSecurityForOrder, PreOrderChecksImpl)."""

from __future__ import annotations

from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, Resolution, SecurityType
from local_lean.orders import OrderResponseErrorCode


class OrdersUnknownTicker(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 2)
        self.set_end_date(2020, 1, 8)
        self.add_equity("SPY", Resolution.DAILY)
        self.refused = None

    def on_data(self, data):
        if self.refused is None:
            self.refused = self.market_order("PEPE", 1)
            self.lower_case = self.market_order("spy", 1)  # an added ticker, any case


def test_unknown_ticker_order_is_invalid_with_security_price_zero():
    algorithm, outcome = run_algorithm(OrdersUnknownTicker)
    assert outcome.runtime_error is None
    ticket = algorithm.refused
    assert ticket.status == OrderStatus.INVALID
    response = ticket.submit_request.response
    assert response.error_code == OrderResponseErrorCode.SECURITY_PRICE_ZERO
    assert ticket.symbol.security_type == SecurityType.BASE
    assert ticket.symbol.value == "PEPE"
    # No order is created for it, and the runner keeps no such security.
    assert algorithm.transactions.orders_count == 1
    assert "PEPE" not in algorithm.securities
    assert algorithm.lower_case.status != OrderStatus.INVALID
