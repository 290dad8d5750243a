"""The portfolio: cash, holdings, market orders, fills and fees.

Fill rules (daily data; see README.md, "Market simulation"):
- A market order placed before the close of session T fills at T's open price; one placed
  before the open waits for the open, one placed after the close fills at the next session's
  open (the next open for which the security has a bar).
- An order is checked when it is placed, at the latest price the algorithm knows: it is
  rejected (status INVALID, with a message) when the security has no price yet, during warm-up,
  or when it would raise the portfolio's gross holdings above its total value (no leverage).
- Fees follow LEAN's default equity fee model (Interactive Brokers: $0.005 a share, at least
  $1, at most 0.5% of the order's value) unless another fee model is chosen.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from local_lean.enums import OrderStatus
from local_lean.securities import Security, SecurityHolding, SecurityManager
from local_lean.symbols import Symbol

# ----- fee models ---------------------------------------------------------------------------


class InteractiveBrokersFeeModel:
    """LEAN's default US equity fee: $0.005 a share, minimum $1, maximum 0.5% of value."""

    description = "Interactive Brokers ($0.005/share, min $1, max 0.5% of value; LEAN's default)"

    def fee(self, quantity: float, price: float) -> float:
        per_share = max(0.005 * abs(quantity), 1.0)
        return min(per_share, 0.005 * abs(quantity) * price)


class BasisPointsFeeModel:
    """A fee proportional to the order's value (0 bps: no fees)."""

    def __init__(self, basis_points: float) -> None:
        if not math.isfinite(basis_points) or basis_points < 0:
            raise ValueError(f"fee basis points must be a number >= 0, got {basis_points!r}")
        self.basis_points = basis_points
        self.description = f"{basis_points:g} basis points of each order's value"

    def fee(self, quantity: float, price: float) -> float:
        return abs(quantity) * price * self.basis_points / 10_000


# ----- orders -------------------------------------------------------------------------------


@dataclass
class Order:
    """A market order and what became of it."""

    id: int
    symbol: Symbol
    quantity: float
    time: dt.datetime
    tag: str = ""
    status: OrderStatus = OrderStatus.SUBMITTED
    fill_price: float = 0.0
    fill_time: dt.datetime | None = None
    fee: float = 0.0
    message: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "symbol": self.symbol.value,
            "time": self.time,
            "quantity": self.quantity,
            "fill_price": self.fill_price,
            "fill_time": self.fill_time,
            "fee": self.fee,
            "status": self.status.name.lower(),
            "tag": self.tag,
            "message": self.message,
        }


class OrderTicket:
    """LEAN's handle on a submitted order."""

    def __init__(self, order: Order) -> None:
        self._order = order

    @property
    def order_id(self) -> int:
        return self._order.id

    @property
    def symbol(self) -> Symbol:
        return self._order.symbol

    @property
    def quantity(self) -> float:
        return self._order.quantity

    @property
    def status(self) -> OrderStatus:
        return self._order.status

    @property
    def time(self) -> dt.datetime:
        return self._order.time

    @property
    def tag(self) -> str:
        return self._order.tag

    @property
    def quantity_filled(self) -> float:
        return self._order.quantity if self._order.status == OrderStatus.FILLED else 0.0

    @property
    def quantity_remaining(self) -> float:
        return self._order.quantity - self.quantity_filled

    @property
    def average_fill_price(self) -> float:
        return self._order.fill_price

    def __repr__(self) -> str:
        order = self._order
        return (
            f"<OrderTicket {order.id} {order.symbol.value} {order.quantity:g} {order.status.name}>"
        )


@dataclass
class _Pending:
    order: Order
    earliest: dt.date  # the first session whose open may fill it


@dataclass
class FillLog:
    """Orders and order events, as the results record them."""

    orders: list[Order] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def event(self, order: Order, time: dt.datetime, status: OrderStatus, **extra: Any) -> None:
        self.events.append(
            {
                "order_id": order.id,
                "symbol": order.symbol.value,
                "time": time,
                "status": status.name.lower(),
                "quantity": order.quantity,
                **extra,
            }
        )


# ----- the portfolio ------------------------------------------------------------------------


class SecurityPortfolioManager:
    """LEAN's ``self.portfolio``: cash plus holdings, and the broker that fills market orders."""

    def __init__(self, securities: SecurityManager, cash: float = 100_000.0) -> None:
        self._securities = securities
        self.cash = float(cash)
        self._fee_model: Any = InteractiveBrokersFeeModel()
        self._fill_log = FillLog()
        self._pending: list[_Pending] = []

    # -- what algorithms read --------------------------------------------------------------

    def __getitem__(self, symbol: Any) -> SecurityHolding:
        return self._securities[symbol].holdings

    def __contains__(self, symbol: Any) -> bool:
        return symbol in self._securities

    def contains_key(self, key: Any) -> bool:
        return key in self._securities

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._securities)

    def keys(self) -> list[Symbol]:
        return self._securities.keys()

    def values(self) -> list[SecurityHolding]:
        return [security.holdings for security in self._securities.values()]

    def items(self) -> list[tuple[Symbol, SecurityHolding]]:
        return [(symbol, security.holdings) for symbol, security in self._securities.items()]

    @property
    def total_holdings_value(self) -> float:
        return sum(s.holdings.holdings_value for s in self._securities.values())

    @property
    def total_absolute_holdings_cost(self) -> float:
        return sum(abs(s.holdings.holdings_cost) for s in self._securities.values())

    @property
    def total_portfolio_value(self) -> float:
        """Cash plus the holdings marked at the latest known prices."""
        return self.cash + self.total_holdings_value

    @property
    def total_unrealized_profit(self) -> float:
        return sum(s.holdings.unrealized_profit for s in self._securities.values())

    @property
    def total_fees(self) -> float:
        return sum(s.holdings.total_fees for s in self._securities.values())

    @property
    def total_profit(self) -> float:
        return sum(s.holdings.net_profit + s.holdings.total_fees for s in self._securities.values())

    @property
    def invested(self) -> bool:
        return any(s.holdings.invested for s in self._securities.values())

    @property
    def margin_remaining(self) -> float:
        """Buying power left with no leverage: total value less gross holdings."""
        gross = sum(abs(s.holdings.holdings_value) for s in self._securities.values())
        return self.total_portfolio_value - gross

    # -- orders ----------------------------------------------------------------------------

    def _open_quantity(self, symbol: Symbol) -> float:
        """Quantity in orders placed but not yet filled."""
        return sum(p.order.quantity for p in self._pending if p.order.symbol == symbol)

    def _submit_market_order(
        self,
        symbol: Any,
        quantity: float,
        now: dt.datetime,
        fill_session: dt.date,
        tag: str = "",
        rejection: str | None = None,
    ) -> OrderTicket:
        """Check and queue a market order for the open of `fill_session` (or later).

        `rejection`, when given, invalidates the order with that message (e.g. warm-up).
        """
        security = self._securities[symbol]
        order = Order(
            id=len(self._fill_log.orders) + 1,
            symbol=security.symbol,
            quantity=float(quantity),
            time=now,
            tag=tag or "",
        )
        self._fill_log.orders.append(order)
        problem = rejection or self._check(security, order.quantity)
        if problem:
            order.status = OrderStatus.INVALID
            order.message = problem
            self._fill_log.event(order, now, OrderStatus.INVALID, message=problem)
        else:
            self._fill_log.event(order, now, OrderStatus.SUBMITTED)
            self._pending.append(_Pending(order, fill_session))
        return OrderTicket(order)

    def _check(self, security: Security, quantity: float) -> str:
        if not math.isfinite(quantity) or quantity == 0:
            return f"Order quantity must be a non-zero number, got {quantity}"
        price = security.price
        if price <= 0:
            return (
                f"{security.symbol.value} has no price yet (no daily bar before this time): "
                "the order cannot be valued"
            )
        current = security.holdings.quantity + self._open_quantity(security.symbol)
        after = current + quantity
        if abs(after) <= abs(current):
            return ""  # reduces exposure: always allowed
        pending: dict[Symbol, float] = {}
        for waiting in self._pending:
            symbol = waiting.order.symbol
            pending[symbol] = pending.get(symbol, 0.0) + waiting.order.quantity
        gross_after = abs(after) * price
        for other in self._securities.values():
            held = other.holdings.quantity + pending.get(other.symbol, 0.0)
            if held and other.symbol != security.symbol:
                gross_after += abs(held) * other.price
        fee = self._fee_model.fee(quantity, price)
        value = self.total_portfolio_value - self._pending_fees() - fee
        if gross_after > value + 1e-9:
            return (
                "Insufficient buying power to complete order: "
                f"{quantity:g} {security.symbol.value} at {price:.4f} would bring holdings to "
                f"{gross_after:,.2f} with a total portfolio value of {value:,.2f} (no leverage)"
            )
        return ""

    def _pending_fees(self) -> float:
        return sum(
            self._fee_model.fee(p.order.quantity, self._securities[p.order.symbol].price)
            for p in self._pending
        )

    def _fill_pending(self, session_date: dt.date, fill_time: dt.datetime, opens: dict) -> None:
        """Fill every pending order due by `session_date` whose security opened that session.

        `opens` maps Symbol -> that session's open price (absent: no bar, the order waits).
        """
        waiting: list[_Pending] = []
        for pending in self._pending:
            price = opens.get(pending.order.symbol)
            if pending.earliest > session_date or price is None or not price > 0:
                waiting.append(pending)
                continue
            self._fill(pending.order, price, fill_time)
        self._pending = waiting

    def _fill(self, order: Order, price: float, time: dt.datetime) -> None:
        fee = self._fee_model.fee(order.quantity, price)
        holding = self._securities[order.symbol].holdings
        holding._apply_fill(order.quantity, price, fee)
        self.cash -= order.quantity * price + fee
        order.status = OrderStatus.FILLED
        order.fill_price = price
        order.fill_time = time
        order.fee = fee
        self._fill_log.event(order, time, OrderStatus.FILLED, fill_price=price, fee=fee)

    def _cancel_pending(self, time: dt.datetime, reason: str) -> None:
        """Cancel what is still waiting (the backtest ended)."""
        for pending in self._pending:
            pending.order.status = OrderStatus.CANCELED
            pending.order.message = reason
            self._fill_log.event(pending.order, time, OrderStatus.CANCELED, message=reason)
        self._pending = []


__all__ = [
    "BasisPointsFeeModel",
    "InteractiveBrokersFeeModel",
    "Order",
    "OrderTicket",
    "SecurityPortfolioManager",
]
