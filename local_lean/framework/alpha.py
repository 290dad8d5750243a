"""Alpha models: where framework algorithms' insights come from (LEAN's ``AlphaModel``).

The framework asks the algorithm's alpha models for insights at each slice of data (LEAN's
``OnFrameworkData``: ``update(algorithm, data)``) and tells them about securities the algorithm
added (``on_securities_changed(algorithm, changes)``). Python algorithms subclass ``AlphaModel``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from local_lean.enums import InsightDirection, InsightType
from local_lean.framework.insights import Insight, to_utc
from local_lean.lean_members import LeanMembers
from local_lean.symbols import Symbol


class SecurityChanges(
    LeanMembers,
    lean_class="QuantConnect.Data.UniverseSelection.SecurityChanges",
    hint="use changes.added_securities and changes.removed_securities",
):
    """The securities added to (and removed from) the algorithm since the last notice."""

    def __init__(self, added: list[Any], removed: list[Any] | None = None) -> None:
        self.added_securities = list(added)
        self.removed_securities = list(removed or [])

    @property
    def count(self) -> int:
        return len(self.added_securities) + len(self.removed_securities)

    def __repr__(self) -> str:
        added = ", ".join(s.symbol.value for s in self.added_securities)
        removed = ", ".join(s.symbol.value for s in self.removed_securities)
        return f"SecurityChanges: Added: {added} Removed: {removed}"


class AlphaModel(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Alphas.AlphaModel",
    hint="see local_lean/README.md for the framework models the runner offers",
):
    """Base of alpha models: ``update`` returns insights; the default makes none."""

    def __init__(self) -> None:
        self._name = type(self).__name__

    @property
    def name(self) -> str:
        # A Python subclass may skip super().__init__(), as LEAN allows: the name is then the
        # class name (what LEAN's wrapper of Python alpha models reports).
        return self.__dict__.get("_name") or type(self).__name__

    @name.setter
    def name(self, value: str) -> None:
        self._name = str(value)

    def update(self, algorithm: Any, data: Any) -> Iterable[Insight]:
        return []

    def on_securities_changed(self, algorithm: Any, changes: SecurityChanges) -> None:
        """Called with the securities the algorithm added since the last call."""


class NullAlphaModel(AlphaModel):
    """Makes no insights (LEAN's default alpha model)."""


class ConstantAlphaModel(AlphaModel):
    """The same insight for every security, again each time the previous one's period ends."""

    def __init__(
        self,
        type: InsightType,
        direction: InsightDirection,
        period: dt.timedelta,
        magnitude: float | None = None,
        confidence: float | None = None,
        weight: float | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(period, dt.timedelta) or period <= dt.timedelta(0):
            raise ValueError(
                f"ConstantAlphaModel needs a positive timedelta period, got {period!r}"
            )
        self._type = InsightType(type)
        self._direction = InsightDirection(direction)
        self._period = period
        self._magnitude = magnitude
        self._confidence = confidence
        self._weight = weight
        self._securities: list[Any] = []
        self._last_emitted: dict[Symbol, dt.datetime] = {}
        self._name = f"ConstantAlphaModel({self._type.name},{self._direction.name},{period})"

    def update(self, algorithm: Any, data: Any) -> list[Insight]:
        utc_time = to_utc(algorithm.time)
        return [
            Insight(
                security.symbol,
                self._period,
                self._type,
                self._direction,
                self._magnitude,
                self._confidence,
                weight=self._weight,
            )
            for security in self._securities
            # A security without a price yet gets no insight (LEAN's check).
            if security.price != 0 and self.should_emit_insight(utc_time, security.symbol)
        ]

    def should_emit_insight(self, utc_time: dt.datetime, symbol: Symbol) -> bool:
        """Once per period per symbol."""
        last = self._last_emitted.get(symbol)
        if last is not None and utc_time - last < self._period:
            return False
        self._last_emitted[symbol] = utc_time
        return True

    def on_securities_changed(self, algorithm: Any, changes: SecurityChanges) -> None:
        for security in changes.added_securities:
            if security not in self._securities:
                self._securities.append(security)
        for security in changes.removed_securities:
            if security in self._securities:
                self._securities.remove(security)
            self._last_emitted.pop(security.symbol, None)


class CompositeAlphaModel(AlphaModel):
    """Several alpha models; their insights together (what ``add_alpha`` builds)."""

    def __init__(self, *alpha_models: AlphaModel) -> None:
        super().__init__()
        self._models = list(alpha_models)

    def add_alpha(self, alpha_model: AlphaModel) -> None:
        self._models.append(alpha_model)

    def update(self, algorithm: Any, data: Any) -> list[Insight]:
        insights: list[Insight] = []
        for model in self._models:
            for insight in model.update(algorithm, data) or []:
                if not insight.source_model:
                    insight.source_model = model.name
                insights.append(insight)
        return insights

    def on_securities_changed(self, algorithm: Any, changes: SecurityChanges) -> None:
        for model in self._models:
            model.on_securities_changed(algorithm, changes)


__all__ = [
    "AlphaModel",
    "CompositeAlphaModel",
    "ConstantAlphaModel",
    "NullAlphaModel",
    "SecurityChanges",
]
