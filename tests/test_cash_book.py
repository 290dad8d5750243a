"""portfolio.cash_book as LEAN's CashBook (cases from LEAN's Tests/Common/Securities/
CashBookTests.cs and CashTests.cs, for an account that holds US dollars only)."""

from __future__ import annotations

import pytest

from local_lean.errors import NotSupportedError
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.securities import SecurityManager


def portfolio(cash: float = 0.0) -> SecurityPortfolioManager:
    return SecurityPortfolioManager(SecurityManager(), cash=cash)


def test_the_book_holds_the_account_currency_at_rate_one():
    # InitializesWithAccountCurrencyAdded: one entry, USD, amount 0, conversion rate 1
    book = portfolio().cash_book
    assert book.count == 1 and book.keys() == ["USD"]
    cash = book["USD"]
    assert cash.symbol == "USD" and cash.amount == 0 and cash.conversion_rate == 1


def test_the_usd_entry_is_the_portfolios_cash():
    account = portfolio(100_000)
    usd = account.cash_book["USD"]
    assert usd.amount == 100_000
    assert usd.add_amount(-2_500) == 97_500  # AddAmount returns the new total
    assert account.cash == 97_500
    usd.set_amount(1_000)
    assert account.cash == 1_000 and account.total_portfolio_value == 1_000
    assert account.cash_book.total_value_in_account_currency == 1_000


def test_adding_the_account_currency_sets_its_amount():
    # CashBook.Add of an existing currency keeps the instance and sets its amount
    account = portfolio(5)
    usd = account.cash_book["USD"]
    assert account.cash_book.add("USD", 1_000, 1) is usd
    assert account.cash == 1_000


def test_the_null_currency_is_never_added_and_never_given():
    # WontAddNullCurrencyCash, WillThrowIfGetNullCurrency
    book = portfolio().cash_book
    assert book.add("QCC", 1, 1) is None and book.count == 1
    with pytest.raises(ValueError, match="NullCurrency"):
        book["QCC"]


def test_another_currency_is_refused_rather_than_left_out_of_the_totals():
    book = portfolio().cash_book
    with pytest.raises(NotSupportedError, match="cash in EUR.*USD only"):
        book.add("EUR", 1_000, 1.1)
    with pytest.raises(KeyError, match=r"This cash symbol \(JPY\) was not found"):
        book["JPY"]
    with pytest.raises(ValueError, match="conversion rate of the account currency USD is 1"):
        book.add("USD", 10, 2)
    with pytest.raises(TypeError, match="must be a number"):
        book["USD"].add_amount("10")
