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

from local_lean.framework.alpha import SecurityChanges
from local_lean.framework.selection import (
    UniverseSelectionModel,
    selected_symbols,
    selection_times,
)
from local_lean.securities import active_security
from local_lean.subscriptions import universe_resolution
from local_lean.symbols import Symbol


class UniverseMembership:
    """The members of each changing universe (with the time each joined), and the removals
    that wait for a position to close."""

    def __init__(self, source: Any = None) -> None:
        self.source = source  # the price source: which resolutions its data has
        self._members: dict[int, dict[Symbol, dt.datetime]] = {}
        self._added_by_selection: set[Symbol] = set()
        self._pending: list[Symbol] = []
        self._notified: set[Symbol] = set()  # securities the framework was told about
        self._selected_once = False  # the first selection runs at the start date

    def selection_steps(self, models: list[Any], session: Any, algorithm: Any) -> list:
        """(time, model) for each selection the changing universes make on `session`."""
        first = not self._selected_once
        self._selected_once = True
        return [
            (time, model)
            for model in models
            if isinstance(model, UniverseSelectionModel)
            for time in selection_times(model, session, first, algorithm.start_date)
        ]

    def select(
        self,
        algorithm: Any,
        models: Any,
        time: dt.datetime,
        remove_security: Callable[[Symbol], None],
        warming_up: bool,
    ) -> None:
        """`models` (one, or those that select at the same time) select at `time`; after
        warm-up, the securities they added and removed reach the framework models and
        ``on_securities_changed`` in this time step, as one SecurityChanges (LEAN's time
        slice carries the changes of every universe)."""
        removed: list[Any] = []
        for model in models if isinstance(models, list) else [models]:
            removed.extend(self.apply(algorithm, model, time, remove_security))
        if warming_up:
            return
        added = [s for s in algorithm.securities.values() if s.symbol not in self._notified]
        self._notified.update(security.symbol for security in added)
        if added or removed:
            algorithm.on_framework_securities_changed(SecurityChanges(added, removed))

    def notify_changes(self, algorithm: Any, removed: list[Any]) -> bool:
        """Securities added since the last time step, and those `removed` now, reach the
        framework models and ``on_securities_changed`` at the start of the next one, as LEAN's
        SecurityChanges do (those added in ``initialize`` at the first time step). Returns
        whether there were changes to report."""
        securities = algorithm.securities
        if len(securities) == len(self._notified) and not removed:
            return False
        added = [s for s in securities.values() if s.symbol not in self._notified]
        if not (added or removed):
            return False
        self._notified.update(security.symbol for security in added)
        algorithm.on_framework_securities_changed(SecurityChanges(added, removed))
        return True

    def forget(self, symbol: Symbol) -> None:
        """A security that left the algorithm: if it comes back, it is new to the framework."""
        self._notified.discard(symbol)

    def apply(
        self,
        algorithm: Any,
        model: Any,
        time: dt.datetime,
        remove_security: Callable[[Symbol], None],
    ) -> list[Any]:
        """Run `model`'s selection at `time`: add its new securities, and return the
        securities that left it (``remove_security`` takes those no universe holds)."""
        selected = selected_symbols(model, algorithm, time)
        members = self._members.setdefault(id(model), {})
        for symbol in selected:
            if symbol in self._pending:
                self._pending.remove(symbol)  # selected again: no longer leaving
            if symbol not in members:
                members[symbol] = time
            if active_security(algorithm.securities, symbol) is None:
                self._added_by_selection.add(symbol)
                # created with the universe settings, as LEAN's UniverseSelection does
                settings = algorithm.universe_settings
                algorithm.add_equity(
                    symbol,
                    universe_resolution(self.source, symbol.value, settings.resolution),
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
            security = active_security(algorithm.securities, symbol)
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
            security = active_security(algorithm.securities, symbol)
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
