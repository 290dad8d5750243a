"""Portfolio targets kept by symbol (LEAN's ``PortfolioTargetCollection``,
Common/Algorithm/Framework/Portfolio) and the sizing of the orders that reach them (LEAN's
``OrderSizing``, Common/Orders/OrderSizing.cs).

Execution models keep the targets they were given until the holdings reach them: ``add``
and ``add_range`` keep the latest target of each symbol, ``order_by_margin_impact`` lists
those that still need an order (positions being reduced first, then the largest orders),
and ``clear_fulfilled`` forgets those whose holdings are within a lot of the target.
US equities trade in lots of one share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from local_lean.framework.execution import projected_quantity
from local_lean.lean_members import LeanMembers
from local_lean.symbol_conversion import as_symbol
from local_lean.symbols import Symbol

LOT_SIZE = 1.0  # a US equity's lot: one share


class PortfolioTargetCollection(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Portfolio.PortfolioTargetCollection",
    hint="a PortfolioTargetCollection offers add, add_range, order_by_margin_impact, "
    "clear_fulfilled, remove, contains_key, is_empty, count",
):
    """The latest target of each symbol, in the order the symbols first came."""

    def __init__(self) -> None:
        self._targets: dict[Symbol, Any] = {}

    @property
    def count(self) -> int:
        return len(self._targets)

    @property
    def is_empty(self) -> bool:
        return not self._targets

    @property
    def is_read_only(self) -> bool:
        return False

    @property
    def keys(self) -> list[Symbol]:
        return list(self._targets)

    @property
    def values(self) -> list[Any]:
        return list(self._targets.values())

    def add(self, *args: Any) -> None:
        """``add(target)`` or ``add(symbol, target)``: keep the target as its symbol's; None
        is ignored, as in LEAN."""
        if len(args) not in (1, 2):
            raise TypeError("add(target) or add(symbol, target)")
        target = args[-1]
        if target is not None:
            self._targets[target.symbol] = target

    def add_range(self, targets: Iterable[Any]) -> None:
        for target in targets:
            self._targets[target.symbol] = target

    def clear(self) -> None:
        self._targets.clear()

    def clear_fulfilled(self, algorithm: Any) -> None:
        """Forget the targets whose holdings are within a lot of them."""
        for target in list(self._targets.values()):
            holdings = algorithm.securities[target.symbol].holdings.quantity
            if abs(target.quantity - holdings) < LOT_SIZE:
                self.remove(target.symbol)

    def contains(self, target: Any) -> bool:
        return target is not None and target.symbol in self._targets

    def contains_key(self, symbol: Any) -> bool:
        return as_symbol(symbol) in self._targets

    def remove(self, target: Any) -> bool:
        """Remove a symbol's target; given a target, only if it is the one kept."""
        if target is None:
            return False
        if hasattr(target, "quantity"):
            kept = self._targets.get(target.symbol)
            if kept is None or not (kept is target or kept == target):
                return False
            target = target.symbol
        return self._targets.pop(as_symbol(target), None) is not None

    def try_get_value(self, symbol: Any, target: Any = None) -> tuple[bool, Any]:
        """(found, the symbol's target), as LEAN's Python gets its out parameter."""
        kept = self._targets.get(as_symbol(symbol))
        return kept is not None, kept

    def order_by_margin_impact(self, algorithm: Any) -> list[Any]:
        """The targets still to order for, positions being reduced first, then by order
        value, largest first; none while warming up."""
        return order_targets_by_margin_impact(algorithm, self._targets.values())

    def __getitem__(self, symbol: Any) -> Any:
        return self._targets[as_symbol(symbol)]

    def __setitem__(self, symbol: Any, target: Any) -> None:
        self._targets[as_symbol(symbol)] = target

    def __contains__(self, item: Any) -> bool:
        if hasattr(item, "quantity"):
            return self.contains(item)
        return self.contains_key(item)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._targets.values()))

    def __len__(self) -> int:
        return len(self._targets)


def adjust_by_lot_size(quantity: float, lot_size: float = LOT_SIZE) -> float:
    """Whole lots toward zero; a quantity a millionth of a lot short of the next lot counts
    as that lot (a floating-point remainder, LEAN's ``AdjustByLotSize``)."""
    magnitude = abs(quantity)
    lots = math.floor(magnitude / lot_size)
    if magnitude - lots * lot_size > lot_size - lot_size / 1_000_000:
        lots += 1
    return _signed(lots * lot_size, quantity)


def _signed(size: float, sign_of: float) -> float:
    """`size` with the sign of `sign_of` (LEAN's ``Math.Sign(x) * size``: 0 for 0)."""
    if sign_of > 0:
        return float(size)
    if sign_of < 0:
        return -float(size)
    return 0.0


def order_targets_by_margin_impact(algorithm: Any, targets: Iterable[Any]) -> list[Any]:
    """LEAN's ``OrderTargetsByMarginImpact``: targets of tradable securities with data that
    are at least a lot away from the projected holdings; reducing ones first, then by the
    order's value, largest first."""
    if algorithm.is_warming_up:
        return []
    ranked = []
    for target in targets:
        security = algorithm.securities[target.symbol]
        wanted = adjust_by_lot_size(target.quantity)
        existing = projected_quantity(algorithm, target.symbol)
        if not security.has_data or not security.is_tradable:
            continue
        if abs(wanted - existing) < LOT_SIZE:
            continue
        reduces = existing != 0 and abs(wanted) < abs(existing)
        value = abs((wanted - existing) * security.price)
        ranked.append((not reduces, -value, target))
    ranked.sort(key=lambda item: (item[0], item[1]))  # stable, as LEAN's OrderBy
    return [target for _, _, target in ranked]


class OrderSizing(
    LeanMembers,
    lean_class="QuantConnect.Orders.OrderSizing",
    hint="OrderSizing offers get_unordered_quantity, get_order_size_for_maximum_value, "
    "get_order_size_for_percent_volume, adjust_by_lot_size",
):
    """LEAN's order sizing helpers (static methods)."""

    @staticmethod
    def get_unordered_quantity(
        algorithm: Any, target: Any, security: Any = None, account_for_fees: bool = False
    ) -> float:
        """The target less the holdings and open orders, in whole lots (fees matter only for
        crypto, which the runner does not trade)."""
        return adjust_by_lot_size(target.quantity - projected_quantity(algorithm, target.symbol))

    @staticmethod
    def get_order_size_for_maximum_value(
        security: Any, maximum_order_value_in_account_currency: float, desired_order_size: float
    ) -> float:
        """The desired size, capped at what the maximum value buys, in whole lots; 0 without
        a price."""
        price = security.price
        if price == 0:
            return 0.0
        size = min(maximum_order_value_in_account_currency / price, abs(desired_order_size))
        return _signed(adjust_by_lot_size(size), desired_order_size)

    @staticmethod
    def get_order_size_for_percent_volume(
        security: Any, maximum_percent_current_volume: float, desired_order_size: float
    ) -> float:
        """The desired size, capped at that share of the latest bar's volume, in lots."""
        size = min(maximum_percent_current_volume * security.volume, abs(desired_order_size))
        return _signed(adjust_by_lot_size(size), desired_order_size)

    @staticmethod
    def adjust_by_lot_size(security: Any, quantity: float) -> float:
        return adjust_by_lot_size(quantity)


__all__ = [
    "OrderSizing",
    "PortfolioTargetCollection",
    "adjust_by_lot_size",
    "order_targets_by_margin_impact",
]
