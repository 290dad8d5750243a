"""The portfolio: cash, holdings, fees and buying power, as LEAN's portfolio manager keeps them.

Algorithms read it as ``self.portfolio``; the transaction handler (transactions.py) applies
fills to it (``process_fills``). Whether an order may be placed, and how many shares a target
percentage is, follow LEAN's buying-power model (buying_power.py).

- Fees follow LEAN's default equity fee model (Interactive Brokers: $0.005 a share, at least
  $1, at most 0.5% of the order's value) unless another fee model is chosen.
- The margin used is LEAN's maintenance margin: each holding's absolute value over its
  security's leverage (2 for US equities by default, as LEAN's default brokerage model).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from local_lean.cash_book import CashBook
from local_lean.models.fees import InteractiveBrokersFeeModel
from local_lean.orders import OrderEvent
from local_lean.securities import (
    SecurityHolding,
    SecurityManager,
    apply_fill,
    holdings_value_changes,
)
from local_lean.settings import AlgorithmSettings, free_portfolio_value
from local_lean.symbols import Symbol

# ----- the portfolio ------------------------------------------------------------------------


class SecurityPortfolioManager:
    """LEAN's ``self.portfolio``: cash plus holdings, with LEAN's buying-power rules."""

    def __init__(
        self,
        securities: SecurityManager,
        cash: float = 100_000.0,
        algorithm_settings: AlgorithmSettings | None = None,
    ) -> None:
        self._securities = securities
        # The holdings' total value and margin, and the changes count and securities count they
        # were summed at (securities.mark_holdings_value_changed counts the changes).
        self._holdings_value = 0.0
        self._holdings_value_known: tuple[int, int] = (-1, -1)
        self._margin_used = 0.0
        self._margin_used_known: tuple[int, int] = (-1, -1)
        self._settings = algorithm_settings or AlgorithmSettings()
        self.cash = float(cash)
        self.fee_model: Any = InteractiveBrokersFeeModel()
        self.cash_book = CashBook(self)  # LEAN's, over this cash

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
        known = (holdings_value_changes(), len(self._securities))
        if known != self._holdings_value_known:
            self._holdings_value = sum(s.holdings.holdings_value for s in self._securities.values())
            self._holdings_value_known = known
        return self._holdings_value

    @property
    def total_absolute_holdings_cost(self) -> float:
        return sum(abs(s.holdings.holdings_cost) for s in self._securities.values())

    @property
    def total_portfolio_value(self) -> float:
        """Cash plus the holdings marked at the latest known prices."""
        return self.cash + self.total_holdings_value

    @property
    def total_portfolio_value_less_free_buffer(self) -> float:
        # LEAN keeps a buffer aside so fills at another price than the sizing price still fit.
        return self.value_less_free_buffer(self.total_portfolio_value)

    def value_less_free_buffer(self, total_portfolio_value: float) -> float:
        """`total_portfolio_value` (the portfolio's, known already) less the free buffer."""
        return total_portfolio_value - free_portfolio_value(self._settings, total_portfolio_value)

    @property
    def total_unrealized_profit(self) -> float:
        return sum(s.holdings.unrealized_profit for s in self._securities.values())

    @property
    def total_fees(self) -> float:
        return sum(s.holdings.total_fees for s in self._securities.values())

    @property
    def total_profit(self) -> float:
        return sum(s.holdings.profit for s in self._securities.values())

    @property
    def total_net_profit(self) -> float:
        return sum(s.holdings.net_profit for s in self._securities.values())

    @property
    def invested(self) -> bool:
        return any(s.holdings.invested for s in self._securities.values())

    @property
    def total_margin_used(self) -> float:
        """The maintenance margin of every holding (half its absolute value at leverage 2)."""
        known = (holdings_value_changes(), len(self._securities))
        if known != self._margin_used_known:
            self._margin_used = sum(
                s.holdings.absolute_holdings_value / s.leverage for s in self._securities.values()
            )
            self._margin_used_known = known
        return self._margin_used

    @property
    def margin_remaining(self) -> float:
        return self.get_margin_remaining(self.total_portfolio_value)

    def get_margin_remaining(self, total_portfolio_value: float) -> float:
        return total_portfolio_value - self.total_margin_used

    # -- fills ---------------------------------------------------------------------------------

    def process_fills(self, fills: list[OrderEvent]) -> None:
        """Apply filled order events: holdings, average price and realised profit, then cash."""
        for fill in fills:
            if not fill.fill_quantity:
                continue
            security = self._securities[fill.symbol]
            fee = fill.order_fee.value.amount
            apply_fill(security.holdings, fill.fill_quantity, fill.fill_price, fee)
            self.cash -= fill.fill_quantity * fill.fill_price + fee


__all__ = [
    "SecurityPortfolioManager",
]
