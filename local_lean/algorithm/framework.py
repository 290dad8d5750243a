"""QCAlgorithm's framework members, as LEAN's ``QCAlgorithm.Framework.cs``.

The models (universe selection, alpha, portfolio construction, risk management, execution)
and the framework's work at each slice: ``on_framework_data`` asks the alpha model for
insights, and every batch of insights, emitted or generated, goes the framework's path to
orders: portfolio construction (targets, when a rebalance is due), risk management (targets
that override those of their symbols), execution (orders). The engine calls
``on_framework_data`` after ``on_data`` and ``on_framework_securities_changed`` at the start
of a time step that follows added or removed securities.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from local_lean.conventions import to_utc
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.framework.alpha import CompositeAlphaModel, NullAlphaModel
from local_lean.framework.insights import (
    GeneratedInsightsCollection,
    Insight,
    InsightsGeneratedEvent,
    stamp_emitted_insight,
)
from local_lean.framework.risk import CompositeRiskManagementModel, NullRiskManagementModel
from local_lean.framework.selection import UniverseSelectionModel
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.framework.universe_manager import UniverseManager, add_manual_universe
from local_lean.subscriptions import universe_resolution


class QCAlgorithmFramework:
    """QCAlgorithm's framework members (LEAN's ``QCAlgorithm.Framework.cs``)."""

    def set_portfolio_construction(self, portfolio_construction: Any) -> None:
        if not hasattr(portfolio_construction, "create_targets"):
            raise TypeError("set_portfolio_construction needs a portfolio construction model")
        self._portfolio_construction = portfolio_construction

    def set_execution(self, execution: Any) -> None:
        if not hasattr(execution, "execute"):
            raise TypeError("set_execution needs an execution model")
        self._execution = execution

    @property
    def portfolio_construction(self) -> Any:
        return self._portfolio_construction

    @property
    def execution(self) -> Any:
        return self._execution

    @property
    def alpha(self) -> Any:
        return self._alpha

    @property
    def risk_management(self) -> Any:
        return self._risk_management

    @property
    def universe_selection(self) -> Any:
        return self._universe_selection

    def set_alpha(self, alpha: Any) -> None:
        """The alpha model whose insights the framework trades (asked at each slice)."""
        if not hasattr(alpha, "update"):
            raise TypeError("set_alpha needs an alpha model (a class with update())")
        self._alpha = alpha

    def add_alpha(self, alpha: Any) -> None:
        """Another alpha model beside those set: their insights together."""
        if not hasattr(alpha, "update"):
            raise TypeError("add_alpha needs an alpha model (a class with update())")
        if isinstance(self._alpha, NullAlphaModel):
            self._alpha = alpha
        elif isinstance(self._alpha, CompositeAlphaModel):
            self._alpha.add_alpha(alpha)
        else:
            self._alpha = CompositeAlphaModel(self._alpha, alpha)

    def set_risk_management(self, risk_management: Any) -> None:
        if not hasattr(risk_management, "manage_risk"):
            raise TypeError("set_risk_management needs a risk management model")
        self._risk_management = risk_management

    def add_risk_management(self, risk_management: Any) -> None:
        if not hasattr(risk_management, "manage_risk"):
            raise TypeError("add_risk_management needs a risk management model")
        if isinstance(self._risk_management, NullRiskManagementModel):
            self._risk_management = risk_management
        elif isinstance(self._risk_management, CompositeRiskManagementModel):
            self._risk_management.add_risk_management(risk_management)
        else:
            self._risk_management = CompositeRiskManagementModel(
                self._risk_management, risk_management
            )

    def set_universe_selection(self, universe_selection: Any) -> None:
        """A ManualUniverseSelectionModel's symbols are added now, at the universe settings'
        resolution on a LEAN data folder (else daily); a
        custom or scheduled model selects as the backtest runs (framework/selection.py)."""
        _require_manual_universe(universe_selection, "set_universe_selection")
        self._universe_selection = universe_selection
        self.add_universe_selection(universe_selection)

    def add_universe_selection(self, universe_selection: Any) -> None:
        _require_manual_universe(universe_selection, "add_universe_selection")
        self._setup.universe_models.append(universe_selection)
        if isinstance(universe_selection, ManualUniverseSelectionModel):
            settings = self.universe_settings
            for symbol in universe_selection.symbols:
                resolution = universe_resolution(
                    self._ctx.source, symbol.value, settings.resolution
                )
                self._note_daily_universe(resolution)
                self.add_equity(symbol, resolution)
            add_manual_universe(self._universe_manager, universe_selection.symbols)

    def _note_daily_universe(self, resolution: Resolution) -> None:
        """Tell the algorithm once when its universe asked for bars the data does not have."""
        asked = self.universe_settings.resolution
        if resolution != asked and not self._warned.get("universe resolution"):
            self._warned["universe resolution"] = True
            self.debug(
                f"Note: universe_settings.resolution is {getattr(asked, 'name', '?')}; "
                f"{self._ctx.source.description} has no such bars for the universe's "
                "securities, so this run uses daily bars. Set universe_settings.resolution = "
                "Resolution.DAILY to get the same data in LEAN."
            )

    @property
    def universe_manager(self) -> UniverseManager:
        """The algorithm's universes (one per manual universe selection model's symbols)."""
        return self._universe_manager

    def on_securities_changed(self, changes: Any) -> None:
        """Called at the first slice after securities were added (override if needed)."""

    @property
    def insights_generated(self) -> InsightsGeneratedEvent:
        """The event fired with each batch of generated insights: add handlers
        ``(algorithm, insights_collection)`` with ``+=``."""
        return self._insights_generated

    @insights_generated.setter
    def insights_generated(self, value: InsightsGeneratedEvent) -> None:
        # `+=` assigns the event back to itself; anything else would drop the handlers.
        if value is not self._insights_generated:
            raise TypeError(
                "insights_generated is an event: add handlers with "
                "self.insights_generated += handler"
            )

    def emit_insights(self, *insights: Any) -> None:
        """Record insights (timed now, closing after their period in exchange hours) and let
        the framework act on them. While warming up they are dropped, as in LEAN."""
        flat: list[Insight] = []
        for item in insights:
            if isinstance(item, Insight):
                flat.append(item)
            elif isinstance(item, Iterable):
                flat.extend(item)
            else:
                raise TypeError(f"emit_insights takes Insight objects, got {item!r}")
        if self._ctx.warming_up or self._ctx.initializing:
            return
        self._process_insights(self._record_insights(flat))

    # ----- the framework's work at each slice -------------------------------------------------

    def on_framework_data(self, slice: Any) -> None:
        """LEAN's ``OnFrameworkData``: the insight score function steps (warm-up included),
        then the alpha model's insights take the framework's path to orders; the path also
        runs with no insight, so that expiries and the rebalance period are acted on."""
        context = self._ctx
        self.insights.step(to_utc(context.time))
        if context.warming_up:
            return
        generated = list(self.alpha.update(self, slice) or [])
        self._process_insights(self._record_insights(generated))

    def on_framework_securities_changed(self, changes: Any) -> None:
        """LEAN's ``OnFrameworkSecuritiesChanged``: the framework models, then the algorithm's
        ``on_securities_changed``, learn which securities were added and removed."""
        for model in (
            self.alpha,
            self.portfolio_construction,
            self.risk_management,
            self.execution,
        ):
            handler = getattr(model, "on_securities_changed", None)
            if handler is not None:
                handler(self, changes)
        self.on_securities_changed(changes)

    def _record_insights(self, insights: list[Any]) -> list[Insight]:
        """Time emitted or generated insights (now, closing after their period), note the
        price then, and add them to ``self.insights`` (LEAN's ``InitializeInsights``)."""
        context = self._ctx
        securities = []  # each insight's security, looked up once
        for insight in insights:
            if not isinstance(insight, Insight):
                raise TypeError(f"insights must be Insight objects, got {insight!r}")
            security = self.securities.get(insight.symbol)
            if security is None:
                raise KeyError(
                    f"insight for {insight.symbol.value}, which was not added: call "
                    f"self.add_equity('{insight.symbol.value}') first"
                )
            securities.append(security)
        for insight, security in zip(insights, securities, strict=True):
            stamp_emitted_insight(insight, context.time, context.calendar)
            insight.reference_value = security.price
        self.insights.add_range(insights)
        if insights:
            generated = GeneratedInsightsCollection(to_utc(context.time), insights)
            self._insights_generated(self, generated)
        return list(insights)

    def _process_insights(self, insights: list[Insight]) -> None:
        """Targets from the portfolio construction model, overridden by the risk management
        model's, traded by the execution model (LEAN's ``ProcessInsights``)."""
        targets = list(self.portfolio_construction.create_targets(self, insights))
        overrides = list(self.risk_management.manage_risk(self, targets) or [])
        if overrides:
            overridden = {target.symbol for target in overrides}
            targets = overrides + [t for t in targets if t.symbol not in overridden]
        self.execution.execute(self, targets)


def notify_execution_model(algorithm: Any, order_event: Any) -> None:
    """The execution model sees each order event before the algorithm's ``on_order_event``,
    as LEAN's transaction handler calls ``Execution.OnOrderEvent``."""
    handler = getattr(algorithm.execution, "on_order_event", None)
    if handler is not None:
        handler(algorithm, order_event)


def _require_manual_universe(model: Any, method: str) -> None:
    if not isinstance(model, ManualUniverseSelectionModel | UniverseSelectionModel):
        raise NotSupportedError(
            f"{method}({type(model).__name__})",
            "only ManualUniverseSelectionModel, CustomUniverseSelectionModel and "
            "ScheduledUniverseSelectionModel are simulated",
        )


__all__ = ["QCAlgorithmFramework", "notify_execution_model"]
