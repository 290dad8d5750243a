"""Portfolio construction: turn active insights into target holdings (LEAN's
``PortfolioConstructionModel``, ``Algorithm/Portfolio/PortfolioConstructionModel.cs``).

``create_targets(algorithm, insights)`` is called with the insights just emitted (from
``emit_insights``) and with none at each daily bar (LEAN's ``OnFrameworkData``). It makes targets
only when a rebalance is due: new insights, an insight that expired since the last call, or
the rebalancing period (a day by default) elapsed since the last rebalance. Then each symbol's
latest active insight gets a target from ``determine_target_percent``, and symbols whose
insights all expired get a target of zero, which liquidates them.

- NullPortfolioConstructionModel (LEAN's default): no targets; emitted insights trade nothing.
- EqualWeightingPortfolioConstructionModel: the non-flat insights share the portfolio's value
  equally, signed by direction and filtered by the portfolio bias.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from local_lean.buying_power import target_order_quantity
from local_lean.enums import RESOLUTION_TIME_SPANS, InsightDirection, PortfolioBias, Resolution
from local_lean.errors import NotSupportedError
from local_lean.framework.insight_manager import symbols_with_active_insights
from local_lean.framework.insights import Insight, to_utc
from local_lean.lean_members import LeanMembers
from local_lean.market_calendar import nyse_calendar
from local_lean.scheduling import DateRule, rule_dates
from local_lean.symbol_conversion import as_symbol
from local_lean.symbols import Symbol


class PortfolioTarget(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Portfolio.PortfolioTarget",
    hint="a PortfolioTarget offers symbol, quantity, tag, percent",
):
    """A target quantity of one symbol."""

    def __init__(self, symbol: Any, quantity: float, tag: str = "") -> None:
        self.symbol: Symbol = as_symbol(symbol)
        if isinstance(quantity, InsightDirection):
            raise NotSupportedError("PortfolioTarget(symbol, insight_direction)")
        self.quantity = float(quantity)
        self.tag = tag or ""

    @staticmethod
    def percent(
        algorithm: Any, symbol: Any, percent: float, return_delta_quantity: bool = False
    ) -> PortfolioTarget | None:
        """The whole-share target worth `percent` of the portfolio (LEAN's sizing: the value
        less the free buffer, under the target once fees are paid); None when the security has
        no price (an error is logged, as LEAN does)."""
        security, quantity = sized_by_percent(algorithm, symbol, percent, return_delta_quantity)
        return None if quantity is None else PortfolioTarget(security.symbol, quantity)

    def __repr__(self) -> str:
        return f"<PortfolioTarget {self.symbol.value}: {self.quantity:g}>"

    def __str__(self) -> str:
        return f"{self.symbol.value}: {self.quantity:g}"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PortfolioTarget)
            and other.symbol == self.symbol
            and other.quantity == self.quantity
        )

    __hash__ = None  # type: ignore[assignment]


def sized_by_percent(
    algorithm: Any, symbol: Any, percent: float, return_delta_quantity: bool = False
) -> tuple[Any, float | None]:
    """``PortfolioTarget.percent`` without the target: the security of `symbol` and the whole
    shares (the order's delta, or the holding's target) worth `percent` of the portfolio;
    None for the shares when the security has no price (an error is logged, as LEAN does)."""
    if not math.isfinite(percent):
        raise ValueError(f"target percent must be finite, got {percent!r}")
    security = algorithm.securities[symbol]
    minimum = algorithm.settings.minimum_order_margin_portfolio_percentage
    delta, problem = target_order_quantity(algorithm.portfolio, security, percent, minimum)
    if problem:
        algorithm.error(problem)
        return security, None
    return security, delta if return_delta_quantity else delta + security.holdings.quantity


def _rebalancing_function(rebalance: Any) -> Any:
    """LEAN's ``SetRebalancingFunc``: the function from the current UTC time to the next
    rebalance time (or None: no scheduled rebalance yet). A Resolution or a timedelta means
    "that much later", a date rule "its next date", and a callable is that function itself."""
    if rebalance is None:
        return None
    if isinstance(rebalance, Resolution):
        span = RESOLUTION_TIME_SPANS.get(rebalance)
        if span is None:
            raise NotSupportedError(f"rebalance=Resolution.{rebalance.name}")
        rebalance = span
    if isinstance(rebalance, dt.timedelta):
        if rebalance == dt.timedelta(0):
            return None  # LEAN ignores a zero TimeSpan: rebalance on insight changes only
        return lambda utc_time: utc_time + rebalance
    if isinstance(rebalance, DateRule):
        return _DateRuleRebalance(rebalance)
    if callable(rebalance):
        return _CheckedRebalance(rebalance)
    raise NotSupportedError(
        f"rebalance={rebalance!r}",
        "use a Resolution, a timedelta, a date rule (self.date_rules...), a function of the "
        "UTC time returning the next rebalance time (or None), or None",
    )


class _CheckedRebalance:
    """A user's rebalance function: it must return a datetime or None (LEAN converts the
    result to ``DateTime?``; anything else would fail there too)."""

    def __init__(self, function: Any) -> None:
        self._function = function

    def __call__(self, utc_time: dt.datetime) -> dt.datetime | None:
        result = self._function(utc_time)
        if result is None or isinstance(result, dt.datetime):
            return result
        if isinstance(result, dt.date):
            return dt.datetime.combine(result, dt.time())
        raise TypeError(f"the rebalance function must return a datetime or None, got {result!r}")


class _DateRuleRebalance:
    """LEAN's ``IDateRule.ToFunc()``: the rule's dates (midnight) from the first call's date
    on; each call returns the current date, moving to the next once the time reaches it."""

    def __init__(self, rule: DateRule) -> None:
        self._rule = rule
        self._dates: Any = None
        self._current: dt.datetime | None = None

    def __call__(self, utc_time: dt.datetime) -> dt.datetime:
        if self._dates is None:
            self._dates = _rule_dates(self._rule, utc_time.date())
            self._current = next(self._dates, None)
        if self._current is not None and utc_time >= self._current:
            self._current = next(self._dates, None)
        return END_OF_TIME if self._current is None else self._current


END_OF_TIME = dt.datetime.max  # LEAN's Time.EndOfTime: no more rebalances


def _rule_dates(rule: DateRule, first: dt.date) -> Any:
    """The midnights of the rule's dates from `first` on, in order, a year at a time."""
    calendar = nyse_calendar()
    start = first
    while start <= calendar.last_day:
        end = min(start + dt.timedelta(days=366), calendar.last_day)
        days = rule_dates(rule, calendar, start, end)
        for day in sorted(days):
            yield dt.datetime.combine(day, dt.time())
        start = end + dt.timedelta(days=1)


class PortfolioConstructionModel(
    LeanMembers,
    lean_class="QuantConnect.Algorithm.Framework.Portfolio.PortfolioConstructionModel",
    alternatives={
        "python_wrapper": "a Python subclass is used as it is",
        "set_python_wrapper": "a Python subclass is used as it is",
        "algorithm": "use the algorithm passed to create_targets",
    },
    hint="see local_lean/README.md for the framework models the runner offers",
):
    """Base: decides when to rebalance and which insights count; subclasses say how much."""

    def __init__(self, rebalance: Any = Resolution.DAILY) -> None:
        self._rebalancing_function = _rebalancing_function(rebalance)
        self._rebalancing_time: dt.datetime | None = None
        self._algorithm: Any = None  # the algorithm of the latest create_targets call
        self._security_changes = False  # securities were added since the last rebalance

    def set_rebalancing_func(self, rebalance: Any) -> None:
        """Rebalance by a Resolution, a timedelta, a date rule or a function (see above)."""
        self._rebalancing_function = _rebalancing_function(rebalance)

    def create_targets(self, algorithm: Any, insights: list[Insight]) -> list[PortfolioTarget]:
        """Targets for the latest active insight of each symbol, when a rebalance is due, and
        zero targets for symbols whose insights all expired."""
        self._algorithm = algorithm
        utc_time = to_utc(algorithm.time)
        if not self.is_rebalance_due(insights, utc_time):
            return []
        targets: list[PortfolioTarget] = []
        failed: set[Symbol] = set()
        target_insights = self.get_target_insights()
        percents = self.determine_target_percent(target_insights)
        for insight in target_insights:
            if insight not in percents:
                continue
            target = PortfolioTarget.percent(algorithm, insight.symbol, percents[insight])
            if target is None:
                failed.add(insight.symbol)
            else:
                targets.append(target)
        expired = algorithm.insights.remove_expired_insights(utc_time)
        flattened: list[Symbol] = []
        still_active = (
            symbols_with_active_insights(algorithm.insights, utc_time) if expired else set()
        )
        for insight in expired:
            symbol = insight.symbol
            if symbol in failed or symbol in flattened:
                continue
            if symbol not in still_active:
                flattened.append(symbol)
        targets.extend(PortfolioTarget(symbol, 0) for symbol in flattened)
        return targets

    def is_rebalance_due(self, insights: list[Insight], algorithm_utc: dt.datetime) -> bool:
        """LEAN's ``IsRebalanceDue``: on new insights, on an expiry, or when the period passed."""
        utc_time = algorithm_utc
        if self._rebalancing_function is None:
            return True
        next_expiry = self._algorithm.insights.get_next_expiry_time()
        if self._rebalancing_time is None:
            self._rebalancing_time = self._rebalancing_function(utc_time)
            if self._rebalancing_time is not None and self._rebalancing_time <= utc_time:
                self._rebalancing_time = None
                self._security_changes = False
                return True
        due = self._rebalancing_time is not None and self._rebalancing_time <= utc_time
        settings = self._algorithm.settings
        changed = settings.rebalance_portfolio_on_insight_changes and (
            len(insights) > 0 or (next_expiry is not None and next_expiry < utc_time)
        )
        added = settings.rebalance_portfolio_on_security_changes and self._security_changes
        if due or changed or added:
            self._rebalancing_time = self._rebalancing_function(utc_time)
            self._security_changes = False
            return True
        return False

    def on_securities_changed(self, algorithm: Any, changes: Any) -> None:
        """Securities were added or removed: rebalance at the next call (LEAN's default
        setting); the insights of removed securities end now, so they get flat targets."""
        self._algorithm = algorithm
        self._security_changes = bool(changes.count)
        removed = [security.symbol for security in changes.removed_securities]
        if removed:
            algorithm.insights.expire(removed)

    def get_target_insights(self) -> list[Insight]:
        """The most recently generated active insight of each symbol."""
        utc_time = to_utc(self._algorithm.time)
        active = self._algorithm.insights.get_active_insights(utc_time)
        return latest_active_insights(
            [i for i in active if self.should_create_target_for_insight(i)], utc_time
        )

    def should_create_target_for_insight(self, insight: Insight) -> bool:
        return True

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        raise NotImplementedError


class NullPortfolioConstructionModel(PortfolioConstructionModel):
    """Makes no targets: insights are recorded and nothing is traded (LEAN's default)."""

    def __init__(self) -> None:
        super().__init__(None)

    def create_targets(self, algorithm: Any, insights: list[Insight]) -> list[PortfolioTarget]:
        return []


class EqualWeightingPortfolioConstructionModel(PortfolioConstructionModel):
    """Equal shares of the portfolio value to every symbol with an active non-flat insight."""

    def __init__(
        self,
        rebalance: Any = Resolution.DAILY,
        portfolio_bias: PortfolioBias = PortfolioBias.LONG_SHORT,
    ) -> None:
        super().__init__(rebalance)
        self._portfolio_bias = PortfolioBias(portfolio_bias)

    def _respects_bias(self, insight: Insight) -> bool:
        return self._portfolio_bias == PortfolioBias.LONG_SHORT or int(insight.direction) == int(
            self._portfolio_bias
        )

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        """Fraction of the portfolio per insight: 1/n for the n non-flat ones, signed."""
        counted = [
            insight
            for insight in active_insights
            if insight.direction != InsightDirection.FLAT and self._respects_bias(insight)
        ]
        share = 1.0 / len(counted) if counted else 0.0
        return {
            insight: (
                int(insight.direction) * share
                if insight.direction != InsightDirection.FLAT and self._respects_bias(insight)
                else 0.0
            )
            for insight in active_insights
        }


class InsightWeightingPortfolioConstructionModel(EqualWeightingPortfolioConstructionModel):
    """Each symbol's latest insight with a weight gets that share of the portfolio (signed
    by direction, filtered by the portfolio bias); weights summing past 1 are scaled down to
    sum to 1. Insights without a weight are left out."""

    def should_create_target_for_insight(self, insight: Insight) -> bool:
        return insight.weight is not None

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        total = sum(self.get_value(i) for i in active_insights if self._respects_bias(i))
        factor = 1 / total if total > 1 else 1.0
        return {
            insight: (int(insight.direction) if self._respects_bias(insight) else 0)
            * self.get_value(insight)
            * factor
            for insight in active_insights
        }

    def get_value(self, insight: Insight) -> float:
        """The insight's member the weights come from: its weight, unsigned."""
        return abs(insight.weight) if insight.weight is not None else 0.0


class ConfidenceWeightedPortfolioConstructionModel(InsightWeightingPortfolioConstructionModel):
    """As InsightWeighting, with each insight's confidence in place of its weight."""

    def should_create_target_for_insight(self, insight: Insight) -> bool:
        return insight.confidence is not None

    def get_value(self, insight: Insight) -> float:
        return insight.confidence if insight.confidence is not None else 0.0


class AccumulativeInsightPortfolioConstructionModel(PortfolioConstructionModel):
    """Every active insight adds `percent` (3%) of the portfolio in its direction to its
    symbol's target, oldest first; a flat one first takes `percent` back toward zero (to zero
    when less is left). A target against the portfolio bias is zero. With no rebalance given,
    targets are made at every call."""

    def __init__(
        self,
        rebalance: Any = None,
        portfolio_bias: PortfolioBias = PortfolioBias.LONG_SHORT,
        percent: float = 0.03,
    ) -> None:
        super().__init__(rebalance)
        self._portfolio_bias = PortfolioBias(portfolio_bias)
        self._percent = abs(float(percent))

    def get_target_insights(self) -> list[Insight]:
        """Every active insight, oldest first."""
        utc_time = to_utc(self._algorithm.time)
        active = self._algorithm.insights.get_active_insights(utc_time)
        chosen = [i for i in active if self.should_create_target_for_insight(i)]
        return sorted(chosen, key=lambda insight: insight.generated_time_utc)

    def determine_target_percent(self, active_insights: list[Insight]) -> dict[Insight, float]:
        percents: dict[Symbol, float] = {}
        first: dict[Symbol, Insight] = {}
        for insight in active_insights:
            first.setdefault(insight.symbol, insight)
            percent = percents.get(insight.symbol, 0.0)
            if insight.symbol in percents and insight.direction == InsightDirection.FLAT:
                if abs(percent) < self._percent:
                    percent = 0.0
                else:
                    percent += -self._percent if percent > 0 else self._percent
            percent += self._percent * int(insight.direction)
            bias = self._portfolio_bias
            if bias != PortfolioBias.LONG_SHORT and _sign(percent) != int(bias):
                percent = 0.0
            percents[insight.symbol] = percent
        return {insight: percents[symbol] for symbol, insight in first.items()}


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def latest_active_insights(insights: list[Insight], utc_time: dt.datetime) -> list[Insight]:
    """The most recently generated active insight of each symbol (LEAN's active insights)."""
    latest: dict[Symbol, Insight] = {}
    for insight in insights:
        if not insight.is_active(utc_time):
            continue
        kept = latest.get(insight.symbol)
        if kept is None or (insight.generated_time_utc, insight.id) >= (
            kept.generated_time_utc,
            kept.id,
        ):
            latest[insight.symbol] = insight
    return list(latest.values())
