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
from local_lean.errors import NotSupportedError
from local_lean.lean_members import LeanMembers
from local_lean.models.fees import InteractiveBrokersFeeModel
from local_lean.models.margin import MaintenanceMarginParameters, overrides
from local_lean.orders import OrderDirection, OrderEvent
from local_lean.securities import (
    Security,
    SecurityHolding,
    SecurityManager,
    apply_fill,
    custom_buying_power_model,
    holdings_value_changes,
)
from local_lean.settings import AlgorithmSettings, free_portfolio_value
from local_lean.symbols import Symbol

# ----- the portfolio ------------------------------------------------------------------------


class SecurityPortfolioManager(
    LeanMembers,
    lean_class="QuantConnect.Securities.SecurityPortfolioManager",
    alternatives={
        "set_account_currency": "the account currency is USD",
        "apply_dividend": "dividends are applied from the data's factor files",
        "apply_split": "splits are applied from the data's factor files",
        "add": "holdings change through orders (self.market_order, self.set_holdings)",
        "remove": "use self.liquidate(symbol) or self.remove_security(symbol)",
        "clear": "use self.liquidate()",
        "pop": "use self.liquidate(symbol)",
        "popitem": "use self.liquidate(symbol)",
        "setdefault": "use self.add_equity(ticker)",
        "update": "holdings change through orders (self.market_order, self.set_holdings)",
        "fromkeys": "use {symbol: ... for symbol in self.portfolio.keys()}",
        "copy": "use dict(self.portfolio.items())",
        "margin_call_model": "margin calls are not simulated: keep leverage within limits",
        "set_margin_call_model": "margin calls are not simulated: keep leverage within limits",
        "positions": "use self.portfolio[symbol].quantity",
        "set_positions": "use self.portfolio[symbol].quantity",
        "unsettled_cash_book": "a margin account settles at once: use self.portfolio.cash",
        "has_sufficient_buying_power_for_order": "place the order: an order above the buying "
        "power is invalid, as in LEAN (its ticket's status is INVALID)",
        "add_transaction_record": "trades are recorded from fills",
        "log_margin_information": "read self.portfolio.margin_remaining",
        "invalidate_total_portfolio_value": "the total is recomputed when prices change",
        "get_security": "use self.securities[symbol]",
        "securities": "use self.securities",
        "transactions": "use self.transactions",
    },
    hint="see local_lean/README.md for what self.portfolio offers",
):
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

    def get(self, key: Any, default_value: Any = None) -> SecurityHolding | None:
        security = self._securities.get(key)
        return default_value if security is None else security.holdings

    @property
    def count(self) -> int:
        return len(self._securities)

    def __len__(self) -> int:
        return len(self._securities)

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
        return value_less_free_buffer(self, self.total_portfolio_value)

    @property
    def total_unrealized_profit(self) -> float:
        return sum(s.holdings.unrealized_profit for s in self._securities.values())

    @property
    def total_unrealised_profit(self) -> float:
        return self.total_unrealized_profit

    @property
    def total_unlevered_absolute_holdings_cost(self) -> float:
        return sum(s.holdings.unlevered_absolute_holdings_cost for s in self._securities.values())

    @property
    def total_sale_volume(self) -> float:
        return sum(s.holdings.total_sale_volume for s in self._securities.values())

    @property
    def hold_stock(self) -> bool:
        return self.invested

    @property
    def unsettled_cash(self) -> float:
        """A margin account settles at once (LEAN's ImmediateSettlementModel): nothing waits."""
        return 0.0

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
            self._margin_used = sum(_maintenance_margin(s) for s in self._securities.values())
            self._margin_used_known = known
        return self._margin_used

    @property
    def margin_remaining(self) -> float:
        return self.get_margin_remaining(self.total_portfolio_value)

    def get_margin_remaining(self, total_portfolio_value: float) -> float:
        return total_portfolio_value - self.total_margin_used

    def get_buying_power(
        self, symbol: Any, direction: OrderDirection = OrderDirection.BUY
    ) -> float:
        """LEAN's ``GetBuyingPower``: the margin an order of `symbol` in `direction` may use.
        Against the position, closing it frees its maintenance margin and the other side may
        then take as much initial margin again; never below 0."""
        security = self._securities[symbol]
        holding = security.holdings
        remaining = self.get_margin_remaining(self.total_portfolio_value)
        reverses = (holding.is_long and direction == OrderDirection.SELL) or (
            holding.is_short and direction == OrderDirection.BUY
        )
        if reverses:
            maintenance_margin = holding.absolute_holdings_value / security.leverage
            initial_margin = abs(security.price * holding.quantity / security.leverage)
            remaining += maintenance_margin + initial_margin
        return max(remaining, 0.0)

    def set_cash(self, cash: Any, *more: Any) -> None:
        """LEAN's ``SetCash(cash)``: the account currency's amount becomes `cash`. Another
        currency's (``set_cash(symbol, cash, conversion_rate)``) is not held here."""
        if more:
            raise NotSupportedError(
                "SecurityPortfolioManager.set_cash(symbol, cash, conversion_rate)",
                "the account holds USD only: use set_cash(amount)",
            )
        self.cash_book[self.cash_book.account_currency].set_amount(cash)

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


def _maintenance_margin(security: Security) -> float:
    """The margin the security's holding uses: its absolute value over the leverage, or what
    the algorithm's own buying power model says when it overrides ``get_maintenance_margin``."""
    model = custom_buying_power_model(security)
    if model is None or not overrides(model, "get_maintenance_margin"):
        return security.holdings.absolute_holdings_value / security.leverage
    margin = model.get_maintenance_margin(
        MaintenanceMarginParameters.for_current_holdings(security)
    )
    return abs(float(margin.value))


def value_less_free_buffer(portfolio: SecurityPortfolioManager, total_value: float) -> float:
    """`total_value` (the portfolio's total value, known already) less the free buffer: what
    ``total_portfolio_value_less_free_buffer`` gives, without computing the total again (a
    module function: LEAN's portfolio has no such member)."""
    return total_value - free_portfolio_value(portfolio._settings, total_value)
