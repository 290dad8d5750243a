"""Execution: turn portfolio targets into orders (LEAN's ``ImmediateExecutionModel``).

Targets are kept, one per symbol, until holdings plus open orders reach them. Each call orders
what is still missing for every kept target, positions being reduced first and then the
largest orders, skipping orders whose margin is under 0.1% of the portfolio (LEAN's
``MinimumOrderMarginPortfolioPercentage``, so daily rebalancing does not churn), and forgets
the targets that are fulfilled.
"""

from __future__ import annotations

import math
from typing import Any

from local_lean.buying_power import above_minimum_order_margin, initial_margin
from local_lean.framework.portfolio_construction import PortfolioTarget
from local_lean.lean_members import LeanMembers
from local_lean.symbols import Symbol


class ExecutionModel(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Execution.ExecutionModel",
    hint="see local_lean/README.md for the framework models the runner offers",
):
    """Base of the execution models."""

    asynchronous = True  # LEAN's default; ImmediateExecutionModel(asynchronous) sets its own

    def execute(self, algorithm: Any, targets: list[PortfolioTarget]) -> None:
        raise NotImplementedError(
            "Types deriving from 'ExecutionModel' must implement the 'execute(algorithm, "
            "targets)' method"
        )

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        """Called with the securities the algorithm added or removed (LEAN's: nothing)."""

    def on_order_event(self, algorithm: Any, order_event: Any) -> None:
        """Called with each order event, before the algorithm's ``on_order_event`` (LEAN's
        transaction handler does so); the base model does nothing."""


class ImmediateExecutionModel(ExecutionModel):
    """Market orders for the unordered part of each target, at once."""

    def __init__(self, asynchronous: bool = True) -> None:
        self.asynchronous = asynchronous
        self._targets: dict[Symbol, PortfolioTarget] = {}

    def execute(self, algorithm: Any, targets: list[PortfolioTarget]) -> None:
        for target in targets:
            self._targets[target.symbol] = target
        if not self._targets or algorithm.is_warming_up:
            return
        projected = ProjectedQuantities(algorithm)
        targets_in_order = order_targets_by_margin_impact(
            algorithm, list(self._targets.values()), projected=projected
        )
        for target in targets_in_order:
            security = algorithm.securities[target.symbol]
            quantity = float(math.trunc(target.quantity - projected(target.symbol)))
            if quantity == 0:
                continue
            margin = initial_margin(security, quantity)
            minimum = algorithm.settings.minimum_order_margin_portfolio_percentage
            if above_minimum_order_margin(algorithm.portfolio, margin, minimum):
                algorithm.market_order(security.symbol, quantity, self.asynchronous, target.tag)
        for symbol, target in list(self._targets.items()):
            if math.trunc(target.quantity - projected(symbol)) == 0:
                del self._targets[symbol]


def projected_quantity(algorithm: Any, symbol: Symbol) -> float:
    """Holdings plus what open orders will still add (LEAN's projected holdings)."""
    held = algorithm.securities[symbol].holdings.quantity
    return held + algorithm.transactions.get_open_orders_remaining_quantity(symbol)


def unordered_quantity(algorithm: Any, target: PortfolioTarget) -> float:
    """Whole shares still to order to reach `target` (LEAN's ``OrderSizing``)."""
    return float(math.trunc(target.quantity - projected_quantity(algorithm, target.symbol)))


class ProjectedQuantities:
    """``projected_quantity`` of each symbol, remembered while no order is placed.

    During an execution step only a new order changes holdings or open orders: its submission,
    fills and the order event handlers they call. So the quantities are kept while the count of
    orders stays the same, and all asked again once it changes.
    """

    def __init__(self, algorithm: Any) -> None:
        self._securities = algorithm.securities
        self._transactions = algorithm.transactions
        self._orders_count = self._transactions.orders_count
        self._known: dict[Symbol, float] = {}

    def __call__(self, symbol: Symbol) -> float:
        orders_count = self._transactions.orders_count
        if orders_count != self._orders_count:
            self._known.clear()
            self._orders_count = orders_count
        quantity = self._known.get(symbol)
        if quantity is None:
            # projected_quantity, with the algorithm's members looked up once
            held = self._securities[symbol].holdings.quantity
            quantity = held + self._transactions.get_open_orders_remaining_quantity(symbol)
            self._known[symbol] = quantity
        return quantity


def order_targets_by_margin_impact(
    algorithm: Any,
    targets: list[PortfolioTarget],
    target_is_delta: bool = False,
    projected: Any = None,
) -> list[PortfolioTarget]:
    """`targets` in LEAN's execution order (``OrderTargetsByMarginImpact``): those that reduce
    a position first, then by order value, largest first, ties in the given order.

    Left out: every target while warming up, and those whose security has no data, is not
    tradable or needs less than one share. With `target_is_delta` a target's quantity is the
    order itself, else the holdings to reach from the projected holdings (held plus open
    orders; `projected` may pass a ``ProjectedQuantities`` to ask them once)."""
    if algorithm.is_warming_up:
        return []
    projected = projected or ProjectedQuantities(algorithm)
    ranked = []
    for target in targets:
        security = algorithm.securities[target.symbol]
        wanted = float(math.trunc(target.quantity))
        existing = projected(target.symbol)
        order = wanted if target_is_delta else wanted - existing
        if not security.has_data or not security.is_tradable or abs(order) < 1:
            continue
        final = wanted + existing if target_is_delta else wanted
        reduces = existing != 0 and abs(final) < abs(existing)
        ranked.append((not reduces, -abs(order * security.price), target))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [target for _, _, target in ranked]
