"""How LEAN's Python API turns what an algorithm passes into a Symbol.

LEAN accepts a ``Symbol``, a ticker string, or (through implicit conversions) a ``Security``
wherever a member asks for a symbol. A ticker becomes the US-equity Symbol of that ticker;
looking a ticker up in a collection keyed by Symbols compares its upper-case form. A Security
is recognised by the Symbol it carries, so this module needs nothing above ``symbols``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from local_lean.symbols import Symbol, equity_symbol


def _carried_symbol(value: Any) -> Symbol | None:
    """The Symbol of a Security (or of anything else that carries one), else None."""
    inner = getattr(value, "symbol", None)
    return inner if isinstance(inner, Symbol) else None


def _symbol_in(value: Any) -> Symbol | None:
    """`value` itself when it is a Symbol, the Symbol it carries, else None."""
    return value if isinstance(value, Symbol) else _carried_symbol(value)


def as_symbol(value: Any, needs: str = "expected a ticker string or a Symbol") -> Symbol:
    """A Symbol, a Security or a ticker as a Symbol; `needs` starts the TypeError otherwise."""
    if type(value) is Symbol:  # the common case (every PortfolioTarget, insight): at once
        return value
    symbol = _symbol_in(value)
    if symbol is not None:
        return symbol
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("a ticker cannot be empty")
        return equity_symbol(value)
    raise TypeError(f"{needs}, got {value!r}")


# LEAN's SymbolCache (Common/SymbolCache.cs) turns a ticker into the Symbol it was added as,
# and LEAN's collections compare Symbols by SecurityIdentifier. The runner's Symbols compare as
# their tickers, so only a second ticker of one security (QQQ added after QQQQ: one identifier,
# one security) needs an entry here: it finds the Symbol the security was added with. The
# algorithm starts each backtest with none (`forget_ticker_aliases`).
_ticker_aliases: dict[str, Symbol] = {}


def alias_ticker(ticker: str, symbol: Symbol) -> None:
    """`ticker`, another ticker of `symbol`'s security, finds `symbol` from now on."""
    _ticker_aliases[ticker.strip().upper()] = symbol


def forget_ticker_aliases() -> None:
    _ticker_aliases.clear()


def symbol_key(value: Any) -> Symbol | str:
    """The key that finds a security in a collection keyed by Symbols: the Symbol itself (or a
    Security's), or a ticker in upper case, which compares equal to its Symbol; a second ticker
    of one security, or its Symbol, gives the Symbol the security was added with."""
    if type(value) is Symbol:  # the common case, asked at every lookup: decided at once
        if _ticker_aliases:
            alias = _ticker_aliases.get(value)
            if alias is not None and alias.id == value.id:
                return alias
        return value
    symbol = _symbol_in(value)
    if symbol is not None:
        return symbol_key(symbol) if _ticker_aliases else symbol
    if isinstance(value, str):
        ticker = value.strip().upper()
        return _ticker_aliases.get(ticker, ticker)
    raise TypeError(f"expected a Symbol, a Security or a ticker string, got {value!r}")


def ticker_of(value: Any) -> str:
    """The ticker of a Symbol, a Security or a ticker string (upper case)."""
    key = symbol_key(value)
    return key.value if isinstance(key, Symbol) else key


def one_or_many(value: Any) -> list:
    """A member's symbol argument that may be one (a Symbol, a ticker, a Security) or many, as
    a list."""
    if isinstance(value, str) or _carried_symbol(value) is not None:
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


__all__ = [
    "alias_ticker",
    "as_symbol",
    "forget_ticker_aliases",
    "one_or_many",
    "symbol_key",
    "ticker_of",
]
