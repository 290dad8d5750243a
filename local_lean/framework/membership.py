"""Which securities the changing universes hold (LEAN's ``UniverseSelection`` and
``PendingRemovalsManager``).

At each selection the model's new symbols are added to the algorithm (daily resolution).
A symbol the model stops selecting, once it has been a member for the universe settings'
``minimum_time_in_universe`` (a day), leaves that universe and is reported as removed to the
algorithm and its framework models (LEAN reports it even when another universe still selects
it). The security itself leaves ``algorithm.securities`` only when no universe holds it, the
selection had added it (``add_equity`` and manual universes keep theirs), and it is safe: no
holdings and no open orders. Until then the removal is pending and checked again at each
selection, as LEAN does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from local_lean.enums import Resolution
from local_lean.symbols import Symbol


class UniverseMembership:
    """The members of each changing universe (with the time each joined), and the removals
    that wait for a position to close."""

    def __init__(self) -> None:
        self._members: dict[int, dict[Symbol, dt.datetime]] = {}
        self._added_by_selection: set[Symbol] = set()
        self._pending: list[Symbol] = []

    def apply(
        self,
        algorithm: Any,
        model: Any,
        time: dt.datetime,
        remove_security: Callable[[Symbol], None],
    ) -> list[Any]:
        """Run `model`'s selection at `time`: add its new securities, and return the
        securities that left it (``remove_security`` takes those no universe holds)."""
        selected = model._select(algorithm, time)
        members = self._members.setdefault(id(model), {})
        for symbol in selected:
            if symbol in self._pending:
                self._pending.remove(symbol)  # selected again: no longer leaving
            if symbol not in members:
                members[symbol] = time
            if symbol not in algorithm.securities:
                self._added_by_selection.add(symbol)
                # created with the universe settings, as LEAN's UniverseSelection does
                settings = algorithm.universe_settings
                algorithm.add_equity(
                    symbol,
                    Resolution.DAILY,
                    fill_forward=settings.fill_forward,
                    leverage=settings.leverage,
                    extended_market_hours=settings.extended_market_hours,
                    data_normalization_mode=settings.data_normalization_mode,
                )
        minimum = algorithm.universe_settings.minimum_time_in_universe
        chosen = set(selected)
        removed = []
        for symbol, joined in list(members.items()):
            if symbol in chosen or time - joined < minimum:
                continue
            del members[symbol]
            security = algorithm.securities.get(symbol)
            if security is None:
                continue
            removed.append(security)
            if symbol not in self._pending:
                self._pending.append(symbol)
        self._remove_safe_securities(algorithm, remove_security)
        return removed

    def _remove_safe_securities(
        self, algorithm: Any, remove_security: Callable[[Symbol], None]
    ) -> None:
        held = {symbol for members in self._members.values() for symbol in members}
        for symbol in list(self._pending):
            if symbol in held or symbol not in self._added_by_selection:
                self._pending.remove(symbol)  # another universe (or add_equity) keeps it
                continue
            security = algorithm.securities.get(symbol)
            if security is None:
                self._pending.remove(symbol)
                continue
            open_orders = algorithm.transactions.get_open_orders(symbol)
            if security.invested or open_orders:
                continue  # LEAN waits until the position is closed
            self._pending.remove(symbol)
            self._added_by_selection.discard(symbol)
            remove_security(symbol)


__all__ = ["UniverseMembership"]
