"""Insight outcomes per symbol, and the hit rate "always up" would have had on them.

Each insight in the results carries its outcome ("correct", "incorrect", "flat", "open") and
its prices at emission ("reference") and at close ("referenceValueFinal"). The bar a
directional forecast must clear is the rule that predicts "up" every time: over every closed
insight of a symbol, flat ones included, the share whose price rose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InsightScore:
    """Counts of one group of insights (one symbol, or all)."""

    name: str
    total: int = 0
    up: int = 0
    down: int = 0
    flat: int = 0
    correct: int = 0
    incorrect: int = 0
    still_open: int = 0
    closed: int = 0  # insights with a price at emission and at close
    rose: int = 0  # closed insights whose price rose: what "always up" gets right
    directions: dict[str, int] = field(default_factory=dict)

    @property
    def scored(self) -> int:
        return self.correct + self.incorrect

    @property
    def hit_rate(self) -> float | None:
        return self.correct / self.scored if self.scored else None

    @property
    def always_up_rate(self) -> float | None:
        return self.rose / self.closed if self.closed else None

    def add(self, insight: Mapping[str, Any]) -> None:
        self.total += 1
        direction = str(insight.get("direction", "")).lower()
        if direction in ("up", "1"):
            self.up += 1
        elif direction in ("down", "-1"):
            self.down += 1
        else:
            self.flat += 1
        outcome = str(insight.get("outcome", "open"))
        if outcome == "correct":
            self.correct += 1
        elif outcome == "incorrect":
            self.incorrect += 1
        elif outcome == "open":
            self.still_open += 1
        start, end = insight.get("reference"), insight.get("referenceValueFinal")
        if outcome != "open" and _is_price(start) and _is_price(end):
            self.closed += 1
            self.rose += end > start


def _is_price(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def score_insights(
    insights: Iterable[Mapping[str, Any]],
) -> tuple[InsightScore, list[InsightScore]]:
    """The score of all insights and of each symbol (most insights first)."""
    overall = InsightScore("all symbols")
    by_symbol: dict[str, InsightScore] = {}
    for insight in insights:
        if not isinstance(insight, Mapping):
            continue
        name = str(insight.get("ticker") or insight.get("symbol") or "?").split()[0]
        overall.add(insight)
        by_symbol.setdefault(name, InsightScore(name)).add(insight)
    ordered = sorted(by_symbol.values(), key=lambda score: (-score.total, score.name))
    return overall, ordered
