"""``self.universe_manager`` with manual universes, and ManualUniverseSelectionModel's
overloads."""

from __future__ import annotations

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.algorithm_imports import UniverseSettings
from local_lean.enums import Resolution
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.framework.universe_manager import UniverseManager
from local_lean.securities import SecurityManager
from local_lean.symbols import equity_symbol


def tickers(symbols) -> list[str]:
    return [symbol.value for symbol in symbols]


def test_manual_model_takes_a_list_several_symbols_or_a_list_and_settings():
    assert tickers(ManualUniverseSelectionModel(["SPY", "FB"]).symbols) == ["SPY", "FB"]
    spy, fb = equity_symbol("SPY"), equity_symbol("FB")
    assert ManualUniverseSelectionModel(spy, fb).symbols == [spy, fb]
    assert ManualUniverseSelectionModel(spy).symbols == [spy]
    with_settings = ManualUniverseSelectionModel([spy], UniverseSettings())
    assert with_settings.symbols == [spy]
    assert ManualUniverseSelectionModel().symbols == []


def test_manual_model_refuses_what_is_not_a_symbol():
    with pytest.raises(TypeError, match="Symbols or tickers"):
        ManualUniverseSelectionModel([equity_symbol("SPY"), 42])


class ThreeUniverses(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 3)
        self.universe_settings.resolution = Resolution.DAILY
        self.set_universe_selection(ManualUniverseSelectionModel(["SPY"]))
        self.add_universe_selection(ManualUniverseSelectionModel(["QQQ"]))
        self.add_universe_selection(ManualUniverseSelectionModel("SPY", "IWM"))
        # The same symbols again make the same universe: not counted twice.
        self.add_universe_selection(ManualUniverseSelectionModel(["QQQ"]))


def test_each_distinct_manual_model_is_a_universe_and_securities_are_counted_once():
    algorithm, outcome = run_algorithm(ThreeUniverses)
    assert outcome.succeeded, outcome.runtime_error
    manager = algorithm.universe_manager
    assert manager.count == 3 and len(manager) == 3
    active = manager.active_securities
    assert active.count == 3
    assert sorted(tickers(active)) == ["IWM", "QQQ", "SPY"]
    assert all(active[symbol] is algorithm.securities[symbol] for symbol in active)
    universe = manager[manager.keys()[2]]
    assert sorted(tickers(universe.members)) == ["IWM", "SPY"]
    assert universe.contains_member(equity_symbol("IWM"))
    assert universe.symbol.value.startswith("MANUAL-UNIVERSE-SELECTION-MODEL-EQUITY-USA-")
    assert len(algorithm.securities) == 3


def test_active_securities_are_read_only_and_unknown_universes_are_named():
    manager = UniverseManager(SecurityManager())
    with pytest.raises(TypeError, match="read-only"):
        manager.active_securities[equity_symbol("SPY")] = None
    with pytest.raises(KeyError, match="no universe"):
        manager[equity_symbol("SPY")]
    assert manager.count == 0 and list(manager) == []
