"""``self.insights``: every insight the algorithm generated, and the ones still open (LEAN's
``InsightManager``, an ``InsightCollection``).

As a list it holds every insight emitted so far, oldest first (what the results record and
``get_insights`` filters). The open collection is what portfolio construction reads: insights
stay in it until ``remove_expired_insights`` takes them out after their close time. An insight
score function set with ``set_insight_score_function`` is asked to score the insights at each
time step with data (``step``), before the alpha model runs, as LEAN's ``OnFrameworkData``
does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from local_lean.framework.insights import Insight
from local_lean.lean_members import LeanMembers
from local_lean.symbol_conversion import as_symbol
from local_lean.symbols import Symbol


class InsightManager(
    list,
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Alphas.Analysis.InsightManager",
    alternatives={"get_enumerator": "iterate with `for insight in self.insights`"},
    hint="see local_lean/README.md for what self.insights offers",
):
    """Every insight emitted so far, oldest first, plus the collection of open ones."""

    def __init__(self, algorithm: Any = None) -> None:
        super().__init__()
        self._algorithm = algorithm
        self._collection: list[Insight] = []  # emitted and not yet removed
        self._score_function: Any = None
        self._forgotten: set[int] = set()  # ids of insights remove_insights took out

    # -- adding and removing ---------------------------------------------------------------------

    def _add(self, insight: Insight) -> None:
        self.append(insight)
        self._collection.append(insight)

    def add(self, item: Insight) -> None:
        if not isinstance(item, Insight):
            raise TypeError(f"the insight manager holds Insight objects, got {item!r}")
        self._add(item)

    def add_range(self, insights: Iterable[Insight]) -> None:
        for insight in insights:
            self.add(insight)

    def contains(self, item: Insight) -> bool:
        """Whether the insight is still in the open collection."""
        return any(insight is item for insight in self._collection)

    def contains_key(self, symbol: Any) -> bool:
        """Whether the symbol has insights in the open collection."""
        symbol = as_symbol(symbol)
        return any(insight.symbol == symbol for insight in self._collection)

    def remove(self, item: Insight) -> bool:  # type: ignore[override]
        """Take the insight out of the open collection (it stays among all the insights)."""
        kept = [insight for insight in self._collection if insight is not item]
        removed = len(kept) != len(self._collection)
        self._collection = kept
        return removed

    def clear(self, symbols: Iterable[Any]) -> None:  # type: ignore[override]
        """Take the symbols' insights out of the open collection."""
        gone = {as_symbol(symbol) for symbol in symbols}
        self._collection = [i for i in self._collection if i.symbol not in gone]

    def remove_insights(self, filter: Callable[[Insight], bool]) -> None:
        """Forget the insights matching `filter`: ``get_insights`` and the open collection no
        longer have them (the backtest's results still record them)."""
        for insight in self:
            if filter(insight):
                self._forgotten.add(id(insight))
        self._collection = [insight for insight in self._collection if not filter(insight)]

    # -- reading ---------------------------------------------------------------------------------

    def get_active_insights(self, utc_time: dt.datetime) -> list[Insight]:
        return [insight for insight in self._collection if insight.is_active(utc_time)]

    def has_active_insights(self, symbol: Any, utc_time: dt.datetime) -> bool:
        symbol = as_symbol(symbol)
        return any(i.symbol == symbol and i.is_active(utc_time) for i in self._collection)

    def remove_expired_insights(self, utc_time: dt.datetime) -> list[Insight]:
        """Take the insights that expired by `utc_time` out of the collection; returns them."""
        expired = [insight for insight in self._collection if insight.is_expired(utc_time)]
        if expired:
            self._collection = [i for i in self._collection if not i.is_expired(utc_time)]
        return expired

    def get_next_expiry_time(self) -> dt.datetime | None:
        """The earliest close time (UTC) of the insights still in the collection."""
        times = [insight.close_time_utc for insight in self._collection]
        return min((time for time in times if time is not None), default=None)

    def get_insights(self, filter: Callable[[Insight], bool] | None = None) -> list[Insight]:
        """Every insight generated so far (those `filter` accepts)."""
        if filter is not None and not callable(filter):
            raise TypeError(f"get_insights takes a function of an insight, got {filter!r}")
        return [
            insight
            for insight in self
            if id(insight) not in self._forgotten and (filter is None or filter(insight))
        ]

    def try_get_value(self, symbol: Any, insights: Any = None) -> tuple[bool, list[Insight]]:
        """(True, the symbol's open insights), or (False, []) when it has none."""
        symbol = as_symbol(symbol)
        found = [insight for insight in self._collection if insight.symbol == symbol]
        return bool(found), found

    @property
    def total_count(self) -> int:
        return len(self)

    @property
    def count(self) -> int:  # type: ignore[override]
        """The open insight count (LEAN's ``Count``: those not yet removed as expired)."""
        return len(self._collection)

    # -- LEAN's InsightManager -------------------------------------------------------------------

    def set_insight_score_function(self, insight_score_function: Any) -> None:
        """The object whose ``score(insight_manager, utc_time)`` scores the insights at each
        time step with data."""
        if not callable(getattr(insight_score_function, "score", None)):
            raise TypeError(
                "set_insight_score_function needs an object with a score(insight_manager, "
                f"utc_time) method, got {insight_score_function!r}"
            )
        self._score_function = insight_score_function

    def step(self, utc_now: dt.datetime) -> None:
        """Let the insight score function score the insights (LEAN's ``Step``)."""
        if self._score_function is not None:
            self._score_function.score(self, utc_now)

    def expire(self, symbols: Iterable[Any]) -> None:
        """Close, now, the open insights of the given symbols, or the given insights (LEAN's
        two overloads: a list of Symbols or a list of Insights)."""
        if symbols is None:
            return
        utc_now = self._utc_now()
        for insight in self._insights_of(symbols):
            insight.expire(utc_now)

    def cancel(self, symbols: Iterable[Any]) -> None:
        """LEAN's ``Cancel``: the same as ``expire``."""
        self.expire(symbols)

    def _insights_of(self, items: Iterable[Any]) -> list[Insight]:
        items = list(items)
        if all(isinstance(item, Insight) for item in items):
            return items
        symbols: set[Symbol] = {as_symbol(item) for item in items}
        return [insight for insight in self._collection if insight.symbol in symbols]

    def _utc_now(self) -> dt.datetime:
        if self._algorithm is None:
            raise RuntimeError("this insight manager belongs to no algorithm: it has no clock")
        return self._algorithm.utc_time


__all__ = ["InsightManager"]


def symbols_with_active_insights(manager: InsightManager, utc_time: dt.datetime) -> set[Symbol]:
    """The symbols ``manager.has_active_insights`` is True for at `utc_time`, in one pass (a
    module function: LEAN's InsightManager has no such member)."""
    return {insight.symbol for insight in manager.get_active_insights(utc_time)}
