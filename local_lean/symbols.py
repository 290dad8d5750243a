"""LEAN's Symbol and SecurityIdentifier for US equities.

LEAN's Symbol derives from `str` in Python (see quantconnect-stubs): its string form is the
ticker, it hashes and compares like the ticker, and it works as a DataFrame key, so that
`history.loc[symbol]` and `history.loc["SPY"]` select the same rows.

`Symbol.id` is LEAN's SecurityIdentifier, encoded as LEAN's `Common/SecurityIdentifier.cs` does:
the security's first ticker, a space, and a number written in base 36 (digits 0-9 then A-Z)
that packs, in decimal fields from the right, the security type (2 digits), the market code
(3 digits), strike scale, strike, option style (zero for equities) and, from the 14th digit on,
the first date as an OLE Automation date (days since 1899-12-30). For an equity the first
ticker and date come from its map file; without one they are the ticker itself and LEAN's
default date, 1899-12-30 (OA date 0): "SPY R735QTJ8XC9X" is SPY from 1998-01-02, "SHY 2T" is
SHY without a map file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from local_lean.enums import Market, SecurityType
from local_lean.errors import NotSupportedError

# LEAN's SecurityIdentifier.DefaultDate, DateTime.FromOADate(0).
DEFAULT_DATE = datetime.date(1899, 12, 30)

# Widths of the decimal fields packed into the properties number (LEAN's layout, right to left):
# security type 2 digits, market 3, strike scale 2, strike 6, option style 1, days 5, put/call 1.
_SECURITY_TYPE_OFFSET = 1
_SECURITY_TYPE_WIDTH = 100
_MARKET_OFFSET = _SECURITY_TYPE_OFFSET * _SECURITY_TYPE_WIDTH
_MARKET_WIDTH = 1_000
_STRIKE_SCALE_OFFSET = _MARKET_OFFSET * _MARKET_WIDTH
_STRIKE_OFFSET = _STRIKE_SCALE_OFFSET * 100
_OPTION_STYLE_OFFSET = _STRIKE_OFFSET * 1_000_000
_DAYS_OFFSET = _OPTION_STYLE_OFFSET * 10
_DAYS_WIDTH = 100_000

# LEAN's market codes (Common/Market.cs); US equities trade on "usa".
_MARKET_CODES = {Market.USA: 1}
_BASE36_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_base36(number: int) -> str:
    """`number` in base 36 with digits 0-9A-Z; zero is "" (LEAN's EncodeBase36)."""
    digits = []
    while number:
        number, digit = divmod(number, 36)
        digits.append(_BASE36_DIGITS[digit])
    return "".join(reversed(digits))


def decode_base36(text: str) -> int:
    """The number that `encode_base36` wrote as `text`."""
    number = 0
    for character in text:
        value = _BASE36_DIGITS.find(character)
        if value < 0:
            raise ValueError(f"{text!r} is not base 36 (digits 0-9 and upper-case A-Z)")
        number = number * 36 + value
    return number


def _oa_days(day: datetime.date) -> int:
    return (day - DEFAULT_DATE).days


class SecurityIdentifier:
    """LEAN's permanent identifier of a security: first ticker plus packed properties."""

    DEFAULT_DATE = datetime.datetime.combine(DEFAULT_DATE, datetime.time())

    def __init__(self, symbol: str, properties: int) -> None:
        if not isinstance(symbol, str) or "|" in symbol or " " in symbol:
            raise ValueError(f"a SecurityIdentifier symbol cannot contain '|' or ' ': {symbol!r}")
        if not isinstance(properties, int) or properties < 0:
            raise ValueError(f"properties must be a non-negative integer, got {properties!r}")
        security_type = self._field(properties, _SECURITY_TYPE_OFFSET, _SECURITY_TYPE_WIDTH)
        if security_type not in SecurityType.__members__.values():
            raise ValueError(
                f"properties {properties} encode security type {security_type}, which local_lean "
                f"does not know (it knows {[t.name for t in SecurityType]})"
            )
        self._symbol = symbol
        self._properties = properties

    @staticmethod
    def _field(properties: int, offset: int, width: int) -> int:
        return (properties // offset) % width

    @staticmethod
    def generate_equity(*args: Any, **kwargs: Any) -> SecurityIdentifier:
        """LEAN's two overloads: `generate_equity(date, symbol, market)` with the first date
        given, or `generate_equity(symbol, market, map_symbol=True, map_file_provider=None,
        mapping_resolve_date=None)`, which takes the first ticker and date from
        `map_file_provider` (a `local_lean.data.map_files.MapFileResolver`) for the security
        trading as `symbol` on `mapping_resolve_date` (default: today, as LEAN). Without a
        provider, or when it has no map file for the ticker, the date is DEFAULT_DATE."""
        if args and isinstance(args[0], datetime.date):
            return _generate_equity_on(*args, **kwargs)
        return _generate_equity_mapped(*args, **kwargs)

    @staticmethod
    def parse(value: str) -> SecurityIdentifier:
        """The identifier whose `to_string()` is `value` (no underlying: "SPY R735QTJ8XC9X")."""
        parts = value.split() if isinstance(value, str) else []
        if len(parts) != 2 or "|" in value:
            raise ValueError(
                f"{value!r} is not a security identifier of the form '<ticker> <base36>', "
                "e.g. 'SPY R735QTJ8XC9X' (derivatives with an underlying are not supported)"
            )
        return SecurityIdentifier(parts[0], decode_base36(parts[1]))

    @property
    def symbol(self) -> str:
        """The security's first ticker (for equities, the first one in its map file)."""
        return self._symbol

    @property
    def date(self) -> datetime.datetime:
        """For equities, the first date of the map file (DEFAULT_DATE without one)."""
        days = self._field(self._properties, _DAYS_OFFSET, _DAYS_WIDTH)
        return self.DEFAULT_DATE + datetime.timedelta(days=days)

    @property
    def market(self) -> str:
        code = self._field(self._properties, _MARKET_OFFSET, _MARKET_WIDTH)
        names = {value: name for name, value in _MARKET_CODES.items()}
        return names.get(code, str(code))

    @property
    def security_type(self) -> SecurityType:
        return SecurityType(
            self._field(self._properties, _SECURITY_TYPE_OFFSET, _SECURITY_TYPE_WIDTH)
        )

    @property
    def has_underlying(self) -> bool:
        return False

    def to_string(self) -> str:
        return f"{self._symbol} {encode_base36(self._properties) or '0'}"

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        return f"SecurityIdentifier({self.to_string()!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecurityIdentifier):
            return NotImplemented
        return (self._symbol, self._properties) == (other._symbol, other._properties)

    def __hash__(self) -> int:
        return hash((self._symbol, self._properties))


def _generate_equity_on(date: datetime.date, symbol: str, market: str) -> SecurityIdentifier:
    if isinstance(date, datetime.datetime):
        date = date.date()
    if date < DEFAULT_DATE:
        raise ValueError(f"an equity's first date must be on or after {DEFAULT_DATE}, got {date}")
    if _oa_days(date) >= _DAYS_WIDTH:
        raise ValueError(f"{date} is too late for a SecurityIdentifier date (before 2173)")
    code = _MARKET_CODES.get(market.lower()) if isinstance(market, str) else None
    if code is None:
        raise ValueError(f"market {market!r} is not supported: local_lean has US equities (usa)")
    if not isinstance(symbol, str) or not symbol.strip():
        raise ValueError(f"an equity needs a non-empty ticker, got {symbol!r}")
    properties = _oa_days(date) * _DAYS_OFFSET + code * _MARKET_OFFSET + int(SecurityType.EQUITY)
    return SecurityIdentifier(symbol.strip().upper(), properties)


def _generate_equity_mapped(
    symbol: str,
    market: str,
    map_symbol: bool = True,
    map_file_provider: Any = None,
    mapping_resolve_date: datetime.date | None = None,
) -> SecurityIdentifier:
    first_ticker, first_date = symbol, DEFAULT_DATE
    if map_symbol and map_file_provider is not None:
        resolve_date = mapping_resolve_date or datetime.date.today()
        if isinstance(resolve_date, datetime.datetime):
            resolve_date = resolve_date.date()
        map_file = map_file_provider.resolve_map_file(symbol, resolve_date)
        if map_file is not None:
            first_ticker, first_date = map_file.first_ticker, map_file.first_date
    return _generate_equity_on(first_date, first_ticker, market)


class Symbol(str):
    """A security's identity; equal to (and hashed as) its upper-case ticker."""

    id: SecurityIdentifier

    def __new__(cls, sid: SecurityIdentifier, value: str) -> Symbol:
        symbol = super().__new__(cls, value.upper())
        symbol.id = sid
        return symbol

    @staticmethod
    def create(ticker: str, security_type: SecurityType, market: str) -> Symbol:
        """A US equity's Symbol with LEAN's default date (no map file is consulted here; the
        algorithm's `add_equity` gives securities the identifier from the data's map files)."""
        if not isinstance(ticker, str) or not ticker.strip():
            raise ValueError(f"Symbol.create needs a non-empty ticker, got {ticker!r}")
        if security_type != SecurityType.EQUITY:
            raise NotSupportedError(f"Symbol.create({security_type!r})", "US equities only")
        ticker = ticker.strip().upper()
        return Symbol(SecurityIdentifier.generate_equity(DEFAULT_DATE, ticker, market), ticker)

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def security_type(self) -> SecurityType:
        return self.id.security_type

    def __repr__(self) -> str:
        return f"<Symbol {self.value}>"

    # Industry-standard identifiers (LEAN's SecurityDefinitionSymbolResolver): from the data
    # folder's symbol-properties/security-database.csv; None where it has no row for this
    # security (or there is no such file, as in LEAN).
    @property
    def cusip(self) -> str | None:
        return getattr(security_definition_of(self), "cusip", None)

    @property
    def composite_figi(self) -> str | None:
        return getattr(security_definition_of(self), "composite_figi", None)

    @property
    def sedol(self) -> str | None:
        return getattr(security_definition_of(self), "sedol", None)

    @property
    def isin(self) -> str | None:
        return getattr(security_definition_of(self), "isin", None)

    @property
    def cik(self) -> int | None:
        return getattr(security_definition_of(self), "cik", None)

    # str's own __hash__ is dropped when a subclass defines nothing; keep ticker hashing explicit.
    __hash__ = str.__hash__


# The security definitions the data layer reads (local_lean/data/security_definitions.py
# installs its lookup with use_security_definitions): a Symbol -> its definition, or None.
_SECURITY_DEFINITION_LOOKUP: list[Callable[[Symbol], Any]] = [lambda symbol: None]


def use_security_definitions(lookup: Callable[[Symbol], Any]) -> None:
    """Install the lookup of a Symbol's security definition (cusip, composite_figi, sedol,
    isin, cik)."""
    _SECURITY_DEFINITION_LOOKUP[0] = lookup


def security_definition_of(symbol: Symbol) -> Any:
    """The security definition of `symbol`, or None."""
    return _SECURITY_DEFINITION_LOOKUP[0](symbol)


def equity_symbol(ticker: str, map_file_provider: Any = None) -> Symbol:
    """The Symbol of a US equity ticker. With `map_file_provider` (the data's map files, see
    `local_lean.data.map_file_provider`) its id carries the security's first ticker and date, as
    LEAN's Symbol.create does; without, LEAN's default date."""
    if not isinstance(ticker, str) or not ticker.strip():
        raise ValueError(f"a ticker must be a non-empty string, got {ticker!r}")
    ticker = ticker.strip().upper()
    sid = SecurityIdentifier.generate_equity(ticker, Market.USA, True, map_file_provider)
    return Symbol(sid, ticker)
