"""Every public name LEAN's classes have either behaves in the runner or raises NotSupportedError.

For each class the runner emulates, the objects come from a real backtest (SPY on the synthetic
market, a market order, a limit order, an insight traded by the framework). Every public name
the LEAN class declares (``quantconnect-stubs``: the class, its bases, ``System.Object``) is
read on the runner's object: it returns, or it raises NotSupportedError naming ``Class.name``
and what to use instead; an AttributeError, KeyError or any other error fails. Every method the
runner offers on these classes (QCAlgorithm's are covered by test_algorithm_api.py and the
feature tests) is called with valid arguments during the backtest, and must not raise.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import (
    DayOfWeek,
    DelistingType,
    InsightDirection,
    OrderStatus,
    Resolution,
    SplitType,
)
from local_lean.errors import NotSupportedError
from local_lean.framework import (
    EqualWeightingPortfolioConstructionModel,
    ImmediateExecutionModel,
    Insight,
    PortfolioTarget,
)
from local_lean.framework.alpha import SecurityChanges
from local_lean.lean_members import lean_names_of
from local_lean.market_data import Delisting, Dividend, Split
from local_lean.models.fees import ConstantFeeModel
from local_lean.models.margin import SecurityMarginModel
from local_lean.models.shortable import NullShortableProvider
from local_lean.models.slippage import ConstantSlippageModel
from local_lean.order_requests import (
    CancelOrderRequest,
    OrderField,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.orders import OrderDirection, OrderTicket, OrderType
from local_lean.quantbook import QuantBook
from local_lean.user_fill_models import EquityFillModel
from local_lean.volatility import StandardDeviationOfReturnsVolatilityModel

NOW_UTC = dt.datetime(2021, 1, 6, 15, 0)
EVENT_TIME = dt.datetime(2021, 1, 6)


def tag_fields(tag: str) -> UpdateOrderFields:
    """An update of the tag alone (LEAN's ``UpdateOrderFields { Tag = tag }``)."""
    fields = UpdateOrderFields()
    fields.tag = tag
    return fields


# The class's key -> each offered method -> a call with valid arguments: f(algorithm, obj).
CALLS: dict[str, dict[str, Any]] = {
    "Slice": {
        "contains_key": lambda a, s: s.contains_key(a.spy),
        "get": lambda a, s: s.get(a.spy),
        "get_keys": lambda a, s: s.get_keys(),
        "get_values": lambda a, s: s.get_values(),
        "items": lambda a, s: s.items(),
        "keys": lambda a, s: s.keys(),
        "values": lambda a, s: s.values(),
    },
    "TradeBar": {},
    "OrderEvent": {"to_string": lambda a, e: e.to_string()},
    "OrderTicket": {
        "get": lambda a, t: t.get(OrderField.LIMIT_PRICE),
        "update": lambda a, t: t.update(tag_fields("updated")),
        "update_limit_price": lambda a, t: t.update_limit_price(1.0),
        "update_quantity": lambda a, t: t.update_quantity(2),
        "update_stop_price": lambda a, t: t.update_stop_price(1.0),
        "update_stop_trailing_amount": lambda a, t: t.update_stop_trailing_amount(1.0),
        "update_tag": lambda a, t: t.update_tag("tagged"),
        "update_trigger_price": lambda a, t: t.update_trigger_price(1.0),
        "get_most_recent_order_request": lambda a, t: t.get_most_recent_order_request(),
        "get_most_recent_order_response": lambda a, t: t.get_most_recent_order_response(),
        "cancel": lambda a, t: t.cancel("done"),
        "invalid_update_order_id": lambda a, t: OrderTicket.invalid_update_order_id(
            a.transactions, UpdateOrderRequest(a.utc_time, 999, tag_fields("x"))
        ),
        "invalid_cancel_order_id": lambda a, t: OrderTicket.invalid_cancel_order_id(
            a.transactions, CancelOrderRequest(a.utc_time, 999, "x")
        ),
        "invalid_submit_request": lambda a, t: OrderTicket.invalid_submit_request(
            a.transactions, t.submit_request, t.submit_request.response
        ),
    },
    "Insight": {
        "clone": lambda a, i: i.clone(),
        "is_active": lambda a, i: i.is_active(NOW_UTC),
        "is_expired": lambda a, i: i.is_expired(NOW_UTC),
        "group": lambda a, i: Insight.group(
            Insight.price(a.spy, dt.timedelta(days=1), InsightDirection.UP)
        ),
        "price": lambda a, i: Insight.price(a.spy, dt.timedelta(days=1), InsightDirection.UP),
        "expire": lambda a, i: i.clone().expire(NOW_UTC),
        "cancel": lambda a, i: i.clone().cancel(NOW_UTC),
    },
    "SecurityManager": {
        "add": lambda a, m: m.add(m[a.spy]),
        "contains_key": lambda a, m: m.contains_key(a.spy),
        "get": lambda a, m: m.get(a.spy),
        "items": lambda a, m: m.items(),
        "keys": lambda a, m: m.keys(),
        "values": lambda a, m: m.values(),
    },
    "Security": {
        "set_buying_power_model": lambda a, s: s.set_buying_power_model(SecurityMarginModel(2)),
        "set_fee_model": lambda a, s: s.set_fee_model(ConstantFeeModel(1)),
        "set_leverage": lambda a, s: s.set_leverage(2),
        "set_market_price": lambda a, s: s.set_market_price(a.kept["TradeBar"]),
        "set_fill_model": lambda a, s: s.set_fill_model(EquityFillModel()),
        "set_shortable_provider": lambda a, s: s.set_shortable_provider(NullShortableProvider()),
        "set_slippage_model": lambda a, s: s.set_slippage_model(ConstantSlippageModel(0)),
        "set_volatility_model": lambda a, s: s.set_volatility_model(
            StandardDeviationOfReturnsVolatilityModel(5)
        ),
        # LEAN sets the mode when subscribing; the runner asks for it at add_equity.
        "set_data_normalization_mode": NotSupportedError,
        "add": lambda a, s: s.add("offered_case", 1),
        "set": lambda a, s: s.set("offered_case", 2),
        "clear": lambda a, s: s.clear(),
        # The security here is daily; filters apply to minute and hour bars.
        "set_data_filter": NotSupportedError,
        # daily data: LEAN's hourly scan of the models needs minute or hour bars here
        "set_margin_interest_rate_model": NotSupportedError,
    },
    "SecurityHolding": {
        "get_quantity_value": lambda a, h: h.get_quantity_value(1),
        "add_new_dividend": lambda a, h: h.add_new_dividend(0),
        "add_new_fee": lambda a, h: h.add_new_fee(0),
        "add_new_profit": lambda a, h: h.add_new_profit(0),
        "add_new_sale": lambda a, h: h.add_new_sale(0),
        "set_last_trade_profit": lambda a, h: h.set_last_trade_profit(h.last_trade_profit),
        "set_holdings": lambda a, h: h.set_holdings(h.average_price, h.quantity),
        "total_close_profit": lambda a, h: h.total_close_profit(True, h.price, None, 1),
    },
    "SecurityPortfolioManager": {
        "contains_key": lambda a, p: p.contains_key(a.spy),
        "get": lambda a, p: p.get(a.spy),
        "get_margin_remaining": lambda a, p: p.get_margin_remaining(p.total_portfolio_value),
        "items": lambda a, p: p.items(),
        "keys": lambda a, p: p.keys(),
        "values": lambda a, p: p.values(),
        "process_fills": lambda a, p: p.process_fills([]),
        "set_cash": lambda a, p: p.set_cash(p.cash),
        "get_buying_power": lambda a, p: p.get_buying_power(a.spy, OrderDirection.SELL),
    },
    "CashBook": {
        "add": lambda a, b: b.add("USD", b["USD"].amount),
        "contains_key": lambda a, b: b.contains_key("USD"),
        "convert_to_account_currency": lambda a, b: b.convert_to_account_currency(1, "USD"),
        "items": lambda a, b: b.items(),
        "keys": lambda a, b: b.keys(),
        "values": lambda a, b: b.values(),
    },
    "Cash": {
        "add_amount": lambda a, c: c.add_amount(0),
        "set_amount": lambda a, c: c.set_amount(c.amount),
    },
    "Order": {
        "apply_update_order_request": lambda a, o: o.clone().apply_update_order_request(
            UpdateOrderRequest(a.time, o.id, tag_fields("x"))
        ),
        "clone": lambda a, o: o.clone(),
        "get_default_tag": lambda a, o: o.get_default_tag(),
        "get_value": lambda a, o: o.get_value(a.securities[a.spy]),
        "to_string": lambda a, o: o.to_string(),
    },
    "InsightManager": {
        "add": lambda a, m: None,  # adding is emit_insights' work: checked below by add_range
        "add_range": lambda a, m: m.add_range([]),
        "contains": lambda a, m: m.contains(a.kept["Insight"]),
        "contains_key": lambda a, m: m.contains_key(a.spy),
        "get_active_insights": lambda a, m: m.get_active_insights(NOW_UTC),
        "get_insights": lambda a, m: m.get_insights(),
        "get_next_expiry_time": lambda a, m: m.get_next_expiry_time(),
        "has_active_insights": lambda a, m: m.has_active_insights(a.spy, NOW_UTC),
        "remove_expired_insights": lambda a, m: m.remove_expired_insights(NOW_UTC),
        "try_get_value": lambda a, m: m.try_get_value(a.spy),
        "step": lambda a, m: m.step(NOW_UTC),
        "set_insight_score_function": lambda a, m: None,  # tested in test_insight_manager.py
        "remove_insights": lambda a, m: m.remove_insights(lambda insight: False),
        "remove": lambda a, m: m.remove(Insight.price(a.spy, dt.timedelta(1), 1)),
        "expire": lambda a, m: m.expire([]),
        "cancel": lambda a, m: m.cancel([]),
        "clear": lambda a, m: m.clear([]),
    },
    "PortfolioConstructionModel": {
        "create_targets": lambda a, m: m.create_targets(a, []),
        "determine_target_percent": lambda a, m: m.determine_target_percent([]),
        "get_target_insights": lambda a, m: m.get_target_insights(),
        "is_rebalance_due": lambda a, m: m.is_rebalance_due([], NOW_UTC),
        "on_securities_changed": lambda a, m: m.on_securities_changed(a, SecurityChanges([])),
        "set_rebalancing_func": lambda a, m: m.set_rebalancing_func(Resolution.DAILY),
        "should_create_target_for_insight": lambda a, m: m.should_create_target_for_insight(
            a.kept["Insight"]
        ),
    },
    "ExecutionModel": {
        "execute": lambda a, m: m.execute(a, []),
        "on_order_event": lambda a, m: m.on_order_event(a, a.kept["OrderEvent"]),
        "on_securities_changed": lambda a, m: m.on_securities_changed(a, SecurityChanges([])),
    },
    "AlphaModel": {
        "update": lambda a, m: m.update(a, a.kept["Slice"]),
        "on_securities_changed": lambda a, m: m.on_securities_changed(a, SecurityChanges([])),
    },
    "RiskManagementModel": {
        "manage_risk": lambda a, m: m.manage_risk(a, []),
        "on_securities_changed": lambda a, m: m.on_securities_changed(a, SecurityChanges([])),
    },
    "PortfolioTarget": {"percent": lambda a, t: PortfolioTarget.percent(a, a.spy, 0.1)},
    "UniverseSettings": {},
    "AlgorithmSettings": {},
    "DateRules": {
        "every": lambda a, r: r.every(DayOfWeek.MONDAY),
        "every_day": lambda a, r: r.every_day(a.spy),
        "month_end": lambda a, r: r.month_end(a.spy),
        "month_start": lambda a, r: r.month_start(a.spy),
        "on": lambda a, r: r.on(2021, 1, 8),
        "week_end": lambda a, r: r.week_end(a.spy),
        "week_start": lambda a, r: r.week_start(a.spy),
    },
    "TimeRules": {
        "after_market_close": lambda a, r: r.after_market_close(a.spy, 30),
        "after_market_open": lambda a, r: r.after_market_open(a.spy, 30),
        "at": lambda a, r: r.at(10, 0),
        "before_market_close": lambda a, r: r.before_market_close(a.spy, 30),
        "before_market_open": lambda a, r: r.before_market_open(a.spy, 30),
    },
    "ScheduleManager": {
        "on": lambda a, m: m.on(a.date_rules.on(2021, 1, 8), a.time_rules.at(9, 0), lambda: None)
    },
    "ObjectStore": {
        "save": lambda a, o: o.save("offered-members", "text"),
        "save_string": lambda a, o: o.save_string("offered-members", "text"),
        "save_bytes": lambda a, o: o.save_bytes("offered-members-bytes", b"bytes"),
        "read": lambda a, o: o.read("offered-members"),
        "read_string": lambda a, o: o.read_string("offered-members"),
        "read_bytes": lambda a, o: o.read_bytes("offered-members-bytes"),
        "contains_key": lambda a, o: o.contains_key("offered-members"),
        "get_file_path": lambda a, o: o.get_file_path("offered-members"),
        "delete": lambda a, o: o.delete("offered-members"),
    },
    "Dividend": {},
    "Split": {},
    "Delisting": {},
    "SecurityChanges": {},
    "SecurityTransactionManager": {
        "add_order": lambda a, t: t.add_order(
            SubmitOrderRequest(OrderType.LIMIT, a.spy_type, a.spy, 1, 0, 1.0, a.utc_time, "")
        ),
        "cancel_open_orders": lambda a, t: t.cancel_open_orders(a.spy, "all"),
        "cancel_order": lambda a, t: t.cancel_order(a.kept["OrderTicket"].order_id),
        "get_open_order_tickets": lambda a, t: t.get_open_order_tickets(),
        "get_open_orders": lambda a, t: t.get_open_orders(),
        "get_open_orders_remaining_quantity": lambda a, t: t.get_open_orders_remaining_quantity(),
        "get_order_by_id": lambda a, t: t.get_order_by_id(1),
        "get_order_ticket": lambda a, t: t.get_order_ticket(1),
        "get_order_tickets": lambda a, t: t.get_order_tickets(),
        "get_orders": lambda a, t: t.get_orders(),
        "update_order": lambda a, t: t.update_order(
            UpdateOrderRequest(a.time, a.kept["LimitTicket"].order_id, tag_fields("u"))
        ),
        "wait_for_order": lambda a, t: t.wait_for_order(1),
    },
}


def emulated_objects(algorithm: Any) -> dict[str, Any]:
    """The runner's object for each emulated LEAN class, from a running backtest."""
    kept = algorithm.kept
    return {
        "Slice": kept["Slice"],
        "TradeBar": kept["TradeBar"],
        "OrderEvent": kept["OrderEvent"],
        "OrderTicket": kept["LimitTicket"],
        "Insight": kept["Insight"],
        "SecurityManager": algorithm.securities,
        "Security": algorithm.securities[algorithm.spy],
        "SecurityHolding": algorithm.portfolio[algorithm.spy],
        "SecurityPortfolioManager": algorithm.portfolio,
        "CashBook": algorithm.portfolio.cash_book,
        "Cash": algorithm.portfolio.cash_book["USD"],
        "Order": algorithm.transactions.get_order_by_id(kept["OrderTicket"].order_id),
        "InsightManager": algorithm.insights,
        "PortfolioConstructionModel": algorithm.portfolio_construction,
        "ExecutionModel": algorithm.execution,
        "AlphaModel": algorithm.alpha,
        "RiskManagementModel": algorithm.risk_management,
        "PortfolioTarget": PortfolioTarget(algorithm.spy, 10),
        "UniverseSettings": algorithm.universe_settings,
        "AlgorithmSettings": algorithm.settings,
        "SecurityTransactionManager": algorithm.transactions,
        "DateRules": algorithm.date_rules,
        "TimeRules": algorithm.time_rules,
        "ScheduleManager": algorithm.schedule,
        "ObjectStore": algorithm.object_store,
        "Dividend": Dividend(algorithm.spy, EVENT_TIME, 0.5, 100.0),
        "Split": Split(algorithm.spy, EVENT_TIME, 100.0, 0.5, SplitType.SPLIT_OCCURRED),
        "Delisting": Delisting(algorithm.spy, EVENT_TIME, 100.0, DelistingType.DELISTED),
        "SecurityChanges": SecurityChanges([algorithm.securities[algorithm.spy]]),
        "QCAlgorithm": algorithm,
    }


def offered_methods(obj: Any) -> list[str]:
    """LEAN's method names the runner's object offers (reading them does not raise)."""
    names = []
    for name in sorted(lean_names_of(type(obj))):
        try:
            value = getattr(obj, name)
        except NotSupportedError:
            continue
        if inspect.ismethod(value) or inspect.isfunction(value):
            names.append(name)
    return names


class OffersEverything(QCAlgorithm):
    """SPY bought by hand and by the framework; a limit order left open; then, during the
    third session, every offered method of the emulated classes is called."""

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY").symbol
        self.spy_type = self.securities[self.spy].type
        self.set_portfolio_construction(EqualWeightingPortfolioConstructionModel())
        self.set_execution(ImmediateExecutionModel())
        self.kept: dict[str, Any] = {}
        self.call_outcomes: dict[tuple[str, str], BaseException | None] = {}
        self.schedule.on(self.date_rules.on(2021, 1, 7), self.time_rules.at(10, 0), self.call_all)

    def on_data(self, data) -> None:
        if "Slice" in self.kept:
            return
        self.kept["Slice"] = data
        self.kept["TradeBar"] = data.bars[self.spy]
        self.kept["OrderTicket"] = self.market_order(self.spy, 10)
        self.kept["LimitTicket"] = self.limit_order(self.spy, 1, 1.0)
        self.kept["Insight"] = Insight.price(self.spy, dt.timedelta(days=1), InsightDirection.UP)
        self.emit_insights(self.kept["Insight"])

    def on_order_event(self, order_event) -> None:
        if order_event.status == OrderStatus.FILLED:
            self.kept.setdefault("OrderEvent", order_event)

    def call_all(self) -> None:
        for key, obj in emulated_objects(self).items():
            for name, call in CALLS.get(key, {}).items():
                try:
                    if isinstance(call, type):
                        getattr(obj, name)(None)
                    else:
                        call(self, obj)
                    self.call_outcomes[(key, name)] = None
                except Exception as error:  # noqa: BLE001 - each outcome is checked below
                    self.call_outcomes[(key, name)] = error


@pytest.fixture(scope="module")
def algorithm(tmp_path_factory) -> OffersEverything:
    storage = tmp_path_factory.mktemp("object-store")
    algorithm, outcome = run_algorithm(OffersEverything, storage=storage)
    assert outcome.succeeded, outcome.runtime_error
    return algorithm


KEYS = [
    "Slice",
    "TradeBar",
    "OrderEvent",
    "OrderTicket",
    "Insight",
    "SecurityManager",
    "Security",
    "SecurityHolding",
    "SecurityPortfolioManager",
    "CashBook",
    "Cash",
    "Order",
    "InsightManager",
    "PortfolioConstructionModel",
    "ExecutionModel",
    "AlphaModel",
    "RiskManagementModel",
    "PortfolioTarget",
    "UniverseSettings",
    "AlgorithmSettings",
    "SecurityTransactionManager",
    "DateRules",
    "TimeRules",
    "ScheduleManager",
    "ObjectStore",
    "Dividend",
    "Split",
    "Delisting",
    "SecurityChanges",
    "QCAlgorithm",
]


@pytest.mark.parametrize("key", KEYS)
def test_every_lean_name_reads_or_says_it_is_not_supported(algorithm, key):
    obj = emulated_objects(algorithm)[key]
    names = lean_names_of(type(obj))
    assert names, f"{type(obj).__name__} does not name the LEAN class it stands for"
    lean_class = type(obj)._lean_class.rsplit(".", 1)[-1]
    problems = []
    for name in sorted(names):
        try:
            getattr(obj, name)
        except NotSupportedError as error:
            message = str(error)
            if f"{lean_class}.{name} is not supported by local_lean: " not in message:
                problems.append(f"{name}: the message does not name it and a way: {message}")
        except Exception as error:  # noqa: BLE001 - any other error is the failure reported
            problems.append(f"{name}: {type(error).__name__}: {error}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", [k for k in KEYS if k != "QCAlgorithm"])
def test_every_offered_method_is_called_with_valid_arguments(algorithm, key):
    obj = emulated_objects(algorithm)[key]
    offered = offered_methods(obj)
    missing = sorted(set(offered) - set(CALLS[key]) - {"to_string"})
    assert not missing, f"no call case for {key}.{missing}"
    problems = []
    for name, call in CALLS[key].items():
        error = algorithm.call_outcomes[(key, name)]
        if isinstance(call, type):  # the call must raise this error, naming the member
            if not isinstance(error, call) or name not in str(error):
                problems.append(f"{name}: expected {call.__name__}, got {error!r}")
        elif error is not None:
            problems.append(f"{name}: {type(error).__name__}: {error}")
    assert not problems, "\n".join(problems)


def test_a_name_lean_does_not_have_is_an_attribute_error(algorithm):
    holding = algorithm.portfolio[algorithm.spy]
    with pytest.raises(AttributeError, match="quantity_held"):
        holding.quantity_held  # noqa: B018 - the read itself must raise
    assert not hasattr(holding, "quantity_held")


def test_a_property_that_fails_keeps_its_own_error():
    """A property raising AttributeError inside is not reported as LEAN's missing member."""

    class Broken(Insight):
        @property
        def score(self):  # LEAN's name, but its own body fails
            return self.no_such_field

    insight = Broken.price("SPY", dt.timedelta(days=1), InsightDirection.UP)
    insight.__class__ = Broken
    with pytest.raises(AttributeError, match="no_such_field"):
        insight.score  # noqa: B018


def test_every_quantbook_name_reads_or_says_it_is_not_supported(tmp_path):
    book = QuantBook(storage=tmp_path)
    book.add_equity("SPY")
    problems = []
    for name in sorted(lean_names_of(QuantBook)):
        try:
            getattr(book, name)
        except NotSupportedError as error:
            if f"QuantBook.{name} is not supported by local_lean: " not in str(error):
                problems.append(f"{name}: {error}")
        except Exception as error:  # noqa: BLE001 - any other error is the failure reported
            problems.append(f"{name}: {type(error).__name__}: {error}")
    assert len(lean_names_of(QuantBook)) > 300
    assert not problems, "\n".join(problems)
