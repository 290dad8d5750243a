"""``self.universe_manager``: the algorithm's universes by their Symbol (LEAN's
``UniverseManager``), as far as manual universes go.

Each ManualUniverseSelectionModel given to ``set_universe_selection`` or
``add_universe_selection`` makes one universe of its US equities (LEAN makes one per security
type and market; here every symbol is a US equity). Two models with the same symbols make the
same universe, which is counted once, as in LEAN. ``active_securities`` are the members of all
universes, each security once.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from local_lean.securities import active_security
from local_lean.symbols import Symbol, equity_symbol


class ReadOnlyExtendedDictionary(dict):
    """A read-only dictionary with LEAN's ``count`` (``active_securities``)."""

    @property
    def count(self) -> int:
        return len(self)

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("this dictionary is read-only: it reflects the algorithm's universes")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]


class ManualUniverse:
    """A fixed set of equities (LEAN's ``ManualUniverse`` made by a
    ManualUniverseSelectionModel); its members are the algorithm's securities of those
    symbols."""

    def __init__(self, symbols: list[Symbol], securities: Any) -> None:
        self._selected = list(dict.fromkeys(symbols))
        self._securities = securities
        # LEAN names the universe after the security type, the market and a hash of the
        # symbols; the hash here is a CRC of their ids (stable from run to run).
        ids = ",".join(str(symbol.id) for symbol in self._selected)
        self._symbol = equity_symbol(
            f"manual-universe-selection-model-Equity-usa-{zlib.crc32(ids.encode())}"
        )

    @property
    def symbol(self) -> Symbol:
        return self._symbol

    @property
    def selected(self) -> set[Symbol]:
        return set(self._selected)

    @property
    def members(self) -> dict[Symbol, Any]:
        active = {s: active_security(self._securities, s) for s in self._selected}
        return {s: security for s, security in active.items() if security is not None}

    def contains_member(self, symbol: Any) -> bool:
        return symbol in self.members


class UniverseManager:
    """The algorithm's universes by Symbol."""

    def __init__(self, securities: Any) -> None:
        self._securities = securities
        self._universes: dict[Symbol, ManualUniverse] = {}

    def _add_manual(self, symbols: list[Symbol]) -> ManualUniverse:
        """The universe of a manual selection model's symbols (the existing one when another
        model already made it)."""
        universe = ManualUniverse(symbols, self._securities)
        return self._universes.setdefault(universe.symbol, universe)

    @property
    def count(self) -> int:
        return len(self._universes)

    @property
    def active_securities(self) -> ReadOnlyExtendedDictionary:
        """The securities of every universe's members."""
        active: dict[Symbol, Any] = {}
        for universe in self._universes.values():
            active.update(universe.members)
        return ReadOnlyExtendedDictionary(active)

    def keys(self) -> list[Symbol]:
        return list(self._universes)

    def values(self) -> list[ManualUniverse]:
        return list(self._universes.values())

    def items(self) -> list[tuple[Symbol, ManualUniverse]]:
        return list(self._universes.items())

    def __len__(self) -> int:
        return len(self._universes)

    def __iter__(self) -> Iterator[Symbol]:
        return iter(list(self._universes))

    def __contains__(self, key: Any) -> bool:
        return key in self._universes

    def __getitem__(self, symbol: Any) -> ManualUniverse:
        try:
            return self._universes[symbol]
        except KeyError:
            raise KeyError(f"the algorithm has no universe {symbol!r}") from None


def add_manual_universe(manager: UniverseManager, symbols: Any) -> None:
    """A manual universe selection model's symbols become a universe of `manager`."""
    manager._add_manual(symbols)


__all__ = ["add_manual_universe", "ManualUniverse", "ReadOnlyExtendedDictionary", "UniverseManager"]
