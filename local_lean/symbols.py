"""LEAN's Symbol for US equities.

LEAN's Symbol derives from `str` in Python (see quantconnect-stubs): its string form is the
ticker, it hashes and compares like the ticker, and it works as a DataFrame key, so that
`history.loc[symbol]` and `history.loc["SPY"]` select the same rows.
"""

from __future__ import annotations

from local_lean.enums import Market, SecurityType


class SecurityIdentifier:
    """The part of LEAN's SecurityIdentifier an algorithm can see for a US equity."""

    def __init__(self, symbol: str, security_type: SecurityType, market: str) -> None:
        self.symbol = symbol
        self.security_type = security_type
        self.market = market

    def __str__(self) -> str:
        return self.symbol

    def __repr__(self) -> str:
        return f"SecurityIdentifier({self.symbol!r}, {self.security_type.name}, {self.market!r})"


class Symbol(str):
    """A security's identity; equal to (and hashed as) its upper-case ticker."""

    id: SecurityIdentifier

    def __new__(cls, sid: SecurityIdentifier, value: str) -> Symbol:
        symbol = super().__new__(cls, value.upper())
        symbol.id = sid
        return symbol

    @staticmethod
    def create(ticker: str, security_type: SecurityType, market: str) -> Symbol:
        if not isinstance(ticker, str) or not ticker.strip():
            raise ValueError(f"Symbol.create needs a non-empty ticker, got {ticker!r}")
        ticker = ticker.strip().upper()
        return Symbol(SecurityIdentifier(ticker, security_type, market), ticker)

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def security_type(self) -> SecurityType:
        return self.id.security_type

    def __repr__(self) -> str:
        return f"<Symbol {self.value}>"

    # str's own __hash__ is dropped when a subclass defines nothing; keep ticker hashing explicit.
    __hash__ = str.__hash__


def equity_symbol(ticker: str) -> Symbol:
    """The Symbol of a US equity ticker, as Symbol.create(t, SecurityType.EQUITY, Market.USA)."""
    return Symbol.create(ticker, SecurityType.EQUITY, Market.USA)
