"""Brokerage models as LEAN's: set_brokerage_model by name or with a Python subclass, the
models it gives securities, and its refusals of orders and updates with LEAN's messages."""

from __future__ import annotations

import datetime as dt

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, Resolution, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.models.brokerages import (
    AccountType,
    AlphaStreamsBrokerageModel,
    AxosClearingBrokerageModel,
    BrokerageMessageEvent,
    BrokerageMessageType,
    BrokerageName,
    DefaultBrokerageModel,
    InteractiveBrokersBrokerageModel,
    create_brokerage_model,
)
from local_lean.models.fees import (
    AlphaStreamsFeeModel,
    AxosFeeModel,
    InteractiveBrokersFeeModel,
    OrderFeeParameters,
)
from local_lean.models.shortable import LocalDiskShortableProvider
from local_lean.models.slippage import AlphaStreamsSlippageModel
from local_lean.orders import (
    OrderResponseErrorCode,
    OrderType,
    SubmitOrderRequest,
    UpdateOrderFields,
)
from local_lean.priced_orders import create_order
from local_lean.securities import Security
from local_lean.symbols import equity_symbol

NOW = dt.datetime(2021, 3, 1, 15)


class BuysOnce(QCAlgorithm):
    """Buys `quantity` SPY at the first bar; `brokerage` is what set_brokerage_model gets."""

    brokerage: object = None
    account_type = AccountType.MARGIN
    quantity = 100
    update_to: float | None = None

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.set_cash(100_000)
        self.early = self.add_equity("QQQ", Resolution.DAILY)
        if self.brokerage is not None:
            self.set_brokerage_model(self.brokerage, self.account_type)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.ticket = None
        self.events = []

    def on_data(self, slice) -> None:
        if self.ticket is None:
            self.ticket = self.market_order("SPY", self.quantity)
            if self.update_to is not None:
                fields = UpdateOrderFields()
                fields.quantity = self.update_to
                self.update_response = self.ticket.update(fields)

    def on_order_event(self, order_event) -> None:
        self.events.append(order_event)
        if order_event.status == OrderStatus.FILLED:
            spy = self.securities["SPY"]
            self.fill_bar = (spy.open, spy.close)  # the bar that fills the order


def run(**attributes):
    algorithm, outcome = run_algorithm(type("Run", (BuysOnce,), attributes))
    assert outcome.succeeded, outcome.runtime_error
    return algorithm, outcome


def test_names_give_leans_models():
    assert type(create_brokerage_model(BrokerageName.DEFAULT)) is DefaultBrokerageModel
    assert type(create_brokerage_model(BrokerageName.QUANT_CONNECT_BROKERAGE)) is (
        DefaultBrokerageModel
    )
    ib = create_brokerage_model(BrokerageName.INTERACTIVE_BROKERS_BROKERAGE)
    assert isinstance(ib, InteractiveBrokersBrokerageModel)
    assert isinstance(
        create_brokerage_model(BrokerageName.ALPHA_STREAMS), AlphaStreamsBrokerageModel
    )
    assert DefaultBrokerageModel().default_markets[SecurityType.EQUITY] == "usa"
    assert DefaultBrokerageModel().default_markets[SecurityType.CRYPTO] == "coinbase"


def test_alpha_streams_gives_leverage_one_its_fees_and_slippage():
    algorithm, outcome = run(brokerage=BrokerageName.ALPHA_STREAMS)
    assert "SPY: AlphaStreamsFeeModel" in outcome.record.sections["simulation"]["fee model"]
    spy = algorithm.spy
    assert spy.leverage == 1.0
    assert isinstance(spy.fee_model, AlphaStreamsFeeModel)
    assert isinstance(spy.slippage_model, AlphaStreamsSlippageModel)
    # Added before the model was set: keeps its leverage (LEAN), gets the other models.
    assert algorithm.early.leverage == 2.0
    assert isinstance(algorithm.early.fee_model, AlphaStreamsFeeModel)
    (fill,) = [e for e in algorithm.events if e.status == OrderStatus.FILLED]
    # The fill is 0.01% of the bar's close above its open (a buy).
    bar_open, close = algorithm.fill_bar
    assert fill.fill_price == pytest.approx(bar_open + 0.0001 * close)
    assert fill.order_fee.value.amount == 1.0  # 100 shares: the $1 minimum


def test_interactive_brokers_margin_account_has_leverage_two():
    algorithm, _ = run(brokerage=BrokerageName.INTERACTIVE_BROKERS_BROKERAGE)
    assert algorithm.spy.leverage == 2.0
    assert isinstance(algorithm.spy.fee_model, InteractiveBrokersFeeModel)


def test_brokerage_model_property_defaults_to_leans_default():
    algorithm, _ = run()
    assert type(algorithm.brokerage_model) is DefaultBrokerageModel
    assert algorithm.brokerage_model.account_type == AccountType.MARGIN


class RefusesEverything(DefaultBrokerageModel):
    def can_submit_order(self, security, order, message):
        return False, BrokerageMessageEvent(BrokerageMessageType.WARNING, "NO", "closed today")

    def can_update_order(self, security, order, request, message):
        return False, None


class RefusesUpdates(DefaultBrokerageModel):
    def can_update_order(self, security, order, request, message):
        return False, BrokerageMessageEvent(BrokerageMessageType.INFORMATION, "", "frozen")


def test_a_refused_order_is_invalid_with_leans_message():
    algorithm, outcome = run(brokerage=RefusesEverything())
    response = algorithm.ticket.submit_request.response
    assert response.error_code == OrderResponseErrorCode.BROKERAGE_MODEL_REFUSED_TO_SUBMIT_ORDER
    assert response.error_message == (
        "BrokerageModel declared unable to submit order: [1] Warning - Code: NO - closed today"
    )
    assert algorithm.ticket.status == OrderStatus.INVALID
    assert [e.status for e in algorithm.events] == [OrderStatus.INVALID]
    assert outcome.record.orders[0]["status"] == "invalid"  # counts in Total Orders, as in LEAN


def test_a_refused_update_keeps_the_order_and_says_why():
    algorithm, _ = run(brokerage=RefusesUpdates(), update_to=150)
    (update,) = algorithm.ticket.update_requests
    assert (
        update.response.error_code == OrderResponseErrorCode.BROKERAGE_MODEL_REFUSED_TO_UPDATE_ORDER
    )
    assert update.response.error_message == "OrderID: 1 Information - Code:  - frozen"
    assert algorithm.portfolio["SPY"].quantity == 100
    messages = [e.message for e in algorithm.events]
    assert "BrokerageModel declared unable to update order" in messages


def test_a_refused_update_still_stamps_the_orders_last_update_time_as_lean_does():
    # LEAN's HandleOrderEvents: a Submitted event of an order with update requests is an
    # update's, so even the refusal's event sets LastUpdateTime (it is in the order's JSON)
    algorithm, _ = run(brokerage=RefusesUpdates(), update_to=150)
    (refusal,) = [
        e for e in algorithm.events if e.message == "BrokerageModel declared unable to update order"
    ]
    order = algorithm.transactions.get_order_by_id(algorithm.ticket.order_id)
    assert order.last_update_time == refusal.utc_time


def test_an_allowed_update_changes_the_quantity():
    algorithm, _ = run(update_to=150)
    assert algorithm.update_response.is_success
    assert algorithm.portfolio["SPY"].quantity == 150


def test_a_refusal_without_message_gets_leans_default_text():
    class Silent(DefaultBrokerageModel):
        def can_submit_order(self, security, order, message):
            return False, None

    algorithm, _ = run(brokerage=Silent())
    assert algorithm.ticket.submit_request.response.error_message == (
        "BrokerageModel declared unable to submit order: [1] Warning - Code: InvalidOrder - "
    )


def test_unsupported_brokerage_names_and_cash_accounts_fail_clearly():
    with pytest.raises(NotSupportedError, match="TRADIER_BROKERAGE.*DEFAULT"):
        create_brokerage_model(BrokerageName.TRADIER_BROKERAGE)
    with pytest.raises(NotSupportedError, match="AccountType.CASH.*MARGIN"):
        create_brokerage_model(BrokerageName.DEFAULT, AccountType.CASH)
    with pytest.raises(ValueError, match="Alpha Streams brokerage does not currently support Cash"):
        create_brokerage_model(BrokerageName.ALPHA_STREAMS, AccountType.CASH)
    with pytest.raises(TypeError, match="BrokerageName or a brokerage model"):
        create_brokerage_model("interactive brokers")
    with pytest.raises(TypeError, match="account_type must be an AccountType"):
        DefaultBrokerageModel("margin")


def test_a_model_answering_neither_bool_nor_pair_fails_clearly():
    class Confused(DefaultBrokerageModel):
        def can_submit_order(self, security, order, message):
            return "yes"

    algorithm, outcome = run_algorithm(type("Run", (BuysOnce,), {"brokerage": Confused()}))
    assert not outcome.succeeded
    assert "must return (allowed, message)" in outcome.runtime_error


def test_a_plain_bool_answer_is_accepted():
    class Plain(DefaultBrokerageModel):
        def can_submit_order(self, security, order, message):
            return True

    algorithm, _ = run(brokerage=Plain())
    assert algorithm.portfolio["SPY"].quantity == 100


def test_updating_a_closed_order_is_refused_with_leans_message():
    algorithm, _ = run()
    fields = UpdateOrderFields()
    fields.quantity = 5
    response = algorithm.ticket.update(fields)
    assert response.error_code == OrderResponseErrorCode.INVALID_ORDER_STATUS
    assert response.error_message == (
        "Unable to update order with id 1 because it already has Filled status."
    )


class AxosStops(BuysOnce):
    brokerage = BrokerageName.AXOS

    def on_data(self, slice) -> None:
        if self.ticket is None:
            # daily data: a market order now would be a MarketOnOpen one, which Axos refuses
            self.market = self.market_order("SPY", 100)
            self.ticket = self.limit_order("SPY", 100, self.spy.price * 2)
            self.stop = self.stop_market_order("SPY", -10, 1.0)


def test_axos_charges_its_fee_per_share_refuses_stops_and_has_no_benchmark():
    assert isinstance(create_brokerage_model(BrokerageName.AXOS), AxosClearingBrokerageModel)
    algorithm, outcome = run_algorithm(AxosStops)
    assert outcome.succeeded, outcome.runtime_error
    assert isinstance(algorithm.spy.fee_model, AxosFeeModel)
    assert isinstance(algorithm.spy.shortable_provider, LocalDiskShortableProvider)
    (fill,) = [e for e in algorithm.events if e.status == OrderStatus.FILLED]
    assert fill.order_fee.value.amount == pytest.approx(0.35)  # 100 shares at $0.0035, no minimum
    for ticket, kind in ((algorithm.market, "MarketOnOpen"), (algorithm.stop, "StopMarket")):
        assert ticket.submit_request.response.error_message == (
            f"BrokerageModel declared unable to submit order: [{ticket.order_id}] Warning - "
            f"Code: NotSupported - The AxosClearingBrokerageModel does not support {kind} order "
            "type. Only supports [Limit,Market,MarketOnClose]"
        )
    # LEAN's Axos model gives a benchmark worth 0 at all times
    assert set(outcome.record.benchmark.to_numpy()) == {0.0}


def test_axos_refuses_fractional_quantities_with_leans_message():
    model = AxosClearingBrokerageModel()
    order = create_order(
        SubmitOrderRequest(OrderType.MARKET, SecurityType.EQUITY, "SPY", 1.5, 0, 0, NOW, ""),
        7,
        NOW,
        100.0,
    )
    security = Security(equity_symbol("SPY"), Resolution.DAILY, True)
    allowed, message = model.can_submit_order(security, order)
    assert not allowed
    assert str(message) == (
        "Warning - Code: NotSupported - Order Quantity must be Integer, but provided 1.5."
    )
    assert AxosFeeModel(0.01).get_order_fee(OrderFeeParameters(security, order)).value.amount == (
        pytest.approx(0.015)
    )
