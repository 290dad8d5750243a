"""Which securities the changing universes hold (LEAN's ``UniverseSelection``).

At each selection the model's new symbols are added to the algorithm (daily resolution).
A symbol a universe stops selecting leaves the algorithm only when the selection added it
and no other universe still selects it; securities added by ``add_equity`` or a manual
universe stay, as LEAN's user-defined universe keeps them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.symbols import Symbol


class UniverseMembership:
    """The symbols each changing universe selected last, and those selection added."""

    def __init__(self) -> None:
        self._members: dict[int, list[Symbol]] = {}
        self._added_by_selection: set[Symbol] = set()

    def apply(self, algorithm: Any, model: Any, time: dt.datetime) -> None:
        """Run `model`'s selection at `time` and add or remove securities to match."""
        selected = model._select(algorithm, time)
        previous = self._members.get(id(model), [])
        self._members[id(model)] = selected
        for symbol in selected:
            if symbol not in algorithm.securities:
                self._added_by_selection.add(symbol)
                algorithm.add_equity(symbol, Resolution.DAILY)
        held = {symbol for members in self._members.values() for symbol in members}
        removed = [
            symbol
            for symbol in previous
            if symbol not in held and symbol in self._added_by_selection
        ]
        if removed:
            raise NotSupportedError(
                f"removing {', '.join(s.value for s in removed)} from the universe at {time}",
                "local_lean adds the securities a universe selects but does not simulate their "
                "removal: keep selecting them (or add them with add_equity)",
            )


__all__ = ["UniverseMembership"]
