"""``portfolio.cash_book``: LEAN's CashBook of an account that holds US dollars only.

LEAN's ``CashBook`` (``Common/Securities/CashBook.cs``) maps currency codes to ``Cash`` entries
(amount, conversion rate to the account currency). The runner's portfolio keeps one amount, in
US dollars: the book's "USD" entry is that amount, read and changed through ``Cash.amount``,
``add_amount`` and ``set_amount``. Another currency would add value the portfolio does not
count, so adding one raises NotSupportedError rather than leave the totals wrong.
"""

from __future__ import annotations

from typing import Any

from local_lean.errors import NotSupportedError
from local_lean.lean_members import LeanMembers

ACCOUNT_CURRENCY = "USD"
NULL_CURRENCY = "QCC"  # LEAN's Currencies.NullCurrency: never stored in a cash book


class Cash(
    LeanMembers,
    lean_class="QuantConnect.Securities.Cash",
    alternatives={
        "currency_conversion": "the account holds USD only (conversion rate 1)",
        "ensure_currency_data_feed": "the account holds USD only: no conversion data is needed",
        "security_symbols": "the account holds USD only: no conversion securities",
        "update": "the conversion rate of USD is 1",
    },
    hint=f"the runner's account holds {ACCOUNT_CURRENCY} only",
):
    """The account currency's cash (LEAN's ``Cash``), its amount the portfolio's cash."""

    def __init__(self, portfolio: Any) -> None:
        self._portfolio = portfolio

    symbol = ACCOUNT_CURRENCY
    currency_symbol = "$"
    conversion_rate = 1.0

    @property
    def amount(self) -> float:
        return self._portfolio.cash

    @property
    def value_in_account_currency(self) -> float:
        return self.amount * self.conversion_rate

    def add_amount(self, amount: float) -> float:
        """Add `amount` (negative to take it away); returns the new amount."""
        self._portfolio.cash += _number(amount)
        return self.amount

    def set_amount(self, amount: float) -> None:
        self._portfolio.cash = _number(amount)

    def __repr__(self) -> str:
        return f"<Cash {self.symbol} {self.amount:.2f} @ {self.conversion_rate:g}>"


class ConvertibleCashAmount:
    """An amount of a currency held in the cash book (LEAN's ``ConvertibleCashAmount``)."""

    def __init__(self, amount: float, cash: Cash) -> None:
        self.amount = float(amount)
        self.cash = cash

    @property
    def in_account_currency(self) -> float:
        return self.amount * self.cash.conversion_rate

    def __repr__(self) -> str:
        return f"<ConvertibleCashAmount {self.amount:g} {self.cash.symbol}>"


class CashBook(
    LeanMembers,
    lean_class="QuantConnect.Securities.CashBook",
    alternatives={
        "convert": "the account holds USD only: amounts in USD need no conversion",
        "ensure_currency_data_feeds": "the account holds USD only: no conversion data is needed",
        "remove": "the account currency cannot be removed",
        "clear": "the account currency cannot be removed",
        "pop": "the account currency cannot be removed",
        "popitem": "the account currency cannot be removed",
    },
    hint=f"the runner's account holds {ACCOUNT_CURRENCY} only: use cash_book['USD']",
):
    """LEAN's ``portfolio.cash_book``, holding the account currency alone."""

    def __init__(self, portfolio: Any) -> None:
        self._account = Cash(portfolio)

    account_currency = ACCOUNT_CURRENCY

    def __getitem__(self, symbol: str) -> Cash:
        code = _code(symbol)
        if code == NULL_CURRENCY:
            raise ValueError(
                "Unexpected request for NullCurrency Cash instance: ask for "
                f"cash_book['{ACCOUNT_CURRENCY}']"
            )
        if code != ACCOUNT_CURRENCY:
            raise KeyError(
                f"This cash symbol ({code}) was not found in your cash book: it holds "
                f"{ACCOUNT_CURRENCY} only"
            )
        return self._account

    def add(self, symbol: str, quantity: float, conversion_rate: float = 1.0) -> Cash | None:
        """LEAN's ``Add``: for the account currency, set its amount to `quantity` (at rate 1);
        the null currency is ignored, as in LEAN."""
        code = _code(symbol)
        if code == NULL_CURRENCY:
            return None
        if code != ACCOUNT_CURRENCY:
            raise NotSupportedError(
                f"cash in {code} (cash_book.add)",
                f"the runner's account holds {ACCOUNT_CURRENCY} only: add the amount in "
                f"{ACCOUNT_CURRENCY} with cash_book['{ACCOUNT_CURRENCY}'].add_amount",
            )
        if _number(conversion_rate) != 1.0:
            raise ValueError(
                f"the conversion rate of the account currency {ACCOUNT_CURRENCY} is 1, got "
                f"{conversion_rate!r}"
            )
        self._account.set_amount(quantity)
        return self._account

    def contains_key(self, symbol: str) -> bool:
        return _code(symbol) == ACCOUNT_CURRENCY

    def __contains__(self, symbol: str) -> bool:
        return self.contains_key(symbol)

    def __len__(self) -> int:
        return 1

    @property
    def count(self) -> int:
        return 1

    def keys(self) -> list[str]:
        return [ACCOUNT_CURRENCY]

    def values(self) -> list[Cash]:
        return [self._account]

    def items(self) -> list[tuple[str, Cash]]:
        return [(ACCOUNT_CURRENCY, self._account)]

    def __iter__(self):
        return iter(self.keys())

    @property
    def total_value_in_account_currency(self) -> float:
        return self._account.value_in_account_currency

    def convert_to_account_currency(self, source_quantity: float, source_currency: str) -> float:
        self[source_currency]  # only the account currency is known
        return _number(source_quantity)


def _code(symbol: Any) -> str:
    if not isinstance(symbol, str) or not symbol.strip():
        raise TypeError(f"a currency is a code such as 'USD', got {symbol!r}")
    return symbol.strip().upper()


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a cash amount must be a number, got {value!r}")
    return float(value)
