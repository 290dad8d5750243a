"""LEAN's security definitions (``Common/Securities/SecurityDefinition.cs`` and
``SecurityDefinitionSymbolResolver.cs``): a security's CUSIP, composite FIGI, SEDOL, ISIN and
CIK, read from ``<data folder>/symbol-properties/security-database.csv``.

Each line of the file is ``SecurityIdentifier,CUSIP,CompositeFIGI,SEDOL,ISIN,CIK`` (an empty
field is None; the CIK may be missing; blank lines and lines starting with ``#`` are skipped).
A Symbol's definition is the row whose identifier equals its ``id``. Without the file (or
outside a LEAN data folder) every identifier is None, as LEAN's resolver answers when it loaded
no definitions. The backtest's data source installs its lookup for Symbols
(``local_lean.data.auxiliary.use_data_source``, ``local_lean.symbols.use_security_definitions``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from local_lean.errors import MalformedDataError

DATABASE = Path("symbol-properties") / "security-database.csv"


@dataclass(frozen=True)
class SecurityDefinition:
    """One row of the security database."""

    security_identifier: str  # as SecurityIdentifier.to_string() writes it
    cusip: str | None
    composite_figi: str | None
    sedol: str | None
    isin: str | None
    cik: int | None


def definition_from_line(line: str) -> SecurityDefinition:
    """A definition from one CSV line (LEAN's ``SecurityDefinition.FromCsvLine``)."""
    fields = line.strip().split(",")
    if len(fields) < 5:
        raise MalformedDataError(
            f"a security database line needs SecurityIdentifier,CUSIP,CompositeFIGI,SEDOL,ISIN"
            f"[,CIK]; got {line.strip()!r}"
        )

    def text(index: int) -> str | None:
        value = fields[index].strip() if index < len(fields) else ""
        return value or None

    cik = text(5)
    try:
        cik_number = None if cik is None else int(cik)
    except ValueError:
        raise MalformedDataError(f"a CIK is a whole number, got {cik!r} in {line!r}") from None
    return SecurityDefinition(fields[0].strip(), text(1), text(2), text(3), text(4), cik_number)


@lru_cache(maxsize=4)
def read_security_definitions(path: Path) -> dict[str, SecurityDefinition]:
    """The definitions of a security database file by identifier (the first row of each);
    empty when there is no such file."""
    if not path.is_file():
        return {}
    definitions: dict[str, SecurityDefinition] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        definition = definition_from_line(line)
        definitions.setdefault(definition.security_identifier, definition)
    return definitions


def definitions_lookup(root: Path | None) -> Callable[[Any], SecurityDefinition | None]:
    """The lookup of a Symbol's definition in the security database of the LEAN data folder
    at `root` (every answer None without a folder)."""

    def definition_of(symbol: Any) -> SecurityDefinition | None:
        if root is None or symbol is None:
            return None
        return read_security_definitions(root / DATABASE).get(str(symbol.id))

    return definition_of


__all__ = [
    "DATABASE",
    "SecurityDefinition",
    "definition_from_line",
    "definitions_lookup",
    "read_security_definitions",
]
